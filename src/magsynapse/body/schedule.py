"""Dosing schedules: a regimen as bolus events, infusion windows and clamp switches.

A :class:`~magsynapse.body.regimen.Regimen` says what is taken and when; this module turns
it, for given parameter arrays, into what the solvers need: the boluses added to the gut
at each meal or oral dose (:class:`Event`, :func:`timeline`), and the regimen cut into
event-free segments shared by every sample (:class:`Schedule`, :func:`schedule`), each
with its infusion rate and plasma-clamp state. The equations are in :mod:`.equations`;
the integration over the segments is in :mod:`.solvers`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .equations import IDX
from .regimen import MEAL_TIMES_H, Regimen
from .salts import SALTS


@dataclass
class Event:
    """Boluses added at one time (mmol per sample) and the infusion rate from then on."""

    time: float
    gut: np.ndarray
    gut_unavail: np.ndarray
    supplement: np.ndarray
    threonate: np.ndarray


def _availability(params: dict[str, np.ndarray], salt_name: str) -> np.ndarray:
    key = f"avail_{salt_name}"
    if key in params:
        return params[key]
    return np.full_like(params["weight"], SALTS[salt_name].availability.value)


def timeline(
    regimen: Regimen, p: dict[str, np.ndarray], diet: bool = True
) -> tuple[list[Event], list[tuple[float, float, np.ndarray]]]:
    """Bolus events and infusion windows ``(start, stop, rate)`` of a regimen.

    Parameters
    ----------
    regimen : Regimen
        What is taken and when.
    p : dict of str to numpy.ndarray
        Parameter arrays over samples (diet, meals, availabilities).
    diet : bool
        Include the meals' Mg (when the regimen has a diet).

    Returns
    -------
    events : list of Event
        Oral boluses by time (meals and doses at the same time are one event).
    infusions : list of tuple
        ``(start, stop, rate)`` of every i.v. infusion (h, h, mmol/h per sample).

    Examples
    --------
    >>> from magsynapse.body import make_regimen, pk_parameters
    >>> from magsynapse.body.priors import parameter_arrays
    >>> p = parameter_arrays(pk_parameters("human"))
    >>> events, infusions = timeline(make_regimen("oxide", dose="400mg/day", days=1), p)
    >>> [e.time for e in events], infusions
    ([0.0, 5.0, 11.0], [])
    """
    n = len(p["weight"])
    zero = np.zeros(n)
    events: dict[float, Event] = {}

    def at(t: float) -> Event:
        key = round(float(t), 9)
        if key not in events:
            events[key] = Event(key, zero.copy(), zero.copy(), zero.copy(), zero.copy())
        return events[key]

    if diet and regimen.diet:
        per_meal = p["diet_mg"] / p["meals_per_day"]
        for day in range(math.ceil(regimen.days)):
            for t_meal in MEAL_TIMES_H[: int(p["meals_per_day"][0])]:
                t = 24.0 * day + t_meal
                if t < regimen.hours:
                    at(t).gut += per_meal
    infusions = []
    salt = regimen.salt
    for t in regimen.dose_times():
        amount = np.full(n, regimen.mmol_per_administration)
        if salt.route == "iv":
            rate = amount / regimen.infusion_hours
            infusions.append((float(t), float(t) + regimen.infusion_hours, rate))
            continue
        avail = _availability(p, salt.name)
        if not regimen.with_meal:
            avail = avail * p["fasted_factor"]
        avail = np.clip(avail, 0.0, 1.0)
        ev = at(t)
        ev.gut += amount * avail
        ev.gut_unavail += amount * (1.0 - avail)
        ev.supplement += amount
        ev.threonate += amount * salt.threonate_per_mg
    return [events[k] for k in sorted(events)], infusions


@dataclass
class Schedule:
    """A regimen cut into event-free segments, shared by every sample.

    ``grid`` holds the segment boundaries (h); before segment s the boluses
    ``bolus[s]`` (n, 4: absorbable gut, unabsorbable gut, supplement, threonate) are
    added; during it the infusion rate is ``iv[s]`` (n,) and the plasma clamp is
    ``clamp[s]``. ``clamp_jump`` is the relative step of plasma Mg at t = 0 that starts a
    clamp.
    """

    grid: np.ndarray
    bolus: np.ndarray
    iv: np.ndarray
    clamp: np.ndarray
    clamp_jump: float

    def start(self, y0: np.ndarray) -> np.ndarray:
        """A copy of the states ``y0`` (n, N_STATES) after the clamp's jump at t = 0."""
        y = y0.copy()
        if self.clamp_jump:
            jump = self.clamp_jump * y[:, IDX["plasma"]]
            y[:, IDX["plasma"]] += jump
            y[:, IDX["clamp_cum"]] += jump
        return y

    def add_bolus(self, y: np.ndarray, segment: int) -> None:
        """Add the boluses that open ``segment`` to the states ``y`` (in place)."""
        bolus = self.bolus[segment]
        y[:, IDX["gut_1"]] += bolus[:, 0]
        y[:, IDX["gut_unavail"]] += bolus[:, 1]
        y[:, IDX["dose_cum"]] += bolus[:, 0] + bolus[:, 1]
        y[:, IDX["supplement_cum"]] += bolus[:, 2]
        y[:, IDX["thr_gut"]] += bolus[:, 3]


def schedule(regimen: Regimen, p: dict[str, np.ndarray], diet: bool = True) -> Schedule:
    """Cut ``regimen`` into event-free segments (see :class:`Schedule`).

    Parameters are as for :func:`timeline`.

    Examples
    --------
    >>> from magsynapse.body import make_regimen, pk_parameters
    >>> from magsynapse.body.priors import parameter_arrays
    >>> p = parameter_arrays(pk_parameters("human"))
    >>> sch = schedule(make_regimen("sulfate", dose="2g", schedule="once", days=1), p)
    >>> # a 0.25-h infusion at t = 0, then lunch and dinner
    >>> sch.grid.tolist(), float(sch.iv[0, 0]) > 0
    ([0.0, 0.25, 5.0, 11.0, 24.0], True)
    """
    events, infusions = timeline(regimen, p, diet)
    n = len(p["weight"])
    breaks = {0.0, regimen.hours}
    breaks.update(e.time for e in events)
    for a, b, _ in infusions:
        breaks.update((a, min(b, regimen.hours)))
    clamp_end = regimen.clamp_hours if regimen.clamp_factor > 0 else None
    if clamp_end is not None and clamp_end < regimen.hours:
        breaks.add(clamp_end)
    grid = np.array(sorted(t for t in breaks if 0.0 <= t <= regimen.hours))
    n_seg = len(grid) - 1
    bolus = np.zeros((n_seg, n, 4))
    iv = np.zeros((n_seg, n))
    clamp = np.zeros(n_seg, dtype=np.bool_)
    ev_at = {e.time: e for e in events}
    for k, a in enumerate(grid[:-1]):
        ev = ev_at.get(round(float(a), 9))
        if ev is not None:
            bolus[k] = np.stack([ev.gut, ev.gut_unavail, ev.supplement, ev.threonate], axis=1)
        for start, stop, rate in infusions:
            if start <= a < stop:
                iv[k] += rate
        clamp[k] = clamp_end is not None and a < clamp_end
    jump = regimen.clamp_factor - 1.0 if regimen.clamp_factor > 0 else 0.0
    return Schedule(grid, bolus, iv, clamp, jump)
