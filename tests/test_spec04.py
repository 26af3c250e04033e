"""specs/spec04.toml: compositional generalization (issue 15, the seed's phase 4). An explicit prompt
may ask `[add:KIND]`: the topic's scene with one KIND block after the first header. Train asks each
graft kind under the families whose gold entries never hold it; the compositional split asks (kind,
layout) pairs no other row asks or shows, each kind grafted in at least two train families."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from spec_fixtures import built, planned

from engine.data.build import build_dataset
from engine.data.qc import check_holdouts
from engine.data.rows import Row
from engine.data.spec import load_spec, spec_tokenizer
from engine.data.variants import kinds_in
from engine.dsl import load
from engine.dsl.model import walk
from engine.fileio import InputError
from engine.inference.generate import check_prompt
from engine.paths import ROOT
from engine.probe.probe_list import select

SPEC04 = ROOT / "specs" / "spec04.toml"


@pytest.fixture(scope="module")
def spec04():
    return built(SPEC04)


def _asked(row) -> str | None:
    return row.provenance.get("add")


def test_a_grafted_row_is_its_topics_scene_with_one_block_after_the_header(spec04):
    spec, builder, rows = spec04
    grafted = [r for r in rows if _asked(r) and r.bucket == "direct"]
    assert len([r for r in grafted if r.split != "compositional"]) == spec.variants.graft_rows
    for r in grafted:
        scene = load(r.target).scene
        kind = _asked(r)
        assert r.prompt.split()[-2] == f"[add:{kind}]"
        at = [c.name for c in scene.components].index(kind)
        assert scene.components[at - 1].name == "header_band"
        assert all(ref.path.startswith(f"{kind}.0.") for ref in scene.components[at].refs)
        # without the block it is exactly what the same prompt without the tag asks
        plain = replace(scene, components=scene.components[:at] + scene.components[at + 1:])
        topic = scene.attr("topic")
        program = builder.assign[r.layout, topic].scene
        assert [c.name for c in plain.components] == [c.name for c in program.components]
        assert plain.plan == builder.change_of[topic]


def test_every_compositional_pair_is_new_and_its_kind_is_shown_grafted_twice(spec04):
    spec, builder, rows = spec04
    held = {f: set().union(*(kinds_in(g.scene) for g in builder.golds if g.family == f)) for f in spec.families}
    asked = set(spec.splits.compositional)
    assert Counter(layout for _, layout in asked) == dict.fromkeys(spec.families, 2)
    shown = Counter(k for k, _ in builder.graft_cells)
    for kind, layout in asked:
        assert kind not in held[layout]
        assert shown[kind] >= 2
    # thesis_box is in no gold entry: train grafts it in exactly two families, seven cells ask it
    assert not any("thesis_box" in kinds for kinds in held.values())
    assert sorted(f for k, f in builder.graft_cells if k == "thesis_box") == ["dual_panel_compare", "memory_map"]
    train_pairs = {(_asked(r), r.layout) for r in rows if _asked(r) and r.split == "train"}
    assert train_pairs == set(builder.graft_cells)


def test_no_row_outside_the_compositional_split_asks_or_shows_a_compositional_pair(spec04):
    spec, _, rows = spec04
    asked = set(spec.splits.compositional)
    comp = [r for r in rows if r.split == "compositional"]
    assert {(_asked(r), r.layout) for r in comp} == asked and len(comp) == 6 * len(asked)
    assert check_holdouts(rows, set(spec.splits.hidden), asked)["passed"]
    for r in rows:
        if r.split != "compositional":
            assert not any(lay == r.layout and f"[{kind}]" in r.target for kind, lay in asked), r.id
    # the check catches one: a train row asking a compositional pair
    leak = comp[0]
    bad = Row("leak", leak.prompt, leak.target, "train", "direct", leak.layout, dict(leak.provenance))
    report = check_holdouts(rows + [bad], set(spec.splits.hidden), asked)
    assert not report["passed"] and report["evidence"]["compositional_pair_outside_its_split"] == ["leak"]


def test_the_probe_list_takes_six_cases_of_every_compositional_pair(spec04):
    spec, _, rows = spec04
    chosen = [r for r in select(rows) if r.split == "compositional"]
    assert Counter((_asked(r), r.layout) for r in chosen) == dict.fromkeys(spec.splits.compositional, 6)


def test_the_add_tag_is_a_reserved_opener_and_its_value_a_path_piece():
    tok = spec_tokenizer(load_spec(SPEC04))
    prompt = ("[task:svg] [layout:table_matrix] [topic:kv_cache_budget] [theme:infra_dark] [tone:blue] "
              "[density:airy] [add:thesis_box] [OUT]")
    assert tok.tokens("[add:thesis_box]") == ["[add:", "thesis_box", "]"]
    assert check_prompt(tok, prompt) == prompt
    with pytest.raises(InputError, match="add 'thesis_bx' is not one of the DSL's adds; did you mean 'thesis_box'"):
        check_prompt(tok, prompt.replace("thesis_box", "thesis_bx"))


def _variant(tmp_path, old: str, new: str):
    text = SPEC04.read_text()
    assert old in text
    path = tmp_path / "spec04.toml"
    path.write_text(text.replace(old, new, 1).replace('gold_pack = "../gold"', f'gold_pack = "{ROOT / "gold"}"'))
    return load_spec(path)


def test_a_pair_that_is_not_new_or_a_kind_shown_once_is_refused(tmp_path):
    held = _variant(tmp_path, '{ add = "badge_pill", layout = "poster_stack" }',
                    '{ add = "callout_card", layout = "comparison_span_chart" }')
    with pytest.raises(InputError, match=r"\(callout_card, comparison_span_chart\): a gold entry of .* holds"):
        planned(held)
    once = _variant(tmp_path, '{ add = "callout_card", layout = "memory_map" },',
                    '{ add = "callout_card", layout = "memory_map" },\n    { add = "thesis_box", layout = "memory_map" },')
    with pytest.raises(InputError, match="asks thesis_box, which train shows grafted in 1 family"):
        planned(once)
    with pytest.raises(InputError, match="add 'header_band' is not one of variants.grafts"):
        _variant(tmp_path, '{ add = "legend_row", layout = "memory_map" }', '{ add = "header_band", layout = "memory_map" }')


def test_a_spec_without_grafts_has_no_add_tag_and_spec04_asks_spec03s_hidden_cells(spec04):
    spec03 = load_spec(ROOT / "specs" / "spec03.toml")
    rows03 = build_dataset(spec03)
    assert not [r for r in rows03 if r.split == "compositional" or "[add:" in r.prompt]
    spec, _, rows04 = spec04
    cells = lambda rows: Counter((load(r.target).scene.attr("topic"), r.layout) for r in rows if r.split == "hidden")
    assert cells(rows04) == cells(rows03) and set(cells(rows04)) == set(spec.splits.hidden)


def test_r2_puts_the_block_last_and_differs_from_r1_on_one_axis():
    import tomllib

    from engine.data.axes import changed_axes

    r1_text, r2_text = SPEC04.read_text(), (ROOT / "specs" / "spec04_r2.toml").read_text()
    assert changed_axes(tomllib.loads(r2_text), tomllib.loads(r1_text)) == {"representation": ["variants.graft_at"]}
    r1, r2 = load_spec(SPEC04), load_spec(ROOT / "specs" / "spec04_r2.toml")
    assert (r1.variants.graft_at, r2.variants.graft_at) == ("header", "end")
    b1, b2 = planned(r1), planned(r2)
    for kind, layout in r2.splits.compositional[:4]:
        topic = next(t for lay, t in b2.free if lay == layout)
        style = b2.styles[0]
        first, last = (load(b.row(layout, topic, style, "direct", "compositional", add=kind).target).scene
                       for b in (b1, b2))
        assert last.components[-1].name == kind and first.components[-1].name != kind
        assert sorted(c.name for c in first.components) == sorted(c.name for c in last.components)


def test_an_unknown_graft_place_is_refused(tmp_path):
    with pytest.raises(InputError, match="graft_at = 'middle' is not one of header, start, end"):
        _variant(tmp_path, "graft_rows = 260\n", 'graft_rows = 260\ngraft_at = "middle"\n')


def _png(scene, content) -> bytes:
    import cairosvg

    from engine.compiler import compile_scene

    return cairosvg.svg2png(bytestring=compile_scene(scene, content).svg.encode(), output_width=320)


def test_r3_writes_the_block_first_and_draws_r1s_picture():
    from engine.data.variants import graft

    r3 = load_spec(ROOT / "specs" / "spec04_r3.toml")
    assert r3.variants.graft_at == "start"
    for g in planned(r3).golds[::4]:
        for kind in ("thesis_box", "legend_row"):
            first, after = graft(g.scene, kind, "start"), graft(g.scene, kind, "header")
            assert first.components[0].name == kind and first.components[1:] == g.scene.components
            # the SVGs differ in the order their elements are written; the pixels do not
            assert _png(first, g.content) == _png(after, g.content), (g.name, kind)



def test_r4_asks_every_graft_kind_in_every_family_a_held_one_with_its_next_index():
    r4 = ROOT / "specs" / "spec04_r4.toml"
    spec, builder, rows = built(r4)
    asked = set(spec.splits.compositional)
    assert set(builder.graft_cells) == {(k, f) for k in spec.variants.grafts for f in spec.families} - asked
    held = {f: set().union(*(kinds_in(g.scene) for g in builder.golds if g.family == f)) for f in spec.families}
    seen_held = 0
    for r in rows:
        kind = _asked(r)
        if not kind or r.bucket != "direct" or r.split == "compositional":
            continue
        assert (kind, r.layout) not in asked
        scene = load(r.target).scene
        at = [c.name for c in scene.components].index(kind)
        assert scene.components[at - 1].name == "header_band"
        rest = scene.components[:at] + scene.components[at + 1:]
        index = {ref.path.split(".")[1] for ref in scene.components[at].refs}
        others = {ref.path.split(".")[1] for v in walk(replace(scene, components=rest)) for ref in v.comp.refs
                  if ref.path.startswith(f"{kind}.")}
        assert len(index) == 1 and index.isdisjoint(others)
        assert int(index.pop()) == (1 + max(map(int, others)) if others else 0)
        seen_held += kind in held[r.layout]
    assert seen_held > 0
    # what graft_held adds is train rows: the compositional split asks what r1's asks, and the change is one axis
    assert check_holdouts(rows, set(spec.splits.hidden), asked)["passed"]
    import tomllib

    from engine.data.axes import changed_axes

    assert changed_axes(tomllib.loads(r4.read_text()), tomllib.loads(SPEC04.read_text())) == {"curriculum": ["variants.graft_held"]}


def test_r5_asks_each_graft_cell_two_kinds_that_differ_in_the_block_alone():
    r5 = ROOT / "specs" / "spec04_r5.toml"
    spec, builder, rows = built(r5)
    grafted = [r for r in rows if _asked(r) and r.bucket == "direct" and r.split != "compositional"]
    assert len(grafted) == spec.variants.graft_rows
    pairs: dict[str, list] = {}
    for r in grafted:
        if "pair" in r.provenance:
            pairs.setdefault(r.provenance["pair"], []).append(r)
    # a pair wants two kinds of one family; a kind left over with no other goes alone
    assert 2 * len(pairs) >= 0.9 * len(grafted) and all(len(p) == 2 for p in pairs.values())
    for a, b in pairs.values():
        assert a.split == b.split and a.layout == b.layout and _asked(a) != _asked(b)
        assert a.prompt.replace(f"[add:{_asked(a)}]", "") == b.prompt.replace(f"[add:{_asked(b)}]", "")
        blocks = []
        for r in (a, b):
            scene = load(r.target).scene
            at = [c.name for c in scene.components].index(_asked(r))
            blocks.append(scene.components[at].name)
            rest = replace(scene, components=scene.components[:at] + scene.components[at + 1:])
            assert rest == load(builder.row(r.layout, rest.attr("topic"), _style(rest), "direct", "train").target).scene
        assert blocks == [_asked(a), _asked(b)]
    # one cell is never asked the same kind twice, and no two pairs share a cell
    cells = [(r.layout, r.prompt.replace(f"[add:{_asked(r)}]", "")) for r in grafted]
    assert Counter(Counter(cells).values()) == Counter({2: len(pairs), 1: len(grafted) - 2 * len(pairs)})
    assert check_holdouts(rows, set(spec.splits.hidden), set(spec.splits.compositional))["passed"]


def _style(scene) -> tuple[str, str, str]:
    return tuple(scene.attr(k) for k in ("theme", "tone", "density"))

