"""The run report: the seed's ten sections in order, self-contained, every run text escaped, deltas
against the baseline, and `ck report` on a ledger run and on a bare run folder."""
from __future__ import annotations

import doctest
import re
from html.parser import HTMLParser

import pytest
from runs_fixtures import probe_json, run_folder, write_probe

from engine.cli import main
from engine.report import curves, gallery
from engine.report.render import report_run, write_report
from engine.runs.ledger import Ledger
from engine.runs.record import record_folder

SECTIONS = ["run-card", "hypothesis", "held-constant", "data-tokenizer", "compiler-gate", "probe-summary",
            "product-scorecard", "failure-gallery", "lessons", "decision"]
HOSTILE = '<img src=x onerror="document.title=1"><script>alert(1)</script>'


class Page(HTMLParser):
    """Every tag with its attributes, and the text, of an HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_the_helpers_worked_examples():
    for module in (curves, gallery):
        assert doctest.testmod(module).failed == 0


def test_a_run_folder_alone_gives_ten_sections_in_order_and_loads_nothing(tmp_path):
    folder = run_folder(tmp_path / "run")
    write_probe(folder, probe_json(False, failing={"own_tree_triage-dev": "tone", "own_poster_budget-test": "truncated"}))
    html = write_report(folder).read_text()
    page = Page(html)
    ids = [a["id"] for t, a in page.tags if t == "section"]
    assert ids == SECTIONS
    # self-contained: no script, no stylesheet link, every image a data: URI, a CSP that forbids the rest
    assert not [t for t, _ in page.tags if t in ("script", "link", "iframe", "object", "embed")]
    sources = [a.get("src", "") for t, a in page.tags if t == "img"]
    assert sources and all(s.startswith("data:image/") for s in sources)
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == ["default-src 'none'; img-src data:; style-src 'unsafe-inline'"]
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html)
    # curves drawn from metrics.jsonl, the two failing cases in the gallery with both pictures
    assert html.count('class="chart"') == 2 and "midtrain" in html
    text = " ".join(page.text)
    assert "2 of 16 raw outputs failed" in text and "repair makes it exact" in text
    assert "renderable_but_not_exact: tone differs: red" in text
    assert "No decision recorded" in text and "no champion for this spec yet" in text
    assert "memorization reached: 100 % exact on train" in text


def test_every_run_text_is_escaped(tmp_path):
    folder = run_folder(tmp_path / "run", spec_text=(run_folder(tmp_path / "x") / "spec.toml").read_text()
                        .replace('primary_axis = "', 'primary_axis = "<script>alert(2)</script> ', 1))
    data = probe_json(False, failing={"own_tree_triage-dev": "tone"}, raw_override={"own_tree_triage-dev": HOSTILE})
    data["cases"][0]["prompt"] += HOSTILE
    data["cases"][0]["raw_result"] = data["cases"][0]["raw_result"] | {"failure_class": "layout_drift",
                                                                         "evidence": HOSTILE}
    data["cases"][0]["content"] = {"header_band": [{"headline": HOSTILE}]}
    write_probe(folder, data)
    with Ledger.open(tmp_path / "ws") as ledger:
        run = record_folder(ledger, folder)
        ledger.decide(run, "repair", HOSTILE, next_run=HOSTILE, lessons=(HOSTILE,))
        html = write_report(folder, ledger=ledger, run_id=run).read_text()
    page = Page(html)
    assert not [t for t, _ in page.tags if t == "script"]
    assert not [a for t, a in page.tags if any(k.startswith("on") for k in a)]
    assert [a["src"][:15] for t, a in page.tags if t == "img" and not a["src"].startswith("data:")] == []
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html            # the spec's own text
    assert html.count("&lt;img src=x onerror=") >= 6                  # prompt, output, evidence, why, next, lesson


def test_deltas_against_the_baseline_and_the_champion_scorecard(tmp_path):
    ws = tmp_path / "ws"
    with Ledger.open(ws) as ledger:
        base = run_folder(tmp_path / "base")
        write_probe(base, probe_json(False, failing={"own_tree_triage-dev": "tone"}))
        champion = record_folder(ledger, base)
        ledger.set_status(champion, "finished")
        ledger.decide(champion, "promote", "first")
        cand_dir = run_folder(tmp_path / "cand")
        write_probe(cand_dir, probe_json(False, failing={"own_tree_triage-hidden": "tone"}))
        candidate = record_folder(ledger, cand_dir)
        assert ledger.record_of(candidate)["run"]["baseline"] == champion
    html = report_run(candidate, tmp_path / "r.html", ws).read_text()
    text = " ".join(Page(html).text)
    assert f"Δ against baseline {champion} on probe spec01 v1" in text
    assert "+25.0" in html and "-25.0" in html                  # dev gained, hidden lost
    assert f"regression(s) against champion {champion}" in text
    assert "unconstrained raw split hidden exact_rate: 75.0 % &lt; 100.0 %" in html


def test_a_run_without_probe_says_so(tmp_path, capsys):
    folder = run_folder(tmp_path / "run")
    assert main(["report", str(folder), "-o", str(tmp_path / "out.html"), "--workspace", str(tmp_path / "ws")]) == 0
    html = (tmp_path / "out.html").read_text()
    assert "No probe result" in html and [a["id"] for t, a in Page(html).tags if t == "section"] == SECTIONS
    assert main(["report", str(tmp_path / "nope"), "--workspace", str(tmp_path / "ws")]) == 2
    assert "neither a run of the ledger" in capsys.readouterr().err


@pytest.mark.parametrize("points, log", [([(1, 2.0), (2, 1.0)], True), ([(5, 0.0), (6, 0.0)], False), ([], False)])
def test_curves_handle_short_flat_and_empty_series(points, log):
    svg = str(curves.line_chart(points, "loss <b>", [(2, "mid<x>")], log=log))
    assert "<b>" not in svg and "<x>" not in svg
    assert ("polyline" in svg) == bool(points)


def _board(exact=1.0, renderable=1.0, materialized=None, truncation=0.0, train=1.0, dev=1.0, test=1.0):
    overall = {"exact_rate": exact, "renderable_rate": renderable,
               "materialized_exact_rate": exact if materialized is None else materialized,
               "budget_truncation_rate": truncation}
    return {"overall": overall, "by_layout": {},
            "by_split": {s: {"exact_rate": v} for s, v in (("train", train), ("dev", dev), ("test", test))}}


@pytest.mark.parametrize("board, repaired_exact, loss, expect", [
    (_board(), 1.0, 0.05, [("green", "memorization reached"), ("green", "held-out generalization reached")]),
    (_board(exact=0.4, train=0.9, dev=0.3, test=0.4), 0.4, 0.05,
     [("red", "memorization not reached"), ("amber", "held-out generalization not reached"),
      ("amber", "overfit gradient"), ("amber", "semantic or ordering drift"), ("red", "learned the training")]),
    (_board(exact=0.6, renderable=0.5, truncation=0.3), 0.9, 1.2,
     [("red", "hit the decode budget"), ("blue", "repair adds 30 %"), ("amber", "above 0.5")]),
    (_board(exact=0.9, materialized=0.5), 0.9, None, [("red", "a compiler or probe bug")]),
])
def test_readings_follow_the_seeds_interpretation_rules(board, repaired_exact, loss, expect):
    from engine.report.readings import readings

    got = readings(board, {"overall": {"exact_rate": repaired_exact}}, loss)
    for tone, words in expect:
        assert any(t == tone and words in text for t, text in got), (tone, words, got)
    assert not any("grammar corruption" in text for _, text in got if board["overall"]["budget_truncation_rate"])
