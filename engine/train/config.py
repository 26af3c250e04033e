"""The `[train]` table of a SPEC.toml: model size, optimizer, schedule and curriculum stages.

    cfg = load_train_config("specs/spec01.toml")        # TrainConfig; ctx and seed from [spec]
    cfg.stages[0].name, cfg.stages[0].buckets           # "pretrain", ("anchor_replay", ...)

The table, every key but `stages` optional (defaults in brackets):

    [train]
    size = "l3_d192"          # a name in engine.model.SIZES; its ctx is replaced by spec.ctx
    batch = 8                 # packed windows per optimizer step, over all ranks [8]
    micro_batch = 8           # windows per forward/backward on one rank; < batch/ranks accumulates [batch]
    lr = 3e-3                 # peak learning rate, reached after the warmup [3e-3]
    min_lr = 3e-4             # the cosine decay's floor, reached at the last step [lr / 10]
    warmup_steps = 20         # linear warmup from lr/warmup_steps to lr [20]
    weight_decay = 0.1        # AdamW decoupled decay on matrices and embeddings, not norms [0.1]
    betas = [0.9, 0.95]       # AdamW [0.9, 0.95]
    grad_clip = 1.0           # global gradient-norm clip; 0 turns it off [1.0]
    precision = "fp32"        # fp32 | bf16 (autocast; `ck train --precision` overrides) [fp32]
    checkpoint_every = 100    # steps between checkpoints; one is always written at the end [100]
    keep_checkpoints = 3      # newest checkpoints kept in RUN/checkpoints [3]
    max_loss = 20.0           # a step whose loss is above this stops the run as diverged [none:
                              # only a NaN or infinite loss or gradient does]
    init_from = "champion"    # start from another run's weights (a fine-tune rung): "champion" (the
                              # spec's, resolved by `ck run`), a run id, a run folder or a checkpoint
                              # sidecar; the optimizer and schedule start fresh [none: seeded init]
    seed = 1                  # model init and data order [spec.seed]

    [[train.stages]]          # one or more, trained in order; one LR schedule spans them all
    name = "pretrain"         # what every step of this stage is labelled in metrics.jsonl
    buckets = ["direct", "repair"]   # train-split rows of these dataset buckets [every bucket]
    epochs = 2                # the budget, exactly one of: epochs (of the stage's packed windows,
                              # counted on its first epoch), steps, tokens (batch x ctx per step)

Every problem is an InputError naming the file and key, e.g.
`specs/x.toml: train.stages[1].buckets lists 'drect', which is not one of anchor_replay, ...`.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.data.spec import BUCKETS, Spec, load_spec
from engine.fileio import InputError, read_text
from engine.model import SIZES
from engine.tomltable import TomlTable

PRECISIONS: tuple[str, ...] = ("fp32", "bf16")
BUDGETS: tuple[str, ...] = ("epochs", "steps", "tokens")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Stage:
    name: str
    buckets: tuple[str, ...]
    budget: str                 # epochs | steps | tokens
    amount: float               # how many of them

    def steps(self, windows: int, batch: int, ctx: int) -> int:
        """Optimizer steps of this stage, given its packed windows per epoch."""
        if self.budget == "steps":
            return int(self.amount)
        if self.budget == "tokens":
            return math.ceil(self.amount / (batch * ctx))
        return math.ceil(self.amount * windows / batch)


@dataclass(frozen=True)
class TrainConfig:
    size: str
    ctx: int                    # window length in positions: spec.ctx
    seed: int
    stages: tuple[Stage, ...]
    batch: int = 8
    micro_batch: int = 8
    lr: float = 3e-3
    min_lr: float = 3e-4
    warmup_steps: int = 20
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.95)
    grad_clip: float = 1.0
    precision: str = "fp32"
    checkpoint_every: int = 100
    keep_checkpoints: int = 3
    max_loss: float | None = None
    init_from: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def load_train_config(path: str | Path, spec: Spec | None = None) -> TrainConfig:
    """The spec file's [train] table, validated; ctx and the default seed come from its [spec]."""
    path = Path(path)
    spec = spec or load_spec(path)
    data = tomllib.loads(read_text(path))   # load_spec has already refused a TOML syntax error
    if "train" not in data:
        raise InputError(f"{path}: has no [train] table; add one (its keys: engine/train/config.py)")
    if not isinstance(data["train"], dict):
        raise InputError(f"{path}: train must be a table")
    t = TomlTable(data["train"], "train.", path)
    size = t.get("size", (str,), "l3_d192")
    if size not in SIZES:
        raise t.fail("size", f"= '{size}' is not one of {', '.join(SIZES)}")
    batch = t.count("batch", 1, 8)
    micro = t.count("micro_batch", 1, batch)
    if micro > batch:
        raise t.fail("micro_batch", f"= {micro} exceeds batch = {batch}")
    lr = t.number("lr", 3e-3, positive=True)
    min_lr = t.number("min_lr", lr / 10)
    if min_lr > lr:
        raise t.fail("min_lr", f"= {min_lr:g} exceeds lr = {lr:g}")
    betas = t.get("betas", (list,), [0.9, 0.95])
    if len(betas) != 2 or not all(isinstance(b, int | float) and not isinstance(b, bool) and 0 <= b < 1
                                  for b in betas):
        raise t.fail("betas", f"= {betas!r} must be two numbers in [0, 1)")
    precision = t.get("precision", (str,), "fp32")
    if precision not in PRECISIONS:
        raise t.fail("precision", f"= '{precision}' is not one of {', '.join(PRECISIONS)}")
    cfg = TrainConfig(
        size=size, ctx=spec.ctx, seed=t.get("seed", (int,), spec.seed), batch=batch, micro_batch=micro,
        lr=lr, min_lr=min_lr, warmup_steps=t.count("warmup_steps", 0, 20),
        weight_decay=t.number("weight_decay", 0.1), betas=(float(betas[0]), float(betas[1])),
        grad_clip=t.number("grad_clip", 1.0), precision=precision,
        checkpoint_every=t.count("checkpoint_every", 1, 100), keep_checkpoints=t.count("keep_checkpoints", 1, 3),
        max_loss=t.number("max_loss", None, positive=True) if "max_loss" in t.data else None,
        init_from=t.get("init_from", (str,), None), stages=_stages(t))
    t.done("of the train table; see engine/train/config.py")
    return cfg


def _stages(t: TomlTable) -> tuple[Stage, ...]:
    items = t.get("stages", (list,))
    if not items:
        raise t.fail("stages", "must list at least one stage ([[train.stages]])")
    stages = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise t.fail(f"stages[{i}]", "must be a table ([[train.stages]])")
        s = TomlTable(item, f"train.stages[{i}].", t.file)
        name = s.get("name", (str,))
        if not NAME.match(name):
            raise s.fail("name", f"= '{name}' must be an identifier like pretrain")
        if name in {st.name for st in stages}:
            raise s.fail("name", f"= '{name}' names two stages; stage labels must be unique")
        buckets = s.get("buckets", (list,), list(BUCKETS))
        for b in buckets:
            if b not in BUCKETS:
                raise s.fail("buckets", f"lists {b!r}, which is not one of {', '.join(BUCKETS)}")
        if not buckets or len(set(buckets)) != len(buckets):
            raise s.fail("buckets", f"= {buckets!r} must name at least one bucket, each once")
        given = [k for k in BUDGETS if k in item]
        if len(given) != 1:
            raise s.fail("", f"must set exactly one budget of {', '.join(BUDGETS)}"
                             + (f", not {' and '.join(given)}" if given else ""))
        budget = given[0]
        amount = s.number(budget, 0.0, positive=True) if budget == "epochs" else s.count(budget, 1, 0)
        s.done("of a train stage; see engine/train/config.py")
        stages.append(Stage(name, tuple(buckets), budget, amount))
    return tuple(stages)
