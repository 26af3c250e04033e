"""The one place the compiler's stages are chained: bind -> style -> layout -> SVG."""
from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from dataclasses import dataclass

from engine.compiler.geometry import Layout, Text
from engine.compiler.layouts import LAYOUTS
from engine.compiler.resolve import Bound, bind
from engine.compiler.style import style_of
from engine.compiler.svg import to_svg
from engine.diagnostics import Diagnostic, DiagnosticError, Severity
from engine.dsl.canonical import serialize
from engine.dsl.model import Scene


@dataclass(frozen=True)
class Compiled:
    svg: str
    layout: Layout
    diagnostics: tuple[Diagnostic, ...]


def id_prefix(scene: Scene, content) -> str:
    """Defs ids derive from what was compiled, so two different scenes in one page never clash."""
    key = serialize(scene) + json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return "ck" + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def cuts(layout: Layout) -> list[Diagnostic]:
    """The text-overflow warnings of what was placed, once each, in scene order."""
    found = dict.fromkeys(s.cut for s in layout.shapes if isinstance(s, Text) and s.cut is not None)
    return sorted(found, key=lambda d: (d.line, d.col))


# DSL v2 components and attributes the layouts do not draw yet; each use is a warning, so a scene
# that says more than its picture shows never does so silently.
NOT_DRAWN_COMPONENTS = frozenset({"panel", "group", "link"})
NOT_DRAWN_ATTRS = {"outline": None, "fill": None}

def drawn(name: str, key: str | None = None) -> bool:
    """Whether the layouts draw this component (and this attribute of it)."""
    if name in NOT_DRAWN_COMPONENTS:
        return False
    return key not in NOT_DRAWN_ATTRS or NOT_DRAWN_ATTRS[key] not in (None, name)

def _drawn(bound: list[Bound], diagnostics: list[Diagnostic]) -> list[Bound]:
    """The components the layouts draw (the v1 ones at the scene's top level); a warning for each
    one left out, and for each attribute not drawn."""
    kept = []
    held = Counter(b.path[0] for b in bound if b.depth > 1)   # components inside each top one
    for b in bound:
        c = b.comp
        if b.depth > 1:
            continue     # said with the component of the scene that holds it
        if not drawn(b.name):
            inside = held[b.path[0]]
            holds = f"; neither is what it holds ({inside} component{'s' if inside > 1 else ''})" if inside else ""
            diagnostics.append(Diagnostic(
                c.line, c.col, "not-drawn",
                f"{b.name}.{b.index} is not drawn yet (DSL v2 components come with the v2 compiler){holds}",
                Severity.WARNING))
            continue
        kept.append(b)
        diagnostics.extend(
            Diagnostic(a.line, a.col, "not-drawn", f"{b.name}.{b.index}: [{a.key}:{a.value}] is not drawn yet",
                       Severity.WARNING) for a in c.attrs if not drawn(b.name, a.key))
    return kept

def compile_scene(scene: Scene, content, *, strict: bool = False) -> Compiled:
    """Compile a canonical scene with its content. `strict` raises on unresolved refs and on text
    cut to fit its box."""
    bound, diagnostics = bind(scene, content)
    if strict and diagnostics:
        raise DiagnosticError(diagnostics)
    bound = _drawn(bound, diagnostics)
    style = style_of(scene)
    layout = LAYOUTS[style.layout](bound, style)
    cut = cuts(layout)
    if strict and cut:
        raise DiagnosticError([dataclasses.replace(d, severity=Severity.ERROR) for d in cut])
    diagnostics += cut
    p = style.palette
    svg = to_svg(layout, id_prefix(scene, content), title=style.topic.replace("_", " "),
                 arrow_colour=p.text_muted, shadow_colour=p.shadow, shadow_opacity=p.shadow_opacity)
    return Compiled(svg, layout, tuple(diagnostics))

def compile_svg(scene: Scene, content, strict: bool = False) -> str:
    return compile_scene(scene, content, strict=strict).svg
