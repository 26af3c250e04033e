"""The trainer (issue 5): packed windows, AdamW, warmup + cosine, stages, checkpoints, DDP, events.

    ck train specs/spec01.toml [--resume]                    engine/train/cli.py
    torchrun --nproc_per_node=2 -m engine.train specs/spec01.toml
    handle = start_in_thread(prepare_run("specs/spec01.toml"))   # in-process, stoppable
"""
import importlib

# Names load on first use: `ck generate` reads checkpoints (engine.train.checkpoint) and must not
# pay the trainer's imports (~0.1 s of its cold start) for it.
_HOME = {"TrainingHandle": "background", "start_in_thread": "background", "Stage": "config",
         "TrainConfig": "config", "load_train_config": "config", "prepare_run": "run", "Trainer": "trainer"}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"engine.train.{_HOME[name]}"), name)
