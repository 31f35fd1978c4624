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

import numpy as np

from ..slow.compiled import TabulatedCalcium
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


class BackgroundCalcium(TabulatedCalcium):
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
        super().__init__(
            MG_GRID,
            np.array([entry_per_spike(m, 0.0, **kw) for m in MG_GRID]),
            np.array([entry_per_spike(m, 1.0, **kw) for m in MG_GRID]),
        )

    def __repr__(self) -> str:
        return f"BackgroundCalcium({self.calcium!r}, {self.parameter_set!r}, {self.block_model!r})"
