"""An asset's profile: what the asset contract tracks about one reference SVG, as JSON-ready data.

The seed's asset contract asks to "track layout family, composition, theme, color system, shapes,
connectors, charts, and text roles". A profile holds exactly that, computed from the sanitized
tree: canvas, family guess (with runner-up and every family's score), structural features, text
elements in document order with position, setting (monospace or not), role and placeholder, the
boxes that hold text (cards, nested ones too), palette, and counts.

    from engine.assets import load_svg, profile_document
    print(profile_document(load_svg("../shared/assets/memory-reality-infographic.svg")).to_json())

`PROFILE_VERSION` changes whenever a field changes meaning, so stored profiles can be told apart.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from engine.assets.family import FamilyGuess, guess_family
from engine.assets.geometry import SHAPES, Box, Canvas, Drawing, draw
from engine.assets.read import AssetError, SvgDocument
from engine.assets.roles import ROLES, assign_roles, placeholders
from engine.assets.structure import distinct, features, text_boxes
from engine.assets.style import StyleSheet
from engine.assets.tree import local

PROFILE_VERSION = 2    # 2: texts say whether they are monospace; the profile lists its cards with their fill
# Shapes plus texts. The library's busiest asset draws 117; structure features compare some
# items pairwise, so this cap is what keeps profiling a hostile-but-valid SVG to about a second.
MAX_DRAWN = 1_000
# What drawing costs before the drawn count is known: every element is matched against every
# style rule (path data is bounded where the file is read, engine/assets/bounds.py). The library's
# busiest asset has 10 rules x 98 elements; these bounds keep a small hostile file from costing minutes.
MAX_STYLE_CHARS = 64 * 1024
MAX_STYLE_MATCHES = 250_000
CARD_LEAST = 0.002   # the smallest box the profile lists as a card: a chip of a few words
MONO_FACES = ("mono", "courier", "consolas", "menlo", "monaco", "code", "fixed")


@dataclass(frozen=True)
class TextElement:
    text: str
    x: float            # anchor point in canvas units, every ancestor transform applied
    y: float            # baseline
    font_size: float    # px
    font_weight: int
    fill: str | None    # #rrggbb, or None for a gradient or no fill
    anchor: str         # start, middle, end
    role: str
    placeholder: str
    mono: bool = False  # set in a monospace face (code, commands, aligned columns)


@dataclass(frozen=True)
class AssetProfile:
    name: str
    canvas: Canvas
    family: FamilyGuess
    texts: list[TextElement]
    palette: list[dict]             # [{"colour": "#0f0f1a", "count": 3}, ...], most used first
    shapes: dict[str, int]          # every kind in SHAPES, drawn in place (not inside <defs>)
    connectors: int                 # lines and open paths that carry a marker
    gradients: int
    markers: int
    filters: int
    structure: dict[str, float]     # the features the family guess was scored from
    removed: dict[str, int]         # what sanitizing took out: scripts, event handlers, links
    cards: list[Box] = field(default_factory=list)  # boxes holding text (nested too), reading order
    version: int = PROFILE_VERSION

    @property
    def roles(self) -> dict[str, int]:
        """How many texts play each role, in ROLES order."""
        counts = Counter(t.role for t in self.texts)
        return {role: counts[role] for role in ROLES if counts[role]}

    def to_dict(self) -> dict:
        return asdict(self) | {"roles": self.roles}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def drawing_of(doc: SvgDocument) -> Drawing:
    """The document's drawing, refused when it is too busy to profile in bounded time."""
    elements = list(doc.root.iter())
    style_chars = sum(len(e.text or "") for e in elements if local(e.tag) == "style")
    if style_chars > MAX_STYLE_CHARS:
        raise AssetError(doc.path, f"has {style_chars:,} characters of <style>, over the {MAX_STYLE_CHARS:,} "
                                   "an asset profile reads")
    sheet = StyleSheet.of(doc.root)
    if len(sheet.rules) * len(elements) > MAX_STYLE_MATCHES:
        raise AssetError(doc.path, f"matches {len(sheet.rules):,} style rules against {len(elements):,} elements, "
                                   f"over the {MAX_STYLE_MATCHES:,} matches an asset profile makes")
    d = draw(doc.root, sheet)
    drawn = sum(d.shapes.values()) + len(d.texts)
    if drawn > MAX_DRAWN:
        raise AssetError(doc.path, f"draws {drawn} shapes and texts, over the {MAX_DRAWN} an asset "
                                   "profile compares; an infographic draws a few hundred at most")
    return d


def profile_document(doc: SvgDocument) -> AssetProfile:
    """Profile a loaded asset."""
    return profile_drawing(doc.name, drawing_of(doc), doc.removed)


def profile_drawing(name: str, d: Drawing, removed: dict[str, int]) -> AssetProfile:
    structure = features(d)
    roles = assign_roles(d.texts, d.canvas, d.boxes)
    texts = [
        TextElement(t.text, t.x, t.y, t.size, t.weight, t.fill, t.anchor, role, slot, _mono(t.font))
        for t, role, slot in zip(d.texts, roles, placeholders(roles))
    ]
    palette = [{"colour": c, "count": n}
               for c, n in sorted(d.colours.items(), key=lambda kv: (-kv[1], kv[0]))]
    return AssetProfile(
        name=name,
        canvas=d.canvas,
        family=guess_family(structure),
        texts=texts,
        palette=palette,
        shapes={kind: d.shapes.get(kind, 0) for kind in SHAPES},
        connectors=len(d.connectors),
        gradients=d.gradients,
        markers=d.markers,
        filters=d.filters,
        structure=structure,
        removed=dict(removed),
        cards=sorted(text_boxes(distinct(d), CARD_LEAST), key=lambda b: (round(b.y), b.x)),
    )


def _mono(font: str) -> bool:
    return any(face in font for face in MONO_FACES)
