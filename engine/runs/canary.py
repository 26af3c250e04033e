"""The canary: 12 prompt cases that must parse and render before a full run starts (seed: "Working
Definitions: Canary", "Keep the report contract and canary gate mandatory").

Before any compute is spent, 12 of the dataset's clean rows (two per family where the spec has six:
one train, one held out, the hidden split first) go through the exact path a probe will take:

    prompt and target tokenize with no unknown piece, and the target decodes back to itself
    prompt + target + <|eos|> fit the context (engine/tokenizer/fit.py: the trainer's rule)
    the target parses, is canonical, and compiles with its gold content as the probe compiles it
    (refs a structural variant adds, such as a duplicated card's, draw placeholders)
    the compiled SVG rasterizes (cairosvg)

A format, tokenizer, budget or compiler break shows here in a second instead of after the run.

    result = finish(run_canary(rows, tokenizer, ctx=768, gold_pack=spec.gold_pack)).value
    result.passed, result.cases[0]["problems"]

run_canary yields a Progress per case as it is checked, then the CanaryResult as its Result
(engine/events.py).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

from engine.events import Event, Progress, Result, producer
from engine.fileio import InputError, read_json
from engine.tokenizer.fit import fits, row_tokens
from engine.workspace import Entry

SIZE = 12
JOB = "canary"
# Buckets whose prompt is a request and whose target is a whole clean scene (repair rows prompt
# with a broken scene; they are not what a probe asks).
CLEAN_BUCKETS = ("direct", "anchor_replay", "minimal_pair")
HOLDOUT_ORDER = ("hidden", "test", "dev")
# The rasterized width: enough for cairosvg to lay out every element; the picture is not kept.
RENDER_WIDTH = 160


@dataclass
class CanaryResult:
    cases: list[dict]

    @property
    def passed(self) -> bool:
        return len(self.cases) == SIZE and all(not c["problems"] for c in self.cases)

    def summary(self) -> str:
        bad = [c for c in self.cases if c["problems"]]
        if len(self.cases) < SIZE:
            return f"canary: only {len(self.cases)} clean rows in the dataset; {SIZE} are needed"
        if not bad:
            return f"canary: {SIZE}/{SIZE} cases parse, compile and render"
        return (f"canary: {len(bad)}/{SIZE} cases fail: "
                + "; ".join(f"{c['id']} ({c['layout']}): {c['problems'][0]}" for c in bad[:3]))


def pick(rows) -> list:
    """12 clean rows spread over the families, deterministic for a dataset: each family's rows
    alternate train and held out (hidden first, then test, dev), each cell in id order, and the
    families are taken round-robin, so six families give one train and one hidden row each."""
    by_layout: dict[str, dict[str, list]] = {}
    for r in sorted(rows, key=lambda r: r.id):
        if r.bucket in CLEAN_BUCKETS:
            by_layout.setdefault(r.layout, {}).setdefault(r.split, []).append(r)
    sequences = []
    for layout in sorted(by_layout):
        cells = by_layout[layout]
        train = cells.get("train", [])
        held = [r for split in HOLDOUT_ORDER for r in cells.get(split, [])]
        sequences.append([r for pair in zip_longest(train, held) for r in pair if r is not None])
    interleaved = [r for turn in zip_longest(*sequences) for r in turn if r is not None]
    return interleaved[:SIZE]


def check_case(row, content, tokenizer, ctx: int) -> list[str]:
    """Why this row would break a probe; [] when it parses, fits and renders."""
    import cairosvg

    from engine.compiler import compile_scene
    from engine.data.qc import target_problems
    from engine.diagnostics import DiagnosticError
    from engine.dsl import load

    problems = []
    for part, text in (("prompt", row.prompt), ("target", row.target)):
        unknown = tokenizer.unknown_pieces(text)
        if unknown:
            problems.append(f"{part} has pieces the tokenizer does not know: {', '.join(unknown[:3])}")
    if tokenizer.decode(tokenizer.encode(row.target)) != row.target:
        problems.append("the target does not decode back to itself")
    length = row_tokens(tokenizer.count(row.prompt), tokenizer.count(row.target))
    if not fits(length, ctx):
        problems.append(f"prompt + target + eos are {length} tokens, over the context of {ctx}")
    problems += target_problems(row.target, content)
    if problems:
        return problems
    try:
        svg = compile_scene(load(row.target).scene, content).svg
    except DiagnosticError as e:
        return [f"does not compile: {e.diagnostics[0].message}"]
    try:
        cairosvg.svg2png(bytestring=svg.encode(), output_width=RENDER_WIDTH)
    except Exception as e:  # noqa: BLE001 - whatever stops the rasterizer is what the canary reports
        return [f"the compiled SVG does not render: {type(e).__name__}: {e}"]
    return []


def gold_content(gold_pack: Path, name: str):
    path = Entry(name, Path(gold_pack) / name).content_path
    if not name or not path.exists():
        raise InputError(f"{path}: the row's gold content is missing; a probe could not materialize it")
    return read_json(path)


@producer(JOB)
def run_canary(rows, tokenizer, ctx: int, gold_pack: str | Path) -> Iterator[Event]:
    """Check the picked rows, each a Progress carrying its case; the CanaryResult is the Result's value."""
    cases = []
    contents: dict[str, object] = {}
    picked = pick(rows)
    for row in picked:
        name = row.provenance.get("gold", "")
        try:
            if name not in contents:
                contents[name] = gold_content(Path(gold_pack), name)
            problems = check_case(row, contents[name], tokenizer, ctx)
        except InputError as e:
            problems = [str(e)]
        case = {"id": row.id, "split": row.split, "layout": row.layout, "problems": problems}
        cases.append(case)
        yield Progress(JOB, len(cases), len(picked), f"{row.id}: {problems[0] if problems else 'ok'}", {"case": case})
    result = CanaryResult(cases)
    yield Result(JOB, result.summary(), result)
