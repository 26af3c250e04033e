"""`ck probe` on a tiny trained run: probe.json in the contract's place and shape, both boards, a
gallery for every failing case, constrained decoding renderable but for truncations, and the
refusals (an edited probe list, a run without checkpoints)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from event_checks import assert_progress_then_one_outcome

from engine.cli import build_parser
from engine.data.rows import Row
from engine.dsl import format_text
from engine.fileio import InputError
from engine.probe.probe_list import build_list, save_list
from engine.probe.result import METRICS, load_probe, probe_path
from engine.probe.runner import run_probe
from engine.tokenizer import default_tokenizer
from engine.train import Stage, TrainConfig, Trainer

CONTENT = {"header_band": [{"headline": "Probe me", "kicker": "K"}]}


# Tiny tensors gain nothing from a second OpenMP thread (tests/conftest.py: one_torch_thread).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _scene(topic: str, layout: str) -> str:
    return format_text(f"[scene] [layout:{layout}] [topic:{topic}] [header_band] "
                       "[kicker_ref:header_band.0.kicker] [headline_ref:header_band.0.headline] [/header_band] "
                       "[/scene]")


def _rows() -> list[Row]:
    rows = []
    for i, (topic, layout) in enumerate([(t, lay) for t in ("kv", "cache", "probe")
                                         for lay in ("poster_stack", "table_matrix")]):
        split = ("train", "train", "dev", "hidden")[i % 4]
        rows.append(Row(f"r{i}", f"[task:svg] [layout:{layout}] [topic:{topic}] [OUT]", _scene(topic, layout),
                        split, "direct", layout, {"gold": "tiny"}))
    return rows


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """A run folder as `ck train` leaves it, trained for a few steps of the tiny model."""
    run = tmp_path_factory.mktemp("run")
    tok = default_tokenizer()
    cfg = TrainConfig(size="tiny", ctx=96, seed=3, batch=4, micro_batch=4, lr=3e-3, min_lr=3e-4, warmup_steps=2,
                      checkpoint_every=30, stages=(Stage("pretrain", ("direct",), "steps", 30),))
    for _ in Trainer(cfg, [r for r in _rows() if r.split == "train"], tok, run).run():
        pass
    tok.save(run / "tokenizer.json")
    (run / "run.json").write_text(json.dumps({"spec": "tiny"}))
    probes = save_list(build_list("tiny", _rows(), {"tiny": CONTENT}, {"spec": "tiny"},
                                  per_cell={"train": 2, "dev": 2, "test": 2, "hidden": 2}), run / "tiny.json")
    return run, probes


def _ck(argv: list[str]) -> int:
    args = build_parser(argv).parse_args(argv)
    return args.run(args)


@pytest.mark.parametrize("constrained", [False, True])
def test_ck_probe_writes_the_result_and_its_gallery(tiny_run, constrained, capsys):
    run, probes = tiny_run
    argv = ["probe", str(run), "--probes", str(probes), "--budget", "60"] + (["--constrained"] if constrained else [])
    assert _ck(argv) == 0
    out = capsys.readouterr().out
    assert "exact_rate" in out and "failure classes (raw)" in out
    path = probe_path(run, constrained)
    result = load_probe(path)
    assert result.constrained == constrained and result.step == 30 and result.probe.name == "tiny"
    assert result.probe.count == len(result.cases) == 6 and result.decode_budget == 60
    assert {c.split for c in result.cases} == {"train", "dev", "hidden"}
    for kind in ("raw", "repaired"):
        board = getattr(result.scoreboard, kind)
        assert list(board.overall) == list(METRICS)   # no preflight here, so no parity score
        assert set(board.by_split) == {"train", "dev", "hidden"}
        assert set(board.by_layout) == {"poster_stack", "table_matrix"}
        assert sum(board.counts["failure_classes"].values()) == sum(
            getattr(c, f"{kind}_result").failure_class is not None for c in result.cases)
    for case in result.cases:
        assert case.content == CONTENT and 0 < case.tokens <= case.budget
        failing = case.raw_result.failure_class or case.repaired_result.failure_class
        assert bool(case.gallery) == bool(failing)
        for rel in case.gallery.values():
            assert (path.parent / rel).read_text().startswith("<svg")
    if constrained:   # renderable by construction, except what the budget cut off
        raw = result.scoreboard.raw.overall
        assert raw["renderable_rate"] == pytest.approx(1.0 - raw["budget_truncation_rate"])


def test_run_probe_yields_decode_then_score_progress_then_its_result(tiny_run, tmp_path):
    run, probes = tiny_run
    events = list(run_probe(run, probes=probes, budget=20, batch_size=4, out=tmp_path / "probe.json"))
    assert_progress_then_one_outcome(events, "probe")
    assert [(e.data["stage"], e.done, e.total) for e in events[:-1]] == [
        ("decode", 4, 6), ("decode", 6, 6), *(("score", n, 6) for n in range(1, 7))]
    result = events[-1].value
    assert result.decode_budget == 20 and load_probe(tmp_path / "probe.json").cases == result.cases


def test_ck_probe_refuses_an_edited_list_and_a_run_without_checkpoints(tiny_run, tmp_path):
    run, probes = tiny_run
    edited = tmp_path / "edited.json"
    doc = json.loads(Path(probes).read_text())
    doc["cases"][0]["expected"] += "[footer_note]\n"
    edited.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="edited"):
        _ck(["probe", str(run), "--probes", str(edited)])
    empty = tmp_path / "empty"
    empty.mkdir()
    default_tokenizer().save(empty / "tokenizer.json")
    with pytest.raises(InputError, match="no checkpoint"):
        _ck(["probe", str(empty), "--probes", str(probes)])


def test_a_held_out_case_that_is_a_train_row_of_the_run_is_scored_as_train(tiny_run, tmp_path):
    """A list frozen per spec name meets a later rung whose dataset deals a dev case's prompt to
    train: that case is named and counted under train, never as held out; a dataset whose train
    file no longer has the recorded hash is not trusted to say so."""
    import dataclasses
    import hashlib
    import shutil
    from collections import Counter

    from engine.probe.probe_list import load_probe_list

    run, probes = tiny_run
    rung = tmp_path / "rung"
    shutil.copytree(run, rung)
    dev = next(item for item in load_probe_list(probes).items if item.split == "dev")
    data = tmp_path / "data"
    data.mkdir()
    train = data / "train.jsonl"
    train.write_text(json.dumps(dataclasses.asdict(Row("t0", dev.prompt, dev.expected, "train", "direct",
                                                       dev.layout, {"gold": "tiny"}))) + "\n")
    (rung / "dataset.json").write_text(json.dumps({"path": str(data),
                                                   "train_sha256": hashlib.sha256(train.read_bytes()).hexdigest()}))

    listed = Counter(item.split for item in load_probe_list(probes).items)
    result = load_probe(finish_probe(rung, probes, tmp_path / "a.json"))
    assert result.trained_on == (dev.id,)
    counts = result.scoreboard.raw.counts["by_split"]
    assert counts["train"] == listed["train"] + 1 and counts.get("dev", 0) == listed["dev"] - 1
    assert [c.split for c in result.cases if c.id == dev.id] == ["dev"]   # the case keeps its list's split

    train.write_text(train.read_text() + "\n")   # rebuilt since: not the run's dataset any more
    result = load_probe(finish_probe(rung, probes, tmp_path / "b.json"))
    assert result.trained_on == () and result.scoreboard.raw.counts["by_split"] == dict(listed)


def finish_probe(run, probes, out):
    from engine.events import finish

    finish(run_probe(run, probes=probes, budget=20, batch_size=8, out=out))
    return out
