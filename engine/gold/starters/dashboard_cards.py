"""dashboard_cards starter: one card per card of the asset, in the asset's rows (a row of several
is a group that sets them side by side), longer cards as panels of their lines."""
from __future__ import annotations

from engine.gold.starters.common import (
    Draft,
    body,
    footer,
    header,
    page_attrs,
    units,
    write_rows,
)

FAMILY = "dashboard_cards"


def build(profile, texts) -> tuple[str, dict]:
    d = Draft(page_attrs(profile, FAMILY, texts))
    heads = header(d, texts)
    feet = [t for t in texts if t.role == "footer"][:2]
    write_rows(d, units(profile, body(texts, heads, feet)))
    footer(d, feet)
    return d.text(), d.content
