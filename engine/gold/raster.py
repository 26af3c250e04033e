"""Rasterizing SVG for comparison: cairosvg onto a white matte, read straight off cairo's surface.

The pixels are taken from cairo's image buffer rather than through PNG: encoding and decoding a
PNG per picture was a quarter of the gold gate's time. The values are the ones the PNG held: cairo
keeps colour premultiplied by alpha and its PNG writer divides it back out, which matters on the
bottom row, where the matte covers only part of a pixel when the height is not a whole number.
"""
from __future__ import annotations

import numpy as np
from cairosvg.parser import Tree
from cairosvg.surface import PNGSurface
from PIL import Image


def raster_rgb(svg: str | bytes, width: int) -> Image.Image:
    """The SVG drawn `width` pixels wide (height by its aspect), on white."""
    data = svg.encode() if isinstance(svg, str) else svg
    surface = PNGSurface(Tree(bytestring=data), None, 96, output_width=width, background_color="white")
    canvas = surface.cairo
    canvas.flush()
    h, w = canvas.get_height(), canvas.get_width()
    # cairo's ARGB32 is a native-endian 32-bit word: B, G, R, A in memory on little-endian machines.
    bgra = np.frombuffer(canvas.get_data(), np.uint8).reshape(h, canvas.get_stride() // 4, 4)[:, :w]
    order = [2, 1, 0] if np.little_endian else [1, 2, 3]
    rgb = bgra[:, :, order].copy()
    alpha = bgra[:, :, 3 if np.little_endian else 0]
    partial = alpha < 255
    if partial.any():   # cairo's PNG writer: (c * 255 + a / 2) / a in integers, 0 where a = 0
        a = alpha[partial].astype(np.uint32)[:, None]
        c = rgb[partial].astype(np.uint32)
        rgb[partial] = np.where(a > 0, (c * 255 + a // 2) // np.maximum(a, 1), 0)
    surface.finish()
    return Image.fromarray(rgb, "RGB")
