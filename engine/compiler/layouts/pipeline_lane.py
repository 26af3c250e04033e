"""pipeline_lane: a process read left to right (the pipeline-overview and ir-lowering-pipeline
assets).

Top to bottom: the header; the lane of numbered stages on a full-bleed track (none on a
`background:none` page), whatever the order the stages were written in among other components;
then every other section in written order, cards in a grid of `columns` (inputs, outputs,
gates), strips, badges and legends. Where a section goes is the scene's choice, never guessed:

- Legend rows marked `role:phase` head the run of stages whose accent is their tone, in its
  colour, instead of making a legend (see flow.phases); a phase row with no such run stays a key.
- Sections marked `place:beside` stack in the free columns beside the lane's short second row,
  centred on it, when the lane turns into one; else they stay where they were written.
- Badges marked `role:stamp` sit in the page foot, left of the topic tag, when they fit between
  it and the footer notes; else (or with the tag left out) they stay a row of pills where they
  were written.

The layout keeps the geometry: height the canvas has to spare goes to the stage bodies, so the
lane fills a short canvas rather than leaving its bottom empty (boxes stop growing at
flow.STAGE_ASPECT). Containers (panels, groups) on the page share it with the lane in proportion
to their natural heights, after PANEL_AIR of it has opened the gap under the lane: a short row of
stages over a tall panel keeps those proportions, the panel standing apart as a section, instead
of the stages stretching alone.
"""
from __future__ import annotations

from engine.compiler.geometry import Layout, Line, Rect, Shape, Text, shift
from engine.compiler.page import Page
from engine.compiler.resolve import Bound
from engine.compiler.sections import RENDERERS, chrome, flow, sections
from engine.compiler.style import Style
from engine.compiler.text import text_width

PANEL_AIR = 0.4  # share of the spare height that opens the gap under the lane when panels follow it

def _track(page: Page, mark: int, top: float, bottom: float) -> None:
    """The lane's full-bleed band (across the sheet, on one), slipped under the stages already
    drawn from `mark` on."""
    s = page.style
    p = s.palette
    x0, x1 = s.sheet, s.width - s.sheet
    band = [Rect(x0, top, x1 - x0, bottom - top, p.surface_2, opacity=0.55, role="track"),
            Line(((x0, top), (x1, top)), p.stroke, 1, role="track"),
            Line(((x0, bottom), (x1, bottom)), p.stroke, 1, role="track")]
    page.out[mark:mark] = band


def _stamps(bound: list[Bound]) -> list[Bound]:
    """The badges the scene marks as the page's status stamp."""
    return [b for b in bound if b.name == "badge_pill" and b.comp.attr("role") == "stamp"]


def _groups(bound: list[Bound], style: Style, foot: bool) -> tuple[list, list[Bound], list]:
    """The page's sections, the lane first (the rest keep their order), less the legend rows that
    head runs of stages (returned apart), less the sections set beside the lane's short row
    (returned apart, as sections) and, when `foot`, less the stamp badges set in the foot."""
    stamps = _stamps(bound) if foot else []
    kept = [b for b in bound if all(b is not s for s in stamps)]
    groups = sections(kept)
    groups.sort(key=lambda g: g[0] != "flow")  # stable: the lane leads, the rest keep their order
    heads: list[Bound] = []
    beside: list = []
    if groups and groups[0][0] == "flow":
        legend = next((items for kind, items in groups if kind == "legend"), [])
        phase = [row for row in legend if row.comp.attr("role") == "phase"]
        heads = [row for row, _, _ in flow.phases(groups[0][1], phase, style, style.content_width)]
        groups = [(kind, [b for b in items if all(b is not h for h in heads)]) for kind, items in groups]
        if flow.room(Page(style, bound), groups[0][1], style.inset, style.content_width) is not None:
            beside = [(kind, [b for b in items if b.comp.attr("place") == "beside"]) for kind, items in groups]
            groups = [(kind, [b for b in items if b.comp.attr("place") != "beside"]) for kind, items in groups]
        beside = [(kind, items) for kind, items in beside if items]
        groups = [(kind, items) for kind, items in groups if items]
    return groups, heads, beside


def _place(bound: list[Bound], style: Style, grow: float, foot: bool) -> Page:
    """Every section placed (less the stamp set in the foot), `grow` px shared among the gap
    under the lane, the lane's bodies and the containers (`_shares`); the page is not closed yet."""
    page = Page(style, bound)
    page.header()
    x, w = style.inset, style.content_width
    groups, heads, nested = _groups(bound, style, foot)
    air = PANEL_AIR * grow if grow > 0 and any(kind == "container" for kind, _ in groups) else 0.0
    grow, extra = _shares(page, groups, grow - air)
    for k, (kind, items) in enumerate(groups):
        gap = style.gap if k < len(groups) - 1 else 0.0  # the foot keeps its own margin
        if kind == "flow":
            mark, margin = len(page.out), page.y - page.header_bottom
            h = flow.render(page, items, x, page.y, w, grow=grow, beside=_stack(nested) if nested else None,
                            legend=heads)
            if style.background != "none":  # a plain page has no track under its lane either
                _track(page, mark, page.y - margin, page.y + h + margin)
                h += margin
            page.y += h + gap + air
        elif kind == "container" and k in extra:
            page.y += RENDERERS[kind](page, items, x, page.y, w, min_h=extra[k]) + gap
        else:
            page.y += RENDERERS[kind](page, items, x, page.y, w) + gap
    return page


def _shares(page: Page, groups: list, grow: float) -> tuple[float, dict[int, float]]:
    """`grow` split between the lane and the containers on the page, in proportion to their
    natural heights: the lane's part, and each container's grown height by its index. A panel
    under the lane fills with it, so the lane is not stretched alone into the canvas's spare."""
    if grow <= 0:
        return grow, {}
    x, w = page.style.inset, page.style.content_width
    natural = {k: RENDERERS[kind](page.scratch(), items, x, 0.0, w)
               for k, (kind, items) in enumerate(groups) if kind == "container"}
    if not natural:
        return grow, {}
    lane = next((flow.render(page.scratch(), items, x, 0.0, w) for kind, items in groups if kind == "flow"), 0.0)
    total = lane + sum(natural.values())
    return grow * lane / total, {k: h + grow * h / total for k, h in natural.items()}


def _stack(nested: list) -> flow.Beside:
    """Sections drawn one under another in a column: what sits beside the lane's short row."""
    def draw(page, x: float, y: float, w: float) -> float:
        top = y
        for kind, items in nested:
            y += RENDERERS[kind](page, items, x, y, w) + page.style.gap
        return y - page.style.gap - top
    return draw


def _pills(items: list[Bound], style: Style) -> tuple[list[Shape], float, float] | None:
    """The badges drawn from (0, 0) with their width and height, when they make one row."""
    shapes: list[Shape] = []
    h = chrome.badges(shapes, items, 0, 0, style.content_width, style)
    pills = [r for r in shapes if isinstance(r, Rect)]
    if len({r.y for r in pills}) != 1:
        return None
    return shapes, max(r.x + r.w for r in pills), h


def _text_right(t: Text) -> float:
    w = text_width(t.text, t.size, t.bold)
    return t.x + {"start": w, "middle": w / 2, "end": 0.0}[t.anchor]


def _foot_room(bound: list[Bound], style: Style) -> bool:
    """Whether the stamp badges fit in the foot, between the footer notes and the topic."""
    stamps = _stamps(bound)
    if not stamps:
        return False
    pills = _pills(stamps, style)
    foot: list[Shape] = []
    chrome.footer(foot, [b for b in bound if b.name == "footer_note"], 0, style)
    texts = [t for t in foot if isinstance(t, Text)]
    tags = [_text_right(t) - text_width(t.text, t.size, t.bold) for t in texts if t.role == "topic"]
    if not tags:   # the tag left out (footer_note tag:none): nothing to stand beside
        return False
    notes = max((_text_right(t) for t in texts if t.role != "topic"), default=style.inset)
    return pills is not None and notes + 2 * style.gap + pills[1] <= min(tags)


def _stamp(layout: Layout, items: list[Bound], style: Style) -> tuple[list[Shape], float]:
    """The foot badges centred on the topic tag's line, ending a gap before it; and their top."""
    shapes, w, h = _pills(items, style)
    tag = next(s for s in layout.shapes if isinstance(s, Text) and s.role == "topic")
    right = _text_right(tag) - text_width(tag.text, tag.size, tag.bold) - style.gap
    top = tag.y - tag.size * 0.35 - h / 2
    return [shift(s, right - w, top) for s in shapes], top


def _close(bound: list[Bound], style: Style, foot: bool, reserve: float) -> tuple[Layout, float]:
    """The page placed, its lane grown into the height the canvas has to spare (less `reserve`
    kept above the foot), and closed; also the bottom of its content."""
    page = _place(bound, style, 0.0, foot)
    if any(b.name == "stage_card" for b in bound):
        notes = [b for b in bound if b.name == "footer_note"]
        spare = style.min_height - (page.y + reserve + chrome.footer([], notes, 0, style) + style.inset * 0.8)
        if spare > 1:
            page = _place(bound, style, spare, foot)
    bottom = page.y
    page.y += reserve
    return page.finish(), bottom


def arrange(bound: list[Bound], style: Style) -> Layout:
    foot = _foot_room(bound, style)
    layout, bottom = _close(bound, style, foot, 0.0)
    if not foot:
        return layout
    items = _stamps(bound)
    stamp, top = _stamp(layout, items, style)
    if top < bottom + style.gap / 2:  # the badges stand taller than the foot: keep room above it
        layout, bottom = _close(bound, style, foot, bottom + style.gap / 2 - top)
        stamp, top = _stamp(layout, items, style)
    layout.shapes.extend(stamp)
    return layout


NESTED = {"cards", "legend", "strip", "badges"}  # the kinds the v1 compiler set beside a short row


def v1_choices(tree: list[Bound], style: Style) -> dict[tuple[int, ...], dict[str, str]]:
    """Where the v1 compiler placed this page by itself, as the choices that say it (DSL v2):
    toned legend rows heading a run of stages of their colour (role:phase), the sections right
    after the lane beside its short row (place:beside), the one stage of a short row (role:result)
    and the badges written last in the foot (role:stamp; v1 set them there when they fit)."""
    said: dict[tuple[int, ...], dict[str, str]] = {}

    def say(items: list[Bound], key: str, value: str) -> None:
        for b in items:
            said.setdefault(b.path, {})[key] = value

    groups = sections(tree)
    groups.sort(key=lambda g: g[0] != "flow")
    if groups and groups[0][0] == "flow":
        legend = next((items for kind, items in groups if kind == "legend"), [])
        heads = [row for row, _, _ in flow.phases(groups[0][1], legend, style, style.content_width)]
        say(heads, "role", "phase")
        groups = [(kind, [b for b in items if all(b is not h for h in heads)]) for kind, items in groups]
        groups = [(kind, items) for kind, items in groups if items]
        stages = [b for b in groups[0][1] if b.name == "stage_card"]
        if len(stages) - flow.columns(len(stages), style.content_width) == 1:
            say(stages[-1:], "role", "result")
        if flow.room(Page(style, tree), groups[0][1], style.inset, style.content_width) is not None:
            for kind, items in groups[1:]:
                if kind not in NESTED:
                    break
                say(items, "place", "beside")
    if len(groups) >= 2 and groups[-1][0] == "badges":
        say(groups[-1][1], "role", "stamp")
    return said
