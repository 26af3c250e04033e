"""Fingerprints of what a run is trained and measured against, so "held constant" can be checked
rather than claimed (seed: "Seed and probe integrity", "One Primary Axis Per Run").

    code_hashes()   # {"grammar": sha256 of scene.lark, "compiler": sha256 over the compiler's sources}

The run records these beside its spec, dataset, tokenizer and train-config hashes; the report's
held-constant matrix compares them with the baseline's.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from engine.paths import RESOURCES, ROOT

ENGINE = ROOT / "engine"


def sha256_files(paths: list[Path], base: Path) -> str:
    """One hash over files, each named by its path under `base` so a rename changes it too."""
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def code_hashes() -> dict[str, str]:
    compiler = [*(ENGINE / "compiler").rglob("*.py"), RESOURCES / "themes.toml"]
    return {"grammar": sha256_files([ENGINE / "dsl" / "scene.lark"], ENGINE),
            "compiler": sha256_files([p for p in compiler if p.exists()], ROOT)}


def config_hash(config: dict) -> str:
    """The train config's hash: canonical JSON, so key order does not matter."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()
