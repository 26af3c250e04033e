"""Fingerprints of what a run is trained and measured against, so "held constant" can be checked
rather than claimed (seed: "Seed and probe integrity", "One Primary Axis Per Run").

    code_hashes()   # {"dsl_version": "2", "grammar": sha256 of the DSL's grammar and vocabulary,
                    #  "compiler": sha256 over the compiler's sources}
    asset_hashes(spec)   # {"asset:pipeline-overview.svg": sha256, ...}: the references it was built from

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


def asset_hashes(spec, library: Path | None = None) -> dict[str, str]:
    """sha256 of every reference SVG of the spec's gold entries (its families), by the reference's
    absolute path: an asset that changes after the run is a contract change the report names
    (issue 16, "snapshot the assets"). A reference that cannot be read is recorded as missing."""
    from engine.assets import default_library
    from engine.fileio import InputError
    from engine.gold.pack import load_pack

    library = library or default_library()
    out = {}
    for entry in load_pack(spec.gold_pack):
        if entry.family not in spec.families:
            continue
        try:
            path = entry.reference_path(library)
        except InputError:
            continue
        out[str(path.resolve())] = _file_sha(path)
    return dict(sorted(out.items()))


def _file_sha(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def changed_assets(recorded: dict[str, str]) -> list[str]:
    """The recorded references whose file is no longer what the run was built from."""
    return sorted(path for path, sha in recorded.items() if _file_sha(Path(path)) != sha)
