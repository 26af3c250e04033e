"""Where the studio keeps what outlives a session: QSettings (window geometry, dock layout, recent
workspaces and files, the spec in use, preferences) and the crash-recovery folder.

CK_STUDIO_CONFIG=DIR keeps both in DIR (an INI file and DIR/recovery): the tests use it so that
nothing touches a person's own settings. Otherwise QSettings uses the platform's place and
recovery lives in the platform's app-data folder.
"""
from __future__ import annotations

import os
from pathlib import Path

from qtpy.QtCore import QSettings, QStandardPaths

from engine.paths import ROOT

RECENT_LIMIT = 8
SPECS = ROOT / "specs"   # where the studio looks for a spec until one is chosen


def config_dir() -> Path | None:
    folder = os.environ.get("CK_STUDIO_CONFIG")
    return Path(folder) if folder else None


def open_settings() -> QSettings:
    folder = config_dir()
    if folder is not None:
        return QSettings(str(folder / "studio.ini"), QSettings.Format.IniFormat)
    return QSettings("CK", "Scene Studio")


def recovery_dir() -> Path:
    folder = config_dir()
    if folder is None:
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
        folder = Path(base) / "ck-studio"
    return folder / "recovery"


def recent(settings: QSettings, key: str) -> list[str]:
    """A recent list, newest first. QSettings hands back a lone string for one-item lists
    (INI) or None when absent; both bindings agree on neither, so normalize here."""
    value = settings.value(key)
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def push_recent(settings: QSettings, key: str, item: str) -> list[str]:
    items = [item] + [i for i in recent(settings, key) if i != item]
    settings.setValue(key, items[:RECENT_LIMIT])
    return items[:RECENT_LIMIT]


def spec_in_use(settings: QSettings) -> Path | None:
    """The spec last chosen in the studio (the training panel), while it exists; else the first
    spec of the specs folder; None when there is none."""
    chosen = settings.value("spec")
    if chosen and Path(chosen).is_file():
        return Path(chosen)
    return next(iter(sorted(SPECS.glob("*.toml"))), None)
