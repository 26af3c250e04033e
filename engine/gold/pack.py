"""The gold pack on disk: entry folders with scene.dsl, content.json, meta.toml (gold/README.md)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from engine.dsl.vocab import LAYOUTS
from engine.fileio import InputError, read_text
from engine.paths import GOLD
from engine.workspace import Entry

SPLITS = ("train", "dev", "test")
ASSET_PREFIX = "asset:"
# A reference names one file where it lies (the library, or the entry's folder): a file name, never a
# path, so that a pack from elsewhere cannot have its gate read and draw a file of this machine.
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*\.svg\Z")


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
        """The reference file; InputError when it (or a link it is) leads out of its folder."""
        where = Path(assets) if self.from_library else self.folder
        path = where / self.reference.removeprefix(ASSET_PREFIX)
        if path.is_symlink() and not path.resolve().is_relative_to(where.resolve()):
            raise InputError(f"{self.folder / 'meta.toml'}: reference {self.reference!r} is a link out of "
                             f"{'the asset library' if self.from_library else 'the entry folder'}; refused")
        return path


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
    if not _FILE_NAME.match(reference.removeprefix(ASSET_PREFIX)):
        raise InputError(f"{meta_path}: reference {reference!r} must name one .svg file, as "
                         f"'{ASSET_PREFIX}NAME.svg' (the asset library) or 'NAME.svg' (this folder): no "
                         "folders, no '..', no absolute path")
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
