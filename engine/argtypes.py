"""Argument types for every `ck` command: a number a command cannot use is refused by argparse
with the usage line and exit 2, never met later as a ZeroDivisionError or a NaN in a JSON file."""
from __future__ import annotations

import argparse
import math


def positive_int(text: str) -> int:
    """A whole number of at least 1 (steps, rows, threads, a logging period)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def fraction(text: str) -> float:
    """A finite number in [0, 1] (a score threshold)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} must be a number from 0 to 1")
    return value
