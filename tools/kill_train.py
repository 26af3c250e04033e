"""Kill `ck train` with SIGKILL at 10 random points of a short run and resume after each.

    python tools/kill_train.py [--kills 10] [--seed 1]

The harness is tests/test_crash_train.py's (which kills 3 times in CI): a tiny spec, the first kill
before the first checkpoint, the others at random steps plus a random delay, so they land in a
step, in a checkpoint write, in a prune or in a resume's own start. After each kill the run
directory must load (newest checkpoint whole, metrics readable); at the end the loss curve and the
final checkpoint must equal those of the same run never killed. Prints one line per session.
Exit 1 when a resume fails or the result differs.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_crash_train import TOTAL_STEPS, kill_and_resume, make_spec, straight_run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        spec, data = make_spec(folder)
        losses, sha = straight_run(spec, data, folder / "straight")
        try:
            out = kill_and_resume(spec, data, folder / "run", args.kills, args.seed)
        except AssertionError as e:
            print(f"FAIL: {e}")
            return 1
    print(f"{'session':8} {'started':9} {'kill after step':>16} {'+ delay':>8} {'last step':>10} "
          f"{'newest checkpoint':>18}  outcome")
    for i, s in enumerate(out.sessions, 1):
        print(f"{i:<8} {'--resume' if s.resumed else 'fresh':9} {s.kill_after_step or '-':>16} "
              f"{s.delay_s * 1000:6.0f}ms {s.last_step_seen:>10} {s.checkpoint_after or '-':>18}  "
              f"{'killed' if s.killed else f'exit {s.returncode}'}")
    kills = sum(s.killed for s in out.sessions)
    same_curve, same_weights = out.losses == losses, out.final_sha256 == sha
    print(f"\n{kills} kills survived, {len(out.sessions) - 1} resumes; loss curve over {TOTAL_STEPS} steps "
          f"{'equals' if same_curve else 'DIFFERS FROM'} the uninterrupted run's; final checkpoint "
          f"{'identical' if same_weights else 'DIFFERS'} (sha256 {out.final_sha256[:12]})")
    return 0 if kills == args.kills and same_curve and same_weights else 1


if __name__ == "__main__":
    sys.exit(main())
