"""From a PK result to the synapse layer's input: [Mg]o and [Mg]i on chosen days.

Synaptic protocols last seconds to minutes, over which brain Mg is constant; what changes
over days of supplementation is the level. :func:`synaptic_mg` reads the brain
interstitial [Mg]o (``mg_o``) and free intraneuronal [Mg]i (``mg_i``) of a PK result as
morning (trough) values and returns them labelled by day (and salt, sample): a conditions dataset
(:mod:`magsynapse.conditions`) for the ``conditions`` argument of any synapse protocol or
network simulation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..errors import MagsynapseError


def synaptic_mg(result: xr.Dataset, days: Sequence[float]) -> xr.Dataset:
    """``mg_o`` and ``mg_i`` (mM) at the start of each of ``days``.

    Day d is read at t = 24·d h, before that day's first dose (a trough, as a morning
    sample would be); day 0 is therefore the baseline. Times between outputs are
    interpolated linearly.

    Examples
    --------
    >>> from magsynapse.body import make_regimen, simulate
    >>> pk = simulate(make_regimen("threonate", dose="2g/day", days=3))
    >>> synaptic_mg(pk, [0, 3]).mg_o.dims
    ('day',)
    """
    for var in ("mg_o", "mg_i"):
        if var not in result:
            raise MagsynapseError(f"the result has no {var!r}: pass a magsynapse PK result")
    days_arr = np.atleast_1d(np.asarray(days, dtype=float))
    t_end = float(result.time[-1])
    if days_arr.size == 0 or np.any(days_arr < 0) or np.any(24.0 * days_arr > t_end + 1e-9):
        raise MagsynapseError(f"days: give days from 0 to {t_end / 24.0:g} (the result's end)")
    out = result[["mg_o", "mg_i"]].interp(time=24.0 * days_arr)
    out = out.rename({"time": "day"}).assign_coords(day=days_arr)
    out.day.attrs["units"] = "day"
    for var in ("mg_o", "mg_i"):
        out[var].attrs.update(units="mM", long_name=f"{var} at the start of the day")
    out.attrs = {k: v for k, v in result.attrs.items() if k != "title"}
    out.attrs["title"] = "synaptic [Mg] from " + result.attrs.get("title", "a PK result")
    return out
