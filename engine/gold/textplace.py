"""Text placement: does each word of the reference stand where it stood on the compiled page?

A pixel score can be raised by padding (wider gaps and insets match a reference's empty space);
this one cannot, because it asks where the reference's own words are. It is the gate's copy of the
judge's measure, ../shared/tools/textplace.py, so `ck gold gate` reports the number the judge will
find:

- every <text> line and every <tspan> in it (a tspan without x/y stays where the one before it
  stood) has its anchor from x/y, text-anchor and its ancestors' transforms; each word sits at its
  share of the line, the line's width estimated at 0.55 em per character;
- positions are divided by the page's own size, so a page drawn at another scale scores the same;
- the words scored are those of the reference that occur there at most twice and are at least
  three characters long (case-folded): a word seen on every card says nothing about place;
- each is matched to the nearest same word on the compiled page; credit = max(0, 1 - d / 0.15).
  placement = mean credit (1.0 = every word in place), coverage = share of the words found at all.

Font size and anchor are read as the judge reads them, so the two agree on the same files: from
attributes, `style=""`, and `<style>` rules for a class, `text` or `tspan` (a class rule first, a
`text`/`tspan` rule over it); the `font` shorthand is not read, and a size is the first number of
its value. Transforms go through engine/assets/geometry.py, which also reads rotate(a, cx, cy) and
skews; the library's texts use neither.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from engine.assets.geometry import IDENTITY, Matrix, apply, declared_canvas, multiply, numbers, parse_transform
from engine.assets.tree import local

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.%+-]*[A-Za-z0-9%]|[A-Za-z0-9]")
REACH = 0.15            # a word this far off, in page widths/heights, earns nothing
MAX_REPEATS = 2         # a word used more often than this in the reference is not scored
MIN_LENGTH = 3
EM_PER_CHAR = 0.55
DEFAULT_SIZE = 16.0
UNSTATED_PAGE = 1000.0  # the judge's page size for an SVG that states none
_CSS_RULE = re.compile(r"([^{}]+)\{([^}]*)\}")
_READ = ("font-size", "text-anchor")


@dataclass(frozen=True, slots=True)
class Word:
    text: str     # case-folded
    x: float      # 0..1 across the page
    y: float      # 0..1 down the page


@dataclass(frozen=True, slots=True)
class Placement:
    coverage: float    # share of the scored words found on the compiled page at all
    placement: float   # mean credit; 1.0 = every scored word where it was


def _number(value: str | None, default: float = 0.0) -> float:
    found = numbers(value)
    return found[0] if found else default


def _declarations(text: str | None) -> dict[str, str]:
    out = {}
    for part in (text or "").split(";"):
        if ":" in part:
            key, value = part.split(":", 1)
            out[key.strip()] = value.strip()
    return out


def _class_rules(root: Element) -> dict[str, dict[str, str]]:
    """<style> rules by class name, or by `text` / `tspan`."""
    rules: dict[str, dict[str, str]] = {}
    for style in root.iter():
        if local(style.tag) != "style":
            continue
        for selectors, body in _CSS_RULE.findall(style.text or ""):
            for selector in selectors.split(","):
                selector = selector.strip()
                if selector.startswith(".") or selector in ("text", "tspan"):
                    rules.setdefault(selector.lstrip("."), {}).update(_declarations(body))
    return rules


class _Reader:
    def __init__(self, root: Element):
        canvas = declared_canvas(root)
        self.width, self.height = (canvas.width, canvas.height) if canvas else (UNSTATED_PAGE, UNSTATED_PAGE)
        self.rules = _class_rules(root)
        self.words: list[Word] = []

    def style(self, elem: Element, inherited: dict[str, str]) -> dict[str, str]:
        style = dict(inherited)
        for name in (elem.get("class") or "").split():
            style.update(self.rules.get(name, {}))
        tag = local(elem.tag)
        if tag in ("text", "tspan"):
            style.update(self.rules.get(tag, {}))
        style.update({k: elem.get(k) for k in _READ if elem.get(k)})
        style.update({k: v for k, v in _declarations(elem.get("style")).items() if k in _READ})
        return style

    def line(self, text: str | None, x: float, y: float, style: dict[str, str], m: Matrix) -> None:
        text = " ".join((text or "").split())
        if not text:
            return
        em = EM_PER_CHAR * _number(style.get("font-size"), DEFAULT_SIZE)
        anchor = (style.get("text-anchor") or "start").strip()
        x0 = x - {"middle": 0.5, "end": 1.0}.get(anchor, 0.0) * em * len(text)
        for match in WORD.finditer(text):
            px, py = apply(m, x0 + em * (match.start() + match.end()) / 2, y)
            self.words.append(Word(match.group().lower(), px / self.width, py / self.height))

    def walk(self, elem: Element, m: Matrix, inherited: dict[str, str]) -> None:
        m = multiply(m, parse_transform(elem.get("transform")))
        style = self.style(elem, inherited)
        if local(elem.tag) != "text":
            for child in elem:
                self.walk(child, m, style)
            return
        x, y = _number(elem.get("x")), _number(elem.get("y"))
        self.line(elem.text, x, y, style, m)
        for span in elem:
            if local(span.tag) != "tspan":
                continue
            x = _number(span.get("x"), x) + _number(span.get("dx"))
            y = _number(span.get("y"), y) + _number(span.get("dy"))
            self.line("".join(span.itertext()), x, y, self.style(span, style), m)
            self.line(span.tail, x, y, style, m)


def words(root: Element) -> tuple[Word, ...]:
    """Every word of an SVG with its place on the page, in document order."""
    reader = _Reader(root)
    reader.walk(root, IDENTITY, {})
    return tuple(reader.words)


def pairs(reference: Sequence[Word], compiled: Sequence[Word]) -> list[tuple[Word, Word | None]]:
    """Each scored word of the reference with the nearest same word of the compiled page (None
    where the page has none), in the reference's order."""
    uses = Counter(w.text for w in reference)
    where: dict[str, list[Word]] = defaultdict(list)
    for w in compiled:
        where[w.text].append(w)
    return [(w, min(where[w.text], key=lambda c: math.hypot(w.x - c.x, w.y - c.y), default=None))
            for w in reference if uses[w.text] <= MAX_REPEATS and len(w.text) >= MIN_LENGTH]


def place(reference: Sequence[Word], compiled: Sequence[Word]) -> Placement:
    """How well the compiled page keeps the reference's words where they were."""
    matched = pairs(reference, compiled)
    if not matched:
        return Placement(0.0, 0.0)
    found, credit = 0, 0.0
    for w, c in matched:
        if c is not None:
            found += 1
            credit += max(0.0, 1.0 - math.hypot(w.x - c.x, w.y - c.y) / REACH)
    return Placement(found / len(matched), credit / len(matched))
