"""Compiled plastic E→E synapses of the numba CPU backend, updated lazily.

A synapse is brought up to date (:func:`touch`) only when its presynaptic neuron spikes,
when its postsynaptic neuron's spike buffer is about to wrap, or when ρ is recorded. Its
calcium between updates is a known sum of exponentials (post spikes read from the
neuron's ring buffer), so the threshold crossings are closed-form and ρ is advanced
exactly by the synapse layer's segment integrator. ``q`` is a parameter record
(:data:`...params.PARAM_DTYPE`); ``syn`` is ``(st, ee_post, post_buf, post_count)``,
``rng`` is ``(state, spare)`` (the replica's stream and its spare normal), ``rule`` the
plasticity rule's compiled advance and parameters (:class:`.base.RuleKernel`).
"""

from __future__ import annotations

import math

import numba as nb

from ...synapse.kernels import advance_decaying, cubic_flow, cubic_half_step

#: Largest supra-threshold step of the efficacy (ms); the OU part is exact, the cubic
#: (1e-3 of the drift) is split in (Strang), so the step only bounds the splitting error.
H_MAX = 20.0

#: Post spikes kept per neuron; a neuron's incoming synapses are all brought up to date
#: before its buffer could wrap around.
POST_BUFFER = 32


@nb.njit(cache=True, inline="always")
def _advance(rho, c, length, q, rng):  # pragma: no cover - compiled
    """ρ after ``length`` ms of calcium decaying from ``c`` (no events in between)."""
    state, spare = rng
    return advance_decaying(
        rho,
        c,
        length,
        q.tau_ca,
        q.theta_d,
        q.theta_p,
        q.gamma_d,
        q.gamma_p,
        q.sigma,
        q.tau,
        q.rho_star,
        H_MAX,
        state,
        spare,
        q.sigma > 0.0,
    )


@nb.njit(cache=True, inline="always")
def _level(rho, h, lvl, decay, q):  # pragma: no cover - compiled
    """Noise-free ρ after ``h`` ms at threshold level ``lvl`` (bit 0: above θ_d, bit 1:
    above θ_p), on scalars only: the synapse layer's ``level_step`` without noise (Strang
    sub-steps of at most H_MAX, exact linear part), written out so that the per-event
    path passes no array (an array argument costs an atomic reference count).
    One short sub-step (h ≤ H_MAX, h/2 < 1e-3 τ) takes the cubic half-steps by the
    midpoint rule; ``decay`` is then its linear factor exp(−a h/τ) when known, else < 0."""
    tau, rho_star = q.tau, q.rho_star
    a = (q.gamma_p if lvl & 2 else 0.0) + (q.gamma_d if lvl & 1 else 0.0)
    m = (q.gamma_p if lvl & 2 else 0.0) / a
    if h > H_MAX or 0.5 * h >= 1e-3 * tau:
        n_sub = math.ceil(h / H_MAX)
        h = h / n_sub
        decay = math.exp(-(a / tau) * h)
        for _ in range(n_sub):
            rho = cubic_half_step(rho, h, tau, rho_star)
            rho = m + (rho - m) * decay
            rho = cubic_half_step(rho, h, tau, rho_star)
        return rho
    if decay < 0.0:
        decay = math.exp(-a * h / tau)
    rho = cubic_half_step(rho, h, tau, rho_star)
    rho = m + (rho - m) * decay
    return cubic_half_step(rho, h, tau, rho_star)


@nb.njit(cache=True, inline="always")
def _count_above(s, c, length, st, q):  # pragma: no cover - compiled
    """With diagnostics, add the time calcium decaying from c spends above θ_d and θ_p."""
    if q.diag and c > q.theta_d:
        t_d = q.tau_ca * math.log(c / q.theta_d)
        st[s, 3] += min(length, t_d)
        if c > q.theta_p:
            st[s, 4] += min(length, t_d - q.gap_pd)


@nb.njit(cache=True, inline="always")
def rho_fast(rho, c, length, q):  # pragma: no cover - compiled
    """ρ after ``length`` ms of calcium decaying from ``c``, for the built-in bistable
    rule without noise and θ_d < θ_p (``q.fast``), on scalars only: one logarithm gives
    both crossing times (t_p = t_d − τ_Ca ln(θ_p/θ_d)); the full θ_p → θ_d passage uses a
    precomputed linear factor; below θ_d the cubic flows freely."""
    if c > q.theta_d:
        t_d = q.tau_ca * math.log(c / q.theta_d)
        t_p = t_d - q.gap_pd
        t = 0.0
        if t_p > 0.0:
            t = min(t_p, length)
            rho = _level(rho, t, 3, -1.0, q)
        if t < length:
            end = min(t_d, length)
            full = t_p > 0.0 and end == t_d
            rho = _level(rho, end - t, 1, q.decay_gap if full else -1.0, q)
            t = end
        length -= t
    if length > 0.0:
        rho = cubic_flow(rho, length, q.tau, q.rho_star)
    return rho


@nb.njit(cache=True, inline="always")
def _segment(s, c, length, st, q, rng, rule):  # pragma: no cover - compiled
    """Advance synapse s's ρ over ``length`` ms of calcium decaying from ``c``; with
    diagnostics (``q.diag``) count the time above the thresholds.

    A rule other than the built-in bistable one: its compiled advance
    (``rule = (advance, params)``, :class:`.base.RuleKernel`). The bistable rule,
    noise-free with θ_d < θ_p (``q.fast``): :func:`rho_fast`; otherwise the synapse
    layer's ``advance_decaying``.
    """
    _count_above(s, c, length, st, q)
    if not q.builtin_rule:
        advance, params = rule
        st[s, 2] = advance(st[s, 2], c, length, q.tau_ca, params.ctypes)
    elif q.fast:
        st[s, 2] = rho_fast(st[s, 2], c, length, q)
    else:
        st[s, 2] = _advance(st[s, 2], c, length, q, rng)


@nb.njit(cache=True, inline="always")
def touch(s, t, syn, q, rng, rule):  # pragma: no cover - compiled
    """Bring plastic synapse s to time t.

    ``st[s] = [c, t_last, rho, time above θ_d, time above θ_p]``: calcium just after the
    synapse's last update, and the time (ms) it has spent above each threshold. Calcium
    jumps by C_post at every spike of the postsynaptic neuron, which are read from that
    neuron's buffer (those in (t_last, t]); between jumps it decays exponentially and ρ is
    advanced exactly over the closed-form threshold crossings.
    """
    st, syn_post, post_buf, post_count = syn
    t_last = st[s, 1]
    if t <= t_last:
        return
    j = syn_post[s]
    count = post_count[j]
    # the post spikes in (t_last, t], newest first in the ring buffer
    n_new = 0
    while n_new < count and n_new < POST_BUFFER:
        if post_buf[j, (count - 1 - n_new) % POST_BUFFER] <= t_last:
            break
        n_new += 1
    c = st[s, 0]
    start = t_last
    tau_ca = q.tau_ca
    for m in range(n_new - 1, -1, -1):
        tk = post_buf[j, (count - 1 - m) % POST_BUFFER]
        if tk > t:
            continue
        _segment(s, c, tk - start, st, q, rng, rule)
        c = c * math.exp(-(tk - start) / tau_ca) + q.c_post
        start = tk
    _segment(s, c, t - start, st, q, rng, rule)
    st[s, 0] = c * math.exp(-(t - start) / tau_ca)
    st[s, 1] = t
