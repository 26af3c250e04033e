"""Scene DSL: grammar, typed model, validation and the canonical form.

    >>> doc = load("[scene] [layout:pipeline_lane] [/scene]")
    >>> doc.scene.attr("connector")      # filled from the family's defaults
    'arrow'
    >>> DSL_VERSION                      # named by the grammar's first line (scene.lark)
    3
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.diagnostics import Diagnostic, Severity
from engine.dsl.canonical import canonicalize, serialize
from engine.dsl.model import Attr, Component, Ref, Scene, Topo, Visit, walk
from engine.dsl.parse import DSL_VERSION, parse_entries
from engine.dsl.validate import build_scene

__all__ = ["DSL_VERSION", "Attr", "Component", "Ref", "Scene", "Topo", "Visit", "walk", "Document", "load",
           "parse", "canonicalize", "serialize", "format_text"]


@dataclass(frozen=True)
class Document:
    """A scene text read in full: the canonical scene (None if nothing could be recovered) and
    every diagnostic, sorted by position."""

    scene: Scene | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)


def parse(text: str) -> tuple[Scene | None, list[Diagnostic]]:
    """Text -> scene as written (compact form expanded, invalid parts left out) + diagnostics."""
    parsed = parse_entries(text)
    if parsed.entries is None:
        return None, parsed.diagnostics
    scene, found = build_scene(parsed.entries)
    return scene, parsed.diagnostics + found


def load(text: str) -> Document:
    scene, diagnostics = parse(text)
    if scene is not None:
        scene, more = canonicalize(scene)
        diagnostics += more
    diagnostics.sort(key=lambda d: (d.line, d.col))
    return Document(scene, tuple(diagnostics))


def format_text(text: str) -> str | None:
    """Canonical text for a scene text, or None when it cannot be read at all."""
    doc = load(text)
    return None if doc.scene is None else serialize(doc.scene)
