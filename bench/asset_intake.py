"""Asset intake cost: how fast and how small each hostile refusal is, and what a library scan costs.

    python bench/asset_intake.py [--library DIR]

The hostile inputs are those of tests/test_hostile_assets.py: test_assets.HOSTILE, the files under
every size limit that once cost seconds (EXTRA_HOSTILE), and the library's malformed assets. Each
goes through the whole intake (load, then profile) in a fresh process that reports its time and its
peak resident memory (VmHWM, reset per file); the bound held here is the issue's: every refusal
under 1 s and under 200 MB. Reference in the same run: the library scan's time per well-formed
asset. Exit 1 when a bound is broken.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_hostile_assets import hostile_files, intake_costs

from engine.assets import default_library, scan

SECONDS_BOUND = 1.0
BYTES_BOUND = 200 * 1024 * 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--library", type=Path, default=default_library())
    args = ap.parse_args()

    broken = 0
    print(f"{'hostile input':26} {'ms':>8} {'peak MB':>8}  refusal")
    with tempfile.TemporaryDirectory() as tmp:
        files = hostile_files(Path(tmp))
        costs = intake_costs([path for path, _ in files.values()])
        for (kind, (_, expected)), cost in zip(files.items(), costs):
            refusal = cost["refusal"]
            ok = (cost["seconds"] < SECONDS_BOUND and cost["peak_bytes"] < BYTES_BOUND
                  and refusal is not None and expected in refusal)
            broken += not ok
            shown = "ACCEPTED" if refusal is None else refusal.removeprefix(cost["path"]).lstrip(":0123456789 ")[:60]
            print(f"{kind:26} {cost['seconds'] * 1000:8.2f} {cost['peak_bytes'] / 2**20:8.1f}  {shown}"
                  f"{'' if ok else '  <-- BOUND BROKEN'}")

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
