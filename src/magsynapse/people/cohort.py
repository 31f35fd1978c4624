"""Virtual cohorts: people with covariates drawn from stated distributions.

Each covariate (:data:`COVARIATES`) is an object with its distribution and source:

==============  ======  ==================================================  ===============
covariate       unit    distribution                                        source
==============  ======  ==================================================  ===============
``age``         y       uniform over the inclusion range                    the protocol
``female``      1       Bernoulli(``female_fraction``, default 0.5)         the protocol
``weight``      kg      log-normal by sex: men median 86.6, mean 90.3;      Fryar 2025
                        women median 73.5, mean 77.9 (US adults)            (NHANES 2021-23)
``dietary_mg``  mg/day  log-normal by sex: men median 326, mean 352;        Ford & Mokdad
                        women 237, 256                                      2003
``cellular_mg`` 1       log-normal, median 1, geometric SD 1.1 (assumed)    a modelling
                        (times the age factor of the slow layer)            choice
``sleep_hours`` h       normal 7.74 ± 1.24 h, truncated to 4-12 h           NHANES 2015-16
==============  ======  ==================================================  ===============

A log-normal's σ follows from its mean and median: σ = √(2 ln(mean/median)).

Inclusion criteria are ranges on covariates (a protocol's age and weight bands); a
person is drawn again, from the same stream, until they qualify, and the number of
draws is recorded as screened. Subject *k*'s numbers come from the stream
(seed, ``"covariates"``, entities of *k*) alone, so they are the same whether the
subject is drawn alone, in a batch, or on another worker.

>>> cov = draw_covariates(3, seed=1, age=(50, 70))
>>> cov.sizes["subject"], bool(((cov.age >= 50) & (cov.age <= 70)).all())
(3, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import MagsynapseError
from ..provenance import Registry
from ..random import check_seed, generator

#: At most this many draws per person to meet the inclusion criteria.
MAX_SCREENED = 10_000


def lognormal_sigma(mean: float, median: float) -> float:
    """σ of a log-normal with this mean and median.

    >>> round(lognormal_sigma(90.3, 86.6), 4)
    0.2893
    """
    return math.sqrt(2.0 * math.log(mean / median))


@dataclass(frozen=True)
class Covariate:
    """A covariate: name, unit, source, a description of its distribution, and
    ``draw(rng, female)`` → one value."""

    name: str
    unit: str
    source: str
    description: str

    def draw(self, rng: np.random.Generator, female: bool, spec: Population) -> float:
        raise NotImplementedError  # pragma: no cover - abstract


@dataclass(frozen=True)
class SexLogNormal(Covariate):
    """Log-normal by sex, from each sex's median and mean."""

    men: tuple[float, float] = (1.0, 1.0)  # (median, mean)
    women: tuple[float, float] = (1.0, 1.0)

    def parameters(self, female: bool) -> tuple[float, float]:
        median, mean = self.women if female else self.men
        return median, lognormal_sigma(mean, median)

    def draw(self, rng, female, spec):
        median, sigma = self.parameters(female)
        return float(median * math.exp(sigma * rng.standard_normal()))


@dataclass(frozen=True)
class Normal(Covariate):
    """Normal, truncated to [low, high] by redrawing."""

    mean: float = 0.0
    sd: float = 1.0
    low: float = -math.inf
    high: float = math.inf

    def draw(self, rng, female, spec):
        while True:
            x = self.mean + self.sd * rng.standard_normal()
            if self.low <= x <= self.high:
                return float(x)


@dataclass(frozen=True)
class LogNormal(Covariate):
    """Log-normal from a median and a geometric standard deviation."""

    median: float = 1.0
    gsd: float = 1.0

    def draw(self, rng, female, spec):
        return float(self.median * math.exp(math.log(self.gsd) * rng.standard_normal()))


@dataclass(frozen=True)
class UniformAge(Covariate):
    """Uniform over the protocol's age range."""

    def draw(self, rng, female, spec):
        lo, hi = spec.age
        return float(rng.uniform(lo, hi))


#: The covariates after ``age`` and ``female``, in draw order.
COVARIATES: Registry[Covariate] = Registry("covariate")
COVARIATES.register(
    "age", UniformAge("age", "y", "magsynapse_choice", "uniform over the inclusion range")
)
COVARIATES.register(
    "weight",
    SexLogNormal(
        "weight",
        "kg",
        "fryar_2025",
        "log-normal by sex; US adults 20+ (NHANES 2021-2023)",
        men=(86.6, 90.3),
        women=(73.5, 77.9),
    ),
)
COVARIATES.register(
    "dietary_mg",
    SexLogNormal(
        "dietary_mg",
        "mg/day",
        "ford_mokdad_2003",
        "log-normal by sex; NHANES 1999-2000 white adults' 24-h recall",
        men=(326.0, 352.0),
        women=(237.0, 256.0),
    ),
)
COVARIATES.register(
    "cellular_mg",
    LogNormal(
        "cellular_mg",
        "1",
        "magsynapse_choice",
        "a person's cellular Mg relative to their age's (no population SD at hand; "
        "geometric SD 1.1 assumed)",
        median=1.0,
        gsd=1.1,
    ),
)
COVARIATES.register(
    "sleep_hours",
    Normal(
        "sleep_hours",
        "h",
        "nhanes_sleep_2021",
        "self-reported sleep, NHANES 2015-2016, truncated to 4-12 h",
        mean=7.74,
        sd=1.24,
        low=4.0,
        high=12.0,
    ),
)


@dataclass(frozen=True)
class Population:
    """Who may be enrolled: the age range, the share of women and inclusion ranges on
    other covariates (e.g. ``{"weight": (50, 100)}``)."""

    age: tuple[float, float] = (50.0, 70.0)
    female_fraction: float = 0.5
    inclusion: Mapping[str, tuple[float, float]] | None = None

    def __post_init__(self) -> None:
        lo, hi = self.age
        if not (18 <= lo <= hi <= 98):
            raise MagsynapseError(
                f"age: an adult range within 18-98 y, low <= high (got {lo:g}:{hi:g})"
            )
        if not 0 <= self.female_fraction <= 1:
            raise MagsynapseError("female_fraction: must lie in 0-1")
        for name, (a, b) in (self.inclusion or {}).items():
            if name not in COVARIATES or name == "age":
                accepted = ", ".join(k for k in COVARIATES if k != "age")
                raise MagsynapseError(
                    f"inclusion: unknown covariate {name!r}; accepted: {accepted}"
                )
            if not a <= b:
                raise MagsynapseError(f"inclusion: {name} needs low <= high")

    def qualifies(self, person: Mapping[str, float]) -> bool:
        """Whether a person meets the inclusion ranges."""
        return all(a <= person[k] <= b for k, (a, b) in (self.inclusion or {}).items())


def draw_person(
    seed: int, entities: Mapping[str, object], population: Population
) -> tuple[dict[str, float], int]:
    """One person's covariates from the stream (seed, ``"covariates"``, entities), and
    how many draws it took to meet the inclusion criteria."""
    rng = generator(seed, "covariates", **entities)
    for attempt in range(1, MAX_SCREENED + 1):
        female = bool(rng.uniform() < population.female_fraction)
        person = {"female": float(female)}
        for name in COVARIATES:
            person[name] = COVARIATES[name].draw(rng, female, population)
        if population.qualifies(person):
            return person, attempt
    raise MagsynapseError(
        f"inclusion: no one qualified in {MAX_SCREENED} draws; widen the criteria"
    )


def draw_covariates(
    n: int,
    seed: int,
    *,
    age: tuple[float, float] = (50.0, 70.0),
    female_fraction: float = 0.5,
    inclusion: Mapping[str, tuple[float, float]] | None = None,
    entities: Sequence[Mapping[str, object]] | None = None,
) -> xr.Dataset:
    """Covariates of ``n`` people.

    Parameters
    ----------
    n : int
        People.
    seed : int
        Root seed.
    age : (low, high)
        Age range (years) of the inclusion criteria.
    female_fraction : float
        Share of women.
    inclusion : mapping, optional
        Other inclusion ranges, e.g. ``{"weight": (50, 100)}``.
    entities : sequence of mapping, optional
        Each person's stream entities (default ``{"subject": k}``).

    Returns
    -------
    xarray.Dataset
        Over ``subject``: ``female`` (0/1) and every :data:`COVARIATES` entry, with
        units and sources, and ``screened`` (draws until inclusion).

    Examples
    --------
    >>> a = draw_covariates(5, seed=3).weight.values[4]
    >>> b = draw_covariates(1, seed=3, entities=[{"subject": 4}]).weight.values[0]
    >>> bool(a == b)
    True
    """
    if not (isinstance(n, int | np.integer) and n >= 1):
        raise MagsynapseError(f"n: must be an integer >= 1 (got {n!r})")
    seed = check_seed(seed)
    population = Population(tuple(map(float, age)), female_fraction, dict(inclusion or {}))
    ents = list(entities) if entities is not None else [{"subject": k} for k in range(n)]
    if len(ents) != n:
        raise MagsynapseError(f"entities: need one per person ({n}), got {len(ents)}")
    rows = [draw_person(seed, e, population) for e in ents]
    names = ["female", *COVARIATES]
    ds = xr.Dataset(
        {name: ("subject", np.array([r[0][name] for r in rows])) for name in names},
        coords={"subject": np.arange(n)},
    )
    ds["screened"] = ("subject", np.array([r[1] for r in rows]))
    ds.female.attrs.update(units="1", long_name="woman (1) or man (0)")
    for name in COVARIATES:
        c = COVARIATES[name]
        ds[name].attrs.update(units=c.unit, long_name=c.description, source=c.source)
    ds.screened.attrs.update(units="1", long_name="draws until the inclusion criteria were met")
    return ds
