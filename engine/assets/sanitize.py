"""Strip what can act or reach out from a parsed SVG, so nothing written from it can.

Run once by `read.load_svg`, in place, before any other stage sees the tree:

- `<script>` elements, in any namespace, anywhere (including inside `<foreignObject>`);
- event-handler attributes (`onload`, `onclick`, ... : every attribute named `on*`);
- references that leave the document: an `href` that is not a `#fragment` or an inline raster
  image, and a CSS `url(...)` or `@import` that is not a `#fragment` (a renderer would fetch them).

XML comments and processing instructions never reach the tree (ElementTree drops them).
"""
from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from engine.assets.tree import local

_SAFE_HREF = re.compile(r"\s*(#|data:image/(png|jpeg|gif|webp)[;,])", re.IGNORECASE)
_EXTERNAL_URL = re.compile(r"""url\(\s*(?!['"]?\s*#)[^)]*\)""", re.IGNORECASE)
_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)


def sanitize(root: Element) -> dict[str, int]:
    """Remove scripts, event handlers and external references; return what was removed, by kind."""
    removed = {"script": 0, "event_attribute": 0, "external_reference": 0}
    for elem in list(root.iter()):
        for child in list(elem):
            if local(child.tag) == "script":
                elem.remove(child)
                removed["script"] += 1
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


def _clean_css(text: str) -> tuple[str, int]:
    """CSS text without @import rules and with outside url(...) values replaced by `none`."""
    text, imports = _IMPORT.subn("", text)
    text, urls = _EXTERNAL_URL.subn("none", text)
    return text, imports + urls

