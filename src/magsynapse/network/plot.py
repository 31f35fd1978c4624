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


def _mean_sd(ax, da, **kw):
    """Seed mean ± s.d. of ``da`` against [Mg]o."""
    ax.errorbar(da.mg, da.mean("seed"), yerr=da.std("seed"), marker="o", capsize=3, **kw)


def _mark_runaway(ax, ds):
    for m in ds.mg.values[ds.runaway.any("seed").values]:
        ax.axvspan(m - 0.05, m + 0.05, color="0.85", zorder=0)


def plot_memory(ds: xr.Dataset) -> Figure:
    """Learned efficacies, recall score and working-memory duration versus [Mg]o (seed
    mean ± s.d.; grey: runaway networks).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> v = (("mg", "seed"), np.full((2, 1), 0.5))
    >>> ds = xr.Dataset({k: v for k in ("rho_assembly", "rho_other", "recall",
    ...                  "recall_naive", "wm_duration")}, coords={"mg": [1.0, 2.0], "seed": [1]})
    >>> ds["runaway"] = (("mg", "seed"), np.zeros((2, 1), bool))
    >>> len(plot_memory(ds).axes)
    3
    """
    fig = Figure(figsize=(11.0, 3.2), layout="constrained")
    a, b, c = fig.subplots(1, 3)
    _mean_sd(a, ds.rho_assembly, label="inside the assembly")
    _mean_sd(a, ds.rho_other, label="all other E→E")
    a.set_ylabel("learned efficacy ρ")
    a.legend(fontsize=8)
    _mean_sd(b, ds.recall, label="after encoding")
    _mean_sd(b, ds.recall_naive, label="untrained (control)")
    b.axhline(0.5, color="0.5", lw=0.8, ls=":")
    b.set_ylabel("recall score (AUC, 0.5 = chance)")
    b.legend(fontsize=8)
    _mean_sd(c, ds.wm_duration)
    c.set_ylabel("persistent activity after the cue (s)")
    for ax in (a, b, c):
        ax.set_xlabel("[Mg]o (mM)")
        _mark_runaway(ax, ds)
    fig.suptitle(ds.attrs.get("title", ""), fontsize=9)
    return fig


def plot_signal_to_noise(ds: xr.Dataset) -> Figure:
    """Time above θ_p at correlated-input and background synapses, their ratio, and the
    efficacies reached, versus [Mg]o (seed mean ± s.d.; grey: runaway networks).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> v = (("mg", "seed"), np.full((2, 1), 0.5))
    >>> ds = xr.Dataset({k: v for k in ("above_p_signal", "above_p_background", "snr",
    ...                  "rho_signal", "rho_background")}, coords={"mg": [1.0, 2.0], "seed": [1]})
    >>> ds["runaway"] = (("mg", "seed"), np.zeros((2, 1), bool))
    >>> len(plot_signal_to_noise(ds).axes)
    3
    """
    fig = Figure(figsize=(11.0, 3.2), layout="constrained")
    a, b, c = fig.subplots(1, 3)
    _mean_sd(a, ds.above_p_signal, label="correlated input (signal)")
    _mean_sd(a, ds.above_p_background, label="background")
    a.set_yscale("log")
    a.set_ylabel("fraction of time with calcium above θ_p")
    a.legend(fontsize=8)
    _mean_sd(b, ds.snr)
    b.set_ylabel("signal-to-noise (ratio of the two)")
    _mean_sd(c, ds.rho_signal, label="signal")
    _mean_sd(c, ds.rho_background, label="background")
    c.set_ylabel("efficacy ρ at the end")
    c.legend(fontsize=8)
    for ax in (a, b, c):
        ax.set_xlabel("[Mg]o (mM)")
        _mark_runaway(ax, ds)
    fig.suptitle(ds.attrs.get("title", ""), fontsize=9)
    return fig


def plot_sleep(ds: xr.Dataset) -> Figure:
    """Recall of the day's assembly after each night, and the next day's learning.

    Examples
    --------
    >>> from magsynapse.network.phenomena import sleep
    >>> len(plot_sleep(sleep(repeats=2)).axes)
    2
    """
    fig = Figure(figsize=(9, 3.2), layout="constrained")
    ax_r, ax_n = fig.subplots(1, 2)
    nights = [str(n).replace("_", " ") for n in ds.night.values]
    x = np.arange(len(nights))
    for ax, var, label in (
        (ax_r, "recall", "recall of the day's assembly"),
        (ax_n, "rho_learned_next", "efficacy learned the next day"),
    ):
        m = ds[var].mean("seed").values
        sd = ds[var].std("seed").values if ds.sizes["seed"] > 1 else None
        ax.bar(x, m, yerr=sd, color="tab:purple")
        ax.set_xticks(x, nights, rotation=20, fontsize=8)
        ax.set_ylabel(label)
    ax_r.set_ylim(0.5, 1.0)
    return fig
