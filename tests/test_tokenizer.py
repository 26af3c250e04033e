"""The tokenizer: exact round trips, reserved structure not payload, the file, coverage, budget."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli import build_parser
from engine.dsl import canonicalize, format_text, load, serialize, vocab
from engine.fileio import InputError
from engine.gold.pack import default_pack
from engine.tokenizer import (
    Tokenizer,
    build_tokenizer,
    default_corpus,
    default_tokenizer,
)
from engine.tokenizer.prompts import explicit_prompt, intent_prompt, repair_prompt
from engine.tokenizer.reports import budget, coverage, percentile, recommend_ctx
from engine.tokenizer.sources import Sample, dataset_samples, gold_samples
from engine.tokenizer.vocabulary import SPECIALS, composition, reserved_tokens
from tests.scenes import ident, kitchen_sink, scenes

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
# The seed's documented failure ("Why Explicit Tokens"): a compact row harvested as one token.
ROW = "[compare_bar:@compare_bar.0.label|@compare_bar.0.value|@compare_bar.0.caption|accent=amber]"


def _pack(folder: Path) -> Path:
    """A gold pack of the test goldens, one entry per family (independent of gold/'s contents)."""
    for case in sorted(p.parent for p in GOLDEN.glob("*/scene.dsl")):
        scene = load((case / "scene.dsl").read_text()).scene
        entry = folder / case.name
        entry.mkdir(parents=True)
        shutil.copy(case / "scene.dsl", entry / "scene.dsl")
        (entry / "meta.toml").write_text(f'family = "{scene.attr("layout")}"\nsplit = "train"\n'
                                         'reference = "reference.svg"\nthreshold = 0.5\n')
    return folder


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    return _pack(tmp_path_factory.mktemp("pack"))


@pytest.fixture(scope="module")
def tok(pack) -> Tokenizer:
    return build_tokenizer(default_corpus(pack))


def _canonical(scene) -> str:
    return serialize(canonicalize(scene)[0])


# ---- round trips -------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(scenes())
def test_every_canonical_scene_and_its_prompt_round_trip_without_unknowns(tok, scene):
    canonical = canonicalize(scene)[0]
    for text in (serialize(canonical), explicit_prompt(canonical)):
        ids = tok.encode(text)
        assert tok.decode(ids) == text
        assert tok.unk_id not in ids
        assert ids == tok.encode_uncached(text)


@settings(max_examples=200, deadline=None)
@given(ident, ident, ident)
def test_intent_prompts_round_trip(tok, topic, goal, audience):
    text = intent_prompt(topic, goal, audience)
    assert tok.decode(tok.encode(text)) == text
    assert tok.tokens(text)[:2] == ["[task:svg]", " "] and tok.tokens(text)[-1] == "[OUT]"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7e) | st.sampled_from("\n\t ")))
def test_any_printable_ascii_text_round_trips(tok, text):
    assert tok.decode(tok.encode(text)) == text
    assert tok.encode(text) == tok.encode_uncached(text)


def test_the_gold_pack_round_trips_and_is_fully_covered():
    """The real gold pack, whatever it holds, with the default tokenizer."""
    samples = gold_samples(default_pack())
    assert samples, "the gold pack has no entries"
    tok = default_tokenizer()
    for s in samples:
        for text in (s.prompt, s.target):
            assert tok.decode(tok.encode(text)) == text, s.name
    assert coverage(tok, {"gold": samples}).passed


# ---- boundaries: structure reserved, payload in pieces -----------------------------------------

def test_structure_is_one_token_and_ref_paths_are_small_pieces(tok):
    text = format_text(kitchen_sink("decision_tree")[0])
    tokens = tok.tokens(text)
    for whole in ("[scene]", "[/scene]", "[layout:decision_tree]", "[section_card]",
                  "[/section_card]", "[variant:hero]", "[state:danger]", "[tone:red]",
                  "[title_ref:", "[node_id:", "[from_ref:", "[to_ref:", "[topic:"):
        assert whole in tokens, whole
    at = tokens.index("[title_ref:")
    assert tokens[at:at + 7] == ["[title_ref:", "section_card", ".", "0", ".", "title", "]"]
    assert tok.tokens("[body_ref:nodes.root.body]") == ["[body_ref:", "nodes", ".", "root", ".", "body", "]"]
    assert tok.tokens("[title_ref:table_row.12.title]")[3:5] == ["1", "2"]


def test_every_closed_value_of_the_grammar_is_reserved():
    reserved = set(reserved_tokens())
    for key, values in vocab.TOP_LEVEL_VALUES.items():
        assert {f"[{key}:{v}]" for v in values} <= reserved
    for name, spec in vocab.COMPONENTS.items():
        assert {f"[{name}]", f"[/{name}]"} <= reserved
        assert {f"[{f}_ref:" for f in spec.fields} <= reserved
        for key, values in spec.attrs.items():
            assert {f"[{key}:{v}]" for v in values} <= reserved
    assert {"[task:svg]", "[task:repair]", "[OUT]", "[goal:", "[audience:"} <= reserved


def test_a_repair_prompt_round_trips_and_keeps_its_markers(tok):
    text = repair_prompt(format_text(kitchen_sink()[0]))
    tokens = tok.tokens(text)
    assert "".join(tokens) == text and tokens[0] == "[task:repair]" and tokens[-1] == "[OUT]"


def _payload_tokens(vocab_list: list[str]) -> list[str]:
    """Tokens that carry payload: part of a row, or a ref opener with its path attached."""
    return [t for t in vocab_list if t not in SPECIALS and len(t) > 1 and
            ("|" in t or "@" in t or ("_ref:" in t and not t.endswith("_ref:"))
             or (t.startswith("[") and "." in t))]


def test_no_component_row_or_payload_ref_becomes_a_token_even_when_the_corpus_is_full_of_them(tok):
    assert _payload_tokens(tok.vocab) == []
    row_scene = f"[scene]\n{ROW}\n[title_ref:section_card.0.title]\n[/scene]\n"
    harvested = build_tokenizer([row_scene] * 50 + [ROW] * 50)
    assert _payload_tokens(harvested.vocab) == []
    assert harvested.decode(harvested.encode(ROW)) == ROW
    assert len(harvested.encode(ROW)) > 20


def test_identifiers_split_into_learned_words_then_characters():
    tok = build_tokenizer(["[scene]\n[topic:kv_cache_budget]\n[/scene]\n"])
    assert tok.tokens("[topic:kv_cache]") == ["[topic:", "kv", "_", "cache", "]"]
    assert tok.tokens("[node_id:cache_x9]") == ["[node_id:", "cache", "_", "x", "9", "]"]
    assert "zebra" not in tok.vocab and tok.tokens("[topic:zebra]")[1:-1] == list("zebra")


def test_only_unseen_characters_are_unknown_and_decode_shows_them():
    tok = build_tokenizer([])
    ids = tok.encode("[topic:café]")
    assert ids.count(tok.unk_id) == 1
    assert tok.decode(ids) == "[topic:caf<|unk|>]"
    assert tok.unknown_pieces("[scene]\n[topic:café]\n") == ["[topic:café]"]
    learned = build_tokenizer(["[topic:café]"])
    assert learned.decode(learned.encode("[topic:café]")) == "[topic:café]"


def test_decode_is_defined_for_specials_and_refuses_foreign_ids(tok):
    body = tok.encode("[scene]\n[/scene]\n")
    ids = [tok.bos_id, *body, tok.eos_id, tok.pad_id, tok.pad_id]
    assert tok.decode(ids) == "<|bos|>[scene]\n[/scene]\n<|eos|><|pad|><|pad|>"
    assert tok.decode(ids, skip_special=True) == "[scene]\n[/scene]\n"
    assert tok.decode([tok.unk_id], skip_special=True) == "<|unk|>"
    assert tok.encode("<|eos|>") != [tok.eos_id], "special names in text are not specials"
    for bad in ([len(tok)], [-1]):
        with pytest.raises(ValueError, match="outside the vocabulary"):
            tok.decode(bad)


def test_count_and_tokens_agree_with_encode(tok):
    text = format_text(kitchen_sink()[0])
    assert tok.count(text) == len(tok.encode(text)) == len(tok.tokens(text))
    assert "".join(tok.tokens(text)) == text


# ---- the vocabulary and its file ---------------------------------------------------------------

def test_grammar_ids_do_not_depend_on_the_corpus(tok):
    bare = build_tokenizer([])
    assert tok.vocab[:len(bare)] == bare.vocab
    assert [tok.pad_id, tok.bos_id, tok.eos_id, tok.unk_id] == [0, 1, 2, 3]
    counts = composition(tok.vocab)
    assert sum(counts.values()) == len(tok) and counts["learned words"] > 0


def test_min_count_drops_rare_words():
    corpus = ["[topic:alpha_beta]", "[topic:alpha_gamma]"]
    assert "beta" in build_tokenizer(corpus).vocab
    kept = build_tokenizer(corpus, min_count=2).vocab
    assert "alpha" in kept and "beta" not in kept


def test_save_load_round_trip_and_hash(tok, tmp_path):
    path = tmp_path / "tok.json"
    tok.save(path)
    again = Tokenizer.load(path)
    assert again.vocab == tok.vocab and again.hash == tok.hash and again.version == tok.version
    doc = json.loads(path.read_text())
    assert doc["hash"] == tok.hash and doc["version"] == tok.version
    assert build_tokenizer(["[topic:other_words]"]).hash != tok.hash
    assert list(tmp_path.iterdir()) == [path], "save leaves no temporary file"


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["vocab"].__setitem__(-1, "tampered"), "hash mismatch"),
    (lambda d: d.__setitem__("version", 99), "version 99"),
    (lambda d: d.__setitem__("format", "bpe"), "not a tokenizer file"),
    (lambda d: d["vocab"].remove("<|unk|>"), "special tokens"),
])
def test_load_refuses_a_damaged_file(tok, tmp_path, edit, message):
    path = tmp_path / "tok.json"
    tok.save(path)
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match=message):
        Tokenizer.load(path)


# ---- coverage and budget -----------------------------------------------------------------------

def test_coverage_counts_unknowns_per_source_with_the_first_offenders(tok, pack, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"id": "r1", "prompt": "[task:svg] [topic:naïve] [OUT]",
                                "target": "[scene]\n[topic:naïve]\n[/scene]\n"}) + "\n")
    report = coverage(tok, {"gold": gold_samples(pack), "rows": list(dataset_samples(rows))})
    gold, data = report.sources
    assert gold.passed and gold.samples == len(list(GOLDEN.glob("*/scene.dsl"))) and gold.tokens > 0
    assert data.unknown == 2 and not data.passed and not report.passed
    assert data.offenders[0] == ("r1", "[topic:naïve]")
    assert not coverage(tok, {"empty": []}).passed


def test_percentile_and_the_seed_context_rule():
    assert percentile([10, 20, 30, 40], 50) == 20 and percentile([5], 95) == 5
    assert percentile(list(range(1, 101)), 95) == 95
    assert [recommend_ctx(p) for p in (120, 399, 400, 600, 601, 1024, 1025)] == [
        512, 512, 768, 768, 1024, 1024, None]


def test_budget_measures_prompt_plus_output_and_applies_the_80_percent_rule(tok):
    text = format_text(kitchen_sink()[0])
    sample = Sample("sink", explicit_prompt(load(text).scene), text)
    output = tok.count(text) + 1
    report = budget(tok, [sample], ctx=output * 2)
    assert report.gold.max == tok.count(sample.prompt) + output    # what the row takes of ctx (fit.py)
    assert report.longest_output == output and report.gold.longest_name == "sink"
    assert report.passed
    assert not budget(tok, [sample], ctx=output).passed     # output alone fills the context
    assert not budget(tok, [], ctx=512).passed              # nothing measured proves nothing


def _ck(*argv: str) -> int:
    args = build_parser(list(argv)).parse_args(list(argv))
    return args.run(args)


def test_cli_build_coverage_budget(pack, tmp_path, capsys):
    out = tmp_path / "tok.json"
    corpus = tmp_path / "extra.dsl"
    corpus.write_text("[scene]\n[topic:quantum_widgets]\n[/scene]\n")
    assert _ck("tokenizer", "build", "--pack", str(pack), "--corpus", str(corpus), "-o", str(out)) == 0
    assert "quantum" in Tokenizer.load(out).vocab
    assert _ck("tokenizer", "coverage", "--pack", str(pack), "--tokenizer", str(out)) == 0
    assert "0 unknown" in capsys.readouterr().out
    assert _ck("tokenizer", "budget", "--pack", str(pack), "--ctx", "4096") == 0
    printed = capsys.readouterr().out
    assert "p95" in printed and "recommended ctx" in printed
    assert _ck("tokenizer", "budget", "--pack", str(pack), "--ctx", "64") == 1
    assert "FAIL" in capsys.readouterr().out
