"""Stimulation protocols (MODEL.md §5), batched: one call runs every condition.

A protocol builder returns a :class:`Protocol`: a rectangular batch of spike trains
(presynaptic times, somatic postsynaptic times, optional holding potential) with the
labelled coordinates of its conditions. :func:`run_protocol` crosses it with [Mg]o and
parameter sets, runs the compiled kernels once for the whole grid and returns an
``xarray.Dataset`` whose ``change`` is the relative synaptic change (1 = none).

Public entry points: :func:`stdp`, :func:`frequency`, :func:`pairing`,
:func:`theta_burst`, :func:`snr` (and :func:`run_protocol` for custom protocols).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr
from tqdm.auto import tqdm

from ..errors import MagsynapseError, MagsynapseWarning
from ..provenance import ParameterSet
from ..receptors import get_block_model
from ..results import annotate
from . import kernels as K
from .calcium import CALCIUM_MODELS, c_pre_effective
from .params import BISTABLE_SETS, LINEAR_CALCIUM, NMDA_VOLTAGE, OMEGA_ETA
from .rules import RULES, gb_change, gb_change_se, gb_transition_probabilities

METHODS = ("analytic", "stochastic")


@dataclass(frozen=True)
class Protocol:
    """A rectangular batch of stimulation conditions.

    Attributes
    ----------
    name : str
        Protocol name (``stdp``, ``frequency``, ...).
    pre, post : numpy.ndarray, shape (n, n_pre) and (n, n_post)
        Presynaptic and somatic postsynaptic spike times (ms) of each condition.
    v_clamp : numpy.ndarray, shape (n,)
        Holding potential (mV) or NaN for a free spine.
    duration : numpy.ndarray, shape (n,)
        Protocol duration T (ms), over which the analytic rule averages.
    dims : tuple of str
        Names of the protocol's dimensions; ``n`` is the product of their sizes.
    coords : dict
        Coordinate values of each dimension.
    config : dict
        The protocol's settings, stored with the result.
    """

    name: str
    pre: np.ndarray
    post: np.ndarray
    v_clamp: np.ndarray
    duration: np.ndarray
    dims: tuple[str, ...]
    coords: dict[str, np.ndarray]
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(self.coords[d]) for d in self.dims)

    def labels(self) -> list[str]:
        """A stable text key per condition (used to derive its random stream)."""
        grids = np.meshgrid(*[self.coords[d] for d in self.dims], indexing="ij")
        flat = [g.ravel() for g in grids]
        base = "|".join(f"{k}={v}" for k, v in sorted(self.config.items()) if k not in self.dims)
        return [
            f"{self.name}|{base}|"
            + "|".join(f"{d}={_fmt(col[i])}" for d, col in zip(self.dims, flat, strict=True))
            for i in range(int(np.prod(self.shape)))
        ]


def _fmt(x: float) -> str:
    return f"{float(x):.9g}"


# --------------------------------------------------------------------------- validation
def _values(
    name: str, values: Any, *, unit: str, positive: bool = False, nonnegative: bool = False
) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise MagsynapseError(f"{name}: give at least one value ({unit})")
    if np.any(~np.isfinite(arr)):
        raise MagsynapseError(f"{name}: values must be finite numbers ({unit})")
    if positive and np.any(arr <= 0):
        raise MagsynapseError(f"{name}: values must be > 0 {unit} (got {arr.min():g})")
    if nonnegative and np.any(arr < 0):
        raise MagsynapseError(f"{name}: values must be >= 0 {unit} (got {arr.min():g})")
    return arr


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or int(value) != value or int(value) < 1:
        raise MagsynapseError(f"{name}: must be a whole number >= 1 (got {value})")
    return int(value)


# --------------------------------------------------------------------------- builders
def stdp_protocol(dt: Any, *, pairs: int = 60, freq: Any = 1.0) -> Protocol:
    """Pre–post pairs: ``pairs`` pairings at ``freq``; Δt = t_post − t_pre (ms).

    With a scalar ``freq`` the dims are ``(dt,)``; with a list, ``(freq, dt)``.
    Every |Δt| must be at most half the pairing period, so that each post spike is
    unambiguously paired with one pre spike.

    Examples
    --------
    >>> p = stdp_protocol([-10, 10], pairs=2)
    >>> p.pre[1].tolist(), p.post[1].tolist()
    ([0.0, 1000.0], [10.0, 1010.0])
    """
    dts = _values("dt", dt, unit="ms")
    scalar_freq = np.ndim(freq) == 0
    freqs = _values("freq", freq, unit="Hz", positive=True)
    n = _count("pairs", pairs)
    period = 1000.0 / freqs
    bad = np.abs(dts)[None, :] > period[:, None] / 2 + 1e-9
    if np.any(bad):
        i, j = np.argwhere(bad)[0]
        raise MagsynapseError(
            f"dt: {dts[j]:g} ms does not fit the pairing period of {period[i]:g} ms at "
            f"{freqs[i]:g} Hz; accepted: |dt| <= {period[i] / 2:g} ms"
        )
    grid_f, grid_dt = np.meshgrid(freqs, dts, indexing="ij")
    per = 1000.0 / grid_f.ravel()
    lag = grid_dt.ravel()
    offset = np.maximum(0.0, -lag)
    pre = offset[:, None] + per[:, None] * np.arange(n)[None, :]
    post = pre + lag[:, None]
    dims = ("dt",) if scalar_freq else ("freq", "dt")
    coords = {"dt": dts} if scalar_freq else {"freq": freqs, "dt": dts}
    config = {"pairs": n} | ({"freq": float(freqs[0])} if scalar_freq else {})
    return Protocol("stdp", pre, post, np.full(len(lag), np.nan), n * per, dims, coords, config)


def frequency_protocol(freq: Any, *, pulses: int = 900) -> Protocol:
    """Presynaptic trains of ``pulses`` pulses at each frequency (Dudek & Bear 1992).

    Examples
    --------
    >>> frequency_protocol([1, 10], pulses=3).pre.tolist()
    [[0.0, 1000.0, 2000.0], [0.0, 100.0, 200.0]]
    """
    freqs = _values("freq", freq, unit="Hz", positive=True)
    n = _count("pulses", pulses)
    per = 1000.0 / freqs
    pre = per[:, None] * np.arange(n)[None, :]
    return Protocol(
        "frequency",
        pre,
        np.empty((len(freqs), 0)),
        np.full(len(freqs), np.nan),
        n * per,
        ("freq",),
        {"freq": freqs},
        {"pulses": n},
    )


def pairing_protocol(hold: Any, *, pulses: int = 100, freq: float = 1.0) -> Protocol:
    """Presynaptic pulses while the spine is clamped at each holding potential (mV).

    Shouval et al. 2002, Fig. 3A: 100 pulses at 1 Hz, holding from −65 to −10 mV.

    Examples
    --------
    >>> pairing_protocol([-60, -20], pulses=2).v_clamp.tolist()
    [-60.0, -20.0]
    """
    holds = _values("hold", hold, unit="mV")
    n = _count("pulses", pulses)
    f = float(_values("freq", freq, unit="Hz", positive=True)[0])
    per = 1000.0 / f
    pre = np.tile(per * np.arange(n), (len(holds), 1))
    return Protocol(
        "pairing",
        pre,
        np.empty((len(holds), 0)),
        holds.copy(),
        np.full(len(holds), n * per),
        ("hold",),
        {"hold": holds},
        {"pulses": n, "freq": f},
    )


def theta_burst_protocol(
    bursts: Any = 10,
    *,
    pulses_per_burst: int = 4,
    intra_freq: float = 100.0,
    burst_freq: float = 5.0,
    post_dt: float | None = None,
) -> Protocol:
    """Theta-burst stimulation: bursts of 4 pulses at 100 Hz repeated at 5 Hz.

    ``bursts`` may be a list (dim ``bursts``); trains are padded to the longest one by
    pulses placed after the protocol end, which never act. With ``post_dt`` each
    presynaptic pulse is paired with a postsynaptic spike ``post_dt`` ms later.

    Examples
    --------
    >>> theta_burst_protocol(1).pre.tolist()
    [[0.0, 10.0, 20.0, 30.0]]
    """
    counts = _values("bursts", bursts, unit="bursts", positive=True)
    if np.any(counts != np.round(counts)):
        raise MagsynapseError("bursts: must be whole numbers >= 1")
    k = _count("pulses_per_burst", pulses_per_burst)
    f_in = float(_values("intra_freq", intra_freq, unit="Hz", positive=True)[0])
    f_b = float(_values("burst_freq", burst_freq, unit="Hz", positive=True)[0])
    if (k - 1) * 1000.0 / f_in >= 1000.0 / f_b:
        raise MagsynapseError("bursts: a burst must end before the next one starts")
    n_max = int(counts.max())
    within = 1000.0 / f_in * np.arange(k)
    starts = 1000.0 / f_b * np.arange(n_max)
    train = (starts[:, None] + within[None, :]).ravel()
    duration = counts * 1000.0 / f_b
    pre = np.tile(train, (len(counts), 1))
    # pulses beyond a condition's own burst count are moved past its end
    pre = np.where(pre < duration[:, None] - 1e-9, pre, duration[:, None] + 1e9)
    post = pre + post_dt if post_dt is not None else np.empty((len(counts), 0))
    config = {
        "pulses_per_burst": k,
        "intra_freq": f_in,
        "burst_freq": f_b,
        "post_dt": "none" if post_dt is None else float(post_dt),
    }
    return Protocol(
        "theta_burst",
        pre,
        post,
        np.full(len(counts), np.nan),
        duration,
        ("bursts",),
        {"bursts": counts.astype(int)},
        config,
    )


# --------------------------------------------------------------------------- runner
#: Largest supra-threshold step (ms) of the stochastic bistable rule (Strang splitting).
H_MAX = 5.0


def natural_calcium(ps: ParameterSet) -> str:
    """The calcium model a bistable set's thresholds were defined on.

    GB2012 sets carry linear-calcium amplitudes (``c_pre``); sets without them (``DP_nmda``)
    have thresholds in µM of the ``nmda_voltage`` calcium.
    """
    return "linear" if "c_pre" in ps.params else "nmda_voltage"


def _resolve_sets(
    parameter_set: str | ParameterSet | Sequence[str | ParameterSet],
) -> tuple[list[ParameterSet], bool]:
    single = isinstance(parameter_set, str | ParameterSet)
    items = [parameter_set] if single else list(parameter_set)
    if not items:
        raise MagsynapseError("set: give at least one parameter set")
    sets = [BISTABLE_SETS[i] if isinstance(i, str) else i for i in items]
    names = [s.name for s in sets]
    if len(set(names)) != len(names):
        raise MagsynapseError("set: parameter sets must have distinct names")
    return sets, single


def _stream_key(seed: int, label: str) -> int:
    digest = hashlib.blake2b(f"{seed}|{label}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _events(
    protocol: Protocol,
    calcium: str,
    sets: list[ParameterSet],
    mg: np.ndarray,
    block_model: str,
    ca_params: ParameterSet,
):
    """Sorted calcium events of every (set, mg, condition): CSR arrays."""
    n_s, n_m, n_p = len(sets), len(mg), protocol.pre.shape[0]
    n_pre, n_post = protocol.pre.shape[1], protocol.post.shape[1]
    shape = (n_s, n_m, n_p)
    if calcium == "linear":
        delay = np.array([s["delay"] for s in sets])
        pre_t = protocol.pre[None, None] + delay[:, None, None, None]
        post_t = protocol.post[None, None] + np.zeros((n_s, 1, 1, 1))
        amp_pre = np.stack([c_pre_effective(s["c_pre"], mg, block_model) for s in sets])
        amp_post = np.array([s["c_post"] for s in sets])
        pre_a = np.broadcast_to(amp_pre[:, :, None, None], (*shape, n_pre))
        post_a = np.broadcast_to(amp_post[:, None, None, None], (*shape, n_post))
    else:
        pre_t = protocol.pre[None, None] + np.zeros((n_s, 1, 1, 1))
        post_t = protocol.post[None, None] + ca_params["bpap_delay"] + np.zeros((n_s, 1, 1, 1))
        pre_a = np.zeros((*shape, n_pre))
        post_a = np.zeros((*shape, n_post))
    times = np.concatenate(
        [np.broadcast_to(pre_t, (*shape, n_pre)), np.broadcast_to(post_t, (*shape, n_post))],
        axis=-1,
    )
    amps = np.concatenate([pre_a, post_a], axis=-1)
    kinds = np.concatenate(
        [np.zeros((*shape, n_pre), np.int8), np.ones((*shape, n_post), np.int8)], axis=-1
    )
    order = np.argsort(times, axis=-1, kind="stable")
    n_ev = n_pre + n_post
    flat = (n_s * n_m * n_p, n_ev)
    ev_t = np.take_along_axis(times, order, -1).reshape(flat)
    ev_a = np.take_along_axis(amps, order, -1).reshape(flat)
    ev_k = np.take_along_axis(kinds, order, -1).reshape(flat)
    ptr = np.arange(flat[0] + 1, dtype=np.int64) * n_ev
    return ptr, ev_t.ravel().copy(), ev_a.ravel().copy(), ev_k.ravel().copy()


def _omega_vector(params: ParameterSet) -> np.ndarray:
    keys = ("alpha1", "alpha2", "beta1", "beta2", "p1", "p2", "p3", "p4", "lam", "w0")
    return np.array([params[k] for k in keys], dtype=float)


def _stepped_params(
    calcium: str,
    sets: list[ParameterSet],
    mg: np.ndarray,
    protocol: Protocol,
    block_model: str,
    ca_params: ParameterSet,
    thresholds: bool,
) -> np.ndarray:
    n_s, n_m, n_p = len(sets), len(mg), protocol.pre.shape[0]
    p = np.zeros((n_s, n_m, n_p, K.N_PARAMS))
    k_block, a_block = get_block_model(block_model).boltzmann()
    if calcium == "linear":
        p[..., K.P_MODEL] = 0.0
        p[..., K.P_TAU_CA] = np.array([s["tau_ca"] for s in sets])[:, None, None]
    else:
        c = ca_params
        p[..., K.P_MODEL] = 1.0
        p[..., K.P_TAU_CA] = c["tau_ca"]
        p[..., K.P_P0G] = c["p0"] * c["g_nmda"]
        p[..., K.P_VCA] = c["v_ca"]
        p[..., K.P_IF] = c["i_f"]
        p[..., K.P_IS] = c["i_s"]
        p[..., K.P_TAUF] = c["tau_f"]
        p[..., K.P_TAUS] = c["tau_s"]
        p[..., K.P_VREST] = c["v_rest"]
        p[..., K.P_EPSP] = c["epsp_amp"]
        p[..., K.P_ET1] = c["epsp_tau1"]
        p[..., K.P_ET2] = c["epsp_tau2"]
        p[..., K.P_BPAP] = c["bpap_amp"]
        p[..., K.P_BIF] = c["bpap_i_f"]
        p[..., K.P_BTF] = c["bpap_tau_f"]
        p[..., K.P_BTS] = c["bpap_tau_s"]
    p[..., K.P_MG] = mg[None, :, None]
    p[..., K.P_BK] = k_block
    p[..., K.P_BA] = a_block
    p[..., K.P_VCLAMP] = protocol.v_clamp[None, None, :]
    if thresholds:
        p[..., K.P_THD] = np.array([s["theta_d"] for s in sets])[:, None, None]
        p[..., K.P_THP] = np.array([s["theta_p"] for s in sets])[:, None, None]
    else:
        p[..., K.P_THD] = np.inf
        p[..., K.P_THP] = np.inf
    p[..., K.P_TEND] = protocol.duration[None, None, :]
    return p.reshape(-1, K.N_PARAMS)


@dataclass
class _Prepared:
    """Calcium of every (set, mg, condition), ready for a rule's readout."""

    sets: list[ParameterSet]
    single_set: bool
    mg: np.ndarray
    protocol: Protocol
    duration: np.ndarray
    data: dict[str, np.ndarray]
    segments: tuple[np.ndarray, np.ndarray, np.ndarray] | None
    above_d: np.ndarray | None
    above_p: np.ndarray | None
    ca_params: ParameterSet

    @property
    def per_set(self) -> int:
        return len(self.mg) * self.protocol.pre.shape[0]

    def keys(self, seed: int) -> np.ndarray:
        """Stream key of every flat condition: a function of its values, not its index."""
        labels = self.protocol.labels()
        return np.array(
            [
                _stream_key(seed, f"{s.name}|mg={_fmt(m)}|{lab}")
                for s in self.sets
                for m in self.mg
                for lab in labels
            ],
            dtype=np.uint64,
        )

    def per_condition(self, key: str) -> np.ndarray:
        return np.repeat([s[key] for s in self.sets], self.per_set)


def _prepare(
    protocol,
    rule,
    parameter_set,
    calcium,
    mg,
    block_model,
    step,
    coarse_step,
    calcium_overrides,
    edges: np.ndarray | None = None,
) -> _Prepared:
    """Calcium of every condition; with ``edges`` (stepped calcium only) also the time
    calcium spends above each level (``data["occupancy"]``, ms)."""
    sets, single = _resolve_sets(parameter_set)
    mg_arr = _values("mg", mg, unit="mM", nonnegative=True)
    RULES[rule]
    CALCIUM_MODELS[calcium]
    get_block_model(block_model)
    for name, val in (("step", step), ("coarse_step", coarse_step)):
        if not (math.isfinite(val) and val > 0):
            raise MagsynapseError(f"{name}: must be > 0 ms (got {val})")
    if calcium == "linear":
        if np.any(np.isfinite(protocol.v_clamp)):
            raise MagsynapseError(
                "calcium: a holding potential needs a voltage-dependent calcium model; "
                "accepted: nmda_voltage"
            )
        for s in sets:
            if natural_calcium(s) != "linear":
                raise MagsynapseError(
                    f"set: {s.name!r} is calibrated on nmda_voltage calcium and has no linear "
                    "calcium amplitudes; use --calcium nmda_voltage or a GB2012 set"
                )
    elif rule == "bistable":
        odd = [s.name for s in sets if natural_calcium(s) != calcium]
        if odd:
            warnings.warn(
                f"set {', '.join(odd)} has thresholds in GB2012's normalised calcium units, "
                f"not the uM of {calcium} calcium; DP_nmda is the set calibrated for it",
                MagsynapseWarning,
                stacklevel=4,
            )
    ca_params = NMDA_VOLTAGE.with_values(**calcium_overrides) if calcium_overrides else NMDA_VOLTAGE
    n_s, n_m, n_p = len(sets), len(mg_arr), protocol.pre.shape[0]
    duration = np.broadcast_to(protocol.duration[None, None], (n_s, n_m, n_p)).ravel()
    ptr, ev_t, ev_a, ev_k = _events(protocol, calcium, sets, mg_arr, block_model, ca_params)
    n_ev = protocol.pre.shape[1] + protocol.post.shape[1]
    data: dict[str, np.ndarray] = {}
    segments = above_d = above_p = None
    if rule == "bistable" and calcium == "linear":
        per = n_m * n_p
        seg_end, seg_lvl, n_seg, above_d, above_p, peak = K.linear_segments(
            ptr,
            ev_t,
            ev_a,
            np.repeat([s["tau_ca"] for s in sets], per),
            np.repeat([s["theta_d"] for s in sets], per),
            np.repeat([s["theta_p"] for s in sets], per),
            duration,
            3 * n_ev + 4,
        )
        segments = (seg_end, seg_lvl, n_seg)
        data["ca_peak"] = peak
    else:
        params = _stepped_params(
            calcium, sets, mg_arr, protocol, block_model, ca_params, thresholds=(rule == "bistable")
        )
        window = 5.0 * (
            ca_params["bpap_tau_s"] if calcium == "nmda_voltage" else max(s["tau_ca"] for s in sets)
        )
        max_seg = 8 * n_ev + 8 if rule == "bistable" else 1
        while True:
            out = K.stepped_calcium(
                params,
                ptr,
                ev_t,
                ev_k,
                _omega_vector(OMEGA_ETA),
                step,
                coarse_step,
                window,
                max_seg,
                np.empty(0) if edges is None else np.ascontiguousarray(edges, dtype=float),
            )
            if rule != "bistable" or np.all(out[7] >= 0):
                break
            max_seg *= 4  # pragma: no cover - the first buffer is generous
        w_final, peak, influx, above_d, above_p, seg_end, seg_lvl, n_seg, occ = out
        data["ca_peak"] = peak
        if edges is not None:
            data["occupancy"] = occ
        if calcium == "nmda_voltage":
            data["ca_influx"] = influx
        if rule == "bistable":
            segments = (seg_end, seg_lvl, n_seg)
        else:
            data["w_final"] = w_final
            data["change"] = w_final / OMEGA_ETA["w0"]
    if segments is not None and np.any(segments[2] < 0):  # pragma: no cover
        raise MagsynapseError("internal: calcium segment buffer overflow")
    return _Prepared(
        sets, single, mg_arr, protocol, duration, data, segments, above_d, above_p, ca_params
    )


def _simulate_rho(
    prep: _Prepared, rho0: np.ndarray, keys: np.ndarray, progress: bool
) -> np.ndarray:
    """Final ρ of every (flat condition, synapse) from the prepared segments."""
    seg_end, seg_lvl, n_seg = prep.segments
    tau_ms = prep.per_condition("tau") * 1000.0
    args = [prep.per_condition(k) for k in ("gamma_d", "gamma_p", "sigma")]
    rho_star = prep.per_condition("rho_star")
    n = len(keys)
    work = float(np.sum(n_seg)) * len(rho0)
    chunks = 1 if work < 5e7 else min(n, math.ceil(work / 5e7))
    bounds = np.linspace(0, n, chunks + 1).astype(int)
    out = np.empty((n, len(rho0)))
    bar = tqdm(
        total=n, desc="stochastic synapses", unit="cond", disable=not progress or chunks == 1
    )
    for a, b in itertools.pairwise(bounds):
        out[a:b] = K.bistable_stochastic(
            seg_end[a:b],
            seg_lvl[a:b],
            n_seg[a:b],
            rho0,
            keys[a:b],
            args[0][a:b],
            args[1][a:b],
            args[2][a:b],
            tau_ms[a:b],
            rho_star[a:b],
            H_MAX,
        )
        bar.update(b - a)
    bar.close()
    return out


def _dataset(
    prep: _Prepared,
    data: dict[str, np.ndarray],
    calcium: str,
    extra_dims: dict[str, np.ndarray] | None = None,
) -> xr.Dataset:
    grid = (len(prep.sets), len(prep.mg), *prep.protocol.shape)
    dims = ("set", "mg", *prep.protocol.dims)
    coords = {"set": [s.name for s in prep.sets], "mg": prep.mg, **prep.protocol.coords}
    variables = {}
    for k, v in data.items():
        if v.ndim == 2:  # (flat condition, synapse)
            ((extra_name, extra_values),) = extra_dims.items()
            variables[k] = ((*dims, extra_name), v.reshape((*grid, v.shape[1])))
            coords[extra_name] = extra_values
        else:
            variables[k] = (dims, v.reshape(grid))
    ds = xr.Dataset(variables, coords=coords)
    if prep.single_set:
        ds = ds.isel(set=0, drop=True)
    _units(ds, calcium)
    return ds


def _provenance(ds, prep: _Prepared, rule, calcium, block_model, config, seed) -> xr.Dataset:
    used = [ps for ps in prep.sets if rule == "bistable" or calcium == "linear"]
    used.append(LINEAR_CALCIUM if calcium == "linear" else prep.ca_params)
    if rule == "omega_eta":
        used.append(OMEGA_ETA)
    used.append(get_block_model(block_model).params)
    proto = prep.protocol
    full = {
        "protocol": proto.name,
        **{f"protocol.{k}": v for k, v in proto.config.items()},
        "rule": rule,
        "calcium": calcium,
        "sets": [s.name for s in prep.sets],
        "block_model": block_model,
        **config,
    }
    refs = {"graupner_brunel_2012"} if rule == "bistable" else {"shouval_2002"}
    if calcium == "nmda_voltage":
        refs.add("shouval_2002")
    return annotate(
        ds,
        title=f"{proto.name} protocol, {rule} rule, {calcium} calcium",
        config=full,
        parameter_sets=used,
        references=refs,
        seed=seed,
    )


def run_protocol(
    protocol: Protocol,
    *,
    rule: str = "bistable",
    parameter_set: str | ParameterSet | Sequence[str | ParameterSet] = "DP",
    calcium: str = "linear",
    mg: Any = 1.0,
    method: str = "analytic",
    reps: int = 1000,
    seed: int | None = None,
    block_model: str = "jahr_stevens_1990",
    step: float = 0.1,
    coarse_step: float = 1.0,
    calcium_overrides: dict[str, float] | None = None,
    progress: bool = False,
) -> xr.Dataset:
    """Run a protocol for every [Mg]o and parameter set in one batched call.

    Parameters
    ----------
    protocol : Protocol
        From :func:`stdp_protocol`, :func:`frequency_protocol`, ...
    rule : {"bistable", "omega_eta"}
        Plasticity rule.
    parameter_set : str, ParameterSet or list of them
        Bistable set(s) (:data:`~magsynapse.synapse.params.BISTABLE_SETS`); for the linear
        calcium they also give the calcium amplitudes. A list adds a ``set`` dimension.
    calcium : {"linear", "nmda_voltage"}
        Calcium model.
    mg : float or array_like
        [Mg]o values, mM (dimension ``mg``).
    method : {"analytic", "stochastic"}
        Bistable rule only: GB2012's analytic reduction, or simulation of ``reps``
        synapses starting DOWN and ``reps`` starting UP.
    reps : int
        Synapses per initial state for the stochastic method.
    seed : int, optional
        Root seed of the stochastic method (required for it). Condition c's synapse j
        always draws from the same stream, whatever the batch.
    block_model : str
        Mg²⁺ block model.
    step, coarse_step : float
        Time steps (ms) of the stepped calcium: ``step`` for five time constants after each
        event, ``coarse_step`` elsewhere. The linear calcium with the bistable rule is
        event-driven and exact (no step).
    calcium_overrides : dict, optional
        Replacement values for the ``nmda_voltage`` calcium parameters.
    progress : bool
        Show a progress bar over batches of the stochastic simulation.

    Returns
    -------
    xarray.Dataset
        ``change`` (relative synaptic change) over (``set``,) ``mg`` and the protocol's
        dims, with rule-specific variables (``p_up``, ``p_down``, ``alpha_d``,
        ``alpha_p``, ``change_se``, ``w_final``), ``ca_peak`` and provenance.

    Examples
    --------
    >>> ds = run_protocol(stdp_protocol([10.0, -20.0]), mg=1.0)
    >>> [round(float(x), 3) for x in ds.change.sel(mg=1.0)]
    [1.221, 0.764]
    """
    if method not in METHODS:
        raise MagsynapseError(f"method: unknown {method!r}; accepted: {', '.join(METHODS)}")
    if rule == "omega_eta" and method == "stochastic":
        raise MagsynapseError("method: the omega_eta rule is deterministic; accepted: analytic")
    if method == "stochastic":
        reps = _count("reps", reps)
        if seed is None:
            raise MagsynapseError("seed: the stochastic method needs a seed (an integer)")
    prep = _prepare(
        protocol,
        rule,
        parameter_set,
        calcium,
        mg,
        block_model,
        step,
        coarse_step,
        calcium_overrides,
    )
    data = prep.data
    if rule == "bistable":
        data["alpha_d"] = prep.above_d / prep.duration
        data["alpha_p"] = prep.above_p / prep.duration
        n = len(prep.duration)
        change, p_up, p_down = np.empty(n), np.empty(n), np.empty(n)
        if method == "stochastic":
            rho0 = np.concatenate([np.zeros(reps), np.ones(reps)])
            rho = _simulate_rho(prep, rho0, prep.keys(seed), progress)
            rho_star = prep.per_condition("rho_star")[:, None]
            p_up = np.mean(rho[:, :reps] > rho_star, axis=1)
            p_down = np.mean(rho[:, reps:] < rho_star, axis=1)
            data["change_se"] = np.empty(n)
        for i, s in enumerate(prep.sets):
            sl = slice(i * prep.per_set, (i + 1) * prep.per_set)
            if method == "analytic":
                p_up[sl], p_down[sl] = gb_transition_probabilities(
                    data["alpha_d"][sl], data["alpha_p"][sl], prep.duration[sl], s
                )
            else:
                data["change_se"][sl] = gb_change_se(p_up[sl], p_down[sl], reps, s["beta"], s["b"])
            change[sl] = gb_change(p_up[sl], p_down[sl], s["beta"], s["b"])
        data["p_up"], data["p_down"], data["change"] = p_up, p_down, change
    ds = _dataset(prep, data, calcium)
    config = {"method": method, "step_ms": step, "coarse_step_ms": coarse_step}
    if method == "stochastic":
        config["reps"] = reps
    return _provenance(
        ds, prep, rule, calcium, block_model, config, seed if method == "stochastic" else None
    )


def efficacy(
    protocol: Protocol,
    rho0: Any,
    *,
    parameter_set: str | ParameterSet | Sequence[str | ParameterSet] = "DP",
    calcium: str = "linear",
    mg: Any = 1.0,
    seed: int | None = None,
    block_model: str = "jahr_stevens_1990",
    step: float = 0.1,
    coarse_step: float = 1.0,
    calcium_overrides: dict[str, float] | None = None,
) -> xr.Dataset:
    """Final efficacy ρ of bistable synapses started at given ρ0, for every condition.

    The same kernels as :func:`run_protocol`'s stochastic method; with σ = 0 (e.g.
    ``parameter_set=BISTABLE_SETS["DP"].with_values(sigma=0)``) the result is the
    deterministic solution and no seed is needed.

    Returns
    -------
    xarray.Dataset
        ``rho`` over (``set``,) ``mg``, the protocol's dims and ``synapse``; ``rho0``
        over ``synapse``.

    Examples
    --------
    >>> from magsynapse.synapse.params import BISTABLE_SETS
    >>> quiet = BISTABLE_SETS["DP"].with_values(sigma=0.0)
    >>> ds = efficacy(stdp_protocol([10.0]), [0.5], parameter_set=quiet)
    >>> bool(ds.rho.sel(dt=10.0, mg=1.0).item() > 0.5)
    True
    """
    rho0_arr = _values("rho0", rho0, unit="")
    prep = _prepare(
        protocol,
        "bistable",
        parameter_set,
        calcium,
        mg,
        block_model,
        step,
        coarse_step,
        calcium_overrides,
    )
    noisy = any(s["sigma"] > 0 for s in prep.sets)
    if noisy and seed is None:
        raise MagsynapseError("seed: a noisy parameter set (sigma > 0) needs a seed")
    keys = prep.keys(0 if seed is None else seed)
    rho = _simulate_rho(prep, rho0_arr, keys, progress=False)
    data = {k: v for k, v in prep.data.items() if k in ("ca_peak", "ca_influx")}
    data["rho"] = rho
    ds = _dataset(prep, data, calcium, {"synapse": np.arange(len(rho0_arr))})
    ds["rho0"] = ("synapse", rho0_arr)
    ds.rho.attrs.update(units="1", long_name="efficacy at the end of the protocol")
    return _provenance(
        ds,
        prep,
        "bistable",
        calcium,
        block_model,
        {"step_ms": step, "coarse_step_ms": coarse_step},
        seed if noisy else None,
    )


def _units(ds: xr.Dataset, calcium: str) -> None:
    ca_unit = "uM" if calcium == "nmda_voltage" else "1 (GB2012 units, theta_d = 1)"
    meta = {
        "change": ("1", "relative synaptic change after/before (1 = no change)"),
        "change_se": ("1", "Monte Carlo standard error of change"),
        "p_up": ("1", "probability of a DOWN to UP transition"),
        "p_down": ("1", "probability of an UP to DOWN transition"),
        "alpha_d": ("1", "fraction of the protocol with calcium above theta_d"),
        "alpha_p": ("1", "fraction of the protocol with calcium above theta_p"),
        "w_final": ("1", "omega-eta weight at the end of the protocol"),
        "ca_peak": (ca_unit, "largest calcium value"),
        "ca_influx": ("uM", "time integral of the NMDA calcium influx"),
    }
    for name, (unit, desc) in meta.items():
        if name in ds:
            ds[name].attrs.update(units=unit, long_name=desc)
    coord_units = {"mg": "mM", "dt": "ms", "freq": "Hz", "hold": "mV", "bursts": "1"}
    for name, unit in coord_units.items():
        if name in ds.coords:
            ds[name].attrs["units"] = unit


# --------------------------------------------------------------------------- public API
def stdp(dt: Any, *, pairs: int = 60, freq: Any = 1.0, **kwargs: Any) -> xr.Dataset:
    """STDP curve(s): relative change versus Δt for every [Mg]o (and frequency).

    Parameters
    ----------
    dt : array_like
        Δt = t_post − t_pre, ms.
    pairs : int
        Number of pairings.
    freq : float or array_like
        Pairing frequency, Hz; a list adds a ``freq`` dimension.
    **kwargs
        Passed to :func:`run_protocol` (``rule``, ``parameter_set``, ``calcium``, ``mg``,
        ``method``, ``reps``, ``seed``, ...).

    Examples
    --------
    >>> ds = stdp([-20.0, 10.0], mg=[0.8, 1.2])
    >>> ds.change.dims
    ('mg', 'dt')
    """
    return run_protocol(stdp_protocol(dt, pairs=pairs, freq=freq), **kwargs)


def frequency(freq: Any, *, pulses: int = 900, **kwargs: Any) -> xr.Dataset:
    """Frequency–response curve: ``pulses`` presynaptic pulses at each frequency.

    Examples
    --------
    >>> frequency([1.0, 100.0], pulses=30).change.dims
    ('mg', 'freq')
    """
    return run_protocol(frequency_protocol(freq, pulses=pulses), **kwargs)


def pairing(hold: Any, *, pulses: int = 100, freq: float = 1.0, **kwargs: Any) -> xr.Dataset:
    """Pairing with a holding potential (Shouval 2002 Fig. 3A); default rule omega_eta.

    Examples
    --------
    >>> pairing([-65.0, -10.0], pulses=10).change.dims
    ('mg', 'hold')
    """
    kwargs.setdefault("rule", "omega_eta")
    kwargs.setdefault("calcium", "nmda_voltage")
    return run_protocol(pairing_protocol(hold, pulses=pulses, freq=freq), **kwargs)


def theta_burst(bursts: Any = 10, *, post_dt: float | None = None, **kwargs: Any) -> xr.Dataset:
    """Theta-burst stimulation (4 pulses at 100 Hz, bursts at 5 Hz).

    Examples
    --------
    >>> theta_burst([5, 10]).change.dims
    ('mg', 'bursts')
    """
    return run_protocol(theta_burst_protocol(bursts, post_dt=post_dt), **kwargs)


def snr(
    mg: Any,
    *,
    dt: float = 10.0,
    calcium: str = "nmda_voltage",
    block_model: str = "jahr_stevens_1990",
    parameter_set: str = "DP",
    step: float = 0.1,
) -> xr.Dataset:
    """Signal-to-noise of synaptic calcium (Slutsky et al. 2004) versus [Mg]o.

    ``snr`` = calcium entry from correlated activity (a presynaptic spike followed by a
    postsynaptic spike after ``dt`` ms) divided by entry from uncorrelated activity (the
    presynaptic spike alone, at rest). With ``nmda_voltage`` calcium the entry is the
    time integral of the NMDA calcium influx; with ``linear`` calcium it is τ_Ca times the
    sum of the calcium amplitudes.

    Examples
    --------
    >>> s = snr([0.8, 1.2])
    >>> bool(s.snr.sel(mg=1.2) > s.snr.sel(mg=0.8))
    True
    """
    CALCIUM_MODELS[calcium]
    mg_arr = _values("mg", mg, unit="mM", nonnegative=True)
    lag = float(_values("dt", dt, unit="ms")[0])
    if calcium == "linear":
        s = BISTABLE_SETS[parameter_set]
        if natural_calcium(s) != "linear":
            raise MagsynapseError(f"set: {parameter_set!r} has no linear calcium amplitudes")
        pre_amp = c_pre_effective(s["c_pre"], mg_arr, block_model)
        uncorr = s["tau_ca"] * pre_amp
        corr = s["tau_ca"] * (pre_amp + s["c_post"])
        used = [s, LINEAR_CALCIUM]
    else:
        offset = max(0.0, -lag)
        proto = Protocol(
            "snr",
            np.array([[offset], [offset]]),
            np.array([[offset + lag], [np.inf]]),
            np.full(2, np.nan),
            np.full(2, 2000.0 + offset + abs(lag)),
            ("activity",),
            {"activity": np.array(["correlated", "uncorrelated"])},
            {"dt": lag},
        )
        ds = run_protocol(
            proto,
            rule="omega_eta",
            calcium="nmda_voltage",
            mg=mg_arr,
            block_model=block_model,
            step=step,
            coarse_step=step,
        )
        corr = ds.ca_influx.sel(activity="correlated").values
        uncorr = ds.ca_influx.sel(activity="uncorrelated").values
        used = [NMDA_VOLTAGE]
    unit = "uM" if calcium == "nmda_voltage" else "1 ms (GB2012 units)"
    out = xr.Dataset(
        {
            "snr": ("mg", corr / uncorr),
            "entry_correlated": ("mg", corr),
            "entry_uncorrelated": ("mg", uncorr),
        },
        coords={"mg": mg_arr},
    )
    out.snr.attrs.update(units="1", long_name="correlated / uncorrelated calcium entry")
    out.entry_correlated.attrs.update(units=unit, long_name="calcium entry, pre then post")
    out.entry_uncorrelated.attrs.update(units=unit, long_name="calcium entry, pre alone")
    out.mg.attrs["units"] = "mM"
    used.append(get_block_model(block_model).params)
    return annotate(
        out,
        title="synaptic calcium signal-to-noise versus [Mg]o",
        config={"protocol": "snr", "dt_ms": lag, "calcium": calcium, "block_model": block_model},
        parameter_sets=used,
        references={"slutsky_2004"},
        seed=None,
    )


def run_with_mg(protocol: Protocol, mg: xr.DataArray, **kwargs: Any) -> xr.Dataset:
    """Run a protocol at every [Mg]o of a labelled array (e.g. from a PK result).

    The distinct values of ``mg`` (any dims: salt, day, sample, ...) are run in one batched
    call; the result is indexed back so that ``change`` has ``mg``'s dims followed by the
    protocol's, and carries ``mg`` itself as a variable.

    Examples
    --------
    >>> import xarray as xr
    >>> mg = xr.DataArray([[0.97, 1.01], [0.97, 0.99]], dims=("salt", "day"),
    ...                   coords={"salt": ["threonate", "oxide"], "day": [0, 84]})
    >>> run_with_mg(stdp_protocol([-20.0, 10.0]), mg).change.dims
    ('salt', 'day', 'dt')
    """
    values = np.asarray(mg.values, dtype=float).ravel()
    unique, inverse = np.unique(values, return_inverse=True)
    ds = run_protocol(protocol, mg=unique, **kwargs)
    rest = [d for d in ds.dims if d != "mg"]
    coords = {d: mg[d].values for d in mg.dims if d in mg.coords}
    coords.update({d: ds[d].values for d in rest if d in ds.coords})
    out = xr.Dataset(coords=coords)
    for name, var in ds.data_vars.items():
        data = var.transpose("mg", *[d for d in var.dims if d != "mg"]).values[inverse]
        dims = (*mg.dims, *[d for d in var.dims if d != "mg"])
        out[name] = (dims, data.reshape(*mg.shape, *data.shape[1:]), var.attrs)
    for d in rest:
        if d in ds.coords:
            out[d].attrs = ds[d].attrs
    out["mg"] = mg.variable
    out["mg"].attrs = {"units": "mM", "long_name": "[Mg]o of each condition"}
    out.attrs = ds.attrs
    return out
