"""Decoding: the batched KV-cache decode equals the model's uncached forward; the decode grammar
accepts every canonical scene of the gold pack and the probe list; anything the constrained decoder
can emit up to [/scene] loads without an error and compiles; its topology guard; budgets and stops."""
from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from engine.compiler.pipeline import compile_scene
from engine.dsl import format_text, load
from engine.model.model import SIZES, Transformer
from engine.probe.constrain import TopologyGuard, automaton_for, prompt_topic
from engine.probe.decode import BatchDecoder, decode
from engine.probe.draft import NGramDrafter
from engine.probe.probe_list import default_list_path, load_probe_list
from engine.probe.repair import repair
from engine.tokenizer import default_tokenizer

ROOT = Path(__file__).resolve().parents[1]
# The decoder's own attention path against the model's forward, float32: measured max logit
# difference about 2e-6 on the tiny model; allowed 1e-4.
LOGIT_TOLERANCE = 1e-4


# Tiny tensors gain nothing from a second OpenMP thread (tests/conftest.py: one_torch_thread).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def tok():
    return default_tokenizer()


def _model(tok, ctx: int = 64, seed: int = 0) -> Transformer:
    torch.manual_seed(seed)
    return Transformer(replace(SIZES["tiny"].with_vocab(len(tok)), ctx=ctx)).eval()


def _prompts(tok, n: int) -> list[list[int]]:
    # different lengths, so the batch is left-padded
    return [[tok.bos_id, *tok.encode(f"[task:svg] [layout:poster_stack] [topic:{'ab_' * i}x] [OUT]")]
            for i in range(n)]


def _uncached(model, tok, prompt: list[int], steps: int) -> tuple[list[int], list[torch.Tensor]]:
    ids, out, logits = list(prompt), [], []
    stops = {tok.eos_id, tok.vocab.index("[/scene]")}
    with torch.no_grad():
        for _ in range(steps):
            row = model(torch.tensor([ids]))[0][0, -1]
            logits.append(row)
            t = int(row.argmax())
            if t != tok.eos_id:
                out.append(t)
            if t in stops:
                break
            ids.append(t)
    return out, logits


def test_cached_batched_decode_equals_the_uncached_forward(tok):
    model = _model(tok)
    prompts = _prompts(tok, 4)
    decoded = decode(model, tok, prompts, budget=16, batch_size=3)
    for prompt, d in zip(prompts, decoded):
        want, _ = _uncached(model, tok, prompt, 16)
        assert list(d.ids) == want
        assert d.stop in ("budget", "scene_end", "eos") and d.budget == 16
    # the logits themselves, step by step, for a padded batch
    dec = BatchDecoder(model, prompts, 6, tok.pad_id)
    with torch.inference_mode():
        steps = [dec.prefill()]
        for _ in range(5):
            steps.append(dec.forward(steps[-1].argmax(-1)[:, None], last_only=True))
            dec.accept(torch.ones(len(prompts), dtype=torch.long))
    for row, prompt in enumerate(prompts):
        _, ref = _uncached(model, tok, prompt, 6)
        for got, want in zip(steps, ref):
            assert (got[row] - want).abs().max().item() < LOGIT_TOLERANCE


class _Oracle(NGramDrafter):
    """Drafts the known greedy continuation, its last token wrong on every `miss`-th proposal, so
    passes keep all, some or none of a draft."""

    def __init__(self, prompts, continuations, miss: int):
        super().__init__(size=4)
        self.known = [(list(p), list(c)) for p, c in zip(prompts, continuations)]
        self.miss, self.calls = miss, 0

    def propose(self, history, size=None):
        self.calls += 1
        for prompt, cont in self.known:
            if history[:len(prompt)] == prompt:
                d = cont[len(history) - len(prompt):][:size or self.size]
                return d[:-1] + [(d[-1] + 1) % 50] if d and self.calls % self.miss == 0 else d
        return []


@pytest.mark.parametrize("constrained", [False, True])
def test_speculative_passes_decode_exactly_what_one_token_passes_decode(tok, constrained):
    model = _model(tok, ctx=96, seed=5)
    prompts = _prompts(tok, 4)
    plain = decode(model, tok, prompts, budget=40, constrained=constrained, draft=0)
    for miss in (1, 2, 1000):     # every draft wrong at its end, every other one, none
        oracle = _Oracle(prompts, [d.ids for d in plain], miss)
        fast = decode(model, tok, prompts, budget=40, constrained=constrained, drafter=oracle)
        assert [d.ids for d in fast] == [d.ids for d in plain] and oracle.calls
        assert [d.stop for d in fast] == [d.stop for d in plain]


def test_budget_is_the_context_minus_the_prompt(tok):
    model = _model(tok, ctx=48)
    prompts = _prompts(tok, 3)
    for p, d in zip(prompts, decode(model, tok, prompts)):
        assert d.budget == 48 - len(p) and len(d.ids) <= d.budget
        assert d.stop != "budget" or len(d.ids) == d.budget


def test_the_decode_grammar_accepts_every_canonical_scene(tok):
    automaton = automaton_for(tok)
    scenes = [format_text(p.read_text()) for p in sorted((ROOT / "gold").glob("*/scene.dsl"))]
    scenes += [i.expected for i in load_probe_list(default_list_path("spec01")).items[::6]]
    planned = [i.expected for i in load_probe_list(default_list_path("spec02_plan")).items[::12]]
    assert all(t.splitlines()[1].startswith("[plan:") for t in planned)   # DSL v3's plan line
    for text in scenes + planned:
        assert automaton.accepts_text(tok.encode(text.rstrip("\n"))), text[:80]
    # and refuses what validation would not let through
    lines = planned[0].splitlines()
    for bad in ("[scene]\n[layout:poster_stack]\n[/scene]",            # top-level attrs missing
                format_text(scenes[0]).replace("[/header_band]\n", "", 1).rstrip("\n"),
                "\n".join([lines[0], lines[2], lines[1], *lines[3:]])):   # the plan line after canvas
        assert not automaton.accepts_text(tok.encode(bad))


def _walk(automaton, rng: random.Random, budget: int = 1500) -> list[int]:
    """A random path through the automaton with the guard on, leaning towards closing things."""
    guard = TopologyGuard(automaton, 1)
    state = [automaton.start]
    ids: list[int] = []
    vocab = automaton.tokenizer.vocab
    for _ in range(budget):
        allowed = automaton.masks[state].clone()
        allowed[0, guard.refusals(0, [])[0]] = False
        choices = allowed[0].nonzero().flatten().tolist()
        closing = [t for t in choices if vocab[t] in ("]", "[/scene]") or vocab[t].startswith("[/")]
        tid = rng.choice(closing if closing and rng.random() < 0.4 else choices)
        state = automaton.advance(state, [tid])
        guard.update([0], [tid])
        ids.append(tid)
        if vocab[tid] == "[/scene]":
            break
    return ids


def test_whatever_the_constrained_decoder_emits_up_to_scene_end_loads_and_compiles(tok):
    automaton = automaton_for(tok)
    rng = random.Random(7)
    ended = 0
    for _ in range(40):
        text = tok.decode(_walk(automaton, rng))
        doc = load(text)
        if text.endswith("[/scene]"):
            ended += 1
            assert doc.scene is not None and not doc.errors, [d.format() for d in doc.errors]
            assert text.split() == format_text(text).split()     # canonical by construction
            compile_scene(doc.scene, {})
    assert ended >= 30


def test_constrained_decode_on_a_random_model_always_yields_a_renderable_scene_or_a_truncation(tok):
    model = _model(tok, ctx=128, seed=3)
    decoded = decode(model, tok, _prompts(tok, 3), constrained=True)
    for d in decoded:
        text = tok.decode(d.ids)
        assert d.stop in ("scene_end", "budget")   # the grammar never allows end of sequence early
        if d.stop == "scene_end":
            doc = load(text)
            assert doc.scene is not None and not doc.errors
        else:  # a prefix of a valid scene: repair closes it into one
            assert not load(repair(text).text).errors


def test_topology_guard_refuses_duplicate_ids_and_dangling_references(tok):
    automaton = automaton_for(tok)
    head = format_text("[scene] [layout:pipeline_lane] [/scene]").replace("[/scene]\n", "")
    flow = ("[stage_card]\n[node_id:a]\n[/stage_card]\n[flow_arrow]\n[from_ref:a]\n[to_ref:b]\n[/flow_arrow]\n"
            "[stage_card]\n[node_id:b]\n[/stage_card]\n")
    # a forward reference is fine once the node exists: the scene may close
    assert automaton.accepts_text(tok.encode(head + flow + "[/scene]"))

    def allowed_after(text: str, *pieces: str) -> torch.Tensor:
        guard = TopologyGuard(automaton, 1)
        state = [automaton.start]
        for tid in tok.encode(text) + [tok.vocab.index(p) for p in pieces]:
            state = automaton.advance(state, [tid])
            guard.update([0], [tid])
        allowed = automaton.masks[state].clone()
        allowed[0, guard.refusals(0, [])[0]] = False
        return allowed[0]

    dangling = head + flow.split("[stage_card]\n[node_id:b]")[0]
    assert not allowed_after(dangling)[automaton.scene_close]                 # b is never declared
    assert allowed_after(head + flow)[automaton.scene_close]
    taken = head + "[stage_card]\n[node_id:a]\n[/stage_card]\n[stage_card]\n"
    assert not allowed_after(taken, "[node_id:", "a")[automaton.close_bracket]   # a is taken
    assert allowed_after(taken, "[node_id:", "b")[automaton.close_bracket]


def test_a_pinned_topic_tag_spells_the_prompts_topic_piece_by_piece(tok):
    automaton = automaton_for(tok)
    prompt = tok.encode("[task:svg] [layout:poster_stack] [topic:gradient_checkpointing] [OUT]")
    topic = prompt_topic(tok, prompt)
    assert tok.decode(list(topic)) == "gradient_checkpointing" and len(topic) > 1   # in pieces
    assert prompt_topic(tok, tok.encode("[task:repair] [scene] [topic:a] [OUT]")) is None
    head = tok.encode(format_text("[scene] [layout:poster_stack] [/scene]").split("[topic:")[0])
    pinned, free = TopologyGuard(automaton, 1, [topic]), TopologyGuard(automaton, 1)
    ids = head + [pinned.topic_opener, *topic, automaton.close_bracket]
    ahead, n = pinned.refusals(0, ids), len(head) + 1
    assert ahead[n:n + len(topic)] == list(topic)          # inside the tag: the prompt's next piece
    assert ahead[n + len(topic)] == automaton.close_bracket  # then the close, nothing else
    assert all(isinstance(r, list) for r in ahead[:n] + ahead[n + len(topic) + 1:])
    assert all(isinstance(r, list) for r in free.refusals(0, ids))   # unpinned: never a forced token


def test_constrained_decode_with_the_topic_pinned_writes_each_prompts_topic(tok):
    model = _model(tok, ctx=160, seed=3)
    prompts = _prompts(tok, 3)
    decoded = decode(model, tok, prompts, constrained=True, pin_topic=True)
    for prompt, d in zip(prompts, decoded):
        text = tok.decode(d.ids)
        assert "[topic:" in text                      # reached within the budget
        said = text.split("[topic:", 1)[1].split("]", 1)[0]
        assert f"[topic:{said}]" in tok.decode(prompt)


def test_the_decode_grammars_kept_tables_are_rebuilt_when_damaged(tmp_path, monkeypatch):
    from engine.probe import grammar

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    grammar.decode_parser.cache_clear()
    try:
        built = grammar.decode_parser().parse_interactive("").accepts()
        kept = tmp_path / "ck-studio" / "decode_grammar.lark"
        assert kept.stat().st_size > 10000              # the tables, for the next process
        kept.write_bytes(b"not lark's\n")
        grammar.decode_parser.cache_clear()
        assert grammar.decode_parser().parse_interactive("").accepts() == built
        assert kept.read_bytes() != b"not lark's\n"    # built again, and kept again
    finally:
        grammar.decode_parser.cache_clear()


def test_refusals_along_a_draft_are_those_of_feeding_it_one_token_at_a_time(tok):
    # drafted positions are masked from refusals(row, draft): what a one-token pass would refuse
    automaton = automaton_for(tok)
    for seed in range(6):
        ids = _walk(automaton, random.Random(seed))
        for cut in range(0, len(ids), 7):
            guard = TopologyGuard(automaton, 1)
            guard.update([0] * cut, ids[:cut])
            ahead = guard.refusals(0, ids[cut:])
            for t, tid in enumerate(ids[cut:]):
                assert ahead[t] == guard.refusals(0, [])[0]
                guard.update([0], [tid])
            assert ahead[-1] == guard.refusals(0, [])[0]


def test_a_draft_may_declare_a_node_and_is_refused_a_duplicate_inside_it(tok):
    automaton = automaton_for(tok)
    guard = TopologyGuard(automaton, 1)
    opener, a = tok.vocab.index("[node_id:"), tok.vocab.index("a")
    close = automaton.close_bracket
    assert guard.refusals(0, [opener, a, close, opener, a]) == [[], [], [], [], [], [close]]
