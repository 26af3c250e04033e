"""Visual similarity of a compiled scene to its reference, on the scale the product is judged by.

`ssim_pair` reproduces ../shared/tools/fidelity.py: both rasterized at the reference's width on
white, the compiled one resized to the reference's pixel size, SSIM on luminance at full size and
at 64 px wide (scikit-image). The 64 px figure scores layout (regions, placement, palette
weight) rather than glyph detail; it is the one the gold pack targets.
"""
from __future__ import annotations

import numpy as np
from PIL import Image
from scipy.ndimage import uniform_filter
from skimage.metrics import structural_similarity

WIDTH = 900      # raster width of both images (fidelity.py's W)
SMALL = 64       # layout scale


def small_size(size: tuple[int, int]) -> tuple[int, int]:
    """The layout scale's picture size: SMALL wide, the height by the aspect (at least 8)."""
    return SMALL, max(8, round(SMALL * size[1] / size[0]))


def ssim_pair(reference: Image.Image, compiled: Image.Image) -> tuple[float, float]:
    """(full-size SSIM, 64-px SSIM) of two RGB or L images; `compiled` is resized to `reference`."""
    a = reference.convert("L")
    b = compiled.convert("L").resize(a.size, Image.BILINEAR)
    full = structural_similarity(np.asarray(a), np.asarray(b), data_range=255)
    small = small_size(a.size)
    layout = structural_similarity(np.asarray(a.resize(small, Image.BILINEAR)),
                                   np.asarray(b.resize(small, Image.BILINEAR)), data_range=255, win_size=7)
    return float(full), float(layout)


# scikit-image's SSIM as ssim_pair calls it: a 7-px uniform window, sample covariance, K1 = 0.01,
# K2 = 0.03 over a data range of 255, the mean taken inside a 3-px border
WIN, PAD = 7, 3
COV = WIN * WIN / (WIN * WIN - 1)
C1, C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2


class Prepared:
    """A reference prepared for many `ssim_pair` comparisons: `prepared.pair(compiled)` is
    `ssim_pair(reference, compiled)` computed in float32 (within 1e-5). structural_similarity
    filters both images on every call; a reference the studio compares with at every keystroke is
    filtered once here, which makes a full-size comparison about 2.5x sooner. The arithmetic is
    scikit-image's, step for step (tests/test_raster.py holds it to scikit-image's result)."""

    def __init__(self, reference: Image.Image):
        a = reference.convert("L")
        self.size = a.size
        self.small_size = small_size(a.size)
        self.small = np.asarray(a.resize(self.small_size, Image.BILINEAR), np.float32)
        self.x = np.asarray(a, np.float32)
        self.ux = uniform_filter(self.x, WIN)
        self.ux2 = self.ux * self.ux
        self.vx = COV * (uniform_filter(self.x * self.x, WIN) - self.ux2)

    def pair(self, compiled: Image.Image) -> tuple[float, float]:
        """(full-size SSIM, 64-px SSIM) of the reference and `compiled` (resized to it)."""
        b = compiled.convert("L").resize(self.size, Image.BILINEAR)
        y = np.asarray(b, np.float32)
        uy = uniform_filter(y, WIN)
        vy = COV * (uniform_filter(y * y, WIN) - uy * uy)
        vxy = COV * (uniform_filter(self.x * y, WIN) - self.ux * uy)
        s = (2 * self.ux * uy + C1) * (2 * vxy + C2) / ((self.ux2 + uy * uy + C1) * (self.vx + vy + C2))
        full = s[PAD:-PAD, PAD:-PAD].mean(dtype=np.float64)
        return float(full), self._layout(b)

    def layout(self, compiled: Image.Image) -> float:
        """`pair`'s 64-px SSIM alone, without the full-size windows (ck gold tune asks for no more)."""
        return self._layout(compiled.convert("L").resize(self.size, Image.BILINEAR))

    def _layout(self, b: Image.Image) -> float:
        small = np.asarray(b.resize(self.small_size, Image.BILINEAR), np.float32)
        return float(structural_similarity(self.small, small, data_range=255, win_size=WIN))


def heat_map(reference: Image.Image, compiled: Image.Image) -> Image.Image:
    """Where the two differ: black = same, through red to yellow = most different."""
    a = np.asarray(reference.convert("L"), dtype=np.float64)
    b = np.asarray(compiled.convert("L").resize(reference.size, Image.BILINEAR), dtype=np.float64)
    d = np.abs(a - b) / 255.0
    rgb = np.stack([np.clip(d * 2, 0, 1), np.clip(d * 2 - 0.7, 0, 1), np.clip(d * 2 - 1.4, 0, 1)], axis=-1)
    return Image.fromarray((rgb * 255).astype(np.uint8), "RGB")
