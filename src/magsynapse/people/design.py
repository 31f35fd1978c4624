"""Trial designs as data: TOML files with arms, population, visits, outcome and what the
trial published.

Built in: ``liu2016`` and a ``template`` for new designs (``magsynapse/people/designs``).
A design file's keys (every one checked; a wrong one is a one-line error naming it)::

    name = "liu2016"                 # short name
    title = "..."
    source = "liu_2016"              # a reference key (magsynapse cite)
    weeks = 12                       # duration
    visits = [0, 6, 12]              # visit weeks, the first 0
    enrolled = 51                    # people randomised
    completers = 44                  # analysed (dropout = 1 - completers / enrolled)
    block = 4                        # permuted-block size of the randomisation

    [population]
    age = [50, 70]                   # inclusion ages (y)
    female_fraction = 0.5
    inclusion = { weight = [50, 100] }

    [[arm]]                          # exactly two arms: a control (no salt) and a treated
    name = "placebo"
    [[arm]]
    name = "mgt"
    salt = "threonate"
    schedule = "daily"
    doses = [{ up_to_kg = 70, dose = "1.5g/day" }, { up_to_kg = 100, dose = "2g/day" }]
    # or: dose = "2g/day"  (salt mass; dose_elemental = "... for elemental Mg")

    [outcome]
    tests = ["tmt_b", "tmt_a", "digit_span_backward", "delayed_recall"]
    primary = "composite"            # or one of the tests
    visit = 12                       # week of the primary analysis
    alpha = 0.05

    [published]                      # what the trial reported (never used to set anything)
    d = 0.91
    p = 0.003
    note = "..."

>>> d = load_design("liu2016")
>>> d.enrolled, [a.name for a in d.arms], d.visits
(51, ['placebo', 'mgt'], (0.0, 6.0, 12.0))
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..body import Regimen, make_regimen
from ..errors import MagsynapseError
from ..references import SOURCES
from .cognition import TESTS
from .cohort import Population

#: Built-in designs (files in ``magsynapse/people/designs``).
BUILTIN = ("liu2016", "hausenblas2024")
#: Keys a design's sections accept.
_KEYS = {
    "": {
        "name",
        "title",
        "source",
        "weeks",
        "visits",
        "enrolled",
        "completers",
        "block",
        "population",
        "arm",
        "outcome",
        "published",
    },
    "population": {"age", "female_fraction", "inclusion"},
    "arm": {"name", "salt", "schedule", "dose", "dose_elemental", "doses"},
    "outcome": {"tests", "primary", "visit", "alpha"},
    "published": {"d", "d_ci", "p", "visit", "tmt_b_change", "brain_age_shift", "note"},
}


@dataclass(frozen=True)
class DoseBand:
    """A dose for people up to a body weight (kg)."""

    up_to_kg: float
    dose: str


@dataclass(frozen=True)
class Arm:
    """A trial arm: a name, and (treated) a salt, schedule and dose or weight bands."""

    name: str
    salt: str | None = None
    schedule: str = "daily"
    dose: str | None = None
    dose_elemental: str | None = None
    doses: tuple[DoseBand, ...] = ()

    @property
    def treated(self) -> bool:
        return self.salt is not None

    def regimen(self, weight_kg: float, days: float) -> Regimen | None:
        """This arm's regimen for a person of ``weight_kg`` (None for a control)."""
        if not self.treated:
            return None
        if self.doses:
            band = next((b for b in self.doses if weight_kg <= b.up_to_kg), None)
            if band is None:
                raise MagsynapseError(
                    f"arm {self.name}: no dose for {weight_kg:.1f} kg (doses up to "
                    f"{self.doses[-1].up_to_kg:g} kg); add a band or an inclusion range"
                )
            return make_regimen(
                self.salt, dose=band.dose, schedule=self.schedule, days=days, weight_kg=weight_kg
            )
        return make_regimen(
            self.salt,
            dose=self.dose,
            dose_elemental=self.dose_elemental,
            schedule=self.schedule,
            days=days,
            weight_kg=weight_kg,
        )


@dataclass(frozen=True)
class Design:
    """A two-arm trial design (see the module docstring for the file format)."""

    name: str
    title: str
    source: str
    weeks: float
    visits: tuple[float, ...]
    enrolled: int
    completers: int
    population: Population
    arms: tuple[Arm, ...]
    tests: tuple[str, ...]
    primary: str = "composite"
    visit: float = 0.0
    alpha: float = 0.05
    block: int = 4
    published: dict[str, Any] = field(default_factory=dict)

    @property
    def days(self) -> float:
        return 7.0 * self.weeks

    @property
    def control(self) -> Arm:
        return next(a for a in self.arms if not a.treated)

    @property
    def treated(self) -> Arm:
        return next(a for a in self.arms if a.treated)

    @property
    def completion(self) -> float:
        """Share of the enrolled who complete."""
        return self.completers / self.enrolled

    def with_size(self, enrolled: int) -> Design:
        """The design with ``enrolled`` people (completers scaled in proportion)."""
        if not (isinstance(enrolled, int) and enrolled >= 4):
            raise MagsynapseError(f"n: must be an integer >= 4 (got {enrolled!r})")
        completers = max(4, round(enrolled * self.completion))
        return replace(self, enrolled=enrolled, completers=min(completers, enrolled))

    def to_dict(self) -> dict[str, Any]:
        """The design as plain data (recorded in results)."""
        return {
            "name": self.name,
            "title": self.title,
            "source": self.source,
            "weeks": self.weeks,
            "visits": list(self.visits),
            "enrolled": self.enrolled,
            "completers": self.completers,
            "block": self.block,
            "population": {
                "age": list(self.population.age),
                "female_fraction": self.population.female_fraction,
                "inclusion": {k: list(v) for k, v in (self.population.inclusion or {}).items()},
            },
            "arms": [
                {
                    "name": a.name,
                    "salt": a.salt or "",
                    "schedule": a.schedule,
                    "dose": a.dose or "",
                    "dose_elemental": a.dose_elemental or "",
                    "doses": [[b.up_to_kg, b.dose] for b in a.doses],
                }
                for a in self.arms
            ],
            "tests": list(self.tests),
            "primary": self.primary,
            "visit": self.visit,
            "alpha": self.alpha,
            "published": self.published,
        }


def _check_keys(table: dict, section: str) -> None:
    allowed = _KEYS[section]
    for key in table:
        if key not in allowed:
            where = f"{section}." if section else ""
            raise MagsynapseError(
                f"design: unknown key {where}{key!r}; accepted: {', '.join(sorted(allowed))}"
            )


def _number(table: dict, key: str, where: str, *, integer: bool = False, positive: bool = True):
    if key not in table:
        raise MagsynapseError(f"design: {where}{key} is missing")
    v = table[key]
    ok = isinstance(v, int) if integer else isinstance(v, int | float)
    if isinstance(v, bool) or not ok or not math.isfinite(v) or (positive and v <= 0):
        kind = "a positive integer" if integer else "a positive number"
        raise MagsynapseError(f"design: {where}{key} must be {kind} (got {v!r})")
    return v


def _range(v, key: str) -> tuple[float, float]:
    if not (isinstance(v, list) and len(v) == 2 and all(isinstance(x, int | float) for x in v)):
        raise MagsynapseError(f"design: {key} must be [low, high] (got {v!r})")
    return float(v[0]), float(v[1])


def parse_design(data: dict[str, Any]) -> Design:
    """A :class:`Design` from parsed TOML, every key checked."""
    _check_keys(data, "")
    weeks = float(_number(data, "weeks", ""))
    enrolled = int(_number(data, "enrolled", "", integer=True))
    completers = int(_number(data, "completers", "", integer=True))
    if completers > enrolled:
        raise MagsynapseError("design: completers cannot exceed enrolled")
    if completers < 4:
        raise MagsynapseError("design: completers must be >= 4 (two per arm)")
    block = int(_number(data, "block", "", integer=True)) if "block" in data else 4
    if block % 2:
        raise MagsynapseError("design: block must be even (1:1 permuted blocks)")
    visits = data.get("visits")
    if not (
        isinstance(visits, list) and visits and all(isinstance(v, int | float) for v in visits)
    ):
        raise MagsynapseError("design: visits must be a list of weeks, e.g. [0, 6, 12]")
    visits = tuple(float(v) for v in visits)
    if visits[0] != 0 or any(b <= a for a, b in pairwise(visits)):
        raise MagsynapseError("design: visits must start at week 0 and increase")
    for v in visits:
        if v > weeks:
            raise MagsynapseError(
                f"design: visits week {v:g} is beyond the {weeks:g} weeks (weeks)"
            )
        if abs(v * 7 - round(v * 7)) > 1e-9:
            raise MagsynapseError(f"design: visits week {v:g} is not a whole day")
    pop = data.get("population", {})
    _check_keys(pop, "population")
    if "age" not in pop:
        raise MagsynapseError("design: population.age is missing")
    inclusion = {
        k: _range(v, f"population.inclusion.{k}") for k, v in pop.get("inclusion", {}).items()
    }
    population = Population(
        _range(pop["age"], "population.age"), float(pop.get("female_fraction", 0.5)), inclusion
    )
    arms_data = data.get("arm", [])
    if not isinstance(arms_data, list) or len(arms_data) != 2:
        raise MagsynapseError("design: arm needs exactly two [[arm]] tables (control, treated)")
    arms = []
    for table in arms_data:
        _check_keys(table, "arm")
        if not isinstance(table.get("name"), str) or not table["name"]:
            raise MagsynapseError("design: arm.name is missing")
        bands = tuple(
            DoseBand(float(b["up_to_kg"]), str(b["dose"])) for b in table.get("doses", [])
        )
        arm = Arm(
            table["name"],
            table.get("salt"),
            table.get("schedule", "daily"),
            table.get("dose"),
            table.get("dose_elemental"),
            bands,
        )
        if arm.treated and not (arm.dose or arm.dose_elemental or arm.doses):
            raise MagsynapseError(f"design: arm {arm.name} has a salt but no dose")
        if arm.treated:
            arm.regimen(bands[0].up_to_kg if bands else 70.0, 1.0)  # checks salt and dose
        arms.append(arm)
    if sum(a.treated for a in arms) != 1:
        raise MagsynapseError("design: arm needs one control (no salt) and one treated arm")
    if arms[0].name == arms[1].name:
        raise MagsynapseError("design: arm names must differ")
    out = data.get("outcome", {})
    _check_keys(out, "outcome")
    tests = out.get("tests")
    if not (isinstance(tests, list) and tests):
        raise MagsynapseError("design: outcome.tests must list one or more tests")
    for t in tests:
        if t not in TESTS:
            raise MagsynapseError(
                f"design: outcome.tests: unknown test {t!r}; accepted: {', '.join(TESTS)}"
            )
    primary = out.get("primary", "composite")
    if primary != "composite" and primary not in tests:
        raise MagsynapseError(
            f"design: outcome.primary {primary!r} must be 'composite' or one of the tests"
        )
    visit = float(out.get("visit", visits[-1]))
    if visit not in visits[1:]:
        raise MagsynapseError(f"design: outcome.visit week {visit:g} is not a follow-up visit")
    alpha = float(out.get("alpha", 0.05))
    if not 0 < alpha < 1:
        raise MagsynapseError("design: outcome.alpha must lie in (0, 1)")
    published = dict(data.get("published", {}))
    _check_keys(published, "published")
    source = data.get("source", "magsynapse_choice")
    if source not in SOURCES:
        raise MagsynapseError(f"design: source {source!r} is not a known reference")
    return Design(
        str(data.get("name", "design")),
        str(data.get("title", "")),
        source,
        weeks,
        visits,
        enrolled,
        completers,
        population,
        tuple(arms),
        tuple(tests),
        primary,
        visit,
        alpha,
        block,
        published,
    )


def load_design(name_or_path: str | Path) -> Design:
    """A built-in design by name (:data:`BUILTIN`) or a TOML file.

    >>> load_design("liu2016").weeks
    12.0
    """
    text = None
    if str(name_or_path) in (*BUILTIN, "template"):
        text = (
            resources.files("magsynapse.people")
            .joinpath(f"designs/{name_or_path}.toml")
            .read_text()
        )
    elif Path(name_or_path).is_file():
        text = Path(name_or_path).read_text()
    else:
        raise MagsynapseError(
            f"design: {str(name_or_path)!r} is neither a built-in design "
            f"({', '.join(BUILTIN)}) nor a file"
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MagsynapseError(f"design: not valid TOML ({exc})") from None
    return parse_design(data)
