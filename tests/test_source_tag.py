"""The explicit prompt's source tag (docs/dsl.md, "The source tag") and specs/spec02_plan_r6.toml.

With `[spec] own_prompt = true`, a row whose target is a gold entry's own scene (its topic under
its own family) is asked with `[source:gold]` before `[OUT]`; every other row, the hidden ones
among them, keeps the prompt it had. r6's rows are r4's, row for row, with the tag added.
"""
from __future__ import annotations

import tomllib

import pytest

from engine.data.axes import changed_axes
from engine.data.build import build_dataset, load_golds
from engine.data.spec import load_spec
from engine.dsl import load
from engine.fileio import InputError
from engine.inference.generate import check_prompt, explicit
from engine.paths import ROOT
from engine.tokenizer import default_tokenizer
from engine.tokenizer.prompts import SOURCE_GOLD, explicit_prompt
from engine.tokenizer.vocabulary import reserved_tokens

R4, R6 = ROOT / "specs" / "spec02_plan_r4.toml", ROOT / "specs" / "spec02_plan_r6.toml"


@pytest.fixture(scope="module")
def r4_and_r6():
    return build_dataset(load_spec(R4)), build_dataset(load_spec(R6))


def _untagged(prompt: str) -> str:
    return prompt.replace(f" {SOURCE_GOLD}", "")


def test_r6_differs_from_r4_on_one_axis_the_representation():
    r4, r6 = (tomllib.loads(p.read_text()) for p in (R4, R6))
    assert changed_axes(r6, r4) == {"representation": ["spec.own_prompt"]}
    assert load_spec(R6).own_prompt and not load_spec(R4).own_prompt


def test_the_tag_marks_exactly_the_rows_whose_target_is_a_gold_entrys_own_scene(r4_and_r6):
    _, rows = r4_and_r6
    spec = load_spec(R6)
    native = {(g.family, g.topic) for g in load_golds(spec)}
    tagged = 0
    for r in rows:
        if r.bucket == "repair":
            assert SOURCE_GOLD not in r.prompt   # a repair prompt is a damaged scene, not a request
            continue
        scene = load(r.target).scene
        own = (r.layout, scene.attr("topic")) in native
        assert r.prompt == explicit_prompt(scene, own=own), r.id
        tagged += own
    assert tagged > 0
    hidden = [r for r in rows if r.split == "hidden"]
    assert hidden and not any(SOURCE_GOLD in r.prompt for r in hidden)


def test_r6_rows_are_r4s_rows_with_the_tag_added_in_the_same_splits(r4_and_r6):
    r4, r6 = r4_and_r6
    before = {r.prompt: r for r in r4 if r.bucket != "repair"}
    clean = [r for r in r6 if r.bucket != "repair"]
    assert len(clean) == len(before)
    for r in clean:
        twin = before[_untagged(r.prompt)]
        assert (twin.target, twin.split, twin.bucket) == (r.target, r.split, r.bucket)
    # repairs: the same corruption of the same source count per split (a tagged source's id seeds
    # its damage elsewhere)
    count = lambda rows: sorted((r.split, r.provenance["corruption"]) for r in rows if r.bucket == "repair")
    assert count(r4) == count(r6)


def test_no_untagged_row_holds_a_gold_entrys_own_scene(r4_and_r6):
    """What the tag is for: in r4 a gold topic's own, unedited scene stood under the same prompt
    surface as the topic's edits in other layouts; in r6 an untagged prompt never asks for it."""
    for rows, untagged_own in zip(r4_and_r6, (True, False)):
        own = [r for r in rows if r.bucket != "repair" and SOURCE_GOLD not in r.prompt
               and not r.provenance["topic_swap"]]
        assert bool(own) == untagged_own, [r.id for r in own[:3]]


def test_the_tag_is_one_reserved_token_and_a_prompt_may_carry_it():
    assert SOURCE_GOLD in reserved_tokens()
    tok = default_tokenizer()
    assert tok.count(SOURCE_GOLD) == 1
    prompt = explicit(tok, layout="table_matrix", topic="kv_cache", own=True)
    assert prompt.split()[-2:] == [SOURCE_GOLD, "[OUT]"] and check_prompt(tok, prompt) == prompt
    with pytest.raises(InputError, match=r"the one source a prompt names is \[source:gold\]"):
        check_prompt(tok, "[task:svg] [layout:table_matrix] [topic:kv_cache] [source:web] [OUT]")


def test_own_prompt_is_refused_on_the_intent_surface(tmp_path):
    text = (ROOT / "specs" / "spec05.toml").read_text()
    assert 'surface = "intent"' in text
    spec = tmp_path / "spec.toml"
    spec.write_text(text.replace("[spec]\n", "[spec]\nown_prompt = true\n", 1))
    with pytest.raises(InputError, match="own_prompt"):
        load_spec(spec)
