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

from ...errors import MagsynapseError
from ...interrupt import in_own_thread
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
    and after). Unsorted: :func:`_group` orders every row by target whatever the
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


@nb.njit(cache=True, parallel=True)
def _fixed_in(n, n_exc, k_exc, k_inh, key, parts):  # pragma: no cover - compiled
    """Sources of every neuron: (N, k_exc + k_inh) int32, excitatory then inhibitory,
    each part in the order drawn; neuron j's draws use the stream (key, j). The neurons
    are cut into ``parts`` contiguous parts, each with its own scratch, on numba's
    threads."""
    k = k_exc + k_inh
    src = np.empty((n, k), dtype=np.int32)
    size = 1
    while size < 2 * max(k_exc, k_inh, 1):
        size *= 2
    tables = np.full((parts, size), -1, dtype=np.int64)
    bufs = np.empty((parts, max(k_exc, k_inh, 1)), dtype=np.int64)
    # a state of 4 words per part, 16 apart: parts that shared a cache line would stall
    states = np.empty((parts, 16), dtype=np.uint64)
    n_inh = n - n_exc
    for t in nb.prange(parts):
        table, buf, state = tables[t], bufs[t], states[t, :4]
        for j in range(t * n // parts, (t + 1) * n // parts):
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


@nb.njit(cache=True, parallel=True)
def _group(keys, n_keys, parts):  # pragma: no cover - compiled
    """The rows of ``keys`` (R, W) grouped by the keys they hold (values in
    [0, n_keys)), a stable counting sort: (ptr, out), where ``out[ptr[i]:ptr[i + 1]]``
    lists, in increasing order (int32), the rows r once for every keys[r, a] = i. The
    rows are cut into ``parts`` contiguous parts, each counted, then placed, on one of
    numba's threads; a part's places for key i follow those of the parts before it, so
    the result does not depend on the number of parts."""
    rows, width = keys.shape
    counts = np.zeros((parts, n_keys), dtype=np.int64)
    for t in nb.prange(parts):
        for r in range(t * rows // parts, (t + 1) * rows // parts):
            for a in range(width):
                counts[t, keys[r, a]] += 1
    ptr = np.empty(n_keys + 1, dtype=np.int64)
    acc = 0
    for i in range(n_keys):
        ptr[i] = acc
        for t in range(parts):
            c = counts[t, i]
            counts[t, i] = acc  # part t's first place for key i
            acc += c
    ptr[n_keys] = acc
    out = np.empty(acc, dtype=np.int32)
    for t in nb.prange(parts):
        fill = counts[t]
        for r in range(t * rows // parts, (t + 1) * rows // parts):
            for a in range(width):
                i = keys[r, a]
                out[fill[i]] = r
                fill[i] += 1
    return ptr, out


@nb.njit(cache=True, parallel=True)
def _classify(out_ptr, out_post, n_exc):  # pragma: no cover - compiled
    """Kind of every connection and the plastic E→E synapses, numbered in presynaptic
    order so that a spike's are contiguous: (kind, out_syn, ee_pre, ee_post). Rows on
    numba's threads: a count of each row's plastic synapses, then, from where each row's
    numbers begin, the numbering."""
    n = out_ptr.shape[0] - 1
    m = out_post.shape[0]
    kind = np.empty(m, dtype=np.int8)
    out_syn = np.empty(m, dtype=np.int32)
    first = np.zeros(n + 1, dtype=np.int64)  # first plastic synapse of each row
    for i in nb.prange(n):
        plastic = 0
        for e in range(out_ptr[i], out_ptr[i + 1]):
            exc_post = out_post[e] < n_exc
            if i < n_exc:
                kind[e] = 0 if exc_post else 1
            else:
                kind[e] = 2 if exc_post else 3
            plastic += kind[e] == 0
        first[i + 1] = plastic
    for i in range(n):
        first[i + 1] += first[i]
    ee_pre = np.empty(first[n], dtype=np.int32)
    ee_post = np.empty(first[n], dtype=np.int32)
    for i in nb.prange(n):
        s = first[i]
        for e in range(out_ptr[i], out_ptr[i + 1]):
            if kind[e] == 0:
                out_syn[e] = s
                ee_pre[s] = i
                ee_post[s] = out_post[e]
                s += 1
            else:
                out_syn[e] = -1
    return kind, out_syn, ee_pre, ee_post


@nb.njit(cache=True, parallel=True)
def _block_pointers(out_ptr, out_post, blocks):  # pragma: no cover - compiled
    """(N, blocks + 1): where row j's targets in block b (neurons b·BLOCK onwards) begin,
    for rows in increasing target order; the last column is the row's end. Rows on
    numba's threads."""
    n = out_ptr.shape[0] - 1
    ptr = np.empty((n, blocks + 1), dtype=np.int64)
    for j in nb.prange(n):
        e = out_ptr[j]
        for b in range(blocks):
            ptr[j, b] = e
            while e < out_ptr[j + 1] and out_post[e] < (b + 1) * BLOCK:
                e += 1
        ptr[j, blocks] = out_ptr[j + 1]
    return ptr


def build_connectivity(
    n: int, n_exc: int, wiring: Wiring, key: int, threads: int = 1
) -> Connectivity:
    """Random connectivity of ``n`` neurons (the first ``n_exc`` excitatory) as
    ``wiring`` says (compiled; see the module). Plastic E→E synapses are numbered in
    presynaptic order. A fixed in-degree network is built on up to ``threads`` of
    numba's threads (at most ``NUMBA_NUM_THREADS``), and is the same on any number.

    >>> net = build_connectivity(100, 80, Wiring(0.1), key=7)
    >>> 0.08 < len(net.out_post) / (100 * 99) < 0.12, bool((net.ee_pre < 80).all())
    (True, True)
    >>> net = build_connectivity(100, 80, Wiring(0.0, 8, 2), key=7)
    >>> len(net.out_post), len(net.ee_pre)
    (1000, 640)
    >>> a = build_connectivity(3000, 2400, Wiring(0.0, 80, 20), key=7, threads=2)
    >>> b = build_connectivity(3000, 2400, Wiring(0.0, 80, 20), key=7)
    >>> all(np.array_equal(x, y) for x, y in zip(a, b))
    True
    """
    if threads < 1:
        raise MagsynapseError(f"threads: must be >= 1 (got {threads})")
    parts = min(int(threads), nb.config.NUMBA_NUM_THREADS)
    # in a thread of its own, whose OpenMP team ends with it (magsynapse.interrupt)
    return in_own_thread(_build_on_threads, n, n_exc, wiring, key, parts)


def _build_on_threads(n: int, n_exc: int, wiring: Wiring, key: int, parts: int) -> Connectivity:
    """:func:`_build` on ``parts`` of numba's threads (set for the calling thread)."""
    nb.set_num_threads(parts)
    return _build(n, n_exc, wiring, key, parts)


def _build(n: int, n_exc: int, wiring: Wiring, key: int, parts: int) -> Connectivity:
    """:func:`build_connectivity` in ``parts`` parts, on as many of numba's threads."""
    if wiring.fixed_in_degree:
        src = _fixed_in(n, n_exc, int(wiring.k_exc), int(wiring.k_inh), np.uint64(key), parts)
        # by source: row i lists the neurons j whose sources include i, in increasing order
        out_ptr, out_post = _group(src, n, parts)
        del src
    else:
        out_ptr, out_post = _connect(n, float(wiring.p), np.uint64(key))
    kind, out_syn, ee_pre, ee_post = _classify(out_ptr, out_post, n_exc)
    in_ptr, in_syn = _group(ee_post.reshape(-1, 1), n, parts)
    out_block = _block_pointers(out_ptr, out_post, n_blocks(n))
    return Connectivity(
        out_ptr, out_post, kind, out_syn, ee_pre, ee_post, in_ptr, in_syn, out_block
    )
