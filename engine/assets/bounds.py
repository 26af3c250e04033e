"""What drawing a parsed SVG will cost, refused before anything draws it (issue 18).

An outside SVG can be small on disk and still cost a renderer minutes or gigabytes: `<use>`
fan-out (a few kB naming each other twenty times per level), a `<use>` that names itself, an
embedded PNG whose header promises a 16,000 px square, megabytes of point data, or a page size
that is zero, NaN or a needle. `check_drawable` reads the sanitized tree once and refuses each of
these with an AssetError naming what was found and the bound; the library's real assets sit far
below every bound (noted per constant). The render itself still runs in a bounded worker
(engine/gold/bounded.py), for what no static check foresees.
"""
from __future__ import annotations

import base64
import binascii
import io
import math
import re
from pathlib import Path
from xml.etree.ElementTree import Element

from engine.assets.tree import local

# Elements <use> adds to what a renderer draws, beyond the file's own (capped at read.MAX_ELEMENTS).
# The library uses no <use> at all; 5,000 keeps any honest icon sheet and stops fan-out bombs.
MAX_EXPANDED = 5_000
# Characters of path data (`d`) and point lists (`points`). The library's busiest asset has 45;
# markers are drawn at every point, so this is also what bounds marker fan-out.
MAX_POINT_CHARS = 128 * 1024
# Pixels of one embedded raster image, read from its header (what it decompresses to). An
# infographic's icon or screenshot is well under a 2,000 px square.
MAX_IMAGE_PIXELS = 4_000_000
# Characters of text. The library's wordiest asset has about 9,000.
MAX_TEXT_CHARS = 200_000
# The page: each side positive and finite, no side over this many user units, and no aspect more
# extreme than 1:MAX_ASPECT (the gate draws references 900 px wide; a 1:10^6 needle is a
# 900 x 9x10^8 px surface, which cairo refuses with a fatal error).
MAX_SIDE = 100_000.0
MAX_ASPECT = 20.0

_DEFINITIONS = {"defs", "symbol"}   # drawn only where a <use> names them
_HREF = ("href", "{http://www.w3.org/1999/xlink}href")
_DATA = re.compile(r"\s*data:([^;,]*)((?:;[^;,]*)*),(.*)\Z", re.DOTALL)
_LENGTH = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf(?:inity)?))\s*([a-z]*)\s*\Z",
                     re.IGNORECASE)


class DrawingRefused(ValueError):
    """Why a document would cost too much to draw (turned into an AssetError by the reader)."""


def check_drawable(root: Element, path: str | Path = "<svg>") -> None:
    """Raise DrawingRefused when drawing `root` could take unbounded time or memory."""
    _check_page(root)
    elements = list(root.iter())
    points = sum(len(e.get("d") or "") + len(e.get("points") or "") for e in elements)
    if points > MAX_POINT_CHARS:
        raise DrawingRefused(f"has {points:,} characters of path data, over the {MAX_POINT_CHARS:,} "
                             "a reference may draw; an infographic's shapes are simple")
    text = sum(len(e.text or "") + len(e.tail or "") for e in elements if local(e.tag) != "style")
    if text > MAX_TEXT_CHARS:
        raise DrawingRefused(f"has {text:,} characters of text, over the {MAX_TEXT_CHARS:,} a reference may draw")
    for e in elements:
        href = next((e.get(k) for k in _HREF if e.get(k)), "")
        if href.lstrip().startswith("data:"):
            _check_payload(href, local(e.tag))
    if _expanded_size(root, elements, len(elements) + MAX_EXPANDED) > len(elements) + MAX_EXPANDED:
        raise DrawingRefused(f"<use> expands the drawing by over {MAX_EXPANDED:,} elements, the most a "
                             "reference may add that way (nested <use> fan-out)")


def _side(root: Element, name: str) -> float | None:
    """A width or height attribute as a number (None when absent or relative, as `100%`)."""
    raw = root.get(name)
    if raw is None or "%" in raw:
        return None
    m = _LENGTH.match(raw)
    if not m:
        raise DrawingRefused(f"{name}={raw!r} is not a length")
    value = float(m.group(1))
    if not math.isfinite(value) or value <= 0 or value > MAX_SIDE:
        raise DrawingRefused(f"{name}={raw!r}: a page side must be a positive length up to {MAX_SIDE:,.0f}")
    return value


def _check_page(root: Element) -> None:
    w, h = _side(root, "width"), _side(root, "height")
    box = root.get("viewBox")
    if box is not None:
        parts = box.replace(",", " ").split()
        try:
            values = [float(p) for p in parts]
        except ValueError:
            values = []
        if len(values) != 4 or not all(math.isfinite(v) and abs(v) <= MAX_SIDE for v in values) \
                or values[2] <= 0 or values[3] <= 0:
            raise DrawingRefused(f"viewBox={box!r} is not four finite numbers with a positive width and height")
        w, h = (w or values[2]), (h or values[3])
    if w and h and max(w / h, h / w) > MAX_ASPECT:
        raise DrawingRefused(f"page of {w:g} x {h:g}: an aspect beyond 1:{MAX_ASPECT:g} is not an infographic "
                             "page, and drawn to width it would be a surface no renderer allocates")


def _check_payload(href: str, tag: str) -> None:
    m = _DATA.match(href)
    if not m:
        raise DrawingRefused(f"<{tag}> has a malformed data: URL")
    mime, params, body = m.group(1).strip().lower(), m.group(2).lower(), m.group(3)
    if not mime.startswith("image/") or mime == "image/svg+xml":
        return   # the sanitizer removed every other kind; nothing draws it
    try:
        raw = base64.b64decode(body, validate=False) if ";base64" in params else body.encode()
    except (binascii.Error, ValueError):
        raise DrawingRefused(f"<{tag}> embeds {mime} data that is not valid base64") from None
    from PIL import Image, UnidentifiedImageError   # only read when an image is embedded

    try:
        with Image.open(io.BytesIO(raw)) as im:   # reads the header only: what it would decompress to
            size = im.size
    except Image.DecompressionBombError:
        raise DrawingRefused(f"<{tag}> embeds an {mime} image of more pixels than PIL will open, over the "
                             f"{MAX_IMAGE_PIXELS:,} pixels a reference may embed") from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise DrawingRefused(f"<{tag}> embeds {mime} data that is not a readable image") from None
    if size[0] * size[1] > MAX_IMAGE_PIXELS:
        raise DrawingRefused(f"<{tag}> embeds a {size[0]:,} x {size[1]:,} px image ({size[0] * size[1]:,} pixels), "
                             f"over the {MAX_IMAGE_PIXELS:,} pixels a reference may embed")


def _expanded_size(root: Element, elements: list[Element], cap: int) -> int:
    """Elements drawn once every <use> is replaced by what it names (counted up to cap + 1); a
    cycle is refused. Iterative (post-order with memo), so chains thousands long cost no recursion."""
    ids = {e.get("id"): e for e in elements if e.get("id")}

    def target(e: Element) -> Element | None:
        if local(e.tag) != "use":
            return None
        href = next((e.get(k) for k in _HREF if e.get(k)), "").strip()
        return ids.get(href[1:]) if href.startswith("#") else None

    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Element, bool]] = [(root, False)]
    while stack:
        e, done = stack.pop()
        key = id(e)
        if done:
            on_path.discard(key)
            t = target(e)
            in_place = sum(1 if local(c.tag) in _DEFINITIONS else size[id(c)] for c in e)
            size[key] = min(1 + in_place + (size[id(t)] if t is not None else 0), cap + 1)
            continue
        if key in size:
            continue
        if key in on_path:
            raise DrawingRefused(f"a <use> refers to itself{_named(e)}, directly or through others: "
                                 "drawing it would never end")
        on_path.add(key)
        stack.append((e, True))
        t = target(e)
        for child in [*e, *([t] if t is not None else [])]:
            if id(child) in on_path:
                raise DrawingRefused(f"a <use> refers to itself{_named(child)}, directly or through others: "
                                     "drawing it would never end")
            if id(child) not in size:
                stack.append((child, False))
    return size[id(root)]


def _named(e: Element) -> str:
    return f" (#{e.get('id')})" if e.get("id") else ""
