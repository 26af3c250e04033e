"""Checkpoints: model and AdamW tensors in safetensors, everything else in a JSON sidecar.

    RUN/checkpoints/step_0000100.safetensors   model/<param>, optim/<param>/{exp_avg,exp_avg_sq,step}
    RUN/checkpoints/step_0000100.json          the sidecar: format, version, step, stage, data cursor,
                                               model and train config, tokenizer / spec / dataset
                                               hashes, RNG states (base64), optimizer groups and
                                               hyperparameters, and the tensor file's sha256, names,
                                               shapes and dtypes

Both files are written atomically (temp file + rename), the tensors first: a sidecar exists only
once its tensors are complete, so the newest sidecar is always a whole checkpoint. Loading checks
the sidecar against its tensor file (hash, names, shapes) and the run's tokenizer hash, and says
which one differs.

    path = save_checkpoint(folder, state)
    state = load_checkpoint(latest_checkpoint(folder), tokenizer_hash=tok.hash)
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors
from torch.overrides import TorchFunctionMode

from engine.fileio import InputError, read_json, write_atomic
from engine.model import ModelConfig, Transformer

FORMAT = "ck-checkpoint"
# Bump when the tensor naming or the sidecar's keys change; an older checkpoint is refused.
VERSION = 1
SIDECAR = re.compile(r"^step_(\d{7})\.json$")
# The sidecar's fields a resume reads, and their JSON types (a field of another type is refused by
# name before anything uses it).
_SIDECAR_TYPES = {"step": int, "stage": str, "tokens": int, "elapsed": (int, float), "model": dict,
                  "train": dict, "identity": dict, "rng": dict, "optimizer": dict, "tensors": dict}


def encode_state(state: torch.Tensor) -> str:
    return base64.b64encode(state.numpy().tobytes()).decode("ascii")


def decode_state(text: str) -> torch.Tensor:
    return torch.frombuffer(bytearray(base64.b64decode(text)), dtype=torch.uint8)


def rng_states() -> dict:
    """torch's CPU and CUDA generator states. A step draws no random numbers today (no dropout;
    the data order derives from seed, stage and epoch), so these make a future dropout resumable."""
    out = {"torch": encode_state(torch.get_rng_state())}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        out["cuda"] = [encode_state(s) for s in torch.cuda.get_rng_state_all()]
    return out


def restore_rng(states: dict) -> None:
    torch.set_rng_state(decode_state(states["torch"]))
    if "cuda" in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([decode_state(s) for s in states["cuda"]])


def model_tensors(model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> dict[str, torch.Tensor]:
    tensors = {f"model/{n}": t.detach().cpu().contiguous() for n, t in model.state_dict().items()}
    names = {id(p): n for n, p in model.named_parameters()}
    for group in optimizer.param_groups:
        for p in group["params"]:
            for key, value in optimizer.state.get(p, {}).items():
                tensors[f"optim/{names[id(p)]}/{key}"] = value.detach().cpu().contiguous()
    return tensors


def optimizer_meta(model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> list[dict]:
    """Each param group's hyperparameters, its parameters by name."""
    names = {id(p): n for n, p in model.named_parameters()}
    return [{**{k: v for k, v in g.items() if k != "params"}, "params": [names[id(p)] for p in g["params"]]}
            for g in optimizer.param_groups]


def save_checkpoint(folder: Path, step: int, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    meta: dict) -> Path:
    """Write step_NNNNNNN.{safetensors,json}; `meta` is the caller's part of the sidecar."""
    tensors = model_tensors(model, optimizer)
    blob = save_tensors(tensors)
    name = f"step_{step:07d}"
    write_atomic(folder / f"{name}.safetensors", blob)
    sidecar = {
        "format": FORMAT, "version": VERSION, "step": step, **meta,
        "rng": rng_states(),
        "optimizer": {"name": type(optimizer).__name__, "groups": optimizer_meta(model, optimizer)},
        "tensors": {"file": f"{name}.safetensors", "sha256": hashlib.sha256(blob).hexdigest(),
                    "names": {k: {"shape": list(t.shape), "dtype": str(t.dtype).removeprefix("torch.")}
                              for k, t in sorted(tensors.items())}},
    }
    path = folder / f"{name}.json"
    write_atomic(path, json.dumps(sidecar, indent=1, sort_keys=True) + "\n")
    return path


def checkpoints(folder: Path) -> list[Path]:
    """Sidecars in step order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if SIDECAR.match(p.name))


def latest_checkpoint(folder: Path) -> Path | None:
    found = checkpoints(folder)
    return found[-1] if found else None


def load_latest_good(folder: Path, tokenizer_hash: str) -> tuple[Path, dict, dict[str, torch.Tensor], list[str]] | None:
    """The newest checkpoint that loads, with what was said of each newer one that did not (a
    kill or a full disk can damage the last write); None when the folder holds no checkpoint.
    InputError when none loads, naming the newest one's fault."""
    found = checkpoints(folder)
    skipped: list[str] = []
    for sidecar in reversed(found):
        try:
            return (sidecar, *load_checkpoint(sidecar, tokenizer_hash), skipped)
        except InputError as e:
            skipped.append(str(e))
    if skipped:
        raise InputError(skipped[0] + (f" (and {len(skipped) - 1} older checkpoints are damaged too)"
                                       if len(skipped) > 1 else ""))
    return None


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove what a kill in the middle of a checkpoint write leaves: temp files, and tensor files
    whose sidecar was never written (save_checkpoint writes the tensors first). Run when a run
    starts, before anything writes there; returns what was removed."""
    if not folder.is_dir():
        return []
    sidecars = {p.stem for p in checkpoints(folder)}
    gone = [p for p in folder.iterdir()
            if (p.name.startswith(".step_") and p.name.endswith(".tmp"))
            or (p.suffix == ".safetensors" and SIDECAR.match(p.stem + ".json") and p.stem not in sidecars)]
    for p in gone:
        p.unlink(missing_ok=True)
    return gone


def prune(folder: Path, keep: int) -> None:
    """Delete all but the newest `keep` checkpoints (sidecar first, so no sidecar lacks tensors)."""
    for sidecar in checkpoints(folder)[:-keep]:
        sidecar.unlink()
        sidecar.with_suffix(".safetensors").unlink(missing_ok=True)


def load_checkpoint(sidecar_path: Path, tokenizer_hash: str) -> tuple[dict, dict[str, torch.Tensor]]:
    """The sidecar and its tensors, after checking that they belong together and to this tokenizer."""
    meta = read_json(sidecar_path)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise InputError(f"{sidecar_path}: not a {FORMAT} sidecar")
    if meta.get("version") != VERSION:
        raise InputError(f"{sidecar_path}: checkpoint version {meta.get('version')} is not {VERSION}")
    missing = [k for k in ("step", "stage", "cursor", "model", "train", "identity", "rng", "optimizer", "tensors")
               if k not in meta]
    if missing:
        raise InputError(f"{sidecar_path}: sidecar lacks {', '.join(missing)}")
    wrong = [f"{k} ({' or '.join(t.__name__ for t in (kind if isinstance(kind, tuple) else (kind,)))})"
             for k, kind in _SIDECAR_TYPES.items()
             if not isinstance(meta.get(k), kind) or isinstance(meta.get(k), bool)]
    if meta.get("cursor") is not None and not isinstance(meta["cursor"], dict):
        wrong.append("cursor (dict or null)")
    if not isinstance(meta["rng"].get("torch") if isinstance(meta.get("rng"), dict) else None, str):
        wrong.append("rng.torch (str)")
    if wrong:
        raise InputError(f"{sidecar_path}: sidecar fields of the wrong type: {', '.join(wrong)}")
    if meta.get("tokenizer_hash") != tokenizer_hash:
        raise InputError(f"{sidecar_path}: trained with tokenizer {str(meta.get('tokenizer_hash'))[:12]}, "
                         f"but this run's tokenizer is {tokenizer_hash[:12]}; ids would mean other tokens")
    listing = meta["tensors"]
    if not (isinstance(listing, dict) and isinstance(listing.get("names"), dict)
            and isinstance(listing.get("sha256"), str)):
        raise InputError(f"{sidecar_path}: its \"tensors\" entry is not a file, sha256 and names")
    own = sidecar_path.with_suffix(".safetensors").name
    if listing.get("file") != own:   # never another path: /dev/zero, another run's weights
        raise InputError(f"{sidecar_path}: a sidecar must name its own tensor file {own}, "
                         f"not {listing.get('file')!r}")
    tensor_path = sidecar_path.parent / own
    try:
        blob = tensor_path.read_bytes()
    except OSError as e:
        raise InputError(f"{sidecar_path}: its tensor file {tensor_path.name} cannot be read: {e.strerror}") from None
    if hashlib.sha256(blob).hexdigest() != meta["tensors"]["sha256"]:
        raise InputError(f"{sidecar_path}: {tensor_path.name} does not match the sha256 in its sidecar "
                         "(a different or damaged tensor file)")
    try:
        tensors = load_tensors(blob)
    except SafetensorError as e:
        raise InputError(f"{tensor_path}: not a safetensors file: {e}") from None
    listed = listing["names"]
    for name in sorted(set(listed) | set(tensors)):
        if name not in tensors or name not in listed:
            raise InputError(f"{sidecar_path}: tensor {name} is {'missing from' if name not in tensors else 'not listed in'} "
                             f"{tensor_path.name if name not in tensors else 'the sidecar'}")
        said = listed[name] if isinstance(listed[name], dict) else {}
        if list(tensors[name].shape) != said.get("shape"):
            raise InputError(f"{sidecar_path}: tensor {name} has shape {list(tensors[name].shape)}, "
                             f"the sidecar says {said.get('shape')}")
        if _dtype(tensors[name]) != said.get("dtype"):
            raise InputError(f"{sidecar_path}: tensor {name} is {_dtype(tensors[name])}, the sidecar says {said.get('dtype')}")
    _check_fits_model(sidecar_path, meta["model"], tensors)
    return meta, tensors


def _dtype(t: torch.Tensor) -> str:
    return str(t.dtype).removeprefix("torch.")


class _SkipInit(TorchFunctionMode):
    """torch.nn.init calls do nothing: a model built only for its shapes is reserved, never filled.

    Not the meta device: its tensors run torch's Python reference ops, whose first call imports
    torch._dynamo (1 s, a third of a cold `ck generate`). Unfilled CPU tensors stay virtual
    memory, so a config too large for the machine is refused by the allocator, not written out."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__module__", None) == "torch.nn.init":
            return args[0] if args else kwargs["tensor"]
        return func(*args, **(kwargs or {}))


def _check_fits_model(sidecar_path: Path, config, tensors: dict[str, torch.Tensor]) -> None:
    """The sidecar's model config must build a model whose weights are exactly these tensors (names,
    shapes, dtypes), and each AdamW moment must have its parameter's shape: anything else would
    fail later, inside torch, with no word of which file is wrong."""
    layers = {k.split(".")[1] for k in tensors if k.startswith("model/layers.")}
    if isinstance(config, dict) and config.get("n_layer") != len(layers):   # before building it, however many
        raise InputError(f"{sidecar_path}: model config says n_layer={config.get('n_layer')!r}, "
                         f"its tensors hold {len(layers)} layers")
    try:
        with _SkipInit():   # shapes and dtypes only: memory reserved, never written
            expected = Transformer(ModelConfig(**config)).state_dict()
    except (TypeError, ValueError, ArithmeticError, RuntimeError) as e:
        raise InputError(f"{sidecar_path}: model config {config!r} builds no model: {e}") from None
    have = {k.removeprefix("model/") for k in tensors if k.startswith("model/")}
    if have != set(expected):
        raise InputError(f"{sidecar_path}: its tensors do not fit the model config: missing "
                         f"{sorted(set(expected) - have)[:3]}, unexpected {sorted(have - set(expected))[:3]}")
    for name, want in expected.items():
        got = tensors[f"model/{name}"]
        if got.shape != want.shape:
            raise InputError(f"{sidecar_path}: tensor model/{name} has shape {list(got.shape)}, which does not "
                             f"fit the model config (it needs {list(want.shape)})")
        if got.dtype != want.dtype:
            raise InputError(f"{sidecar_path}: tensor model/{name} is {_dtype(got)}, the model's is {_dtype(want)}")
    for key, t in tensors.items():
        if key.startswith("optim/"):
            param, _, kind = key.removeprefix("optim/").rpartition("/")
            if param not in expected or (kind != "step" and t.shape != expected[param].shape):
                raise InputError(f"{sidecar_path}: optimizer tensor {key} fits no parameter of the model")


def restore(model: torch.nn.Module, optimizer: torch.optim.Optimizer, meta: dict,
            tensors: dict[str, torch.Tensor]) -> None:
    """Load weights, AdamW moments and group hyperparameters into a freshly built model/optimizer."""
    want = set(model.state_dict())
    have = {k.removeprefix("model/") for k in tensors if k.startswith("model/")}
    if want != have:
        raise InputError(f"checkpoint parameters differ from the model's: missing {sorted(want - have)[:3]}, "
                         f"unexpected {sorted(have - want)[:3]}")
    model.load_state_dict({k: tensors[f"model/{k}"] for k in want})
    groups = meta["optimizer"]["groups"]
    if [g["params"] for g in groups] != [g["params"] for g in optimizer_meta(model, optimizer)]:
        raise InputError("checkpoint optimizer groups hold other parameters than this run's")
    # torch's optimizer state dict names parameters by position over the groups in order
    index = {n: i for i, n in enumerate(n for g in groups for n in g["params"])}
    state = {}
    for name, i in index.items():
        keys = [k for k in tensors if k.startswith(f"optim/{name}/")]
        if keys:
            state[i] = {k.rsplit("/", 1)[1]: tensors[k] for k in keys}
    optimizer.load_state_dict({"state": state, "param_groups": [
        {**{k: tuple(v) if k == "betas" else v for k, v in g.items() if k != "params"},
         "params": [index[n] for n in g["params"]]} for g in groups]})
