"""Figures of chronic runs: slow states over the weeks and the sessions' recall."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

PANELS = (
    ("mg_o", "brain [Mg]o (mM)"),
    ("f_2b", "GluN2B share"),
    ("synapse_density", "release sites (relative)"),
)
COLOURS = {"control": "0.45", "treated": "tab:red"}


def _lines(ax, da: xr.DataArray, x: np.ndarray, **kw) -> None:
    """A line per arm (median and 5-95 % band over samples when there are samples)."""
    for arm in da.arm.values:
        y = da.sel(arm=arm)
        colour = COLOURS.get(str(arm), None)
        if "sample" in y.dims:
            q = y.quantile([0.05, 0.5, 0.95], dim="sample").values
            ax.fill_between(x, q[0], q[2], color=colour, alpha=0.25, lw=0)
            ax.plot(x, q[1], color=colour, label=str(arm), **kw)
        else:
            ax.plot(x, y.values, color=colour, label=str(arm), **kw)


def plot_chronic(ds: xr.Dataset) -> Figure:
    """Brain [Mg]o, GluN2B share and release sites over days, and recall at each
    session, per arm (and age, as rows).

    Examples
    --------
    >>> from magsynapse.chronic import chronic
    >>> ds = chronic("rat", mg_clamp=1.2, days=1, sessions=[0, 1], pathways="homeostasis")
    >>> len(plot_chronic(ds).axes)
    4
    """
    ages = list(ds.age.values) if "age" in ds.dims else [None]
    fig = Figure(figsize=(15, 3.2 * len(ages)), layout="constrained")
    grid = np.atleast_2d(fig.subplots(len(ages), len(PANELS) + 1))
    for row, age in zip(grid, ages, strict=True):
        sub = ds if age is None else ds.sel(age=age)
        t = sub.time.values
        for ax, (name, label) in zip(row, PANELS, strict=False):
            _lines(ax, sub[name], t)
            ax.set_xlabel("day")
            ax.set_ylabel(label)
            if age is not None:
                ax.set_title(str(age), fontsize=9)
        ax = row[-1]
        _lines(ax, sub.recall, sub.session.values, marker="o")
        ax.set_xlabel("session (day)")
        ax.set_ylabel("recall (AUC)")
        row[0].legend(frameon=False, fontsize=8)
    fig.suptitle(ds.attrs.get("title", "chronic regimen"), fontsize=10)
    return fig
