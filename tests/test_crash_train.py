"""Crash safety of training and of every atomic write (issue 8, "Crash safety").

- `ck train` on a tiny spec, killed with SIGKILL at random points (the first one before the first
  checkpoint), resumed with `--resume` after each: every resume works, the run directory stays
  readable, and the loss curve and the final checkpoint (weights and AdamW state, byte for byte)
  equal those of a run that was never killed. CI kills 3 times; `python tools/kill_train.py` kills
  10 times and prints each kill point.
- A full disk while a checkpoint is written: the previous checkpoint stays whole and loadable, the
  error names the file, and `ck train` prints it (no traceback) and can resume once there is room.
- engine.fileio.write_atomic in general: a write that fails at any step leaves the old file intact
  and no temporary file behind.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import torch
from test_train import _rows, _spec

from engine import cli
from engine.data.rows import write_dataset
from engine.fileio import InputError, write_atomic
from engine.tokenizer import Tokenizer
from engine.train.checkpoint import checkpoints, latest_checkpoint, load_checkpoint
from engine.train.run import prepare_run

ROOT = Path(__file__).resolve().parents[1]
TOTAL_STEPS = 16
CHECKPOINT_EVERY = 3
TRAIN_TABLE = (f"[train]\nsize = 'tiny'\nbatch = 2\nwarmup_steps = 2\ncheckpoint_every = {CHECKPOINT_EVERY}\n"
               f"keep_checkpoints = 2\n[[train.stages]]\nname = 'pretrain'\nsteps = {TOTAL_STEPS // 2}\n"
               f"[[train.stages]]\nname = 'midtrain'\nbuckets = ['anchor_replay']\nsteps = {TOTAL_STEPS // 2}\n")
# One thread: the same result in every process whatever the machine's core count, and no contention.
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# ---- the kill-and-resume harness (tools/kill_train.py runs it with 10 kills) ---------------------

@dataclass
class Session:
    resumed: bool
    kill_after_step: int | None     # SIGKILL once this step was logged (plus a random delay)
    delay_s: float = 0.0
    killed: bool = False
    last_step_seen: int = 0
    returncode: int | None = None
    stderr: str = ""
    checkpoint_after: int | None = None    # the newest whole checkpoint once the session ended


@dataclass
class Outcome:
    sessions: list[Session] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    final_sha256: str = ""


def make_spec(folder: Path) -> tuple[Path, Path]:
    spec = _spec(folder, TRAIN_TABLE)
    spec.write_text(spec.read_text().replace("\nctx = 768", "\nctx = 128"))   # the test rows are short
    data = folder / "data"
    write_dataset(_rows(), data, {})
    return spec, data


def _ck_train(spec: Path, data: Path, run: Path, resume: bool) -> subprocess.Popen:
    args = [sys.executable, "-m", "engine.cli", "train", str(spec), "--data", str(data), "--run-dir", str(run),
            "--skip-preflight", "--log-every", "1"] + (["--resume"] if resume else [])
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=run.parent)


def _run_session(spec: Path, data: Path, run: Path, session: Session) -> None:
    proc = _ck_train(spec, data, run, session.resumed)
    for line in proc.stdout:
        if line.startswith("step "):
            session.last_step_seen = int(line.split()[1])
        resumed_past = "resumed from" in line and session.kill_after_step is not None and \
            _step_of(line.rsplit("resumed from", 1)[1]) >= session.kill_after_step
        if session.kill_after_step is not None and (session.last_step_seen >= session.kill_after_step or resumed_past):
            time.sleep(session.delay_s)
            proc.send_signal(signal.SIGKILL)
            session.killed = True
            break
    proc.wait(timeout=300)
    session.stderr = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    session.returncode = proc.returncode


def _step_of(text: str) -> int:
    digits = "".join(c for c in Path(text.strip()).name if c.isdigit())
    return int(digits) if digits else 0


def check_run_dir(run: Path) -> int | None:
    """What a kill may leave: the newest checkpoint must load whole; every metrics line but a torn
    last one must parse. Returns the newest checkpoint's step."""
    sidecar = latest_checkpoint(run / "checkpoints")
    if sidecar is not None:
        meta, _ = load_checkpoint(sidecar, Tokenizer.load(run / "tokenizer.json").hash)
    lines = (run / "metrics.jsonl").read_text().splitlines() if (run / "metrics.jsonl").exists() else []
    for line in lines[:-1]:
        json.loads(line)
    return None if sidecar is None else meta["step"]


def curve(run: Path) -> tuple[list[float], str]:
    """The logged loss of every step, in order, and the sha256 of the final checkpoint's tensors."""
    events = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    steps = [e for e in events if e["event"] == "step"]
    assert [e["step"] for e in steps] == list(range(1, TOTAL_STEPS + 1)), "the curve repeats or skips steps"
    final = checkpoints(run / "checkpoints")[-1].with_suffix(".safetensors")
    return [e["loss"] for e in steps], hashlib.sha256(final.read_bytes()).hexdigest()


def kill_points(kills: int, rng: random.Random) -> list[int]:
    """Steps after which to kill: the first before the first checkpoint (a run with nothing to resume
    from), the rest anywhere before the end, in order."""
    first = rng.randrange(1, CHECKPOINT_EVERY)
    return [first] + sorted(rng.randrange(first, TOTAL_STEPS) for _ in range(kills - 1))


def kill_and_resume(spec: Path, data: Path, run: Path, kills: int, seed: int) -> Outcome:
    """Train, SIGKILL at `kills` random points, resuming after each; then resume to the end."""
    rng = random.Random(seed)
    out = Outcome()
    for after in [*kill_points(kills, rng), None]:
        session = Session(resumed=(run / "run.json").exists(), kill_after_step=after,
                          delay_s=0.0 if after is None else rng.uniform(0.0, 0.08))
        _run_session(spec, data, run, session)
        session.checkpoint_after = check_run_dir(run)
        out.sessions.append(session)
        if not session.killed and session.returncode != 0:
            raise AssertionError(f"ck train {'--resume ' if session.resumed else ''}failed "
                                 f"(exit {session.returncode}): {session.stderr}")
    out.losses, out.final_sha256 = curve(run)
    return out


@contextlib.contextmanager
def one_thread():
    """Train in this process as the `ck train` sessions do (OMP_NUM_THREADS=1): the same floats."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def straight_run(spec: Path, data: Path, run: Path) -> tuple[list[float], str]:
    """The run never killed, trained in this process."""
    with one_thread():
        for _ in prepare_run(spec, run, data, skip_preflight=True).run():
            pass
    return curve(run)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, Path, list[float], str]:
    folder = tmp_path_factory.mktemp("crash")
    spec, data = make_spec(folder)
    losses, sha = straight_run(spec, data, folder / "straight")
    return spec, data, losses, sha


def test_sigkill_at_random_points_then_resume_gives_the_uninterrupted_run(tiny, tmp_path):
    spec, data, losses, sha = tiny
    kills = int(os.environ.get("CK_KILL_POINTS", "3"))
    out = kill_and_resume(spec, data, tmp_path / "run", kills, seed=int(os.environ.get("CK_KILL_SEED", "8")))
    assert sum(s.killed for s in out.sessions) == kills
    assert out.sessions[0].checkpoint_after is None          # the first kill came before any checkpoint
    assert all(s.resumed for s in out.sessions[1:])
    assert out.losses == losses                              # exactly: the same floats
    assert out.final_sha256 == sha                           # weights and AdamW state, byte for byte


def test_a_torn_last_metrics_line_is_dropped_on_resume(tiny, tmp_path):
    spec, data, losses, sha = tiny
    run = tmp_path / "run"
    with one_thread():
        for _ in prepare_run(spec, run, data, skip_preflight=True, max_steps=CHECKPOINT_EVERY + 1).run():
            pass
        with open(run / "metrics.jsonl", "a") as f:
            f.write('{"event": "step", "step": 5, "loss": 2.3')     # a write cut short by a kill
        for _ in prepare_run(spec, run, data, skip_preflight=True, resume=True).run():
            pass
    assert curve(run) == (losses, sha)


# ---- a full disk ----------------------------------------------------------------------------------

def _disk_full_after(monkeypatch, writes_allowed: int) -> None:
    """os.fsync fails with ENOSPC after `writes_allowed` successful calls: where a full disk shows
    itself for a buffered write (the data reaches the disk at fsync at the latest)."""
    real, calls = os.fsync, {"n": 0}

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] > writes_allowed:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_disk_full_while_writing_a_checkpoint_keeps_the_previous_one(tiny, tmp_path, monkeypatch, capsys):
    spec, data, losses, sha = tiny
    run = tmp_path / "run"
    monkeypatch.chdir(tmp_path)
    argv = ["train", str(spec), "--data", str(data), "--run-dir", str(run), "--skip-preflight"]
    with one_thread():
        assert cli.main([*argv, "--max-steps", str(CHECKPOINT_EVERY)]) == 0
    before = latest_checkpoint(run / "checkpoints")
    tensors = before.with_suffix(".safetensors").read_bytes()
    _disk_full_after(monkeypatch, 1)          # the metrics truncation on resume, then nothing fits
    with one_thread():
        assert cli.main([*argv, "--resume"]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "checkpoints/step_0000006" in err and "Traceback" not in err
    assert latest_checkpoint(run / "checkpoints") == before
    assert before.with_suffix(".safetensors").read_bytes() == tensors
    load_checkpoint(before, Tokenizer.load(run / "tokenizer.json").hash)
    assert not [p for p in (run / "checkpoints").iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()                        # room again: the run resumes and ends as if never hit
    monkeypatch.chdir(tmp_path)
    with one_thread():
        assert cli.main([*argv, "--resume"]) == 0
    assert curve(run) == (losses, sha)


def test_disk_full_on_a_real_small_filesystem(tmp_path):
    """The same on a 1 MB tmpfs, where the kernel itself says ENOSPC (root only; skipped elsewhere)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                                           capture_output=True, check=False).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        target = mount / "file.json"
        write_atomic(target, "old contents\n")
        with pytest.raises(InputError, match=r"file\.json: cannot write: No space left on device"):
            write_atomic(target, "x" * (2 * 1024 * 1024))
        assert target.read_text() == "old contents\n"
        assert [p.name for p in mount.iterdir()] == ["file.json"]
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@pytest.mark.parametrize("fail_at", ["write", "fsync", "replace", "chmod"])
def test_write_atomic_failing_at_any_step_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, fail_at):
    target = tmp_path / "report.html"
    target.write_text("the previous report")

    def boom(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if fail_at == "write":
        class FullFile:
            def __init__(self, f):
                self.f = f

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.f.close()

            def write(self, _data):
                boom()

        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda fd, mode: FullFile(real_fdopen(fd, mode)))
    else:
        monkeypatch.setattr(os, {"fsync": "fsync", "replace": "replace", "chmod": "chmod"}[fail_at], boom)
    with pytest.raises(InputError, match=r"report\.html: cannot write: No space left on device"):
        write_atomic(target, "the new report " * 1000)
    monkeypatch.undo()
    assert target.read_text() == "the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_failed_write_is_a_message_from_ck_not_a_traceback(tmp_path, capsys):
    scene = tmp_path / "scene.dsl"
    scene.write_text("[scene]\n[layout:poster_stack]\n[/scene]\n")
    (tmp_path / "taken").mkdir()
    assert cli.main(["compile", str(scene), "-o", str(tmp_path / "taken")]) == 2
    assert "taken: cannot write: Is a directory" in capsys.readouterr().err
