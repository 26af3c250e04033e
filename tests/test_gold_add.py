"""`ck gold add` starters: built from any well-formed asset's profile without crashing, every text
of a small asset placed, the page's look read off the asset; a malformed asset is refused with
a clear message and exit 2."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.assets.family import FamilyGuess
from engine.assets.geometry import Canvas
from engine.assets.profile import AssetProfile, TextElement
from engine.cli import main
from engine.compiler import compile_scene
from engine.dsl import load
from engine.dsl.vocab import LAYOUTS
from engine.gold.add import LIGHT_THEME, MAX_CARDS, is_light, scene_and_content

LIBRARY = Path(__file__).resolve().parents[2] / "shared" / "assets"


def profile(roles: list[str], guess: str = "poster_stack", *, anchor: str = "start", x: float = 40,
            ys: list[float] | None = None) -> AssetProfile:
    """A profile whose texts have these roles, in this order, down the page (or at `ys`)."""
    ys = ys or [40 + 30 * i for i in range(len(roles))]
    texts = [TextElement(f"{role} number {i}", x, y, 16, 400, "#ffffff", anchor, role, role)
             for i, (role, y) in enumerate(zip(roles, ys))]
    return AssetProfile("asset", Canvas(1600, 900, "viewBox"), FamilyGuess(guess, 0.6, "dual_panel_compare", 0.4, {}),
                        texts, [], {}, 0, 0, 0, 0, {}, {})


def strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return [node] if isinstance(node, str) else []


SHAPES = {
    "no texts": [],
    "body text before any card": ["headline", "kicker", "paragraph", "title", "caption"],
    "a second headline": ["headline", "headline", "caption"],
    "a subtitle twice": ["subtitle", "subtitle"],
    "a value first": ["value", "caption", "title", "value"],
    "only badges and footers": ["badge", "badge", "footer"],
    "labels only": ["label", "label", "label"],
}


@pytest.mark.parametrize("family", LAYOUTS + ("dual_panel_compare", "timeline_flow"))
@pytest.mark.parametrize("shape", SHAPES)
def test_every_profile_shape_starts_an_entry_that_compiles(shape, family):
    p = profile(SHAPES[shape], family)
    scene, content, notes = scene_and_content(p)
    doc = load(scene)
    assert not doc.errors, [d.format() for d in doc.errors]
    assert doc.scene.attr("layout") in LAYOUTS
    compiled = compile_scene(doc.scene, content)
    assert not [d for d in compiled.diagnostics if d.code == "unresolved-ref"]
    placed = " ".join(strings(content))
    assert all(t.text in placed for t in p.texts)  # a small asset loses no text
    assert "Texts not placed: 0." in notes


def test_titles_past_the_card_limit_are_counted_not_placed():
    p = profile(["headline"] + ["title", "caption"] * (MAX_CARDS + 3))
    scene, content, notes = scene_and_content(p)
    assert len(content["callout_card"]) == MAX_CARDS
    assert "Texts not placed: 3." in notes
    compile_scene(load(scene).scene, content)


def test_the_header_follows_the_asset():
    centred = profile(["headline", "title", "caption"], anchor="middle", x=800)
    scene, _, _ = scene_and_content(centred)
    assert "[hero:center]" in scene and "[band:open]" in scene
    assert "[hero:left]" in scene_and_content(profile(["headline", "title"]))[0]
    assert f"[theme:{LIGHT_THEME}]" in scene_and_content(centred, light=True)[0]
    assert f"[theme:{LIGHT_THEME}]" not in scene


def test_a_subtitle_below_the_first_title_belongs_to_the_body():
    p = profile(["headline", "title", "subtitle", "caption"], ys=[40, 120, 150, 180])
    _, content, _ = scene_and_content(p)
    assert content["header_band"] == [{"headline": "headline number 0"}]
    assert "subtitle number 2" in " ".join(strings(content["callout_card"]))
    above = profile(["headline", "subtitle", "title"], ys=[40, 70, 120])
    assert scene_and_content(above)[1]["header_band"] == [{"headline": "headline number 0", "subtitle": "subtitle number 1"}]


def test_light_and_dark_pages_are_told_apart():
    page = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="{}"/>' \
           '<text x="10" y="50" fill="{}">Title</text></svg>'
    assert is_light(page.format("#f7f3ea", "#111111").encode())
    assert not is_light(page.format("#1a1a1a", "#ffffff").encode())


@pytest.mark.skipif(not LIBRARY.is_dir(), reason="the shared asset library is not beside the repository")
def test_gold_add_over_the_whole_library(tmp_path, capsys):
    """Every well-formed asset starts an entry whose scene compiles; a malformed one is refused
    with its line and column, exit 2, no traceback."""
    for asset in sorted(LIBRARY.glob("*.svg")):
        code = main(["gold", "add", str(asset), "--pack", str(tmp_path), "--assets", str(LIBRARY)])
        err = capsys.readouterr().err
        if code == 2:
            assert "malformed XML" in err and "Traceback" not in err, (asset.name, err)
            assert err.startswith(f"ck: {asset}:"), err
            continue
        assert code == 0, (asset.name, err)
        folder = tmp_path / asset.stem.lower().replace("-", "_")
        doc = load((folder / "scene.dsl").read_text())
        assert not doc.errors, (asset.name, [d.format() for d in doc.errors])
        compile_scene(doc.scene, json.loads((folder / "content.json").read_text()))
    assert len(list(tmp_path.iterdir())) >= 60
