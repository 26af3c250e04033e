"""Dataset rows and the dataset folder: one JSONL file per split plus manifest.json.

A row is `(id, prompt, target, split, bucket, layout, provenance)`; a line of a split file is the
row as JSON with sorted keys, so the same rows always give the same bytes. The manifest carries the
declared mixture and splits (so `ck data qc DIR` can check a folder on its own), the row counts,
and a sha256 per file.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.dsl import DSL_VERSION
from engine.fileio import InputError, read_json, read_text, write_atomic

SPLITS: tuple[str, ...] = ("train", "dev", "test", "hidden", "compositional")
# Every dataset has these files; a split only some specs make (compositional) has its file when it has rows.
ALWAYS: tuple[str, ...] = SPLITS[:4]
MANIFEST = "manifest.json"
FORMAT = "ck-dataset"
# Bump when the row or manifest layout changes; QC refuses a folder of another version.
VERSION = 1


@dataclass(frozen=True)
class Row:
    id: str
    prompt: str
    target: str
    split: str
    bucket: str
    layout: str
    provenance: dict = field(default_factory=dict)

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False) + "\n"


def split_file(split: str) -> str:
    return f"{split}.jsonl"


def train_sha256(folder: str | Path) -> str:
    """The sha256 of a dataset folder's train file: what a run records as the data it trained on."""
    path = Path(folder) / split_file("train")
    if not path.exists():
        raise InputError(f"{folder}: no train.jsonl: not a built dataset (`ck data build SPEC.toml -o DIR`)")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_dataset(rows: list[Row], out: str | Path, meta: dict) -> dict:
    """Write the split files and manifest.json (meta + counts + file hashes); return the manifest."""
    out = Path(out)
    files = {}
    for split in SPLITS:
        text = "".join(r.line() for r in sorted(rows, key=lambda r: r.id) if r.split == split)
        if not text and split not in ALWAYS:
            continue
        data = text.encode("utf-8")
        write_atomic(out / split_file(split), data)
        files[split_file(split)] = {"rows": text.count("\n"), "sha256": hashlib.sha256(data).hexdigest()}
    manifest = {"format": FORMAT, "version": VERSION, **meta, "files": files, "counts": counts(rows)}
    write_atomic(out / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return manifest


def counts(rows: list[Row]) -> dict:
    """Rows per split, per split and bucket, and per split and layout."""
    out: dict = {"split": {}, "bucket": {}, "layout": {}}
    for r in rows:
        out["split"][r.split] = out["split"].get(r.split, 0) + 1
        by_bucket = out["bucket"].setdefault(r.split, {})
        by_bucket[r.bucket] = by_bucket.get(r.bucket, 0) + 1
        by_layout = out["layout"].setdefault(r.split, {})
        by_layout[r.layout] = by_layout.get(r.layout, 0) + 1
    return out


def read_manifest(folder: str | Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise InputError(f"{folder}: no {MANIFEST}: not a dataset folder (build one with `ck data build`)")
    manifest = read_json(path)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError(f"{path}: not a {FORMAT} manifest")
    if manifest.get("version") != VERSION:
        raise InputError(f"{path}: dataset version {manifest.get('version')} is not {VERSION}; rebuild it")
    # manifests written before the DSL had a version hold v1 scenes
    if (dsl := manifest.get("dsl_version", 1)) != DSL_VERSION:
        raise InputError(f"{path}: a dataset of scene DSL v{dsl}, this engine reads DSL v{DSL_VERSION}; "
                         "rebuild it with `ck data build`")
    return manifest


def read_rows(folder: str | Path, splits: tuple[str, ...] = SPLITS) -> list[Row]:
    """Every row of the split files present in the folder, in file order."""
    rows = []
    for split in splits:
        path = Path(folder) / split_file(split)
        if not path.exists():
            continue
        for number, line in enumerate(read_text(path).splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                rows.append(Row(**data))
            except (json.JSONDecodeError, TypeError) as e:
                raise InputError(f"{path}:{number}: not a dataset row: {e}") from None
    return rows
