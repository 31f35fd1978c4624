"""Network phenomena as functions of [Mg]o (MODEL.md §6).

So far: low-Mg hyperexcitability — seizure-like population events, their rate and share
of time, the synchrony index, and the excitotoxic load. Shown on ``mgnet_adex``, MgNet with
spike-frequency adaptation and a 1.5× NMDA share: plain MgNet only switches to sustained
runaway activity as [Mg]o → 0 (no discrete events), because nothing terminates an event;
adaptation does, as in Mg-free hippocampal slices.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from .config import NetworkConfig, load_config
from .simulate import Record, simulate_network

#: A seizure-like population event: E population rate above this (Hz), 5-ms bins — five
#: times MgNet's ≈ 10 Hz at 1 mM (a documented choice).
EVENT_THRESHOLD = 50.0


def population_events(
    rate: np.ndarray, bin_s: float, threshold: float = EVENT_THRESHOLD
) -> tuple[int, float, float]:
    """Events of a population-rate trace: (count, fraction of time, mean duration in s).

    Examples
    --------
    >>> population_events(np.array([0, 80, 90, 0, 0, 70, 0.0]), 0.005)
    (2, 0.42857142857142855, 0.0075)
    """
    above = np.asarray(rate) > threshold
    starts = np.flatnonzero(above & ~np.concatenate([[False], above[:-1]]))
    count = len(starts)
    frac = float(above.mean()) if above.size else 0.0
    duration = float(above.sum() * bin_s / count) if count else 0.0
    return count, frac, duration


def synchrony_index(
    spike_t: np.ndarray, spike_i: np.ndarray, neurons: np.ndarray, T: float, bin_s: float = 0.005
) -> float:
    """Golomb's synchrony index χ: std of the population-averaged spike count over the
    mean std of the individual counts (0: asynchronous, 1: fully synchronous).

    Examples
    --------
    >>> t = np.array([0.01, 0.01, 0.02, 0.02])
    >>> round(synchrony_index(t, np.array([0, 1, 0, 1]), np.array([0, 1]), 0.03), 6)
    1.0
    """
    n_bins = max(1, round(T / bin_s))
    sel = np.isin(spike_i, neurons) & (spike_i >= 0)
    idx = np.searchsorted(neurons, spike_i[sel])
    b = np.minimum((spike_t[sel] / bin_s).astype(int), n_bins - 1)
    counts = np.zeros((len(neurons), n_bins))
    np.add.at(counts, (idx, b), 1.0)
    indiv = counts.var(axis=1)
    pop = counts.mean(axis=0).var()
    denom = indiv.mean()
    return float(np.sqrt(pop / denom)) if denom > 0 else 0.0


def hyperexcitability(
    config: NetworkConfig | str = "mgnet_adex",
    mg: Sequence[float] = (0.0, 0.1, 0.2, 0.5, 1.0, 2.0),
    seeds: Sequence[int] = (1,),
    T: float = 3.0,
    sample: int = 400,
    skip: float = 0.2,
) -> xr.Dataset:
    """Seizure-like events, synchrony and excitotoxic load over [Mg]o, one batched run.

    Returns
    -------
    xarray.Dataset
        Over (``mg``, ``seed``): ``event_rate`` (1/s), ``event_fraction`` (share of time
        in events), ``event_duration`` (s), ``synchrony`` (χ over ``sample`` E neurons),
        ``ca_load_E`` (pC per E neuron) and ``rate_E`` (Hz), plus the population ``rate``.
        Events and synchrony ignore the first ``skip`` seconds (the synchronous onset from
        the initial conditions).
    """
    cfg = load_config(config) if isinstance(config, str) else config
    bin_ms = 5.0
    ds = simulate_network(
        cfg, mg=list(mg), seed=list(seeds), T=T, record=Record(spikes=True, rate_bin=bin_ms)
    )
    neurons = np.arange(min(sample, cfg.n_exc))
    shape = (ds.sizes["mg"], ds.sizes["seed"])
    out: dict[str, Any] = {
        k: np.empty(shape) for k in ("event_rate", "event_fraction", "event_duration", "synchrony")
    }
    for a, m in enumerate(ds.mg.values):
        for b, s in enumerate(ds.seed.values):
            sub = ds.sel(mg=m, seed=s)
            rate = sub.rate.sel(population="E").sel(time=slice(skip, None)).values
            count, frac, dur = population_events(rate, bin_ms / 1000.0)
            out["event_rate"][a, b] = count / (T - skip)
            out["event_fraction"][a, b] = frac
            out["event_duration"][a, b] = dur
            late = sub.spike_t.values >= skip
            out["synchrony"][a, b] = synchrony_index(
                sub.spike_t.values[late] - skip, sub.spike_i.values[late], neurons, T - skip
            )
    res = xr.Dataset(
        {k: (("mg", "seed"), v) for k, v in out.items()},
        coords={"mg": ds.mg.values, "seed": ds.seed.values},
    )
    res["ca_load_E"] = ds.ca_load_E
    res["rate_E"] = ds.rate_E
    res["rate"] = ds.rate
    meta = {
        "event_rate": ("1/s", f"seizure-like events (E rate > {EVENT_THRESHOLD:g} Hz)"),
        "event_fraction": ("1", "share of time in events"),
        "event_duration": ("s", "mean event duration"),
        "synchrony": ("1", "Golomb synchrony index of E neurons"),
    }
    for k, (unit, desc) in meta.items():
        res[k].attrs.update(units=unit, long_name=desc)
    res.attrs = dict(ds.attrs)
    res.attrs["title"] = f"Low-Mg hyperexcitability of {cfg.network.name}"
    return res
