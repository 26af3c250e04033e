"""SGD and AdamW for the CK engine, over dicts of numpy arrays, updated in place.

AdamW follows torch.optim.AdamW (Loshchilov & Hutter, decoupled weight decay) operation by
operation, so float32 rounding matches it closely: decay, moment updates, bias correction,
eps added after the corrected square root. The state is a plain dict (step, m, v) that a
checkpoint saves as arrays.

    state = adamw_init(params)
    adamw_step(params, grads, state, lr=1e-3, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
"""
from __future__ import annotations

import math

import numpy as np


def sgd_step(params, grads, lr):
    for name, p in params.items():
        p -= lr * grads[name]


def adamw_init(params) -> dict:
    return {"step": 0,
            "m": {k: np.zeros_like(p) for k, p in params.items()},
            "v": {k: np.zeros_like(p) for k, p in params.items()}}


def adamw_step(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    beta1, beta2 = betas
    state["step"] += 1
    t = state["step"]
    step_size = lr / (1 - beta1 ** t)
    bias2_sqrt = math.sqrt(1 - beta2 ** t)
    for name, p in params.items():
        g, m, v = grads[name], state["m"][name], state["v"][name]
        p *= 1 - lr * weight_decay                       # decoupled: decay does not enter m or v
        m += (1 - beta1) * (g - m)                       # torch's lerp(m, g, 1 - beta1)
        v *= beta2
        v += (1 - beta2) * g * g
        p -= step_size * (m / (np.sqrt(v) / bias2_sqrt + eps))
