"""Results of the synapse layer: labelled datasets with units and provenance.

:func:`build_dataset` reshapes the flat per-condition arrays of the runner back onto
(``set``,) the conditions' dims and the protocol's dims; :func:`provenance` attaches the
configuration, the parameter sets and the references a run used.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..receptors import get_block_model
from ..results import annotate

#: Units and descriptions of the runner's variables (calcium units come from the model).
VARIABLES = {
    "change": ("1", "relative synaptic change after/before (1 = no change)"),
    "change_se": ("1", "Monte Carlo standard error of change"),
    "p_up": ("1", "probability of a DOWN to UP transition"),
    "p_down": ("1", "probability of an UP to DOWN transition"),
    "alpha_d": ("1", "fraction of the protocol with calcium above theta_d"),
    "alpha_p": ("1", "fraction of the protocol with calcium above theta_p"),
    "w_final": ("1", "rule weight at the end of the protocol"),
    "ca_peak": (None, "largest calcium value"),
    "ca_influx": ("uM", "time integral of the NMDA calcium influx"),
}
COORD_UNITS = {"mg": "mM", "dt": "ms", "freq": "Hz", "hold": "mV", "bursts": "1"}


def _units(ds: xr.Dataset, calcium) -> None:
    for name, (unit, desc) in VARIABLES.items():
        if name in ds:
            ds[name].attrs.update(units=unit or calcium.units, long_name=desc)
            if unit is None and calcium.units_note:
                ds[name].attrs["comment"] = calcium.units_note
    for name, unit in COORD_UNITS.items():
        if name in ds.coords:
            ds[name].attrs["units"] = unit


def build_dataset(
    prep,
    data: dict[str, np.ndarray],
    *,
    conditions: xr.Dataset | None = None,
    extra_dims: dict[str, np.ndarray] | None = None,
) -> xr.Dataset:
    """Labelled dataset of the flat arrays ``data`` of a prepared run.

    1-D arrays run over the flat conditions; 2-D arrays have one more axis, named by the
    single entry of ``extra_dims``. The variables of ``conditions`` (when the run was given
    a conditions dataset) are carried into the result.
    """
    flat, proto = prep.flat, prep.protocol
    grid = (len(prep.sets), *flat.shape, *proto.shape)
    dims = ("set", *flat.dims, *proto.dims)
    coords = {"set": [s.name for s in prep.sets], **proto.coords}
    variables = {}
    for k, v in data.items():
        if v.ndim == 2:  # (flat condition, synapse)
            ((extra_name, extra_values),) = extra_dims.items()
            variables[k] = ((*dims, extra_name), v.reshape((*grid, v.shape[1])))
            coords[extra_name] = extra_values
        else:
            variables[k] = (dims, v.reshape(grid))
    ds = xr.Dataset(variables, coords=coords)
    ds = ds.assign_coords({k: v for k, v in flat.coords.items()})
    if prep.single_set:
        ds = ds.isel(set=0, drop=True)
    if conditions is not None:
        for name in conditions.data_vars:
            ds[name] = conditions[name]
    _units(ds, prep.calcium)
    return ds


def provenance(ds: xr.Dataset, prep, rule, block_model: str, config: dict, seed) -> xr.Dataset:
    """Attach configuration, parameter sets and references of a prepared run."""
    calcium = prep.calcium
    by_sets = calcium.amplitudes_from_sets or rule.uses_bistable_sets(calcium.name)
    used = list(prep.sets) if by_sets else []
    used += calcium.parameter_sets(prep.sets, prep.ca_params)
    used += rule.parameter_sets(calcium.name)
    used.append(get_block_model(block_model).params)
    proto = prep.protocol
    full = {
        "protocol": proto.name,
        **{f"protocol.{k}": v for k, v in proto.config.items()},
        "rule": rule.name,
        "calcium": calcium.name,
        "sets": [s.name for s in prep.sets],
        "block_model": block_model,
        "conditions": list(prep.flat.dims),
        **config,
    }
    return annotate(
        ds,
        title=f"{proto.name} protocol, {rule.name} rule, {calcium.name} calcium",
        config=full,
        parameter_sets=used,
        references=set(rule.references) | calcium.references(),
        seed=seed,
    )
