"""People through the mechanism: body PK → slow states → emulated network readouts.

:func:`simulate_people` takes a table of people (:mod:`.cohort`'s covariates) and each
one's regimen, and returns, at every visit day (morning), the slow states their network
would be built from and the emulated session readouts (:mod:`magsynapse.network.emulator`;
the emulator is always used here — a network per person per visit is too slow for
cohorts — and its error against fresh network runs is stated by
:func:`magsynapse.network.emulator.validate`).

How covariates enter:

- body weight scales plasma volume, exchangeable pools, GFR and renal reabsorption
  (:func:`magsynapse.body.weight_factors`); dietary Mg is the body's ``diet_mg``;
- age sets the slow layer's GluN2B share and cellular-Mg factor
  (:func:`magsynapse.slow.age_of`), times the person's own cellular-Mg factor;
- habitual sleep sets the waking hours of the sleep pathway (to the hour, its step).

Every person meets the same regimen-free day before day 0 (60 days of their own diet-only
body), so a control person's states stay still. The diet-only body is periodic (its
baseline is the fixed point of a day of meals), so its first day is simulated and
repeated. Random numbers: the body's priors come
from the stream of each person's ``body`` entities (between-person variability), the
slow layer's from ``slow`` entities (shared by a replicate: uncertainty about the
biology, not a difference between people).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import xarray as xr

from ..body import Regimen, make_regimen, simulate, weight_factors
from ..chronic.run import SESSION_STATES, background_calcium
from ..conditions import make_conditions
from ..errors import MagsynapseError
from ..network.emulator import Emulator, fit_emulator
from ..slow import (
    PATHWAYS,
    Drivers,
    age_of,
    drivers_from_body,
    get_pathways,
    integrate,
    slow_parameters,
)
from .cognition import CALIBRATION_AGES, Links, readouts_of

#: Molar mass of Mg (g/mol): dietary mg/day → mmol/day.
MG_MOLAR_MASS = 24.305


#: The emulator's ranges for people: the states of cohorts aged 35-75 under the body's
#: and slow layer's priors and the cohort covariates (dietary Mg moves brain [Mg]o by
#: ±20 %), with 1-99 % of person-visits inside.
PEOPLE_RANGES: dict[str, tuple[float, float]] = {
    "mg_o": (0.6, 1.4),
    "f_2b": (0.15, 0.55),
    "drive": (0.5, 1.7),
    "atp": (0.8, 1.4),
    "synaptic_strength": (0.93, 1.05),
}
#: Design points of the people emulator (each on 8 networks).
PEOPLE_POINTS = 64


@lru_cache(maxsize=2)
def default_emulator() -> Emulator:
    """The session emulator used for people (:data:`PEOPLE_RANGES`; shipped with the
    package or fitted once and cached on disk)."""
    return fit_emulator(ranges=PEOPLE_RANGES, points=PEOPLE_POINTS)


def emulator_key() -> str:
    """The cache key of the people emulator (its design file's name, without suffix)."""
    from ..network.emulator import design_key

    return design_key(ranges=PEOPLE_RANGES, points=PEOPLE_POINTS)


def _slow_values(cov: xr.Dataset) -> dict[str, np.ndarray]:
    ages = [age_of("human", float(a)) for a in cov.age.values]
    f0 = np.array([a.f_2b0.value for a in ages])
    mi = np.array([a.mg_i_factor.value for a in ages]) * cov.cellular_mg.values
    wake = 24.0 - np.round(cov.sleep_hours.values)
    return {"f_2b0": f0, "mg_i_factor": mi, "wake_hours": wake}


def _body_args(cov: xr.Dataset, idx: np.ndarray) -> dict:
    return {
        "values": {"diet_mg": cov.dietary_mg.values[idx] / MG_MOLAR_MASS},
        "factors": weight_factors(cov.weight.values[idx]),
    }


def _repeated(day: Drivers, days: float) -> Drivers:
    """A diet-only day repeated for ``days``: the body's diet-only baseline is the fixed
    point of a day of meals (:func:`magsynapse.body.baseline`), so every day is the first.

    >>> d = Drivers(np.arange(25.0), np.ones((25, 1)), np.ones((25, 1)), np.ones(1), np.ones(1))
    >>> float(_repeated(d, 3.0).time[-1])
    72.0
    """
    hours = np.arange(round(24 * days) + 1, dtype=float)
    if not (np.array_equal(day.time, np.arange(25.0))):
        raise MagsynapseError("people: the diet-only day must be on a 1-h grid over 24 h")
    k = hours.astype(int) % 24
    return Drivers(hours, day.mg_o[k], day.mg_i[k], day.mg_o_ref, day.mg_i_ref)


def _regimen_key(r: Regimen | None) -> tuple:
    if r is None or r.salt is None:
        return ("none",)
    return (r.salt.name, round(r.mmol_per_administration, 12), r.schedule, r.days)


def simulate_people(
    covariates: xr.Dataset,
    regimens: Sequence[Regimen | None],
    visits: Sequence[float],
    *,
    seed: int,
    body_entities: Sequence[Mapping[str, object]],
    slow_entities: Sequence[Mapping[str, object]],
    days: float,
    pathways: str | Sequence[str] = tuple(PATHWAYS),
    emulator: Emulator | None = None,
) -> xr.Dataset:
    """Each person's slow states and emulated readouts at each visit.

    Parameters
    ----------
    covariates : xarray.Dataset
        Over ``subject``: ``age`` (y), ``weight`` (kg), ``dietary_mg`` (mg/day),
        ``cellular_mg`` (factor) and ``sleep_hours`` (h) (:func:`.cohort.draw_covariates`).
    regimens : sequence
        Each person's :class:`~magsynapse.body.Regimen` (None: no supplement), all of
        ``days`` days.
    visits : sequence of float
        Visit days (whole days from 0 to ``days``; the morning of the day).
    seed : int
        Root seed.
    body_entities, slow_entities : sequences of mapping
        Each person's stream entities for the body and slow priors.
    days : float
        Length of the simulation (days).
    pathways : str or sequence
        Active slow pathways.
    emulator : Emulator, optional
        Default: :func:`default_emulator`.

    Returns
    -------
    xarray.Dataset
        Over (``subject``, ``visit``): the session states (``mg_o``, ``f_2b``, …) and the
        readouts ``recall``, ``persistence`` and ``slow_wave`` (the night before the
        visit, from the slow layer); ``emulator_outside`` marks the
        person-visits whose states leave the emulator's fitted ranges (the quadratic
        surface is then continued, not refitted: their share is reported).
    """
    n = covariates.sizes["subject"]
    if not (len(regimens) == len(body_entities) == len(slow_entities) == n):
        raise MagsynapseError("people: one regimen and one set of entities per subject")
    visits = np.asarray(visits, dtype=float)
    if np.any(visits < 0) or np.any(visits > days) or np.any(visits != np.round(visits)):
        raise MagsynapseError(f"visits: whole days within 0-{days:g}")
    chosen = get_pathways(pathways)
    em = emulator or default_emulator()
    everyone = np.arange(n)
    diet = simulate(
        make_regimen(None, days=1.0),
        "human",
        samples=n,
        seed=seed,
        step_h=1.0,
        entities=list(body_entities),
        bands=False,
        **_body_args(covariates, everyone),
    )
    reference = _repeated(drivers_from_body(diet), days)
    mg_o, mg_i = reference.mg_o.copy(), reference.mg_i.copy()
    groups: dict[tuple, list[int]] = {}
    for k, r in enumerate(regimens):
        groups.setdefault(_regimen_key(r), []).append(k)
    for key, members in groups.items():
        if key == ("none",):
            continue
        idx = np.array(members)
        regimen = regimens[members[0]]
        if abs(regimen.days - days) > 1e-9:
            raise MagsynapseError("people: every regimen must last the simulation's days")
        run = simulate(
            regimen,
            "human",
            samples=len(idx),
            seed=seed,
            step_h=1.0,
            entities=[body_entities[k] for k in idx],
            bands=False,
            **_body_args(covariates, idx),
        )
        d = drivers_from_body(run)
        mg_o[:, idx], mg_i[:, idx] = d.mg_o, d.mg_i
    drivers = Drivers(reference.time, mg_o, mg_i, reference.mg_o_ref, reference.mg_i_ref)
    slow = integrate(
        drivers,
        background_calcium(),
        slow_parameters("human", 30.0),
        pathways=chosen,
        samples=n,
        seed=seed,
        record_h=24.0,
        cycle=reference,
        entities=list(slow_entities),
        values=_slow_values(covariates),
    )
    states = slow[[*SESSION_STATES, "slow_wave"]].sel(time=visits)
    states = states.rename(sample="subject", time="visit")
    states = states.transpose("subject", "visit")
    conditions = make_conditions(
        **{v: states[v].values for v in SESSION_STATES}, dims=("subject", "visit")
    )
    outside = em.outside(conditions).values
    readouts = readouts_of(em.predict(conditions, extrapolate=True))
    out = states.assign_coords(subject=covariates.subject.values, visit=visits)
    out["emulator_outside"] = (("subject", "visit"), outside)
    out.emulator_outside.attrs.update(
        units="1", long_name="state outside the emulator's fitted ranges (surface extrapolated)"
    )
    for name, value in readouts.items():
        out[name] = (("subject", "visit"), value)
    out.recall.attrs.update(units="1", long_name="emulated cued recall")
    out.persistence.attrs.update(
        units="1", long_name="emulated learned efficacy in the cued assembly"
    )
    out.visit.attrs.update(units="day", long_name="visit day (morning)")
    return out


#: The reference person of the links: the cohort covariates' medians (both sexes
#: averaged), the body's other parameters nominal.
REFERENCE_PERSON = {
    "weight": 0.5 * (86.6 + 73.5),
    "dietary_mg": 0.5 * (326.0 + 237.0),
    "cellular_mg": 1.0,
    "sleep_hours": 8.0,
}


def reference_readouts(
    ages: np.ndarray,
    *,
    seed: int | None = None,
    replicates: Sequence[int] = (0,),
    emulator: Emulator | None = None,
) -> dict[str, np.ndarray]:
    """The readouts of the reference person (:data:`REFERENCE_PERSON`, diet-only,
    steady state) at each age, under each replicate's draw of the slow priors (seed
    None: the nominal slow parameters): arrays (replicate, age).

    >>> r = reference_readouts(np.array([40.0, 70.0]))  # doctest: +SKIP
    """
    ages = np.asarray(ages, float)
    reps = [int(r) for r in replicates] if seed is not None else [0]
    n_age, n = len(ages), len(ages) * len(reps)
    cov = xr.Dataset(
        {
            "age": ("subject", np.tile(ages, len(reps))),
            **{k: ("subject", np.full(n, v)) for k, v in REFERENCE_PERSON.items()},
        },
        coords={"subject": np.arange(n)},
    )
    em = emulator or default_emulator()
    one = cov.isel(subject=[0])
    diet = simulate(
        make_regimen(None, days=1.0), "human", step_h=1.0, **_body_args(one, np.array([0]))
    )
    day = drivers_from_body(diet)
    ref = Drivers(
        day.time,
        np.repeat(day.mg_o, n, axis=1),
        np.repeat(day.mg_i, n, axis=1),
        np.repeat(day.mg_o_ref, n),
        np.repeat(day.mg_i_ref, n),
    )
    slow = integrate(
        ref,
        background_calcium(),
        slow_parameters("human", 30.0),
        samples=n if seed is not None else 0,
        seed=seed,
        record_h=24.0,
        cycle=ref,
        entities=[{"replicate": r} for r in reps for _ in range(n_age)]
        if seed is not None
        else None,
        values=_slow_values(cov),
    ).isel(time=0)
    conditions = make_conditions(**{v: slow[v].values for v in SESSION_STATES}, dims=("row",))
    out = readouts_of(em.predict(conditions, extrapolate=True))
    return {k: v.reshape(len(reps), n_age) for k, v in out.items()}


def reference_links(
    seed: int | None, replicates: Sequence[int] = (0,), emulator: Emulator | None = None
) -> dict[int, Links]:
    """The tests' links for each replicate's draw of the slow priors (seed None: one
    link of the nominal slow parameters, under key 0), calibrated on
    :data:`.cognition.CALIBRATION_AGES`.

    >>> links = reference_links(None)  # doctest: +SKIP
    """
    ages = CALIBRATION_AGES
    reps = [int(r) for r in replicates] if seed is not None else [0]
    curves = reference_readouts(ages, seed=seed, replicates=reps, emulator=emulator)
    return {
        r: Links.from_curve(ages, {k: v[i] for k, v in curves.items()}) for i, r in enumerate(reps)
    }
