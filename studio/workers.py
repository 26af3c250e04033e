"""Every thread and child process the studio uses lives here. Workers are QObjects moved to a
QThread; requests arrive by queued signals and results go back by signals, so the GUI thread
never waits.

Short work (compiling a scene, counting its tokens) runs on the worker's thread. Long CPU-bound
work (training, preflight, the gold gate, parity, live gold scoring) runs in a spawned child
process (studio/jobs.py): on threads it would hold the interpreter lock against the GUI thread.
A relay thread reads what the child sends and emits it as signals.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from qtpy.QtCore import QObject, QThread, Signal, Slot

from engine.compiler import compile_scene
from engine.diagnostics import Diagnostic
from engine.dsl import load
from engine.paths import Workspace
from studio import jobs

SPAWN = multiprocessing.get_context("spawn")  # fork would copy the GUI's threads' locks mid-use


def start(worker: QObject, parent: QObject) -> QThread:
    """Run `worker` on its own thread, stopped when `parent` goes."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.finished.connect(worker.deleteLater)
    thread.start()
    return thread


def stop(threads) -> None:
    """End each thread's event loop and wait for it: a thread destroyed while it runs a slot aborts the process."""
    for thread in threads:
        thread.quit()
        thread.wait()


CHILD_NICE = 5  # the engine's children yield the CPU to the GUI: a 2-core machine stays usable


def _lower_priority() -> None:
    try:
        os.nice(CHILD_NICE)
    except OSError:  # not permitted here: run at the same priority
        pass


def _child_main(job, args, events, stop) -> None:
    """In the child: run the job; an exception becomes an error event; None ends the stream."""
    _lower_priority()
    try:
        job(*args, events.put, stop)
    except Exception as e:  # noqa: BLE001 -- reported to the studio; a silent dead child is worse
        events.put({"event": "error", "message": f"{type(e).__name__}: {e}"})
    finally:
        events.put(None)


class ChildRun:
    """A streaming job in a spawned process; `on_event` gets each event on a relay thread."""

    def __init__(self, job, args: tuple, on_event):
        self.events = SPAWN.Queue()
        self._stop = SPAWN.Event()
        self.process = SPAWN.Process(target=_child_main, args=(job, args, self.events, self._stop), daemon=True)
        self.process.start()
        self.relay = threading.Thread(target=self._relay, args=(on_event,), name="ck-relay", daemon=True)
        self.relay.start()

    def _relay(self, on_event) -> None:
        while (event := self.events.get()) is not None:
            try:
                on_event(event)
            except RuntimeError:  # the worker that would emit it is gone: the studio closed
                return

    def stop(self) -> None:
        """Ask the job to end at its next check (a training run checkpoints first)."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the child and for the relay to pass on its last event; True when both ended."""
        self.process.join(timeout)
        if not self.process.is_alive():
            self.relay.join(timeout)
        return not self.process.is_alive()

    def kill(self) -> None:
        self.process.kill()

    @property
    def running(self) -> bool:
        return self.process.is_alive()


class ChildWorker(QObject):
    """A worker whose job runs in a ChildRun; `shutdown()` ends it before the studio closes, and
    a request still queued then starts nothing."""

    def __init__(self):
        super().__init__()
        self.handle: ChildRun | None = None
        self.closed = False

    def _spawn(self, job, *args) -> ChildRun | None:
        return None if self.closed else ChildRun(job, args, self._on_event)

    def busy(self) -> bool:
        return self.handle is not None and self.handle.running

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.stop()

    def shutdown(self, timeout: float = 15) -> None:
        self.closed = True
        if self.handle is not None:
            self.handle.stop()
            if not self.handle.join(timeout):
                self.handle.kill()


class CompileWorker(QObject):
    """Scene text + content text -> SVG bytes and diagnostics."""

    compiled = Signal(int, bytes, list)  # request id, svg (empty if none), diagnostics

    @Slot(int, str, str)
    def compile(self, request: int, scene_text: str, content_text: str) -> None:
        diagnostics: list[Diagnostic] = []
        try:
            content = json.loads(content_text) if content_text.strip() else {}
        except json.JSONDecodeError as e:
            diagnostics.append(Diagnostic(e.lineno, e.colno, "content-json", f"content.json: {e.msg}"))
            content = {}
        doc = load(scene_text)
        diagnostics[:0] = doc.diagnostics
        svg = b""
        if doc.scene is not None and not doc.errors:
            result = compile_scene(doc.scene, content)
            diagnostics.extend(result.diagnostics)
            svg = result.svg.encode()
        self.compiled.emit(request, svg, diagnostics)


class GoldWorker(QObject):
    """Scores the editor's compiled SVG against its gold reference in a child process that stays
    up (the reference is prepared there once), so typing is scored without holding up the GUI."""

    scored = Signal(int, object, object)  # request id, EntryResult, {kind: QImage} (None on error)
    roles_read = Signal(list)             # [(role, text), ...] of the current reference

    def __init__(self, assets):
        super().__init__()
        self.assets = str(assets)
        self.pool: ProcessPoolExecutor | None = None

    @Slot(int, object, str)
    def score(self, request: int, entry, svg: str) -> None:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=SPAWN, initializer=_lower_priority)
        result, images, roles = self.pool.submit(jobs.score_live, entry, svg, self.assets).result()
        if images is None:
            self.scored.emit(request, result, None)
            return
        self.roles_read.emit(roles)
        self.scored.emit(request, result, {k: to_qimage(v) for k, v in images.items()})

    def shutdown(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def to_qimage(img):
    from qtpy.QtGui import QImage

    rgb = img.convert("RGB")
    data = rgb.tobytes()
    return QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888).copy()


class BudgetWorker(QObject):
    """Token counts of the scene being edited against the spec's context, and the gold pack's."""

    measured = Signal(int, dict)   # request id, {prompt, output, ctx, limit, within, tokens: [(piece, kind)]}
    gold_measured = Signal(dict)   # {p50, p95, max, longest_output, longest_name}

    def __init__(self, ctx: int):
        super().__init__()
        self.ctx = ctx

    def _tokenizer(self):
        from engine.tokenizer import default_tokenizer

        return default_tokenizer()

    @Slot(int, str)
    def measure(self, request: int, scene_text: str) -> None:
        from engine.dsl import serialize
        from engine.tokenizer.fit import output_fits, output_limit, output_tokens
        from engine.tokenizer.prompts import explicit_prompt
        from engine.tokenizer.vocabulary import reserved_tokens

        doc = load(scene_text)
        if doc.scene is None:
            return
        tok = self._tokenizer()
        target, prompt = serialize(doc.scene), explicit_prompt(doc.scene)
        reserved = set(reserved_tokens())
        pieces = tok.tokens(target)
        kinds = [("unknown" if tok.encode(p) == [tok.unk_id] else
                  "structure" if p in reserved else "space" if p.isspace() else "piece") for p in pieces]
        # prompt + output is what the row takes of ctx (engine/tokenizer/fit.py)
        output = output_tokens(len(pieces))
        self.measured.emit(request, {"prompt": tok.count(prompt), "output": output, "ctx": self.ctx,
                                     "limit": output_limit(self.ctx), "within": output_fits(output, self.ctx),
                                     "tokens": list(zip(pieces, kinds, strict=True))})

    @Slot()
    def measure_gold(self) -> None:
        from engine.gold.pack import default_pack
        from engine.tokenizer.reports import budget
        from engine.tokenizer.sources import gold_samples

        report = budget(self._tokenizer(), gold_samples(default_pack()), self.ctx)
        if report.gold is not None:
            g = report.gold
            self.gold_measured.emit({"p50": g.p50, "p95": g.p95, "max": g.max,
                                     "longest_output": g.longest_output, "longest_name": g.longest_name})


class TrainWorker(ChildWorker):
    """A training run in a child process: preparing it (dataset, tokenizer, gates) takes seconds
    and training is CPU-bound; every event of the trainer comes back as a signal."""

    event_arrived = Signal(dict)
    failed = Signal(str)

    @Slot(str, str, bool, int, bool)
    def start(self, spec: str, run_dir: str, resume: bool, max_steps: int, skip_preflight: bool) -> None:
        if self.busy():
            self.failed.emit("a run is already training")
            return
        self.handle = self._spawn(jobs.train, spec, run_dir, resume, max_steps, skip_preflight)

    def _on_event(self, event: dict) -> None:  # on the relay thread; emit is thread-safe
        if event["event"] == "failed":
            self.failed.emit(event["message"])
        else:
            self.event_arrived.emit(event)

    @Slot()
    def stop(self) -> None:
        super().stop()


class PreflightWorker(ChildWorker):
    gate_done = Signal(dict)
    finished = Signal(bool)
    failed = Signal(str)

    @Slot(str)
    def run(self, spec: str) -> None:
        if self.busy():
            self.failed.emit("preflight is already running")
            return
        self.handle = self._spawn(jobs.preflight, spec, str(Workspace().preflight(spec).folder))

    def _on_event(self, event: dict) -> None:
        kind = event["event"]
        if kind == "gate":
            self.gate_done.emit(event["gate"])
        elif kind == "finished":
            self.finished.emit(event["passed"])
        else:
            self.failed.emit(event["message"])


class GateWorker(ChildWorker):
    """The gold gate over a whole pack in a child process, each result sent as it is scored."""

    entry_scored = Signal(object)   # EntryResult
    gate_finished = Signal(object)  # GateReport
    failed = Signal(str)

    def __init__(self, assets):
        super().__init__()
        self.assets = str(assets)
        self.results: list = []

    @Slot(str)
    def run(self, pack: str) -> None:
        if self.busy():
            self.failed.emit("the gate is already running")
            return
        self.results = []
        self.handle = self._spawn(jobs.gate, pack, self.assets)

    def _on_event(self, event: dict) -> None:
        from engine.gold.gate import GateReport

        kind = event["event"]
        if kind == "entry":
            self.results.append(event["result"])
            self.entry_scored.emit(event["result"])
        elif kind == "finished":
            self.gate_finished.emit(GateReport(self.results, 0.0))
        else:
            self.failed.emit(event["message"])


class ParityWorker(ChildWorker):
    """`ck parity`'s regimen (CK numpy against the PyTorch model) in a child process."""

    # object, not dict: PySide6 would carry a dict across threads as a QVariantMap, sorted by key,
    # and the table's rows follow the order in which a step computes its tensors
    stage_done = Signal(object)     # Stage.to_dict(), as each stage finishes
    run_finished = Signal(object)   # the whole result
    failed = Signal(str)
    sizes_listed = Signal(list)     # engine.model.SIZES' names (a child lists them: torch stays out)

    def __init__(self):
        super().__init__()
        self.sizes: ChildRun | None = None   # its own child: a run may start while it exits

    @Slot()
    def list_sizes(self) -> None:
        self.sizes = self._spawn(jobs.sizes)

    @Slot(str, str, int, str)
    def run(self, config: str, dtype: str, vocab: int, out: str) -> None:
        if self.busy():
            self.failed.emit("the regimen is already running")
            return
        self.handle = self._spawn(jobs.parity, config, dtype, vocab, out)

    def shutdown(self, timeout: float = 15) -> None:
        super().shutdown(timeout)
        if self.sizes is not None and not self.sizes.join(timeout):
            self.sizes.kill()

    def _on_event(self, event: dict) -> None:
        kind = event["event"]
        if kind == "sizes":
            self.sizes_listed.emit(event["sizes"])
        elif kind == "stage":
            self.stage_done.emit(event["stage"])
        elif kind == "finished":
            self.run_finished.emit(event["result"])
        else:
            self.failed.emit(event["message"])
