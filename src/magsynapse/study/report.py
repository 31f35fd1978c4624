"""Run the default study and write a self-contained HTML report with its data, in every
language asked for."""

from __future__ import annotations

import datetime as _dt
import html
import json
import multiprocessing
import os
import re
import threading
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import jinja2
import numba
import xarray as xr
from markupsafe import Markup
from tqdm.auto import tqdm

from .. import __version__
from ..claims import audit, to_dataset
from ..errors import MagsynapseError, MagsynapseRunError
from ..i18n import LANGUAGES, _, render, translator
from ..references import get_source
from ..results import annotate, citations, own_folder, save
from . import body_chapter, chronic_chapter, network_chapter, people_chapter, synapse_chapter
from .claims_chapter import claims_chapter, summary_section
from .common import PLANS, FigureBlock, Heading, Paragraph, Plan, Report, Table

#: The report's sections, in page order (chapters 1–5).
SECTIONS = (
    *synapse_chapter.SECTIONS,
    *body_chapter.SECTIONS,
    *network_chapter.SECTIONS,
    *chronic_chapter.SECTIONS,
    *people_chapter.SECTIONS,
)
PLAN_NAMES = {"full": _("full"), "quick": _("quick")}
TITLE = _("magsynapse {version}: how magnesium shapes what a synapse learns")


def report_name(lang: str) -> str:
    """The report's file name in language ``lang``: ``report.html`` for English,
    ``report.<lang>.html`` otherwise."""
    return "report.html" if lang == "en" else f"report.{lang}.html"


def run_study(
    out: Path,
    seed: int = 20261127,
    progress: bool = True,
    plan: str | Plan = "full",
    languages: Sequence[str] = ("en", "hi"),
    workers: int = 1,
) -> dict[str, Path]:
    """Run the default study; write its reports and NetCDF data into ``out``.

    Parameters
    ----------
    out : pathlib.Path
        Output folder: new, empty, or a previous study's (marked by a
        ``.magsynapse-study`` file); a folder with other files, the root and the home
        folder are refused before any work.
    seed : int
        Root seed of the stochastic runs.
    progress : bool
        Show a progress bar.
    plan : str or Plan
        The study's sizes: ``"full"`` (``make run``) or ``"quick"`` (the same chapters
        with smaller grids and fewer samples, for trying the tool), a key of
        :data:`~magsynapse.study.common.PLANS`.
    languages : sequence of str
        Languages of the report (keys of :data:`~magsynapse.i18n.LANGUAGES`); each is
        written as :func:`report_name`, linked to the others.
    workers : int
        The report's :data:`SECTIONS` run side by side in this many processes: this one
        and ``workers - 1`` worker processes, each with its share of the cores for the
        compiled kernels (1: all in this process). Every section draws from its own
        seeded streams, so the results and the report are the same for any number of
        workers. Worker processes import the main module: call from under
        ``if __name__ == "__main__":`` when ``workers > 1``.

    Returns
    -------
    dict of str to pathlib.Path
        The report of each language.
    """
    plan = plan if isinstance(plan, Plan) else PLANS[plan]
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise MagsynapseError(f"workers: must be an integer >= 1, got {workers!r}")
    languages = list(dict.fromkeys(languages))
    tr = {code: translator(code) for code in languages}  # fail before the work
    out = own_folder(Path(out), MARKER, "a study")
    start = time.perf_counter()
    rep = _run_sections(out, seed, plan, workers, progress)

    assessments = audit(rep.results)
    table = to_dataset(assessments, config={"seed": seed, "plan": plan.name})
    save(table, out / "claims.nc")
    head = Report()
    summary_section(head, assessments, rep.results)
    claims = Report()
    claims_chapter(claims, assessments)

    refs: dict[str, str] = {}
    for ds in (*rep.results.values(), table):
        refs.update(citations(ds))
    elapsed = time.perf_counter() - start
    meta = {
        "magsynapse_version": __version__,
        "seed": seed,
        "plan": plan.name,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed, 1),
        "data": sorted(p.name for p in out.glob("*.nc")),
    }
    summary = annotate(xr.Dataset(), title="magsynapse default study", config=meta, seed=seed)
    save(summary, out / "study.nc")
    paths = {}
    for code in languages:
        page = render_page(head, claims.blocks + rep.blocks, refs, meta, code, tr[code], languages)
        path = out / report_name(code)
        path.write_text(page, encoding="utf-8")
        paths[code] = path
    return paths


#: The file that marks a folder as a study's (written first, so that an interrupted
#: study's folder is still recognised).
MARKER = ".magsynapse-study"


def _worker_threads(threads: int) -> None:
    """Give a process its share of the cores for the compiled kernels."""
    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))


def _section(index: int, out: Path, seed: int, plan: Plan) -> Report:
    """Run section ``index`` of :data:`SECTIONS` into a report of its own."""
    rep = Report()
    SECTIONS[index].run(rep, out, seed, lambda name: None, plan)
    return rep


def _run_sections(out: Path, seed: int, plan: Plan, workers: int, progress: bool) -> Report:
    """Every section, in page order, in this process or in ``workers`` processes."""
    rep = Report()
    steps = sum(len(s.steps) for s in SECTIONS)
    bar = tqdm(total=steps, desc=f"{plan.name} study", unit="step", disable=not progress)
    if workers == 1:

        def step(name: str) -> None:
            bar.set_postfix_str(name)
            bar.update(1)

        for section in SECTIONS:
            section.run(rep, out, seed, step, plan)
        bar.close()
        return rep
    parts: dict[int, Report] = {}
    # the longest sections first, so that the short ones fill in beside them; this
    # process runs sections too, beside workers - 1 worker processes
    pending = deque(sorted(range(len(SECTIONS)), key=lambda i: -SECTIONS[i].cost))
    lock = threading.Lock()
    failed: list[BaseException] = []

    def take() -> int | None:
        with lock:
            return pending.popleft() if pending and not failed else None

    def done(i: int, part: Report) -> None:
        with lock:
            parts[i] = part
            bar.set_postfix_str(SECTIONS[i].steps[-1])
            bar.update(len(SECTIONS[i].steps))

    def feed(pool: ProcessPoolExecutor) -> None:
        """Keep one section in flight on one worker process until none is left."""
        try:
            while (i := take()) is not None:
                done(i, pool.submit(_section, i, out, seed, plan).result())
        except BaseException as exc:  # re-raised by the main thread
            failed.append(exc)

    threads = max(1, (os.cpu_count() or 1) // workers)
    own = numba.get_num_threads()
    try:
        with ProcessPoolExecutor(
            max_workers=workers - 1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_threads,
            initargs=(threads,),
        ) as pool:
            feeders = [
                threading.Thread(target=feed, args=(pool,), daemon=True) for _ in range(workers - 1)
            ]
            for t in feeders:
                t.start()
            _worker_threads(threads)
            while (i := take()) is not None:
                done(i, _section(i, out, seed, plan))
            for t in feeders:
                t.join()
        if failed:
            raise failed[0]
    except BrokenProcessPool as exc:
        raise MagsynapseRunError(
            "a section's worker process stopped; with workers > 1, call run_study from "
            'under `if __name__ == "__main__":` (worker processes import the main '
            "module), or use workers=1"
        ) from exc
    finally:
        numba.set_num_threads(own)
        bar.close()
    for i in range(len(SECTIONS)):
        rep.blocks += parts[i].blocks
        rep.results.update(parts[i].results)
        rep.files.update(parts[i].files)
    return rep


def _plain(text: str) -> str:
    """Text of an HTML fragment, for alt attributes."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _block(b, tr) -> dict:
    if isinstance(b, Heading):
        return {
            "kind": "heading",
            "level": b.level,
            "anchor": b.anchor,
            "text": Markup(render(b.text, tr)),
        }
    if isinstance(b, Paragraph):
        return {"kind": "paragraph", "text": Markup(render(b.text, tr))}
    if isinstance(b, FigureBlock):
        return {
            "kind": "figure",
            "png": b.png,
            "caption": Markup(render(b.caption, tr)),
            "alt": _plain(render(b.alt, tr)),
        }
    if isinstance(b, Table):
        header = [Markup(render(h, tr)) for h in b.header]
        return {
            "kind": "table",
            "cards": b.cards,
            "header": header,
            "labels": [_plain(h) for h in header],
            "rows": [[Markup(render(c, tr)) for c in row] for row in b.rows],
        }
    raise TypeError(f"not a report block: {b!r}")


def _toc(blocks: list[dict]) -> list[dict]:
    toc: list[dict] = []
    for b in blocks:
        if b["kind"] != "heading":
            continue
        entry = {"anchor": b["anchor"], "text": b["text"], "children": []}
        if b["level"] == 2 or not toc:
            toc.append(entry)
        elif b["level"] == 3:
            toc[-1]["children"].append(entry)
    return toc


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("magsynapse.study", "templates"),
    autoescape=True,
    extensions=["jinja2.ext.i18n"],
    trim_blocks=False,
)


def render_page(
    head: Report,
    blocks: list,
    refs: dict[str, str],
    meta: dict,
    lang: str,
    tr,
    languages: Sequence[str],
) -> str:
    """One language's report page from the study's blocks (see :func:`run_study`)."""
    _ENV.install_gettext_translations(tr, newstyle=True)
    body = [_block(b, tr) for b in blocks]
    summary = [_block(b, tr) for b in head.blocks]
    references = []
    for key in sorted(refs):
        src = get_source(key)
        link = f"https://doi.org/{src.doi}" if src.doi else src.url
        references.append({"key": key, "citation": src.citation, "link": link})
    others = [
        {"code": c, "native": LANGUAGES[c].native, "href": report_name(c)}
        for c in languages
        if c != lang
    ]
    run_text = _(
        "magsynapse {version}, plan “{plan}”, seed {seed}; the data of every chapter are "
        "in the NetCDF files beside this page, each carrying its configuration, seed and "
        "sources."
    ).format(
        version=__version__, plan=PLAN_NAMES.get(meta["plan"], meta["plan"]), seed=meta["seed"]
    )
    return _ENV.get_template("report.html.j2").render(
        lang=LANGUAGES[lang],
        title=_plain(render(TITLE.format(version=__version__), tr)),
        others=others,
        summary=summary,
        toc=_toc(summary + body),
        blocks=body,
        references=references,
        run_text=Markup(render(run_text, tr)),
        meta=json.dumps(meta, indent=1),
    )
