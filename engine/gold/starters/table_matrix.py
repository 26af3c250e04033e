"""table_matrix starter: the asset's rows become table rows. A row is a wide card of the asset
(three or more stacked), else a line of two or more texts on one baseline (three or more in a
run); its texts go to the columns their left edges share across the rows (at most eight). The
first row is the table_header when every text in it is bold or a title. Text above the table is
written before it, the rest after."""
from __future__ import annotations

from engine.gold.starters.common import (
    Draft,
    Unit,
    accent,
    body,
    extent,
    footer,
    header,
    lines_of,
    page_attrs,
    units,
    walk,
    write_rows,
)

FAMILY = "table_matrix"
MAX_COLUMNS = 8
MAX_ROWS = 16
COLUMN_SPLIT = 0.04     # left edges further apart than this share of the page are two columns


def table_rows(profile, items: list[Unit]) -> list[list]:
    """The rows of the table, each a list of texts, top to bottom."""
    wide = [u for u in walk(items) if u.card and u.box.w >= 0.5 * profile.canvas.width and len(u.all_texts) >= 2]
    wide = [u for u in wide if not any(o is not u and u.box.encloses(o.box) for o in wide)]   # rows, not the table
    if len(wide) >= 3:
        return [u.all_texts for u in sorted(wide, key=lambda u: u.box.y)][:MAX_ROWS]
    best: list[list] = []
    run: list[list] = []
    for line in lines_of([t for u in items for t in u.all_texts]):
        if len(line) >= 2:
            run.append(line)
            continue
        if len(run) > len(best):
            best = run
        run = []
    best = max(best, run, key=len)
    return best[:MAX_ROWS] if len(best) >= 3 else []


def columns(profile, table: list[list]) -> list[float]:
    """Left edges of the table's columns: the texts' left edges clustered, at most MAX_COLUMNS."""
    lefts = sorted(extent(t)[0] for row in table for t in row)
    out: list[list[float]] = []
    for x in lefts:
        if out and x - out[-1][-1] <= COLUMN_SPLIT * profile.canvas.width:
            out[-1].append(x)
        else:
            out.append([x])
    edges = [c[0] for c in sorted(out, key=len, reverse=True)[:MAX_COLUMNS]]
    return sorted(edges)


def cells(row: list, edges: list[float]) -> dict[str, str]:
    by_column: dict[int, list] = {}
    for t in sorted(row, key=lambda t: (t.y, t.x)):
        left = extent(t)[0]
        i = max((j for j, e in enumerate(edges) if e <= left + 1), default=0)
        by_column.setdefault(i, []).append(t.text)
    return {f"column_{i + 1}": " ".join(by_column.get(i, [])) for i in range(len(edges))}


def build(profile, texts) -> tuple[str, dict]:
    d = Draft(page_attrs(profile, FAMILY, texts))
    heads = header(d, texts)
    feet = [t for t in texts if t.role == "footer"][:2]
    items = units(profile, body(texts, heads, feet))
    table = table_rows(profile, items)
    in_table = {id(t) for row in table for t in row}
    top = min((t.y for row in table for t in row), default=float("inf"))
    rest = units(profile, [t for t in body(texts, heads, feet) if id(t) not in in_table])
    write_rows(d, [u for u in rest if u.box.y < top])
    if table:
        edges = columns(profile, table)
        first, *others = table
        if others and all(t.font_weight >= 600 or t.role == "title" for t in first):
            d.leaf("table_header", cells(first, edges))
            table = others
        for row in table:
            d.leaf("table_row", cells(row, edges), accent=accent(row[0].fill))
    write_rows(d, [u for u in rest if u.box.y >= top])
    footer(d, feet)
    return d.text(), d.content
