"""Tokenizer encoding speed: median tokens/s over the gold pack and a dataset-like corpus.

    python bench/tokenizer.py [--repeat N] [--rows N]

Corpora: the gold pack's canonical scenes and prompts (tests/golden when gold/ has no entries
yet), and N seeded random scenes (every component kind, random topics, node ids and indexes),
canonicalized, each with its explicit-layout prompt, as a built dataset holds them.
Three encoders over the same text:
  encode            the shipped path: one regex, lexeme memo (canonical scenes repeat tags)
  encode_uncached   the same without the memo: every lexeme is cut and looked up afresh
  str.split         reference: whitespace split + one dict lookup per chunk, the seed's harvested
                    "every [...] chunk is a token" builder ("Why Explicit Tokens"); the floor of
                    any Python tokenizer that touches each chunk once
The ratio is reference time / our time over the same bytes (below 1 means slower than the floor).
Target (issue 4): at least 1 M tokens/s for encode on this 2-core machine.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import median_s  # noqa: E402

from engine.dsl import canonicalize, load, serialize, vocab
from engine.dsl.model import Attr, Component, Ref, Scene, Topo
from engine.gold.pack import default_pack
from engine.tokenizer import build_tokenizer
from engine.tokenizer.prompts import explicit_prompt
from engine.tokenizer.sources import gold_samples

WORDS = ("kv", "cache", "memory", "gpu", "latency", "budget", "pipeline", "tree", "gate", "model",
         "train", "probe", "token", "decode", "layer", "shard", "queue", "batch", "cost", "risk")


def gold_texts() -> tuple[str, list[str]]:
    samples = gold_samples(default_pack())
    if samples:
        return "gold pack", [t for s in samples for t in (s.prompt, s.target)]
    texts = []
    for path in sorted((ROOT / "tests" / "golden").glob("*/scene.dsl")):
        scene = load(path.read_text()).scene
        texts += [explicit_prompt(scene), serialize(scene)]
    return "tests/golden (gold/ is empty)", texts


def random_scene(rng: random.Random) -> Scene:
    ident = lambda: "_".join(rng.choices(WORDS, k=rng.randint(1, 3)))
    attrs = [Attr(k, ident() if k == "topic" else rng.choice(vocab.TOP_LEVEL_VALUES[k]))
             for k in vocab.TOP_LEVEL_KEYS if rng.random() < 0.6]
    comps = []
    for _ in range(rng.randint(3, 16)):
        name = rng.choice(sorted(vocab.COMPONENTS))
        spec = vocab.COMPONENTS[name]
        index = rng.randint(0, 12)
        fields = spec.fields or tuple(f"column_{i}" for i in range(1, rng.randint(2, 6)))
        comps.append(Component(
            name,
            tuple(Attr(k, rng.choice(v)) for k, v in spec.attrs.items() if rng.random() < 0.5),
            tuple(Topo(k, ident()) for k in spec.topology),
            tuple(Ref(f, f"{name}.{index}.{f}") for f in fields)))
    return canonicalize(Scene(tuple(attrs), tuple(comps)))[0]


def dataset_texts(rows: int) -> list[str]:
    rng = random.Random(0)
    scenes = [random_scene(rng) for _ in range(rows)]
    return [t for s in scenes for t in (explicit_prompt(s), serialize(s))]




def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--rows", type=int, default=2000)
    args = ap.parse_args()

    gold_name, gold = gold_texts()
    data = dataset_texts(args.rows)
    tok = build_tokenizer(gold)
    split_ids = {t: i for i, t in enumerate(tok.vocab)}
    unk = tok.unk_id

    def reference(texts):
        for text in texts:
            [split_ids.get(chunk, unk) for chunk in text.split()]

    print(f"tokenizer: {len(tok)} tokens; repeat {args.repeat}, median wall time per pass")
    print(f"{'corpus':34} {'texts':>6} {'MB':>6} {'tokens':>9} {'encoder':>16} {'M tok/s':>8} "
          f"{'MB/s':>6} {'ratio':>6}")
    for name, texts in ((gold_name, gold), (f"dataset-like ({args.rows} scenes)", data)):
        size = sum(len(t) for t in texts) / 1e6
        tokens = sum(len(tok.encode(t)) for t in texts)   # also warms the memo
        ref = median_s(lambda texts=texts: reference(texts), args.repeat)
        for label, encode in (("encode", tok.encode), ("encode_uncached", tok.encode_uncached)):
            sec = median_s(lambda e=encode, texts=texts: [e(t) for t in texts], args.repeat)
            print(f"{name:34} {len(texts):6} {size:6.2f} {tokens:9} {label:>16} "
                  f"{tokens / sec / 1e6:8.2f} {size / sec:6.1f} {ref / sec:6.2f}")
        print(f"{name:34} {len(texts):6} {size:6.2f} {'':9} {'str.split (ref)':>16} {'':8} "
              f"{size / ref:6.1f} {1.0:6.2f}")


if __name__ == "__main__":
    main()
