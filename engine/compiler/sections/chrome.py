"""Page chrome: background pattern, header band, badges, legend, conclusion strip, footer, disc."""
from __future__ import annotations

from collections.abc import Sequence

from engine.compiler.draw import FAINT, RADIUS, fill_of, ground, one_line, text_block
from engine.compiler.geometry import Circle, Gradient, Line, Rect, Shape, Text, shift
from engine.compiler.resolve import Bound, Slot
from engine.compiler.style import LARGE, Style
from engine.compiler.text import text_width
from engine.compiler.themes import ink_on, mix
from engine.diagnostics import Diagnostic
from engine.dsl.frozen import replaced
from engine.dsl.vocab import COMPONENTS


PAGE_FRAME = 0.014  # background:frame's outline, in page widths from the edge (the sheets: 1.2-1.8 %)


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
    elif kind == "frame":  # no pattern: a rounded outline round the whole page, as the v6.6 sheets draw
        m = round(width * PAGE_FRAME, 1)
        out.append(Rect(m, m, width - 2 * m, height - 2 * m, "none", p.stroke, 2, 16, role="background"))
    elif kind == "rings":
        cx, cy = width * 0.9, height * 0.3  # below the header band, which would hide them
        colour = style.accent(None, 0)
        for i in range(1, 7):
            out.append(Circle(cx, cy, 70 * i, "none", colour, 1.5, opacity=0.30 - 0.04 * i, role="background"))
    elif kind == "sheet":
        m = style.sheet
        out.append(Rect(m, m, width - 2 * m, height - 2 * m, p.background, p.stroke, 1.5, 16, role="background"))


# Canvases whose library format sets its title block tighter than the median: the 3:1 one-row
# diagrams put the headline's baseline 3.3-3.7 % of the width down and the subtitle's 5.3-5.5 %
# (ir-dumb-codegen, ir-producer-consumer, kernel-layernorm, ir-timeline-why), where the header
# below gives 4.3 % and 6.7 %: margin and title sizes are scaled by this factor there.
TITLE_SCALE = {"strip": 0.8}
# On a sheet (background:sheet) the title keeps its margin and drops only this share of the
# sheet's own margin: the v7 sheets set it close under the sheet's top edge (the canary sheet's
# headline 27 px inside it), not a whole page margin further in.
SHEET_TOP = 0.25




def headline_size(style: Style) -> float:
    """The headline's size: the type scale's at 1760 px and wider, in proportion to the canvas
    width below that (the asset library sets headlines at about 2.5 % of the page width: 40-42 px
    on 1600-1780 px sheets, 28-36 px on 1200 px posters, 20-22 px on 900-1000 px diagrams)."""
    return round(style.size("headline") * min(1.0, style.width / 1760), 1)


# header_band [scale:…]: (headline size, band margins) relative to the library's median title (md:
# a headline 2.5 % of the page width); xl is a poster's display title (5 %). Air around a title
# grows faster than its type, as a display title stands alone in its band. sm is a quiet title
# (2 %: the library's small ones run 1.75-2.25 %) in the same margins, its subtitle and kicker
# smaller with it. xs is the small title of a dense sheet (1.6 %) in margins cut by 40 %.
HEADER_SCALE = {"md": (1.0, 1.0), "lg": (1.3, 1.8), "xl": (2.0, 3.0), "sm": (0.8, 1.0), "xs": (0.65, 0.6)}


KEYS_SHARE = 0.45   # the most of the column a title block's keys take
KEYS_SHARE_CENTRED = 0.22   # beside a centred title, which keeps clear of them on both sides
KEYS_GAP = 24.0     # px between the title's text and its keys


def header(out: list[Shape], gradients: list[Gradient], h: Bound | None, style: Style,
           band: bool = True, boxed: bool = False, bare: bool = False, keys: Sequence[Bound] = ()) -> float:
    """The page's title block; returns its bottom edge.

    The title sits in a band across the top (drawn unless the frame is none, or the family sets
    its title open on the page: `band=False`), as tall as its text plus margins, with an accent
    rule under it. Positions follow the asset library's medians: a top margin of 2 % of the page
    width, the headline set solid (line height 1.2, as display type is), so that the subtitle's
    baseline falls about 6.5 % of the width down and content starts about 10 % down (Page adds
    the gap under the returned bottom). The 3:1 `strip` canvas sets it tighter (TITLE_SCALE).

    [accent:…] sets the headline in that accent (the kicker and rules follow it); [rule:gradient]
    draws a rule a third of the column wide under the title block that fades out from the accent,
    as library titles have; [rule:full] draws it across the whole column.

    `boxed` ([band:box]) sets the title block in a rounded box across the column instead, padded
    round it, outlined in the accent over a faint fill of it: the framed title cards of the
    library's overview sheets. `bare` ([band:bare]) spaces the title as a band does and draws
    neither the band nor its rule: a title open on the page that still stands clear of what follows.

    `keys` (legend_row place:title) stand in the block's right corner from the headline's top,
    right-aligned, wrapping within KEYS_SHARE of the column; the title's text keeps clear of them
    (a centred title by as much on its left, and so its keys wrap within KEYS_SHARE_CENTRED: the
    title keeps half the column)."""
    p = style.palette
    x, w = style.inset, style.content_width
    if boxed:
        x, w = x + style.pad, w - 2 * style.pad
    band = (band or bare) and style.frame != "none"
    weight, air = HEADER_SCALE[h.comp.attr("scale", "md") if h else "md"]
    tight = TITLE_SCALE.get(style.canvas, 1.0)
    margin = style.width * 0.02 * air * tight
    top = max(margin + style.sheet * SHEET_TOP, style.sheet)  # never over the sheet's top edge (the strip's tight margin)
    kicker, headline, subtitle = (h.text(f) if h else None for f in ("kicker", "headline", "subtitle"))
    own = h.comp.attr("accent") if h else None
    accent = style.accent(own, 0)
    head_fill = accent if own else p.text
    display = replaced(style, leading=1.2)
    head_size = round(headline_size(style) * weight * tight, 1)
    sub_size, kick_size = (round(style.size(role) * tight * min(1.0, weight), 1) for role in ("subtitle", "kicker"))
    body: list[Shape] = []
    column = x, w
    if keys:
        key_size = style.size("label")
        marks = _marks(keys, style)
        share = KEYS_SHARE_CENTRED if style.hero == "center" else KEYS_SHARE
        kw = min(w * share, sum(_key_width(slot, key_size) for slot, _ in marks) - KEY_TAIL)
        key_h = key_row(body, marks, x + w - kw, top, kw + KEY_TAIL, kw - 40, key_size, key_size + 14,
                        KEY_SWATCH, style, "legend")
        room = kw + KEYS_GAP
        x, w = (x + room, w - 2 * room) if style.hero == "center" else (x, w - room)
    y = top
    if style.hero == "split":
        left_w = w * 0.58
        y += text_block(body, x, y, left_w, kicker, kick_size, accent, style, bold=True, role="kicker")
        y += text_block(body, x, y + 4, left_w, headline, head_size, head_fill, display,
                        bold=True, max_lines=3, role="headline") + 4
        sub: list[Shape] = []
        sub_h = text_block(sub, x + left_w + 40, 0, w - left_w - 40, subtitle, sub_size,
                           p.text_muted, style, anchor="end", max_lines=5, role="subtitle")
        sub_top = max(top, y - sub_h)
        body.extend(shift(s, 0, sub_top) for s in sub)
        y = max(y, sub_top + sub_h)
    else:
        anchor = "middle" if style.hero == "center" else "start"
        k = text_block(body, x, y, w, kicker, kick_size, accent, style, bold=True,
                       anchor=anchor, role="kicker")
        y += k + (4 if k else 0)
        y += text_block(body, x, y, w, headline, head_size, head_fill, display, bold=True,
                        anchor=anchor, max_lines=3, role="headline")
        gap = round(sub_size * 0.3, 1)
        sx, sw = x, w
        if weight > 1 and anchor == "middle" and headline and headline.text:
            # a centred display title sets its subtitle to the headline's measure (at least half
            # the column), as a poster does, rather than in a line as wide as the page
            sw = min(w, max(w / 2, max(text_width(line, head_size, True)
                                       for line in headline.text.split("\n"))))
            sx = x + (w - sw) / 2
        y += gap + text_block(body, sx, y + gap, sw, subtitle, sub_size, p.text_muted, style,
                              anchor=anchor, max_lines=4, role="subtitle")
    x, w = column
    if keys:
        y = max(y, top + key_h)
    rule = h.comp.attr("rule", "none") if h is not None else "none"
    if rule != "none":
        gap = round(sub_size * 0.6, 1)
        anchor = "full" if rule == "full" else "middle" if style.hero == "center" else "start"
        y += _rule(body, gradients, x, y + gap, w, accent, anchor, style.accent(None, 0)) + gap
    if boxed:
        body = [shift(shape, 0, style.pad) for shape in body]
        bottom = y + 2 * style.pad
        out.append(Rect(style.inset, top, style.content_width, bottom - top, style.tint(accent, FAINT),
                        accent, 1.5, RADIUS[style.frame], role="header"))
        out.extend(body)
        return bottom
    bottom = y + (margin * 0.7 if band else style.pad * 0.25)
    if band and not bare:
        gradients.append(Gradient("header", 0, 0, 1, 0, ((0, p.header, 1), (1, p.header_2, 1))))
        s = style.sheet   # a band on a sheet runs across the sheet, under its top edge
        out.append(Rect(s, s, style.width - 2 * s, bottom - s, "url:header", role="header"))
        out.append(Rect(s, bottom - 3, style.width - 2 * s, 3, accent, opacity=0.9, role="header-rule"))
    out.extend(body)
    return bottom


RULE_HEIGHT = 4.0


def _rule(out: list[Shape], gradients: list[Gradient], x: float, y: float, w: float, accent: str,
          anchor: str, tone: str) -> float:
    """A title rule at top `y`: a third of the column wide, fading out from the accent (from the
    middle both ways under a centred title); or, `anchor` full, across the column from the accent
    into the `tone` colour (the v7 training sheets' amber-to-blue rule). Returns its height."""
    rw = w / 3
    if anchor == "full":
        rw, stops = w, ((0, accent, 1), (1, tone, 1))
    elif anchor == "middle":
        stops = ((0, accent, 0), (0.5, accent, 1), (1, accent, 0))
        x += (w - rw) / 2
    else:
        stops = ((0, accent, 1), (1, accent, 0))
    gradients.append(Gradient("title-rule", 0, 0, 1, 0, stops))
    out.append(Rect(x, y, rw, RULE_HEIGHT, "url:title-rule", rx=RULE_HEIGHT / 2, role="title-rule"))
    return RULE_HEIGHT


PILL_SIZES = {"md": (16.0, 16.0), "lg": (20.0, 32.0)}  # a pill's (height beyond its text, side padding)


def badges(out: list[Shape], items: list[Bound], x: float, y: float, w: float, style: Style) -> float:
    """Pills in rows, wrapped to the width; a [size:lg] pill is taller, with twice the side room.
    A row is as tall as its tallest pill, the others centred on it."""
    size = style.size("label")
    gap = 12
    placed: list[tuple[Bound, str, Diagnostic | None, float, float, float, float]] = []  # b, label, cut, x, row, w, h
    cx, row, row_h = x, y, 0.0
    for b in items:
        extra, side = PILL_SIZES[b.comp.attr("size") or "md"]
        hgt = size + extra
        slot = b.text("text") or Slot("")
        label, cut = one_line(slot, w - 2 * side, size, True)
        pw = text_width(label, size, True) + 2 * side
        if cx > x and cx + pw > x + w:
            cx, row, row_h = x, row + row_h + gap, 0.0
        placed.append((b, label, cut, cx, row, pw, hgt))
        row_h = max(row_h, hgt)
        cx += pw + gap
    rows: dict[float, float] = {}
    for *_, top, _, hgt in placed:
        rows[top] = max(rows.get(top, 0.0), hgt)
    for b, label, cut, px, top, pw, hgt in placed:
        py = top + (rows[top] - hgt) / 2
        slot = b.text("text") or Slot("")
        accent = style.accent(b.comp.attr("accent"), b.order)
        out.append(Rect(px, py, pw, hgt, style.tint(accent, 0.22), accent, 1.5, hgt / 2, role="badge",
                        node=b.comp.topo_id("node_id")))
        out.append(Text(px + pw / 2, py + hgt / 2 + size * 0.36, label, size,
                        style.palette.accents["red"] if slot.missing else accent, True, "middle",
                        placeholder=slot.missing, role="badge", cut=cut))
    return row + (row_h or size + PILL_SIZES["md"][0]) - y


KEY_SWATCH = (14, 3, 8)   # a legend key's swatch: side, corner radius, gap to its label
KEY_TAIL = 22.0           # px after a key's label, before the next key


def legend(out: list[Shape], items: list[Bound], x: float, y: float, w: float, style: Style) -> float:
    size = style.size("label")
    return key_row(out, _marks(items, style), x, y, w, w - 40, size, size + 14, KEY_SWATCH, style, "legend")


def _marks(items: Sequence[Bound], style: Style) -> list[tuple[Slot, str]]:
    """Legend rows as keys: each label and its tone's colour."""
    return [(b.text("label") or Slot(""), style.accent(b.comp.attr("tone"), b.order)) for b in items]


def _key_width(slot: Slot, size: float, swatch: tuple[float, float, float] = KEY_SWATCH) -> float:
    """How wide key_row sets one key: its swatch, the gap, its label and the room after it."""
    return text_width(slot.text, size) + swatch[0] + swatch[2] + KEY_TAIL


def key_row(out: list[Shape], keys: list[tuple[Slot, str]], x: float, y: float, w: float, room: float,
            size: float, row_h: float, swatch: tuple[float, float, float], style: Style, role: str) -> float:
    """Keys (a label beside a swatch of its colour) left to right, a new row where one would pass
    `w`; each label cut to `room`. swatch: (side, corner radius, gap to the label). Returns the
    height."""
    side, rx, gap = swatch
    cx, cy = x, y
    for slot, colour in keys:
        label, cut = one_line(slot, room, size)
        iw = _key_width(Slot(label), size, swatch)
        if cx > x and cx + iw > x + w:
            cx, cy = x, cy + row_h
        out.append(Rect(cx, cy + row_h / 2 - side / 2, side, side, colour, rx=rx, role=role))
        out.append(Text(cx + side + gap, cy + row_h / 2 + size * 0.36, label, size,
                        style.palette.accents["red"] if slot.missing else style.palette.text_muted,
                        placeholder=slot.missing, role=role, cut=cut))
        cx += iw
    return cy + row_h - y


def strip(out: list[Shape], gradients: list[Gradient], b: Bound, x: float, y: float, w: float,
          style: Style) -> float:
    """A conclusion strip: a bold accent band that ends the argument ([fill:ink]: flat in the
    page's ink). A short conclusion (its words plus generous room fit in half the column) is a pill
    button centred in the column, at least a third of it wide; a longer one spans the column."""
    ink_fill = b.comp.attr("fill") == "ink"
    accent = style.palette.text if ink_fill else style.accent(b.comp.attr("accent"), b.order)
    name = f"strip{b.index}"
    end = accent if ink_fill else mix(accent, "#000000", 0.18)
    gradients.append(Gradient(name, 0, 0, 1, 0, ((0, accent, 1), (1, end, 1))))
    size = round(style.size("title") * 1.1, 1)
    ink = ink_on(accent)
    slot = b.text("text")
    pad = style.pad
    if slot is not None and "\n" not in slot.text:
        pw = text_width(slot.text, size, True) + 8 * pad
        if pw <= w / 2:
            pw = max(pw, w / 3)
            x, w = x + (w - pw) / 2, pw
    body: list[Shape] = []
    th = text_block(body, x + pad, y + pad * 0.8, w - 2 * pad, slot, size,
                    ink, style, bold=True, anchor="middle", max_lines=4, role="conclusion")
    h = th + pad * 1.6
    out.append(Rect(x, y, w, h, f"url:{name}", rx=h / 2 if h < 90 else 16, role="conclusion"))
    out.extend(body)
    return h


def footer(out: list[Shape], notes: list[Bound], y: float, style: Style) -> float:
    """Footer notes, the topic tag on the right; returns the height used. A note follows the
    header's alignment (left, or centred under a centred header, clear of the tag either side)
    unless its own `align` says otherwise; a note's `tag:none` leaves the tag out, and the notes
    take the whole width."""
    size = style.size("small")
    x, w = style.inset, style.content_width
    tag = f"#{style.topic}"
    shown = all(b.comp.attr("tag") != "none" for b in notes)
    room = text_width(tag, size) + 10 + 20 if shown else 0.0   # the tag and its gap, kept clear
    h = 0.0
    for b in notes:
        # a note's own [align:…] wins over the header's alignment
        centred = b.comp.attr("align", "center" if style.hero == "center" else "left") == "center"
        note_x, note_w = (x + room, w - 2 * room) if centred else (x, w - room)
        h += text_block(out, note_x, y + h, note_w, b.text("text"), size, style.palette.text_faint,
                        style, anchor="middle" if centred else "start", max_lines=3, role="footer")
    if not shown:
        return h
    lh = style.line_height(size)
    out.append(Text(x + w, y + lh * 0.75, tag, size, style.palette.text_faint, anchor="end", role="topic"))
    return max(h, lh)


def heading(out: list[Shape], b: Bound, x: float, y: float, w: float, style: Style) -> float:
    """A later header_band: a section heading inside the page (kicker, headline, subtitle); its
    `accent`, as on the page header, sets the headline in that accent."""
    p = style.palette
    own = b.comp.attr("accent")
    accent = style.accent(own, b.order)
    h = text_block(out, x, y, w, b.text("kicker"), style.size("kicker"), accent, style, bold=True,
                   role="kicker")
    h += text_block(out, x, y + h, w, b.text("headline"), style.size("title") * LARGE, accent if own else p.text, style,
                    bold=True, max_lines=2, role="heading")
    h += text_block(out, x, y + h, w, b.text("subtitle"), style.size("body"), p.text_muted, style,
                    max_lines=3, role="subtitle")
    return h


DISC_TEXT = "title"   # the type role of a disc's text
DISC_MIN_R = 1.8      # a disc's least radius, in its font size
DISC_MARGIN = 0.7     # room kept either side of a disc's text, in its font size
DISC_MAX_TEXT = 6.0   # the widest text a disc holds, in its font size: a mark, not a sentence


def disc_radius(b: Bound, style: Style) -> float:
    """A disc's radius: round its one line of text (at most DISC_MAX_TEXT font sizes of it),
    never smaller than DISC_MIN_R font sizes."""
    size = style.size(DISC_TEXT)
    slot = b.text("text")
    width = min(text_width(slot.text, size, True), size * DISC_MAX_TEXT) if slot else 0.0
    return round(max(size * DISC_MIN_R, width / 2 + size * DISC_MARGIN), 1)


def disc_at(out: list[Shape], b: Bound, cx: float, cy: float, style: Style, w: float) -> None:
    """A disc centred on (cx, cy), its text cut (and reported) past DISC_MAX_TEXT font sizes or
    `w`: `fill` surface (the palette's, ringed, the text muted), tint (ringed and lettered in the
    accent), solid (the accent, ink on it), inset (a well), none (a ring). A written `accent`
    rings every disc but a solid one."""
    p = style.palette
    accent = style.accent(b.comp.attr("accent"), b.order)
    kind = b.comp.attr("fill") or COMPONENTS["disc"].defaults["fill"]
    fill = fill_of(style, accent, kind)
    r = disc_radius(b, style)
    # a written accent rings a plain disc too; omitted, the ring is the palette's stroke
    under = ground(style, accent, kind)
    ring = None if under else accent if kind in ("tint", "faint") or b.comp.attr("accent") else p.stroke
    ink = ink_on(under) if under else accent if kind in ("tint", "faint") else p.text_muted
    out.append(Circle(cx, cy, r, fill, ring, 2, role="disc"))
    slot = b.text("text") or Slot("")
    size = style.size(DISC_TEXT)
    label, cut = one_line(slot, min(w, size * DISC_MAX_TEXT), size, True)
    out.append(Text(cx, cy + size * 0.36, label, size, p.accents["red"] if slot.missing else ink, True,
                    "middle", placeholder=slot.missing, role="disc", cut=cut))


def disc(out: list[Shape], b: Bound, x: float, y: float, w: float, style: Style) -> float:
    """A disc as a section of its own: centred in the column; returns its height."""
    r = disc_radius(b, style)
    disc_at(out, b, x + w / 2, y + r, style, w)
    return 2 * r
