"""A spec's planned builder and its dataset, as the spec tests (spec02, spec03, spec04) read them."""
from __future__ import annotations

from engine.data.build import _Builder, build_dataset, load_golds
from engine.data.spec import load_spec
from engine.dsl import load


def planned(spec) -> _Builder:
    """The builder with its plan made: topics' kinds, each cell's program, the free cells."""
    builder = _Builder(spec, load_golds(spec))
    builder.plan()
    return builder


def built(path):
    """(spec, planned builder, every row) of the spec file at `path`."""
    spec = load_spec(path)
    builder = planned(spec)
    return spec, builder, build_dataset(spec, builder.golds)


def cell(row) -> tuple[str, str]:
    """(topic, layout) of any row: a repair row's target is the clean scene it restores."""
    scene = load(row.target).scene
    return scene.attr("topic"), scene.attr("layout")
