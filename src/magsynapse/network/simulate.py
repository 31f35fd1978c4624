"""Run networks: batched replicas over [Mg]o and seeds, with a recording spec.

>>> from magsynapse.network import load_config, simulate_network
>>> ds = simulate_network(load_config("mgnet").replace(network={"N": 200}), T=0.2, seed=1)
>>> sorted(v for v in ("rate_E", "rate_I", "rho_mean") if v in ds)
['rate_E', 'rate_I', 'rho_mean']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
import xarray as xr
from tqdm.auto import tqdm

from .. import random
from ..conditions import check_conditions, flatten
from ..errors import MagsynapseError
from ..limits import check_memory
from ..random import check_seed
from ..synapse.calcium import condition_defaults as synapse_defaults
from ..synapse.calcium import presynaptic_drive
from ..synapse.kernels import hold_advance
from ..synapse.params import BISTABLE_SETS
from ..synapse.rules import RULES
from ..units import magnitude
from .backends import (
    STIM_DTYPE,
    Connectivity,
    Replica,
    ReplicaResult,
    RuleKernel,
    RunPlan,
    Stimuli,
    get_backend,
)
from .backends.base import n_blocks
from .config import NetworkConfig, load_config
from .dataset import Layout, build_dataset, onto_conditions
from .params import parameter_record

#: The most time steps one run takes (2**31: 60 h of activity at 0.1 ms), so that an
#: absurd duration is refused before any allocation.
MAX_STEPS = 2**31


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


def stimulus_table(stimuli: Sequence[Stimulus], n: int, dt: float) -> Stimuli:
    """The backend's table of ``stimuli`` for ``n`` neurons at step ``dt`` (ms).

    >>> st = stimulus_table([Stimulus([0, 2], 0.1, 0.2, rate=100.0)], n=4, dt=0.1)
    >>> float(st.table[0]["start"]), float(st.table[0]["lam"]), st.mask.tolist()
    (100.0, 0.01, [[1, 0, 1, 0]])
    """
    table = np.zeros(len(stimuli), dtype=STIM_DTYPE)
    mask = np.zeros((len(stimuli), n), dtype=np.uint8)
    for k, st in enumerate(stimuli):
        idx = np.asarray(st.neurons, dtype=int)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise MagsynapseError(f"stimuli: neuron indices must lie in [0, {n})")
        if not (0 <= st.start < st.stop) or st.rate < 0 or st.weight < 0:
            raise MagsynapseError("stimuli: need 0 <= start < stop, rate >= 0, weight >= 0")
        table[k] = (
            st.start * 1000.0,
            st.stop * 1000.0,
            st.rate * dt / 1000.0,
            st.weight,
            st.correlated,
        )
        mask[k, idx] = 1
    return Stimuli(table, mask)


def stream_key(seed: int) -> int:
    """The key of the random stream (drive, stimuli, noise) of a replica with root seed
    ``seed`` (:mod:`magsynapse.random`, purpose ``network_activity``); it does not depend
    on [Mg]o, the conditions or the batch.

    >>> stream_key(1) == stream_key(1) != stream_key(2)
    True
    """
    return random.stream_key(seed, "network_activity")


def network_for_seed(
    cfg: NetworkConfig, seed: int, backend: str = "numba_cpu", threads: int = 1
) -> tuple[Connectivity, np.ndarray]:
    """The connectivity and the initial membrane potentials (mV) of ``cfg``'s network for
    root seed ``seed``, built by ``backend`` on up to ``threads`` threads (the same
    network on any number).

    >>> net, v0 = network_for_seed(load_config("mgnet").replace(network={"N": 100}), 3)
    >>> v0.shape, len(net.out_ptr)
    ((100,), 101)
    """
    rng = random.generator(seed, "initial_state")
    key = random.stream_key(seed, "connectivity")
    net = get_backend(backend).connectivity(cfg.network.N, cfg.n_exc, cfg.wiring, key, threads)
    v0 = rng.uniform(cfg.neuron.E_L, cfg.neuron.V_th, cfg.network.N)
    return net, v0


#: Bytes per synapse of a network's connectivity (targets, kinds, synapse indices, the
#: incoming lists of E->E synapses and the transient buffer of the construction).
BYTES_PER_SYNAPSE = 21.0
#: Bytes per E->E synapse of a running replica (state, initial and final efficacy).
BYTES_PER_PLASTIC_SYNAPSE = 40.0
#: Bytes per kept spike slot (time and neuron index); slots for 200 Hz per neuron.
BYTES_PER_SPIKE_SLOT = 12.0
#: Bytes per neuron and block of a network's connectivity (where each row's block begins).
BYTES_PER_ROW_BLOCK = 8.0


def expected_synapses(cfg: NetworkConfig) -> float:
    """Expected number of synapses of one network: N (N - 1) p, or N K with a fixed
    in-degree K.

    >>> expected_synapses(load_config("mgnet")), expected_synapses(load_config("mgnet_k"))
    (99900.0, 100000.0)
    """
    n = float(cfg.network.N)
    if cfg.wiring.fixed_in_degree:
        return n * cfg.connectivity.in_degree
    return n * (n - 1.0) * cfg.connectivity.p


def memory_estimate(cfg: NetworkConfig, networks: int, replicas: int, n_steps: int) -> float:
    """Estimated peak memory (bytes) of a run with ``networks`` connectivities and
    ``replicas`` replicas of ``n_steps`` steps, from the constants above. At N = 10 000,
    T = 0.1 s it is 469 MB; the measured peak is 424 MB above the 300 MB of the process
    (``/usr/bin/time -f %M magsynapse network run --N 10000 --T 0.1``).

    >>> memory_estimate(load_config("mgnet"), 1, 1, 10_000) < 1e8
    True
    """
    syn = expected_synapses(cfg)
    ee = syn * cfg.network.exc_fraction**2
    slots = cfg.network.N * n_steps * cfg.network.dt / 1000.0 * 200.0 + 1000.0
    row_blocks = cfg.network.N * (n_blocks(cfg.network.N) + 1.0)
    return (
        networks * (syn * BYTES_PER_SYNAPSE + row_blocks * BYTES_PER_ROW_BLOCK)
        + replicas * ee * BYTES_PER_PLASTIC_SYNAPSE
        + replicas * slots * BYTES_PER_SPIKE_SLOT
    )


def _mg_values(mg: Any) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(magnitude(mg, "mM", "mg"), dtype=float))
    if arr.ndim != 1 or arr.size == 0 or np.any(arr < 0) or np.any(~np.isfinite(arr)):
        raise MagsynapseError("mg: give one or more finite concentrations >= 0 mM")
    return arr


def _within_run(conditions: xr.Dataset, n_steps: int, dt: float):
    """Conditions with a ``time`` dim (s): [Mg]o varies within the run. Returns the
    conditions without it (one entry per replica) and each entry's per-step [Mg]o."""
    if "time" not in conditions.coords:
        raise MagsynapseError("conditions: a time dim needs a time coordinate (s)")
    times = np.asarray(conditions.time.values, dtype=float)
    if not (np.all(np.isfinite(times)) and np.all(np.diff(times) > 0)):
        raise MagsynapseError("conditions: time must be finite and increasing (s)")
    varying = [v for v in conditions.data_vars if v != "mg_o" and "time" in conditions[v].dims]
    if varying:
        raise MagsynapseError(
            f"conditions: only mg_o may vary over time within a run, not {varying[0]}"
        )
    if "mg_o" not in conditions:
        raise MagsynapseError("conditions: a time dim needs mg_o over time")
    rest = [d for d in conditions.dims if d != "time"]
    values = conditions.mg_o.broadcast_like(conditions).transpose(*rest, "time").values
    t_steps = np.arange(n_steps) * dt / 1000.0
    series = [np.interp(t_steps, times, row) for row in values.reshape(-1, len(times))]
    return conditions.isel(time=0, drop=True), series


def simulate_network(
    config: NetworkConfig | str = "mgnet",
    *,
    mg: Any = None,
    conditions: xr.Dataset | None = None,
    seed: int | Sequence[int] = 1,
    T: float = 1.0,
    record: Record | None = None,
    stimuli: Sequence[Stimulus] = (),
    rho0: Any = None,
    threads: int | None = None,
    backend: str = "numba_cpu",
    progress: bool = False,
) -> xr.Dataset:
    """Simulate K replicas (every [Mg]o × seed) in one call.

    Parameters
    ----------
    config : NetworkConfig or str
        A validated configuration, ``"mgnet"`` or a TOML path.
    mg : float or sequence
        [Mg]o: one value (the config's by default) or a list (dimension ``mg``).
    conditions : xarray.Dataset, optional
        Instead of ``mg``, a conditions dataset (:mod:`magsynapse.conditions`) over any
        dims (``person``, ``day``, ...): ``mg_o``, ``f_2b`` (NMDA decay and presynaptic
        calcium follow the GluN2B share, :func:`.params.parameter_record`),
        ``synapse_density`` and ``release_probability`` (excitatory recurrent drive),
        ``atp`` (rate of efficacy change) and ``synaptic_strength`` (excitatory weights);
        missing variables take the configuration's values. One replica per condition and
        seed; the result has the conditions' dims (then ``seed``) and carries the given
        variables. A ``time`` dim (coordinate in s) makes ``mg_o`` a series within the
        run, interpolated linearly onto the steps (e.g. a dose's [Mg]o over the run).
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
        Threads, 1 to ``NUMBA_NUM_THREADS`` (default: numba's thread count): replicas
        run in parallel, or, when a large network has fewer replicas than threads, each
        one's neurons are split between them (:func:`.backends.numba_cpu.split_threads`);
        the numbers do not depend on it.
    backend : str
        The registered backend that runs them (:mod:`.backends`).
    progress : bool
        Show a progress bar of the time steps simulated (on standard error).

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
    if T * 1000.0 / dt > MAX_STEPS:
        raise MagsynapseError(
            f"T: at most {MAX_STEPS * dt / 1000.0:g} s ({MAX_STEPS:g} steps of {dt:g} ms; "
            f"got {T:g} s)"
        )
    n_steps = round(T * 1000.0 / dt)
    if n_steps < 1:
        raise MagsynapseError("T: shorter than one time step")
    bin_steps = max(1, round(rec.rate_bin / dt))
    seeds = [seed] if np.ndim(seed) == 0 else list(seed)
    if not seeds:
        raise MagsynapseError("seed: give one or more integers >= 0")
    seeds = [check_seed(s) for s in seeds]
    if conditions is not None:
        if mg is not None:
            raise MagsynapseError("mg: give either mg or conditions (with mg_o), not both")
        series = None
        if "time" in conditions.dims:
            conditions, series = _within_run(check_conditions(conditions), n_steps, dt)
        flat = flatten(conditions, condition_defaults(cfg))
        mg_list = [np.array([m]) for m in flat.values["mg_o"]] if series is None else series
        records = condition_records(cfg, flat)
        mg_coord = flat.values["mg_o"]
    else:
        flat = None
        mg_coord = _mg_values(cfg.channels.mg if mg is None else mg)
        mg_list = [np.array([m]) for m in mg_coord]
        records = None
    rho_steps = np.array(sorted(round(t * 1000.0 / dt) for t in rec.rho_times), dtype=np.int64)
    if np.any(rho_steps < 1) or np.any(rho_steps > n_steps):
        raise MagsynapseError(f"rho_times: must lie in (0, {T}] s")
    plan = RunPlan(n_steps, bin_steps, rec.spikes, rho_steps)
    results, jobs, _ = run_replicas(
        cfg,
        mg_list,
        seeds,
        plan,
        stimuli=stimuli,
        rho0=rho0,
        threads=threads,
        backend=backend,
        records=records,
        progress=progress,
    )
    single_mg = flat is None and (mg is None or np.ndim(mg) == 0)
    layout = Layout(mg_coord, single_mg, seeds, np.ndim(seed) == 0)
    ds = build_dataset(cfg, results, jobs, layout, T, rec, plan)
    return ds if flat is None else onto_conditions(ds, flat, conditions)


def condition_defaults(cfg: NetworkConfig) -> dict[str, float]:
    """The configuration's value of each conditions variable the network reads.

    >>> condition_defaults(load_config("mgnet"))["f_2b"]
    0.5
    """
    return {**synapse_defaults(), "mg_o": cfg.channels.mg, "atp": 1.0, "synaptic_strength": 1.0}


def condition_records(cfg: NetworkConfig, flat, diagnostics: bool = False) -> list[np.void]:
    """One parameter record per condition of ``flat`` (:func:`magsynapse.conditions.flatten`
    with :func:`condition_defaults`): GluN2B share, presynaptic drive, ATP and synaptic
    strength.

    >>> from magsynapse.conditions import flatten, make_conditions
    >>> cfg = load_config("mgnet")
    >>> flat = flatten(make_conditions(f_2b=[0.3, 0.7], dims=("x",)), condition_defaults(cfg))
    >>> [round(-0.1 / math.log(q["decay_nmda_d"]), 6) for q in condition_records(cfg, flat)]
    [76.0, 124.0]
    """
    v = flat.values
    return [
        parameter_record(cfg, diagnostics=diagnostics, f_2b=f, drive=d, atp=a, strength=w)
        for f, d, a, w in zip(
            v["f_2b"], presynaptic_drive(v), v["atp"], v["synaptic_strength"], strict=True
        )
    ]


def run_replicas(
    cfg: NetworkConfig,
    mg_list: Sequence[np.ndarray],
    seeds: Sequence[int],
    plan: RunPlan,
    *,
    stimuli: Sequence[Stimulus] = (),
    rho0: Any = None,
    threads: int | None = None,
    diagnostics: bool = False,
    backend: str = "numba_cpu",
    records: Sequence[np.void] | None = None,
    progress: bool = False,
    phase: str = "",
) -> tuple[list[ReplicaResult], list[tuple[int, int]], dict]:
    """Run every (mg, seed) replica of ``cfg`` with ``backend``.

    Parameters
    ----------
    cfg : NetworkConfig
        A validated configuration.
    mg_list : sequence of numpy.ndarray
        [Mg]o (mM) of each mg index: one value or one per step.
    seeds : sequence of int
        Root seeds.
    plan : RunPlan
        Steps and what to record.
    stimuli : sequence of Stimulus
        Extra inputs to groups of neurons.
    rho0 : None, float, callable or dict
        Initial E→E efficacies: None (the config's value), a number, a function
        ``f(pre, post)`` of the synapses' neuron indices, or a dict of arrays per job
        ``(mg index, seed index)`` (e.g. the efficacies a previous run learned).
    threads : int, optional
        Threads for the replicas, 1 to ``NUMBA_NUM_THREADS`` (default: numba's thread
        count; see :func:`simulate_network`).
    diagnostics : bool
        Plastic synapses also record their summed presynaptic calcium and their time
        above each threshold (``ReplicaResult.ca_pre``, ``state``); for the default
        records (given ``records`` carry their own ``diag`` field).
    backend : str
        A registered backend name (:data:`.backends.BACKENDS`).
    records : sequence of numpy.void, optional
        A parameter record per mg index (:func:`.params.parameter_record`, e.g. per
        condition); default: the configuration's record for all.
    progress : bool
        Show a progress bar of the time steps simulated, over all replicas (on standard
        error; it says "building" while the networks are built).
    phase : str
        What the bar calls this run, after the network's name (e.g. ``"encoding"``).

    Returns
    -------
    tuple
        (one :class:`.backends.ReplicaResult` per job, the jobs (mg index, seed index),
        the networks by seed: (Connectivity, initial V)).

    Examples
    --------
    >>> cfg = load_config("mgnet").replace(network={"N": 100})
    >>> plan = RunPlan(500, 100, True, np.zeros(0, dtype=np.int64))
    >>> res, jobs, nets = run_replicas(cfg, [np.array([1.0])], [1, 2], plan)
    >>> jobs, res[1].counts.shape
    ([(0, 0), (0, 1)], (5, 2))
    """
    most = numba.config.NUMBA_NUM_THREADS
    if threads is not None and not (
        isinstance(threads, int | np.integer)
        and not isinstance(threads, bool)
        and 1 <= threads <= most
    ):
        raise MagsynapseError(
            f"threads: an integer from 1 to {most} here (numba's threads, "
            f"NUMBA_NUM_THREADS; got {threads!r})"
        )
    engine = get_backend(backend)
    check_memory(
        "the network run",
        memory_estimate(cfg, len(seeds), len(mg_list) * len(seeds), plan.n_steps),
        f"{len(seeds)} network(s) of N = {cfg.network.N} with about "
        f"{expected_synapses(cfg):.3g} synapses each, {len(mg_list) * len(seeds)} replica(s)",
    )
    if records is None:
        records = [parameter_record(cfg, diagnostics=diagnostics)] * len(mg_list)
    rule = RULES[cfg.plasticity.rule].network
    kernel = RuleKernel(
        hold_advance if rule.advance is None else rule.advance,
        np.asarray(
            rule.parameters(BISTABLE_SETS[cfg.plasticity.set], cfg.plasticity.tau), dtype=float
        ),
    )
    threads = threads or numba.get_num_threads()
    jobs = [(m_i, s_i) for m_i in range(len(mg_list)) for s_i in range(len(seeds))]

    def initial(net, job):
        if isinstance(rho0, dict):
            return np.asarray(rho0[job], dtype=float)
        if rho0 is None:
            return np.full(len(net.ee_post), cfg.plasticity.rho0)
        if callable(rho0):
            return np.asarray(rho0(net.ee_pre, net.ee_post), dtype=float)
        return np.full(len(net.ee_post), float(rho0))

    with tqdm(
        total=len(jobs) * plan.n_steps,
        desc=f"{cfg.network.name}, N = {cfg.network.N}" + (f", {phase}" if phase else ""),
        unit="step",
        disable=not progress,
    ) as bar:
        bar.set_postfix_str("building")
        nets = {s: network_for_seed(cfg, s, backend, threads) for s in seeds}
        stim = stimulus_table(list(stimuli), cfg.network.N, cfg.network.dt)
        replicas = []
        for m_i, s_i in jobs:
            net, v0 = nets[seeds[s_i]]
            key = np.uint64(stream_key(seeds[s_i]))
            rho = initial(net, (m_i, s_i))
            replicas.append(Replica(net, records[m_i], mg_list[m_i], v0, rho, key))
        bar.set_postfix_str("")

        def show(n_done: int) -> None:
            bar.update(n_done - bar.n)

        results = engine.run(replicas, plan, stim, kernel, threads, show if progress else None)
    return results, jobs, nets
