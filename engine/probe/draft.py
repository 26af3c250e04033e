"""Draft tokens for speculative greedy decoding: what followed the same few tokens last time.

A canonical scene repeats itself: every tag is followed by a newline, every ref opener by a path
of the same shape, whole blocks recur across scenes. `NGramDrafter` remembers, for each run of
n tokens it has seen, where the continuation was, and proposes the next few tokens from there
("prompt lookup" drafting). The decoder checks a draft against the model's own greedy choice in
one forward pass and keeps only the tokens the model would have chosen, so drafting changes how
fast a decode is, never what it decodes.

    >>> d = NGramDrafter(n=2, size=3)
    >>> d.add([5, 6, 7, 8, 9])
    0
    >>> d.propose([1, 5, 6])
    [7, 8, 9]
"""
from __future__ import annotations

from collections.abc import Sequence


class NGramDrafter:
    def __init__(self, n: int = 4, size: int = 6):
        self.n, self.size = n, size
        self.seqs: list[list[int]] = []
        self._indexed: list[int] = []
        self._where: dict[tuple[int, ...], tuple[int, int]] = {}   # n tokens -> (sequence, continuation)

    def add(self, seq: list[int]) -> int:
        """Remember a sequence (kept by reference: call extend() after it grows); its id."""
        self.seqs.append(seq)
        self._indexed.append(self.n)
        self.extend(len(self.seqs) - 1)
        return len(self.seqs) - 1

    def extend(self, sid: int) -> None:
        """Index the positions of sequence sid added since the last call (the latest wins)."""
        seq, n = self.seqs[sid], self.n
        for p in range(self._indexed[sid], len(seq)):   # a continuation starts at p < len(seq)
            self._where[tuple(seq[p - n:p])] = (sid, p)
        self._indexed[sid] = max(self._indexed[sid], len(seq))

    def propose(self, history: Sequence[int], size: int | None = None) -> list[int]:
        """Up to `size` tokens that followed the last n tokens of history the last time; [] if none."""
        hit = self._where.get(tuple(history[-self.n:]))
        if hit is None:
            return []
        sid, p = hit
        return self.seqs[sid][p:p + (self.size if size is None else size)]
