"""Where tokenizer texts come from: the gold pack, a dataset (JSONL rows), plain corpus files.

Each source yields Samples, a prompt and a target, so coverage and budget reports treat the gold
pack and a built dataset alike.
"""
from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.dsl import load, serialize
from engine.fileio import InputError, read_text
from engine.gold.pack import load_pack
from engine.tokenizer.prompts import explicit_prompt


@dataclass(frozen=True)
class Sample:
    name: str       # gold entry name, or "FILE:LINE" for a dataset row
    prompt: str
    target: str     # the canonical scene text the model must emit


def gold_samples(pack: str | Path, families: Collection[str] | None = None) -> list[Sample]:
    """Each gold entry's canonical scene and the explicit-layout prompt built from it; only the
    entries of `families` when given (what a spec trains on, as engine.data.build.load_golds)."""
    out = []
    for entry in load_pack(Path(pack)):
        if families is not None and entry.family not in families:
            continue
        doc = load(read_text(entry.scene_path))
        if doc.scene is None:
            raise InputError(f"{entry.scene_path}: not a scene (run `ck check` on it)")
        out.append(Sample(entry.name, explicit_prompt(doc.scene), serialize(doc.scene)))
    return out


def _jsonl_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.rglob("*.jsonl"))
        if not files:
            raise InputError(f"{path}: no *.jsonl dataset files in this folder")
        return files
    if not path.exists():
        raise InputError(f"{path}: no such dataset file or folder")
    return [path]


def dataset_samples(path: str | Path) -> Iterator[Sample]:
    """Rows with "prompt" and "target" from a JSONL file or every *.jsonl under a folder."""
    for file in _jsonl_files(Path(path)):
        for number, line in enumerate(read_text(file).splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{file}:{number}:{e.colno}: invalid JSON: {e.msg}") from None
            if not (isinstance(row, dict) and isinstance(row.get("prompt"), str)
                    and isinstance(row.get("target"), str)):
                raise InputError(f"{file}:{number}: a dataset row needs string \"prompt\" and \"target\"")
            yield Sample(str(row.get("id") or f"{file.name}:{number}"), row["prompt"], row["target"])


def corpus_texts(paths: list[str | Path]) -> Iterator[str]:
    """Texts for building a tokenizer: prompts and targets of JSONL rows, or whole other files."""
    for path in map(Path, paths):
        if path.is_dir() or path.suffix == ".jsonl":
            for sample in dataset_samples(path):
                yield sample.prompt
                yield sample.target
        else:
            yield read_text(path)
