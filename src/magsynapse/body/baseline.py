"""The diet-only periodic steady state every simulation starts from.

:func:`baseline` finds the states at t = 0 (just before breakfast) that one day of meals
maps back onto themselves: Newton's method (chord steps, the Jacobian rebuilt when they
slow) on y ↦ Φ(y) − y, with Φ the one-day map integrated by a solver of :mod:`.solvers`.
The equations are in :mod:`.equations`.
"""

from __future__ import annotations

import numpy as np

from ..errors import MagsynapseRunError
from .equations import CUMULATIVE, IDX, MG_POOLS, N_STATES, THREONATE, Rates
from .regimen import Regimen
from .schedule import schedule
from .solvers import DEFAULT_SOLVER, get_solver

#: States that count from t = 0 (cumulative entries and exits) and threonate, which the
#: diet does not contain: zero in the baseline.
_RESET = (*CUMULATIVE, *THREONATE)


def _initial_guess(r: Rates) -> np.ndarray:
    n = len(r.weight)
    y = np.zeros((n, N_STATES))
    c_ion = r.f_ion * r.serum_ref
    y[:, IDX["plasma"]] = r.serum_ref * r.v_plasma
    y[:, IDX["fast"]] = r.fast_pool
    y[:, IDX["slow"]] = r.slow_pool
    c_csf = r.vmax_csf * c_ion / (r.km_csf + c_ion) / r.k_eff / r.v_csf
    y[:, IDX["csf"]] = c_csf * r.v_csf
    y[:, IDX["isf"]] = c_csf * r.v_isf
    y[:, IDX["neuron"]] = (r.p_n * c_csf / r.k_out) * (1.0 + r.buffer)
    y[:, IDX["gut_1"]] = r.diet_mg / r.meals_per_day / 2.0
    return y


def baseline(
    r: Rates,
    p: dict[str, np.ndarray],
    tol: float = 1e-6,
    max_iter: int = 30,
    *,
    solver: str = DEFAULT_SOLVER,
) -> np.ndarray:
    """Periodic steady state under the diet alone (t = 0 is just before breakfast).

    Newton's method on y ↦ Φ(y) − y, where Φ is one day of meals; the Jacobian is built
    blockwise per sample by finite differences over the Mg pools, and kept (chord steps)
    while each step shrinks the residual at least fourfold.

    Parameters
    ----------
    r : Rates
        Rate constants from :func:`~magsynapse.body.equations.derive`.
    p : dict of str to numpy.ndarray
        The parameter arrays ``r`` was derived from.
    tol : float
        Convergence: largest relative change of a pool over the day.
    max_iter : int
        Newton iterations before giving up.
    solver : str
        The solver of the one-day map (see :data:`~magsynapse.body.solvers.SOLVERS`).

    Returns
    -------
    numpy.ndarray
        States (n_samples, N_STATES), with the cumulative states and threonate at zero.

    Examples
    --------
    >>> from magsynapse.body import pk_parameters
    >>> from magsynapse.body.equations import derive
    >>> from magsynapse.body.priors import parameter_arrays
    >>> p = parameter_arrays(pk_parameters("human"))
    >>> y0 = baseline(derive(p), p)
    >>> 0.75 < float(y0[0, IDX["plasma"]] / p["v_plasma"][0]) < 0.95  # serum Mg, mM
    True
    """
    method = get_solver(solver)
    day = schedule(Regimen(None, 0.0, "daily", 1.0), p)
    t_day = np.array([24.0])

    def day_map(y: np.ndarray) -> np.ndarray:
        return method.solve(y, day, r, t_day)[0]

    y = _initial_guess(r)
    pools = [IDX[k] for k in MG_POOLS]
    n = y.shape[0]
    # each sample stops at its own convergence and is then left alone, so that its
    # baseline does not depend on the other samples of the batch (dp5 steps each alone)
    done = np.zeros(n, dtype=bool)
    jac, last = None, np.inf
    for _ in range(max_iter):
        phi = day_map(y)
        res = (phi - y)[:, pools]
        scale = np.maximum(np.abs(y[:, pools]), 1e-6)
        err = np.max(np.abs(res) / scale, axis=1)
        done |= err < tol
        if done.all():
            break
        # chord steps: the Jacobian is rebuilt only when a step shrank the residual by
        # less than a factor 4 (the day map is nearly linear in the pools)
        worst = float(np.max(err[~done]))
        if jac is None or worst > last / 4.0:
            jac = np.empty((n, len(pools), len(pools)))
            for j, k in enumerate(pools):
                h = 1e-4 * np.maximum(np.abs(y[:, k]), 1e-2)
                yp = y.copy()
                yp[:, k] += h
                jac[:, :, j] = ((day_map(yp) - phi)[:, pools] - (yp - y)[:, pools]) / h[:, None]
            jac[done] = np.eye(len(pools))  # converged samples: no step
        last = worst
        step = np.linalg.solve(jac, -res[:, :, None])[:, :, 0]
        step[done] = 0.0
        y[:, pools] += step
    else:  # pragma: no cover - converges in a few iterations
        raise MagsynapseRunError("PK baseline did not converge")
    y = y.copy()
    for k in _RESET:
        y[:, IDX[k]] = 0.0
    return y
