"""Parameter types of the command line: quantities with units, registry names, seeds,
finite numbers."""

from __future__ import annotations

import math
from typing import Any

import click
import numpy as np

from ..errors import MagsynapseError
from ..random import check_seed
from ..units import parse_values


class Number(click.FloatRange):
    """A finite float, optionally within bounds (``click.FloatRange``'s arguments): NaN
    and infinities are refused, never passed on or clamped.

    Examples
    --------
    >>> Number(min=0).convert("2.5", None, None)
    2.5
    >>> Number(min=0).convert("inf", None, None)
    Traceback (most recent call last):
    ...
    click.exceptions.BadParameter: 'inf' is not a finite number.
    """

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


class Values(click.ParamType):
    """A list ``a,b,c`` or an inclusive range ``start:stop:step``, with optional units.

    Examples
    --------
    >>> Values("voltage").convert("-10:10:10mV", None, None).tolist()
    [-10.0, 0.0, 10.0]
    """

    name = "values"

    def __init__(self, dimension: str, nonnegative: bool = False, positive: bool = False):
        self.dimension = dimension
        self.nonnegative = nonnegative
        self.positive = positive

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, np.ndarray):
            return value
        try:
            arr = parse_values(str(value), self.dimension)
        except MagsynapseError as exc:
            self.fail(str(exc), param, ctx)
        if self.nonnegative and np.any(arr < 0):
            self.fail(f"{value!r}: concentrations must be >= 0 mM", param, ctx)
        if self.positive and np.any(arr <= 0):
            self.fail(f"{value!r}: values must be > 0", param, ctx)
        return arr


class Name(click.ParamType):
    """A name from a registry, checked with a one-line list of accepted names.

    Examples
    --------
    >>> Name(["human", "rat"]).convert("rat", None, None)
    'rat'
    """

    name = "name"

    def __init__(self, choices: list[str]):
        self.choices = choices

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if value not in self.choices:
            self.fail(f"unknown {value!r}; accepted: {', '.join(self.choices)}", param, ctx)
        return value


class Seeds(click.ParamType):
    """One seed or comma-separated seeds, integers >= 0, as a list.

    Examples
    --------
    >>> Seeds().convert("1,2", None, None)
    [1, 2]
    """

    name = "seeds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, list):
            return value
        try:
            seeds = [int(s) for s in str(value).split(",") if s.strip()]
        except ValueError:
            self.fail(f"{value!r}: give integers", param, ctx)
        if not seeds:
            self.fail(f"{value!r}: give integers >= 0", param, ctx)
        try:
            return [check_seed(s, "seed") for s in seeds]
        except MagsynapseError as exc:
            self.fail(str(exc).removeprefix("seed: "), param, ctx)


class Seed(click.ParamType):
    """One root seed, validated as the library validates it
    (:func:`magsynapse.random.check_seed`).

    Examples
    --------
    >>> Seed().convert("7", None, None)
    7
    """

    name = "integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not an integer", param, ctx)
        try:
            return check_seed(number, "seed")
        except MagsynapseError as exc:
            self.fail(str(exc).removeprefix("seed: "), param, ctx)


def _registries() -> dict[str, list[str]]:
    from ..body import SALTS
    from ..receptors import BLOCK_MODELS, SUBUNITS
    from ..synapse import BISTABLE_SETS, CALCIUM_MODELS, RULES

    return {
        "block": BLOCK_MODELS.names(),
        "subunit": list(SUBUNITS),
        "set": BISTABLE_SETS.names(),
        "calcium": CALCIUM_MODELS.names(),
        "rule": RULES.names(),
        "salt": SALTS.names(),
    }


#: The accepted names of each registry option.
REGISTRIES = _registries()

SCHEDULES = ["once", "daily", "bid"]
