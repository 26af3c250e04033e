"""Scenes written for an earlier DSL version -> the current version (`ck fmt --upgrade`).

A scene names no version of its own: every text is read by today's grammar. A step upgrades a
scene from version N to N + 1 and must leave a scene already at N + 1 as it is, so `upgrade` can
run every step on any scene and upgrading twice is upgrading once.

v1 -> v2: the v1 compiler chose some placements by itself (a pipeline's phase labels, the
sections beside a lane's short row, its result stage, the status stamp in the foot); v2 draws
them only where the scene says so. The step writes those choices into the scene, so it renders
as it did. Which choices a v1 scene relied on is a question about its layout, answered by the
compiler (engine.compiler.upgrade passes its `Reader`); this layer only writes the answer.

    >>> from engine.dsl import load, serialize
    >>> scene = load("[scene] [layout:poster_stack] [/scene]").scene
    >>> serialize(upgrade(scene, lambda s: {})) == serialize(scene)
    True
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

from engine.dsl.canonical import canonicalize
from engine.dsl.model import Attr, Component, Scene, walk
from engine.dsl.parse import DSL_VERSION

# The choices a v1 scene relied on: component path -> attributes to write on it.
Choices = dict[tuple[int, ...], dict[str, str]]
Reader = Callable[[Scene], Choices]

# Vocabulary only v2 has: a scene that uses any of it was written for v2 and says its own choices.
V2_COMPONENTS = frozenset({"panel", "group", "text_line", "kv_row", "link"})
V2_ATTRIBUTES = frozenset({"outline", "fill", "rule", "role", "place", "valign"})
V2_VALUES = frozenset({("canvas", "portrait"), ("theme", "neutral_dark")})


def is_v2(scene: Scene) -> bool:
    """Whether the scene uses vocabulary that only v2 has.

    >>> from engine.dsl import load
    >>> is_v2(load("[scene] [theme:neutral_dark] [/scene]").scene)
    True
    """
    return any((a.key, a.value) in V2_VALUES for a in scene.attrs) or any(
        v.comp.name in V2_COMPONENTS or any(a.key in V2_ATTRIBUTES for a in v.comp.attrs)
        or (v.comp.name == "header_band" and v.comp.attr("accent"))
        for v in walk(scene))


def _with(comps: tuple[Component, ...], choices: Choices, at: tuple[int, ...]) -> tuple[Component, ...]:
    out = []
    for i, comp in enumerate(comps):
        path = (*at, i)
        said = {a.key for a in comp.attrs}
        extra = tuple(Attr(k, v) for k, v in choices.get(path, {}).items() if k not in said)
        out.append(dataclasses.replace(comp, attrs=comp.attrs + extra,
                                       children=_with(comp.children, choices, path)))
    return tuple(out)


def _v1_to_v2(scene: Scene, read: Reader) -> Scene:
    if is_v2(scene):
        return scene
    return dataclasses.replace(scene, components=_with(scene.components, read(scene), ()))


def _v2_to_v3(scene: Scene, read: Reader) -> Scene:
    """v3 only added the optional plan line: a v2 scene says the same in v3."""
    return scene


STEPS: dict[int, Callable[[Scene, Reader], Scene]] = {1: _v1_to_v2, 2: _v2_to_v3}


def upgrade(scene: Scene, read: Reader) -> Scene:
    """The scene in the current DSL version, canonical; `read` answers what a v1 scene relied on."""
    for version in range(1, DSL_VERSION):
        scene = STEPS[version](scene, read)
    return canonicalize(scene)[0]
