"""Computed style of SVG elements: presentation attributes, <style> rules, style="", inheritance.

Only the properties intake reads are computed (`PROPERTIES`). The cascade follows SVG/CSS in the
part real infographics use: presentation attribute < matching `<style>` rules (by specificity, then
source order) < the `style` attribute; inherited properties come from the parent; `font` shorthand
is expanded. Selectors are simple ones (`text`, `.title`, `text.title`, `#id`, `*`, comma lists);
a rule with combinators, attribute selectors or pseudo-classes is skipped, as are @-rules.

    >>> sheet = StyleSheet.parse(".title { font: 800 40px 'Space Grotesk'; fill: #f3f9ff; }")
    >>> from xml.etree.ElementTree import Element
    >>> s = compute(Element("text", {"class": "title"}), ROOT_STYLE, sheet)
    >>> s["font-size"], s["font-weight"], s["fill"]
    ('40', '800', '#f3f9ff')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from engine.assets.tree import local

INHERITED = (
    "fill", "stroke", "font-size", "font-weight", "font-family", "text-anchor",
    "marker-start", "marker-mid", "marker-end",
)
PROPERTIES = INHERITED + ("stop-color", "display")

# SVG's initial values, the style of the root's parent.
ROOT_STYLE: dict[str, str] = {
    "fill": "#000000", "stroke": "none", "font-size": "16", "font-weight": "400",
    "font-family": "serif", "text-anchor": "start",
    "marker-start": "none", "marker-mid": "none", "marker-end": "none",
}

_FONT_KEYWORDS = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0,
                  "large": 18.0, "x-large": 24.0, "xx-large": 32.0}
_WEIGHTS = {"normal": 400, "bold": 700, "bolder": 700, "lighter": 300}
_LENGTH = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(px|pt|pc|mm|cm|in|em|rem|%)?\s*\Z",
                     re.IGNORECASE)
_UNIT_PX = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54,
            "in": 96.0, "rem": 16.0}
_FONT = re.compile(
    r"\s*((?:(?:normal|italic|oblique|small-caps|bold|bolder|lighter|\d00)\s+)*)"
    r"((?:\d+\.?\d*|\.\d+)(?:px|pt|em|rem|%)?|[a-z-]+)(?:\s*/\s*\S+)?\s+(.+)\Z",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_SIMPLE_SELECTOR = re.compile(r"(\*|[A-Za-z][\w-]*)?((?:[.#][\w-]+)*)\Z")


def parse_length(value: str | None, relative_to: float = 16.0) -> float | None:
    """A CSS/SVG length in px; `em` and `%` are relative to `relative_to`. None when unreadable.

    >>> parse_length("12pt"), parse_length("1.5em", 20), parse_length("50%", 800)
    (16.0, 30.0, 400.0)
    """
    m = _LENGTH.match(value or "")
    if not m:
        return None
    number, unit = float(m.group(1)), (m.group(2) or "").lower() or None
    if unit == "em":
        return number * relative_to
    if unit == "%":
        return number * relative_to / 100
    return number * _UNIT_PX[unit]


def font_weight(value: str | None) -> int:
    """A font-weight as a number: bold -> 700, normal -> 400."""
    value = (value or "normal").strip().lower()
    if value.isdigit():
        return int(value)
    return _WEIGHTS.get(value, 400)


def parse_declarations(text: str | None) -> dict[str, str]:
    """`a: b; c: d` -> {'a': 'b', 'c': 'd'}, with the `font` and `marker` shorthands expanded."""
    out: dict[str, str] = {}
    for decl in (text or "").split(";"):
        if ":" not in decl:
            continue
        key, value = decl.split(":", 1)
        key = key.strip().lower()
        value = value.replace("!important", "").strip()
        if key == "font":
            out.update(_expand_font(value))
        elif key == "marker":
            out.update({"marker-start": value, "marker-mid": value, "marker-end": value})
        elif key:
            out[key] = value
    return out


def _expand_font(value: str) -> dict[str, str]:
    m = _FONT.match(value)
    if not m:
        return {}
    out = {"font-size": m.group(2), "font-family": m.group(3)}
    for word in m.group(1).split():
        if word.lower() in ("bold", "bolder", "lighter") or word.isdigit():
            out["font-weight"] = word
    return out


@dataclass(frozen=True)
class _Rule:
    tag: str | None
    classes: frozenset[str]
    ident: str | None
    specificity: int
    order: int
    declarations: dict[str, str]

    def matches(self, elem: Element) -> bool:
        if self.tag not in (None, "*") and self.tag != local(elem.tag):
            return False
        if self.ident is not None and elem.get("id") != self.ident:
            return False
        return self.classes <= set((elem.get("class") or "").split())


class StyleSheet:
    """The simple rules of an SVG's <style> elements, matched against elements."""

    def __init__(self, rules: list[_Rule]):
        self.rules = rules

    @classmethod
    def parse(cls, css: str) -> StyleSheet:
        rules: list[_Rule] = []
        for selectors, body in _blocks(_drop_at_rules(_COMMENT.sub("", css))):
            declarations = parse_declarations(body)
            for selector in selectors.split(","):
                rule = _rule(selector.strip(), len(rules), declarations)
                if rule is not None:
                    rules.append(rule)
        return cls(rules)

    @classmethod
    def of(cls, root: Element) -> StyleSheet:
        """Every <style> element of the document, in document order, as one sheet."""
        return cls.parse("\n".join(e.text or "" for e in root.iter() if local(e.tag) == "style"))

    def declarations(self, elem: Element) -> dict[str, str]:
        out: dict[str, str] = {}
        for rule in sorted((r for r in self.rules if r.matches(elem)),
                           key=lambda r: (r.specificity, r.order)):
            out.update(rule.declarations)
        return out


def _rule(selector: str, order: int, declarations: dict[str, str]) -> _Rule | None:
    m = _SIMPLE_SELECTOR.match(selector)
    if not selector or not m:
        return None
    parts = re.findall(r"[.#][\w-]+", m.group(2))
    classes = frozenset(p[1:] for p in parts if p[0] == ".")
    idents = [p[1:] for p in parts if p[0] == "#"]
    tag = m.group(1)
    specificity = 100 * len(idents) + 10 * len(classes) + (1 if tag and tag != "*" else 0)
    return _Rule(tag, classes, idents[0] if idents else None, specificity, order, declarations)


def _drop_at_rules(css: str) -> str:
    """CSS without @-rules (`@media {...}`, `@font-face {...}`, `@import ...;`), nested braces too."""
    out, i = [], 0
    while True:
        at = css.find("@", i)
        if at < 0:
            return "".join(out) + css[i:]
        out.append(css[i:at])
        semi, brace = css.find(";", at), css.find("{", at)
        if brace < 0 or (0 <= semi < brace):
            i = semi + 1 if semi >= 0 else len(css)
            continue
        depth, j = 0, brace
        while j < len(css):
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
            if depth == 0:
                break
        i = j


def _blocks(css: str):
    for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", css):
        yield m.group(1), m.group(2)


def compute(elem: Element, parent: dict[str, str], sheet: StyleSheet) -> dict[str, str]:
    """The element's computed style, given its parent's. `font-size` comes out in px."""
    own = {k: elem.get(k) for k in PROPERTIES if elem.get(k) is not None}
    own.update({k: v for k, v in sheet.declarations(elem).items() if k in PROPERTIES})
    own.update({k: v for k, v in parse_declarations(elem.get("style")).items() if k in PROPERTIES})
    style = {k: parent[k] for k in INHERITED if k in parent}
    for key, value in own.items():
        value = value.strip()
        if value == "inherit":
            continue
        if key == "font-size":
            parent_px = float(parent.get("font-size", ROOT_STYLE["font-size"]))
            px = _FONT_KEYWORDS.get(value.lower()) or parse_length(value, parent_px)
            if px is not None and px > 0:
                style[key] = f"{px:g}"
        else:
            style[key] = value
    return style
