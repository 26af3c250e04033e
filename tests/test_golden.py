"""End-to-end goldens: each folder in tests/golden holds scene.dsl + content.json and the
expected placed geometry (layout.json) and SVG (expected.svg).

Accept new output with CK_UPDATE_GOLDEN=1 (after looking at the PNG it writes beside them:
`expected.png`). A failing case writes tests/golden/_failures/CASE.html with old and new side by
side.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engine.compiler import compile_scene
from engine.dsl import load, serialize
from engine.fileio import write_atomic

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "scene.dsl").exists())
UPDATE = os.environ.get("CK_UPDATE_GOLDEN") == "1"


def _compile(case: str):
    d = GOLDEN / case
    doc = load((d / "scene.dsl").read_text())
    assert not doc.diagnostics, [x.format() for x in doc.diagnostics]
    content = json.loads((d / "content.json").read_text())
    return doc, compile_scene(doc.scene, content, strict=True)


def _write_failure_page(case: str, new_svg: str) -> Path:
    out = GOLDEN / "_failures"
    write_atomic(out / f"{case}.new.svg", new_svg)
    page = out / f"{case}.html"
    write_atomic(page, f"""<!doctype html><meta charset="utf-8"><title>{case}</title>
<style>body{{font-family:sans-serif}} img{{width:48%;border:1px solid #999}}</style>
<h1>{case}: expected (left) vs new (right)</h1>
<img src="../{case}/expected.svg"><img src="{case}.new.svg">""")
    return page


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    d = GOLDEN / case
    doc, compiled = _compile(case)
    assert (d / "scene.dsl").read_text() == serialize(doc.scene), "fixture scene must be canonical"
    if UPDATE:
        import cairosvg

        write_atomic(d / "layout.json", compiled.layout.to_json())
        write_atomic(d / "expected.svg", compiled.svg)
        write_atomic(d / "expected.png", cairosvg.svg2png(bytestring=compiled.svg.encode(), output_width=800))
        pytest.skip("golden updated; look at expected.png before committing")
    expected_layout = (d / "layout.json").read_text()
    if compiled.layout.to_json() != expected_layout or compiled.svg != (d / "expected.svg").read_text():
        page = _write_failure_page(case, compiled.svg)
        assert compiled.layout.to_json() == expected_layout, f"layout moved; see {page}"
        assert compiled.svg == (d / "expected.svg").read_text(), f"SVG changed; see {page}"


def test_every_family_and_theme_has_a_golden():
    from engine.dsl.vocab import LAYOUTS, TOP_LEVEL_VALUES

    seen = {"layout": set(), "theme": set()}
    for case in CASES:
        scene = load((GOLDEN / case / "scene.dsl").read_text()).scene
        for key in seen:
            seen[key].add(scene.attr(key))
    assert seen["layout"] >= set(LAYOUTS)
    assert seen["theme"] >= set(TOP_LEVEL_VALUES["theme"])
