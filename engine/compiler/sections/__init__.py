"""Section renderers: each draws one kind of section into a column and returns its height.

Signature: render(page, items, x, y, w) -> height. Families look them up here by section kind
(see page.SECTION_OF), so a component renders the same way in every family that shows it.
"""
from __future__ import annotations

from engine.compiler.sections import bars, cards, chrome, flow, table, text_runs, tree


def _cards(page, items, x, y, w):
    return cards.grid(page.out, items, x, y, w, page.style)


def _badges(page, items, x, y, w):
    return chrome.badges(page.out, items, x, y, w, page.style)


def _legend(page, items, x, y, w):
    return chrome.legend(page.out, items, x, y, w, page.style)


def _strip(page, items, x, y, w):
    return chrome.strip(page.out, page.gradients, items[0], x, y, w, page.style)


def _heading(page, items, x, y, w):
    return chrome.heading(page.out, items[0], x, y, w, page.style)


RENDERERS = {"cards": _cards, "badges": _badges, "legend": _legend, "strip": _strip,
             "heading": _heading, "bars": bars.render, "table": table.render, "flow": flow.render,
             "tree": tree.render, "lines": text_runs.render}
