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


def _page(name: str, theme: str | None = None) -> Image.Image:
    import json

    from engine.gold.gate import compile_entry
    from engine.paths import ROOT

    folder = ROOT / "gold" / name
    scene = (folder / "scene.dsl").read_text()
    if theme is not None:
        scene = scene.replace("[scene]", f"[scene]\n[theme:{theme}]", 1)   # the first theme is kept
    svg, _ = compile_entry(scene, json.loads((folder / "content.json").read_text()))
    return raster_rgb(svg, 900)


def test_a_prepared_reference_scores_as_scikit_image_does():
    from engine.gold.similarity import Prepared, ssim_pair

    reference = _page("comparison_diagram")
    prepared = Prepared(reference)
    for compiled in (_page("comparison_diagram", "paper_editorial"), _page("timeline_why"), reference):
        exact, quick = ssim_pair(reference, compiled), prepared.pair(compiled)
        assert abs(exact[0] - quick[0]) < 1e-5 and abs(exact[1] - quick[1]) < 1e-5, (exact, quick)
    assert min(prepared.pair(reference)) > 0.99999   # a page against itself
    assert ssim_pair(reference, _page("timeline_why"))[0] < 0.9   # a different page is not scored as the same
