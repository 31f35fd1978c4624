"""Compiled helpers of the numba CPU backend: random draws and the vectorisable exp.

Poisson counts are drawn by inversion against a short tabulated CDF (branch-free in the
table, the recursion p_k = p_(k−1) λ/k beyond), from xoshiro256** streams of the synapse
layer; the drive draws two neurons per 64-bit random number (32-bit uniforms:
probabilities exact to 2e-10).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from ...synapse.kernels import _next_u64, _rotl, _seed_state


@nb.njit(cache=True, inline="always")
def uniform(state):  # pragma: no cover - compiled
    """A uniform in (0, 1) from the top 53 bits of the stream ``state``."""
    return (float(_next_u64(state) >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


#: Entries of the tabulated Poisson CDF; counts beyond continue the recursion
#: (for MgNet's λ = 0.6 per step, 0.3 % of draws).
N_CDF = 4


@nb.njit(cache=True)
def poisson_cdf(lam):  # pragma: no cover - compiled
    """P(K <= k) (row 0) and P(K = k) (row 1) for k < N_CDF, K ~ Poisson(λ), by the
    recursion p_k = p_(k−1) λ/k that :func:`poisson_inv` continues beyond the table.

    >>> cdf = poisson_cdf(0.6)
    >>> cdf.shape, bool(abs(cdf[0, 0] - math.exp(-0.6)) < 1e-15)
    ((2, 4), True)
    """
    cdf = np.empty((2, N_CDF))
    p = math.exp(-lam)
    cum = p
    cdf[0, 0] = cum
    cdf[1, 0] = p
    for k in range(1, N_CDF):
        p *= lam / k
        cum += p
        cdf[0, k] = cum
        cdf[1, k] = p
    return cdf


@nb.njit(cache=True, inline="always")
def _poisson_tail(u, lam, p, cum):  # pragma: no cover - compiled
    """The count for a uniform ``u`` above the table (P(K <= N_CDF − 1) = ``cum``, with
    P(K = N_CDF − 1) = ``p``): the recursion p_k = p_(k−1) λ/k."""
    k = N_CDF - 1
    while u > cum and k < 1000:
        k += 1
        p *= lam / k
        cum += p
    return k


@nb.njit(cache=True, inline="always")
def poisson_inv(u, lam, cdf):  # pragma: no cover - compiled
    """Poisson(λ) count for the uniform ``u`` by inversion against ``cdf`` (from
    :func:`poisson_cdf`): branch-free below N_CDF (k = number of CDF entries below u),
    the recursion beyond (P(K <= 5) = 0.99997 for λ = 0.6, so u = 0.99999 gives 6).

    >>> cdf = poisson_cdf(0.6)
    >>> poisson_inv(0.5, 0.6, cdf), poisson_inv(0.9, 0.6, cdf), poisson_inv(0.99999, 0.6, cdf)
    (0, 2, 6)
    """
    k = 0
    for j in range(N_CDF):
        k += u > cdf[0, j]
    if k < N_CDF:
        return k
    return _poisson_tail(u, lam, cdf[1, N_CDF - 1], cdf[0, N_CDF - 1])


@nb.njit(cache=True, inline="always")
def _uniform32(bits):  # pragma: no cover - compiled
    """A uniform in (0, 1) from 32 random bits."""
    return (float(bits) + 0.5) * (1.0 / 4294967296.0)


@nb.njit(cache=True, inline="always")
def _count(u, c0, c1, c2, c3):  # pragma: no cover - compiled
    """How many of the table's four cumulative probabilities lie below ``u``, as a float
    (branch-free, so that a loop over draws vectorises); 4.0 means the tail
    (:func:`_poisson_tail`)."""
    return (
        (1.0 if u > c0 else 0.0)
        + (1.0 if u > c1 else 0.0)
        + (1.0 if u > c2 else 0.0)
        + (1.0 if u > c3 else 0.0)
    )


@nb.njit(cache=True, inline="always")
def _drive_range(ga, lo, hi, weight, lam, cdf, state, xs, kb):  # pragma: no cover - compiled
    """ga[i] += weight · K_i for lo <= i < hi, K_i ~ Poisson(λ): each 64-bit draw gives
    two 32-bit uniforms (neurons lo + 2p and lo + 2p + 1), so probabilities are exact to
    2⁻³² ≈ 2e-10. Four passes over scratch arrays ``xs`` (draws) and ``kb`` (counts), at
    least (hi − lo + 1) // 2 and hi − lo long: the stream's xoshiro256** steps (the
    synapse layer's ``_next_u64``, its state held in scalars), the counts by comparison
    with the table (vectorised), the rare counts beyond the table (the recursion), and
    the conductance jumps (vectorised) — the numbers of one pass per neuron, twice as
    fast."""
    assert N_CDF == 4  # the table below is unrolled
    c0, c1, c2, c3, p3 = cdf[0, 0], cdf[0, 1], cdf[0, 2], cdf[0, 3], cdf[1, 3]
    m = hi - lo
    pairs = (m + 1) // 2
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for p in range(pairs):
        xs[p] = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
        t = s1 << np.uint64(17)
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 45)
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    for p in range(m // 2):
        kb[2 * p] = _count(_uniform32(xs[p] >> np.uint64(32)), c0, c1, c2, c3)
        kb[2 * p + 1] = _count(_uniform32(xs[p] & np.uint64(0xFFFFFFFF)), c0, c1, c2, c3)
    if m % 2:
        kb[m - 1] = _count(_uniform32(xs[pairs - 1] >> np.uint64(32)), c0, c1, c2, c3)
    for i in range(m):
        if kb[i] == 4.0:
            x = xs[i >> 1]
            u = _uniform32(x & np.uint64(0xFFFFFFFF) if i & 1 else x >> np.uint64(32))
            kb[i] = float(_poisson_tail(u, lam, p3, c3))
    for i in range(m):
        ga[lo + i] += weight * kb[i]


@nb.njit(cache=True)
def drive_pass(ga, weight, lam, cdf, state):  # pragma: no cover - compiled
    """ga[i] += weight · K_i, K_i ~ Poisson(λ), for every i, from the stream ``state``
    (two neurons per 64-bit draw, see :func:`_drive_range`).

    >>> from magsynapse.synapse.kernels import _seed_state
    >>> state = np.empty(4, dtype=np.uint64); _seed_state(np.uint64(1), 0, state)
    >>> ga = np.zeros(10000); drive_pass(ga, 1.0, 0.6, poisson_cdf(0.6), state)
    >>> bool(abs(ga.mean() - 0.6) < 0.03)
    True
    """
    n = ga.shape[0]
    xs = np.empty((n + 1) // 2, dtype=np.uint64)
    _drive_range(ga, 0, n, weight, lam, cdf, state, xs, np.empty(n))


@nb.njit(cache=True)
def drive_blocks(ga, weight, lam, cdf, states, b0, b1, size):  # pragma: no cover - compiled
    """The drive of the neurons of blocks b0 … b1 − 1 (``size`` neurons each, the last one
    possibly shorter), block b from its stream ``states[b]``: the same numbers as
    :func:`drive_pass` on each block's part of ``ga``, in one call (a call per block
    would cost reference counts on its arrays).

    >>> from magsynapse.synapse.kernels import _seed_state
    >>> states = np.empty((3, 4), dtype=np.uint64)
    >>> for b in range(3): _seed_state(np.uint64(1), b, states[b])
    >>> ga = np.zeros(2500); drive_blocks(ga, 1.0, 0.6, poisson_cdf(0.6), states, 0, 3, 1024)
    >>> bool(abs(ga.mean() - 0.6) < 0.05)
    True
    """
    n = ga.shape[0]
    xs = np.empty((size + 1) // 2, dtype=np.uint64)
    kb = np.empty(size)
    for b in range(b0, b1):
        lo = b * size
        _drive_range(ga, lo, min(lo + size, n), weight, lam, cdf, states[b], xs, kb)


@nb.njit(cache=True)
def poisson_counts(key, n_steps, n, lam):  # pragma: no cover - compiled
    """The drive's input counts (n_steps, n) for the stream ``key``, drawn as a replica
    draws them (its first draws, when no stimulus is correlated).

    >>> k = poisson_counts(np.uint64(1), 1000, 50, 0.6)
    >>> k.shape, bool(abs(k.mean() - 0.6) < 0.02)
    ((1000, 50), True)
    """
    state = np.empty(4, dtype=np.uint64)
    _seed_state(key, 0, state)
    cdf = poisson_cdf(lam)
    out = np.zeros((n_steps, n), dtype=np.int64)
    g = np.empty(n)
    for step in range(n_steps):
        g[:] = 0.0
        drive_pass(g, 1.0, lam, cdf, state)
        for i in range(n):
            out[step, i] = int(g[i])
    return out
