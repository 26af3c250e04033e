"""`ck` start-up: the wall time of a whole process, against an empty interpreter and against
importing the compiler (with the DSL) alone, all in the same run; with --studio, the studio's cold
start to its first preview.

    python bench/startup.py [--repeat N] [--scene gold/ENTRY/scene.dsl]
    QT_QPA_PLATFORM=offscreen python bench/startup.py --studio [--repeat N]   (QT_API=pyqt6 for PyQt6)

Each command runs N times in a fresh process (median of the wall-clock times, bench/timing.py),
with this checkout first on PYTHONPATH. `ck` is the installed console script when there is one
(ck_command), else `python -m engine.cli`. The ratios are ck check and ck fmt over each reference; the floor of a
command that parses a scene is the compiler's import, since the parser loads the same grammar.
Target (issue 13): ck check and ck fmt start in under 0.3 s on this 2-core machine.

--studio: from the moment the process is started to the first preview on screen (the largest gold
scene open), each in a fresh process that prints the wall clock when its preview_updated fires.
Reference in the same run: a bare Qt process showing an empty window. Target (issue 17): under 2 s.
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


STUDIO_CHILD = """
import sys, time
from pathlib import Path
from studio.app import main
from studio.main_window import MainWindow
from qtpy.QtWidgets import QApplication
def report(_request):
    print(f"SHOWN {time.time()}", flush=True)
    QApplication.instance().exit(0)
real = MainWindow.__init__
def init(self, *a, **k):
    real(self, *a, **k)
    self.preview_updated.connect(report)
MainWindow.__init__ = init
sys.exit(main([sys.argv[1], "--entry", sys.argv[2]]))
"""
BARE_QT = """
import time
import studio
from qtpy.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
w.show()
app.processEvents()
print(f"SHOWN {time.time()}", flush=True)
"""


def shown_after(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from starting the process to the SHOWN line it prints."""
    import time

    started = time.time()
    out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
    return float(next(x for x in out.splitlines() if x.startswith("SHOWN")).split()[1]) - started


def studio_start(repeat: int, env: dict[str, str]) -> int:
    import statistics
    import tempfile

    from bench.timing import percentile

    entry = max((ROOT / "gold").glob("*/scene.dsl"), key=lambda p: p.stat().st_size).parent
    env = {**env, "CK_STUDIO_CONFIG": tempfile.mkdtemp(prefix="ck-bench-studio-")}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    runs = {"studio, first preview": [sys.executable, "-c", STUDIO_CHILD, str(ROOT / "gold"), entry.name],
            "reference: bare Qt window": [sys.executable, "-c", BARE_QT]}
    print(f"cold start to first preview of {entry.name}, {repeat} fresh processes each, "
          f"platform {env['QT_QPA_PLATFORM']}, load {os.getloadavg()[0]:.2f}")
    times = {}
    for name, argv in runs.items():
        shown_after(argv, env)   # untimed: the disk cache warm, as a second start would find it
        times[name] = [shown_after(argv, env) for _ in range(repeat)]
    for name, values in times.items():
        print(f"  {name:<28} median {statistics.median(values):6.3f} s  p99 {percentile(values, 99):6.3f} s")
    ours, bare = times["studio, first preview"], times["reference: bare Qt window"]
    verdict = "under" if percentile(ours, 99) < 2 else "OVER"
    print(f"  studio {statistics.median(ours) / statistics.median(bare):.2f}x the bare Qt window (medians); "
          f"p99 {verdict} 2 s")
    return 0


def run(argv: list[str], env: dict[str, str]) -> None:
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15, help="processes per command (default 15)")
    ap.add_argument("--scene", type=Path, default=DEFAULT_SCENE, help="a canonical scene for check and fmt")
    ap.add_argument("--studio", action="store_true", help="the studio's cold start to its first preview instead")
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    if args.studio:
        return studio_start(args.repeat, env)
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
