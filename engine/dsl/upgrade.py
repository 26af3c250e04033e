"""Scenes written for an earlier DSL version -> the current version (`ck fmt --upgrade`).

A scene names no version of its own: every text is read by today's grammar. A step upgrades a
scene from version N to N + 1 and must leave a scene already at N + 1 as it is, so `upgrade` can
run every step on any scene and upgrading twice is upgrading once.

    >>> from engine.dsl import load, serialize
    >>> scene = load("[scene] [layout:poster_stack] [/scene]").scene
    >>> serialize(upgrade(scene)) == serialize(scene)
    True
"""
from __future__ import annotations

from collections.abc import Callable

from engine.dsl.canonical import canonicalize
from engine.dsl.model import Scene
from engine.dsl.parse import DSL_VERSION


def _v1_to_v2(scene: Scene) -> Scene:
    # v2 is a superset of v1 with the same meaning for every v1 scene (docs/dsl.md). Where the v2
    # compiler stops deciding a placement by itself, this step writes the v1 choice into the scene.
    return scene


STEPS: dict[int, Callable[[Scene], Scene]] = {1: _v1_to_v2}


def upgrade(scene: Scene) -> Scene:
    """The scene in the current DSL version, canonical."""
    for version in range(1, DSL_VERSION):
        scene = STEPS[version](scene)
    return canonicalize(scene)[0]
