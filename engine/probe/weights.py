"""A run's trained model for probing: its frozen tokenizer and a checkpoint's weights.

    trained = load_trained(run_dir)                            # the newest checkpoint
    trained = load_trained(run_dir, "checkpoints/step_0000300.json")
    trained.model, trained.tokenizer, trained.step, trained.spec
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.fileio import InputError, read_json
from engine.model.model import ModelConfig, Transformer
from engine.rundir import RunDir
from engine.tokenizer import Tokenizer
from engine.train.checkpoint import latest_checkpoint, load_checkpoint


@dataclass(frozen=True)
class Trained:
    model: Transformer
    tokenizer: Tokenizer
    checkpoint: Path
    step: int
    spec: str


def resolve_checkpoint(run_dir: Path, checkpoint: str | Path | None) -> Path:
    """The sidecar to load: the given one (a sidecar or its .safetensors, relative to the run or
    not), or the run's newest."""
    if checkpoint is None:
        folder = RunDir(run_dir).checkpoints
        found = latest_checkpoint(folder)
        if found is None:
            raise InputError(f"{run_dir}: no checkpoint in {folder} (train the run first)")
        return found
    path = Path(checkpoint)
    if not path.exists() and (run_dir / path).exists():
        path = run_dir / path
    path = path.with_suffix(".json")
    if not path.exists():
        raise InputError(f"{checkpoint}: no such checkpoint sidecar")
    return path


def load_trained(run_dir: str | Path, checkpoint: str | Path | None = None) -> Trained:
    run_dir = Path(run_dir)
    files = RunDir(run_dir)
    if not files.tokenizer.exists():
        raise InputError(f"{run_dir}: not a run directory (no {files.tokenizer.name}; start one with `ck train`)")
    tokenizer = Tokenizer.load(files.tokenizer)
    sidecar = resolve_checkpoint(run_dir, checkpoint)
    meta, tensors = load_checkpoint(sidecar, tokenizer.hash)
    model = Transformer(ModelConfig(**meta["model"]))
    weights = {k.removeprefix("model/"): t for k, t in tensors.items() if k.startswith("model/")}
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if missing or unexpected:
        raise InputError(f"{sidecar}: checkpoint tensors do not fit the model: missing {missing[:3]}, "
                         f"unexpected {unexpected[:3]}")
    model.eval()
    run = read_json(files.info) if files.info.exists() else {}
    return Trained(model, tokenizer, sidecar, int(meta["step"]), str(run.get("spec", "")))
