"""Asset intake cost: how fast and how small each hostile refusal is, and what a library scan costs.

    python bench/asset_intake.py [--library DIR]

The hostile inputs are those of tests/test_assets.py (HOSTILE); the bound held here is the
issue's: every refusal under 1 s and under 200 MB (tracemalloc peak, which counts expat's buffers
too: pyexpat allocates through Python's allocator). Exit 1 when a bound is broken.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from engine.assets import AssetError, default_library, load_svg, scan  # noqa: E402
from test_assets import HOSTILE  # noqa: E402

SECONDS_BOUND = 1.0
BYTES_BOUND = 200 * 1024 * 1024


def refusal_cost(path: Path) -> tuple[float, int, str]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        load_svg(path)
        outcome = "ACCEPTED"
    except AssetError as e:
        outcome = e.reason[:60]
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, outcome


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--library", type=Path, default=default_library())
    args = ap.parse_args()

    broken = 0
    print(f"{'hostile input':26} {'ms':>8} {'peak MB':>8}  refusal")
    with tempfile.TemporaryDirectory() as tmp:
        for kind, (write, _) in sorted(HOSTILE.items()):
            path = Path(tmp) / f"{kind}.svg"
            write(path)
            seconds, peak, outcome = refusal_cost(path)
            ok = seconds < SECONDS_BOUND and peak < BYTES_BOUND and outcome != "ACCEPTED"
            broken += not ok
            print(f"{kind:26} {seconds * 1000:8.2f} {peak / 2**20:8.2f}  {outcome}{'' if ok else '  <-- BOUND BROKEN'}")

    if args.library.is_dir():
        start = time.perf_counter()
        entries = scan(args.library)
        seconds = time.perf_counter() - start
        refused = sum(e.error is not None for e in entries)
        print(f"\nscan {args.library}: {len(entries)} files ({refused} refused) in {seconds:.3f} s, "
              f"{seconds / max(1, len(entries)) * 1000:.1f} ms per file")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
