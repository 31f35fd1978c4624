"""Run networks: batched replicas over [Mg]o and seeds, with a recording spec.

>>> from magsynapse.network import load_config, simulate_network
>>> ds = simulate_network(load_config("mgnet").replace(network={"N": 200}), T=0.2, seed=1)
>>> sorted(v for v in ("rate_E", "rate_I", "rho_mean") if v in ds)
['rate_E', 'rate_I', 'rho_mean']
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
import xarray as xr

from ..errors import MagsynapseError
from ..receptors import RECEPTORS, get_block_model
from ..results import annotate
from ..synapse.params import BISTABLE_SETS
from . import engine as E
from .config import NetworkConfig, load_config


@dataclass(frozen=True)
class Record:
    """What to save, in the spirit of diffrax's ``SaveAt``.

    Attributes
    ----------
    spikes : bool
        Every spike (``spike_t`` in s, ``spike_i``).
    rate_bin : float
        Bin of the population rates (ms).
    rho_times : sequence of float
        Times (s) at which the mean E→E efficacy is reduced online (``rho_t``).
    rho_histogram_bins : int
        Bins of the final efficacy histogram (``rho_hist``).
    """

    spikes: bool = True
    rate_bin: float = 10.0
    rho_times: Sequence[float] = field(default_factory=tuple)
    rho_histogram_bins: int = 20


@dataclass(frozen=True)
class Stimulus:
    """Extra Poisson input onto AMPA for a group of neurons during a time window.

    Attributes
    ----------
    neurons : sequence of int
        Indices of the stimulated neurons.
    start, stop : float
        Window, s.
    rate : float
        Input rate per neuron, Hz (the sum of its sources).
    weight : float
        AMPA weight of each input spike, nS.
    correlated : bool
        One shared input train for the whole group (synchronous input) instead of
        independent trains.
    """

    neurons: Sequence[int]
    start: float
    stop: float
    rate: float
    weight: float = 0.5
    correlated: bool = False


def _stim_arrays(stimuli: Sequence[Stimulus], n: int, dt: float) -> tuple[np.ndarray, np.ndarray]:
    stim = np.zeros((len(stimuli), 5))
    mask = np.zeros((len(stimuli), n), dtype=np.uint8)
    for k, st in enumerate(stimuli):
        idx = np.asarray(st.neurons, dtype=int)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise MagsynapseError(f"stimuli: neuron indices must lie in [0, {n})")
        if not (0 <= st.start < st.stop) or st.rate < 0 or st.weight < 0:
            raise MagsynapseError("stimuli: need 0 <= start < stop, rate >= 0, weight >= 0")
        stim[k] = (
            st.start * 1000.0,
            st.stop * 1000.0,
            st.rate * dt / 1000.0,
            st.weight,
            1.0 if st.correlated else 0.0,
        )
        mask[k, idx] = 1
    return stim, mask


def _stream_key(seed: int) -> int:
    return int.from_bytes(
        hashlib.blake2b(f"network|{seed}".encode(), digest_size=8).digest(), "little"
    )


def parameter_vector(cfg: NetworkConfig) -> np.ndarray:
    """The engine's per-replica parameters (see :mod:`.engine`), [Mg]o excluded."""
    q = np.zeros(E.N_Q)
    n, ch, cn, dr, pl = cfg.neuron, cfg.channels, cfg.connectivity, cfg.drive, cfg.plasticity
    dt = cfg.network.dt
    q[E.Q_DT] = dt
    q[E.Q_C], q[E.Q_GL], q[E.Q_EL] = n.C, n.g_L, n.E_L
    q[E.Q_VTH], q[E.Q_VRESET] = n.V_th, n.V_reset
    q[E.Q_NREF] = round(n.t_ref / dt)
    q[E.Q_EE], q[E.Q_EI] = ch.E_exc, ch.E_inh
    q[E.Q_DA] = math.exp(-dt / ch.tau_ampa)
    q[E.Q_DG] = math.exp(-dt / ch.tau_gaba)
    q[E.Q_DND] = math.exp(-dt / ch.tau_nmda_decay)
    q[E.Q_DNR] = math.exp(-dt / ch.tau_nmda_rise)
    q[E.Q_NMDA_SCALE] = ch.tau_nmda_decay / (ch.tau_nmda_decay - ch.tau_nmda_rise)
    q[E.Q_BK], q[E.Q_BA] = get_block_model(ch.block).boltzmann()
    q[E.Q_LAM] = dr.sources * dr.rate * dt / 1000.0
    q[E.Q_WDRIVE] = dr.weight
    q[E.Q_GTONIC] = dr.g_tonic
    q[E.Q_FCA] = RECEPTORS["nmda_calcium"]["ca_fraction"]
    q[E.Q_LOAD_THR] = cfg.recording.excitotoxic_threshold
    q[E.Q_W_EE_A], q[E.Q_W_EE_N] = cn.w_ee_ampa, cn.w_ee_nmda
    q[E.Q_W_EI_A], q[E.Q_W_EI_N] = cn.w_ei_ampa, cn.w_ei_nmda
    q[E.Q_W_IE_G], q[E.Q_W_II_G] = cn.w_ie_gaba, cn.w_ii_gaba
    s = BISTABLE_SETS[pl.set]
    q[E.Q_PLASTIC] = 1.0 if pl.enabled else 0.0
    q[E.Q_CPRE] = s["c_pre"] * pl.c_pre_scale
    q[E.Q_CPOST], q[E.Q_TAUCA] = s["c_post"], s["tau_ca"]
    q[E.Q_THD], q[E.Q_THP] = s["theta_d"], s["theta_p"]
    # τ_Ca ln(θ_p/θ_d): calcium above θ_p spends this much less time above it than above θ_d
    q[E.Q_GAP_PD] = s["tau_ca"] * math.log(s["theta_p"] / s["theta_d"])
    # noise-free rule with θ_d < θ_p: the engine's fast path (one log per calcium decay)
    q[E.Q_FAST] = 1.0 if pl.sigma == 0.0 and s["theta_d"] < s["theta_p"] else 0.0
    q[E.Q_DECAY_GAP] = math.exp(-s["gamma_d"] * q[E.Q_GAP_PD] / (pl.tau * 1000.0))
    q[E.Q_GD], q[E.Q_GP], q[E.Q_RSTAR] = s["gamma_d"], s["gamma_p"], s["rho_star"]
    q[E.Q_SIGMA] = pl.sigma
    q[E.Q_TAU] = pl.tau * 1000.0
    q[E.Q_VGATE] = 1.0 if pl.voltage_gated_pre else 0.0
    q[E.Q_ADEX] = 1.0 if n.model == "adex" else 0.0
    q[E.Q_DELTA_T], q[E.Q_VT], q[E.Q_A], q[E.Q_B], q[E.Q_TAUW] = (
        n.delta_T,
        n.V_T,
        n.a,
        n.b,
        n.tau_w,
    )
    q[E.Q_NE] = cfg.n_exc
    return q


def _network_for_seed(cfg: NetworkConfig, seed: int) -> tuple[dict, np.ndarray]:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
    key = int.from_bytes(
        hashlib.blake2b(f"connectivity|{seed}".encode(), digest_size=8).digest(), "little"
    )
    net = E.build_connectivity(cfg.network.N, cfg.n_exc, cfg.connectivity.p, key)
    v0 = rng.uniform(cfg.neuron.E_L, cfg.neuron.V_th, cfg.network.N)
    return net, v0


def _mg_series(mg: Any, n_steps: int, dt: float) -> tuple[list[np.ndarray], np.ndarray | None]:
    """[Mg]o per replica: a list of per-step arrays, and the mg coordinate (or None)."""
    if isinstance(mg, tuple) and len(mg) == 2:
        times, values = (np.asarray(x, dtype=float) for x in mg)
        if times.ndim != 1 or times.shape != values.shape or times.size < 1:
            raise MagsynapseError("mg: a time series is (times_s, values_mM) of equal length")
        if np.any(values < 0) or np.any(~np.isfinite(values)):
            raise MagsynapseError("mg: concentrations must be finite and >= 0 mM")
        t_steps = np.arange(n_steps) * dt / 1000.0
        return [np.interp(t_steps, times, values)], None
    arr = np.atleast_1d(np.asarray(mg, dtype=float))
    if arr.ndim != 1 or arr.size == 0 or np.any(arr < 0) or np.any(~np.isfinite(arr)):
        raise MagsynapseError("mg: give one or more finite concentrations >= 0 mM")
    return [np.array([m]) for m in arr], arr


def simulate_network(
    config: NetworkConfig | str = "mgnet",
    *,
    mg: Any = None,
    seed: int | Sequence[int] = 1,
    T: float = 1.0,
    record: Record | None = None,
    stimuli: Sequence[Stimulus] = (),
    rho0: Any = None,
    threads: int | None = None,
) -> xr.Dataset:
    """Simulate K replicas (every [Mg]o × seed) in one call.

    Parameters
    ----------
    config : NetworkConfig or str
        A validated configuration, ``"mgnet"`` or a TOML path.
    mg : float, sequence, or (times_s, values_mM)
        [Mg]o: one value (the config's by default), a list (dimension ``mg``) or a time
        series applied to every replica (e.g. from a PK result).
    seed : int or sequence of int
        Root seed(s); a list adds a ``seed`` dimension. A replica's connectivity, initial
        state and drive depend on its seed only, so the same seed gives the same network
        at every [Mg]o, and the same numbers alone, in a batch or on another worker.
    T : float
        Simulated time, s.
    record : Record, optional
        What to save (default: spikes, 10-ms rates, final efficacy histogram).
    stimuli : sequence of Stimulus
        Extra inputs to groups of neurons (protocols of the memory tasks).
    rho0 : float or callable, optional
        Initial E→E efficacies: a value, or ``f(pre, post)`` of the synapses' neuron
        indices (e.g. a stored assembly).
    threads : int, optional
        Replicas run in parallel threads (default: numba's thread count).

    Returns
    -------
    xarray.Dataset
        ``rate_E``, ``rate_I`` (Hz), ``rho_mean`` (final mean E→E efficacy), ``rate``
        over (``population``, ``time``), ``rho_hist``, ``rho_t`` (if asked), ``spike_t``
        (s) and ``spike_i`` over ``spike`` (padded with NaN / −1 across replicas), with
        dims ``mg`` / ``seed`` when lists were given.
    """
    cfg = load_config(config) if isinstance(config, str) else config
    rec = record or Record(
        rate_bin=cfg.recording.rate_bin,
        spikes=cfg.recording.spikes,
        rho_histogram_bins=cfg.recording.rho_histogram_bins,
    )
    if not (math.isfinite(T) and T > 0):
        raise MagsynapseError(f"T: must be > 0 s (got {T})")
    dt = cfg.network.dt
    n_steps = round(T * 1000.0 / dt)
    if n_steps < 1:
        raise MagsynapseError("T: shorter than one time step")
    bin_steps = max(1, round(rec.rate_bin / dt))
    mg_list, mg_coord = _mg_series(cfg.channels.mg if mg is None else mg, n_steps, dt)
    seeds = [seed] if np.ndim(seed) == 0 else list(seed)
    if not seeds or any(int(s) != s or s < 0 for s in seeds):
        raise MagsynapseError("seed: give one or more integers >= 0")
    seeds = [int(s) for s in seeds]
    rho_steps = np.array(sorted(round(t * 1000.0 / dt) for t in rec.rho_times), dtype=np.int64)
    if np.any(rho_steps < 1) or np.any(rho_steps > n_steps):
        raise MagsynapseError(f"rho_times: must lie in (0, {T}] s")
    results, jobs, _ = run_replicas(
        cfg, mg_list, seeds, n_steps, bin_steps, rec, rho_steps, stimuli, rho0, threads
    )
    single_mg = mg is None or np.ndim(mg) == 0
    return _dataset(
        cfg,
        results,
        jobs,
        mg_coord,
        single_mg,
        seeds,
        np.ndim(seed) == 0,
        T,
        rec,
        rho_steps,
        bin_steps,
    )


def run_replicas(
    cfg,
    mg_list,
    seeds,
    n_steps,
    bin_steps,
    rec,
    rho_steps,
    stimuli=(),
    rho0=None,
    threads=None,
    diagnostics=False,
):
    """Run every (mg, seed) replica; returns (raw results, jobs, networks by seed).

    ``diagnostics``: plastic synapses also record their summed presynaptic calcium and
    their time above each threshold (see :func:`.engine.run_replica`).

    ``rho0`` is None (the config's value), a number, a function ``f(pre, post)`` of the
    E→E synapses' neuron indices returning their initial efficacies, or a dict of such
    arrays per job ``(mg index, seed index)`` (e.g. the efficacies a previous run learned).
    """
    q = parameter_vector(cfg)
    q[E.Q_DIAG] = 1.0 if diagnostics else 0.0
    nets = {s: _network_for_seed(cfg, s) for s in seeds}
    stim, mask = _stim_arrays(list(stimuli), cfg.network.N, cfg.network.dt)
    max_spikes = int(cfg.network.N * n_steps * cfg.network.dt / 1000.0 * 200) + 1000
    jobs = [(m_i, s_i) for m_i in range(len(mg_list)) for s_i in range(len(seeds))]

    def initial(net, job):
        if isinstance(rho0, dict):
            return np.asarray(rho0[job], dtype=float)
        if rho0 is None:
            return np.full(len(net["ee_post"]), cfg.plasticity.rho0)
        if callable(rho0):
            return np.asarray(rho0(net["ee_pre"], net["ee_post"]), dtype=float)
        return np.full(len(net["ee_post"]), float(rho0))

    def run(job):
        m_i, s_i = job
        net, v0 = nets[seeds[s_i]]
        size = max_spikes
        while True:
            out = E.run_replica(
                q,
                mg_list[m_i],
                v0,
                net["out_ptr"],
                net["out_post"],
                net["out_kind"],
                net["out_syn"],
                net["syn_post"],
                net["in_ptr"],
                net["in_syn"],
                initial(net, job),
                n_steps,
                np.uint64(_stream_key(seeds[s_i])),
                bin_steps,
                rec.spikes,
                size,
                rho_steps,
                stim,
                mask,
            )
            if not out[6]:
                return out
            size *= 4  # pragma: no cover - only for rates above 200 Hz

    n_threads = threads or numba.get_num_threads()
    with ThreadPoolExecutor(max_workers=max(1, min(n_threads, len(jobs)))) as pool:
        results = list(pool.map(run, jobs))
    return results, jobs, nets


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


def _dataset(
    cfg, results, jobs, mg_coord, single_mg, seeds, single_seed, T, rec, rho_steps, bin_steps
):
    n_e, n_i = cfg.n_exc, cfg.network.N - cfg.n_exc
    dt = cfg.network.dt
    n_m = 1 if mg_coord is None else len(mg_coord)
    shape = (n_m, len(seeds))
    rate_e = np.empty(shape)
    rate_i = np.empty(shape)
    rho_mean = np.empty(shape)
    n_bins = results[0][2].shape[0]
    rate = np.empty((*shape, 2, n_bins))
    edges = np.linspace(0.0, 1.0, rec.rho_histogram_bins + 1)
    hist = np.empty((*shape, rec.rho_histogram_bins))
    rho_t = np.empty((*shape, len(rho_steps)))
    n_spk = max(len(r[0]) for r in results)
    spike_t = np.full((*shape, n_spk), np.nan)
    spike_i = np.full((*shape, n_spk), -1, dtype=np.int32)
    ca_load = np.empty(shape)
    for (m_i, s_i), out in zip(jobs, results, strict=True):
        st, si, counts, rho, rho_s = out[:5]
        ca_load[m_i, s_i] = out[7][:n_e].mean() / 1000.0
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
    elif single_mg:
        ds = ds.isel(mg=0)
    if single_seed:
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
