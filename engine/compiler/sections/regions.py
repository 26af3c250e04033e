"""Regions: bands of memory stacked one under another, each with its start offset in a gutter at
the left, and the region_stack that frames a column of them.

A run of consecutive regions is one stack. Rules:

- Offsets (monospace, muted) stand right-aligned in a gutter left of the bands, level with each
  band's top edge, as addresses are written beside a memory map; the gutter is only as wide as
  the widest offset, and there is none when no region has one.
- A band is as tall as its content, and at least its `span` of the stack's unit (the tallest
  one-span band that is not elided), so bands of one span read as one rhythm; height a layout gives the stack beyond
  that is shared by span. Content is centred in its band.
- `align:left` sets the label and caption at the left and the components a region holds (a strip
  of chips) beside them, starting at one column for the whole stack so that chips line up band to
  band; `align:center` centres label and caption and sets the components under them.
- fill: surface (the palette's inset surface), tint, solid, gradient (the accent fading from a
  darker shade), none; text on solid and gradient is set in ink that reads on it. outline: thin
  (in the accent when one is said), bold (the accent, heavier), none.
- An elided region (`variant:elided`) is open: an ellipsis over its label and caption stands for
  the regions left out.
- A region_stack is a framed column (title and caption at its top, in its accent) holding its
  components, regions as one stack; its regions' offsets stand in the gutter outside its frame.
"""
from __future__ import annotations

from engine.compiler import (
    sections as registry,  # read at call time: this module is part of it
)
from engine.compiler.draw import (
    BOLD,
    IN_ACCENT,
    box,
    fill_of,
    on_fill,
    on_solid,
    text_block,
)
from engine.compiler.geometry import Gradient, Rect, Shape, Text, shift
from engine.compiler.resolve import Bound
from engine.compiler.sections.strip import ELIDED_SCALE, ELISION, setting
from engine.compiler.style import Style
from engine.compiler.text import text_width
from engine.compiler.themes import mix

PAD = 0.6            # a band's padding, in the style's card paddings
GAP = 0.25           # px between bands, in the style's gaps
OFFSET_GAP = 10.0    # px between an offset and its band
LABEL_SHARE = 0.3    # the most of a band's width its label column takes
CAPTION_LINES = 3
GRADIENT_SHADE = 0.35  # how far a gradient band's dark end is mixed toward black


def gutter(items: list[Bound], style: Style) -> float:
    """The width the offsets of `items` need left of their bands (0 when none has one)."""
    widths = [text_width(s.text, style.size("small"), False, True) for b in items
              if (s := b.text("offset")) and s.text]
    return max(widths) + OFFSET_GAP if widths else 0.0


def _label_column(items: list[Bound], w: float, style: Style) -> float:
    """The label column of left-aligned bands that hold components: the widest label, padded."""
    widths = [text_width(s.text, style.size("title"), True) for b in items
              if b.children and setting(b, "align") == "left" and (s := b.text("label")) and s.text]
    return min(max(widths) + style.pad, w * LABEL_SHARE) if widths else 0.0


def _children(page, b: Bound, x: float, y: float, w: float) -> float:
    """The components a region holds, one section under another; returns their height."""
    cy = y
    for i, (kind, items) in enumerate(registry.sections(list(b.children))):
        cy += (page.style.gap * GAP if i else 0.0)
        cy += registry.RENDERERS[kind](page, items, x, cy, w)
    return cy - y


def _text(b: Bound, w: float, style: Style, centred: bool) -> tuple[list[Shape], float]:
    """A band's ellipsis (elided), label and caption, drawn from y=0 in a column `w` wide."""
    p = style.palette
    anchor = "middle" if centred else "start"
    shapes: list[Shape] = []
    h = 0.0
    elided = setting(b, "variant") == "elided"
    if elided:
        size = style.size("title") * ELIDED_SCALE
        lh = style.line_height(size) * 0.8
        shapes.append(Text(w / 2 if centred else 0.0, lh * 0.7, ELISION, size, p.text_muted, True, anchor,
                           role="elision"))
        h = lh
    accent = style.accent(b.comp.attr("accent"), b.order)
    colour = accent if b.comp.attr("accent") else p.text_muted if elided else p.text
    # an elided band is quiet: its label at body size, not bold
    h += text_block(shapes, 0, h, w, b.text("label"), style.size("body" if elided else "title"), colour, style,
                    bold=not elided, anchor=anchor, max_lines=2, role="region-label")
    caption = b.text("caption")
    if caption and caption.text:
        h += 2.0
        h += text_block(shapes, 0, h, w, caption, style.size("small" if elided else "body"),
                        p.text_faint if elided else p.text_muted, style, anchor=anchor,
                        max_lines=CAPTION_LINES, role="region-caption")
    return shapes, h


def _styled(b: Bound, style: Style) -> Style:
    accent = style.accent(b.comp.attr("accent"), b.order)
    fill = setting(b, "fill")
    return on_solid(style, accent) if fill == "gradient" else on_fill(style, accent, fill)


def _band(page, b: Bound, x: float, y: float, w: float, label_w: float, h: float = 0.0) -> float:
    """One band at (x, y), at least `h` tall; returns its height."""
    style = _styled(b, page.style)
    pad = page.style.pad * PAD
    tw = w - 2 * pad
    centred = setting(b, "align") == "center" or setting(b, "variant") == "elided"
    beside = not centred and b.children and label_w
    text, text_h = _text(b, label_w - page.style.pad if beside else tw, style, centred)
    kids_x = x + pad + (label_w if beside else 0.0)
    kids_w = tw - (label_w if beside else 0.0)
    kids_h = _children(page.scratch(), b, 0.0, 0.0, kids_w) if b.children else 0.0
    stacked = 0.0 if beside else (text_h + (page.style.gap * GAP if text_h and kids_h else 0.0))
    content = max(text_h, kids_h) if beside else stacked + kids_h
    band_h = max(content + 2 * pad, h)
    top = y + (band_h - content) / 2
    if setting(b, "variant") != "elided":
        _frame(page, b, x, y, w, band_h)
    page.out.extend(shift(s, x + pad, top + ((content - text_h) / 2 if beside else 0.0)) for s in text)
    if kids_h:
        inner = page.scratch()
        inner.out, inner.gradients = page.out, page.gradients
        inner.style = style
        _children(inner, b, kids_x, top + ((content - kids_h) / 2 if beside else stacked), kids_w)
    return band_h


def _frame(page, b: Bound, x: float, y: float, w: float, h: float) -> None:
    style = page.style
    p = style.palette
    own = b.comp.attr("accent")
    accent = style.accent(own, b.order)
    fill = setting(b, "fill")
    if fill == "gradient":
        name = "region-" + accent.lstrip("#")
        if all(g.name != name for g in page.gradients):
            page.gradients.append(Gradient(name, 0, 0, 1, 0, ((0, mix(accent, "#000000", GRADIENT_SHADE), 1),
                                                              (1, accent, 1))))
        colour = "url:" + name
    else:
        colour = p.surface_2 if fill == "surface" else fill_of(style, accent, fill)
    outline = setting(b, "outline")
    stroke = None if outline == "none" else accent if outline in IN_ACCENT or own else p.stroke
    width = 1.2 * (BOLD if outline == "bold" else 1.0)
    page.out.append(Rect(x, y, w, h, colour, stroke, width if stroke else 0.0, 5, role="region",
                         node=b.comp.topo_id("node_id")))


def _heights(page, items: list[Bound], w: float, label_w: float, height: float, gap: float) -> list[float]:
    """Each band's height: its content, at least its span of the unit; `height` (the stack's,
    when a layout gives it more than that) shared by span."""
    natural = [_band(page.scratch(), b, 0.0, 0.0, w, label_w) for b in items]
    spans = [int(setting(b, "span")) for b in items]
    ones = [h for h, s, b in zip(natural, spans, items) if s == 1 and setting(b, "variant") != "elided"]
    unit = max(ones) if ones else min(h / s for h, s in zip(natural, spans))
    out = [max(h, unit * s + gap * (s - 1)) for h, s in zip(natural, spans)]
    spare = height - sum(out) - gap * (len(items) - 1)
    if spare > 0:
        out = [h + spare * s / sum(spans) for h, s in zip(out, spans)]
    return out


def render(page, items: list[Bound], x: float, y: float, w: float, height: float = 0.0,
           offsets_at: float | None = None) -> float:
    """A stack of regions at (x, y) in a column `w` wide (its gutter included unless `offsets_at`
    says where the offsets end, outside the column), at least `height` tall; returns its height."""
    style = page.style
    if offsets_at is None:
        g = gutter(items, style)
        x, w, offsets_at = x + g, w - g, x + g - OFFSET_GAP
    gap = max(4.0, style.gap * GAP)
    label_w = _label_column(items, w - 2 * style.pad * PAD, style)
    small = style.size("small")
    cy = y
    for b, h in zip(items, _heights(page, items, w, label_w, height, gap)):
        offset = b.text("offset")
        if offset and offset.text:
            text_block(page.out, offsets_at - w, cy, w, offset, small, style.palette.text_muted, style,
                       anchor="end", max_lines=1, role="offset", mono=True)
        _band(page, b, x, cy, w, label_w, h)
        cy += h + gap
    return cy - gap - y


def stack(page, items: list[Bound], x: float, y: float, w: float, height: float = 0.0) -> float:
    """A region_stack at (x, y), `w` wide with its gutter, at least `height` tall."""
    b = items[0]
    style = page.style
    kids = registry.sections(list(b.children))
    g = gutter([c for kind, run in kids if kind == "regions" for c in run], style)
    fx, fw = x + g, w - g
    pad = style.pad
    accent = style.accent(b.comp.attr("accent"), b.order)
    fill = setting(b, "fill")
    text_style = on_fill(style, accent, fill)
    bx, bw = fx + pad * PAD, fw - 2 * pad * PAD
    head: list[Shape] = []
    head_h = text_block(head, 0, 0, bw, b.text("title"), style.size("title"),
                        text_style.accent(b.comp.attr("accent"), b.order), text_style, bold=True, max_lines=2,
                        role="panel-title")
    caption = b.text("caption")
    if caption and caption.text:
        head_h += text_block(head, 0, head_h + 2, bw, caption, style.size("body"),
                             text_style.palette.text_muted, text_style, max_lines=3, role="panel-caption") + 2
    body_top = y + pad * PAD + (head_h + pad * PAD if head_h else 0.0)
    runs = sum(1 for kind, _ in kids if kind == "regions")

    def body(target, grow: float) -> float:
        cy = body_top
        for i, (kind, run) in enumerate(kids):
            cy += style.gap * GAP if i else 0.0
            if kind == "regions":
                natural = render(target.scratch(), run, bx, cy, bw, offsets_at=fx - OFFSET_GAP)
                cy += render(target, run, bx, cy, bw, natural + grow / runs, offsets_at=fx - OFFSET_GAP)
            else:
                cy += registry.RENDERERS[kind](target, run, bx, cy, bw)
        return cy - body_top

    want = height - (body_top - y) - pad * PAD
    grow = max(0.0, want - body(page.scratch(), 0.0)) if runs else 0.0
    mark = len(page.out)
    body_h = body(page, grow)
    h = max(body_top - y + body_h + pad * PAD, height)
    frame: list[Shape] = []
    box(frame, fx, y, fw, h, style, accent, fill=fill_of(style, accent, fill), rail=False,
        role="region_stack", outline=setting(b, "outline"), node=b.comp.topo_id("node_id"))
    page.out[mark:mark] = frame + [shift(s, bx, y + pad * PAD) for s in head]
    return h
