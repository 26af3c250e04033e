"""dashboard_cards starter: one card per card of the asset, in the asset's rows (a row of several
is a group that sets them side by side), longer cards as panels of their lines."""
from __future__ import annotations

from engine.gold.starters.common import card_page

FAMILY = "dashboard_cards"


def build(profile, texts) -> tuple[str, dict]:
    return card_page(profile, texts, FAMILY)
