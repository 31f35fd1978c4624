"""Parsing quantities, lists and ranges given with optional units.

Quantities at the user boundary (command line, config files) may carry units
(``"1.2mM"``, ``"-60 mV"``, ``"2s"``); bare numbers take the dimension's default unit
(mM, mV, ms, Hz). Internally magsynapse works in plain floats in those default units.

Examples
--------
>>> parse_values("0.6:1.0:0.2", "concentration").tolist()
[0.6, 0.8, 1.0]
>>> parse_values("800uM, 1.2mM", "concentration").tolist()
[0.8, 1.2]
>>> parse_quantity("-60mV", "voltage")
-60.0
"""

from __future__ import annotations

import math
import re
import sys
from typing import Any

import numpy as np

from .errors import MagsynapseError

#: Conversion factors to the default unit of each dimension (the first entry).
UNITS: dict[str, dict[str, float]] = {
    "concentration": {"mM": 1.0, "uM": 1e-3, "µM": 1e-3, "μM": 1e-3, "nM": 1e-6, "M": 1e3},
    "voltage": {"mV": 1.0, "V": 1e3, "uV": 1e-3},
    "time": {"ms": 1.0, "s": 1e3, "us": 1e-3, "min": 6e4},
    "frequency": {"Hz": 1.0, "kHz": 1e3, "mHz": 1e-3},
    "count": {"": 1.0},
}

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_QUANTITY = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-zµμ]*)\s*$")


#: The most values a list or range may hold (a result's coordinate, not a sample).
MAX_VALUES = 1_000_000


def default_unit(dimension: str) -> str:
    """Return the default (internal) unit of a dimension, e.g. ``"mM"``."""
    return next(iter(_units(dimension)))


def _units(dimension: str) -> dict[str, float]:
    try:
        return UNITS[dimension]
    except KeyError:
        raise MagsynapseError(
            f"unknown dimension {dimension!r}; accepted: {', '.join(UNITS)}"
        ) from None


def parse_quantity(text: str | float, dimension: str) -> float:
    """Parse one quantity such as ``"1.2mM"`` into a float in the default unit.

    Parameters
    ----------
    text : str or float
        The quantity; a number without unit is taken in the default unit.
    dimension : str
        One of ``concentration``, ``voltage``, ``time``, ``frequency``, ``count``.

    Returns
    -------
    float
        The value in the dimension's default unit (mM, mV, ms, Hz).

    Examples
    --------
    >>> parse_quantity("2s", "time")
    2000.0
    """
    units = _units(dimension)
    if isinstance(text, int | float) and not isinstance(text, bool):
        value = float(text)
    else:
        match = _QUANTITY.match(str(text))
        if not match:
            raise MagsynapseError(
                f"{text!r} is not a number with an optional unit "
                f"(accepted units: {', '.join(u for u in units if u) or 'none'})"
            )
        number, unit = match.groups()
        if unit and unit not in units:
            raise MagsynapseError(
                f"unit {unit!r} in {text!r} is not a {dimension} unit "
                f"(accepted: {', '.join(u for u in units if u) or 'none'})"
            )
        value = float(number) * (units[unit] if unit else 1.0)
    if not math.isfinite(value):
        raise MagsynapseError(f"{text!r} is not a finite number")
    return value


def _with_unit(part: str, unit: str) -> str:
    """Append ``unit`` to a bare number (``"0.6"`` → ``"0.6mM"``)."""
    match = _QUANTITY.match(part)
    return part + unit if match and not match.group(2) else part


def parse_values(text: str, dimension: str) -> np.ndarray:
    """Parse a comma-separated list or an inclusive ``start:stop:step`` range.

    Parameters
    ----------
    text : str
        ``"0.6,0.8,1.2"`` (a list) or ``"-100:100:5"`` (inclusive range); each number may
        carry a unit, and a unit on the last part of a range applies to every part
        without one (``"0.6:2.0:0.2mM"``).
    dimension : str
        The physical dimension, see :data:`UNITS`.

    Returns
    -------
    numpy.ndarray
        One-dimensional float array in the default unit, never empty.

    Examples
    --------
    >>> parse_values("-10:10:10mV", "voltage").tolist()
    [-10.0, 0.0, 10.0]
    """
    text = str(text).strip()
    if not text:
        raise MagsynapseError("empty value; give a list 'a,b,c' or a range 'start:stop:step'")
    if ":" in text:
        parts = [p.strip() for p in text.split(":")]
        if len(parts) != 3 or not all(parts):
            raise MagsynapseError(f"range {text!r} must be start:stop:step")
        last = _QUANTITY.match(parts[-1])
        suffix = last.group(2) if last else ""
        start, stop, step = (parse_quantity(_with_unit(p, suffix), dimension) for p in parts)
        if step == 0 or (stop - start) * step < 0:
            raise MagsynapseError(
                f"range {text!r} is empty: the step must be non-zero and go from start to stop"
            )
        n = math.floor((stop - start) / step + 1e-9) + 1
        if n > MAX_VALUES:
            raise MagsynapseError(
                f"range {text!r} has {n:.3g} values; at most {MAX_VALUES:,} (use a larger step)"
            )
        values = start + step * np.arange(n)
        # Round away floating-point noise such as 0.6000000000000001.
        return np.round(values, 12)
    items = [p.strip() for p in text.split(",")]
    if any(not p for p in items):
        raise MagsynapseError(f"list {text!r} has an empty entry")
    values = np.array([parse_quantity(p, dimension) for p in items], dtype=float)
    unique, counts = np.unique(values, return_counts=True)
    if np.any(counts > 1):
        twice = unique[counts > 1][0]
        raise MagsynapseError(
            f"list {text!r} gives {twice:g} {default_unit(dimension)} more than once; "
            "give each value once"
        )
    return values


def magnitude(value: Any, unit: str, name: str) -> Any:
    """Plain numbers in ``unit`` from ``value``: numbers pass through; a Brian2 quantity
    (or a list of them) is converted, and a quantity of another dimension is a one-line
    error, so that ``block(-60 * brian2.mV, ...)`` means −60 mV rather than −0.06.

    Parameters
    ----------
    value : number, array_like, or a Brian2 quantity
        The input.
    unit : str
        The package's unit for it (``"mM"``, ``"mV"``, ``"ms"``, ``"Hz"``, ...).
    name : str
        Parameter name for error messages.

    Examples
    --------
    >>> magnitude(1.5, "mM", "mg")
    1.5
    """
    if isinstance(value, list | tuple):
        return [magnitude(v, unit, name) for v in value]
    brian2 = sys.modules.get("brian2")
    if brian2 is not None and isinstance(value, brian2.Quantity):
        target = getattr(brian2, unit)
        if value.dim != target.dim:
            raise MagsynapseError(f"{name}: {value!r} is not a quantity in {unit}")
        return np.asarray(value / target, dtype=float)
    return value
