"""Reading a TOML table with errors a person can act on: every message names `file: table.key`,
types are checked, and keys nobody read are refused as typos. Spec files and their [train]
table are read through it."""
from __future__ import annotations

import math
from pathlib import Path

from engine.fileio import InputError

MISSING = object()


class TomlTable:
    def __init__(self, data: dict, where: str, file: Path):
        """`where` is the key prefix, ending in '.', e.g. "train." ("" for the file's top)."""
        self.data, self.where, self.file = data, where, file
        self.used: set[str] = set()

    def fail(self, key: str, message: str) -> InputError:
        name = f"{self.where}{key}" if key else (self.where.rstrip(".") or "the file")
        return InputError(f"{self.file}: {name} {message}")

    def get(self, key: str, kind, default=MISSING):
        """The value of `key`, of type `kind` (a type or a tuple of types); required without a default."""
        self.used.add(key)
        if key not in self.data:
            if default is MISSING:
                raise self.fail(key, "is missing")
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; a seed of `true` is a typo, not a number
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self.fail(key, f"must be a {' or '.join(k.__name__ for k in kinds)}, not {value!r}")
        return value

    def text(self, key: str) -> str:
        value = self.get(key, str).strip()
        if not value:
            raise self.fail(key, "must not be empty")
        return value

    def count(self, key: str, low: int = 1, default=MISSING) -> int:
        value = self.get(key, int, default)
        if value < low:
            raise self.fail(key, f"= {value} must be at least {low}")
        return value

    def number(self, key: str, default=MISSING, low: float = 0.0, positive: bool = False) -> float:
        value = float(self.get(key, (int, float), default))
        if value < low or (positive and value <= 0) or not math.isfinite(value):
            raise self.fail(key, f"= {value:g} must be {'> 0' if positive else f'at least {low:g}'}")
        return value

    def fraction(self, key: str, default=MISSING) -> float:
        value = float(self.get(key, (int, float), default))
        if not 0.0 <= value <= 1.0:
            raise self.fail(key, f"= {value} must lie in [0, 1]")
        return value

    def table(self, key: str):
        return type(self)(self.get(key, dict), f"{self.where}{key}.", self.file)

    def done(self, known: str = "this spec format knows") -> None:
        """Refuse the first key nobody read: a typo would otherwise be silently ignored."""
        extra = sorted(set(self.data) - self.used)
        if extra:
            raise self.fail(extra[0], f"is not a key {known} (a typo?)")
