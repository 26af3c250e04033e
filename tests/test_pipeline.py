"""`ck run` end to end on a tiny spec (two own gold entries, a tiny model, three steps), with a
probe injected through run_probe's signature; the canary; a run blocked by its preflight.

The spec's ctx is 512, the least the token-budget gate allows for its longest gold scene (381
tokens <= 80 %; repair rows of that scene would not fit, so it has none), so two steps of the tiny
model stay cheap."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from event_checks import assert_progress_then_one_outcome
from runs_fixtures import GOLD, probe_json, write_probe

from engine import pipeline
from engine.cli import main
from engine.data.rows import Row
from engine.events import Progress, Result, finish
from engine.probe.result import probe_path
from engine.runs import canary
from engine.runs.ledger import Ledger
from engine.tokenizer import default_tokenizer

TINY = """
[spec]
name = "tiny01"
version = 1
seed = 7
surface = "explicit"
ctx = 576
hypothesis = "A tiny model learns two families."
primary_axis = "data: two families"
held_constant = ["scene DSL v1", "the compiler"]
baseline = "none: first spec"

[source]
gold_pack = "gold"
families = ["poster_stack", "comparison_span_chart"]

[variants]
topics = ["kv_cache_budget", "attention_cost", "context_budget"]
themes = ["infra_dark", "paper_editorial"]
tones = ["amber", "green"]
densities = ["compact", "balanced"]
variants_per_gold = 1
rows_per_gold = 24
hidden_rows_per_combo = 2
pair_decisions = ["theme"]
repair_corruptions = ["drop_scene_close"]

[mixture.buckets]
anchor_replay = 0.3
direct = 0.6
minimal_pair = 0.1

[splits]
dev = 0.1
test = 0.1
hidden = [{ topic = "kv_cache_budget", layout = "poster_stack" }]

[blueprint]
layout_drift = "direct"

[train]
size = "tiny"
batch = 1
checkpoint_every = 1

[[train.stages]]
name = "pretrain"
steps = 2
"""


@pytest.fixture
def tiny(tmp_path) -> Path:
    """The tiny spec beside a gold pack of two own entries, and a passing parity regimen file."""
    for name in ("own_poster_budget", "own_comparison_latency"):
        shutil.copytree(GOLD / name, tmp_path / "gold" / name)
    (tmp_path / "parity.json").write_text(json.dumps({"passed": True, "stages": []}))
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY)
    return spec


class StubProbe:
    """Stands in for engine.probe.runner.run_probe (same signature) and records how it was called."""

    def __init__(self):
        self.calls = []

    def __call__(self, run_dir, checkpoint=None, constrained=False):
        self.calls.append((Path(run_dir), checkpoint, constrained))
        assert (Path(run_dir) / "checkpoints").is_dir()           # training ran before the probe
        for stage in ("decode", "score"):
            for done in range(1, 5):
                yield Progress("probe", done, 4, stage, {"stage": stage})
        write_probe(Path(run_dir), probe_json(constrained, failing={} if constrained else
                                              {"own_tree_triage-dev": "tone"}, run=str(run_dir)))
        yield Result("probe", "probed", None)


def test_ck_run_preflight_canary_train_stop_resume_probe_report(tiny, tmp_path, monkeypatch, capsys):
    stub = StubProbe()
    monkeypatch.setattr(pipeline, "_default_probe", lambda: stub)
    ws = tmp_path / "ws"
    argv = ["run", str(tiny), "--workspace", str(ws), "--parity", str(tmp_path / "parity.json")]
    assert main([*argv, "--max-steps", "1"]) == 0                        # stops, resumable, after one step
    out, err = capsys.readouterr()
    assert out.strip().splitlines()[-1] == "tiny01-r1"
    assert "training" in err and "canary: 12/12" in err                 # progress on stderr
    with Ledger.open(ws) as ledger:
        record = ledger.record_of("tiny01-r1")
    assert record["run"]["status"] == "stopped" and record["metrics"]["step"] == 1 and not stub.calls
    assert main([*argv, "--resume", "tiny01-r1"]) == 0
    out, err = capsys.readouterr()
    assert out.strip().splitlines()[-1] == "tiny01-r1" and "canary: 12/12" not in err    # the passed canary is kept
    with Ledger.open(ws) as ledger:
        record = ledger.record_of("tiny01-r1")
    run_dir = Path(record["run"]["run_dir"])
    assert record["run"]["status"] == "finished" and run_dir == (ws / "runs" / "tiny01-r1").resolve()
    assert record["canary"]["passed"] and len(record["canary"]["cases"]) == 12
    assert record["metrics"]["step"] == record["metrics"]["total_steps"] == 2
    assert set(record["run"]["hashes"]) >= {"spec", "tokenizer", "grammar", "compiler", "dataset", "train"}
    assert [c[2] for c in stub.calls] == [False, True] and stub.calls[0][0] == run_dir
    assert set(record["scoreboard"]) == {"unconstrained", "constrained"}
    assert probe_path(run_dir, True).exists()
    report = Path(record["run"]["report"])
    assert report == run_dir / "report.html" and "Failure gallery" in report.read_text()
    assert (run_dir / "preflight" / "preflight.json").exists() and (run_dir / "preflight" / "data").is_dir()


def test_a_failing_preflight_blocks_the_run_before_training(tiny, tmp_path, capsys):
    ws = tmp_path / "ws"
    assert main(["run", str(tiny), "--workspace", str(ws), "--parity", str(tmp_path / "missing.json"), "-q"]) == 1
    out, err = capsys.readouterr()
    assert out.strip().splitlines()[-1] == "tiny01-r1" and "parity regimen (not run)" in err
    with Ledger.open(ws) as ledger:
        run = ledger.record_of("tiny01-r1")["run"]
    assert run["status"] == "blocked" and "parity regimen" in run["detail"]
    assert not (Path(run["run_dir"]) / "checkpoints").exists()
    assert main(["run", str(tiny), "--workspace", str(ws), "--resume", "tiny01-r1", "-q"]) == 2
    assert "was blocked" in capsys.readouterr().err


def _rows() -> list[Row]:
    target = (GOLD / "own_poster_budget" / "scene.dsl").read_text()
    from engine.dsl import load, serialize

    target = serialize(load(target).scene)
    rows = []
    for layout in ("poster_stack", "table_matrix", "pipeline_lane"):
        for split in ("train", "dev", "hidden"):
            for i in range(3):
                rows.append(Row(f"{layout}-{split}-{i}", "[task:svg] [OUT]", target, split, "direct", layout,
                                {"gold": "own_poster_budget"}))
    rows.append(Row("repair-0", "[task:repair] [OUT]", target, "train", "repair", "poster_stack", {}))
    return rows


def test_the_canary_takes_twelve_clean_rows_across_families_and_splits():
    picked = canary.pick(_rows())
    assert len(picked) == 12 and all(r.bucket != "repair" for r in picked)
    assert [r.split for r in picked[:6]] == ["train"] * 3 + ["hidden"] * 3
    assert {r.layout for r in picked} == {"poster_stack", "table_matrix", "pipeline_lane"}
    events = list(canary.run_canary(_rows(), default_tokenizer(), 768, GOLD))
    assert_progress_then_one_outcome(events, "canary")
    assert [(e.done, e.total, e.data["case"]["id"]) for e in events[:-1]] == [
        (n, 12, r.id) for n, r in enumerate(picked, 1)]
    assert events[-1].value.passed and events[-1].summary == "canary: 12/12 cases parse, compile and render"


@pytest.mark.parametrize("change, problem", [
    (lambda r: r.target.replace("[/scene]\n", ""), "does not parse|error"),
    (lambda r: r.target.replace("[tone:", "[tone:\u00e9"), "tokenizer does not know"),
])
def test_the_canary_names_what_would_break_a_probe(change, problem):
    rows = _rows()
    broken = [Row(r.id, r.prompt, change(r) if r.id == "poster_stack-train-0" else r.target, r.split, r.bucket,
                  r.layout, r.provenance) for r in rows]
    result = finish(canary.run_canary(broken, default_tokenizer(), 768, GOLD)).value
    assert not result.passed
    bad = [c for c in result.cases if c["problems"]]
    assert [c["id"] for c in bad] == ["poster_stack-train-0"]
    assert __import__("re").search(problem, " ".join(bad[0]["problems"]))
    assert finish(canary.run_canary(rows, default_tokenizer(), 300, GOLD)).value.cases[0]["problems"][0].startswith(
        "prompt + target + eos are")
