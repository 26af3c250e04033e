"""`python -m engine.train SPEC.toml ...`: `ck train` for torchrun (the same arguments).

    torchrun --nproc_per_node=2 -m engine.train specs/spec01.toml --max-steps 20           # CPU, gloo
    torchrun --nproc_per_node=8 -m engine.train specs/spec01.toml --device cuda            # nccl

Under torchrun (WORLD_SIZE > 1) each rank joins the process group (gloo on CPU, nccl on CUDA, each
rank on cuda:LOCAL_RANK), trains its shard of every global batch under DDP, and rank 0 alone writes
the run directory and prints. Without torchrun it is a plain single-process `ck train`.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys

import torch

from engine.fileio import InputError
from engine.train.cli import add_arguments, cmd_train
from engine.train.distributed import process_group


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m engine.train", description="ck train, torchrun-ready")
    add_arguments(p)
    args = p.parse_args(argv)
    group = contextlib.nullcontext()
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        cuda = args.device.startswith("cuda")
        if cuda:
            args.device = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}"
            torch.cuda.set_device(args.device)
        group = process_group("nccl" if cuda else "gloo")
    try:
        with group:
            return cmd_train(args)
    except InputError as e:
        print(f"ck train: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
