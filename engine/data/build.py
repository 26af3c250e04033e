"""`ck data build SPEC.toml -o DIR`: the gold pack and a spec's knobs -> a seeded dataset.

    ck data build specs/spec01.toml -o out/data/spec01

How rows are made (the seed's "Asset Scaling Strategy" and "Data mixture control"):

1. Programs. Each gold entry of the spec's families gives its own scene plus structural variants
   (engine/data/variants.py), each checked to load without a diagnostic.
2. Topic assignment. The explicit prompt names layout, topic, theme, tone and density, so a
   prompt must fix everything else, or one prompt would have two targets; and a held-out prompt
   must be answerable from what train shows. So the structure is a rule, not a lookup: a gold
   entry's own (layout, topic) is its gold scene; every other (layout, topic) is the family's
   anchor (its first train entry) with the topic's *change kind* applied. Each pool topic gets one
   change kind for every family (none, canvas, count_dup, count_drop, order_swap, dealt in a
   seeded order of the topics), and each family realizes a kind one fixed way (the first other
   canvas; duplicate / drop the last of its first repeated kind; swap its first swappable pair).
   A hidden combination follows the same rule: its topic's kind is seen under the other layouts
   and the layout's realization of that kind under the other topics.
3. Buckets. anchor_replay: the gold programs under their own topic, the verbatim gold first, then
   restyles (theme/tone/density), spread evenly over the entries. minimal_pair: two rows that differ
   in exactly one prompt-named decision (a style key, or the topic: a contrast of two topics whose
   kinds the layout realizes differently). direct: the other (layout, topic, style) cells, at
   random or (variants.balance_cells) dealt evenly over the (layout, topic) pairs, or
   (variants.balance_kinds) over each layout's programs, then its topics. repair: a
   clean row's target damaged in the prompt only, answered with the clean target, and only where
   prompt + target fits the spec's context.
4. Splits. hidden: the spec's topic x layout combinations. compositional (spec04): prompts that
   ask `[add:KIND]` under a layout whose gold entries never hold a KIND, where train shows KIND
   grafted (variants.graft) under at least two other layouts (variants.graft_rows, direct rows
   on top of a topic's program). dev/test: within each bucket, groups
   (a row, a pair, or a repair row with its source's split) are ordered by a seeded hash of their
   prompt and cut at the declared fractions, so every split keeps the declared mixture and no
   prompt can be in two splits. A verbatim gold row keeps its entry's split from meta.toml.

Every target is loaded, re-serialized and compiled with the entry's content before it is written
(unresolved refs of renumbered components are allowed: the compiler draws placeholders). Nothing
depends on time or dict order: the same SPEC.toml gives byte-identical files.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from itertools import product
from pathlib import Path

from engine.data.qc import target_problems
from engine.data.rows import Row
from engine.data.spec import Spec, spec_tokenizer
from engine.data.variants import (
    Program,
    content_index,
    countable,
    damage,
    graft,
    kinds_in,
    programs,
    restyle,
)
from engine.dsl import DSL_VERSION, Scene, load, serialize, vocab
from engine.fileio import InputError, read_json, read_text
from engine.gold.pack import load_pack
from engine.tokenizer.fit import fits, row_tokens
from engine.tokenizer.prompts import (
    SOURCE_GOLD,
    explicit_prompt,
    intent_prompt,
    repair_prompt,
)

STYLE_KEYS: tuple[str, ...] = ("theme", "tone", "density")
HOLDOUT_SPLITS: tuple[str, ...] = ("dev", "test")
# Structural changes a topic can carry, in the order variants.variants_per_gold takes them: the plan
# line's values (DSL v3) but "none" and "own".
CHANGE_KINDS: tuple[str, ...] = tuple(v for v in vocab.PLAN_VALUES if v not in ("none", "own"))

Style = tuple[str, str, str]


@dataclass(frozen=True)
class Gold:
    name: str
    family: str
    split: str
    scene: Scene
    content: object
    scene_sha256: str
    content_sha256: str

    @property
    def topic(self) -> str:
        return self.scene.attr("topic")

    @property
    def style(self) -> Style:
        return tuple(self.scene.attr(k) for k in STYLE_KEYS)


def _sha(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def load_golds(spec: Spec) -> list[Gold]:
    """The spec's gold entries, each a clean canonical scene with its content."""
    entries = [e for e in load_pack(spec.gold_pack) if e.family in spec.families
               and (not spec.entries or e.name in spec.entries)]
    unknown = sorted(set(spec.entries) - {e.name for e in load_pack(spec.gold_pack)})
    if unknown:
        raise InputError(f"{spec.path}: source.entries names {', '.join(unknown)}, which {spec.gold_pack} does not hold")
    missing = [f for f in spec.families if f not in {e.family for e in entries}]
    if missing:
        raise InputError(f"{spec.path}: source.gold_pack {spec.gold_pack} has no gold entry of "
                         f"{', '.join(missing)}; add one or drop it from source.families")
    golds = []
    for e in entries:
        text = read_text(e.scene_path)
        doc = load(text)
        if doc.scene is None or doc.diagnostics:
            raise InputError(f"{e.scene_path}: a gold scene must load without diagnostics (run `ck check`)")
        raw = read_text(e.content_path) if e.content_path.exists() else "{}"
        content = read_json(e.content_path) if e.content_path.exists() else {}
        golds.append(Gold(e.name, e.family, e.split, doc.scene, content, _sha(text), _sha(raw)))
    seen: dict[tuple[str, str], str] = {}
    for g in golds:
        other = seen.setdefault((g.family, g.topic), g.name)
        if other != g.name:
            raise InputError(f"gold entries {other} and {g.name} are both {g.family} with topic "
                             f"{g.topic}: their prompts would collide; give one another topic")
    return golds


def dataset_meta(spec: Spec, golds: list[Gold]) -> dict:
    """What manifest.json records besides counts and files: enough for QC to run on its own."""
    return {
        "dsl_version": DSL_VERSION,
        "spec": {
            "name": spec.name, "version": spec.version, "seed": spec.seed, "sha256": spec.sha256,
            "surface": spec.surface, "ctx": spec.ctx, "buckets": spec.mixture.buckets,
            "syntax_rung": spec.mixture.syntax_rung, "repair_cap": spec.mixture.repair_cap,
            "dev": spec.splits.dev, "test": spec.splits.test,
            "hidden": [list(c) for c in spec.splits.hidden],
            "compositional": [list(c) for c in spec.splits.compositional],
        },
        "gold": {
            "pack": str(spec.gold_pack),
            "entries": {g.name: {"family": g.family, "split": g.split, "scene_sha256": g.scene_sha256,
                                 "content_sha256": g.content_sha256} for g in golds},
        },
    }


def row_id(spec: Spec, prompt: str) -> str:
    return f"{spec.name}-{_sha(prompt)[:12]}"


def _order_key(spec: Spec, key: str) -> str:
    return _sha(f"{spec.seed}:{key}")


def stratify(spec: Spec, keys: list[str]) -> dict[str, str]:
    """Split groups by a seeded hash of their key, cut at the dev and test fractions."""
    order = sorted(keys, key=lambda k: _order_key(spec, k))
    n_dev = round(spec.splits.dev * len(order))
    n_test = round(spec.splits.test * len(order))
    return {k: "dev" if i < n_dev else "test" if i < n_dev + n_test else "train"
            for i, k in enumerate(order)}


class _Builder:
    def __init__(self, spec: Spec, golds: list[Gold]):
        self.spec, self.golds = spec, golds
        self.v = spec.variants
        self.rng = random.Random(spec.seed)
        self.by_name = {g.name: g for g in golds}
        self.intent = spec.intent
        # on the intent surface a style is an audience's: the prompt decides no other
        self.styles: list[Style] = (list(self.intent.audiences.values()) if self.intent else
                                    list(product(self.v.themes, self.v.tones, self.v.densities)))
        self.audience_of = {style: name for name, style in self.intent.audiences.items()} if self.intent else {}
        self.checked: set[str] = set()
        self.assign: dict[tuple[str, str], Program] = {}

    # ---- programs and topics ------------------------------------------------------------------
    def clean(self, program: Program) -> bool:
        return not target_problems(serialize(program.scene), self.by_name[program.gold].content)

    def plan(self) -> None:
        anchor: dict[str, Gold] = {}
        for g in self.golds:  # the family anchor is its first train entry, else its first entry
            if g.family not in anchor or (g.split == "train" and anchor[g.family].split != "train"):
                anchor[g.family] = g
        natives = {(g.family, g.topic): g for g in self.golds}
        # extra topics (a gold entry's own too) are dealt after the pool, so the pool's topics keep
        # the kinds they had in the spec that had no extra topics
        extra = sorted(set(self.v.extra_topics))
        pool = sorted((set(self.v.topics) | {g.topic for g in self.golds}) - set(extra))
        self.pool = sorted(pool + extra)
        hidden = set(self.spec.splits.hidden)
        for topic, layout in sorted(hidden):
            if topic not in self.pool:
                raise InputError(f"{self.spec.path}: splits.hidden ({topic}, {layout}): topic is not in "
                                 "variants.topics nor a gold entry's topic, so it is never seen in train")
            if (layout, topic) in natives:
                raise InputError(f"{self.spec.path}: splits.hidden ({topic}, {layout}) would hide gold "
                                 f"entry {natives[layout, topic].name}'s own prompt")
        self.kinds = kinds = ("none", *CHANGE_KINDS[:self.v.variants_per_gold])
        deal = lambda topics: sorted(topics, key=lambda t: _order_key(self.spec, f"change:{t}"))
        self.change_of = {t: kinds[i % len(kinds)] for i, t in enumerate(deal(pool) + deal(extra))}
        self.realized = realized = {f: self.realizations(g) for f, g in anchor.items()}
        self.free: list[tuple[str, str]] = []
        for layout in self.spec.families:
            for topic in self.pool:
                native = natives.get((layout, topic))
                if native is not None:
                    self.assign[layout, topic] = programs(native.name, native.scene, (), False, False)[0]
                    continue
                self.assign[layout, topic] = realized[layout][self.change_of[topic]]
                if (topic, layout) not in hidden:
                    self.free.append((layout, topic))
        self.plan_grafts()

    def plan_grafts(self) -> None:
        """The (kind, layout) pairs train asks with [add:KIND]: every graft kind in every family whose
        gold entries never hold it (with variants.graft_held, in every family), but the compositional
        ones. A compositional pair must be new (no gold entry of the layout holds the kind) and its
        kind shown grafted in two families."""
        held = {f: set().union(*(kinds_in(g.scene) for g in self.golds if g.family == f)) for f in self.spec.families}
        asked = set(self.spec.splits.compositional)
        for kind, layout in sorted(asked):
            if kind in held[layout]:
                raise InputError(f"{self.spec.path}: splits.compositional ({kind}, {layout}): a gold entry of "
                                 f"{layout} holds a {kind}, so the combination is not new")
        self.graft_cells = [(k, f) for k in self.v.grafts for f in self.spec.families
                            if (self.v.graft_held or k not in held[f]) and (k, f) not in asked]
        for kind in sorted({k for k, _ in asked}):
            shown = [f for k, f in self.graft_cells if k == kind]
            if len(shown) < 2:
                raise InputError(f"{self.spec.path}: splits.compositional asks {kind}, which train shows grafted in "
                                 f"{len(shown)} famil{'y' if len(shown) == 1 else 'ies'} ({', '.join(shown) or 'none'}); "
                                 "a combination is new only against one seen at least twice")

    def realizations(self, g: Gold) -> dict[str, Program]:
        """The anchor's one program per change kind (its base program where a kind does not apply)."""
        base, *changed = programs(g.name, g.scene, self.v.canvases, self.v.count_changes,
                                  self.v.order_changes)
        by_id = {p.id: p for p in changed if self.clean(p)}
        repeated = countable(g.scene)
        wanted = {"none": base.id}
        if repeated:
            last = max(content_index(c) for c in g.scene.components if c.name == repeated[0])
            wanted["count_dup"] = f"{g.name}~count_dup:{repeated[0]}"
            wanted["count_drop"] = f"{g.name}~count_drop:{repeated[0]}.{last}"
        swaps = [p.id for p in changed if p.change == "order_swap"]
        canvases = [p.id for p in changed if p.change == "canvas"]
        if swaps:
            wanted["order_swap"] = swaps[0]
        if canvases:
            wanted["canvas"] = canvases[0]
        return {k: by_id.get(wanted.get(k), base) for k in ("none", *CHANGE_KINDS)}

    # ---- rows ---------------------------------------------------------------------------------
    def row(self, layout: str, topic: str, style: Style, bucket: str, split: str, add: str | None = None,
            **extra) -> Row:
        program = self.assign[layout, topic]
        gold = self.by_name[program.gold]
        scene = restyle(program.scene, {"topic": topic, **dict(zip(STYLE_KEYS, style))})
        native = gold.family == layout and gold.topic == topic
        if self.spec.plan:   # the topic's edit, whatever this layout makes of it (spec fields plan, plan_native)
            plan = self.spec.plan_native if native and self.spec.plan_native != "topic" else self.change_of[topic]
            scene = replace(scene, plan=plan)
        if add is not None:   # the prompt's [add:KIND]: on top of the topic's program, never instead of it
            scene = graft(scene, add, self.v.graft_at)
            extra["add"] = add
        target = serialize(scene)
        self.check(target, gold, program.id)
        goal = extra.pop("goal", None)
        if self.intent and goal is None:   # a family's goal words take turns over topics, one per (layout, topic)
            words = self.intent.goals_of(layout)
            goal = words[int(_sha(f"{layout}:{topic}")[:8], 16) % len(words)]
        prompt = (intent_prompt(topic, goal, self.audience_of[style]) if self.intent
                  else explicit_prompt(scene, own=native and self.spec.own_prompt, add=add))
        provenance = {
            "gold": gold.name, "program": program.id, "change": program.change,
            "topic_swap": topic != gold.topic,
            "restyle": [k for k, value, own in zip(STYLE_KEYS, style, gold.style) if value != own],
            **extra,
        }
        return Row(row_id(self.spec, prompt), prompt, target, split, bucket, layout, provenance)

    def check(self, target: str, gold: Gold, what: str) -> None:
        if target in self.checked:
            return
        problems = target_problems(target, gold.content)
        if problems:
            raise InputError(f"program {what}: a generated target is not clean: {problems[0]}")
        self.checked.add(target)

    def quotas(self) -> dict[str, int]:
        n = self.v.rows_per_gold * len(self.golds)
        share = self.spec.mixture.buckets
        q = {b: round(share.get(b, 0.0) * n) for b in ("anchor_replay", "direct")}
        q["minimal_pair"] = 2 * round(share.get("minimal_pair", 0.0) * n / 2)
        return q

    def anchors(self, quota: int) -> list[Row]:
        rows = []
        per_gold = _deal(quota, [self.spec.mixture.replay.get(g.family, 1.0) for g in self.golds])
        restyles = []
        for g, k in zip(self.golds, per_gold):
            others = [s for s in self.styles if s != g.style]
            if k > (len(self.styles) if self.intent else 1 + len(others)):
                raise InputError(f"{self.spec.path}: anchor_replay wants {k} rows for {g.name}, but its "
                                 f"topic has only {1 + len(others)} styles; lower mixture.buckets."
                                 "anchor_replay or variants.rows_per_gold, or list more styles")
            if k and self.intent:   # no audience asks for the gold's own style: restyles only
                restyles += [(g, s) for s in self.rng.sample(self.styles, k)]
            elif k:
                rows.append(self.row(g.family, g.topic, g.style, "anchor_replay", g.split, verbatim=True))
                restyles += [(g, s) for s in self.rng.sample(others, k - 1)]
        made = [self.row(g.family, g.topic, s, "anchor_replay", "train", verbatim=False) for g, s in restyles]
        # split on the prompt without its source tag, so own_prompt moves no row to another split
        key = {r.prompt: r.prompt.replace(f" {SOURCE_GOLD}", "") for r in made}
        split = stratify(self.spec, list(key.values()))
        return rows + [_with_split(r, split[key[r.prompt]]) for r in made]

    def pairs(self, quota: int, cells: list[tuple[str, str, Style]]) -> tuple[list[Row], set]:
        values = {"theme": self.v.themes, "tone": self.v.tones, "density": self.v.densities}
        present = set(cells)
        candidates: dict[str, list] = {d: [] for d in self.v.pair_decisions}
        for layout, topic, style in cells:
            for d in self.v.pair_decisions:
                if d == "topic":
                    candidates[d] += [((layout, topic, style), other, d)
                                      for other in self.topic_contrasts(layout, topic, style, present)]
                    continue
                if d == "audience":   # two audiences, one cell: the whole style turns on one word
                    candidates[d] += [((layout, topic, style), (layout, topic, s), d) for s in self.styles
                                      if s > style and (layout, topic, s) in present]
                    continue
                i = STYLE_KEYS.index(d)
                for value in values[d]:
                    other = (layout, topic, style[:i] + (value,) + style[i + 1:])
                    if value > style[i] and other in present:
                        candidates[d].append(((layout, topic, style), other, d))
        for d in self.v.pair_decisions:
            self.rng.shuffle(candidates[d])
        # round-robin over the decisions so no one decision crowds out the others
        chosen, used = [], set()
        queues = [iter(candidates[d]) for d in self.v.pair_decisions]
        while len(chosen) < quota // 2 and queues:
            for q in list(queues):
                pick = next((c for c in q if c[0] not in used and c[1] not in used), None)
                if pick is None:
                    queues.remove(q)
                    continue
                chosen.append(pick)
                used |= {pick[0], pick[1]}
                if len(chosen) == quota // 2:
                    break
        if len(chosen) < quota // 2:
            raise InputError(f"{self.spec.path}: minimal_pair wants {quota // 2} pairs but only "
                             f"{len(chosen)} fit; lower its ratio or list more styles or topics")
        made = []
        for a, b, decision in chosen:
            rows = [self.row(*c, "minimal_pair", "train", decision=decision) for c in (a, b)]
            pair = f"pair-{_sha(rows[0].prompt + chr(10) + rows[1].prompt)[:12]}"
            # an audience names a whole style: the pair contrasts each style key the two differ in
            styles = [a[2], b[2]] if decision == "audience" else None
            for r in rows:
                r.provenance["pair"] = pair
                if styles:
                    r.provenance["contrast"] = [k for k, x, y in zip(STYLE_KEYS, *styles) if x != y]
            made.append((pair, rows))
        split = stratify(self.spec, [p for p, _ in made])
        return [_with_split(r, split[p]) for p, rs in made for r in rs], used

    def topic_contrasts(self, layout: str, topic: str, style: Style, present: set) -> list:
        """The cells that make a topic pair with (layout, topic, style): same layout and style,
        a later topic whose program under this layout differs, so the two targets differ in the
        topic and in the structure the two topics' change kinds give this layout."""
        mine = self.assign[layout, topic].id
        return [(layout, other, style) for other in self.pool
                if other > topic and (layout, other, style) in present and self.assign[layout, other].id != mine]

    def direct(self, quota: int, cells: list[tuple[str, str, Style]]) -> list[Row]:
        if quota > len(cells):
            raise InputError(f"{self.spec.path}: direct wants {quota} rows but only {len(cells)} "
                             "(layout, topic, style) cells are left; add topics or styles")
        draw = self.balanced if self.v.balance_cells or self.v.balance_kinds else lambda n, cs: self.rng.sample(cs, n)
        if not self.spec.mixture.families:   # no family preferred: one draw over every cell
            picked = draw(quota, cells)
        else:
            picked = []
            shares = self.spec.mixture.family_shares(self.spec.families)
            for family, n in zip(self.spec.families, _deal(quota, [shares[f] for f in self.spec.families])):
                mine = [c for c in cells if c[0] == family]
                if n > len(mine):
                    raise InputError(f"{self.spec.path}: direct wants {n} {family} rows (mixture.families) but only "
                                     f"{len(mine)} of its (layout, topic, style) cells are left; add topics or styles")
                picked += draw(n, mine)
        made = [self.row(*c, "direct", "train") for c in picked]
        split = stratify(self.spec, [r.prompt for r in made])
        return [_with_split(r, split[r.prompt]) for r in made]

    def fresh(self, n: int) -> list[Row]:
        """n direct train rows, each asking a topic made for it alone (two words of the pool's
        topics), the (layout, change kind) pairs dealt in turn: such a row's program can be told
        only from its plan line, never from a topic seen under other layouts (spec02_plan-r9)."""
        words = sorted({w for t in self.pool for w in t.split("_") if len(w) > 1 and w.isalpha()})
        names = [f"{a}_{b}" for a in words for b in words if a != b and f"{a}_{b}" not in self.pool]
        if n > len(names):
            raise InputError(f"{self.spec.path}: variants.fresh_rows = {n}, but the pool's words make "
                             f"only {len(names)} new topics")
        rng = random.Random(f"{self.spec.seed}:fresh")
        rng.shuffle(names)
        families, kinds = self.spec.families, self.kinds
        rows = []
        for i, topic in enumerate(names[:n]):
            layout, kind = families[i % len(families)], kinds[i // len(families) % len(kinds)]
            self.change_of[topic] = kind
            self.assign[layout, topic] = self.realized[layout][kind]
            rows.append(self.row(layout, topic, rng.choice(self.styles), "direct", "train", fresh=True))
        return rows

    def balanced(self, quota: int, cells: list[tuple[str, str, Style]]) -> list[tuple[str, str, Style]]:
        """`quota` cells dealt round-robin over their (layout, topic) pairs, styles drawn at random
        within each: every pair gets the same number of rows, give or take one, so each topic's
        change kind is shown as often under each of its layouts (seed, phase 2: "edit diversity").
        With variants.balance_kinds the turns go to each layout's programs instead (its realization
        of a change kind, "none" included), topics taking turns within one: no program is a
        layout's majority answer for a topic the model has not bound to its kind."""
        by_cell: dict[tuple[str, str], list] = {}
        for c in cells:
            by_cell.setdefault(c[:2], []).append(c)
        turns: dict[tuple[str, str], list[list]] = {}
        for cell in sorted(by_cell):
            key = (cell[0], self.assign[cell].id) if self.v.balance_kinds else cell
            turns.setdefault(key, []).append(self.rng.sample(by_cell[cell], len(by_cell[cell])))
        queues = [_interleaved(turns[k]) for k in sorted(turns)]
        self.rng.shuffle(queues)
        picked: list = []
        while len(picked) < quota:
            for q in queues:
                if q and len(picked) < quota:
                    picked.append(q.pop())
        return picked

    def grafted(self, n: int) -> list[Row]:
        """n direct rows asking [add:KIND]: dealt evenly over the graft kinds, each kind's over the
        families train shows it grafted in, then free (topic, style) cells of that family at random
        (never a gold entry's own scene: a graft is asked on top of a topic's program). With
        variants.graft_pairs one cell is asked two kinds of its family, the pair split as one: two
        targets that differ in the asked block's kind alone (seed: "clean contrast sets")."""
        if not n:
            return []
        cells: dict[str, list] = {}
        for layout, topic in self.free:
            cells.setdefault(layout, []).extend((layout, topic, s) for s in self.styles)
        kinds = sorted({k for k, _ in self.graft_cells})
        made, asks = [], {}
        for kind, count in zip(kinds, _deal(n, [1.0] * len(kinds))):
            families = [f for k, f in self.graft_cells if k == kind]
            for family, m in zip(families, _deal(count, [1.0] * len(families))):
                if self.v.graft_pairs:
                    asks.setdefault(family, []).append([kind] * m)
                    continue
                mine = cells.get(family, [])
                if m > len(mine):
                    raise InputError(f"{self.spec.path}: variants.graft_rows wants {m} {family} rows with "
                                     f"[add:{kind}] but only {len(mine)} (topic, style) cells are free")
                made += [self.row(*c, "direct", "train", add=kind) for c in self.rng.sample(mine, m)]
        if not self.v.graft_pairs:
            split = stratify(self.spec, [r.prompt for r in made])
            return [_with_split(r, split[r.prompt]) for r in made]
        pairs = []
        for family in sorted(asks):
            queue = [kind for ask in asks[family] for kind in ask]
            self.rng.shuffle(queue)
            groups = []
            while queue:   # each ask with the next ask of another kind; alone where none is left
                first = queue.pop(0)
                other = next((i for i, kind in enumerate(queue) if kind != first), None)
                groups.append([first] if other is None else [first, queue.pop(other)])
            mine = cells.get(family, [])
            if len(groups) > len(mine):
                raise InputError(f"{self.spec.path}: variants.graft_rows wants {len(groups)} {family} cells with "
                                 f"[add:KIND] but only {len(mine)} (topic, style) cells are free")
            for asked, c in zip(groups, self.rng.sample(mine, len(groups))):
                rows = [self.row(*c, "direct", "train", add=kind) for kind in asked]
                pair = f"pair-{_sha(chr(10).join(r.prompt for r in rows))[:12]}"
                if len(rows) == 2:
                    for r in rows:
                        r.provenance.update(pair=pair, decision="add")
                pairs.append((pair, rows))
        split = stratify(self.spec, [p for p, _ in pairs])
        return [_with_split(r, split[p]) for p, rows in pairs for r in rows]

    def compositional(self) -> list[Row]:
        """Per splits.compositional (kind, layout): hidden_rows_per_combo rows asking [add:KIND]
        under the layout, each another free topic of it in a style drawn for it."""
        rows = []
        for kind, layout in sorted(self.spec.splits.compositional):
            topics = sorted(t for lay, t in self.free if lay == layout)
            for topic in self.rng.sample(topics, min(self.v.hidden_rows_per_combo, len(topics))):
                rows.append(self.row(layout, topic, self.rng.choice(self.styles), "direct", "compositional", add=kind))
        return rows

    def hidden(self) -> list[Row]:
        rows = []
        for topic, layout in sorted(self.spec.splits.hidden):
            k = min(self.v.hidden_rows_per_combo, len(self.styles))
            rows += [self.row(layout, topic, s, "direct", "hidden") for s in self.rng.sample(self.styles, k)]
        return rows + self.paraphrased()

    def paraphrased(self) -> list[Row]:
        """Intent rows asked with goal words train never shows (the new-surface hidden prompts):
        each paraphrase in turn, a topic and an audience drawn for it, no prompt twice."""
        if not self.intent or not self.intent.paraphrases:
            return []
        words = sorted(self.intent.paraphrases)
        cells = [(w, t, s) for w in words for t in self.pool for s in self.styles]
        self.rng.shuffle(cells)
        by_word = {w: [c for c in cells if c[0] == w] for w in words}
        rows, turn = [], 0
        while len(rows) < self.intent.paraphrase_rows and any(by_word.values()):
            w = words[turn % len(words)]
            turn += 1
            if by_word[w]:
                _, topic, style = by_word[w].pop()
                layout = self.intent.paraphrases[w]
                rows.append(self.row(layout, topic, style, "direct", "hidden", goal=w, surface="paraphrase"))
        return rows

    def repairs(self, clean: list[Row], tokenizer) -> list[Row]:
        """Per split, floor(r / (1 - r) x clean rows) repair rows, so the repair share never
        exceeds its declared ratio (the cap is a cap), corruptions taken in turn."""
        share = self.spec.mixture.buckets.get("repair", 0.0)
        rows = []
        for split in ("train", *HOLDOUT_SPLITS):
            mine = [r for r in clean if r.split == split]
            want = int(share * len(mine) / (1.0 - share) + 1e-9)
            sources = [r for r in mine if r.bucket in ("anchor_replay", "direct")]
            queues = []
            for corruption in self.v.repair_corruptions:
                order = list(sources)
                self.rng.shuffle(order)
                queues.append((corruption, iter(order)))
            made: list[Row] = []
            seen = set()
            while len(made) < want and queues:
                for entry in list(queues):
                    row = self.repair_row(entry, seen, tokenizer)
                    if row is None:
                        queues.remove(entry)
                        continue
                    made.append(row)
                    if len(made) == want:
                        break
            if len(made) < want:
                raise InputError(f"{self.spec.path}: repair wants {want} {split} rows but only "
                                 f"{len(made)} fit spec.ctx = {self.spec.ctx}; raise ctx or lower the ratio")
            rows += made
        return rows

    def repair_row(self, entry, seen: set, tokenizer) -> Row | None:
        corruption, sources = entry
        for source in sources:
            rng = random.Random(f"{self.spec.seed}:{source.id}:{corruption}")
            prompt = repair_prompt(damage(source.target, corruption, rng))
            if prompt in seen:
                continue
            # a row longer than the context would be cut in training and teach a cut-off scene
            if not fits(row_tokens(tokenizer.count(prompt), tokenizer.count(source.target)), self.spec.ctx):
                continue
            seen.add(prompt)
            provenance = {"gold": source.provenance["gold"], "program": source.provenance["program"],
                          "corruption": corruption, "source": source.id}
            return Row(row_id(self.spec, prompt), prompt, source.target, source.split, "repair",
                       source.layout, provenance)
        return None


def _deal(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, whole numbers that sum to it (largest remainders
    first, ties to the earlier): equal weights give the even split, remainder to the first."""
    whole = sum(weights)
    exact = [total * w / whole if whole else 0.0 for w in weights]
    out = [int(x) for x in exact]
    for i in sorted(range(len(weights)), key=lambda i: (-(exact[i] - out[i]), i))[:total - sum(out)]:
        out[i] += 1
    return out


def _interleaved(queues: list[list]) -> list:
    """The queues' items in one list to pop from its end, each queue giving its next in turn."""
    out: list = []
    queues = [list(q) for q in queues]
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop())
    return out[::-1]


def _with_split(row: Row, split: str) -> Row:
    return Row(row.id, row.prompt, row.target, split, row.bucket, row.layout, row.provenance)


def build_dataset(spec: Spec, golds: list[Gold] | None = None, tokenizer=None) -> list[Row]:
    """Every row of the spec's dataset, sorted by id."""
    golds = golds if golds is not None else load_golds(spec)
    b = _Builder(spec, golds)
    b.plan()
    q = b.quotas()
    clean = b.anchors(q["anchor_replay"])
    cells = [(layout, topic, s) for layout, topic in b.free for s in b.styles]
    pair_rows, used = b.pairs(q["minimal_pair"], cells)
    clean += pair_rows
    taken = spec.variants.fresh_rows + spec.variants.graft_rows
    if taken > q["direct"]:
        raise InputError(f"{spec.path}: variants.fresh_rows + graft_rows = {taken} is more than the "
                         f"direct bucket's {q['direct']} rows they are taken from")
    clean += b.direct(q["direct"] - taken, [c for c in cells if c not in used])
    clean += b.fresh(spec.variants.fresh_rows)
    held = b.hidden()
    clean += b.grafted(spec.variants.graft_rows)
    held += b.compositional()
    rows = clean + held + b.repairs(clean, tokenizer or spec_tokenizer(spec))
    ids = [r.id for r in rows]
    if len(set(ids)) != len(ids):
        raise AssertionError("dataset builder made two rows with one prompt")
    return sorted(rows, key=lambda r: r.id)


def build_to(spec: Spec, out: str | Path) -> tuple[list[Row], dict]:
    """Build and write DIR/{train,dev,test,hidden}.jsonl and manifest.json."""
    from engine.data.rows import write_dataset

    golds = load_golds(spec)
    rows = build_dataset(spec, golds)
    stale = Path(out) / "qc.json"
    # a QC report of an earlier build would describe other rows
    stale.unlink(missing_ok=True)
    return rows, write_dataset(rows, out, dataset_meta(spec, golds))
