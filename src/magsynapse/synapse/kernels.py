"""Compiled kernels of the synapse layer (numba): random streams, the bistable rule's
integrator, and the compiled contract of rules (signatures of their steps and advances).

The physics lives in :mod:`.calcium` and :mod:`.rules`; the calcium loops in
:mod:`.calcium_kernels`. Numerics (see docs/numerics.md):

* The bistable rule is integrated segment by segment. Below both thresholds it is the
  deterministic cubic τ dρ/dt = −ρ(1−ρ)(ρ*−ρ); for ρ* = ½ this is a logistic equation in
  (ρ − ½)² and is solved exactly. Above a threshold the drift is the cubic plus the linear
  Ornstein–Uhlenbeck part γ_p(1−ρ)Θ_p − γ_d ρ Θ_d with additive noise: the OU part is
  sampled exactly and the cubic is added by Strang splitting on sub-steps of at most
  ``h_max``. Random numbers come from one xoshiro256** stream per synapse, seeded from
  the condition's key (:mod:`magsynapse.random`) and the synapse index, so that results
  do not depend on how conditions are batched or on the number of threads.
"""

from __future__ import annotations

import math
import warnings

import numba as nb
import numpy as np
from numba.core.errors import NumbaExperimentalFeatureWarning

# Rules reach the kernels as first-class compiled functions (numba cfuncs); numba labels
# the feature experimental. It is what keeps one cached kernel for every rule. Numba
# reports it from inside itself or, while compiling, under the path of our source file.
warnings.filterwarnings(
    "ignore",
    "First-class function type",
    NumbaExperimentalFeatureWarning,
    r"numba\.|.*magsynapse",
)

# --------------------------------------------------------------------------- RNG
_U64 = nb.types.uint64
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@nb.njit(cache=True, inline="always")
def _splitmix64(x):  # pragma: no cover - compiled
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@nb.njit(cache=True, inline="always")
def _rotl(x, k):  # pragma: no cover - compiled
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@nb.njit(cache=True)
def _seed_state(key, index, state):  # pragma: no cover - compiled
    x = _splitmix64(key ^ _splitmix64(np.uint64(index) + _GOLDEN))
    for i in range(4):
        x = _splitmix64(x + np.uint64(i))
        state[i] = x


@nb.njit(cache=True, inline="always")
def _next_u64(s):  # pragma: no cover - compiled
    result = _rotl(s[1] * np.uint64(5), 7) * np.uint64(9)
    t = s[1] << np.uint64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return result


@nb.njit(cache=True)
def _normal_pair(s):  # pragma: no cover - compiled
    """Two independent standard normals (Box–Muller on 53-bit uniforms)."""
    u1 = (float(_next_u64(s) >> np.uint64(11)) + 1.0) * (1.0 / 9007199254740992.0)
    u2 = float(_next_u64(s) >> np.uint64(11)) * (1.0 / 9007199254740992.0)
    r = math.sqrt(-2.0 * math.log(u1))
    return r * math.cos(2.0 * math.pi * u2), r * math.sin(2.0 * math.pi * u2)


def normals(key: int, index: int, n: int) -> np.ndarray:
    """``n`` standard normals of the stream (key, index) — exposed for testing."""
    return _normals(np.uint64(key), index, n)


@nb.njit(cache=True)
def _normals(key, index, n):  # pragma: no cover - compiled
    s = np.empty(4, dtype=np.uint64)
    _seed_state(key, index, s)
    out = np.empty(n)
    i = 0
    while i < n:
        a, b = _normal_pair(s)
        out[i] = a
        if i + 1 < n:
            out[i + 1] = b
        i += 2
    return out


# --------------------------------------------------------------------------- bistable rule
@nb.njit(cache=True, inline="always")
def _level(c, theta_d, theta_p):  # pragma: no cover - compiled
    lvl = 0
    if c > theta_d:
        lvl |= 1
    if c > theta_p:
        lvl |= 2
    return lvl


@nb.njit(cache=True, inline="always")
def _cubic_rhs(rho, rho_star):  # pragma: no cover - compiled
    return -rho * (1.0 - rho) * (rho_star - rho)


@nb.njit(cache=True, inline="always")
def cubic_exact(rho, e):  # pragma: no cover - compiled
    """The closed form of :func:`cubic_flow` for ρ* = ½: ρ after a time t, given
    e = exp(−t/(2τ)) (a caller advancing many synapses by the same t computes e once)."""
    u = rho - 0.5
    s0 = u * u
    if s0 == 0.0:
        return rho
    s = 0.25 * s0 / (s0 + (0.25 - s0) * e)
    return 0.5 + math.copysign(math.sqrt(s), u)


@nb.njit(cache=True)
def cubic_flow(rho, t, tau, rho_star):  # pragma: no cover - compiled
    """Advance τ dρ/dt = −ρ(1−ρ)(ρ*−ρ) by ``t`` (exact for ρ* = ½, RK4 otherwise)."""
    if t <= 0.0:
        return rho
    if rho_star == 0.5:
        if (rho - 0.5) * (rho - 0.5) == 0.0:
            return rho
        return cubic_exact(rho, math.exp(-t / (2.0 * tau)))
    n = math.ceil(t / (0.01 * tau))
    h = t / n
    for _ in range(n):
        k1 = _cubic_rhs(rho, rho_star) / tau
        k2 = _cubic_rhs(rho + 0.5 * h * k1, rho_star) / tau
        k3 = _cubic_rhs(rho + 0.5 * h * k2, rho_star) / tau
        k4 = _cubic_rhs(rho + h * k3, rho_star) / tau
        rho += h * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0
    return rho


@nb.njit(cache=True, inline="always")
def cubic_half_step(rho, h, tau, rho_star):  # pragma: no cover - compiled
    """Half a Strang step of the cubic: ρ after ``h``/2 ms. Below 1e-3 τ the explicit
    midpoint rule (local error ≲ (h/τ)³ ≈ 1e-10, far below the splitting's), else the
    exact flow."""
    half = 0.5 * h / tau
    if 0.5 * h < 1e-3 * tau:
        return rho + half * _cubic_rhs(rho + 0.5 * half * _cubic_rhs(rho, rho_star), rho_star)
    return cubic_flow(rho, 0.5 * h, tau, rho_star)


@nb.njit(cache=True)
def level_step(
    rho, length, lvl, gamma_d, gamma_p, sigma, tau, rho_star, h_max, state, spare, noisy
):  # pragma: no cover - compiled
    """Advance ρ by ``length`` ms at a constant threshold level ``lvl`` (bit 0: c > θ_d,
    bit 1: c > θ_p). ``spare`` (2,) caches the second normal of a Box–Muller pair."""
    if length <= 0.0:
        return rho
    if lvl == 0:
        return cubic_flow(rho, length, tau, rho_star)
    th_d = 1.0 if (lvl & 1) else 0.0
    th_p = 1.0 if (lvl & 2) else 0.0
    a = gamma_p * th_p + gamma_d * th_d
    var_rate = sigma * sigma * (th_p + th_d) / tau
    n_sub = math.ceil(length / h_max)
    h = length / n_sub
    sd = 0.0
    if a > 0.0:
        rate = a / tau
        m = gamma_p * th_p / a
        decay = math.exp(-rate * h)
        if noisy:
            sd = math.sqrt(var_rate * (1.0 - decay * decay) / (2.0 * rate))
    else:
        m = 0.0
        decay = 1.0
        if noisy:
            sd = math.sqrt(var_rate * h)
    for _ in range(n_sub):
        rho = cubic_half_step(rho, h, tau, rho_star)
        z = 0.0
        if noisy:
            if spare[0] > 0.0:
                z = spare[1]
                spare[0] = 0.0
            else:
                z, spare[1] = _normal_pair(state)
                spare[0] = 1.0
        rho = m + (rho - m) * decay + sd * z
        rho = cubic_half_step(rho, h, tau, rho_star)
    return rho


@nb.njit(cache=True)
def _bistable_path(
    rho, seg_end, seg_level, n_seg, gamma_d, gamma_p, sigma, tau, rho_star, h_max, state, noisy
):  # pragma: no cover - compiled
    t = 0.0
    spare = np.zeros(2)
    for k in range(n_seg):
        length = seg_end[k] - t
        t = seg_end[k]
        rho = level_step(
            rho,
            length,
            seg_level[k],
            gamma_d,
            gamma_p,
            sigma,
            tau,
            rho_star,
            h_max,
            state,
            spare,
            noisy,
        )
    return rho


@nb.njit(cache=True)
def advance_decaying(
    rho,
    c0,
    length,
    tau_ca,
    theta_d,
    theta_p,
    gamma_d,
    gamma_p,
    sigma,
    tau,
    rho_star,
    h_max,
    state,
    spare,
    noisy,
):  # pragma: no cover - compiled
    """Advance ρ by ``length`` ms while calcium decays from ``c0`` with ``tau_ca``
    (no events): the threshold crossings are computed in closed form."""
    t = 0.0
    c = c0
    hi = max(theta_d, theta_p)
    lo = min(theta_d, theta_p)
    while t < length:
        lvl = _level(c, theta_d, theta_p)
        th = hi if c > hi else lo
        # below both thresholds the rest of the stretch is one segment
        t_cross = t + tau_ca * math.log(c / th) if lvl != 0 else length
        end = t_cross if t_cross < length else length
        rho = level_step(
            rho, end - t, lvl, gamma_d, gamma_p, sigma, tau, rho_star, h_max, state, spare, noisy
        )
        if lvl == 0:
            return rho
        c = th if end == t_cross else c * math.exp(-(end - t) / tau_ca)
        t = end
    return rho


@nb.njit(parallel=True, cache=True)
def bistable_stochastic(
    seg_end, seg_level, n_seg, rho0, keys, gamma_d, gamma_p, sigma, tau, rho_star, h_max
):  # pragma: no cover - compiled
    """Final ρ of every (condition, synapse).

    Parameters (arrays over conditions unless stated): seg_end/seg_level (n_cond, max_seg)
    segments; n_seg (n_cond,); rho0 (n_syn,) initial efficacies; keys (n_cond,) uint64
    stream keys; rule parameters with tau in ms; h_max (ms) largest supra-threshold step.
    Synapse j of condition c always uses the stream (keys[c], j).
    """
    n_cond = seg_end.shape[0]
    n_syn = rho0.shape[0]
    out = np.empty((n_cond, n_syn))
    for task in nb.prange(n_cond * n_syn):
        c = task // n_syn
        j = task - c * n_syn
        state = np.empty(4, dtype=np.uint64)
        _seed_state(keys[c], j, state)
        noisy = sigma[c] > 0.0
        out[c, j] = _bistable_path(
            rho0[j],
            seg_end[c],
            seg_level[c],
            n_seg[c],
            gamma_d[c],
            gamma_p[c],
            sigma[c],
            tau[c],
            rho_star[c],
            h_max,
            state,
            noisy,
        )
    return out


# --------------------------------------------------------------------------- rule contract
#: Signature of a rule's compiled step for the stepped calcium (a ``numba.cfunc``):
#: ``w_new = step(w, ca, h, params)`` with ca in the calcium model's units, h in ms and
#: ``params`` a pointer to the rule's parameter vector (column 0: initial weight).
STEP_SIGNATURE = nb.types.float64(
    nb.types.float64, nb.types.float64, nb.types.float64, nb.types.CPointer(nb.types.float64)
)
#: Signature of a rule's compiled event-driven advance (a ``numba.cfunc``):
#: ``rho_new = advance(rho, c0, length, tau_ca, params)`` — ρ after ``length`` ms during
#: which calcium decays from ``c0`` with time constant ``tau_ca`` (ms).
ADVANCE_SIGNATURE = nb.types.float64(
    nb.types.float64,
    nb.types.float64,
    nb.types.float64,
    nb.types.float64,
    nb.types.CPointer(nb.types.float64),
)


@nb.cfunc(STEP_SIGNATURE, cache=True)
def hold_step(w, ca, h, p):  # pragma: no cover - compiled
    """The step of a rule that integrates nothing alongside the calcium."""
    return w


@nb.cfunc(ADVANCE_SIGNATURE, cache=True)
def hold_advance(rho, c0, length, tau_ca, p):  # pragma: no cover - compiled
    """The advance of a rule whose network form is built into the engine (none needed)."""
    return rho
