"""Solvers of the PK equations over a dosing schedule, chosen by name.

Every solver integrates :func:`~magsynapse.body.equations.rhs` over the event-free
segments of a :class:`~magsynapse.body.schedule.Schedule` (boluses are added at segment
starts) and returns the states at the requested output times. They are registered in
:data:`SOLVERS` and picked by name (``solver=`` of :func:`integrate`,
:func:`magsynapse.body.simulate` and the functions built on it):

* ``"dp5"`` (the default, :data:`DEFAULT_SOLVER`): adaptive Dormand–Prince 5(4), each
  sample advanced independently with its own steps in one compiled, parallel call (the
  system is only mildly stiff). A sample's trajectory does not depend on the batch.
* ``"lsoda"``: scipy's LSODA (stiff-capable, automatic switching); the samples of a batch
  are integrated together as one banded system, so their error control is shared.

Both use the relative and absolute tolerances :data:`RTOL` and :data:`ATOL` and agree to
about 1e-6 relative; against a reference run at rtol 1e-12, either is within 1e-6, and
``dp5`` is the faster by an order of magnitude.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from scipy.integrate import solve_ivp

from ..errors import MagsynapseError, MagsynapseRunError
from ..interrupt import in_own_thread
from ..provenance import Registry
from .equations import DO, FLUXES, GU, N_STATES, SU, TG, Rates, _deriv_one, _rhs_kernel
from .regimen import Regimen
from .schedule import Schedule, schedule

RTOL = 1e-7
ATOL = 1e-10


@dataclass(frozen=True)
class Solver:
    """A named method that integrates the PK equations over a :class:`Schedule`."""

    name: str
    description: str
    rtol: float = RTOL
    atol: float = ATOL

    def solve(self, y0: np.ndarray, sch: Schedule, r: Rates, t_out: np.ndarray) -> np.ndarray:
        """States at ``t_out`` (h) from ``y0`` (n, N_STATES); shape (len(t_out), n, N).

        States at an event time are those just after the event.
        """
        raise NotImplementedError  # pragma: no cover - every registered solver overrides


# --------------------------------------------------------------------------- LSODA
def _lsoda_segment(
    y0: np.ndarray,
    t0: float,
    t1: float,
    r: Rates,
    iv_rate: np.ndarray,
    clamp: bool,
    t_eval: np.ndarray | None,
    rtol: float,
    atol: float,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Integrate one event-free interval; states at ``t_eval`` and at ``t1``."""
    n = y0.shape[0]
    m = r.matrix
    iv = np.asarray(iv_rate, dtype=float)

    def f(_t, yflat):
        return _rhs_kernel(yflat.reshape(n, N_STATES), m, iv, clamp).ravel()

    times = np.append(t_eval, t1) if t_eval is not None else np.array([t1])
    sol = solve_ivp(
        f,
        (t0, t1),
        y0.ravel(),
        method="LSODA",
        rtol=rtol,
        atol=atol,
        t_eval=times,
        lband=N_STATES - 1,
        uband=N_STATES - 1,
    )
    if not sol.success:  # pragma: no cover - the system is well posed
        raise MagsynapseRunError(f"PK integration failed: {sol.message}")
    ys = sol.y.T.reshape(len(sol.t), n, N_STATES)
    return ys[-1], (ys[:-1] if t_eval is not None else None)


@dataclass(frozen=True)
class LSODA(Solver):
    """scipy's LSODA on every event-free segment, the batch as one banded system."""

    def solve(self, y0: np.ndarray, sch: Schedule, r: Rates, t_out: np.ndarray) -> np.ndarray:
        y = sch.start(y0)
        n = y.shape[0]
        out = np.empty((len(t_out), n, N_STATES))
        filled = np.zeros(len(t_out), bool)
        for k, (a, b) in enumerate(zip(sch.grid[:-1], sch.grid[1:], strict=True)):
            sch.add_bolus(y, k)
            mask = (t_out >= a) & (t_out < b) & ~filled
            y_end, ys = _lsoda_segment(
                y,
                a,
                b,
                r,
                sch.iv[k],
                bool(sch.clamp[k]),
                t_out[mask] if mask.any() else None,
                self.rtol,
                self.atol,
            )
            if ys is not None:
                out[mask] = ys
                filled |= mask
            y = y_end
        out[~filled] = y
        return out


# --------------------------------------------------------------------------- Dormand–Prince
_A = np.zeros((7, 7))
_A[1, :1] = [1 / 5]
_A[2, :2] = [3 / 40, 9 / 40]
_A[3, :3] = [44 / 45, -56 / 15, 32 / 9]
_A[4, :4] = [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729]
_A[5, :5] = [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]
_A[6, :6] = [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]
_E = np.array([71 / 57600, 0.0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40])


@numba.njit(cache=True)
def _dp5_to(y, t, t_end, h, q, iv, clamp, rtol, atol, k, f, tmp):  # pragma: no cover
    """Advance one sample from t to t_end with adaptive Dormand–Prince 5(4)."""
    n_st = y.shape[0]
    _deriv_one(y, q, iv, clamp, f, k[0])
    while t < t_end:
        if t + h > t_end:
            h = t_end - t
        for s in range(1, 7):
            for j in range(n_st):
                acc = y[j]
                for r in range(s):
                    acc += h * _A[s, r] * k[r, j]
                tmp[j] = acc
            _deriv_one(tmp, q, iv, clamp, f, k[s])
        err = 0.0
        for j in range(n_st):
            e = 0.0
            for r in range(7):
                e += _E[r] * k[r, j]
            sc = atol + rtol * max(abs(y[j]), abs(tmp[j]))
            err += (h * e / sc) ** 2
        err = (err / n_st) ** 0.5
        if err <= 1.0:
            t += h
            for j in range(n_st):
                y[j] = tmp[j]  # stage 7 is the 5th-order solution (FSAL)
                k[0, j] = k[6, j]
        factor = 0.9 * err**-0.2 if err > 0 else 5.0
        h *= min(5.0, max(0.2, factor))
    return h


@numba.njit(parallel=True, cache=True)
def _dp5_segments(y_all, h_all, m, grid, bolus, iv, clamp, t_out, o0, s0, s1, rtol, atol, out):
    """Advance every sample through schedule segments [s0, s1): the states ``y_all`` and
    step sizes ``h_all`` in place, the outputs from index ``o0`` into ``out``."""
    n = y_all.shape[0]
    n_st = y_all.shape[1]
    n_out = t_out.shape[0]
    for i in numba.prange(n):
        y = y_all[i]
        k = np.empty((7, n_st))
        f = np.empty(len(FLUXES))
        tmp = np.empty(n_st)
        h = h_all[i]
        o = o0
        for s in range(s0, s1):
            a = grid[s]
            b = grid[s + 1]
            y[0] += bolus[s, i, 0]
            y[GU] += bolus[s, i, 1]
            y[DO] += bolus[s, i, 0] + bolus[s, i, 1]
            y[SU] += bolus[s, i, 2]
            y[TG] += bolus[s, i, 3]
            t = a
            while o < n_out and t_out[o] < b:
                if t_out[o] > t:
                    h = _dp5_to(y, t, t_out[o], h, m[i], iv[s, i], clamp[s], rtol, atol, k, f, tmp)
                    t = t_out[o]
                out[o, i] = y
                o += 1
            if b > t:
                h = _dp5_to(y, t, b, h, m[i], iv[s, i], clamp[s], rtol, atol, k, f, tmp)
        h_all[i] = h


#: Sample-segments advanced per compiled call (about 0.1 s of work on one core), so that
#: Ctrl-C, which Python handles between calls, stops a long regimen at once.
CHUNK_WORK = 2000


@dataclass(frozen=True)
class DormandPrince(Solver):
    """Adaptive Dormand–Prince 5(4), every sample on its own steps, compiled and parallel."""

    def solve(self, y0: np.ndarray, sch: Schedule, r: Rates, t_out: np.ndarray) -> np.ndarray:
        y = np.array(sch.start(y0), dtype=float, order="C")
        n, n_st = y.shape
        t_out = np.ascontiguousarray(t_out, dtype=float)
        out = np.empty((len(t_out), n, n_st))
        h = np.full(n, 0.01)
        n_seg = len(sch.grid) - 1
        per_call = max(1, CHUNK_WORK // max(n, 1))
        o = 0
        for s0 in range(0, n_seg, per_call):
            s1 = min(n_seg, s0 + per_call)
            # in a thread of its own, whose OpenMP team ends with it (magsynapse.interrupt)
            in_own_thread(
                _dp5_segments, y, h, r.matrix, sch.grid, sch.bolus, sch.iv, sch.clamp, t_out,
                o, s0, s1, self.rtol, self.atol, out,
            )  # fmt: skip
            o = int(np.searchsorted(t_out, sch.grid[s1], side="left"))
        out[o:] = y[None]
        return out


# --------------------------------------------------------------------------- registry
#: The PK solvers by name.
SOLVERS: Registry[Solver] = Registry("PK solver")
for _solver in (
    DormandPrince("dp5", "adaptive Dormand-Prince 5(4), each sample on its own steps"),
    LSODA("lsoda", "scipy LSODA, the batch as one banded system"),
):
    SOLVERS.register(_solver.name, _solver)
#: The solver used when none is named, for one sample and for many.
DEFAULT_SOLVER = "dp5"


def get_solver(name: str) -> Solver:
    """The registered solver called ``name``.

    Raises
    ------
    MagsynapseError
        If no solver has that name (the message lists the accepted names).

    Examples
    --------
    >>> get_solver("lsoda").rtol == RTOL
    True
    >>> get_solver("euler")
    Traceback (most recent call last):
    ...
    magsynapse.errors.MagsynapseError: solver: unknown 'euler'; accepted: dp5, lsoda
    """
    if not isinstance(name, str) or name not in SOLVERS:
        raise MagsynapseError(f"solver: unknown {name!r}; accepted: {', '.join(SOLVERS.names())}")
    return SOLVERS[name]


def integrate(
    y0: np.ndarray,
    regimen: Regimen,
    r: Rates,
    p: dict[str, np.ndarray],
    t_out: np.ndarray,
    diet: bool = True,
    *,
    solver: str = DEFAULT_SOLVER,
) -> np.ndarray:
    """States at ``t_out`` (h) under ``regimen`` from ``y0``.

    Parameters
    ----------
    y0 : numpy.ndarray
        Initial states, shape (n_samples, N_STATES) (e.g. from
        :func:`~magsynapse.body.baseline.baseline`).
    regimen : Regimen
        The doses, meals, infusions and clamp.
    r : Rates
        Rate constants from :func:`~magsynapse.body.equations.derive`.
    p : dict of str to numpy.ndarray
        The parameter arrays ``r`` was derived from.
    t_out : numpy.ndarray
        Output times (h), increasing.
    diet : bool
        Include the meals' Mg.
    solver : str
        A name in :data:`SOLVERS` (default :data:`DEFAULT_SOLVER`).

    Returns
    -------
    numpy.ndarray
        Shape (len(t_out), n_samples, N_STATES); states at an event time are those just
        after the event.

    Examples
    --------
    >>> from magsynapse.body import make_regimen, pk_parameters
    >>> from magsynapse.body.baseline import baseline
    >>> from magsynapse.body.equations import IDX, derive
    >>> from magsynapse.body.priors import parameter_arrays
    >>> p = parameter_arrays(pk_parameters("human"))
    >>> r = derive(p)
    >>> y0 = baseline(r, p)
    >>> reg = make_regimen("citrate", dose_elemental="300mg", schedule="once", days=1)
    >>> t = np.array([0.0, 24.0])
    >>> a, b = (integrate(y0, reg, r, p, t, solver=s) for s in ("dp5", "lsoda"))
    >>> bool(np.allclose(a, b, rtol=1e-5, atol=1e-9)), a.shape == (2, 1, len(IDX))
    (True, True)
    """
    method = get_solver(solver)
    return method.solve(y0, schedule(regimen, p, diet), r, np.asarray(t_out, dtype=float))
