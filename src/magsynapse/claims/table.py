"""The claims audit as a table: records (JSON) and a dataset (NetCDF), in a language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import xarray as xr

from .. import __version__
from ..errors import MagsynapseError
from ..i18n import render, translator
from ..results import annotate, load
from .audit import CAVEATS, SOURCES, VERDICTS, Assessment


def load_results(folder: Path) -> dict[str, xr.Dataset]:
    """The study results in ``folder`` (its ``*.nc`` files, by file stem).

    Raises
    ------
    MagsynapseError
        If the folder holds no results.
    """
    folder = Path(folder)
    files = sorted(folder.glob("*.nc"))
    if not folder.is_dir() or not files:
        raise MagsynapseError(
            f"{folder} holds no study results; run `magsynapse study --out {folder}` "
            "(or add `--quick`) first"
        )
    return {f.stem: load(f) for f in files}


def to_records(
    assessments: Sequence[Assessment], lang: str = "en", report: str = "report.html"
) -> list[dict]:
    """One dict per claim, its text in language ``lang``.

    Each record has ``id``, ``text`` (the claim), ``scale``, ``experiment``, ``verdict`` (the key of
    :data:`~magsynapse.claims.VERDICTS`), ``verdict_label``, ``numbers`` (empty where no
    number decides), ``reason``, ``computed`` (whether a rule on the numbers gave the
    verdict), ``caveats`` (labels), ``evidence`` (the report section) and ``data`` (the
    result files).
    """
    tr = translator(lang)
    rows = []
    for a in assessments:
        c, f = a.claim, a.finding
        rows.append(
            {
                "id": c.id,
                "text": render(c.text, tr),
                "scale": render(c.scale, tr),
                "experiment": render(c.experiment, tr),
                "verdict": f.verdict,
                "verdict_label": render(VERDICTS[f.verdict].label, tr),
                "numbers": "" if f.numbers is None else render(f.numbers, tr),
                "reason": render(f.reason, tr),
                "computed": f.computed,
                "caveats": [render(CAVEATS[k].label, tr) for k in c.caveats],
                "evidence": f"{report}#{c.anchor}",
                "data": [f"{d}.nc" for d in c.data],
            }
        )
    return rows


#: What each column of the audit's dataset holds.
COLUMNS = {
    "text": "the claim, paraphrased",
    "scale": "biological scale of the claim",
    "experiment": "experiment that tests the claim",
    "verdict": "verdict key",
    "verdict_label": "verdict",
    "numbers": "numbers the verdict rests on",
    "reason": "reason for the verdict",
    "computed": "verdict computed by a rule on the numbers",
    "caveats": "caveats",
    "evidence": "report section with the evidence",
    "data": "result files of the evidence",
}


def to_dataset(
    assessments: Sequence[Assessment],
    lang: str = "en",
    report: str = "report.html",
    config: Mapping | None = None,
) -> xr.Dataset:
    """The audit as a dataset over ``claim`` (strings in language ``lang``), annotated
    with the package version and the study it was judged from (``config``)."""
    rows = to_records(assessments, lang, report)
    if not rows:
        raise MagsynapseError("no claims to write")
    data = {
        k: ("claim", [("; ".join(r[k]) if isinstance(r[k], list) else r[k]) for r in rows])
        for k in rows[0]
        if k != "id"
    }
    ds = xr.Dataset(data, coords={"claim": [r["id"] for r in rows]})
    ds["computed"] = ds.computed.astype(bool)
    for name, long_name in COLUMNS.items():
        ds[name].attrs["long_name"] = long_name
    ds.attrs["language"] = lang
    return annotate(
        ds,
        title="claims audit",
        config={"language": lang, "magsynapse_version": __version__, **dict(config or {})},
        references=SOURCES,
        seed=None,
    )
