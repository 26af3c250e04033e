"""Drawing helpers every section uses: wrapped text blocks, framed boxes, connectors.

Each helper appends shapes to `out` and returns the height it used, so a caller can measure a
block by drawing it into a scratch list first.
"""
from __future__ import annotations

from engine.compiler.geometry import ANCHOR, Circle, Line, Rect, Shape, Text, bends_horizontally
from engine.compiler.resolve import Slot
from engine.compiler.style import Style
from engine.compiler.text import cut_note, wrap
from engine.compiler.themes import ink_on, mix
from engine.diagnostics import Diagnostic, Severity
from engine.dsl.frozen import replaced

OVERFLOW = "text-overflow"


def overflow(slot: Slot, w: float, size: float, bold: bool, max_lines: int | None,
             mono: bool = False) -> Diagnostic | None:
    """The warning for `slot` cut to `max_lines` lines of width `w`; None when it fits (or is a
    placeholder, which its unresolved ref already reports)."""
    note = None if slot.missing else cut_note(slot.text, w, size, bold, max_lines, mono)
    return None if note is None else cut_warning(slot, note)


def cut_warning(slot: Slot, note: str) -> Diagnostic:
    """The text-overflow warning at `slot`'s ref, `note` saying how its text was cut."""
    o = slot.origin
    line, col = (o.line, o.col) if o else (1, 1)
    return Diagnostic(line, col, OVERFLOW, f"{o or 'a text'}: text {note}", Severity.WARNING)


def one_line(slot: Slot, w: float, size: float, bold: bool = False,
             mono: bool = False) -> tuple[str, Diagnostic | None]:
    """`slot` on one line of width `w` (ellipsized if need be), and the warning if it was cut."""
    return wrap(slot.text, w, size, bold, 1, mono)[0], overflow(slot, w, size, bold, 1, mono)


def text_block(out: list[Shape], x: float, y: float, w: float, slot: Slot | None, size: float,
               fill: str, style: Style, *, bold: bool = False, anchor: str = "start",
               max_lines: int | None = None, role: str = "", placeholder_fill: str | None = None,
               mono: bool = False) -> float:
    """Wrapped text in a column of width `w` starting at top `y` (in the monospace face when
    `mono`); returns its height."""
    if slot is None or not slot.text:
        return 0.0
    lines = wrap(slot.text, w, size, bold, max_lines, mono)
    lh = style.line_height(size)
    tx = x if anchor == "start" else x + w / 2 if anchor == "middle" else x + w
    colour = (placeholder_fill or style.palette.accents["red"]) if slot.missing else fill
    baseline = y + (lh - size) / 2 + size * 0.8
    cut = overflow(slot, w, size, bold, max_lines, mono)
    font = "mono" if mono else "sans"
    for i, line in enumerate(lines):
        out.append(Text(tx, baseline + i * lh, line, size, colour, bold, anchor, placeholder=slot.missing,
                        role=role, font=font, cut=cut if i == len(lines) - 1 else None))
    return lh * len(lines)


def box(out: list[Shape], x: float, y: float, w: float, h: float, style: Style, accent: str, *,
        fill: str | None = None, stroke: str | None = None, dash: bool = False,
        rail: bool = True, role: str = "card", outline: str | None = None, node: str | None = None) -> None:
    """A framed box in the scene's frame style, with its rail strip on the emphasis side.

    `outline` (a component's own, DSL v2): bold draws the frame heavier and in the accent, accent
    at its thin width in the accent, none leaves it out; omitted is thin. A `fill` of "none"
    leaves the box open (and unshadowed). `node` records the component's node_id on the box, for
    links."""
    p = style.palette
    if outline in IN_ACCENT:
        stroke = stroke or accent
    edge = None if outline == "none" else stroke or p.stroke

    def width(thin: float) -> float:
        return thin * BOLD if outline == "bold" else thin

    shadow = not dash and fill != "none"
    if style.frame == "card":
        out.append(Rect(x, y, w, h, fill or p.surface, edge, width(1.2), RADIUS["card"],
                        shadow=shadow, dash=dash, role=role, node=node))
    elif style.frame == "panel":
        out.append(Rect(x, y, w, h, fill or p.surface_2, edge, width(2), RADIUS["panel"], dash=dash, role=role,
                        node=node))
    else:
        if fill and fill != "none":
            # open frames wash their boxes out, but not a strong fill: its text is set to read on
            # the fill at full strength (a light ink over a 60 % ink box would be grey on grey)
            strong = fill in (accent, p.text)
            out.append(Rect(x, y, w, h, fill, None, 0, 0, opacity=1.0 if strong else 0.6, role=role, node=node))
        elif node:
            out.append(Rect(x, y, w, h, "none", role=ANCHOR, node=node))
        if edge:
            out.append(Line(((x, y), (x + w, y)), edge, width(2), dash=dash, role=role))
    if rail and style.rail != "none":
        colour = accent if style.rail == "accent" else p.stroke
        radius = 3 if style.frame == "card" else 0
        if style.emphasis == "top":
            out.append(Rect(x, y, w, 5, colour, rx=radius, role="rail"))
        elif style.emphasis == "left":
            out.append(Rect(x, y, 6, h, colour, rx=radius, role="rail"))
        else:
            out.append(Rect(x + w / 2 - 32, y + h - 6, 64, 4, colour, rx=2, role="rail"))


RADIUS = {"card": 14, "panel": 3, "none": 0}  # a box's corner radius in each frame style
BOLD = 2.5  # a bold outline, in thin outlines
IN_ACCENT = ("bold", "accent")  # the outlines drawn in the component's accent
TINT = 0.22  # how much accent a tint fill takes
FAINT = 0.12  # how much accent a faint fill takes (the library's quiet boxes: 10-15 %)
SHADE = 0.25  # how much black an inset (a well) takes: sunk below the surface it stands on
RAISE = 0.12  # inside a strong fill, a raised box: this much of the way from the fill to its ink
LIFT = 0.4    # inside an ink box, an accent: this much of the way to the ink that reads on it
DEEP = 0.45   # a deep fill: the accent this much of the way to the page's darkest
WASH = FAINT  # a shade fill: the accent washed over the page's colour as much as faint over the surface


def well_fill(style: Style) -> str:
    """The fill of a well, a box sunk into the surface (a code well, an inset fill)."""
    return mix(style.palette.surface, "#000000", SHADE)


def deep_fill(style: Style, accent: str) -> str:
    """A strong fill of middle lightness: the accent taken toward the dark page it stands on (or
    toward black on a light page), the library's deep-blue and deep-teal boxes."""
    p = style.palette
    return mix(accent, p.background if p.dark else "#000000", DEEP)


def shade_fill(style: Style, accent: str) -> str:
    """A dark tint: the accent washed over the page's own colour rather than the surface's, so it
    keeps the page's brightness (the library's #1a3d2a section boxes on a #232323 page; faint,
    mixed into a lighter surface, reads lighter than the page)."""
    return mix(style.palette.background, accent, WASH)


def fill_of(style: Style, accent: str, fill: str | None, default: str | None = None) -> str | None:
    """A box's fill colour for a component's `fill` attribute (DSL v2): surface, tint (the accent
    mixed into the surface), faint (half as much: a box barely coloured), solid (the accent), ink
    (the page's ink: a dark block on a light page, a light one on a dark page), none ("none":
    open), inset (a well), raised (the palette's second surface: a chip lighter than the panel it
    stands on), deep (the accent darkened: a strong fill of middle lightness), shade (the accent
    washed over the page's colour: a dark tint on a dark page); omitted, `default`."""
    if fill is None:
        return default
    return {"surface": style.palette.surface, "tint": style.tint(accent, TINT), "solid": accent,
            "faint": style.tint(accent, FAINT), "ink": style.palette.text,
            "none": "none", "inset": well_fill(style), "raised": style.palette.surface_2,
            "deep": deep_fill(style, accent), "shade": shade_fill(style, accent)}[fill]


STRONG = ("solid", "ink", "deep")   # fills dark or bright enough that text is set to read on them


def ground(style: Style, accent: str, fill: str | None) -> str | None:
    """The colour a box's text stands on when its fill is a strong one (solid: the accent; ink: the
    page's ink; deep: the darkened accent), so that the text is set to read on it; None on the
    light fills."""
    return fill_of(style, accent, fill) if fill in STRONG else None


def on_fill(style: Style, accent: str, fill: str | None) -> Style:
    """The style for text inside a box of `fill`: set in ink that reads on a strong fill."""
    under = ground(style, accent, fill)
    return on_solid(style, under, hues=fill == "ink") if under else style


def inside(style: Style, accent: str, fill: str | None) -> Style:
    """The style for what stands inside a box of `fill`: on a strong fill, text in ink that reads
    on it and the box's colour as the surface its own boxes and code wells start from (a well on
    an ink box is darker than the box, not a light slab under light text; a raised chip a step
    toward the ink, so that the ink still reads on it)."""
    under = ground(style, accent, fill)
    if not under:
        return style
    inked = on_solid(style, under, hues=fill == "ink")
    raised = mix(under, inked.palette.text, RAISE)
    return replaced(inked, palette=replaced(inked.palette, surface=under, surface_2=raised))


def on_solid(style: Style, accent: str, *, hues: bool = False) -> Style:
    """The style for text set on a solid `accent` fill: ink that reads on it, in place of the
    palette's text colours and, unless `hues`, of the accents too. With `hues` (an ink box: a
    neutral block, as the library's code listings are) the accents keep their hue, lifted toward
    the ink so that they read on it (coloured titles and result lines on a listing)."""
    ink = ink_on(accent)
    p = style.palette
    quiet = mix(ink, accent, 0.25)
    accents = ({k: mix(v, ink, LIFT) for k, v in p.accents.items()} if hues
               else dict.fromkeys(p.accents, ink))
    palette = replaced(p, text=ink, text_muted=quiet, text_faint=quiet, accents=accents)
    return replaced(style, palette=palette)


def inner(x: float, w: float, style: Style) -> tuple[float, float]:
    """The text column inside a box: padding, plus room for a left rail."""
    left = style.pad + (8 if style.emphasis == "left" and style.rail != "none" else 0)
    return x + left, w - left - style.pad


def anchor_of(style: Style) -> str:
    return "middle" if style.emphasis == "center" else "start"


def connector(out: list[Shape], a: tuple[float, float], b: tuple[float, float], style: Style,
              colour: str, *, width: float = 2.2, role: str = "connector", bend: str = "auto") -> None:
    """Join a to b in the scene's connector style: line, arrow, bracket (elbow) or curve; none
    draws nothing (the sections or stages stand apart, as many library pages set them).

    `bend` says which way a bracket or curve leaves and enters: "vertical", "horizontal", or
    "auto" (along the longer extent; a tree edge wants "vertical" however wide it is)."""
    kind = style.connector
    if kind == "none":
        return
    if kind == "bracket":
        (x1, y1), (x2, y2) = a, b
        if bends_horizontally(bend, x1, y1, x2, y2):
            mx = (x1 + x2) / 2
            pts = ((x1, y1), (mx, y1), (mx, y2), (x2, y2))
        else:
            my = (y1 + y2) / 2
            pts = ((x1, y1), (x1, my), (x2, my), (x2, y2))
        out.append(Line(pts, colour, width, role=role))
        out.append(Circle(b[0], b[1], 3.5, colour, role=role))
    else:
        out.append(Line((a, b), colour, width, arrow=kind == "arrow", curve=kind == "curve", bend=bend,
                        role=role))
