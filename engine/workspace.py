"""A workspace is a folder of entries; an entry is a folder holding scene.dsl and content.json."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.paths import GOLD, ROOT


@dataclass(frozen=True)
class Entry:
    name: str
    folder: Path

    @property
    def scene_path(self) -> Path:
        return self.folder / "scene.dsl"

    @property
    def content_path(self) -> Path:
        return self.folder / "content.json"


def entries(folder: Path) -> list[Entry]:
    return [Entry(p.parent.name, p.parent) for p in sorted(Path(folder).glob("*/scene.dsl"))]


def default_gold_pack() -> Path:
    """The entries the studio opens when told none: the bundled gold pack, or the compiler's golden
    fixtures when no gold entry exists yet."""
    return GOLD if entries(GOLD) else ROOT / "tests" / "golden"
