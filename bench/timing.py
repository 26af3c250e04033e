"""The one timing rule every bench script uses: the median of repeated wall-clock runs."""
from __future__ import annotations

import statistics
import time


def median_s(fn, repeat: int, warmup: bool = False, clock=time.perf_counter) -> float:
    """Median seconds of `fn()` over `repeat` runs; `warmup` runs it once first, untimed, so caches
    (grammar, font tables) are as a running studio would have them. clock=time.process_time gives
    this process's CPU time, which a machine shared with other work does not stretch."""
    if warmup:
        fn()
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)


def median_ms(fn, repeat: int) -> float:
    return median_s(fn, repeat, warmup=True) * 1000


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) of `values`, by linear interpolation between the nearest ranks;
    with few values the 99th is close to the largest, which is what a tail bound should see."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
