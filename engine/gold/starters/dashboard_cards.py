"""dashboard_cards starter: one card per card of the asset, in its rows; the card grid takes as
many columns as the asset's widest row (up to four), rows of another count are groups of their own."""
from __future__ import annotations

from engine.gold.starters.common import (MAX_ROW, Draft, body, footer, header, page_attrs, rows, units,
                                         write_rows)

FAMILY = "dashboard_cards"


def build(profile, texts) -> tuple[str, dict]:
    feet = [t for t in texts if t.role == "footer"][:2]
    draft_units = None
    d = Draft({})
    heads = header(d, texts)
    draft_units = units(profile, body(texts, heads, feet))
    widest = max((len(r) for r in rows(draft_units)), default=1)
    d.attrs = page_attrs(profile, FAMILY, texts, columns=str(min(MAX_ROW, max(1, widest))))
    write_rows(d, draft_units)
    footer(d, feet)
    return d.text(), d.content
