"""The workers behind the probe gallery and the runs panel: QObjects moved to QThreads (with
studio.workers.start), asked by queued signals, answering by signals, so the GUI thread never
waits on the ledger or the compiler.

Ledger reads and writes and one case's pictures are short and run on the worker's thread; the
ledger is opened on that thread for each request, since an sqlite3 connection belongs to the
thread that made it. Probing and writing a report are CPU-bound for seconds to minutes: the
panels run them through the job runner (studio/jobs.py), like training.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qtpy.QtCore import QObject, Signal, Slot

from engine.dsl import load
from engine.fileio import InputError
from engine.paths import Workspace
from engine.probe.metrics import compiled, read_output
from engine.probe.result import ProbeCase
from engine.runs.ledger import Ledger


@dataclass(frozen=True)
class CasePictures:
    """A case's expected and output SVGs; where one is None, `why_*` says why there is none."""
    expected: bytes | None
    actual: bytes | None
    why_expected: str = ""
    why_actual: str = ""


def case_pictures(case: ProbeCase, base: Path, surface: str) -> CasePictures:
    """The probe's gallery files for a failing case (paths relative to probe.json's folder);
    otherwise the scenes compiled here the way the probe compiles them: the expected scene, and the
    first [scene] block of the raw or repaired output with the case's content."""
    expected_file, actual_file = (case.gallery.get(k) for k in ("expected", surface))
    expected, why_expected = _read(base, expected_file)
    if expected is None:
        doc = load(case.expected)
        svg, why_expected = (compiled(doc, case.content) if doc.scene is not None and not doc.errors
                             else (None, _first_error(doc) or "the expected scene does not load"))
        expected = svg.encode() if svg else None
    actual, why_actual = _read(base, actual_file)
    if actual is None:
        reading = read_output(getattr(case, surface), None, case.expected, case.content, None)
        actual = reading.svg.encode() if reading.svg else None
        why_actual = "" if actual else (reading.compile_error or _first_error(reading.doc)
                                        or "no [scene] block in the output")
    return CasePictures(expected, actual, why_expected, why_actual)


def _read(base: Path, relative: str | None) -> tuple[bytes | None, str]:
    path = base / relative if relative else None
    return (path.read_bytes(), "") if path is not None and path.is_file() else (None, "")


def _first_error(doc) -> str:
    errors = doc.errors
    return f"does not render: {errors[0].line}:{errors[0].col}: {errors[0].message}" if errors else ""


class CaseWorker(QObject):
    """One probe case -> its two pictures, off the GUI thread (compiling takes tens of ms)."""

    rendered = Signal(int, object)   # request id, CasePictures

    @Slot(int, object, str, str)
    def render(self, request: int, case: ProbeCase, base: str, surface: str) -> None:
        self.rendered.emit(request, case_pictures(case, Path(base), surface))


class LedgerWorker(QObject):
    """The workspace's ledger: its runs, a comparison of two, a decision, the ladder. Every user
    mistake and every refusal of the promotion rules comes back as `failed` with the engine's message."""

    # object, not dict or list: PySide6 would turn dicts into QVariantMaps (keys sorted)
    runs_listed = Signal(str, object)   # workspace, [run dict + "scoreboard"], newest first
    compared = Signal(object)           # engine.runs.promotion.Comparison
    decided = Signal(object)            # the decision, as Ledger.decide returns it
    laddered = Signal(str, object)      # workspace, engine.runs.ladder rows
    failed = Signal(str)

    @Slot(str)
    def list_runs(self, workspace: str) -> None:
        """No ledger file yet lists no runs (opening one would create it)."""
        if not Workspace(workspace).ledger.exists():
            self.runs_listed.emit(workspace, [])
            return
        try:
            with Ledger.open(workspace) as ledger:
                runs = [r | {"scoreboard": ledger.scoreboard(r["id"])} for r in ledger.runs()]
        except InputError as e:
            self.failed.emit(str(e))
            return
        self.runs_listed.emit(workspace, runs)

    @Slot(str, str, str)
    def compare(self, workspace: str, a: str, b: str) -> None:
        try:
            with Ledger.open(workspace) as ledger:
                comparison = ledger.compare(a, b)
        except InputError as e:
            self.failed.emit(str(e))
            return
        self.compared.emit(comparison)

    @Slot(str, str, str, str)
    def decide(self, workspace: str, run: str, action: str, why: str) -> None:
        try:
            with Ledger.open(workspace) as ledger:
                decision = ledger.decide(run, action, why)
        except InputError as e:   # PromotionRefused is one: the rule that refused, in words
            self.failed.emit(str(e))
            return
        self.decided.emit(decision)

    @Slot(str)
    def ladder(self, workspace: str) -> None:
        """Every run as the ladder orders it; no ledger file yet: none."""
        from engine.runs.ladder import ladder

        if not Workspace(workspace).ledger.exists():
            self.laddered.emit(workspace, [])
            return
        try:
            with Ledger.open(workspace) as ledger:
                rows = ladder(ledger)
        except InputError as e:
            self.failed.emit(str(e))
            return
        self.laddered.emit(workspace, rows)
