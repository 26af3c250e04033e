"""The studio's threads: workers are QObjects moved to a QThread; requests arrive by queued
signals and results go back by signals, so the GUI thread never waits. Each panel starts the
workers it uses (with `start`) and ends them (with `stop`).

A QThread destroyed while it runs aborts the process, so a thread is stopped however its owner
goes: closed (the window stops every panel's), deleted without a close (its owner's `destroyed`,
sent before Qt deletes the owner's children), or left running when a script ends (atexit).

Short work (compiling a scene, counting its tokens) runs on the worker's thread; live gold scoring
runs in a process pool that stays up. Long CPU-bound work (training, preflight, the gold gate,
parity, the probe) runs through the job runner, studio/jobs.py.
"""
from __future__ import annotations

import atexit
import json
import os
from concurrent.futures import ProcessPoolExecutor

from qtpy.QtCore import QObject, QThread, Signal, Slot

from engine.compiler import compile_scene
from engine.diagnostics import Diagnostic
from engine.dsl import load
from studio import quick_score, tasks
from studio.jobs import SPAWN


_running: set[QThread] = set()   # every thread started and not yet stopped


def start(worker: QObject, parent: QObject) -> QThread:
    """Run `worker` on its own thread, stopped when `parent` goes."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.finished.connect(worker.deleteLater)
    parent.destroyed.connect(lambda *_: stop([thread]))   # not `parent`: it is half gone by then
    _running.add(thread)
    thread.start()
    return thread


def stop(threads) -> None:
    """End each thread's event loop and wait for it: a thread destroyed while it runs a slot aborts the process."""
    for thread in list(threads):
        if thread in _running:
            thread.quit()
            thread.wait()
            _running.discard(thread)


@atexit.register
def stop_all() -> None:
    """Every thread still running: a script that ends with a window open must not abort."""
    stop(_running)


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


class _ChildWorker(QObject):
    """A worker whose work runs in one child process that stays up (started on first use, by
    `initializer`), so what the child prepares once (a reference, Qt) serves every request."""

    def __init__(self, assets, initializer):
        super().__init__()
        self.assets = str(assets)
        self.initializer = initializer
        self.pool: ProcessPoolExecutor | None = None
        self.closed = False

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=SPAWN, initializer=self.initializer,
                                            initargs=(os.getpid(),))
        return self.pool

    def _run(self, fn, *args):
        """fn(*args) in the child; None when the studio closed the pool meanwhile."""
        try:
            return self._pool().submit(fn, *args).result()
        except RuntimeError:
            if self.closed:   # the pool was shut down meanwhile: the studio is closing
                return None
            raise

    def shutdown(self) -> None:
        self.closed = True
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


class GoldWorker(_ChildWorker):
    """Scores the editor's compiled SVG against its gold reference in a child process that stays
    up (the reference is prepared there once), so typing is scored without holding up the GUI."""

    scored = Signal(int, object, object)  # request id, EntryResult, {kind: QImage} (None on error)
    roles_read = Signal(list)             # [(role, text), ...] of the current reference

    def __init__(self, assets):
        super().__init__(assets, tasks.child_setup)

    @Slot(int, object, str, str, str)
    def score(self, request: int, entry, svg: str, scene: str, content: str) -> None:
        if self.closed:   # a request queued before the panel ended
            return
        answer = self._run(tasks.score_live, entry, svg, self.assets, scene, content)
        if answer is None:
            return
        result, images, roles = answer
        if images is None:
            self.scored.emit(request, result, None)
            return
        self.roles_read.emit(roles)
        self.scored.emit(request, result, {k: to_qimage(v) for k, v in images.items()})


class QuickScoreWorker(_ChildWorker):
    """The editor's texts scored with Qt drawing (studio/quick_score.py) in a child process of its
    own that stays up; while one is scored, newer requests wait and older ones are skipped."""

    scored = Signal(int, object)   # request id, the EntryResult's fields

    def __init__(self, assets):
        super().__init__(assets, quick_score.setup)
        self.newest = 0   # set by the GUI thread as it asks: a request older than this is skipped
        self.warming = None   # the warm-up's future: done once the child is up

    @Slot(object)
    def warm(self, entry) -> None:
        """Start the child (Qt and the engine take a second or two to load) and draw `entry`'s
        reference there (a second or more), ahead of the entry's first key."""
        if not self.closed:
            self.warming = self._pool().submit(quick_score.prepare, entry, self.assets)

    @Slot(int, object, str, str)
    def score(self, request: int, entry, scene: str, content: str) -> None:
        if self.closed or request < self.newest:
            return
        result = self._run(quick_score.score_quick, entry, scene, content, self.assets)
        if result is not None:
            self.scored.emit(request, result)


def to_qimage(img):
    from qtpy.QtGui import QImage

    rgb = img.convert("RGB")
    data = rgb.tobytes()
    return QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888).copy()


class BudgetWorker(QObject):
    """Token counts of the scene being edited against the context of the spec in use, and the
    gold pack's. Nothing is measured until a spec with a context is in use."""

    measured = Signal(int, dict)   # request id, {prompt, output, ctx, limit, within, tokens: [(piece, kind)]}
    gold_measured = Signal(dict)   # {p50, p95, max, longest_output, longest_name}
    spec_failed = Signal(str)      # why the spec chosen cannot be measured against

    def __init__(self):
        super().__init__()
        self.ctx: int | None = None

    @Slot(str)
    def use_spec(self, path: str) -> None:
        from engine.data.spec import load_spec
        from engine.fileio import InputError

        try:
            self.ctx = load_spec(path).ctx
        except InputError as e:
            self.ctx = None
            self.spec_failed.emit(str(e))

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
        if doc.scene is None or self.ctx is None:
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

        if self.ctx is None:
            return
        report = budget(self._tokenizer(), gold_samples(default_pack()), self.ctx)
        if report.gold is not None:
            g = report.gold
            self.gold_measured.emit({"p50": g.p50, "p95": g.p95, "max": g.max,
                                     "longest_output": g.longest_output, "longest_name": g.longest_name})
