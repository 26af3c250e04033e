"""Theme palettes, loaded from resources/themes.toml (whose tables are also the DSL's theme
names, engine/dsl/vocab.py THEMES), and colour arithmetic on them."""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass

from engine.dsl.vocab import ACCENTS, THEMES_FILE


@dataclass(frozen=True)
class Palette:
    background: str
    background_2: str
    surface: str
    surface_2: str
    stroke: str
    text: str
    text_muted: str
    text_faint: str
    pattern: str
    header: str
    header_2: str
    shadow: str
    shadow_opacity: float
    glow: float
    accents: dict[str, str]

    @property
    def dark(self) -> bool:
        return luminance(self.background) < 0.5


@functools.cache
def palettes() -> dict[str, Palette]:
    data = tomllib.loads(THEMES_FILE.read_text())
    out = {}
    for name, table in data.items():
        missing = set(ACCENTS) - set(table["accents"])
        if missing:
            raise ValueError(f"theme {name} lacks accents {sorted(missing)}")
        out[name] = Palette(**table)
    return out


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


@functools.lru_cache(maxsize=4096)   # a scene mixes the same few palette colours again and again
def mix(a: str, b: str, t: float) -> str:
    """Colour `t` of the way from `a` to `b` (0 = a, 1 = b).

    >>> mix("#000000", "#ffffff", 0.5)
    '#808080'
    """
    ra, rb = _rgb(a), _rgb(b)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ra, rb))


def luminance(colour: str) -> float:
    r, g, b = _rgb(colour)
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def ink_on(colour: str) -> str:
    """Text colour that reads on a solid `colour` fill."""
    return "#111111" if luminance(colour) > 0.55 else "#ffffff"
