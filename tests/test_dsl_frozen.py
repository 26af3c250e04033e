"""quick_init: the same constructor as the dataclass's own (parameters, defaults, errors), frozen
as before, and refused where it could not be the same."""
from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from engine.compiler.geometry import Text
from engine.dsl.frozen import quick_init, replaced


@dataclass(frozen=True, slots=True)
class Stock:
    x: float
    label: str = "a"
    note: object = field(default=None, compare=False)


@quick_init
@dataclass(frozen=True, slots=True)
class Quick:
    x: float
    label: str = "a"
    note: object = field(default=None, compare=False)


@pytest.mark.parametrize("args, kwargs", [((1.0,), {}), ((1.0, "b"), {}), ((), {"x": 2.0, "note": 3}),
                                          ((1.0,), {"label": "c", "note": [1]})])
def test_it_builds_what_the_stock_constructor_builds(args, kwargs):
    stock, quick = Stock(*args, **kwargs), Quick(*args, **kwargs)
    assert [getattr(quick, f) for f in ("x", "label", "note")] == [getattr(stock, f) for f in ("x", "label", "note")]


@pytest.mark.parametrize("args, kwargs", [((), {}), ((1.0, "b", None, 4), {}), ((1.0,), {"bogus": 1}),
                                          ((1.0,), {"x": 2.0})])
def test_it_refuses_the_calls_the_stock_constructor_refuses(args, kwargs):
    with pytest.raises(TypeError):
        Stock(*args, **kwargs)
    with pytest.raises(TypeError):
        Quick(*args, **kwargs)


def test_the_class_stays_frozen_hashable_and_replaceable():
    t = Text(1.0, 2.0, "a", 12.0, "#fff", cut=None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.x = 3.0
    assert hash(t) == hash(Text(1.0, 2.0, "a", 12.0, "#fff"))
    assert dataclasses.replace(t, x=5.0) == Text(5.0, 2.0, "a", 12.0, "#fff")
    assert pickle.loads(pickle.dumps(t)) == t


def test_a_class_it_cannot_mirror_is_refused():
    @dataclass(frozen=True)
    class Loose:
        x: int

    @dataclass(frozen=True, slots=True)
    class Listy:
        xs: list = field(default_factory=list)

    for cls in (Loose, Listy):
        with pytest.raises(TypeError, match="quick_init takes a frozen slotted dataclass"):
            quick_init(cls)


def test_replaced_is_dataclasses_replace():
    t = Text(1.0, 2.0, "a", 12.0, "#fff", bold=True, cut=None)
    for changes in ({}, {"x": 5.0}, {"text": "b", "font": "mono", "role": "r"}):
        new, stock = replaced(t, **changes), dataclasses.replace(t, **changes)
        assert new == stock and [getattr(new, f.name) for f in dataclasses.fields(Text)] == \
            [getattr(stock, f.name) for f in dataclasses.fields(Text)]
    with pytest.raises(KeyError):
        replaced(t, bogus=1)
