"""Gold entries made for tests: a golden case whose reference is its own compiled scene."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from engine.compiler import compile_scene
from engine.dsl import load

GOLDEN = Path(__file__).resolve().parent / "golden"


def own_entry(pack: Path, case: str = "poster_stack", threshold: float = 0.9) -> Path:
    """An entry whose reference is the compiled scene itself: a perfect round trip."""
    folder = pack / case
    shutil.copytree(GOLDEN / case, folder, ignore=shutil.ignore_patterns("expected.*", "layout.json"))
    scene = load((folder / "scene.dsl").read_text()).scene
    svg = compile_scene(scene, json.loads((folder / "content.json").read_text())).svg
    (folder / "reference.svg").write_text(svg)
    (folder / "meta.toml").write_text(f'family = "{scene.attr("layout")}"\nsplit = "train"\n'
                                      f'reference = "reference.svg"\nthreshold = {threshold}\n')
    return folder
