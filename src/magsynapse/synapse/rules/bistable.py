"""Graupner & Brunel (2012): the bistable calcium-based rule.

τ·dρ/dt = −ρ(1−ρ)(ρ*−ρ) + γ_p(1−ρ)Θ(c−θ_p) − γ_d·ρ·Θ(c−θ_d) + noise. Its readout after a
protocol is either the published analytic reduction (time above thresholds →
Ornstein–Uhlenbeck → UP/DOWN transition probabilities, :func:`gb_transition_probabilities`)
or the stochastic simulation of synapses started DOWN and UP (compiled in
:mod:`magsynapse.synapse.kernels`); :func:`gb_change` turns either into the relative
synaptic change. The network engine integrates the same equation event by event (its
fast noise-free path is built into the engine).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from tqdm.auto import tqdm

from ...interrupt import in_own_thread
from ...provenance import ParameterSet
from .. import kernels as K
from .base import RULES, NetworkRule, Rule

#: Largest supra-threshold step (ms) of the stochastic rule in protocols (Strang splitting).
H_MAX = 5.0


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


def simulate_rho(prep, rho0: np.ndarray, keys: np.ndarray, progress: bool) -> np.ndarray:
    """Final ρ of every (flat condition, synapse) from the prepared threshold segments."""
    seg_end, seg_lvl, n_seg = prep.segments
    tau_ms = prep.per_condition("tau") * 1000.0
    args = [prep.per_condition(k) for k in ("gamma_d", "gamma_p", "sigma")]
    rho_star = prep.per_condition("rho_star")
    n = len(keys)
    work = float(np.sum(n_seg)) * len(rho0)
    chunks = 1 if work < 1e7 else min(n, math.ceil(work / 1e7))
    bounds = np.linspace(0, n, chunks + 1).astype(int)
    out = np.empty((n, len(rho0)))
    bar = tqdm(
        total=n, desc="stochastic synapses", unit="cond", disable=not progress or chunks == 1
    )
    for a, b in itertools.pairwise(bounds):
        # in a thread of its own, whose OpenMP team ends with it (magsynapse.interrupt)
        out[a:b] = in_own_thread(
            K.bistable_stochastic,
            seg_end[a:b],
            seg_lvl[a:b],
            n_seg[a:b],
            rho0,
            keys[a:b],
            args[0][a:b],
            args[1][a:b],
            args[2][a:b],
            tau_ms[a:b],
            rho_star[a:b],
            H_MAX,
        )
        bar.update(b - a)
    bar.close()
    return out


class Bistable(Rule):
    """The GB2012 rule; its parameters are the bistable sets of a run.

    Examples
    --------
    >>> RULES["bistable"].methods
    ('analytic', 'stochastic')
    """

    name = "bistable"
    description = "Graupner & Brunel 2012 bistable calcium-based rule"
    references = frozenset({"graupner_brunel_2012"})
    methods = ("analytic", "stochastic")
    needs_segments = True
    step = None
    network = NetworkRule(advance=None, parameters=lambda calcium_set, tau_s: np.zeros(1))

    def uses_bistable_sets(self, calcium: str) -> bool:
        return True

    def evaluate(self, prep, *, method, reps, seed, progress):
        data: dict[str, np.ndarray] = {
            "alpha_d": prep.above_d / prep.duration,
            "alpha_p": prep.above_p / prep.duration,
        }
        n = prep.n_conditions
        change, p_up, p_down = np.empty(n), np.empty(n), np.empty(n)
        if method == "stochastic":
            rho0 = np.concatenate([np.zeros(reps), np.ones(reps)])
            rho = simulate_rho(prep, rho0, prep.keys(seed), progress)
            rho_star = prep.per_condition("rho_star")[:, None]
            p_up = np.mean(rho[:, :reps] > rho_star, axis=1)
            p_down = np.mean(rho[:, reps:] < rho_star, axis=1)
            data["change_se"] = np.empty(n)
        for i, s in enumerate(prep.sets):
            sl = slice(i * prep.per_set, (i + 1) * prep.per_set)
            if method == "analytic":
                p_up[sl], p_down[sl] = gb_transition_probabilities(
                    data["alpha_d"][sl], data["alpha_p"][sl], prep.duration[sl], s
                )
            else:
                data["change_se"][sl] = gb_change_se(p_up[sl], p_down[sl], reps, s["beta"], s["b"])
            change[sl] = gb_change(p_up[sl], p_down[sl], s["beta"], s["b"])
        data["p_up"], data["p_down"], data["change"] = p_up, p_down, change
        return data


RULES.register("bistable", Bistable())
