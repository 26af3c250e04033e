"""`ck train SPEC.toml`: train the spec's [train] table, printing the loss curve as it goes.

    ck train specs/spec01.toml [--data DIR] [--run-dir DIR] [--resume]
             [--device cpu|cuda] [--precision fp32|bf16] [--max-steps N] [--skip-preflight]
    torchrun --nproc_per_node=2 -m engine.train specs/spec01.toml ...     (DDP; engine/train/__main__.py)

Refuses to start unless the workspace's preflight/<spec>/preflight.json passes (`ck preflight SPEC.toml`);
the run directory defaults to the workspace's runs/<spec name> (engine/paths.py).
Ctrl-C stops after the step in flight and writes a checkpoint; `--resume` continues from it.
Exit codes: 0 finished or reached --max-steps, 130 stopped by Ctrl-C, 2 bad input (InputError),
3 diverged (a NaN, infinite or over-bound loss stopped it before the step was taken).
"""
from __future__ import annotations

import signal
import sys
import threading

import torch.distributed as dist

from engine.argtypes import positive_int

BANNER = "!" * 78
DIVERGED = 3


def _print_progress(event, every: int) -> None:
    e = event.data
    kind = e["event"]
    if kind == "start":
        stages = ", ".join(f"{s['stage']} steps {s['first_step']}-{s['last_step']} ({s['rows']} rows, "
                           f"fill {s['fill_rate']:.2f})" for s in e["stages"])
        print(f"{e['spec']}: {e['params']:,} parameters, {e['total_steps']} steps on {e['device']} x{e['world']} "
              f"({e['precision']}); {stages}" + (f"; resumed from {e['resumed']}" if e["resumed"] else "")
              + (f"; weights from {e['init_from']['checkpoint']}" if e.get("init_from") else ""))
        for notice in e.get("notices", []):
            print(f"note: {notice}")
    elif kind == "stage":
        print(f"-- stage {e['stage']} from step {e['step']}")
    elif kind == "step" and (e["step"] % every == 0 or e["step"] == 1):
        print(f"step {e['step']:>6} {e['stage']:<10} loss {e['loss']:.4f}  |g| {e['grad_norm']:.3f}  "
              f"lr {e['lr']:.2e}  {e['tokens_per_s']:,.0f} tok/s  {e['elapsed']:.0f} s", flush=True)
    elif kind == "checkpoint":
        print(f"checkpoint {e['path']}")


def cmd_train(args) -> int:
    from engine.events import finish
    from engine.train.run import prepare_run

    rank0 = not dist.is_initialized() or dist.get_rank() == 0
    if args.skip_preflight and rank0:
        print(f"{BANNER}\n--skip-preflight: the pre-training gates were NOT checked. This run is recorded as\n"
              f"unchecked (run.json, metrics.jsonl); its results are not evidence.\n{BANNER}", file=sys.stderr)
    trainer = prepare_run(args.spec, args.run_dir, args.data, resume=args.resume,
                          skip_preflight=args.skip_preflight, device=args.device,
                          precision=args.precision, max_steps=args.max_steps, init_from=args.init_from)
    if args.tensorboard and rank0:
        from engine.train.tensorboard import TensorBoardLog

        trainer.subscribe(TensorBoardLog(args.tensorboard))
    stop = threading.Event()

    def on_interrupt(*_):   # the first Ctrl-C stops cleanly; a second one interrupts at once
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        result = finish(trainer.run(stop), (lambda e: _print_progress(e, args.log_every)) if rank0 else None)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if rank0:
        print(result.summary)
    if result.value["event"] == "diverged":
        last = result.value.get("last_checkpoint")
        print(f"ck train: diverged at step {result.value['step']} ({result.value['reason']}); "
              + (f"the last checkpoint, step {last}, holds finite weights: lower train.lr and start a new run, or "
                 "resume from it" if last is not None else "no checkpoint was written before it: lower train.lr"),
              file=sys.stderr)
        return DIVERGED
    return 130 if result.value.get("reason") == "requested" else 0


def add_arguments(p) -> None:
    p.add_argument("spec", help="SPEC.toml with a [train] table")
    p.add_argument("--data", help="a built dataset folder (default: build the spec into RUN/data)")
    p.add_argument("--run-dir", help="run directory (default: the workspace's runs/<spec name>)")
    p.add_argument("--resume", action="store_true", help="continue the run directory's newest checkpoint")
    p.add_argument("--tensorboard", metavar="DIR", help="also write TensorBoard event files there (needs the "
                                                        "tensorboard package)")
    p.add_argument("--init-from", help="start from this run folder's (or checkpoint's) weights: a fine-tune rung "
                                       "(overrides train.init_from)")
    p.add_argument("--device", default="cpu", help="cpu or cuda (cuda:N; under torchrun each rank its own)")
    p.add_argument("--precision", choices=("fp32", "bf16"), help="override train.precision")
    p.add_argument("--max-steps", type=positive_int, help="stop (with a checkpoint) once the run reaches step N")
    p.add_argument("--log-every", type=positive_int, default=10, help="print every N-th step (all go to metrics.jsonl)")
    p.add_argument("--skip-preflight", action="store_true",
                   help="train although the preflight gates were not passed (recorded in the run)")
    p.set_defaults(run=cmd_train)
