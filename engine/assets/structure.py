"""Structural features of a drawing: the regularities a reader uses to tell one layout from another.

Each feature is a count (or a ratio) computed from absolute geometry alone, never from what the
words say, so a placeholder-normalized asset has the same features as the original:

- connectors       lines/paths that carry a marker (an arrowhead)
- fan_out          most connectors leaving one point for different places (a tree's branching)
- links            connectors that start at one box and end at another
- linked_boxes     distinct boxes those links join (a pipeline's stages, a tree's nodes)
- forward_links    links that run mostly left to right (a pipeline's stage-to-stage arrows)
- repeated_row     most equal-size boxes (within 6 %) side by side at one height
- cards            outermost boxes that hold text, each 1.5-45 % of the canvas
- card_columns     distinct left edges among the cards
- stacked_sections cards at least 60 % of the canvas wide, one above the other
- table_rows       equal-width boxes stacked at one left edge, each thinner than 15 % of the canvas
- table_columns    text columns (shared x) that recur in 3 or more of those rows
- table_coverage   share of the canvas height the table rows span
- bars             boxes in bar groups: same left edge and height but different widths, same
                   bottom and width but different heights (a bar chart, or a track with its fill),
                   or segments of one column touching end to end (a stacked bar)
- brackets         span brackets: a three-stroke path (short, long, short), or a long line with
                   short perpendicular ticks at both ends
- timeline_stops   circles centred on one long straight line (at least half the canvas across)
- segments         most boxes laid edge to edge (gap <= 10 % of their width) at one height with
                   different widths, or inside a container smaller than half the canvas: a
                   memory map's regions
- dual_panels      1 when two tall panels of equal size face each other across the middle
- legend_rows      a small swatch (<= 18 px) with a text just right of it
- portrait         canvas height / width
"""
from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import replace

from engine.assets.geometry import Box, Drawing


def distinct(d: Drawing) -> Drawing:
    """The drawing with a rect drawn twice in the same place (a fill under a stroke, a row
    repainted) kept as one box."""
    boxes = list({(round(b.x, 1), round(b.y, 1), round(b.w, 1), round(b.h, 1)): b for b in d.boxes}.values())
    return replace(d, boxes=boxes)


def features(d: Drawing) -> dict[str, float]:
    d = distinct(d)
    canvas_area = d.canvas.width * d.canvas.height or 1.0
    nodes = [b for b in d.boxes if 0.003 * canvas_area <= b.area < 0.5 * canvas_area]
    cards = text_cards(d)
    links = _links(d, nodes)
    rows, columns, coverage = _table(d)
    return {
        "connectors": len(d.connectors),
        "fan_out": _fan_out(d),
        "links": len(links),
        "linked_boxes": len({id(b) for s in links for b in _ends(s, nodes)}),
        "forward_links": sum(1 for s in links if s.dx > 2 * abs(s.dy)),
        "repeated_row": _repeated_row(nodes),
        "cards": len(cards),
        "card_columns": len({round(c.x / 8) for c in cards}),
        "stacked_sections": len({round(c.y / 8) for c in cards if c.w >= 0.6 * d.canvas.width}),
        "table_rows": rows,
        "table_columns": columns,
        "table_coverage": round(coverage, 3),
        "bars": _bars(d.boxes),
        "brackets": _brackets(d),
        "timeline_stops": _timeline_stops(d),
        "segments": _segments(d.boxes, canvas_area),
        "dual_panels": _dual_panels(cards, d),
        "legend_rows": _legend_rows(d),
        "portrait": round(d.canvas.height / d.canvas.width, 3) if d.canvas.width else 0.0,
    }


def _near(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol


def text_boxes(d: Drawing, least: float = 0.015) -> list[Box]:
    """Boxes that hold at least one text, each `least` to 45 % of the canvas."""
    canvas_area = d.canvas.width * d.canvas.height or 1.0
    return [b for b in d.boxes if least * canvas_area <= b.area <= 0.45 * canvas_area
            and any(b.contains(*t.center) for t in d.texts)]


def text_cards(d: Drawing) -> list[Box]:
    """Outermost boxes that hold at least one text, each 1.5-45 % of the canvas."""
    holders = text_boxes(d)
    return [b for b in holders if not any(o.encloses(b) and o.area > b.area for o in holders)]


def _fan_out(d: Drawing) -> int:
    by_start = defaultdict(set)
    for s in d.connectors:
        key = (round(s.start[0] / 8), round(s.start[1] / 8))
        by_start[key].add((round(s.end[0] / 20), round(s.end[1] / 20)))
    return max((len(ends) for ends in by_start.values()), default=0)


def _ends(s, nodes: list[Box]) -> tuple[Box | None, Box | None]:
    """The boxes a connector starts and ends at (within 24 px), if any: the smallest box that
    holds the end, so a full-bleed band behind the stages does not swallow both ends."""
    def touching(point) -> Box | None:
        return min((b for b in nodes if b.contains(*point, pad=24)), key=lambda b: b.area, default=None)

    return touching(s.start), touching(s.end)


def _links(d: Drawing, nodes: list[Box]) -> list:
    """Connectors that run from one box to another."""
    out = []
    for s in d.connectors:
        a, b = _ends(s, nodes)
        if a is not None and b is not None and a is not b:
            out.append(s)
    return out


def _rows(boxes: list[Box], tol: float) -> dict[int, list[Box]]:
    """Boxes bucketed by top edge, so a box's row-mates are looked up in its bucket and neighbours."""
    buckets = defaultdict(list)
    for b in boxes:
        buckets[round(b.y / tol)].append(b)
    return buckets


def _row_mates(b: Box, buckets: dict[int, list[Box]], tol: float) -> list[Box]:
    k = round(b.y / tol)
    return [o for i in (k - 1, k, k + 1) for o in buckets.get(i, ()) if _near(o.y, b.y, tol)]


def _repeated_row(nodes: list[Box]) -> int:
    buckets = _rows(nodes, 6)
    best = 0
    for b in nodes:
        row = [o for o in _row_mates(b, buckets, 6) if _near(o.w, b.w, 0.06 * b.w) and _near(o.h, b.h, 0.06 * b.h)]
        lefts = {round(o.x) for o in row}
        best = max(best, len(lefts))
    return best if best >= 3 else 0


def _table(d: Drawing) -> tuple[int, int, float]:
    """The largest stack of table-like rows, the text columns recurring in it, and its coverage."""
    candidates = [b for b in d.boxes if b.w >= 0.35 * d.canvas.width and b.h <= 0.15 * d.canvas.height]
    best: list[Box] = []
    for b in candidates:
        stack = [o for o in candidates if _near(o.x, b.x, 3) and _near(o.w, b.w, 3)]
        tops = {round(o.y) for o in stack}
        if len(tops) > len({round(o.y) for o in best}):
            best = stack
    best = list({round(o.y): o for o in best}.values())   # one box per row (a row may be drawn twice)
    if len(best) < 3:
        return 0, 0, 0.0
    rows_per_column = defaultdict(set)
    for t in d.texts:
        for i, row in enumerate(best):
            if row.contains(t.x, t.y - 0.35 * t.size):
                rows_per_column[round(t.x / 6)].add(i)
    columns = sum(1 for rows in rows_per_column.values() if len(rows) >= 3)
    span = max(b.bottom for b in best) - min(b.y for b in best)
    return len(best), columns, span / d.canvas.height if d.canvas.height else 0.0


def _bars(boxes: list[Box]) -> int:
    groups = defaultdict(list)
    for b in boxes:
        if b.h <= 80:   # horizontal bars: shared left edge and thickness
            groups[("h", round(b.x / 3), round(b.h / 3))].append(b.w)
        if b.w <= 240:  # vertical bars: shared baseline and thickness
            groups[("v", round(b.bottom / 3), round(b.w / 3))].append(b.h)
    count = 0
    for lengths in groups.values():
        if len(lengths) >= 2 and min(lengths) <= 0.85 * max(lengths):
            count += len(lengths)
    stacks = defaultdict(list)   # stacked bars: same column, segments touching end to end
    for b in boxes:
        if b.w <= 240:
            stacks[(round(b.x / 3), round(b.w / 3))].append(b)
    for column in stacks.values():
        count += sum(1 for a in column if any(_near(a.bottom, o.y, 2) or _near(o.bottom, a.y, 2)
                                              for o in column if o is not a))
    return count


def _brackets(d: Drawing) -> int:
    count = 0
    for s in d.segments:   # drawn as one path: short stroke, long stroke, short stroke
        p = s.points
        if len(p) == 4:
            legs = [math.dist(p[i], p[i + 1]) for i in range(3)]
            if legs[1] > 0 and max(legs[0], legs[2]) <= 0.35 * legs[1]:
                count += 1
    long = [s for s in d.segments if len(s.points) == 2 and s.length >= 60]
    ticks = [s for s in d.segments if len(s.points) == 2 and 4 <= s.length <= 40]
    for s in long:   # drawn as a long line with a short perpendicular tick at each end
        ends = 0
        for end in (s.start, s.end):
            if any(min(math.dist(end, t.start), math.dist(end, t.end)) <= 12
                   and abs(s.dx * t.dx + s.dy * t.dy) <= 0.2 * s.length * t.length for t in ticks):
                ends += 1
        count += ends == 2
    return count


def _timeline_stops(d: Drawing) -> int:
    best = 0
    for s in d.segments:
        if len(s.points) != 2:
            continue
        horizontal = abs(s.dy) <= 2 and abs(s.dx) >= 0.5 * d.canvas.width
        vertical = abs(s.dx) <= 2 and abs(s.dy) >= 0.5 * d.canvas.height
        if not (horizontal or vertical):
            continue
        lo, hi = sorted((s.start[0], s.end[0]) if horizontal else (s.start[1], s.end[1]))
        on = [c for c in d.circles
              if (_near(c.cy, s.start[1], c.r + 3) and lo <= c.cx <= hi if horizontal
                  else _near(c.cx, s.start[0], c.r + 3) and lo <= c.cy <= hi)]
        best = max(best, len(on))
    return best if best >= 3 else 0


def _segments(boxes: list[Box], canvas_area: float) -> int:
    containers = [b for b in boxes if b.area < 0.5 * canvas_area]   # not the background
    buckets = _rows(boxes, 3)
    best = 0
    for b in boxes:
        row = sorted((o for o in _row_mates(b, buckets, 3) if _near(o.h, b.h, 3)), key=lambda o: o.x)
        run = [row[0]] if row else []
        for prev, cur in itertools.pairwise(row):
            gap = cur.x - prev.right
            if 0 <= gap <= 0.1 * min(prev.w, cur.w) + 1:
                run.append(cur)
                continue
            best = max(best, _segment_run(run, containers))
            run = [cur]
        best = max(best, _segment_run(run, containers))
    return best if best >= 3 else 0


def _segment_run(run: list[Box], containers: list[Box]) -> int:
    if len(run) < 3:
        return 0
    widths = [b.w for b in run]
    span = Box(run[0].x, min(b.y for b in run), run[-1].right - run[0].x, max(b.h for b in run))
    contained = any(o.encloses(span, pad=2) and o.area > span.area for o in containers)
    return len(run) if contained or min(widths) <= 0.85 * max(widths) else 0


def _dual_panels(cards: list[Box], d: Drawing) -> int:
    middle = d.canvas.width / 2
    for a in cards:
        for b in cards:
            if (a.right <= middle + 0.05 * d.canvas.width and b.x >= middle - 0.05 * d.canvas.width
                    and _near(a.y, b.y, 12) and _near(a.w, b.w, 0.1 * a.w) and _near(a.h, b.h, 0.1 * a.h)
                    and a.w >= 0.3 * d.canvas.width and a.h >= 0.4 * d.canvas.height):
                return 1
    return 0


def _legend_rows(d: Drawing) -> int:
    swatches = [(b.x + b.w / 2, b.y + b.h / 2, max(b.w, b.h)) for b in d.boxes if b.w <= 18 and b.h <= 18]
    swatches += [(c.cx, c.cy, 2 * c.r) for c in d.circles if c.r <= 9]
    count = 0
    for x, y, size in swatches:
        if any(t.anchor == "start" and 0 < t.x - x <= size / 2 + 24 and _near(t.center[1], y, 8)
               for t in d.texts):
            count += 1
    return count
