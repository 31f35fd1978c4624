"""Shouval, Bear & Cooper (2002): the calcium control rule dW/dt = η(Ca)·(Ω(Ca) − λW).

Ω(Ca) = 0.25 + sig(Ca − α2, β2) − 0.25·sig(Ca − α1, β1), sig(x, β) = 1/(1 + e^(−βx)), and
η(Ca) = 1/(P1/(P2 + Ca^P3) + P4) (1/s), Ca in µM. Integrated alongside the stepped calcium:
over a step at the midpoint calcium the weight relaxes exactly towards Ω (λ = 1).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from ..kernels import STEP_SIGNATURE
from ..params import OMEGA_ETA
from .base import RULES, Rule

_KEYS = ("w0", "alpha1", "alpha2", "beta1", "beta2", "p1", "p2", "p3", "p4")


def _sig(x: np.ndarray, beta: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-beta * x))


def omega(ca: np.typing.ArrayLike, params=OMEGA_ETA) -> np.ndarray:
    """Ω(Ca) = 0.25 + sig(Ca − α2, β2) − 0.25·sig(Ca − α1, β1); Ca in µM.

    Examples
    --------
    >>> round(float(omega(0.55)), 6)
    0.5
    """
    c = np.asarray(ca, dtype=float)
    p = params
    return 0.25 + _sig(c - p["alpha2"], p["beta2"]) - 0.25 * _sig(c - p["alpha1"], p["beta1"])


def eta(ca: np.typing.ArrayLike, params=OMEGA_ETA) -> np.ndarray:
    """Learning rate η(Ca) = 1/(P1/(P2 + Ca^P3) + P4) in 1/s; Ca in µM.

    Examples
    --------
    >>> round(1 / float(eta(0.0)) / 3600, 2)  # time constant at rest, hours
    2.78
    """
    c = np.maximum(np.asarray(ca, dtype=float), 0.0)
    p = params
    return 1.0 / (p["p1"] / (p["p2"] + c ** p["p3"]) + p["p4"])


@nb.cfunc(STEP_SIGNATURE, cache=True)
def _step(w, ca, h, p):  # pragma: no cover - compiled
    """Exact relaxation of W towards Ω(ca) over h ms (λ = 1; η from 1/s to 1/ms)."""
    s2 = 1.0 / (1.0 + math.exp(-p[4] * (ca - p[2])))
    s1 = 1.0 / (1.0 + math.exp(-p[3] * (ca - p[1])))
    om = 0.25 + s2 - 0.25 * s1
    cpos = ca if ca > 0.0 else 0.0
    rate = 1.0 / (p[5] / (p[6] + cpos ** p[7]) + p[8]) / 1000.0
    return om + (w - om) * math.exp(-rate * h)


class OmegaEta(Rule):
    """The Shouval 2002 rule with its one parameter set :data:`OMEGA_ETA`.

    Examples
    --------
    >>> RULES["omega_eta"].methods
    ('analytic',)
    """

    name = "omega_eta"
    description = "Shouval, Bear & Cooper 2002 calcium control rule"
    references = frozenset({"shouval_2002"})
    methods = ("analytic",)
    step = _step

    def parameter_sets(self, calcium):
        return [OMEGA_ETA]

    def step_parameters(self, prep):
        row = np.array([OMEGA_ETA[k] for k in _KEYS])
        return np.tile(row, (prep.n_conditions, 1))

    def evaluate(self, prep, *, method, reps, seed, progress):
        w = prep.data["w_final"]
        return {"w_final": w, "change": w / OMEGA_ETA["w0"]}


RULES.register("omega_eta", OmegaEta())
