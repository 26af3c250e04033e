"""The transformer of engine/model/model.py, assembled from the numpy kernels of engine/ck/kernels.py.

Parameters are a dict of numpy arrays named exactly like the torch state_dict (tok_emb.weight,
layers.{i}.attn_norm.weight, layers.{i}.attn.wq.weight, ..., norm.weight), so a torch checkpoint
loads as `{k: v.numpy() for k, v in model.state_dict().items()}`. `cfg` is an
engine.model.ModelConfig or anything with its fields (this module does not import torch).

    logits, loss, caches = forward(cfg, params, idx, targets)   # idx, targets: (B, T) int
    grads = backward(caches)                                    # same names as params
"""
from __future__ import annotations

import numpy as np

from engine.ck import (
    kernels as K,  # through the module, so a test can plant a wrong kernel
)


def param_names(cfg) -> list[str]:
    """In the torch state_dict's order."""
    names = ["tok_emb.weight"]
    for i in range(cfg.n_layer):
        names += [f"layers.{i}.{n}.weight" for n in (
            "attn_norm", "attn.wq", "attn.wk", "attn.wv", "attn.wo",
            "mlp_norm", "mlp.w_gate", "mlp.w_up", "mlp.w_down")]
    return names + ["norm.weight"]


def _heads(x, n, hd):
    """(B, T, n*hd) -> (B, n, T, hd)."""
    B, T, _ = x.shape
    return x.reshape(B, T, n, hd).transpose(0, 2, 1, 3)


def _unheads(x):
    """(B, n, T, hd) -> (B, T, n*hd)."""
    B, n, T, hd = x.shape
    return x.transpose(0, 2, 1, 3).reshape(B, T, n * hd)


def block_forward(cfg, p, x, cos, sin):
    """One block with parameters p (names without the layers.{i}. prefix): x (B, T, C) -> (B, T, C)."""
    hd = cfg.head_dim
    h, c_an = K.rmsnorm_forward(x, p["attn_norm.weight"], cfg.norm_eps)
    q, c_q = K.linear_forward(h, p["attn.wq.weight"])                           # (B, T, H*hd)
    k, c_k = K.linear_forward(h, p["attn.wk.weight"])                           # (B, T, KV*hd)
    v, c_v = K.linear_forward(h, p["attn.wv.weight"])
    q, c_rq = K.rope_forward(_heads(q, cfg.n_head, hd), cos, sin)              # (B, H, T, hd)
    k, c_rk = K.rope_forward(_heads(k, cfg.n_kv_head, hd), cos, sin)           # (B, KV, T, hd)
    y, c_att = K.attention_forward(q, k, _heads(v, cfg.n_kv_head, hd))
    o, c_o = K.linear_forward(_unheads(y), p["attn.wo.weight"])                # (B, T, C)
    x, _ = K.residual_forward(x, o)
    h, c_mn = K.rmsnorm_forward(x, p["mlp_norm.weight"], cfg.norm_eps)
    g, c_g = K.linear_forward(h, p["mlp.w_gate.weight"])                        # (B, T, M)
    u, c_u = K.linear_forward(h, p["mlp.w_up.weight"])
    a, c_sw = K.swiglu_forward(g, u)
    m, c_d = K.linear_forward(a, p["mlp.w_down.weight"])                        # (B, T, C)
    x, _ = K.residual_forward(x, m)
    return x, (c_an, c_q, c_k, c_v, c_rq, c_rk, c_att, c_o, c_mn, c_g, c_u, c_sw, c_d)


def block_backward(cfg, dx, cache):
    """-> dx into the block, and its parameter gradients in the order backprop produces them."""
    c_an, c_q, c_k, c_v, c_rq, c_rk, c_att, c_o, c_mn, c_g, c_u, c_sw, c_d = cache
    grads = {}
    dx, dm = K.residual_backward(dx, None)
    da, grads["mlp.w_down.weight"] = K.linear_backward(dm, c_d)
    dg, du = K.swiglu_backward(da, c_sw)
    dh_g, grads["mlp.w_gate.weight"] = K.linear_backward(dg, c_g)
    dh_u, grads["mlp.w_up.weight"] = K.linear_backward(du, c_u)
    dh, grads["mlp_norm.weight"] = K.rmsnorm_backward(dh_g + dh_u, c_mn)
    dx = dx + dh
    dx, do = K.residual_backward(dx, None)
    dy, grads["attn.wo.weight"] = K.linear_backward(do, c_o)
    dq, dk, dv = K.attention_backward(_heads(dy, cfg.n_head, cfg.head_dim), c_att)
    dq, dk = K.rope_backward(dq, c_rq), K.rope_backward(dk, c_rk)
    dh_q, grads["attn.wq.weight"] = K.linear_backward(_unheads(dq), c_q)
    dh_k, grads["attn.wk.weight"] = K.linear_backward(_unheads(dk), c_k)
    dh_v, grads["attn.wv.weight"] = K.linear_backward(_unheads(dv), c_v)
    dh, grads["attn_norm.weight"] = K.rmsnorm_backward(dh_q + dh_k + dh_v, c_an)
    return dx + dh, grads


def forward(cfg, params, idx, targets=None, ignore_index=-100):
    """idx (B, T) -> logits (B, T, V), loss (0-d array, or None without targets), caches."""
    T = idx.shape[1]
    assert T <= cfg.ctx, f"sequence of {T} exceeds ctx {cfg.ctx}"
    emb = params["tok_emb.weight"]
    x, c_emb = K.embedding_forward(idx, emb)                                     # (B, T, C)
    cos, sin = K.rope_tables(cfg.head_dim, T, cfg.rope_theta, emb.dtype)
    c_blocks = []
    for i in range(cfg.n_layer):
        prefix = f"layers.{i}."
        p = {k[len(prefix):]: v for k, v in params.items() if k.startswith(prefix)}
        x, c = block_forward(cfg, p, x, cos, sin)
        c_blocks.append(c)
    x, c_norm = K.rmsnorm_forward(x, params["norm.weight"], cfg.norm_eps)
    logits, c_head = K.tied_head_forward(x, emb)                                # (B, T, V)
    loss = c_ce = None
    if targets is not None:
        loss, c_ce = K.cross_entropy_forward(logits, targets, ignore_index)
    return logits, loss, {"cfg": cfg, "emb": c_emb, "blocks": c_blocks, "norm": c_norm,
                          "head": c_head, "ce": c_ce}


def backward(caches, dloss=1.0):
    """Gradients of dloss * loss, in the order backprop produces them: norm.weight first, then the
    blocks from the last down, tok_emb.weight last (the tied table collects the head's share and
    the lookup's). dloss scales the loss, e.g. a micro-batch's share of an accumulated batch."""
    cfg = caches["cfg"]
    dlogits = K.cross_entropy_backward(dloss, caches["ce"])
    dx, demb_head = K.tied_head_backward(dlogits, caches["head"])
    dx, dnorm = K.rmsnorm_backward(dx, caches["norm"])
    grads = {"norm.weight": dnorm}
    for i in reversed(range(cfg.n_layer)):
        dx, g = block_backward(cfg, dx, caches["blocks"][i])
        grads.update({f"layers.{i}.{k}": v for k, v in g.items()})
    grads["tok_emb.weight"] = demb_head + K.embedding_backward(dx, caches["emb"])
    return grads


def loss_and_grads(cfg, params, idx, targets, micro_batches=1):
    """Loss and gradients of the whole batch, accumulated over micro_batches row slices.

    Each slice's loss is weighted by its share of the kept targets, so the sum equals the
    whole batch's mean even when ignore_index leaves slices with different counts.
    """
    kept = np.count_nonzero(targets != -100)
    loss, grads = 0.0, None
    for rows in np.array_split(np.arange(idx.shape[0]), micro_batches):
        share = np.count_nonzero(targets[rows] != -100) / kept
        _, l, caches = forward(cfg, params, idx[rows], targets[rows])
        g = backward(caches, share)
        loss += share * float(l)
        grads = g if grads is None else {k: grads[k] + g[k] for k in grads}
    return loss, grads
