"""Integrating the slow states over days from brain [Mg] drivers.

:class:`Drivers` hold brain [Mg]o and [Mg]i over time for S samples and the *reference*
state they start from; :func:`drivers_from_body` reads them from a body result, and
:meth:`Drivers.clamped` / :meth:`Drivers.depleted` turn them into the culture and
depletion experiments. :func:`integrate` runs the active pathways
(:data:`.pathways.PATHWAYS`) in fixed steps (1 h by default): every pathway's update is
exact for its linear relaxation with the drivers frozen over the step (exponential
integrator), so a state's time constant is the stated one whatever the step.

The initial state is the steady state of the reference: the homeostat's set point is
the background calcium there, release sites sit at their target, ATP at supply/demand,
Process S on its periodic orbit. With the drivers at the reference nothing moves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..body.priors import parameter_arrays
from ..errors import MagsynapseError
from ..provenance import ParameterSet
from ..random import check_seed
from ..results import annotate
from .compiled import PARAM_ROWS, STATE_ROWS, TabulatedCalcium, run_steps
from .params import AGES
from .pathways import (
    BUILT_IN,
    PATHWAYS,
    CalciumFunction,
    Env,
    Pathway,
    State,
    density_target,
    energy_demand,
    get_pathways,
    mgatp,
    release_target,
)

#: Output variables: (units, meaning).
OUTPUTS: dict[str, tuple[str, str]] = {
    "mg_o": ("mM", "brain interstitial [Mg2+]"),
    "mg_i": ("mM", "neuronal free [Mg2+] (with the age's cellular-Mg factor)"),
    "f_2b": ("1", "GluN2B share of the NMDA receptors"),
    "synapse_density": ("1", "functional release sites, relative to the reference synapse"),
    "release_probability": ("1", "release probability per site"),
    "atp": ("1", "Mg-ATP availability, relative to the reference neuron"),
    "excitotoxic_load": ("1", "excitotoxic load (calcium above threshold, integrated)"),
    "sleep_pressure": ("1", "Process S"),
    "synaptic_strength": ("1", "mean synaptic strength (wake potentiation, sleep downscaling)"),
    "calcium": ("1", "background NMDA calcium relative to the homeostat's set point"),
    "atp_supplied": ("1", "cumulative ATP supply (units of baseline use per tau_atp)"),
    "atp_used": ("1", "cumulative ATP use (same units)"),
    "slow_wave": (
        "1",
        "slow-wave activity of the last night (integral of gain x S asleep), relative to "
        "the reference night",
    ),
}


@dataclass(frozen=True)
class Drivers:
    """Brain [Mg] over time for S samples, and the reference state the layer starts in.

    Attributes
    ----------
    time : numpy.ndarray
        Hours from 0, increasing, shape (T,).
    mg_o, mg_i : numpy.ndarray
        Brain interstitial and neuronal free [Mg2+] (mM), shape (T, S).
    mg_o_ref, mg_i_ref : numpy.ndarray
        The reference (pre-treatment) values, shape (S,): the set points.
    """

    time: np.ndarray
    mg_o: np.ndarray
    mg_i: np.ndarray
    mg_o_ref: np.ndarray
    mg_i_ref: np.ndarray

    def __post_init__(self) -> None:
        t = np.asarray(self.time, dtype=float)
        if t.ndim != 1 or t.size < 2 or t[0] != 0 or np.any(np.diff(t) <= 0):
            raise MagsynapseError("drivers: time must start at 0 h and increase")
        for name in ("mg_o", "mg_i"):
            v = np.asarray(getattr(self, name), dtype=float)
            if v.ndim != 2 or v.shape[0] != t.size:
                raise MagsynapseError(f"drivers: {name} must be (time, sample)")
            if np.any(~np.isfinite(v)) or np.any(v <= 0):
                raise MagsynapseError(f"drivers: {name} must be finite and > 0 mM")

    def with_reference(self, other: Drivers) -> Drivers:
        """These drivers with ``other``'s reference (e.g. a regimen's with the diet-only
        run's, so that both arms share set points)."""
        if other.samples != self.samples:
            raise MagsynapseError("drivers: the reference has a different number of samples")
        return Drivers(self.time, self.mg_o, self.mg_i, other.mg_o_ref, other.mg_i_ref)

    @property
    def samples(self) -> int:
        return self.mg_o.shape[1]

    @property
    def days(self) -> float:
        return float(self.time[-1]) / 24.0

    def clamped(self, mg_o: float) -> Drivers:
        """Brain [Mg]o held at ``mg_o`` (mM) from t = 0, as a culture medium change;
        the reference (set point) stays the pre-clamp state.

        >>> d = constant_drivers(0.8, 0.5, days=2).clamped(1.2)
        >>> float(d.mg_o[0, 0]), float(d.mg_o_ref[0])
        (1.2, 0.8)
        """
        if not (math.isfinite(mg_o) and mg_o > 0):
            raise MagsynapseError(f"mg_clamp: must be a concentration > 0 mM (got {mg_o})")
        return Drivers(
            self.time, np.full_like(self.mg_o, mg_o), self.mg_i, self.mg_o_ref, self.mg_i_ref
        )

    def depleted(self, factor: float) -> Drivers:
        """Every brain Mg pool lowered by ``factor`` from t = 0 (e.g. 0.75: the 0.8 → 0.6
        mM fall of serum and CSF free Mg under oxaliplatin, Zhou et al. 2021).

        >>> float(constant_drivers(0.8, 0.5, days=1).depleted(0.75).mg_o[0, 0])
        0.6000000000000001
        """
        if not (0 < factor <= 1):
            raise MagsynapseError(f"depletion: the factor must be in (0, 1] (got {factor})")
        return Drivers(
            self.time, self.mg_o * factor, self.mg_i * factor, self.mg_o_ref, self.mg_i_ref
        )


def constant_drivers(mg_o: float, mg_i: float, days: float, samples: int = 1) -> Drivers:
    """Drivers held at ``mg_o`` and ``mg_i`` (mM) for ``days`` (the reference too).

    >>> constant_drivers(0.8, 0.5, days=3).days
    3.0
    """
    if not days > 0:
        raise MagsynapseError(f"days: must be > 0 (got {days})")
    t = np.array([0.0, 24.0 * days])
    return Drivers(
        t,
        np.full((2, samples), float(mg_o)),
        np.full((2, samples), float(mg_i)),
        np.full(samples, float(mg_o)),
        np.full(samples, float(mg_i)),
    )


def drivers_from_body(result: xr.Dataset, reference_hours: float = 24.0) -> Drivers:
    """The drivers of a body result (:func:`magsynapse.body.simulate`): ``mg_o`` and
    ``mg_i`` over ``time`` (h) and optionally ``sample``.

    The reference is their time average over the first ``reference_hours`` (a day of
    meals, by default; 0: the values at t = 0). For a regimen's result that day already
    holds doses: take the reference of the diet-only run (:meth:`Drivers.with_reference`).

    >>> from magsynapse.body import make_regimen, simulate
    >>> d = drivers_from_body(simulate(make_regimen(None, days=2)))
    >>> d.samples, d.days, bool(abs(d.mg_o_ref[0] / d.mg_o[:, 0].mean() - 1) < 0.01)
    (1, 2.0, True)
    """
    for var in ("mg_o", "mg_i"):
        if var not in result:
            raise MagsynapseError(f"the result has no {var!r}: pass a magsynapse PK result")
    extra = [d for d in result.mg_o.dims if d not in ("time", "sample")]
    if extra:
        raise MagsynapseError(f"drivers: select one {extra[0]} first (dims time, sample)")
    t = np.asarray(result.time.values, dtype=float)
    mg_o = result.mg_o.transpose("time", ...).values.reshape(t.size, -1)
    mg_i = result.mg_i.transpose("time", ...).values.reshape(t.size, -1)
    t = t - t[0]
    if not (0 <= reference_hours <= t[-1]):
        raise MagsynapseError(f"reference_hours: must lie in 0-{t[-1]:g} h")
    if reference_hours == 0:
        return Drivers(t, mg_o, mg_i, mg_o[0].copy(), mg_i[0].copy())
    grid = np.linspace(0.0, reference_hours, 97)

    def mean(v):
        return np.array([np.trapezoid(np.interp(grid, t, col), grid) for col in v.T]) / (
            reference_hours
        )

    return Drivers(t, mg_o, mg_i, mean(mg_o), mean(mg_i))


def _broadcast(d: Drivers, n: int) -> Drivers:
    """Drivers of one sample repeated for ``n`` (the same for every parameter draw)."""
    if d.samples not in (1, n):
        raise MagsynapseError(f"samples: the drivers have {d.samples} samples, the parameters {n}")
    if d.samples == n:
        return d
    return Drivers(
        d.time,
        np.repeat(d.mg_o, n, axis=1),
        np.repeat(d.mg_i, n, axis=1),
        np.repeat(d.mg_o_ref, n),
        np.repeat(d.mg_i_ref, n),
    )


def _sleep_calibration(p: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Process S on its periodic orbit: the morning value, the downscaling rate that
    removes ``downscaling`` of synaptic strength over a night, the wake potentiation
    that restores it by the evening (so the morning strength is 1), and the night's
    integral of S (h)."""
    wake, night = p["wake_hours"], 24.0 - p["wake_hours"]
    a, b = np.exp(-wake / p["tau_wake"]), np.exp(-night / p["tau_sleep"])
    s_morning = b * (1 - a) / (1 - a * b)
    s_evening = 1 - (1 - s_morning) * a
    night_integral = s_evening * p["tau_sleep"] * (1 - b)
    rate = -np.log(1 - p["downscaling"]) / night_integral
    potentiation = (1 / (1 - p["downscaling"]) - 1) / wake
    return s_morning, rate, potentiation, night_integral


def _initial_state(
    d: Drivers, p: dict[str, np.ndarray], calcium: CalciumFunction, active: set[str]
) -> State:
    n = d.samples
    ones = np.ones(n)
    f0 = p["f_2b0"] * ones
    env = Env(d.mg_o_ref, d.mg_i_ref * p["mg_i_factor"], False, 0.0)

    def state(density, release):
        zeros = np.zeros(n)
        return State(
            f_2b=f0,
            synapse_density=density,
            release_probability=release,
            atp=ones.copy(),
            excitotoxic_load=zeros.copy(),
            sleep_pressure=p["s_morning"] * ones,
            synaptic_strength=ones.copy(),
            calcium=ones.copy(),
            atp_supplied=zeros.copy(),
            atp_used=zeros.copy(),
            slow_wave=ones.copy(),
        )

    density = density_target(state(ones, ones), env, p) if "density" in active else ones
    release = (
        release_target(density, p) if "density" in active else p["release_probability0"] * ones
    )
    s = state(density.copy(), release)
    if "energy" in active:
        supply = mgatp(env.mg_i, p["k_mgatp"]) / mgatp(p["mg_i_ref"], p["k_mgatp"])
        s.atp = supply / energy_demand(s.drive(p))
    drive = s.drive(p)
    p["calcium_set"] = np.asarray(calcium(d.mg_o_ref, f0, drive), dtype=float)
    if np.any(~np.isfinite(p["calcium_set"])) or np.any(p["calcium_set"] <= 0):
        raise MagsynapseError("calcium: the background calcium must be finite and > 0")
    u0, du = np.log(f0 / (1 - f0)), 1e-4
    hi = calcium(d.mg_o_ref, 1 / (1 + np.exp(-(u0 + du))), drive)
    lo = calcium(d.mg_o_ref, 1 / (1 + np.exp(-(u0 - du))), drive)
    p["loop_slope"] = (np.log(hi) - np.log(lo)) / (2 * du)
    if "homeostasis" in active and np.any(p["loop_slope"] <= 0):
        raise MagsynapseError("calcium: the background calcium must rise with f_2b")
    return s


Run = Callable[[np.ndarray, np.ndarray, int, "tuple[int, dict] | None"], None]


def _set_calcium(s: State, p: dict, calcium: CalciumFunction, mg_o: np.ndarray) -> None:
    """The background calcium at ``mg_o`` relative to the set point."""
    s.calcium = calcium(mg_o, s.f_2b, s.drive(p)) / p["calcium_set"]


def _python_run(
    s: State, p: dict, calcium: CalciumFunction, chosen: list[Pathway], h: float
) -> Run:
    """``run(mg_o, mg_i, steps, record)``: ``steps`` steps of ``h`` hours, each pathway's
    ``step`` called from Python; step k reads row k % (rows − 1) of the drivers (a
    one-day grid repeats). ``record`` = (every, {state: rows}) stores the states after
    each ``every`` steps in rows 1, 2, …"""
    energy = any(pw.name == "energy" for pw in chosen)

    def run(mg_o, mg_i, steps, record):
        period, j = mg_o.shape[0] - 1, 1
        for k in range(steps):
            row = k % period
            asleep = (row * h) % 24.0 >= p["wake_hours"] - 1e-9  # per sample
            env = Env(mg_o[row], mg_i[row], asleep, h)
            rate = s.atp if energy else 1.0
            for pathway in chosen:
                pathway.step(s, env, p, rate)
            _set_calcium(s, p, calcium, mg_o[row + 1])
            if record is not None and (k + 1) % record[0] == 0:
                for key, rows in record[1].items():
                    rows[j] = getattr(s, key)
                j += 1

    return run


def _compiled_run(
    s: State, p: dict, calcium: TabulatedCalcium, chosen: list[Pathway], h: float
) -> Run:
    """:func:`_python_run`'s ``run``, every step in one call of :func:`.compiled.run_steps`."""
    flags = np.array([any(type(pw) is cls for pw in chosen) for cls in BUILT_IN])
    par = np.stack([p[k] for k in PARAM_ROWS])

    def run(mg_o, mg_i, steps, record):
        night = s.extra.setdefault("night_swa", np.zeros_like(s.f_2b))
        st = np.stack([night if k == "night_swa" else getattr(s, k) for k in STATE_ROWS])
        every, rows = record if record is not None else (0, {})
        buf = np.empty((steps // every + 1 if every else 1, *st.shape))
        mo, mi = np.ascontiguousarray(mg_o), np.ascontiguousarray(mg_i)
        if not run_steps(st, par, mo, mi, steps, h, flags, calcium.tables, buf, every):
            calcium(mo.ravel(), np.zeros(mo.size), np.ones(mo.size))  # names the bad [Mg]o
            raise MagsynapseError("mg_o: outside the calcium table")  # pragma: no cover
        for i, key in enumerate(STATE_ROWS):
            if key == "night_swa":
                s.extra[key] = st[i].copy()
            else:
                setattr(s, key, st[i].copy())
        for key, out in rows.items():
            out[1:] = buf[1 : out.shape[0], STATE_ROWS.index(key)]

    return run


def integrate(
    drivers: Drivers,
    calcium: CalciumFunction,
    params: ParameterSet,
    *,
    pathways: str | Sequence[str | Pathway] = tuple(PATHWAYS),
    samples: int = 0,
    seed: int | None = None,
    step_h: float = 1.0,
    record_h: float = 6.0,
    cycle: Drivers | None = None,
    cycle_days: int = 60,
    entities: Sequence[Mapping[str, object]] | None = None,
    values: Mapping[str, object] | None = None,
) -> xr.Dataset:
    """Integrate the slow states over the drivers' time span.

    Parameters
    ----------
    drivers : Drivers
        Brain [Mg] over time (:func:`drivers_from_body`, :func:`constant_drivers`).
    calcium : callable
        ``calcium(mg_o, f_2b, drive)``: the background NMDA calcium of a synapse, from
        the scale that models it (e.g. :func:`magsynapse.synapse.background_calcium`).
    params : ParameterSet
        :func:`.params.slow_parameters` (or a copy with changed values).
    pathways : str or sequence
        Active pathways (names or objects; default all): a comma-separated string or a
        list. Inactive pathways leave their states at the reference values.
    samples : int
        0: nominal parameters; N > 0: N draws from the priors (needs ``seed``), sample k
        from stream (seed, ``"slow_prior"``, k). The drivers must then have 1 or N samples.
    seed : int, optional
        Root seed of the draws.
    step_h : float
        Integration step (h); must divide 24 h and the waking hours.
    record_h : float
        Output spacing (h), a multiple of ``step_h``.
    cycle : Drivers, optional
        A reference day (the first 24 h of these drivers, e.g. the diet-only body's):
        before t = 0 the layer lives ``cycle_days`` days of it, so that it starts on the
        periodic state of a day of meals, wake and sleep rather than at the steady state
        of the day's mean.
    cycle_days : int
        Days of the reference cycle before t = 0.
    entities : sequence of mapping, optional
        With samples: each sample's stream entities (e.g. ``{"subject": k}``) instead of
        ``{"sample": k}`` (:func:`magsynapse.body.priors.parameter_arrays`).
    values : mapping, optional
        Per-sample parameter values replacing the draws (e.g. a cohort's ``f_2b0`` by
        age, or ``wake_hours`` by habitual sleep; waking hours must be multiples of
        ``step_h``).

    Returns
    -------
    xarray.Dataset
        :data:`OUTPUTS` over (``time`` in days, ``sample``), with the parameter set,
        pathways and seed in its attributes.

    Examples
    --------
    >>> from magsynapse.slow import slow_parameters
    >>> calcium = lambda mg_o, f, drive: drive * (0.4 + 1.2 * f) / (1 + mg_o * 15.7)
    >>> d = constant_drivers(0.8, 0.5, days=10).clamped(1.2)
    >>> ds = integrate(d, calcium, slow_parameters("rat"), pathways="homeostasis")
    >>> bool(ds.f_2b.isel(time=-1) > ds.f_2b.isel(time=0))
    True
    """
    if not (math.isfinite(step_h) and step_h > 0):
        raise MagsynapseError(f"step_h: must be > 0 h (got {step_h})")
    per_day = 24.0 / step_h
    if abs(per_day - round(per_day)) > 1e-9:
        raise MagsynapseError("step_h: must divide 24 h")
    every = record_h / step_h
    if not (record_h > 0 and abs(every - round(every)) < 1e-9):
        raise MagsynapseError("record_h: must be a positive multiple of step_h")
    every = round(every)
    if samples < 0:
        raise MagsynapseError(f"samples: must be >= 0 (got {samples})")
    if samples and seed is None:
        raise MagsynapseError("seed: drawing samples needs a seed (an integer)")
    seed = check_seed(seed) if samples else seed
    if isinstance(pathways, str):
        chosen = get_pathways(pathways)
    else:
        chosen = get_pathways([p.name if isinstance(p, Pathway) else p for p in pathways])
    active = {p.name for p in chosen}
    n = samples if samples else drivers.samples  # nominal rows: one per driver sample
    drivers = _broadcast(drivers, n)
    p = {
        k: np.broadcast_to(v, (n,)).copy()
        for k, v in parameter_arrays(
            params,
            n,
            seed if samples else None,
            purpose="slow_prior",
            entities=entities,
            values=values,
        ).items()
    }
    wake_steps = p["wake_hours"] / step_h
    if np.any(np.abs(wake_steps - np.round(wake_steps)) > 1e-9) or np.any(
        (p["wake_hours"] <= 0) | (p["wake_hours"] >= 24)
    ):
        raise MagsynapseError("wake_hours: must lie in 0-24 h and be multiples of step_h")
    p["f_2b_ref"] = np.full(n, AGES["rat"]["young"].f_2b0.value)
    p["mg_o_ref"], p["mg_i_ref"] = drivers.mg_o_ref, drivers.mg_i_ref
    p["s_morning"], p["downscaling_rate"], p["potentiation"], p["night_integral"] = (
        _sleep_calibration(p)
    )
    s = _initial_state(drivers, p, calcium, active)

    def on_grid(d: Drivers, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mo = np.stack([np.interp(t, d.time, col) for col in d.mg_o.T], axis=1)
        mi = np.stack([np.interp(t, d.time, col) for col in d.mg_i.T], axis=1)
        return mo, mi * p["mg_i_factor"]

    n_steps = round(drivers.time[-1] / step_h)
    t_steps = np.arange(n_steps + 1) * step_h
    mg_o, mg_i = on_grid(drivers, t_steps)
    day = None
    if cycle is not None:
        cycle = _broadcast(cycle, n)
        if cycle.days < 1:
            raise MagsynapseError("cycle: the reference day needs drivers over 24 h")
        day = on_grid(cycle, np.arange(round(per_day) + 1) * step_h)
        day[0][-1], day[1][-1] = day[0][0], day[1][0]  # one day, repeated
    rec_idx = np.arange(0, n_steps + 1, every)
    if isinstance(calcium, TabulatedCalcium) and all(type(pw) in BUILT_IN for pw in chosen):
        run = _compiled_run(s, p, calcium, chosen, step_h)
    else:
        run = _python_run(s, p, calcium, chosen, step_h)
    if day is not None:
        _set_calcium(s, p, calcium, day[0][0])
        run(*day, cycle_days * round(per_day), None)
        s.atp_supplied, s.atp_used = np.zeros(n), np.zeros(n)
    _set_calcium(s, p, calcium, mg_o[0])
    states = {k: np.empty((rec_idx.size, n)) for k in OUTPUTS if k not in ("mg_o", "mg_i")}
    for key, rows in states.items():
        rows[0] = getattr(s, key)
    run(mg_o, mg_i, n_steps, (every, states))
    out = {"mg_o": mg_o[rec_idx], "mg_i": mg_i[rec_idx], **states}
    ds = xr.Dataset(
        {
            key: (("time", "sample"), val, {"units": OUTPUTS[key][0], "long_name": OUTPUTS[key][1]})
            for key, val in out.items()
        },
        coords={"time": t_steps[rec_idx] / 24.0, "sample": np.arange(n)},
    )
    ds.time.attrs.update(units="day", long_name="days from the start")
    references = {"slutsky_2004"}
    for pathway in chosen:
        references |= set(pathway.references)
    annotate(
        ds,
        title=f"slow biology ({params.name})",
        config={
            "pathways": [p_.name for p_ in chosen],
            "samples": samples,
            "step_h": step_h,
            "record_h": record_h,
            "cycle_days": cycle_days if cycle is not None else 0,
        },
        parameter_sets=[params],
        references=references,
        seed=seed if samples else None,
    )
    return ds
