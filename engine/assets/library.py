"""An asset library is a folder of SVGs; scanning it profiles each one and lists the refused ones.

The library is read where it lies and never copied into the repository (its files carry no licence
that allows that; SPEC.md §5). Its default place is `../shared/assets` beside the repository root,
or `$CK_ASSET_LIBRARY` when set.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.assets.profile import AssetProfile, profile_document
from engine.assets.read import AssetError, load_svg
from engine.fileio import write_atomic
from engine.paths import default_library  # noqa: F401 (engine.assets names it too)


@dataclass(frozen=True)
class ScanEntry:
    """One file of the library: its profile, or the reason it was refused."""

    path: Path
    profile: AssetProfile | None = None
    error: AssetError | None = None

    @property
    def name(self) -> str:
        return self.path.stem


def asset_files(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise AssetError(folder, "not a folder of assets")
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".svg")


def scan(folder: str | Path) -> list[ScanEntry]:
    """Profile every *.svg in the folder, in name order; a refused file does not stop the scan."""
    out = []
    for path in asset_files(folder):
        try:
            out.append(ScanEntry(path, profile=profile_document(load_svg(path))))
        except AssetError as e:
            out.append(ScanEntry(path, error=e))
    return out


def write_profiles(entries: list[ScanEntry], out_dir: str | Path) -> list[Path]:
    """One `<name>.json` per profiled asset, written atomically; the paths written."""
    written = []
    for entry in entries:
        if entry.profile is not None:
            path = Path(out_dir) / f"{entry.name}.json"
            write_atomic(path, entry.profile.to_json())
            written.append(path)
    return written


def scan_table(entries: list[ScanEntry]) -> str:
    """The scan as a fixed-width table: one row per file, refused files with their reason."""
    rows = [("asset", "canvas", "family guess", "texts", "colours", "status")]
    for e in entries:
        p = e.profile
        if p is None:
            rows.append((e.name, "-", "-", "-", "-", f"refused: {e.error.detail}"))
            continue
        canvas = f"{p.canvas.width:g}x{p.canvas.height:g}" + ("*" if p.canvas.source == "estimate" else "")
        rows.append((p.name, canvas, f"{p.family.guess} {p.family.score:.2f}", str(len(p.texts)),
                     str(len(p.palette)), "ok"))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[5] for r in rows]
    if any(e.profile and e.profile.canvas.source == "estimate" for e in entries):
        lines.append("* canvas estimated from the drawing: the SVG states no viewBox, width or height")
    return "\n".join(lines) + "\n"
