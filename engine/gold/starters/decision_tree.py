"""decision_tree starter: the asset's cards are the tree's nodes, level by level as they stand
(a row of cards is a level); each node below the top hangs from the nearest node of the level
above by a decision_edge. Loose text above the tree is written before it, the rest after."""
from __future__ import annotations

import itertools

from engine.gold.starters.common import (
    Draft,
    Unit,
    body,
    footer,
    header,
    is_title,
    lines_of,
    page_attrs,
    rows,
    units,
    write_rows,
)

FAMILY = "decision_tree"
MAX_NODES = 15


def levels(items: list[Unit]) -> list[list[Unit]]:
    out, count = [], 0
    for row in rows([u for u in items if u.card]):
        row = row[:MAX_NODES - count]
        if row:
            out.append(row)
            count += len(row)
    return out


def node(d: Draft, u: Unit, handle: str, variant: str) -> None:
    texts = [t for line in lines_of(u.all_texts) for t in line]
    first = texts[0]
    titled = is_title(first, texts) or len(texts) > 1
    title, rest = (first, texts[1:]) if titled else (None, texts)
    d.leaf("decision_node", {"title": title.text if title else "", "body": " ".join(t.text for t in rest)},
           node_id=handle, variant=variant)


def build(profile, texts) -> tuple[str, dict]:
    d = Draft(page_attrs(profile, FAMILY, texts))
    heads = header(d, texts)
    feet = [t for t in texts if t.role == "footer"][:2]
    items = units(profile, body(texts, heads, feet))
    tree = levels(items)
    placed = [u for level in tree for u in level]
    top = min((u.box.y for u in placed), default=float("inf"))
    write_rows(d, [u for u in items if u not in placed and u.box.y < top])
    handles = {id(u): f"n{i + 1}" for i, u in enumerate(placed)}
    for depth, level in enumerate(tree):
        variant = "root" if depth == 0 else "leaf" if depth == len(tree) - 1 else "branch"
        for u in level:
            node(d, u, handles[id(u)], variant)
    for upper, level in itertools.pairwise(tree):
        for u in level:
            x = u.box.x + u.box.w / 2
            parent = min(upper, key=lambda p: abs(p.box.x + p.box.w / 2 - x))
            d.leaf("decision_edge", from_ref=handles[id(parent)], to_ref=handles[id(u)])
    write_rows(d, [u for u in items if u not in placed and u.box.y >= top])
    footer(d, feet)
    return d.text(), d.content
