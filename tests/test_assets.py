"""Asset intake: hostile and malformed SVGs are refused in bounded time and memory, scripts never
survive, real assets profile to the right canvas, roles, palette and family, normalization leaves
no literal text and still renders, and a library scan and its vocabulary cover the library.

The real library is read from ../shared/assets (never copied here); tests that need it skip when
it is absent. Hostile inputs are generated in tmp_path by the HOSTILE table below, which
bench/asset_intake.py reuses for the real 1 s / 200 MB bound.
"""
from __future__ import annotations

import doctest
import json
import re
import time
import tracemalloc
from pathlib import Path

import cairosvg
import defusedxml.ElementTree as SafeET
import pytest

from engine import cli
from engine.assets import (
    AssetError,
    build_vocabulary,
    components_for,
    load_svg,
    normalize_document,
    profile_document,
    scan,
    write_profiles,
)
from engine.assets.family import FAMILIES
from engine.dsl.vocab import COMPONENTS

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT.parent / "shared" / "assets"
MALFORMED = {"kernel-activations", "kernel-rope"}   # the library's README names these two
needs_library = pytest.mark.skipif(
    not LIBRARY.is_dir(), reason=f"asset library {LIBRARY} is absent (it is read there, never copied in)")

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
TIME_BOUND_S = 2.0            # generous for a shared CI machine; the bench holds the real 1 s
MEMORY_BOUND = 200 * 1024 * 1024


def _billion_laughs() -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return f'<?xml version="1.0"?>\n<!DOCTYPE svg [\n{chr(10).join(entities)}\n]>\n{SVG_OPEN}<text>&lol9;</text></svg>\n'


def _write_big(path: Path) -> None:
    with open(path, "wb") as f:
        f.write(SVG_OPEN.encode())
        f.write(b"<g/>" * (50 * 1024 * 1024 // 4))
        f.write(b"</svg>")


# name -> (write the file, what the refusal message must say)
HOSTILE = {
    "billion_laughs": (lambda p: p.write_text(_billion_laughs()), "entity expansion and external references are refused"),
    "external_entity": (lambda p: p.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE svg [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
        f'{SVG_OPEN}<text>&xxe;</text></svg>\n'), "entity expansion and external references are refused"),
    "parameter_entity": (lambda p: p.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE svg [ <!ENTITY % ext SYSTEM "file:///etc/passwd"> %ext; ]>\n'
        f'{SVG_OPEN}</svg>\n'), "entity expansion and external references are refused"),
    "fifty_megabytes": (_write_big, "over the 8.0 MB limit"),
    "nested_10000_deep": (lambda p: p.write_text(SVG_OPEN + "<g>" * 10_000 + "</g>" * 10_000 + "</svg>"),
                          "nest more than 256 levels"),
    "thirty_thousand_elements": (lambda p: p.write_text(SVG_OPEN + '<rect width="1" height="1"/>' * 30_000
                                                        + "</svg>"), "more than 20000 elements"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_svg_is_refused_quickly_in_bounded_memory(tmp_path, kind):
    write, expected = HOSTILE[kind]
    path = tmp_path / f"{kind}.svg"
    write(path)
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(AssetError) as refused:
        load_svg(path)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert expected in str(refused.value)
    assert str(refused.value).startswith(str(path))
    assert seconds < TIME_BOUND_S, f"{kind}: refused in {seconds:.2f} s"
    assert peak < MEMORY_BOUND, f"{kind}: peak {peak / 2**20:.0f} MB"


def test_a_drawing_too_busy_to_profile_is_refused_quickly(tmp_path):
    # Under the element limit, but over what the pairwise structure search is allowed to compare.
    path = tmp_path / "busy.svg"
    path.write_text(SVG_OPEN + "".join(f'<rect x="{i}" y="{i % 7}" width="5" height="5"/>' for i in range(1500))
                    + "</svg>")
    doc = load_svg(path)
    start = time.perf_counter()
    with pytest.raises(AssetError, match="draws 1500 shapes and texts, over the 1000"):
        profile_document(doc)
    with pytest.raises(AssetError, match="draws 1500 shapes"):
        normalize_document(doc)
    assert time.perf_counter() - start < TIME_BOUND_S


def test_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    path = tmp_path / "xxe.svg"
    path.write_text(f'<!DOCTYPE svg [ <!ENTITY s SYSTEM "{secret.as_uri()}"> ]>\n{SVG_OPEN}<text>&s;</text></svg>')
    with pytest.raises(AssetError) as refused:
        load_svg(path)
    assert "TOP-SECRET" not in str(refused.value)


def test_plain_doctype_is_accepted_and_its_dtd_not_fetched(tmp_path):
    # Exporters write one; it declares nothing. A fetch of this path would fail loudly.
    path = tmp_path / "doctype.svg"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE svg SYSTEM "file:///nonexistent/evil.dtd">\n'
                    f'{SVG_OPEN}<rect width="10" height="10"/></svg>\n')
    assert profile_document(load_svg(path)).shapes["rect"] == 1


def test_scripts_handlers_and_outside_references_never_survive(tmp_path):
    path = tmp_path / "script.svg"
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="200" height="100" onload="alert(1)">'
        '<script>alert(2)</script><foreignObject><script>alert(3)</script></foreignObject>'
        '<style>@import url(http://evil.example/a.css); .t { fill: url(http://evil.example/p) }</style>'
        '<a xlink:href="javascript:alert(4)"><rect width="10" height="10" onclick="go()"/></a>'
        '<image href="http://evil.example/x.png" width="5" height="5"/>'
        '<rect width="5" height="5" fill="url(#ok)"/>'
        '<text x="5" y="20" class="t">Hello</text></svg>')
    doc = load_svg(path)
    assert doc.removed == {"script": 1, "foreign_object": 1, "live_animation": 0, "event_attribute": 2,
                           "external_reference": 4}
    svg = normalize_document(doc)
    for banned in ("<script", "onload", "onclick", "javascript:", "evil.example", "@import", "alert("):
        assert banned not in svg
    assert 'fill="url(#ok)"' in svg            # a reference inside the document is kept
    assert cairosvg.svg2png(bytestring=svg.encode())[:8] == b"\x89PNG\r\n\x1a\n"


def test_malformed_xml_names_line_and_column(tmp_path):
    path = tmp_path / "bad.svg"
    path.write_text(f"{SVG_OPEN}\n  <g>\n    <rect/>\n  </svg>\n")
    with pytest.raises(AssetError) as refused:
        load_svg(path)
    assert (refused.value.line, refused.value.col) == (4, 5)
    assert str(refused.value) == f"{path}:4:5: malformed XML: mismatched tag; a start tag has no matching end tag"


def test_a_non_svg_root_is_refused(tmp_path):
    path = tmp_path / "page.svg"
    path.write_text("<html><body/></html>")
    with pytest.raises(AssetError, match="root element is <html>, not <svg>"):
        load_svg(path)


@needs_library
@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_real_assets_are_refused_at_the_stray_character(name):
    path = LIBRARY / f"{name}.svg"
    with pytest.raises(AssetError) as refused:
        load_svg(path)
    e = refused.value
    assert str(e).startswith(f"{path}:{e.line}:{e.col}: malformed XML: invalid token")
    assert "unescaped '<' or '&'" in e.reason
    line = path.read_text(encoding="utf-8").splitlines()[e.line - 1]
    assert line[e.col - 1] in "<&"   # the column points at the character to escape


@needs_library
def test_cli_reports_a_refused_asset_without_a_traceback(capsys):
    path = LIBRARY / "kernel-rope.svg"
    assert cli.main(["assets", "profile", str(path)]) == 2
    err = capsys.readouterr().err
    assert re.fullmatch(rf"ck: {re.escape(str(path))}:\d+:\d+: malformed XML: invalid token; .*\n", err)


@needs_library
def test_profile_of_memory_reality_poster():
    p = profile_document(load_svg(LIBRARY / "memory-reality-infographic.svg"))
    assert (p.canvas.width, p.canvas.height, p.canvas.source) == (1200, 1420, "viewBox")
    texts = {t.text: t for t in p.texts}
    headline = texts["LLM Memory Reality"]
    assert (headline.role, headline.placeholder, headline.font_size, headline.font_weight) == (
        "headline", "heading_1", 36, 700)
    assert [t.role for t in p.texts].count("headline") == 1
    assert texts["The Math That Marketing Won't Show You"].role == "subtitle"
    assert texts["0 × ∞ = 0"].role == "value"
    assert texts["8× Lower Cost"].role == "badge"
    assert texts["C-Kernel-Engine | CPU-First LLM Inference"].role == "footer"
    first_principle = texts["First Principle"]   # inside <g transform="translate(50, 150)"> at (40, 45)
    assert (first_principle.x, first_principle.y, first_principle.role) == (90, 195, "title")
    assert "#0f0f1a" in [c["colour"] for c in p.palette]
    assert p.palette[0] == {"colour": "#ffffff", "count": 22}
    assert (p.gradients, p.markers, p.filters, p.connectors) == (4, 0, 2, 0)
    assert p.shapes["rect"] == 21 and p.shapes["circle"] == 4
    assert p.family.guess == "poster_stack"
    assert json.loads(p.to_json())["roles"]["headline"] == 1


@needs_library
def test_profile_of_failure_decision_tree():
    p = profile_document(load_svg(LIBRARY / "ir-v66-failure-decision-tree.svg"))
    assert (p.canvas.width, p.canvas.height) == (1780, 1220)
    assert p.markers == 1 and p.connectors == 7 and p.shapes["line"] == 7
    assert p.family.guess == "decision_tree"
    assert p.structure["fan_out"] == 3      # three branches leave the root at one point
    headline = p.texts[0]                    # set by the CSS class .title: 800 42px, fill #f4f9ff
    assert (headline.text, headline.role, headline.font_size, headline.font_weight, headline.fill) == (
        "v6.6 Failure Decision Tree", "headline", 42, 800, "#f4f9ff")
    assert components_for(p)["decision_node"] == 8


# The library README's family words for each guess (dual panels are "comparison" there: the README
# predates the dual_panel_compare family).
_README_WORDS = {"poster_stack": "poster stack", "comparison_span_chart": "comparison",
                 "dual_panel_compare": "comparison", "pipeline_lane": "pipeline lane",
                 "table_matrix": "table matrix", "decision_tree": "decision tree",
                 "dashboard_cards": "dashboard cards", "timeline_flow": "timeline", "memory_map": "memory map"}


@needs_library
def test_family_guess_agrees_with_the_library_readme_on_most_assets():
    readme = {}
    for row in re.findall(r"^\| ([^|]+) \| ([^|]+) \|$", (LIBRARY / "README.md").read_text(), re.MULTILINE):
        for name in row[0].split(","):
            readme[name.strip()] = row[1].strip()
    guesses = {e.name: e.profile.family.guess for e in scan(LIBRARY) if e.profile is not None}
    agree = [n for n, g in guesses.items() if readme.get(n, "").startswith(_README_WORDS[g])]
    assert len(agree) >= 15, sorted(set(guesses) - set(agree))


@needs_library
def test_canvas_comes_from_width_and_height_without_a_viewbox():
    p = profile_document(load_svg(LIBRARY / "cpu-gpu-analysis.svg"))
    assert (p.canvas.width, p.canvas.height, p.canvas.source) == (1200, 800, "width/height")


def test_canvas_is_estimated_when_the_svg_states_no_size(tmp_path):
    path = tmp_path / "nosize.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"><g transform="translate(100 50)">'
                    '<rect width="300" height="200"/></g><line x1="0" y1="0" x2="20" y2="500"/></svg>')
    p = profile_document(load_svg(path))
    assert (p.canvas.width, p.canvas.height, p.canvas.source) == (400, 500, "estimate")


def test_transforms_and_css_resolve_into_text_positions_and_style(tmp_path):
    path = tmp_path / "styled.svg"
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300">'
        '<style>text { fill: #abc; } .big { font: bold 30px sans-serif; }</style>'
        '<g transform="translate(10, 20)"><g transform="scale(2)">'
        '<text x="5" y="10" class="big">Headline here</text></g>'
        '<text x="0" y="100" style="fill: rgb(255, 0, 0); font-size: 12pt">Body text line</text></g></svg>')
    first, second = profile_document(load_svg(path)).texts
    assert (first.x, first.y, first.font_size, first.font_weight, first.fill) == (20, 40, 30, 700, "#aabbcc")
    assert (second.x, second.y, second.font_size, second.fill) == (10, 120, 16, "#ff0000")


def test_normalize_handles_tspans(tmp_path):
    path = tmp_path / "tspans.svg"
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300">'
        '<text font-size="30"><tspan x="20" y="40">Two line</tspan><tspan x="20" y="75">headline</tspan></text>'
        '<text x="20" y="120" font-size="14">A caption with <tspan font-weight="bold">bold</tspan> words</text>'
        '</svg>')
    profile = profile_document(load_svg(path))
    assert [(t.text, t.x, t.y) for t in profile.texts] == [
        ("Two line headline", 20, 40), ("A caption with bold words", 20, 120)]
    root = SafeET.fromstring(normalize_document(load_svg(path)))
    ns = "{http://www.w3.org/2000/svg}"
    first, second = root.findall(f"{ns}text")
    assert [t.text for t in first.findall(f"{ns}tspan")] == ["heading_1", None]
    assert [(t.get("x"), t.get("y")) for t in first.findall(f"{ns}tspan")] == [("20", "40"), ("20", "75")]
    assert "".join(second.itertext()) == profile.texts[1].placeholder


def _character_data(root) -> list[str]:
    """Every non-blank piece of text in a tree, except CSS inside <style>."""
    out = []
    for elem in root.iter():
        if not elem.tag.endswith("style") and (elem.text or "").strip():
            out.append(elem.text.strip())
        if (elem.tail or "").strip():
            out.append(elem.tail.strip())
    return out


@needs_library
@pytest.mark.parametrize("path", sorted(p for p in LIBRARY.glob("*.svg") if p.stem not in MALFORMED),
                         ids=lambda p: p.stem)
def test_normalized_real_asset_keeps_no_literal_text_and_renders(path):
    profile = profile_document(load_svg(path))
    svg = normalize_document(load_svg(path))
    root = SafeET.fromstring(svg)
    assert _character_data(root) == [t.placeholder for t in profile.texts]
    assert all(re.fullmatch(r"[a-z]+_\d+", slot) for slot in _character_data(root))
    assert "aria-label" not in svg
    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=200)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


@needs_library
def test_scan_profiles_every_well_formed_asset_and_refuses_the_malformed_ones(tmp_path):
    files = sorted(LIBRARY.glob("*.svg"))
    entries = scan(LIBRARY)
    assert [e.path for e in entries] == files
    assert {e.name for e in entries if e.error is not None} == MALFORMED
    profiled = [e for e in entries if e.profile is not None]
    assert len(profiled) == len(files) - len(MALFORMED)
    written = write_profiles(entries, tmp_path)
    assert sorted(p.stem for p in written) == sorted(e.name for e in profiled)
    stored = json.loads((tmp_path / "memory-reality-infographic.json").read_text())
    assert stored["canvas"] == {"width": 1200.0, "height": 1420.0, "source": "viewBox"}


@needs_library
def test_cli_scan_lists_profiles_and_refusals(tmp_path, capsys):
    assert cli.main(["assets", "scan", str(LIBRARY), "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^ir-v66-failure-decision-tree\s+1780x1220\s+decision_tree 1\.00\s+40\s+\d+\s+ok$", out, re.MULTILINE)
    assert re.search(r"^kernel-rope\s.*refused: \d+:\d+: malformed XML", out, re.MULTILINE)
    assert len(list(tmp_path.glob("*.json"))) == len(list(LIBRARY.glob("*.svg"))) - len(MALFORMED)


@needs_library
def test_vocabulary_covers_every_family_role_and_component_found(tmp_path):
    entries = scan(LIBRARY)
    report = build_vocabulary(entries, str(LIBRARY))
    profiles = [e.profile for e in entries if e.profile is not None]
    assert report["assets"] == len(profiles)
    assert {r["name"] for r in report["refused"]} == MALFORMED
    assert set(report["families"]) == {p.family.guess for p in profiles}
    assert sorted(n for names in report["families"].values() for n in names) == sorted(p.name for p in profiles)
    assert set(report["families"]) <= set(FAMILIES)
    roles_found = {t.role for p in profiles for t in p.texts}
    assert set(report["text_roles"]) == roles_found
    assert report["placeholders"]["heading"] >= 2
    assert set(report["components"]["per_asset"]) == {p.name for p in profiles}
    assert set(report["components"]["totals"]) <= set(COMPONENTS)
    assert report["components"]["totals"]["header_band"]["assets"] == len(profiles)
    assert "ir-v66-evolution-timeline" in report["needs_extension"]["timeline axis with stops (timeline_flow)"]
    out = tmp_path / "vocab.json"
    assert cli.main(["assets", "vocab", str(LIBRARY), "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == json.loads(json.dumps(report))


@pytest.mark.parametrize("module", ["colour", "geometry", "style", "tree"])
def test_docstring_examples(module):
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(f"engine.assets.{module}"))
    assert tried > 0 and failures == 0
