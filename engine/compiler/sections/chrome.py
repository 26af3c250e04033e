"""Page chrome: background pattern, header band, badges, legend, conclusion strip, footer."""
from __future__ import annotations

from engine.compiler.draw import text_block
from engine.compiler.geometry import Circle, Gradient, Line, Rect, Shape, Text, shift
from engine.compiler.resolve import Bound, Slot
from engine.compiler.style import Style
from engine.compiler.text import text_width, wrap
from engine.compiler.themes import ink_on, mix


def background(out: list[Shape], gradients: list[Gradient], width: float, height: float,
               style: Style) -> None:
    p = style.palette
    gradients.append(Gradient("bg", 0, 0, 1, 1, ((0, p.background, 1), (1, p.background_2, 1))))
    kind = style.background
    if kind == "grid":
        step = 40
        for x in range(step, int(width), step):
            out.append(Line(((x, 0), (x, height)), p.pattern, 1.5, role="background"))
        for y in range(step, int(height), step):
            out.append(Line(((0, y), (width, y)), p.pattern, 1.5, role="background"))
    elif kind == "mesh":
        a, b = style.accent(None, 0), style.accent(None, 2)
        gradients.append(Gradient("mesh1", 0.5, 0.5, 0.5, 0, ((0, a, 0.28), (1, a, 0)), radial=True))
        gradients.append(Gradient("mesh2", 0.5, 0.5, 0.5, 0, ((0, b, 0.22), (1, b, 0)), radial=True))
        out.append(Circle(width * 0.85, height * 0.12, width * 0.42, "url:mesh1", role="background"))
        out.append(Circle(width * 0.1, height * 0.8, width * 0.38, "url:mesh2", role="background"))
    elif kind == "rings":
        cx, cy = width * 0.9, height * 0.3  # below the header band, which would hide them
        colour = style.accent(None, 0)
        for i in range(1, 7):
            out.append(Circle(cx, cy, 70 * i, "none", colour, 1.5, opacity=0.30 - 0.04 * i, role="background"))


def header(out: list[Shape], gradients: list[Gradient], h: Bound | None, style: Style) -> float:
    """The header band across the top; returns its bottom edge."""
    p = style.palette
    x, w = style.inset, style.content_width
    top = style.inset * 0.8
    kicker, headline, subtitle = (h.text(f) if h else None for f in ("kicker", "headline", "subtitle"))
    accent = style.accent(None, 0)
    body: list[Shape] = []
    y = top
    if style.hero == "split":
        left_w = w * 0.58
        y += text_block(body, x, y, left_w, kicker, style.size("kicker"), accent, style, bold=True, role="kicker")
        y += text_block(body, x, y + 4, left_w, headline, style.size("headline"), p.text, style,
                        bold=True, max_lines=3, role="headline") + 4
        sub: list[Shape] = []
        sub_h = text_block(sub, x + left_w + 40, 0, w - left_w - 40, subtitle, style.size("subtitle"),
                           p.text_muted, style, anchor="end", max_lines=5, role="subtitle")
        sub_top = max(top, y - sub_h)
        body.extend(shift(s, 0, sub_top) for s in sub)
        y = max(y, sub_top + sub_h)
    else:
        anchor = "middle" if style.hero == "center" else "start"
        y += text_block(body, x, y, w, kicker, style.size("kicker"), accent, style, bold=True,
                        anchor=anchor, role="kicker")
        y += text_block(body, x, y + 4, w, headline, style.size("headline"), p.text, style, bold=True,
                        anchor=anchor, max_lines=3, role="headline") + 4
        y += text_block(body, x, y + 6, w, subtitle, style.size("subtitle"), p.text_muted, style,
                        anchor=anchor, max_lines=4, role="subtitle") + 6
    bottom = y + style.pad
    if style.frame != "none":
        gradients.append(Gradient("header", 0, 0, 1, 0, ((0, p.header, 1), (1, p.header_2, 1))))
        out.append(Rect(0, 0, style.width, bottom, "url:header", role="header"))
    out.append(Rect(0, bottom - 3, style.width, 3, accent, opacity=0.9, role="header-rule"))
    out.extend(body)
    return bottom


def badges(out: list[Shape], items: list[Bound], x: float, y: float, w: float, style: Style) -> float:
    """Pills in rows, wrapped to the width."""
    size = style.size("label")
    hgt, gap = size + 16, 12
    cx, cy = x, y
    for b in items:
        slot = b.text("text") or Slot("")
        label = wrap(slot.text, w - 32, size, True, 1)[0] if slot.text else ""
        pw = text_width(label, size, True) + 32
        if cx > x and cx + pw > x + w:
            cx, cy = x, cy + hgt + gap
        accent = style.accent(b.comp.attr("accent"), b.order)
        out.append(Rect(cx, cy, pw, hgt, style.tint(accent, 0.22), accent, 1.5, hgt / 2, role="badge"))
        out.append(Text(cx + pw / 2, cy + hgt / 2 + size * 0.36, label, size,
                        style.palette.accents["red"] if slot.missing else accent, True, "middle",
                        placeholder=slot.missing, role="badge"))
        cx += pw + gap
    return cy + hgt - y


def legend(out: list[Shape], items: list[Bound], x: float, y: float, w: float, style: Style) -> float:
    size = style.size("label")
    row_h = size + 14
    cx, cy = x, y
    for b in items:
        slot = b.text("label") or Slot("")
        label = wrap(slot.text, w - 40, size, False, 1)[0] if slot.text else ""
        iw = text_width(label, size) + 44
        if cx > x and cx + iw > x + w:
            cx, cy = x, cy + row_h
        colour = style.accent(b.comp.attr("tone"), b.order)
        out.append(Rect(cx, cy + row_h / 2 - 7, 14, 14, colour, rx=3, role="legend"))
        out.append(Text(cx + 22, cy + row_h / 2 + size * 0.36, label, size,
                        style.palette.accents["red"] if slot.missing else style.palette.text_muted,
                        placeholder=slot.missing, role="legend"))
        cx += iw
    return cy + row_h - y


def strip(out: list[Shape], gradients: list[Gradient], b: Bound, x: float, y: float, w: float,
          style: Style) -> float:
    """A conclusion strip: a bold accent band that ends the argument."""
    accent = style.accent(b.comp.attr("accent"), b.order)
    name = f"strip{b.index}"
    gradients.append(Gradient(name, 0, 0, 1, 0, ((0, accent, 1), (1, mix(accent, "#000000", 0.18), 1))))
    size = style.size("title")
    ink = ink_on(accent)
    body: list[Shape] = []
    th = text_block(body, x + style.pad, y + style.pad * 0.7, w - 2 * style.pad, b.text("text"), size,
                    ink, style, bold=True, anchor="middle", max_lines=4, role="conclusion")
    h = th + style.pad * 1.4
    out.append(Rect(x, y, w, h, f"url:{name}", rx=h / 2 if h < 90 else 16, role="conclusion"))
    out.extend(body)
    return h


def footer(out: list[Shape], notes: list[Bound], y: float, style: Style) -> float:
    """Footer notes on the left, the topic tag on the right; returns the height used."""
    size = style.size("small")
    x, w = style.inset, style.content_width
    tag = f"#{style.topic}"
    tag_w = text_width(tag, size) + 10
    h = 0.0
    for b in notes:
        h += text_block(out, x, y + h, w - tag_w - 20, b.text("text"), size, style.palette.text_faint,
                        style, max_lines=3, role="footer")
    lh = style.line_height(size)
    out.append(Text(x + w, y + lh * 0.75, tag, size, style.palette.text_faint, anchor="end", role="topic"))
    return max(h, lh)


def heading(out: list[Shape], b: Bound, x: float, y: float, w: float, style: Style) -> float:
    """A later header_band: a section heading inside the page (kicker, headline, subtitle)."""
    p = style.palette
    accent = style.accent(None, b.order)
    h = text_block(out, x, y, w, b.text("kicker"), style.size("kicker"), accent, style, bold=True,
                   role="kicker")
    h += text_block(out, x, y + h, w, b.text("headline"), style.size("title") * 1.25, p.text, style,
                    bold=True, max_lines=2, role="heading")
    h += text_block(out, x, y + h, w, b.text("subtitle"), style.size("body"), p.text_muted, style,
                    max_lines=3, role="subtitle")
    return h
