"""`ck gold tune`: attribute choices that bring a mapped scene nearer its asset, neither measure
ever below where it started, never touching structure, words or hues."""
from __future__ import annotations

import pytest

from engine.cli import main
from engine.compiler import compile_scene
from engine.dsl import load, serialize, walk
from engine.events import Progress, finish
from engine.fileio import InputError
from engine.gold.pack import load_entry
from engine.gold.tune import Judge, Measure, slots, tune_entry, tuning
from tests.scenes import scene_text

BODY = ("[panel]\n[arrange:row]\n[gap:sm]\n[fill:tint]\n[title_ref:panel.0.title]\n"
        "[section_card]\n[accent:blue]\n[title_ref:section_card.0.title]\n[caption_ref:section_card.0.caption]\n[/section_card]\n"
        "[section_card]\n[accent:red]\n[title_ref:section_card.1.title]\n[caption_ref:section_card.1.caption]\n[/section_card]\n"
        "[/panel]\n"
        "[text_line]\n[style:body]\n[text_ref:text_line.0.text]\n[/text_line]\n")
CONTENT = {
    "header_band": [{"kicker": "Kernels", "headline": "Where the cycles go", "subtitle": "Measured on two cores"}],
    "panel": [{"title": "Two phases"}],
    "section_card": [{"title": "Prefill", "caption": "Matrix products over the whole prompt at once"},
                     {"title": "Decode", "caption": "One token at a time, bound by memory bandwidth"}],
    "text_line": [{"text": "Footnote: figures are medians of five runs"}],
}


def scene(**page: str):
    text = scene_text(BODY).replace("[scene]\n", "[scene]\n" + "".join(f"[{k}:{v}]" for k, v in page.items()))
    return load(text).scene


@pytest.fixture
def asset(tmp_path):
    """The 'asset': the same scene drawn with other spacing choices and its panel in ink."""
    target = load(serialize(scene(gap="lg", inset="lg")).replace("[fill:tint]", "[fill:ink]")).scene
    path = tmp_path / "asset.svg"
    path.write_text(compile_scene(target, CONTENT).svg)
    return path


def shape(s):
    """What the tuner must leave alone: every component's kind, place, words and hue."""
    return [(v.path, v.comp.name, v.comp.refs, v.comp.attr("accent")) for v in walk(s)] + [
        (k, s.attr(k)) for k in ("layout", "topic", "theme", "tone")]


def test_tuning_moves_a_page_toward_its_asset_and_keeps_the_persons_choices(asset):
    start = scene(gap="sm", inset="sm")
    events = list(tuning(start, Measure(asset, CONTENT), seconds=60))
    tuned = events[-1].value
    assert tuned.end.total > tuned.start.total + 0.05
    assert tuned.scene.attr("gap") == "lg" or tuned.scene.attr("inset") == "lg"
    # a Progress per slot tried, naming the change it kept
    said = [e.data["change"] for e in events[:-1] if e.data["change"]]
    assert all(isinstance(e, Progress) for e in events[:-1]) and said == [c.describe() for c in tuned.changes]
    assert shape(tuned.scene) == shape(start)
    # every kept change raised the total, and none put a word further from its place
    totals = [tuned.start.total] + [c.score.total for c in tuned.changes]
    assert totals == sorted(totals) and len(set(totals)) == len(totals)
    assert min(c.score.placement for c in tuned.changes) >= tuned.start.placement
    assert min(c.score.fidelity for c in tuned.changes) >= tuned.start.fidelity
    assert Judge(asset, CONTENT)(tuned.scene) == tuned.end     # the end score is the tuned scene's
    assert load(serialize(tuned.scene)).scene == tuned.scene    # canonical and valid


def test_a_scene_already_like_its_asset_is_left_as_it_is(asset, tmp_path):
    same = tmp_path / "same.svg"
    start = scene(gap="md")
    same.write_text(compile_scene(start, CONTENT).svg)
    tuned = finish(tuning(start, Measure(same, CONTENT), seconds=60)).value
    assert tuned.changes == () and tuned.scene == start
    assert tuned.start.fidelity == pytest.approx(1.0, abs=1e-6)


def test_tuning_stops_at_its_time(asset):
    tuned = finish(tuning(scene(gap="sm"), Measure(asset, CONTENT), seconds=0)).value
    assert tuned.tried == 0 and tuned.changes == ()


def test_slots_never_offer_hues_words_or_the_family():
    keys = {(s.component, s.key) for s in slots(scene())}
    assert ("scene", "gap") in keys and ("panel", "fill") in keys and ("section_card", "outline") in keys
    assert not {k for _, k in keys} & {"accent", "tone", "theme", "layout", "topic", "style", "variant"}
    for s in slots(scene(gap="md")):
        assert s.current not in s.alternatives


def test_workers_measure_what_one_process_measures(asset):
    trials = [scene(gap=g) for g in ("sm", "md", "lg")]
    with Measure(asset, CONTENT, workers=2) as pool:
        assert pool(trials) == Measure(asset, CONTENT)(trials)


def entry(tmp_path, asset, text: str):
    folder = tmp_path / "entry"
    folder.mkdir()
    (folder / "scene.dsl").write_text(text)
    (folder / "content.json").write_text(__import__("json").dumps(CONTENT))
    (folder / "meta.toml").write_text(f'family = "poster_stack"\nsplit = "train"\nreference = "{asset.name}"\n'
                                      'threshold = 0.0\n')
    return folder


def test_ck_gold_tune_writes_the_scene_and_keeps_the_one_before(tmp_path, asset, capsys):
    asset.rename(tmp_path / "ref.svg")
    before = serialize(scene(gap="sm", inset="sm"))
    folder = entry(tmp_path, tmp_path / "ref.svg", before)
    (folder / "ref.svg").write_text((tmp_path / "ref.svg").read_text())
    assert main(["gold", "tune", str(folder), "--seconds", "30", "--jobs", "1", "--write"]) == 0
    out = capsys.readouterr().out
    assert "fidelity64" in out and "->" in out
    assert (folder / "scene.before-tune.dsl").read_text() == before
    after = (folder / "scene.dsl").read_text()
    assert after != before and load(after).errors == ()


def test_a_scene_with_errors_is_refused_with_its_line_and_column(tmp_path, asset):
    folder = entry(tmp_path, asset, "[scene]\n[layout:poster_stack]\n[gap:huge]\n[/scene]\n")
    (folder / asset.name).write_text(asset.read_text())
    with pytest.raises(InputError, match=r"scene.dsl:3:1"):
        finish(tune_entry(load_entry(folder), tmp_path, seconds=1))


def test_a_page_drawn_before_is_not_drawn_again(asset, monkeypatch):
    import engine.gold.tune as tune_module

    drawn = []
    real = tune_module.raster_rgb
    monkeypatch.setattr(tune_module, "raster_rgb", lambda svg, width: drawn.append(svg) or real(svg, width))
    judge = Judge(asset, CONTENT)
    first = judge(scene(gap="sm"))
    assert judge(scene(gap="sm")) == first and len(drawn) == 1
    assert judge(scene(gap="lg")) != first and len(drawn) == 2
