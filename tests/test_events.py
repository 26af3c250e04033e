"""The events of long work (engine/events.py): they round-trip through plain dicts (and JSON, when
their data is plain), errors keep their place, `finish` drives a producer, and the gold gate and
the trainer keep the protocol. (The other producers are checked beside their own fixtures:
test_preflight, test_ck, test_probe_run, test_runs_pipeline.)"""
from __future__ import annotations

import json

import pytest
from event_checks import assert_progress_then_one_outcome

from engine.diagnostics import Diagnostic, DiagnosticError
from engine.events import (
    Error,
    Progress,
    Result,
    error_of,
    finish,
    from_dict,
    producer,
    to_dict,
)
from engine.fileio import InputError

EVENTS = [
    Progress("train", 3, 8, "step", {"event": "step", "step": 3, "loss": 2.5, "grad_norms": {"embeddings": 0.1}}),
    Progress("gold gate", 1, None),
    Result("parity", "parity regimen, config tiny: PASSED", {"passed": True, "stages": [{"name": "A1"}]}),
    Result("sizes", "2 sizes", ["tiny", "small"]),
    Error("preflight", "specs/x.toml:3:7: expected '='", "specs/x.toml", 3, 7),
    Error("probe", "probe stopped"),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{type(e).__name__}-{e.job}")
def test_an_event_round_trips_through_a_dict_and_json(event):
    d = to_dict(event)
    assert d["kind"] == type(event).__name__.lower() and d["job"] == event.job
    assert from_dict(d) == event
    assert from_dict(json.loads(json.dumps(d))) == event


def test_a_result_keeps_the_value_its_producer_made():
    """Result.value is whatever the producer made (a GateReport, say), not a copy of it."""
    value = object()
    assert from_dict(to_dict(Result("gold gate", "", value))).value is value


@pytest.mark.parametrize("exc, expected", [
    (InputError("specs/x.toml:3:7: expected '='"), Error("j", "specs/x.toml:3:7: expected '='", "specs/x.toml", 3, 7)),
    (InputError("data/train.jsonl:12: not a dataset row"),
     Error("j", "data/train.jsonl:12: not a dataset row", "data/train.jsonl", 12, None)),
    (InputError("x.toml: cannot read: No such file"), Error("j", "x.toml: cannot read: No such file")),
    (DiagnosticError([Diagnostic(2, 5, "unknown-key", "no such key")]),
     Error("j", "<scene>:2:5: error[unknown-key]: no such key", None, 2, 5)),
    (ValueError("bad"), Error("j", "ValueError: bad")),
])
def test_an_exception_becomes_an_error_placed_where_its_message_says(exc, expected):
    assert error_of("j", exc) == expected


@producer("count")
def count(n: int, fail_at: int | None = None):
    for i in range(1, n + 1):
        if i == fail_at:
            raise InputError(f"row {i}: broken")
        yield Progress("count", i, n)
    yield Result("count", f"counted {n}", n)


def test_finish_passes_each_progress_on_and_returns_the_result():
    seen = []
    result = finish(count(3), seen.append)
    assert [p.done for p in seen] == [1, 2, 3] and result == Result("count", "counted 3", 3)


def test_an_input_error_ends_the_stream_as_an_error_which_finish_raises_again():
    events = list(count(3, fail_at=2))
    assert_progress_then_one_outcome(events, "count", Error)
    assert events[-1].message == "row 2: broken"
    with pytest.raises(InputError, match="row 2: broken"):
        finish(count(3, fail_at=2))


def test_finish_refuses_a_stream_that_breaks_the_protocol():
    with pytest.raises(RuntimeError, match="without a Result"):
        finish(iter([Progress("x", 1, 2)]))
    with pytest.raises(RuntimeError, match="after its Result"):
        finish(iter([Result("x", ""), Progress("x", 1, 2)]))


def test_the_gold_gate_yields_each_entry_then_its_report(tmp_path):
    from engine.gold.gate import GateReport, run_gate
    from engine.gold.pack import load_pack
    from tests.gold_entries import own_entry

    own_entry(tmp_path, "poster_stack")
    own_entry(tmp_path, "table_matrix")
    events = list(run_gate(load_pack(tmp_path), tmp_path / "no-library", None))
    assert_progress_then_one_outcome(events, "gold gate")
    assert [(e.done, e.total, e.data["entry"]["name"]) for e in events[:-1]] == [
        (1, 2, "poster_stack"), (2, 2, "table_matrix")]
    json.dumps(to_dict(events[0]))                      # an entry's progress is plain data
    report = events[-1].value
    assert isinstance(report, GateReport) and [e.name for e in report.entries] == ["poster_stack", "table_matrix"]
    assert report.passed and "PASS" in events[-1].summary


def test_the_trainer_yields_its_records_as_progress_then_its_end_as_the_result(tmp_path):
    """The data of every event is exactly its line of metrics.jsonl (whose format stays as it was)."""
    from engine.data.rows import Row
    from engine.tokenizer import default_tokenizer
    from engine.train import Stage, TrainConfig, Trainer
    from engine.train.trainer import logged

    scene = "[scene]\n[canvas:wide]\n[layout:poster_stack]\n[/scene]"
    rows = [Row(f"r{i}", "[task:svg] [OUT]", scene, "train", "direct", "poster_stack") for i in range(8)]
    cfg = TrainConfig(size="tiny", ctx=64, seed=1, batch=2, micro_batch=2, lr=1e-3, min_lr=1e-4, warmup_steps=1,
                      checkpoint_every=2, stages=(Stage("pretrain", ("direct",), "steps", 3),))
    events = list(Trainer(cfg, rows, default_tokenizer(), tmp_path).run())
    assert_progress_then_one_outcome(events, "train")
    assert [e.message for e in events[:-1]] == ["start", "stage", "step", "step", "checkpoint", "step", "checkpoint"]
    assert [e.done for e in events[:-1]] == [0, 0, 1, 2, 2, 3, 3] and {e.total for e in events[:-1]} == {3}
    assert events[-1].summary == "finished at step 3" and events[-1].value["event"] == "finished"
    lines = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert lines == [logged(e) for e in events]
