"""A run's metrics.jsonl (the trainer's events, engine/train/trainer.py) read back and summarized.

    events = read_events(RunDir(folder).metrics)
    summary(events)   # {"step": 615, "total_steps": 615, "loss": 0.08, "min_loss": ..., ...}
    curve(events, "loss")   # [(step, value), ...] one point per step, the newest on resume

The ledger keeps the summary and a pointer to the file; the report draws its curves from the file.
A writer killed mid-line leaves a torn last line: it is skipped, any other bad line is an error.
"""
from __future__ import annotations

import json
import statistics
from pathlib import Path

from engine.fileio import InputError, read_text


def read_events(path: str | Path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        return []
    lines = read_text(path).split("\n")
    events = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError as e:
            if number == len(lines):    # no newline after it: the write was cut off
                break
            raise InputError(f"{path}:{number}:{e.colno}: not a metrics event: {e.msg}") from None
    return events


def steps(events: list[dict]) -> list[dict]:
    """Step events in step order; a resumed run repeats steps after its checkpoint: the newest wins."""
    by_step = {e["step"]: e for e in events if e.get("event") == "step"}
    return [by_step[s] for s in sorted(by_step)]


def curve(events: list[dict], key: str) -> list[tuple[int, float]]:
    return [(e["step"], float(e[key])) for e in steps(events) if e.get(key) is not None]


def stage_starts(events: list[dict]) -> list[tuple[int, str]]:
    """(first step, stage name) of each stage, from the newest start event's plan."""
    starts = [e for e in events if e.get("event") == "start"]
    if not starts:
        return []
    return [(s["first_step"], s["stage"]) for s in starts[-1].get("stages", [])]


def summary(events: list[dict]) -> dict:
    """What the ledger keeps of a run's metrics: progress, loss, grad norm, speed, and the plan."""
    starts = [e for e in events if e.get("event") == "start"]
    start = starts[-1] if starts else {}
    done = steps(events)
    last = done[-1] if done else {}
    ends = [e for e in events if e.get("event") in ("finished", "stopped")]
    losses = [e["loss"] for e in done]
    speeds = [e["tokens_per_s"] for e in done if e.get("tokens_per_s")]
    return {
        "step": last.get("step", 0),
        "total_steps": start.get("total_steps", 0),
        "tokens": last.get("tokens", 0),
        "loss": last.get("loss"),
        "min_loss": min(losses) if losses else None,
        "grad_norm": last.get("grad_norm"),
        "tokens_per_s": statistics.median(speeds) if speeds else None,
        "elapsed": last.get("elapsed", 0.0),
        "model": start.get("model", {}),
        "params": start.get("params"),
        "train": start.get("train", {}),
        "stages": start.get("stages", []),
        "device": start.get("device"),
        "precision": start.get("precision"),
        "world": start.get("world"),
        "preflight": start.get("preflight"),
        "end": ends[-1] if ends and ends[-1]["step"] == last.get("step", 0) else None,
    }
