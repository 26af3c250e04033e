"""What runs in the studio's child processes (studio/jobs.py starts them), without Qt: a child
imports this module for `child_main` and its task, and never loads a Qt binding.

A task is `task(*args, stop) -> events`: a thin call into one of the engine's producers that
yields its events (engine/events.py), stopping between two of them once `stop` (a
multiprocessing Event) is set. A user's mistake the engine raises (a run without checkpoints, a
spec that does not load) reaches the studio as the run's Error, in the engine's words.
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from engine.events import Error, Event, Progress, Result, error_of, to_dict

CHILD_NICE = 5   # the engine's children yield the CPU to the GUI: a 2-core machine stays usable
WATCH_S = 0.25   # how often a child looks whether the studio that started it is still there


def lower_priority() -> None:
    try:
        os.nice(CHILD_NICE)
    except OSError:  # not permitted here: run at the same priority
        pass


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_S)
    os._exit(70)  # reparented: the studio is gone (killed, crashed), and nobody reads what this would send


def child_setup(parent: int) -> None:
    """Every child's first call: a lower priority, and a watch that ends the child once its studio
    is gone. The watch, not PR_SET_PDEATHSIG: that signal fires when the *thread* that started the
    child ends, and the studio starts children from short-lived relay and worker threads."""
    lower_priority()
    if os.getppid() != parent:   # the studio died before this child ran a line
        os._exit(70)
    threading.Thread(target=_watch_parent, args=(parent,), name="ck-parent-watch", daemon=True).start()


def child_main(task, args: tuple, events, stop, parent: int) -> None:
    """A child process's life: run the task, sending each event as a dict on `events`; an
    exception ends the stream as an Error; None closes it."""
    child_setup(parent)
    try:
        for event in task(*args, stop):
            events.put(to_dict(event))
    except Exception as e:  # noqa: BLE001 -- reported to the studio; a silent dead child is worse
        events.put(to_dict(error_of(task.__name__, e)))
    finally:
        events.put(None)


def stoppable(events: Iterator[Event], stop) -> Iterator[Event]:
    """A producer's events until `stop` is set; then it is closed between two events and the
    stream ends with an Error saying so."""
    for event in events:
        yield event
        if isinstance(event, Progress) and stop.is_set():
            events.close()
            yield Error(event.job, f"{event.job} stopped")
            return


def train(spec: str, run_dir: str, resume: bool, max_steps: int, skip_preflight: bool, workspace: str,
          stop) -> Iterator[Event]:
    """Prepare the run (dataset, tokenizer, gates) and train it; the trainer checkpoints before it
    honours `stop`, so it takes the flag itself. The run is the workspace ledger's from its first
    step (as `ck runs record` would register it), its metrics brought up to date at each checkpoint
    and its status at the end, so Runs and the probe gallery list it while it trains."""
    from engine.train.run import prepare_run

    trainer = prepare_run(spec, run_dir or None, resume=resume, skip_preflight=skip_preflight,
                          max_steps=max_steps or None)
    folder = str(trainer.run_dir.folder)
    run_id = record_run(folder, workspace, "training")
    yield Progress("train", None, None, f"in the ledger as {run_id}", {"event": "recorded", "run": run_id})
    status = "failed"
    try:
        for event in trainer.run(stop):
            if isinstance(event, Result):
                status = "stopped" if event.value.get("event") == "stopped" else "finished"
                event = Result(event.job, f"{event.summary} · ledger: {run_id}", event.value)
            elif isinstance(event, Progress) and event.data.get("event") == "checkpoint":
                record_run(folder, workspace, "training")
            if not isinstance(event, (Result, Error)):
                yield event
                continue
            record_run(folder, workspace, status if isinstance(event, Result) else "failed")
            status = ""   # recorded with its verdict
            yield event
    finally:
        if status:   # an exception, or the stream closed early
            record_run(folder, workspace, status)


def record_run(folder: str, workspace: str, status: str) -> str:
    """Register (or refresh) a run folder in the workspace's ledger with this status; its id."""
    from engine.runs.ledger import Ledger
    from engine.runs.record import record_folder

    with Ledger.open(workspace) as ledger:
        run_id = record_folder(ledger, Path(folder))
        ledger.set_status(run_id, status, "trained in the studio")
    return run_id


def preflight(spec: str, out: str, stop) -> Iterator[Event]:
    """The six pre-training gates, each as it is decided, then the verdict."""
    from engine.preflight import run_preflight

    yield from stoppable(run_preflight(Path(spec), Path(out)), stop)


def gate(pack: str, assets: str, stop) -> Iterator[Event]:
    """The gold gate over a pack: each entry as it is scored, then the report as plain data
    (overall, passed, each entry's status): a GateReport would be unpickled in the GUI process,
    importing the gate (scikit-image, scipy: 100k objects that a later collection walks there)."""
    from engine.gold.gate import run_gate
    from engine.gold.pack import load_pack

    for event in stoppable(run_gate(load_pack(Path(pack)), Path(assets), None), stop):
        if isinstance(event, Result):
            report = event.value
            event = Result(event.job, event.summary, {"overall": report.overall, "passed": report.passed,
                                                      "statuses": [e.status for e in report.entries]})
        yield event


def tune(scene: str, content: str, reference: str, seconds: float, stop) -> Iterator[Event]:
    """`ck gold tune` on the editor's texts (unsaved edits included): a Progress per attribute
    tried, then the tuned scene's text and its changes as plain data; stopped, it ends as its time
    would, with the changes kept so far."""
    from engine.dsl import serialize
    from engine.gold.tune import JOB, tune_text

    try:
        values = json.loads(content) if content.strip() else {}
    except json.JSONDecodeError as e:
        yield Error(JOB, f"content.json:{e.lineno}:{e.colno}: {e.msg}")
        return
    # one process: a job's child is a daemon, which multiprocessing lets have no children of its own
    for event in tune_text(scene, values, Path(reference), seconds, 1, stopped=stop.is_set):
        if isinstance(event, Result):
            t = event.value
            event = Result(event.job, event.summary,
                           {"scene": serialize(t.scene), "changes": [c.describe() for c in t.changes]})
        yield event


def sizes(stop) -> Iterator[Event]:
    """The model sizes parity can run (engine.model imports torch, which the GUI process never does)."""
    from engine.model import SIZES

    yield Result("sizes", f"{len(SIZES)} sizes", list(SIZES))


def parity(config: str, dtype: str, vocab: int, out: str, stop) -> Iterator[Event]:
    """`ck parity`'s regimen; each stage as it finishes, then the whole result (written to `out`
    as `ck parity` writes it, so the preflight gate reads a studio run too)."""
    from engine.ck.regimen import DTYPES, Settings, run_regimen, write_result
    from engine.fileio import InputError
    from engine.model import SIZES

    if config not in SIZES:
        raise InputError(f"unknown size {config}; one of {', '.join(SIZES)}")
    cfg = SIZES[config].with_vocab(vocab)
    for event in stoppable(run_regimen(cfg, config, Settings(vocab=vocab, seq=min(32, cfg.ctx)),
                                       DTYPES if dtype == "both" else (dtype,)), stop):
        if isinstance(event, Result) and out:
            write_result(event.value, out)
        yield event


def probe(run_dir: str, constrained: bool, workspace: str, stop) -> Iterator[Event]:
    """`ck probe RUN [--constrained]`: progress as it decodes and scores, then where probe.json
    is, as the Result's value {"path", "recorded"}. A run of the workspace's ledger gets the probe
    recorded, as `ck runs record` would."""
    from engine.probe.result import probe_path
    from engine.probe.runner import run_probe

    for event in stoppable(run_probe(run_dir, None, constrained), stop):
        if isinstance(event, Result):   # the whole ProbeResult stays here: the panel reads the file
            path = probe_path(run_dir, constrained)
            event = Result(event.job, event.summary,
                           {"path": str(path), "recorded": record_in_ledger(path, run_dir, workspace)})
        yield event


def record_in_ledger(path: Path, run_dir: str, workspace: str) -> str:
    """Record the probe in the ledger when the run is one of its runs; what happened, in words."""
    from engine.fileio import InputError
    from engine.paths import Workspace
    from engine.runs.ledger import Ledger

    if not Workspace(workspace).ledger.exists():
        return ""
    with Ledger.open(workspace) as ledger:
        found = ledger.find(run_dir)
        if found is None:
            return ""
        try:
            ledger.record_probe(found["id"], path)
        except InputError as e:   # a champion's frozen results: the file is written, the ledger keeps its own
            return f"not recorded: {e}"
        return f"recorded for {found['id']}"


def report(run: str, workspace: str, out: str, stop) -> Iterator[Event]:
    """`ck report RUN -o OUT`: the run's HTML report, written to OUT (RUN/report.html when
    empty); its absolute path is the Result's value."""
    from engine.report.render import report_run

    path = Path(report_run(run, out or None, workspace)).resolve()
    yield Result("report", f"report written: {path}", str(path))


def score_live(entry, svg: str, assets: str, scene: str = "", content: str = ""):
    """One compiled SVG against its gold entry's reference: (the EntryResult's fields as a
    SimpleNamespace, with `strays`: the reference's words where the page put them, farthest first,
    traced to the refs of `scene` with `content` (engine/gold/strays.py); {kind: PIL image} or None;
    [(role, text)] of the reference). Plain data: an EntryResult would be unpickled in the GUI
    process, importing the gate (scikit-image, scipy: 100k objects a later collection walks on the
    GUI thread). The reference is prepared once per child (cached). Not a task:
    studio.workers.GoldWorker calls it in a process pool that stays up while a person types."""
    from dataclasses import asdict
    from types import SimpleNamespace

    from engine.assets import AssetError
    from engine.fileio import InputError
    from engine.gold.gate import new_result, reference_of, score_svg

    result = new_result(entry)
    images, roles, found = None, [], []
    try:
        path = entry.reference_path(Path(assets))
        if not path.exists():
            result.status, result.reason = "skipped", f"no reference at {path}"
        else:
            reference = reference_of(path)
            scored = score_svg(result, svg, reference)
            images = {k: getattr(scored, k) for k in ("reference", "compiled", "diff")}
            roles = [(t.role, t.text) for t in reference.profile.texts]
            found = _strays(reference.words, svg, scene, content)
    except (InputError, AssetError) as e:
        result.reason = str(e)
    return SimpleNamespace(**asdict(result), strays=found), images, roles


def _strays(reference_words, svg: str, scene: str, content: str) -> list:
    from engine.assets.read import parse_svg
    from engine.compiler.resolve import bind
    from engine.dsl import load
    from engine.gold.strays import strays
    from engine.gold.textplace import words

    doc = load(scene)
    try:
        data = json.loads(content) if content.strip() else {}
    except json.JSONDecodeError:
        data = {}   # the compile reports it; the words are placed all the same, only not traced
    slots = ([s for b in bind(doc.scene, data)[0] for s in b.slots.values()] if doc.scene is not None else [])
    found = strays(reference_words, words(parse_svg(svg.encode(), "compiled.svg")), slots)
    return [{f: getattr(s, f) for f in s.__slots__} for s in found]   # plain data, as the rest


def playground_choices(workspace: str, stop) -> Iterator[Event]:
    """What the playground offers: the ledger's runs (each spec's champion first, then newest
    first) and the topics the frozen probe lists and the gold pack know."""
    from engine.paths import Workspace
    from engine.probe.probe_list import default_list_path, load_probe_list
    from engine.runs.ledger import Ledger
    from engine.workspace import default_gold_pack, entries

    runs: list[dict] = []
    if Workspace(workspace).ledger.exists():
        with Ledger.open(workspace) as ledger:
            runs = sorted(({"id": r["id"], "spec": r["spec"], "champion": r["champion"]} for r in ledger.runs()),
                          key=lambda r: not r["champion"])
    topics: set[str] = set()
    for path in sorted(default_list_path("any").parent.glob("*.json")):   # the frozen lists
        topics |= {t.split(":", 1)[1].rstrip("]") for item in load_probe_list(path).items
                   for t in item.prompt.split() if t.startswith("[topic:")}
    for entry in entries(default_gold_pack()):
        from engine.dsl import load
        from engine.fileio import read_text

        doc = load(read_text(entry.scene_path))
        if doc.scene is not None:
            topics.add(doc.scene.attr("topic"))
    yield Result("playground", f"{len(runs)} runs, {len(topics)} topics", {"runs": runs, "topics": sorted(topics)})


def generate(run: str, workspace: str, prompt: str, constrained: bool, repair: bool, stop) -> Iterator[Event]:
    """One scene for a prompt (engine/inference/generate.py), with the probe list's expected scene
    and content when the prompt is one of its cases, else a content of that topic when one is known,
    else the words of a gold entry of the scene's layout (said so: `words`)."""
    from engine.inference.generate import check_prompt, resolve_run
    from engine.inference.generate import generate as generate_scenes
    from engine.probe.probe_list import default_list_path, load_probe_list
    from engine.probe.weights import load_trained

    run_dir, checkpoint = resolve_run(run, workspace)
    yield Progress("generate", 0, 2, "loading the checkpoint")
    trained = load_trained(run_dir, checkpoint)
    prompt = check_prompt(trained.tokenizer, prompt)
    yield Progress("generate", 1, 2, "decoding")
    g = generate_scenes(trained, prompt, constrained=constrained, repair=repair)[0]
    expected, content = None, None
    list_path = default_list_path(trained.spec) if trained.spec else None
    if list_path is not None and list_path.exists():
        plist = load_probe_list(list_path)
        topic = next((t for t in prompt.split() if t.startswith("[topic:")), None)
        same = [i for i in plist.items if i.prompt == prompt]
        near = same or [i for i in plist.items if topic and topic in i.prompt.split()]
        if near:
            content = plist.content(near[0])
        if same:
            expected = same[0].expected
    words = "the probe list's, of this topic" if content is not None else None
    if content is None and g.scene:
        content, words = _layout_content(g.scene)
    yield Result("generate", f"{g.tokens} tokens in {g.seconds:.2f} s ({g.tokens_per_s:,.0f} tokens/s)",
                 {"generation": g.to_dict(), "expected": expected, "content": content, "words": words,
                  "step": trained.step, "run": str(run_dir)})


def _layout_content(scene: str) -> tuple[dict | None, str | None]:
    """For a topic no content is known of (a new one): the first gold entry of the scene's layout
    lends its words, since a family's refs are the same whatever the topic (as `ck generate
    --content` is given one); refs it lacks stay the compiler's placeholders."""
    from engine.dsl import load
    from engine.fileio import read_json, read_text
    from engine.workspace import default_gold_pack, entries

    layout = load(scene).scene.attr("layout")
    for entry in entries(default_gold_pack()):
        doc = load(read_text(entry.scene_path))
        if doc.scene is not None and doc.scene.attr("layout") == layout and entry.content_path.is_file():
            return read_json(entry.content_path), f"gold entry {entry.name}'s, of the same layout (none of this topic)"
    return None, None
