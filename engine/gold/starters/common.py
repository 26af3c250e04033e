"""What every family's starter shares: the scene draft, the page attributes, the header and the
reading of an asset's texts into units (a card and the texts inside it, or a block of loose lines)
and rows of units side by side.

Everything here is a general rule read off the profile (positions, roles, settings, card boxes),
never a rule for one asset: a person refines the starter in the studio.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.assets.geometry import Box
from engine.compiler.style import CANVAS

MAX_ROW = 4             # units side by side in one row (a group's columns)
MAX_DEPTH = 4           # containers a starter nests (the DSL allows one more, for a person to add)
MAX_LINES = 8           # lines one unit shows; the rest stay in the asset
LINE_TOL = 0.45         # texts within this many font sizes of one baseline share a line
BLOCK_GAP = 2.2         # loose lines this many font sizes apart or less form one block
COLUMN_GAP = 0.55       # width of one space of a monospace face, in font sizes
ACCENTS = {"amber": (251, 191, 36), "green": (74, 222, 128), "blue": (96, 165, 250),
           "purple": (167, 139, 250), "red": (248, 113, 113)}
HEAD_ROLES = ("kicker", "headline", "subtitle")
PALE = 200              # luma above which a coloured fill is a pale wash


class Draft:
    """A scene being written in document order, with its content. Content paths count per
    component name in document order (docs/dsl.md, Version 2), which is the order written here."""

    def __init__(self, attrs: dict[str, str]):
        self.attrs = attrs
        self.lines: list[str] = []
        self.content: dict[str, list[dict]] = {}
        self.counts: dict[str, int] = {}

    def _index(self, name: str, fields: dict[str, str]) -> tuple[int, list[str]]:
        i = self.counts.get(name, 0)
        self.counts[name] = i + 1
        fields = {k: v for k, v in fields.items() if v not in (None, "")}
        if fields:
            slot = self.content.setdefault(name, [])
            slot.extend({} for _ in range(i + 1 - len(slot)))
            slot[i] = fields
        return i, [f"[{k}_ref:{name}.{i}.{k}]" for k in fields]

    def leaf(self, name: str, fields: dict[str, str] | None = None, **attrs: str) -> None:
        self.open(name, fields, **attrs)
        self.close(name)

    def open(self, name: str, fields: dict[str, str] | None = None, **attrs: str) -> None:
        _, refs = self._index(name, fields or {})
        self.lines.append(f"[{name}]")
        self.lines.extend(f"[{k}:{v}]" for k, v in attrs.items() if v is not None)
        self.lines.extend(refs)

    def close(self, name: str) -> None:
        self.lines.append(f"[/{name}]")

    def text(self) -> str:
        head = [f"[{k}:{v}]" for k, v in self.attrs.items()]
        return "\n".join(["[scene]", *head, *self.lines, "[/scene]"]) + "\n"


# --- the page ---------------------------------------------------------------------------------

def nearest_canvas(width: float, height: float) -> str:
    aspect = width / height if height else 1.0
    return min(CANVAS, key=lambda k: (abs(CANVAS[k][0] / CANVAS[k][1] - aspect), k))


def topic(name: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", name.lower()).strip("_") or "asset"


def page_attrs(profile, family: str, texts, **extra: str) -> dict[str, str]:
    """The scene's attributes for a starter: the asset's canvas, compact open cards on a plain
    page (assets rarely draw a pattern), the header aligned as the asset's."""
    head = next((t for t in texts if t.role == "headline"), texts[0] if texts else None)
    centred = head is not None and (head.anchor == "middle" or abs(head.x / profile.canvas.width - 0.5) < 0.1)
    attrs = {"canvas": nearest_canvas(profile.canvas.width, profile.canvas.height), "layout": family,
             "density": "compact", "inset": "sm", "gap": "sm", "hero": "center" if centred else "left",
             "columns": "1",
             "rail": "none", "background": "none", "topic": topic(profile.name)}
    return attrs | extra


def accent(fill: str | None) -> str | None:
    """The DSL accent nearest a colour, or None for a grey (no hue to speak of)."""
    if not fill or not re.fullmatch(r"#[0-9a-f]{6}", fill):
        return None
    rgb = tuple(int(fill[i:i + 2], 16) for i in (1, 3, 5))
    if max(rgb) - min(rgb) < 60:
        return None
    return min(ACCENTS, key=lambda a: sum((p - q) ** 2 for p, q in zip(rgb, ACCENTS[a])))


def _rgb(colour: str | None) -> tuple[int, ...] | None:
    if not colour or not re.fullmatch(r"#[0-9a-f]{6}", colour):
        return None
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def box_look(box: Box) -> dict[str, str]:
    """A pale coloured box's fill as a component's accent and a tint (a wash of its hue); other
    fills say nothing (a dark box washed in its hue, or a solid one, reads louder than the asset's)."""
    rgb = _rgb(box.fill)
    if rgb is None or max(rgb) - min(rgb) < max(20, 0.35 * max(rgb)):
        return {}
    hue = min(ACCENTS, key=lambda a: sum((p - q) ** 2 for p, q in zip(rgb, ACCENTS[a])) if max(rgb) > 120 else
              sum((p / max(rgb) - q / max(ACCENTS[a])) ** 2 for p, q in zip(rgb, ACCENTS[a])))
    luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
    return {"accent": hue, "fill": "tint"} if luma > PALE else {}


def header(d: Draft, texts) -> list:
    """The page header from the kicker, headline and subtitle set above the first title (one
    below it is a card's own); returns the texts it placed."""
    top = min((t.y for t in texts if t.role == "title"), default=float("inf"))
    heads = {}
    for t in texts:
        if t.role in HEAD_ROLES and t.role not in heads and (t.role == "headline" or t.y < top):
            heads[t.role] = t
    fields = {k: heads[k].text for k in HEAD_ROLES if k in heads}
    colour = accent(heads["headline"].fill) if "headline" in heads else None
    d.open("header_band", fields, band="open", accent=colour)
    d.close("header_band")
    return list(heads.values())


def footer(d: Draft, texts, limit: int = 2) -> list:
    placed = [t for t in texts if t.role == "footer"][:limit]
    for t in placed:
        d.leaf("footer_note", {"text": t.text})
    return placed


def body(texts, *placed: list) -> list:
    """The texts no header, badge or footer took, in document order."""
    used = {id(t) for group in placed for t in group}
    return [t for t in texts if id(t) not in used]


# --- reading the page into units and rows ----------------------------------------------------

def extent(t) -> tuple[float, float]:
    """A text's left and right edge (0.55 em a character, as the asset reader estimates)."""
    w = 0.55 * t.font_size * len(t.text)
    left = t.x - {"middle": w / 2, "end": w}.get(t.anchor, 0.0)
    return left, left + w


def centre(t) -> tuple[float, float]:
    left, right = extent(t)
    return (left + right) / 2, t.y - 0.35 * t.font_size


@dataclass
class Unit:
    """A box of the asset with the texts directly inside it and the boxes nested in it, or a
    block of loose lines (box = their extent, no children)."""

    box: Box
    texts: list
    card: bool
    children: list[Unit] = field(default_factory=list)

    @property
    def lines(self) -> list[list]:
        return lines_of(self.texts)

    @property
    def all_texts(self) -> list:
        return self.texts + [t for c in self.children for t in c.all_texts]


def lines_of(texts) -> list[list]:
    """Texts on one baseline form a line (left to right); lines top to bottom."""
    out: list[list] = []
    for t in sorted(texts, key=lambda t: (t.y, extent(t)[0])):
        if out and abs(t.y - out[-1][0].y) <= LINE_TOL * max(t.font_size, out[-1][0].font_size):
            out[-1].append(t)
        else:
            out.append([t])
    return [sorted(line, key=lambda t: extent(t)[0]) for line in out]


def _span(texts) -> Box:
    lefts, rights = zip(*(extent(t) for t in texts))
    top = min(t.y - t.font_size for t in texts)
    return Box(min(lefts), top, max(rights) - min(lefts), max(t.y for t in texts) - top)


def blocks(texts, width: float) -> list[Unit]:
    """Loose texts as blocks of lines that follow one another closely and start near one another."""
    out: list[list] = []
    for line in lines_of(texts):
        left = extent(line[0])[0]
        host = next((b for b in reversed(out)
                     if 0 < line[0].y - b[-1][0].y <= BLOCK_GAP * max(line[0].font_size, b[-1][0].font_size)
                     and abs(extent(b[-1][0])[0] - left) <= 0.12 * width), None)
        if host is None:
            out.append([line])
        else:
            host.append(line)
    return [Unit(_span([t for line in b for t in line]), [t for line in b for t in line], False) for b in out]


def units(profile, texts) -> list[Unit]:
    """The body texts read as units in reading order: each outermost box of the asset that holds
    text (with the boxes nested in it), and the loose texts grouped into blocks."""
    boxes = list({(round(b.x), round(b.y), round(b.w), round(b.h)): b for b in profile.cards
                  if b.w > 0 and b.h > 0}.values())
    parent = {i: min((j for j, o in enumerate(boxes) if o.encloses(b) and o.area > b.area),
                     key=lambda j: boxes[j].area, default=None) for i, b in enumerate(boxes)}
    direct: dict[int | None, list] = {}
    for t in texts:
        x, y = centre(t)
        holder = min((i for i, b in enumerate(boxes) if b.contains(x, y, pad=2)),
                     key=lambda i: boxes[i].area, default=None)
        direct.setdefault(holder, []).append(t)
    made: dict[int, Unit] = {}

    def unit(i: int) -> Unit:
        if i not in made:
            made[i] = Unit(boxes[i], direct.get(i, []), True,
                           [unit(j) for j in sorted(parent, key=lambda j: (boxes[j].y, boxes[j].x)) if parent[j] == i])
            made[i].children = [c for c in made[i].children if c.all_texts]
        return made[i]

    out = [unit(i) for i in parent if parent[i] is None]
    out = [u for u in out if u.all_texts]
    out += blocks(direct.get(None, []), profile.canvas.width)
    return sorted(out, key=lambda u: (u.box.y, u.box.x))


def walk(items: list[Unit]):
    """Every unit and the units nested in it, depth first."""
    for u in items:
        yield u
        yield from walk(u.children)


def rows(items: list[Unit]) -> list[list[Unit]]:
    """Units side by side: a unit whose top is above the middle of every unit of the current row
    joins it; rows top to bottom, each left to right."""
    out: list[list[Unit]] = []
    for u in sorted(items, key=lambda u: (u.box.y, u.box.x)):
        if out and all(u.box.y < m.box.y + 0.5 * m.box.h for m in out[-1]) and u.box.y < min(
                m.box.bottom for m in out[-1]):
            out[-1].append(u)
        else:
            out.append([u])
    return [sorted(r, key=lambda u: u.box.x) for r in out]


# --- writing units ----------------------------------------------------------------------------

def is_title(t, unit_texts) -> bool:
    biggest = max(x.font_size for x in unit_texts)
    return t.role in ("title", "headline", "subtitle", "kicker") or t.font_weight >= 600 or (
        t.font_size >= biggest and len(unit_texts) > 1 and t.font_size > min(x.font_size for x in unit_texts))


def code_text(line: list) -> str:
    """The texts of one line joined at their columns, as a monospace face would set them."""
    out = ""
    for t in line:
        left = extent(t)[0]
        if out:
            at = int((left - extent(line[0])[0]) / (COLUMN_GAP * t.font_size))
            out += " " * max(2, at - len(out))
        out += t.text
    return out


def is_pair(line: list) -> bool:
    """Two texts on one line, apart: a label on the left, a value on the right."""
    if len(line) != 2:
        return False
    a, b = line
    return extent(b)[0] - extent(a)[1] >= 2 * a.font_size and (b.anchor == "end" or b.role == "value" or b.mono)


def line_style(line: list) -> str:
    t = line[0]
    if any(x.mono for x in line):
        return "code" if len(line) > 1 else "mono"
    if t.role == "title" or t.font_weight >= 600:
        return "heading" if t.font_size >= 1.15 * _body_size(line) else "accent"
    if t.role in ("label", "footer") and accent(t.fill) is None:
        return "muted"
    return "body"


def _body_size(line: list) -> float:
    return min(x.font_size for x in line)


def write_line(d: Draft, line: list) -> None:
    """One line of a unit: a label/value pair as a kv_row, texts in a monospace face as code,
    other lines as a text_line in their style, several texts joined at their columns."""
    if len(line) == 1 and line[0].role == "badge":
        d.leaf("badge_pill", {"text": line[0].text}, accent=accent(line[0].fill))
        return
    if is_pair(line):
        a, b = line
        d.leaf("kv_row", {"label": a.text, "value": b.text}, style="mono" if b.mono else None,
               accent=accent(b.fill))
        return
    style = line_style(line)
    text = code_text(line) if style == "code" else "  ".join(t.text for t in line)
    align = {"middle": "center", "end": "right"}.get(line[0].anchor) if len(line) == 1 else None
    d.leaf("text_line", {"text": text}, style=style if style != "body" else None,
           accent=accent(line[0].fill) if style in ("accent", "heading") else None, align=align)


def _card(d: Draft, title, rest: list[list], look: dict[str, str]) -> None:
    """A title over a little plain text: a section_card when a value follows the title, else a
    callout_card."""
    values = [line[0] for line in rest if line[0].role == "value"]
    if values and len(rest) <= 2:
        caption = " ".join(line[0].text for line in rest if line[0] is not values[0])
        d.leaf("section_card", {"title": title.text if title else "", "value": values[0].text, "caption": caption},
               **look)
    else:
        d.leaf("callout_card", {"title": title.text if title else "",
                                "text": " ".join(t.text for line in rest for t in line)}, **look)


def _title_strip(u: Unit) -> Unit | None:
    """The child box across the top of `u` that holds one text alone, if any."""
    if not u.children:
        return None
    top = min(u.children, key=lambda c: c.box.y)
    if (len(top.all_texts) == 1 and not top.children and top.box.w >= 0.6 * u.box.w
            and top.box.y - u.box.y <= 0.25 * u.box.h and all(t.y >= top.box.bottom for t in u.texts)):
        return top
    return None


def write_unit(d: Draft, u: Unit, depth: int = 0, cell: bool = False) -> None:
    """A unit as the family-neutral component it reads as, inside `depth` open containers: a
    title over a little text is a card, a box with more lines, pairs or code is a panel of them,
    a box holding boxes a panel of its rows, loose lines text lines. `cell`: the unit is one cell
    of a row, so loose lines are held in a group of their own (else the row would take each line
    for a cell)."""
    lines = u.lines
    if not u.card or (not u.children and len(lines) == 1):   # a chip of one line reads as the line
        nest = cell and len(lines) > 1 and depth < MAX_DEPTH
        if nest:
            d.open("group")
        for line in lines[:MAX_LINES]:
            write_line(d, line)
        if nest:
            d.close("group")
        return
    first = lines[0] if lines else []
    titled = len(first) == 1 and is_title(first[0], u.all_texts)
    title, rest = (first[0], lines[1:]) if titled else (None, lines)
    strip = _title_strip(u)
    if strip is not None:   # a box's title set in a strip of its own across its top
        title, rest, u = strip.texts[0], lines, Unit(u.box, u.texts, True, [c for c in u.children if c is not strip])
    look = box_look(u.box) or ({"accent": accent(title.fill)} if title and accent(title.fill) else {})
    plain = all(len(line) == 1 and not line[0].mono for line in rest)
    if depth >= MAX_DEPTH or (not u.children and titled and plain and len(rest) <= 3):
        _card(d, title, lines_of([t for line in rest for t in line] + [t for c in u.children for t in c.all_texts]),
              look)
        return
    d.open("panel", {"title": title.text} if title else None, **look)
    if u.children:
        inner = blocks([t for line in rest for t in line], u.box.w) + u.children
        write_rows(d, inner, depth + 1)
    else:
        for line in rest[:MAX_LINES]:
            write_line(d, line)
    d.close("panel")


def write_rows(d: Draft, items: list[Unit], depth: int = 0) -> None:
    """Units in rows: a row of one unit is written as it is, a row of several as a group that
    sets them side by side (when a container may still open here)."""
    for row in rows(items):
        if len(row) == 1 or depth >= MAX_DEPTH:
            for u in row:
                write_unit(d, u, depth)
            continue
        for start in range(0, len(row), MAX_ROW):
            d.open("group", arrange="row")
            for u in row[start:start + MAX_ROW]:
                write_unit(d, u, depth + 1, cell=True)
            d.close("group")


def card_page(profile, texts, family: str) -> tuple[str, dict]:
    """The header, the asset's cards in its rows (units, write_rows), the footer: the whole starter
    of a family whose own components are cards and panels (dashboard_cards, poster_stack)."""
    d = Draft(page_attrs(profile, family, texts))
    heads = header(d, texts)
    feet = [t for t in texts if t.role == "footer"][:2]
    write_rows(d, units(profile, body(texts, heads, feet)))
    footer(d, feet)
    return d.text(), d.content
