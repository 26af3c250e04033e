"""`ck generate`: ask a trained model for a scene from a prompt of one's own.

    run_dir, checkpoint = resolve_run("champion")          # or a run id, a run folder, a sidecar
    trained = load_trained(run_dir, checkpoint)
    prompt = explicit(trained.tokenizer, layout="pipeline_lane", topic="kv_cache")
    for g in generate(trained, prompt, constrained=True):
        print(g.scene)                                      # canonical, or None when not a scene

The prompt is SPEC.md section 4's surface, given whole or built from its parts; every part is
checked against the run's tokenizer before a token is decoded (a value the DSL does not have is
refused with did-you-mean; a topic the tokenizer spells in pieces is allowed and noted, since the
model may never have seen it whole). Decoding is the probe's (engine/probe/decode.py): greedy, or
sampled with a seed; it stops at the first `[/scene]` within the budget, and the first scene block
is what is read (seed: "decode-boundary discipline"). `repair` applies the probe's repair.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.dsl import Attr, Scene, load, serialize, vocab
from engine.fileio import InputError
from engine.paths import Workspace
from engine.probe.decode import Sampling, decode
from engine.probe.output import first_scene_block
from engine.probe.repair import repair as repair_scene
from engine.probe.weights import Trained
from engine.rundir import RunDir
from engine.tokenizer.prompts import (
    ADD_KEY,
    EXPLICIT_KEYS,
    OUT,
    SOURCE_GOLD,
    TASK_SVG,
    explicit_prompt,
    intent_prompt,
)

# Prompt keys whose values are the DSL's own: a value outside them is a typo, not a new idea.
_CLOSED = {k: vocab.TOP_LEVEL_VALUES[k] for k in ("layout", "theme", "tone", "density")} | {ADD_KEY: tuple(vocab.COMPONENTS)}


def resolve_run(run: str, workspace: str | Path | None = None, spec: str | None = None) -> tuple[Path, Path | None]:
    """(run folder, checkpoint sidecar or None for its newest) of RUN: `champion` (the spec's, or
    the most recently crowned), a run id of the ledger, a run folder, or a checkpoint file."""
    path = Path(run)
    if path.suffix in (".json", ".safetensors") and path.exists():
        return path.parent.parent, path.with_suffix(".json")
    if path.is_dir():
        if not RunDir(path).tokenizer.exists():
            raise InputError(f"{run}: not a run folder (no {RunDir(path).tokenizer.name})")
        return path, None
    from engine.runs.ledger import Ledger

    if not Workspace(workspace).ledger.exists():
        raise InputError(f"{run}: no such run folder, and the workspace {Workspace(workspace).root} has no ledger")
    with Ledger.open(workspace) as ledger:
        if run == "champion":
            crowned = [c for c in ledger.champions() if spec in (None, c["spec"])]
            if not crowned:
                raise InputError("no champion" + (f" for spec {spec}" if spec else "") + " in the ledger yet: "
                                 "promote a run with `ck runs decide RUN promote`, or name a run")
            return Path(crowned[0]["run_dir"]), None
        found = ledger.find(run)
        if found is None:
            raise InputError(f"{run}: neither a run folder nor a run id of the ledger (see `ck runs list`)")
        return Path(found["run_dir"]), None


def _check_value(key: str, value: str) -> None:
    if key in _CLOSED and value not in _CLOSED[key]:
        near = vocab.closest(value, _CLOSED[key])
        raise InputError(f"prompt: {key} '{value}' is not one of the DSL's {key}s"
                         + (f"; did you mean '{near}'?" if near else f" ({', '.join(_CLOSED[key])})"))
    if key in ("topic", "goal", "audience") and not vocab.TOPIC_PATTERN.match(value):
        raise InputError(f"prompt: {key} '{value}' must be an identifier like kv_cache")


def explicit(tokenizer, *, layout: str, topic: str, theme: str | None = None, tone: str | None = None,
             density: str | None = None, own: bool = False, add: str | None = None) -> str:
    """The explicit-layout surface; omitted parts take the family's defaults (what the builder writes);
    `add`: one more component of that kind (`[add:KIND]`, a spec with grafts trains it);
    `own`: ask for the gold entry's own scene (`[source:gold]`, a spec with own_prompt trains it)."""
    parts = {"layout": layout, "topic": topic, "theme": theme, "tone": tone, "density": density}
    defaults = vocab.family_defaults(layout) if layout in vocab.LAYOUTS else {}
    parts = {k: v if v is not None else defaults.get(k) for k, v in parts.items()}
    for key, value in parts.items():
        _check_value(key, value)
    if add is not None:
        _check_value(ADD_KEY, add)
    return check_prompt(tokenizer, explicit_prompt(Scene(tuple(Attr(k, v) for k, v in parts.items())), own=own, add=add))


def intent(tokenizer, *, topic: str, goal: str, audience: str) -> str:
    """The intent surface (SPEC.md section 4): the model chooses the family and the style."""
    for key, value in (("topic", topic), ("goal", goal), ("audience", audience)):
        _check_value(key, value)
    return check_prompt(tokenizer, intent_prompt(topic, goal, audience))


def check_prompt(tokenizer, prompt: str) -> str:
    """The prompt, one space between tokens, once it is a prompt this tokenizer can say."""
    tokens = prompt.split()
    if len(tokens) < 2 or tokens[0] != TASK_SVG or tokens[-1] != OUT:
        raise InputError(f"prompt: a prompt starts with {TASK_SVG} and ends with {OUT}, e.g. "
                         f"'{TASK_SVG} [layout:pipeline_lane] [topic:kv_cache] {OUT}'")
    for token in tokens[1:-1]:
        if not (token.startswith("[") and token.endswith("]") and ":" in token):
            raise InputError(f"prompt: '{token}' is not a [key:value] token")
        key, value = token[1:-1].split(":", 1)
        if key == "source":
            if token != SOURCE_GOLD:
                raise InputError(f"prompt: '{token}': the one source a prompt names is {SOURCE_GOLD}")
            continue
        if key not in (*EXPLICIT_KEYS, ADD_KEY, "goal", "audience"):
            raise InputError(f"prompt: '{key}' is not a prompt key "
                             f"({', '.join((*EXPLICIT_KEYS, ADD_KEY, 'goal', 'audience'))})")
        _check_value(key, value)
    unknown = tokenizer.unknown_pieces(prompt)
    if unknown:
        raise InputError(f"prompt: {', '.join(unknown)} holds characters this tokenizer does not have")
    return " ".join(tokens)


def unseen_parts(tokenizer, prompt: str) -> list[str]:
    """Prompt tokens the tokenizer spells in pieces: the model saw their pieces, never them whole."""
    return [t for t in prompt.split() if len(tokenizer.encode(t)) > 1]


@dataclass
class Generation:
    raw: str                       # what the model wrote, through its first [/scene]
    stop: str                      # scene_end | eos | budget
    tokens: int
    seconds: float
    scene: str | None              # canonical scene text; None when raw (or its repair) is not one
    repaired: bool = False         # scene came from the probe's repair of raw
    repair_actions: tuple[str, ...] = ()
    diagnostics: list[str] = field(default_factory=list)

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict:
        return asdict(self) | {"tokens_per_s": round(self.tokens_per_s, 1)}


def generate(trained: Trained, prompt: str, *, constrained: bool = False, repair: bool = False,
             sampling: Sampling | None = None, samples: int = 1, budget: int | None = None,
             threads: int | None = 1) -> list[Generation]:
    """`samples` scenes for one prompt (greedy gives the same one each time: ask for one).
    constrained: the grammar masks, and the scene's topic tag spelt as the prompt's topic."""
    tok = trained.tokenizer
    ids = [tok.bos_id, *tok.encode(prompt)]
    if len(ids) >= trained.model.cfg.ctx:
        raise InputError(f"prompt: {len(ids)} tokens leave no room in the model's context of {trained.model.cfg.ctx}")
    began = time.perf_counter()
    decoded = decode(trained.model, tok, [ids] * samples, budget=budget, constrained=constrained,
                     pin_topic=constrained, sampling=sampling, threads=threads)
    seconds = (time.perf_counter() - began) / samples
    return [_read(tok.decode(d.ids), d.stop, len(d.ids), seconds, repair) for d in decoded]


def _read(raw: str, stop: str, tokens: int, seconds: float, repair: bool) -> Generation:
    block = first_scene_block(raw)
    doc = load(block)
    said = [d.format("generated") for d in doc.diagnostics]
    if doc.scene is not None and not doc.errors:
        return Generation(raw, stop, tokens, seconds, serialize(doc.scene), diagnostics=said)
    if repair:
        fixed = repair_scene(raw)
        again = load(fixed.text) if fixed.text else None
        if again is not None and again.scene is not None and not again.errors:
            return Generation(raw, stop, tokens, seconds, serialize(again.scene), True, fixed.actions, said)
    return Generation(raw, stop, tokens, seconds, None, diagnostics=said)
