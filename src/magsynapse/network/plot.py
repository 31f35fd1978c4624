"""Figures of the network layer. Functions take a result and ``ax=None``, return a figure."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure


def plot_network(ds: xr.Dataset, max_neurons: int = 200) -> Figure:
    """Raster of the first neurons and the population rates; with an ``mg`` dimension,
    one row per [Mg]o (first seed).

    Examples
    --------
    >>> from magsynapse.network import load_config, simulate_network
    >>> cfg = load_config("mgnet").replace(network={"N": 100})
    >>> len(plot_network(simulate_network(cfg, T=0.1, seed=1)).axes)
    2
    """
    if "seed" in ds.dims:
        ds = ds.isel(seed=0)
    rows = [ds.sel(mg=m) for m in ds.mg.values] if "mg" in ds.dims else [ds]
    fig = Figure(figsize=(9.0, 2.6 * len(rows)), layout="constrained")
    axes = fig.subplots(len(rows), 2, squeeze=False, width_ratios=[2, 1])
    for (ax_r, ax_p), sub in zip(axes, rows, strict=True):
        if "spike_t" in sub:
            sel = (sub.spike_i.values >= 0) & (sub.spike_i.values < max_neurons)
            ax_r.plot(sub.spike_t.values[sel], sub.spike_i.values[sel], "|", ms=2, color="k")
        ax_r.set_xlabel("time (s)")
        ax_r.set_ylabel(f"neuron (first {max_neurons})")
        mg = float(sub.mg) if "mg" in sub.coords else np.nan
        ax_r.set_title(
            f"[Mg]o = {mg:g} mM: E {float(sub.rate_E):.1f} Hz, "
            f"I {float(sub.rate_I):.1f} Hz, mean rho {float(sub.rho_mean):.3f}",
            fontsize=9,
        )
        for pop, colour in (("E", "C3"), ("I", "C0")):
            ax_p.plot(sub.time, sub.rate.sel(population=pop), color=colour, label=pop)
        ax_p.set_xlabel("time (s)")
        ax_p.set_ylabel("population rate (Hz)")
        ax_p.legend(fontsize=8)
    return fig


def plot_hyperexcitability(ds: xr.Dataset) -> Figure:
    """Event share, synchrony and excitotoxic load versus [Mg]o (seed mean ± s.d.).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset({k: (("mg", "seed"), np.ones((2, 1))) for k in
    ...                  ("event_fraction", "synchrony", "ca_load_E")},
    ...                 coords={"mg": [0.0, 1.0], "seed": [1]})
    >>> len(plot_hyperexcitability(ds).axes)
    3
    """
    fig = Figure(figsize=(11.0, 3.2), layout="constrained")
    axes = fig.subplots(1, 3)
    panels = (
        ("event_fraction", "share of time in seizure-like events"),
        ("synchrony", "synchrony index χ"),
        ("ca_load_E", "excitotoxic load per E neuron (pC)"),
    )
    for ax, (name, label) in zip(axes, panels, strict=True):
        mean = ds[name].mean("seed")
        sd = ds[name].std("seed")
        ax.errorbar(ds.mg, mean, yerr=sd, marker="o", capsize=3)
        ax.set_xlabel("[Mg]o (mM)")
        ax.set_ylabel(label)
    axes[2].set_yscale("symlog", linthresh=1.0)
    fig.suptitle(ds.attrs.get("title", ""), fontsize=9)
    return fig
