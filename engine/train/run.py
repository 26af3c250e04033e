"""A run directory, and the Trainer for it: what `ck train` and the studio call first.

    trainer = prepare_run("specs/spec01.toml")                     # a new run in WORKSPACE/runs/spec01
    trainer = prepare_run("specs/spec01.toml", run_dir=folder, resume=True)

The run directory (engine/rundir.RunDir, which lists its files) freezes what the run was trained
from when it starts: the spec's exact text (a resume refuses a spec that has changed since), the
tokenizer (a resume loads this one, not today's default), the dataset folder and the sha256 of its
train.jsonl (a resume checks it), and run.json; the dataset is built into it when no --data is given.

A run is refused unless `engine.preflight.require` passes on the workspace's
preflight/<spec>/preflight.json (`ck preflight SPEC.toml` writes it); skip_preflight=True trains
anyway and records that in run.json and in the start event. Under torch.distributed rank 0
prepares the directory and the other ranks wait for it.
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import torch.distributed as dist

from engine.data.rows import read_rows, train_sha256
from engine.data.spec import load_spec
from engine.fileio import InputError, read_json, read_text, write_atomic
from engine.paths import Workspace
from engine.preflight import require
from engine.rundir import RunDir
from engine.train.config import load_train_config
from engine.train.checkpoint import latest_checkpoint
from engine.train.trainer import Trainer


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rank0() -> bool:
    return not dist.is_initialized() or dist.get_rank() == 0


def prepare_run(spec_path: str | Path, run_dir: str | Path | None = None, data: str | Path | None = None, *,
                resume: bool = False, skip_preflight: bool = False, preflight: str | Path | None = None,
                device: str = "cpu", precision: str | None = None, max_steps: int | None = None,
                init_from: str | Path | None = None) -> Trainer:
    """Check the gates, freeze or verify the run directory, and build the Trainer. `init_from`
    (a run folder or a checkpoint sidecar; default the spec's train.init_from) gives the weights a
    new run starts from."""
    from engine.data.spec import spec_tokenizer
    from engine.tokenizer import Tokenizer

    spec_path = Path(spec_path)
    spec = load_spec(spec_path)
    cfg = load_train_config(spec_path, spec)
    run = RunDir(run_dir) if run_dir else Workspace().run(spec.name)
    run_dir = run.folder
    gate = Path(preflight) if preflight else Workspace().preflight(spec_path).verdict
    if not skip_preflight:
        require(gate)
    checked = {"checked": not skip_preflight, "file": str(gate)}

    if resume:
        if not run.info.exists():
            raise InputError(f"{run_dir}: no run to resume (no {run.info.name}); start one without --resume")
        frozen = run.spec
        if _sha(frozen.read_bytes()) != spec.sha256:
            raise InputError(f"{spec_path} differs from the spec this run started with ({frozen}); "
                             "a changed spec is a new run: pass another --run-dir")
        tokenizer = Tokenizer.load(run.tokenizer)
        recorded = read_json(run.dataset)
        data = Path(data) if data else Path(recorded["path"])
        if train_sha256(data) != recorded["train_sha256"]:
            raise InputError(f"{data}/train.jsonl is not the dataset this run trained on "
                             f"(sha256 {recorded['train_sha256'][:12]}, recorded in {run.dataset})")
    else:
        if run.metrics.exists() or run.checkpoints.exists():
            raise InputError(f"{run_dir}: holds a run already; pass --resume to continue it or another --run-dir")
        tokenizer = spec_tokenizer(spec)
        if _rank0():
            if data is None:
                from engine.data.build import build_to

                build_to(spec, run.data)
            write_atomic(run.spec, read_text(spec_path))
            tokenizer.save(run.tokenizer)
            folder = Path(data) if data else run.data
            write_atomic(run.dataset, json.dumps(
                {"path": str(folder.resolve()), "train_sha256": train_sha256(folder)}, indent=1) + "\n")
            write_atomic(run.info, json.dumps(
                {"spec": spec.name, "spec_sha256": spec.sha256, "preflight": checked, "device": device,
                 "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, indent=1) + "\n")
        if dist.is_initialized():
            dist.barrier()
        data = Path(data) if data else run.data
    identity = {"spec_sha256": spec.sha256, "dataset_sha256": train_sha256(data)}
    parent = parent_checkpoint(init_from or cfg.init_from) if (init_from or cfg.init_from) and not resume else None
    return Trainer(cfg, read_rows(data, ("train",)), tokenizer, run_dir, device=device, precision=precision,
                   max_steps=max_steps, resume=resume, identity=identity, init_from=parent,
                   info={"spec": spec.name, "run_dir": str(run_dir), "preflight": checked})


def parent_checkpoint(ref: str | Path) -> Path:
    """The sidecar a fine-tune rung starts from: a checkpoint sidecar (or its .safetensors), or a
    run folder's newest checkpoint. `champion` and run ids name runs of the ledger, which `ck run`
    resolves to their folders before it gets here."""
    path = Path(ref)
    if path.is_file() and path.suffix in (".json", ".safetensors"):
        return path.with_suffix(".json")
    if path.is_dir():
        found = latest_checkpoint(RunDir(path).checkpoints)
        if found is None:
            raise InputError(f"init_from {ref}: the run folder has no checkpoint")
        return found
    raise InputError(f"init_from {ref!r}: not a run folder or a checkpoint here; 'champion' and run ids are "
                     "names in the ledger: `ck run` resolves them, `ck train --init-from` takes a folder or a file")
