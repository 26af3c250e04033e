"""pipeline_lane starter: the asset's widest row of cards is the lane, one stage_card per card
(its title, the rest as caption) joined in reading order by flow arrows; what stands above and
below the lane is written before and after it, as it reads."""
from __future__ import annotations

from engine.gold.starters.common import (
    Draft,
    Unit,
    accent,
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

FAMILY = "pipeline_lane"
MAX_STAGES = 8


def lane(items: list[Unit]) -> list[Unit]:
    """The row with the most cards (two at least), else the row with the most units."""
    best: list[Unit] = []
    for row in rows(items):
        cards = [u for u in row if u.card]
        if len(cards) >= 2 and len(cards) > len(best):
            best = cards
    if not best:
        best = max(rows(items), key=len, default=[])
    return best[:MAX_STAGES] if len(best) >= 2 else []


def stage(d: Draft, u: Unit, node: str) -> None:
    texts = [t for line in lines_of(u.all_texts) for t in line]
    first = texts[0]
    titled = is_title(first, texts) or len(texts) > 1
    title, rest = (first, texts[1:]) if titled else (None, texts)
    d.leaf("stage_card", {"title": title.text if title else "", "caption": " ".join(t.text for t in rest)},
           node_id=node, accent=accent(first.fill))


def build(profile, texts) -> tuple[str, dict]:
    d = Draft(page_attrs(profile, FAMILY, texts))
    heads = header(d, texts)
    feet = [t for t in texts if t.role == "footer"][:2]
    items = units(profile, body(texts, heads, feet))
    stages = lane(items)
    top = min((u.box.y for u in stages), default=float("inf"))
    rest = [u for u in items if u not in stages]
    write_rows(d, [u for u in rest if u.box.y < top])
    if stages:
        # held in a group the lane stands where the asset has it, as tall as its stages need
        d.open("group")
        for i, u in enumerate(stages):
            stage(d, u, f"s{i + 1}")
        for i in range(1, len(stages)):
            d.leaf("flow_arrow", from_ref=f"s{i}", to_ref=f"s{i + 1}")
        d.close("group")
    write_rows(d, [u for u in rest if u.box.y >= top])
    footer(d, feet)
    return d.text(), d.content
