"""The trainer (issue 5): packed windows, AdamW, warmup + cosine, stages, checkpoints, DDP, events.

    ck train specs/spec01.toml [--resume]                    engine/train/cli.py
    torchrun --nproc_per_node=2 -m engine.train specs/spec01.toml
    handle = start_in_thread(prepare_run("specs/spec01.toml"))   # in-process, stoppable
"""
from engine.train.background import TrainingHandle, start_in_thread
from engine.train.config import Stage, TrainConfig, load_train_config
from engine.train.run import prepare_run
from engine.train.trainer import Trainer

__all__ = ["Stage", "TrainConfig", "Trainer", "TrainingHandle", "load_train_config", "prepare_run",
           "start_in_thread"]
