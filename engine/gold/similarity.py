"""Visual similarity of a compiled scene to its reference, on the scale the product is judged by.

`ssim_pair` reproduces ../shared/tools/fidelity.py: both rasterized at the reference's width on
white, the compiled one resized to the reference's pixel size, SSIM on luminance at full size and
at 64 px wide (scikit-image). The 64 px figure scores layout (regions, placement, palette
weight) rather than glyph detail; it is the one the gold pack targets.
"""
from __future__ import annotations

import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

WIDTH = 900      # raster width of both images (fidelity.py's W)
SMALL = 64       # layout scale


def ssim_pair(reference: Image.Image, compiled: Image.Image) -> tuple[float, float]:
    """(full-size SSIM, 64-px SSIM) of two RGB or L images; `compiled` is resized to `reference`."""
    a = reference.convert("L")
    b = compiled.convert("L").resize(a.size, Image.BILINEAR)
    full = structural_similarity(np.asarray(a), np.asarray(b), data_range=255)
    small = (SMALL, max(8, round(SMALL * a.size[1] / a.size[0])))
    layout = structural_similarity(np.asarray(a.resize(small, Image.BILINEAR)),
                                   np.asarray(b.resize(small, Image.BILINEAR)), data_range=255, win_size=7)
    return float(full), float(layout)


def heat_map(reference: Image.Image, compiled: Image.Image) -> Image.Image:
    """Where the two differ: black = same, through red to yellow = most different."""
    a = np.asarray(reference.convert("L"), dtype=np.float64)
    b = np.asarray(compiled.convert("L").resize(reference.size, Image.BILINEAR), dtype=np.float64)
    d = np.abs(a - b) / 255.0
    rgb = np.stack([np.clip(d * 2, 0, 1), np.clip(d * 2 - 0.7, 0, 1), np.clip(d * 2 - 1.4, 0, 1)], axis=-1)
    return Image.fromarray((rgb * 255).astype(np.uint8), "RGB")
