"""CK checkpoints: parameters and AdamW state in one .npz, read back without pickle.

    save(path, params, state)            # state from optim.adamw_init (or None for SGD)
    params, state = load(path)

Keys: param/NAME, m/NAME, v/NAME, step. np.load(allow_pickle=False) refuses anything but plain
arrays, so a checkpoint cannot run code when it is read.
"""
from __future__ import annotations

import numpy as np


def save(path, params, state=None) -> None:
    arrays = {f"param/{k}": v for k, v in params.items()}
    if state is not None:
        arrays |= {f"m/{k}": v for k, v in state["m"].items()}
        arrays |= {f"v/{k}": v for k, v in state["v"].items()}
        arrays["step"] = np.asarray(state["step"], dtype=np.int64)
    np.savez(path, **arrays)


def load(path):
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    part = lambda prefix: {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
    state = None
    if "step" in arrays:
        state = {"step": int(arrays["step"]), "m": part("m/"), "v": part("v/")}
    return part("param/"), state
