"""The slow layer's step loop, compiled: every step of a run in one call.

:func:`.integrate.integrate` runs its steps here when every active pathway is a built-in
one (:data:`.pathways.PATHWAYS`) and the calcium function is a :class:`TabulatedCalcium`;
otherwise it calls each pathway's ``step`` from Python. Both run the same compiled
pathway updates (:mod:`.pathways`) in the same order, so they give the same numbers
(tested); this loop only saves the Python call overhead of each step.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..errors import MagsynapseError
from .pathways import (
    _SYNAPTIC_SHARE,
    _density,
    _energy,
    _excitotoxicity,
    _homeostasis,
    _sleep,
)


@nb.njit(cache=True)
def _table_entry(mg, f_2b, drive, lo, hi, log_mg, log_fast, log_slow):  # pragma: no cover
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


class TabulatedCalcium:
    """A calcium function ``calcium(mg_o, f_2b, drive)`` given as tables: the entry at
    f_2b = 0 and at f_2b = 1 over a [Mg]o grid, interpolated log-log, linear in f_2b and
    in the drive. The slow layer's compiled loop runs with any such function.

    Parameters
    ----------
    mg_grid : numpy.ndarray
        Increasing [Mg]o values (mM); outside them the function refuses.
    fast, slow : numpy.ndarray
        The entries (> 0) at each grid value with f_2b = 0 and f_2b = 1.

    Examples
    --------
    >>> grid = np.geomspace(0.1, 10.0, 5)
    >>> ca = TabulatedCalcium(grid, 1.0 / grid, 2.0 / grid)
    >>> ca(np.array([1.0]), np.array([0.5]), np.array([1.0])).round(6).tolist()
    [1.5]
    """

    def __init__(self, mg_grid: np.ndarray, fast: np.ndarray, slow: np.ndarray) -> None:
        grid = np.asarray(mg_grid, dtype=float)
        fast, slow = np.asarray(fast, dtype=float), np.asarray(slow, dtype=float)
        if grid.ndim != 1 or grid.size < 2 or np.any(np.diff(grid) <= 0) or grid[0] <= 0:
            raise MagsynapseError("calcium table: the [Mg]o grid must be increasing and > 0")
        if fast.shape != grid.shape or slow.shape != grid.shape:
            raise MagsynapseError("calcium table: one entry per grid value at f = 0 and f = 1")
        if np.any(~(fast > 0)) or np.any(~(slow > 0)):
            raise MagsynapseError("calcium table: the entries must be > 0")
        self.mg_grid = grid
        self.tables = (float(grid[0]), float(grid[-1]), np.log(grid), np.log(fast), np.log(slow))

    def __call__(self, mg_o, f_2b, drive) -> np.ndarray:
        args = [np.asarray(a, dtype=float) for a in (mg_o, f_2b, drive)]
        shape = args[0].shape
        if any(a.shape != shape or a.ndim != 1 for a in args):  # else: one row already
            shape = np.broadcast_shapes(*(a.shape for a in args))
            args = [np.ascontiguousarray(np.broadcast_to(a, shape)).ravel() for a in args]
        out, ok = _table_entry(*args, *self.tables)
        if not ok:
            raise MagsynapseError(
                f"mg_o: background calcium is tabulated for {self.mg_grid[0]:g}-"
                f"{self.mg_grid[-1]:g} mM"
            )
        return out.reshape(shape)


#: Rows of the state array of :func:`run_steps`.
STATE_ROWS = (
    "f_2b",
    "synapse_density",
    "release_probability",
    "atp",
    "excitotoxic_load",
    "sleep_pressure",
    "synaptic_strength",
    "calcium",
    "atp_supplied",
    "atp_used",
    "slow_wave",
    "night_swa",
)
#: Rows of the parameter array of :func:`run_steps`.
PARAM_ROWS = (
    "release_probability0",
    "k_mgatp",
    "mg_i_ref",
    "tau_atp",
    "tau_up",
    "tau_down",
    "gain",
    "loop_slope",
    "tau_density",
    "density_mg",
    "f_2b_ref",
    "density_2b",
    "release_compensation",
    "theta_load",
    "tau_load",
    "tau_loss",
    "mg_o_ref",
    "mg_sleep",
    "tau_wake",
    "tau_sleep",
    "potentiation",
    "downscaling_rate",
    "night_integral",
    "calcium_set",
    "wake_hours",
)
(F2B, DEN, REL, ATP, LOAD, SP, SS, CA, SUP, USED, SWA, NIGHT) = range(len(STATE_ROWS))
(
    P0,
    KMG,
    MGI_REF,
    TAU_ATP,
    TAU_UP,
    TAU_DOWN,
    GAIN,
    SLOPE,
    TAU_DEN,
    DEN_MG,
    F2B_REF,
    DEN_2B,
    KAPPA,
    THETA,
    TAU_LOAD,
    TAU_LOSS,
    MGO_REF,
    MG_SLEEP,
    TAU_WAKE,
    TAU_SLEEP,
    POT,
    DOWN,
    NIGHT_INT,
    CA_SET,
    WAKE_H,
) = range(len(PARAM_ROWS))


@nb.njit(cache=True)
def run_steps(s, p, mg_o, mg_i, n_steps, h, active, tables, out, every):  # pragma: no cover
    """Advance the state ``s`` (rows :data:`STATE_ROWS`, columns samples) by ``n_steps``
    steps of ``h`` hours in place, the drivers of step k being row ``k % (len − 1)`` of
    ``mg_o``/``mg_i`` (so a one-day grid repeats), and its next row the calcium's [Mg]o.

    ``active`` flags energy, homeostasis, density, excitotoxicity and sleep; ``tables``
    are a :class:`TabulatedCalcium`'s. With ``every`` > 0, the states after each
    ``every`` steps go into ``out[j]`` (j ≥ 1). Returns False when an [Mg]o leaves the
    calcium table.
    """
    lo, hi, log_mg, log_fast, log_slow = tables
    n = s.shape[1]
    period = mg_o.shape[0] - 1
    ones = np.ones(n)
    asleep = np.empty(n, dtype=np.bool_)
    j = 1
    for k in range(n_steps):
        row = k % period
        mo, mi = mg_o[row], mg_i[row]
        for i in range(n):
            asleep[i] = (row * h) % 24.0 >= p[WAKE_H, i] - 1e-9
        rate = s[ATP].copy() if active[0] else ones  # every pathway sees the step's start
        if active[0]:
            a, sup, use = _energy(
                s[ATP],
                s[SUP],
                s[USED],
                mi,
                s[DEN],
                s[REL],
                p[P0],
                p[KMG],
                p[MGI_REF],
                p[TAU_ATP],
                _SYNAPTIC_SHARE,
                h,
            )
            s[ATP], s[SUP], s[USED] = a, sup, use
        if active[1]:
            s[F2B] = _homeostasis(s[F2B], s[CA], rate, p[TAU_UP], p[TAU_DOWN], p[GAIN], p[SLOPE], h)
        if active[2]:
            d, r = _density(
                s[DEN],
                s[REL],
                s[F2B],
                mi,
                rate,
                p[TAU_DEN],
                p[MGI_REF],
                p[DEN_MG],
                p[F2B_REF],
                p[DEN_2B],
                p[P0],
                p[KAPPA],
                h,
            )
            s[DEN], s[REL] = d, r
        if active[3]:
            load, d = _excitotoxicity(s[LOAD], s[DEN], s[CA], p[THETA], p[TAU_LOAD], p[TAU_LOSS], h)
            s[LOAD], s[DEN] = load, d
        if active[4]:
            sp, ss, night, swa = _sleep(
                s[SP],
                s[SS],
                s[NIGHT],
                s[SWA],
                asleep,
                mo,
                p[MGO_REF],
                p[MG_SLEEP],
                p[TAU_WAKE],
                p[TAU_SLEEP],
                p[POT],
                p[DOWN],
                p[NIGHT_INT],
                h,
            )
            s[SP], s[SS], s[NIGHT], s[SWA] = sp, ss, night, swa
        drive = s[DEN] * s[REL] / p[P0]
        ca, ok = _table_entry(mg_o[row + 1], s[F2B], drive, lo, hi, log_mg, log_fast, log_slow)
        if not ok:
            return False
        s[CA] = ca / p[CA_SET]
        if every > 0 and (k + 1) % every == 0:
            out[j] = s
            j += 1
    return True
