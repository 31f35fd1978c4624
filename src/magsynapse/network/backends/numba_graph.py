"""Compiled connectivity builder of the numba CPU backend: each ordered pair of neurons
connected independently with probability p (no autapses), by geometric skipping; row i's
targets depend only on (key, i)."""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from ...synapse.kernels import _seed_state
from .base import Connectivity
from .numba_draws import uniform


@nb.njit(cache=True)
def _row(i, n, p, key, out):  # pragma: no cover - compiled
    """Targets of neuron i (j ≠ i, each with probability p) by geometric skipping; writes
    as many as fit into ``out`` and returns their count. Row i always uses the stream
    (key, i)."""
    state = np.empty(4, dtype=np.uint64)
    _seed_state(key, i, state)
    count = 0
    if p <= 0.0:
        return 0
    log_q = math.log1p(-p) if p < 1.0 else -np.inf
    j = -1
    while True:
        if p >= 1.0:
            j += 1
        else:
            j += 1 + math.floor(math.log(uniform(state)) / log_q)
        if j >= n - 1:
            return count
        if count < out.shape[0]:
            out[count] = j + 1 if j >= i else j
        count += 1


@nb.njit(cache=True)
def _connect(n, p, key):  # pragma: no cover - compiled
    """CSR targets of every row in one pass, into a buffer 12 standard deviations larger
    than the expected count; should it ever overflow, a counting pass sizes it exactly."""
    mean = n * (n - 1.0) * p
    cap = int(mean + 12.0 * math.sqrt(mean) + 64.0)
    post = np.empty(cap, dtype=np.int32)
    ptr = np.zeros(n + 1, dtype=np.int64)
    pos = 0
    for i in range(n):
        pos += _row(i, n, p, key, post[pos:])
        if pos > cap:
            break
        ptr[i + 1] = pos
    if pos <= cap:
        return ptr, post[:pos]
    empty = np.empty(0, dtype=np.int32)  # pragma: no cover - probability < 1e-30
    for i in range(n):
        ptr[i + 1] = ptr[i] + _row(i, n, p, key, empty)
    post = np.empty(ptr[n], dtype=np.int32)
    for i in range(n):
        _row(i, n, p, key, post[ptr[i] : ptr[i + 1]])
    return ptr, post


@nb.njit(cache=True)
def _incoming(ee_post, n):  # pragma: no cover - compiled
    """Counting sort of the plastic synapses by postsynaptic neuron: (in_ptr, in_syn)."""
    ptr = np.zeros(n + 1, dtype=np.int64)
    for j in ee_post:
        ptr[j + 1] += 1
    for j in range(n):
        ptr[j + 1] += ptr[j]
    fill = ptr[:-1].copy()
    syn = np.empty(ee_post.shape[0], dtype=np.int32)
    for s in range(ee_post.shape[0]):
        j = ee_post[s]
        syn[fill[j]] = s
        fill[j] += 1
    return ptr, syn


@nb.njit(cache=True)
def _classify(out_ptr, out_post, n_exc):  # pragma: no cover - compiled
    """Kind of every connection and the plastic E→E synapses, numbered in presynaptic
    order so that a spike's are contiguous: (kind, out_syn, ee_pre, ee_post)."""
    n = out_ptr.shape[0] - 1
    m = out_post.shape[0]
    kind = np.empty(m, dtype=np.int8)
    out_syn = np.full(m, -1, dtype=np.int32)
    n_ee = 0
    for i in range(n):
        for e in range(out_ptr[i], out_ptr[i + 1]):
            exc_post = out_post[e] < n_exc
            if i < n_exc:
                kind[e] = 0 if exc_post else 1
            else:
                kind[e] = 2 if exc_post else 3
            if kind[e] == 0:
                out_syn[e] = n_ee
                n_ee += 1
    ee_pre = np.empty(n_ee, dtype=np.int32)
    ee_post = np.empty(n_ee, dtype=np.int32)
    for i in range(n_exc):
        for e in range(out_ptr[i], out_ptr[i + 1]):
            if kind[e] == 0:
                ee_pre[out_syn[e]] = i
                ee_post[out_syn[e]] = out_post[e]
    return kind, out_syn, ee_pre, ee_post


def build_connectivity(n: int, n_exc: int, p: float, key: int) -> Connectivity:
    """Random connectivity of ``n`` neurons (the first ``n_exc`` excitatory), each ordered
    pair independently with probability p, no autapses (compiled; row i's targets depend
    only on (key, i)). Plastic E→E synapses are numbered in presynaptic order.

    >>> net = build_connectivity(100, 80, 0.1, key=7)
    >>> 0.08 < len(net.out_post) / (100 * 99) < 0.12, bool((net.ee_pre < 80).all())
    (True, True)
    """
    out_ptr, out_post = _connect(n, float(p), np.uint64(key))
    kind, out_syn, ee_pre, ee_post = _classify(out_ptr, out_post, n_exc)
    in_ptr, in_syn = _incoming(ee_post, n)
    return Connectivity(out_ptr, out_post, kind, out_syn, ee_pre, ee_post, in_ptr, in_syn)
