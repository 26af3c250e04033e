"""poster_stack starter: the asset's sections down the page as they stand, cards side by side in
rows where the asset sets them so, longer cards as panels of their lines."""
from __future__ import annotations

from engine.gold.starters.common import card_page

FAMILY = "poster_stack"


def build(profile, texts) -> tuple[str, dict]:
    return card_page(profile, texts, FAMILY)
