"""Fine-tune rungs (issue 16): a run may start from another run's weights. It starts at the
parent's loss, not the seeded init's; a parent of another model size or tokenizer is refused with
a message; the parent is named in the start event (the report's run card) and stays named when
the child is resumed."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from test_train import _rows

from engine.events import finish
from engine.fileio import InputError
from engine.tokenizer import Tokenizer, default_tokenizer
from engine.train import Stage, TrainConfig, Trainer
from engine.train.checkpoint import latest_checkpoint
from engine.train.run import parent_checkpoint

CFG = TrainConfig(size="tiny", ctx=64, seed=7, batch=4, micro_batch=4, warmup_steps=1, checkpoint_every=2,
                  lr=1e-2, stages=(Stage("pretrain", ("direct",), "steps", 30),))


def _run(folder: Path, cfg=CFG, tok=None, **kw) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    tok = tok or default_tokenizer()
    tok.save(folder / "tokenizer.json")
    finish(Trainer(cfg, _rows(), tok, folder, **kw).run())
    return [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def parent(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("parent")
    _run(folder)
    return folder


def _losses(events) -> list[float]:
    return [e["loss"] for e in events if e["event"] == "step"]


def test_a_child_starts_at_its_parents_loss(parent, tmp_path):
    fresh = _losses(_run(tmp_path / "fresh", max_steps=2))
    child_events = _run(tmp_path / "child", init_from=parent_checkpoint(parent), max_steps=2)
    child = _losses(child_events)
    parents_last = _losses([json.loads(x) for x in (parent / "metrics.jsonl").read_text().splitlines()])[-1]
    assert child[0] < 0.5 * fresh[0]
    assert abs(child[0] - parents_last) < 0.25 * fresh[0]
    start = next(e for e in child_events if e["event"] == "start")
    assert start["init_from"]["checkpoint"] == str(latest_checkpoint(parent / "checkpoints"))


def test_the_parent_stays_named_when_the_child_resumes(parent, tmp_path):
    child = tmp_path / "child"
    _run(child, init_from=parent_checkpoint(parent), max_steps=2)
    trainer = Trainer(CFG, _rows(), Tokenizer.load(child / "tokenizer.json"), child, resume=True)
    assert trainer.info["init_from"]["checkpoint"] == str(parent_checkpoint(parent))


def test_a_parent_of_another_size_is_refused_by_name(parent, tmp_path):
    with pytest.raises(InputError, match="a fine-tune rung keeps the model"):
        Trainer(replace(CFG, size="small"), _rows(), default_tokenizer(), tmp_path, init_from=parent_checkpoint(parent))


def test_a_parent_with_another_tokenizer_is_refused(parent, tmp_path):
    other = Tokenizer(default_tokenizer().vocab + ["[an_extra_token]"])
    with pytest.raises(InputError, match="trained with tokenizer"):
        Trainer(CFG, _rows(), other, tmp_path, init_from=parent_checkpoint(parent))


def test_names_of_the_ledger_are_left_to_ck_run(tmp_path):
    with pytest.raises(InputError, match="`ck run` resolves them"):
        parent_checkpoint("champion")
    with pytest.raises(InputError, match="has no checkpoint"):
        parent_checkpoint(tmp_path)
