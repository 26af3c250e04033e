"""`ck gold add ASSET`: start a gold entry from an asset for a person to refine in the studio.

The family's starter (engine/gold/starters, picked by the profile's family guess, else the
runner-up) writes the scene and content from the asset's profile; this module judges the page's
look from the asset's raster (a light page, a neutral grey one, a tinted dark one) and writes
the entry folder.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import tomli_w

from engine.assets import AssetError, load_svg, profile_document
from engine.dsl import load
from engine.fileio import InputError, write_atomic
from engine.gold.bounded import raster_bounded
from engine.gold.starters import draft

_ENTRY_NAME = re.compile(r"[a-z0-9][a-z0-9_]{0,63}\Z")
LIGHT_PROBE_PX = 32     # the asset drawn this wide says what its page looks like
LIGHT_THEME = "paper_editorial"
GREY_THEME = "neutral_dark"
DARK_THEME = "infra_dark"
GREY_CHROMA = 14        # a dark page whose typical pixel has channels this close is grey


def _light(img) -> bool:
    return float(np.asarray(img.convert("L")).mean()) > 128


def is_light(svg: bytes) -> bool:
    """Whether the asset reads as dark ink on a light page (its mean luminance, drawn small)."""
    return _light(raster_bounded(svg, LIGHT_PROBE_PX))


def page_theme(svg: bytes) -> str:
    """The theme whose page looks like the asset's: light, else grey or tinted dark by the
    asset's typical (median) pixel; the asset is drawn once, small."""
    img = raster_bounded(svg, LIGHT_PROBE_PX)
    if _light(img):
        return LIGHT_THEME
    typical = np.median(np.asarray(img).reshape(-1, 3), axis=0)
    return GREY_THEME if float(typical.max() - typical.min()) < GREY_CHROMA else DARK_THEME


def scene_and_content(profile, theme: str | None = None, reference: bytes | None = None) -> tuple[str, dict, str]:
    """(canonical scene text, content, notes) for a first mapping of the asset on `theme`;
    `reference`: the asset's SVG, to set the page's choices by."""
    scene, content, family = draft(profile, theme, reference)
    notes = (f"Started by `ck gold add` from {profile.name}.svg (family guess {profile.family.guess}, "
             f"runner-up {profile.family.runner_up}; started as {family}). Refine the scene in the "
             "studio: sizes, accents, what the asset draws beyond text.")
    return scene, content, notes


def starter(asset: Path) -> tuple[str, dict, str]:
    """scene_and_content of an asset file; AssetError when the asset is refused. The page is
    judged light or dark from the sanitized document, never the file as it came."""
    doc = load_svg(asset)
    profile = profile_document(doc)
    if profile.canvas.width <= 0 or profile.canvas.height <= 0:
        raise AssetError(asset, "states no page size and draws nothing to measure one from; give the <svg> a "
                                "viewBox or a width and height")
    svg = ET.tostring(doc.root)
    return scene_and_content(profile, page_theme(svg), svg)


def add_entry(asset: Path, pack: Path, library: Path, name: str | None = None) -> Path:
    """Write a new entry folder into `pack`; refuses to overwrite an existing one."""
    name = re.sub(r"[^a-z0-9_]", "_", asset.stem.lower()) if name is None else name
    if not _ENTRY_NAME.match(name):
        raise InputError(f"--name {name!r}: an entry name is lower-case letters, digits and _ (it names a "
                         "folder inside the pack)")
    folder = pack / name
    if folder.exists():
        raise InputError(f"{folder}: an entry of that name exists; choose another with --name")
    in_library = asset.resolve().parent == library.resolve()
    scene, content, notes = starter(asset)
    reference = f"asset:{asset.name}" if in_library else "reference.svg"
    write_atomic(folder / "scene.dsl", scene)
    write_atomic(folder / "content.json", json.dumps(content, indent=2, ensure_ascii=False) + "\n")
    family = load(scene).scene.attr("layout")
    write_atomic(folder / "meta.toml", tomli_w.dumps({"family": family, "split": "train", "reference": reference,
                                                     "threshold": 0.0, "notes": notes}, multiline_strings=True))
    if not in_library:  # an asset of the project's own: the entry keeps its reference
        write_atomic(folder / "reference.svg", asset.read_bytes())
    return folder
