"""The gate's rasterizer reads cairo's buffer directly; it must give the pixels the PNG route gave."""
from __future__ import annotations

import io

import cairosvg
import numpy as np
from PIL import Image

from engine.gold.raster import raster_rgb

# 333.3 units tall at 900 px wide: the matte covers the bottom row only in part, so that row is
# semi-transparent in cairo's buffer; translucent shapes over it test the un-premultiplying.
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 333.3">'
       '<rect x="10" y="10" width="500" height="323.3" fill="#3366cc" opacity="0.4"/>'
       '<circle cx="700" cy="200" r="130" fill="#e07b00" fill-opacity="0.7"/>'
       '<text x="40" y="120" font-size="60" fill="#112233">Memory</text></svg>')


def test_raster_matches_cairosvgs_png_to_the_pixel():
    png = cairosvg.svg2png(bytestring=SVG.encode(), output_width=900, background_color="white")
    expected = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    got = np.asarray(raster_rgb(SVG, 900))
    assert got.shape == expected.shape == (300, 900, 3)
    assert (got[-1] != got[-2]).any()   # the partly covered bottom row is really there
    assert np.array_equal(got, expected)
