"""`ck run SPEC.toml`: one run from spec to decision surface, every step recorded in the ledger.

It chains every stage up to the report, so it sits above them all (engine/runs keeps the ledger it
writes to), under engine/cli.py alone.

    ck run specs/spec01.toml [--workspace DIR] [--rung r2] [--max-steps N] [--resume spec01-r2]

    outcome = run_spec("specs/spec01.toml")    # Outcome(run_id, status, detail, report)

The steps, each moving the run's status in the ledger before it starts:

    preflight   the six gates (engine/preflight.py) into RUN/preflight/, which also builds the
                dataset into RUN/preflight/data; a failing gate blocks the run (status blocked)
    canary      12 prompt cases must parse and render (engine/runs/canary.py), or blocked
    training    engine.train.prepare_run(...).run(), metrics summarized into the ledger at every
                checkpoint; Ctrl-C stops after the step in flight (status stopped, resumable)
    probing     the probe, unconstrained then grammar-constrained, each probe.json recorded
    reporting   RUN/report.html (engine/report/), its path recorded; status finished

Progress bars go to stderr; the caller prints the run id as the last line of stdout. A failure
records status failed with the message and re-raises; a process killed outright leaves the status
of the step it was in, and the ledger whole (every write is one transaction).
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.events import finish
from engine.fileio import InputError, read_json
from engine.rundir import RunDir
from engine.runs.ledger import Ledger

IN_PROGRESS = ("preflight", "canary", "training", "probing", "reporting")

ProbeFn = Callable[..., object]


@dataclass(frozen=True)
class Outcome:
    run_id: str
    status: str              # finished | blocked | stopped | diverged (recorded as failed)
    detail: str = ""
    report: Path | None = None


class Progress:
    """Bars on stderr (tqdm), one per step; silent when disabled."""

    def __init__(self, enabled: bool = True, stream=None):
        self.enabled = enabled
        self.stream = stream or sys.stderr

    def bar(self, desc: str, total: int | None):
        from tqdm import tqdm

        return tqdm(total=total, desc=f"{desc:<22}", file=self.stream, disable=not self.enabled,
                    dynamic_ncols=True, leave=True)

    def say(self, text: str) -> None:
        if self.enabled:
            print(text, file=self.stream, flush=True)


def _stage_bar(bar) -> Callable:
    """A probe's Progress events shown on one bar that restarts at each stage (decode, score)."""
    current = {"stage": None}

    def advance(event) -> None:
        stage = event.data["stage"]
        if stage != current["stage"]:
            current["stage"] = stage
            bar.reset(total=event.total)
            bar.set_postfix_str(stage, refresh=False)
        bar.n = event.done
        bar.refresh()

    return advance


def _default_probe() -> ProbeFn:
    from engine.probe.runner import run_probe

    return run_probe


def run_spec(spec_path: str | Path, workspace: str | Path | None = None, *, rung: str | None = None,
             resume: str | None = None, parity: Path | None = None, library: Path | None = None,
             device: str = "cpu", precision: str | None = None, max_steps: int | None = None,
             probe: ProbeFn | None = None, progress: Progress | None = None,
             stop: threading.Event | None = None, on_created: Callable[[str], None] | None = None) -> Outcome:
    """Run (or, with resume=RUN, continue) a spec end to end; see the module docstring.
    `probe` is engine.probe.runner.run_probe unless a caller passes another with its signature
    (run_dir, checkpoint=None, constrained=False) and its events."""
    from engine.data.spec import load_spec, spec_tokenizer

    progress = progress or Progress()
    spec = load_spec(spec_path)
    with Ledger.open(workspace) as ledger:
        if resume:
            run_id = _resumable(ledger, resume, spec)
        else:
            run_id = ledger.create_run(spec, _first_hashes(spec, spec_tokenizer(spec)), rung=rung)
        if on_created:
            on_created(run_id)
        run_dir = Path(ledger.record_of(run_id)["run"]["run_dir"])
        step = _Steps(ledger, run_id, run_dir, spec, progress)
        try:
            return step.all(resume=bool(resume), parity=parity, library=library, device=device,
                            precision=precision, max_steps=max_steps, probe=probe, stop=stop)
        except KeyboardInterrupt:
            ledger.set_status(run_id, "stopped", "interrupted")
            raise
        except BaseException as e:
            ledger.set_status(run_id, "failed", f"{type(e).__name__}: {e}" if not isinstance(e, InputError) else str(e))
            raise


def _first_hashes(spec, tokenizer) -> dict:
    from engine.runs.hashes import code_hashes

    return {"spec": spec.sha256, "tokenizer": tokenizer.hash, **code_hashes()}


def _resumable(ledger: Ledger, run_id: str, spec) -> str:
    record = ledger.record_of(run_id)
    run = record["run"]
    if record["spec"]["sha256"] != spec.sha256:
        raise InputError(f"{run_id} was started from another version of {spec.name} "
                         f"(sha256 {record['spec']['sha256'][:12]}); a changed spec is a new run")
    if run["status"] == "finished":
        raise InputError(f"{run_id} has finished; nothing to resume")
    if run["status"] == "blocked":
        raise InputError(f"{run_id} was blocked ({run['detail']}); fix that and start a new run")
    return run_id


class _Steps:
    def __init__(self, ledger: Ledger, run_id: str, run_dir: Path, spec, progress: Progress):
        self.ledger, self.run_id, self.run_dir, self.spec, self.progress = ledger, run_id, run_dir, spec, progress
        self.files = RunDir(run_dir)

    def all(self, *, resume: bool, parity, library, device, precision, max_steps, probe: ProbeFn | None,
            stop) -> Outcome:
        record = self.ledger.record_of(self.run_id)
        canary = record["canary"]
        if not (resume and canary and canary["passed"]):
            blocked = self.preflight(parity, library) or self.canary()
            if blocked:
                self.ledger.set_status(self.run_id, "blocked", blocked)
                return Outcome(self.run_id, "blocked", blocked)
        ended, why = self.train(resume=resume, device=device, precision=precision, max_steps=max_steps, stop=stop)
        if ended == "stopped":
            self.ledger.set_status(self.run_id, "stopped", why)
            return Outcome(self.run_id, "stopped", why)
        if ended == "diverged":   # not probed: its last checkpoint is from before the trouble
            self.ledger.set_status(self.run_id, "failed", why)
            return Outcome(self.run_id, "diverged", why)
        self.probe(probe)
        report = self.report()
        self.ledger.set_status(self.run_id, "finished")
        return Outcome(self.run_id, "finished", "", report)

    def preflight(self, parity: Path | None, library: Path | None) -> str:
        from engine.preflight import run_preflight

        self.ledger.set_status(self.run_id, "preflight")
        with self.progress.bar("preflight", 6) as bar:
            def on_gate(event) -> None:
                bar.set_postfix_str(event.message)
                bar.update()

            result = finish(run_preflight(self.spec.path, self.files.preflight.folder, parity=parity,
                                          library=library), on_gate).value
        if result.passed:
            return ""
        return "preflight: " + "; ".join(f"{g.name} ({g.status}): {g.detail}" for g in result.blocking)

    def canary(self) -> str:
        from engine.data.rows import read_rows
        from engine.data.spec import spec_tokenizer
        from engine.runs.canary import SIZE, run_canary

        self.ledger.set_status(self.run_id, "canary")
        with self.progress.bar("canary", SIZE) as bar:
            result = finish(run_canary(read_rows(self.files.preflight.data), spec_tokenizer(self.spec), self.spec.ctx,
                                       self.spec.gold_pack), lambda _: bar.update()).value
        self.ledger.record_canary(self.run_id, result.passed, result.cases)
        self.progress.say(result.summary())
        return "" if result.passed else result.summary()

    def train(self, *, resume: bool, device: str, precision, max_steps, stop) -> tuple[str, str]:
        """Train; returns how it ended (finished, stopped, diverged) and why, '' when it finished."""
        from engine.runs.hashes import config_hash
        from engine.train import prepare_run
        from engine.train.checkpoint import latest_checkpoint
        from engine.train.trainer import logged

        self.ledger.set_status(self.run_id, "training")
        metrics = self.files.metrics
        if resume and latest_checkpoint(self.files.checkpoints) is None:
            if metrics.exists():
                raise InputError(f"{self.run_id}: training began but left no checkpoint to resume from; "
                                 "start a new run")
            resume = False      # stopped before training began: train from the start
        trainer = prepare_run(self.spec.path, self.run_dir, self.files.preflight.data, resume=resume,
                              preflight=self.files.preflight.verdict, device=device,
                              precision=precision, max_steps=max_steps, init_from=self.parent_folder())
        record = self.ledger.record_of(self.run_id)
        dataset = read_json(self.files.dataset)
        self.ledger.set_status(self.run_id, "training", hashes=record["run"]["hashes"] | {
            "dataset": dataset["train_sha256"], "train": config_hash(trainer.cfg.to_dict()),
            "tokenizer": trainer.tokenizer.hash})
        with self.progress.bar("training", None) as bar:
            def on_event(progress) -> None:
                event = logged(progress)
                kind = event["event"]
                if kind == "start":
                    bar.reset(total=event["total_steps"])
                    bar.update(event["step"])
                elif kind == "step":
                    bar.set_postfix_str(f"{event['stage']} loss {event['loss']:.3f}")
                    bar.update()
                elif kind == "checkpoint":
                    self.ledger.record_metrics(self.run_id, metrics)

            last = finish(trainer.run(stop), on_event).value
        self.ledger.record_metrics(self.run_id, metrics)
        if last["event"] == "stopped":
            return "stopped", f"stopped at step {last['step']} ({last['reason']}); continue with --resume {self.run_id}"
        if last["event"] == "diverged":
            return "diverged", f"diverged at step {last['step']}: {last['reason']}; lower train.lr"
        return "finished", ""

    def parent_folder(self) -> str | None:
        """train.init_from with the ledger's names resolved: `champion` (this spec's) or a run id
        becomes that run's folder; a folder or a checkpoint file stays as written."""
        from engine.train.config import load_train_config

        ref = load_train_config(self.spec.path, self.spec).init_from
        if ref is None:
            return None
        if ref == "champion":
            champion = self.ledger.champion(self.spec.name)
            if champion is None:
                raise InputError(f"{self.spec.path}: train.init_from = 'champion', but {self.spec.name} has no "
                                 "champion yet (promote one with `ck runs decide RUN promote`)")
            return self.ledger.record_of(champion)["run"]["run_dir"]
        found = self.ledger.find(ref)
        return found["run_dir"] if found else ref

    def probe(self, probe: ProbeFn | None) -> None:
        from engine.probe.result import MODES, probe_path

        probe = probe or _default_probe()
        self.ledger.set_status(self.run_id, "probing")
        for constrained in (False, True):
            with self.progress.bar(f"probe {MODES[constrained]}", None) as bar:
                finish(probe(self.run_dir, checkpoint=None, constrained=constrained), _stage_bar(bar))
            self.ledger.record_probe(self.run_id, probe_path(self.run_dir, constrained))

    def report(self) -> Path:
        from engine.report.render import write_report

        self.ledger.set_status(self.run_id, "reporting")
        path = write_report(self.run_dir, ledger=self.ledger, run_id=self.run_id)
        self.progress.say(f"report: {path}")
        return path
