"""Pictures for the report, always as data: URIs in <img> tags, never as inline markup.

A model's output is compiled with our compiler (which escapes every content text) and the SVG is
then embedded base64-encoded in an <img src="data:...">: an SVG loaded as an image runs no script
and fetches nothing, so even a compiler bug could not put live markup in the page. PNGs (the gold
gate's reference and diff pictures) are shrunk to thumbnails so the report stays one small file.
"""
from __future__ import annotations

import base64
import io
from pathlib import Path

THUMBNAIL_WIDTH = 280


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def svg_uri(svg: str) -> str:
    return data_uri(svg.encode("utf-8"), "image/svg+xml")


def png_thumbnail(path: Path, width: int = THUMBNAIL_WIDTH) -> str | None:
    """The PNG at `path` scaled to `width` pixels wide, as a data URI; None when it is unreadable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img = img.convert("RGB")
            img.thumbnail((width, width * 4))
            out = io.BytesIO()
            img.save(out, format="PNG", optimize=True)
    except (OSError, UnidentifiedImageError):
        return None
    return data_uri(out.getvalue(), "image/png")


def compiled_uri(dsl: str, content) -> tuple[str | None, str]:
    """(data URI of the compiled scene, '') or (None, why it does not render)."""
    from engine.compiler import compile_scene
    from engine.dsl import load

    doc = load(dsl)
    if doc.scene is None or doc.errors:
        first = doc.errors[0] if doc.errors else None
        return None, first.format("output") if first else "does not parse"
    try:
        return svg_uri(compile_scene(doc.scene, content if isinstance(content, dict) else {}).svg), ""
    except Exception as e:  # noqa: BLE001 - a compiler crash on model output is shown, not raised
        return None, f"the compiler failed: {type(e).__name__}: {e}"
