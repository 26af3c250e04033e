"""`ck gold add ASSET`: start a gold entry from an asset for a person to refine in the studio.

From the asset's profile: the family guess (the runner-up when the guess is not a family the
compiler has), the canvas preset nearest the asset's aspect, a header band from its kicker,
headline and subtitle, then one card per titled group of text in reading order (a title with the
value, caption or paragraph after it), badges and footer notes; content.json holds the asset's
real text in those slots.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from engine.assets import load_svg, profile_document
from engine.compiler.style import CANVAS
from engine.dsl import load, serialize
from engine.dsl.vocab import LAYOUTS
from engine.fileio import InputError, write_atomic

MAX_CARDS = 12


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


def scene_and_content(profile) -> tuple[str, dict, str]:
    """(canonical scene text, content, notes) for a first mapping of the asset."""
    family = _family(profile)
    content: dict = {}
    lines = ["[scene]", f"[canvas:{_nearest_canvas(profile.canvas.width, profile.canvas.height)}]",
             f"[layout:{family}]", f"[topic:{re.sub(r'[^a-z0-9_]', '_', profile.name.lower()).strip('_') or 'asset'}]"]
    by_role: dict[str, list] = {}
    for t in profile.texts:
        by_role.setdefault(t.role, []).append(t)
    header = {k: by_role[k][0].text for k in ("kicker", "headline", "subtitle") if by_role.get(k)}
    content["header_band"] = [header]
    lines.append("[header_band:" + "|".join(f"@header_band.0.{k}" for k in header) + "]")
    used = {id(by_role[k][0]) for k in header}
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
    doc = load("\n".join(lines))
    notes = (f"Started by `ck gold add` from {profile.name}.svg (family guess {profile.family.guess}, "
             f"runner-up {profile.family.runner_up}). Texts not placed: {left}. Refine the scene in the "
             "studio: choose the family's own components (bars, table rows, stages, tree nodes).")
    return serialize(doc.scene), content, notes


def add_entry(asset: Path, pack: Path, library: Path, name: str | None = None) -> Path:
    """Write a new entry folder into `pack`; refuses to overwrite an existing one."""
    profile = profile_document(load_svg(asset))
    name = name or re.sub(r"[^a-z0-9_]", "_", asset.stem.lower())
    folder = pack / name
    if folder.exists():
        raise InputError(f"{folder}: an entry of that name exists; choose another with --name")
    in_library = asset.resolve().parent == library.resolve()
    scene, content, notes = scene_and_content(profile)
    reference = f"asset:{asset.name}" if in_library else "reference.svg"
    write_atomic(folder / "scene.dsl", scene)
    write_atomic(folder / "content.json", json.dumps(content, indent=2, ensure_ascii=False) + "\n")
    family = load(scene).scene.attr("layout")
    write_atomic(folder / "meta.toml",
                 f'family = "{family}"\nsplit = "train"\nreference = "{reference}"\n'
                 f'threshold = 0.0\nnotes = """{notes}"""\n')
    if not in_library:  # an asset of the project's own: the entry keeps its reference
        write_atomic(folder / "reference.svg", asset.read_bytes())
    return folder
