"""A calcium-based BCM rule (Bienenstock, Cooper & Munro 1982, in the calcium form of
Shouval, Bear & Cooper 2002), the simplest member of the family.

    dw/dt = η·φ(c)·(1 − w)   when φ(c) ≥ 0,      dw/dt = η·φ(c)·w   when φ(c) < 0,
    φ(c) = c·(c − θ_M),

with a fixed modification threshold θ_M (no sliding average: this is the "simple" BCM
rule) and soft bounds that keep w in [0, 1]. Calcium below θ_M depresses, above it
potentiates, quadratically in c. Both integrations are exact: at constant calcium over a
step (the stepped calcium of protocols), and over a stretch of calcium decaying as
c0·e^(−t/τ_Ca), where ∫φ dt has a closed form and φ changes sign once, at
t* = τ_Ca·ln(c0/θ_M) (the event-driven network engine).

The whole rule — parameters, compiled step and advance, readout, registration — is this
one module.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from ...provenance import Param, ParameterSet
from ..kernels import ADVANCE_SIGNATURE, STEP_SIGNATURE
from .base import RULES, NetworkRule, Rule


def _set(name: str, theta: float, eta: float, unit: str, note: str) -> ParameterSet:
    return ParameterSet(
        name,
        "bcm",
        {
            "theta_m": Param(theta, unit, "magsynapse_choice", note),
            "eta": Param(
                eta,
                f"1/(s {unit}^2)" if unit != "1" else "1/s",
                "magsynapse_choice",
                "learning rate: a change of order 10-50 % after 60 pairings",
            ),
            "w0": Param(0.5, "1", "magsynapse_choice", "initial weight, mid-range"),
        },
        "Calcium-based BCM rule with a fixed threshold (Bienenstock, Cooper & Munro 1982)",
        extra_sources=("bienenstock_1982", "shouval_2002"),
    )


#: Parameters per calcium model, in the model's own units. Linear: θ_M between GB2012's
#: θ_d = 1 and θ_p = 1.3. nmda_voltage: below Shouval's α1 = 0.35 µM, because this calcium
#: has a long sub-threshold tail that a fixed threshold integrates as depression (choices,
#: not fits: the rule is a demonstration of the rule contract).
BCM_SETS = {
    "linear": _set("bcm_linear", 1.15, 0.4, "1", "between GB2012's theta_d = 1 and theta_p = 1.3"),
    "nmda_voltage": _set(
        "bcm_nmda_voltage",
        0.25,
        1.0,
        "uM",
        "below Shouval's alpha1 = 0.35 uM: the sub-threshold tail of this calcium is long",
    ),
}


@nb.njit(cache=True, inline="always")
def _apply(w, integral):  # pragma: no cover - compiled
    """w after dw/dt = φ·(1 − w) or φ·w (η folded in) with ∫ηφ dt = ``integral``."""
    if integral >= 0.0:
        return 1.0 - (1.0 - w) * math.exp(-integral)
    return w * math.exp(integral)


@nb.cfunc(STEP_SIGNATURE, cache=True)
def _step(w, ca, h, p):  # pragma: no cover - compiled
    # p: [w0, theta_m, eta (1/s)]
    return _apply(w, p[2] * 1e-3 * ca * (ca - p[1]) * h)


@nb.njit(cache=True, inline="always")
def _phi_integral(c0, theta, tau, t1, t2):  # pragma: no cover - compiled
    """∫_{t1}^{t2} c(c − θ) dt for c = c0·e^(−t/τ)."""
    e1 = math.exp(-t1 / tau)
    e2 = math.exp(-t2 / tau)
    return 0.5 * c0 * c0 * tau * (e1 * e1 - e2 * e2) - theta * c0 * tau * (e1 - e2)


@nb.cfunc(ADVANCE_SIGNATURE, cache=True)
def _advance(rho, c0, length, tau_ca, p):  # pragma: no cover - compiled
    # p: [eta (1/ms), theta_m]
    if length <= 0.0 or c0 <= 0.0:
        return rho
    theta = p[1]
    t_cross = tau_ca * math.log(c0 / theta) if c0 > theta else 0.0
    t1 = min(t_cross, length)
    if t1 > 0.0:
        rho = _apply(rho, p[0] * _phi_integral(c0, theta, tau_ca, 0.0, t1))
    if t1 < length:
        rho = _apply(rho, p[0] * _phi_integral(c0, theta, tau_ca, t1, length))
    return rho


def advance(rho: float, c0: float, length: float, tau_ca: float, *, theta_m: float, eta: float):
    """ρ after ``length`` ms of calcium decaying from ``c0`` (τ_Ca in ms), exactly.

    Parameters
    ----------
    rho : float
        Weight at the start, in [0, 1].
    c0 : float
        Calcium at the start (units of ``theta_m``).
    length, tau_ca : float
        Duration and calcium decay time constant, ms.
    theta_m : float
        Modification threshold.
    eta : float
        Learning rate, 1/(s·unit²).

    Examples
    --------
    >>> advance(0.5, 0.0, 10.0, 20.0, theta_m=1.0, eta=1.0)
    0.5
    >>> advance(0.5, 3.0, 5.0, 20.0, theta_m=1.0, eta=1.0) > 0.5   # above θ_M: up
    True
    """
    p = np.array([eta * 1e-3, theta_m])
    return float(_call_advance(_advance, rho, c0, length, tau_ca, p))


@nb.njit(cache=True)
def _call_advance(fn, rho, c0, length, tau_ca, p):  # pragma: no cover - compiled
    return fn(rho, c0, length, tau_ca, p.ctypes)


def _network_parameters(calcium_set: ParameterSet, tau_s: float) -> np.ndarray:
    s = BCM_SETS["linear"]
    return np.array([s["eta"] * 1e-3, s["theta_m"]])


class BCM(Rule):
    """Calcium-based BCM rule with a fixed threshold (see the module docstring).

    Examples
    --------
    >>> from magsynapse.synapse import stdp
    >>> ds = stdp([-20.0, 10.0], mg=1.0, rule="bcm")
    >>> bool(ds.change.sel(dt=10.0) > 1.0 > ds.change.sel(dt=-20.0))
    True
    """

    name = "bcm"
    description = "Calcium-based BCM rule with a fixed threshold (Bienenstock et al. 1982)"
    references = frozenset({"bienenstock_1982"})
    methods = ("analytic",)
    step = _step
    network = NetworkRule(advance=_advance, parameters=_network_parameters)

    def parameter_sets(self, calcium):
        return [BCM_SETS[calcium]]

    def step_parameters(self, prep):
        s = BCM_SETS[prep.calcium.name]
        return np.tile([s["w0"], s["theta_m"], s["eta"]], (prep.n_conditions, 1))

    def evaluate(self, prep, *, method, reps, seed, progress):
        w = prep.data["w_final"]
        return {"w_final": w, "change": w / BCM_SETS[prep.calcium.name]["w0"]}


RULES.register("bcm", BCM())
