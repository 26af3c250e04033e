"""connector:none (wave 4): the family draws no connector of its own (poster spine, lane
connectors and routes, tree edges, a span's leader); every other line is drawn as before."""
from __future__ import annotations

import pytest

from engine.compiler import compile_scene
from engine.compiler.geometry import Line
from engine.dsl import load
from tests.scenes import kitchen_sink

JOINS = {"connector", "route", "spine", "tree-edge", "span-leader"}


def lines(layout: str, connector: str) -> list[Line]:
    text, content = kitchen_sink(layout)
    text = text.replace("[scene]\n", f"[scene]\n[connector:{connector}]\n", 1)
    compiled = compile_scene(load(text).scene, content)
    return [s for s in compiled.layout.shapes if isinstance(s, Line)]


@pytest.mark.parametrize("layout", ["poster_stack", "pipeline_lane", "decision_tree"])
def test_none_drops_the_familys_connectors_and_keeps_everything_else(layout):
    joined = [s for s in lines(layout, "line") if s.role in JOINS]
    assert joined, "the kitchen sink joins its sections or stages under connector:line"
    apart = lines(layout, "none")
    assert not [s for s in apart if s.role in JOINS]
    assert {s.role for s in lines(layout, "line")} - JOINS <= {s.role for s in apart}
