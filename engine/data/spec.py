"""SPEC.toml: the written contract of one training spec, read and validated into dataclasses.

A spec states the experiment (hypothesis, one primary axis, what is held constant, the baseline;
seed: "Train with one primary axis", "Run summary template") and everything the dataset builder
needs to produce the same rows again: seed, gold pack, variant knobs, mixture, splits, and the
curriculum blueprint (seed: "Front-load predictable failures"). `specs/spec01.toml` is the worked
example; every key is described there.

    spec = load_spec("specs/spec01.toml")
    spec.mixture.buckets["repair"]      # 0.15

Every problem is an InputError that names the file and the key, e.g.
`specs/x.toml: mixture.buckets.repair = 0.2 exceeds the repair cap 0.15 ...`.
"""
from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from engine.data.variants import DAMAGE, GRAFT_AT
from engine.dsl import vocab
from engine.fileio import InputError, read_text
from engine.tomltable import MISSING, TomlTable

BUCKETS: tuple[str, ...] = ("anchor_replay", "direct", "minimal_pair", "repair")
# Seed, "Repair budget": broad repair rows stay at 10-15 % unless the rung is a syntax rung.
REPAIR_CAP = 0.15
SURFACES: tuple[str, ...] = ("explicit", "intent")
# what a gold entry's own scene plans under [spec] plan: its topic's change kind, none, or own
PLAN_NATIVE = ("topic", "none", "own")
# A minimal pair may only differ in a decision the prompt names; a pair that differs in a hidden
# choice (frame, a card variant) would be one prompt with two targets, a contradiction. A topic pair
# is a contrast of structure: same layout and style, two topics whose change kinds the layout
# realizes differently (seed, "Use clean contrast coverage").
PAIR_DECISIONS: tuple[str, ...] = ("theme", "tone", "density", "topic", "audience")
STYLE_DECISIONS: tuple[str, ...] = ("theme", "tone", "density")
CORRUPTIONS: tuple[str, ...] = tuple(DAMAGE)
# Components an [add:KIND] prompt may ask: free-standing cards that any family's page can hold
# (each compiles clean after the first header of every family's anchor, under every change kind).
GRAFTABLE: tuple[str, ...] = ("callout_card", "section_card", "thesis_box", "conclusion_strip", "badge_pill",
                              "legend_row")


@dataclass(frozen=True)
class Variants:
    topics: tuple[str, ...]             # topic pool for swaps, beside the gold entries' own topics
    extra_topics: tuple[str, ...]       # more of them (a gold topic too), dealt their kinds after the pool
    fresh_rows: int                     # direct train rows each asking a topic made for it alone
    grafts: tuple[str, ...]             # component kinds an [add:KIND] prompt may ask (spec04)
    graft_rows: int                     # direct rows asking [add:KIND] where train shows KIND grafted
    graft_at: str                       # where the block goes: after the first header, first, or last
    graft_held: bool                    # train asks a kind in families whose gold holds it too (one more)
    graft_pairs: bool                   # one cell asked two kinds: a minimal pair on the [add:KIND] value
    themes: tuple[str, ...]
    tones: tuple[str, ...]
    densities: tuple[str, ...]
    canvases: tuple[str, ...]           # canvas changes: structural programs (not in the prompt)
    count_changes: bool                 # drop / duplicate one of a repeated component
    order_changes: bool                 # swap two neighbouring components of different kinds
    variants_per_gold: int              # change kinds in use (engine/data/build.py CHANGE_KINDS order)
    rows_per_gold: int                  # rows outside the hidden split, per gold entry
    hidden_rows_per_combo: int          # rows per hidden topic x layout combination
    balance_cells: bool                 # direct rows dealt evenly over the (layout, topic) cells
    balance_kinds: bool                 # ... over each layout's programs (change kinds as realized), then topics
    pair_decisions: tuple[str, ...]
    repair_corruptions: tuple[str, ...]


@dataclass(frozen=True)
class Intent:
    """[intent] (SPEC.md section 4, the intent surface `[task:svg] [topic] [goal] [audience] [OUT]`):
    the documented map the builder makes intent rows from. A goal names a family, an audience a
    style (theme, tone, density); paraphrases are goal words never shown in train that mean a
    family a train goal names, asked in the hidden split (seed, "Prompt-surface discipline")."""
    goals: dict[str, str]                       # goal word -> layout family
    audiences: dict[str, tuple[str, str, str]]  # audience -> (theme, tone, density)
    paraphrases: dict[str, str]                 # hidden goal word -> layout family
    paraphrase_rows: int                        # hidden rows asked with a paraphrase

    def goals_of(self, family: str) -> list[str]:
        """The train goal words that ask for a family, in the map's order."""
        return [g for g, f in self.goals.items() if f == family]


@dataclass(frozen=True)
class Mixture:
    buckets: dict[str, float]           # bucket -> share of the training rows
    syntax_rung: bool
    # [mixture.families]: family -> its share of the direct rows (given ones; the others split
    # what is left evenly); {}: no family is preferred
    families: dict[str, float] = field(default_factory=dict)
    # [mixture.replay]: family -> anchor_replay rows per gold entry, times this (seed: "Anchor
    # replay too weak -- increase replay ratio for stable families"); {}: 1 for every family
    replay: dict[str, float] = field(default_factory=dict)

    def family_shares(self, families: tuple[str, ...]) -> dict[str, float]:
        """Every family's share of the direct rows: the declared ones, the rest evenly."""
        rest = [f for f in families if f not in self.families]
        left = max(0.0, 1.0 - sum(self.families.values()))
        return {f: self.families.get(f, left / len(rest) if rest else 0.0) for f in families}

    @property
    def repair_cap(self) -> float:
        return 1.0 if self.syntax_rung else REPAIR_CAP


@dataclass(frozen=True)
class Splits:
    dev: float
    test: float
    hidden: tuple[tuple[str, str], ...]     # (topic, layout) pairs that never occur in train
    # (kind, layout) pairs no train, dev or test prompt asks with [add:KIND] (spec04): split compositional
    compositional: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Spec:
    path: Path
    sha256: str
    name: str
    version: int
    seed: int
    surface: str
    ctx: int
    topic_words: bool                   # the tokenizer learns variants.topics' words (spec_tokenizer)
    plan: bool                          # targets open with the topic's [plan:...] line (DSL v3)
    plan_native: str                    # what a gold entry's own scene plans: PLAN_NATIVE
    own_prompt: bool                    # a gold entry's own scene is asked with [source:gold]
    hypothesis: str
    primary_axis: str
    held_constant: tuple[str, ...]
    baseline: str
    allow_multi_axis: str               # why this rung changes more than one axis ("" : it may not)
    targets: str                        # the failure class the rung targets ("" : none named)
    phase: int                          # the seed's phase (1 memorization ... 5 intent); 0: not said
    bars: dict[str, float]              # "mode.split.metric" -> the least value that meets it (raw board)
    pilot: Pilot | None                 # [pilot]: a short first part of the rung that must move a target
    intent: Intent | None               # [intent]: the goal/audience map, for surface = "intent"
    gold_pack: Path
    families: tuple[str, ...]
    entries: tuple[str, ...]            # source.entries: the gold entries it is built from (): every entry of its families
    variants: Variants
    mixture: Mixture
    splits: Splits
    blueprint: dict[str, str]           # failure class (Run Failure Matrix) -> teaching bucket


@dataclass(frozen=True)
class Pilot:
    """[pilot] (seed, "Pilot before full rung"): train `fraction` of the rung, probe the `cases`
    first frozen cases of `improves` (layout:L, split:S or class:C, a failure class of the spec's
    champion), and go on only if their exact rate rose by at least `by` over the champion's."""
    improves: str
    fraction: float = 0.1
    cases: int = 24
    by: float = 0.05


class _Table(TomlTable):
    """A spec table: TomlTable plus lists of identifiers."""

    def words(self, key: str, allowed: tuple[str, ...] | None = None, default=MISSING) -> tuple[str, ...]:
        value = self.get(key, list, default)
        out = []
        for item in value:
            if not isinstance(item, str):
                raise self.fail(key, f"must list strings, not {item!r}")
            if allowed is not None and item not in allowed:
                raise self.fail(key, f"lists '{item}', which is not one of {', '.join(allowed)}")
            if allowed is None and not vocab.TOPIC_PATTERN.match(item):
                raise self.fail(key, f"lists '{item}', which is not an identifier like memory_reality")
            if item in out:
                raise self.fail(key, f"lists '{item}' twice")
            out.append(item)
        return tuple(out)


BAR_MODES = ("unconstrained", "constrained")
# mode.split.metric, or mode.split@layout.metric for one family within the split; @each: every
# family of the split (the bar holds on the lowest, as "no family below 60 %" asks).
BAR = re.compile(r"(unconstrained|constrained)\.([a-z_]+)(?:@([a-z_]+))?\.([a-z_]+_(?:rate|score))\Z")


def _bars(t: _Table) -> dict[str, float]:
    """[bars]: "mode.split.metric" = least value, e.g. "constrained.overall.renderable_rate" = 1.0,
    "unconstrained.hidden.exact_rate" = 0.9 (split may be overall), "unconstrained.hidden@each.exact_rate"
    = 0.6 (every family of the split); judged on the raw board."""
    out = {}
    for key in t.data:   # the spec's order: the ladder shows them as written
        if not BAR.match(key):
            raise t.fail(key, "is not mode.split.metric (mode unconstrained or constrained; split overall, train, "
                              "dev, test, hidden or another split, or split@layout, split@each for every "
                              "family of it; a metric of the scoreboard)")
        out[key] = t.fraction(key)
    t.done()
    return out


def _intent(t: _Table, families: tuple[str, ...], v: Variants) -> Intent:
    def family_map(key: str, default=MISSING) -> dict[str, str]:
        table = t.get(key, dict, default)
        out = {}
        for word, family in table.items():
            if not vocab.TOPIC_PATTERN.match(word):
                raise t.fail(key, f"word '{word}' is not an identifier like explain_tradeoff")
            if family not in families:
                raise t.fail(key, f"{word} = '{family}' is not one of the spec's families ({', '.join(families)})")
            out[word] = family
        return out

    goals = family_map("goals")
    missing = [f for f in families if f not in goals.values()]
    if missing:
        raise t.fail("goals", f"names no goal for {', '.join(missing)}; every family needs one")
    paraphrases = family_map("paraphrases", {})
    shared = sorted(set(goals) & set(paraphrases))
    if shared:
        raise t.fail("paraphrases", f"{', '.join(shared)} is a train goal too; a paraphrase is a word train never shows")
    audiences: dict[str, tuple[str, str, str]] = {}
    for name, style in t.get("audiences", dict).items():
        if not vocab.TOPIC_PATTERN.match(name):
            raise t.fail("audiences", f"'{name}' is not an identifier like engineers")
        if not (isinstance(style, list) and len(style) == 3 and style[0] in v.themes and style[1] in v.tones
                and style[2] in v.densities):
            raise t.fail("audiences", f"{name} = {style!r} must be [theme, tone, density] from variants' themes, "
                                      "tones and densities")
        if tuple(style) in audiences.values():
            raise t.fail("audiences", f"{name} has the style of another audience: the prompt would not decide it")
        audiences[name] = tuple(style)
    if len(audiences) < 2:
        raise t.fail("audiences", "needs at least two audiences")
    intent = Intent(goals, audiences, paraphrases, t.count("paraphrase_rows", 0, 24))
    t.done()
    return intent


def _pilot(t: _Table) -> Pilot:
    improves = t.text("improves")
    kind, _, value = improves.partition(":")
    if kind not in ("layout", "split", "class") or not value:
        raise t.fail("improves", f"= '{improves}' must be layout:NAME, split:NAME or class:FAILURE_CLASS")
    if kind == "layout" and value not in vocab.LAYOUTS:
        raise t.fail("improves", f"= '{improves}': '{value}' is not one of {', '.join(vocab.LAYOUTS)}")
    fraction = t.fraction("fraction", 0.1)
    if not 0 < fraction < 1:
        raise t.fail("fraction", f"= {fraction} must lie strictly between 0 and 1")
    pilot = Pilot(improves, fraction, t.count("cases", 1, 24), t.fraction("by", 0.05))
    t.done()
    return pilot


def load_spec(path: str | Path) -> Spec:
    path = Path(path)
    text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: {e}") from None
    root = _Table(data, "", path)
    head = root.table("spec")
    source = root.table("source")
    var = root.table("variants")
    mix = root.table("mixture")
    split = root.table("splits")
    blueprint = root.table("blueprint")
    bars = _bars(root.table("bars")) if "bars" in data else {}
    pilot = _pilot(root.table("pilot")) if "pilot" in data else None
    intent_table = root.table("intent") if "intent" in data else None
    root.get("train", dict, {})     # the trainer's table: engine/train/config.py reads and checks it
    root.done()

    surface = head.get("surface", str, "explicit")
    if surface not in SURFACES:
        raise head.fail("surface", f"= '{surface}': the builder makes {' and '.join(SURFACES)} prompts")
    spec_head = {
        "name": head.text("name"), "version": head.count("version", 1), "seed": head.get("seed", int),
        "surface": surface, "ctx": head.count("ctx", 16),
        "topic_words": head.get("topic_words", bool, False),
        "plan": head.get("plan", bool, False),
        "plan_native": head.get("plan_native", str, "topic"),
        "own_prompt": head.get("own_prompt", bool, False),
        "hypothesis": head.text("hypothesis"), "primary_axis": head.text("primary_axis"),
        "held_constant": tuple(_texts(head, "held_constant")), "baseline": head.text("baseline"),
        "allow_multi_axis": head.get("allow_multi_axis", str, ""), "targets": head.get("targets", str, ""),
        "phase": head.get("phase", int, 0), "bars": bars, "pilot": pilot,
    }
    if (surface == "intent") != (intent_table is not None):
        raise head.fail("surface", f"= '{surface}': an [intent] table goes with surface = \"intent\" and only with it")
    if spec_head["plan_native"] not in PLAN_NATIVE:
        raise head.fail("plan_native", f"= '{spec_head['plan_native']}': a gold entry's own scene plans \"topic\" "
                                       "(its topic's change kind), \"none\" or \"own\"")
    if "plan_native" in data.get("spec", {}) and not spec_head["plan"]:
        raise head.fail("plan_native", "says what a plan line holds, and plan is not true")
    if spec_head["own_prompt"] and surface != "explicit":
        raise head.fail("own_prompt", "marks explicit prompts; the intent surface names no gold entry")
    if not 0 <= spec_head["phase"] <= 5:
        raise head.fail("phase", f"= {spec_head['phase']} is not one of the seed's phases 1-5")
    if not vocab.TOPIC_PATTERN.match(spec_head["name"]):
        raise head.fail("name", f"= '{spec_head['name']}' must be an identifier like spec01")
    head.done()

    families = source.words("families", vocab.LAYOUTS)
    if not families:
        raise source.fail("families", "must name at least one layout family")
    gold_pack = (path.parent / source.text("gold_pack")).resolve()
    # a spec that names its entries keeps its dataset when the pack grows (seed: stable contracts)
    entries = source.words("entries", None, ())
    source.done()

    variants = _variants(var)
    if variants.grafts and surface != "explicit":
        raise var.fail("grafts", "an [add:KIND] request is a tag of the explicit prompt; this spec's surface is "
                                 f"{surface}")
    spec_head["intent"] = _intent(intent_table, families, variants) if intent_table is not None else None
    said = {"explicit": ("theme", "tone", "density", "topic"), "intent": ("topic", "audience")}[surface]
    unsaid = [d for d in variants.pair_decisions if d not in said]
    if unsaid:
        raise var.fail("pair_decisions", f"lists {', '.join(unsaid)}, which the {surface} prompt does not name; a "
                                         f"minimal pair differs in one prompt decision ({', '.join(said)})")
    mixture = _mixture(mix)
    strangers = sorted((set(mixture.families) | set(mixture.replay)) - set(families))
    if strangers:
        raise mix.fail("families", f"names {', '.join(strangers)}, which source.families does not list")
    splits = _splits(split, families, variants.grafts)
    teach = {}
    for key in sorted(blueprint.data):
        teach[key] = blueprint.text(key)
    blueprint.done()
    if not teach:
        raise blueprint.fail("", "must name at least one predicted failure class and its bucket")
    if spec_head["targets"] and spec_head["targets"] not in teach:
        raise head.fail("targets", f"= '{spec_head['targets']}' is not one of the blueprint's failure classes "
                                   f"({', '.join(teach)})")
    return Spec(path=path, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                gold_pack=gold_pack, families=families, entries=entries, variants=variants, mixture=mixture,
                splits=splits, blueprint=teach, **spec_head)


def spec_tokenizer(spec: Spec):
    """The tokenizer a spec's rows are measured and trained with: the default one, or with
    `spec.topic_words` one that has also learned the words of the spec's topic pool."""
    from engine.tokenizer import tokenizer_for

    words = list((*spec.variants.topics, *spec.variants.extra_topics) if spec.topic_words else ())
    if spec.intent is not None:   # the map's train words; a paraphrase is read from its pieces
        words += [*spec.intent.goals, *spec.intent.audiences]
    return tokenizer_for(tuple(words))


def _texts(t: _Table, key: str) -> list[str]:
    items = t.get(key, list)
    if not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise t.fail(key, "must list at least one non-empty string")
    return items


def _variants(t: _Table) -> Variants:
    values = vocab.TOP_LEVEL_VALUES
    v = Variants(
        topics=t.words("topics"),
        extra_topics=t.words("extra_topics", default=()),
        fresh_rows=t.count("fresh_rows", 0, 0),
        grafts=t.words("grafts", GRAFTABLE, ()),
        graft_rows=t.count("graft_rows", 0, 0),
        graft_at=t.get("graft_at", str, "header"),
        graft_held=t.get("graft_held", bool, False),
        graft_pairs=t.get("graft_pairs", bool, False),
        themes=t.words("themes", values["theme"]),
        tones=t.words("tones", values["tone"]),
        densities=t.words("densities", values["density"]),
        canvases=t.words("canvases", values["canvas"], ()),
        count_changes=t.get("count_changes", bool, False),
        order_changes=t.get("order_changes", bool, False),
        variants_per_gold=t.count("variants_per_gold", 0, 0),
        rows_per_gold=t.count("rows_per_gold", 1),
        hidden_rows_per_combo=t.count("hidden_rows_per_combo", 1, 4),
        balance_cells=t.get("balance_cells", bool, False),
        balance_kinds=t.get("balance_kinds", bool, False),
        pair_decisions=t.words("pair_decisions", PAIR_DECISIONS, STYLE_DECISIONS),
        repair_corruptions=t.words("repair_corruptions", CORRUPTIONS, CORRUPTIONS),
    )
    for key in ("themes", "tones", "densities"):
        if not getattr(v, key):
            raise t.fail(key, "must list at least one value")
    both = sorted(set(v.topics) & set(v.extra_topics))
    if both:
        raise t.fail("extra_topics", f"lists '{both[0]}', which topics lists too")
    if v.graft_at not in GRAFT_AT:
        raise t.fail("graft_at", f"= '{v.graft_at}' is not one of {', '.join(GRAFT_AT)}")
    if v.graft_rows and not v.grafts:
        raise t.fail("graft_rows", "asks rows with [add:KIND] and grafts lists no kind")
    t.done()
    return v


def _mixture(t: _Table) -> Mixture:
    syntax_rung = t.get("syntax_rung", bool, False)
    shares = _family_numbers(t, "families", fraction=True)
    if sum(shares.values()) > 1.0 + 1e-6:
        raise t.fail("families", f"shares sum to {sum(shares.values()):g}; they must not exceed 1")
    replay = _family_numbers(t, "replay", fraction=False)
    b = t.table("buckets")
    buckets = {}
    for name in sorted(b.data):
        if name not in BUCKETS:
            raise b.fail(name, f"is not a bucket the builder makes ({', '.join(BUCKETS)})")
        buckets[name] = b.fraction(name)
    b.done()
    t.done()
    total = sum(buckets.values())
    if abs(total - 1.0) > 1e-6:
        raise b.fail("", f"ratios sum to {total:g}; they must sum to 1")
    repair = buckets.get("repair", 0.0)
    if repair >= 1.0:
        raise b.fail("repair", "= 1 leaves no clean rows for repair rows to be made from")
    if repair > REPAIR_CAP and not syntax_rung:
        raise b.fail("repair", f"= {repair:g} exceeds the repair cap {REPAIR_CAP:g} (seed: \"Repair "
                               "budget\"); lower it, or set mixture.syntax_rung = true for a syntax rung")
    return Mixture(buckets, syntax_rung, shares, replay)


def _family_numbers(t: _Table, key: str, fraction: bool) -> dict[str, float]:
    if key not in t.data:
        return {}
    table = t.table(key)
    out = {}
    for family in sorted(table.data):
        if family not in vocab.LAYOUTS:
            raise table.fail(family, f"is not a layout family ({', '.join(vocab.LAYOUTS)})")
        out[family] = table.fraction(family) if fraction else table.number(family, positive=True)
    table.done()
    return out


def _splits(t: _Table, families: tuple[str, ...], grafts: tuple[str, ...] = ()) -> Splits:
    dev, test = t.fraction("dev"), t.fraction("test")
    if dev + test >= 1.0:
        raise t.fail("test", f"dev + test = {dev + test:g} leaves nothing to train on")

    def topic_problem(topic) -> str | None:
        return None if isinstance(topic, str) and vocab.TOPIC_PATTERN.match(topic) else f"topic {topic!r} is not an identifier"

    def kind_problem(kind) -> str | None:
        return None if kind in grafts else f"add {kind!r} is not one of variants.grafts ({', '.join(grafts) or 'none'})"

    hidden = _cells(t, "hidden", "topic", topic_problem, families)
    asked = _cells(t, "compositional", "add", kind_problem, families)
    t.done()
    return Splits(dev, test, hidden, asked)


def _cells(t: _Table, key: str, first: str, problem, families: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """[splits] KEY = [{FIRST = "...", layout = "..."}, ...] as (value, layout) pairs, each value
    checked by problem(value) -> a message or None, each layout one of the spec's families, none twice."""
    cells: list[tuple[str, str]] = []
    for i, item in enumerate(t.get(key, list, [])):
        where = f"{key}[{i}]"
        if not isinstance(item, dict) or set(item) != {first, "layout"}:
            raise t.fail(where, f"must be a table {{{first} = \"...\", layout = \"...\"}}")
        value, layout = item[first], item["layout"]
        if (message := problem(value)) is not None:
            raise t.fail(where, message)
        if layout not in families:
            raise t.fail(where, f"layout {layout!r} is not one of source.families")
        if (value, layout) in cells:
            raise t.fail(where, f"repeats ({value}, {layout})")
        cells.append((value, layout))
    return tuple(cells)
