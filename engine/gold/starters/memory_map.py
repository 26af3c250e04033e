"""The memory_map starter for `ck gold add`: a first scene of the family's own components, read
off where the asset's texts stand.

`build(profile, texts)`: `profile` is the asset's AssetProfile, `texts` its TextElements in
reading order. The page header is the headline and the subtitle under it. The other texts are
cut into rows (texts whose baselines are within half a line of each other). When a fair share of
them stands in the right part of the page while others stand left, and hardly any line runs from
the left part across into the right, the left is a memory map and
the right its side panels: left rows become regions of one region_stack (aside right): a row's
first text is its label, the rest its caption, or its chips when there are three or more short
ones (a row of chips alone is the chips of the region above it); a smaller row under a bare
label is that label's caption; a hexadecimal text at the page's
left edge is the offset of the region level with it; a row of dots marks the next region elided.
Right rows become panels, a new one after a vertical gap of four font sizes, a bold first text its
title, the others its lines (a row's texts joined). Without a side column the page is one flow: rows of three or more
short texts become strips of segments (the rows under a strip, text for text, its captions and
then its sizes), the rest panels as above.
"""
from __future__ import annotations

import re

from engine.compiler.style import CANVAS
from engine.dsl import load, serialize

SIDE_AT = 0.6           # of the page width: texts starting right of it stand in a side column
SIDE_SHARE = (0.15, 0.7)  # the side column exists when this share of the body texts stands in it
ACROSS = 0.1            # ... and at most this share of the others runs across into it
MARGIN_AT = 0.1         # of the page width: an offset starts left of it
SHORT = 18              # characters: a text this short can be a chip
CHIPS = 3               # texts in a row that make it a row of chips
PANEL_BREAK = 4.0       # font sizes of vertical gap that start a new panel
MAX_TEXTS = 120         # body texts read; a starter is a start, and the scene stays small
MAX_CHIPS = 8
ALIGNED = 0.03          # of the page width: a text this near a cell's stands under it
HEX = re.compile(r"(0x)?[0-9A-Fa-f]{3,}\Z")
DOTS = re.compile(r"[.\u2026\u22ef ]+\Z")


def _width(t) -> float:
    """A text line's width, estimated from its size (as the judges' textplace.py does)."""
    return 0.55 * t.font_size * len(t.text)


def _left(t) -> float:
    """Where a text's line starts."""
    return t.x - {"middle": _width(t) / 2, "end": _width(t)}.get(t.anchor, 0.0)


def _rows(texts) -> list[list]:
    """Texts grouped by baseline, top to bottom, each row left to right."""
    rows: list[list] = []
    for t in sorted(texts, key=lambda t: (t.y, t.x)):
        if rows and abs(t.y - rows[-1][0].y) <= 0.5 * max(t.font_size, rows[-1][0].font_size):
            rows[-1].append(t)
        else:
            rows.append([t])
    return [sorted(r, key=lambda t: t.x) for r in rows]


def _canvas(profile) -> str:
    aspect = profile.canvas.width / max(profile.canvas.height, 1.0)
    return min(CANVAS, key=lambda k: (abs(CANVAS[k][0] / CANVAS[k][1] - aspect), k))


class _Scene:
    """The scene's lines and its content, built together so every ref resolves."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.content: dict = {}

    def ref(self, kind: str, **fields: str) -> str:
        rows = self.content.setdefault(kind, [])
        rows.append({k: v for k, v in fields.items() if v})
        i = len(rows) - 1
        return "|".join(f"@{kind}.{i}.{k}" for k in fields if fields[k]) or ""

    def leaf(self, kind: str, attrs: str = "", **fields: str) -> None:
        cells = "|".join(c for c in (self.ref(kind, **fields), attrs) if c)
        self.lines.append(f"[{kind}:{cells}]" if cells else f"[{kind}]\n[/{kind}]")

    def panel(self, rows: list[list]) -> None:
        """Rows as one panel: a bold first row is its title, every other row a line."""
        self.lines.append("[panel]")
        first = rows[0][0]
        if first.font_weight >= 600 and len(rows) > 1:
            self.lines.append(f"[title_ref:panel.{len(self.content.get('panel', []))}.title]")
            self.ref("panel", title=" ".join(t.text for t in rows.pop(0)))
        for r in rows:
            self.leaf("text_line", "style=muted" if r[0].role == "caption" else "", text=" ".join(t.text for t in r))
        self.lines.append("[/panel]")


def _panels(scene: _Scene, rows: list[list]) -> None:
    group: list[list] = []
    for r in rows:
        if group and r[0].y - group[-1][0].y > PANEL_BREAK * max(r[0].font_size, group[-1][0].font_size):
            scene.panel(group)
            group = []
        group.append(r)
    if group:
        scene.panel(group)


def _chips(row) -> bool:
    return len(row) >= CHIPS and all(len(t.text) <= SHORT for t in row)


def _regions(scene: _Scene, rows: list[list], offsets: list) -> None:
    """Rows as the regions of one region_stack, offsets given to the regions level with them."""
    regions: list[dict] = []
    elide = False
    for r in rows:
        if all(DOTS.match(t.text) for t in r):
            elide = True
            continue
        last = regions[-1] if regions else None
        if (last and not last["caption"] and not last["chips"] and not _chips(r)
                and r[0].font_size < last["size"]):
            last["caption"] = " ".join(t.text for t in r)
            continue
        if _chips(r) and not _chips(r[1:]) and last and not last["chips"]:
            last["chips"] = [t.text for t in r][:MAX_CHIPS]   # a row of chips under its region's label
            continue
        chips = _chips(r[1:]) or _chips(r)
        head, rest = (r[0], r[1:]) if not _chips(r) or _chips(r[1:]) else (None, r)
        regions.append({"label": head.text if head else "", "caption": "" if chips else " ".join(t.text for t in rest),
                        "chips": [t.text for t in rest][:MAX_CHIPS] if chips else [], "y": r[0].y,
                        "size": r[0].font_size, "offset": "", "elided": elide})
        elide = False
    for o in offsets:
        free = [g for g in regions if not g["offset"]]
        if free:
            min(free, key=lambda g: abs(g["y"] - o.y))["offset"] = o.text
    scene.lines.append("[region_stack]")
    for g in regions:
        attrs = "variant=elided" if g["elided"] else ""
        fields = {k: g[k] for k in ("label", "caption", "offset")}
        if not g["chips"]:
            scene.leaf("region", attrs, **fields)
            continue
        scene.lines.append("[region]")
        if attrs:
            scene.lines.append("[variant:elided]")
        paths = [cell[1:] for cell in scene.ref("region", **fields).split("|") if cell]
        scene.lines.extend(f"[{path.rsplit('.', 1)[1]}_ref:{path}]" for path in paths)
        for chip in g["chips"]:
            scene.leaf("segment", label=chip)
        scene.lines.append("[/region]")
    scene.lines.append("[/region_stack]")


def _under(row, strip: list[dict], width: float) -> bool:
    """Whether `row` stands text for text under the cells of `strip` (a caption or size line)."""
    return len(row) == len(strip) and all(abs(t.x - cell["x"]) < ALIGNED * width for t, cell in zip(row, strip))


def _flow(scene: _Scene, rows: list[list], width: float) -> None:
    """Rows without a side column: strips of segments where a row is chips (the rows standing text
    for text under a strip its captions, then its sizes), panels between."""
    pending: list[list] = []
    strip: list[dict] = []

    def flush() -> None:
        for cell in strip:
            scene.leaf("segment", **{k: cell.get(k, "") for k in ("label", "caption", "size")})
        strip.clear()

    for r in rows:
        if strip and _under(r, strip, width) and not all(cell.get("size") for cell in strip):
            key = "size" if all(cell.get("caption") for cell in strip) else "caption"
            for t, cell in zip(r, strip):
                cell[key] = t.text
            continue
        flush()
        if _chips(r):
            if pending:
                _panels(scene, pending)
                pending = []
            strip.extend({"label": t.text, "x": t.x} for t in r[:MAX_CHIPS])
        else:
            pending.append(r)
    flush()
    if pending:
        _panels(scene, pending)


def build(profile, texts) -> tuple[str, dict]:
    """(canonical scene text, content) of a first memory map of the asset; it takes no theme:
    `ck gold add` judges the page's look from the asset's raster."""

    width = max(profile.canvas.width, 1.0)
    texts = [t for t in texts if t.text.strip()]
    head = next((t for t in texts if t.role == "headline"), texts[0] if texts else None)
    sub = next((t for t in texts if t.role == "subtitle" and head is not None and t.y > head.y), None)
    scene = _Scene()
    centred = head is not None and (head.anchor == "middle" or abs(head.x / width - 0.5) < 0.1)
    scene.lines += ["[scene]", f"[canvas:{_canvas(profile)}]", "[layout:memory_map]",
                    f"[hero:{'center' if centred else 'left'}]"]
    header = {k: t.text for k, t in (("headline", head), ("subtitle", sub)) if t is not None}
    scene.leaf("header_band", "band=open", **header)
    body = [t for t in texts if t is not head and t is not sub and t.role != "footer"][:MAX_TEXTS]
    offsets = [t for t in body if _left(t) < MARGIN_AT * width and HEX.match(t.text.strip())]
    body = [t for t in body if t not in offsets]
    side = [t for t in body if _left(t) >= SIDE_AT * width]
    # a line running from the left part across the split says the page is not cut in two columns
    across = [t for t in body if t not in side and _left(t) + _width(t) > SIDE_AT * width]
    share = len(side) / len(body) if body else 0.0
    if SIDE_SHARE[0] <= share <= SIDE_SHARE[1] and len(across) <= ACROSS * (len(body) - len(side)):
        _regions(scene, _rows([t for t in body if t not in side]), offsets)
        _panels(scene, _rows(side))
    else:
        _flow(scene, _rows(body + offsets), width)
    for t in (t for t in texts if t.role == "footer"):
        scene.leaf("footer_note", text=t.text)
        break
    scene.lines.append("[/scene]")
    return serialize(load("\n".join(scene.lines)).scene), scene.content
