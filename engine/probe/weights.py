"""A run's trained model for probing: its frozen tokenizer and a checkpoint's weights.

    trained = load_trained("out/runs/spec01")                  # the newest checkpoint
    trained = load_trained(run_dir, "checkpoints/step_0000300.json")
    trained.model, trained.tokenizer, trained.step, trained.spec
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.fileio import InputError, read_json
from engine.model.model import ModelConfig, Transformer
from engine.tokenizer import Tokenizer
from engine.train.checkpoint import latest_checkpoint, load_checkpoint
from engine.train.trainer import CHECKPOINTS


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
        found = latest_checkpoint(run_dir / CHECKPOINTS)
        if found is None:
            raise InputError(f"{run_dir}: no checkpoint in {run_dir / CHECKPOINTS} (train the run first)")
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
    if not (run_dir / "tokenizer.json").exists():
        raise InputError(f"{run_dir}: not a run directory (no tokenizer.json; start one with `ck train`)")
    tokenizer = Tokenizer.load(run_dir / "tokenizer.json")
    sidecar = resolve_checkpoint(run_dir, checkpoint)
    meta, tensors = load_checkpoint(sidecar, tokenizer.hash)
    model = Transformer(ModelConfig(**meta["model"]))
    weights = {k.removeprefix("model/"): t for k, t in tensors.items() if k.startswith("model/")}
    missing, unexpected = model.load_state_dict(weights, strict=False)
    if missing or unexpected:
        raise InputError(f"{sidecar}: checkpoint tensors do not fit the model: missing {missing[:3]}, "
                         f"unexpected {unexpected[:3]}")
    model.eval()
    run = read_json(run_dir / "run.json") if (run_dir / "run.json").exists() else {}
    return Trained(model, tokenizer, sidecar, int(meta["step"]), str(run.get("spec", "")))
