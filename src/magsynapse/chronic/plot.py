"""Figures of chronic runs: slow states over the weeks and the sessions' recall."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from ..results import quantiles

PANELS = (
    ("mg_o", "brain [Mg]o (mM)"),
    ("f_2b", "GluN2B share"),
    ("synapse_density", "release sites (relative)"),
)
COLOURS = {"control": "0.45", "treated": "tab:red"}


def _lines(ax, da: xr.DataArray, x: np.ndarray, **kw) -> None:
    """A line per arm (median and 5-95 % band over samples when there are samples; the
    mean over network seeds)."""
    if "network_seed" in da.dims:
        da = da.mean("network_seed")
    for arm in da.arm.values:
        y = da.sel(arm=arm)
        colour = COLOURS.get(str(arm), None)
        if "sample" in y.dims:
            q = quantiles(y, [0.05, 0.5, 0.95], "sample").values
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


def plot_acute_chronic(ds: xr.Dataset) -> Figure:
    """Brain [Mg]o held high: the GluN2B share and release sites of the treated arm over
    days for each homeostat gain, and the recall effect (treated − control) over
    (gain, session) as a map.

    Examples
    --------
    >>> from magsynapse.chronic.experiments import acute_versus_chronic
    >>> ds = acute_versus_chronic(gains=[1.0], sessions=[0, 1], network_seeds=1)
    >>> len(plot_acute_chronic(ds).axes)
    4
    """
    fig = Figure(figsize=(14, 3.4), layout="constrained")
    ax_f, ax_n, ax_map = fig.subplots(1, 3)
    t = ds.time.values
    for g in ds.gain.values:
        tr = ds.sel(gain=g, arm="treated")
        ax_f.plot(t, tr.f_2b, label=f"gain {g:g}")
        ax_n.plot(t, tr.synapse_density, label=f"gain {g:g}")
    ax_f.plot(t, ds.f_2b.sel(arm="control").isel(gain=0), color="0.45", label="control")
    ax_n.plot(t, ds.synapse_density.sel(arm="control").isel(gain=0), color="0.45")
    ax_f.set(xlabel="day", ylabel="GluN2B share")
    ax_n.set(xlabel="day", ylabel="release sites (relative)")
    ax_f.legend(frameon=False, fontsize=8)
    eff = ds.recall_effect.transpose("gain", "session").values
    lim = max(0.05, float(np.nanmax(np.abs(eff))))
    im = ax_map.imshow(eff, cmap="RdBu", vmin=-lim, vmax=lim, aspect="auto", origin="lower")
    ax_map.set_xticks(range(ds.sizes["session"]), [f"{s:g}" for s in ds.session.values])
    ax_map.set_yticks(range(ds.sizes["gain"]), [f"{g:g}" for g in ds.gain.values])
    ax_map.set(xlabel="session (day)", ylabel="homeostat gain")
    for i in range(eff.shape[0]):
        for j in range(eff.shape[1]):
            ax_map.text(j, i, f"{eff[i, j]:+.3f}", ha="center", va="center", fontsize=7)
    fig.colorbar(im, ax=ax_map, label="recall, treated − control")
    return fig


def plot_depletion(ds: xr.Dataset) -> Figure:
    """Depletion alone and with MgT: brain [Mg]o and the GluN2B share over days.

    Examples
    --------
    >>> from magsynapse.chronic.experiments import depletion
    >>> len(plot_depletion(depletion(days=1, network_seeds=1)).axes)
    2
    """
    fig = Figure(figsize=(9, 3.2), layout="constrained")
    ax_m, ax_f = fig.subplots(1, 2)
    t = ds.time.values
    ctrl = ds.isel(scenario=0).sel(arm="control")
    ax_m.plot(t, ctrl.mg_o, color="0.45", label="control")
    ax_f.plot(t, ctrl.f_2b, color="0.45", label="control")
    for sc, colour in zip(ds.scenario.values, ("tab:blue", "tab:red"), strict=False):
        tr = ds.sel(scenario=sc, arm="treated")
        ax_m.plot(t, tr.mg_o, color=colour, label=str(sc).replace("_", " + "))
        ax_f.plot(t, tr.f_2b, color=colour)
    ax_m.set(xlabel="day", ylabel="brain [Mg]o (mM)")
    ax_f.set(xlabel="day", ylabel="GluN2B share")
    ax_m.legend(frameon=False, fontsize=8)
    return fig


def plot_low_mg(ds: xr.Dataset) -> Figure:
    """Excitotoxic load and release sites over held [Mg]o; Mg-ATP and the homeostat's
    GluN2B gain over neuronal [Mg]i.

    Examples
    --------
    >>> from magsynapse.chronic.experiments import low_mg_states
    >>> len(plot_low_mg(low_mg_states(mg_o=[0.1, 0.8], mg_i_factors=[0.1, 1.0], days=2)).axes)
    3
    """
    fig = Figure(figsize=(13, 3.2), layout="constrained")
    ax_l, ax_a, ax_f = fig.subplots(1, 3)
    ax_l.plot(ds.mg_o, ds.synapse_density, "o-", label="release sites")
    ax_l.plot(ds.mg_o, ds.excitotoxic_load, "s-", label="excitotoxic load")
    ax_l.set(xlabel="held brain [Mg]o (mM)", ylabel="after the run (relative)")
    ax_l.legend(frameon=False, fontsize=8)
    ax_a.plot(ds.mg_i_factor, ds.atp, "o-")
    ax_a.set(xscale="log", xlabel="[Mg]i / reference", ylabel="Mg-ATP availability")
    t = ds.time.values
    for f in ds.mg_i_factor.values:
        ax_f.plot(t, ds.f_2b_energy.sel(mg_i_factor=f), label=f"[Mg]i × {f:g}")
    ax_f.set(xlabel="day", ylabel="GluN2B share ([Mg]o 0.8 → 1.2 mM)")
    ax_f.legend(frameon=False, fontsize=7)
    return fig


def plot_decomposition(ds: xr.Dataset) -> Figure:
    """The regimen's recall effect with every pathway, none, and each left out (± s.e.m.
    over network seeds).

    Examples
    --------
    >>> import xarray as xr
    >>> ds = xr.Dataset({"effect": ("left_out", [0.01, 0.0]),
    ...                  "effect_sem": ("left_out", [0.005, 0.005])},
    ...                 coords={"left_out": ["none", "all"]})
    >>> len(plot_decomposition(ds).axes)
    1
    """
    fig = Figure(figsize=(7, 3.2), layout="constrained")
    ax = fig.subplots()
    labels = [
        {"none": "all on", "all": "all off"}.get(str(v), f"without {v}") for v in ds.left_out.values
    ]
    x = np.arange(len(labels))
    ax.bar(x, ds.effect.values, yerr=np.nan_to_num(ds.effect_sem.values), color="tab:red")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xticks(x, labels, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("recall, treated − control")
    return fig
