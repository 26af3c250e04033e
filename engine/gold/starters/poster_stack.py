"""poster_stack starter: the asset's sections down the page as they stand, cards side by side in
rows where the asset sets them so, longer cards as panels of their lines."""
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

FAMILY = "poster_stack"


def build(profile, texts) -> tuple[str, dict]:
    d = Draft(page_attrs(profile, FAMILY, texts))
    heads = header(d, texts)
    feet = [t for t in texts if t.role == "footer"][:2]
    write_rows(d, units(profile, body(texts, heads, feet)))
    footer(d, feet)
    return d.text(), d.content
