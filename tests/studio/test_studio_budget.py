"""The studio's token budget counts a row as the engine's one rule does (engine/tokenizer/fit.py):
prompt + output is what the trainer's fit check counts, and the meter's verdict is the budget
report's 80 % gate, on either side of its line (tests/test_row_fit.py checks the other callers)."""
from __future__ import annotations

import math

import pytest

from studio_helpers import ROOT

from engine.dsl import load, serialize
from engine.tokenizer import default_tokenizer
from engine.tokenizer.fit import OUTPUT_SHARE, output_tokens, row_tokens
from engine.tokenizer.prompts import explicit_prompt
from engine.tokenizer.reports import budget
from engine.tokenizer.sources import Sample
from studio.budget_panel import BudgetPanel
from studio.workers import BudgetWorker

TEXT = (ROOT / "gold" / "own_poster_budget" / "scene.dsl").read_text()


def measure(ctx: int) -> dict:
    worker = BudgetWorker()
    worker.ctx = ctx   # what use_spec reads from a spec of this context
    got: list[dict] = []
    worker.measured.connect(lambda _request, m: got.append(m))
    worker.measure(1, TEXT)
    return got[0]


@pytest.fixture
def panel(qtbot):
    panel = BudgetPanel(None)
    qtbot.addWidget(panel)
    yield panel
    panel.shutdown()   # its worker's thread ends before the widget goes


def test_the_meter_counts_the_row_and_judges_the_80_percent_line_as_the_engine(panel):
    tok = default_tokenizer()
    scene = load(TEXT).scene
    sample = Sample("entry", explicit_prompt(scene), serialize(scene))
    output = output_tokens(tok.count(sample.target))
    at_line = math.ceil(output / OUTPUT_SHARE)
    for ctx, within in ((at_line, True), (at_line - 1, False)):
        m = measure(ctx)
        assert m["prompt"] + m["output"] == row_tokens(tok.count(sample.prompt), tok.count(sample.target))
        assert m["output"] == output and m["ctx"] == ctx
        assert m["within"] is within is budget(tok, [sample], ctx).passed
        panel.show_measure(m)
        assert panel.meter.within is within
        assert ("within" if within else "OVER") in panel.verdict.text()


def test_the_meter_has_no_context_of_its_own_before_the_first_measure(panel):
    # the spec's ctx arrives with each measure, never a literal here
    assert (panel.meter.ctx, panel.meter.limit) == (0, 0.0)
