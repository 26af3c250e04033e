"""`ck gold add` starters: each family's starter builds that family's own components from a
profile (table rows, stages joined by arrows, tree nodes and edges, bars, panels, code lines,
label/value rows), the registry picks a family's module up by its name, a starter never writes
the asset's words into the scene, and every well-formed library asset starts an entry that
compiles; a malformed asset is refused with a clear message and exit 2."""
from __future__ import annotations

import importlib.machinery
import json
import re
import sys
import types
from pathlib import Path

import pytest

from engine.assets.family import FamilyGuess
from engine.assets.geometry import Box, Canvas
from engine.assets.profile import AssetProfile, TextElement
from engine.cli import main
from engine.compiler import compile_scene
from engine.dsl import load, walk
from engine.dsl.vocab import LAYOUTS
from engine.gold import starters
from engine.gold.add import (
    GREY_THEME,
    LIGHT_THEME,
    is_light,
    page_theme,
    scene_and_content,
)

LIBRARY = Path(__file__).resolve().parents[2] / "shared" / "assets"
W, H = 1600.0, 900.0


def text(s: str, x: float, y: float, role: str = "label", *, size: float = 14, weight: int = 400,
         anchor: str = "start", mono: bool = False, fill: str = "#e0e0e0") -> TextElement:
    return TextElement(s, x, y, size, weight, fill, anchor, role, role, mono)


def profile(texts: list[TextElement], guess: str, cards: list[Box] = (), runner_up: str = "poster_stack") -> AssetProfile:
    return AssetProfile("hand made", Canvas(W, H, "viewBox"), FamilyGuess(guess, 0.8, runner_up, 0.3, {}),
                        texts, [], {}, 0, 0, 0, 0, {}, {}, list(cards))


HEAD = [text("Hand Made Page", 800, 50, "headline", size=32, weight=700, anchor="middle")]


def built(p: AssetProfile) -> tuple[str, dict, list]:
    """The starter's scene, content and (component, attrs) in document order; the scene compiles."""
    scene, content, _ = scene_and_content(p)
    doc = load(scene)
    assert not doc.errors, [d.format() for d in doc.errors]
    compiled = compile_scene(doc.scene, content)
    assert not [d for d in compiled.diagnostics if d.code in ("unresolved-ref", "unknown-node")]
    return scene, content, [(v.comp.name, {a.key: a.value for a in v.comp.attrs}) for v in walk(doc.scene)]


def names(parts) -> list[str]:
    return [n for n, _ in parts]


def stages_profile() -> AssetProfile:
    cards = [Box(60 + 380 * i, 200, 300, 160) for i in range(4)]
    texts = HEAD + [t for i in range(4) for t in (
        text(f"Stage {i}", 80 + 380 * i, 240, "title", size=18, weight=700),
        text(f"does step {i} of the work", 80 + 380 * i, 280, "caption"))]
    return profile(texts, "pipeline_lane", cards)


def test_a_pipeline_starts_as_stages_joined_by_arrows_in_reading_order():
    _, content, parts = built(stages_profile())
    assert names(parts).count("stage_card") == 4 and names(parts).count("flow_arrow") == 3
    assert [s["title"] for s in content["stage_card"]] == [f"Stage {i}" for i in range(4)]
    assert content["stage_card"][2]["caption"] == "does step 2 of the work"


def test_a_table_starts_as_a_header_and_rows_in_the_assets_columns():
    texts = HEAD + [text(h, x, 200, "title", weight=700) for h, x in (("Case", 80), ("Why", 600), ("Owner", 1200))]
    for r in range(4):
        texts += [text(f"case {r}", 80, 260 + 50 * r), text(f"reason {r}", 600, 260 + 50 * r),
                  text(f"owner {r}", 1200, 260 + 50 * r)]
    _, content, parts = built(profile(texts, "table_matrix"))
    assert names(parts).count("table_header") == 1 and names(parts).count("table_row") == 4
    assert content["table_header"][0] == {"column_1": "Case", "column_2": "Why", "column_3": "Owner"}
    assert content["table_row"][3] == {"column_1": "case 3", "column_2": "reason 3", "column_3": "owner 3"}


def test_a_tree_starts_as_nodes_by_level_with_edges_to_the_nearest_parent():
    cards = [Box(650, 150, 300, 100), Box(200, 400, 300, 100), Box(1100, 400, 300, 100)]
    texts = HEAD + [text("Root question", 670, 190, "title", weight=700), text("Left answer", 220, 440, "title", weight=700),
                    text("Right answer", 1120, 440, "title", weight=700)]
    scene, _, parts = built(profile(texts, "decision_tree", cards))
    assert [a.get("variant") for n, a in parts if n == "decision_node"] == ["root", "leaf", "leaf"]
    assert names(parts).count("decision_edge") == 2
    assert scene.count("[from_ref:n1]") == 2 and "[to_ref:n2]" in scene and "[to_ref:n3]" in scene


def test_a_chart_starts_as_bars_with_their_numbers_for_magnitudes():
    texts = HEAD + [t for i, (label, value) in enumerate((("GPU", "67,000"), ("CPU", "1,800"), ("Disk", "12")))
                    for t in (text(label, 80, 200 + 60 * i), text(value, 900, 200 + 60 * i, "value"))]
    _, content, parts = built(profile(texts, "comparison_span_chart"))
    assert names(parts).count("compare_bar") == 3
    assert [b["magnitude"] for b in content["compare_bar"]] == [67000.0, 1800.0, 12.0]


def test_boxes_become_panels_of_code_lines_and_label_value_rows_side_by_side():
    cards = [Box(60, 150, 700, 400), Box(840, 150, 700, 400)]
    texts = HEAD + [text("Left panel", 80, 190, "title", size=18, weight=700),
                    text("x = f(y)", 80, 230, mono=True), text("return x", 80, 255, mono=True),
                    text("Right panel", 860, 190, "title", size=18, weight=700),
                    text("Latency", 860, 230), text("12 ms", 1500, 230, "value", anchor="end"),
                    text("Memory", 860, 260), text("80 GB", 1500, 260, "value", anchor="end")]
    _, content, parts = built(profile(texts, "dashboard_cards", cards))
    assert names(parts)[1:3] == ["group", "panel"] and parts[1][1]["arrange"] == "row"
    assert [p["title"] for p in content["panel"]] == ["Left panel", "Right panel"]
    assert [a.get("style") for n, a in parts if n == "text_line"] == ["mono", "mono"]
    assert content["kv_row"] == [{"label": "Latency", "value": "12 ms"}, {"label": "Memory", "value": "80 GB"}]


def test_texts_on_one_line_in_a_monospace_face_are_one_code_line_at_their_columns():
    texts = HEAD + [text("RMSNorm", 80, 200, mono=True), text("3.5 KB", 500, 200, mono=True),
                    text("84 KB", 800, 200, mono=True)]
    _, content, parts = built(profile(texts, "poster_stack"))
    assert [a.get("style") for n, a in parts if n == "text_line"] == ["code"]
    assert re.fullmatch(r"RMSNorm {2,}3\.5 KB {2,}84 KB", content["text_line"][0]["text"])


def test_a_family_module_drops_in_by_name_and_a_family_without_one_falls_back(monkeypatch):
    assert set(LAYOUTS) <= set(starters.STARTERS)
    no_module = profile(HEAD, "memory_map", runner_up="table_matrix")
    monkeypatch.delitem(starters.STARTERS, "memory_map", raising=False)
    assert starters.family_of(no_module) == "table_matrix"
    monkeypatch.delitem(starters.STARTERS, "timeline_flow", raising=False)   # a runner-up without one either
    assert starters.family_of(profile(HEAD, "memory_map", runner_up="timeline_flow")) == starters.FALLBACK
    name = f"{starters.__name__}.memory_map"
    module = types.ModuleType(name)
    module.build = lambda p, t: ("[scene]\n[/scene]\n", {})
    module.__spec__ = importlib.machinery.ModuleSpec(name, None)
    monkeypatch.setitem(sys.modules, name, module)
    assert starters._registry()["memory_map"] is module.build


@pytest.mark.parametrize("family", LAYOUTS)
def test_no_starter_writes_the_assets_words_into_the_scene(family):
    p = stages_profile()
    scene, content, _ = scene_and_content(profile(p.texts, family, p.cards))
    assert all(re.fullmatch(r"\[/?[a-z0-9_]+(:[a-z0-9_.]+)?\]", line) for line in scene.splitlines()), scene
    for t in p.texts:
        assert t.text not in scene
    placed = json.dumps(content)
    assert all(t.text in placed for t in p.texts)   # a small page loses no text


@pytest.mark.parametrize("family", LAYOUTS + ("dual_panel_compare", "timeline_flow"))
@pytest.mark.parametrize("roles", [[], ["paragraph", "title", "caption"], ["value", "caption", "title", "value"],
                                   ["badge", "badge", "footer"], ["headline", "headline", "subtitle", "subtitle"]])
def test_every_profile_shape_starts_an_entry_that_compiles(roles, family):
    texts = [text(f"{role} number {i}", 40 + 200 * (i % 3), 80 + 60 * i, role) for i, role in enumerate(roles)]
    built(profile(texts, family, [Box(30, 60, 500, 120)]))


def test_the_page_look_follows_the_asset():
    page = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="{}"/>' \
           '<text x="10" y="50" fill="{}">Title</text></svg>'
    assert is_light(page.format("#f7f3ea", "#111111").encode())
    assert page_theme(page.format("#ffffff", "#111111").encode()) == LIGHT_THEME
    assert page_theme(page.format("#1a1a1a", "#ffffff").encode()) == GREY_THEME
    assert page_theme(page.format("#0f1a30", "#ffffff").encode()) == "infra_dark"
    scene, _, _ = scene_and_content(stages_profile(), LIGHT_THEME)
    assert f"[theme:{LIGHT_THEME}]" in scene and "[canvas:wide]" in scene and "[hero:center]" in scene


@pytest.mark.skipif(not LIBRARY.is_dir(), reason="the shared asset library is not beside the repository")
def test_gold_add_over_the_whole_library(tmp_path, capsys):
    """Every well-formed asset starts an entry whose scene compiles; a malformed one is refused
    with its line and column, exit 2, no traceback."""
    for asset in sorted(LIBRARY.glob("*.svg")):
        code = main(["gold", "add", str(asset), "--pack", str(tmp_path), "--assets", str(LIBRARY)])
        err = capsys.readouterr().err
        if code == 2:
            assert "malformed XML" in err and "Traceback" not in err, (asset.name, err)
            assert err.startswith(f"ck: {asset}:"), err
            continue
        assert code == 0, (asset.name, err)
        folder = tmp_path / asset.stem.lower().replace("-", "_")
        doc = load((folder / "scene.dsl").read_text())
        assert not doc.errors, (asset.name, [d.format() for d in doc.errors])
        compile_scene(doc.scene, json.loads((folder / "content.json").read_text()))
    assert len(list(tmp_path.iterdir())) >= 60
