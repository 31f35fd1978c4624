"""Network results as labelled datasets: rates, spikes, efficacies over (conditions or
``mg``, ``seed``), with units and provenance (:func:`annotate_network`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..receptors import get_block_model
from ..results import annotate
from ..synapse.params import BISTABLE_SETS
from .config import NetworkConfig


@dataclass(frozen=True)
class Layout:
    """How the jobs map onto the dataset's dimensions."""

    mg_coord: np.ndarray | None  # the mg coordinate (None: a time series)
    single_mg: bool  # drop the mg dimension
    seeds: list[int]
    single_seed: bool  # drop the seed dimension


def _histogram01(x: np.ndarray, bins: int) -> np.ndarray:
    """Fractions of ``x`` (clipped to [0, 1]) in ``bins`` equal bins, the last one closed:
    ``np.histogram``'s counts without its sort.

    >>> _histogram01(np.array([0.0, 0.2, 0.5, 1.0, 1.3]), 2)
    array([0.4, 0.6])
    """
    if x.size == 0:
        return np.zeros(bins)
    idx = np.minimum((np.clip(x, 0.0, 1.0) * bins).astype(np.int64), bins - 1)
    return np.bincount(idx, minlength=bins) / x.size


def build_dataset(cfg, results, jobs, layout, T, rec, plan):
    mg_coord, seeds = layout.mg_coord, layout.seeds
    rho_steps, bin_steps = plan.rho_steps, plan.bin_steps
    n_e, n_i = cfg.n_exc, cfg.network.N - cfg.n_exc
    dt = cfg.network.dt
    n_m = 1 if mg_coord is None else len(mg_coord)
    shape = (n_m, len(seeds))
    rate_e = np.empty(shape)
    rate_i = np.empty(shape)
    rho_mean = np.empty(shape)
    n_bins = results[0].counts.shape[0]
    rate = np.empty((*shape, 2, n_bins))
    edges = np.linspace(0.0, 1.0, rec.rho_histogram_bins + 1)
    hist = np.empty((*shape, rec.rho_histogram_bins))
    rho_t = np.empty((*shape, len(rho_steps)))
    n_spk = max(len(r.spike_t) for r in results)
    spike_t = np.full((*shape, n_spk), np.nan)
    spike_i = np.full((*shape, n_spk), -1, dtype=np.int32)
    ca_load = np.empty(shape)
    for (m_i, s_i), out in zip(jobs, results, strict=True):
        st, si, counts, rho, rho_s = out.spike_t, out.spike_i, out.counts, out.rho, out.rho_samples
        ca_load[m_i, s_i] = out.ca_load[:n_e].mean() / 1000.0
        rate_e[m_i, s_i] = counts[:, 0].sum() / n_e / T
        rate_i[m_i, s_i] = counts[:, 1].sum() / n_i / T
        rho_mean[m_i, s_i] = rho.mean() if rho.size else np.nan
        width = bin_steps * dt / 1000.0
        rate[m_i, s_i, 0] = counts[:, 0] / n_e / width
        rate[m_i, s_i, 1] = counts[:, 1] / n_i / width
        hist[m_i, s_i] = _histogram01(rho, rec.rho_histogram_bins)
        rho_t[m_i, s_i] = rho_s
        spike_t[m_i, s_i, : len(st)] = st / 1000.0
        spike_i[m_i, s_i, : len(si)] = si
    dims = ("mg", "seed")
    t_bins = (np.arange(n_bins) + 0.5) * bin_steps * dt / 1000.0
    ds = xr.Dataset(
        {
            "rate_E": (dims, rate_e, {"units": "Hz", "long_name": "mean excitatory rate"}),
            "rate_I": (dims, rate_i, {"units": "Hz", "long_name": "mean inhibitory rate"}),
            "rho_mean": (
                dims,
                rho_mean,
                {"units": "1", "long_name": "mean E->E efficacy at the end"},
            ),
            "rate": (
                (*dims, "population", "time"),
                rate,
                {"units": "Hz", "long_name": "population rate per bin"},
            ),
            "ca_load_E": (
                dims,
                ca_load,
                {
                    "units": "pC",
                    "long_name": "mean excitotoxic "
                    "load: NMDA calcium current above the damage threshold, "
                    "integrated over time, per E neuron",
                },
            ),
            "rho_hist": (
                (*dims, "rho_bin"),
                hist,
                {"units": "1", "long_name": "final efficacy histogram (fraction)"},
            ),
        },
        coords={
            "mg": mg_coord if mg_coord is not None else [np.nan],
            "seed": seeds,
            "population": ["E", "I"],
            "time": t_bins,
            "rho_bin": 0.5 * (edges[1:] + edges[:-1]),
        },
    )
    if len(rho_steps):
        ds["rho_t"] = (
            (*dims, "rho_time"),
            rho_t,
            {"units": "1", "long_name": "mean E->E efficacy"},
        )
        ds = ds.assign_coords(rho_time=rho_steps * dt / 1000.0)
        ds.rho_time.attrs["units"] = "s"
    if rec.spikes:
        ds["spike_t"] = ((*dims, "spike"), spike_t, {"units": "s", "long_name": "spike time"})
        ds["spike_i"] = (
            (*dims, "spike"),
            spike_i,
            {"units": "1", "long_name": "neuron index (-1: padding)"},
        )
    ds.mg.attrs["units"] = "mM"
    ds.time.attrs["units"] = "s"
    if mg_coord is None:
        ds = ds.isel(mg=0, drop=True)
    elif layout.single_mg:
        ds = ds.isel(mg=0)
    if layout.single_seed:
        ds = ds.isel(seed=0)
    return annotate_network(
        ds, cfg, f"{cfg.network.name} network, N = {cfg.network.N}, T = {T} s", seeds[0], T_s=T
    )


def annotate_network(ds: xr.Dataset, cfg: NetworkConfig, title: str, seed: int, **extra):
    """Provenance of a network result: the flattened configuration plus ``extra``, the
    plasticity set and block model with their sources, and the seed."""
    return annotate(
        ds,
        title=title,
        config={**cfg.flat(), **extra},
        parameter_sets=[
            BISTABLE_SETS[cfg.plasticity.set],
            get_block_model(cfg.channels.block).params,
        ],
        references={"graupner_brunel_2012"},
        seed=seed,
    )


def onto_conditions(ds: xr.Dataset, flat, conditions: xr.Dataset) -> xr.Dataset:
    """Unfold the flat ``mg`` axis of a result (one entry per condition, C order) onto
    the conditions' dims, and carry the given variables."""
    if "mg" not in ds.dims:
        ds = ds.expand_dims("mg")
    out = xr.Dataset(attrs=ds.attrs)
    for name, var in ds.data_vars.items():
        if "mg" not in var.dims:
            out[name] = var
            continue
        var = var.transpose("mg", ...)
        rest = var.dims[1:]
        data = var.values.reshape(*flat.shape, *var.shape[1:])
        out[name] = ((*flat.dims, *rest), data, var.attrs)
    for name, coord in ds.coords.items():
        if name != "mg" and "mg" not in coord.dims:
            out = out.assign_coords({name: coord})
    out = out.assign_coords({d: v for d, v in flat.coords.items() if d in flat.dims})
    for name in conditions.data_vars:
        out[name] = conditions[name]
    out.attrs["conditions"] = list(flat.dims)
    return out
