"""Gold gate speed: seconds for the whole gate over the bundled pack (issue 14's target: under 20 s
for a pack of 24 on a 2-core machine), each entry's share, and what text placement adds.

    python bench/gold_gate.py [--repeat N]

Every run starts cold (the prepared references are dropped), as `ck gold gate` does. Reference in
the same run: rasterizing each entry's reference once with cairosvg at the gate's width, the
unavoidable floor of any raster comparison; the ratio says what compiling, profiling, normalizing
and scoring add on top. Text placement is timed on its own: reading the words of the reference
and of the compiled page (the page parsed from its SVG text) and matching them. The machine is shared, so the CPU seconds are printed beside the wall clock.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import median_s  # noqa: E402

from engine.assets import default_library, load_svg  # noqa: E402
from engine.assets.read import parse_svg  # noqa: E402
from engine.events import Progress, Result  # noqa: E402
from engine.fileio import read_json, read_text  # noqa: E402
from engine.gold import gate  # noqa: E402
from engine.gold.pack import default_pack, load_pack  # noqa: E402
from engine.gold.raster import raster_rgb  # noqa: E402
from engine.gold.similarity import WIDTH  # noqa: E402
from engine.gold.textplace import place, words  # noqa: E402


def cold_gate(entries, library) -> tuple[float, float, dict[str, float]]:
    """Wall and CPU seconds for one whole cold gate, and each entry's wall seconds within it."""
    gate._reference.cache_clear()
    per_entry, cpu, start = {}, time.process_time(), time.perf_counter()
    last = start
    for event in gate.run_gate(entries, library, None):
        now = time.perf_counter()
        if isinstance(event, Progress):
            per_entry[event.data["entry"]["name"]] = now - last
        elif isinstance(event, Result):
            return now - start, time.process_time() - cpu, per_entry
        last = now
    raise RuntimeError("the gate ended without a result")


def text_placement_s(entries, library) -> float:
    """Seconds for text placement alone over the pack: both word lists read, then matched."""
    pairs = [(e.reference_path(library), gate.compile_entry(read_text(e.scene_path), read_json(e.content_path))[0])
             for e in entries if e.reference_path(library).exists()]
    return median_s(lambda: [place(words(load_svg(ref).root), words(parse_svg(svg.encode(), "compiled")))
                             for ref, svg in pairs], 5)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    entries = load_pack(default_pack())
    library = default_library()
    refs = [e.reference_path(library) for e in entries if e.reference_path(library).exists()]
    runs = [cold_gate(entries, library) for _ in range(args.repeat)]
    gate_s = statistics.median(wall for wall, _, _ in runs)
    cpu_s = statistics.median(cpu for _, cpu, _ in runs)
    raster_s = median_s(lambda: [raster_rgb(p.read_bytes(), WIDTH) for p in refs], args.repeat)
    text_s = text_placement_s(entries, library)
    print(f"entries: {len(entries)} ({len(refs)} with a reference here)")
    print(f"gold gate, whole pack, cold:    {gate_s:6.2f} s  (median of {args.repeat}; CPU {cpu_s:.2f} s, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"reference: rasterize refs once: {raster_s:6.2f} s")
    print(f"ratio gate / reference:         {gate_s / raster_s:6.1f}x   per entry {gate_s / max(1, len(entries)):.2f} s")
    print(f"text placement, whole pack:     {text_s * 1000:6.1f} ms ({100 * text_s / gate_s:.1f} % of the gate)")
    print(f"at this rate a pack of 24:      {24 * gate_s / max(1, len(entries)):6.2f} s  (target under 20 s)")
    for name in runs[0][2]:
        print(f"  {name:28} {statistics.median(r[name] for _, _, r in runs):5.2f} s")


if __name__ == "__main__":
    main()
