"""TensorBoard event files beside metrics.jsonl (issue 16, "metrics where people already look"):
a run on a remote GPU box can be watched with `tensorboard --logdir DIR`. Optional: the
tensorboard package is needed only when this is asked for.

    log = TensorBoardLog("runs/tb/spec01-r3")
    trainer.subscribe(log)        # each step: loss, grad_norm, lr, tokens_per_s; each stage: a text
"""
from __future__ import annotations

from pathlib import Path

from engine.events import Event, Result
from engine.fileio import InputError
from engine.train.trainer import logged

SCALARS = ("loss", "grad_norm", "lr", "tokens_per_s")


class TensorBoardLog:
    def __init__(self, folder: str | Path):
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:
            raise InputError("--tensorboard needs the tensorboard package: pip install tensorboard") from None
        self.writer = SummaryWriter(str(folder))

    def __call__(self, event: Event) -> None:
        record = logged(event)
        kind, step = record["event"], record.get("step", 0)
        if kind == "step":
            for key in SCALARS:
                if record.get(key) is not None:
                    self.writer.add_scalar(f"train/{key}", record[key], step)
        elif kind == "stage":
            self.writer.add_text("train/stage", f"stage {record['stage']} from step {step}", step)
        elif kind in ("diverged", "stopped", "finished"):
            self.writer.add_text("train/end", f"{kind} at step {step}" + (f": {record['reason']}" if "reason" in record else ""), step)
        if isinstance(event, Result):
            self.writer.close()
        elif kind == "checkpoint":
            self.writer.flush()
