"""Rasterizing SVG for comparison: cairosvg onto a white matte, as luminance."""
from __future__ import annotations

import io

import cairosvg
import numpy as np
from PIL import Image


def raster(svg: str | bytes, width: int) -> Image.Image:
    """The SVG drawn `width` pixels wide (height by its aspect), greyscale."""
    data = svg.encode() if isinstance(svg, str) else svg
    png = cairosvg.svg2png(bytestring=data, output_width=width, background_color="white")
    return Image.open(io.BytesIO(png)).convert("L")


def raster_rgb(svg: str | bytes, width: int) -> Image.Image:
    data = svg.encode() if isinstance(svg, str) else svg
    png = cairosvg.svg2png(bytestring=data, output_width=width, background_color="white")
    return Image.open(io.BytesIO(png)).convert("RGB")


def as_array(img: Image.Image) -> np.ndarray:
    return np.asarray(img, dtype=np.float64)
