"""Run the default study and write a self-contained HTML report with its data."""

from __future__ import annotations

import datetime as _dt
import html
import json
import time
from pathlib import Path

import xarray as xr
from tqdm.auto import tqdm

from .. import __version__
from ..results import annotate, citations, save
from .body_chapter import STEPS as BODY_STEPS
from .body_chapter import body_chapter
from .chronic_chapter import STEPS as CHRONIC_STEPS
from .chronic_chapter import chronic_chapter
from .common import Report
from .network_chapter import STEPS as NETWORK_STEPS
from .network_chapter import network_chapter
from .people_chapter import STEPS as PEOPLE_STEPS
from .people_chapter import people_chapter
from .synapse_chapter import STEPS as SYNAPSE_STEPS
from .synapse_chapter import synapse_chapter


def run_study(out: Path, seed: int = 20261127, progress: bool = True) -> Path:
    """Run the default study; write ``report.html`` and NetCDF data into ``out``.

    Parameters
    ----------
    out : pathlib.Path
        Output folder (created).
    seed : int
        Root seed of the stochastic runs.
    progress : bool
        Show a progress bar.

    Returns
    -------
    pathlib.Path
        Path of the report.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    rep = Report()
    steps = [*SYNAPSE_STEPS, *BODY_STEPS, *NETWORK_STEPS, *CHRONIC_STEPS, *PEOPLE_STEPS]
    bar = tqdm(total=len(steps), desc="default study", unit="step", disable=not progress)

    def step(name: str) -> None:
        bar.set_postfix_str(name)
        bar.update(1)

    synapse_chapter(rep, out, seed, step)
    body_chapter(rep, out, seed, step)
    network_chapter(rep, out, seed, step)
    chronic_chapter(rep, out, seed, step)
    people_chapter(rep, out, seed, step)
    bar.close()

    # References and provenance
    refs: dict[str, str] = {}
    for ds in rep.results:
        refs.update(citations(ds))
    rep.heading("References of every parameter and model used")
    rep.sections.append(
        "<ol>"
        + "".join(
            f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in sorted(refs.items())
        )
        + "</ol>"
    )
    elapsed = time.perf_counter() - start
    meta = {
        "magsynapse_version": __version__,
        "seed": seed,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed, 1),
        "data": sorted(p.name for p in out.glob("*.nc")),
    }
    summary = annotate(xr.Dataset(), title="magsynapse default study", config=meta, seed=seed)
    save(summary, out / "study.nc")
    page = _PAGE.format(
        version=__version__,
        body="\n".join(rep.sections),
        meta=html.escape(json.dumps(meta, indent=1)),
    )
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>magsynapse report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto;
       line-height: 1.45; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }}
td, th {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }}
th {{ background: #f2f2f2; }}
figure {{ margin: 1.5em 0; }} img {{ max-width: 100%; }}
figcaption {{ font-size: 0.9em; color: #444; }}
pre {{ background: #f7f7f7; padding: 0.6em; font-size: 0.8em; }}
</style></head><body>
<h1>magsynapse {version}: how magnesium shapes what a synapse learns</h1>
{body}
<h2>Run</h2><pre>{meta}</pre>
</body></html>
"""
