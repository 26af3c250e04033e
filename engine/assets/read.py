"""Safe loading of asset SVGs: refuse what is huge, hostile or malformed before it costs anything.

An asset library holds files from outside the project, so every read goes through `load_svg`:

- a size limit checked before a byte is parsed (a 50 MB file is refused by `stat`, not by parsing);
- defusedxml: an entity declaration (billion laughs, XXE) or an external reference is refused
  where the parser meets it, never expanded or fetched; a plain `<!DOCTYPE svg ...>` is allowed,
  because common SVG exporters write one and it declares nothing;
- limits on nesting depth and element count, checked while parsing, so a pathological tree stops
  early instead of exhausting the recursion or the memory of later stages;
- malformed XML is refused with the line and column the parser stopped at;
- a file in another declared encoding (Shift_JIS, latin-1) is decoded by Python's codecs, since
  expat reads only UTF-8, UTF-16 and latin-1 itself; an unknown encoding is refused by name;
- what would cost a renderer unbounded time or memory (bounds.py) is refused after sanitizing.

Every refusal is an `AssetError` whose message says what is wrong and what to do about it.
The loaded tree is sanitized (see `sanitize.py`) before anyone else sees it.
"""
from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import EntitiesForbidden, ExternalReferenceForbidden

from engine.assets.bounds import DrawingRefused, check_drawable
from engine.assets.sanitize import sanitize
from engine.assets.tree import local
from engine.fileio import InputError

MAX_BYTES = 8 * 1024 * 1024   # the library's largest asset is 17 kB; 8 MB leaves room, not risk
MAX_DEPTH = 256               # the library nests at most 5 deep
MAX_ELEMENTS = 20_000         # the library's largest asset has 150 elements
FIRST_READ_BYTES = 16 * 1024  # parsed in reads of this size, doubling; limits checked between reads

# expat error codes whose usual cause in hand-written SVG is worth naming.
_EXPAT_HINTS = {
    4: "an unescaped '<' or '&' in text is the usual cause: write &lt; or &amp;",
    7: "a start tag has no matching end tag",
    9: "there is content after the closing </svg>",
    11: "an entity is used that is not defined: write &amp; for a literal '&'",
}


class AssetError(InputError):
    """An asset was refused; the message says why and, where known, the line and column.

    An InputError, so the `ck` command reports it as `ck: <path>[:line:col]: <reason>` and exits 2.
    """

    def __init__(self, path: str | Path, reason: str, line: int | None = None, col: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        self.col = col
        where = f"{self.path}:{line}:{col}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")   # path:line:col, as editors and diagnostics write it

    @property
    def detail(self) -> str:
        """The reason, led by `line:col` when the parser gave a place."""
        return f"{self.line}:{self.col}: {self.reason}" if self.line is not None else self.reason


@dataclass
class SvgDocument:
    """A loaded, sanitized asset: its root element and what sanitizing removed."""

    path: Path
    root: Element
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem


def read_bytes(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    """The file's bytes, refused before reading when it is over `limit` or not a regular file."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError as e:
        raise AssetError(path, f"cannot read: {e.strerror or e}") from None
    if not path.is_file():
        raise AssetError(path, "not a regular file")
    if st.st_size > limit:
        raise AssetError(path, f"file is {_mb(st.st_size)}, over the {_mb(limit)} limit for an asset; "
                               "an infographic SVG is kilobytes, so this is not one")
    try:
        with open(path, "rb") as f:
            data = f.read(min(st.st_size, limit) + 1)   # the size can change between stat and read
    except OSError as e:
        raise AssetError(path, f"cannot read: {e.strerror or e}") from None
    if len(data) > limit:
        raise AssetError(path, f"file grew past the {_mb(limit)} limit while being read")
    return data


class _GrowingReads(io.BytesIO):
    """iterparse reads 16 kB at a time, and expat before 2.6 rescans an unfinished token on every
    read (CVE-2023-52425): one 7 MB attribute cost 5 s. Reads that double in size keep that to a
    few rescans, while the first reads stay small, so the limits below stop a file of a million
    tiny elements after a few kB."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.next_size = FIRST_READ_BYTES

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return super().read()
        chunk = super().read(max(size, self.next_size))
        self.next_size *= 2
        return chunk


def parse_svg(data: bytes, path: str | Path = "<svg>") -> Element:
    """Parse SVG bytes into a tree, or raise AssetError. Nothing is expanded or fetched."""
    data = _as_utf8(data, path)
    depth = 0
    count = 0
    try:
        events = SafeET.iterparse(_GrowingReads(data), events=("start", "end"),
                                  forbid_dtd=False, forbid_entities=True, forbid_external=True)
        for event, _elem in events:
            if event == "end":
                depth -= 1
                continue
            depth += 1
            count += 1
            if depth > MAX_DEPTH:
                raise AssetError(path, f"elements nest more than {MAX_DEPTH} levels deep; "
                                       "refused so later stages stay bounded")
            if count > MAX_ELEMENTS:
                raise AssetError(path, f"more than {MAX_ELEMENTS} elements; an infographic has "
                                       "hundreds, so this is refused")
        root = events.root
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise AssetError(path, "declares XML entities (<!ENTITY ...>); entity expansion and external "
                               "references are refused (billion-laughs and external-entity attacks "
                               "use them): remove the DOCTYPE's internal subset") from None
    except SafeET.ParseError as e:
        line, col = e.position
        if e.code == 4 and col > 0 and data.split(b"\n")[line - 1][col - 1:col] in (b"<", b"&"):
            col -= 1   # expat points just past a stray '<' or '&'; point at the character itself
        reason = f"malformed XML: {_expat_message(e)}"
        hint = _EXPAT_HINTS.get(e.code)
        raise AssetError(path, f"{reason}; {hint}" if hint else reason, line, col + 1) from None
    except (ValueError, LookupError) as e:   # what expat raises outside its ParseError (encodings)
        raise AssetError(path, f"cannot be read as XML: {e}") from None
    if local(root.tag) != "svg":
        raise AssetError(path, f"root element is <{local(root.tag)}>, not <svg>")
    return root


def load_svg(path: str | Path) -> SvgDocument:
    """Read, parse and sanitize one asset, refusing what it would cost too much to draw. Raises
    AssetError with a message a person can act on."""
    path = Path(path)
    root = parse_svg(read_bytes(path), path)
    removed = sanitize(root)
    try:
        check_drawable(root, path)
    except DrawingRefused as e:
        raise AssetError(path, str(e)) from None
    return SvgDocument(path, root, removed)


_DECLARED = re.compile(rb"\A(\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*(['\"])([^'\"]*)\2")
_EXPAT_READS = {"utf_8", "utf_16", "utf_16_le", "utf_16_be", "latin_1", "ascii", "iso8859_1"}


def _as_utf8(data: bytes, path: str | Path) -> bytes:
    """The document re-encoded as UTF-8 when its declaration names an encoding expat cannot read."""
    m = _DECLARED.match(data)
    if not m:
        return data
    name = m.group(3).decode("ascii", "replace")
    try:
        codec = codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        raise AssetError(path, f"declares the text encoding {name!r}, which is not a known encoding; "
                               "save the file as UTF-8", 1, m.start(3) + 1) from None
    if codec in _EXPAT_READS:
        return data
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, ValueError) as e:
        line = data[:getattr(e, "start", 0)].count(b"\n") + 1
        raise AssetError(path, f"is not valid {name} text, as its declaration says: {e}", line, 1) from None
    return text.replace(m.group(0).decode(codec), m.group(0).decode(codec).replace(name, "UTF-8"), 1).encode()


def _expat_message(e: SafeET.ParseError) -> str:
    """expat's words without its position (reported 1-based instead): 'invalid token'."""
    words = str(e).split(": line ")[0]
    return words.removeprefix("not well-formed ").strip("()")



def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"

