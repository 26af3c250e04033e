"""Frozen probe lists: the prompts a spec's runs are probed on, as a versioned, hashed file.

Seed, "Freeze measurement first": keep balanced prompt lists on disk and version the probe
contract when they change; never compare runs probed on different lists. A list is built from the
spec's own dataset (deterministic: `ck data build` gives the same rows every time), balanced per
split and layout family:

    train   every verbatim gold row of the split, then other rows, PER_CELL["train"] per layout
    dev     PER_CELL["dev"] per layout          test    PER_CELL["test"] per layout
    hidden  PER_CELL["hidden"] per unseen (topic, layout) combination, the combinations of a
            layout taken in turn, so a layout with two hidden topics is probed on both alike
    compositional  PER_CELL["compositional"] per unseen (add kind, layout) combination, alike

Within a cell the verbatim gold rows come first, then the explicit-prompt buckets (anchor_replay,
direct, minimal_pair) taken in turn, each in row-id order; repair prompts are not probe prompts,
nor a fresh topic's row (a topic made for one row: nothing in its prompt tells its plan).

    resources/probes/spec01.json = {
      "format": "ck-probe-list", "name": "spec01", "version": 1,
      "sha256": "<sha256 of the canonical JSON of cases and contents>",
      "source": {"spec": "spec01", "spec_sha256": "..."},
      "cases": [{"id", "split", "layout", "bucket", "prompt", "expected", "gold"}, ...],
      "contents": {"<gold entry>": {...content.json...}}
    }

Loading refuses a file whose cases or contents do not hash to its recorded sha256 (an edited list
is not the frozen one). `freeze` writes a list and keeps the version when nothing changed, or
raises it by one when the cases did (a changed list is a new probe version).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.data.rows import Row
from engine.fileio import InputError, read_json, write_atomic
from engine.paths import PROBE_LISTS
from engine.probe.result import SPLITS, ProbeListRef
from engine.tokenizer.prompts import ADD_TAG

FORMAT = "ck-probe-list"
PER_CELL = {"train": 8, "dev": 8, "test": 8, "hidden": 6, "compositional": 6}
PROBE_BUCKETS = ("anchor_replay", "direct", "minimal_pair")
_TOPIC = re.compile(r"\[topic:([^\]\s]*)\]")
# A held-out split's cells: what a prompt asks that train never shows with its layout.
_CELL_OF = {"hidden": _TOPIC, "compositional": ADD_TAG}


@dataclass(frozen=True)
class ProbeItem:
    id: str
    split: str
    layout: str
    bucket: str
    prompt: str
    expected: str   # the canonical target scene
    gold: str       # the gold entry whose content.json the scene binds to


@dataclass(frozen=True)
class ProbeList:
    name: str
    version: int
    items: tuple[ProbeItem, ...]
    contents: dict
    source: dict

    @property
    def sha256(self) -> str:
        return list_hash(self.items, self.contents)

    @property
    def ref(self) -> ProbeListRef:
        return ProbeListRef(self.name, self.version, self.sha256, len(self.items))

    def content(self, item: ProbeItem):
        return self.contents.get(item.gold, {})

    def to_json(self) -> dict:
        return {"format": FORMAT, "name": self.name, "version": self.version, "sha256": self.sha256,
                "source": self.source, "cases": [asdict(i) for i in self.items], "contents": self.contents}


def list_hash(items, contents: dict) -> str:
    """sha256 of what a probe measures: the cases and the contents they bind to."""
    body = {"cases": [asdict(i) for i in items], "contents": contents}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()


def default_list_path(spec_name: str) -> Path:
    return PROBE_LISTS / f"{spec_name}.json"


def select(rows: list[Row], per_cell: dict[str, int] | None = None) -> list[Row]:
    """The balanced probe rows of a dataset, in (split, layout, rank) order."""
    per_cell = per_cell or PER_CELL
    chosen: list[Row] = []
    for split in SPLITS:
        cells: dict[str, list[Row]] = {}
        for r in sorted(rows, key=lambda r: r.id):
            # a fresh topic's plan cannot be told from its prompt (variants.fresh_rows): not a probe
            if r.split == split and r.bucket in PROBE_BUCKETS and not r.provenance.get("fresh"):
                cells.setdefault(r.layout, []).append(r)
        for layout in sorted(cells):
            if split in _CELL_OF:
                chosen.extend(_held_out_cell(cells[layout], per_cell[split], _CELL_OF[split]))
                continue
            cell = cells[layout]
            verbatim = [r for r in cell if r.provenance.get("verbatim")]
            queues = [[r for r in cell if r.bucket == b and r not in verbatim] for b in PROBE_BUCKETS]
            chosen.extend(_take(list(verbatim), queues, per_cell[split]))
    return chosen


def _take(picked: list[Row], queues: list[list[Row]], limit: int) -> list[Row]:
    """`picked`, then one row of each queue in turn until `limit`."""
    while len(picked) < limit and any(queues):
        for q in queues:
            if q and len(picked) < limit:
                picked.append(q.pop(0))
    return picked


def _held_out_cell(cell: list[Row], per_combination: int, key: re.Pattern) -> list[Row]:
    """A layout's held-out rows, `per_combination` of each of its unseen topics (or add kinds), in turn."""
    by_key: dict[str, list[Row]] = {}
    for r in cell:
        m = key.search(r.prompt)
        by_key.setdefault(m.group(1) if m else "", []).append(r)
    queues = [by_key[t][:per_combination] for t in sorted(by_key)]
    return _take([], queues, per_combination * len(queues))


def build_list(name: str, rows: list[Row], contents: dict, source: dict, version: int = 1,
               per_cell: dict[str, int] | None = None) -> ProbeList:
    picked = select(rows, per_cell)
    items = tuple(ProbeItem(r.id, r.split, r.layout, r.bucket, r.prompt, r.target, r.provenance.get("gold", ""))
                  for r in picked)
    used = {i.gold for i in items}
    return ProbeList(name, version, items, {g: contents[g] for g in sorted(used) if g in contents}, source)


def save_list(plist: ProbeList, path: str | Path) -> Path:
    path = Path(path)
    write_atomic(path, json.dumps(plist.to_json(), indent=1, ensure_ascii=False) + "\n")
    return path


def load_probe_list(path: str | Path) -> ProbeList:
    """The frozen list at `path`; InputError when it is not one or its hash does not match."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no probe list (freeze one with `ck probes freeze SPEC.toml`)")
    doc = read_json(path)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError(f"{path}: not a probe list (expected \"format\": \"{FORMAT}\")")
    try:
        plist = ProbeList(str(doc["name"]), int(doc["version"]), tuple(ProbeItem(**c) for c in doc["cases"]),
                          dict(doc["contents"]), dict(doc.get("source", {})))
    except (KeyError, TypeError, ValueError) as e:
        raise InputError(f"{path}: malformed probe list: {e}") from None
    if plist.sha256 != doc.get("sha256"):
        raise InputError(f"{path}: its cases hash to {plist.sha256[:16]}..., but the list records "
                         f"{str(doc.get('sha256'))[:16]}...: the frozen list was edited. Restore it, or "
                         "freeze a new version with `ck probes freeze` (runs on different versions are "
                         "not compared)")
    return plist


def freeze(spec_path: str | Path, out: str | Path | None = None, data: str | Path | None = None,
           per_cell: dict[str, int] | None = None) -> tuple[ProbeList, str]:
    """Build the spec's probe list (from its dataset folder, or built in memory) and write it.

    Returns the list and what happened: "new", "unchanged" (same cases, same version) or
    "new version" (the cases changed, so the version was raised)."""
    from engine.data.build import build_dataset, load_golds
    from engine.data.rows import read_rows
    from engine.data.spec import load_spec

    spec = load_spec(spec_path)
    golds = load_golds(spec)
    rows = read_rows(data) if data else build_dataset(spec, golds)
    out = Path(out) if out else default_list_path(spec.name)
    source = {"spec": spec.name, "spec_sha256": spec.sha256}
    plist = build_list(spec.name, rows, {g.name: g.content for g in golds}, source, per_cell=per_cell)
    status = "new"
    if out.exists():
        old = read_json(out)
        old_version = int(old.get("version", 0)) if isinstance(old, dict) else 0
        if isinstance(old, dict) and old.get("sha256") == plist.sha256:
            plist, status = ProbeList(plist.name, old_version, plist.items, plist.contents, source), "unchanged"
        else:
            plist, status = ProbeList(plist.name, old_version + 1, plist.items, plist.contents, source), "new version"
    save_list(plist, out)
    return plist, status
