"""The timeline_flow starter for `ck gold add`: an asset profiled as a timeline becomes milestones
on one axis, each with its date, title and body, on the side of the axis it stood on.

What is read from the profile's texts (positions only: a profile holds no shapes' places):

- The header: the kicker, headline and subtitle above the first title, as `ck gold add` reads them.
- Milestones: the other texts fall into columns (the same anchor, their x within `COLUMN_SHARE` of
  the page's width) and each column into runs of lines no further apart than `RUN_GAP` font sizes;
  a run of two or more lines is a milestone. Its first line is its date when it is short and set
  smaller than the line under it (dates head milestone cards), the next its title, the rest its
  body, one line each. Milestones go in the order of their x (time runs left to right).
- Side: when the runs' middles spread over more than `BANDS_SHARE` of the page's height, a run
  above the middle of that spread stands above the axis, the others below; otherwise every card
  stands above (the default, so not written).
- What is left (lines standing alone, milestones past `MAX_MILESTONES`) is one callout under the
  timeline, in reading order; footers stay footer notes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.compiler.style import CANVAS
from engine.dsl import load, serialize

COLUMN_SHARE = 0.02   # texts this close across (share of the width) stand in one column
RUN_GAP = 2.4         # baselines further apart than this many font sizes start a new run
BANDS_SHARE = 0.15    # runs spread over this share of the height stand on two sides of the axis
DATE_CHARS = 24       # the longest first line read as a date
MAX_MILESTONES = 12
MAX_FOOTERS = 2


@dataclass
class Run:
    """Lines of one column that read as one block, top to bottom."""

    texts: list

    @property
    def middle(self) -> float:
        return (self.texts[0].y + self.texts[-1].y) / 2


def _nearest_canvas(width: float, height: float) -> str:
    aspect = width / max(height, 1.0)
    return min(CANVAS, key=lambda k: (abs(CANVAS[k][0] / CANVAS[k][1] - aspect), k))


def _header(texts: list) -> dict:
    """The header's texts: the first headline, and a kicker and subtitle above the first title."""
    top = min((t.y for t in texts if t.role == "title"), default=float("inf"))
    out = {}
    for role in ("kicker", "headline", "subtitle"):
        t = next((t for t in texts if t.role == role), None)
        if t is not None and (role == "headline" or t.y < top):
            out[role] = t
    return out


def _columns(texts: list, width: float) -> list[list]:
    """Texts grouped by anchor and x, each column top to bottom."""
    columns: list[list] = []
    for t in sorted(texts, key=lambda t: (t.anchor, t.x, t.y)):
        last = columns[-1] if columns else None
        if last and last[0].anchor == t.anchor and t.x - last[-1].x <= COLUMN_SHARE * width:
            last.append(t)
        else:
            columns.append([t])
    return [sorted(c, key=lambda t: t.y) for c in columns]


def _runs(column: list) -> list[Run]:
    runs: list[Run] = []
    for t in column:
        prev = runs[-1].texts[-1] if runs else None
        if prev is not None and t.y - prev.y <= RUN_GAP * max(t.font_size, prev.font_size, 1.0):
            runs[-1].texts.append(t)
        else:
            runs.append(Run([t]))
    return runs


def _fields(run: Run) -> dict[str, str]:
    """A run's date (when its first line reads as one), title and body."""
    lines = list(run.texts)
    out: dict[str, str] = {}
    first = lines[0]
    if len(lines) >= 3 and len(first.text) <= DATE_CHARS and first.font_size < lines[1].font_size:
        out["date"] = lines.pop(0).text
    out["title"] = lines.pop(0).text
    if lines:
        out["body"] = "\n".join(t.text for t in lines)
    return out


def _sides(runs: list[Run], height: float) -> list[str | None]:
    """Each run's side of the axis: above or below the middle of the runs' spread when they spread
    over two bands, else None (the default: above)."""
    middles = [r.middle for r in runs]
    if not middles or max(middles) - min(middles) <= BANDS_SHARE * height:
        return [None] * len(runs)
    cut = (max(middles) + min(middles)) / 2
    return ["above" if m < cut else "below" for m in middles]


def build(profile, texts=None) -> tuple[str, dict]:
    """(canonical scene text, content) for a first timeline mapping of the asset; `texts` are the
    profile's texts to place (all of them when None)."""
    texts = list(profile.texts if texts is None else texts)
    width, height = profile.canvas.width, profile.canvas.height
    head = _header(texts)
    used = {id(t) for t in head.values()}
    footers = [t for t in texts if t.role == "footer" and id(t) not in used][:MAX_FOOTERS]
    used |= {id(t) for t in footers}
    body = [t for t in texts if id(t) not in used]
    runs = [r for c in _columns(body, width) for r in _runs(c)]
    stones = sorted((r for r in runs if len(r.texts) >= 2), key=lambda r: (r.texts[0].x, r.middle))[:MAX_MILESTONES]
    kept = {id(t) for r in stones for t in r.texts}
    rest = sorted((t for t in body if id(t) not in kept), key=lambda t: (t.y, t.x))

    topic = re.sub(r"[^a-z0-9_]", "_", profile.name.lower()).strip("_") or "asset"
    topic = topic if topic[0].isalpha() else f"asset_{topic}"
    centred = "headline" in head and (head["headline"].anchor == "middle"
                                      or abs(head["headline"].x / max(width, 1.0) - 0.5) < 0.1)
    lines = ["[scene]", f"[canvas:{_nearest_canvas(width, height)}]", "[layout:timeline_flow]",
             f"[hero:{'center' if centred else 'left'}]", f"[topic:{topic}]"]
    content: dict = {"header_band": [{k: t.text for k, t in head.items()}]}
    lines.append("[header_band:" + "".join(f"@header_band.0.{k}|" for k in head) + "band=open]")
    content["milestone"] = []
    for i, (run, side) in enumerate(zip(stones, _sides(stones, height))):
        fields = _fields(run)
        content["milestone"].append(fields)
        cells = "|".join(f"@milestone.{i}.{f}" for f in fields)
        lines.append(f"[milestone:{cells}|node_id=m{i}{f'|side={side}' if side else ''}]")
    if rest:
        content["callout_card"] = [{"text": "\n".join(t.text for t in rest)}]
        lines.append("[callout_card:@callout_card.0.text]")
    for i, t in enumerate(footers):
        content.setdefault("footer_note", []).append({"text": t.text})
        lines.append(f"[footer_note:@footer_note.{i}.text]")
    lines.append("[/scene]")
    return serialize(load("\n".join(lines)).scene), content
