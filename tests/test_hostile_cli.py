"""`ck` on inputs its own tests did not write (issue 18): a message and exit code 2 for each, never a
traceback; what the command could do before the bad part stays done."""
from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from engine.cli import main
from engine.gold.pack import load_entry

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT.parent / "shared" / "assets"


def _ck(capsys, *argv) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as e:   # argparse refuses with the usage line
        code = e.code
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    return code, out.err


@pytest.mark.parametrize("argv,said", [
    (["train", "specs/spec01.toml", "--log-every", "0"], "must be at least 1"),
    (["train", "specs/spec01.toml", "--max-steps", "-3"], "must be at least 1"),
    (["gold", "gate", "--threshold", "nan"], "must be a number from 0 to 1"),
    (["gold", "gate", "--threshold", "1e309"], "must be a number from 0 to 1"),
    (["probe", "run", "x", "--batch", "0"], "must be at least 1"),
])
def test_numbers_a_command_cannot_use_are_refused_by_the_parser(capsys, argv, said):
    code, err = _ck(capsys, *argv)
    assert code == 2 and said in err


def test_a_page_too_tall_for_a_png_writes_the_svg_and_says_why(tmp_path, capsys):
    cards = "".join(f"[section_card:@section_card.{i}.title]\n" for i in range(800))
    scene = tmp_path / "scene.dsl"
    scene.write_text(f"[scene]\n[layout:dashboard_cards]\n[columns:1]\n{cards}[/scene]\n")
    (tmp_path / "content.json").write_text(json.dumps({"section_card": [{"title": f"card {i}"} for i in range(800)]}))
    code, err = _ck(capsys, "compile", str(scene), "-o", str(tmp_path / "out.svg"), "--png", str(tmp_path / "out.png"))
    assert code == 2 and "a PNG is at most 32,767 px a side" in err
    assert (tmp_path / "out.svg").stat().st_size > 0 and not (tmp_path / "out.png").exists()


def test_a_content_key_written_twice_is_a_warning_with_its_path(tmp_path, capsys):
    shutil.copy(ROOT / "gold" / "pipeline_overview" / "scene.dsl", tmp_path / "scene.dsl")
    text = (ROOT / "gold" / "pipeline_overview" / "content.json").read_text()
    (tmp_path / "content.json").write_text(text.replace('"title": "CONFIG",', '"title": "FIRST", "title": "CONFIG",', 1))
    code, err = _ck(capsys, "compile", str(tmp_path / "scene.dsl"), "-o", str(tmp_path / "o.svg"))
    assert code == 0 and "warning[duplicate-key]: nodes.config.title is written more than once" in err


def test_a_report_on_metrics_with_a_string_step_names_the_line(tmp_path, capsys):
    from runs_fixtures import run_folder

    run = run_folder(tmp_path / "run")
    metrics = run / "metrics.jsonl"
    lines = metrics.read_text().splitlines()
    lines.insert(1, json.dumps({"event": "step", "step": "7", "loss": 1.0}))
    metrics.write_text("\n".join(lines) + "\n")
    code, err = _ck(capsys, "report", str(run), "-o", str(tmp_path / "r.html"))
    assert code == 2 and "metrics.jsonl:2:1: not a metrics event: step is '7', not a whole number" in err


@pytest.mark.parametrize("name", ["../../x", "/tmp/x", "a/b", "Upper", ".hidden", ""])
def test_gold_add_keeps_the_entry_inside_the_pack(tmp_path, capsys, name):
    code, err = _ck(capsys, "gold", "add", str(LIBRARY / "pipeline-overview.svg"), "--pack", str(tmp_path / "pack"),
                    "--name", name)
    assert code == 2 and "an entry name is" in err
    assert not any(tmp_path.parent.glob("x")) and not (tmp_path / "pack").exists()


def test_gold_add_writes_meta_toml_with_a_toml_writer(tmp_path, capsys):
    hostile = tmp_path / 'odd"\nthreshold = 1\n\\u0000.svg'
    shutil.copy(LIBRARY / "pipeline-overview.svg", hostile)
    code, _ = _ck(capsys, "gold", "add", str(hostile), "--pack", str(tmp_path / "pack"), "--name", "odd")
    assert code == 0
    meta = tomllib.loads((tmp_path / "pack" / "odd" / "meta.toml").read_text())
    assert meta["threshold"] == 0.0 and meta["reference"] == "reference.svg"
    assert load_entry(tmp_path / "pack" / "odd").notes.count(hostile.stem) == 1


def test_gold_add_on_a_page_with_no_size_and_nothing_drawn_is_a_message(tmp_path, capsys):
    empty = tmp_path / "empty.svg"
    empty.write_text('<svg xmlns="http://www.w3.org/2000/svg"><title>nothing</title></svg>')
    code, err = _ck(capsys, "gold", "add", str(empty), "--pack", str(tmp_path / "pack"))
    assert code == 2 and "states no page size" in err
