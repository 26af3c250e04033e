"""Colour values as written in SVG and CSS, normalized to `#rrggbb` so palettes can be compared.

    >>> normalize_colour("#FFF"), normalize_colour("rgba(10, 14, 39, 0.7)"), normalize_colour("white")
    ('#ffffff', '#0a0e27', '#ffffff')
    >>> normalize_colour("url(#grad)") is None, normalize_colour("none") is None
    (True, True)

Alpha is dropped (`#ffb40030` -> `#ffb400`): a palette says which hues an asset uses; how
translucent one use of it is belongs to that element, not to the palette.
"""
from __future__ import annotations

import re

# The CSS named colours, as the renderer itself reads them.
from cairosvg.colors import COLORS

_HEX = re.compile(r"#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})\Z")
_RGB = re.compile(r"rgba?\(\s*([^)]*)\)\Z", re.IGNORECASE)


def normalize_colour(value: str | None) -> str | None:
    """`#rrggbb` for a colour value; None for none, transparent, paint servers and unknown words."""
    if not value:
        return None
    value = value.strip()
    m = _HEX.match(value)
    if m:
        digits = m.group(1).lower()
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits[:3])
        return "#" + digits[:6]
    m = _RGB.match(value)
    if m:
        return _from_rgb(m.group(1))
    named = COLORS.get(value.lower())
    if named is None or named[3] == 0:   # unknown word, or 'transparent'
        return None
    return "#" + "".join(f"{round(c * 255):02x}" for c in named[:3])


def _from_rgb(args: str) -> str | None:
    parts = [p for p in re.split(r"[\s,/]+", args.strip()) if p][:3]
    if len(parts) != 3:
        return None
    channels = []
    for p in parts:
        try:
            v = float(p[:-1]) * 2.55 if p.endswith("%") else float(p)
        except ValueError:
            return None
        channels.append(min(255, max(0, round(v))))
    return "#" + "".join(f"{c:02x}" for c in channels)
