"""Hostile references, measured the way the gate meets them: each file of tests/hostile_corpus.py
is loaded (read, sanitize, static bounds), profiled and, when it passes, drawn 900 px wide in the
bounded worker (engine/gold/bounded.py) -- in a fresh process per file, reporting wall time and
the peak resident memory of that process and of its drawing worker (VmHWM).

    python bench/hostile.py

Bound (issue 18): every file refused or drawn in under 2 s and 300 MB. Reference in the same run:
the library's own assets through the same path (median and slowest), so a ratio shows what a
hostile file costs against an honest one. Exit 1 when a bound is broken.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hostile_corpus import write_corpus  # noqa: E402

SECONDS_BOUND = 2.0
BYTES_BOUND = 300 * 1024 * 1024

_MEASURE = r"""
import json, sys, time, xml.etree.ElementTree as ET
from engine.assets import AssetError, load_svg, profile_document
from engine.gold import bounded

def hwm(pid="self"):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

bounded.raster_bounded(b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', 4)  # worker up
for path in sys.argv[1:]:
    start, refusal = time.perf_counter(), ""
    try:
        doc = load_svg(path)
        profile_document(doc)
        bounded.raster_bounded(ET.tostring(doc.root), 900, path)
    except AssetError as e:
        refusal = e.reason
    seconds = time.perf_counter() - start
    worker = bounded._worker.proc
    peak = max(hwm(), hwm(worker.pid) if worker and worker.poll() is None else 0)
    print(json.dumps({"path": path, "seconds": seconds, "peak": peak, "refusal": refusal}), flush=True)
"""


def measure(paths: list[Path]) -> list[dict]:
    out = []
    for path in paths:   # a fresh process each: one file's peak is its own
        done = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        if done.returncode:
            raise SystemExit(f"{path}: the measuring process failed:\n{done.stderr[-2000:]}")
        out.append(json.loads(done.stdout.splitlines()[-1]))
    return out


def main() -> int:
    from engine.assets import default_library

    library = sorted(default_library().glob("*.svg"))
    with tempfile.TemporaryDirectory() as tmp:
        said = write_corpus(Path(tmp))
        rows = measure([Path(tmp) / name for name in sorted(said)])
    honest = measure(library[::7])   # every seventh library asset: the reference
    broken = 0
    print(f"{'hostile reference':26} {'s':>6} {'peak MB':>8}  verdict   what happened")
    for row in rows:
        ok = row["seconds"] < SECONDS_BOUND and row["peak"] < BYTES_BOUND
        broken += not ok
        print(f"{Path(row['path']).name:26} {row['seconds']:6.2f} {row['peak'] / 2**20:8.0f}  "
              f"{'PASS' if ok else 'FAIL':8}  {row['refusal'] or 'drawn'}")
    ref = statistics.median(r["seconds"] for r in honest)
    slowest = max(rows, key=lambda r: r["seconds"])
    print(f"\nreference: {len(honest)} library assets through the same path, median {ref:.2f} s, "
          f"slowest {max(r['seconds'] for r in honest):.2f} s, peak {max(r['peak'] for r in honest) / 2**20:.0f} MB")
    print(f"slowest hostile file {Path(slowest['path']).name}: {slowest['seconds']:.2f} s = "
          f"{slowest['seconds'] / ref:.1f}x the library median; bound {SECONDS_BOUND} s, {BYTES_BOUND >> 20} MB: "
          f"{'all PASS' if not broken else f'{broken} FAIL'}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
