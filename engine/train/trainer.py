"""The training loop: a Trainer whose run() yields an event (engine/events.py) per thing that happened.

    trainer = Trainer(cfg, rows, tokenizer, run_dir)       # builds the model; resume=True loads
    trainer.subscribe(print)                               # callables get every event too
    for event in trainer.run(stop_event):                  # threading.Event; set it to stop
        logged(event)["event"]                             # "start", "step", ... as below

start, stage, step and checkpoint are Progress events (done: the steps trained, total: the run's
steps), stopped and finished the run's Result; each carries its record, the dict below, which is
also its line of RUN/metrics.jsonl (written by rank 0):

    start       step, total_steps, stages (first/last step, rows, windows, fill rate), params,
                model, train, device, precision, world, resumed, plus the caller's `info`
    stage       step (the first step of the stage), stage
    step        step (1 = after the first update), stage, epoch, loss (mean over the global batch's
                target tokens), grad_norm (global, before clipping), grad_norms (per layer group:
                embeddings, layers.i.attn, layers.i.mlp, final_norm), lr, tokens (cumulative,
                non-padding), tokens_per_s (this step), elapsed (s, over every session of the run)
    checkpoint  step, stage, path
    stopped     step, reason: requested | max_steps (a checkpoint was written first)
    finished    step (the last), loss

Every step runs: the global batch from the curriculum (a pure function of the step), this rank's
shard of it in micro-batches, sum of token losses / global target tokens (x world size, since DDP
averages gradients: ranks with fewer targets weigh exactly what they would in one process),
gradient norms by group, global-norm clip, the scheduled LR, fused AdamW.

Determinism: weights are initialised from the seed inside a forked RNG; the data order derives from
(seed, stage, epoch); on CPU torch.use_deterministic_algorithms is on during run(). A run stopped
at step k and resumed gives the same losses and weights, bit for bit, as one that never stopped
(tests/test_train.py), given the same thread count.

Precision: "bf16" runs forward and backward under torch.autocast(bfloat16) (weights, AdamW state and
the loss stay float32). Tolerance: the first step's loss is within 2e-2 of float32's (bfloat16 has
8 bits of mantissa, ~4e-3 relative per rounding); tests/test_train.py checks it.
"""
from __future__ import annotations

import contextlib
import json
import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F

from engine.events import Event, Progress, Result, producer
from engine.fileio import InputError, read_text, write_atomic
from engine.model import SIZES, Transformer
from engine.rundir import RunDir
from engine.train.checkpoint import (
    clean_leftovers,
    load_checkpoint,
    load_latest_good,
    prune,
    restore,
    restore_rng,
    save_checkpoint,
)
from engine.train.config import PRECISIONS, TrainConfig
from engine.train.data import IGNORE, Batch, Curriculum, segments
from engine.train.optim import clip_, grad_norms, lr_at, make_optimizer

JOB = "train"
ENDS = ("stopped", "finished", "diverged")   # the records that end a run: its Result


def logged(event: Progress | Result) -> dict:
    """What a trainer's event logged: its record, the line of metrics.jsonl."""
    return event.data if isinstance(event, Progress) else event.value


def divergence(loss: float, grad_norm: float, max_loss: float | None) -> str | None:
    """Why a step must not be taken, or None: a NaN or infinite loss or gradient, or a loss over
    the spec's bound. Taking it would write NaN into the weights and every checkpoint after."""
    if not math.isfinite(loss):
        return f"loss is {loss}"
    if not math.isfinite(grad_norm):
        return f"gradient norm is {grad_norm}"
    if max_loss is not None and loss > max_loss:
        return f"loss {loss:.4g} is over the spec's max_loss {max_loss:g}"
    return None


def _summary(end: dict) -> str:
    return f"{end['event']} at step {end['step']}" + (f" ({end['reason']})" if "reason" in end else "")


def _jsonable(cfg: TrainConfig) -> dict:
    return json.loads(json.dumps(cfg.to_dict()))


class Trainer:
    def __init__(self, cfg: TrainConfig, rows: Sequence, tokenizer, run_dir: str | Path | None = None, *,
                 device: str = "cpu", precision: str | None = None, max_steps: int | None = None,
                 resume: bool = False, identity: dict | None = None, info: dict | None = None,
                 init_from: Path | None = None):
        """`identity` (spec_sha256, dataset_sha256, ...) goes into every checkpoint and must match on
        resume; `info` is added to the start event. Under torch.distributed, every rank builds a
        Trainer with the same arguments; only rank 0 writes."""
        if precision is not None:
            if precision not in PRECISIONS:
                raise InputError(f"precision {precision!r} is not one of {', '.join(PRECISIONS)}")
            cfg = replace(cfg, precision=precision)
        self.cfg = cfg
        self.tokenizer = tokenizer
        self.run_dir = RunDir(run_dir) if run_dir is not None else None
        self.device = torch.device(device)
        if self.device.type == "cuda" and not torch.cuda.is_available():
            raise InputError("--device cuda: torch sees no CUDA device here")
        if cfg.precision == "bf16" and self.device.type == "cuda" and not torch.cuda.is_bf16_supported():
            raise InputError("--precision bf16: this GPU has no bfloat16 support; use fp32")
        self.max_steps = max_steps
        self.identity = identity or {}
        self.info = info or {}
        self.rank, self.world = (dist.get_rank(), dist.get_world_size()) if dist.is_initialized() else (0, 1)
        if cfg.batch % self.world:
            raise InputError(f"train.batch = {cfg.batch} does not split over {self.world} ranks")
        self.data = Curriculum(cfg, rows, tokenizer)
        self.model_cfg = replace(SIZES[cfg.size].with_vocab(len(tokenizer)), ctx=cfg.ctx)
        with torch.random.fork_rng(devices=[]):     # the same init on every rank and every run
            torch.manual_seed(cfg.seed)
            self.model = Transformer(self.model_cfg)
        self.model.to(self.device)
        self.optimizer = make_optimizer(self.model, cfg)
        self.net = self.model
        if self.world > 1:
            from torch.nn.parallel import DistributedDataParallel

            ids = [self.device.index] if self.device.type == "cuda" else None
            self.net = DistributedDataParallel(self.model, device_ids=ids)
        self.step, self.tokens, self.elapsed = 0, 0, 0.0
        self.stage: str | None = None
        self.resumed_from: Path | None = None
        self.notices: list[str] = []   # said in the start event: leftovers removed, damaged checkpoints passed over
        self._subscribers: list[Callable[[Event], None]] = []
        self._saved_at = -1
        if self.writes:
            self.notices += [f"removed {p.name}, left by an interrupted checkpoint write"
                             for p in clean_leftovers(self.run_dir.checkpoints)]
        self.parent: dict | None = None   # the checkpoint a fine-tune rung started from
        if resume:
            self._resume()
        elif init_from is not None:
            self._start_from(Path(init_from))

    # ---- events -------------------------------------------------------------------------------

    @property
    def writes(self) -> bool:
        return self.rank == 0 and self.run_dir is not None

    def subscribe(self, callback: Callable[[Event], None]) -> None:
        self._subscribers.append(callback)

    def _emit(self, record: dict) -> Event:
        if self.writes:
            with open(self.run_dir.metrics, "a", encoding="utf-8") as f:
                f.write(json.dumps(record, sort_keys=True, allow_nan=False) + "\n")   # strict JSON, always
        event = (Result(JOB, _summary(record), record) if record["event"] in ENDS
                 else Progress(JOB, self.step, self.data.total, record["event"], record))
        for callback in self._subscribers:
            callback(event)
        return event

    # ---- the loop -----------------------------------------------------------------------------

    @producer(JOB)
    def run(self, stop: threading.Event | None = None) -> Iterator[Event]:
        """Train to the end of the curriculum (or max_steps, or until `stop` is set), yielding events.
        A stop request is seen before each step, so at most the step in flight completes."""
        previous = torch.are_deterministic_algorithms_enabled()
        if self.device.type == "cpu":
            torch.use_deterministic_algorithms(True, warn_only=True)
        try:
            yield from self._run(stop)
        finally:
            torch.use_deterministic_algorithms(previous)

    def _run(self, stop: threading.Event | None) -> Iterator[Event]:
        if self.writes:
            self.run_dir.checkpoints.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter() - self.elapsed
        yield self._emit({
            "event": "start", "step": self.step, "total_steps": self.data.total,
            "stages": self.data.boundaries(), "params": self.model.num_params(),
            "model": self.model_cfg.to_dict(), "train": _jsonable(self.cfg), "device": str(self.device),
            "precision": self.cfg.precision, "world": self.world,
            "resumed": str(self.resumed_from) if self.resumed_from else None, "notices": self.notices,
            **self.info})
        while self.step < self.data.total:
            reason = self._stop_reason(stop)
            if reason:
                yield from self._checkpoint(began)
                yield self._emit({"event": "stopped", "step": self.step, "reason": reason})
                return
            batch = self.data.batch(self.step)
            if batch.stage != self.stage:
                self.stage = batch.stage
                yield self._emit({"event": "stage", "step": self.step + 1, "stage": batch.stage})
            record = self._train_step(batch, began)
            yield self._emit(record)
            if record["event"] == "diverged":   # nothing of it is saved: the last checkpoint is the last finite state
                return
            if self.step % self.cfg.checkpoint_every == 0 or self.step == self.data.total:
                yield from self._checkpoint(began)
        yield self._emit({"event": "finished", "step": self.step, "stage": self.stage})

    def _stop_reason(self, stop: threading.Event | None) -> str | None:
        if self.max_steps is not None and self.step >= self.max_steps:
            return "max_steps"
        requested = stop is not None and stop.is_set()
        if self.world > 1:     # every rank stops at the same step, or DDP would hang
            flag = torch.tensor([int(requested)], device=self.device)
            dist.all_reduce(flag, op=dist.ReduceOp.MAX)
            requested = bool(flag.item())
        return "requested" if requested else None

    def _shard(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        per = self.cfg.batch // self.world
        rows = slice(self.rank * per, (self.rank + 1) * per)
        return batch.inputs[rows].to(self.device), batch.labels[rows].to(self.device)

    def _train_step(self, batch: Batch, began: float) -> dict:
        t0 = time.perf_counter()
        lr = lr_at(self.cfg, self.step, self.data.total)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        inputs, labels = self._shard(batch)
        scale = self.world / batch.targets
        loss_sum = torch.zeros((), device=self.device)
        chunks = list(zip(inputs.split(self.cfg.micro_batch), labels.split(self.cfg.micro_batch)))
        for i, (x, y) in enumerate(chunks):
            last = i == len(chunks) - 1
            sync = contextlib.nullcontext() if last or self.world == 1 else self.net.no_sync()
            with sync:
                with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.cfg.precision == "bf16"):
                    logits, _ = self.net(x, segments=segments(x, self.data.bos_id, self.data.pad_id))
                loss = F.cross_entropy(logits.float().flatten(0, 1), y.flatten(), ignore_index=IGNORE,
                                       reduction="sum")
                (loss * scale).backward()
            loss_sum += loss.detach()
        if self.world > 1:
            dist.all_reduce(loss_sum)
        norms = grad_norms(self.model)
        total_norm = clip_(self.model, norms, self.cfg.grad_clip)
        loss = loss_sum.item() / batch.targets
        why = divergence(loss, total_norm, self.cfg.max_loss)
        if why is None:
            self.optimizer.step()
            if not all(bool(torch.isfinite(p).all()) for p in self.model.parameters()):
                why = "the update made a weight NaN or infinite"
        self.optimizer.zero_grad(set_to_none=True)
        if why is not None:
            return {"event": "diverged", "step": self.step + 1, "stage": batch.stage, "reason": why,
                    "last_checkpoint": self._saved_at if self._saved_at >= 0 else None}
        self.step += 1
        real = int((batch.inputs != self.data.pad_id).sum())
        self.tokens += real
        now = time.perf_counter()
        self.elapsed = now - began
        return {"event": "step", "step": self.step, "stage": batch.stage, "epoch": batch.cursor["epoch"],
                "loss": loss, "grad_norm": total_norm, "grad_norms": norms,
                "lr": lr, "tokens": self.tokens, "tokens_per_s": real / max(now - t0, 1e-9),
                "elapsed": round(self.elapsed, 3)}

    # ---- checkpoints --------------------------------------------------------------------------

    def _checkpoint(self, began: float) -> Iterator[Event]:
        if self._saved_at == self.step:
            return
        self._saved_at = self.step
        if not self.writes:
            return
        folder = self.run_dir.checkpoints
        self.elapsed = time.perf_counter() - began
        meta = {"stage": self.stage, "cursor": self._cursor(), "tokens": self.tokens, "elapsed": self.elapsed,
                "model": self.model_cfg.to_dict(), "train": _jsonable(self.cfg),
                "tokenizer_hash": self.tokenizer.hash, "identity": self.identity, "parent": self.parent}
        path = save_checkpoint(folder, self.step, self.model, self.optimizer, meta)
        prune(folder, self.cfg.keep_checkpoints)
        yield self._emit({"event": "checkpoint", "step": self.step, "stage": self.stage, "path": str(path)})

    def _cursor(self) -> dict | None:
        """Where the next step's batch begins (None at the end): checked again on resume."""
        if self.step >= self.data.total:
            return None
        i, local = self.data.locate(self.step)
        _, where = self.data.stages[i].windows(local * self.cfg.batch, 0)
        return {"stage": self.data.stages[i].stage.name, "stage_step": local, **where}

    def _start_from(self, sidecar: Path) -> None:
        """A fine-tune rung: the parent's weights, a fresh optimizer and schedule. The parent must
        share this run's tokenizer (checked by load_checkpoint) and model size."""
        meta, tensors = load_checkpoint(sidecar, self.tokenizer.hash)
        theirs, mine = meta["model"], self.model_cfg.to_dict()
        if theirs != mine:
            changed = ", ".join(f"{k} {theirs.get(k)} (this run: {mine.get(k)})" for k in sorted(mine)
                                if theirs.get(k) != mine.get(k))
            raise InputError(f"init_from {sidecar}: its model differs from this run's: {changed}; "
                             "a fine-tune rung keeps the model")
        self.model.load_state_dict({k.removeprefix("model/"): t for k, t in tensors.items() if k.startswith("model/")})
        self.parent = {"checkpoint": str(sidecar), "step": meta["step"], "spec_sha256": meta["identity"].get("spec_sha256")}
        self.info = {**self.info, "init_from": self.parent}

    def _resume(self) -> None:
        folder = self.run_dir.checkpoints if self.run_dir else None
        good = load_latest_good(folder, self.tokenizer.hash) if folder else None
        if good is None:
            if folder is None or not self.run_dir.folder.is_dir():
                raise InputError(f"{folder}: no checkpoint to resume from")
            # Stopped before its first checkpoint (killed, say): the run starts over, and since the
            # init and the data order are seeded it is the run it would have been.
            if self.writes:
                _truncate_metrics(self.run_dir.metrics, 0)
            return
        sidecar, meta, tensors, skipped = good
        self.notices += [f"passed over a damaged checkpoint: {why}" for why in skipped]
        if meta["model"] != self.model_cfg.to_dict():
            raise InputError(f"{sidecar}: model {meta['model']} is not this run's {self.model_cfg.to_dict()}")
        mine = _jsonable(replace(self.cfg, precision=meta["train"].get("precision", self.cfg.precision)))
        changed = sorted(k for k in set(mine) | set(meta["train"]) if mine.get(k) != meta["train"].get(k))
        if changed:
            raise InputError(f"{sidecar}: the [train] table changed since this checkpoint ({', '.join(changed)}); "
                             "resuming would follow another schedule: start a new run")
        for key, value in self.identity.items():
            if meta["identity"].get(key) != value:
                raise InputError(f"{sidecar}: {key} {str(meta['identity'].get(key))[:12]} differs from "
                                 f"this run's {str(value)[:12]}")
        try:
            restore(self.model, self.optimizer, meta, tensors)
            restore_rng(meta["rng"])
        except (KeyError, TypeError, ValueError, RuntimeError) as e:   # a sidecar whose hash checks out but whose state does not
            raise InputError(f"{sidecar}: its optimizer or random state cannot be restored: {e}") from None
        self.step, self.tokens, self.elapsed = meta["step"], meta["tokens"], meta["elapsed"]
        self.stage, self._saved_at, self.resumed_from = meta["stage"], meta["step"], sidecar
        if isinstance(meta.get("parent"), dict):   # a fine-tune rung stays one when resumed
            self.parent = meta["parent"]
            self.info = {**self.info, "init_from": self.parent}
        if meta["cursor"] != self._cursor():
            raise InputError(f"{sidecar}: the data stream moved (cursor {meta['cursor']} is now "
                             f"{self._cursor()}): the dataset or packing changed")
        if self.writes:
            _truncate_metrics(self.run_dir.metrics, self.step)


def _truncate_metrics(path: Path, step: int) -> None:
    """Drop the events logged after the checkpoint being resumed, so the curve has no repeated steps,
    and a last line torn by a kill in the middle of its write."""
    if not path.exists():
        return
    keep = []
    for line in read_text(path).splitlines(keepends=True):
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        at = event.get("step", 0) if isinstance(event, dict) else None
        if isinstance(at, int) and at <= step:   # a line that is no event of ours goes with the torn ones
            keep.append(line if line.endswith("\n") else line + "\n")
    write_atomic(path, "".join(keep))
