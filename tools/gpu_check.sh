#!/usr/bin/env bash
# Issue 5's checks on a CUDA machine, in one pass: the training bench (ours vs transformers' Llama),
# the CK parity regimen with the torch side on the GPU, spec01 trained on the GPU in float32 and
# bf16, and the DDP path over NCCL (torchrun, one process per GPU) where there are two GPUs or more.
#
#   OUT=out/gpu DATA=out/runs/spec01-r2/preflight/data bash tools/gpu_check.sh
#
# DATA is a built spec01 dataset (`ck data build specs/spec01.toml -o DIR`). Wheels of packages
# the machine lacks (lark) may lie in .whl/. Everything lands in $OUT: gpu_check.log, and the
# float32 run with its last checkpoint as spec01-fp32.tgz (probe it anywhere with `ck probe`).
# DEVICE=cpu STEPS=2 runs the same pass briefly on a CPU, to check the script itself.
set -uo pipefail
OUT=$(realpath -m "${OUT:-out/gpu}")
DATA=${DATA:?a built spec01 dataset folder}
DEVICE=${DEVICE:-cuda}
WORK=${WORK:-$(mktemp -d)}
LOG=$OUT/gpu_check.log
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
if compgen -G ".whl/*.whl" >/dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/site
fi

ck() { python3 -c 'import sys; from engine.cli import main; sys.exit(main())' "$@"; }
section() { echo; echo "=== $* ($(date +%T))"; }
steps=(); bench=(--steps 8 --warmup 2)
if [[ -n ${STEPS:-} ]]; then steps=(--max-steps "$STEPS"); bench=(--steps 1 --warmup 0); fi

{
    section machine
    if [[ $DEVICE == cuda* ]]; then nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; fi
    python3 -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)'

    for batch in 8 64; do
        section "bench/train.py --batch $batch"
        python3 bench/train.py --device "$DEVICE" --batch "$batch" "${bench[@]}"
    done

    section "ck parity --config l3_d192 (torch side on $DEVICE)"
    ck parity --config l3_d192 --device "$DEVICE" -o "$WORK/parity"

    for precision in fp32 bf16; do
        section "ck train specs/spec01.toml --precision $precision"
        ck train specs/spec01.toml --device "$DEVICE" --precision "$precision" --data "$DATA" --skip-preflight \
            --run-dir "$WORK/spec01-$precision" --log-every 100 "${steps[@]}"
    done

    gpus=$(python3 -c 'import torch; print(torch.cuda.device_count())')
    if (( gpus > 1 )); then
        section "torchrun -m engine.train (DDP over NCCL, $gpus GPUs)"
        torchrun --standalone --nproc_per_node="$gpus" -m engine.train specs/spec01.toml --device cuda \
            --data "$DATA" --skip-preflight --run-dir "$WORK/spec01-ddp" --max-steps "${STEPS:-50}" --log-every 10
    else
        section "DDP: $gpus GPU(s) here, NCCL needs two; tests/test_train.py runs DDP over gloo on CPU"
    fi
} 2>&1 | tee "$LOG"

# the float32 run without its older checkpoints: `ck probe spec01-fp32` works on it anywhere
run=$WORK/spec01-fp32
last=$(cd "$run" && ls checkpoints/step_*.safetensors | tail -n 1)
(cd "$WORK" && tar -czf "$OUT/spec01-fp32.tgz" $(find spec01-fp32 -maxdepth 1 -type f) \
    "spec01-fp32/$last" "spec01-fp32/${last%.safetensors}.json")
