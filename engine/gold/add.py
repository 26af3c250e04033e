"""`ck gold add ASSET`: start a gold entry from an asset for a person to refine in the studio.

From the asset's profile: the family guess (the runner-up when the guess is not a family the
compiler has), the canvas preset nearest the asset's aspect, the light theme for a light page, a
header set open on the page (as most assets set their title), centred when the asset centres its
headline, from its kicker, headline and subtitle (those above the first title), then one card per
titled group of text in reading order (a title with the value, caption or paragraph after it),
badges and footer notes; content.json holds the asset's real text in those slots.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import tomli_w

from engine.assets import AssetError, load_svg, profile_document
from engine.compiler.style import CANVAS
from engine.dsl import load, serialize
from engine.dsl.vocab import LAYOUTS
from engine.fileio import InputError, write_atomic
from engine.gold.bounded import raster_bounded

MAX_CARDS = 12
_ENTRY_NAME = re.compile(r"[a-z0-9][a-z0-9_]{0,63}\Z")
LIGHT_PROBE_PX = 32     # the asset drawn this wide says whether it is a light page
LIGHT_THEME = "paper_editorial"


def _nearest_canvas(width: float, height: float) -> str:
    aspect = width / height
    return min(CANVAS, key=lambda k: (abs(CANVAS[k][0] / CANVAS[k][1] - aspect), k))


def _family(profile) -> str:
    for name in (profile.family.guess, profile.family.runner_up):
        if name in LAYOUTS:
            return name
    return "poster_stack"


def _cards(texts) -> tuple[list[dict], int]:
    """Titled groups of text in reading order; returns the groups and how many texts were left.
    A text before the first title, whatever its role (a second headline, a kicker), opens an
    untitled group."""
    cards: list[dict] = []
    left = 0
    for t in texts:
        if t.role == "title" or not cards:
            if len(cards) == MAX_CARDS:
                left += 1
                continue
            cards.append({})
            if t.role == "title":
                cards[-1]["title"] = t.text
                continue
        card = cards[-1]
        key = "value" if t.role == "value" else "text"
        if key not in card:
            card[key] = t.text
        else:
            card[key] += " " + t.text if key == "text" and len(card[key]) < 400 else ""
            left += key != "text"
    return cards, left


def _centred(profile, texts) -> bool:
    """Whether the asset centres its title: the headline (else the first text) is set middle, or
    stands within a tenth of the page's centre."""
    t = texts[0] if texts else None
    return t is not None and (t.anchor == "middle" or abs(t.x / profile.canvas.width - 0.5) < 0.1)


def is_light(svg: bytes) -> bool:
    """Whether the asset reads as dark ink on a light page (its mean luminance, drawn small)."""
    return float(np.asarray(raster_bounded(svg, LIGHT_PROBE_PX).convert("L")).mean()) > 128


def scene_and_content(profile, light: bool = False) -> tuple[str, dict, str]:
    """(canonical scene text, content, notes) for a first mapping of the asset; `light`: the asset
    is a light page (is_light)."""
    family = _family(profile)
    content: dict = {}
    by_role: dict[str, list] = {}
    for t in profile.texts:
        by_role.setdefault(t.role, []).append(t)
    lines = ["[scene]", f"[canvas:{_nearest_canvas(profile.canvas.width, profile.canvas.height)}]",
             f"[layout:{family}]", f"[topic:{re.sub(r'[^a-z0-9_]', '_', profile.name.lower()).strip('_') or 'asset'}]",
             f"[hero:{'center' if _centred(profile, by_role.get('headline') or profile.texts) else 'left'}]"]
    if light:
        lines.append(f"[theme:{LIGHT_THEME}]")
    # a kicker or subtitle below the first title belongs to the body (a card's own subtitle)
    top = min((t.y for t in by_role.get("title", [])), default=profile.canvas.height)
    heads = {k: by_role[k][0] for k in ("kicker", "headline", "subtitle")
             if by_role.get(k) and (k == "headline" or by_role[k][0].y < top)}
    header = {k: t.text for k, t in heads.items()}
    content["header_band"] = [header]
    lines.append("[header_band:" + "".join(f"@header_band.0.{k}|" for k in header) + "band=open]")
    used = {id(t) for t in heads.values()}
    body = [t for t in profile.texts if id(t) not in used and t.role not in ("badge", "footer")]
    cards, left = _cards(body)
    for card in cards:
        if "value" in card:
            i = len(content.setdefault("section_card", []))
            content["section_card"].append({"title": card.get("title", ""), "value": card["value"],
                                            "caption": card.get("text", "")})
            lines.append(f"[section_card:@section_card.{i}.title|@section_card.{i}.value|@section_card.{i}.caption]")
        else:
            i = len(content.setdefault("callout_card", []))
            content["callout_card"].append({"title": card.get("title", ""), "text": card.get("text", "")})
            lines.append(f"[callout_card:@callout_card.{i}.title|@callout_card.{i}.text]")
    for t in by_role.get("badge", [])[:8]:
        i = len(content.setdefault("badge_pill", []))
        content["badge_pill"].append({"text": t.text})
        lines.append(f"[badge_pill:@badge_pill.{i}.text]")
    for t in by_role.get("footer", [])[:2]:
        i = len(content.setdefault("footer_note", []))
        content["footer_note"].append({"text": t.text})
        lines.append(f"[footer_note:@footer_note.{i}.text]")
    lines.append("[/scene]")
    scene = load("\n".join(lines)).scene
    notes = (f"Started by `ck gold add` from {profile.name}.svg (family guess {profile.family.guess}, "
             f"runner-up {profile.family.runner_up}). Texts not placed: {left}. Refine the scene in the "
             "studio: choose the family's own components (bars, table rows, stages, tree nodes).")
    return serialize(scene), content, notes


def starter(asset: Path) -> tuple[str, dict, str]:
    """scene_and_content of an asset file; AssetError when the asset is refused. The page is
    judged light or dark from the sanitized document, never the file as it came."""
    doc = load_svg(asset)
    profile = profile_document(doc)
    if profile.canvas.width <= 0 or profile.canvas.height <= 0:
        raise AssetError(asset, "states no page size and draws nothing to measure one from; give the <svg> a "
                                "viewBox or a width and height")
    return scene_and_content(profile, is_light(ET.tostring(doc.root)))


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
