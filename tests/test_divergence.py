"""A diverging run stops (issue 16, "Divergence stops the run"): a NaN or infinite loss or gradient,
or a loss over the spec's max_loss, ends training before the step is taken, with a `diverged`
record; the checkpoints left hold finite weights (pruning never reached past them), metrics.jsonl
stays strict JSON, and `ck train` exits non-zero with a message."""
from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
from safetensors.torch import load_file
from test_train import _rows

from engine.events import finish
from engine.tokenizer import default_tokenizer
from engine.train import Stage, TrainConfig, Trainer
from engine.train.checkpoint import checkpoints
from engine.train.trainer import divergence

CFG = TrainConfig(size="tiny", ctx=64, seed=7, batch=4, micro_batch=4, warmup_steps=0, checkpoint_every=1,
                  keep_checkpoints=1, stages=(Stage("pretrain", ("direct",), "steps", 12),))


def _strict(line: str):
    def refuse(word):
        raise ValueError(f"{word} in metrics.jsonl")
    return json.loads(line, parse_constant=refuse)


def _train(run: Path, cfg: TrainConfig):
    tok = default_tokenizer()
    tok.save(run / "tokenizer.json")
    return finish(Trainer(cfg, _rows(), tok, run).run()).value


def test_a_huge_learning_rate_stops_as_diverged_with_finite_checkpoints(tmp_path):
    end = _train(tmp_path, replace(CFG, lr=1e6, min_lr=1e6, grad_clip=0.0))
    assert end["event"] == "diverged" and end["step"] < 12
    events = [_strict(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert events[-1]["event"] == "diverged" and "NaN" not in (tmp_path / "metrics.jsonl").read_text()
    left = checkpoints(tmp_path / "checkpoints")
    assert left, "pruning deleted every checkpoint"
    assert end["last_checkpoint"] == int(left[-1].stem.split("_")[1])
    tensors = load_file(left[-1].with_suffix(".safetensors"))
    assert all(bool(t.isfinite().all()) for t in tensors.values())


def test_a_loss_over_the_specs_bound_stops_the_run(tmp_path):
    end = _train(tmp_path, replace(CFG, max_loss=0.5))
    assert end["event"] == "diverged" and end["step"] == 1 and "over the spec's max_loss 0.5" in end["reason"]
    assert not checkpoints(tmp_path / "checkpoints")


@pytest.mark.parametrize("loss,norm,bound,said", [
    (math.nan, 1.0, None, "loss is nan"), (math.inf, 1.0, None, "loss is inf"),
    (1.0, math.nan, None, "gradient norm is nan"), (3.0, 1.0, 2.0, "over the spec's max_loss 2"),
    (1.0, 1.0, 2.0, None), (1e30, 1e30, None, None)])
def test_divergence_rules(loss, norm, bound, said):
    assert divergence(loss, norm, bound) == said or (said and said in divergence(loss, norm, bound))


def test_ck_train_exits_3_with_the_last_checkpoint_named(tmp_path, monkeypatch, capsys):
    from engine.train import cli as train_cli

    tok = default_tokenizer()
    tok.save(tmp_path / "tokenizer.json")
    trainer = Trainer(replace(CFG, lr=1e6, min_lr=1e6, grad_clip=0.0), _rows(), tok, tmp_path, info={"spec": "t"})
    monkeypatch.setattr("engine.train.run.prepare_run", lambda *a, **k: trainer)
    from engine.cli import main

    assert main(["train", "specs/spec01.toml", "--run-dir", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert "diverged at step" in err and "holds finite weights" in err


def test_max_loss_is_read_from_the_spec(tmp_path):
    from engine.train.config import load_train_config

    spec = Path(__file__).resolve().parents[1] / "specs" / "spec01.toml"
    text = spec.read_text().replace("[train]", "[train]\nmax_loss = 12.5", 1)
    (tmp_path / "s.toml").write_text(text)
    assert load_train_config(tmp_path / "s.toml").max_loss == 12.5
    assert load_train_config(spec).max_loss is None
