"""`ck fmt --upgrade`: engine.dsl.upgrade, told by the compiler which placements a v1 scene left to
the v1 compiler (read off the scene's layout, never its words: content does not enter)."""
from __future__ import annotations

from engine.compiler.layouts import comparison_span_chart, pipeline_lane, poster_stack
from engine.compiler.pipeline import tree_of
from engine.compiler.resolve import bind
from engine.compiler.style import style_of
from engine.dsl import upgrade as dsl
from engine.dsl.canonical import canonicalize
from engine.dsl.model import Scene

# The families whose v1 layout chose placements by itself, and how to read them.
READERS = {"pipeline_lane": pipeline_lane.v1_choices, "comparison_span_chart": comparison_span_chart.v1_choices,
           "poster_stack": poster_stack.v1_choices}


def v1_choices(scene: Scene) -> dsl.Choices:
    """The choices the v1 compiler made for this scene by itself, by component path."""
    scene = canonicalize(scene)[0]
    read = READERS.get(scene.layout)
    if read is None:
        return {}
    bound, _ = bind(scene, {})
    return read(tree_of(bound)[0], style_of(scene))


def upgrade(scene: Scene) -> Scene:
    """The scene in the current DSL version, canonical, rendering as it did."""
    return dsl.upgrade(scene, v1_choices)
