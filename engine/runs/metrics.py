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
            event = json.loads(line)
        except json.JSONDecodeError as e:
            if number == len(lines):    # no newline after it: the write was cut off
                break
            raise InputError(f"{path}:{number}:{e.colno}: not a metrics event: {e.msg}") from None
        problem = _malformed(event)
        if problem:
            raise InputError(f"{path}:{number}:1: not a metrics event: {problem}")
        events.append(event)
    return events


# Fields every reader does arithmetic on, and what they must be.
_WHOLE = ("step", "total_steps", "tokens", "params", "first_step")
_NUMBER = ("loss", "grad_norm", "lr", "tokens_per_s", "elapsed")


def _malformed(event) -> str | None:
    """Why a parsed line is not a trainer event, or None."""
    if not isinstance(event, dict) or not isinstance(event.get("event"), str):
        return "an event is a JSON object with an \"event\" name"
    for key in _WHOLE:
        if key in event and (not isinstance(event[key], int) or isinstance(event[key], bool)):
            return f"{key} is {event[key]!r}, not a whole number"
    for key in _NUMBER:
        v = event.get(key)
        if v is not None and (not isinstance(v, (int, float)) or isinstance(v, bool)):
            return f"{key} is {v!r}, not a number"
    stages = event.get("stages", [])
    if not isinstance(stages, list) or any(not isinstance(s, dict) or _malformed({"event": "stage", **s})
                                            for s in stages):
        return "stages is not a list of stage plans"
    return None


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
        "init_from": start.get("init_from"),
        "end": ends[-1] if ends and ends[-1]["step"] == last.get("step", 0) else None,
    }
