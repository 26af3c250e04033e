"""`ck gold add` starters, untouched, scored against their assets by the judges' own measures.

    python bench/starters.py [LIBRARY] [--tools DIR]

For every asset of the library: its profile, the starter `ck gold add` would write (scene and
content), compiled; then ../shared/tools/fidelity.py (64 px layout SSIM) and textplace.py (text
placement) on ORIGINAL COMPILED, all pairs in one run of each. Prints one row per asset, the
means and each family's means; an asset the intake refuses (malformed XML) is listed with its reason and left out of the
means. Exit 1 when a starter cannot be built or compiled (`ck gold add` must never crash on a
well-formed asset).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.assets import AssetError, default_library
from engine.compiler import compile_scene
from engine.dsl import load
from engine.fileio import write_atomic
from engine.gold.add import starter


def judge(tool: Path, pairs: list[tuple[Path, Path]]) -> list[list[str]]:
    """One run of a judge over every pair: its output line per pair, split into words."""
    args = [str(p) for pair in pairs for p in pair]
    out = subprocess.run([sys.executable, str(tool), *args], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("library", type=Path, nargs="?", default=default_library())
    ap.add_argument("--tools", type=Path, help="the judges' folder (default: LIBRARY/../tools)")
    args = ap.parse_args()
    tools = args.tools or args.library.parent / "tools"

    rows: list[tuple[str, str]] = []          # (asset, family) of each compiled starter
    pairs: list[tuple[Path, Path]] = []
    refused: list[tuple[str, str]] = []
    broken = 0
    with tempfile.TemporaryDirectory() as tmp:
        for asset in sorted(args.library.glob("*.svg")):
            try:
                scene, content, _ = starter(asset)
                svg = compile_scene(load(scene).scene, content).svg
            except AssetError as e:
                refused.append((asset.name, e.reason))
                continue
            except Exception as e:  # noqa: BLE001 - the bench reports every crash, then fails
                print(f"{asset.name}: STARTER CRASHED: {type(e).__name__}: {e}")
                broken += 1
                continue
            compiled = Path(tmp) / f"{asset.stem}.svg"
            write_atomic(compiled, svg)
            rows.append((asset.name, load(scene).scene.attr("layout")))
            pairs.append((asset, compiled))
        fidelity = [float(w[1]) for w in judge(tools / "fidelity.py", pairs)]
        placement = [float(w[3]) for w in judge(tools / "textplace.py", pairs)]

    print(f"{'asset':46} {'family':22} {'fid64':>6} {'place':>6}")
    for (name, family), f, p in zip(rows, fidelity, placement):
        print(f"{name:46} {family:22} {f:6.3f} {p:6.3f}")
    for name, why in refused:
        print(f"{name:46} refused: {why[:70]}")
    if rows:
        print(f"mean over {len(rows)} starters: fidelity 64 px {statistics.mean(fidelity):.3f}, "
              f"text placement {statistics.mean(placement):.3f}")
        for family in sorted({f for _, f in rows}):
            mine = [i for i, (_, f) in enumerate(rows) if f == family]
            print(f"  {family:22} {len(mine):3} starters: fidelity 64 px "
                  f"{statistics.mean(fidelity[i] for i in mine):.3f}, text placement "
                  f"{statistics.mean(placement[i] for i in mine):.3f}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
