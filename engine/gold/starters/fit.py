"""Setting a starter like its asset: of the scene's page choices (margin, gap, density, frame,
dark theme), the ones that compile each of the asset's words nearest where the asset has it (each
page taken at its own size) and the page most like the asset's at 64 px, as a person mapping an
asset compiles, looks and edits.

Agreement is counted per word (three letters or more, at most twice on the asset page): full
credit in place, none from REACH of the page's size away, as ../shared/tools/textplace.py asks.
"""
from __future__ import annotations

import math
import re
from dataclasses import replace

from PIL import Image

from engine.compiler import compile_scene
from engine.compiler.geometry import Text
from engine.dsl.model import Attr, Scene
from engine.gold.raster import raster_rgb
from engine.gold.similarity import ssim_pair

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.%+-]*[A-Za-z0-9%]|[A-Za-z0-9]")
REACH = 0.15
CHAR_EM = 0.55          # a character's advance in font sizes, as the asset reader estimates it
# (attribute, values) tried in turn; a theme only among dark themes, on a dark page
CHOICES = (("inset", ("sm", "md", "lg")), ("gap", ("sm", "md", "lg")), ("density", ("compact", "balanced", "airy", "fit")),
           ("frame", ("card", "panel", "none")), ("theme", ("neutral_dark", "infra_dark", "signal_glow")), ("hero", ("left", "center")),
           ("band", ("open", "solid")))
PLACE_WEIGHT = 0.25     # word places weigh a quarter of the layout: starters place words well before they lay out well
WIDTH = 300             # raster width compared: the 64-px layout reads the same as at the judges' 900


def words(lines, width: float, height: float) -> list[tuple[str, float, float]]:
    """(word, x, y) of every word of (text, x, y, size, anchor) lines, x and y shares of the page."""
    out = []
    for text, x, y, size, anchor in lines:
        text = " ".join(text.split())
        w = CHAR_EM * size * len(text)
        x0 = x - {"middle": w / 2, "end": w}.get(anchor, 0.0)
        for m in WORD.finditer(text):
            cx = x0 + w * (m.start() + m.end()) / 2 / max(1, len(text))
            out.append((m.group().lower(), cx / width, y / height))
    return out


def agreement(asset: list[tuple[str, float, float]], page: list[tuple[str, float, float]]) -> float:
    count: dict[str, int] = {}
    for w, _, _ in asset:
        count[w] = count.get(w, 0) + 1
    where: dict[str, list[tuple[float, float]]] = {}
    for w, x, y in page:
        where.setdefault(w, []).append((x, y))
    keys = [(w, x, y) for w, x, y in asset if count[w] <= 2 and len(w) >= 3]
    if not keys:
        return 0.0
    credit = sum(max(0.0, 1 - min(math.hypot(x - a, y - b) for a, b in where[w]) / REACH)
                 for w, x, y in keys if w in where)
    return credit / len(keys)


def _with(scene: Scene, **attrs: str) -> Scene:
    """`scene` with these top-level attributes, or with the header's `band`."""
    if "band" in attrs:
        return replace(scene, components=tuple(
            replace(c, attrs=tuple(Attr("band", attrs["band"]) if a.key == "band" else a for a in c.attrs))
            if c.name == "header_band" else c for c in scene.components))
    return replace(scene, attrs=tuple(Attr(a.key, attrs.get(a.key, a.value)) for a in scene.attrs))


def _value(scene: Scene, key: str) -> str | None:
    if key == "band":
        return next((c.attr("band") for c in scene.components if c.name == "header_band"), None)
    return scene.attr(key)


class Judge:
    """How well a compiled scene stands for its asset: word agreement, plus the 64-px layout
    similarity to the asset's raster when there is one (the two measures a gold entry is held to)."""

    def __init__(self, profile, reference: Image.Image | None):
        self.asset = words([(t.text, t.x, t.y, t.font_size, t.anchor) for t in profile.texts],
                           profile.canvas.width or 1.0, profile.canvas.height or 1.0)
        self.reference = reference

    def __call__(self, scene: Scene, content: dict) -> float:
        return self.judge(compile_scene(scene, content))

    def judge(self, compiled) -> float:
        layout = compiled.layout
        lines = [(s.text, s.x, s.y, s.size, s.anchor) for s in layout.shapes if isinstance(s, Text)]
        score = PLACE_WEIGHT * agreement(self.asset, words(lines, layout.width, layout.height))
        if self.reference is not None:
            score += ssim_pair(self.reference, raster_rgb(compiled.svg, self.reference.width))[1]
        return score


def spaced(scene: Scene, content: dict, judge: Judge) -> Scene:
    """`scene` (canonical) with the page choices that `judge` finds stand best for the asset,
    one choice at a time in CHOICES order."""
    best, score = scene, judge(scene, content)
    for key, values in CHOICES:
        if key == "theme" and scene.attr("theme") not in values or _value(scene, key) is None:
            continue    # a light page keeps its light theme
        for value in values:
            if value != _value(best, key):
                trial = _with(best, **{key: value})
                if (s := judge(trial, content)) > score:
                    best, score = trial, s
    return best
