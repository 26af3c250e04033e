"""specs/spec02.toml: held-out generalization. Its hidden list is a real phase-2 test (at least 12
unseen topic x layout cells, every family more than once, every change kind the topics carry),
no row outside the hidden split carries a hidden cell, and its one change (topic words in the
tokenizer) reaches every place a spec's rows are tokenized while spec01 keeps the default."""
from __future__ import annotations

from collections import Counter

import pytest
from spec_fixtures import built, cell

from engine.data.spec import load_spec, spec_tokenizer
from engine.dsl import load
from engine.paths import ROOT
from engine.probe.probe_list import PER_CELL, default_list_path, load_probe_list
from engine.tokenizer import default_tokenizer
from engine.tokenizer.vocabulary import composition

SPEC02 = ROOT / "specs" / "spec02.toml"


@pytest.fixture(scope="module")
def spec02():
    return built(SPEC02)


def test_the_hidden_list_covers_every_family_and_every_change_kind(spec02):
    spec, builder, _ = spec02
    hidden = spec.splits.hidden
    assert len(hidden) >= 12
    per_family = Counter(layout for _, layout in hidden)
    assert set(per_family) == set(spec.families) and min(per_family.values()) >= 2
    assert len({t for t, _ in hidden}) == len(hidden)          # each topic hidden once
    realized = Counter(builder.assign[layout, topic].change for topic, layout in hidden)
    carried = {builder.change_of[t] for t in builder.pool}
    assert carried <= set(realized) and min(realized.values()) >= 3, realized
    # no cell is left without train topics that show its layout's realization of the same kind
    for topic, layout in hidden:
        kind = builder.assign[layout, topic].change
        others = [t for (lay, t) in builder.free if lay == layout and builder.assign[lay, t].change == kind]
        assert len(others) >= 2, (topic, layout, others)


def test_no_row_outside_the_hidden_split_carries_a_hidden_cell(spec02):
    spec, _, rows = spec02
    hidden = set(spec.splits.hidden)
    leaks = [r.id for r in rows if r.split != "hidden" and cell(r) in hidden]
    assert not leaks
    by_cell = Counter(cell(r) for r in rows if r.split == "hidden")
    assert set(by_cell) == hidden
    assert set(by_cell.values()) == {spec.variants.hidden_rows_per_combo}
    # and each hidden topic is still in train under every layout but its hidden one and a native
    train = {cell(r) for r in rows if r.split == "train"}
    for topic, layout in hidden:
        assert len({lay for t, lay in train if t == topic}) >= len(spec.families) - 2, topic


def test_the_frozen_list_probes_every_hidden_cell_alike(spec02):
    spec, _, rows = spec02
    plist = load_probe_list(default_list_path("spec02"))
    assert plist.source["spec_sha256"] == spec.sha256
    cells = Counter((load(i.expected).scene.attr("topic"), i.layout) for i in plist.items if i.split == "hidden")
    assert set(cells) == set(spec.splits.hidden)
    assert set(cells.values()) == {min(PER_CELL["hidden"], spec.variants.hidden_rows_per_combo)}
    prompts = {r.prompt for r in rows}
    assert all(i.prompt in prompts for i in plist.items)


def test_topic_words_spell_the_pool_in_words_and_spec01_keeps_the_default_tokenizer():
    spec01, spec02 = load_spec(ROOT / "specs" / "spec01.toml"), load_spec(SPEC02)
    default = default_tokenizer()
    assert not spec01.topic_words and spec_tokenizer(spec01) is default
    tok = spec_tokenizer(spec02)
    assert spec02.topic_words and tok.hash != default.hash
    fixed = len(default.vocab) - composition(default.vocab)["learned words"]
    assert tok.vocab[:fixed] == default.vocab[:fixed]       # every structural id is the default's
    shorter = 0
    for topic in spec02.variants.topics:
        pieces = tok.tokens(f"[topic:{topic}]")
        assert pieces[0] == "[topic:" and pieces[-1] == "]"
        assert [p for p in pieces[1:-1] if p != "_"] == topic.split("_"), pieces
        spelt = len(default.tokens(f"[topic:{topic}]"))   # a topic whose words the gold pack has is in words already
        assert spelt >= len(pieces)
        shorter += spelt > len(pieces)
    assert shorter >= len(spec02.variants.topics) - 2   # the default spells most of the pool in characters
