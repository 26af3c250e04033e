"""The training parity regimen: engine/ck (numpy) against engine.model.Transformer (torch).

    ck parity --config tiny [--dtype float32|float64|both] [-o DIR]
    result = finish(run_regimen(SIZES["tiny"].with_vocab(64), "tiny", Settings(), ("float32",))).value

run_regimen yields a Progress per stage as it finishes (its Stage.to_dict() as data), then the
whole result, the dict written to training_parity_regimen_latest.json, as its Result
(engine/events.py).

Stages, each run in float32 and in float64, both engines starting from the same weights and
fed the same batches (seed: "Parity regimen"; issue 5):
  A1  forward, backward and 2 SGD steps: logits, loss, every gradient, every parameter
  A4  10 AdamW steps: the same, under AdamW's tighter parameter bound
  B   gradient accumulation over 2/4/8 micro-batches (CK) equals the whole batch (torch)
  C   a multi-epoch run (several passes over a few batches): the loss stays within 10x its bound
  E1  two identical runs of each engine agree within 1e-12 (torch's pair on CPU only: CUDA's
      attention backward accumulates with atomics and is not bitwise repeatable)
  F1  CK checkpoint (npz, no pickle), reload and continue equals the straight run within 1e-12
Bounds are maximum absolute differences, one per kind of tensor (TOLERANCES).

Within a step tensors are compared in the order the step computes them: logits, loss, the
gradients in the order backprop produces them (norm.weight first, tok_emb.weight last), the
parameters after the update. The first tensor over its bound (`first_divergence`) therefore
points at the kernel that broke: a wrong RMSNorm weight gradient shows first as grad:norm.weight
(tests/test_ck.py plants one).

float64: model.py stores the rotary tables in float32 and takes the loss from logits.float()
(its bf16 path), either of which would cap agreement at float32 precision. In float64 the torch
side gets float64 tables and its loss from the float64 logits, so both engines run the same
float64 network. This is the one module of engine/ck that imports torch.
"""
from __future__ import annotations

import json
import math
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from engine.ck import checkpoint, model, optim
from engine.events import Event, Progress, Result, producer
from engine.fileio import write_atomic
from engine.model.model import Transformer, rope_tables
from engine.preflight import PARITY_FILE

VERSION = 1
DTYPES = ("float32", "float64")
JOB = "parity"
IGNORE = -100

# Max |ck - torch| per kind of tensor. float32: issue 5's bounds for loss and parameters; logits
# and gradients (not given there) at the loss bound. Measured at tiny and small, seeds 0-2, the
# worst were 8.8e-7 (logits), 1.1e-7 (grad), 9.5e-7 (loss), 2.4e-7 (AdamW param): 20x or more
# under; at l6_d384 (vocab 422) 2.4e-6 (loss) and 2.1e-6 (AdamW param).
# float64: measured differences are ~1e-15, so 1e-10 leaves room for other BLAS builds yet still
# fails on anything a float32 rounding (~1e-7) or a wrong formula would leave behind.
TOLERANCES = {
    "float32": {"logits": 2e-5, "loss": 2e-5, "grad": 2e-5, "param_sgd": 1e-4, "param_adamw": 3e-5},
    "float64": {"logits": 1e-10, "loss": 1e-10, "grad": 1e-10, "param_sgd": 1e-10, "param_adamw": 1e-10},
}
REPEAT = 1e-12  # E1, F1: the same engine, the same steps


@dataclass(frozen=True)
class Settings:
    vocab: int = 64               # small so tiny / small finish in seconds
    batch: int = 8                # rows; at least 8 so stage B can cut 8 micro-batches
    seq: int = 32                 # positions per row, at most the config's ctx
    seed: int = 0                 # initial weights (torch's init) and the batches
    sgd_lr: float = 0.1
    adamw_lr: float = 1e-3
    betas: tuple = (0.9, 0.95)
    # 1e-5, not torch's 1e-8: a weight whose gradient is near 0 steps lr*g/(|g|+eps), of slope
    # lr/eps; at 1e-8 that slope (1e5) turns float32 rounding of such a gradient (~1e-8 at
    # l3_d192) into 1e-4 of parameter, and A4 would measure rounding noise, not the optimizer.
    # At 1e-5 the worst A4 difference measured was 2.1e-6 (l6_d384), 14x under its bound.
    eps: float = 1e-5
    weight_decay: float = 0.1
    batches: int = 3              # distinct batches, cycled by every stage
    epochs: int = 4               # stage C: passes over the batches
    device: str = "cpu"           # the torch side's device


def make_batches(s: Settings) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random token rows; each row ignores its first (row % 4) targets, as SFT masks prompts, so
    micro-batches keep different target counts (stage B must weight them)."""
    rng = np.random.default_rng(s.seed)
    out = []
    for _ in range(s.batches):
        tokens = rng.integers(0, s.vocab, size=(s.batch, s.seq + 1))
        idx, targets = tokens[:, :-1], tokens[:, 1:].copy()
        for r in range(s.batch):
            targets[r, :min(r % 4, s.seq - 1)] = IGNORE
        out.append((idx, targets))
    return out


def initial_params(cfg, seed: int, dtype: str) -> dict[str, np.ndarray]:
    """Transformer(cfg)'s own init under `seed`, as numpy; the global torch RNG is left as it was."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        state = Transformer(cfg).state_dict()
    return {k: v.numpy().astype(dtype) for k, v in state.items()}


def record(loss, grads=None, logits=None, params=None) -> dict[str, np.ndarray]:
    """One step's tensors, keyed and ordered as they are compared."""
    out = {} if logits is None else {"logits": logits}
    out["loss"] = np.asarray(loss)
    out |= {f"grad:{k}": v for k, v in (grads or {}).items()}
    return out | {f"param:{k}": v.copy() for k, v in (params or {}).items()}


class CKSide:
    def __init__(self, cfg, params, opt: str, s: Settings):
        self.cfg, self.opt, self.s = cfg, opt, s
        self.params = {k: v.copy() for k, v in params.items()}
        self.state = optim.adamw_init(self.params) if opt == "adamw" else None

    def step(self, idx, targets) -> dict:
        logits, loss, caches = model.forward(self.cfg, self.params, idx, targets)
        grads = model.backward(caches)
        if self.opt == "sgd":
            optim.sgd_step(self.params, grads, self.s.sgd_lr)
        else:
            optim.adamw_step(self.params, grads, self.state, self.s.adamw_lr, self.s.betas,
                             self.s.eps, self.s.weight_decay)
        return record(loss, grads, logits, self.params)


class TorchSide:
    def __init__(self, cfg, params, opt: str, s: Settings):
        self.device = torch.device(s.device)
        dtype = getattr(torch, str(next(iter(params.values())).dtype))
        with torch.random.fork_rng(devices=[]):  # its init is overwritten below; leave the RNG be
            self.model = Transformer(cfg).to(device=self.device, dtype=dtype)
        if dtype == torch.float64:  # full-width tables (module docstring)
            cos, sin = rope_tables(cfg.head_dim, cfg.ctx, cfg.rope_theta, torch.float64)
            self.model.rope_cos, self.model.rope_sin = cos.to(self.device), sin.to(self.device)
        self.model.load_state_dict({k: torch.from_numpy(v) for k, v in params.items()})
        ps = self.model.parameters()
        self.optimizer = (torch.optim.SGD(ps, lr=s.sgd_lr) if opt == "sgd" else
                          torch.optim.AdamW(ps, lr=s.adamw_lr, betas=s.betas, eps=s.eps,
                                            weight_decay=s.weight_decay))

    def _backward(self, idx, targets):
        idx = torch.from_numpy(idx).to(self.device)
        targets = torch.from_numpy(targets).to(self.device)
        if self.model.tok_emb.weight.dtype == torch.float64:  # the float64 loss (module docstring)
            logits, _ = self.model(idx)
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=IGNORE)
        else:
            logits, loss = self.model(idx, targets, ignore_index=IGNORE)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grads = {k: p.grad.detach().cpu().numpy().copy() for k, p in self.model.named_parameters()}
        return logits.detach().cpu().numpy(), loss.item(), grads

    def loss_and_grads(self, idx, targets) -> dict:
        _, loss, grads = self._backward(idx, targets)
        return record(loss, grads)

    def step(self, idx, targets) -> dict:
        logits, loss, grads = self._backward(idx, targets)
        self.optimizer.step()
        params = {k: v.detach().cpu().numpy() for k, v in self.model.state_dict().items()}
        return record(loss, grads, logits, params)


@dataclass
class Stage:
    name: str
    title: str
    dtype: str
    tolerance: dict[str, float]           # kind (the part of a tensor's key before ':') -> bound
    max_diff: dict[str, float] = field(default_factory=dict)
    first_divergence: dict | None = None
    notes: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.first_divergence is None and bool(self.max_diff)

    def compare(self, step: str, ours: dict, reference: dict) -> None:
        """Every tensor of `ours` against the same key of `reference`, in `ours`' order."""
        for key, a in ours.items():
            a, b = np.asarray(a, np.float64), np.asarray(reference[key], np.float64)
            diff = float(np.max(np.abs(a - b))) if a.shape == b.shape else math.inf
            prev = self.max_diff.get(key, 0.0)
            if not math.isnan(prev) and (math.isnan(diff) or diff > prev):  # NaN sticks
                self.max_diff[key] = diff
            else:
                self.max_diff[key] = prev
            bound = self.tolerance[key.split(":")[0]]
            if self.first_divergence is None and not diff <= bound:
                self.first_divergence = {"stage": self.name, "dtype": self.dtype, "step": step,
                                         "tensor": key, "max_diff": diff, "tolerance": bound}

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "dtype": self.dtype, "passed": self.passed,
                "tolerance": self.tolerance, "max_diff": self.max_diff,
                "first_divergence": self.first_divergence, **self.notes}


class _Clock:
    """Seconds spent inside each engine, for bench/parity.py's reference."""

    def __init__(self):
        self.seconds = {"ck": 0.0, "torch": 0.0}

    def __call__(self, side: str, fn, *args):
        start = time.perf_counter()
        out = fn(*args)
        self.seconds[side] += time.perf_counter() - start
        return out


def _lockstep(stage, cfg, params, opt, s, batches, steps, clock) -> None:
    ck, pt = CKSide(cfg, params, opt, s), TorchSide(cfg, params, opt, s)
    for i in range(steps):
        b = batches[i % len(batches)]
        stage.compare(f"step {i + 1}", clock("ck", ck.step, *b), clock("torch", pt.step, *b))


def stage_a1(cfg, params, s, batches, tol, clock, dtype) -> Stage:
    st = Stage("A1", "forward, backward and 2 SGD steps", dtype,
               {"logits": tol["logits"], "loss": tol["loss"], "grad": tol["grad"], "param": tol["param_sgd"]},
               notes={"steps": 2, "optimizer": "sgd", "lr": s.sgd_lr})
    _lockstep(st, cfg, params, "sgd", s, batches, 2, clock)
    return st


def stage_a4(cfg, params, s, batches, tol, clock, dtype) -> Stage:
    st = Stage("A4", "10 AdamW steps", dtype,
               {"logits": tol["logits"], "loss": tol["loss"], "grad": tol["grad"], "param": tol["param_adamw"]},
               notes={"steps": 10, "optimizer": "adamw", "lr": s.adamw_lr})
    _lockstep(st, cfg, params, "adamw", s, batches, 10, clock)
    return st


def stage_b(cfg, params, s, batches, tol, clock, dtype) -> Stage:
    st = Stage("B", "gradient accumulation over 2/4/8 micro-batches equals the whole batch", dtype,
               {"loss": tol["loss"], "grad": tol["grad"]}, notes={"micro_batches": [2, 4, 8]})
    idx, targets = batches[0]
    whole = clock("torch", TorchSide(cfg, params, "sgd", s).loss_and_grads, idx, targets)
    for k in (2, 4, 8):
        loss, grads = clock("ck", model.loss_and_grads, cfg, params, idx, targets, k)
        st.compare(f"{k} micro-batches", record(loss, grads), whole)
    return st


def stage_c(cfg, params, s, batches, tol, clock, dtype) -> Stage:
    st = Stage("C", f"{s.epochs} epochs over {len(batches)} batches (AdamW): loss within 10x its bound",
               dtype, {"loss": 10 * tol["loss"]}, notes={"steps": s.epochs * len(batches)})
    losses = []
    ck, pt = CKSide(cfg, params, "adamw", s), TorchSide(cfg, params, "adamw", s)
    for e in range(s.epochs):
        for j, b in enumerate(batches):
            a, r = clock("ck", ck.step, *b), clock("torch", pt.step, *b)
            st.compare(f"epoch {e + 1} batch {j + 1}", {"loss": a["loss"]}, {"loss": r["loss"]})
            losses.append(float(a["loss"]))
    st.notes |= {"loss_first": losses[0], "loss_last": losses[-1]}
    return st


def stage_e1(cfg, params, s, batches, tol, clock, dtype) -> Stage:
    st = Stage("E1", "two identical runs of each engine agree", dtype, {"loss": REPEAT, "param": REPEAT},
               notes={"steps": 3})
    sides = {"ck": CKSide, "torch": TorchSide}
    if s.device != "cpu":  # CUDA's attention backward accumulates with atomics: not bitwise repeatable
        del sides["torch"]
        st.notes["skipped"] = f"torch pair on {s.device}"
    for side, make in sides.items():
        one, two = make(cfg, params, "adamw", s), make(cfg, params, "adamw", s)
        for i in range(3):
            b = batches[i % len(batches)]
            a, r = clock(side, one.step, *b), clock(side, two.step, *b)
            keys = ["loss"] + [k for k in a if k.startswith("param:")]
            st.compare(f"{side} step {i + 1}", {k: a[k] for k in keys}, {k: r[k] for k in keys})
    return st


def stage_f1(cfg, params, s, batches, tol, clock, dtype) -> Stage:
    steps, half = 6, 3
    st = Stage("F1", f"checkpoint after {half} of {steps} AdamW steps, reload, continue = straight run",
               dtype, {"loss": REPEAT, "param": REPEAT, "state": REPEAT}, notes={"steps": steps})
    straight, split = CKSide(cfg, params, "adamw", s), CKSide(cfg, params, "adamw", s)
    expected = [clock("ck", straight.step, *batches[i % len(batches)]) for i in range(steps)]
    for i in range(half):
        clock("ck", split.step, *batches[i % len(batches)])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ck_checkpoint.npz"
        checkpoint.save(path, split.params, split.state)
        loaded, state = checkpoint.load(path)
    resumed = CKSide(cfg, loaded, "adamw", s)
    resumed.state = state
    for i in range(half, steps):
        got = clock("ck", resumed.step, *batches[i % len(batches)])
        keys = ["loss"] + [k for k in got if k.startswith("param:")]
        st.compare(f"step {i + 1}", {k: got[k] for k in keys}, {k: expected[i][k] for k in keys})
    flat = lambda d: np.concatenate([v.ravel() for v in d.values()])
    st.compare(f"step {steps}", {"state:adamw.step": resumed.state["step"], "state:adamw.m": flat(resumed.state["m"]),
                                 "state:adamw.v": flat(resumed.state["v"])},
               {"state:adamw.step": straight.state["step"], "state:adamw.m": flat(straight.state["m"]),
                "state:adamw.v": flat(straight.state["v"])})
    return st


STAGES = (stage_a1, stage_a4, stage_b, stage_c, stage_e1, stage_f1)


@producer(JOB)
def run_regimen(cfg, name: str, s: Settings = Settings(), dtypes=DTYPES) -> Iterator[Event]:
    """Every stage for every dtype; `cfg` must already have vocab_size == s.vocab."""
    assert cfg.vocab_size == s.vocab, "build cfg with .with_vocab(settings.vocab)"
    if not 1 <= s.seq <= cfg.ctx or s.batch < 8:
        raise ValueError(f"need 1 <= seq <= ctx ({cfg.ctx}) and batch >= 8; got seq {s.seq}, batch {s.batch}")
    start, clock = time.perf_counter(), _Clock()
    batches = make_batches(s)
    stages = []
    for dtype in dtypes:
        params = initial_params(cfg, s.seed, dtype)
        for run in STAGES:
            st = run(cfg, params, s, batches, TOLERANCES[dtype], clock, dtype)
            stages.append(st)
            yield Progress(JOB, len(stages), len(dtypes) * len(STAGES),
                           f"{st.name} {st.dtype}: {'pass' if st.passed else 'FAIL'}", {"stage": st.to_dict()})
    first = next((st.first_divergence for st in stages if st.first_divergence), None)
    passed = all(st.passed for st in stages)
    yield Result(JOB, f"parity regimen, config {name}: {'PASSED' if passed else 'FAILED'}", {
        "version": VERSION, "config": name, "passed": passed,
        "dtypes": list(dtypes), "model": cfg.to_dict(), "settings": asdict(s),
        "stages": [st.to_dict() for st in stages], "first_divergence": first,
        "seconds": {"total": time.perf_counter() - start, **clock.seconds},
        "versions": {"numpy": np.__version__, "torch": torch.__version__}})


# ---- report ---------------------------------------------------------------------------------------

def _finite(x):
    """JSON has no NaN or Infinity: write them as strings."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    return x


def table(result: dict) -> str:
    """Per-tensor max differences: one block per dtype, a column per stage, '!' over the bound."""
    lines = [f"CK <-> PyTorch parity regimen, config {result['config']}: "
             + ("PASSED" if result["passed"] else "FAILED")]
    for dtype in result["dtypes"]:
        stages = [st for st in result["stages"] if st["dtype"] == dtype]
        keys = list(dict.fromkeys(k for st in stages for k in st["max_diff"]))
        width = max(len(k) for k in keys + ["tolerance state"])
        lines += ["", f"{dtype}".ljust(width) + "".join(f"{st['name']:>10}" for st in stages)]
        for kind in dict.fromkeys(k.split(":")[0] for k in keys):
            lines.append(f"tolerance {kind}".ljust(width) + "".join(
                f"{st['tolerance'][kind]:>10.0e}" if kind in st["tolerance"] else f"{'':>10}" for st in stages))
        for key in keys:
            cells = []
            for st in stages:
                d = st["max_diff"].get(key)
                over = d is not None and not d <= st["tolerance"][key.split(":")[0]]
                cells.append(f"{'':>10}" if d is None else f"{d:>9.1e}" + ("!" if over else " "))
            lines.append(key.ljust(width) + "".join(cells))
        lines.append("result".ljust(width) + "".join(f"{'pass' if st['passed'] else 'FAIL':>9} " for st in stages))
    fd = result["first_divergence"]
    if fd:
        lines += ["", (f"first divergence: {fd['tensor']} in {fd['stage']} ({fd['dtype']}, {fd['step']}): "
                       f"{fd['max_diff']:.3e} > {fd['tolerance']:.0e}")]
    sec = result["seconds"]
    lines += ["", f"{sec['total']:.2f} s (CK {sec['ck']:.2f} s, torch {sec['torch']:.2f} s)"]
    return "\n".join(lines) + "\n"


def write_result(result: dict, out: Path) -> tuple[Path, Path]:
    """OUT/training_parity_regimen_latest.json (what the preflight gate reads) and .txt beside it."""
    path = Path(out) / PARITY_FILE
    write_atomic(path, json.dumps(_finite(result), indent=2) + "\n")
    text_path = path.with_suffix(".txt")
    write_atomic(text_path, table(result))
    return path, text_path
