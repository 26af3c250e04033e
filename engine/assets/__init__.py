"""Asset intake: read reference SVGs safely, profile them, normalize their text, extract vocabulary.

The asset side of the seed's three contracts ("Asset/Data Contract"): reference SVGs are read
where they lie, text becomes role placeholders, and family, palette, shapes, connectors and text
roles are tracked. One module per step, in the order data flows:

    read.py        safe loading (size, entity, depth limits; malformed XML with line:col)
    sanitize.py    scripts, event handlers and external references removed on load
    style.py       computed style (attributes, <style> rules, inheritance); colour.py: #rrggbb
    geometry.py    absolute geometry: boxes, circles, segments, text runs, colour use
    structure.py   structural features (rows, tables, bars, fan-out, timeline, segments, ...)
    family.py      layout-family guess with runner-up;  roles.py: text roles and placeholders
    profile.py     the per-asset profile (JSON);  normalize.py: placeholder-normalized SVG
    library.py     scanning a folder;  vocabulary.py: the library's vocabulary report

Headless use: `ck assets scan | profile | normalize | vocab` (engine/cli.py).
"""
from engine.assets.library import ScanEntry, default_library, scan, write_profiles
from engine.assets.normalize import normalize_document
from engine.assets.profile import AssetProfile, profile_document
from engine.assets.read import AssetError, SvgDocument, load_svg
from engine.assets.vocabulary import build_vocabulary, components_for

__all__ = [
    "AssetError", "AssetProfile", "ScanEntry", "SvgDocument", "build_vocabulary", "components_for",
    "default_library", "load_svg", "normalize_document", "profile_document", "scan", "write_profiles",
]
