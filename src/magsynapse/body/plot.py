"""Figures of the body layer. Functions take a result and ``ax=None``, return a figure."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..results import quantiles

PANELS = (
    ("serum_total", "serum total Mg (mM)"),
    ("csf", "CSF Mg (mM)"),
    ("mg_i", "free intraneuronal Mg (mM)"),
)


def _time_axis(ds: xr.Dataset) -> tuple[np.ndarray, str]:
    t = ds.time.values
    return (t / 24.0, "time (days)") if t[-1] > 72 else (t, "time (h)")


def plot_pk(
    ds: xr.Dataset, axes: list[Axes] | None = None, variables: tuple[tuple[str, str], ...] = PANELS
) -> Figure:
    """Serum, CSF and intraneuronal Mg over time; bands when the result has samples, one
    line per salt when it has a ``salt`` dimension.

    Examples
    --------
    >>> from magsynapse.body import compare
    >>> fig = plot_pk(compare(["oxide", "citrate"], dose_elemental="300mg/day", days=1))
    >>> len(fig.axes)
    3
    """
    if axes is None:
        fig = Figure(figsize=(4.2 * len(variables), 3.3), layout="constrained")
        axes = list(fig.subplots(1, len(variables)))
    fig = axes[0].figure
    t, label = _time_axis(ds)
    salts = list(ds.salt.values) if "salt" in ds.dims else [None]
    for ax, (name, ylabel) in zip(axes, variables, strict=True):
        for i, salt in enumerate(salts):
            sub = ds.sel(salt=salt) if salt is not None else ds
            colour = f"C{i}"
            if f"{name}_band" in sub:
                band = sub[f"{name}_band"]
                ax.fill_between(
                    t,
                    band.sel(quantile=0.05),
                    band.sel(quantile=0.95),
                    color=colour,
                    alpha=0.2,
                    lw=0,
                )
                ax.plot(t, band.sel(quantile=0.5), color=colour, label=salt or "median")
            else:
                ax.plot(t, sub[name], color=colour, label=salt)
        ax.set_xlabel(label)
        ax.set_ylabel(ylabel)
    if salts[0] is not None or any(f"{n}_band" in ds for n, _ in variables):
        axes[0].legend(fontsize=8)
    fig.suptitle(ds.attrs.get("title", ""), fontsize=9)
    return fig


def plot_barrier(ds: xr.Dataset, ax: Axes | None = None) -> Figure:
    """CSF Mg relative to its baseline during a plasma clamp.

    Examples
    --------
    >>> from magsynapse.body import barrier
    >>> len(plot_barrier(barrier(hours=2.0)).axes)
    1
    """
    if ax is None:
        fig = Figure(figsize=(4.6, 3.3), layout="constrained")
        ax = fig.add_subplot()
    fig = ax.figure
    rel = ds.csf / ds.csf.isel(time=0) - 1.0
    if "sample" in rel.dims:
        q = quantiles(rel, [0.05, 0.5, 0.95], "sample")
        ax.fill_between(
            ds.time, 100 * q.sel(quantile=0.05), 100 * q.sel(quantile=0.95), alpha=0.2, lw=0
        )
        rel = q.sel(quantile=0.5)
    ax.plot(ds.time, 100 * rel)
    ax.set_xlabel("time (h)")
    ax.set_ylabel("CSF Mg change (%)")
    ax.set_title(ds.attrs.get("title", ""), fontsize=9)
    return fig
