"""Training speed: our transformer against transformers' LlamaForCausalLM, same config, same run.

    python bench/train.py [--size l3_d192] [--batch 8] [--seq 768] [--steps 8] [--warmup 2]

Both models are built from one config (vocab of the default tokenizer, tied embeddings, the same
RoPE theta and RMSNorm eps, no biases, SDPA attention) and given the same weights: before timing,
the bench checks their logits agree (printed), so the two really are the same network. A step is
what the trainer does: forward, loss, backward, AdamW step (fused, the same optimizer for both),
zero_grad. Each model uses its own loss path (ours: model(idx, targets); Llama: labels=), on the
same random (batch, seq) tokens. Steps alternate between the models so background load hits both
alike; the medians after the warmup steps are compared.

Model FLOP utilisation (PaLM's convention): 6 N + 12 L H hd T FLOPs per token (N parameters, the
tied head counted once; attention scores and values, causal mask ignored), over the peak of a
large float32 torch.matmul measured in the same run. Target (issue 5): ours >= 1.2x Llama.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch

from engine.model import SIZES, Transformer
from engine.tokenizer import default_tokenizer

# our parameter name -> transformers' Llama name (layers.{i}. prefix handled below)
LLAMA_NAMES = {
    "attn_norm.weight": "input_layernorm.weight", "attn.wq.weight": "self_attn.q_proj.weight",
    "attn.wk.weight": "self_attn.k_proj.weight", "attn.wv.weight": "self_attn.v_proj.weight",
    "attn.wo.weight": "self_attn.o_proj.weight", "mlp_norm.weight": "post_attention_layernorm.weight",
    "mlp.w_gate.weight": "mlp.gate_proj.weight", "mlp.w_up.weight": "mlp.up_proj.weight",
    "mlp.w_down.weight": "mlp.down_proj.weight",
}


def llama_like(model: Transformer):
    """transformers' LlamaForCausalLM of the same config, holding a copy of `model`'s weights."""
    from transformers import LlamaConfig, LlamaForCausalLM

    c = model.cfg
    hf = LlamaForCausalLM(LlamaConfig(
        vocab_size=c.vocab_size, hidden_size=c.d_model, intermediate_size=c.d_mlp, num_hidden_layers=c.n_layer,
        num_attention_heads=c.n_head, num_key_value_heads=c.n_kv_head, head_dim=c.head_dim,
        max_position_embeddings=c.ctx, rms_norm_eps=c.norm_eps, rope_theta=c.rope_theta,
        tie_word_embeddings=True, attention_bias=False, mlp_bias=False, hidden_act="silu",
        attn_implementation="sdpa"))
    state = {"model.embed_tokens.weight": model.tok_emb.weight, "model.norm.weight": model.norm.weight}
    for name, p in model.named_parameters():
        if name.startswith("layers."):
            _, i, rest = name.split(".", 2)
            state[f"model.layers.{i}.{LLAMA_NAMES[rest]}"] = p
    missing, unexpected = hf.load_state_dict({k: v.detach().clone() for k, v in state.items()}, strict=False)
    assert not unexpected and set(missing) <= {"lm_head.weight"}, (missing, unexpected)
    hf.tie_weights()
    return hf


def matmul_peak(n: int = 2048, repeat: int = 5) -> float:
    """FLOP/s of a large float32 matmul: the ceiling the model's matmuls could reach here."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.matmul(a, b)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        torch.matmul(a, b)
        times.append(time.perf_counter() - t)
    return 2 * n ** 3 / statistics.median(times)


def kernel_shares(step, opt) -> str:
    """Where a step's CPU time goes: matmuls, the SDPA attention kernels, everything else."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        step(opt)
    kinds = {"matmul": 0.0, "attention": 0.0, "other": 0.0}
    for e in prof.key_averages():
        kind = ("matmul" if e.key in ("aten::mm", "aten::addmm", "aten::bmm") else
                "attention" if "scaled_dot_product" in e.key else "other")
        kinds[kind] += e.self_cpu_time_total
    total = sum(kinds.values())
    return ", ".join(f"{k} {v / total:.0%}" for k, v in kinds.items())


def flops_per_token(model: Transformer, seq: int) -> float:
    c = model.cfg
    return 6 * model.num_params() + 12 * c.n_layer * c.n_head * c.head_dim * seq


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="l3_d192", choices=list(SIZES))
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--seq", type=int, help="sequence length (default: the size's ctx)")
    p.add_argument("--steps", type=int, default=8, help="timed steps per model")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps per model first")
    args = p.parse_args()

    torch.manual_seed(0)
    ours = Transformer(SIZES[args.size].with_vocab(len(default_tokenizer())))
    seq = args.seq or ours.cfg.ctx
    llama = llama_like(ours)
    idx = torch.randint(0, ours.cfg.vocab_size, (args.batch, seq))
    with torch.no_grad():
        diff = (ours(idx)[0] - llama(input_ids=idx).logits).abs().max().item()
    print(f"{args.size}: {ours.num_params():,} parameters, batch {args.batch} x seq {seq}, "
          f"{torch.get_num_threads()} threads; same weights, logits max |diff| {diff:.2e}")
    assert diff < 1e-4, "the two models are not the same network"

    targets = torch.randint(0, ours.cfg.vocab_size, (args.batch, seq))

    def step_ours(opt):
        _, loss = ours(idx, targets)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    def step_llama(opt):
        loss = llama(input_ids=idx, labels=targets).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    runs = {"ours": (step_ours, torch.optim.AdamW(ours.parameters(), lr=1e-4, fused=True), []),
            "llama": (step_llama, torch.optim.AdamW(llama.parameters(), lr=1e-4, fused=True), [])}
    for i in range(args.warmup + args.steps):
        for step, opt, times in runs.values():
            t = time.perf_counter()
            step(opt)
            if i >= args.warmup:
                times.append(time.perf_counter() - t)
    peak = matmul_peak()
    per_step = flops_per_token(ours, seq) * args.batch * seq
    print(f"matmul peak (2048^3 float32): {peak / 1e9:.1f} GFLOP/s; model {per_step / 1e9:.2f} GFLOP per step")
    med = {}
    for name, (_, _, times) in runs.items():
        med[name] = statistics.median(times)
        print(f"{name:<6} median {med[name] * 1000:8.1f} ms/step  {args.batch * seq / med[name]:9,.0f} tokens/s  "
              f"MFU {per_step / med[name] / peak:6.1%}  (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})")
    print(f"ratio ours / llama tokens/s: {med['llama'] / med['ours']:.2f}x (target >= 1.2x)")
    for name, (step, opt, _) in runs.items():
        print(f"{name:<6} one step's CPU time by kernel: {kernel_shares(step, opt)}")


if __name__ == "__main__":
    main()
