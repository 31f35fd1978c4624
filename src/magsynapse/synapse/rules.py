"""Plasticity rules (MODEL.md §4) in closed form: the functions a reader checks.

* ``omega_eta`` — Shouval, Bear & Cooper (2002): dW/dt = η(Ca)·(Ω(Ca) − λW).
* ``bistable`` — Graupner & Brunel (2012): the efficacy ρ with thresholds θ_d, θ_p, its
  analytic reduction (time above thresholds → Ornstein–Uhlenbeck → UP/DOWN transition
  probabilities) and the readout of the relative synaptic change.

The time integration of both rules lives in :mod:`.kernels`.
"""

from __future__ import annotations

import numpy as np

from ..provenance import ParameterSet, Registry
from .params import OMEGA_ETA

RULES: Registry[str] = Registry("plasticity rule")
RULES.register("bistable", "Graupner & Brunel 2012 bistable calcium-based rule")
RULES.register("omega_eta", "Shouval, Bear & Cooper 2002 calcium control rule")


def _sig(x: np.ndarray, beta: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-beta * x))


def omega(ca: np.typing.ArrayLike, params: ParameterSet = OMEGA_ETA) -> np.ndarray:
    """Ω(Ca) = 0.25 + sig(Ca − α2, β2) − 0.25·sig(Ca − α1, β1); Ca in µM.

    Examples
    --------
    >>> round(float(omega(0.55)), 6)
    0.5
    """
    c = np.asarray(ca, dtype=float)
    p = params
    return 0.25 + _sig(c - p["alpha2"], p["beta2"]) - 0.25 * _sig(c - p["alpha1"], p["beta1"])


def eta(ca: np.typing.ArrayLike, params: ParameterSet = OMEGA_ETA) -> np.ndarray:
    """Learning rate η(Ca) = 1/(P1/(P2 + Ca^P3) + P4) in 1/s; Ca in µM.

    Examples
    --------
    >>> round(1 / float(eta(0.0)) / 3600, 2)  # time constant at rest, hours
    2.78
    """
    c = np.maximum(np.asarray(ca, dtype=float), 0.0)
    p = params
    return 1.0 / (p["p1"] / (p["p2"] + c ** p["p3"]) + p["p4"])


def gb_transition_probabilities(
    alpha_d: np.typing.ArrayLike,
    alpha_p: np.typing.ArrayLike,
    duration: np.typing.ArrayLike,
    params: ParameterSet,
) -> tuple[np.ndarray, np.ndarray]:
    """UP and DOWN transition probabilities of the GB2012 analytic reduction.

    During a protocol of length T in which calcium spends fractions α_d, α_p of the time
    above θ_d, θ_p, ρ follows (neglecting the cubic) an Ornstein–Uhlenbeck process with
    Γ_p = γ_p·α_p, Γ_d = γ_d·α_d, mean ρ̄ = Γ_p/(Γ_p + Γ_d), σ_ρ² = (α_p + α_d)σ²/(Γ_p + Γ_d)
    and τ_eff = τ/(Γ_p + Γ_d). A synapse starting at ρ0 ends above ρ* with probability
    ½[1 + erf((ρ̄ + (ρ0 − ρ̄)e^(−T/τ_eff) − ρ*)/√(σ_ρ²(1 − e^(−2T/τ_eff))))].

    Parameters
    ----------
    alpha_d, alpha_p : array_like
        Fractions of time above the depression / potentiation threshold.
    duration : array_like
        Protocol duration T, ms.
    params : ParameterSet
        A bistable set (τ in s).

    Returns
    -------
    (U, D) : tuple of numpy.ndarray
        U = P(DOWN → UP), D = P(UP → DOWN). Both are 0 when calcium never crosses a
        threshold.

    Examples
    --------
    >>> from magsynapse.synapse.params import BISTABLE_SETS
    >>> u, d = gb_transition_probabilities(0.0, 0.0, 60e3, BISTABLE_SETS["DP"])
    >>> float(u), float(d)
    (0.0, 0.0)
    """
    ad = np.asarray(alpha_d, dtype=float)
    ap = np.asarray(alpha_p, dtype=float)
    t_total = np.asarray(duration, dtype=float)
    p = params
    gp = p["gamma_p"] * ap
    gd = p["gamma_d"] * ad
    gsum = gp + gd
    active = gsum > 0
    safe = np.where(active, gsum, 1.0)
    rho_bar = gp / safe
    sigma_sq = (ap + ad) * p["sigma"] ** 2 / safe
    tau_eff = p["tau"] * 1000.0 / safe
    decay = np.exp(-t_total / tau_eff)
    spread = np.sqrt(np.maximum(sigma_sq * (1.0 - decay**2), 1e-300))
    rs = p["rho_star"]
    from scipy.special import erf  # imported here: keeps `import magsynapse` light

    up = 0.5 * (1.0 + erf((rho_bar - rho_bar * decay - rs) / spread))
    down = 0.5 * (1.0 - erf((rho_bar + (1.0 - rho_bar) * decay - rs) / spread))
    return np.where(active, up, 0.0), np.where(active, down, 0.0)


def gb_change(
    p_up: np.typing.ArrayLike, p_down: np.typing.ArrayLike, beta: float, b: float
) -> np.ndarray:
    """Relative synaptic change (after/before) of the GB2012 readout.

    A fraction β of synapses starts DOWN (weight 1), 1 − β UP (weight b); after the
    protocol DOWN synapses switch up with probability U, UP synapses down with D.

    Examples
    --------
    >>> float(gb_change(0.0, 0.0, 0.5, 5.0))
    1.0
    """
    u = np.asarray(p_up, dtype=float)
    d = np.asarray(p_down, dtype=float)
    after = beta * (1 - u) + (1 - beta) * d + b * (beta * u + (1 - beta) * (1 - d))
    return after / (beta + (1 - beta) * b)


def gb_change_se(p_up: np.ndarray, p_down: np.ndarray, n: int, beta: float, b: float) -> np.ndarray:
    """Monte Carlo standard error of :func:`gb_change` from ``n`` synapses per state.

    Binomial errors of U and D propagated linearly; p is kept at least 0.5/n away from 0
    and 1 so that a run with no transitions does not claim zero error.
    """
    lo, hi = 0.5 / n, 1 - 0.5 / n
    u = np.clip(p_up, lo, hi)
    d = np.clip(p_down, lo, hi)
    norm = beta + (1 - beta) * b
    du = beta * (b - 1) / norm
    dd = (1 - beta) * (1 - b) / norm
    return np.sqrt(du**2 * u * (1 - u) / n + dd**2 * d * (1 - d) / n)
