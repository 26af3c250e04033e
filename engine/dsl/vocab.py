"""The scene DSL's vocabulary as data: keys, values, components, fields and family defaults.

Everything the parser validates against, the canonicalizer orders by, and the tokenizer reserves
comes from the tables here (SPEC.md section 2). Extending the DSL means extending these tables and
teaching the compiler the new value; no other module lists vocabulary. The one exception is the
themes: a theme is a palette, and palettes are data the compiler draws from (THEMES_FILE), so the
theme names are that file's tables, in its order, and a theme is added there alone.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

from engine.paths import RESOURCES

THEMES_FILE = RESOURCES / "themes.toml"

# Top-level attributes in canonical order (SPEC.md §2: fixed order, fixed arity of 15).
TOP_LEVEL_KEYS: tuple[str, ...] = (
    "canvas", "layout", "theme", "tone", "frame", "density", "inset", "gap", "hero",
    "columns", "emphasis", "rail", "background", "connector", "topic",
)

ACCENTS: tuple[str, ...] = ("amber", "green", "blue", "purple", "red")
THEMES: tuple[str, ...] = tuple(tomllib.loads(THEMES_FILE.read_text()))

LAYOUTS: tuple[str, ...] = (
    "poster_stack", "comparison_span_chart", "pipeline_lane", "table_matrix",
    "decision_tree", "dashboard_cards", "timeline_flow", "memory_map", "dual_panel_compare",
)

TOP_LEVEL_VALUES: dict[str, tuple[str, ...]] = {
    "canvas": ("wide", "tall", "square", "landscape", "standard", "banner", "panorama", "portrait",
               "strip", "sheet", "half", "poster"),
    "layout": LAYOUTS,
    "theme": THEMES,
    "tone": ACCENTS + ("mixed",),
    "frame": ("card", "panel", "none"),
    "density": ("compact", "balanced", "airy", "fit"),   # fit (wave 5): the page keeps the canvas's shape
    "inset": ("sm", "md", "lg"),
    "gap": ("sm", "md", "lg"),
    "hero": ("left", "center", "split"),
    "columns": ("1", "2", "3", "4"),
    "emphasis": ("top", "left", "center"),
    "rail": ("accent", "muted", "none"),
    "background": ("grid", "mesh", "rings", "none", "sheet", "frame"),  # frame: a rounded outline round the page
    "connector": ("line", "arrow", "bracket", "curve", "none"),   # none (wave 4): the family draws no connector
    # topic is an identifier, checked by TOPIC_PATTERN rather than a value list
}
# A scene's plan (DSL v3; optional, the first line after [scene] when written): which edit of its
# family's anchor scene the topic's content makes (none: the anchor's own shape), or `own`: the
# scene is a gold entry's own, drawn as mapped. The compiler draws nothing from it: it is the
# model's statement of the scene's shape, written before the shape, so what a topic carries is one
# token the same under every layout (docs/dsl.md, "Version 3: the plan line").
PLAN_KEY = "plan"
PLAN_VALUES: tuple[str, ...] = ("none", "canvas", "count_dup", "count_drop", "order_swap", "own")
TOPIC_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
ID_PATTERN = re.compile(r"[A-Za-z0-9_\-]+\Z")

# Defaults every family starts from, then the family's own choices on top.
BASE_DEFAULTS: dict[str, str] = {
    "canvas": "wide", "theme": "infra_dark", "tone": "blue", "frame": "card",
    "density": "balanced", "inset": "md", "gap": "md", "hero": "left", "columns": "1",
    "emphasis": "top", "rail": "accent", "background": "none", "connector": "line",
    "topic": "general",
}
FAMILY_DEFAULTS: dict[str, dict[str, str]] = {
    "poster_stack": {"canvas": "tall", "hero": "center", "tone": "green", "background": "rings"},
    "comparison_span_chart": {"tone": "amber", "columns": "2", "connector": "bracket"},
    "pipeline_lane": {"connector": "arrow", "columns": "3", "background": "grid"},
    "table_matrix": {"frame": "panel", "columns": "2", "tone": "purple"},
    "decision_tree": {"connector": "arrow", "tone": "amber", "background": "grid", "columns": "3"},
    "dashboard_cards": {"columns": "3", "density": "compact", "tone": "mixed"},
    "timeline_flow": {"tone": "amber", "columns": "3", "rail": "none"},
    "dual_panel_compare": {"hero": "center", "rail": "none"},
    "memory_map": {"canvas": "standard", "hero": "center", "theme": "neutral_dark", "tone": "purple",
                   "gap": "sm"},
}
DEFAULT_LAYOUT = "poster_stack"


def family_defaults(layout: str) -> dict[str, str]:
    """The 15 top-level values a scene of this family gets when it omits them."""
    return {**BASE_DEFAULTS, "layout": layout, **FAMILY_DEFAULTS.get(layout, {})}


@dataclass(frozen=True)
class ComponentSpec:
    """One component kind: its content fields (compact positional order) and attributes."""

    fields: tuple[str, ...]
    attrs: dict[str, tuple[str, ...]]
    topology: tuple[str, ...] = ()      # node_id / from_ref / to_ref, in canonical order
    column_fields: bool = False         # table components take column_1 ... column_N
    container: bool = False             # may hold components (DSL v2), at most MAX_DEPTH deep
    top_level_only: bool = False        # page chrome: never inside a container
    # What the compiler draws when an attribute is omitted. Canonicalization never writes these (a
    # component's omitted attributes stay omitted, as in v1), so omitting one and writing it differ
    # in text but not in the picture. A key not here is the compiler's choice (accent: tone walk).
    defaults: dict[str, str] = field(default_factory=dict)
    # A container that holds only these kinds, which in turn stand only in it (a chart's series
    # and categories): a part of a figure, meaningless on its own.
    holds: tuple[str, ...] = ()

    def field_order(self, field: str) -> int | None:
        """Canonical position of a field, or None when the component has no such field."""
        if field in self.fields:
            return self.fields.index(field) + (MAX_COLUMNS if self.column_fields else 0)
        if self.column_fields:
            m = _COLUMN_FIELD.match(field)
            if m and 1 <= int(m.group(1)) <= MAX_COLUMNS:
                return int(m.group(1)) - 1
        return None

    def positional_field(self, index: int) -> str | None:
        """The field a compact-form positional cell at this index binds to."""
        if self.column_fields:
            return f"column_{index + 1}" if index < MAX_COLUMNS else None
        return self.fields[index] if index < len(self.fields) else None


MAX_COLUMNS = 8
_COLUMN_FIELD = re.compile(r"column_(\d{1,9})\Z")   # bounded: int() refuses thousands of digits

# How deep containers nest: scene > five containers > leaf (a side of a page > a row > a stack > a
# boxed note > a line stacked under another in it; 3 until wave 4, 4 until wave 7, which library
# pages outgrew).
MAX_DEPTH = 5
# Per-component tone and outline (DSL v2), shared by the boxed cards and panels.
# accent (wave 4): the thin frame in the component's accent (the library's colour-coded boxes)
OUTLINES: tuple[str, ...] = ("thin", "bold", "none", "accent")
# print (stage_card; text_line and kv_row since wave 4): fine sets the text a size down (notes,
# small print in a box)
PRINT: tuple[str, ...] = ("regular", "fine")
# print large (wave 5; text_line and a panel's title): a size up, a section heading or a formula set
# large (the library's headings outgrow the title size once a dense page is set small)
PRINT_SIZES: tuple[str, ...] = PRINT + ("large",)
# deep, shade (wave 7): a strong fill of middle lightness (the accent darkened), and a dark tint
# (the accent washed over the page's colour, where faint washes it over the lighter surface)
FILLS: tuple[str, ...] = ("surface", "inset", "tint", "faint", "solid", "none", "raised", "ink", "deep", "shade")
# widths (v2): equal columns, or columns in proportion to the width their content asks for;
# height: content is as tall as the children; fill also takes the height the canvas has to spare
# (shared among the scene's fill containers), its rows stretching to it; gap: how far apart its
# cells stand, the page's gaps and xl (room for a link's arrow between two cells); omitted, the
# scene's gap. arrange spread: a stack whose gaps grow to fill the height it is given. valign
# (wave 3): where the children stand in a container given more height than they take (in a row
# with a taller cell, or height:fill), as one block; omitted, as before (see docs/dsl.md).
ARRANGE: dict[str, tuple[str, ...]] = {"arrange": ("stack", "row", "grid", "spread"), "cols": ("1", "2", "3", "4"),
                                       "widths": ("equal", "content", "packed"), "height": ("content", "fill"),
                                       "gap": ("sm", "md", "lg", "xl"), "valign": ("top", "middle", "bottom")}
# heights (wave 6, panel and group, last of their keys): equal stretches a row's boxes to its
# tallest cell, as before; own keeps each cell at its own height, centred on the row (a short box
# beside a tall one, as round D's and E's maps asked five times)
HEIGHTS: dict[str, tuple[str, ...]] = {"heights": ("equal", "own")}
# pitch (wave 7; text_line and kv_row, last): the room the line takes in its run (sm tight, lg
# apart); a table_header's pitch is its rows' padding, the same spacing one level up
LINE_PITCH: dict[str, tuple[str, ...]] = {"pitch": ("md", "sm", "lg")}
NODE = ("node_id",)   # a component a link (or a flow) can address
# Where a section goes (v2): below is its written place; beside sets it beside the page's figure:
# in the free columns beside a pipeline lane's short second row (when the lane has one, else it
# stays below), or, for cards, beside a comparison chart (in a column chart's centre).
PLACE: dict[str, tuple[str, ...]] = {"place": ("below", "beside")}
PLACE_DEFAULT = {"place": "below"}
VALIGN: dict[str, tuple[str, ...]] = {"valign": ("top", "middle", "bottom")}

SPANS: tuple[str, ...] = tuple(str(n) for n in range(1, 9))   # a share of a run's length
MAX_SERIES = 4   # a chart's series: a category's value_1 ... value_4

COMPONENTS: dict[str, ComponentSpec] = {
    # band (extension): solid draws the header on a band, open sets the title on the page, box
    # (wave 4) in a rounded box across the column, outlined in the accent;
    # omitted, the family decides (dashboards open, the rest solid). On a later header_band (a
    # section heading) solid sets it in one panel with the section after it (poster_stack; v2).
    # accent colours the headline, rule draws a gradient rule under the title (v2): a third wide
    # fading out, or full (wave 2) across the column from the headline's accent into the tone's;
    # scale is the title's weight on the page (its headline size and margins: a display title; sm
    # a quiet one; xs, wave 7, a small title in tight margins). bare (wave 7): the title open on the
    # page at a band's spacing, without the band's fill and rule.
    "header_band": ComponentSpec(("kicker", "headline", "subtitle"),
                                 {"band": ("solid", "open", "box", "bare"), "accent": ACCENTS,
                                  "rule": ("none", "gradient", "full"), "scale": ("md", "lg", "xl", "sm", "xs")},
                                 top_level_only=True, defaults={"rule": "none", "scale": "md"}),
    "section_card": ComponentSpec(
        ("title", "value", "caption", "tag"),  # tag (extension): a pill above the title
        {"variant": ("default", "hero", "metric", "note", "warning", "success", "stat"), "accent": ACCENTS,
         "outline": OUTLINES, "fill": FILLS, "align": ("left", "center"), **PLACE},
        topology=NODE, defaults=dict(PLACE_DEFAULT),
    ),
    # fill (wave 3): gradient in the accent, or ink: flat in the page's ink (the whole the other
    # bars are shares of); on conclusion_strip ink sets the strip flat in the page's ink
    "compare_bar": ComponentSpec(("label", "value", "caption", "note"),
                                 {"accent": ACCENTS, "fill": ("gradient", "ink")}, defaults={"fill": "gradient"}),
    # rule (wave 3): dashed sets the run it closes off from the next by a rule, none keeps the pitch
    "span_bracket": ComponentSpec(("label", "caption"), {"accent": ACCENTS, "rule": ("dashed", "none")},
                                  defaults={"rule": "dashed"}),
    "thesis_box": ComponentSpec(("title", "text"), {"accent": ACCENTS, "outline": OUTLINES, "fill": FILLS, **PLACE},
                                topology=NODE, defaults=dict(PLACE_DEFAULT)),
    "conclusion_strip": ComponentSpec(("text",), {"accent": ACCENTS, "fill": ("gradient", "ink"), **PLACE},
                                      defaults={"fill": "gradient", **PLACE_DEFAULT}),
    # fill (wave 5): the header row's own band (none: open, its words over a hairline rule; ink:
    # a dark strip over light rows); omitted, the family's (a card, a tinted or a neutral band).
    # align, pitch, rows (wave 7): for the rows under it, up to the next header: every cell's
    # alignment (auto: text left, quantities right), the rows' padding (said, the rows keep it;
    # omitted, md and stretched into the page's spare height), their fills (striped: alternating;
    # plain: the surface; tint: a faint wash of the row's accent)
    "table_header": ComponentSpec((), {"fill": FILLS, "align": ("auto", "left", "center"),
                                       **LINE_PITCH, "rows": ("striped", "plain", "tint")},
                                  column_fields=True, defaults={"align": "auto", "rows": "striped"}),
    "table_row": ComponentSpec(
        ("note", "tag"),  # tag (extension): a pill above the row's label, as edge-case matrices do
        {"state": ("normal", "highlight", "success", "warning", "danger"), "accent": ACCENTS},
        column_fields=True,
    ),
    # node_id on a stage is an extension of SPEC.md: flow_arrow from_ref/to_ref name stages by it.
    # number (v2): badge numbers the stage in its head, none leaves the title alone there, ordinal
    # sets its number large ("01") over the title in the accent (the title then in ink); print
    # (wave 3): fine sets the caption in small print; width
    # (v2): narrow draws the stage half as wide (a short terminal step); role (v2): result marks
    # the lane's outcome (its body tinted by its accent); valign places the caption in the body;
    # head: slim sets the head as a slim strip round its title; shape (wave 3): circle draws the
    # step as a disc holding its number and title, caption under.
    "stage_card": ComponentSpec(("title", "caption"),
                                {"accent": ACCENTS, "outline": OUTLINES, "fill": FILLS, "number": ("badge", "none", "ordinal"),
                                 "width": ("normal", "narrow"), "role": ("step", "result"), **VALIGN,
                                 "print": PRINT, "head": ("strip", "slim"),
                                 "shape": ("box", "circle")},
                                topology=NODE, defaults={"number": "badge", "width": "normal", "role": "step",
                                                         "valign": "top", "print": "regular", "head": "strip",
                                                         "shape": "box"}),
    # length (v2): long draws the connector it stands on (between two stages) as a long arrow
    "flow_arrow": ComponentSpec(("label",), {"length": ("short", "long")}, topology=("from_ref", "to_ref"),
                                defaults={"length": "short"}),
    # width (v2): narrow draws the node narrower on its place in the tree, siblings further apart
    "decision_node": ComponentSpec(
        ("title", "body"),
        {"variant": ("root", "branch", "leaf", "outcome"), "accent": ACCENTS, "outline": OUTLINES, "fill": FILLS,
         "width": ("normal", "narrow")},
        topology=NODE, defaults={"width": "normal"},
    ),
    # at (v2): where the branch label stands on its edge: half-way, or at its end over the child
    "decision_edge": ComponentSpec(("branch_label",), {"at": ("middle", "end")}, topology=("from_ref", "to_ref"),
                                   defaults={"at": "middle"}),
    "callout_card": ComponentSpec(("title", "text", "tag"),
                                  {"accent": ACCENTS, "outline": OUTLINES, "fill": FILLS, **PLACE},
                                  topology=NODE, defaults=dict(PLACE_DEFAULT)),
    # role (v2): stamp sets the badge in the page foot, left of the topic tag (pipeline_lane);
    # size (wave 3): lg is a taller pill with twice the room either side of its words
    "badge_pill": ComponentSpec(("text",), {"accent": ACCENTS, "role": ("pill", "stamp"), **PLACE,
                                            "size": ("md", "lg")},
                                topology=NODE, defaults={"role": "pill", **PLACE_DEFAULT, "size": "md"}),
    # role (v2): phase heads a run of the figure: the lane's stages of its tone (pipeline_lane), a
    # column chart's column in order (comparison_span_chart). place title (wave 7): the key stands
    # in the title block's corner, beside the headline (on the page; in a container, in place)
    "legend_row": ComponentSpec(("label",), {"tone": ACCENTS, "role": ("key", "phase"),
                                             "place": PLACE["place"] + ("title",)},
                                defaults={"role": "key", **PLACE_DEFAULT}),
    # align (v2): left or centred; omitted, the note follows the header's alignment. tag (wave 5):
    # none leaves the topic tag out of the foot (a note with no text then says only that)
    "footer_note": ComponentSpec(("text",), {"align": ("left", "center"), "tag": ("shown", "none")},
                                 top_level_only=True, defaults={"tag": "shown"}),
    # ---- DSL v2 (docs/dsl.md "Version 2") ----
    # A boxed container with an optional title, caption and tag pill.
    # head: bar sets the title centred in a bar of the accent across the panel's top.
    "panel": ComponentSpec(
        ("title", "caption", "tag"),
        # head: plain sets the title over the children; band centres it on one line on a slim band
        # of the accent across the panel's top, bar in a tall bar padded round it (it wraps);
        # above stands the title on the page over the box, a label of it (wave 3);
        # align: where its tag, title and caption stand over the children (left, or centred);
        # bleed: full runs the panel's box to the page's edges, a band across the page (its children
        # keep the page's column), when it stands in the whole column; print (wave 4): fine sets a
        # plain or standing title in the label size (a small box's heading), ink: text in the
        # page's text colour rather than the accent
        {**ARRANGE, "accent": ACCENTS, "outline": OUTLINES, "fill": FILLS,
         "head": ("plain", "band", "bar", "above"), "align": ("left", "center"), "bleed": ("none", "full"),
         "print": PRINT_SIZES, "ink": ("accent", "text"), "span": SPANS[:4], **HEIGHTS},
        topology=NODE, container=True,
        defaults={"arrange": "stack", "cols": "2", "widths": "equal", "height": "content",
                  "outline": "thin", "fill": "surface", "head": "plain", "align": "left", "bleed": "none",
                  "print": "regular", "ink": "accent", "span": "1", "heights": "equal"},
    ),
    # A container that only arranges: no box, no text (a row of chips, a sub-grid).
    # span (wave 4, panel and group): the container's share of an equal row's width, in columns
    "group": ComponentSpec((), {**ARRANGE, "span": SPANS[:4], **HEIGHTS}, topology=NODE, container=True,
                           defaults={"arrange": "stack", "cols": "2", "widths": "equal", "height": "content",
                                     "span": "1", "heights": "equal"}),
    # One line of text in a style: code keeps its whitespace and is never wrapped; bullet: dot
    # sets it as a list item behind a dot in its accent; well: none keeps a terminal line off the
    # code well its run would sit on (auto), standing on the surface it is written on.
    "text_line": ComponentSpec(
        ("text",),
        {"style": ("body", "code", "mono", "result", "muted", "accent", "heading"), "accent": ACCENTS,
         "align": ("left", "center", "right"), "bullet": ("none", "dot"), "well": ("auto", "none"),
         "print": PRINT_SIZES, **LINE_PITCH},
        topology=NODE, defaults={"style": "body", "align": "left", "bullet": "none", "well": "auto",
                                 "print": "regular", "pitch": "md"},
    ),
    # A label left, its value right.
    "kv_row": ComponentSpec(("label", "value"), {"style": ("body", "mono", "code"), "accent": ACCENTS,
                                                 "print": PRINT, **LINE_PITCH},
                            topology=NODE, defaults={"style": "body", "print": "regular", "pitch": "md"}),
    # A connector between any two components with a node_id, drawn above the sections.
    "link": ComponentSpec(
        ("label",),
        {"style": ("arrow", "line", "dashed"), "accent": ACCENTS, "route": ("straight", "elbow")},
        topology=("from_ref", "to_ref"), defaults={"style": "arrow", "route": "straight"},
    ),
    # A dated point on a time axis (timeline_flow, and a timeline section in any family): its
    # card stands on the `side` a person chose; `state` says done, the current one, or planned.
    "milestone": ComponentSpec(
        ("date", "title", "body"),
        {"side": ("above", "below"), "state": ("done", "current", "planned"), "accent": ACCENTS,
         "outline": OUTLINES, "fill": FILLS},
        topology=NODE, defaults={"side": "above", "state": "done"},
    ),
    # A stretch of the time axis from one milestone to another, labelled in a band on its `side`.
    "phase": ComponentSpec(("label", "caption"), {"side": ("above", "below"), "accent": ACCENTS},
                           topology=("from_ref", "to_ref"), defaults={"side": "below"}),
    # A round marker with a short text (a "VS" between two compared panels).
    "disc": ComponentSpec(("text",), {"accent": ACCENTS, "fill": FILLS}, defaults={"fill": "surface"}),
    # ---- memory maps (docs/dsl.md "memory_map") ----
    # A framed column of regions with their offsets in a gutter at its left; `aside` says where
    # the sections written after it stand (beside it on that side, or under it).
    "region_stack": ComponentSpec(
        ("title", "caption"),
        {"accent": ACCENTS, "outline": OUTLINES, "fill": FILLS, "aside": ("right", "left", "none")},
        topology=NODE, container=True, defaults={"outline": "thin", "fill": "surface", "aside": "right"},
    ),
    # One band of memory: label, caption, its start offset in the gutter, the components it
    # holds (a row of chips) beside its label or under it. span: its share of the stack's height;
    # elided: an open band standing for regions left out.
    "region": ComponentSpec(
        ("label", "caption", "offset"),
        {"variant": ("block", "elided"), "accent": ACCENTS, "outline": OUTLINES, "fill": FILLS + ("gradient",),
         "span": SPANS[:4], "align": ("left", "center")},
        topology=NODE, container=True,
        defaults={"variant": "block", "outline": "thin", "fill": "surface", "span": "1", "align": "left"},
    ),
    # A cell of a strip laid edge to edge (a byte field, a tensor chip); span: its share of the
    # strip's width; size stands under it.
    "segment": ComponentSpec(
        ("label", "caption", "size"),
        {"variant": ("block", "elided"), "accent": ACCENTS, "outline": OUTLINES, "fill": FILLS, "span": SPANS,
         "align": ("center", "left")},
        topology=NODE,
        defaults={"variant": "block", "outline": "none", "fill": "surface", "span": "1", "align": "center"},
    ),
    # ---- charts (docs/dsl.md "Charts") ----
    # A value chart: categories along one axis, their values as columns (orient column) or bars
    # (orient bar) against a value axis with ticks; one bar per series in each category, the
    # series keyed in a legend. Numbers come from content (a category's value_N refs, the
    # chart's optional max); unit names them.
    "chart": ComponentSpec(
        ("title", "caption", "unit", "max"),
        {"orient": ("column", "bar"), "axis": ("ticks", "none"), "grid": ("lines", "none"),
         "values": ("end", "inside", "base", "none"), "units": ("axis", "values"), "legend": ("top", "bottom", "none"),
         "accent": ACCENTS, "outline": OUTLINES, "fill": FILLS},
        topology=NODE, container=True, holds=("series", "category"),
        defaults={"orient": "column", "axis": "ticks", "grid": "lines", "values": "end", "units": "axis",
                  "legend": "top", "outline": "thin", "fill": "surface"},
    ),
    # One series of a chart, in written order: series N draws every category's value_N, in its
    # accent (the tone's walk when omitted), keyed by its label in the legend.
    "series": ComponentSpec(("label",), {"accent": ACCENTS}),
    # One category of a chart: its label on the category axis and a value per series (value_N, a
    # number), with text_N printed for it when given (else the value itself); accent colours its
    # bars whatever their series (one highlighted category).
    "category": ComponentSpec(("label",) + tuple(f"value_{n}" for n in range(1, MAX_SERIES + 1))
                              + tuple(f"text_{n}" for n in range(1, MAX_SERIES + 1)), {"accent": ACCENTS}),
}
CONTAINERS: tuple[str, ...] = tuple(n for n, s in COMPONENTS.items() if s.container)
TOPOLOGY_KEYS: tuple[str, ...] = ("node_id", "from_ref", "to_ref")
# The one container each held-only kind stands in (ComponentSpec.holds).
HELD_BY: dict[str, str] = {kind: n for n, s in COMPONENTS.items() for kind in s.holds}

# What each family needs to be a sensible scene (SPEC.md §2); a miss is a diagnostic, and the
# compiler still renders what is there.
REQUIREMENTS: dict[str, tuple[tuple[str, int], ...]] = {
    "poster_stack": (("header_band", 1),),
    "comparison_span_chart": (("header_band", 1), ("compare_bar", 2)),
    "pipeline_lane": (("header_band", 1), ("stage_card", 3)),
    "table_matrix": (("header_band", 1), ("table_row", 1)),
    "decision_tree": (("header_band", 1), ("decision_node", 1)),
    "dashboard_cards": (("header_band", 1), ("section_card", 1)),
    "timeline_flow": (("header_band", 1), ("milestone", 2)),
    "dual_panel_compare": (("header_band", 1), ("panel", 2)),
    "memory_map": (("header_band", 1), ("segment", 2)),
}

# A requirement another component meets as well: a chart carries a comparison as bars do.
ALSO_MET_BY: dict[str, str] = {"compare_bar": "chart"}


def closest(word: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """The valid choice a person most likely meant, for "did you mean" messages.

    >>> closest("infra_drak", ("infra_dark", "paper_editorial"))
    'infra_dark'
    """
    import difflib

    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return found[0] if found else None
