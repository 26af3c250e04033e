"""`ck train --tensorboard DIR`: the run's steps as TensorBoard scalars, read back by TensorBoard's
own reader (issue 16)."""
from __future__ import annotations

import pytest
from test_train import _rows

from engine.events import finish
from engine.tokenizer import default_tokenizer
from engine.train import Stage, TrainConfig, Trainer

pytest.importorskip("tensorboard")


def test_each_step_becomes_scalars_tensorboard_reads(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from engine.train.tensorboard import SCALARS, TensorBoardLog

    cfg = TrainConfig(size="tiny", ctx=64, seed=1, batch=4, micro_batch=4, warmup_steps=1, checkpoint_every=2,
                      stages=(Stage("pretrain", ("direct",), "steps", 3), Stage("midtrain", ("direct",), "steps", 2)))
    tok = default_tokenizer()
    tok.save(tmp_path / "tokenizer.json")
    trainer = Trainer(cfg, _rows(), tok, tmp_path / "run")
    trainer.subscribe(TensorBoardLog(tmp_path / "tb"))
    finish(trainer.run())
    acc = EventAccumulator(str(tmp_path / "tb"))
    acc.Reload()
    assert set(acc.Tags()["scalars"]) == {f"train/{k}" for k in SCALARS}
    assert [e.step for e in acc.Scalars("train/loss")] == [1, 2, 3, 4, 5]
    assert {t.split("/")[1] for t in acc.Tags()["tensors"]} == {"stage", "end"}   # text: train/<name>/text_summary
