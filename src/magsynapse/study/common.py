"""Shared pieces of the study chapters: the report's blocks, the study plans and
formatting helpers.

A chapter adds blocks (headings, paragraphs, figures, tables) whose text is a
:class:`~magsynapse.i18n.Msg`; the report is rendered from the blocks once per language.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from ..i18n import Msg, _
from ..provenance import Registry
from ..results import save

MG_LEVELS = [0.6, 0.8, 1.0, 1.2, 2.0]
DT = np.arange(-100.0, 100.0 + 1e-9, 2.0)
FREQS = [0.5, 1, 2, 3, 5, 10, 20, 30, 50, 100]
PREDICTION = _("model prediction")
PUBLISHED = _("published")
YES, NO = _("yes"), _("NO")

Cell = str | Msg


@dataclass(frozen=True)
class Plan:
    """The sizes of a study: how many samples, seeds and replicates each chapter runs.

    The chapters and their experiments are the same in every plan; only the sizes differ.
    """

    name: str
    stochastic_reps: int
    mg_levels: tuple[float, ...]
    stdp_dt: np.ndarray
    freqs: tuple[float, ...]
    pairing_step: float
    pk_samples: int
    rat_pk_samples: int
    network_T: float
    seizure_T: float
    seizure_mg: tuple[float, ...]
    memory_mg: tuple[float, ...]
    memory_seeds: int
    snr_mg: tuple[float, ...]
    chronic_gains: tuple[float, ...]
    chronic_sessions: tuple[float, ...]
    chronic_network_seeds: int
    rat_samples: int
    sleep_seeds: int
    decomposition_seeds: int
    cohort: int
    liu_replicates: int
    pathway_replicates: int
    hausenblas_replicates: int
    power_sizes: tuple[int, ...]
    power_replicates: int


PLANS: Registry[Plan] = Registry("study plan")
PLANS.register(
    "full",
    Plan(
        name="full",
        stochastic_reps=1000,
        mg_levels=tuple(MG_LEVELS),
        stdp_dt=DT,
        freqs=tuple(FREQS),
        pairing_step=1.0,
        pk_samples=100,
        rat_pk_samples=200,
        network_T=1.0,
        seizure_T=3.0,
        seizure_mg=(0.0, 0.1, 0.2, 0.5, 1.0, 2.0),
        memory_mg=(0.6, 0.7, 0.8, 1.0, 1.25, 1.5, 2.0),
        memory_seeds=2,
        snr_mg=(0.3, 0.5, 0.7, 1.0, 1.5, 2.0),
        chronic_gains=(0.25, 1.0, 4.0),
        chronic_sessions=(0, 3, 7, 14, 28),
        chronic_network_seeds=2,
        rat_samples=8,
        sleep_seeds=3,
        decomposition_seeds=3,
        cohort=400,
        liu_replicates=150,
        pathway_replicates=30,
        hausenblas_replicates=50,
        power_sizes=(20, 60, 120, 240),
        power_replicates=20,
    ),
)
PLANS.register(
    "quick",
    Plan(
        name="quick",
        stochastic_reps=200,
        mg_levels=(0.8, 1.0, 1.2),
        stdp_dt=np.arange(-100.0, 100.0 + 1e-9, 10.0),
        freqs=(1, 10, 100),
        pairing_step=5.0,
        pk_samples=10,
        rat_pk_samples=20,
        network_T=0.3,
        seizure_T=0.5,
        seizure_mg=(0.0, 1.0),
        memory_mg=(1.0, 1.25),
        memory_seeds=1,
        snr_mg=(0.5, 2.0),
        chronic_gains=(1.0,),
        chronic_sessions=(0, 14),
        chronic_network_seeds=1,
        rat_samples=2,
        sleep_seeds=1,
        decomposition_seeds=1,
        cohort=100,
        liu_replicates=4,
        pathway_replicates=2,
        hausenblas_replicates=4,
        power_sizes=(20, 40),
        power_replicates=3,
    ),
)


@dataclass(frozen=True)
class Heading:
    text: Msg
    level: int
    anchor: str


@dataclass(frozen=True)
class Paragraph:
    text: Msg


@dataclass(frozen=True)
class FigureBlock:
    png: str  # base64
    caption: Msg
    alt: Msg


@dataclass(frozen=True)
class Table:
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    cards: bool = False  # at phone width, one card per row (each cell under its header)


Block = Heading | Paragraph | FigureBlock | Table


def _slug(text: str) -> str:
    plain = re.sub(r"<[^>]+>|&[a-z]+;", "", text).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:48] or "section"


@dataclass
class Report:
    """The blocks of a report, added while the study runs, and the results they show."""

    blocks: list[Block] = field(default_factory=list)
    results: dict[str, xr.Dataset] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # result name → its data file

    def heading(self, text: Msg, level: int = 2, anchor: str | None = None) -> str:
        """Add a heading; returns its anchor (``anchor``, or a slug of the English text)."""
        base = anchor or _slug(text.text)
        taken = {b.anchor for b in self.blocks if isinstance(b, Heading)}
        name, k = base, 2
        while name in taken:
            name, k = f"{base}-{k}", k + 1
        self.blocks.append(Heading(text, level, name))
        return name

    def text(self, text: Msg) -> None:
        self.blocks.append(Paragraph(text))

    def figure(self, fig: Figure, caption: Msg, alt: Msg | None = None) -> None:
        """Add a figure; its alt text is ``alt`` or, by default, the caption."""
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        data = base64.b64encode(buf.getvalue()).decode()
        self.blocks.append(FigureBlock(data, caption, alt or caption))

    def table(
        self, header: Sequence[Cell], rows: Sequence[Sequence[Cell]], cards: bool = False
    ) -> None:
        """Add a table; with ``cards``, each row reads as a card at phone width."""
        self.blocks.append(Table(tuple(header), tuple(tuple(r) for r in rows), cards))


#: A section's progress callback: called with the name of each step as it ends.
StepFn = Callable[[str], None]


@dataclass(frozen=True)
class Section:
    """A part of the report that runs on its own, in this process or a worker.

    ``run(rep, out, seed, step, plan)`` adds its blocks and results to ``rep``, writes
    its data into ``out`` and calls ``step`` after each of its ``steps``. Sections draw
    from their own seeded streams, so they may run in any order or process. ``cost`` is
    its time on one core in the quick plan (s, measured), for scheduling only.
    """

    run: Callable[[Report, Path, int, StepFn, Plan], None]
    steps: tuple[str, ...]
    cost: float


def fmt(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def passed(ok: bool) -> Msg:
    return YES if ok else NO


def write_result(ds: xr.Dataset, out: Path, name: str, report: Report) -> xr.Dataset:
    """Save ``ds`` as ``out/name.nc`` and keep it for the claims audit."""
    save(ds, out / f"{name}.nc")
    report.results[name] = ds
    report.files[name] = f"{name}.nc"
    return ds
