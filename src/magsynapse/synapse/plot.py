"""Figures of the synapse layer. Functions take a result and ``ax=None``, return a figure."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..receptors.plot import _axes, _mg_colours

_LABELS = {
    "dt": "Δt = t_post − t_pre (ms)",
    "freq": "presynaptic frequency (Hz)",
    "hold": "holding potential (mV)",
    "bursts": "theta bursts",
}


def plot_change(ds: xr.Dataset, x: str | None = None, ax: Axes | None = None) -> Figure:
    """Relative synaptic change versus a protocol variable, one line per [Mg]o.

    Extra dimensions (``set``, or ``freq`` of a multi-frequency STDP run) become panels
    when ``ax`` is None. Stochastic results show ± 1 standard error as a band.

    Examples
    --------
    >>> from magsynapse.synapse import stdp
    >>> fig = plot_change(stdp(np.arange(-50, 51, 10.0), mg=[0.8, 1.2]))
    >>> len(fig.axes)
    1
    """
    change = ds["change"]
    x = x or [d for d in change.dims if d not in ("mg", "set")][-1]
    extra = [d for d in change.dims if d not in ("mg", x)]
    panels = [{}]
    if extra:
        grids = np.meshgrid(*[ds[d].values for d in extra], indexing="ij")
        panels = [
            dict(zip(extra, vals, strict=True))
            for vals in zip(*[g.ravel() for g in grids], strict=True)
        ]
    if ax is None:
        n = len(panels)
        cols = min(n, 3)
        rows = int(np.ceil(n / cols))
        fig = Figure(figsize=(4.6 * cols, 3.4 * rows), layout="constrained")
        axes = [fig.add_subplot(rows, cols, i + 1) for i in range(n)]
    else:
        fig, axes = ax.figure, [ax] * len(panels)
    colours = _mg_colours(ds.mg.values)
    for panel, a in zip(panels, axes, strict=True):
        sub = ds.sel(panel) if panel else ds
        for mg, colour in zip(ds.mg.values, colours, strict=True):
            line = sub.change.sel(mg=mg)
            a.plot(
                sub[x],
                line,
                color=colour,
                marker="." if sub[x].size < 60 else None,
                label=f"{mg:g} mM",
            )
            if "change_se" in sub:
                se = sub.change_se.sel(mg=mg)
                a.fill_between(sub[x], line - se, line + se, color=colour, alpha=0.25, lw=0)
        a.axhline(1.0, color="0.5", lw=0.8, ls="--")
        if x == "dt":
            a.axvline(0.0, color="0.5", lw=0.8, ls="--")
        if x == "freq":
            a.set_xscale("log")
        a.set_xlabel(_LABELS.get(x, x))
        a.set_ylabel("synaptic change (after/before)")
        title = ", ".join(f"{k} = {v}" for k, v in panel.items())
        a.set_title(title or ds.attrs.get("title", ""), fontsize=9)
    axes[0].legend(title="[Mg]o", fontsize=8, title_fontsize=8)
    return fig


def plot_snr(ds: xr.Dataset, ax: Axes | None = None) -> Figure:
    """Calcium signal-to-noise and the two calcium entries versus [Mg]o.

    Examples
    --------
    >>> from magsynapse.synapse import snr
    >>> len(plot_snr(snr([0.6, 1.0, 1.4])).axes)
    2
    """
    fig, a = _axes(ax)
    a.plot(ds.mg, ds.snr, "o-", color="C3")
    a.set_xlabel("[Mg]o (mM)")
    a.set_ylabel("SNR = correlated / uncorrelated entry", color="C3")
    twin = a.twinx()
    twin.plot(ds.mg, ds.entry_correlated, "s--", color="C0", ms=3, label="pre then post")
    twin.plot(ds.mg, ds.entry_uncorrelated, "^--", color="C2", ms=3, label="pre alone")
    twin.set_ylabel(f"calcium entry ({ds.entry_correlated.attrs.get('units', '')})")
    twin.legend(fontsize=8)
    a.set_title("Synaptic calcium signal-to-noise (Slutsky 2004 mechanism)", fontsize=9)
    return fig
