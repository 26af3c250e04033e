"""`ck generate` and `ck export` (issue 20) on a tiny run trained here: prompts checked against the
tokenizer before decoding, greedy and seeded sampling reproducible, constrained + repaired output
always a scene, RUN resolved from the ledger's champion, and the export loaded by transformers'
LlamaForCausalLM with our logits."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from runs_fixtures import probe_json, run_folder, write_probe
from test_train import _rows

from engine.cli import main
from engine.fileio import InputError
from engine.inference.generate import check_prompt, explicit, generate, intent, resolve_run, unseen_parts
from engine.probe.decode import Sampling
from engine.probe.weights import load_trained
from engine.runs.ledger import Ledger
from engine.runs.record import record_folder
from engine.tokenizer import default_tokenizer
from engine.train import Stage, TrainConfig, Trainer

ROOT = Path(__file__).resolve().parents[1]
CFG = TrainConfig(size="tiny", ctx=64, seed=3, batch=4, micro_batch=4, warmup_steps=2, checkpoint_every=2,
                  stages=(Stage("pretrain", ("direct",), "steps", 2),))


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("run")
    tok = default_tokenizer()
    tok.save(folder / "tokenizer.json")
    (folder / "run.json").write_text(json.dumps({"spec": "spec01"}))
    for _ in Trainer(CFG, _rows(), tok, folder, max_steps=2).run():
        pass
    return folder


@pytest.fixture(scope="module")
def trained(run):
    return load_trained(run)


def test_prompt_parts_take_the_family_defaults_and_typos_get_did_you_mean(trained):
    tok = trained.tokenizer
    assert explicit(tok, layout="pipeline_lane", topic="kv_cache") == \
        "[task:svg] [layout:pipeline_lane] [topic:kv_cache] [theme:infra_dark] [tone:blue] [density:balanced] [OUT]"
    with pytest.raises(InputError, match="did you mean 'pipeline_lane'"):
        explicit(tok, layout="pipline_lane", topic="kv_cache")
    with pytest.raises(InputError, match="did you mean 'infra_dark'"):
        check_prompt(tok, "[task:svg] [layout:pipeline_lane] [topic:x] [theme:infra_drak] [OUT]")
    with pytest.raises(InputError, match="starts with \\[task:svg\\] and ends with \\[OUT\\]"):
        check_prompt(tok, "[layout:pipeline_lane] [topic:x]")
    with pytest.raises(InputError, match="'colour' is not a prompt key"):
        check_prompt(tok, "[task:svg] [colour:red] [OUT]")
    assert intent(tok, topic="kv_cache", goal="explain_tradeoff", audience="engineers").count("[") == 5


def test_a_topic_the_tokenizer_spells_in_pieces_is_noted_not_refused(trained):
    prompt = explicit(trained.tokenizer, layout="table_matrix", topic="zebra_quokka_thing")
    assert "[topic:zebra_quokka_thing]" in unseen_parts(trained.tokenizer, prompt)


def test_greedy_is_deterministic_and_a_sampling_seed_reproduces_its_scenes(trained):
    prompt = explicit(trained.tokenizer, layout="pipeline_lane", topic="kv_cache")
    a, b = generate(trained, prompt, budget=20), generate(trained, prompt, budget=20)
    assert a[0].raw == b[0].raw and a[0].tokens == 20 and a[0].stop == "budget"
    s1 = generate(trained, prompt, sampling=Sampling(1.5, 0, seed=11), samples=3, budget=20)
    s2 = generate(trained, prompt, sampling=Sampling(1.5, 0, seed=11), samples=3, budget=20)
    s3 = generate(trained, prompt, sampling=Sampling(1.5, 0, seed=12), samples=3, budget=20)
    assert [g.raw for g in s1] == [g.raw for g in s2]
    assert [g.raw for g in s1] != [g.raw for g in s3] and len({g.raw for g in s1}) > 1


def test_top_k_one_is_greedy(trained):
    prompt = explicit(trained.tokenizer, layout="pipeline_lane", topic="kv_cache")
    assert generate(trained, prompt, sampling=Sampling(1.0, 1, seed=5), budget=15)[0].raw == \
        generate(trained, prompt, budget=15)[0].raw


def test_constrained_and_repaired_output_is_always_a_canonical_scene(trained):
    prompt = explicit(trained.tokenizer, layout="dashboard_cards", topic="kv_cache")
    for g in generate(trained, prompt, constrained=True, repair=True, sampling=Sampling(1.0, 0, seed=2), samples=4):
        assert g.scene is not None and g.scene.startswith("[scene]") and g.scene.rstrip().endswith("[/scene]")


def test_ck_generate_prints_the_scene_and_json_and_refuses_a_typo(run, tmp_path, capsys):
    code = main(["generate", str(run), "--layout", "pipeline_lane", "--topic", "kv_cache", "--constrained",
                 "--repair", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["samples"][0]["scene"].startswith("[scene]") and out["samples"][0]["tokens_per_s"] > 0
    content = tmp_path / "content.json"
    content.write_text("{}")
    code = main(["generate", str(run), "--layout", "pipeline_lane", "--topic", "kv_cache", "--constrained", "--repair",
                 "--content", str(content), "-o", str(tmp_path / "g.svg")])
    assert code == 0 and (tmp_path / "g.svg").read_text().startswith("<svg")
    said = capsys.readouterr()
    assert ("drawn as placeholders" in said.err) == ("_ref:" in said.out)   # every ref lacks content here
    assert main(["generate", str(run), "--layout", "pipline_lane", "--topic", "kv_cache"]) == 2
    assert "did you mean 'pipeline_lane'" in capsys.readouterr().err


def test_a_cold_ck_generate_loads_neither_torch_dynamo_nor_the_compiler(run):
    """What made a cold start slow: the checkpoint's shape check on the meta device imported
    torch._dynamo (1 s); the trainer's config imported the compiler, which a scene on stdout does
    not need. A fresh interpreter, as `ck` runs."""
    code = (f"import sys\nfrom engine.cli import main\n"
            f"assert main(['generate', {str(run)!r}, '--layout', 'pipeline_lane', '--topic', 'kv_cache']) in (0, 1)\n"
            f"print(sorted({{'torch._dynamo', 'engine.compiler'}} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-800:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_champion_resolves_to_the_crowned_run_and_its_absence_is_said(tmp_path):
    ws = tmp_path / "ws"
    with pytest.raises(InputError, match="no such run folder"):
        resolve_run("champion", ws)
    run = run_folder(tmp_path / "recorded")
    with Ledger.open(ws) as ledger:
        write_probe(run, probe_json(False))
        rid = record_folder(ledger, run)
        ledger.set_status(rid, "finished")
        with pytest.raises(InputError, match="no champion"):
            resolve_run("champion", ws)
        ledger.decide(rid, "promote", "first")
    assert resolve_run("champion", ws) == (run.resolve(), None)
    assert resolve_run(rid, ws) == (run.resolve(), None)


def test_export_loads_in_transformers_with_our_logits(trained, tmp_path):
    transformers = pytest.importorskip("transformers")
    from engine.inference.export import export

    out = export(trained, tmp_path / "hf")
    hf = transformers.LlamaForCausalLM.from_pretrained(out, attn_implementation="eager").eval()
    tok = trained.tokenizer
    ids = torch.tensor([[tok.bos_id, *tok.encode(explicit(tok, layout="pipeline_lane", topic="kv_cache"))]])
    with torch.no_grad():
        ours, _ = trained.model(ids)
        theirs = hf(ids).logits
    # float32 both sides, same math in another order: 1e-5 absolute on logits of magnitude ~1
    assert torch.allclose(ours, theirs, atol=1e-5, rtol=0), (ours - theirs).abs().max()
    assert (out / "README.md").read_text().count("[/scene]") >= 2
    with pytest.raises(InputError, match="not empty"):
        export(trained, out)
