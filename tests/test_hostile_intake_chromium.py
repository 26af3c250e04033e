"""Intake output is inert (issue 18): an asset full of live content -- foreignObject HTML that loads
(img, iframe, object), an animation that writes a javascript: href, a `set` that adds a handler,
CSS url() spelt with escapes, a script -- normalized by `ck assets normalize`, then opened in
headless Chromium from a local server that logs every request: the normalized file makes no
request and runs nothing. The same file as it came is the control: there the harness sees the
requests, so their absence means something.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from test_report_chromium import CHROMIUM, _dump_dom, _Server

from engine.cli import main

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt-get "
                                                          "install chromium); tests/test_hostile_render.py still "
                                                          "checks the normalized text")


def _live(port: int) -> str:
    at = f"http://127.0.0.1:{port}"
    return ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" height="200">'
            '<foreignObject width="300" height="100"><div xmlns="http://www.w3.org/1999/xhtml">'
            f'<img src="{at}/img"/><iframe src="{at}/iframe"></iframe><object data="{at}/object"></object>'
            '</div></foreignObject>'
            f'<style>.t {{ fill: u\\72l({at}/css#p) }} @import url({at}/import.css);</style>'
            '<a xlink:href="#x"><animate attributeName="href" values="javascript:document.title=\'PW\'+\'NED\'" dur="0.1s" fill="freeze"/>'
            '<set attributeName="onmouseover" to="document.title=\'PW\'+\'NED\'"/>'
            '<text x="10" y="150" class="t">Hello intake</text></a>'
            f'<image href="{at}/image.png" width="10" height="10"/>'
            f'<script>fetch("{at}/script")</script></svg>')


def test_a_normalized_asset_opened_in_a_browser_requests_nothing(tmp_path, capsys):
    site = tmp_path / "site"
    site.mkdir()
    with _Server(site) as server:
        (site / "raw.svg").write_text(_live(server.port))
        _dump_dom(f"http://127.0.0.1:{server.port}/raw.svg", tmp_path / "profile-raw")
        assert {"/img", "/iframe", "/script"} <= set(server.requests)    # the control: the harness sees them

        assert main(["assets", "normalize", str(site / "raw.svg"), "-o", str(site / "normalized.svg")]) == 0
        server.requests.clear()
        dom = _dump_dom(f"http://127.0.0.1:{server.port}/normalized.svg", tmp_path / "profile-normalized")
        requests = [p for p in server.requests if p != "/favicon.ico"]
    assert requests == ["/normalized.svg"]
    assert "PWNED" not in dom
