"""`ck` start-up: the wall time of a whole process, against an empty interpreter and against
importing the compiler (with the DSL) alone, all in the same run.

    python bench/startup.py [--repeat N] [--scene gold/ENTRY/scene.dsl]

Each command runs N times in a fresh process (median of the wall-clock times, bench/timing.py),
with this checkout first on PYTHONPATH. `ck` is the installed console script when there is one
(ck_command), else `python -m engine.cli`. The ratios are ck check and ck fmt over each reference; the floor of a
command that parses a scene is the compiler's import, since the parser loads the same grammar.
Target (issue 13): ck check and ck fmt start in under 0.3 s on this 2-core machine.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import median_s  # noqa: E402

DEFAULT_SCENE = ROOT / "gold" / "memory_reality" / "scene.dsl"   # the pack's longest scene


def ck_command() -> list[str]:
    """The console script pip wrote beside this interpreter (not a shim that finds it: pyenv's adds
    a shell and its own lookup to every start), else the one on PATH, else the module."""
    beside = Path(sys.executable).parent / "ck"
    script = str(beside) if beside.exists() else shutil.which("ck")
    return [script] if script else [sys.executable, "-m", "engine.cli"]


def commands(scene: Path) -> dict[str, list[str]]:
    ck = ck_command()
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import engine.compiler": [sys.executable, "-c", "import engine.compiler"],
        "ck check": [*ck, "check", "-q", str(scene)],
        "ck fmt": [*ck, "fmt", "--check", str(scene)],
        "ck --help": [*ck, "--help"],
    }


def run(argv: list[str], env: dict[str, str]) -> None:
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15, help="processes per command (default 15)")
    ap.add_argument("--scene", type=Path, default=DEFAULT_SCENE, help="a canonical scene for check and fmt")
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    cmds = commands(args.scene)
    print(f"ck: {' '.join(ck_command())}; scene {args.scene}; median of {args.repeat} processes each")
    times = {name: median_s(lambda a=argv: run(a, env), args.repeat, warmup=True) for name, argv in cmds.items()}
    for name, seconds in times.items():
        print(f"  {name:<24}{seconds:>8.3f} s")
    for name in ("ck check", "ck fmt"):
        print(f"  {name:<10} {times[name] / times['python -c pass']:.2f}x python -c pass, "
              f"{times[name] / times['import engine.compiler']:.2f}x import engine.compiler, "
              f"{'under' if times[name] < 0.3 else 'OVER'} 0.3 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
