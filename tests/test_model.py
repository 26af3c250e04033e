"""engine/model/model.py: shapes, KV-cache decoding, causality, GQA, tied weights, the named sizes.

bench/train.py checks the same network against transformers' LlamaForCausalLM with copied weights
(importing transformers takes longer than this whole file).
"""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from engine.model import SIZES, ModelConfig, Transformer
from engine.model.model import Packing, apply_rope, rope_tables

VOCAB = 61


def _model(size: str = "tiny", seed: int = 0, **changes) -> Transformer:
    torch.manual_seed(seed)
    cfg = SIZES[size].with_vocab(VOCAB)
    if changes:
        cfg = ModelConfig(**{**cfg.to_dict(), **changes})
    return Transformer(cfg).eval()


def _ids(B: int, T: int, seed: int = 1) -> torch.Tensor:
    return torch.randint(0, VOCAB, (B, T), generator=torch.Generator().manual_seed(seed))


def test_shapes_and_loss_ignore_index():
    model = _model()
    idx = _ids(3, 17)
    logits, loss = model(idx)
    assert logits.shape == (3, 17, VOCAB) and loss is None
    targets = idx.clone()
    targets[:, :5] = -100
    _, loss = model(idx, targets)
    want = F.cross_entropy(logits[:, 5:].reshape(-1, VOCAB), idx[:, 5:].reshape(-1))
    assert loss.shape == () and torch.allclose(loss, want, atol=1e-6)
    with pytest.raises(AssertionError, match="exceeds ctx"):
        model(_ids(1, model.cfg.ctx + 1))


@pytest.mark.parametrize("prefix", [1, 9])
def test_kv_cache_decoding_equals_the_full_forward(prefix):
    """Prefill `prefix` tokens, then one token at a time: every position's logits as in one pass."""
    model = _model()
    idx = _ids(2, 24)
    with torch.no_grad():
        full, _ = model(idx)
        cache = model.new_cache(batch=2)
        parts = [model(idx[:, :prefix], cache=cache)[0]]
        for t in range(prefix, idx.shape[1]):
            parts.append(model(idx[:, t:t + 1], cache=cache)[0])
    stepped = torch.cat(parts, dim=1)
    assert cache.length == 24
    diff = (stepped - full).abs().max().item()
    print(f"kv-cache logits max |diff| {diff:.2e}")
    assert diff < 1e-5


def test_attention_is_causal():
    """Changing token j changes no logits before j, and does change the logits at j."""
    model = _model()
    idx = _ids(1, 20)
    other = idx.clone()
    other[0, 12] = (idx[0, 12] + 1) % VOCAB
    with torch.no_grad():
        a, _ = model(idx)
        b, _ = model(other)
    assert torch.allclose(a[:, :12], b[:, :12], atol=1e-6, rtol=0)
    assert (a[:, 12] - b[:, 12]).abs().max() > 1e-3


def test_grouped_query_attention_matches_an_explicit_softmax():
    """One layer's attention against the textbook formula, query heads 2h and 2h+1 sharing kv head h."""
    model = _model()
    attn, cfg = model.layers[0].attn, model.cfg
    B, T, H, KV, hd = 2, 11, cfg.n_head, cfg.n_kv_head, cfg.head_dim
    x = torch.randn(B, T, cfg.d_model, generator=torch.Generator().manual_seed(3))
    cos, sin = rope_tables(hd, T, cfg.rope_theta)
    with torch.no_grad():
        got = attn(x, cos, sin)
        q = apply_rope(attn.wq(x).view(B, T, H, hd).transpose(1, 2), cos, sin)
        k = apply_rope(attn.wk(x).view(B, T, KV, hd).transpose(1, 2), cos, sin)
        v = attn.wv(x).view(B, T, KV, hd).transpose(1, 2)
        group = torch.arange(H) // (H // KV)                       # query head -> its kv head
        scores = q @ k[:, group].transpose(-1, -2) / math.sqrt(hd)  # (B, H, T, T)
        scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        y = scores.softmax(-1) @ v[:, group]
        want = attn.wo(y.transpose(1, 2).reshape(B, T, H * hd))
    assert (got - want).abs().max() < 1e-5


def test_rope_rotates_half_pairs_and_keeps_norms():
    """Rotate-half convention (transformers' Llama): dims i and i + hd/2 form one rotating pair."""
    hd, T = 6, 5
    cos, sin = rope_tables(hd, T, 10000.0)
    x = torch.randn(1, 1, T, hd)
    y = apply_rope(x, cos, sin)
    assert torch.allclose(y[..., 0, :], x[..., 0, :])              # position 0: angle 0
    assert torch.allclose(y.norm(dim=-1), x.norm(dim=-1), atol=1e-6)
    angle = torch.tensor(3.0)                                        # position 3, frequency 0
    want0 = x[0, 0, 3, 0] * angle.cos() - x[0, 0, 3, 3] * angle.sin()
    assert torch.allclose(y[0, 0, 3, 0], want0, atol=1e-6)


def test_embeddings_are_tied_to_the_output_head():
    model = _model()
    names = [n for n, _ in model.named_parameters()]
    assert not any("head" in n for n in names) and "lm_head.weight" not in model.state_dict()
    idx = _ids(1, 7)
    logits, _ = model(idx)
    x = model.tok_emb(idx)
    cos, sin = model.rope_cos[:7], model.rope_sin[:7]
    for block in model.layers:
        x = block(x, cos, sin)
    assert torch.allclose(logits, model.norm(x) @ model.tok_emb.weight.T, atol=1e-5)
    logits.sum().backward()
    assert model.tok_emb.weight.grad.abs().sum() > 0


def test_parameter_names_are_the_contract_with_engine_ck():
    model = _model()
    assert [n for n, _ in model.named_parameters()] == ["tok_emb.weight"] + [
        f"layers.{i}.{p}.weight" for i in range(2)
        for p in ("attn_norm", "attn.wq", "attn.wk", "attn.wv", "attn.wo", "mlp_norm", "mlp.w_gate",
                  "mlp.w_up", "mlp.w_down")] + ["norm.weight"]


def _count(cfg: ModelConfig) -> int:
    d, hd = cfg.d_model, cfg.head_dim
    per_layer = 2 * d + d * hd * (cfg.n_head + 2 * cfg.n_kv_head) + cfg.n_head * hd * d + 3 * d * cfg.d_mlp
    return cfg.vocab_size * d + cfg.n_layer * per_layer + d


@pytest.mark.parametrize("size", list(SIZES))
def test_named_sizes_and_their_parameter_counts(size):
    cfg = SIZES[size].with_vocab(VOCAB)
    assert Transformer(cfg).num_params() == _count(cfg)
    assert cfg.n_head % cfg.n_kv_head == 0 and cfg.head_dim % 2 == 0


def test_the_default_size_is_the_seed_line():
    """Issue 5: 3 layers, width 192, MLP 384, 8 query / 4 KV heads, context 768."""
    cfg = SIZES["l3_d192"]
    assert (cfg.n_layer, cfg.d_model, cfg.d_mlp, cfg.n_head, cfg.n_kv_head, cfg.ctx) == (3, 192, 384, 8, 4, 768)
    assert set(SIZES) >= {"tiny", "small", "l3_d192", "l6_d384"}


def test_rmsnorm_backward_written_out_matches_autograd_of_the_formula():
    from engine.model.model import RMSNormFunction

    torch.manual_seed(3)
    x = torch.randn(2, 5, 24, dtype=torch.float64, requires_grad=True)
    w = torch.randn(24, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: RMSNormFunction.apply(a, b, 1e-6), (x, w))
    y = RMSNormFunction.apply(x, w, 1e-6)
    expected = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w
    torch.testing.assert_close(y, expected)


def test_rope_gradient_matches_the_slice_and_concatenate_formula():
    torch.manual_seed(4)
    cos, sin = rope_tables(12, 7, 10000.0, torch.float64)
    x = torch.randn(2, 7, 3, 12, dtype=torch.float64, requires_grad=True)
    c, s = cos[:, None], sin[:, None]
    ours = apply_rope(x, c, s)
    reference = x * c + torch.cat([-x[..., 6:], x[..., :6]], dim=-1) * s
    g = torch.randn_like(ours)
    (dx_ours,) = torch.autograd.grad(ours, x, g)
    (dx_ref,) = torch.autograd.grad(reference, x, g)
    torch.testing.assert_close(ours, reference)
    torch.testing.assert_close(dx_ours, dx_ref)


def _full(n: int, value: int) -> torch.Tensor:
    return torch.full((1, n), value)


def _packed_example():
    """Two windows of 26: rows a (9) + b (13) + 4 padding, and c (20) + 6 padding; targets alike."""
    rows = [_ids(1, n, seed) for n, seed in ((9, 11), (13, 12), (20, 13))]
    targets = [_ids(1, r.shape[1], seed + 10) for r, seed in zip(rows, (11, 12, 13))]
    a, b, c = rows
    idx = torch.cat([torch.cat([a, b, _full(4, 0)], 1), torch.cat([c, _full(6, 0)], 1)])
    tgt = torch.cat([torch.cat([*targets[:2], _full(4, -100)], 1), torch.cat([targets[2], _full(6, -100)], 1)])
    segments = torch.tensor([[1] * 9 + [2] * 13 + [0] * 4, [1] * 20 + [0] * 6])
    return rows, targets, idx, tgt, segments


@pytest.mark.parametrize("padding_free", [True, False])
def test_packed_rows_get_the_logits_each_gets_alone(padding_free):
    """With segments each row sees only itself, at positions from its own start, and padding gets
    zero logits: every row's logits equal the row decoded alone, in both packed layouts."""
    model = _model()
    rows, _, idx, _, segments = _packed_example()
    with torch.no_grad():
        together = model(idx, segments=segments, padding_free=padding_free)[0]
        alone = [model(r)[0][0] for r in rows]
        leaky = model(idx)[0]
    torch.testing.assert_close(together[0, :9], alone[0], atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(together[0, 9:22], alone[1], atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(together[1, :20], alone[2], atol=1e-6, rtol=1e-6)
    assert together[0, 22:].abs().max() == 0 and together[1, 20:].abs().max() == 0
    assert (leaky[0, 9:22] - alone[1]).abs().max() > 1e-3   # without segments row b sees row a


@pytest.mark.parametrize("padding_free", [True, False])
def test_packed_loss_and_gradients_equal_the_rows_trained_alone(padding_free):
    """The packed loss is the mean over every row's targets, and its gradients (attention per row
    with the padding dropped, or one masked call) equal those of the rows run one by one."""
    model = _model().train()
    rows, targets, idx, tgt, segments = _packed_example()
    n = sum(t.numel() for t in targets)
    _, loss = model(idx, tgt, segments=segments, padding_free=padding_free)
    packed = torch.autograd.grad(loss * n, list(model.parameters()))
    alone = sum(model(r, t)[1] * t.numel() for r, t in zip(rows, targets))
    single = torch.autograd.grad(alone, list(model.parameters()))
    torch.testing.assert_close(loss * n, alone, atol=1e-5, rtol=1e-6)
    for (name, _), g_packed, g_single in zip(model.named_parameters(), packed, single):
        torch.testing.assert_close(g_packed, g_single, atol=1e-6, rtol=1e-5, msg=lambda m, name=name: f"{name}: {m}")


def test_packing_finds_rows_positions_and_padding():
    # row ids restart per window; equal ids in neighbouring windows are still two rows; a run split
    # by padding is two rows
    segments = torch.tensor([[1, 1, 1, 2, 2, 0],
                             [1, 1, 0, 0, 1, 1]])
    p = Packing.of(segments)
    assert p.keep.tolist() == [0, 1, 2, 3, 4, 6, 7, 10, 11]
    assert p.lengths == [3, 2, 2, 2]
    assert p.positions.tolist() == [0, 1, 2, 0, 1, 0, 1, 0, 1]
    with pytest.raises(ValueError, match="padding"):
        Packing.of(torch.zeros(2, 4, dtype=torch.long))
