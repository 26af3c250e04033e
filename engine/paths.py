"""Where things live: the project's bundled resources (fonts, themes, the gold pack), and the run
workspace every command and the studio write their runs, gates and results into.

The workspace is $CK_WORKSPACE when set, else out/ in the repository: one place whichever folder
a command is started from (a shell, the studio's .desktop file, a test), so `ck preflight`, the
trainer that reads its verdict and the studio's runs panel always meet.

    ws = Workspace()                    # default_workspace()
    ws = Workspace(args.workspace)      # or the one a command was given (None: the default)
    ws.ledger, ws.runs, ws.run("spec01-r1"), ws.preflight("specs/spec01.toml").verdict, ws.parity
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from engine.rundir import GateDir, PreflightDir, RunDir

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
FONTS = RESOURCES / "fonts"
PROBE_LISTS = RESOURCES / "probes"   # the frozen probe lists, one per spec
GOLD = ROOT / "gold"


def default_library() -> Path:
    """The asset library: $CK_ASSET_LIBRARY, else ../shared/assets. Here, not in engine.assets, so
    that naming the folder (the studio does at start) imports no SVG reader or rasterizer."""
    return Path(os.environ.get("CK_ASSET_LIBRARY") or ROOT.parent / "shared" / "assets")


def default_workspace() -> Path:
    return Path(os.environ.get("CK_WORKSPACE") or ROOT / "out")


def cache_dir() -> Path:
    """This user's folder for what is derived and rebuilt at will (the decode grammar's parse
    tables): $XDG_CACHE_HOME/ck-studio, else ~/.cache/ck-studio. Never the shared temp folder,
    where another user could leave a file under the name that would be loaded."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ck-studio"


@dataclass(frozen=True, init=False)
class Workspace:
    """The run workspace's layout: the ledger, run folders, and what the commands that feed a run write."""

    root: Path

    def __init__(self, root: str | Path | None = None):
        object.__setattr__(self, "root", Path(root) if root is not None else default_workspace())

    @property
    def ledger(self) -> Path:
        return self.root / "ledger.sqlite"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    def run(self, name: str) -> RunDir:
        return RunDir(self.runs / name)

    def preflight(self, spec: str | Path) -> PreflightDir:
        """Where `ck preflight SPEC.toml` writes and `ck train SPEC.toml` reads the verdict."""
        return PreflightDir(self.root / "preflight" / Path(spec).stem)

    @property
    def parity(self) -> Path:
        """`ck parity`'s results, which the preflight's parity-regimen gate reads."""
        return self.root / "parity"

    @property
    def gold(self) -> GateDir:
        """`ck gold gate`'s verdict, gallery and images."""
        return GateDir(self.root / "gold")

    @property
    def assets(self) -> Path:
        """`ck assets scan`'s profiles."""
        return self.root / "assets"
