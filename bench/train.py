"""Training speed: our transformer against transformers' LlamaForCausalLM, same config, same run.

    python bench/train.py [--size l3_d192] [--spec specs/spec01.toml] [--batch 8] [--steps 8] [--warmup 2]
                          [--device cpu|cuda] [--precision fp32|bf16] [--heads N]

Both models are built from one config (vocab of the default tokenizer, tied embeddings, the same
RoPE theta and RMSNorm eps, no biases, SDPA attention) and given the same weights: before timing,
the bench checks their logits agree (printed), so the two really are the same network. A step is
what the trainer does: forward, loss, backward, AdamW step (fused, the same optimizer for both),
zero_grad. Steps alternate between the models so background load hits both alike; the medians
after the warmup steps are compared. Two workloads, each with its ratio:

  packed   the trainer's own batches: the spec's first steps of packed windows (rows of 200-600
           tokens, about 11 % padding). Each row must see only itself. Ours: `segments`, the
           trainer's call (on a CPU padding-free with attention per row, on a GPU one masked
           call: engine/model Packing). Llama: transformers' packed-sequence convention,
           position_ids restarting at each row, from which it builds the block-diagonal causal
           mask. Logits are compared on the real tokens. Target (issue 5): ours >= 1.2x on the CPU.
  causal   random tokens filling every window, plain causal attention for both (no packing to
           exploit: the same kernels on both sides; the ratio shows the per-token overhead).

Tokens/s counts the real tokens (not padding) for both, as the trainer does, so the ratio is the
ratio of step times. Model FLOP utilisation (PaLM's convention): 6 N + 12 L H hd T FLOPs per token
(N parameters, the tied head counted once; attention scores and values, causal mask ignored), over
the peak of a large float32 torch.matmul measured in the same run.

--precision bf16: both models' forward and backward under torch.autocast(bfloat16), as the trainer
runs `precision = "bf16"` (weights and AdamW state stay float32); the bfloat16 matmul peak is
measured beside the float32 one and MFU is against the bfloat16 peak. Run it once with each
precision to read bf16 against fp32 tokens/s on this machine.

--heads N: the size with N query heads (N/2 key/value heads) in the same width, so a head is wider
(l3_d192: 8 heads of 24, 4 of 48): the same parameters and FLOPs, another shape for the attention
kernel.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch

from engine.model import SIZES, Transformer
from engine.model.model import Packing
from engine.tokenizer import default_tokenizer


def llama_like(model: Transformer):
    """transformers' LlamaForCausalLM of the same config, holding a copy of `model`'s weights
    (the names and config `ck export` writes, engine/inference/export.py)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    from engine.inference.export import llama_config, llama_state

    hf = LlamaForCausalLM(LlamaConfig(**llama_config(model.cfg), attn_implementation="sdpa"))
    missing, unexpected = hf.load_state_dict({k: v.clone() for k, v in llama_state(model).items()}, strict=False)
    assert not unexpected and set(missing) <= {"lm_head.weight"}, (missing, unexpected)
    hf.tie_weights()
    return hf


def timed(fn, device: torch.device) -> float:
    """Seconds `fn()` takes, waiting for the device's queued work on both sides."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    t = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter() - t


def matmul_peak(device: torch.device, dtype: torch.dtype = torch.float32, repeat: int = 5) -> tuple[float, int]:
    """FLOP/s of a large matmul in `dtype`: the ceiling the model's matmuls could reach here."""
    n = 2048 if device.type == "cpu" else 8192
    a, b = torch.randn(n, n, device=device, dtype=dtype), torch.randn(n, n, device=device, dtype=dtype)
    torch.matmul(a, b)
    times = [timed(lambda: torch.matmul(a, b), device) for _ in range(repeat)]
    return 2 * n ** 3 / statistics.median(times), n


def kernel_shares(step, opt, batch) -> str:
    """Where a step's CPU time goes: matmuls, the SDPA attention kernels, everything else."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        step(opt, *batch)
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


def packed_batches(spec_path: Path, ctx: int, batch: int, count: int):
    """The first `count` batches (inputs, labels, segments) the trainer takes for the spec."""
    from engine.data.build import build_dataset, load_golds
    from engine.data.spec import load_spec
    from engine.train.config import load_train_config
    from engine.train.data import Curriculum, segments

    spec = load_spec(spec_path)
    cfg = replace(load_train_config(spec_path, spec), batch=batch)
    assert cfg.ctx == ctx, f"{spec_path} trains ctx {cfg.ctx}; pass --size with that ctx"
    tokenizer = default_tokenizer()
    data = Curriculum(cfg, build_dataset(spec, load_golds(spec)), tokenizer)
    out = []
    for step in range(count):
        b = data.batch(step)
        out.append((b.inputs, b.labels, segments(b.inputs, tokenizer.bos_id, tokenizer.pad_id)))
    return out


def row_positions(segments: torch.Tensor) -> torch.Tensor:
    """position_ids restarting at each row, transformers' packed-sequence convention (0 at padding)."""
    return Packing.of(segments).window_positions(segments.shape)


def compare(name: str, cfg, batches, warmup: int, steps: int, peak: float, device: torch.device,
            bf16: bool = False) -> float:
    """Time training steps of both models, fresh from one seed, over `batches` ((idx, targets,
    segments or None) each); returns the ratio of median step times, llama / ours."""
    torch.manual_seed(0)
    ours = Transformer(cfg)
    llama = llama_like(ours).to(device)
    ours = ours.to(device)
    batches = [tuple(None if t is None else t.to(device) for t in b) for b in batches]

    def step_ours(opt, idx, targets, seg):
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            _, loss = ours(idx, targets, segments=seg)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    def step_llama(opt, idx, targets, seg):
        position_ids = None if seg is None else row_positions(seg)
        # shift_labels: the targets are already aligned with the logits, as ours takes them
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            loss = llama(input_ids=idx, labels=targets, shift_labels=targets, position_ids=position_ids,
                         use_cache=False).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    idx, _, seg = batches[0]
    with torch.no_grad():
        a = ours(idx, segments=seg)[0]
        b = llama(input_ids=idx, position_ids=None if seg is None else row_positions(seg), use_cache=False).logits
        real = slice(None) if seg is None else seg != 0
        diff = (a[real] - b[real]).abs().max().item()
    B, T = idx.shape
    padding = 0.0 if seg is None else sum(float((s == 0).float().mean()) for _, _, s in batches) / len(batches)
    tokens = B * T * (1 - padding)      # real tokens per step, on average
    print(f"\n{name}: batch {B} x {T}, padding {padding:.1%}, "
          f"{flops_per_token(ours, T) * tokens / 1e9:.1f} GFLOP per step; logits on real tokens max |diff| {diff:.2e}")
    assert diff < 1e-4, "the two models are not the same network"

    runs = {"ours": (step_ours, torch.optim.AdamW(ours.parameters(), lr=1e-4, fused=True), []),
            "llama": (step_llama, torch.optim.AdamW(llama.parameters(), lr=1e-4, fused=True), [])}
    for i in range(warmup + steps):
        for step, opt, times in runs.values():
            took = timed(partial(step, opt, *batches[i % len(batches)]), device)
            if i >= warmup:
                times.append(took)
    per_step = flops_per_token(ours, T) * tokens
    med = {}
    for who, (_, _, times) in runs.items():
        med[who] = statistics.median(times)
        print(f"{who:<6} median {med[who] * 1000:8.1f} ms/step  {tokens / med[who]:9,.0f} tokens/s  "
              f"MFU {per_step / med[who] / peak:6.1%}  (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})")
    for who, (step, opt, _) in runs.items():
        if device.type == "cpu":
            print(f"{who:<6} one step's CPU time by kernel: {kernel_shares(step, opt, batches[0])}")
    return med["llama"] / med["ours"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="l3_d192", choices=list(SIZES))
    p.add_argument("--spec", type=Path, default=ROOT / "specs" / "spec01.toml", help="whose batches to train on")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--steps", type=int, default=8, help="timed steps per model and workload")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps per model first")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    p.add_argument("--heads", type=int, help="query heads (key/value heads: half), the width unchanged")
    args = p.parse_args()
    bf16 = args.precision == "bf16"
    device = torch.device(args.device)

    cfg = SIZES[args.size].with_vocab(len(default_tokenizer()))
    if args.heads:
        cfg = replace(cfg, n_head=args.heads, n_kv_head=max(1, args.heads // 2))
    T = cfg.ctx
    peak, n = matmul_peak(device)
    where = (f"{torch.get_num_threads()} CPU threads" if device.type == "cpu"
             else torch.cuda.get_device_name(device))
    print(f"{args.size}: {Transformer(cfg).num_params():,} parameters, {cfg.n_head} heads of {cfg.head_dim}, on {where}; "
          f"matmul peak ({n}^3 float32) {peak / 1e9:.1f} GFLOP/s")
    if bf16:
        peak, _ = matmul_peak(device, torch.bfloat16)
        print(f"bfloat16 matmul peak ({n}^3) {peak / 1e9:.1f} GFLOP/s; both models under autocast(bfloat16), "
              "MFU against this peak")
    packed = packed_batches(args.spec, T, args.batch, args.warmup + args.steps)
    ratio_packed = compare(f"packed ({args.spec.stem}'s first batches)", cfg, packed,
                           args.warmup, args.steps, peak, device, bf16)
    random_tokens = [(torch.randint(0, cfg.vocab_size, (args.batch, T)),
                      torch.randint(0, cfg.vocab_size, (args.batch, T)), None)]
    ratio_causal = compare("causal (random tokens, every position real)", cfg, random_tokens,
                           args.warmup, args.steps, peak, device, bf16)
    print(f"\nratio ours / llama tokens/s: packed {ratio_packed:.2f}x (target >= 1.2x), causal {ratio_causal:.2f}x")


if __name__ == "__main__":
    main()
