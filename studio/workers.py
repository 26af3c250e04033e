"""Every thread the studio uses lives here. Workers are QObjects moved to a QThread; requests
arrive by queued signals and results go back by signals, so the GUI thread never waits."""
from __future__ import annotations

import json

from qtpy.QtCore import QObject, QThread, Signal, Slot

from engine.compiler import compile_scene
from engine.diagnostics import Diagnostic
from engine.dsl import load


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


def start(worker: QObject, parent: QObject) -> QThread:
    """Run `worker` on its own thread, stopped when `parent` goes."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.finished.connect(worker.deleteLater)
    thread.start()
    return thread


class GoldWorker(QObject):
    """Scores the editor's compiled SVG against its gold reference, off the GUI thread."""

    scored = Signal(int, object, object)  # request id, EntryResult, {kind: QImage} (None on error)
    roles_read = Signal(list)             # [(role, text), ...] of the current reference

    def __init__(self, assets):
        super().__init__()
        self.assets = assets

    @Slot(int, object, str)
    def score(self, request: int, entry, svg: str) -> None:
        from engine.assets import AssetError
        from engine.fileio import InputError
        from engine.gold.gate import new_result, reference_of, score_svg

        result = new_result(entry)
        path = entry.reference_path(self.assets)
        if not path.exists():
            result.status, result.reason = "skipped", f"no reference at {path}"
            self.scored.emit(request, result, None)
            return
        try:
            reference = reference_of(path)
            images = score_svg(result, svg, reference)
        except (InputError, AssetError) as e:
            result.reason = str(e)
            self.scored.emit(request, result, None)
            return
        self.roles_read.emit([(t.role, t.text) for t in reference.profile.texts])
        self.scored.emit(request, result, {k: to_qimage(getattr(images, k)) for k in ("reference", "compiled", "diff")})


def to_qimage(img):
    from qtpy.QtGui import QImage

    rgb = img.convert("RGB")
    data = rgb.tobytes()
    return QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888).copy()


class BudgetWorker(QObject):
    """Token counts of the scene being edited against the spec's context, and the gold pack's."""

    measured = Signal(int, dict)   # request id, {prompt, output, ctx, limit, tokens: [(piece, kind)]}
    gold_measured = Signal(dict)   # {p50, p95, max, longest_output, longest_name}

    def __init__(self, ctx: int):
        super().__init__()
        self.ctx = ctx

    def _tokenizer(self):
        from engine.tokenizer import default_tokenizer

        return default_tokenizer()

    @Slot(int, str)
    def measure(self, request: int, scene_text: str) -> None:
        from engine.data.prompts import explicit_prompt
        from engine.dsl import load, serialize
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
        # bos + prompt + target + eos, the packed row the trainer sees; output = target + eos
        self.measured.emit(request, {"prompt": tok.count(prompt) + 1, "output": len(pieces) + 1,
                                     "ctx": self.ctx, "limit": 0.8 * self.ctx,
                                     "tokens": list(zip(pieces, kinds))})

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


class TrainWorker(QObject):
    """Prepares a run (dataset, tokenizer, gates: seconds of work) off the GUI thread, then lets
    the engine train on its own thread; every event comes back as a signal."""

    event_arrived = Signal(dict)
    failed = Signal(str)

    def __init__(self):
        super().__init__()
        self.handle = None

    @Slot(str, str, bool, int, bool)
    def start(self, spec: str, run_dir: str, resume: bool, max_steps: int, skip_preflight: bool) -> None:
        from engine.fileio import InputError
        from engine.train import start_in_thread
        from engine.train.run import prepare_run

        if self.handle is not None and self.handle.running:
            self.failed.emit("a run is already training")
            return
        try:
            trainer = prepare_run(spec, run_dir or None, resume=resume, skip_preflight=skip_preflight,
                                  max_steps=max_steps or None)
        except InputError as e:
            self.failed.emit(str(e))
            return
        self.handle = start_in_thread(trainer, self.event_arrived.emit)  # emit is thread-safe

    @Slot()
    def stop(self) -> None:
        if self.handle is not None:
            self.handle.stop()


class PreflightWorker(QObject):
    gate_done = Signal(dict)
    finished = Signal(bool)
    failed = Signal(str)

    @Slot(str)
    def run(self, spec: str) -> None:
        from dataclasses import asdict
        from pathlib import Path

        from engine.fileio import InputError
        from engine.preflight import run_preflight

        try:
            out = Path("out") / "preflight" / Path(spec).stem
            result = run_preflight(Path(spec), out, on_gate=lambda g: self.gate_done.emit(asdict(g) | {"passed": g.passed}))
        except InputError as e:
            self.failed.emit(str(e))
            return
        self.finished.emit(result.passed)
