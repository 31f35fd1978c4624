"""Compiled connectivity builders of the numba CPU backend, never with autapses:

* random pairs: each ordered pair of neurons connected independently with probability p,
  by geometric skipping; row i's targets depend only on (key, i);
* fixed in-degree: every neuron receives exactly k_exc excitatory and k_inh inhibitory
  inputs, drawn without replacement (Floyd's algorithm); neuron j's sources depend only
  on (key, j).

Both list each neuron's targets in increasing order; :func:`_block_pointers` indexes
every row by the blocks of its targets (:data:`.base.BLOCK`)."""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from ...synapse.kernels import _seed_state
from .base import BLOCK, Connectivity, Wiring, n_blocks
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
def _floyd(m, k, state, table, out):  # pragma: no cover - compiled
    """``k`` distinct integers of [0, m) into ``out``, in the order drawn (Floyd's
    algorithm; the open-addressing ``table``, a power of two at least 2k, is empty before
    and after). Unsorted: :func:`_transpose` orders every row by target whatever the
    order of a neuron's sources."""
    mask = table.shape[0] - 1
    for n_in, t in enumerate(range(m - k, m)):
        r = min(int(uniform(state) * (t + 1)), t)
        h = (r * 2654435761) & mask
        while table[h] != -1 and table[h] != r:
            h = (h + 1) & mask
        if table[h] == r:  # r taken: t is new (it exceeds every value drawn so far)
            r = t
            h = (r * 2654435761) & mask
            while table[h] != -1:
                h = (h + 1) & mask
        table[h] = r
        out[n_in] = r
    for i in range(table.shape[0]):
        table[i] = -1


@nb.njit(cache=True)
def _fixed_in(n, n_exc, k_exc, k_inh, key):  # pragma: no cover - compiled
    """Sources of every neuron: (N, k_exc + k_inh) int32, excitatory then inhibitory,
    each part in the order drawn; neuron j's draws use the stream (key, j)."""
    k = k_exc + k_inh
    src = np.empty((n, k), dtype=np.int32)
    size = 1
    while size < 2 * max(k_exc, k_inh, 1):
        size *= 2
    table = np.full(size, -1, dtype=np.int64)
    buf = np.empty(max(k_exc, k_inh, 1), dtype=np.int64)
    state = np.empty(4, dtype=np.uint64)
    n_inh = n - n_exc
    for j in range(n):
        _seed_state(key, j, state)
        # a neuron is not its own source: draw from the others and skip over it
        own_e = 1 if j < n_exc else 0
        _floyd(n_exc - own_e, k_exc, state, table, buf)
        for a in range(k_exc):
            v = buf[a]
            src[j, a] = v + 1 if own_e and v >= j else v
        _floyd(n_inh - (1 - own_e), k_inh, state, table, buf)
        for a in range(k_inh):
            v = buf[a]
            if not own_e and v >= j - n_exc:
                v += 1
            src[j, k_exc + a] = n_exc + v
    return src


@nb.njit(cache=True)
def _transpose(src, n):  # pragma: no cover - compiled
    """CSR by presynaptic neuron of the source lists ``src`` (targets in increasing order)."""
    ptr = np.zeros(n + 1, dtype=np.int64)
    for j in range(src.shape[0]):
        for a in range(src.shape[1]):
            ptr[src[j, a] + 1] += 1
    for i in range(n):
        ptr[i + 1] += ptr[i]
    fill = ptr[:-1].copy()
    post = np.empty(ptr[n], dtype=np.int32)
    for j in range(src.shape[0]):
        for a in range(src.shape[1]):
            i = src[j, a]
            post[fill[i]] = j
            fill[i] += 1
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


@nb.njit(cache=True)
def _block_pointers(out_ptr, out_post, blocks):  # pragma: no cover - compiled
    """(N, blocks + 1): where row j's targets in block b (neurons b·BLOCK onwards) begin,
    for rows in increasing target order; the last column is the row's end."""
    n = out_ptr.shape[0] - 1
    ptr = np.empty((n, blocks + 1), dtype=np.int64)
    for j in range(n):
        e = out_ptr[j]
        for b in range(blocks):
            ptr[j, b] = e
            while e < out_ptr[j + 1] and out_post[e] < (b + 1) * BLOCK:
                e += 1
        ptr[j, blocks] = out_ptr[j + 1]
    return ptr


def build_connectivity(n: int, n_exc: int, wiring: Wiring, key: int) -> Connectivity:
    """Random connectivity of ``n`` neurons (the first ``n_exc`` excitatory) as
    ``wiring`` says (compiled; see the module). Plastic E→E synapses are numbered in
    presynaptic order.

    >>> net = build_connectivity(100, 80, Wiring(0.1), key=7)
    >>> 0.08 < len(net.out_post) / (100 * 99) < 0.12, bool((net.ee_pre < 80).all())
    (True, True)
    >>> net = build_connectivity(100, 80, Wiring(0.0, 8, 2), key=7)
    >>> len(net.out_post), len(net.ee_pre)
    (1000, 640)
    """
    if wiring.fixed_in_degree:
        src = _fixed_in(n, n_exc, int(wiring.k_exc), int(wiring.k_inh), np.uint64(key))
        out_ptr, out_post = _transpose(src, n)
        del src
    else:
        out_ptr, out_post = _connect(n, float(wiring.p), np.uint64(key))
    kind, out_syn, ee_pre, ee_post = _classify(out_ptr, out_post, n_exc)
    in_ptr, in_syn = _incoming(ee_post, n)
    out_block = _block_pointers(out_ptr, out_post, n_blocks(n))
    return Connectivity(
        out_ptr, out_post, kind, out_syn, ee_pre, ee_post, in_ptr, in_syn, out_block
    )
