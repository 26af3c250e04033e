"""Starters for `ck gold add`: one module per layout family, each building that family's own
components from an asset's profile.

A starter module `engine/gold/starters/<family>.py` defines

    def build(profile, texts) -> tuple[str, dict]

`profile` is the asset's AssetProfile (engine.assets.profile: canvas, family guess, card boxes,
palette); `texts` are the profile's texts the starter is to place, in document order (each a
TextElement: text, position, setting, role). It returns the scene text and its content dict;
the scene takes no theme (the page's look is judged from the asset's raster by `ck gold add`)
and never holds prose: every word of the asset goes into the content.

STARTERS maps a family name to its module's build: every family of engine.assets.family.FAMILIES
whose module exists is picked up by name, so a new family's module drops in beside the others.
"""
from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import replace

from engine.assets.family import FAMILIES
from engine.compiler import compile_scene
from engine.compiler.style import CANVAS
from engine.dsl import canonicalize, load, serialize
from engine.dsl.model import Attr
from engine.dsl.vocab import LAYOUTS
from engine.gold.bounded import raster_bounded
from engine.gold.starters.fit import WIDTH, Judge, spaced

Build = Callable[..., tuple[str, dict]]
FALLBACK = "poster_stack"
TRIMS = (0.0, 0.5, 0.75, 0.9)  # texts set smaller than this quantile of sizes are left out, in turn, of a page that overflows
OVERFLOW = 1.1          # a page this much taller than its canvas overflows


def _registry() -> dict[str, Build]:
    found = {}
    for family in FAMILIES:
        name = f"{__name__}.{family}"
        if importlib.util.find_spec(name) is not None:
            found[family] = importlib.import_module(name).build
    return found


STARTERS: dict[str, Build] = _registry()


def family_of(profile) -> str:
    """The guessed family when it has a starter and the compiler has its layout, else the
    runner-up, else poster_stack."""
    for name in (profile.family.guess, profile.family.runner_up):
        if name in STARTERS and name in LAYOUTS:
            return name
    return FALLBACK


def draft(profile, theme: str | None = None, reference: bytes | None = None) -> tuple[str, dict, str]:
    """(canonical scene text, content, family) of the starter for `profile`, on `theme` when
    given (else the family's default); `reference`, the asset's SVG, lets the page choices be
    compared with its raster. A starter that overflows its page is also built from the asset's
    larger texts only (its small print left out, in TRIMS steps), and the one that stands best
    is kept."""
    family = family_of(profile)
    # the reference is the asset (outside the project): drawn in the bounded worker
    judge = Judge(profile, raster_bounded(reference, WIDTH) if reference is not None else None)
    best = None
    sizes = sorted(t.font_size for t in profile.texts) or [0.0]
    for share in TRIMS:
        least = sizes[int(share * (len(sizes) - 1))] if share else 0.0
        text, content = STARTERS[family](profile, [t for t in profile.texts if t.font_size >= least])
        scene = load(text).scene
        if theme is not None:
            scene = replace(scene, attrs=tuple(a for a in scene.attrs if a.key != "theme") + (Attr("theme", theme),))
        scene = canonicalize(scene)[0]
        compiled = compile_scene(scene, content)
        score = judge.judge(compiled)
        if best is None or score > best[0]:
            best = (score, scene, content)
        if compiled.layout.height <= OVERFLOW * CANVAS[scene.attr("canvas")][1]:
            break
    _, scene, content = best
    return serialize(spaced(scene, content, judge)), content, family
