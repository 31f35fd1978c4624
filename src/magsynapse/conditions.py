"""The conditions contract: what one scale hands to the simulators below it.

A *conditions* dataset is an :class:`xarray.Dataset` whose variables are the states a
lower-scale simulator reads, over any dims the producer needs (``person``, ``salt``,
``day``, ``sample``, …). The body produces ``mg_o`` and ``mg_i`` by time; slower biology
produces the others. Every variable is optional: a simulator takes its own model's
default for a missing one, and broadcasts over all the dims present (a variable without a
dim is constant along it).

=======================  =====  ===========================================================
variable                 units  meaning
=======================  =====  ===========================================================
``mg_o``                 mM     extracellular (interstitial) [Mg²⁺], read by the Mg²⁺ block
``mg_i``                 mM     intracellular free [Mg²⁺] of neurons (carried, for slow layers)
``f_2b``                 1      GluN2B share of the NMDA receptors, in [0, 1]
``synapse_density``      1      functional release sites, relative to the model's default
``release_probability``  1      release probability per site, in (0, 1]
``atp``                  1      ATP availability, relative to the model's default
``synaptic_strength``    1      postsynaptic strength of excitatory synapses (sleep scaling)
=======================  =====  ===========================================================

Examples
--------
>>> import numpy as np
>>> c = make_conditions(mg_o=[[1.0, 1.1], [0.9, 1.0]], f_2b=[0.3, 0.5],
...                     dims=("person", "day"), coords={"day": [0, 84]})
>>> c.mg_o.dims, c.f_2b.dims
(('person', 'day'), ('person',))
>>> flat = flatten(c, defaults={"mg_o": 1.0, "f_2b": 0.5})
>>> flat.dims, flat.values["f_2b"].tolist()
(('person', 'day'), [0.3, 0.3, 0.5, 0.5])
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from .errors import MagsynapseError
from .units import magnitude

__all__ = ["VARIABLES", "Flat", "Variable", "as_conditions", "flatten", "make_conditions"]


@dataclass(frozen=True)
class Variable:
    """One variable of the contract: units, meaning and the interval it must lie in."""

    name: str
    units: str
    long_name: str
    low: float
    high: float = math.inf
    low_open: bool = False

    def check(self, values: np.ndarray) -> None:
        """A one-line error for values outside the variable's interval (NaN included)."""
        v = np.asarray(values, dtype=float)
        bad_low = (v <= self.low) if self.low_open else (v < self.low)
        if np.any(~np.isfinite(v)) or np.any(bad_low) or np.any(v > self.high):
            side = "(" if self.low_open else "["
            hi = "inf)" if math.isinf(self.high) else f"{self.high:g}]"
            raise MagsynapseError(
                f"conditions: {self.name} must be finite and in {side}{self.low:g}, {hi} "
                f"{self.units}"
            )


VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable("mg_o", "mM", "extracellular [Mg2+]", 0.0),
        Variable("mg_i", "mM", "intracellular free [Mg2+]", 0.0),
        Variable("f_2b", "1", "GluN2B share of NMDA receptors", 0.0, 1.0),
        Variable("synapse_density", "1", "functional release sites (relative)", 0.0, low_open=True),
        Variable("release_probability", "1", "release probability", 0.0, 1.0, low_open=True),
        Variable("atp", "1", "ATP availability (relative)", 0.0, low_open=True),
        Variable("synaptic_strength", "1", "postsynaptic strength (relative)", 0.0, low_open=True),
    )
}


def _annotate(ds: xr.Dataset) -> xr.Dataset:
    for name in ds.data_vars:
        var = VARIABLES[name]
        ds[name].attrs.update(units=var.units, long_name=var.long_name)
    return ds


def make_conditions(
    *,
    dims: Sequence[str] = (),
    coords: Mapping[str, Any] | None = None,
    **variables: Any,
) -> xr.Dataset:
    """Build a conditions dataset from arrays.

    Parameters
    ----------
    dims : sequence of str
        Names of the leading dims, in order; a variable with k dims uses the first k.
    coords : mapping, optional
        Coordinate values of some dims (others are numbered from 0).
    **variables
        Scalars, array-likes or :class:`xarray.DataArray` of the contract's variables.

    Examples
    --------
    >>> make_conditions(mg_o=[0.8, 1.2], dims=("mg",)).mg_o.values.tolist()
    [0.8, 1.2]
    """
    unknown = sorted(set(variables) - set(VARIABLES))
    if unknown:
        raise MagsynapseError(
            f"conditions: unknown variable {unknown[0]!r}; accepted: {', '.join(VARIABLES)}"
        )
    data = {}
    for name, value in variables.items():
        if isinstance(value, xr.DataArray):
            data[name] = value
            continue
        unit = VARIABLES[name].units
        arr = np.asarray(magnitude(value, unit, name) if unit != "1" else value, dtype=float)
        if arr.ndim > len(dims):
            raise MagsynapseError(
                f"conditions: {name} has {arr.ndim} dims but only {len(dims)} were named"
            )
        data[name] = (tuple(dims[: arr.ndim]), arr)
    ds = xr.Dataset(data)
    for d, values in (coords or {}).items():
        ds = ds.assign_coords({d: np.asarray(values)})
    return check_conditions(ds)


def check_conditions(ds: xr.Dataset) -> xr.Dataset:
    """Validate a conditions dataset (known variables, values in range); annotate units.

    Examples
    --------
    >>> check_conditions(xr.Dataset({"f_2b": ("person", [0.2, 1.5])}))
    Traceback (most recent call last):
    ...
    magsynapse.errors.MagsynapseError: conditions: f_2b must be finite and in [0, 1] 1
    """
    if not isinstance(ds, xr.Dataset):
        raise MagsynapseError("conditions: must be an xarray.Dataset")
    unknown = sorted(set(ds.data_vars) - set(VARIABLES))
    if unknown:
        raise MagsynapseError(
            f"conditions: unknown variable {unknown[0]!r}; accepted: {', '.join(VARIABLES)}"
        )
    for name in ds.data_vars:
        VARIABLES[name].check(ds[name].values)
        unit = ds[name].attrs.get("units", VARIABLES[name].units)
        if unit != VARIABLES[name].units:
            raise MagsynapseError(
                f"conditions: {name} must be in {VARIABLES[name].units}, not {unit!r}"
            )
    return _annotate(ds.copy())


def as_conditions(mg: Any = None, conditions: xr.Dataset | None = None) -> xr.Dataset:
    """The conditions of a run: ``conditions`` as given, or a ``mg`` dim of [Mg]o values.

    Examples
    --------
    >>> as_conditions(mg=[0.8, 1.2]).mg_o.dims
    ('mg',)
    """
    if conditions is not None:
        if mg is not None:
            raise MagsynapseError("mg: give either mg or conditions (with mg_o), not both")
        return check_conditions(conditions)
    arr = np.atleast_1d(np.asarray(magnitude(1.0 if mg is None else mg, "mM", "mg"), float))
    if arr.ndim != 1 or arr.size == 0:
        raise MagsynapseError("mg: give at least one value (mM)")
    if np.any(~np.isfinite(arr)):
        raise MagsynapseError("mg: values must be finite numbers (mM)")
    if np.any(arr < 0):
        raise MagsynapseError(f"mg: values must be >= 0 mM (got {arr.min():g})")
    if len(np.unique(arr)) != arr.size:
        raise MagsynapseError("mg: values must be distinct")
    ds = xr.Dataset({"mg_o": ("mg", arr)}, coords={"mg": arr})
    ds.mg.attrs["units"] = "mM"
    return _annotate(ds)


@dataclass(frozen=True)
class Flat:
    """A conditions dataset flattened to one axis of ``n`` conditions (C order).

    Attributes
    ----------
    dims : tuple of str
        The dims, in the order the flat axis runs over them.
    shape : tuple of int
        Their sizes.
    coords : dict
        Coordinates to put back on results (dim coordinates and non-dim ones).
    values : dict of str to numpy.ndarray
        Every contract variable with a value per flat condition (defaults filled in).
    labels : list of str
        A stable text per condition ("person=p1|day=84"), from which random streams are
        named: a condition's stream depends on its labels, not its position.
    """

    dims: tuple[str, ...]
    shape: tuple[int, ...]
    coords: dict[str, Any]
    values: dict[str, np.ndarray]
    labels: list[str]

    @property
    def n(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))


def _label(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.9g}"
    return str(value)


def flatten(conditions: xr.Dataset, defaults: Mapping[str, float]) -> Flat:
    """Broadcast a conditions dataset over all its dims and flatten it.

    Parameters
    ----------
    conditions : xarray.Dataset
        A conditions dataset (see the module docstring).
    defaults : mapping
        The consuming model's value of each variable it reads, used where the dataset has
        none.

    Returns
    -------
    Flat
    """
    ds = check_conditions(conditions)
    dims = tuple(ds.sizes)
    if not dims:
        ds = ds.expand_dims("condition")
        dims = ("condition",)
    shape = tuple(ds.sizes[d] for d in dims)
    values = {}
    for name, default in defaults.items():
        if name in ds:
            arr = ds[name].broadcast_like(ds).transpose(*dims).values
        else:
            arr = np.full(shape, float(default))
        values[name] = np.ascontiguousarray(arr, dtype=float).ravel()
    coords = {k: v for k, v in ds.coords.items()}
    axes = [ds[d].values if d in ds.coords else np.arange(ds.sizes[d]) for d in dims]
    grids = np.meshgrid(*axes, indexing="ij")
    labels = [
        "|".join(f"{d}={_label(g.flat[i])}" for d, g in zip(dims, grids, strict=True))
        for i in range(int(np.prod(shape, dtype=np.int64)))
    ]
    return Flat(dims, shape, coords, values, labels)
