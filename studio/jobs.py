"""Engine work the studio runs in child processes, without Qt.

Why processes: Python threads share one interpreter lock, and two CPU-bound threads (a training
run and the gold gate, say) starve the GUI thread of it; measured here, event-loop stalls of
150-450 ms. In a child process the work has its own lock, and the GUI thread stays under 50 ms
(tests/studio/test_studio_responsiveness.py). studio/workers.py starts these and relays what
they send; each job is a thin call into the engine.

A streaming job is `job(*args, emit, stop)`: it calls emit(event dict) for each thing that
happens and checks stop.is_set() between steps. A scoring job is a plain function for a
process pool.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path


def train(spec: str, run_dir: str, resume: bool, max_steps: int, skip_preflight: bool, emit, stop) -> None:
    """Prepare the run (dataset, tokenizer, gates) and train it; the trainer's events, as they come."""
    from engine.fileio import InputError
    from engine.train.run import prepare_run

    try:
        trainer = prepare_run(spec, run_dir or None, resume=resume, skip_preflight=skip_preflight,
                              max_steps=max_steps or None)
    except InputError as e:
        emit({"event": "failed", "message": str(e)})
        return
    for event in trainer.run(stop):
        emit(event)


def preflight(spec: str, out: str, emit, stop) -> None:
    """The six pre-training gates, each sent as it is decided, then the verdict."""
    from engine.fileio import InputError
    from engine.preflight import run_preflight

    try:
        result = run_preflight(Path(spec), Path(out),
                               on_gate=lambda g: emit({"event": "gate", "gate": asdict(g) | {"passed": g.passed}}))
    except InputError as e:
        emit({"event": "failed", "message": str(e)})
        return
    emit({"event": "finished", "passed": result.passed})


def gate(pack: str, assets: str, emit, stop) -> None:
    """The gold gate over a pack: each entry's EntryResult as it is scored."""
    from engine.fileio import InputError
    from engine.gold.gate import score_entry
    from engine.gold.pack import load_pack

    try:
        entries = load_pack(Path(pack))
    except InputError as e:
        emit({"event": "failed", "message": str(e)})
        return
    for entry in entries:
        if stop.is_set():
            return
        emit({"event": "entry", "result": score_entry(entry, Path(assets), None)})
    emit({"event": "finished"})


class Cancelled(Exception):
    """Raised from an engine callback to end a run between two of its steps."""


def sizes(emit, stop) -> None:
    """The model sizes parity can run (engine.model imports torch, which the GUI process never does)."""
    from engine.model import SIZES

    emit({"event": "sizes", "sizes": list(SIZES)})


def parity(config: str, dtype: str, vocab: int, out: str, emit, stop) -> None:
    """`ck parity`'s regimen; each stage as it finishes, then the whole result (written to `out`
    as `ck parity` writes it, so the preflight gate reads a studio run too)."""
    from engine.ck.regimen import DTYPES, Settings, run_regimen, write_result
    from engine.model import SIZES

    if config not in SIZES:
        emit({"event": "failed", "message": f"unknown size {config}; one of {', '.join(SIZES)}"})
        return
    cfg = SIZES[config].with_vocab(vocab)

    def on_stage(stage) -> None:
        if stop.is_set():
            raise Cancelled
        emit({"event": "stage", "stage": stage.to_dict()})
    try:
        result = run_regimen(cfg, config, Settings(vocab=vocab, seq=min(32, cfg.ctx)),
                             DTYPES if dtype == "both" else (dtype,), on_stage)
    except Cancelled:
        return
    if out:
        write_result(result, out)
    emit({"event": "finished", "result": result})


def score_live(entry, svg: str, assets: str):
    """One compiled SVG against its gold entry's reference: (EntryResult, {kind: PIL image} or
    None, [(role, text)] of the reference). The reference is prepared once per child (cached)."""
    from engine.assets import AssetError
    from engine.fileio import InputError
    from engine.gold.gate import new_result, reference_of, score_svg

    result = new_result(entry)
    path = entry.reference_path(Path(assets))
    if not path.exists():
        result.status, result.reason = "skipped", f"no reference at {path}"
        return result, None, []
    try:
        reference = reference_of(path)
        images = score_svg(result, svg, reference)
    except (InputError, AssetError) as e:
        result.reason = str(e)
        return result, None, []
    return (result, {k: getattr(images, k) for k in ("reference", "compiled", "diff")},
            [(t.role, t.text) for t in reference.profile.texts])
