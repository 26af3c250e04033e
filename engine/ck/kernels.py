"""The CK kernels: numpy forward/backward pairs for every operation of the transformer.

Each operation is a pair side by side (llm.c's habit): `x_forward(...) -> (out, cache)` and
`x_backward(dout, cache) -> gradients`. They compute in the dtype of their inputs (float32 or
float64) and never call torch: this is the independent reference engine/model/model.py is
checked against (issue 5, "CK reference engine"; seed: "Parity regimen").

Shapes: B batch, T positions, C model width, H query heads, KV key/value heads, G = H / KV
queries per key/value head, hd head width, V vocabulary.

    out, cache = rmsnorm_forward(x, weight, 1e-6)
    dx, dweight = rmsnorm_backward(dout, cache)
"""
from __future__ import annotations

import math

import numpy as np

# ---- embedding: token ids -> rows of the table --------------------------------------------------

def embedding_forward(idx, weight):
    """idx (B, T) int, weight (V, C) -> (B, T, C)."""
    return weight[idx], (idx, weight.shape)


def embedding_backward(dout, cache):
    """-> dweight (V, C): rows of repeated tokens add up."""
    idx, shape = cache
    dweight = np.zeros(shape, dtype=dout.dtype)
    np.add.at(dweight, idx.reshape(-1), dout.reshape(-1, shape[1]))
    return dweight


# ---- RMSNorm: x / sqrt(mean(x^2) + eps) * weight ------------------------------------------------

def rmsnorm_forward(x, weight, eps):
    """x (..., C), weight (C,) -> (..., C)."""
    rstd = 1.0 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)   # (..., 1)
    xhat = x * rstd
    return xhat * weight, (xhat, rstd, weight)


def rmsnorm_backward(dout, cache):
    """-> dx (..., C), dweight (C,)."""
    xhat, rstd, weight = cache
    dweight = (dout * xhat).reshape(-1, xhat.shape[-1]).sum(axis=0)
    dxhat = dout * weight
    # xhat = x * rstd(x): the mean term is the gradient through rstd
    dx = rstd * (dxhat - xhat * np.mean(dxhat * xhat, axis=-1, keepdims=True))
    return dx, dweight


# ---- rotary position embedding (rotate-half, as engine/model/model.py) -------------------------

def rope_tables(head_dim, length, theta, dtype=np.float32):
    """cos, sin (length, head_dim): computed in float64 as model.rope_tables, then cast."""
    inv = 1.0 / theta ** (np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)
    angles = np.outer(np.arange(length, dtype=np.float64), inv)                  # (T, hd/2)
    emb = np.concatenate([angles, angles], axis=-1)                              # (T, hd)
    return np.cos(emb).astype(dtype), np.sin(emb).astype(dtype)


def _rotate_half(x):
    half = x.shape[-1] // 2
    return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)


def rope_forward(x, cos, sin):
    """x (B, heads, T, hd), cos/sin (T, hd): (x1, x2) -> (x1 cos - x2 sin, x2 cos + x1 sin)."""
    return x * cos + _rotate_half(x) * sin, (cos, sin)


def rope_backward(dout, cache):
    """-> dx: the rotation's transpose, (g1, g2) -> (g2, -g1), applied to dout * sin."""
    cos, sin = cache
    g = dout * sin
    half = g.shape[-1] // 2
    return dout * cos + np.concatenate([g[..., half:], -g[..., :half]], axis=-1)


# ---- causal grouped-query attention --------------------------------------------------------------

def attention_forward(q, k, v):
    """q (B, H, T, hd), k/v (B, KV, T, hd) -> (B, H, T, hd).

    Query head h reads key/value head h // G, as repeat_interleave(G, dim=1) in model.py: the
    queries are viewed as (B, KV, G, T, hd) so keys and values are never copied.
    """
    B, H, T, hd = q.shape
    KV = k.shape[1]
    qg = q.reshape(B, KV, H // KV, T, hd)
    scale = 1.0 / math.sqrt(hd)  # a Python float: an np.float64 here would promote float32 to float64
    att = (qg @ k[:, :, None].swapaxes(-1, -2)) * scale                          # (B, KV, G, T, T)
    att = np.where(np.triu(np.ones((T, T), dtype=bool), 1), -np.inf, att)        # causal
    att = att - att.max(axis=-1, keepdims=True)                                  # exp cannot overflow
    p = np.exp(att)
    p /= p.sum(axis=-1, keepdims=True)
    y = p @ v[:, :, None]                                                        # (B, KV, G, T, hd)
    return y.reshape(B, H, T, hd), (qg, k, v, p, scale)


def attention_backward(dout, cache):
    """-> dq (B, H, T, hd), dk (B, KV, T, hd), dv (B, KV, T, hd)."""
    qg, k, v, p, scale = cache
    B, KV, G, T, hd = qg.shape
    dy = dout.reshape(B, KV, G, T, hd)
    dv = (p.swapaxes(-1, -2) @ dy).sum(axis=2)                                    # the G queries share v
    dp = dy @ v[:, :, None].swapaxes(-1, -2)                                      # (B, KV, G, T, T)
    datt = p * (dp - (dp * p).sum(axis=-1, keepdims=True)) * scale               # softmax backward
    dq = datt @ k[:, :, None]                                                     # masked entries: p = 0
    dk = (datt.swapaxes(-1, -2) @ qg).sum(axis=2)
    return dq.reshape(B, KV * G, T, hd), dk, dv


# ---- SwiGLU: silu(gate) * up ---------------------------------------------------------------------

def swiglu_forward(gate, up):
    """gate, up (..., M) -> silu(gate) * up; silu(x) = x * sigmoid(x)."""
    with np.errstate(over="ignore"):  # exp(-x) = inf for very negative x gives sigmoid 0, as it should
        sig = 1.0 / (1.0 + np.exp(-gate))
    act = gate * sig
    return act * up, (gate, up, sig, act)


def swiglu_backward(dout, cache):
    """-> dgate, dup."""
    gate, up, sig, act = cache
    return dout * up * sig * (1.0 + gate * (1.0 - sig)), dout * act


# ---- linear (no bias): x @ w.T, as torch.nn.Linear stores w (out, in) --------------------------

def linear_forward(x, w):
    """x (..., I), w (O, I) -> (..., O)."""
    return x @ w.T, (x, w)


def linear_backward(dout, cache):
    """-> dx (..., I), dw (O, I)."""
    x, w = cache
    dw = dout.reshape(-1, w.shape[0]).T @ x.reshape(-1, w.shape[1])
    return dout @ w, dw


# ---- residual add --------------------------------------------------------------------------------

def residual_forward(x, y):
    return x + y, None


def residual_backward(dout, cache):
    """-> dx, dy: the sum passes its gradient to both branches."""
    return dout, dout


# ---- tied head: logits against the token embedding table ----------------------------------------

def tied_head_forward(x, tok_emb):
    """x (B, T, C), tok_emb (V, C) -> logits (B, T, V)."""
    return x @ tok_emb.T, (x, tok_emb)


def tied_head_backward(dout, cache):
    """-> dx, and the head's share of d tok_emb (the embedding lookup adds its own)."""
    x, tok_emb = cache
    V, C = tok_emb.shape
    return dout @ tok_emb, dout.reshape(-1, V).T @ x.reshape(-1, C)


# ---- softmax cross-entropy, mean over the targets that are not ignore_index ---------------------

def cross_entropy_forward(logits, targets, ignore_index=-100):
    """logits (B, T, V), targets (B, T) -> scalar loss (0-d array of the logits' dtype)."""
    V = logits.shape[-1]
    flat = logits.reshape(-1, V)
    t = targets.reshape(-1)
    keep = t != ignore_index
    rows = np.arange(t.size)
    safe = np.where(keep, t, 0)
    z = flat - flat.max(axis=-1, keepdims=True)
    lse = np.log(np.exp(z).sum(axis=-1, keepdims=True))
    logp = z - lse                                                               # (B*T, V)
    n = logits.dtype.type(keep.sum())
    loss = -np.where(keep, logp[rows, safe], 0).sum() / n                       # 0/0 = nan, as torch
    return np.asarray(loss, dtype=logits.dtype), (logp, safe, keep, n, logits.shape)


def cross_entropy_backward(dloss, cache):
    """-> dlogits (B, T, V): (softmax - onehot) / n on kept rows, 0 on ignored ones."""
    logp, safe, keep, n, shape = cache
    d = np.exp(logp)
    d[np.arange(safe.size), safe] -= 1.0
    d *= keep[:, None]
    d *= logp.dtype.type(dloss) / n
    return d.reshape(shape)
