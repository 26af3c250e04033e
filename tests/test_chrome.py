"""Page chrome: the title block (band or open, sizes that follow the canvas), the conclusion strip
(pill or band) and the footer's alignment."""
from __future__ import annotations

import pytest

from engine.compiler import compile_scene
from engine.compiler.geometry import Layout, Rect, Text
from engine.compiler.text import text_width
from engine.dsl import load

HEAD = """[scene]
[canvas:{canvas}]
[layout:{layout}]
[theme:infra_dark]
[tone:amber]
[frame:{frame}]
[density:balanced]
[inset:md]
[gap:md]
[hero:{hero}]
[columns:1]
[emphasis:top]
[rail:accent]
[background:none]
[connector:line]
[topic:chrome_test]
[header_band:@header_band.0.headline|@header_band.0.subtitle]
[section_card:@section_card.0.title|@section_card.0.value]
"""


def compile_page(*, layout: str = "poster_stack", canvas: str = "tall", frame: str = "card",
                 hero: str = "center", strip: str | None = None, footer: str | None = None,
                 tag: str = "shown") -> Layout:
    content: dict = {"header_band": [{"headline": "A headline", "subtitle": "A subtitle under it"}],
                     "section_card": [{"title": "Card", "value": "42"}]}
    body = ""
    if strip is not None:
        body += "[conclusion_strip:@conclusion_strip.0.text]\n"
        content["conclusion_strip"] = [{"text": strip}]
    if footer is not None:
        body += f"[footer_note:@footer_note.0.text|tag={tag}]\n"
        content["footer_note"] = [{"text": footer}]
    doc = load(HEAD.format(layout=layout, canvas=canvas, frame=frame, hero=hero) + body + "[/scene]\n")
    assert not doc.errors, [d.format() for d in doc.errors]
    return compile_scene(doc.scene, content, strict=True).layout


def rect(layout: Layout, role: str) -> Rect | None:
    return next((s for s in layout.shapes if isinstance(s, Rect) and s.role == role), None)


def text(layout: Layout, role: str) -> Text:
    return next(s for s in layout.shapes if isinstance(s, Text) and s.role == role)


@pytest.mark.parametrize("canvas,width", [("tall", 1200), ("wide", 1600), ("panorama", 1400)])
def test_title_follows_the_library_proportions(canvas, width):
    layout = compile_page(canvas=canvas)
    headline, subtitle = text(layout, "headline"), text(layout, "subtitle")
    assert headline.size == pytest.approx(44 * min(1.0, width / 1760), abs=0.1)
    assert 0.05 * width < subtitle.y < 0.085 * width  # the library's median is about 6.5 %


def test_band_is_drawn_unless_the_frame_is_none():
    assert rect(compile_page(frame="card"), "header") is not None
    assert rect(compile_page(frame="panel"), "header") is not None
    assert rect(compile_page(frame="none"), "header") is None


def test_short_conclusion_is_a_centred_pill_and_a_long_one_a_band():
    pill = rect(compile_page(strip="8× lower cost"), "conclusion")
    column = 1200 - 2 * 52
    assert column / 3 - 0.5 <= pill.w <= column / 2
    assert pill.x + pill.w / 2 == pytest.approx(600, abs=0.5) and pill.rx == pill.h / 2
    long = "Optimize the decoder first; the compiler and the rasterizer together are already fast enough."
    band = rect(compile_page(strip=long), "conclusion")
    assert band.w == pytest.approx(column)


@pytest.mark.parametrize("hero", ["center", "left"])
def test_a_footer_note_can_leave_the_topic_tag_out_and_take_the_whole_width(hero):
    note = "a long footer note " * 12
    shown, hidden = (compile_page(hero=hero, footer=note, tag=t) for t in ("shown", "none"))
    assert any(s.role == "topic" for s in shown.shapes if isinstance(s, Text))
    assert not any(s.role == "topic" for s in hidden.shapes if isinstance(s, Text))

    def widest(layout):
        return max(text_width(s.text, s.size) for s in layout.shapes if isinstance(s, Text) and s.role == "footer")

    assert widest(hidden) > widest(shown)   # the room the tag kept is the note's
    assert widest(hidden) <= 1200 - 2 * 52 + 0.5


def test_footer_note_follows_the_header_alignment():
    centred = text(compile_page(hero="center", footer="Figures from the gold pack."), "footer")
    left = text(compile_page(hero="left", footer="Figures from the gold pack."), "footer")
    assert centred.anchor == "middle" and centred.x == pytest.approx(600)
    assert left.anchor == "start" and left.x == 52
    crowded = compile_page(hero="center", footer="a long footer note " * 20)
    tag = text(crowded, "topic")
    tag_left = tag.x - text_width(tag.text, tag.size)
    for line in (s for s in crowded.shapes if isinstance(s, Text) and s.role == "footer"):
        assert line.x + text_width(line.text, line.size) / 2 < tag_left  # clear of the topic tag
