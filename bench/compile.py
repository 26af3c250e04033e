"""Compile speed: median parse + canonicalize + compile per fixture, and scenes per second.

    python bench/compile.py [--repeat N]

Reference in the same run: lark's LALR parser alone on the same text (the floor any DSL parse
pays), so the ratio says what canonicalization, layout and SVG writing cost on top of it.
Target (issue 2): under 5 ms median for a 20-component scene on a 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import median_ms  # noqa: E402

from engine.compiler import compile_scene  # noqa: E402
from engine.dsl import load  # noqa: E402
from engine.compiler.text import _em_width, wrap  # noqa: E402
from engine.dsl.parse import parser as lark_parser  # noqa: E402


def cold(fn):
    """Run with empty text-measure caches, as a dataset scene with new content would."""
    def run():
        wrap.cache_clear()
        _em_width.cache_clear()
        fn()
    return run


def fixtures() -> list[tuple[str, str, dict]]:
    out = []
    for d in sorted((ROOT / "tests" / "golden").iterdir()):
        if (d / "scene.dsl").exists():
            out.append((d.name, (d / "scene.dsl").read_text(), json.loads((d / "content.json").read_text())))
    sys.path.insert(0, str(ROOT / "tests"))
    from scenes import kitchen_sink

    for layout in ("poster_stack", "decision_tree"):
        text, content = kitchen_sink(layout)
        out.append((f"kitchen_sink_{layout}", text, content))
    return out




def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    parser = lark_parser()
    print(f"{'fixture':34} {'comps':>5} {'lines':>5} {'lark ms':>8} {'warm ms':>8} {'cold ms':>8} "
          f"{'ratio':>6} {'scenes/s':>9}")
    totals = []
    for name, text, content in fixtures():
        scene = load(text).scene
        lark_ms = median_ms(lambda: parser.parse(text), args.repeat)
        def full():
            compile_scene(load(text).scene, content)
        warm_ms = median_ms(full, args.repeat)
        cold_ms = median_ms(cold(full), args.repeat)
        totals.append(cold_ms)
        print(f"{name:34} {len(scene.components):5d} {text.count(chr(10)):5d} {lark_ms:8.3f} {warm_ms:8.3f} "
              f"{cold_ms:8.3f} {cold_ms / lark_ms:6.1f} {1000 / cold_ms:9.0f}")
    med = statistics.median(totals)
    print(f"median cold over fixtures: {med:.3f} ms  ->  10,000 scenes in {med * 10:.1f} s "
          f"(ratio = cold / lark parse of the same text)")


if __name__ == "__main__":
    main()
