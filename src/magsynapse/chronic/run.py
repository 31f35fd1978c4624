"""The multi-day driver: body PK → slow states → network sessions.

:func:`chronic` runs two arms through the slow layer — ``control`` (no intervention: the
diet-only body) and ``treated`` (a regimen through the body model, a brain [Mg]o clamp,
a depletion, or a regimen under a depletion) — and at each session day builds the
memory network from the slow states and runs the memory and signal-to-noise tasks on
it. Both arms start from the same state: the set points are the diet-only body's mean
over its first day, and the slow layer has lived 60 such days before day 0. Every
(arm, session, sample) condition runs in one batched network call per task;
conditions that are exactly equal (the two arms on day 0) run once. Every condition
meets the same networks (the session seeds: common random numbers), so differences
between arms and days are the conditions', not the noise's — but a spiking network is
chaotic, so a small change of conditions still draws a new
sample of its variability: compare arms over several network seeds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np
import xarray as xr

from ..body import make_regimen, pk_parameters, simulate
from ..conditions import make_conditions
from ..errors import MagsynapseError
from ..network import load_config
from ..network.phenomena import session
from ..random import check_seed
from ..results import annotate, quantiles
from ..slow import PATHWAYS, age_of, drivers_from_body, get_pathways, integrate, slow_parameters
from ..synapse.background import BackgroundCalcium

#: Slow states carried over time into the result.
TIME_COURSE = (
    "mg_o",
    "mg_i",
    "f_2b",
    "synapse_density",
    "release_probability",
    "atp",
    "excitotoxic_load",
    "sleep_pressure",
    "synaptic_strength",
    "calcium",
)
#: Conditions a session's network reads from the slow states.
SESSION_STATES = (
    "mg_o",
    "f_2b",
    "synapse_density",
    "release_probability",
    "atp",
    "synaptic_strength",
)
#: Session states are rounded to this many significant digits, far below any model
#: resolution: the float noise of weeks of integration (a morning strength of
#: 1 ± 1e-15) must not draw a new sample of the network's variability.
SESSION_DIGITS = 12
#: Band quantiles with samples.
QUANTILES = (0.05, 0.5, 0.95)


@dataclass(frozen=True)
class SessionProtocol:
    """The tasks of a session (shorter than the acute defaults, so that hundreds of
    conditions run in minutes): the memory task's observation after the cue (s), the
    signal-to-noise task's duration (s), the network, and how many network seeds
    (replicas, shared by every arm, session and sample) each condition runs with."""

    observe: float = 0.2
    snr_T: float = 0.5
    network: str = "mgnet_memory"
    network_seeds: int = 1

    def __post_init__(self) -> None:
        if not (self.observe > 0 and self.snr_T > 0):
            raise MagsynapseError("session: observe and snr_T must be > 0 s")
        if not (isinstance(self.network_seeds, int) and self.network_seeds >= 1):
            raise MagsynapseError("network_seeds: must be an integer >= 1")

    def seeds(self, seed: int) -> list[int]:
        """The sessions' network seeds: ``seed``, ``seed + 1``, …

        >>> SessionProtocol(network_seeds=3).seeds(5)
        [5, 6, 7]
        """
        return [seed + k for k in range(self.network_seeds)]


@lru_cache(maxsize=4)
def background_calcium(calcium: str = "nmda_voltage") -> BackgroundCalcium:
    """The synapse layer's background calcium (cached: its table takes a second)."""
    return BackgroundCalcium(calcium)


def _sessions(sessions: Sequence[float] | None, days: float) -> np.ndarray:
    s = np.asarray([0.0, days] if sessions is None else list(sessions), dtype=float)
    if s.ndim != 1 or s.size == 0 or np.any(~np.isfinite(s)):
        raise MagsynapseError("sessions: give one or more days, e.g. 0,7,28")
    if np.any(s < 0) or np.any(s > days):
        raise MagsynapseError(f"sessions: days must lie in 0-{days:g} (the regimen)")
    if np.any(np.diff(s) <= 0):
        raise MagsynapseError("sessions: days must be increasing")
    if np.any(np.abs(s * 4 - np.round(s * 4)) > 1e-9):
        raise MagsynapseError("sessions: days must be multiples of 0.25 (6 h)")
    return s


def chronic(
    species: str = "human",
    salt: str | None = None,
    *,
    dose: str | None = None,
    dose_elemental: str | None = None,
    days: float = 84.0,
    ages: Sequence[str | float] | str | float | None = None,
    sessions: Sequence[float] | None = None,
    samples: int = 0,
    seed: int = 1,
    pathways: str | Sequence[str] = tuple(PATHWAYS),
    mg_clamp: float | None = None,
    depletion: float | None = None,
    protocol: SessionProtocol = SessionProtocol(),
    slow_values: Mapping[str, float] | None = None,
) -> xr.Dataset:
    """Weeks of a regimen through the slow layer, with network sessions along the way.

    Parameters
    ----------
    species : {"human", "rat"}
        Body and slow parameter sets.
    salt : str, optional
        The supplement's salt (:data:`magsynapse.body.SALTS`), with ``dose`` (salt mass,
        e.g. ``"2g/day"``, ``"604mg/kg/day"``) or ``dose_elemental``. Not with
        ``mg_clamp``.
    days : float
        Length of the regimen (days).
    ages : str, float or sequence, optional
        ``"young"`` / ``"aged"`` (and human years); a sequence adds an ``age`` dim.
    sessions : sequence of float, optional
        Session days (default: the first and the last day).
    samples : int
        0: nominal parameters; N > 0: N joint draws of the body and slow priors (sample
        k from streams (seed, k)), with 5/50/95 % bands.
    seed : int
        Root seed: priors and the sessions' network.
    pathways : str or sequence
        Active slow pathways (:data:`magsynapse.slow.PATHWAYS`; default all).
    mg_clamp : float, optional
        The treated arm's brain [Mg]o held at this value (mM) from day 0, as a culture
        medium change.
    depletion : float, optional
        The treated arm's brain Mg lowered by this factor from day 0 (e.g. 0.75 for the
        0.8 → 0.6 mM of oxaliplatin, Zhou et al. 2021), alone or under the supplement.
    protocol : SessionProtocol
        The session tasks.
    slow_values : mapping, optional
        Slow-layer parameter values to use instead of the set's (e.g. ``{"gain": 4}``;
        recorded with source ``user``).

    Returns
    -------
    xarray.Dataset
        Over (``age``,) ``arm`` (``control``, ``treated``), ``time`` (days) and (with
        samples) ``sample``: :data:`TIME_COURSE`; over ``session`` (days) and
        ``network_seed``: ``recall``, ``snr`` and ``rho_inside`` (learned efficacy
        inside the assembly); the states the sessions' network saw (``session_*``);
        ``*_band`` over ``quantile`` with samples.

    Examples
    --------
    >>> ds = chronic("rat", "threonate", dose="604mg/kg/day", days=2, sessions=[0, 2],
    ...              pathways="homeostasis")
    >>> ds.recall.dims, [str(a) for a in ds.arm.values]
    (('arm', 'session', 'network_seed'), ['control', 'treated'])
    """
    if not (isinstance(days, (int, float)) and math.isfinite(days) and days > 0):
        raise MagsynapseError(f"days: must be > 0 (got {days})")
    if abs(days * 4 - round(days * 4)) > 1e-9:
        raise MagsynapseError("days: must be a multiple of 0.25 (6 h)")
    session_days = _sessions(sessions, float(days))
    chosen = get_pathways(pathways)
    seed = check_seed(seed)
    if samples < 0:
        raise MagsynapseError(f"samples: must be >= 0 (got {samples})")
    age_list = [ages] if ages is None or isinstance(ages, (str, int, float)) else list(ages)
    if not age_list:
        raise MagsynapseError("age: give at least one age")
    slow_sets = [slow_parameters(species, a).with_values(**(slow_values or {})) for a in age_list]
    if mg_clamp is not None and salt is not None:
        raise MagsynapseError("mg_clamp: a clamp replaces the supplement; give one of them")
    if mg_clamp is None and salt is None and depletion is None:
        raise MagsynapseError("salt: give a supplement (salt and dose), mg_clamp or depletion")
    pk = pk_parameters(species)
    if salt is not None:
        regimen = make_regimen(
            salt, dose=dose, dose_elemental=dose_elemental, days=days, weight_kg=pk["weight"]
        )
    draws = {"samples": samples, "seed": seed if samples else None, "step_h": 1.0}
    control = drivers_from_body(simulate(make_regimen(None, days=days), species, **draws))
    treated = control
    if salt is not None:
        treated = drivers_from_body(simulate(regimen, species, **draws)).with_reference(control)
    if mg_clamp is not None:
        treated = control.clamped(float(mg_clamp))
    if depletion is not None:
        treated = treated.depleted(depletion)
    calcium = background_calcium()
    runs = [
        [
            integrate(d, calcium, ps, pathways=chosen, samples=samples, seed=seed, cycle=control)
            for d in (control, treated)
        ]
        for ps in slow_sets
    ]
    course = xr.concat([xr.concat(r, dim="arm") for r in runs], dim="age").assign_coords(
        arm=["control", "treated"], age=[age_of(species, a).name for a in age_list]
    )
    states = course[list(SESSION_STATES)].sel(time=session_days).rename(time="session")
    states = states.map(_round_significant, keep_attrs=True)
    tasks = _run_sessions(states, seed, protocol)
    out = course[list(TIME_COURSE)]
    for name, da in tasks.items():
        out[name] = da
    for name in SESSION_STATES:
        out[f"session_{name}"] = states[name]
        out[f"session_{name}"].attrs = {
            **course[name].attrs,
            "long_name": "at the session: " + course[name].attrs["long_name"],
        }
    out = out.assign_coords(session=session_days)
    out.session.attrs.update(units="day", long_name="session day (morning)")
    if samples:
        for name in ("f_2b", "synapse_density", "mg_o", "recall", "snr", "rho_inside"):
            with np.errstate(invalid="ignore"):  # an infinite snr (no background) is kept
                band = quantiles(out[name], QUANTILES, "sample")
            out[f"{name}_band"] = band.assign_attrs(out[name].attrs)
    else:
        out = out.isel(sample=0, drop=True)
    if len(age_list) == 1 and not isinstance(ages, (list, tuple)):
        out = out.isel(age=0, drop=True)
    parts = [f"[Mg]o clamped at {mg_clamp:g} mM"] if mg_clamp is not None else []
    if salt is not None:
        parts.append(f"{salt} {dose or dose_elemental}")
    if depletion is not None:
        parts.append(f"brain Mg x {depletion:g}")
    treatment = " + ".join(parts)
    config = {
        "species": species,
        "treatment": treatment,
        "salt": salt or "",
        "dose": dose or "",
        "dose_elemental": dose_elemental or "",
        "days": float(days),
        "ages": [str(a) for a in age_list],
        "sessions": session_days.tolist(),
        "samples": samples,
        "pathways": [p.name for p in chosen],
        "mg_clamp": -1.0 if mg_clamp is None else float(mg_clamp),
        "depletion": 1.0 if depletion is None else float(depletion),
        "session_protocol": asdict(protocol),
        "control_arm": "no supplement (the diet-only body); set points: its first-day mean",
    }
    references = {"slutsky_2004", "slutsky_2010"}
    for p in chosen:
        references |= set(p.references)
    return annotate(
        out,
        title=f"Chronic {species} regimen: {treatment}, {days:g} days",
        config=config,
        parameter_sets=[*slow_sets, pk],
        references=references,
        seed=seed,
    )


def _round_significant(da: xr.DataArray) -> xr.DataArray:
    """``da`` rounded to :data:`SESSION_DIGITS` significant digits.

    >>> float(_round_significant(xr.DataArray(1.0 + 1e-15)))
    1.0
    """
    a = np.asarray(da.values, dtype=float)
    exponent = np.floor(np.log10(np.abs(np.where(a == 0, 1.0, a))))
    scale = 10.0 ** (SESSION_DIGITS - 1 - exponent)
    return da.copy(data=np.round(a * scale) / scale)


def _run_sessions(states: xr.Dataset, seed: int, protocol: SessionProtocol) -> dict:
    """Memory and signal-to-noise on every session condition; exactly equal conditions
    run once."""
    dims = states[SESSION_STATES[0]].dims
    table = np.stack(
        [
            states[v].broadcast_like(states[SESSION_STATES[0]]).transpose(*dims).values.ravel()
            for v in SESSION_STATES
        ],
        axis=1,
    )
    unique, inverse = np.unique(table, axis=0, return_inverse=True)
    conditions = make_conditions(
        **{v: unique[:, i] for i, v in enumerate(SESSION_STATES)}, dims=("condition",)
    )
    seeds = protocol.seeds(seed)
    tasks = session(
        conditions,
        load_config(protocol.network),
        seeds=seeds,
        observe=protocol.observe,
        snr_T=protocol.snr_T,
    )
    shape = states[SESSION_STATES[0]].shape
    coords = {d: states[d] for d in dims if d in states.coords}
    coords["network_seed"] = seeds
    out = {}
    for name in ("recall", "rho_inside", "snr"):
        values = tasks[name].transpose("condition", "seed").values[inverse.ravel()]
        out[name] = xr.DataArray(
            values.reshape(*shape, len(seeds)),
            dims=(*dims, "network_seed"),
            coords=coords,
            attrs=tasks[name].attrs,
        )
    return out
