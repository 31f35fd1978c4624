"""Figures of cohorts and trials."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from .norms import TMT_B


def plot_cohort(ds: xr.Dataset) -> Figure:
    """Baseline TMT-B against age with the norm curve, and brain age against age."""
    fig = Figure(figsize=(9, 3.8), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    age = ds.age.values
    grid = np.linspace(age.min(), age.max(), 100)
    if "tmt_b" in ds.test.values:
        ax1.scatter(age, ds.score.sel(test="tmt_b"), s=6, alpha=0.5, label="people")
        ax1.plot(grid, TMT_B.mean(grid), "k", label="Tombaugh 2004 norm (fit)")
        ax1.set(xlabel="age (y)", ylabel="TMT-B time (s)", title="Executive function")
        ax1.legend(frameon=False)
    if "brain_age" in ds:
        ax2.scatter(age, ds.brain_age, s=6, alpha=0.5)
        ax2.plot(grid, grid, "k--", lw=1)
        ax2.set(xlabel="age (y)", ylabel="brain age (y)", title="Brain age from TMT-B")
    return fig


def plot_trial(ds: xr.Dataset) -> Figure:
    """Predicted d over replicates beside the published d; composite change by arm."""
    fig = Figure(figsize=(9, 3.8), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    s = json.loads(ds.attrs.get("summary", "{}"))
    ax1.hist(ds.d.values, bins=30, color="0.6")
    lo, hi = s.get("d_90", (np.nan, np.nan))
    ax1.axvspan(lo, hi, color="C0", alpha=0.15, label="predicted 90 %")
    ax1.axvline(s.get("d_median", np.nan), color="C0", label="predicted median")
    if "published_d" in s:
        ax1.axvline(s["published_d"], color="C3", ls="--", label="published")
    ax1.set(
        xlabel="Cohen's d of the primary outcome", ylabel="replicates", title="Trial replicates"
    )
    ax1.legend(frameon=False, fontsize=8)
    comp = ds.composite
    change = comp - comp.isel(visit=0)
    done = ds.completer
    for flag, label in ((False, "control"), (True, "treated")):
        sel = done & (ds.treated == flag)
        m = change.where(sel).mean(("replicate", "subject"))
        ax2.plot(ds.visit, m, "o-", label=label)
    ax2.set(xlabel="week", ylabel="composite change (z)", title="Mean change by arm")
    ax2.legend(frameon=False)
    return fig


def plot_power(ds: xr.Dataset) -> Figure:
    """Power versus the number enrolled."""
    fig = Figure(figsize=(5, 3.8), layout="constrained")
    ax = fig.subplots()
    ax.plot(ds.n, ds.power, "o-")
    ax.axhline(0.8, color="0.5", ls=":", lw=1)
    ax.set(xlabel="people enrolled", ylabel="power", ylim=(0, 1), title="Power versus size")
    return fig
