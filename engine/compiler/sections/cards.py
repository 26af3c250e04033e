"""Cards (section_card, callout_card, thesis_box) and the grid that places them in columns."""
from __future__ import annotations

from engine.compiler.draw import anchor_of, box, inner, text_block
from engine.compiler.geometry import Circle, Rect, Shape, Text
from engine.compiler.resolve import Bound
from engine.compiler.style import Style

# Variant -> (accent override, value scale, dashed outline, corner mark)
VARIANTS = {
    "default": (None, 1.0, False, ""),
    "hero": (None, 1.35, False, ""),
    "metric": (None, 1.5, False, ""),
    "note": (None, 0.8, True, ""),
    "warning": ("amber", 1.0, False, "!"),
    "success": ("green", 1.0, False, "\u2713"),
}


def card(out: list[Shape], b: Bound, x: float, y: float, w: float, style: Style,
         min_h: float = 0.0) -> float:
    """Draw one card at (x, y), at least `min_h` tall; returns its height."""
    p = style.palette
    variant = b.comp.attr("variant", "default") if b.name == "section_card" else "default"
    override, value_scale, dashed, mark = VARIANTS[variant]
    accent = style.accent(override or b.comp.attr("accent"), b.order)
    tx, tw = inner(x, w, style)
    anchor = anchor_of(style)
    if mark:
        tw -= 34 if anchor == "start" else 68
        if anchor == "middle":
            tx += 34
    body: list[Shape] = []
    cy = y + style.pad + (4 if style.emphasis == "top" else 0)
    title_fill = accent if variant in ("hero", "warning", "success") or b.name == "callout_card" else p.text
    if b.name == "section_card":
        value = (b.text("value"), style.size("value") * value_scale, accent if variant != "default" else p.text)
        title = (b.text("title"), style.size("title"), title_fill)
        order = [value, title] if variant == "metric" else [title, value]
        for slot, size, fill in order:
            if slot:
                cy += text_block(body, tx, cy, tw, slot, size, fill, style, bold=True, anchor=anchor,
                                 max_lines=3, role="value" if size > style.size("title") else "title") + 6
        cy += text_block(body, tx, cy, tw, b.text("caption"), style.size("body"), p.text_muted, style,
                         anchor=anchor, max_lines=6, role="caption")
    else:
        cy += text_block(body, tx, cy, tw, b.text("title"), style.size("title"), title_fill, style,
                         bold=True, anchor=anchor, max_lines=3, role="title") + 8
        size = style.size("subtitle") if b.name == "thesis_box" else style.size("body")
        cy += text_block(body, tx, cy, tw, b.text("text"), size, p.text if b.name == "thesis_box" else p.text_muted,
                         style, anchor=anchor, max_lines=8, role="paragraph")
    h = max(cy - y + style.pad, min_h, 2 * style.pad + 10)
    fill = None
    if variant in ("hero", "warning", "success") or b.name == "thesis_box":
        fill = style.tint(accent, 0.14)
    box(out, x, y, w, h, style, accent, fill=fill, dash=dashed,
        stroke=accent if variant in ("hero", "warning", "success") else None, role=b.name)
    if mark:
        mx = x + w - style.pad - 12
        out.append(Circle(mx, y + style.pad + 12, 13, accent, role="mark"))
        out.append(Text(mx, y + style.pad + 17.5, mark, 15, p.surface, True, "middle", role="mark"))
    if b.name == "thesis_box":
        out.append(Rect(x, y, 8, h, accent, rx=3, role="rail"))
    out.extend(body)
    return h


def grid(out: list[Shape], items: list[Bound], x: float, y: float, w: float, style: Style,
         columns: int | None = None) -> float:
    """Cards in rows of `columns` (the scene's by default); each row as tall as its tallest."""
    cols = max(1, min(columns or style.columns, len(items)))
    gap = style.gap
    cw = (w - gap * (cols - 1)) / cols
    cy = y
    for start in range(0, len(items), cols):
        row = items[start:start + cols]
        row_h = max(card([], b, 0, 0, cw, style) for b in row)
        for i, b in enumerate(row):
            card(out, b, x + i * (cw + gap), cy, cw, style, row_h)
        cy += row_h + gap
    return cy - gap - y
