"""Crash recovery: the unsaved text of each buffer, kept in a folder until it is saved or discarded.

One JSON file per buffer, named by a hash of the file it edits and written atomically
(engine.fileio.write_atomic), so a crash mid-write leaves the previous copy whole. The studio
autosaves every modified buffer here and, on its next start, offers back whatever is left.

    >>> import tempfile
    >>> store = RecoveryStore(Path(tempfile.mkdtemp()))
    >>> store.save(Path("/ws/a/scene.dsl"), "[scene]")
    >>> [(r.path.name, r.text) for r in store.pending()]
    [('scene.dsl', '[scene]')]
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from engine.fileio import write_atomic

VERSION = 1


@dataclass(frozen=True)
class Recovered:
    path: Path          # the file the text belongs to
    text: str
    saved_at: float     # seconds since the epoch


class RecoveryStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _file(self, path: Path) -> Path:
        return self.folder / f"{hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()[:16]}.json"

    def save(self, path: Path, text: str) -> None:
        record = {"version": VERSION, "path": str(Path(path).resolve()), "saved_at": time.time(), "text": text}
        write_atomic(self._file(path), json.dumps(record, ensure_ascii=False))

    def discard(self, path: Path) -> None:
        self._file(path).unlink(missing_ok=True)

    def get(self, path: Path) -> Recovered | None:
        return next((r for r in self.pending() if r.path == Path(path).resolve()), None)

    def pending(self) -> list[Recovered]:
        """Every buffer left unsaved, newest first; unreadable or foreign files are skipped."""
        found = []
        for f in sorted(self.folder.glob("*.json")):
            try:
                record = json.loads(f.read_text(encoding="utf-8"))
                if record.get("version") == VERSION:
                    found.append(Recovered(Path(record["path"]), record["text"], float(record["saved_at"])))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return sorted(found, key=lambda r: -r.saved_at)
