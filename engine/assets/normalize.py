"""Placeholder-normalized SVG: the asset with its words replaced by role slots.

Seed, "Dummy-text normalization": replace all literal text with placeholders "to make layout
errors visible by removing content noise". The gold gate rasterizes this, not the original, so a
compiled scene (which renders placeholders too) is compared on layout alone.

- Each drawn <text> gets its profile placeholder (`heading_1`, `value_3`, ...), written where its
  first visible characters were: in the <text> itself or in its first <tspan> that had text; the
  other tspans keep their elements and positions but lose their words.
- Any other character data (text in <defs>, <title>, <desc>, hidden text) is removed, and so are
  `aria-label` attributes, so no literal copy survives. <style> keeps its CSS.
- The input was sanitized on load: no script or event handler is written out.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.etree.ElementTree import Element

from engine.assets.profile import drawing_of
from engine.assets.read import SvgDocument
from engine.assets.roles import assign_roles, placeholders
from engine.assets.tree import SVG_NS, XLINK_NS, local

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def normalize_document(doc: SvgDocument) -> str:
    """The document as SVG text with every literal text replaced by its placeholder.

    Changes `doc.root` in place; load the asset again to profile the original.
    """
    d = drawing_of(doc)
    slots = placeholders(assign_roles(d.texts, d.canvas, d.boxes))
    placed = set()
    for run, slot in zip(d.texts, slots):
        _replace_words(run.element, slot)
        placed.add(id(run.element))
    _strip_other_text(doc.root, placed)
    return ET.tostring(doc.root, encoding="unicode") + "\n"


def _character_data(elem: Element):
    """(element, 'text' | 'tail') slots inside `elem`, in document order."""
    yield elem, "text"
    for child in elem:
        yield from _character_data(child)
        yield child, "tail"


def _replace_words(text_elem: Element, slot: str) -> None:
    written = False
    for node, attr in _character_data(text_elem):
        if (getattr(node, attr) or "").strip():
            setattr(node, attr, None if written else slot)
            written = True


def _strip_other_text(root: Element, placed: set[int]) -> None:
    skip: set[int] = set()
    for elem in root.iter():
        if id(elem) in placed:
            skip.update(id(e) for e in elem.iter())
    for elem in root.iter():
        elem.attrib.pop("aria-label", None)
        if id(elem) not in skip and local(elem.tag) != "style" and (elem.text or "").strip():
            elem.text = None
        inside_placed_text = id(elem) in skip and id(elem) not in placed
        if not inside_placed_text and (elem.tail or "").strip():
            elem.tail = None
