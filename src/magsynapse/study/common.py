"""Shared pieces of the study chapters: the report builder and formatting helpers."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from ..references import get_source
from ..results import save

MG_LEVELS = [0.6, 0.8, 1.0, 1.2, 2.0]
DT = np.arange(-100.0, 100.0 + 1e-9, 2.0)
FREQS = [0.5, 1, 2, 3, 5, 10, 20, 30, 50, 100]
PREDICTION = "model prediction"


@dataclass
class Report:
    """Sections of HTML accumulated while the study runs."""

    sections: list[str] = field(default_factory=list)
    results: list[xr.Dataset] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> None:
        self.sections.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def text(self, text: str) -> None:
        self.sections.append(f"<p>{text}</p>")

    def figure(self, fig: Figure, caption: str) -> None:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        data = base64.b64encode(buf.getvalue()).decode()
        self.sections.append(
            f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        self.sections.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def fmt(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def cite(key: str) -> str:
    src = get_source(key)
    label = src.citation.split(".")[0].split("(")[0].strip()
    year = src.citation.split("(")[1].split(")")[0] if "(" in src.citation else ""
    return html.escape(f"{label} {year}".strip())


def write_result(ds: xr.Dataset, out: Path, name: str, report: Report) -> xr.Dataset:
    save(ds, out / f"{name}.nc")
    report.results.append(ds)
    return ds
