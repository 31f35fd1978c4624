"""Figures of the receptor layer. Functions take a result and ``ax=None``, return a figure."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def _axes(ax: Axes | None, size=(5.0, 3.6)) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def plot_block(ds: xr.Dataset, ax: Axes | None = None) -> Figure:
    """B(V) for every [Mg]o of a :func:`~magsynapse.receptors.block_curves` result.

    Examples
    --------
    >>> from magsynapse.receptors import block_curves
    >>> fig = plot_block(block_curves([0.6, 1.2], np.linspace(-100, 40, 50)))
    >>> len(fig.axes)
    1
    """
    fig, ax = _axes(ax)
    colours = _mg_colours(ds.mg.values)
    for mg, colour in zip(ds.mg.values, colours, strict=True):
        ax.plot(ds.v, ds.B.sel(mg=mg), color=colour, label=f"{mg:g} mM")
    ax.set_xlabel("membrane potential V (mV)")
    ax.set_ylabel("unblocked fraction B")
    ax.set_ylim(0, 1.02)
    ax.set_title(ds.attrs.get("title", "NMDA Mg2+ block"), fontsize=9)
    ax.legend(title="[Mg]o", fontsize=8, title_fontsize=8)
    return fig


def _mg_colours(mg: np.ndarray) -> list:
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    if len(mg) == 1:
        return [cmap(0.4)]
    return [cmap(0.9 * i / (len(mg) - 1)) for i in range(len(mg))]
