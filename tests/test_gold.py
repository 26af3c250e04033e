"""The gold pack and its round-trip gate: scores, thresholds, skips, a caught regression."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.compiler import compile_scene
from engine.compiler import layouts
from engine.dsl import load
from engine.events import finish
from engine.fileio import InputError
from engine.gold.gate import (TEXT_SLACK, combined, compile_entry, new_result, reference_of, run_gate, score_svg,
                              table)
from engine.gold.pack import default_pack, load_entry, load_pack
from tests.gold_entries import own_entry

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT.parent / "shared" / "assets"
JUDGE = ROOT.parent / "shared" / "tools" / "textplace.py"


def test_a_perfect_round_trip_scores_near_one(tmp_path):
    own_entry(tmp_path)
    report = finish(run_gate(load_pack(tmp_path), LIBRARY, tmp_path / "out")).value
    [entry] = report.entries
    assert entry.status == "pass" and entry.ssim_64 > 0.99 and entry.score > 0.95
    assert entry.role_coverage == 1.0 and entry.element_kinds == 1.0 and entry.palette == 1.0
    assert entry.text_placement == 1.0 and entry.text_coverage == 1.0
    gallery = (tmp_path / "out" / "index.html").read_text()
    assert "poster_stack/diff.png" in gallery and (tmp_path / "out" / "poster_stack" / "diff.png").exists()
    assert "<th>text placement</th>" in gallery
    verdict = json.loads((tmp_path / "out" / "gold_gate.json").read_text())
    assert verdict["passed"] is True and verdict["entries"][0]["text_placement"] == 1.0


def test_the_gate_catches_a_compiler_regression(tmp_path, monkeypatch):
    own_entry(tmp_path, "poster_stack")
    original = layouts.LAYOUTS["poster_stack"]

    def regressed(bound, style):  # a planted bug: every section after the first is lost
        layout = original(bound, style)
        first_card_bottom = min(s.y + s.h for s in layout.shapes if getattr(s, "role", "") == "section_card")
        layout.shapes = [s for s in layout.shapes if getattr(s, "y", 0) <= first_card_bottom
                         or getattr(s, "role", "") in ("background", "footer", "topic")]
        return layout

    monkeypatch.setitem(layouts.LAYOUTS, "poster_stack", regressed)
    report = finish(run_gate(load_pack(tmp_path), LIBRARY, None)).value
    assert report.entries[0].status == "fail" and not report.passed
    assert report.entries[0].score < 0.9


def test_a_cut_text_is_scored_and_listed_beside_the_score(tmp_path):
    folder = own_entry(tmp_path, "dashboard_cards", threshold=0.5)
    content = json.loads((folder / "content.json").read_text())
    content["section_card"][0]["caption"] *= 40
    (folder / "content.json").write_text(json.dumps(content))
    report = finish(run_gate(load_pack(tmp_path), LIBRARY, tmp_path / "out")).value
    [entry] = report.entries
    assert entry.status == "pass"  # the mapping is scored as drawn ...
    [warning] = entry.warnings     # ... and the cut is not silent: table, gallery and verdict say it
    assert "warning[text-overflow]: section_card.0.caption: text cut to" in warning
    assert warning in table(report) and warning in (tmp_path / "out" / "index.html").read_text()
    assert json.loads((tmp_path / "out" / "gold_gate.json").read_text())["entries"][0]["warnings"] == [warning]


def test_a_floor_raises_every_threshold(tmp_path):
    own_entry(tmp_path, threshold=0.1)
    assert finish(run_gate(load_pack(tmp_path), LIBRARY, None, floor=0.99)).value.entries[0].threshold == 0.99


def test_library_entries_are_skipped_without_the_library(tmp_path):
    folder = own_entry(tmp_path)
    (folder / "meta.toml").write_text('family = "poster_stack"\nsplit = "dev"\n'
                                      'reference = "asset:memory-reality-infographic.svg"\nthreshold = 0.5\n')
    report = finish(run_gate(load_pack(tmp_path), tmp_path / "no-library", None)).value
    assert report.entries[0].status == "skipped" and "memory-reality-infographic.svg" in report.entries[0].reason
    assert not report.passed  # nothing scored proves nothing


@pytest.mark.parametrize("meta,message", [
    ('family = "poster"\nsplit = "train"\nreference = "r.svg"\nthreshold = 0.5\n', "family 'poster'"),
    ('family = "poster_stack"\nsplit = "holdout"\nreference = "r.svg"\nthreshold = 0.5\n', "split 'holdout'"),
    ('family = "poster_stack"\nsplit = "train"\nreference = "r.svg"\nthreshold = 1.5\n', "threshold"),
    ('family = "poster_stack"\nsplit = "train"\nthreshold = 0.5\n', "'reference'"),
    ('family = = "x"', "meta.toml"),
])
def test_bad_meta_is_a_clear_error(tmp_path, meta, message):
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "meta.toml").write_text(meta)
    with pytest.raises(InputError, match=message):
        load_entry(tmp_path / "e")


def test_cli_gate_exit_codes(tmp_path, capsys):
    folder = own_entry(tmp_path, threshold=0.5)
    assert main(["gold", "gate", "--pack", str(tmp_path), "-o", str(tmp_path / "out")]) == 0
    scene = folder / "scene.dsl"
    scene.write_text(scene.read_text().replace("[theme:infra_dark]", "[theme:paper_editorial]"))
    assert main(["gold", "gate", "--pack", str(tmp_path), "--threshold", "0.95", "-o", str(tmp_path / "o2")]) == 1
    assert "overall gold_asset_parity_score" in capsys.readouterr().out
    assert main(["gold", "gate", "--pack", str(tmp_path / "empty")]) == 2


@pytest.mark.skipif(not LIBRARY.is_dir(), reason="the shared asset library is not beside the repository")
def test_gold_add_starts_an_entry_with_the_assets_text(tmp_path):
    asset = LIBRARY / "ir-v66-failure-decision-tree.svg"
    assert main(["gold", "add", str(asset), "--pack", str(tmp_path), "--assets", str(LIBRARY)]) == 0
    folder = tmp_path / "ir_v66_failure_decision_tree"
    entry = load_entry(folder)
    assert entry.reference == "asset:ir-v66-failure-decision-tree.svg" and entry.family == "decision_tree"
    assert not (folder / "reference.svg").exists()  # library assets are never copied
    doc = load((folder / "scene.dsl").read_text())
    assert not doc.errors and (folder / "scene.dsl").read_text().startswith("[scene]\n[canvas:landscape]")
    content = json.loads((folder / "content.json").read_text())
    assert content["header_band"][0]["headline"] == "v6.6 Failure Decision Tree"
    compiled = compile_scene(doc.scene, content, strict=True)
    assert "Failure Decision Tree" in compiled.svg
    assert main(["gold", "add", str(asset), "--pack", str(tmp_path)]) == 2  # never overwrites


def test_gold_add_refuses_a_malformed_asset(tmp_path, capsys):
    bad = tmp_path / "bad.svg"
    bad.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>a < b</text></svg>')
    assert main(["gold", "add", str(bad), "--pack", str(tmp_path / "pack")]) == 2
    assert "malformed XML" in capsys.readouterr().err


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled pack's gate, run once for the tests below, its gallery in the returned folder."""
    out = tmp_path_factory.mktemp("gate")
    return finish(run_gate(load_pack(default_pack()), LIBRARY, out)).value, out


def test_the_bundled_pack_passes_its_gate(bundled):
    entries = load_pack(default_pack())
    assert len(entries) >= 10
    assert {e.family for e in entries} >= set(layouts.LAYOUTS)
    own = [e for e in entries if not e.from_library]
    assert len(own) >= 4  # a clone without the library still has a working pack
    report, _ = bundled
    failing = [(e.name, e.status, round(e.score, 3), e.threshold, e.reason) for e in report.entries
               if e.status in ("fail", "error")]
    assert not failing
    assert report.passed


@pytest.mark.skipif(not (LIBRARY.is_dir() and JUDGE.exists()), reason="the shared library and judges are not here")
def test_the_gates_text_placement_is_the_judges(bundled):
    report, out = bundled
    scored = [e for e in report.entries if e.status in ("pass", "fail")]
    assert sum(e.reference.startswith("asset:") for e in scored) >= 6
    pairs = [str(p) for e in scored for p in (load_entry(default_pack() / e.name).reference_path(LIBRARY),
                                              out / e.name / "compiled.svg")]
    lines = subprocess.run([sys.executable, str(JUDGE), *pairs], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    judged = [(float(line.split()[1]), float(line.split()[3])) for line in lines]
    assert len(judged) == len(scored)
    for e, (coverage, placement) in zip(scored, judged):
        assert abs(e.text_placement - placement) <= 0.02 and abs(e.text_coverage - coverage) <= 0.02, e.name


def test_text_moved_away_fails_the_gate_though_the_pixels_match(tmp_path):
    folder = own_entry(tmp_path)
    content = json.loads((folder / "content.json").read_text())
    content["callout_card"].reverse()
    content["table_row"].reverse()
    head, foot = content["header_band"][0], content["footer_note"][0]
    head["headline"], foot["text"] = foot["text"], head["headline"]
    (folder / "content.json").write_text(json.dumps(content))
    [entry] = finish(run_gate(load_pack(tmp_path), LIBRARY, None)).value.entries
    # Texts are placeholders in the pictures compared, so the layout score still clears the 0.9 bar
    # (0.997 when written); the words are not where the reference has them, and that caps it.
    assert entry.layout > entry.threshold and entry.text_placement < 0.8
    assert entry.score == pytest.approx(entry.text_placement + TEXT_SLACK) and entry.status == "fail"


@pytest.mark.skipif(not LIBRARY.is_dir(), reason="the shared asset library is not beside the repository")
def test_padding_a_gold_entry_lowers_text_placement_and_the_score_with_it(bundled):
    report, _ = bundled
    [before] = [e for e in report.entries if e.name == "operator_cheatsheet"]
    entry = load_entry(default_pack() / "operator_cheatsheet")
    scene = entry.scene_path.read_text()
    padded = re.sub(r"\[inset:\w+\]", "[inset:lg]", scene)
    assert padded != scene
    after = new_result(entry)
    svg, _cuts = compile_entry(padded, json.loads(entry.content_path.read_text()))
    score_svg(after, svg,
              reference_of(entry.reference_path(LIBRARY)))
    # When written: layout 0.881 -> 0.867, still over the 0.85 bar; text placement 0.732 -> 0.616.
    assert after.text_placement < before.text_placement - 0.05
    assert after.score < before.score and after.score <= after.text_placement + TEXT_SLACK
    assert after.status == "fail"


def test_the_score_is_the_layout_capped_by_text_placement():
    assert combined(0.9, 0.8) == 0.9                         # words in place: the pixels decide
    assert combined(0.9, 0.4) == pytest.approx(0.4 + TEXT_SLACK)
    assert combined(0.95, 0.4) == combined(0.9, 0.4)         # more pixels buy nothing past the cap
