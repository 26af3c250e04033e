"""Playground: ask a trained model for a scene (issue 20). Pick a run from the ledger (each spec's
champion first), compose a prompt from dropdowns filled from the DSL's vocabulary (the explicit
surface) or name a goal and an audience (the intent surface), Generate: the raw output and the
canonical (or repaired) scene side by side, tokens/s, and -- when the prompt is one of the probe
list's cases -- the expected scene beside it as a diff. "Open in editor" puts the scene and the
content of its topic into the editors, where the preview compiles it (for a topic no content is
known of, a gold entry of the scene's layout lends its words, and the status says whose).

The model runs in a child process (studio/jobs.py, studio/tasks.py: generate), as every engine job.
"""
from __future__ import annotations

import json
from pathlib import Path

from qtpy.QtCore import Signal
from qtpy.QtGui import QFontDatabase
from qtpy.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                            QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from engine.dsl.vocab import LAYOUTS, TOP_LEVEL_VALUES, family_defaults
from studio import tasks
from studio.diff_view import DiffView
from studio.jobs import Job
from studio.status_label import StatusLabel

SURFACES = ("explicit", "intent")


def _mono(widget: QPlainTextEdit) -> QPlainTextEdit:
    widget.setReadOnly(True)
    widget.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    return widget


class PlaygroundPanel(QWidget):
    generated = Signal(dict)                # the generate task's result, once shown
    open_requested = Signal(str, str)       # scene text, content.json text: for the editors

    def __init__(self, workspace: Path, parent=None):
        super().__init__(parent)
        self.workspace = Path(workspace)
        self.result: dict | None = None
        self.run = QComboBox()
        self.refresh_button = QPushButton("Refresh")
        self.surface = QComboBox()
        self.surface.addItems(SURFACES)
        self.layout_box = QComboBox()
        self.layout_box.addItems(LAYOUTS)
        self.topic = QComboBox(editable=True)
        self.theme, self.tone, self.density = (QComboBox() for _ in range(3))
        for box, key in ((self.theme, "theme"), (self.tone, "tone"), (self.density, "density")):
            box.addItems(TOP_LEVEL_VALUES[key])
        self.goal, self.audience = QLineEdit("explain_tradeoff"), QLineEdit("engineers")
        self.constrained, self.repair = QCheckBox("constrained"), QCheckBox("repair")
        self.constrained.setChecked(True)
        self.generate_button = QPushButton("Generate")
        self.generate_button.setEnabled(False)   # until a run is listed
        self.status = StatusLabel("no run listed yet")
        self.status.setWordWrap(True)
        self.prompt_view = QLineEdit(readOnly=True)
        self.raw, self.scene = _mono(QPlainTextEdit()), _mono(QPlainTextEdit())
        self.diff = DiffView()
        self.open_button = QPushButton("Open in editor")
        self.open_button.setEnabled(False)

        form = QFormLayout()
        runs = QHBoxLayout()
        runs.addWidget(self.run, 1)
        runs.addWidget(self.refresh_button)
        form.addRow("run", runs)
        form.addRow("surface", self.surface)
        self.explicit_rows = [("layout", self.layout_box), ("topic", self.topic), ("theme", self.theme),
                              ("tone", self.tone), ("density", self.density)]
        self.intent_rows = [("goal", self.goal), ("audience", self.audience)]
        for label, w in self.explicit_rows + self.intent_rows:
            form.addRow(label, w)
        self.form = form
        checks = QHBoxLayout()
        for w in (self.constrained, self.repair, self.generate_button):
            checks.addWidget(w)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(checks)
        left.addWidget(self.status)
        left.addStretch(1)
        controls = QWidget()
        controls.setLayout(left)
        outputs = QTabWidget()
        sides = QSplitter()
        sides.addWidget(_titled("raw output", self.raw))
        sides.addWidget(_titled("scene (canonical or repaired)", self.scene))
        outputs.addTab(sides, "output")
        outputs.addTab(self.diff, "expected vs output")
        self.outputs = outputs
        right = QVBoxLayout()
        right.addWidget(self.prompt_view)
        right.addWidget(outputs, 1)
        right.addWidget(self.open_button)
        shown = QWidget()
        shown.setLayout(right)
        split = QSplitter()
        split.addWidget(controls)
        split.addWidget(shown)
        split.setSizes([320, 900])
        QVBoxLayout(self).addWidget(split)

        self.surface.currentTextChanged.connect(self._on_surface)
        self.layout_box.currentTextChanged.connect(self._on_layout)
        self.refresh_button.clicked.connect(self.refresh)
        self.generate_button.clicked.connect(self.generate)
        self.open_button.clicked.connect(self._on_open)
        for w in (self.layout_box, self.topic, self.theme, self.tone, self.density, self.surface):
            w.currentTextChanged.connect(self._show_prompt)
        for w in (self.goal, self.audience):
            w.textChanged.connect(self._show_prompt)
        self.choices_job = Job(tasks.playground_choices, self)
        self.choices_job.finished.connect(self._on_choices)
        self.choices_job.failed.connect(self._on_failed)
        self.job = Job(tasks.generate, self)
        self.job.progressed.connect(lambda e: self.status.setText(e.message))
        self.job.finished.connect(self._on_generated)
        self.job.failed.connect(self._on_failed)
        self._on_surface(self.surface.currentText())
        self._on_layout(self.layout_box.currentText())
        self.listed = False

    # ---- the prompt --------------------------------------------------------------------------
    def on_seen(self, visible: bool) -> None:
        """The ledger is read once the panel is first seen (it starts a child process)."""
        if visible and not self.listed:
            self.listed = True
            self.refresh()

    def refresh(self) -> None:
        self.status.setText("listing runs…")
        self.choices_job.start(str(self.workspace))

    def set_workspace(self, workspace: str) -> None:
        self.workspace = Path(workspace)
        if self.listed:
            self.refresh()

    def _on_surface(self, surface: str) -> None:
        """The topic is asked on both surfaces; layout and style only on the explicit one."""
        for _, w in self.explicit_rows:
            self.form.setRowVisible(w, surface == "explicit" or w is self.topic)
        for _, w in self.intent_rows:
            self.form.setRowVisible(w, surface == "intent")
        self._show_prompt()

    def _on_layout(self, layout: str) -> None:
        """A family's own theme, tone and density, as the builder writes its prompts."""
        defaults = family_defaults(layout)
        for box, key in ((self.theme, "theme"), (self.tone, "tone"), (self.density, "density")):
            box.setCurrentText(defaults[key])

    def prompt(self) -> str:
        topic = self.topic.currentText().strip()
        if self.surface.currentText() == "intent":
            return (f"[task:svg] [topic:{topic}] [goal:{self.goal.text().strip()}] "
                    f"[audience:{self.audience.text().strip()}] [OUT]")
        parts = (("layout", self.layout_box), ("topic", self.topic), ("theme", self.theme), ("tone", self.tone),
                 ("density", self.density))
        return " ".join(["[task:svg]", *(f"[{k}:{w.currentText().strip()}]" for k, w in parts), "[OUT]"])

    def _show_prompt(self, *_) -> None:
        self.prompt_view.setText(self.prompt())

    # ---- runs ----------------------------------------------------------------------------------
    def _on_choices(self, event) -> None:
        runs, topics = event.value["runs"], event.value["topics"]
        current = self.topic.currentText()
        self.topic.clear()
        self.topic.addItems(topics)
        if current:
            self.topic.setCurrentText(current)
        self.run.clear()
        for r in runs:   # the spec only where the run id does not already start with it: the box is narrow
            said = [] if r["id"].startswith(f"{r['spec']}-") else [r["spec"]]
            said += ["champion"] if r["champion"] else []
            self.run.addItem(f"{r['id']}  ({', '.join(said)})" if said else r["id"], r["id"])
        self.generate_button.setEnabled(bool(runs))
        self.status.setText(f"{len(runs)} runs in {self.workspace}" if runs else
                            f"no runs in {self.workspace}'s ledger yet: train one (Training panel or `ck run`)")

    def generate(self) -> None:
        run = self.run.currentData()
        if not run:
            return
        self.generate_button.setEnabled(False)
        self.status.setText("starting…")
        self.job.start(run, str(self.workspace), self.prompt(), self.constrained.isChecked(), self.repair.isChecked())

    def _on_generated(self, event) -> None:
        self.generate_button.setEnabled(True)
        value = self.result = event.value
        g = value["generation"]
        self.raw.setPlainText(g["raw"])
        self.scene.setPlainText(g["scene"] or "\n".join(["(no scene: the output does not parse)", *g["diagnostics"]]))
        repaired = f"; repaired: {', '.join(g['repair_actions'])}" if g["repaired"] else ""
        words = f"; words: {value['words']}" if value["words"] else ("; no words known for it: placeholders"
                                                                     if g["scene"] else "")
        self.status.setText(f"step {value['step']}: {g['tokens']} tokens in {g['seconds']:.2f} s "
                            f"({g['tokens_per_s']:,.0f} tokens/s), stop {g['stop']}{repaired}{words}")
        if value["expected"]:
            self.diff.set_texts(value["expected"], g["scene"] or g["raw"])
            self.outputs.setTabText(1, "expected vs output (a probe case)")
        else:
            self.diff.set_texts("", "")
            self.outputs.setTabText(1, "expected vs output (not a probe case)")
        self.open_button.setEnabled(bool(g["scene"]))
        self.generated.emit(value)

    def _on_failed(self, error) -> None:
        self.generate_button.setEnabled(self.run.count() > 0)
        self.status.setText(f"<span style='color:#c53030'>{error.message}</span>")

    def _on_open(self) -> None:
        if self.result and self.result["generation"]["scene"]:
            content = self.result["content"] or {}
            self.open_requested.emit(self.result["generation"]["scene"],
                                     json.dumps(content, indent=2, ensure_ascii=False) + "\n")

    def shutdown(self) -> None:
        for job in (self.choices_job, self.job):
            job.shutdown()


def _titled(title: str, widget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(QLabel(title))
    layout.addWidget(widget, 1)
    return box
