"""Dosing regimens: doses with units, schedules, meals, infusions, diet and clamps.

Doses are given either as mass of the salt (``"2g/day"``, ``"25mg/kg/day"``, ``"1080mg"``)
or as elemental magnesium (``"144mg/day"``, ``"6mmol"``). An amount without ``/day`` is
the amount of one administration; with ``/day`` it is the daily amount, split evenly
between the day's administrations. ``/kg`` multiplies by body weight.

The day's clock: t = 0 h is 08:00 (breakfast). Meals are at 0, 5 and 11 h of each day;
``daily`` doses at 0 h, ``bid`` at 0 and 11 h, ``once`` is a single dose at t = 0.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from ..errors import MagsynapseError
from .salts import ATOMIC_WEIGHT, Salt, get_salt

MEAL_TIMES_H = (0.0, 5.0, 11.0)
SCHEDULES = {"once": (0.0,), "daily": (0.0,), "bid": (0.0, 11.0)}
#: Longest regimen: 100 years, beyond any study and before output arrays grow past memory.
MAX_DAYS = 36500.0

_DOSE = re.compile(
    r"^\s*(?P<num>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*"
    r"(?P<unit>g|mg|ug|µg|mmol)\s*(?P<perkg>/\s*kg)?\s*(?P<perday>/\s*(?:day|d))?\s*$"
)
_MASS_MG = {"g": 1000.0, "mg": 1.0, "ug": 1e-3, "µg": 1e-3}


@dataclass(frozen=True)
class Dose:
    """A parsed dose: the amount and whether it is per kg and per day."""

    value: float
    unit: str
    per_kg: bool
    per_day: bool

    @classmethod
    def parse(cls, text: str, option: str = "dose") -> Dose:
        """Parse ``"2g/day"``, ``"25mg/kg/day"``, ``"1080mg"``, ``"6mmol"``.

        Examples
        --------
        >>> Dose.parse("25mg/kg/day")
        Dose(value=25.0, unit='mg', per_kg=True, per_day=True)
        """
        match = _DOSE.match(str(text))
        if not match:
            raise MagsynapseError(
                f"{option}: {text!r} is not a dose; accepted forms: 2g/day, 25mg/kg/day, "
                "1080mg, 6mmol (units g, mg, ug, mmol; optional /kg and /day)"
            )
        value = float(match["num"])
        if not value > 0:
            raise MagsynapseError(f"{option}: {text!r} must be a positive amount")
        return cls(value, match["unit"], bool(match["perkg"]), bool(match["perday"]))

    def mmol_mg(self, salt: Salt | None, weight_kg: float) -> float:
        """Elemental Mg (mmol) of this dose; ``salt=None`` means the dose is elemental."""
        amount = self.value * (weight_kg if self.per_kg else 1.0)
        if self.unit == "mmol":
            if salt is not None:
                return amount * salt.atoms["Mg"]  # mmol of salt formula units
            return amount
        mass_mg = amount * _MASS_MG[self.unit]
        if salt is None:
            return mass_mg / ATOMIC_WEIGHT["Mg"]
        return salt.mmol_mg(mass_mg)


@dataclass(frozen=True)
class Regimen:
    """What enters the body, and when.

    Attributes
    ----------
    salt : Salt or None
        The supplement's salt form (None: no supplement).
    mmol_per_administration : float
        Elemental Mg of one administration.
    schedule : {"once", "daily", "bid"}
        Administration times (see module docstring).
    days : float
        Length of the simulation (days).
    start_day, stop_day : float
        Supplement given on days [start_day, stop_day).
    with_meal : bool
        Whether doses are taken with a meal.
    diet : bool
        Background dietary intake at meals.
    infusion_hours : float
        Duration of each intravenous administration (route iv).
    clamp_factor, clamp_hours : float
        Plasma-clamp protocol: plasma Mg held at clamp_factor × baseline for clamp_hours
        from t = 0 (0 = no clamp).
    """

    salt: Salt | None = None
    mmol_per_administration: float = 0.0
    schedule: str = "daily"
    days: float = 1.0
    start_day: float = 0.0
    stop_day: float | None = None
    with_meal: bool = True
    diet: bool = True
    infusion_hours: float = 0.25
    clamp_factor: float = 0.0
    clamp_hours: float = 0.0
    label: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.schedule not in SCHEDULES:
            raise MagsynapseError(
                f"schedule: unknown {self.schedule!r}; accepted: {', '.join(SCHEDULES)}"
            )
        if not (math.isfinite(self.days) and 0 < self.days <= MAX_DAYS):
            raise MagsynapseError(f"days: must be > 0 and at most {MAX_DAYS:g} (got {self.days})")
        if not (math.isfinite(self.start_day) and 0 <= self.start_day < self.days):
            raise MagsynapseError(
                f"start_day: must lie in [0, days) = [0, {self.days:g}) (got {self.start_day})"
            )
        if self.stop_day is not None and not self.stop_day > self.start_day:
            raise MagsynapseError(
                f"stop_day: must be after start_day = {self.start_day:g} (got {self.stop_day})"
            )
        if self.stop_day is not None and not self.stop_day <= self.days:
            raise MagsynapseError(
                f"stop_day: must be at most days = {self.days:g} (got {self.stop_day}); "
                "simulate more days or stop earlier"
            )
        if self.mmol_per_administration < 0:
            raise MagsynapseError("dose: must be >= 0")
        if self.clamp_factor < 0 or self.clamp_hours < 0:
            raise MagsynapseError("plasma-factor and hours must be >= 0")
        if self.clamp_factor > 0 and not self.clamp_hours > 0:
            raise MagsynapseError("hours: a plasma clamp needs a duration > 0")
        if not self.infusion_hours > 0:
            raise MagsynapseError("infusion_hours: must be > 0")

    @property
    def hours(self) -> float:
        return 24.0 * self.days

    def dose_times(self) -> np.ndarray:
        """Administration times (h) within the simulation."""
        if self.salt is None or self.mmol_per_administration == 0:
            return np.empty(0)
        if self.schedule == "once":
            return np.array([24.0 * self.start_day])
        stop = self.days if self.stop_day is None else self.stop_day
        days = np.arange(np.ceil(self.start_day - 1e-9), stop - 1e-9)
        times = (24.0 * days[:, None] + np.array(SCHEDULES[self.schedule])[None, :]).ravel()
        return times[times < self.hours]


def make_regimen(
    salt: str | None = None,
    *,
    dose: str | None = None,
    dose_elemental: str | None = None,
    schedule: str = "daily",
    days: float = 1.0,
    weight_kg: float = 70.0,
    **kwargs,
) -> Regimen:
    """Build a :class:`Regimen` from user-level options (exactly one of the two doses).

    Examples
    --------
    >>> r = make_regimen("threonate", dose="2g/day", days=84)
    >>> round(r.mmol_per_administration, 3), len(r.dose_times())
    (6.791, 84)
    """
    if schedule not in SCHEDULES:
        raise MagsynapseError(f"schedule: unknown {schedule!r}; accepted: {', '.join(SCHEDULES)}")
    if salt is None:
        if dose or dose_elemental:
            raise MagsynapseError("salt: a dose needs a salt form")
        return Regimen(None, 0.0, schedule, days, **kwargs)
    s = get_salt(salt)
    if (dose is None) == (dose_elemental is None):
        raise MagsynapseError(
            "dose: give exactly one of dose (salt mass) and dose_elemental (elemental Mg)"
        )
    parsed = Dose.parse(
        dose if dose is not None else dose_elemental,
        "dose" if dose is not None else "dose_elemental",
    )
    if schedule == "once" and parsed.per_day:
        raise MagsynapseError(
            "dose: the schedule once takes an amount (e.g. 1080mg), not a rate per day"
        )
    per_day_admin = len(SCHEDULES[schedule])
    mmol = parsed.mmol_mg(s if dose is not None else None, weight_kg)
    if parsed.per_day:
        mmol /= per_day_admin
    return Regimen(
        s,
        mmol,
        schedule,
        days,
        label=f"{s.name} {dose if dose is not None else dose_elemental + ' elemental'} {schedule}",
        **kwargs,
    )
