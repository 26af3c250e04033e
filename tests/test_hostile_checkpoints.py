"""Checkpoints and tokenizer files are data, never code: read without pickle, and refused with a
message when a sidecar does not match its tensors (names, shapes, dtypes, the model config) or was
written for another tokenizer -- by every reader: load_checkpoint, a resumed Trainer, the probe's
load_trained (issue 8, "Bad input")."""
from __future__ import annotations

import hashlib
import json
import pickle
import re
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors
from test_train import _rows

from engine.fileio import InputError
from engine.model import SIZES
from engine.probe.weights import load_trained
from engine.tokenizer import Tokenizer, default_tokenizer
from engine.train import Stage, TrainConfig, Trainer
from engine.train.checkpoint import latest_checkpoint, load_checkpoint

ENGINE = Path(__file__).resolve().parents[1] / "engine"
CFG = TrainConfig(size="tiny", ctx=64, seed=7, batch=4, micro_batch=4, warmup_steps=2, checkpoint_every=2,
                  stages=(Stage("pretrain", ("direct", "repair", "anchor_replay"), "steps", 4),))


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory) -> Path:
    run = tmp_path_factory.mktemp("run")
    tok = default_tokenizer()
    tok.save(run / "tokenizer.json")
    for _ in Trainer(CFG, _rows(), tok, run, max_steps=2).run():
        pass
    return run


@pytest.fixture
def run(trained_run, tmp_path) -> Path:
    """A fresh copy of the trained run for each test to damage."""
    return Path(shutil.copytree(trained_run, tmp_path / "run"))


def _rewrite(sidecar: Path, tensors: dict | None = None, meta_change=None, blob: bytes | None = None,
             relist: bool = True) -> None:
    """Change a checkpoint the way a careless copy or a hostile file would, keeping its sha256
    consistent (so the check that must fire is the one under test, not the hash)."""
    meta = json.loads(sidecar.read_text())
    if tensors is not None:
        blob = save_tensors(tensors)
        if relist:
            meta["tensors"]["names"] = {k: {"shape": list(t.shape), "dtype": str(t.dtype).removeprefix("torch.")}
                                        for k, t in tensors.items()}
    if blob is not None:
        sidecar.with_suffix(".safetensors").write_bytes(blob)
        meta["tensors"]["sha256"] = hashlib.sha256(blob).hexdigest()
    if meta_change:
        meta_change(meta)
    sidecar.write_text(json.dumps(meta))


def _tensors(sidecar: Path) -> dict[str, torch.Tensor]:
    return dict(load_tensors(sidecar.with_suffix(".safetensors").read_bytes()))


def _small_model_tensors(sidecar: Path) -> dict[str, torch.Tensor]:
    """Every tensor as a model of another width would have it (the config still says tiny)."""
    return {k: torch.zeros([2 * d if d == 32 else d for d in t.shape], dtype=t.dtype) for k, t in _tensors(sidecar).items()}


def _damages(sidecar: Path):
    t = _tensors(sidecar)
    emb = "model/tok_emb.weight"
    return {
        "tensor-missing": (lambda: _rewrite(sidecar, {k: v for k, v in t.items() if k != emb}, relist=False),
                           f"tensor {emb} is missing from"),
        "tensor-unlisted": (lambda: _rewrite(sidecar, {**t, "model/extra": torch.zeros(3)}, relist=False),
                            "tensor model/extra is not listed in the sidecar"),
        "shape-differs-from-sidecar": (lambda: _rewrite(sidecar, {**t, emb: t[emb][:, :16].contiguous()}, relist=False),
                                       f"tensor {emb} has shape"),
        "dtype-differs-from-sidecar": (lambda: _rewrite(sidecar, {**t, emb: t[emb].half()}, relist=False),
                                       f"tensor {emb} is float16, the sidecar says float32"),
        "shapes-differ-from-config": (lambda: _rewrite(sidecar, _small_model_tensors(sidecar)),
                                      "does not fit the model config"),
        "dtype-differs-from-model": (lambda: _rewrite(sidecar, {**t, emb: t[emb].double()}),
                                     f"{emb} is float64, the model's is float32"),
        "config-unknown-key": (lambda: _rewrite(sidecar, meta_change=lambda m: m["model"].update(n_expert=8)),
                               "model config"),
        "config-billion-layers": (lambda: _rewrite(sidecar, meta_change=lambda m: m["model"].update(n_layer=10**9)),
                                  "model config says n_layer=1000000000, its tensors hold 2 layers"),
        "config-wrong-type": (lambda: _rewrite(sidecar, meta_change=lambda m: m.update(model="l3_d192")),
                              "wrong type: model (dict)"),
        "tensor-file-elsewhere": (lambda: _rewrite(sidecar, meta_change=lambda m: m["tensors"].update(file="/dev/zero")),
                                  "must name its own tensor file"),
        "tensors-entry-garbage": (lambda: _rewrite(sidecar, meta_change=lambda m: m.update(tensors=[1, 2])),
                                  "tensors"),
        "tokenizer-differs": (lambda: _rewrite(sidecar, meta_change=lambda m: m.update(tokenizer_hash="0" * 64)),
                              "trained with tokenizer 000000000000"),
        "sidecar-truncated": (lambda: sidecar.write_text(sidecar.read_text()[:200]), "invalid JSON"),
        "not-safetensors": (lambda: _rewrite(sidecar, blob=b"\x80\x04" + b"x" * 100), "not a safetensors file"),
    }


DAMAGES = ["tensor-missing", "tensor-unlisted", "shape-differs-from-sidecar", "dtype-differs-from-sidecar",
           "shapes-differ-from-config", "dtype-differs-from-model", "config-unknown-key", "config-billion-layers",
           "config-wrong-type",
           "tensor-file-elsewhere", "tensors-entry-garbage", "tokenizer-differs", "sidecar-truncated",
           "not-safetensors"]


READERS = {
    "load_checkpoint": lambda sidecar, run, tok: load_checkpoint(sidecar, tok.hash),
    "Trainer(resume=True)": lambda sidecar, run, tok: Trainer(CFG, _rows(), tok, run, resume=True),
    "load_trained (the probe)": lambda sidecar, run, tok: load_trained(run),
}


def test_a_damaged_checkpoint_is_refused_by_every_reader(trained_run, tmp_path):
    tok = Tokenizer.load(trained_run / "tokenizer.json")
    for damage in DAMAGES:     # one table, one test: each case gets a fresh copy of the run
        run = Path(shutil.copytree(trained_run, tmp_path / damage))
        sidecar = latest_checkpoint(run / "checkpoints")
        load_checkpoint(sidecar, tok.hash)                                   # whole before
        make, said = _damages(sidecar)[damage]
        make()
        for reader, read in READERS.items():
            with pytest.raises(InputError, match=re.escape(said)):
                read(sidecar, run, tok)
                pytest.fail(f"{damage}: {reader} accepted the checkpoint")


def test_a_pickle_in_place_of_the_tensors_is_never_run(run, tmp_path):
    marker = tmp_path / "pickle-ran"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    sidecar = latest_checkpoint(run / "checkpoints")
    _rewrite(sidecar, blob=pickle.dumps({"model/tok_emb.weight": Payload()}))
    with pytest.raises(InputError, match="not a safetensors file"):
        load_trained(run)
    with pytest.raises(InputError, match="not a safetensors file"):
        Trainer(CFG, _rows(), Tokenizer.load(run / "tokenizer.json"), run, resume=True)
    assert not marker.exists()


def test_no_engine_module_reads_with_pickle():
    """torch.load and pickle execute code from the file; checkpoints are safetensors + JSON, CK's
    are npz with allow_pickle=False, tokenizers JSON."""
    banned = re.compile(r"\btorch\.load\(|\bimport pickle\b|\bpickle\.loads?\(|allow_pickle\s*=\s*True|\bimport dill\b")
    offenders = [f"{p.relative_to(ENGINE)}:{n}" for p in ENGINE.rglob("*.py")
                 for n, line in enumerate(p.read_text().splitlines(), 1) if banned.search(line)]
    assert offenders == []


TOKENIZER_DAMAGES = [
    (lambda d: d.update(vocab=[t for t in d["vocab"] if t != "<|eos|>"]), "lacks the special tokens"),
    (lambda d: d.update(vocab=d["vocab"] + [d["vocab"][7]]), "duplicate tokens"),
    (lambda d: d.update(vocab=d["vocab"] + [7]), "non-empty strings"),
    (lambda d: d.update(vocab={"a": 1}), "must be a list"),
    (lambda d: d.update(version=99), "tokenizer version 99"),
    (lambda d: d.update(format="pickle"), "not a tokenizer file"),
    (lambda d: d["vocab"].append("[new_token]"), "hash mismatch"),
]


def test_a_damaged_tokenizer_file_is_refused(tmp_path):
    path = tmp_path / "tokenizer.json"
    default_tokenizer().save(path)
    whole = json.loads(path.read_text())
    for change, said in TOKENIZER_DAMAGES:
        doc = json.loads(json.dumps(whole))
        change(doc)
        if said != "hash mismatch" and isinstance(doc.get("vocab"), list) and all(isinstance(t, str) for t in doc["vocab"]):
            # a consistent hash, so the check under test is the one that fires
            body = {"format": doc["format"], "version": doc["version"], "dsl_version": doc["dsl_version"],
                    "vocab": doc["vocab"]}
            doc["hash"] = hashlib.sha256(json.dumps(body, ensure_ascii=True, sort_keys=True,
                                                    separators=(",", ":")).encode()).hexdigest()
        path.write_text(json.dumps(doc))
        with pytest.raises(InputError, match=re.escape(said)):
            Tokenizer.load(path)


def test_a_run_whose_tokenizer_file_was_replaced_refuses_its_checkpoints(run):
    other = Tokenizer(default_tokenizer().vocab + ["[an_extra_token]"])
    other.save(run / "tokenizer.json")
    with pytest.raises(InputError, match="but this run's tokenizer is"):
        load_trained(run)
    assert SIZES["tiny"].d_model == 32     # _small_model_tensors doubles exactly this width


WRONG_TYPES = [("step", "2"), ("tokens", []), ("elapsed", "x"), ("stage", 3), ("identity", None),
               ("optimizer", 7), ("rng", {"torch": 5}), ("step", True), ("cursor", "here")]


@pytest.mark.parametrize("field,value", WRONG_TYPES)
def test_a_sidecar_field_of_the_wrong_type_is_named_not_a_traceback(run, field, value):
    sidecar = latest_checkpoint(run / "checkpoints")
    _rewrite(sidecar, meta_change=lambda m: m.update({field: value}))
    with pytest.raises(InputError, match=f"sidecar fields of the wrong type: .*{field.split('.')[0]}"):
        Trainer(CFG, _rows(), Tokenizer.load(run / "tokenizer.json"), run, resume=True)


def test_a_damaged_optimizer_state_with_a_valid_hash_is_a_message(run):
    sidecar = latest_checkpoint(run / "checkpoints")
    _rewrite(sidecar, meta_change=lambda m: m["optimizer"].update(groups="garbage"))
    with pytest.raises(InputError, match="cannot be restored"):
        Trainer(CFG, _rows(), Tokenizer.load(run / "tokenizer.json"), run, resume=True)


def test_a_damaged_newest_checkpoint_falls_back_to_the_one_before_and_says_so(tmp_path):
    run = tmp_path / "run"
    tok = default_tokenizer()
    run.mkdir()
    tok.save(run / "tokenizer.json")
    for _ in Trainer(CFG, _rows(), tok, run, max_steps=4).run():
        pass
    newest = latest_checkpoint(run / "checkpoints")
    assert newest.name == "step_0000004.json"
    newest.with_suffix(".safetensors").write_bytes(b"torn")
    trainer = Trainer(CFG, _rows(), tok, run, resume=True)
    assert trainer.step == 2 and trainer.resumed_from.name == "step_0000002.json"
    assert any("passed over a damaged checkpoint" in n and "step_0000004" in n for n in trainer.notices)


def test_leftovers_of_an_interrupted_write_are_removed_when_a_run_starts(run):
    folder = run / "checkpoints"
    temp = folder / ".step_0000004.safetensors.k2j3.tmp"
    orphan = folder / "step_0000004.safetensors"
    temp.write_bytes(b"partial")
    orphan.write_bytes(b"tensors whose sidecar was never written")
    trainer = Trainer(CFG, _rows(), Tokenizer.load(run / "tokenizer.json"), run, resume=True)
    assert not temp.exists() and not orphan.exists()
    assert latest_checkpoint(folder).name == "step_0000002.json" and trainer.step == 2
    assert sorted(n.split()[1] for n in trainer.notices) == sorted([temp.name + ",", orphan.name + ","])
