"""Signal-to-noise of synaptic calcium (Slutsky et al. 2004) versus [Mg]o."""

from __future__ import annotations

from typing import Any

import xarray as xr

from ..receptors import get_block_model
from ..results import annotate
from .calcium import CALCIUM_MODELS
from .protocols import _values


def snr(
    mg: Any,
    *,
    dt: float = 10.0,
    calcium: str = "nmda_voltage",
    block_model: str = "jahr_stevens_1990",
    parameter_set: str = "DP",
    step: float = 0.1,
) -> xr.Dataset:
    """Signal-to-noise of synaptic calcium (Slutsky et al. 2004) versus [Mg]o.

    ``snr`` = calcium entry from correlated activity (a presynaptic spike followed by a
    postsynaptic spike after ``dt`` ms) divided by entry from uncorrelated activity (the
    presynaptic spike alone, at rest). With ``nmda_voltage`` calcium the entry is the
    time integral of the NMDA calcium influx; with ``linear`` calcium it is τ_Ca times the
    sum of the calcium amplitudes.

    Parameters
    ----------
    mg : float or array_like
        [Mg]o values, mM.
    dt : float
        Lag of the postsynaptic spike, ms.
    calcium : str
        Calcium model (``nmda_voltage`` or ``linear``).
    block_model : str
        Mg²⁺ block model.
    parameter_set : str
        Bistable set giving the linear calcium's amplitudes.
    step : float
        Time step of the stepped calcium, ms.

    Examples
    --------
    >>> s = snr([0.8, 1.2])
    >>> bool(s.snr.sel(mg=1.2) > s.snr.sel(mg=0.8))
    True
    """
    model = CALCIUM_MODELS[calcium]
    mg_arr = _values("mg", mg, unit="mM", nonnegative=True)
    lag = float(_values("dt", dt, unit="ms")[0])
    corr, uncorr, used = model.signal_entries(
        mg_arr, lag, parameter_set=parameter_set, block_model=block_model, step=step
    )
    unit = "uM" if model.has_influx else "1 ms (GB2012 units)"
    out = xr.Dataset(
        {
            "snr": ("mg", corr / uncorr),
            "entry_correlated": ("mg", corr),
            "entry_uncorrelated": ("mg", uncorr),
        },
        coords={"mg": mg_arr},
    )
    out.snr.attrs.update(units="1", long_name="correlated / uncorrelated calcium entry")
    out.entry_correlated.attrs.update(units=unit, long_name="calcium entry, pre then post")
    out.entry_uncorrelated.attrs.update(units=unit, long_name="calcium entry, pre alone")
    out.mg.attrs["units"] = "mM"
    used.append(get_block_model(block_model).params)
    return annotate(
        out,
        title="synaptic calcium signal-to-noise versus [Mg]o",
        config={"protocol": "snr", "dt_ms": lag, "calcium": calcium, "block_model": block_model},
        parameter_sets=used,
        references={"slutsky_2004"},
        seed=None,
    )
