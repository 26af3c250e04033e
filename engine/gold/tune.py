"""Tuning a mapped scene toward its asset: the attribute choices that bring the page nearer.

A person mapping an asset compiles, looks, changes one attribute and looks again. This does the
changing and the looking for every attribute the scene can carry, one at a time (coordinate
ascent): each written attribute tried at its other values and left out, each omitted one tried
at the values that draw something other than its default, the best change kept, until a whole
pass keeps none or the time is spent. The structure (components, containers, what holds what),
the words, the colours and what each text is stay the person's: only spacing, weight and placement
attributes are tried (PAGE, LOOK), never a hue, since the measure below reads luminance and would
pick hues by grey level.

A page is measured as the judges measure it (../shared/tools/fidelity.py at 64 px, and
textplace.py): `total` = layout similarity at 64 px + text placement. A change is kept only when it
raises the total and leaves neither measure below where the scene stood before tuning: padding can
never be bought with words moved out of place, nor word places with the page's shape.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Self

from engine.assets.read import parse_svg
from engine.compiler import compile_scene
from engine.diagnostics import DiagnosticError
from engine.dsl import Attr, Component, Scene, load, serialize, walk
from engine.dsl.vocab import COMPONENTS, TOP_LEVEL_VALUES
from engine.events import Event, Progress, Result, producer
from engine.fileio import InputError, read_json, read_text
from engine.gold.gate import reference_of
from engine.gold.pack import GoldEntry
from engine.gold.raster import raster_rgb
from engine.gold.similarity import WIDTH, Prepared
from engine.gold.textplace import place, words

JOB = "gold tune"
GAIN = 0.002            # the least rise in total worth a change
# The page attributes tried: spacing, weight and where things stand. Never the family, the topic
# or the hues (theme, tone).
PAGE = ("canvas", "frame", "density", "inset", "gap", "hero", "columns", "emphasis", "rail", "background")
# A component's attributes tried: the same kinds. Never its hue (accent, tone), what its text is
# (style, variant, state, role), or what a figure shows (axis, values, legend, units, number, ...).
LOOK = frozenset({"align", "arrange", "band", "bleed", "cols", "fill", "gap", "head", "height", "heights", "ink", "outline",
                  "pitch", "place", "print", "rows", "rule", "scale", "size", "span", "valign", "well", "width",
                  "widths"})


@dataclass(frozen=True)
class Score:
    fidelity: float      # 64-px layout SSIM against the asset
    placement: float     # share of the asset's words standing where they stood

    @property
    def total(self) -> float:
        return self.fidelity + self.placement


@dataclass(frozen=True)
class Change:
    """One kept change: where (a component path, () for the page), which attribute, from what
    (None: omitted) to what, and the score after it."""

    path: tuple[int, ...]
    component: str       # "scene" for a page attribute
    key: str
    before: str | None
    after: str | None
    score: Score

    def describe(self) -> str:
        where = "scene" if not self.path else f"{self.component} at {'.'.join(map(str, self.path))}"
        return (f"{where}: {self.key} {self.before or '(omitted)'} -> {self.after or '(omitted)'}   "
                f"fidelity64 {self.score.fidelity:.3f}  placement {self.score.placement:.3f}")


@dataclass(frozen=True)
class Tuned:
    scene: Scene
    start: Score
    end: Score
    changes: tuple[Change, ...]
    tried: int           # pages compiled and measured
    seconds: float

    def summary(self) -> str:
        s, e = self.start, self.end
        return (f"fidelity64 {s.fidelity:.3f} -> {e.fidelity:.3f}, placement {s.placement:.3f} -> {e.placement:.3f}: "
                f"{len(self.changes)} change(s) kept of {self.tried} pages tried in {self.seconds:.0f} s")


class Judge:
    """A scene's Score against one asset, the asset prepared once. Pages already measured are
    remembered by their SVG: many a change draws the same page (a valign with no height to spare, a
    gap between fewer than two children), and drawing is most of a measure's time."""

    def __init__(self, asset: Path, content):
        self.reference = reference_of(asset)
        self.prepared = Prepared(self.reference.image)
        self.content = content
        self.seen: dict[bytes, Score] = {}   # by a digest of the SVG: thousands of pages, 16 bytes each

    def __call__(self, scene: Scene) -> Score | None:
        """None when the scene does not compile with the content."""
        try:
            svg = compile_scene(scene, self.content).svg
        except (InputError, DiagnosticError):
            return None
        key = hashlib.blake2b(svg.encode(), digest_size=16).digest()
        if (score := self.seen.get(key)) is None:
            placement = place(self.reference.words, words(parse_svg(svg.encode(), "tuned.svg"))).placement
            score = self.seen[key] = Score(self.prepared.layout(raster_rgb(svg, WIDTH)), placement)
        return score


_judge: Judge | None = None     # a worker process's own


def _start_worker(asset: Path, content) -> None:
    global _judge
    _judge = Judge(asset, content)


def _measure_text(text: str) -> Score | None:
    return _judge(load(text).scene)


class Measure:
    """Scores for many trial scenes at once, shared among `workers` processes (each with its own
    Judge) when there is more than one: a page is a tenth of a second of compiling and drawing, and
    a pass tries hundreds."""

    def __init__(self, asset: Path, content, workers: int = 1):
        self.judge = Judge(asset, content)
        self.pool = (ProcessPoolExecutor(workers, mp_context=get_context("forkserver"), initializer=_start_worker,
                                         initargs=(asset, content)) if workers > 1 else None)

    def __call__(self, scenes: list[Scene]) -> list[Score | None]:
        if self.pool is None or len(scenes) < 2:
            return [self.judge(s) for s in scenes]
        return list(self.pool.map(_measure_text, [serialize(s) for s in scenes]))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(frozen=True)
class Slot:
    path: tuple[int, ...]
    component: str
    key: str
    current: str | None
    alternatives: tuple[str | None, ...]


def slots(scene: Scene) -> Iterator[Slot]:
    """Every attribute choice the tuner may make: the page's, then each component's, the
    outermost first (document order within a depth), so that a tune cut short by its time has
    tried the choices that move most."""
    for key in PAGE:
        current = scene.attr(key)
        yield Slot((), "scene", key, current, tuple(v for v in TOP_LEVEL_VALUES[key] if v != current))
    for visit in sorted(walk(scene), key=lambda v: v.depth):     # the outer boxes first: they move most
        spec = COMPONENTS[visit.comp.name]
        for key, values in spec.attrs.items():
            if key not in LOOK:
                continue
            current = visit.comp.attr(key)
            shown = current if current is not None else spec.defaults.get(key)
            others = tuple(v for v in values if v != shown)
            yield Slot(visit.path, visit.comp.name, key, current, others + ((None,) if current is not None else ()))


def _set(attrs: tuple[Attr, ...], key: str, value: str | None) -> tuple[Attr, ...]:
    kept = tuple(a for a in attrs if a.key != key)
    return kept if value is None else (*kept, Attr(key, value))


def _in(comps: tuple[Component, ...], path: tuple[int, ...], key: str, value: str | None) -> tuple[Component, ...]:
    i, c = path[0], comps[path[0]]
    c = replace(c, children=_in(c.children, path[1:], key, value)) if path[1:] else replace(c, attrs=_set(c.attrs, key, value))
    return (*comps[:i], c, *comps[i + 1:])


def with_choice(scene: Scene, slot: Slot, value: str | None) -> Scene | None:
    """`scene` with one attribute changed, canonical and valid; None when the DSL refuses it."""
    if slot.path:
        changed = replace(scene, components=_in(scene.components, slot.path, slot.key, value))
    else:
        changed = replace(scene, attrs=_set(scene.attrs, slot.key, value))
    doc = load(serialize(changed))
    return None if doc.scene is None or doc.errors else doc.scene


@producer(JOB)
def tuning(scene: Scene, measure: Callable[[list[Scene]], list[Score | None]], seconds: float = 120.0,
           stopped: Callable[[], bool] = lambda: False) -> Iterator[Event]:
    """Coordinate ascent over `slots(scene)` (module docstring) for at most `seconds`, or until
    `stopped()`: a Progress per slot tried (its data: `change`, the kept change described, or
    None), then the Result, whose value is the Tuned scene as it stood after the last kept change."""
    began = time.monotonic()
    start = measure([scene])[0]
    if start is None:
        raise InputError("the scene does not compile with its content; tune a scene that compiles")
    best, changes, tried, done = start, [], 0, 0
    out_of_time = False
    while not out_of_time:
        kept_before = len(changes)
        for slot in list(slots(scene)):
            if out_of_time := time.monotonic() - began > seconds or stopped():
                break
            trials = [(v, t) for v in slot.alternatives if (t := with_choice(scene, slot, v)) is not None]
            scores = measure([t for _, t in trials])
            tried, done = tried + len(trials), done + 1
            fair = [(s.total, i) for i, s in enumerate(scores)
                    if s is not None and s.total > best.total + GAIN
                    and s.placement >= start.placement and s.fidelity >= start.fidelity]
            change = None
            if fair:
                i = max(fair)[1]
                (value, scene), best = trials[i], scores[i]
                changes.append(change := Change(slot.path, slot.component, slot.key, slot.current, value, best))
            yield Progress(JOB, done, None, f"{tried} pages tried, {len(changes)} changes kept",
                           {"change": change and change.describe(), "fidelity": best.fidelity,
                            "placement": best.placement})
        if len(changes) == kept_before:
            break
    tuned = Tuned(scene, start, best, tuple(changes), tried, time.monotonic() - began)
    yield Result(JOB, tuned.summary(), tuned)


@producer(JOB)
def tune_text(scene_text: str, content, asset: Path, seconds: float = 120.0, jobs: int = 1,
              where: str = "scene.dsl", stopped: Callable[[], bool] = lambda: False) -> Iterator[Event]:
    """`tuning` of a scene's text (the studio's editor, unsaved edits included) against an asset;
    an Error naming each problem's line and column when the scene has errors."""
    doc = load(scene_text)
    if doc.scene is None or doc.errors:
        raise InputError("; ".join(d.format(where) for d in doc.errors) or f"{where}: no scene")
    with Measure(asset, content, jobs) as measure:
        yield from tuning(doc.scene, measure, seconds, stopped)


def tune_entry(entry: GoldEntry, assets: Path, seconds: float = 120.0, jobs: int = 1) -> Iterator[Event]:
    """`tune_text` of a gold entry's saved scene, content and reference."""
    return tune_text(read_text(entry.scene_path), read_json(entry.content_path), entry.reference_path(assets),
                     seconds, jobs, str(entry.scene_path))
