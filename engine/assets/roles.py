"""Text roles and placeholders: what each piece of text is doing, and the slot name that replaces it.

The seed's asset contract says to "strip literal text into placeholders first" and to keep "text
roles, not the original prose" (seed: "Asset/Data Contract", "Dummy-text normalization"). A role
is guessed per <text> from what a reader sees: size relative to the asset's body text, weight,
place on the canvas, length, and digits. Rules, first match wins:

1. headline  - the largest text in the top 15 % of the canvas (the first one on a tie); one per
               asset, and the largest text overall when nothing sits in the top band.
2. kicker    - short text (<= 40 characters) above the headline, set smaller.
3. subtitle  - the first text below the headline within three headline sizes, set smaller,
               at least 12 characters; one per asset.
4. footer    - in the bottom 7 % of the canvas, alone on its baseline (no other text within
               3 px of it: a footer is one line across, not a cell of a bottom row), not bold,
               not larger than body text, not a number (see value).
5. badge     - short text (<= 32 characters) centred in a pill (a rect rounded to at least 35 %
               of its height, at most 80 px tall).
6. value     - numbers: at least half of its letters and digits are digits, at most 20 characters
               ("80 GB", "$240,000+", "2026-02-08", "0x7f3a...").
7. title     - short (<= 70 characters) and either bold (weight >= 600) at body size or above, or
               at least 1.25 x body size: card, section and column headings.
8. paragraph - 50 characters or more, or 8 words or more.
9. caption   - 20 characters or more, or 4 words or more.
10. label    - everything else: short tags, cell text, axis ticks.

"Body size" is the median font size of the asset's texts.

Placeholders follow the seed's naming (heading_1, heading_2, paragraph_1, badge_1): a stem per
role, numbered per stem in document order. Headline and titles share the stem `heading`, so the
headline is usually heading_1 and section titles heading_2, heading_3, ...; every other role is its
own stem (kicker_1, subtitle_1, value_3, label_12, ...).
"""
from __future__ import annotations

import bisect
import re
import statistics
from collections import Counter

from engine.assets.geometry import Box, Canvas, TextRun

ROLES = ("kicker", "headline", "subtitle", "title", "value", "caption", "label", "paragraph",
         "footer", "badge")
PLACEHOLDER_STEMS = {role: role for role in ROLES} | {"headline": "heading", "title": "heading"}

_DIGIT = re.compile(r"\d")
_ALNUM = re.compile(r"\w")


def assign_roles(texts: list[TextRun], canvas: Canvas, boxes: list[Box]) -> list[str]:
    """One role per text run, in the runs' order."""
    if not texts:
        return []
    body = statistics.median(t.size for t in texts)
    roles: list[str | None] = [None] * len(texts)

    top = [t for t in texts if t.y <= 0.15 * canvas.height] or texts
    headline = max(top, key=lambda t: (t.size, -t.index))
    roles[headline.index] = "headline"

    for t in texts:
        if t.y < headline.y - 0.5 * headline.size and t.size < headline.size and len(t.text) <= 40:
            roles[t.index] = "kicker"

    below = sorted((t for t in texts if roles[t.index] is None and headline.y < t.y <= headline.y
                    + 3 * headline.size and t.size < headline.size and len(t.text) >= 12),
                   key=lambda t: (t.y, t.index))
    if below:
        roles[below[0].index] = "subtitle"

    pills = [b for b in boxes if b.h <= 80 and b.rx >= 0.35 * b.h]
    baselines = sorted(t.y for t in texts)
    for t in texts:
        if roles[t.index] is None:
            alone = bisect.bisect_right(baselines, t.y + 3) - bisect.bisect_left(baselines, t.y - 3) == 1
            roles[t.index] = _role(t, body, canvas, pills, alone)
    return roles


def _role(t: TextRun, body: float, canvas: Canvas, pills: list[Box], alone: bool) -> str:
    bold = t.weight >= 600
    words = len(t.text.split())
    numeric = len(t.text) <= 20 and _digit_share(t.text) >= 0.5
    if t.y >= 0.93 * canvas.height and alone and not bold and t.size <= body * 1.15 and not numeric:
        return "footer"
    if len(t.text) <= 32 and any(p.contains(*t.center) for p in pills):
        return "badge"
    if numeric:
        return "value"
    if len(t.text) <= 70 and ((bold and t.size >= body) or t.size >= 1.25 * body):
        return "title"
    if len(t.text) >= 50 or words >= 8:
        return "paragraph"
    if len(t.text) >= 20 or words >= 4:
        return "caption"
    return "label"


def _digit_share(text: str) -> float:
    """Digits as a share of letters and digits: 1.0 for "2,000", 0.5 for "80 GB"."""
    alnum = len(_ALNUM.findall(text))
    return len(_DIGIT.findall(text)) / alnum if alnum else 0.0


def placeholders(roles: list[str]) -> list[str]:
    """Role-numbered placeholder names, in order: ['heading_1', 'subtitle_1', 'heading_2', ...]."""
    seen: Counter = Counter()
    out = []
    for role in roles:
        stem = PLACEHOLDER_STEMS[role]
        seen[stem] += 1
        out.append(f"{stem}_{seen[stem]}")
    return out
