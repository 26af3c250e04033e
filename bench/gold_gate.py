"""Gold gate speed: seconds for the whole gate over the bundled pack (target: under 10 s for 10
entries on a 2-core machine).

    python bench/gold_gate.py [--repeat N]

Reference in the same run: rasterizing each entry's reference once with cairosvg at the gate's
width, the unavoidable floor of any raster comparison; the ratio says what compiling, profiling,
normalizing and scoring add on top.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import median_s  # noqa: E402

from engine.assets import default_library  # noqa: E402
from engine.events import finish  # noqa: E402
from engine.gold.gate import run_gate  # noqa: E402
from engine.gold.pack import default_pack, load_pack  # noqa: E402
from engine.gold.raster import raster_rgb  # noqa: E402
from engine.gold.similarity import WIDTH  # noqa: E402




def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    entries = load_pack(default_pack())
    library = default_library()
    refs = [e.reference_path(library) for e in entries if e.reference_path(library).exists()]
    gate_s = median_s(lambda: finish(run_gate(entries, library, None)), args.repeat)
    raster_s = median_s(lambda: [raster_rgb(p.read_bytes(), WIDTH) for p in refs], args.repeat)
    print(f"entries: {len(entries)} ({len(refs)} with a reference here)")
    print(f"gold gate, whole pack:          {gate_s:6.2f} s  (median of {args.repeat})")
    print(f"reference: rasterize refs once: {raster_s:6.2f} s")
    print(f"ratio gate / reference:         {gate_s / raster_s:6.1f}x   per entry {gate_s / max(1, len(entries)):.2f} s")


if __name__ == "__main__":
    main()
