"""Parameters that carry their provenance, and small named registries.

Every number a model uses is a :class:`Param` (value, unit, source, note); models group
them in frozen :class:`ParameterSet` objects; named variants (block models, parameter
sets, rules) live in :class:`Registry` objects so that a new variant is one new entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import numpy as np

from .errors import MagsynapseError
from .references import SOURCES

T = TypeVar("T")


@dataclass(frozen=True)
class Param:
    """One parameter value with its unit and the reference it comes from.

    Examples
    --------
    >>> Param(3.57, "mM", "jahr_stevens_1990").value
    3.57
    """

    value: float
    unit: str
    source: str
    note: str = ""
    prior: tuple | None = None

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise MagsynapseError(f"parameter source {self.source!r} is not a known reference")
        if self.prior is not None:
            object.__setattr__(self, "prior", tuple(self.prior))
            check_prior(self.prior)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws from the prior (the value itself, repeated, when there is none)."""
        if self.prior is None:
            return np.full(n, self.value)
        kind, a, b = self.prior
        if kind == "lognormal":  # median a, geometric standard deviation b
            return a * np.exp(np.log(b) * rng.standard_normal(n))
        if kind == "normal":  # mean a, standard deviation b
            return a + b * rng.standard_normal(n)
        return rng.uniform(a, b, n)  # uniform on [a, b]


PRIOR_KINDS = ("lognormal", "normal", "uniform")


def check_prior(prior: tuple) -> None:
    """Validate a prior ``(kind, a, b)``: lognormal(median, gsd), normal(mean, sd) or
    uniform(low, high)."""
    if len(prior) != 3 or prior[0] not in PRIOR_KINDS:
        raise MagsynapseError(
            f"prior {prior!r} must be (kind, a, b) with kind in {', '.join(PRIOR_KINDS)}"
        )
    kind, a, b = prior
    if kind == "lognormal" and not (a > 0 and b >= 1):
        raise MagsynapseError(f"lognormal prior needs median > 0 and gsd >= 1, got {prior}")
    if kind == "normal" and not b >= 0:
        raise MagsynapseError(f"normal prior needs sd >= 0, got {prior}")
    if kind == "uniform" and not a <= b:
        raise MagsynapseError(f"uniform prior needs low <= high, got {prior}")


@dataclass(frozen=True)
class ParameterSet:
    """A named, frozen group of :class:`Param` with optional calibration record.

    Parameters
    ----------
    name : str
        Name under which the set is registered (e.g. ``"DP"``).
    kind : str
        What the set parameterises (``"bistable"``, ``"calcium.nmda_voltage"``, ...).
    params : Mapping[str, Param]
        The parameters.
    description : str
        One line on where the set comes from.
    calibration : Mapping or None
        For fitted sets: objective, residual, date and what was fitted.

    Examples
    --------
    >>> ps = ParameterSet("demo", "demo", {"k": Param(2.0, "mM", "user")})
    >>> ps["k"], ps.with_values(k=3.0)["k"]
    (2.0, 3.0)
    """

    name: str
    kind: str
    params: Mapping[str, Param]
    description: str = ""
    calibration: Mapping[str, Any] | None = None
    extra_sources: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __getitem__(self, key: str) -> float:
        try:
            return self.params[key].value
        except KeyError:
            raise MagsynapseError(
                f"parameter set {self.name!r} has no parameter {key!r}; "
                f"accepted: {', '.join(self.params)}"
            ) from None

    def values(self) -> dict[str, float]:
        """All values as a plain ``{name: float}`` dict."""
        return {k: p.value for k, p in self.params.items()}

    def with_values(self, **overrides: float) -> ParameterSet:
        """A copy with some values replaced; replaced values get source ``"user"``."""
        params = dict(self.params)
        for key, value in overrides.items():
            if key not in params:
                raise MagsynapseError(
                    f"parameter set {self.name!r} has no parameter {key!r}; "
                    f"accepted: {', '.join(self.params)}"
                )
            params[key] = Param(
                float(value), params[key].unit, "user", "overridden", params[key].prior
            )
        return ParameterSet(
            self.name, self.kind, params, self.description, self.calibration, self.extra_sources
        )

    def references(self) -> set[str]:
        """Reference keys of every parameter and of the set itself."""
        return {p.source for p in self.params.values()} | set(self.extra_sources)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable description (stored in result attributes)."""
        out: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "params": {k: _param_dict(p) for k, p in self.params.items()},
        }
        if self.calibration is not None:
            out["calibration"] = dict(self.calibration)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ParameterSet:
        """Inverse of :meth:`to_dict`."""
        params = {k: Param(**v) for k, v in data["params"].items()}
        return cls(
            data["name"], data["kind"], params, data.get("description", ""), data.get("calibration")
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)


def _param_dict(p: Param) -> dict[str, Any]:
    out: dict[str, Any] = {"value": p.value, "unit": p.unit, "source": p.source, "note": p.note}
    if p.prior is not None:
        out["prior"] = list(p.prior)
    return out


class Registry(Generic[T]):
    """Named variants of one kind of thing (block models, parameter sets, rules).

    Examples
    --------
    >>> r = Registry("colour")
    >>> r.register("red", 1)
    1
    >>> r["red"], list(r)
    (1, ['red'])
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str, item: T | None = None) -> Any:
        """Register ``item`` under ``name``; without ``item``, use as a decorator."""
        if item is None:

            def decorator(obj: T) -> T:
                self._items[name] = obj
                return obj

            return decorator
        self._items[name] = item
        return item

    def __getitem__(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            raise MagsynapseError(
                f"unknown {self.kind} {name!r}; accepted: {', '.join(self._items)}"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> list[str]:
        return list(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())
