"""The protocol runner: a protocol × conditions × parameter sets, in one compiled call.

:func:`run_protocol` crosses a :class:`~.protocols.Protocol` with a conditions dataset
(:mod:`magsynapse.conditions`: [Mg]o, GluN2B share, release sites, … over any dims such
as ``person`` and ``day``) and the bistable parameter sets, computes the calcium of every
condition with the calcium model's kernels and hands it to the rule's readout. Rules and
calcium models are objects from :data:`~.rules.RULES` and :data:`~.calcium.CALCIUM_MODELS`;
nothing here depends on which ones.

The public protocol functions (:mod:`.api`: ``stdp``, ``frequency``, ``pairing``,
``theta_burst``) build a protocol and run it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from ..conditions import Flat, as_conditions, flatten
from ..errors import MagsynapseError, MagsynapseRunError
from ..interrupt import interruptible
from ..limits import check_memory
from ..provenance import ParameterSet
from ..random import check_seed, stream_key
from ..receptors import get_block_model
from . import calcium_kernels as CK
from . import kernels as K
from .calcium import CALCIUM_MODELS, CalciumModel
from .dataset import build_dataset, provenance
from .params import BISTABLE_SETS, NMDA_VOLTAGE
from .protocols import (
    Protocol,
    _count,
    _values,
)
from .rules import RULES, Rule
from .rules.bistable import simulate_rho

SetArg = str | ParameterSet | Sequence[str | ParameterSet]


def _resolve_sets(parameter_set: SetArg) -> tuple[list[ParameterSet], bool]:
    single = isinstance(parameter_set, str | ParameterSet)
    items = [parameter_set] if single else list(parameter_set)
    if not items:
        raise MagsynapseError("parameter_set: give at least one parameter set")
    sets = [BISTABLE_SETS[i] if isinstance(i, str) else i for i in items]
    names = [s.name for s in sets]
    if len(set(names)) != len(names):
        raise MagsynapseError("parameter_set: parameter sets must have distinct names")
    return sets, single


@dataclass
class Prepared:
    """Calcium of every flat condition (set × conditions × protocol condition), ready for
    a rule's readout; what :meth:`~.rules.Rule.evaluate` reads."""

    sets: list[ParameterSet]
    single_set: bool
    flat: Flat
    protocol: Protocol
    calcium: CalciumModel
    ca_params: ParameterSet
    duration: np.ndarray
    data: dict[str, np.ndarray]
    segments: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    above_d: np.ndarray | None = None
    above_p: np.ndarray | None = None

    @property
    def per_set(self) -> int:
        return self.flat.n * self.protocol.pre.shape[0]

    @property
    def n_conditions(self) -> int:
        return len(self.duration)

    def keys(self, seed: int) -> np.ndarray:
        """Stream key of every flat condition: a function of its labels, not its index."""
        labels = self.protocol.labels()
        return np.array(
            [
                stream_key(seed, "synapse_noise", set=s.name, condition=c, protocol=lab)
                for s in self.sets
                for c in self.flat.labels
                for lab in labels
            ],
            dtype=np.uint64,
        )

    def per_condition(self, key: str) -> np.ndarray:
        """A bistable-set parameter repeated over every flat condition."""
        return np.repeat([s[key] for s in self.sets], self.per_set)


def _flat_events(pre_t, post_t, pre_a, post_a):
    """Sorted calcium events of every flat condition, as CSR arrays."""
    shape = pre_a.shape[:-1]
    n_pre, n_post = pre_a.shape[-1], post_a.shape[-1]
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
    flat = (int(np.prod(shape)), n_ev)
    ev_t = np.take_along_axis(times, order, -1).reshape(flat)
    ev_a = np.take_along_axis(amps, order, -1).reshape(flat)
    ev_k = np.take_along_axis(kinds, order, -1).reshape(flat)
    ptr = np.arange(flat[0] + 1, dtype=np.int64) * n_ev
    return ptr, ev_t.ravel().copy(), ev_a.ravel().copy(), ev_k.ravel().copy()


def _stepped_params(model, sets, flat, protocol, block_model, ca_params, thresholds):
    n_s, n_c, n_p = len(sets), flat.n, protocol.pre.shape[0]
    p = np.zeros((n_s, n_c, n_p), dtype=CK.CA_DTYPE)
    model.stepped(p, sets, flat, block_model, ca_params)
    k_block, a_block = get_block_model(block_model).boltzmann()
    p["mg_o"] = flat.values["mg_o"][None, :, None]
    p["block_k"] = k_block
    p["block_a"] = a_block
    p["v_clamp"] = protocol.v_clamp[None, None, :]
    if thresholds:
        p["theta_d"] = np.array([s["theta_d"] for s in sets])[:, None, None]
        p["theta_p"] = np.array([s["theta_p"] for s in sets])[:, None, None]
    else:
        p["theta_d"] = np.inf
        p["theta_p"] = np.inf
    p["t_end"] = protocol.duration[None, None, :]
    return p.reshape(-1)


def _check_memory(n_cond: int, n_ev: int, n_seg: int) -> None:
    """Refuse a run whose events and calcium segments would not fit in memory: per
    condition 17 bytes per event (time, amplitude, kind) and 17 per segment (end, level
    and the time above each threshold)."""
    check_memory(
        "the synapse run",
        float(n_cond) * (17.0 * n_ev + 17.0 * n_seg),
        f"{n_cond} condition(s) x {n_ev} spikes",
    )


def prepare(
    protocol: Protocol,
    *,
    rule: Rule,
    parameter_set: SetArg,
    calcium: CalciumModel,
    conditions: xr.Dataset,
    block_model: str,
    step: float,
    coarse_step: float,
    calcium_overrides: dict[str, float] | None,
    edges: np.ndarray | None = None,
) -> Prepared:
    """Calcium of every flat condition; with ``edges`` (stepped calcium only) also the time
    calcium spends above each level (``data["occupancy"]``, ms).

    Examples
    --------
    >>> from magsynapse.conditions import as_conditions
    >>> from magsynapse.synapse import stdp_protocol
    >>> prep = prepare(stdp_protocol([10.0]), rule=RULES["bistable"], parameter_set="DP",
    ...                calcium=CALCIUM_MODELS["linear"], conditions=as_conditions(1.0),
    ...                block_model="jahr_stevens_1990", step=0.1, coarse_step=1.0,
    ...                calcium_overrides=None)
    >>> prep.n_conditions, sorted(prep.data)
    (1, ['ca_peak'])
    """
    sets, single = _resolve_sets(parameter_set)
    get_block_model(block_model)
    for name, val in (("step", step), ("coarse_step", coarse_step)):
        if not (math.isfinite(val) and val > 0):
            raise MagsynapseError(f"{name}: must be > 0 ms (got {val})")
    calcium.check(protocol, sets, rule)
    for key, value in (calcium_overrides or {}).items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise MagsynapseError(f"calcium_overrides: {key} must be a finite number (got {value})")
    ca_params = NMDA_VOLTAGE.with_values(**calcium_overrides) if calcium_overrides else NMDA_VOLTAGE
    flat = flatten(conditions, calcium.defaults(ca_params))
    n_s, n_p = len(sets), protocol.pre.shape[0]
    duration = np.broadcast_to(protocol.duration[None, None], (n_s, flat.n, n_p)).ravel()
    ptr, ev_t, ev_a, ev_k = _flat_events(
        *calcium.events(protocol, sets, flat, block_model, ca_params)
    )
    n_ev = protocol.pre.shape[1] + protocol.post.shape[1]
    _check_memory(n_s * flat.n * n_p, n_ev, 8 * n_ev + 8 if rule.needs_segments else 3 * n_ev + 4)
    prep = Prepared(sets, single, flat, protocol, calcium, ca_params, duration, {})
    if calcium.exact_segments(rule):
        per = flat.n * n_p
        seg_end, seg_lvl, n_seg, above_d, above_p, peak = interruptible(
            CK.linear_segments,
            ptr,
            ev_t,
            ev_a,
            np.repeat([s["tau_ca"] for s in sets], per),
            np.repeat([s["theta_d"] for s in sets], per),
            np.repeat([s["theta_p"] for s in sets], per),
            duration,
            3 * n_ev + 4,
        )
        prep.segments, prep.above_d, prep.above_p = (seg_end, seg_lvl, n_seg), above_d, above_p
        prep.data["ca_peak"] = peak
    else:
        params = _stepped_params(
            calcium, sets, flat, protocol, block_model, ca_params, rule.needs_segments
        )
        step_fn = K.hold_step if rule.step is None else rule.step
        rule_p = rule.step_parameters(prep)
        max_seg = 8 * n_ev + 8 if rule.needs_segments else 1
        while True:
            out = interruptible(
                CK.stepped_calcium,
                params,
                ptr,
                ev_t,
                ev_k,
                step_fn,
                np.ascontiguousarray(rule_p, dtype=float),
                step,
                coarse_step,
                calcium.window(sets, ca_params),
                max_seg,
                np.empty(0) if edges is None else np.ascontiguousarray(edges, dtype=float),
            )
            if not rule.needs_segments or np.all(out[7] >= 0):
                break
            max_seg *= 4  # pragma: no cover - the first buffer is generous
        w_final, peak, influx, above_d, above_p, seg_end, seg_lvl, n_seg, occ = out
        prep.data["ca_peak"] = peak
        if edges is not None:
            prep.data["occupancy"] = occ
        if calcium.has_influx:
            prep.data["ca_influx"] = influx
        if rule.needs_segments:
            prep.segments, prep.above_d, prep.above_p = (seg_end, seg_lvl, n_seg), above_d, above_p
        if rule.step is not None:
            prep.data["w_final"] = w_final
    if prep.segments is not None and np.any(prep.segments[2] < 0):  # pragma: no cover
        raise MagsynapseRunError("internal: calcium segment buffer overflow")
    return prep


def run_protocol(
    protocol: Protocol,
    *,
    rule: str = "bistable",
    parameter_set: SetArg = "DP",
    calcium: str = "linear",
    mg: Any = None,
    conditions: xr.Dataset | None = None,
    method: str = "analytic",
    reps: int = 1000,
    seed: int | None = None,
    block_model: str = "jahr_stevens_1990",
    step: float = 0.1,
    coarse_step: float = 1.0,
    calcium_overrides: dict[str, float] | None = None,
    progress: bool = False,
) -> xr.Dataset:
    """Run a protocol for every condition and parameter set in one batched call.

    Parameters
    ----------
    protocol : Protocol
        From :func:`stdp_protocol`, :func:`frequency_protocol`, ...
    rule : str
        Plasticity rule, a name in :data:`~magsynapse.synapse.rules.RULES`
        (``bistable``, ``omega_eta``, ``bcm``).
    parameter_set : str, ParameterSet or list of them
        Bistable set(s) (:data:`~magsynapse.synapse.params.BISTABLE_SETS`); for the linear
        calcium they also give the calcium amplitudes. A list adds a ``set`` dimension.
    calcium : str
        Calcium model, a name in :data:`~magsynapse.synapse.calcium.CALCIUM_MODELS`
        (``linear``, ``nmda_voltage``).
    mg : float or array_like, optional
        [Mg]o values, mM (dimension ``mg``); default 1 mM. Or give ``conditions``.
    conditions : xarray.Dataset, optional
        A conditions dataset (:mod:`magsynapse.conditions`): ``mg_o``, ``f_2b``,
        ``synapse_density``, ``release_probability`` over any dims (``person``, ``day``,
        ...); missing variables take the calcium model's defaults. The result has these
        dims and carries the given variables.
    method : {"analytic", "stochastic"}
        Readout (the bistable rule: GB2012's analytic reduction, or simulation of ``reps``
        synapses starting DOWN and ``reps`` starting UP).
    reps : int
        Synapses per initial state for the stochastic method.
    seed : int, optional
        Root seed of the stochastic method (required for it). A condition's synapse j
        always draws from the same stream (named by the set, the condition's labels and
        the protocol condition), whatever the batch.
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
        ``change`` (relative synaptic change) over (``set``,) the conditions' dims and the
        protocol's dims, with rule-specific variables (``p_up``, ``p_down``, ``alpha_d``,
        ``alpha_p``, ``change_se``, ``w_final``), ``ca_peak`` and provenance.

    Examples
    --------
    >>> from magsynapse.synapse import stdp_protocol
    >>> ds = run_protocol(stdp_protocol([10.0, -20.0]), mg=1.0)
    >>> [round(float(x), 3) for x in ds.change.sel(mg=1.0)]
    [1.221, 0.764]
    """
    rule_obj, ca_obj = RULES[rule], CALCIUM_MODELS[calcium]
    rule_obj.check_method(method)
    if method == "stochastic":
        reps = _count("reps", reps)
        if seed is None:
            raise MagsynapseError("seed: the stochastic method needs a seed (an integer)")
        seed = check_seed(seed)
    cond = as_conditions(mg=mg, conditions=conditions)
    prep = prepare(
        protocol,
        rule=rule_obj,
        parameter_set=parameter_set,
        calcium=ca_obj,
        conditions=cond,
        block_model=block_model,
        step=step,
        coarse_step=coarse_step,
        calcium_overrides=calcium_overrides,
    )
    data = dict(prep.data)
    data.update(rule_obj.evaluate(prep, method=method, reps=reps, seed=seed, progress=progress))
    ds = build_dataset(prep, data, conditions=conditions)
    config = {"method": method, "step_ms": step, "coarse_step_ms": coarse_step}
    if method == "stochastic":
        config["reps"] = reps
    return provenance(
        ds,
        prep,
        rule_obj,
        block_model,
        config,
        seed if method == "stochastic" else None,
    )


def efficacy(
    protocol: Protocol,
    rho0: Any,
    *,
    parameter_set: SetArg = "DP",
    calcium: str = "linear",
    mg: Any = None,
    conditions: xr.Dataset | None = None,
    seed: int | None = None,
    block_model: str = "jahr_stevens_1990",
    step: float = 0.1,
    coarse_step: float = 1.0,
    calcium_overrides: dict[str, float] | None = None,
) -> xr.Dataset:
    """Final efficacy ρ of bistable synapses started at given ρ0, for every condition.

    The same kernels as :func:`run_protocol`'s stochastic method; with σ = 0 (e.g.
    ``parameter_set=BISTABLE_SETS["DP"].with_values(sigma=0)``) the result is the
    deterministic solution and no seed is needed. Arguments as :func:`run_protocol`.

    Returns
    -------
    xarray.Dataset
        ``rho`` over (``set``,) the conditions' dims, the protocol's dims and ``synapse``;
        ``rho0`` over ``synapse``.

    Examples
    --------
    >>> from magsynapse.synapse import BISTABLE_SETS, stdp_protocol
    >>> quiet = BISTABLE_SETS["DP"].with_values(sigma=0.0)
    >>> ds = efficacy(stdp_protocol([10.0]), [0.5], parameter_set=quiet)
    >>> bool(ds.rho.sel(dt=10.0, mg=1.0).item() > 0.5)
    True
    """
    rho0_arr = _values("rho0", rho0, unit="")
    rule_obj = RULES["bistable"]
    prep = prepare(
        protocol,
        rule=rule_obj,
        parameter_set=parameter_set,
        calcium=CALCIUM_MODELS[calcium],
        conditions=as_conditions(mg=mg, conditions=conditions),
        block_model=block_model,
        step=step,
        coarse_step=coarse_step,
        calcium_overrides=calcium_overrides,
    )
    noisy = any(s["sigma"] > 0 for s in prep.sets)
    if noisy and seed is None:
        raise MagsynapseError("seed: a noisy parameter set (sigma > 0) needs a seed")
    keys = prep.keys(0 if seed is None else check_seed(seed))
    rho = simulate_rho(prep, rho0_arr, keys, progress=False)
    data = {k: v for k, v in prep.data.items() if k in ("ca_peak", "ca_influx")}
    data["rho"] = rho
    ds = build_dataset(
        prep, data, conditions=conditions, extra_dims={"synapse": np.arange(len(rho0_arr))}
    )
    ds["rho0"] = ("synapse", rho0_arr)
    ds.rho.attrs.update(units="1", long_name="efficacy at the end of the protocol")
    return provenance(
        ds,
        prep,
        rule_obj,
        block_model,
        {"step_ms": step, "coarse_step_ms": coarse_step},
        seed if noisy else None,
    )
