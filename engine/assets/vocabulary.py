"""Vocabulary extraction: what a whole asset library asks of the scene DSL, as one JSON report.

Seed, "Vocabulary extraction": infer the reusable scene vocabulary (layout families, component
families, palettes, text roles) from the normalized assets. The report answers, for the library:
which families occur (guessed), which text roles and how many placeholders per stem the tokenizer
must cover, which colours recur, which element kinds are drawn, and which DSL components each
asset would need; structures no v1 component expresses are listed under `needs_extension`.

How structures and roles map to components (`components_for`):

| component               | from                                                             |
|-------------------------|------------------------------------------------------------------|
| header_band             | 1 when there is a headline, kicker or subtitle                   |
| compare_bar             | bars / 2, rounded up (a bar is its track and fill, or 2 segments)|
| span_bracket            | brackets                                                          |
| table_header, table_row | a table: 1 header and one row per further stacked row             |
| stage_card, flow_arrow  | pipeline_lane guess: linked boxes, connectors                     |
| decision_node, _edge    | decision_tree guess: linked boxes, connectors                     |
| section_card            | cards not already counted as table rows or linked boxes           |
| badge_pill              | texts in the badge role                                           |
| legend_row              | legend rows (swatch + label)                                      |
| footer_note             | texts in the footer role                                          |

thesis_box, callout_card and conclusion_strip are not inferred: nothing in the geometry tells them
from a section card reliably, so a person picks them when mapping a gold entry.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from engine.assets.family import FAMILIES
from engine.assets.geometry import SHAPES
from engine.assets.library import ScanEntry
from engine.assets.profile import AssetProfile
from engine.assets.roles import PLACEHOLDER_STEMS, ROLES
from engine.dsl.vocab import COMPONENTS

VOCABULARY_VERSION = 1

# Structures the v1 DSL has no component for, and the family that would carry each.
_EXTENSIONS = {
    "segments": "memory segments laid edge to edge (memory_map)",
    "dual_panels": "two facing panels (dual_panel_compare)",
}


def components_for(p: AssetProfile) -> dict[str, int]:
    """The DSL components (and how many of each) this asset would need, in COMPONENTS order."""
    s, roles = p.structure, p.roles
    need: Counter = Counter()
    if roles.get("headline") or roles.get("kicker") or roles.get("subtitle"):
        need["header_band"] = 1
    need["compare_bar"] = math.ceil(s["bars"] / 2)
    need["span_bracket"] = int(s["brackets"])
    if s["table_rows"] >= 3:
        need["table_header"] = 1
        need["table_row"] = int(s["table_rows"]) - 1
    if p.family.guess == "pipeline_lane":
        need["stage_card"], need["flow_arrow"] = int(s["linked_boxes"]), p.connectors
    elif p.family.guess == "decision_tree":
        need["decision_node"], need["decision_edge"] = int(s["linked_boxes"]), p.connectors
    need["section_card"] = max(0, int(s["cards"] - s["table_rows"] - s["linked_boxes"]))
    need["milestone"] = int(s["timeline_stops"])   # a stop on a timeline axis (wave 2)
    need["badge_pill"] = roles.get("badge", 0)
    need["legend_row"] = int(s["legend_rows"])
    need["footer_note"] = roles.get("footer", 0)
    return {name: need[name] for name in COMPONENTS if need[name] > 0}


def build_vocabulary(entries: list[ScanEntry], library: str = "") -> dict:
    profiles = [e.profile for e in entries if e.profile is not None]
    families: dict[str, list[str]] = defaultdict(list)
    role_texts: Counter = Counter()
    role_assets: Counter = Counter()
    stems: dict[str, int] = {}
    colour_uses: Counter = Counter()
    colour_assets: Counter = Counter()
    kinds: Counter = Counter()
    kind_assets: Counter = Counter()
    per_asset: dict[str, dict[str, int]] = {}
    component_assets: Counter = Counter()
    component_count: Counter = Counter()
    extensions: dict[str, list[str]] = defaultdict(list)

    for p in profiles:
        families[p.family.guess].append(p.name)
        for role, n in p.roles.items():
            role_texts[role] += n
            role_assets[role] += 1
        for stem, n in Counter(PLACEHOLDER_STEMS[t.role] for t in p.texts).items():
            stems[stem] = max(stems.get(stem, 0), n)
        for entry in p.palette:
            colour_uses[entry["colour"]] += entry["count"]
            colour_assets[entry["colour"]] += 1
        drawn = dict(p.shapes) | {"connector": p.connectors, "gradient": p.gradients,
                                  "marker": p.markers, "filter": p.filters}
        for kind, n in drawn.items():
            kinds[kind] += n
            kind_assets[kind] += n > 0
        per_asset[p.name] = components_for(p)
        for name, n in per_asset[p.name].items():
            component_count[name] += n
            component_assets[name] += 1
        for feature, what in _EXTENSIONS.items():
            if p.structure[feature]:
                extensions[what].append(p.name)

    return {
        "version": VOCABULARY_VERSION,
        "library": library,
        "assets": len(profiles),
        "refused": [{"name": e.name, "reason": e.error.detail} for e in entries if e.error is not None],
        "families": {f: sorted(families[f]) for f in FAMILIES if families[f]},
        "text_roles": {r: {"texts": role_texts[r], "assets": role_assets[r]} for r in ROLES if role_texts[r]},
        # stem -> n: the most slots of that stem one asset needs (stem_1 ... stem_n)
        "placeholders": dict(sorted(stems.items())),
        "palette": [{"colour": c, "count": n, "assets": colour_assets[c]}
                    for c, n in sorted(colour_uses.items(), key=lambda kv: (-colour_assets[kv[0]], -kv[1], kv[0]))],
        "palettes": {p.name: [e["colour"] for e in p.palette[:8]] for p in profiles},
        "element_kinds": {k: {"count": kinds[k], "assets": kind_assets[k]}
                          for k in (*SHAPES, "connector", "gradient", "marker", "filter")},
        "components": {
            "totals": {c: {"count": component_count[c], "assets": component_assets[c]}
                       for c in COMPONENTS if component_count[c]},
            "per_asset": per_asset,
        },
        "needs_extension": dict(extensions),
    }
