"""The gold pack on disk: entry folders with scene.dsl, content.json, meta.toml (gold/README.md)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from engine.dsl.vocab import LAYOUTS
from engine.fileio import InputError, read_text
from engine.paths import GOLD
from engine.workspace import Entry

SPLITS = ("train", "dev", "test")
ASSET_PREFIX = "asset:"


@dataclass(frozen=True)
class GoldEntry(Entry):
    """A workspace entry (scene.dsl, content.json) with its meta.toml."""

    family: str
    split: str
    reference: str      # "asset:NAME.svg" (the shared library) or a file in the entry folder
    threshold: float
    notes: str

    @property
    def from_library(self) -> bool:
        return self.reference.startswith(ASSET_PREFIX)

    def reference_path(self, assets: Path) -> Path:
        if self.from_library:
            return assets / self.reference[len(ASSET_PREFIX):]
        return self.folder / self.reference


def default_pack() -> Path:
    return GOLD


def load_entry(folder: Path) -> GoldEntry:
    meta_path = folder / "meta.toml"
    try:
        meta = tomllib.loads(read_text(meta_path))
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{meta_path}: {e}") from None

    def need(key: str, kind: type):
        value = meta.get(key)
        if not isinstance(value, kind):
            raise InputError(f"{meta_path}: '{key}' must be a {kind.__name__}")
        return value

    family, split, reference = need("family", str), need("split", str), need("reference", str)
    threshold = float(need("threshold", (int, float)))
    if family not in LAYOUTS:
        raise InputError(f"{meta_path}: family '{family}' is not one of {', '.join(LAYOUTS)}")
    if split not in SPLITS:
        raise InputError(f"{meta_path}: split '{split}' is not one of {', '.join(SPLITS)}")
    if not 0.0 <= threshold <= 1.0:
        raise InputError(f"{meta_path}: threshold {threshold} must lie in [0, 1]")
    return GoldEntry(folder.name, folder, family, split, reference, threshold, str(meta.get("notes", "")))


def load_pack(folder: Path) -> list[GoldEntry]:
    """Every entry of the pack, in name order."""
    return [load_entry(meta.parent) for meta in sorted(Path(folder).glob("*/meta.toml"))]
