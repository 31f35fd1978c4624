"""How results look on disk: NetCDF-4 files that follow the CF conventions (CF-1.10).

In memory a result is an ``xarray.Dataset`` labelled for the package's own use: units in
short labels (``mM``, ``uM``), string coordinates, spike trains padded to a common length.
:func:`encode` turns it into the CF form that :func:`magsynapse.results.save` writes, and
:func:`decode` turns a file read by :func:`magsynapse.results.load` back, so that a file
written before this encoding reads the same way as one written after it.

The CF form:

- the global attribute ``Conventions = "CF-1.10"``;
- units in UDUNITS spelling (:data:`UDUNITS`: ``mmol L-1``, ``umol L-1``, ``year``);
- every variable with a ``long_name``; coordinates and columns that recur across results
  get theirs, and their units, from :data:`COMMON` when the result does not set them
  (:func:`describe`, which :func:`~magsynapse.results.annotate` applies in memory too);
- text as character arrays (CF-1.8 has no variable-length strings); a text coordinate
  ``salt`` is written as the auxiliary coordinate ``salt_label`` of dimension ``salt``,
  because a CF coordinate variable must be numeric and monotonic;
- spike trains as a CF contiguous ragged array (CF §9.3.3): ``spike_t`` and ``spike_i``
  over ``spike`` hold every train one after the other, and ``spike_count`` over
  ``train`` (with ``sample_dimension = "spike"``) says how many spikes each has; the
  trains are the result's replicas in C order over the dimensions named in
  ``spike_count``'s ``instance_dimensions``.

Elapsed time (the hours since a regimen starts, the seconds of a network run) is not a
calendar time, so its coordinates carry units (``h``, ``s``, ``ms``, ``day``) and a
``long_name`` but no ``axis = "T"``, which CF reserves for times "since" a reference
date. Each kind of file keeps one time unit: hours in body results, days in chronic
ones, seconds in network ones and milliseconds in synapse traces.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

#: The conventions the files declare.
CONVENTIONS = "CF-1.10"

#: The package's unit labels and their UDUNITS spelling in files.
UDUNITS = {
    "mM": "mmol L-1",
    "uM": "umol L-1",
    "uM/ms": "umol L-1 ms-1",
    "1/s": "s-1",
    "mg/day": "mg day-1",
    "mmol/day": "mmol day-1",
    "y": "year",
}
_LABELS = {v: k for k, v in UDUNITS.items()}

#: Long names and units of coordinates and columns that recur across results, used where
#: a result does not set its own.
COMMON: dict[str, tuple[str, str | None]] = {
    "mg": ("extracellular Mg2+ concentration", "mM"),
    "mg_o": ("extracellular Mg2+ concentration", "mM"),
    "v": ("membrane potential", "mV"),
    "dt": ("spike timing, post minus pre", "ms"),
    "freq": ("presynaptic stimulation frequency", "Hz"),
    "hold": ("holding potential", "mV"),
    "time": ("time since the start of the run", None),
    "day": ("days since the start of the regimen", "day"),
    "session": ("day of the recall session", "day"),
    "visit": ("weeks since baseline", "week"),
    "mg_i_factor": ("intracellular Mg2+ relative to its normal value", "1"),
    "seed": ("root seed of the replica", "1"),
    "network_seed": ("root seed of the network", "1"),
    "sample": ("index of the parameter draw", "1"),
    "subject": ("index of the subject", "1"),
    "replicate": ("index of the trial replicate", "1"),
    "quantile": ("quantile", "1"),
    "rho_bin": ("efficacy bin centre", "1"),
    "population": ("neuron population", None),
    "salt": ("magnesium salt", None),
    "arm": ("study arm", None),
    "test": ("cognitive test", None),
    "variant": ("model variant", None),
    "scenario": ("scenario", None),
    "left_out": ("pathway left out", None),
    "night": ("night", None),
    "age": ("age group", None),
    "claim": ("claim identifier", None),
    "treated": ("subject received the treatment", None),
    "completer": ("subject completed the trial", None),
    "effect": ("treatment effect (ANCOVA coefficient)", None),
    "se": ("standard error of the treatment effect", None),
    "ci_low": ("lower bound of the 95 % confidence interval of the effect", None),
    "ci_high": ("upper bound of the 95 % confidence interval of the effect", None),
    "t": ("t statistic of the treatment effect", "1"),
    "df": ("degrees of freedom of the t statistic", "1"),
    "d_ci_low": ("lower bound of the 95 % confidence interval of Cohen's d", "1"),
    "d_ci_high": ("upper bound of the 95 % confidence interval of Cohen's d", "1"),
    "n_treated": ("number of treated subjects analysed", "1"),
    "n_control": ("number of control subjects analysed", "1"),
}

#: Padded spike trains: the sample dimension and its (time, index) variables.
_SPIKES = ("spike", "spike_t", "spike_i")
_LABEL_SUFFIX = "_label"


def encode(ds: xr.Dataset) -> tuple[xr.Dataset, dict[str, dict]]:
    """The CF form of a result and the NetCDF encoding to write it with.

    Parameters
    ----------
    ds : xarray.Dataset
        A result as the package builds it (it is not changed).

    Returns
    -------
    (xarray.Dataset, dict)
        The dataset to write and its per-variable encoding (character arrays for text).

    Examples
    --------
    >>> ds = xr.Dataset({"c": ("mg", [1.0, 2.0], {"units": "uM"})}, coords={"mg": [1.0, 2.0]})
    >>> cf, _ = encode(ds)
    >>> cf.attrs["Conventions"], cf.c.attrs["units"], cf.mg.attrs["long_name"]
    ('CF-1.10', 'umol L-1', 'extracellular Mg2+ concentration')
    >>> decode(cf).c.attrs["units"]
    'uM'
    """
    ds = _ragged(describe(ds.copy()))
    for var in ds.variables.values():
        units = var.attrs.get("units")
        if isinstance(units, str):
            var.attrs["units"] = UDUNITS.get(units, units)
    labels = [
        n for n, c in ds.coords.items() if c.dims == (n,) and c.dtype.kind in "UO"
    ]  # text coordinates become auxiliary coordinates of their dimension
    if labels:
        ds = ds.drop_indexes(labels).rename_vars({n: f"{n}{_LABEL_SUFFIX}" for n in labels})
    encoding = {}
    for name, var in ds.variables.items():
        if var.dtype.kind in "UO":
            encoding[name] = {"dtype": "S1", "char_dim_name": f"{name}_nchar"}
    ds.attrs["Conventions"] = CONVENTIONS
    return ds, encoding


def describe(ds: xr.Dataset) -> xr.Dataset:
    """Give the variables named in :data:`COMMON` their long name and unit where they
    have none (in place; returns ``ds``). :func:`magsynapse.results.annotate` calls it.

    >>> describe(xr.Dataset(coords={"seed": [1, 2]})).seed.attrs
    {'long_name': 'root seed of the replica', 'units': '1'}
    """
    for name, var in ds.variables.items():
        common = COMMON.get(str(name))
        if common is not None:
            var.attrs.setdefault("long_name", common[0])
            if common[1] is not None and var.dtype.kind in "fiu":
                var.attrs.setdefault("units", common[1])
    return ds


def decode(ds: xr.Dataset) -> xr.Dataset:
    """A result read from a file, in the form the package builds (see :func:`encode`).

    Files written before the CF encoding pass through unchanged.
    """
    labels = [
        n
        for n, c in ds.coords.items()
        if str(n).endswith(_LABEL_SUFFIX) and c.dims == (str(n)[: -len(_LABEL_SUFFIX)],)
    ]
    if labels:
        ds = ds.rename_vars({n: n[: -len(_LABEL_SUFFIX)] for n in labels})
        for n in labels:
            ds = ds.set_xindex(n[: -len(_LABEL_SUFFIX)])
    for var in ds.variables.values():
        units = var.attrs.get("units")
        if isinstance(units, str) and units in _LABELS:
            var.attrs["units"] = _LABELS[units]
    ds = _padded(ds)
    for key in ("Conventions", "featureType"):  # attributes of the file, not the result
        ds.attrs.pop(key, None)
    return ds


def _ragged(ds: xr.Dataset) -> xr.Dataset:
    """Padded spike trains as a contiguous ragged array (see the module's docstring)."""
    dim, t_name, i_name = _SPIKES
    if t_name not in ds or i_name not in ds:
        return ds
    t, i = ds[t_name], ds[i_name].transpose(*ds[t_name].dims)
    instance = [d for d in t.dims if d != dim]
    t = t.transpose(*instance, dim)
    i = i.transpose(*instance, dim)
    width = t.sizes[dim]
    times = t.values.reshape(-1, width)
    keep = ~np.isnan(times)
    count = keep.sum(axis=1)
    out = ds.drop_vars([t_name, i_name])
    out[t_name] = (dim, times[keep], t.attrs)
    out[i_name] = (dim, i.values.reshape(-1, width)[keep], i.attrs)
    out[i_name].attrs["long_name"] = "index of the neuron that spiked"
    out["spike_count"] = (
        "train",
        count.astype(np.int32),
        {
            "long_name": "number of spikes in each spike train",
            "units": "1",
            "sample_dimension": dim,
            "instance_dimensions": " ".join(map(str, instance)),
        },
    )
    out["train"] = (
        "train",
        np.arange(count.size, dtype=np.int32),
        {"long_name": "index of the spike train", "units": "1", "cf_role": "timeseries_id"},
    )
    out.attrs["featureType"] = "timeSeries"
    return out


def _padded(ds: xr.Dataset) -> xr.Dataset:
    """Contiguous ragged spike trains back to trains padded with NaN (times) and -1."""
    dim, t_name, i_name = _SPIKES
    if "spike_count" not in ds or ds.spike_count.attrs.get("sample_dimension") != dim:
        return ds
    instance = ds.spike_count.attrs.get("instance_dimensions", "").split()
    shape = tuple(ds.sizes[d] for d in instance)
    count = ds.spike_count.values.astype(np.int64)
    width = int(count.max()) if count.size else 0
    row = np.repeat(np.arange(count.size), count)
    col = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    times = np.full((count.size, width), np.nan)
    index = np.full((count.size, width), -1, dtype=ds[i_name].dtype)
    times[row, col] = ds[t_name].values
    index[row, col] = ds[i_name].values
    t_attrs, i_attrs = dict(ds[t_name].attrs), dict(ds[i_name].attrs)
    i_attrs["long_name"] = "neuron index (-1: padding)"
    out = ds.drop_vars([t_name, i_name, "spike_count", "train"], errors="ignore")
    out.attrs.pop("featureType", None)
    dims = (*instance, dim)
    out[t_name] = (dims, times.reshape(*shape, width), t_attrs)
    out[i_name] = (dims, index.reshape(*shape, width), i_attrs)
    return out
