"""The numba CPU backend: one compiled loop per replica; replicas in parallel threads, or
one replica's neuron blocks on every thread (:func:`split_threads`).

Numerics (docs/network.md):

* Neurons: conductance-based LIF or AdEx, forward Euler for V at ``dt`` (as Brian2's
  reference) with the NMDA block evaluated at the current V; refractory neurons are held
  at V_reset. The update of all neurons is one branch-free pass that vectorises: its
  exponentials use :func:`magsynapse.numerics.exp_poly` (no library call, 2e-14 relative to
  ``math.exp``).
* Conductances are summed per neuron and decay exactly (a constant factor per step); the
  NMDA dual exponential is the difference of a decay and a rise accumulator, both jumped by
  the weight, g = τ_d/(τ_d − τ_r)·(a − b) — exact.
* Poisson drive: the number of input spikes a neuron gets in a step is drawn from a
  Poisson law by inversion (the sum of its independent sources), two neurons per 64-bit
  random number (:mod:`.numba_draws`).
* Plastic E→E synapses are event-driven and updated lazily (:mod:`.numba_plastic`): a
  postsynaptic spike only enters its neuron's buffer; a synapse is brought up to date
  when its presynaptic neuron spikes, when that buffer is about to wrap, or when ρ is
  recorded, with closed-form threshold crossings and the synapse layer's exact segment
  integrator. No per-synapse work is done on quiet steps, and none at a postsynaptic
  spike.
* Blocks: a step advances the neurons block by block (:data:`.base.BLOCK` neurons), then
  delivers the step's spikes block by block, each block receiving onto its own neurons and
  their plastic synapses; the blocks of a pass are independent, so they run on as many
  threads as are given (network-parallel) with the same numbers as on one.
* Random numbers: xoshiro256** streams keyed by the root seed, one per block of a replica
  (block b: stream (key, b)), so a replica is identical alone, in a batch, on another
  worker or on any number of threads.

The kernels read the parameter record (:data:`..params.PARAM_DTYPE`) by field name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numba as nb
import numpy as np

from ...interrupt import progress_counter, report, stop_flag, stopped, wait_all
from ...numerics import exp_poly
from ...receptors.block import unblocked, unblocked_vectorised
from ...synapse.kernels import _seed_state, cubic_exact
from .base import (
    BACKENDS,
    BLOCK,
    Backend,
    Connectivity,
    Replica,
    ReplicaResult,
    RuleKernel,
    RunPlan,
    Stimuli,
    Wiring,
    n_blocks,
)
from .numba_draws import N_CDF, drive_blocks, poisson_cdf, poisson_inv, uniform
from .numba_graph import build_connectivity
from .numba_plastic import POST_BUFFER, rho_fast, touch
from .numba_sync import counters, finish, take, wait_done


@nb.njit(cache=True, error_model="numpy")
def _membrane_part(
    v, ga, gg, na, nb_, ref, w_ad, ca_load, q, mg_k, ta, tn, tg
):  # pragma: no cover - compiled
    """:func:`_membrane` for neurons of one population (views), whose constant AMPA, NMDA
    and GABA_A conductances are ``ta``, ``tn``, ``tg``: loop constants, and the loop runs
    from 0 over the views, so that it vectorises."""
    dt, c_m, gl, el, ee, ei = q.dt, q.c_m, q.g_l, q.e_l, q.e_exc, q.e_inh
    vreset, scale, ba, g_tonic = q.v_reset, q.nmda_scale, q.block_a, q.g_tonic
    da, dg, dnd, dnr = q.decay_ampa, q.decay_gaba, q.decay_nmda_d, q.decay_nmda_r
    fca, thr = q.f_ca, q.load_thr
    vt, delta_t, a_ad, tau_w = q.v_t, q.delta_t, q.a, q.tau_w
    if q.adex:
        for i in range(v.shape[0]):
            vi = v[i]
            free = ref[i] <= 0
            g_n = scale * (na[i] - nb_[i]) + tn
            i_nmda = g_n * (vi - ee) * unblocked_vectorised(vi, mg_k, ba)
            cur = -gl * (vi - el) - (ga[i] + g_tonic + ta) * (vi - ee) - i_nmda
            cur -= (gg[i] + tg) * (vi - ei)
            cur += gl * delta_t * exp_poly(min((vi - vt) / delta_t, 20.0)) - w_ad[i]
            ca_load[i] += max(-fca * i_nmda - thr, 0.0) * dt * free
            w_ad[i] += dt * (a_ad * (vi - el) - w_ad[i]) / tau_w * free
            v[i] = vi + dt * cur / c_m if free else vreset
            ref[i] = 0 if free else ref[i] - 1
            ga[i] *= da
            gg[i] *= dg
            na[i] *= dnd
            nb_[i] *= dnr
    else:
        for i in range(v.shape[0]):
            vi = v[i]
            free = ref[i] <= 0
            g_n = scale * (na[i] - nb_[i]) + tn
            i_nmda = g_n * (vi - ee) * unblocked_vectorised(vi, mg_k, ba)
            cur = -gl * (vi - el) - (ga[i] + g_tonic + ta) * (vi - ee) - i_nmda
            cur -= (gg[i] + tg) * (vi - ei)
            ca_load[i] += max(-fca * i_nmda - thr, 0.0) * dt * free
            v[i] = vi + dt * cur / c_m if free else vreset
            ref[i] = 0 if free else ref[i] - 1
            ga[i] *= da
            gg[i] *= dg
            na[i] *= dnd
            nb_[i] *= dnr


@nb.njit(cache=True)
def _membrane(cells, q, mg_k, lo, hi):  # pragma: no cover - compiled
    """One forward-Euler step of V for neurons lo … hi − 1 (refractory neurons held at
    V_reset, their NMDA calcium load and adaptation frozen) and the exact conductance
    decays, with the constant conductances of a weight scaling (``q.tonic_*``, zero
    unless :mod:`..scaling` sets them) of each population. ``cells`` = (v, ga, gg, na,
    nb, ref, w_ad, ca_load). The block's excitatory neurons, then its inhibitory ones,
    each in a branch-free pass over views (:func:`_membrane_part`) that vectorises."""
    split = min(max(q.n_exc, lo), hi)
    for a, b, ta, tn, tg in (
        (lo, split, q.tonic_ampa_e, q.tonic_nmda_e, q.tonic_gaba_e),
        (split, hi, q.tonic_ampa_i, q.tonic_nmda_i, q.tonic_gaba_i),
    ):
        if b > a:
            _membrane_part(
                cells[0][a:b],
                cells[1][a:b],
                cells[2][a:b],
                cells[3][a:b],
                cells[4][a:b],
                cells[5][a:b],
                cells[6][a:b],
                cells[7][a:b],
                q,
                mg_k,
                ta,
                tn,
                tg,
            )


@nb.njit(cache=True)
def _n_above(v, vth):  # pragma: no cover - compiled
    """How many of ``v`` exceed ``vth`` (a branch-free count, vectorised)."""
    k = 0
    for i in range(v.shape[0]):
        k += v[i] > vth
    return k


@nb.njit(cache=True, nogil=True)
def _advance_blocks(b0, b1, step, mg_k, q, state, rule):  # pragma: no cover - compiled
    """Step ``step`` of the neurons of blocks b0 … b1 − 1: Poisson drive and stimuli onto
    AMPA (block b from its stream), membrane, threshold and reset; block b's spikes go to
    ``spikes[0][b·BLOCK:]`` and their count to ``spikes[1][b]``. Plastic runs: each spike
    of an E cell enters its neuron's buffer, whose incoming synapses are brought up to
    date before the buffer could wrap.
    ``state`` is the replica's arrays (:func:`run_replica`), of which this reads
    ``streams`` = (states, spares, drive CDF), ``stim`` = (table, mask, CDFs, shared
    counts) and ``plastic_in`` = (post_buf, post_count, since_catchup, in_ptr, in_syn).

    The run's blocks share each call (drive, membrane): a call per block would cost
    atomic reference counts on every array it is handed, which stall the stores of the
    vectorised passes (a seventh of the time at N = 10000 on one thread).
    """
    cells, _, streams, stim, spikes, syn, plastic_in, _ = state
    v, ga, _, _, _, ref, w_ad, _ = cells
    states, spares, cdf = streams
    table, mask, stim_cdf, shared = stim
    spiked, n_block = spikes
    n = v.shape[0]
    lo_run = b0 * BLOCK
    hi_run = min(b1 * BLOCK, n)
    t_now = step * q.dt
    t_sp = (step + 1) * q.dt
    if q.lam > 0.0:
        drive_blocks(ga, q.w_drive, q.lam, cdf, states, b0, b1, BLOCK)
    for m in range(table.shape[0]):
        if table[m].start <= t_now < table[m].stop:
            for b in range(b0, b1):
                state = states[b]
                for i in range(b * BLOCK, min((b + 1) * BLOCK, n)):
                    if mask[m, i]:
                        if table[m].correlated:
                            k = shared[m]
                        else:
                            k = poisson_inv(uniform(state), table[m].lam, stim_cdf[m])
                        ga[i] += table[m].weight * k
    _membrane(cells, q, mg_k, lo_run, hi_run)
    vth = q.v_th
    for b in range(b0, b1):
        lo = b * BLOCK
        hi = min(lo + BLOCK, n)
        count = 0
        # a vectorised count first: most steps have no spike
        for i in range(lo, hi if _n_above(v[lo:hi], vth) > 0 else lo):
            if v[i] > vth:
                v[i] = q.v_reset
                ref[i] = q.n_ref
                if q.adex:
                    w_ad[i] += q.b
                spiked[lo + count] = i
                count += 1
        n_block[b] = count
        if q.plastic:
            post_buf, post_count, since_catchup, in_ptr, in_syn = plastic_in
            for k in range(count):
                j = spiked[lo + k]
                if j < q.n_exc:
                    post_buf[j, post_count[j] % POST_BUFFER] = t_sp
                    post_count[j] += 1
                    since_catchup[j] += 1
                    if since_catchup[j] >= POST_BUFFER - 1:
                        rng = (states[b], spares[b])
                        for e in range(in_ptr[j], in_ptr[j + 1]):
                            touch(in_syn[e], t_sp, syn, q, rng, rule)
                        since_catchup[j] = 0


@nb.njit(cache=True, nogil=True)
def _deliver_blocks(
    b0, b1, t, mg_k, fired, n_fired, catch_up, q, state, rule
):  # pragma: no cover - compiled
    """Transmission (no delay) of the ``n_fired`` spikes ``fired`` (in neuron order) onto
    the neurons of blocks b0 … b1 − 1, with the presynaptic calcium of their plastic
    synapses; with ``catch_up``, every plastic synapse onto them is then brought to time
    t. A spike's targets in these blocks are one contiguous part of its row, from
    ``out_block[j, b0]`` to ``out_block[j, b1]``, taken in order: two entries of the
    spike's ``out_block`` row are read, however many blocks the run has (reading the
    row's every entry cost a cache miss per spike and thread, almost a fifth of the step of a
    network without synapses firing at 73 Hz, N = 40000). A plastic synapse draws from
    its postsynaptic neuron's block's stream.

    The catch-up of the fast rule (noise-free, so no stream is drawn) runs over the rows
    that hold plastic synapses (``net.ee_pre`` numbers them in row order) after the
    spikes' rows, as a spike's pass without transmission: the synapses are read in the
    order they are stored, and a row's synapses share their last update (the row's last
    spike), so its exponentials are computed once. Other rules are caught up neuron by
    neuron, each synapse drawing from its neuron's block's stream in that order. Either
    way a synapse sees the same operations, so the numbers are the same."""
    cells, net, streams, _, _, syn, _, ca_pre = state
    v, ga, gg, na, nb_ = cells[0], cells[1], cells[2], cells[3], cells[4]
    states, spares, _ = streams
    st, _, post_buf, post_count = syn
    out_block, out_post, out_kind, out_syn = net.out_block, net.out_post, net.out_kind, net.out_syn
    plastic, vgate, diag, ba, c_pre = q.plastic, q.vgate, q.diag, q.block_a, q.c_pre
    w_ee_ampa, w_ee_nmda, w_ei_ampa, w_ei_nmda = q.w_ee_ampa, q.w_ee_nmda, q.w_ei_ampa, q.w_ei_nmda
    w_ie, w_ii = q.w_ie_gaba, q.w_ii_gaba
    # the common case is written out here on scalars: an array handed to a function,
    # inlined or not, costs an atomic reference count per call
    fast = plastic and q.fast and q.builtin_rule and not diag
    tau_ca, c_post, tau, theta_d = q.tau_ca, q.c_post, q.tau, q.theta_d
    rho_half = q.rho_star == 0.5
    dlt_seen, decay_seen, half_seen = -1.0, 0.0, 0.0
    sweep = catch_up and fast
    n_rows = net.ee_pre[-1] + 1 if sweep and net.ee_pre.shape[0] > 0 else 0
    for k in range(n_fired + n_rows):
        transmit = k < n_fired
        j = fired[k] if transmit else k - n_fired
        for e in range(out_block[j, b0], out_block[j, b1]):
            post = out_post[e]
            kind = out_kind[e]
            if not transmit and kind != 0:
                continue
            if kind == 0:
                if transmit:
                    ga[post] += w_ee_ampa
                s = out_syn[e]
                if fast:
                    # numba_plastic.touch for the fast rule: ρ and calcium of s to t
                    t_last = st[s, 1]
                    if t > t_last:
                        count = post_count[post]
                        n_new = 0
                        while n_new < count and n_new < POST_BUFFER:
                            if post_buf[post, (count - 1 - n_new) % POST_BUFFER] <= t_last:
                                break
                            n_new += 1
                        c = st[s, 0]
                        rho = st[s, 2]
                        if n_new == 0 and c <= theta_d and rho_half:
                            # no post spike and calcium below θ_d: the cubic flows
                            # freely and calcium decays over t − t_last, the same
                            # interval for most synapses of a spike (its neuron's
                            # previous spike): both exponentials computed once
                            dlt = t - t_last
                            if dlt != dlt_seen:
                                dlt_seen = dlt
                                decay_seen = math.exp(-dlt / tau_ca)
                                half_seen = math.exp(-dlt / (2.0 * tau))
                            st[s, 2] = cubic_exact(rho, half_seen)
                            st[s, 0] = c * decay_seen
                            st[s, 1] = t
                        else:
                            start = t_last
                            for m in range(n_new - 1, -1, -1):
                                tk = post_buf[post, (count - 1 - m) % POST_BUFFER]
                                if tk > t:
                                    continue
                                rho = rho_fast(rho, c, tk - start, q)
                                c = c * math.exp(-(tk - start) / tau_ca) + c_post
                                start = tk
                            st[s, 2] = rho_fast(rho, c, t - start, q)
                            st[s, 0] = c * math.exp(-(t - start) / tau_ca)
                            st[s, 1] = t
                elif plastic:
                    b = post // BLOCK  # the stream of the synapse's neuron's block
                    touch(s, t, syn, q, (states[b], spares[b]), rule)
                if not transmit:
                    continue
                if plastic:
                    if vgate:
                        inc = c_pre * unblocked(v[post], mg_k, ba)
                    else:
                        inc = c_pre
                    st[s, 0] += inc
                    if diag:
                        ca_pre[s] += inc
                w = w_ee_nmda * st[s, 2]
                na[post] += w
                nb_[post] += w
            elif kind == 1:
                ga[post] += w_ei_ampa
                na[post] += w_ei_nmda
                nb_[post] += w_ei_nmda
            elif kind == 2:
                gg[post] += w_ie
            else:
                gg[post] += w_ii
    if catch_up and plastic and not sweep:
        in_ptr, in_syn = net.in_ptr, net.in_syn
        for b in range(b0, b1):
            rng = (states[b], spares[b])
            for i in range(b * BLOCK, min((b + 1) * BLOCK, v.shape[0])):
                for e in range(in_ptr[i], in_ptr[i + 1]):
                    touch(in_syn[e], t, syn, q, rng, rule)


# The block loops of a step: on one thread, or over numba's threads (network-parallel).
# Blocks share no neuron and no synapse (a synapse belongs to its postsynaptic neuron's
# block), so every split gives the same numbers.


@nb.njit(cache=True, nogil=True, parallel=True)
def _advance_parallel(
    parts, step, mg_k, qa, rule, cells, net, streams, stim, spikes, syn, plastic_in, ca_pre
):  # pragma: no cover - compiled
    """The blocks of ``parts[r]`` (:func:`balanced_runs`) on thread r. The replica's
    arrays come unpacked (numba's threads take a tuple, not a tuple of tuples) and are
    packed again on each thread."""
    for r in nb.prange(parts.shape[0]):
        state = (cells, net, streams, stim, spikes, syn, plastic_in, ca_pre)
        for h in range(0, 4, 2):
            b0, b1 = parts[r, h], parts[r, h + 1]
            if b1 > b0:
                _advance_blocks(b0, b1, step, mg_k, qa[0], state, rule)


@nb.njit(cache=True, nogil=True, parallel=True)
def _deliver_parallel(
    parts,
    t,
    mg_k,
    fired,
    n_fired,
    catch_up,
    qa,
    rule,
    cells,
    net,
    streams,
    stim,
    spikes,
    syn,
    plastic_in,
    ca_pre,
):  # pragma: no cover - compiled
    """The blocks of ``parts[r]`` on thread r (a spike's targets in a run of blocks are
    one part of its row, read in order); the arrays as for :func:`_advance_parallel`."""
    for r in nb.prange(parts.shape[0]):
        state = (cells, net, streams, stim, spikes, syn, plastic_in, ca_pre)
        for h in range(0, 4, 2):
            b0, b1 = parts[r, h], parts[r, h + 1]
            if b1 > b0:
                _deliver_blocks(b0, b1, t, mg_k, fired, n_fired, catch_up, qa[0], state, rule)


@nb.njit(cache=True, nogil=True, inline="always")
def _mg_k(mg_t, step, q):  # pragma: no cover - compiled
    """[Mg]o of step ``step`` over the block's K_Mg (``mg_t`` has one value, or one a step)."""
    return (mg_t[step] if mg_t.shape[0] > 1 else mg_t[0]) / q.block_k


@nb.njit(cache=True, nogil=True)
def _gather(spiked, n_block, fired):  # pragma: no cover - compiled
    """A step's spikes (``spiked``, ``n_block`` as :func:`_advance_blocks` wrote them) into
    ``fired`` in neuron order; their number."""
    n_sp = 0
    for b in range(n_block.shape[0]):
        for k in range(n_block[b]):
            fired[n_sp] = spiked[b * BLOCK + k]
            n_sp += 1
    return n_sp


@nb.njit(cache=True, nogil=True)
def _tally(fired, n_sp, row, t_sp, n_exc, counts, spike_t, spike_i, kept):  # pragma: no cover
    """Count a step's ``n_sp`` spikes ``fired`` (at ``t_sp``) in ``counts[row]`` (E, I) and
    keep them in ``spike_t``, ``spike_i`` (none when these are empty) while there is room;
    ``kept`` = (spikes kept, 1 once one did not fit)."""
    for k in range(n_sp):
        i = fired[k]
        counts[row, 0 if i < n_exc else 1] += 1.0
        if spike_t.shape[0] > 0:
            if kept[0] < spike_t.shape[0]:
                spike_t[kept[0]] = t_sp
                spike_i[kept[0]] = i
                kept[0] += 1
            else:
                kept[1] = 1


@nb.njit(cache=True, nogil=True)
def _draw_shared(table, stim_cdf, shared, rng, t_now):  # pragma: no cover - compiled
    """The shared draws of the correlated stimuli active at ``t_now``, from ``rng``."""
    for m in range(table.shape[0]):
        if table[m].start <= t_now < table[m].stop and table[m].correlated:
            shared[m] = poisson_inv(uniform(rng), table[m].lam, stim_cdf[m])


@nb.njit(cache=True, nogil=True, inline="always")
def _state_at(
    p, spiked, n_block, shared, cells, net, streams, stim, syn, plastic_in, ca_pre
):  # pragma: no cover - compiled
    """The replica's arrays as the block kernels take them (:func:`_advance_blocks`), with
    the spike buffers and shared draws of steps of parity ``p``; ``stim`` = (table, mask,
    CDFs)."""
    table, mask, stim_cdf = stim
    return (
        cells,
        net,
        streams,
        (table, mask, stim_cdf, shared[p]),
        (spiked[p], n_block[p]),
        syn,
        plastic_in,
        ca_pre,
    )


@nb.njit(cache=True, nogil=True, parallel=True)
def _steps_parallel(
    s0,
    s1,
    pending,
    parts,
    r0,
    ctr,
    fired,
    mg_t,
    qa,
    rule,
    stop,
    done,
    bin_steps,
    counts,
    spike_t,
    spike_i,
    kept,
    spiked,
    n_block,
    shared,
    cells,
    net,
    streams,
    stim,
    syn,
    plastic_in,
    ca_pre,
):  # pragma: no cover - compiled
    """Steps s0 … s1 − 1 on numba's threads, started once (:mod:`.numba_sync`). Task
    (s, r) delivers step s − 1's spikes onto the blocks of ``parts[r]`` (at time s·dt,
    under step s − 1's [Mg]o; for s = s0 only if ``pending``), then advances them by step
    s. Thread w takes its own run's task first, then any of the step's tasks not yet
    taken, then waits until every task of the step has ended. Step s's spikes go to
    ``spiked[s % 2]``, ``n_block[s % 2]`` (two buffers: a task of step s + 1 reads one while
    another writes the other), and each task gathers the previous step's into its row of
    ``fired``. Task (s, 0) counts and keeps step s − 1's spikes (:func:`_tally`); task
    (s, r0), whose part holds block 0, makes step s + 1's shared draws of correlated
    stimuli into ``shared[(s + 1) % 2]``, after its block 0 has drawn for step s. Each
    block thus sees the same operations in the same order as on one thread. The thread
    of w = 0 reports in ``done`` the steps before s once step s is advanced
    (:func:`~magsynapse.interrupt.report`).
    ``stim`` = (table, mask, CDFs); the other arrays as for :func:`_advance_parallel`."""
    runs = parts.shape[0]
    for w in nb.prange(runs):
        q = qa[0]
        no_catch_up = np.bool_(False)  # not a literal: see run_replica
        table, _, stim_cdf = stim
        for s in range(s0, s1):
            if stopped(stop):
                break
            p = s % 2
            state = _state_at(
                p, spiked, n_block, shared, cells, net, streams, stim, syn, plastic_in, ca_pre
            )
            for i in range(runs):
                r = (w + i) % runs  # its own run first
                if not take(ctr, r, s):
                    continue
                if s > s0 or pending:
                    n_prev = _gather(spiked[1 - p], n_block[1 - p], fired[r])
                    if r == 0 and s > s0:
                        row = (s - 1) // bin_steps
                        _tally(
                            fired[r], n_prev, row, s * q.dt, q.n_exc, counts, spike_t, spike_i, kept
                        )
                    mg_prev = _mg_k(mg_t, s - 1, q)
                    for h in range(0, 4, 2):
                        b0, b1 = parts[r, h], parts[r, h + 1]
                        if b1 > b0:
                            _deliver_blocks(
                                b0,
                                b1,
                                s * q.dt,
                                mg_prev,
                                fired[r],
                                n_prev,
                                no_catch_up,
                                q,
                                state,
                                rule,
                            )
                mg_k = _mg_k(mg_t, s, q)
                for h in range(0, 4, 2):
                    b0, b1 = parts[r, h], parts[r, h + 1]
                    if b1 > b0:
                        _advance_blocks(b0, b1, s, mg_k, q, state, rule)
                if r == r0 and s + 1 < s1:
                    _draw_shared(table, stim_cdf, shared[1 - p], streams[0][0], (s + 1) * q.dt)
                finish(ctr)
            wait_done(ctr, (s + 1 - s0) * runs)  # every task of step s has ended
            if w == 0:
                report(done, s)  # steps before s: advanced and delivered


@nb.njit(cache=True, nogil=True)
def _advance(parts, step, mg_k, q, qa, state, rule):  # pragma: no cover - compiled
    """The advance pass: on this thread (one part) or in the parts of blocks ``parts``
    (:func:`even_runs`), one per thread. On this thread the first block is a literal 0,
    for which numba compiles a copy of the block kernel (its index arithmetic folded:
    3–9 % faster on one thread at N = 4000 and 10000; the other counts and flags are
    typed, see :func:`run_replica`)."""
    if parts.shape[0] > 1:
        _advance_parallel(parts, step, mg_k, qa, rule, *state)
    else:
        _advance_blocks(0, parts[0, 1], step, mg_k, q, state, rule)


@nb.njit(cache=True, nogil=True)
def _deliver(
    parts, t, mg_k, fired, n_fired, catch_up, q, qa, state, rule
):  # pragma: no cover - compiled
    """The delivery pass: on this thread (one part, from a literal first block 0, as in
    :func:`_advance`) or in the parts of blocks ``parts`` (:func:`balanced_runs`), one per
    thread."""
    if parts.shape[0] > 1:
        _deliver_parallel(parts, t, mg_k, fired, n_fired, catch_up, qa, rule, *state)
    else:
        _deliver_blocks(0, parts[0, 1], t, mg_k, fired, n_fired, catch_up, q, state, rule)


#: Relative costs, per simulated second at a few hertz, of a neuron (its steps), of a plastic
#: synapse onto it and of a static one (measured on this engine: about 6 ns per neuron and
#: step, 100 ns per plastic event, 10 ns per static one, at 6 Hz): the weights by which
#: :func:`balanced_runs` shares the blocks between threads.
COST_NEURON, COST_PLASTIC, COST_STATIC = 60.0, 0.6, 0.06


@nb.njit(cache=True)
def _parts(bounds, start, blocks):  # pragma: no cover - compiled
    """Parts (runs, 4) of the runs ``bounds`` of blocks counted from block ``start`` round
    the ring of ``blocks`` blocks: thread r's blocks are ``parts[r, 0]`` … ``parts[r, 1] − 1``
    and ``parts[r, 2]`` … ``parts[r, 3] − 1`` (the second range is empty unless the run
    wraps past the last block)."""
    runs = bounds.shape[0] - 1
    parts = np.zeros((runs, 4), dtype=np.int64)
    for r in range(runs):
        x, y = start + bounds[r], start + bounds[r + 1]
        if y <= blocks:
            parts[r, 0], parts[r, 1] = x, y
        elif x >= blocks:
            parts[r, 0], parts[r, 1] = x - blocks, y - blocks
        else:
            parts[r, 0], parts[r, 1], parts[r, 3] = x, blocks, y - blocks
    return parts


@nb.njit(cache=True)
def even_runs(blocks, runs):  # pragma: no cover - compiled
    """Parts (runs, 4) (see :func:`balanced_runs`) of ``runs`` contiguous runs of
    ``blocks`` blocks, as equal in size as can be: the advance pass's split when it runs
    apart from the delivery (its work is the same for every neuron).

    >>> even_runs(10, 3)
    array([[ 0,  3,  0,  0],
           [ 3,  6,  0,  0],
           [ 6, 10,  0,  0]])
    """
    bounds = np.empty(runs + 1, dtype=np.int64)
    for r in range(runs + 1):
        bounds[r] = (r * blocks) // runs
    return _parts(bounds, np.int64(0), blocks)


@nb.njit(cache=True)
def _split(weight, runs):  # pragma: no cover - compiled
    """Bounds (runs + 1,) of contiguous runs of the blocks weighing ``weight``: run
    r − 1 ends at the first block whose middle passes r/runs of the total; every run keeps
    at least one block."""
    blocks = weight.shape[0]
    total = weight.sum()
    bounds = np.empty(runs + 1, dtype=np.int64)
    bounds[0] = 0
    acc = 0.0
    b = 0
    for r in range(1, runs):
        while b < blocks - (runs - r) and (
            acc + 0.5 * weight[b] < total * r / runs or b <= bounds[r - 1]
        ):
            acc += weight[b]
            b += 1
        bounds[r] = b
    bounds[runs] = blocks
    return bounds


@nb.njit(cache=True)
def balanced_runs(out_block, in_ptr, runs, plastic=True):  # pragma: no cover - compiled
    """Which blocks each of ``runs`` threads takes, as parts (runs, 4): thread r takes
    blocks ``parts[r, 0]`` … ``parts[r, 1] − 1`` and ``parts[r, 2]`` … ``parts[r, 3] − 1``.

    Each block weighs its neurons, plastic and static incoming synapses by
    :data:`COST_NEURON`, :data:`COST_PLASTIC` and :data:`COST_STATIC` (the plastic ones,
    onto excitatory cells, cost ten times the others; without ``plastic``, as when the
    run's plasticity is off, the E→E synapses weigh as static ones). The blocks, taken
    round a ring, are cut into contiguous runs of about equal weight (every run has at
    least one block), from the starting block whose heaviest run is lightest: with few blocks of
    unequal weight, a run that wraps past the last block can balance where runs from
    block 0 cannot. Which thread takes a block does not change the numbers, only the
    time.

    >>> from magsynapse.network.backends.numba_graph import build_connectivity
    >>> from magsynapse.network.backends.base import Wiring
    >>> net = build_connectivity(10000, 8000, Wiring(0.0, 80, 20), key=1)
    >>> balanced_runs(net.out_block, net.in_ptr, 2)  # E-only blocks weigh more
    array([[ 4,  9,  0,  0],
           [ 9, 10,  0,  4]])
    >>> balanced_runs(net.out_block, net.in_ptr, 1)
    array([[ 0, 10,  0,  0]])
    >>> balanced_runs(net.out_block, net.in_ptr, 2, False)  # five blocks each
    array([[ 1,  6,  0,  0],
           [ 6, 10,  0,  1]])
    """
    blocks = out_block.shape[1] - 1
    n = out_block.shape[0]
    weight = np.zeros(blocks)
    for j in range(n):
        for b in range(blocks):
            weight[b] += COST_STATIC * (out_block[j, b + 1] - out_block[j, b])
    extra = COST_PLASTIC - COST_STATIC if plastic else 0.0  # an E→E synapse's over a static one
    for b in range(blocks):
        lo, hi = b * BLOCK, min((b + 1) * BLOCK, n)
        weight[b] += COST_NEURON * (hi - lo) + extra * (in_ptr[hi] - in_ptr[lo])
    best, best_start, best_load = _split(weight, runs), 0, np.inf
    ring = np.empty(blocks)
    for start in range(blocks if runs > 1 else 1):
        for k in range(blocks):
            ring[k] = weight[(start + k) % blocks]
        bounds = _split(ring, runs)
        load = 0.0
        for r in range(runs):
            load = max(load, ring[bounds[r] : bounds[r + 1]].sum())
        if load < best_load:
            best, best_start, best_load = bounds, start, load
    return _parts(best, best_start, blocks)


@nb.njit(cache=True, nogil=True)
def run_replica(
    q, qa, rep, plan, stim, rule, max_spikes, stop, done, threads
):  # pragma: no cover - compiled
    """Simulate one replica (:class:`.base.Replica`) for ``plan.n_steps`` with the
    parameter record ``q`` (and ``qa``, the same as an array of one record, as numba's
    threads take it: a record given to them directly does not compile); at most
    ``max_spikes`` spikes are kept. The loop ends early, with an incomplete result,
    as soon as ``stop[0]`` is set (by another thread). It reports in the progress counter
    ``done`` (:mod:`magsynapse.interrupt`) the steps advanced and delivered, and all of
    them only once the run has ended, its synapses brought up to date.

    A step is two passes over the neuron blocks (:data:`.base.BLOCK`): every block
    advances its neurons (:func:`_advance_blocks`), the spikes are gathered in neuron order,
    then every block receives them (:func:`_deliver_blocks`). With ``threads`` > 1 the
    blocks run on numba's threads (at most ``threads``, as many as
    ``numba.set_num_threads`` gave the calling thread), in runs of blocks
    (:func:`balanced_runs`), one per thread; a run's thread delivers a step's spikes to
    its blocks and then advances them by the next step. The threads are started once for
    all the steps up to the next recording of ρ and meet at each step through atomic
    counters (:func:`_steps_parallel`), not at a start of numba's threads per step. Block
    b draws from the stream (key, b), so the numbers are the same on any number of
    threads. The shared draws of correlated stimuli come from block 0's stream at the
    start of a step. The block kernels take the replica's arrays as one
    tuple, ``state`` = (cells, net, streams, stim, spikes, syn, plastic_in, ca_pre).

    Stimuli (:class:`.base.Stimuli`): extra Poisson input onto AMPA of the neurons in a
    window's mask, independent per neuron or (correlated) one shared draw per step.

    Returns the fields of :class:`.base.ReplicaResult`, in order, as a tuple.
    Diagnostics (``q.diag``) cost memory and time, so they are off unless asked for.
    """
    net = rep.net
    table, mask = stim
    v0 = rep.v0
    mg_t = rep.mg_t
    n_steps, bin_steps = plan.n_steps, plan.bin_steps
    record_spikes, rho_steps = plan.spikes, plan.rho_steps
    n = v0.shape[0]
    blocks = net.out_block.shape[1] - 1
    n_exc = q.n_exc
    n_stim = table.shape[0]
    shared = np.zeros((2, n_stim), dtype=np.int64)  # a step's shared draws: (step % 2)
    stim_cdf = np.empty((n_stim, 2, N_CDF))
    for m in range(n_stim):
        stim_cdf[m] = poisson_cdf(table[m].lam)
    dt = q.dt
    cells = (
        v0.copy(),  # v
        np.zeros(n),  # ga
        np.zeros(n),  # gg
        np.zeros(n),  # na
        np.zeros(n),  # nb
        np.zeros(n, dtype=np.int64),  # ref
        np.zeros(n),  # w_ad
        np.zeros(n),  # ca_load
    )
    n_syn = rep.rho0.shape[0]
    diag = q.diag
    st = np.zeros((n_syn, 5 if diag else 3))
    st[:, 2] = rep.rho0
    ca_pre = np.zeros(n_syn if diag else 0)
    post_buf = np.zeros((n, POST_BUFFER))
    post_count = np.zeros(n, dtype=np.int64)
    syn = (st, net.ee_post, post_buf, post_count)
    plastic_in = (post_buf, post_count, np.zeros(n, dtype=np.int64), net.in_ptr, net.in_syn)
    states = np.empty((blocks, 4), dtype=np.uint64)
    for b in range(blocks):
        _seed_state(rep.key, b, states[b])
    streams = (states, np.zeros((blocks, 2)), poisson_cdf(q.lam))
    # a step's spikes (step % 2), by block
    spiked = np.empty((2, n), dtype=np.int64)
    n_block = np.zeros((2, blocks), dtype=np.int64)
    fired = np.empty(n, dtype=np.int64)
    # the replica's arrays, as the block kernels take them, at even and at odd steps
    stim_fixed = (table, mask, stim_cdf)
    arrays = (cells, net, streams, stim_fixed, syn, plastic_in, ca_pre)
    by_parity = (
        _state_at(
            0, spiked, n_block, shared, cells, net, streams, stim_fixed, syn, plastic_in, ca_pre
        ),
        _state_at(
            1, spiked, n_block, shared, cells, net, streams, stim_fixed, syn, plastic_in, ca_pre
        ),
    )
    n_bins = (n_steps + bin_steps - 1) // bin_steps
    counts = np.zeros((n_bins, 2))
    spike_t = np.empty(max_spikes if record_spikes else 0)
    spike_i = np.empty(max_spikes if record_spikes else 0, dtype=np.int32)
    kept = np.zeros(2, dtype=np.int64)  # spikes kept, 1 once one did not fit
    rho_samples = np.zeros(rho_steps.shape[0])
    r_next = 0
    runs = max(1, min(threads, blocks))  # runs of blocks, one per thread
    parts = balanced_runs(net.out_block, net.in_ptr, runs, q.plastic)
    adv_parts = even_runs(blocks, runs)
    r0 = 0  # the run that holds block 0
    for r in range(runs):
        if (parts[r, 0] == 0 and parts[r, 1] > 0) or (parts[r, 2] == 0 and parts[r, 3] > 0):
            r0 = r
    # On several threads, the threads are started once for the steps up to the next
    # recording of ρ (:func:`_steps_parallel`), and a step's delivery joins the next
    # step's advance (both on `parts`). Not where the shared draws of correlated stimuli
    # would come before a noisy synapse's draws from block 0's stream instead of after
    # them: there the threads are started for each pass.
    correlated = False
    for m in range(n_stim):
        correlated = correlated or table[m].correlated
    merged = runs > 1 and not (correlated and q.sigma > 0.0)
    fired_runs = np.empty((runs if merged else 0, n), dtype=np.int64)
    # Counts and flags handed to the step's kernels are typed values, never literals: numba
    # compiles a function once per literal argument it meets, and a count that starts at
    # a literal 0 is typed so at first, so each would add a copy of the delivery (minutes
    # of the first compile).
    no, yes = np.bool_(False), np.bool_(True)
    pending = no  # the last step's spikes are not yet delivered (merged steps)
    n_sp = np.int64(0)
    last = np.int64(0)
    step = np.int64(0)
    while step < n_steps and not stopped(stop):
        _draw_shared(table, stim_cdf, shared[step % 2], states[0], step * dt)
        if merged:
            # to the next recording of ρ (its step is the last one here)
            end = rho_steps[r_next] if r_next < rho_steps.shape[0] else n_steps
            end = max(step + 1, min(end, n_steps))
            _steps_parallel(
                step,
                end,
                pending,
                parts,
                r0,
                counters(runs, step),
                fired_runs,
                mg_t,
                qa,
                rule,
                stop,
                done,
                bin_steps,
                counts,
                spike_t,
                spike_i,
                kept,
                spiked,
                n_block,
                shared,
                *arrays,
            )
            if stopped(stop):
                break
        else:
            end = step + 1
            _advance(adv_parts, step, _mg_k(mg_t, step, q), q, qa, by_parity[step % 2], rule)
        # the last step's spikes in neuron order
        last = end - 1
        state = by_parity[last % 2]
        n_sp = _gather(spiked[last % 2], n_block[last % 2], fired)
        t_sp = end * dt
        _tally(fired, n_sp, last // bin_steps, t_sp, n_exc, counts, spike_t, spike_i, kept)
        # transmission; at requested steps every synapse is brought up to date
        record = r_next < rho_steps.shape[0] and rho_steps[r_next] == end
        pending = np.bool_(merged and not record)
        if not pending:
            _deliver(parts, t_sp, _mg_k(mg_t, last, q), fired, n_sp, record, q, qa, state, rule)
        # online reduction: mean efficacy at requested steps
        while r_next < rho_steps.shape[0] and rho_steps[r_next] == end:
            rho_samples[r_next] = st[:, 2].mean() if n_syn > 0 else np.nan
            r_next += 1
        step = end
        report(done, last)  # the last step counts once the run has ended
    state = by_parity[last % 2]
    mg_k = _mg_k(mg_t, last, q)
    if not stopped(stop):
        if pending and n_sp > 0:
            _deliver(parts, n_steps * dt, mg_k, fired, n_sp, no, q, qa, state, rule)
        _deliver(parts, n_steps * dt, mg_k, fired, np.int64(0), yes, q, qa, state, rule)
        report(done, n_steps)
    return (
        spike_t[: kept[0]],
        spike_i[: kept[0]],
        counts,
        st[:, 2].copy(),
        rho_samples,
        cells[0],
        kept[1] != 0,
        cells[7],
        ca_pre,
        st,
    )


@BACKENDS.register("numba_cpu")
class NumbaCPU(Backend):
    """Today's engine: numba-compiled loops on the CPU, one thread per replica or, when
    there are fewer replicas than threads and the network is large, a replica's neuron
    blocks on every thread (:func:`split_threads`).

    >>> from magsynapse.network.backends import (RunPlan, Stimuli, STIM_DTYPE, Replica,
    ...                                          RuleKernel)
    >>> from magsynapse.network import load_config
    >>> from magsynapse.network.params import parameter_record
    >>> from magsynapse.synapse.kernels import hold_advance
    >>> b = NumbaCPU()
    >>> net = b.connectivity(50, 40, Wiring(0.1), key=3)
    >>> q = parameter_record(load_config("mgnet"))
    >>> rep = Replica(net, q, np.array([1.0]), np.full(50, -60.0),
    ...               np.full(len(net.ee_pre), 0.5), np.uint64(5))
    >>> stim = Stimuli(np.zeros(0, STIM_DTYPE), np.zeros((0, 50), np.uint8))
    >>> rule = RuleKernel(hold_advance, np.zeros(1))
    >>> [r] = b.run([rep], RunPlan(1000, 100, True, np.zeros(0, np.int64)), stim, rule, 1)
    >>> r.counts.shape, r.rho.shape == rep.rho0.shape
    ((10, 2), True)
    """

    name = "numba_cpu"

    def connectivity(
        self, n: int, n_exc: int, wiring: Wiring, key: int, threads: int = 1
    ) -> Connectivity:
        return build_connectivity(n, n_exc, wiring, key, threads)

    def run(
        self,
        replicas: Sequence[Replica],
        plan: RunPlan,
        stimuli: Stimuli,
        rule: RuleKernel,
        threads: int,
        progress: Callable[[int], None] | None = None,
    ) -> list[ReplicaResult]:
        n_neurons = replicas[0].v0.shape[0] if replicas else 0
        dt = float(replicas[0].q["dt"]) if replicas else 0.0
        max_spikes = int(n_neurons * plan.n_steps * dt / 1000.0 * 200) + 1000
        kernel = (rule.advance, np.ascontiguousarray(rule.params, dtype=np.float64))
        workers, per_replica = split_threads(len(replicas), n_neurons, int(threads))
        stop = stop_flag()
        done = progress_counter(len(replicas))

        def one(i):
            rep = replicas[i]
            if per_replica > 1:
                nb.set_num_threads(per_replica)  # for the kernels this thread launches
            qa = np.array([rep.q], dtype=rep.q.dtype)
            size = max_spikes
            while True:
                args = (rep.q, qa, rep, plan, stimuli, kernel, size, stop, done[i : i + 1])
                out = run_replica(*args, per_replica)
                out = ReplicaResult(*out)
                if not out.overflow or stop[0]:
                    return out
                size *= 4  # pragma: no cover - only for rates above 200 Hz

        # the kernels run without the GIL in worker threads; Ctrl-C stops them within a
        # time step (magsynapse.interrupt)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(one, i) for i in range(len(replicas))]
            on_wait = None if progress is None else lambda: progress(int(done.sum()))
            return wait_all(futures, stop, on_wait)


def split_threads(n_replicas: int, n_neurons: int, threads: int) -> tuple[int, int]:
    """How ``threads`` threads run ``n_replicas`` replicas of ``n_neurons`` neurons:
    (replicas at once, threads per replica). Replica-parallel (one thread each) unless the
    network's blocks (:data:`.base.BLOCK`) offer more threads work than the replicas do;
    then network-parallel, one replica at a time on up to one thread per block. Either
    way a replica's numbers are the same.

    >>> split_threads(8, 4000, 2), split_threads(1, 4000, 2), split_threads(1, 1000, 2)
    ((2, 1), (1, 2), (1, 1))
    >>> split_threads(2, 40000, 16)
    (1, 16)
    """
    threads = max(1, int(threads))
    by_replica = min(threads, max(1, n_replicas))
    by_block = min(threads, n_blocks(n_neurons))
    if by_block > by_replica:
        return 1, by_block
    return by_replica, 1
