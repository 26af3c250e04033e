"""Text measurement and wrapping with real glyph advances from the bundled font (fontTools).

The SVG names the same fonts (DejaVu Sans; DejaVu Sans Mono for code), so what is measured here is
what renders. Widths are cached per word, which makes re-measuring a scene on every keystroke cheap.
"""
from __future__ import annotations

import functools

from fontTools.ttLib import TTFont

from engine.paths import FONTS

FONT_FAMILY = "DejaVu Sans"
MONO_FAMILY = "DejaVu Sans Mono"
# (bold, mono) -> the bundled face measured for it
FONT_FILES = {(False, False): "DejaVuSans.ttf", (True, False): "DejaVuSans-Bold.ttf",
              (False, True): "DejaVuSansMono.ttf", (True, True): "DejaVuSansMono-Bold.ttf"}
ELLIPSIS = "\u2026"
# Renderers differ slightly (hinting, kerning); this slack keeps measured text inside its box.
SAFETY = 1.03
FIT_EPS = 1e-6   # px


class _Advances(dict):
    """Per-character advance in em units (1.0 = font size); a character the font lacks gets the
    missing glyph's. Keyed by character, so a width is one C-level map over the string."""

    def __init__(self, advances: dict[str, float], missing: float):
        super().__init__(advances)
        self.missing = missing

    def __missing__(self, ch: str) -> float:
        return self.missing


@functools.cache
def _advances(bold: bool, mono: bool = False) -> _Advances:
    font = TTFont(FONTS / FONT_FILES[bold, mono], lazy=True)
    upem = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    return _Advances({chr(cp): hmtx[glyph][0] / upem for cp, glyph in font.getBestCmap().items()},
                     hmtx[".notdef"][0] / upem)


@functools.lru_cache(maxsize=65536)
def _em_width(s: str, bold: bool, mono: bool = False) -> float:
    return sum(map(_advances(bold, mono).__getitem__, s)) * SAFETY


def text_width(s: str, size: float, bold: bool = False, mono: bool = False) -> float:
    """Rendered width of `s` at font size `size` (px), in the monospace face when `mono`."""
    return _em_width(s, bold, mono) * size


def _break_word(word: str, width: float, size: float, bold: bool, mono: bool) -> list[str]:
    """Split a word too long for one line into pieces that each fit."""
    pieces, cur = [], ""
    for ch in word:
        if cur and text_width(cur + ch, size, bold, mono) > width:
            pieces.append(cur)
            cur = ch
        else:
            cur += ch
    return pieces + [cur] if cur else pieces


def ellipsize(line: str, width: float, size: float, bold: bool = False, mono: bool = False) -> str:
    """`line` cut to fit `width` with a trailing ellipsis."""
    while line and text_width(line + ELLIPSIS, size, bold, mono) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


@functools.lru_cache(maxsize=16384)
def wrap(text: str, width: float, size: float, bold: bool = False,
         max_lines: int | None = None, mono: bool = False) -> tuple[str, ...]:
    """Greedy word wrap into lines no wider than `width`; words that cannot fit are broken.

    With `max_lines`, the last kept line ends in an ellipsis when text was cut.
    >>> wrap("alpha beta", 1000, 16)
    ('alpha beta',)
    """
    # a box narrower than one glyph still gets one glyph per line; a column measured as a text's
    # width plus padding, less the padding, holds the text whatever the float sums round to
    width = max(width, size) + FIT_EPS
    space = text_width(" ", size, bold, mono)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        cur, cur_w = "", 0.0
        for word in paragraph.split():
            w = text_width(word, size, bold, mono)
            if cur and cur_w + space + w <= width:
                cur, cur_w = f"{cur} {word}", cur_w + space + w
                continue
            if cur:
                lines.append(cur)
            if w > width:
                *full, cur = _break_word(word, width, size, bold, mono)
                lines.extend(full)
                cur_w = text_width(cur, size, bold, mono)
            else:
                cur, cur_w = word, w
        lines.append(cur)
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = ellipsize(lines[-1], width, size, bold, mono)
    return tuple(lines)


def cut_note(text: str, width: float, size: float, bold: bool = False,
             max_lines: int | None = None, mono: bool = False) -> str | None:
    """How `wrap(text, ..., max_lines)` cut `text`, said so that a person can act on it; None
    when nothing was cut.

    >>> cut_note("alpha beta gamma", 60, 16, max_lines=1)
    'cut at 4 of 16 characters'
    """
    if max_lines is None:
        return None
    kept = wrap(text, width, size, bold, max_lines, mono)
    if not kept[-1].endswith(ELLIPSIS):  # the common case, answered from the caller's own wrap
        return None
    full = wrap(text, width, size, bold, mono=mono)
    if len(full) <= max_lines:  # the text itself ends in an ellipsis
        return None
    if max_lines == 1:
        return f"cut at {len(kept[0]) - len(ELLIPSIS)} of {len(text)} characters"
    return f"cut to {max_lines} of {len(full)} lines"
