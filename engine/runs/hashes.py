"""Fingerprints of what a run is trained and measured against, so "held constant" can be checked
rather than claimed (seed: "Seed and probe integrity", "One Primary Axis Per Run").

    code_hashes()   # {"dsl_version": "2", "grammar": sha256 of the DSL's grammar and vocabulary,
                    #  "compiler": sha256 over the compiler's sources}

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
    from engine.dsl import DSL_VERSION

    compiler = [*(ENGINE / "compiler").rglob("*.py"), RESOURCES / "themes.toml"]
    # the language is the grammar and the vocabulary it is checked against (which components,
    # keys and values exist); the version says which of the two a run speaks at a glance
    language = [ENGINE / "dsl" / "scene.lark", ENGINE / "dsl" / "vocab.py"]
    return {"dsl_version": str(DSL_VERSION), "grammar": sha256_files(language, ENGINE),
            "compiler": sha256_files([p for p in compiler if p.exists()], ROOT)}


def config_hash(config: dict) -> str:
    """The train config's hash: canonical JSON, so key order does not matter."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()
