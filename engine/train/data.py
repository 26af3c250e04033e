"""Dataset rows -> packed token windows -> the batch of every step, as a pure function of the step.

A row is `bos + encode(prompt) + encode(target) + eos`. Rows are packed whole (never cut: the
second half of a cut scene would be trained without its prompt) into windows of ctx + 1 tokens;
the model reads window[:-1] and is scored on window[1:]. The label of a position is the next token
when that token is a target token or the row's eos, and -100 (ignored by the loss) for prompt
tokens, for the bos that starts the next row, and for padding. The data contract is one rule
(engine/tokenizer/fit.py), asked by the builder, QC and canary too: prompt + target + eos <= ctx,
which is exactly "the row fits a window".

    bos  p1  p2  t1  t2  eos | bos  q1 ...  pad
    in:  bos p1  p2  t1  t2  eos  bos ...
    y:   -   -   t1  t2  eos -    -   ...          (- is -100)

Rows in one window do not see each other: `segments` numbers the rows of a window (each bos
starts one; padding is 0) and the model attends within a row only, at positions counted from the
row's start, and skips the padding. With plain causal packing the copy of a prompt's [layout:L] had
the earlier rows' layouts to confuse it with, and the model learnt to guess the layout from the
canvas instead (spec01: 31 of 40 dashboard_cards train rows answered table_matrix under teacher
forcing); a probe decodes one row alone, so training does too. Fill rate on spec01 is about 0.89
(seed: "Verify token packing fill rate (>0.85)").

Order: each stage's rows are shuffled per epoch by a Random seeded with (seed, stage, epoch),
packed first-fit in that order, and the windows shuffled again; epochs are laid end to end and
step k of a stage takes windows [k*batch, (k+1)*batch) of that stream. Nothing depends on state,
so a resumed run, or any DDP rank, rebuilds the same batch from the step number alone.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from engine.data.rows import Row
from engine.fileio import InputError
from engine.tokenizer.fit import fits, row_tokens
from engine.train.config import Stage, TrainConfig

IGNORE = -100


@dataclass(frozen=True)
class Encoded:
    """One row's tokens and how many of them (bos + prompt) are context, not target."""
    row_id: str
    ids: tuple[int, ...]
    context: int


def encode_rows(rows: Sequence[Row], tokenizer, ctx: int) -> list[Encoded]:
    out = []
    for r in rows:
        prompt, target = tokenizer.encode(r.prompt), tokenizer.encode(r.target)
        length = row_tokens(len(prompt), len(target))
        if not fits(length, ctx):
            raise InputError(f"row {r.id}: prompt + target + eos is {length} tokens, over ctx {ctx}; "
                             "QC (`ck data qc`) rejects such rows: rebuild the dataset")
        out.append(Encoded(r.id, (tokenizer.bos_id, *prompt, *target, tokenizer.eos_id), 1 + len(prompt)))
    return out


def pack(lengths: Sequence[int], capacity: int) -> list[list[int]]:
    """First-fit: each item (by index, in the given order) goes into the first window it fits.

    >>> pack([5, 4, 3, 2], capacity=7)
    [[0, 3], [1, 2]]
    """
    windows: list[list[int]] = []
    free: list[int] = []
    for i, n in enumerate(lengths):
        for w, room in enumerate(free):
            if n <= room:
                windows[w].append(i)
                free[w] -= n
                break
        else:
            windows.append([i])
            free.append(capacity - n)
    return windows


def window_tensors(rows: Sequence[Encoded], ctx: int, pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """One window's inputs and labels, each (ctx,) int64."""
    tokens = [pad_id] * (ctx + 1)
    labels = [IGNORE] * (ctx + 1)
    at = 0
    for r in rows:
        n = len(r.ids)
        tokens[at:at + n] = r.ids
        labels[at + r.context:at + n] = r.ids[r.context:]
        at += n
    return torch.tensor(tokens[:-1]), torch.tensor(labels[1:])


def segments(inputs: torch.Tensor, bos_id: int, pad_id: int) -> torch.Tensor:
    """(B, T) row number of every position of packed windows, 0 for padding: each bos starts the
    next row (the model's `segments`: it skips the padding and attends within each row).

    >>> segments(torch.tensor([[1, 5, 6, 1, 7, 0, 0]]), bos_id=1, pad_id=0).tolist()
    [[1, 1, 1, 2, 2, 0, 0]]
    """
    return torch.cumsum(inputs == bos_id, dim=-1) * (inputs != pad_id)


class StageData:
    """One stage's rows and its epochs of packed windows (each a list of rows)."""

    def __init__(self, stage: Stage, rows: list[Encoded], cfg: TrainConfig):
        if not rows:
            raise InputError(f"stage {stage.name}: the dataset's train split has no rows of "
                             f"{', '.join(stage.buckets)}")
        self.stage, self.rows, self.cfg = stage, rows, cfg
        self._epochs: dict[int, list[list[Encoded]]] = {}
        self._sizes: dict[int, int] = {}    # windows per epoch, kept for every epoch seen

    def epoch(self, e: int) -> list[list[Encoded]]:
        if e not in self._epochs:
            rng = random.Random(f"{self.cfg.seed}:{self.stage.name}:{e}")
            order = list(self.rows)
            rng.shuffle(order)
            windows = [[order[i] for i in w] for w in pack([len(r.ids) for r in order], self.cfg.ctx + 1)]
            rng.shuffle(windows)
            if len(self._epochs) > 2:   # a run walks epochs forward; keep memory flat
                self._epochs.pop(min(self._epochs))
            self._epochs[e] = windows
            self._sizes[e] = len(windows)
        return self._epochs[e]

    def size(self, e: int) -> int:
        return self._sizes[e] if e in self._sizes else len(self.epoch(e))

    def fill_rate(self) -> float:
        windows = self.epoch(0)
        return sum(len(r.ids) for w in windows for r in w) / (len(windows) * (self.cfg.ctx + 1))

    def windows(self, start: int, count: int) -> tuple[list[list[Encoded]], dict]:
        """`count` windows from position `start` of the epoch stream, and where they begin."""
        e, offset = 0, start
        while offset >= self.size(e):
            offset -= self.size(e)
            e += 1
        cursor = {"epoch": e, "window": offset}
        out = []
        while len(out) < count:
            windows = self.epoch(e)
            take = windows[offset:offset + count - len(out)]
            out += take
            offset += len(take)
            if offset == len(windows):
                e, offset = e + 1, 0
        return out, cursor


@dataclass(frozen=True)
class Batch:
    step: int                   # global step index, from 0
    stage: str
    cursor: dict                # stage, stage_step, epoch, window: where the batch begins
    inputs: torch.Tensor        # (batch, ctx)
    labels: torch.Tensor        # (batch, ctx), IGNORE where not scored

    @property
    def targets(self) -> int:
        return int((self.labels != IGNORE).sum())


class Curriculum:
    """The stages laid end to end: `batch(step)` is the global batch of any step.

    Each stage's length in steps is fixed up front from its budget, so the LR schedule spans the
    whole run and every step's stage label is known before it runs.
    """

    def __init__(self, cfg: TrainConfig, rows: Sequence[Row], tokenizer):
        self.cfg = cfg
        self.pad_id, self.bos_id = tokenizer.pad_id, tokenizer.bos_id
        encoded = encode_rows([r for r in rows if r.split == "train"], tokenizer, cfg.ctx)
        buckets = {r.id: r.bucket for r in rows}
        self.stages = [StageData(s, [e for e in encoded if buckets[e.row_id] in s.buckets], cfg)
                       for s in cfg.stages]
        self.steps = [s.stage.steps(len(s.epoch(0)), cfg.batch, cfg.ctx) for s in self.stages]
        self.total = sum(self.steps)

    def locate(self, step: int) -> tuple[int, int]:
        """(stage index, step within the stage) of a global step."""
        for i, n in enumerate(self.steps):
            if step < n:
                return i, step
            step -= n
        raise IndexError(f"step past the end of the curriculum ({self.total} steps)")

    def boundaries(self) -> list[dict]:
        out, start = [], 0
        for s, n in zip(self.stages, self.steps):
            out.append({"stage": s.stage.name, "first_step": start + 1, "last_step": start + n,
                        "rows": len(s.rows), "windows_per_epoch": len(s.epoch(0)),
                        "fill_rate": round(s.fill_rate(), 4)})
            start += n
        return out

    def batch(self, step: int) -> Batch:
        i, local = self.locate(step)
        data = self.stages[i]
        windows, cursor = data.windows(local * self.cfg.batch, self.cfg.batch)
        pairs = [window_tensors(w, self.cfg.ctx, self.pad_id) for w in windows]
        return Batch(step, data.stage.name, {"stage": data.stage.name, "stage_step": local, **cursor},
                     torch.stack([p[0] for p in pairs]), torch.stack([p[1] for p in pairs]))
