"""specs/spec03.toml: family expansion (issue 15, the seed's phase 3). Its nine families each come
from their own gold entries; spec02's hidden cells ask what they asked in spec02_plan-r10 (the new
gold topics are dealt their kinds after spec02's pool); each new family has three hidden cells of
three kinds; no hidden cell leaks into another split; and the frozen list is this spec's."""
from __future__ import annotations

from collections import Counter

import pytest
from spec_fixtures import built, cell, planned

from engine.data.build import build_dataset
from engine.data.spec import load_spec
from engine.dsl import load
from engine.paths import ROOT
from engine.probe.probe_list import default_list_path, load_probe_list

SPEC03 = ROOT / "specs" / "spec03.toml"
R10 = ROOT / "specs" / "spec02_plan_r10.toml"
NEW = ("dual_panel_compare", "timeline_flow", "memory_map")


@pytest.fixture(scope="module")
def spec03():
    return built(SPEC03)



def test_nine_families_each_from_its_own_gold_entries(spec03):
    spec, builder, _ = spec03
    assert len(spec.families) == 9 and set(NEW) <= set(spec.families)
    assert {g.family for g in builder.golds} == set(spec.families)
    for family in NEW:   # each new family's other topics are its own anchor's programs
        assert all(builder.assign[family, t].gold in {g.name for g in builder.golds if g.family == family}
                   for t in builder.pool)


def test_spec02s_cells_and_topics_keep_what_they_asked_in_r10(spec03):
    spec, builder, _ = spec03
    r10 = load_spec(R10)
    before = planned(r10)
    assert set(r10.splits.hidden) <= set(spec.splits.hidden)
    assert all(builder.change_of[t] == kind for t, kind in before.change_of.items())
    assert all(builder.assign[layout, t].id == before.assign[layout, t].id for t, layout in r10.splits.hidden)


def test_each_new_family_hides_three_cells_of_three_kinds_each_taught_by_other_topics(spec03):
    spec, builder, _ = spec03
    for family in NEW:
        cells = [t for t, layout in spec.splits.hidden if layout == family]
        kinds = {builder.assign[family, t].change for t in cells}
        assert len(cells) == 3 and len(kinds) == 3, (family, kinds)
        for t in cells:   # the layout's realization of the kind is shown in train under other topics
            kind = builder.assign[family, t].change
            others = [o for lay, o in builder.free if lay == family and builder.assign[lay, o].change == kind]
            assert len(others) >= 2, (family, t, kind)
    realized = Counter(builder.assign[lay, t].change for t, lay in spec.splits.hidden if lay in NEW)
    assert all(realized[k] >= 2 for k in ("canvas", "count_dup", "count_drop", "order_swap")), realized


def test_no_row_outside_the_hidden_split_carries_a_hidden_cell(spec03):
    spec, _, rows = spec03
    hidden = set(spec.splits.hidden)
    assert not [r.id for r in rows if r.split != "hidden" and cell(r) in hidden]
    assert {cell(r) for r in rows if r.split == "hidden"} == hidden


def test_the_frozen_list_is_a_rungs_and_probes_every_hidden_cell_with_its_rows_targets():
    plist = load_probe_list(default_list_path("spec03"))
    # frozen from the newest rung's spec file; every rung asks the same cells
    (spec,) = [s for s in map(load_spec, sorted((ROOT / "specs").glob("spec03*.toml")))
               if s.sha256 == plist.source["spec_sha256"]]
    assert spec.splits.hidden == load_spec(SPEC03).splits.hidden
    cells = {(load(i.expected).scene.attr("topic"), i.layout) for i in plist.items if i.split == "hidden"}
    assert cells == set(spec.splits.hidden)
    targets = {r.prompt: r.target for r in build_dataset(spec)}
    assert all(targets[i.prompt] == i.expected for i in plist.items)


def test_its_bars_ask_every_family_of_the_hidden_split():
    bars = load_spec(SPEC03).bars
    assert bars["unconstrained.hidden.exact_rate"] == 0.8 and bars["unconstrained.hidden@each.exact_rate"] == 0.6
