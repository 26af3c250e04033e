"""Strip what can act or reach out from a parsed SVG, so nothing written from it can.

Run once by `read.load_svg`, in place, before any other stage sees the tree:

- `<script>` elements, in any namespace, anywhere;
- `<foreignObject>` elements, whole: they hold HTML (img, iframe, object) that a browser loads;
- animation elements (`animate`, `set`, ...) that target an `href` or an `on*` attribute: they
  would write a link or a handler after sanitizing has looked;
- event-handler attributes (`onload`, `onclick`, ... : every attribute named `on*`);
- references that leave the document: an `href` that is not a `#fragment` or an inline raster
  image, and a CSS `url(...)` or `@import` that is not a `#fragment` (a renderer would fetch them),
  read after CSS escapes are decoded (`u\72l(` is `url(`).

XML comments and processing instructions never reach the tree (ElementTree drops them).
"""
from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from engine.assets.tree import local

_SAFE_HREF = re.compile(r"\s*(#|data:image/(png|jpeg|gif|webp)[;,])", re.IGNORECASE)
_EXTERNAL_URL = re.compile(r"""url\(\s*(?!['"]?\s*#)[^)]*\)""", re.IGNORECASE)
_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.DOTALL)
_ANIMATIONS = {"animate", "set", "animateTransform", "animateMotion", "animateColor"}


def sanitize(root: Element) -> dict[str, int]:
    """Remove scripts, event handlers and external references; return what was removed, by kind."""
    removed = {"script": 0, "foreign_object": 0, "live_animation": 0, "event_attribute": 0,
               "external_reference": 0}
    todo = [root]   # a removed subtree is never walked: what it held went with it
    while todo:
        elem = todo.pop()
        for child in list(elem):
            kind = _live(child)
            if kind:
                elem.remove(child)
                removed[kind] += 1
            else:
                todo.append(child)
        for key in list(elem.attrib):
            name = local(key)
            value = elem.attrib[key]
            if name.lower().startswith("on"):
                del elem.attrib[key]
                removed["event_attribute"] += 1
            elif name == "href" and not _SAFE_HREF.match(value):
                del elem.attrib[key]
                removed["external_reference"] += 1
            else:
                cleaned, n = _clean_css(value)
                if n:
                    elem.attrib[key] = cleaned
                    removed["external_reference"] += n
        if local(elem.tag) == "style" and elem.text:
            elem.text, n = _clean_css(elem.text)
            removed["external_reference"] += n
    return removed


def _live(elem: Element) -> str | None:
    """The kind of a child that is removed whole, or None."""
    tag = local(elem.tag)
    if tag == "script":
        return "script"
    if tag == "foreignObject":
        return "foreign_object"
    if tag in _ANIMATIONS:
        target = (elem.get("attributeName") or "").strip().lower()
        if target.endswith("href") or target.startswith("on"):
            return "live_animation"
    return None


def _unescape_css(text: str) -> str:
    """CSS escapes decoded: `\\72` (hex, up to six digits, one optional space after) and `\\x`."""
    return _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) and int(m.group(1), 16) < 0x110000
                           else (m.group(2) or "\ufffd"), text)


def _clean_css(text: str) -> tuple[str, int]:
    """CSS text without @import rules and with outside url(...) values replaced by `none`."""
    if "\\" in text:
        text = _unescape_css(text)
    text, imports = _IMPORT.subn("", text)
    text, urls = _EXTERNAL_URL.subn("none", text)
    return text, imports + urls

