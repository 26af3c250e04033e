"""One row rule (engine/tokenizer/fit.py): the builder, QC, trainer, canary and budget report agree
on a row of exactly ctx tokens (it fits) and on the same row at one token less of ctx (it does
not), and on an output at the 80 % line and one token over it. The studio's meter is checked
against the same rule in tests/studio/test_studio_budget.py."""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from engine.data.build import _Builder
from engine.tokenizer.prompts import explicit_prompt
from engine.data.qc import _lengths, check_context
from engine.data.rows import Row
from engine.data.spec import load_spec
from engine.dsl import load, serialize
from engine.fileio import InputError, read_json
from engine.runs.canary import check_case
from engine.tokenizer import default_tokenizer
from engine.tokenizer.fit import OUTPUT_SHARE, fits, output_fits, output_limit, output_tokens, row_tokens
from engine.tokenizer.reports import budget
from engine.tokenizer.sources import Sample
from engine.train.data import encode_rows

ROOT = Path(__file__).resolve().parents[1]
ENTRY = ROOT / "gold" / "own_poster_budget"


def test_the_rule_counts_prompt_target_and_eos():
    assert row_tokens(prompt=10, target=20) == 31 == 10 + output_tokens(20)
    assert fits(768, 768) and not fits(769, 768)
    assert OUTPUT_SHARE == 0.8 and output_limit(1000) == 800
    assert output_fits(800, 1000) and not output_fits(801, 1000)


@pytest.fixture(scope="module")
def tok():
    return default_tokenizer()


@pytest.fixture(scope="module")
def repair(tok):
    """A repair row as the builder makes it, with the spec01 builder the ctx is varied on."""
    spec = load_spec(ROOT / "specs" / "spec01.toml")
    scene = load((ENTRY / "scene.dsl").read_text()).scene
    source = Row("source", explicit_prompt(scene), serialize(scene), "train", "direct", scene.attr("layout"),
                 {"gold": ENTRY.name, "program": "gold"})

    def build(ctx: int) -> Row | None:
        builder = _Builder(dataclasses.replace(spec, ctx=ctx), [])
        return builder.repair_row(("drop_scene_close", iter([source])), set(), tok)
    return build


def verdicts(row: Row, tok, ctx: int) -> dict[str, bool]:
    """Does `row` fit `ctx`, as each stage answers it."""
    try:
        encode_rows([row], tok, ctx)
        trained = True
    except InputError:
        trained = False
    canary = check_case(row, read_json(ENTRY / "content.json"), tok, ctx)
    report = budget(tok, [Sample(row.id, row.prompt, row.target)], ctx)
    return {"qc": check_context([row], _lengths([row], tok), ctx)["passed"],
            "trainer": trained,
            "canary": not any("over the context" in p for p in canary),
            "budget report": fits(report.gold.max, ctx)}


def test_builder_qc_trainer_canary_and_report_agree_at_the_boundary(tok, repair):
    row = repair(10_000)
    size = row_tokens(tok.count(row.prompt), tok.count(row.target))
    assert budget(tok, [Sample(row.id, row.prompt, row.target)], size).gold.max == size
    fit, over = verdicts(row, tok, size), verdicts(row, tok, size - 1)
    assert all(fit.values()) and not any(over.values()), (fit, over)
    assert repair(size) == row and repair(size - 1) is None      # the builder: made, then refused


def test_the_80_percent_rule_at_its_line(tok):
    scene = load((ENTRY / "scene.dsl").read_text()).scene
    sample = Sample("entry", explicit_prompt(scene), serialize(scene))
    output = output_tokens(tok.count(sample.target))
    at_line = math.ceil(output / OUTPUT_SHARE)     # the least ctx whose 80 % holds the output
    for ctx, passed in ((at_line, True), (at_line - 1, False)):
        report = budget(tok, [sample], ctx)
        assert report.longest_output == output
        assert report.passed is passed is output_fits(output, ctx)
