"""A report whose run texts are hostile HTML, opened in headless Chromium: no script runs and no
request leaves the page (issue 8, "Bad input"). A control page with the same payload unescaped
proves the harness sees both when they happen.

The page is served from a local HTTP server that logs every request, so an <img src=x> resolved
against the page, or an absolute URL to that server, would show up in the log. The payload builds
its marker from two halves, so the marker text exists in the page only if the payload ran.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from runs_fixtures import probe_json, run_folder, write_probe

from engine.report.render import write_report
from engine.runs.ledger import Ledger
from engine.runs.record import record_folder

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MARKER = "PWNED"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt-get install "
                                                          "chromium); the report's escaping is still checked by "
                                                          "tests/test_report_html.py")


def _payload(port: int) -> str:
    set_title = "document.title='PW'+'NED'"
    return (f'<img src=x onerror="{set_title}"><script>{set_title}</script>'
            f'<img src="http://127.0.0.1:{port}/leak"><svg onload="{set_title}"></svg>'
            f'<iframe src="javascript:parent.{set_title}"></iframe>')


class _Server:
    """An HTTP server on a free local port, serving `root`, recording request paths."""

    def __init__(self, root: Path):
        self.requests: list[str] = []
        log = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args) -> None:
                log.append(self.path)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _dump_dom(url: str, profile: Path) -> str:
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         "--disable-background-networking", "--disable-component-update", f"--user-data-dir={profile}",
         "--virtual-time-budget=3000", "--dump-dom", url],
        check=False, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _hostile_report(tmp_path: Path, port: int) -> Path:
    hostile = _payload(port)
    folder = run_folder(tmp_path / "run")
    data = probe_json(False, failing={"own_tree_triage-dev": "tone"}, raw_override={"own_tree_triage-dev": hostile})
    case = next(c for c in data["cases"] if c["id"] == "own_tree_triage-dev")
    case["prompt"] += hostile
    case["raw_result"]["evidence"] = hostile
    case["content"] = {"header_band": [{"headline": hostile, "kicker": hostile}]}
    write_probe(folder, data)
    with Ledger.open(tmp_path / "ws") as ledger:
        run = record_folder(ledger, folder)
        ledger.decide(run, "repair", hostile, next_run=hostile, lessons=(hostile,))
        return write_report(folder, tmp_path / "site" / "report.html", ledger, run)


def test_hostile_run_text_runs_no_script_and_fetches_nothing(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    with _Server(site) as server:
        _hostile_report(tmp_path, server.port)
        control = site / "control.html"
        control.write_text(f"<!DOCTYPE html><html><head><title>control</title></head><body>{_payload(server.port)}"
                           "</body></html>")
        dom = _dump_dom(f"http://127.0.0.1:{server.port}/control.html", tmp_path / "profile-control")
        # the harness sees a payload that runs and fetches
        assert MARKER in dom and {"/x", "/leak"} <= set(server.requests)

        server.requests.clear()
        dom = _dump_dom(f"http://127.0.0.1:{server.port}/report.html", tmp_path / "profile-report")
        page_requests = [p for p in server.requests if p != "/favicon.ico"]   # the browser's own, not the page's
    assert "failure-gallery" in dom and "&lt;img src=x onerror=" in dom       # the payload is there, as text
    assert MARKER not in dom
    assert page_requests == ["/report.html"]
