"""Reading inputs with clear errors, and atomic writes (nothing a user wrote is half-written)."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


class InputError(Exception):
    """A file could not be read, understood or written; the message says which and where."""


def read_text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None


def read_json(path: str | Path):
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{path}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    except ValueError as e:   # a number past Python's 4300-digit limit for int()
        raise InputError(f"{path}: invalid JSON: a number {str(e).split(':')[0].lower()}") from None
    except RecursionError:
        raise InputError(f"{path}: invalid JSON: nested too deeply to read") from None


class _Object(dict):
    """A JSON object that remembers the keys it saw more than once (json keeps the last silently)."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, object]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) < len(pairs):
        seen: set[str] = set()
        obj.repeated = tuple(dict.fromkeys(k for k, _ in pairs if k in seen or seen.add(k)))
    return obj


def read_json_keys(path: str | Path) -> tuple[object, list[str]]:
    """read_json, and the path of every key written twice in one object (`nodes.a.title`): the
    value read is the last one, which a person who wrote the first never sees."""
    text = read_text(path)
    try:
        value = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as e:
        raise InputError(f"{path}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    except (ValueError, RecursionError):
        return read_json(path), []   # read_json words these errors
    repeated: list[str] = []
    todo: list[tuple[str, object]] = [("", value)]
    while todo:
        where, node = todo.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        repeated += [f"{where}{k}" for k in getattr(node, "repeated", ())]
        todo += [(f"{where}{k}.", v) for k, v in items]
    return value, sorted(repeated)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write via a temporary file in the same folder and rename, so a crash leaves the old file.

    A failed write (disk full, no permission, a folder in the way) leaves the old file as it was,
    removes the temporary one and raises InputError naming the path and the reason."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _replace(path, raw)
    except OSError as e:
        raise InputError(f"{path}: cannot write: {e.strerror or e}") from None


def _replace(path: Path, raw: bytes) -> None:
    if path.exists() and not path.is_file():  # /dev/null, a pipe: nothing to replace, just write
        with open(path, "wb") as f:
            f.write(raw)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
