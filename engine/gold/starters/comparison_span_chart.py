"""comparison_span_chart starter: every line of the asset that pairs a label with a number is a
compare_bar (label, value, and the number as its magnitude), in reading order; what stands above
the first bar is written before the chart, the rest after."""
from __future__ import annotations

import re

from engine.gold.starters.common import (
    Draft,
    accent,
    body,
    footer,
    header,
    lines_of,
    page_attrs,
    units,
    write_rows,
)

FAMILY = "comparison_span_chart"
MAX_BARS = 12
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")


def magnitude(text: str) -> float | None:
    m = NUMBER.search(text)
    return float(m.group().replace(",", "")) if m else None


def bar_lines(texts) -> list[list]:
    """Lines holding a value (a number) beside a label."""
    out = []
    for line in lines_of(texts):
        values = [t for t in line if t.role == "value"]
        if values and len(line) >= 2 and len(line) <= 4:
            out.append(line)
    return out[:MAX_BARS]


def build(profile, texts) -> tuple[str, dict]:
    d = Draft(page_attrs(profile, FAMILY, texts))
    heads = header(d, texts)
    feet = [t for t in texts if t.role == "footer"][:2]
    items = units(profile, body(texts, heads, feet))
    bars = bar_lines([t for u in items for t in u.all_texts])
    if len(bars) < 2:
        bars = []
    in_bars = {id(t) for line in bars for t in line}
    top = min((t.y for line in bars for t in line), default=float("inf"))
    rest = units(profile, [t for t in body(texts, heads, feet) if id(t) not in in_bars])
    write_rows(d, [u for u in rest if u.box.y < top])
    for i, line in enumerate(bars):
        value = next(t for t in line if t.role == "value")
        others = [t for t in line if t is not value]
        d.leaf("compare_bar", {"label": others[0].text, "value": value.text,
                               "caption": " ".join(t.text for t in others[1:])}, accent=accent(value.fill))
        number = magnitude(value.text)
        if number is not None:
            d.content["compare_bar"][i]["magnitude"] = number
    write_rows(d, [u for u in rest if u.box.y >= top])
    footer(d, feet)
    return d.text(), d.content
