"""The run folder: one type per folder a run writes, each owning its file names, so `ck train`,
`ck preflight`, `ck probe`, `ck run`, `ck report`, the ledger and the studio cannot disagree on them.

    run = RunDir("out/runs/spec01-r1")
    run.metrics                         # out/runs/spec01-r1/metrics.jsonl
    run.preflight.verdict               # .../preflight/preflight.json
    run.probes("constrained").result    # .../probes/constrained/probe.json

    RUN/               RunDir
      spec.toml        .spec          the spec's exact text, frozen when the run starts
      tokenizer.json   .tokenizer     the tokenizer the run trains with (a resume loads this one)
      dataset.json     .dataset       the dataset folder and the sha256 of its train.jsonl
      run.json         .info          spec name and hash, whether the preflight was checked, device
      data/            .data          the dataset, when it was built for this run
      metrics.jsonl    .metrics       every training event (engine/train/trainer.py)
      checkpoints/     .checkpoints   step_NNNNNNN.{safetensors,json} (engine/train/checkpoint.py)
      preflight/       .preflight     `ck run`'s gates: a PreflightDir (.verdict, .data, .gold: a GateDir)
      probes/<mode>/   .probes(mode)  one per decoding mode: a ProbeDir (.result, .gallery)
      report.html      .report        the HTML report (engine/report/)

Folders nested in these keep their own owners: a dataset folder's files (engine/data/rows.py),
a checkpoint's (engine/train/checkpoint.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class _Folder:
    """A folder whose file names one subclass owns; given as str or Path."""

    folder: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "folder", Path(self.folder))


class GateDir(_Folder):
    """What the gold gate writes (engine/gold/gate.py): its verdict and gallery, beside one folder
    of images per entry; the preflight's RUN/preflight/gold/, or `ck gold gate`'s output."""

    @property
    def verdict(self) -> Path:
        return self.folder / "gold_gate.json"

    @property
    def gallery(self) -> Path:
        return self.folder / "index.html"


class PreflightDir(_Folder):
    """What the six pre-training gates write (engine/preflight.py): the workspace's
    preflight/<spec>/ for `ck preflight`, RUN/preflight/ for `ck run`."""

    @property
    def verdict(self) -> Path:
        return self.folder / "preflight.json"

    @property
    def data(self) -> Path:
        """The dataset the gates built, when they were given none."""
        return self.folder / "data"

    @property
    def gold(self) -> GateDir:
        return GateDir(self.folder / "gold")


class ProbeDir(_Folder):
    """One probe's output (engine/probe/runner.py): probe.json and the failure gallery beside it."""

    @property
    def result(self) -> Path:
        return self.folder / "probe.json"

    @property
    def gallery(self) -> Path:
        """The failing cases' SVGs; probe.json names them relative to this folder's parent."""
        return self.folder / "gallery"


class RunDir(_Folder):
    @property
    def spec(self) -> Path:
        return self.folder / "spec.toml"

    @property
    def tokenizer(self) -> Path:
        return self.folder / "tokenizer.json"

    @property
    def dataset(self) -> Path:
        return self.folder / "dataset.json"

    @property
    def info(self) -> Path:
        """run.json: what the run was started with."""
        return self.folder / "run.json"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def metrics(self) -> Path:
        return self.folder / "metrics.jsonl"

    @property
    def checkpoints(self) -> Path:
        return self.folder / "checkpoints"

    @property
    def preflight(self) -> PreflightDir:
        return PreflightDir(self.folder / "preflight")

    def probes(self, mode: str) -> ProbeDir:
        """`mode` is one of engine.probe.result.MODES, or `pilot` (the pilot subset of `ck run --pilot`)."""
        return ProbeDir(self.folder / "probes" / mode)

    @property
    def report(self) -> Path:
        return self.folder / "report.html"


def run_dirs(runs: Path) -> list[RunDir]:
    """The folders under `runs` (a workspace's runs/), in name order; none when it does not exist."""
    runs = Path(runs)
    return [RunDir(p) for p in sorted(runs.iterdir()) if p.is_dir()] if runs.is_dir() else []
