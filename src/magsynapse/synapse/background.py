"""The calcium a synapse takes in from uncorrelated background activity.

Background activity is presynaptic spikes that no postsynaptic spike follows: each lets
in the NMDA calcium of one presynaptic spike at the resting potential (the spike's own
EPSP included), which is what the Mg²⁺ block acts on most strongly. Slutsky et al. (2004)
propose that neurons hold the time average of this calcium at a set point; the slow
layer's homeostat (:mod:`magsynapse.slow`) senses it through :class:`BackgroundCalcium`.

The entry is linear in the GluN2B share f (the gating is (1 − f)·fast + f·slow) and in
the presynaptic drive, so the object tabulates the entries at f = 0 and f = 1 over
[Mg]o once and interpolates them (log-log, 161 points from 0.01 to 20 mM).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..errors import MagsynapseError
from .calcium import CALCIUM_MODELS

#: [Mg]o grid of the table, mM.
MG_GRID = np.geomspace(0.01, 20.0, 161)


def entry_per_spike(
    mg: float,
    f_2b: float,
    *,
    calcium: str = "nmda_voltage",
    parameter_set: str = "DP",
    block_model: str = "jahr_stevens_1990",
) -> float:
    """Calcium entry of one presynaptic spike alone, at [Mg]o ``mg`` (mM) and GluN2B share
    ``f_2b``: the calcium model's ``background_entry`` — the time integral of the NMDA
    calcium influx (µM, ``nmda_voltage``), or τ_Ca × the presynaptic amplitude
    (``linear``, GB2012 units × ms).

    >>> e8, e12 = (entry_per_spike(m, 0.5) for m in (0.8, 1.2))
    >>> 0.6 < e12 / e8 < 0.75
    True
    """
    return CALCIUM_MODELS[calcium].background_entry(
        mg, f_2b, parameter_set=parameter_set, block_model=block_model
    )


@nb.njit(cache=True)
def _entry(mg, f_2b, drive, lo, hi, log_mg, log_fast, log_slow):  # pragma: no cover
    """((1 − f)·fast + f·slow)·drive, the entries interpolated log-log over [Mg]o;
    ``ok`` is False when an [Mg]o lies below ``lo`` or above ``hi`` (mM)."""
    n = mg.shape[0]
    out = np.empty(n)
    for i in range(n):
        if mg[i] < lo or mg[i] > hi:
            return out, False
    x = np.log(mg)
    fast = np.exp(np.interp(x, log_mg, log_fast))
    slow = np.exp(np.interp(x, log_mg, log_slow))
    for i in range(n):
        out[i] = ((1.0 - f_2b[i]) * fast[i] + f_2b[i] * slow[i]) * drive[i]
    return out, True


class BackgroundCalcium:
    """``calcium(mg_o, f_2b, drive)``: background calcium entry per presynaptic spike.

    Parameters
    ----------
    calcium : str
        Calcium model (:data:`~magsynapse.synapse.calcium.CALCIUM_MODELS`).
    parameter_set : str
        Bistable set of the linear model's amplitudes.
    block_model : str
        Mg²⁺ block model.

    Examples
    --------
    >>> bg = BackgroundCalcium()
    >>> ratio = bg(np.array([1.2]), np.array([0.5]), np.array([1.0])) / bg(
    ...     np.array([0.8]), np.array([0.5]), np.array([1.0]))
    >>> bool(abs(ratio[0] - entry_per_spike(1.2, 0.5) / entry_per_spike(0.8, 0.5)) < 1e-4)
    True
    """

    def __init__(
        self,
        calcium: str = "nmda_voltage",
        parameter_set: str = "DP",
        block_model: str = "jahr_stevens_1990",
    ) -> None:
        self.calcium, self.parameter_set, self.block_model = calcium, parameter_set, block_model
        kw = {"calcium": calcium, "parameter_set": parameter_set, "block_model": block_model}
        self._log_mg = np.log(MG_GRID)
        self._log_fast = np.log([entry_per_spike(m, 0.0, **kw) for m in MG_GRID])
        self._log_slow = np.log([entry_per_spike(m, 1.0, **kw) for m in MG_GRID])

    def __call__(self, mg_o, f_2b, drive) -> np.ndarray:
        args = [np.asarray(a, dtype=float) for a in (mg_o, f_2b, drive)]
        shape = args[0].shape
        if any(a.shape != shape or a.ndim != 1 for a in args):  # else: one row already
            shape = np.broadcast_shapes(*(a.shape for a in args))
            args = [np.ascontiguousarray(np.broadcast_to(a, shape)).ravel() for a in args]
        out, ok = _entry(
            *args,
            MG_GRID[0],
            MG_GRID[-1],
            self._log_mg,
            self._log_fast,
            self._log_slow,
        )
        if not ok:
            raise MagsynapseError(
                f"mg_o: background calcium is tabulated for {MG_GRID[0]:g}-{MG_GRID[-1]:g} mM"
            )
        return out.reshape(shape)

    def __repr__(self) -> str:
        return f"BackgroundCalcium({self.calcium!r}, {self.parameter_set!r}, {self.block_model!r})"
