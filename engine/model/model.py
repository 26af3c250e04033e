"""A decoder-only transformer of the family the seed's line trains (Llama / Qwen3 style), in one file.

RMSNorm, rotary position embeddings (rotate-half convention, as transformers' Llama), grouped-query
causal attention through F.scaled_dot_product_attention, a SwiGLU MLP, residuals, tied input and
output embeddings, and a KV cache for decoding. In packed training windows each row attends only
within itself; on a CPU they also run "padding-free" (see Packing).
engine/ck holds an independent numpy implementation of exactly this network; parameter names here
are the contract between the two.

    cfg = SIZES["tiny"].with_vocab(416)
    model = Transformer(cfg)
    logits, loss = model(idx, targets)        # idx, targets: (B, T) int64
    logits, loss = model(idx, targets, segments=rows)   # rows: (B, T), 0 = padding
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int = 0        # set from the tokenizer (with_vocab)
    n_layer: int = 3           # the seed's line trains 3 layers
    d_model: int = 192         # residual width
    n_head: int = 8            # query heads
    n_kv_head: int = 4         # key/value heads; n_head / n_kv_head queries share each (GQA)
    d_mlp: int = 384           # SwiGLU hidden width
    ctx: int = 768             # longest sequence (spec01's gold rows need 768; seed: context budget)
    rope_theta: float = 10000.0
    norm_eps: float = 1e-6

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_head

    def with_vocab(self, vocab_size: int) -> ModelConfig:
        return replace(self, vocab_size=vocab_size)

    def to_dict(self) -> dict:
        return asdict(self)


# Named sizes (issue 5): tiny for tests, small for the parity bench, the seed's l3_d192 default,
# and a larger l6_d384.
SIZES: dict[str, ModelConfig] = {
    "tiny": ModelConfig(n_layer=2, d_model=32, n_head=4, n_kv_head=2, d_mlp=64, ctx=64),
    "small": ModelConfig(n_layer=2, d_model=64, n_head=4, n_kv_head=2, d_mlp=128, ctx=128),
    "l3_d192": ModelConfig(),
    "l4_d192": ModelConfig(n_layer=4),   # one layer more for a capacity rung inside a 20-minute run here
    # l3_d192 cut into 4 heads of 48 (2 key/value heads): the same parameters and FLOPs, in the
    # head size the CPU attention kernel runs 15-18 % faster (docs/throughput.md)
    "l3_d192_h4": ModelConfig(n_head=4, n_kv_head=2),
    "l6_d384": ModelConfig(n_layer=6, d_model=384, n_head=8, n_kv_head=4, d_mlp=1024, ctx=1024),
}


class RMSNormFunction(torch.autograd.Function):
    """y = x / sqrt(mean(x^2) + eps) * w, with its backward written out (engine/ck/kernels.py has the
    same pair in numpy). Autograd's own derivative of the expression costs twice the kernels."""

    @staticmethod
    def forward(ctx, x, weight, eps):
        x = x.to(torch.promote_types(x.dtype, torch.float32))  # bf16/fp16 statistics in float32
        rstd = torch.rsqrt(x.square().mean(-1, keepdim=True).add_(eps))
        xhat = x * rstd
        ctx.save_for_backward(xhat, rstd, weight)
        return xhat * weight

    @staticmethod
    def backward(ctx, dy):
        xhat, rstd, weight = ctx.saved_tensors
        dxhat = dy * weight
        dweight = (dy * xhat).flatten(0, -2).sum(0)
        dx = (dxhat - xhat * (dxhat * xhat).mean(-1, keepdim=True)).mul_(rstd)
        return dx, dweight, None


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return RMSNormFunction.apply(x, self.weight, self.eps)


def rope_tables(head_dim: int, length: int, theta: float, dtype=torch.float32):
    """cos, sin of shape (length, head_dim): each frequency repeated for both halves."""
    inv = 1.0 / theta ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    angles = torch.outer(torch.arange(length, dtype=torch.float64), inv)          # (T, hd/2)
    emb = torch.cat([angles, angles], dim=-1)                                        # (T, hd)
    return emb.cos().to(dtype), emb.sin().to(dtype)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x: (..., hd); rotate-half: (x1, x2) -> (x1 cos - x2 sin, x2 cos + x1 sin).

    The halves are swapped by flipping a (2, hd/2) view and the sign goes into sin: one strided
    copy instead of slicing, negating and concatenating x (3x faster forward and backward on CPU)."""
    half = x.shape[-1] // 2
    swapped = x.unflatten(-1, (2, half)).flip(-2).flatten(-2)                       # (x2, x1)
    signed_sin = torch.cat([-sin[..., :half], sin[..., half:]], dim=-1)
    return torch.addcmul(x * cos, swapped, signed_sin)


@dataclass(frozen=True)
class Packing:
    """Where the rows of packed windows lie; rotary positions restart at each row, as the row sees
    them when it is decoded alone.

    Padding-free (the CPU default): the model runs on the N real tokens as one sequence, rows end
    to end, so the linear layers skip the padding and each row attends causally within itself, one
    attention call per row: no work on scores a mask would discard. On a GPU those many small calls
    cost more than they save (bench/train.py on an H200: 3x slower than one masked call in float32,
    and spec01 in bf16 ran 40x slower than in float32), so there the windows keep their shape and
    attention takes the block-diagonal causal mask in one call."""
    keep: torch.Tensor        # (N,) indices into the flattened (B*T) positions of the real tokens
    positions: torch.Tensor   # (N,) each token's offset within its row
    lengths: list[int]        # tokens of each row, in order

    @staticmethod
    def of(segments: torch.Tensor) -> Packing:
        """segments (B, T): a row is a run of equal non-zero ids; 0 marks padding."""
        keep = (segments.flatten() != 0).nonzero().squeeze(1)
        if keep.numel() == 0:
            raise ValueError("segments: every position is padding")
        first = torch.ones_like(segments, dtype=torch.bool)    # a row starts a window or follows another id
        first[:, 1:] = segments[:, 1:] != segments[:, :-1]
        starts = first.flatten()[keep].nonzero().squeeze(1)
        lengths = torch.diff(starts, append=starts.new_tensor([keep.numel()]))
        positions = torch.arange(keep.numel(), device=keep.device) - starts.repeat_interleave(lengths)
        return Packing(keep, positions, lengths.tolist())

    def window_positions(self, shape: torch.Size) -> torch.Tensor:
        """(B, T) each token's offset within its row, laid back into the windows; 0 at padding."""
        positions = torch.zeros(shape.numel(), dtype=torch.long, device=self.keep.device)
        positions[self.keep] = self.positions
        return positions.view(shape)


class KVCache:
    """Keys and values of every layer for positions decoded so far: (B, KV, ctx, hd) each."""

    def __init__(self, cfg: ModelConfig, batch: int, device, dtype):
        shape = (batch, cfg.n_kv_head, cfg.ctx, cfg.head_dim)
        self.k = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(cfg.n_layer)]
        self.v = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(cfg.n_layer)]
        self.length = 0


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        hd = cfg.head_dim
        self.wq = nn.Linear(cfg.d_model, cfg.n_head * hd, bias=False)
        self.wk = nn.Linear(cfg.d_model, cfg.n_kv_head * hd, bias=False)
        self.wv = nn.Linear(cfg.d_model, cfg.n_kv_head * hd, bias=False)
        self.wo = nn.Linear(cfg.n_head * hd, cfg.d_model, bias=False)

    def forward(self, x, cos, sin, cache: KVCache | None = None, layer: int = 0,
                lengths: list[int] | None = None, mask: torch.Tensor | None = None):
        cfg = self.cfg
        B, T, _ = x.shape
        H, KV, hd = cfg.n_head, cfg.n_kv_head, cfg.head_dim
        # One matmul for q, k and v, and one rotary pass over q and k together: fewer, larger kernels.
        w = torch.cat([self.wq.weight, self.wk.weight, self.wv.weight])
        qkv = F.linear(x, w).view(B, T, H + 2 * KV, hd)
        qk = apply_rope(qkv[:, :, :H + KV], cos.unsqueeze(-2), sin.unsqueeze(-2))
        q = qk[:, :, :H].transpose(1, 2)                                             # (B, H, T, hd)
        k = qk[:, :, H:].transpose(1, 2)                                             # (B, KV, T, hd)
        v = qkv[:, :, H + KV:].transpose(1, 2)
        if lengths is not None:   # packed rows (B == 1): causal within each row; split's backward is one cat
            y = torch.cat([F.scaled_dot_product_attention(qr, kr, vr, is_causal=True, enable_gqa=True)
                           for qr, kr, vr in zip(q.split(lengths, 2), k.split(lengths, 2), v.split(lengths, 2))],
                          dim=2)
        elif cache is None:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=mask is None, enable_gqa=True)
        else:  # decoding past a prefix: query i sees keys up to start + i
            start = cache.length
            cache.k[layer][:, :, start:start + T] = k
            cache.v[layer][:, :, start:start + T] = v
            S = start + T
            k, v = cache.k[layer][:, :, :S], cache.v[layer][:, :, :S]
            if start == 0:
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
            else:
                mask = torch.arange(S, device=x.device)[None, :] <= (start + torch.arange(T, device=x.device))[:, None]
                y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)
        return self.wo(y.transpose(1, 2).reshape(B, T, H * hd))


class SwiGLU(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.w_gate = nn.Linear(cfg.d_model, cfg.d_mlp, bias=False)
        self.w_up = nn.Linear(cfg.d_model, cfg.d_mlp, bias=False)
        self.w_down = nn.Linear(cfg.d_mlp, cfg.d_model, bias=False)

    def forward(self, x):
        gate, up = F.linear(x, torch.cat([self.w_gate.weight, self.w_up.weight])).chunk(2, dim=-1)
        return self.w_down(F.silu(gate) * up)


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.attn_norm = RMSNorm(cfg.d_model, cfg.norm_eps)
        self.attn = Attention(cfg)
        self.mlp_norm = RMSNorm(cfg.d_model, cfg.norm_eps)
        self.mlp = SwiGLU(cfg)

    def forward(self, x, cos, sin, cache=None, layer=0, lengths=None, mask=None):
        x = x + self.attn(self.attn_norm(x), cos, sin, cache, layer, lengths, mask)
        return x + self.mlp(self.mlp_norm(x))


class Transformer(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        assert cfg.vocab_size > 0 and cfg.n_head % cfg.n_kv_head == 0 and cfg.head_dim % 2 == 0
        self.cfg = cfg
        self.tok_emb = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.layers = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.norm = RMSNorm(cfg.d_model, cfg.norm_eps)
        cos, sin = rope_tables(cfg.head_dim, cfg.ctx, cfg.rope_theta)
        self.register_buffer("rope_cos", cos, persistent=False)
        self.register_buffer("rope_sin", sin, persistent=False)
        self.apply(self._init)
        for name, p in self.named_parameters():  # GPT-2's scaled init of the residual projections
            if name.endswith(("attn.wo.weight", "mlp.w_down.weight")):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear | nn.Embedding):
            nn.init.normal_(m.weight, 0.0, 0.02)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None,
                cache: KVCache | None = None, ignore_index: int = -100,
                segments: torch.Tensor | None = None, padding_free: bool | None = None):
        """segments (B, T), for packed windows: a row is a run of equal non-zero ids and attends only
        within itself; 0 marks padding (its logits are 0 and it adds no loss). padding_free: how
        (Packing), by default on a CPU only. Without segments, plain causal attention over each of
        the B sequences."""
        B, T = idx.shape
        start = cache.length if cache is not None else 0
        assert start + T <= self.cfg.ctx, f"sequence of {start + T} exceeds ctx {self.cfg.ctx}"
        assert segments is None or cache is None, "segments are for training windows, not decoding"
        packing = Packing.of(segments) if segments is not None else None
        if padding_free is None:
            padding_free = idx.device.type == "cpu"
        lengths = mask = None
        if packing is None:
            x = self.tok_emb(idx)                                                    # (B, T, C)
            cos, sin = self.rope_cos[start:start + T], self.rope_sin[start:start + T]
        elif padding_free:
            x = self.tok_emb(idx.flatten()[packing.keep])[None]                     # (1, N, C)
            cos, sin = self.rope_cos[packing.positions], self.rope_sin[packing.positions]
            lengths = packing.lengths
        else:
            x = self.tok_emb(idx)
            positions = packing.window_positions(idx.shape)
            cos, sin = self.rope_cos[positions], self.rope_sin[positions]           # (B, T, hd)
            causal = torch.ones(T, T, dtype=torch.bool, device=idx.device).tril()
            mask = ((segments[:, :, None] == segments[:, None, :]) & causal)[:, None]     # (B, 1, T, T)
        cos, sin = cos.to(x.dtype), sin.to(x.dtype)
        for i, block in enumerate(self.layers):
            x = block(x, cos, sin, cache, i, lengths, mask)
        if cache is not None:
            cache.length += T
        if packing is not None and not padding_free:   # the real tokens, as padding-free lays them out
            x = x.flatten(0, 1)[packing.keep][None]
        logits = F.linear(self.norm(x), self.tok_emb.weight)                         # tied head (B, T, V)
        loss = None
        if targets is not None:
            kept = targets.flatten() if packing is None else targets.flatten()[packing.keep]
            loss = F.cross_entropy(logits.float().view(-1, logits.size(-1)), kept, ignore_index=ignore_index)
        if packing is not None:
            logits = logits.new_zeros(B * T, logits.size(-1)).index_copy(0, packing.keep, logits[0]).view(B, T, -1)
        return logits, loss

    def new_cache(self, batch: int = 1) -> KVCache:
        w = self.tok_emb.weight
        return KVCache(self.cfg, batch, w.device, w.dtype)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())
