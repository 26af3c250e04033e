"""dual_panel_compare starter: the asset's sides as panels side by side, each holding its texts
in reading order, with the header above, a "VS" between the sides as a disc, and what spans the
page above or below the sides.

How the page is read (general rules on the profile's texts, never a rule for one asset):

- The header is the kicker, headline and subtitle set above every other text.
- The sides are the columns of the body: an x range its texts leave empty about the page's
  centre parts two sides, else empty ranges about its thirds part three, else the centre parts
  two (texts wider than SPAN_SHARE of the page span it and do not count).
- A text across a cut spans the sides: a short one (a "VS") between the sides' tops and bottoms is
  a disc on the gutter, one above every side text opens the page, any other closes it.
- A side's first line, when a title (bold or a heading role), is its panel's title, in a bar
  when it is centred over the side; the others are text lines in reading order, several texts on
  one baseline a row of them; a line that opens with a bullet glyph is a list item.
- The side spreads its lines over its height when they run down most of it.

The scene takes no theme: `ck gold add` judges the page's look from the asset's raster.
"""
from __future__ import annotations

import re

from engine.compiler.style import CANVAS
from engine.dsl.vocab import ACCENTS

FAMILY = "dual_panel_compare"
MAX_LINES = 14          # lines one side shows; the rest stay in the asset
SPAN_SHARE = 0.45       # a text wider than this share of the page spans the sides
MIN_CUT = 0.02          # an empty x range this share of the page wide cuts two sides apart
NEAR = 0.1              # a cut stands this share of the page's width or less from where it parts
LINE_TOL = 0.45         # texts within this many font sizes of one baseline share a line
DISC_CHARS = 4          # a spanning text this short between the sides is a disc
SPREAD_SHARE = 0.6      # lines running down this share of the sides' height are spread
BULLET = re.compile(r"^\s*[•●▪◦‣∙·*–-]\s+")
HEAD_ROLES = ("kicker", "headline", "subtitle")
_RGB = {"amber": (251, 191, 36), "green": (74, 222, 128), "blue": (96, 165, 250),
        "purple": (167, 139, 250), "red": (248, 113, 113)}


class _Draft:
    """A scene written in document order with its content; a content path counts per component
    name in document order (docs/dsl.md, Version 2), the order written here."""

    def __init__(self, attrs: dict[str, str]):
        self.attrs = attrs
        self.lines: list[str] = []
        self.content: dict[str, list[dict]] = {}

    def open(self, name: str, fields: dict[str, str] | None = None, **attrs: str | None) -> None:
        slot = self.content.setdefault(name, [])
        i = len(slot)
        fields = {k: v for k, v in (fields or {}).items() if v}
        slot.append(fields)
        self.lines.append(f"[{name}]")
        self.lines.extend(f"[{k}:{v}]" for k, v in attrs.items() if v is not None)
        self.lines.extend(f"[{k}_ref:{name}.{i}.{k}]" for k in fields)

    def close(self, name: str) -> None:
        self.lines.append(f"[/{name}]")

    def leaf(self, name: str, fields: dict[str, str] | None = None, **attrs: str | None) -> None:
        self.open(name, fields, **attrs)
        self.close(name)

    def text(self) -> str:
        head = [f"[{k}:{v}]" for k, v in self.attrs.items()]
        return "\n".join(["[scene]", *head, *self.lines, "[/scene]"]) + "\n"


def _accent(fill: str | None) -> str | None:
    """The DSL accent nearest a colour, or None for a grey."""
    if not fill or not re.fullmatch(r"#[0-9a-fA-F]{6}", fill):
        return None
    rgb = tuple(int(fill[i:i + 2], 16) for i in (1, 3, 5))
    if max(rgb) - min(rgb) < 60:
        return None
    return min(ACCENTS, key=lambda a: sum((p - q) ** 2 for p, q in zip(rgb, _RGB[a])))


def _extent(t) -> tuple[float, float]:
    """A text's left and right edge, at 0.55 em a character."""
    w = 0.55 * t.font_size * len(t.text)
    left = t.x - {"middle": w / 2, "end": w}.get(t.anchor, 0.0)
    return left, left + w


def _lines(texts) -> list[list]:
    """Texts on one baseline form a line, left to right; lines top to bottom."""
    out: list[list] = []
    for t in sorted(texts, key=lambda t: (t.y, _extent(t)[0])):
        if out and abs(t.y - out[-1][0].y) <= LINE_TOL * max(t.font_size, out[-1][0].font_size):
            out[-1].append(t)
        else:
            out.append([t])
    return [sorted(line, key=lambda t: _extent(t)[0]) for line in out]


def _cuts(texts, width: float) -> list[float]:
    """Where the body's columns part: an empty x range holding the page's centre makes two sides,
    else empty ranges about its thirds make three, else one about the centre two, else the
    centre itself parts two. A cut stands at the point of its range nearest where it parts (a
    "VS" set on the page's centre then runs across it). Texts too wide (they span the page) or
    too short (a disc) do not count."""
    spans = sorted(_extent(t) for t in texts if _extent(t)[1] - _extent(t)[0] <= SPAN_SHARE * width
                   and len(t.text.strip()) > DISC_CHARS)
    gaps: list[tuple[float, float]] = []
    reach = None
    for left, right in spans:
        if reach is not None and left - reach >= MIN_CUT * width:
            gaps.append((reach, left))
        reach = right if reach is None else max(reach, right)

    def point(at: float, inset: float = 0.0) -> float | None:
        """The point of an empty range nearest `at` (a share of the width), `inset` inside it."""
        x = at * width
        found = [min(max(x, a + inset), b - inset) for a, b in gaps if b - a > 2 * inset]
        return min(found, key=lambda m: abs(m - x), default=None)

    def near(at: float) -> float | None:
        found = point(at)
        return found if found is not None and abs(found - at * width) <= NEAR * width else None

    if point(0.5, MIN_CUT / 2 * width) == width / 2:
        return [width / 2]
    thirds = [near(1 / 3), near(2 / 3)]
    if None not in thirds:
        return thirds
    centre = near(0.5)
    return [width / 2 if centre is None else centre]


def _side_of(t, cuts: list[float]) -> int | None:
    """The side a text stands in, or None when it runs across a cut."""
    left, right = _extent(t)
    if any(left < c < right for c in cuts):
        return None
    return sum(c <= left for c in cuts)


def _title(line: list) -> bool:
    t = line[0]
    return len(line) == 1 and (t.role in ("title", "badge") or t.font_weight >= 600)


def _write_line(d: _Draft, line: list) -> None:
    """One line of a side: one text a text_line in the style its setting reads as, several a
    row of them."""
    if len(line) > 1:
        d.open("group", arrange="row")
        for t in line:
            d.leaf("text_line", {"text": t.text}, align="center" if t.anchor == "middle" else None)
        d.close("group")
        return
    t = line[0]
    bullet = BULLET.match(t.text)
    text = t.text[bullet.end():] if bullet else t.text
    colour = _accent(t.fill)
    style = "accent" if t.font_weight >= 600 else "result" if colour else None
    d.leaf("text_line", {"text": text or t.text}, style=style, accent=colour,
           align="center" if t.anchor == "middle" and not bullet else None,
           bullet="dot" if bullet and text else None)


def _side(d: _Draft, texts, cut_left: float, cut_right: float, top: float, bottom: float) -> None:
    """One side as a panel: its title (in a bar when centred over the side), then its lines."""
    lines = _lines(texts)
    title = lines[0][0] if lines and _title(lines[0]) else None
    rest = lines[1:] if title else lines
    centred = title is not None and abs(title.x - (cut_left + cut_right) / 2) < 0.1 * (cut_right - cut_left)
    colours = [c for t in texts if (c := _accent(t.fill))]
    low = max((t.y for t in texts), default=top)
    spread = bottom > top and (low - top) >= SPREAD_SHARE * (bottom - top) and len(rest) > 2
    d.open("panel", {"title": title.text} if title else None, arrange="spread" if spread else None,
           accent=colours[0] if colours else None, head="bar" if centred else None)
    for line in rest[:MAX_LINES]:
        _write_line(d, line)
    d.close("panel")


def _canvas(width: float, height: float) -> str:
    aspect = width / height if height else 1.0
    return min(CANVAS, key=lambda k: (abs(CANVAS[k][0] / CANVAS[k][1] - aspect), k))


def build(profile, texts) -> tuple[str, dict]:
    width = profile.canvas.width or 1.0
    body_top = min((t.y for t in texts if t.role not in HEAD_ROLES), default=float("inf"))
    heads: dict[str, object] = {}
    for t in texts:
        if t.role in HEAD_ROLES and t.role not in heads and t.y <= body_top:
            heads[t.role] = t
    feet = [t for t in texts if t.role == "footer"][:2]
    used = {id(t) for t in list(heads.values()) + feet}
    body = [t for t in texts if id(t) not in used]
    cuts = _cuts(body, width)
    sides: list[list] = [[] for _ in range(len(cuts) + 1)]
    spanning = []
    for t in body:
        i = _side_of(t, cuts)
        (spanning if i is None else sides[i]).append(t)
    placed = [t for side in sides for t in side]
    top = min((t.y - t.font_size for t in placed), default=0.0)
    bottom = max((t.y for t in placed), default=0.0)
    discs = [t for t in spanning if len(t.text.strip()) <= DISC_CHARS and top < t.y < bottom]
    above = [t for t in spanning if t not in discs and t.y < top]
    below = [t for t in spanning if t not in discs and t not in above]

    centred = "headline" in heads and (heads["headline"].anchor == "middle"
                                       or abs(heads["headline"].x / width - 0.5) < 0.1)
    d = _Draft({"canvas": _canvas(profile.canvas.width, profile.canvas.height), "layout": FAMILY,
                "density": "compact", "hero": "center" if centred else "left",
                "topic": re.sub(r"[^a-z0-9_]", "_", profile.name.lower()).strip("_") or "asset"})
    fields = {k: heads[k].text for k in HEAD_ROLES if k in heads}
    d.leaf("header_band", fields, band="open",
           accent=_accent(heads["headline"].fill) if "headline" in heads else None)
    for line in _lines(above):
        d.leaf("text_line", {"text": "  ".join(t.text for t in line)}, style="accent", align="center")
    edges = [0.0, *cuts, width]
    for i, side in enumerate(sides):
        if i and discs:
            d.leaf("disc", {"text": discs.pop(0).text})
        _side(d, side, edges[i], edges[i + 1], top, bottom)
    for t in discs:
        d.leaf("disc", {"text": t.text})
    for line in _lines(below):
        d.leaf("conclusion_strip", {"text": "  ".join(t.text for t in line)})
    for t in feet:
        d.leaf("footer_note", {"text": t.text})
    return d.text(), d.content
