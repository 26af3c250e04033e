"""Greedy decoding of many prompts at once with a KV cache, optionally grammar-constrained.

    decoded = decode(model, tokenizer, prompts, budget=None, constrained=False)
    decoded[i].ids, decoded[i].stop            # stop: "scene_end" | "eos" | "budget"
    for rows in decode_batches(model, tokenizer, prompts):   # [(prompt index, Decoded)] per batch
        ...

A row stops at `[/scene]` (kept in its ids), at end of sequence (not kept), or when its budget is
spent: the context minus its prompt, or `budget` if smaller (seed: "Prompt-Surface And
Decode-Boundary Discipline": the structural stop marker ends the decode, so a model that would go
on into another prompt is not scored on that).

Prompts are left-padded into one batch. `BatchDecoder` runs the model's own weights (the same
parameters, the same math as engine/model/model.py, which tests pin to the model's uncached
forward) with what decoding needs and training does not: per-row cache lengths, positions and key
masks, grouped-query attention without copying keys per head, and dropping finished rows from the
cache so the batch shrinks as rows end.

Each step is speculative and exact: after the greedy token, a row feeds up to `draft` more tokens
proposed by engine/probe/draft.py in the same forward pass, and keeps those that match the
model's greedy choice at their position (with the grammar's mask when constrained), so one pass
yields one token or several, and the tokens are exactly those of one-at-a-time greedy decoding.
Canonical scenes repeat their structure, so most passes keep several tokens (bench/decode.py).
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import torch
import torch.nn.functional as F

from engine.model.model import Transformer, apply_rope
from engine.probe.constrain import TopologyGuard, automaton_for, prompt_topic
from engine.probe.draft import NGramDrafter

STOPS = ("scene_end", "eos", "budget")
DRAFT = 6      # tokens proposed per row and pass
PAYS = 0.5     # draft tokens kept per drafting row and pass below which drafting pauses
PAUSE = 16     # passes without drafts after that


@dataclass(frozen=True)
class Sampling:
    """Sampling instead of greedy picks: logits / temperature, the top_k best kept (0: all), drawn
    from a seeded generator, so a seed gives the same scenes again. Sampled rows are not drafted:
    a draft is kept only where it equals the pick, which is exact for greedy picks alone."""

    temperature: float = 1.0
    top_k: int = 0
    seed: int = 0

    def picker(self):
        gen = torch.Generator().manual_seed(self.seed)

        def pick(logits: torch.Tensor) -> torch.Tensor:
            scaled = logits.float() / max(self.temperature, 1e-6)
            if 0 < self.top_k < scaled.shape[-1]:
                floor = scaled.topk(self.top_k, dim=-1).values[..., -1:]
                scaled = scaled.masked_fill(scaled < floor, float("-inf"))
            return torch.multinomial(scaled.softmax(-1), 1, generator=gen)[:, 0]
        return pick


@dataclass(frozen=True)
class Decoded:
    ids: tuple[int, ...]   # generated tokens, `[/scene]` included when that ended the row
    stop: str              # one of STOPS
    budget: int            # the most tokens this row could have generated


class BatchDecoder:
    """Forward passes over a left-padded batch whose rows each fill their own KV cache columns."""

    def __init__(self, model: Transformer, prompts: Sequence[Sequence[int]], room: int, pad_id: int):
        self.model = model
        cfg = self.cfg = model.cfg
        lengths = torch.tensor([len(p) for p in prompts])
        self.width = int(lengths.max())
        self.pad = self.width - lengths                                                  # (B,)
        self.lens = torch.zeros(len(prompts), dtype=torch.long)                          # columns filled
        self.prompt = torch.full((len(prompts), self.width), pad_id, dtype=torch.long)
        for i, p in enumerate(prompts):
            self.prompt[i, self.width - len(p):] = torch.tensor(p, dtype=torch.long)
        dtype = model.tok_emb.weight.dtype
        shape = (len(prompts), cfg.n_kv_head, self.width + room, cfg.head_dim)
        self.k = [torch.zeros(shape, dtype=dtype) for _ in range(cfg.n_layer)]
        self.v = [torch.zeros(shape, dtype=dtype) for _ in range(cfg.n_layer)]
        # the model's q/k/v and gate/up weights side by side, joined once for the whole decode
        self.qkv = [torch.cat([b.attn.wq.weight, b.attn.wk.weight, b.attn.wv.weight]) for b in model.layers]
        self.gate_up = [torch.cat([b.mlp.w_gate.weight, b.mlp.w_up.weight]) for b in model.layers]

    @staticmethod
    def _norm(x: torch.Tensor, norm) -> torch.Tensor:
        # the model's RMSNorm (x / rms(x) * weight) without its autograd Function: nothing trains here
        return F.rms_norm(x, (x.shape[-1],), norm.weight, norm.eps)

    def forward(self, idx: torch.Tensor, last_only: bool = False) -> torch.Tensor:
        """idx (B, T): row b's tokens go to its columns lens[b] .. lens[b] + T - 1 (lens is not
        moved: `accept` does that). Logits (B, T, V), or (B, V) for the last position only."""
        m, cfg = self.model, self.cfg
        B, T = idx.shape
        H, KV, hd = cfg.n_head, cfg.n_kv_head, cfg.head_dim
        G = H // KV
        cols = self.lens[:, None] + torch.arange(T)                                      # (B, T)
        pos = (cols - self.pad[:, None]).clamp(0, cfg.ctx - 1)
        cos, sin = m.rope_cos[pos][:, :, None], m.rope_sin[pos][:, :, None]             # (B, T, 1, hd)
        S = int(cols.max()) + 1
        keys = torch.arange(S)
        # a query sees its row's real keys up to itself; a padding query sees only itself
        seen = ((keys <= cols[:, :, None]) & (keys >= self.pad[:, None, None])) | (keys == cols[:, :, None])
        bias = torch.zeros(seen.shape, dtype=m.tok_emb.weight.dtype).masked_fill_(~seen, float("-inf"))
        bias = bias[:, None].repeat(1, 1, G, 1) if T > 1 else bias[:, None]             # (B, 1, G*T, S)
        rows = torch.arange(B)[:, None]
        x = m.tok_emb(idx)                                                               # (B, T, C)
        for i, block in enumerate(m.layers):
            qkv = F.linear(self._norm(x, block.attn_norm), self.qkv[i]).view(B, T, H + 2 * KV, hd)
            qk = apply_rope(qkv[:, :, :H + KV], cos, sin)
            self.k[i][rows, :, cols] = qk[:, :, H:]                                      # (B, T, KV, hd)
            self.v[i][rows, :, cols] = qkv[:, :, H + KV:]
            # the queries of one KV group side by side, (B, KV, G*T, hd), attend to that group's
            # keys: no per-head copy of the cache. Row g*T + t of a group is query t of head g.
            q = qk[:, :, :H].transpose(1, 2).reshape(B, KV, G * T, hd)
            y = F.scaled_dot_product_attention(q, self.k[i][:, :, :S], self.v[i][:, :, :S], attn_mask=bias)
            x = x + block.attn.wo(y.reshape(B, H, T, hd).transpose(1, 2).reshape(B, T, H * hd))
            gate, up = F.linear(self._norm(x, block.mlp_norm), self.gate_up[i]).chunk(2, dim=-1)
            x = x + block.mlp.w_down(F.silu(gate) * up)
        if last_only:
            x = x[:, -1]
        return F.linear(self._norm(x, m.norm), m.tok_emb.weight)

    def prefill(self) -> torch.Tensor:
        """The prompts into the cache; logits (B, V) of each row's first new token."""
        logits = self.forward(self.prompt, last_only=True)
        self.lens += self.width
        return logits

    def accept(self, counts: torch.Tensor) -> None:
        """Keep the first counts[b] of the tokens just fed to row b in its cache."""
        self.lens += counts

    def keep(self, rows: torch.Tensor) -> None:
        """Keep only these batch rows (finished rows leave the cache)."""
        self.k = [k.index_select(0, rows) for k in self.k]
        self.v = [v.index_select(0, rows) for v in self.v]
        self.pad, self.lens = self.pad.index_select(0, rows), self.lens.index_select(0, rows)


@contextmanager
def torch_threads(n: int | None):
    """torch's intra-op thread count set to n (None: leave it) for the block, then restored."""
    before = torch.get_num_threads()
    if n:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@cache
def _gold_ids(tokenizer) -> tuple[tuple[int, ...], ...]:
    """The gold pack's canonical scenes as token ids: the drafter's first memory."""
    from engine.tokenizer import default_corpus

    return tuple(tuple(tokenizer.encode(t)) for t in default_corpus()[1::2])


def decode(model: Transformer, tokenizer, prompts: Sequence[Sequence[int]], **options) -> list[Decoded]:
    """Greedy continuation of each prompt (token ids, bos included); `options` as decode_batches'."""
    out: list[Decoded | None] = [None] * len(prompts)
    for rows in decode_batches(model, tokenizer, prompts, **options):
        for i, d in rows:
            out[i] = d
    return out  # type: ignore[return-value]


@torch.inference_mode()
def decode_batches(model: Transformer, tokenizer, prompts: Sequence[Sequence[int]], *, budget: int | None = None,
                   constrained: bool = False, batch_size: int = 64, threads: int | None = 1, draft: int = DRAFT,
                   drafter: NGramDrafter | None = None, sampling: Sampling | None = None,
                   pin_topic: bool = False) -> Iterator[list[tuple[int, Decoded]]]:
    """Greedy continuation of each prompt, in batches of similar length: each batch's
    (prompt index, Decoded) pairs as it ends, so a caller can report progress between batches.

    draft: tokens proposed per row and pass (0: one token per pass); the result is the same.
    drafter: where drafts come from (default: an NGramDrafter that starts from the gold pack's
    scenes and learns every row's output as it is decoded).
    sampling: draw each token (Sampling) instead of the greedy pick; drafting is then off.
    pin_topic: with constrained, the scene's topic tag spells its prompt's topic (constrain.py).
    One thread by default: a decode step reads the whole KV cache for little arithmetic, which a
    second thread barely speeds up, while on a shared CPU OpenMP's spin-waiting makes it many times
    slower (64 spec01 probe prompts, l3_d192: 8.5 s on one thread, 48-65 s on two, on this
    machine under load). threads=None keeps torch's setting."""
    model.eval()
    if sampling is not None:
        draft, drafter = 0, None
    if drafter is None:
        drafter = NGramDrafter(size=draft)
        for ids in _gold_ids(tokenizer):
            drafter.add(list(ids))
    order = sorted(range(len(prompts)), key=lambda i: (len(prompts[i]), i))
    pick = sampling.picker() if sampling else _greedy   # one stream over all batches
    with torch_threads(threads):
        for at in range(0, len(order), batch_size):
            chunk = order[at:at + batch_size]
            batch = _Batch(model, tokenizer, [prompts[i] for i in chunk], budget, constrained, drafter, pick,
                           pin_topic)
            yield list(zip(chunk, batch.run()))


def _greedy(logits: torch.Tensor) -> torch.Tensor:
    return logits.argmax(-1)


class _Batch:
    """One batch's decode loop: pick, draft, verify, keep."""

    def __init__(self, model, tokenizer, prompts, budget: int | None, constrained: bool, drafter: NGramDrafter,
                 pick=None, pin_topic: bool = False):
        self.pick = pick or _greedy
        ctx = model.cfg.ctx
        self.budgets = [ctx - len(p) if budget is None else min(budget, ctx - len(p)) for p in prompts]
        if min(self.budgets) < 1:
            raise ValueError(f"a prompt of {max(len(p) for p in prompts)} tokens leaves no room in ctx {ctx}")
        self.dec = BatchDecoder(model, prompts, max(self.budgets) + drafter.size + 1, tokenizer.pad_id)
        self.a = automaton_for(tokenizer) if constrained else None
        topics = [prompt_topic(tokenizer, list(p)) for p in prompts] if pin_topic else None
        self.guard = TopologyGuard(self.a, len(prompts), topics) if self.a else None
        self.drafter = drafter
        self.history = [list(p) for p in prompts]                  # prompt + generated, for drafting
        self.sids = [drafter.add(h) for h in self.history]
        # Drafting pays while a pass keeps more tokens than its longer input costs. `gain` is a
        # moving average of the draft tokens kept per drafting row and pass: drafts are about
        # twice that long, and below PAYS (an untrained model, new text) drafting pauses for
        # PAUSE passes, then tries again.
        self.gain, self.paused = float(drafter.size), 0
        self.generated: list[list[int]] = [[] for _ in prompts]
        self.stops = [""] * len(prompts)
        self.end_id, self.eos, self.pad_id = tokenizer.vocab.index("[/scene]"), tokenizer.eos_id, tokenizer.pad_id
        self.undraftable = {self.end_id, self.eos}   # never drafted: the decode's stops

    def _mask(self, logits: torch.Tensor, states: list[list[int]], refused: list[list[list[int]]]) -> torch.Tensor:
        """logits (B, T, V) masked, in place: at each position, what the grammar does not allow
        in its state (states: B lists of T) and what the guard refuses there (B lists of up to T
        entries of TopologyGuard.refusals)."""
        idx = torch.tensor(states)
        bias = self.a.bias.index_select(0, idx.flatten()).view(*idx.shape, -1)        # (B, T, V)
        for i, row in enumerate(refused):
            for t, tids in enumerate(row):
                if isinstance(tids, int):   # the one token the guard lets the row take, where the grammar does
                    if bias[i, t, tids] == 0:
                        bias[i, t].fill_(float("-inf"))
                        bias[i, t, tids] = 0.0
                elif tids:
                    bias[i, t, tids] = float("-inf")
        return logits.add_(bias)

    def _append(self, row: int, tid: int) -> bool:
        """Record one generated token; False when the row is finished."""
        if tid == self.eos:
            self.stops[row] = "eos"
            return False
        self.generated[row].append(tid)
        self.history[row].append(tid)
        if tid == self.end_id:
            self.stops[row] = "scene_end"
        elif len(self.generated[row]) >= self.budgets[row]:
            self.stops[row] = "budget"
        return not self.stops[row]

    def _drafts(self, rows: list[int], live: list[bool]) -> list[list[int]]:
        if self.paused:   # drafts have been missing: plain one-token passes for a while
            self.paused -= 1
            return [[] for _ in rows]
        drafts = []
        for i, row in enumerate(rows):
            room = min(self.budgets[row] - len(self.generated[row]), self.drafter.size, max(1, round(2 * self.gain)))
            if not live[i] or room < 1:
                drafts.append([])
                continue
            d = self.drafter.propose(self.history[row], room)
            cut = next((j for j, t in enumerate(d) if t in self.undraftable), len(d))
            drafts.append(d[:cut])
        return drafts

    def _path(self, states: list[int], drafts: list[list[int]]) -> list[list[int]]:
        """The grammar state before each fed position of each row (its first token, then its
        draft); drafts are cut, in place, where the grammar does not allow them."""
        paths = []
        for state, d in zip(states, drafts):
            path = [state]
            for t, tid in enumerate(d):
                nxt = self.a.step(path[-1], tid)
                if nxt is None:
                    del d[t:]
                    break
                path.append(nxt)
            paths.append(path)
        return paths

    def run(self) -> list[Decoded]:
        dec, a = self.dec, self.a
        B = len(self.history)
        logits = dec.prefill()
        rows = list(range(B))                                     # the prompt of each batch row
        live = [True] * B
        states = [a.start if a else 0] * B                       # each row's grammar state
        if a is not None:   # later picks read logits a pass has masked at the row's new state
            refused = [self.guard.refusals(row, []) for row in rows]
            logits = self._mask(logits[:, None], [[s] for s in states], refused)[:, 0]
        while True:
            first = self.pick(logits)                                                    # (B,)
            picks = first.tolist()
            going = [i for i in range(len(rows)) if live[i]]
            if a is not None:
                for i, nxt in zip(going, a.advance([states[i] for i in going], [picks[i] for i in going])):
                    states[i] = nxt
                self.guard.update([rows[i] for i in going], [picks[i] for i in going])
            for i in going:
                live[i] = self._append(rows[i], picks[i])
            alive = [i for i in range(len(rows)) if live[i]]
            if not alive:
                break
            if 4 * (len(rows) - len(alive)) >= len(rows):   # a copy of the cache, worth it from a quarter
                keep = torch.tensor(alive)
                dec.keep(keep)
                first, states = first[keep], [states[i] for i in alive]
                rows, live = [rows[i] for i in alive], [True] * len(alive)
            drafts = self._drafts(rows, live)
            paths = self._path(states, drafts) if a is not None else None
            T = 1 + max(map(len, drafts))   # drafts the grammar cut are shorter now
            fed = torch.full((len(rows), T), self.pad_id, dtype=torch.long)
            fed[:, 0] = first
            for i, d in enumerate(drafts):
                fed[i, 1:1 + len(d)] = torch.tensor(d, dtype=torch.long)
            out = dec.forward(fed)                                                       # (B, T, V)
            if paths is not None:   # a position past a row's draft is never read: any state will do
                refused = [self.guard.refusals(row, d) for row, d in zip(rows, drafts)]
                out = self._mask(out, [p + p[:1] * (T - len(p)) for p in paths], refused)
            choice = out.argmax(-1).tolist()                                             # (B, T)
            counts = torch.zeros(len(rows), dtype=torch.long)
            for i, d in enumerate(drafts):
                if not live[i]:
                    continue
                n = 0
                while n < len(d) and choice[i][n] == d[n] and live[i]:
                    live[i] = self._append(rows[i], d[n])
                    n += 1
                counts[i] = 1 + n
                logits_row = out[i, n]
                if a is not None:
                    states[i] = paths[i][n]
                    self.guard.update([rows[i]] * n, d[:n])
                out[i, 0] = logits_row          # the logits for this row's next pick
                self.drafter.extend(self.sids[rows[i]])
            drafting = sum(1 for d in drafts if d)
            if drafting:
                kept = int(counts.sum()) - int((counts > 0).sum())
                self.gain = 0.7 * self.gain + 0.3 * kept / drafting
                if self.gain < PAYS:
                    self.paused, self.gain = PAUSE, PAYS
            dec.accept(counts)
            if not any(live):
                break
            logits = out[:, 0]
        return [Decoded(tuple(g), s, b) for g, s, b in zip(self.generated, self.stops, self.budgets)]
