"""DSL v3's plan line and specs/spec02_plan.toml, whose one change from spec02-r4 it is.

The plan line is optional, first after [scene], one of vocab.PLAN_VALUES, kept through the
canonical form and invisible to the compiler. spec02_plan's rows are spec02-r4's rows with the
topic's change kind written there: the same token for a topic under every layout, hidden ones too.
"""
from __future__ import annotations

import json
import random
from collections import defaultdict

import pytest

from engine.compiler import compile_scene
from engine.data.build import CHANGE_KINDS, _Builder, build_dataset, load_golds
from engine.data.spec import load_spec
from engine.data.variants import DAMAGE, damage
from engine.dsl import load, serialize, vocab
from engine.fileio import InputError
from engine.paths import ROOT
from engine.probe.probe_list import default_list_path, load_probe_list, select
from engine.tokenizer.vocabulary import reserved_tokens

GOLD = ROOT / "gold" / "operator_cheatsheet"


def _with_plan(text: str, value: str) -> str:
    return text.replace("[scene]\n", f"[scene]\n[plan:{value}]\n", 1)


def test_the_plan_line_is_first_kept_canonical_and_not_drawn():
    text = serialize(load((GOLD / "scene.dsl").read_text()).scene)
    content = json.loads((GOLD / "content.json").read_text())
    planned = load(text.replace("[/scene]", "[plan:count_drop]\n[/scene]"))   # written anywhere at the top level
    assert not planned.errors and planned.scene.plan == "count_drop"
    assert serialize(planned.scene) == _with_plan(text, "count_drop")          # ... and put first
    assert load(text).scene.plan is None and serialize(load(text).scene) == text
    assert compile_scene(planned.scene, content).svg == compile_scene(load(text).scene, content).svg


def test_a_bad_or_second_plan_is_reported_where_it_stands():
    doc = load("[scene]\n[plan:count_dropp]\n[layout:poster_stack]\n[/scene]\n")
    (error,) = doc.errors
    assert (error.line, error.col, error.code) == (2, 1, "unknown-value")
    assert "count_drop" in error.message and doc.scene.plan is None
    doc = load("[scene]\n[plan:none]\n[plan:canvas]\n[layout:poster_stack]\n[/scene]\n")
    assert doc.scene.plan == "none"
    assert [(d.line, d.code) for d in doc.diagnostics if d.code == "duplicate-attribute"] == [(3, "duplicate-attribute")]


def test_every_change_kind_is_a_plan_value_and_a_reserved_token():
    assert set(CHANGE_KINDS) | {"none", "own"} == set(vocab.PLAN_VALUES)
    reserved = set(reserved_tokens())
    assert all(f"[plan:{v}]" in reserved for v in vocab.PLAN_VALUES)


@pytest.mark.parametrize("corruption", sorted(DAMAGE))
def test_damage_leaves_the_plan_line_and_damages_the_scene_as_without_it(corruption):
    text = serialize(load((GOLD / "scene.dsl").read_text()).scene)
    plain, planned = damage(text, corruption, random.Random(3)), damage(_with_plan(text, "canvas"), corruption,
                                                                        random.Random(3))
    lines = planned.splitlines()
    at = 1 if lines[0] == "[scene]" else 0
    assert lines[at] == "[plan:canvas]"
    assert "\n".join(lines[:at] + lines[at + 1:]) + "\n" == plain


@pytest.fixture(scope="module")
def planned_and_plain():
    spec = load_spec(ROOT / "specs" / "spec02_plan.toml")
    golds = load_golds(spec)
    builder = _Builder(spec, golds)
    builder.plan()
    return spec, builder, build_dataset(spec, golds), build_dataset(load_spec(ROOT / "specs" / "spec02_r4.toml"))


def test_spec02_plan_rows_are_r4s_rows_with_the_topics_plan_first(planned_and_plain):
    spec, builder, planned, plain = planned_and_plain
    assert spec.plan and not load_spec(ROOT / "specs" / "spec02_r4.toml").plan
    by_prompt = {r.prompt: r for r in plain}
    plans_of = defaultdict(set)
    for row in planned:
        scene = load(row.target).scene
        topic = scene.attr("topic")
        assert scene.plan == builder.change_of[topic], row.id
        plans_of[topic].add(scene.plan)
        if row.bucket == "repair":   # a repair prompt holds the damaged plan line too
            continue
        twin = by_prompt[row.prompt]
        assert (twin.split, twin.bucket, twin.layout) == (row.split, row.bucket, row.layout)
        assert row.target.replace(f"[plan:{scene.plan}]\n", "", 1) == twin.target
    assert all(len(v) == 1 for v in plans_of.values())        # one plan per topic, every layout
    hidden_topics = {t for t, _ in spec.splits.hidden}
    train_plans = {load(r.target).scene.attr("topic"): load(r.target).scene.plan for r in planned
                   if r.split == "train"}
    assert all(train_plans[t] == builder.change_of[t] for t in hidden_topics)   # each hidden plan is seen in train


def test_spec02_plans_frozen_list_expects_the_plan_and_probes_the_same_cells():
    plist = load_probe_list(default_list_path("spec02_plan"))
    # frozen from the newest rung's spec file; every rung asks the same cells
    (spec,) = [s for s in map(load_spec, sorted((ROOT / "specs").glob("spec02_plan*.toml")))
               if s.sha256 == plist.source["spec_sha256"]]
    assert spec.plan and spec.splits.hidden == load_spec(ROOT / "specs" / "spec02_r4.toml").splits.hidden
    planned = build_dataset(spec)
    prompts = {r.prompt: r.target for r in planned}
    assert all(prompts[i.prompt] == i.expected for i in plist.items)
    hidden = {(load(i.expected).scene.attr("topic"), i.layout) for i in plist.items if i.split == "hidden"}
    assert hidden == set(spec.splits.hidden)


def test_extra_topics_keep_the_pools_kinds_and_spread_each_kind_over_more_topics():
    """spec02_plan-r8: 24 more topics in the same rows; the 22 topics and the hidden cells ask what
    they asked, and each (layout, kind) in train is shown with at least seven topics (r4: two)."""
    r4, r8 = (load_spec(ROOT / "specs" / f"spec02_plan_{r}.toml") for r in ("r4", "r8"))
    builders = []
    for spec in (r4, r8):
        b = _Builder(spec, load_golds(spec))
        b.plan()
        builders.append(b)
    before, after = builders
    assert len(after.pool) == len(before.pool) + len(r8.variants.extra_topics)
    assert all(after.change_of[t] == kind for t, kind in before.change_of.items())
    assert all(after.assign[layout, t].id == before.assign[layout, t].id for t, layout in r8.splits.hidden)

    def topics_per_kind(spec):
        seen = defaultdict(set)
        for r in build_dataset(spec):
            if r.split == "train" and r.bucket != "repair" and r.provenance["change"] != "none":
                seen[r.layout, r.provenance["change"]].add(load(r.target).scene.attr("topic"))
        return min(map(len, seen.values()))

    assert topics_per_kind(r4) <= 2 and topics_per_kind(r8) >= 7


def test_an_extra_topic_the_pool_lists_is_refused(tmp_path):
    text = (ROOT / "specs" / "spec02_plan_r8.toml").read_text()
    spec = tmp_path / "spec.toml"
    spec.write_text(text.replace('"prefill_throughput",', '"kv_cache_budget",', 1))
    with pytest.raises(InputError, match="extra_topics.*kv_cache_budget.*topics lists too"):
        load_spec(spec)


def test_fresh_rows_ask_a_topic_once_and_only_their_plan_tells_the_program():
    """spec02_plan-r9: variants.fresh_rows direct train rows, each a topic made for it alone, the
    (layout, kind) pairs dealt evenly; never probe prompts."""
    spec = load_spec(ROOT / "specs" / "spec02_plan_r9.toml")
    golds = load_golds(spec)
    builder = _Builder(spec, golds)
    builder.plan()
    pool = set(builder.pool)
    rows = build_dataset(spec, golds)
    fresh = [r for r in rows if r.provenance.get("fresh")]
    assert len(fresh) == spec.variants.fresh_rows
    assert {(r.split, r.bucket) for r in fresh} == {("train", "direct")}
    topic_of = {r.id: load(r.target).scene.attr("topic") for r in rows if r.bucket != "repair"}
    made = [topic_of[r.id] for r in fresh]
    assert len(set(made)) == len(made) and not set(made) & pool
    assert sum(t in set(made) for t in topic_of.values()) == len(made)     # each asked once, nowhere else
    pairs = defaultdict(int)
    for r in fresh:
        scene = load(r.target).scene
        pairs[r.layout, scene.plan] += 1
        assert r.provenance["program"] == builder.realized[r.layout][scene.plan].id
    assert len(pairs) == len(spec.families) * (1 + spec.variants.variants_per_gold)
    assert max(pairs.values()) - min(pairs.values()) <= 1
    assert not any(r.provenance.get("fresh") for r in select(rows))


def test_more_fresh_rows_than_the_direct_bucket_holds_are_refused(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text((ROOT / "specs" / "spec02_plan_r9.toml").read_text().replace("fresh_rows = 330", "fresh_rows = 5000"))
    golds = load_golds(load_spec(ROOT / "specs" / "spec02_plan_r9.toml"))
    with pytest.raises(InputError, match=r"fresh_rows \+ graft_rows = 5000 is more than the direct bucket.s"):
        build_dataset(load_spec(spec), golds)
