"""The intent surface (issue 15, spec05): the builder makes `[task:svg] [topic] [goal] [audience]
[OUT]` rows from the spec's [intent] map -- the goal names the family, the audience the style --
and hidden rows asked with paraphrased goal words train never shows; the spec refuses a map that
would make a prompt ambiguous."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.data.build import build_dataset
from engine.data.spec import load_spec
from engine.fileio import InputError

SPEC05 = Path(__file__).resolve().parents[1] / "specs" / "spec05.toml"
PROMPT = re.compile(r"\[task:svg\] \[topic:([a-z0-9_]+)\] \[goal:([a-z0-9_]+)\] \[audience:([a-z0-9_]+)\] \[OUT\]\Z")


@pytest.fixture(scope="module")
def built():
    spec = load_spec(SPEC05)
    return spec, build_dataset(spec)


def _attr(target: str, key: str) -> str:
    return re.search(rf"^\[{key}:([^\]]+)\]$", target, re.M).group(1)


def test_every_clean_row_asks_by_goal_and_audience_and_gets_their_family_and_style(built):
    spec, rows = built
    intent = spec.intent
    for r in rows:
        if r.bucket == "repair":
            continue
        topic, goal, audience = PROMPT.match(r.prompt).groups()
        family = intent.goals.get(goal) or intent.paraphrases[goal]
        assert _attr(r.target, "layout") == family == r.layout
        assert tuple(_attr(r.target, k) for k in ("theme", "tone", "density")) == intent.audiences[audience]
        assert _attr(r.target, "topic") == topic


def test_both_goal_words_of_a_family_are_taught_and_paraphrases_only_asked_hidden(built):
    spec, rows = built
    train_goals = {PROMPT.match(r.prompt).group(2) for r in rows if r.split == "train" and r.bucket != "repair"}
    assert train_goals == set(spec.intent.goals)
    asked = [r for r in rows if r.provenance.get("surface") == "paraphrase"]
    assert len(asked) == spec.intent.paraphrase_rows and {r.split for r in asked} == {"hidden"}
    assert {PROMPT.match(r.prompt).group(2) for r in asked} == set(spec.intent.paraphrases)
    assert not any(g in r.prompt for r in rows if r.split != "hidden" for g in spec.intent.paraphrases)


def test_minimal_pairs_differ_in_one_prompt_decision(built):
    _, rows = built
    pairs: dict[str, list] = {}
    for r in rows:
        if r.bucket == "minimal_pair":
            pairs.setdefault(r.provenance["pair"], []).append(PROMPT.match(r.prompt).groups())
    assert pairs
    for a, b in pairs.values():
        differ = [k for k, x, y in zip(("topic", "goal", "audience"), a, b) if x != y]
        assert differ in (["topic"], ["audience"], ["topic", "goal"]), differ   # a topic pair may draw another goal word


def test_an_audience_pair_names_the_style_keys_it_contrasts_and_teaches_theme_tone_drift_by_them(built):
    """An audience is a whole style, so its pair contrasts theme and tone at once: the preflight's
    forecast counts it as teaching theme_tone_drift (spec05 was blocked for want of a theme pair),
    and a pair of two audiences that differed in density only would not."""
    from engine.data.failures import teaches

    spec, rows = built
    audience_pairs = [r for r in rows if r.bucket == "minimal_pair" and r.provenance["decision"] == "audience"]
    assert audience_pairs
    for r in audience_pairs:
        styles = {spec.intent.audiences[PROMPT.match(x.prompt).group(3)] for x in rows
                  if x.provenance.get("pair") == r.provenance["pair"]}
        a, b = styles
        assert r.provenance["contrast"] == [k for k, x, y in zip(("theme", "tone", "density"), a, b) if x != y]
        assert "theme_tone_drift" in teaches("minimal_pair", r.provenance)
    assert "theme_tone_drift" not in teaches("minimal_pair", {"decision": "audience", "contrast": ["density"]})


def _spec_with(tmp_path, old: str, new: str) -> Path:
    text = SPEC05.read_text()
    assert old in text
    path = tmp_path / "s.toml"
    path.write_text(text.replace(old, new, 1).replace('gold_pack = "../gold"', f'gold_pack = "{SPEC05.parent.parent / "gold"}"'))
    return path


@pytest.mark.parametrize("old,new,said", [
    ('[intent.paraphrases]\n', '[intent.paraphrases]\ncompare_costs = "comparison_span_chart"\n', "is a train goal too"),
    ('operators = ["signal_glow", "amber", "balanced"]', 'operators = ["infra_dark", "blue", "compact"]',
     "has the style of another audience"),
    ('pair_decisions = ["topic", "audience"]', 'pair_decisions = ["theme"]', "which the intent prompt does not name"),
    ('monitor_health = "dashboard_cards"\n', 'monitor_health = "timeline_nope"\n', "is not one of the spec's families"),
    ('surface = "intent"', 'surface = "explicit"', "an [intent] table goes with surface"),
])
def test_an_ambiguous_map_is_refused(tmp_path, old, new, said):
    with pytest.raises(InputError, match=re.escape(said)):
        load_spec(_spec_with(tmp_path, old, new))
