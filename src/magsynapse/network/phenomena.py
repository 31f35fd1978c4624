"""Network phenomena as functions of [Mg]o (docs/specification.md §6).

* :func:`hyperexcitability` — low-Mg seizure-like population events, their rate and share
  of time, the synchrony index, and the excitotoxic load. Shown on ``mgnet_adex``, MgNet
  with spike-frequency adaptation and a 1.5× NMDA share: plain MgNet only switches to
  sustained runaway activity as [Mg]o → 0 (no discrete events), because nothing terminates
  an event; adaptation does, as in Mg-free hippocampal slices.
* :func:`memory` — a cell assembly encoded by repeated stimulation through E→E plasticity,
  recalled from a partial cue (recall score), and the NMDA-supported persistent activity
  after the cue (working-memory duration), on ``mgnet_memory`` (see its file for why
  MgNet itself cannot store anything).
* :func:`signal_to_noise` — synaptic calcium driven by correlated input against
  rate-matched background input (the potentiation signal-to-noise), on ``mgnet_memory``:
  in MgNet every postsynaptic spike lifts calcium above θ_p, so only rates count there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from ..conditions import check_conditions, flatten
from ..errors import MagsynapseError
from ..synapse.params import BISTABLE_SETS
from .backends import RunPlan
from .config import NetworkConfig, load_config
from .dataset import annotate_network, onto_conditions
from .simulate import (
    Record,
    Stimulus,
    condition_defaults,
    condition_records,
    run_replicas,
    simulate_network,
)

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
    *,
    progress: bool = False,
) -> xr.Dataset:
    """Seizure-like events, synchrony and excitotoxic load over [Mg]o, one batched run
    (with a progress bar of its time steps if ``progress``).

    Returns
    -------
    xarray.Dataset
        Over (``mg``, ``seed``): ``event_rate`` (1/s), ``event_fraction`` (share of time
        in events), ``event_duration`` (s), ``synchrony`` (χ over ``sample`` E neurons),
        ``ca_load_E`` (pC per E neuron) and ``rate_E`` (Hz), plus the population ``rate``.
        Events and synchrony ignore the first ``skip`` seconds (the synchronous onset from
        the initial conditions).

    Examples
    --------
    >>> ds = hyperexcitability(mg=[0.0, 1.0], T=0.6).isel(seed=0)
    >>> bool(ds.ca_load_E.sel(mg=0.0) > ds.ca_load_E.sel(mg=1.0))
    True
    """
    cfg = load_config(config) if isinstance(config, str) else config
    bin_ms = 5.0
    ds = simulate_network(
        cfg,
        mg=list(mg),
        seed=list(seeds),
        T=T,
        record=Record(spikes=True, rate_bin=bin_ms),
        progress=progress,
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


def _mg_and_seeds(mg: Sequence[float], seeds: Sequence[int]) -> tuple[list, list[int]]:
    """Validated [Mg]o values (per-replica arrays) and seeds."""
    values = np.atleast_1d(np.asarray(mg, dtype=float))
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values) & (values >= 0)):
        raise MagsynapseError("mg: give one or more finite concentrations >= 0 mM")
    seeds = list(np.atleast_1d(seeds))
    if not seeds or any(int(x) != x or x < 0 for x in seeds):
        raise MagsynapseError("seeds: give one or more integers >= 0")
    return [np.array([m]) for m in values], [int(x) for x in seeds]


class _Inputs:
    """The replicas of a task: [Mg]o values, or a conditions dataset flattened; seeds."""

    def __init__(self, cfg, mg, conditions, seeds, default_mg, task):
        self.conditions, self.flat = None, None
        if conditions is not None:
            if mg is not None:
                raise MagsynapseError("mg: give either mg or conditions (with mg_o), not both")
            conditions = check_conditions(conditions)
            if "time" in conditions.dims:
                raise MagsynapseError(f"conditions: {task} takes conditions without a time dim")
            self.conditions = conditions
            self.flat = flatten(conditions, condition_defaults(cfg))
            mg = self.flat.values["mg_o"]
        self.mg_list, self.seeds = _mg_and_seeds(default_mg if mg is None else mg, seeds)

    def records(self, cfg, diagnostics=False):
        """Per-condition parameter records of ``cfg`` (None without conditions)."""
        if self.flat is None:
            return None
        return condition_records(cfg, self.flat, diagnostics)

    def finish(self, ds):
        """The result over the conditions' dims (then ``seed``), or over ``mg``."""
        return ds if self.flat is None else onto_conditions(ds, self.flat, self.conditions)


#: The memory tasks' protocol (s): encoding stimulations of 100 ms every 300 ms from
#: 0.2 s; at test, the cue from 0.5 to 0.65 s.
CUE_ON, CUE_OFF = 0.5, 0.65


def encoding(group: np.ndarray, repeats: int, rate: float, weight: float):
    """The encoding stimuli of an assembly and the encoding's duration (s).

    >>> stim, t_end = encoding(np.arange(3), 2, 3000.0, 1.0)
    >>> [(s.start, s.stop) for s in stim], t_end
    ([(0.2, 0.3), (0.5, 0.6)], 0.8)
    """
    stim = [Stimulus(group, 0.2 + 0.3 * k, 0.3 + 0.3 * k, rate, weight) for k in range(repeats)]
    return stim, 0.2 + 0.3 * repeats


def cue_counts(res, n_e: int) -> np.ndarray:
    """Spikes of every E neuron during the cue of a test run."""
    t, i = res.spike_t / 1000.0, res.spike_i
    return np.bincount(i[(t >= CUE_ON) & (t < CUE_OFF)], minlength=n_e)[:n_e]


#: Persistent activity: the assembly's rate stays this far (Hz) above the baseline rate of
#: the other E neurons (a documented choice, about 5× MgNet-Memory's baseline).
PERSISTENCE_MARGIN = 10.0


def recall_auc(assembly_counts: np.ndarray, other_counts: np.ndarray) -> float:
    """Probability that an uncued assembly neuron fired more than a non-assembly neuron
    during the cue (ties count one half): 0.5 is chance, 1 is perfect completion.

    Examples
    --------
    >>> recall_auc(np.array([3, 4]), np.array([0, 1, 3]))
    0.9166666666666666
    """
    a = np.asarray(assembly_counts, dtype=float)[:, None]
    b = np.asarray(other_counts, dtype=float)[None, :]
    return float(np.mean((a > b) + 0.5 * (a == b)))


def persistence(rate: np.ndarray, bin_s: float, threshold: float) -> tuple[float, bool]:
    """Time (s) until a rate trace, starting at the cue's offset, first falls below
    ``threshold``; and whether it never did (censored at the end of the trace).

    Examples
    --------
    >>> persistence(np.array([40.0, 30, 12, 5, 30]), 0.025, 10.0)
    (0.075, False)
    """
    below = np.flatnonzero(np.asarray(rate) < threshold)
    if below.size == 0:
        return round(len(rate) * bin_s, 12), True
    return round(float(below[0] * bin_s), 12), False


def memory(
    config: NetworkConfig | str = "mgnet_memory",
    mg: Sequence[float] | None = None,
    seeds: Sequence[int] = (1,),
    assembly: int = 160,
    cue_fraction: float = 0.5,
    repeats: int = 5,
    stim_rate: float = 3000.0,
    stim_weight: float = 1.0,
    observe: float = 1.0,
    *,
    conditions: xr.Dataset | None = None,
    naive: bool = True,
    progress: bool = False,
) -> xr.Dataset:
    """Encode a cell assembly through E→E plasticity, then recall it from a partial cue.

    *Encoding* (plastic, one batched run over [Mg]o × seed): the first ``assembly`` E
    neurons get ``repeats`` stimulations of 100 ms every 300 ms from t = 0.2 s (extra
    Poisson input, ``stim_rate`` Hz of ``stim_weight`` nS onto AMPA). *Test* (efficacies
    frozen at the learned values, fresh network state): 0.5 s of baseline, then the first
    ``cue_fraction`` of the assembly gets the same input for 150 ms, then ``observe`` s
    without input. A *naive* test (efficacies never trained) runs alongside as the
    control.

    Parameters
    ----------
    config : NetworkConfig or str
        The network (default ``mgnet_memory``).
    mg : sequence of float, optional
        [Mg]o values (mM; default 0.6, 0.8, 1.0, 1.5, 2.0).
    seeds : sequence of int
        Root seeds (network, input).
    assembly, cue_fraction, repeats, stim_rate, stim_weight, observe
        The protocol: assembly size, cued share, encoding repeats, stimulus rate (Hz) and
        weight (nS), observation after the cue (s).
    conditions : xarray.Dataset, optional
        Instead of ``mg``: a conditions dataset (``mg_o``, ``f_2b``, ``synapse_density``,
        ``release_probability``, ``atp``; :func:`.simulate.condition_records`); the result
        is over its dims, then ``seed``.
    naive : bool
        Also test the untrained network (``recall_naive``; NaN when False).
    progress : bool
        Show a progress bar of the time steps of each run (encoding, test, naive test).

    Returns
    -------
    xarray.Dataset
        Over (``mg``, ``seed``) or the conditions' dims: ``rho_assembly`` /
        ``rho_other`` (mean learned efficacy inside the assembly / of every other E→E
        synapse), ``recall`` and
        ``recall_naive`` (:func:`recall_auc` of the uncued half against the other E
        neurons during the cue), ``rate_cued``, ``rate_uncued``, ``rate_other`` (Hz,
        during the cue), ``rate_baseline`` (Hz, other E neurons before the cue),
        ``wm_duration`` (s the assembly stays :data:`PERSISTENCE_MARGIN` Hz above
        baseline after the cue, :func:`persistence`; NaN in a runaway network),
        ``wm_censored``, ``runaway`` (baseline above :data:`EVENT_THRESHOLD`: learning
        has spread to the whole network), and the assembly's
        ``rate_assembly`` over ``time`` (s after the cue's offset, 25-ms bins).

    Examples
    --------
    >>> ds = memory(mg=[1.0, 2.0], observe=0.2)
    >>> bool(ds.rho_assembly.sel(mg=1.0) > ds.rho_assembly.sel(mg=2.0))
    True
    >>> ds.recall.dims, ds.recall.attrs["units"]
    (('mg', 'seed'), '1')
    """
    cfg = load_config(config) if isinstance(config, str) else config
    n_e = cfg.n_exc
    if not (2 <= assembly < n_e):
        raise MagsynapseError(f"assembly: need 2 <= assembly < {n_e} (the E neurons)")
    if not (0 < cue_fraction < 1) or repeats < 1 or stim_rate <= 0 or observe <= 0:
        raise MagsynapseError(
            "memory: need 0 < cue_fraction < 1, repeats >= 1, stim_rate > 0, observe > 0"
        )
    n_cue = max(1, round(cue_fraction * assembly))
    group = np.arange(assembly)
    cued, uncued, other = group[:n_cue], group[n_cue:], np.arange(assembly, n_e)
    dt = cfg.network.dt
    inputs = _Inputs(cfg, mg, conditions, seeds, (0.6, 0.8, 1.0, 1.5, 2.0), "memory")
    mg_list, seeds = inputs.mg_list, inputs.seeds
    none = np.zeros(0, dtype=np.int64)
    encode, t_enc = encoding(group, repeats, stim_rate, stim_weight)
    learned, jobs, nets = run_replicas(
        cfg,
        mg_list,
        seeds,
        RunPlan(round(t_enc * 1000 / dt), 250, True, none),
        stimuli=encode,
        records=inputs.records(cfg),
        progress=progress,
        phase="encoding",
    )
    t_cue, t_off = CUE_ON, CUE_OFF
    t_test = t_off + observe
    test_cfg = cfg.replace(plasticity={"enabled": False})
    cue = [Stimulus(cued, t_cue, t_off, stim_rate, stim_weight)]
    n_test = round(t_test * 1000 / dt)
    rho = {job: out.rho for job, out in zip(jobs, learned, strict=True)}
    test_plan = RunPlan(n_test, 250, True, none)
    test_records = inputs.records(test_cfg)
    test = {"stimuli": cue, "records": test_records, "progress": progress}
    tested, _, _ = run_replicas(test_cfg, mg_list, seeds, test_plan, rho0=rho, phase="test", **test)
    untrained = (
        run_replicas(test_cfg, mg_list, seeds, test_plan, phase="naive test", **test)[0]
        if naive
        else [None] * len(jobs)
    )
    shape = (len(mg_list), len(seeds))
    names = (
        "rho_assembly",
        "rho_other",
        "recall",
        "recall_naive",
        "rate_cued",
        "rate_uncued",
        "rate_other",
        "rate_baseline",
        "wm_duration",
    )
    out: dict[str, np.ndarray] = {k: np.empty(shape) for k in names}
    censored = np.zeros(shape, dtype=bool)
    runaway = np.zeros(shape, dtype=bool)
    bin_s = 0.025
    n_bins = round(observe / bin_s)
    trace = np.empty((*shape, n_bins))
    for (m_i, s_i), enc, test, ctrl in zip(jobs, learned, tested, untrained, strict=True):
        net = nets[seeds[s_i]][0]
        inside = (net.ee_pre < assembly) & (net.ee_post < assembly)
        out["rho_assembly"][m_i, s_i] = enc.rho[inside].mean()
        out["rho_other"][m_i, s_i] = enc.rho[~inside].mean()
        out["recall_naive"][m_i, s_i] = np.nan
        for name, res in (("recall", test), ("recall_naive", ctrl)):
            if res is None:
                continue
            t, i = res.spike_t / 1000.0, res.spike_i
            counts = cue_counts(res, n_e)
            out[name][m_i, s_i] = recall_auc(counts[uncued], counts[other])
            if name == "recall":
                dur = t_off - t_cue
                out["rate_cued"][m_i, s_i] = counts[cued].mean() / dur
                out["rate_uncued"][m_i, s_i] = counts[uncued].mean() / dur
                out["rate_other"][m_i, s_i] = counts[other].mean() / dur
                base = (t >= 0.1) & (t < t_cue) & (i >= assembly) & (i < n_e)
                baseline = base.sum() / len(other) / (t_cue - 0.1)
                out["rate_baseline"][m_i, s_i] = baseline
                late = (t >= t_off) & (i < assembly)
                b = np.minimum(((t[late] - t_off) / bin_s).astype(int), n_bins - 1)
                trace[m_i, s_i] = np.bincount(b, minlength=n_bins) / assembly / bin_s
                dur_wm, cens = persistence(trace[m_i, s_i], bin_s, baseline + PERSISTENCE_MARGIN)
                # in a runaway network nothing persists above the rest: no duration
                runaway[m_i, s_i] = baseline > EVENT_THRESHOLD
                out["wm_duration"][m_i, s_i] = np.nan if runaway[m_i, s_i] else dur_wm
                censored[m_i, s_i] = cens
    dims = ("mg", "seed")
    meta = {
        "rho_assembly": ("1", "mean learned efficacy inside the assembly"),
        "rho_other": ("1", "mean learned efficacy of the other E->E synapses"),
        "recall": ("1", "recall score: AUC of uncued assembly vs other E neurons in the cue"),
        "recall_naive": ("1", "recall score of the untrained network (control)"),
        "rate_cued": ("Hz", "rate of the cued assembly neurons during the cue"),
        "rate_uncued": ("Hz", "rate of the uncued assembly neurons during the cue"),
        "rate_other": ("Hz", "rate of the other E neurons during the cue"),
        "rate_baseline": ("Hz", "rate of the other E neurons before the cue"),
        "wm_duration": ("s", "persistent activity of the assembly after the cue"),
    }
    res = xr.Dataset(
        {k: (dims, v, {"units": meta[k][0], "long_name": meta[k][1]}) for k, v in out.items()},
        coords={"mg": [float(m[0]) for m in mg_list], "seed": seeds},
    )
    res["wm_censored"] = (dims, censored, {"long_name": "persistent to the end of the test"})
    res["runaway"] = (
        dims,
        runaway,
        {"long_name": f"runaway network: baseline E rate above {EVENT_THRESHOLD:g} Hz"},
    )
    res["rate_assembly"] = (
        (*dims, "time"),
        trace,
        {"units": "Hz", "long_name": "assembly rate after the cue's offset"},
    )
    res = res.assign_coords(time=(np.arange(n_bins) + 0.5) * bin_s)
    res.time.attrs["units"] = "s"
    res.mg.attrs["units"] = "mM"
    res = inputs.finish(res)
    return annotate_network(
        res,
        cfg,
        f"Memory tasks on {cfg.network.name} (assembly {assembly} of {n_e} E neurons)",
        seeds[0],
        assembly=assembly,
        cue_fraction=cue_fraction,
        repeats=repeats,
        stim_rate_Hz=stim_rate,
        stim_weight_nS=stim_weight,
        observe_s=observe,
    )


def signal_to_noise(
    config: NetworkConfig | str = "mgnet_memory",
    mg: Sequence[float] | None = None,
    seeds: Sequence[int] = (1,),
    group: int = 100,
    rate: float = 20.0,
    weight: float = 40.0,
    T: float = 2.0,
    *,
    conditions: xr.Dataset | None = None,
    progress: bool = False,
) -> xr.Dataset:
    """Calcium at synapses driven by correlated input versus background, over [Mg]o.

    Two groups of ``group`` E neurons get the same extra input — Poisson events at
    ``rate`` Hz of ``weight`` nS onto AMPA — for ``T`` s: the *signal* group one shared
    train (synchronous input), the *background* group independent trains (the same rate,
    so the two groups differ in correlation only). Synapses inside each group are
    compared: the time their calcium spends above θ_p (potentiation) and θ_d, the mean
    calcium, its presynaptic (NMDA, Mg-gated) part, and the efficacy they reach.

    ``mg`` gives [Mg]o values (mM; default 0.3, 0.5, 0.7, 1.0, 1.5, 2.0); ``conditions``
    instead a conditions dataset, as for :func:`memory`; ``progress`` shows a progress
    bar of the time steps.

    Returns
    -------
    xarray.Dataset
        Over (``mg``, ``seed``): ``above_p_signal`` / ``above_p_background`` (fraction
        of time above θ_p), ``snr`` (their ratio: the potentiation signal-to-noise),
        ``above_d_signal`` / ``above_d_background``, ``calcium_signal`` /
        ``calcium_background`` (time-averaged calcium, exact: τ_Ca × the summed jumps,
        less what is left at T), ``nmda_calcium_signal`` / ``nmda_calcium_background``
        (its presynaptic part), ``rho_signal`` / ``rho_background`` (mean efficacy at T),
        ``rate_signal`` / ``rate_background`` / ``rate_other`` (Hz) and ``runaway``.

    Examples
    --------
    >>> ds = signal_to_noise(mg=[1.0], T=0.5).isel(mg=0, seed=0)
    >>> bool(ds.above_p_signal > ds.above_p_background)
    True
    """
    cfg = load_config(config) if isinstance(config, str) else config
    n_e = cfg.n_exc
    if not (2 <= group <= n_e // 2):
        raise MagsynapseError(f"group: need 2 <= group <= {n_e // 2} (half the E neurons)")
    if rate <= 0 or weight <= 0 or not T > 0:
        raise MagsynapseError("signal_to_noise: need rate > 0 Hz, weight > 0 nS, T > 0 s")
    if not cfg.plasticity.enabled:
        raise MagsynapseError("signal_to_noise: the config's plasticity must be enabled")
    sig_n, bg_n = np.arange(group), np.arange(group, 2 * group)
    stimuli = [
        Stimulus(sig_n, 0.0, T, rate, weight, correlated=True),
        Stimulus(bg_n, 0.0, T, rate, weight, correlated=False),
    ]
    dt = cfg.network.dt
    inputs = _Inputs(cfg, mg, conditions, seeds, (0.3, 0.5, 0.7, 1.0, 1.5, 2.0), "snr")
    mg_list, seeds = inputs.mg_list, inputs.seeds
    n_steps = round(T * 1000 / dt)
    plan = RunPlan(n_steps, 100, True, np.zeros(0, dtype=np.int64))
    results, jobs, nets = run_replicas(
        cfg,
        mg_list,
        seeds,
        plan,
        stimuli=stimuli,
        diagnostics=True,
        records=inputs.records(cfg, diagnostics=True),
        progress=progress,
    )
    s = BISTABLE_SETS[cfg.plasticity.set]
    tau_ca, c_post = s["tau_ca"], s["c_post"]
    t_ms = n_steps * dt
    shape = (len(mg_list), len(seeds))
    names = [
        f"{k}_{g}"
        for k in ("above_p", "above_d", "calcium", "nmda_calcium", "rho", "rate")
        for g in ("signal", "background")
    ] + ["rate_other"]
    out = {k: np.empty(shape) for k in names}
    runaway = np.zeros(shape, dtype=bool)
    for (m_i, s_i), res in zip(jobs, results, strict=True):
        net = nets[seeds[s_i]][0]
        pre, post = net.ee_pre, net.ee_post
        counts = np.bincount(res.spike_i, minlength=n_e)[:n_e]
        ca_pre, state = res.ca_pre, res.state
        calcium = tau_ca * (ca_pre + c_post * counts[post] - state[:, 0]) / t_ms
        for g, idx in (("signal", sig_n), ("background", bg_n)):
            inside = np.isin(pre, idx) & np.isin(post, idx)
            out[f"above_p_{g}"][m_i, s_i] = state[inside, 4].mean() / t_ms
            out[f"above_d_{g}"][m_i, s_i] = state[inside, 3].mean() / t_ms
            out[f"calcium_{g}"][m_i, s_i] = calcium[inside].mean()
            out[f"nmda_calcium_{g}"][m_i, s_i] = tau_ca * ca_pre[inside].mean() / t_ms
            out[f"rho_{g}"][m_i, s_i] = state[inside, 2].mean()
            out[f"rate_{g}"][m_i, s_i] = counts[idx].mean() / T
        out["rate_other"][m_i, s_i] = counts[2 * group :].mean() / T
        runaway[m_i, s_i] = out["rate_other"][m_i, s_i] > EVENT_THRESHOLD
    dims = ("mg", "seed")
    res_ds = xr.Dataset(
        {k: (dims, v) for k, v in out.items()},
        coords={"mg": [float(m[0]) for m in mg_list], "seed": seeds},
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        res_ds["snr"] = res_ds.above_p_signal / res_ds.above_p_background
    res_ds["runaway"] = (dims, runaway)
    for g, desc in (("signal", "correlated-input"), ("background", "background")):
        res_ds[f"above_p_{g}"].attrs.update(
            units="1", long_name=f"fraction of time above theta_p, {desc} synapses"
        )
        res_ds[f"above_d_{g}"].attrs.update(
            units="1", long_name=f"fraction of time above theta_d, {desc} synapses"
        )
        res_ds[f"calcium_{g}"].attrs.update(
            units="1", long_name=f"time-averaged calcium (rule units), {desc} synapses"
        )
        res_ds[f"nmda_calcium_{g}"].attrs.update(
            units="1", long_name=f"presynaptic (NMDA) part of the calcium, {desc} synapses"
        )
        res_ds[f"rho_{g}"].attrs.update(units="1", long_name=f"mean efficacy at T, {desc}")
        res_ds[f"rate_{g}"].attrs.update(units="Hz", long_name=f"rate of the {desc} group")
    res_ds["rate_other"].attrs.update(units="Hz", long_name="rate of the other E neurons")
    res_ds["snr"].attrs.update(
        units="1", long_name="potentiation signal-to-noise: time above theta_p, signal/background"
    )
    res_ds["runaway"].attrs["long_name"] = (
        f"runaway network: other E neurons above {EVENT_THRESHOLD:g} Hz"
    )
    res_ds.mg.attrs["units"] = "mM"
    res_ds = inputs.finish(res_ds)
    return annotate_network(
        res_ds,
        cfg,
        f"Synaptic calcium signal-to-noise in {cfg.network.name}",
        seeds[0],
        group=group,
        rate_Hz=rate,
        weight_nS=weight,
        T_s=T,
    )


#: The nights of :func:`sleep`: name → (downscaled, largest synapses spared, replay
#: protects the assembly).
NIGHTS = {
    "wake": (False, False, False),
    "sleep": (True, True, False),
    "sleep_uniform": (True, False, False),
    "sleep_replay": (True, False, True),
}


def downscale(
    rho: np.ndarray, downscaling: float, spared: float, protect: np.ndarray | None = None
) -> np.ndarray:
    """A night's synaptic downscaling (the synaptic homeostasis hypothesis): every
    efficacy scaled by 1 − ``downscaling``, except the largest ``spared`` fraction and the
    synapses in ``protect`` (a boolean mask: those reactivated by replay).

    >>> downscale(np.array([0.1, 0.5, 1.0]), 0.2, 1 / 3).round(3).tolist()
    [0.08, 0.4, 1.0]
    """
    if not (0 <= downscaling < 1 and 0 <= spared < 1):
        raise MagsynapseError("downscale: need 0 <= downscaling < 1 and 0 <= spared < 1")
    rho = np.asarray(rho, dtype=float)
    keep = rho >= np.quantile(rho, 1 - spared) if spared > 0 else np.zeros(rho.shape, bool)
    if protect is not None:
        keep = keep | protect
    return np.where(keep, rho, rho * (1 - downscaling))


def sleep(
    config: NetworkConfig | str = "mgnet_memory",
    seeds: Sequence[int] = (1,),
    downscaling: float = 0.18,
    spared: float = 0.2,
    assembly: int = 160,
    stim_rate: float = 3000.0,
    stim_weight: float = 1.0,
    repeats: int = 5,
) -> xr.Dataset:
    """A night after a day of learning, and learning the next day.

    An assembly (the first ``assembly`` E neurons) is encoded as in :func:`memory`. The
    night is one of :data:`NIGHTS`: ``wake`` (no sleep); ``sleep`` — every E→E efficacy
    scaled down by ``downscaling`` (18 %: the axon–spine interface after sleep against
    after wake, de Vivo et al. 2017) except the largest ``spared`` fraction (de Vivo's
    large synapses without recycling endosomes were spared); ``sleep_uniform`` — every
    efficacy scaled down; ``sleep_replay`` — every efficacy scaled down except the
    assembly's own synapses, reactivated in sleep. Then the assembly
    is recalled from half of it (as in :func:`memory`), and the next day a second
    assembly (the next ``assembly`` E neurons) is encoded on the night's network.

    Returns
    -------
    xarray.Dataset
        Over (``night``, ``seed``): ``recall`` (of the first assembly after the night),
        ``rho_assembly`` (its mean efficacy after the night), ``rho_learned_next``
        (mean efficacy gained inside the second assembly) and ``recall_next`` (its
        recall).

    Examples
    --------
    >>> ds = sleep(repeats=2)
    >>> ratio = ds.rho_assembly.sel(night="sleep_uniform") / ds.rho_assembly.sel(night="wake")
    >>> round(float(ratio.squeeze()), 6)
    0.82
    """
    cfg = load_config(config) if isinstance(config, str) else config
    n_e = cfg.n_exc
    if not (2 <= assembly <= n_e // 2):
        raise MagsynapseError(f"assembly: need 2 <= assembly <= {n_e // 2}")
    downscale(np.zeros(1), downscaling, spared)  # validates the night
    _, seeds = _mg_and_seeds([cfg.channels.mg], seeds)
    dt, none = cfg.network.dt, np.zeros(0, dtype=np.int64)
    first, second = np.arange(assembly), np.arange(assembly, 2 * assembly)
    other = np.setdiff1d(np.arange(n_e), np.concatenate([first, second]))
    test_cfg = cfg.replace(plasticity={"enabled": False})

    def encode(group, rho0, n_variants):
        stim, t_enc = encoding(group, repeats, stim_rate, stim_weight)
        plan = RunPlan(round(t_enc * 1000 / dt), 250, True, none)
        mg = [np.array([cfg.channels.mg])] * n_variants
        return run_replicas(cfg, mg, seeds, plan, stimuli=stim, rho0=rho0)

    def recall(group, rho, n_variants):
        n_cue = assembly // 2
        cue = [Stimulus(group[:n_cue], CUE_ON, CUE_OFF, stim_rate, stim_weight)]
        plan = RunPlan(round(CUE_OFF * 1000 / dt), 250, True, none)
        mg = [np.array([cfg.channels.mg])] * n_variants
        res, jobs, _ = run_replicas(test_cfg, mg, seeds, plan, stimuli=cue, rho0=rho)
        out = {}
        for job, r in zip(jobs, res, strict=True):
            counts = cue_counts(r, n_e)
            out[job] = recall_auc(counts[group[n_cue:]], counts[other])
        return out

    learned, jobs0, nets = encode(first, None, 1)
    names = list(NIGHTS)
    night_rho = {}
    for s_i, seed in enumerate(seeds):
        net = nets[seed][0]
        inside = (net.ee_pre < assembly) & (net.ee_post < assembly)
        rho = learned[jobs0.index((0, s_i))].rho
        for v, name in enumerate(names):
            scaled, sparing, replay = NIGHTS[name]
            night_rho[(v, s_i)] = (
                downscale(rho, downscaling, spared if sparing else 0.0, inside if replay else None)
                if scaled
                else rho.copy()
            )
    recall_first = recall(first, night_rho, len(names))
    next_day, jobs1, _ = encode(second, night_rho, len(names))
    rho_next = {job: r.rho for job, r in zip(jobs1, next_day, strict=True)}
    recall_second = recall(second, rho_next, len(names))
    shape = (len(names), len(seeds))
    out = {
        k: np.empty(shape) for k in ("recall", "rho_assembly", "rho_learned_next", "recall_next")
    }
    for (v, s_i), rho in night_rho.items():
        net = nets[seeds[s_i]][0]
        in_first = (net.ee_pre < assembly) & (net.ee_post < assembly)
        in_second = np.isin(net.ee_pre, second) & np.isin(net.ee_post, second)
        out["recall"][v, s_i] = recall_first[(v, s_i)]
        out["rho_assembly"][v, s_i] = rho[in_first].mean()
        gained = rho_next[(v, s_i)][in_second] - rho[in_second]
        out["rho_learned_next"][v, s_i] = gained.mean()
        out["recall_next"][v, s_i] = recall_second[(v, s_i)]
    meta = {
        "recall": "recall of the first assembly after the night",
        "rho_assembly": "mean efficacy inside the first assembly after the night",
        "rho_learned_next": "mean efficacy gained inside the second assembly the next day",
        "recall_next": "recall of the second assembly",
    }
    res = xr.Dataset(
        {k: (("night", "seed"), v, {"units": "1", "long_name": meta[k]}) for k, v in out.items()},
        coords={"night": names, "seed": seeds},
    )
    return annotate_network(
        res,
        cfg,
        f"A night of downscaling on {cfg.network.name}",
        seeds[0],
        downscaling=downscaling,
        spared=spared,
        assembly=assembly,
        repeats=repeats,
    )


def session(
    conditions: xr.Dataset,
    config: NetworkConfig | str = "mgnet_memory",
    seeds: Sequence[int] = (1,),
    observe: float = 0.2,
    snr_T: float = 0.5,
) -> xr.Dataset:
    """A session's readouts at each condition: :func:`memory` (no naive control,
    ``observe`` s after the cue) and :func:`signal_to_noise` (``snr_T`` s), shortened so
    that hundreds of conditions run in minutes.

    Returns
    -------
    xarray.Dataset
        ``recall``, ``snr`` and ``rho_inside`` (mean learned efficacy inside the
        assembly) over the conditions' dims, then ``seed``.

    Examples
    --------
    >>> from magsynapse.conditions import make_conditions
    >>> ds = session(make_conditions(mg_o=[1.0, 2.0], dims=("x",)))
    >>> bool(ds.recall.isel(x=0, seed=0) > ds.recall.isel(x=1, seed=0))
    True
    """
    cfg = load_config(config) if isinstance(config, str) else config
    mem = memory(cfg, seeds=seeds, observe=observe, conditions=conditions, naive=False)
    snr = signal_to_noise(cfg, seeds=seeds, T=snr_T, conditions=conditions)
    out = xr.Dataset(
        {"recall": mem.recall, "rho_inside": mem.rho_assembly, "snr": snr.snr},
        attrs=mem.attrs,
    )
    out["rho_inside"].attrs["long_name"] = "mean learned efficacy inside the assembly"
    out.attrs["title"] = f"Session tasks (memory, signal-to-noise) on {cfg.network.name}"
    return out
