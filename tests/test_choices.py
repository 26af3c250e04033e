"""Choices in the scene (issue 14): placements the v1 compiler chose by itself are attributes a
scene says (role:phase, place:beside, role:result, role:stamp, a section heading's band:solid); `ck fmt --upgrade` writes
them into v1 scenes that relied on them, so an upgraded scene renders as the v1 compiler drew it.

tests/v1_scenes holds v1 scenes (four gold entries and a golden before their upgrade, a lane and a
split chart that exercise every rule at once) with the sha256 of the layout the v1 compiler
placed for them.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.compiler import compile_scene
from engine.compiler.upgrade import upgrade
from engine.dsl import load, serialize
from tests.layout_checks import assert_no_overlap, assert_text_inside, rects

V1 = Path(__file__).parent / "v1_scenes"
# sha256 of the v1 compiler's layout.json for each scene (commit ecbc652, before choices moved
# into the scene)
V1_LAYOUTS = {
    "pipeline_overview": "d401197cd6252d0e3879c17ba6f4855a4ff8b6f09555c6b2087b4d2b528fb42d",
    "own_pipeline_release": "5d790fee6e9d6b7597ba527de9d48af5f6ccbe8938b4ce871d602e902e883c10",
    "pipeline_lane": "2ca586e1a4811d210d1e0a53ca1749b54695614ce847bc566a432d30494444aa",
    "lane_mixed": "43af3323121c3d199bd5103a8bf9fb6e599117ed8a324c0404c3890a21c6f319",
    "performance_balance": "662b04abe85d87023a0031008bb48a2072174551d58ea606cdd4b56025a835ea",
    "chart_split": "7ea1667f15ce804d6156fbde58ba6bbb9050b961c83ebf71ecc6fd79b6bf9b94",
    "memory_reality": "2873237ee2901fc85cef2ed9f4816e48839007b4fab42f1c2b49e92527731c7f",
}


def _layout(text: str, name: str, strict: bool = True) -> str:
    content = json.loads((V1 / name / "content.json").read_text())
    return compile_scene(load(text).scene, content, strict=strict).layout.to_json()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("name", sorted(V1_LAYOUTS))
def test_an_upgraded_v1_scene_renders_as_the_v1_compiler_drew_it(name):
    v1 = (V1 / name / "scene.dsl").read_text()
    once = serialize(upgrade(load(v1).scene))
    assert _sha(_layout(once, name)) == V1_LAYOUTS[name]
    assert serialize(upgrade(load(once).scene)) == once  # upgrading twice is upgrading once


@pytest.mark.parametrize("name", ["pipeline_overview", "lane_mixed", "performance_balance", "chart_split",
                                  "memory_reality"])
def test_unsaid_choices_get_the_plain_default_not_the_old_guess(name):
    v1 = (V1 / name / "scene.dsl").read_text()
    assert _sha(_layout(v1, name, strict=False)) != V1_LAYOUTS[name]


def test_the_upgrade_writes_each_choice_where_v1_made_it():
    scene = upgrade(load((V1 / "lane_mixed" / "scene.dsl").read_text()).scene)
    said = [(c.name, c.attr("role"), c.attr("place")) for c in scene.components
            if c.attr("role") or c.attr("place")]
    assert said == [
        ("section_card", None, "beside"),   # a section after the lane, set beside its short row
        ("legend_row", "phase", None),      # a row in the colour of a run of stages heads it
        ("stage_card", "result", None),     # the one stage of the short row
        ("legend_row", None, "beside"),     # a key that heads nothing stays a key, beside
        ("callout_card", None, "beside"),
        ("conclusion_strip", None, "beside"),
        ("badge_pill", "stamp", "beside"),  # badges written last: the stamp (v1, when they fit)
        ("badge_pill", "stamp", "beside"),
    ]


def test_the_upgrade_reads_a_column_chart_and_a_split_chart():
    balance = upgrade(load((V1 / "performance_balance" / "scene.dsl").read_text()).scene)
    said = [(c.name, c.attr("role") or c.attr("place")) for c in balance.components if c.attr("role") or c.attr("place")]
    # the legend rows title the two columns; the cards written before the chart's end read it
    assert said == [("legend_row", "phase"), ("legend_row", "phase"),
                    ("callout_card", "beside"), ("callout_card", "beside")]
    split = upgrade(load((V1 / "chart_split" / "scene.dsl").read_text()).scene)
    assert [(c.name, c.attr("place")) for c in split.components if c.attr("place")] == [
        ("section_card", "beside"), ("callout_card", "beside")]  # hero:split on a wide canvas


def test_the_upgrade_reads_a_posters_section_headings():
    poster = upgrade(load((V1 / "memory_reality" / "scene.dsl").read_text()).scene)
    headings = [c for c in poster.components if c.name == "header_band"][1:]
    assert headings and all(c.attr("band") == "solid" for c in headings)  # each shares a panel
    assert poster.components[0].attr("band") is None  # the page title is not a section heading


def test_a_scene_that_uses_v2_vocabulary_is_left_as_it_is():
    v1 = (V1 / "pipeline_overview" / "scene.dsl").read_text()
    v2 = v1.replace("[title_ref:callout_card.0.title]", "[outline:bold]\n[title_ref:callout_card.0.title]")
    assert serialize(upgrade(load(v2).scene)) == serialize(load(v2).scene)


def test_fmt_upgrade_writes_the_choices(tmp_path):
    path = tmp_path / "scene.dsl"
    path.write_text((V1 / "pipeline_overview" / "scene.dsl").read_text())
    assert main(["fmt", "--upgrade", "--check", str(path)]) == 1
    assert main(["fmt", "--upgrade", "--write", str(path)]) == 0
    assert "[role:stamp]" in path.read_text() and main(["fmt", "--upgrade", "--check", str(path)]) == 0


def _lane(valign: str) -> tuple:
    attr = f"|valign={valign}" if valign else ""
    doc = load("[scene] [canvas:panorama] [layout:pipeline_lane] [header_band:@header_band.0.headline] "
               + " ".join(f"[stage_card:@stage_card.{i}.title|@stage_card.{i}.caption{attr}]" for i in range(3))
               + " [/scene]")
    content = {"header_band": [{"headline": "H"}],
               "stage_card": [{"title": f"S{i}", "caption": "two words"} for i in range(3)]}
    return compile_scene(doc.scene, content, strict=True).layout


@pytest.mark.parametrize("valign", ["middle", "bottom"])
def test_valign_sets_the_caption_lower_in_the_stage_body(valign):
    top, moved = _lane(""), _lane(valign)
    assert _lane("top").to_json() == top.to_json()  # top is what an unsaid valign draws
    captions = [[t for t in lay.shapes if getattr(t, "role", "") == "caption"] for lay in (top, moved)]
    drop = [b.y - a.y for a, b in zip(*captions)]
    assert all(d > 40 for d in drop)
    box = rects(moved, {"stage"})[0]
    bottom = max(t.y for t in captions[1])
    assert (bottom > box.y + box.h * 0.8) == (valign == "bottom")
    assert_no_overlap(moved, {"stage"})
    assert_text_inside(moved, {"stage"})
