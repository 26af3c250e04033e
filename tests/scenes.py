"""Scene builders shared by tests: a minimal valid scene text and hypothesis strategies."""
from __future__ import annotations

from hypothesis import strategies as st

from engine.dsl import vocab
from engine.dsl.model import Attr, Component, Ref, Scene, Topo

HEADER = ("[header_band]\n[kicker_ref:header_band.0.kicker]\n[headline_ref:header_band.0.headline]\n"
          "[subtitle_ref:header_band.0.subtitle]\n[/header_band]\n")


def scene_text(body: str = "", layout: str = "poster_stack", header: bool = True) -> str:
    return f"[scene]\n[layout:{layout}]\n{HEADER if header else ''}{body}[/scene]\n"


ident = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@st.composite
def components(draw, name: str | None = None) -> Component:
    name = name or draw(st.sampled_from(sorted(vocab.COMPONENTS)))
    spec = vocab.COMPONENTS[name]
    attrs = tuple(Attr(k, draw(st.sampled_from(v))) for k, v in spec.attrs.items() if draw(st.booleans()))
    topo = tuple(Topo(k, draw(ident)) for k in spec.topology if draw(st.booleans()))
    fields = list(spec.fields) + ([f"column_{i}" for i in range(1, vocab.MAX_COLUMNS + 1)]
                                  if spec.column_fields else [])
    index = draw(st.integers(0, 30))
    refs = tuple(Ref(f, f"{name}.{index}.{f}") for f in fields if draw(st.booleans()))
    return Component(name, attrs, topo, refs)


@st.composite
def nested_components(draw, depth: int = 1, parent: str | None = None) -> Component:
    """A valid component at `depth`: a container (while containers may stand there) holding up to
    four components one deeper, or a leaf; page chrome only at the top, a chart's parts only in it."""
    holds = vocab.COMPONENTS[parent].holds if parent else ()
    names = [n for n, s in vocab.COMPONENTS.items()
             if (depth == 1 or not s.top_level_only) and (depth <= vocab.MAX_DEPTH or not s.container)
             and (n in holds if holds else n not in vocab.HELD_BY)]
    name = draw(st.sampled_from(sorted(names)))
    comp = draw(components(name))
    if not vocab.COMPONENTS[name].container:
        return comp
    children = draw(st.lists(nested_components(depth + 1, name), max_size=4))
    return Component(name, comp.attrs, comp.topo, comp.refs, tuple(children))


@st.composite
def nested_scenes(draw) -> Scene:
    """Valid scenes as written whose components nest (DSL v2)."""
    attrs = draw(st.permutations([Attr(k, draw(st.sampled_from(vocab.TOP_LEVEL_VALUES[k])))
                                  for k in ("layout", "theme", "canvas") if draw(st.booleans())]))
    return Scene(tuple(attrs), tuple(draw(st.lists(nested_components(), max_size=6))))


@st.composite
def scenes(draw) -> Scene:
    """Valid scenes as written: any subset of top-level attributes, any components."""
    attrs = []
    for key in vocab.TOP_LEVEL_KEYS:
        if draw(st.booleans()):
            value = draw(ident) if key == "topic" else draw(st.sampled_from(vocab.TOP_LEVEL_VALUES[key]))
            attrs.append(Attr(key, value))
    attrs = draw(st.permutations(attrs))
    # a chart's parts stand only in a chart (nested_scenes draws them there)
    loose = sorted(n for n in vocab.COMPONENTS if n not in vocab.HELD_BY)
    comps = draw(st.lists(st.sampled_from(loose).flatmap(components), max_size=12))
    return Scene(tuple(attrs), tuple(comps))


def kitchen_sink(layout: str = "poster_stack", extra: str = "") -> tuple[str, dict]:
    """A scene using every component kind, with content for every ref."""
    body = (
        "[section_card:@section_card.0.title|@section_card.0.value|@section_card.0.caption|variant=hero]\n"
        "[section_card:@section_card.1.title|@section_card.1.value|@section_card.1.caption|variant=warning]\n"
        "[callout_card:@callout_card.0.title|@callout_card.0.text]\n"
        "[thesis_box:@thesis_box.0.title|@thesis_box.0.text]\n"
        "[compare_bar:@compare_bar.0.label|@compare_bar.0.value|@compare_bar.0.caption]\n"
        "[compare_bar:@compare_bar.1.label|@compare_bar.1.value|@compare_bar.1.caption]\n"
        "[span_bracket:@span_bracket.0.label|@span_bracket.0.caption]\n"
        "[table_header:@table_header.0.column_1|@table_header.0.column_2]\n"
        "[table_row:@table_row.0.column_1|@table_row.0.column_2|state=highlight]\n"
        "[table_row:@table_row.1.column_1|@table_row.1.column_2|state=danger]\n"
        "[stage_card:@stage_card.0.title|@stage_card.0.caption|node_id=s0]\n"
        "[stage_card:@stage_card.1.title|@stage_card.1.caption|node_id=s1]\n"
        "[stage_card:@stage_card.2.title|@stage_card.2.caption|node_id=s2]\n"
        "[flow_arrow:@flow_arrow.0.label|from_ref=s2|to_ref=s0]\n"
        "[decision_node:@nodes.root.title|@nodes.root.body|node_id=root|variant=root]\n"
        "[decision_node:@nodes.yes.title|@nodes.yes.body|node_id=yes|variant=leaf]\n"
        "[decision_node:@nodes.no.title|@nodes.no.body|node_id=no|variant=outcome]\n"
        "[decision_edge:@edges.root_yes|from_ref=root|to_ref=yes]\n"
        "[decision_edge:@edges.root_no|from_ref=root|to_ref=no]\n"
        "[badge_pill:@badge_pill.0.text]\n"
        "[legend_row:@legend_row.0.label|tone=red]\n"
        "[text_line:@text_line.0.text|style=result]\n"
        "[kv_row:@kv_row.0.label|@kv_row.0.value]\n"
        "[milestone:@milestone.0.date|@milestone.0.title|@milestone.0.body|node_id=m0]\n"
        "[milestone:@milestone.1.date|@milestone.1.title|@milestone.1.body|node_id=m1|side=below]\n"
        "[phase:@phase.0.label|@phase.0.caption|from_ref=m0|to_ref=m1]\n"
        "[panel:@panel.0.title]\n"
        "[disc:@disc.0.text]\n"
        "[panel:@panel.1.title]\n"
        "[segment:@segment.0.label|@segment.0.caption|@segment.0.size]\n"
        "[segment:@segment.1.label|@segment.1.caption|@segment.1.size]\n"
        "[conclusion_strip:@conclusion_strip.0.text]\n"
        "[footer_note:@footer_note.0.text]\n"
    )
    content = {
        "header_band": [{"kicker": "Kicker", "headline": "A headline for the scene",
                         "subtitle": "A subtitle that explains it"}],
        "section_card": [{"title": "Memory", "value": "80 GB", "caption": "single device"},
                         {"title": "Cost", "value": "$240k", "caption": "six GPUs"}],
        "callout_card": [{"title": "Callout", "text": "Some explaining text for the callout."}],
        "thesis_box": [{"title": "Thesis", "text": "Capacity decides what fits."}],
        "compare_bar": [{"label": "GPU", "value": "3 TB/s", "caption": "HBM", "magnitude": 3},
                        {"label": "CPU", "value": "0.3 TB/s", "caption": "DDR5", "magnitude": 0.3}],
        "span_bracket": [{"label": "10x", "caption": "gap"}],
        "table_header": [{"column_1": "Context", "column_2": "KV cache"}],
        "table_row": [{"column_1": "8K", "column_2": "2.6 GB"}, {"column_1": "1M", "column_2": "320 GB"}],
        "stage_card": [{"title": "Parse", "caption": "read config"}, {"title": "Lower", "caption": "IR"},
                       {"title": "Emit", "caption": "C code"}],
        "flow_arrow": [{"label": "retry"}],
        "nodes": {"root": {"title": "Gate failed?", "body": "start here"},
                  "yes": {"title": "Fix contract", "body": "diff the scripts"},
                  "no": {"title": "Ship", "body": "all green"}},
        "edges": {"root_yes": "yes", "root_no": "no"},
        "badge_pill": [{"text": "badge"}],
        "legend_row": [{"label": "legend"}],
        "text_line": [{"text": "a result line"}],
        "kv_row": [{"label": "a label", "value": "a value"}],
        "milestone": [{"date": "2026-01", "title": "Started", "body": "the first step"},
                      {"date": "2026-03", "title": "Shipped", "body": "the second step"}],
        "phase": [{"label": "Build", "caption": "two months"}],
        "disc": [{"text": "VS"}],
        "panel": [{"title": "One side"}, {"title": "The other side"}],
        "segment": [{"label": "qs[128]", "caption": "packed nibbles", "size": "128 bytes"},
                    {"label": "d", "caption": "scale", "size": "2 bytes"}],
        "conclusion_strip": [{"text": "The conclusion"}],
        "footer_note": [{"text": "footer note"}],
    }
    return scene_text(extra + body, layout=layout), content
