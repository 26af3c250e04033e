"""Small helpers over ElementTree elements that every asset stage shares."""
from __future__ import annotations

import re
from xml.etree.ElementTree import Element

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

_SPACE = re.compile(r"\s+")


def local(tag) -> str:
    """The tag or attribute name without its namespace: '{http://...svg}rect' -> 'rect'.

    Comments and processing instructions have a function as tag; they get ''.
    """
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def text_content(elem: Element) -> str:
    """The visible text of a <text> element and its <tspan>s, white space collapsed as SVG does.

    A tspan placed on its own (x, y or dy) starts a new line, so it is kept apart by a space:

    >>> from xml.etree.ElementTree import fromstring
    >>> text_content(fromstring('<text><tspan x="0">Two line</tspan><tspan x="0" dy="20">title</tspan></text>'))
    'Two line title'
    """
    return _SPACE.sub(" ", _raw_text(elem)).strip()


def _raw_text(elem: Element) -> str:
    parts = [elem.text or ""]
    for child in elem:
        if any(child.get(k) is not None for k in ("x", "y", "dy")):
            parts.append(" ")
        parts.append(_raw_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
