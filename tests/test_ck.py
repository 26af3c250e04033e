"""The CK reference engine: every numpy kernel against torch autograd (float64), the whole model,
the optimizers, checkpoints, and the parity regimen (it passes on a good engine, names the first
diverging tensor on a planted bug, and writes what the preflight gate reads)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from event_checks import assert_progress_then_one_outcome

from engine.ck import checkpoint, optim
from engine.ck import kernels as K
from engine.ck import model as M
from engine.ck import regimen as R
from engine.model import SIZES, ModelConfig, Transformer
from engine.model.model import RMSNorm, apply_rope, rope_tables
from engine.preflight import PARITY_FILE, parity_regimen

TOL = {"rtol": 1e-10, "atol": 1e-12}  # float64: only rounding separates the two


def rand(rng, *shape):
    return rng.standard_normal(shape)


def grads_of(fn, inputs, dout):
    """torch autograd: the output of fn(*inputs) and d(sum(out * dout))/d inputs."""
    ts = [torch.tensor(x, requires_grad=True) for x in inputs]
    out = fn(*ts)
    return out.detach().numpy(), [g.numpy() for g in torch.autograd.grad(out, ts, torch.tensor(dout))]


def assert_close(ours, theirs):
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, **TOL)


# ---- kernels, one by one ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1, 1), (2, 7), (3, 64)])
def test_embedding(shape):
    rng = np.random.default_rng(0)
    w = rand(rng, 11, 6)
    idx = rng.integers(0, 11, shape)
    idx.flat[0] = idx.flat[-1]  # a repeated token: its rows of dout add up
    out, cache = K.embedding_forward(idx, w)
    dout = rand(rng, *out.shape)
    ref, (dw,) = grads_of(lambda w: F.embedding(torch.tensor(idx), w), [w], dout)
    assert_close([out, K.embedding_backward(dout, cache)], [ref, dw])


@pytest.mark.parametrize("shape", [(1, 1, 6), (2, 5, 10), (1, 64, 32)])
def test_rmsnorm(shape):
    rng = np.random.default_rng(1)
    x, w = rand(rng, *shape), rand(rng, shape[-1])
    out, cache = K.rmsnorm_forward(x, w, 1e-6)
    dout = rand(rng, *shape)
    norm = RMSNorm(shape[-1], 1e-6).double()
    ref, (dx, dw) = grads_of(lambda x, w: torch.func.functional_call(norm, {"weight": w}, (x,)), [x, w], dout)
    assert_close([out, *K.rmsnorm_backward(dout, cache)], [ref, dx, dw])


@pytest.mark.parametrize("heads, T, hd", [(1, 1, 6), (3, 5, 10), (2, 64, 8)])
def test_rope(heads, T, hd):
    rng = np.random.default_rng(2)
    x = rand(rng, 2, heads, T, hd)
    cos, sin = K.rope_tables(hd, T, 10000.0, np.float64)
    tcos, tsin = rope_tables(hd, T, 10000.0, torch.float64)
    np.testing.assert_array_equal(cos, tcos.numpy())  # the same tables as model.py, to the bit
    np.testing.assert_array_equal(sin, tsin.numpy())
    out, cache = K.rope_forward(x, cos, sin)
    dout = rand(rng, *x.shape)
    ref, (dx,) = grads_of(lambda x: apply_rope(x, tcos, tsin), [x], dout)
    assert_close([out, K.rope_backward(dout, cache)], [ref, dx])


def torch_attention(q, k, v):
    """model.py's path: keys and values repeated per query group, then causal SDPA."""
    groups = q.shape[1] // k.shape[1]
    return F.scaled_dot_product_attention(q, k.repeat_interleave(groups, 1), v.repeat_interleave(groups, 1),
                                          is_causal=True)


@pytest.mark.parametrize("H, KV, T, hd", [(2, 2, 1, 6),    # one token, groups of 1
                                          (4, 2, 7, 10),   # groups of 2, hd not a power of two
                                          (6, 3, 64, 6),   # a ctx-length sequence
                                          (4, 1, 5, 8)])   # every query head on one kv head
def test_attention(H, KV, T, hd):
    rng = np.random.default_rng(3)
    q, k, v = rand(rng, 2, H, T, hd), rand(rng, 2, KV, T, hd), rand(rng, 2, KV, T, hd)
    out, cache = K.attention_forward(q, k, v)
    dout = rand(rng, *out.shape)
    ref, grads = grads_of(torch_attention, [q, k, v], dout)
    assert_close([out, *K.attention_backward(dout, cache)], [ref, *grads])


def test_swiglu_including_saturated_gates():
    rng = np.random.default_rng(4)
    g, u = rand(rng, 3, 5, 14), rand(rng, 3, 5, 14)
    g[0, 0, :3] = [-200.0, 200.0, 0.0]  # exp overflows at -200: the gate must give 0, not nan
    out, cache = K.swiglu_forward(g, u)
    dout = rand(rng, *out.shape)
    ref, grads = grads_of(lambda g, u: F.silu(g) * u, [g, u], dout)
    assert np.isfinite(out).all()
    assert_close([out, *K.swiglu_backward(dout, cache)], [ref, *grads])


@pytest.mark.parametrize("shape", [(1, 1, 6), (2, 9, 10)])
def test_linear_and_tied_head(shape):
    rng = np.random.default_rng(5)
    x, w = rand(rng, *shape), rand(rng, 13, shape[-1])
    for forward, backward in [(K.linear_forward, K.linear_backward), (K.tied_head_forward, K.tied_head_backward)]:
        out, cache = forward(x, w)
        dout = rand(rng, *out.shape)
        ref, grads = grads_of(F.linear, [x, w], dout)
        assert_close([out, *backward(dout, cache)], [ref, *grads])


def test_residual():
    rng = np.random.default_rng(6)
    x, y, dout = rand(rng, 2, 3, 4), rand(rng, 2, 3, 4), rand(rng, 2, 3, 4)
    out, cache = K.residual_forward(x, y)
    ref, grads = grads_of(torch.add, [x, y], dout)
    assert_close([out, *K.residual_backward(dout, cache)], [ref, *grads])


@pytest.mark.parametrize("shape, ignored", [((1, 1), 0), ((2, 6), 3), ((4, 64), 50)])
def test_cross_entropy_means_over_kept_targets(shape, ignored):
    rng = np.random.default_rng(7)
    logits = rand(rng, *shape, 17) * 3
    targets = rng.integers(0, 17, shape)
    targets.flat[:ignored] = -100
    loss, cache = K.cross_entropy_forward(logits, targets)
    ref, (dlogits,) = grads_of(lambda z: F.cross_entropy(z.view(-1, 17), torch.tensor(targets).view(-1),
                                                          ignore_index=-100), [logits], np.float64(0.7))
    assert_close([loss, K.cross_entropy_backward(0.7, cache)], [ref, dlogits])


def test_model_keeps_float32_end_to_end():
    cfg = SIZES["tiny"].with_vocab(11)
    params = R.initial_params(cfg, 0, "float32")
    idx = np.random.default_rng(8).integers(0, 11, (2, 5))
    logits, loss, caches = M.forward(cfg, params, idx, idx)
    grads = M.backward(caches)
    assert logits.dtype == loss.dtype == np.float32
    assert {g.dtype for g in grads.values()} == {np.dtype(np.float32)}


def test_ck_modules_import_no_torch():
    code = ("import sys; import engine.ck, engine.ck.kernels, engine.ck.model, engine.ck.optim, "
            "engine.ck.checkpoint, engine.ck.cli; assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


# ---- the whole model ---------------------------------------------------------------------------

def torch_float64(cfg, seed=0):
    torch.manual_seed(seed)
    m = Transformer(cfg).double()
    m.rope_cos, m.rope_sin = rope_tables(cfg.head_dim, cfg.ctx, cfg.rope_theta, torch.float64)
    return m


@pytest.mark.parametrize("cfg, T", [
    (ModelConfig(vocab_size=37, n_layer=2, d_model=20, n_head=2, n_kv_head=1, d_mlp=24, ctx=16), 16),  # hd 10, GQA 2
    (ModelConfig(vocab_size=29, n_layer=1, d_model=24, n_head=4, n_kv_head=4, d_mlp=40, ctx=16), 1),   # hd 6, one token
])
def test_model_forward_and_backward_match_torch(cfg, T):
    m = torch_float64(cfg)
    params = {k: v.numpy().copy() for k, v in m.state_dict().items()}
    assert list(params) == M.param_names(cfg)
    rng = np.random.default_rng(9)
    idx, targets = rng.integers(0, cfg.vocab_size, (3, T)), rng.integers(0, cfg.vocab_size, (3, T))
    targets[0, 0] = -100
    logits, loss, caches = M.forward(cfg, params, idx, targets)
    grads = M.backward(caches)
    tlogits, _ = m(torch.tensor(idx))
    tloss = F.cross_entropy(tlogits.view(-1, cfg.vocab_size), torch.tensor(targets).view(-1))
    tloss.backward()
    assert_close([logits, loss], [tlogits.detach().numpy(), tloss.detach().numpy()])
    assert sorted(grads) == sorted(params)
    for name, p in m.named_parameters():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), **TOL, err_msg=name)


def test_accumulated_gradients_equal_the_whole_batch_with_uneven_ignores():
    cfg = SIZES["tiny"].with_vocab(23)
    params = R.initial_params(cfg, 0, "float64")
    rng = np.random.default_rng(10)
    idx, targets = rng.integers(0, 23, (5, 9)), rng.integers(0, 23, (5, 9))
    targets[1, :7] = targets[4, :2] = -100
    loss, grads = M.loss_and_grads(cfg, params, idx, targets)
    loss3, grads3 = M.loss_and_grads(cfg, params, idx, targets, micro_batches=3)  # 2 + 2 + 1 rows
    assert loss3 == pytest.approx(loss, rel=1e-13)
    for k in grads:
        np.testing.assert_allclose(grads3[k], grads[k], **TOL, err_msg=k)


# ---- optimizers and checkpoints -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sgd", "adamw"])
def test_optimizers_match_torch(name):
    rng = np.random.default_rng(11)
    params = {"a": rand(rng, 4, 3), "b": rand(rng, 5)}
    tparams = [torch.tensor(v, requires_grad=True) for v in params.values()]
    hyper = {"lr": 3e-2, "betas": (0.8, 0.9), "eps": 1e-6, "weight_decay": 0.2}
    topt = torch.optim.SGD(tparams, lr=0.1) if name == "sgd" else torch.optim.AdamW(tparams, **hyper)
    state = optim.adamw_init(params)
    for _ in range(4):
        grads = {k: rand(rng, *v.shape) * 1e-3 for k, v in params.items()}
        for p, g in zip(tparams, grads.values()):
            p.grad = torch.tensor(g)
        topt.step()
        if name == "sgd":
            optim.sgd_step(params, grads, 0.1)
        else:
            optim.adamw_step(params, grads, state, **hyper)
    assert_close(list(params.values()), [p.detach().numpy() for p in tparams])


def test_checkpoint_round_trip_and_no_pickle(tmp_path):
    params = {"w": np.arange(6, dtype=np.float32).reshape(2, 3)}
    state = optim.adamw_init(params)
    optim.adamw_step(params, {"w": np.ones((2, 3), np.float32)}, state, lr=0.1)
    checkpoint.save(tmp_path / "c.npz", params, state)
    loaded, lstate = checkpoint.load(tmp_path / "c.npz")
    np.testing.assert_array_equal(loaded["w"], params["w"])
    assert lstate["step"] == 1 and loaded["w"].dtype == np.float32
    np.testing.assert_array_equal(lstate["v"]["w"], state["v"]["w"])
    np.savez(tmp_path / "evil.npz", **{"param/w": np.array([{"x": 1}], dtype=object)})
    with pytest.raises(ValueError, match="allow_pickle"):
        checkpoint.load(tmp_path / "evil.npz")


# ---- the regimen -----------------------------------------------------------------------------------

SETTINGS = R.Settings(seq=8)


def run_tiny(dtypes=("float32",)):
    """The regimen on the tiny model, its events checked against the protocol; the result."""
    events = list(R.run_regimen(SIZES["tiny"].with_vocab(SETTINGS.vocab), "tiny", SETTINGS, dtypes))
    assert_progress_then_one_outcome(events, "parity")
    result = events[-1].value
    assert [e.data["stage"] for e in events[:-1]] == result["stages"] and events[-1].summary.endswith(
        "PASSED" if result["passed"] else "FAILED")
    return result


def test_regimen_passes_and_writes_what_the_preflight_gate_reads(tmp_path):
    result = run_tiny(R.DTYPES)
    path, text = R.write_result(result, tmp_path)
    assert path.name == PARITY_FILE and parity_regimen(path).passed
    data = json.loads(path.read_text())
    assert data["passed"] and data["config"] == "tiny" and data["dtypes"] == ["float32", "float64"]
    assert data["first_divergence"] is None
    assert [(s["name"], s["dtype"]) for s in data["stages"]] == [
        (n, d) for d in R.DTYPES for n in ("A1", "A4", "B", "C", "E1", "F1")]
    a1 = data["stages"][0]
    assert a1["tolerance"]["loss"] == 2e-5 and a1["tolerance"]["param"] == 1e-4
    assert list(a1["max_diff"])[:3] == ["logits", "loss", "grad:norm.weight"]  # the order of a step
    assert all(v <= a1["tolerance"][k.split(":")[0]] for k, v in a1["max_diff"].items())
    assert "grad:layers.0.attn_norm.weight" in text.read_text()


RMSNORM_BACKWARD, ADAMW_STEP = K.rmsnorm_backward, optim.adamw_step  # the right ones, before patching


def wrong_rmsnorm_backward(dout, cache):
    """A classic slip: the weight's gradient taken against x instead of the normalized x."""
    xhat, rstd, _ = cache
    dx, _ = RMSNORM_BACKWARD(dout, cache)
    return dx, (dout * xhat / rstd).reshape(-1, xhat.shape[-1]).sum(axis=0)


def test_regimen_names_a_planted_rmsnorm_backward_error(monkeypatch, tmp_path):
    monkeypatch.setattr(K, "rmsnorm_backward", wrong_rmsnorm_backward)
    result = run_tiny()
    fd = result["first_divergence"]
    assert not result["passed"] and fd["stage"] == "A1" and fd["step"] == "step 1"
    assert fd["tensor"].startswith("grad:") and fd["tensor"].endswith(("attn_norm.weight", "mlp_norm.weight", "norm.weight"))
    assert fd["max_diff"] > fd["tolerance"]
    path, _ = R.write_result(result, tmp_path)
    gate = parity_regimen(path)
    assert not gate.passed and "A1" in gate.detail


def test_regimen_catches_adam_with_l2_instead_of_decoupled_decay(monkeypatch):
    def adam_l2(params, grads, state, lr, betas, eps, weight_decay):
        coupled = {k: g + weight_decay * params[k] for k, g in grads.items()}
        ADAMW_STEP(params, coupled, state, lr, betas, eps, 0.0)

    monkeypatch.setattr(optim, "adamw_step", adam_l2)
    result = run_tiny()
    stages = {s["name"]: s["passed"] for s in result["stages"]}
    assert stages["A1"] and not stages["A4"]  # SGD is untouched
    fd = result["first_divergence"]
    assert fd["stage"] == "A4" and fd["tensor"].startswith("param:")


def test_stage_reports_nan_as_a_divergence():
    st = R.Stage("A1", "t", "float32", {"loss": 1e-5})
    st.compare("step 1", {"loss": np.float32("nan")}, {"loss": np.float32(1.0)})
    st.compare("step 2", {"loss": np.float32(1.0)}, {"loss": np.float32(1.0)})
    assert not st.passed and np.isnan(st.max_diff["loss"]) and st.first_divergence["step"] == "step 1"
    assert json.loads(json.dumps(R._finite(st.to_dict())))["max_diff"]["loss"] == "nan"
