"""The network engine's compiled loop (numba) and the connectivity it runs on.

Numerics (docs/network.md):

* Neurons: conductance-based LIF or AdEx, forward Euler for V at ``dt`` (as Brian2's
  reference) with the NMDA block evaluated at the current V; refractory neurons are held
  at V_reset. The update of all neurons is one branch-free pass that vectorises: its
  exponentials use :func:`exp_poly` (no library call, 2e-14 relative to ``math.exp``).
* Conductances are summed per neuron and decay exactly (a constant factor per step); the
  NMDA dual exponential is the difference of a decay and a rise accumulator, both jumped by
  the weight, g = τ_d/(τ_d − τ_r)·(a − b) — exact.
* Poisson drive: the number of input spikes a neuron gets in a step is drawn from a
  Poisson law by inversion (the sum of its independent sources), two neurons per 64-bit
  random number (32-bit uniforms: probabilities exact to 2e-10).
* Plastic E→E synapses are event-driven and updated lazily: a synapse is brought up to
  date only when its presynaptic neuron spikes (its NMDA weight needs ρ then), or when its
  postsynaptic neuron's spike buffer is about to wrap, or when ρ is recorded. A
  postsynaptic spike only enters its neuron's buffer; when a synapse is updated it reads
  the post spikes since its last update, so its calcium is a known sum of exponentials and
  the threshold crossings are computed in closed form; ρ is advanced exactly by the
  segment integrator of the synapse layer (closed-form cubic below threshold, exact OU
  with Strang splitting above; noise-free rules take a fast path with one logarithm per
  calcium decay). No per-synapse work is done on quiet steps, and none at a postsynaptic
  spike.
* Random numbers: one xoshiro256** stream per replica, keyed by the root seed, so a replica
  is identical alone, in a batch or on another worker.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from ..synapse.kernels import (
    _next_u64,
    _seed_state,
    advance_decaying,
    cubic_flow,
    cubic_half_step,
    level_step,
)

# per-replica scalar parameters (columns of the parameter vector)
(
    Q_DT,
    Q_C,
    Q_GL,
    Q_EL,
    Q_VTH,
    Q_VRESET,
    Q_NREF,
    Q_EE,
    Q_EI,
    Q_DA,
    Q_DG,
    Q_DND,
    Q_DNR,
    Q_NMDA_SCALE,
    Q_BK,
    Q_BA,
    Q_LAM,
    Q_WDRIVE,
    Q_W_EE_A,
    Q_W_EE_N,
    Q_W_EI_A,
    Q_W_EI_N,
    Q_W_IE_G,
    Q_W_II_G,
    Q_PLASTIC,
    Q_CPRE,
    Q_CPOST,
    Q_TAUCA,
    Q_THD,
    Q_THP,
    Q_GD,
    Q_GP,
    Q_SIGMA,
    Q_TAU,
    Q_RSTAR,
    Q_VGATE,
    Q_ADEX,
    Q_DELTA_T,
    Q_VT,
    Q_A,
    Q_B,
    Q_TAUW,
    Q_NE,
    Q_GTONIC,
    Q_FCA,
    Q_LOAD_THR,
    Q_GAP_PD,
    Q_FAST,
    Q_DECAY_GAP,
    Q_DIAG,
) = range(50)
N_Q = 50
#: Largest supra-threshold step of the efficacy (ms); the OU part is exact, the cubic
#: (1e-3 of the drift) is split in (Strang), so the step only bounds the splitting error.
H_MAX = 20.0


@nb.njit(cache=True, inline="always")
def _uniform(state):  # pragma: no cover - compiled
    return (float(_next_u64(state) >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


#: Entries of the drive's tabulated Poisson CDF; counts beyond continue the recursion
#: (for MgNet's λ = 0.6 per step, 0.3 % of draws).
N_CDF = 4


@nb.njit(cache=True)
def _poisson_cdf(lam):  # pragma: no cover - compiled
    """P(K <= k) (row 0) and P(K = k) (row 1) for k < N_CDF, K ~ Poisson(λ), by the
    recursion p_k = p_(k−1) λ/k that :func:`_poisson_inv` continues beyond the table."""
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
def _poisson_inv(u, lam, cdf):  # pragma: no cover - compiled
    """Poisson(λ) count for the uniform ``u`` by inversion against :func:`_poisson_cdf`:
    branch-free below N_CDF (k = number of CDF entries below u), the recursion beyond."""
    k = 0
    for j in range(N_CDF):
        k += u > cdf[0, j]
    if k < N_CDF:
        return k
    p = cdf[1, N_CDF - 1]
    cum = cdf[0, N_CDF - 1]
    k = N_CDF - 1
    while u > cum and k < 1000:
        k += 1
        p *= lam / k
        cum += p
    return k


@nb.njit(cache=True, inline="always")
def _drive_pass(ga, weight, lam, cdf, state):  # pragma: no cover - compiled
    """ga[i] += weight · K_i, K_i ~ Poisson(λ): each 64-bit draw gives two 32-bit uniforms
    (neurons i and i + 1), so probabilities are exact to 2⁻³² ≈ 2e-10."""
    n = ga.shape[0]
    for i in range(0, n, 2):
        x = _next_u64(state)
        u = (float(x >> np.uint64(32)) + 0.5) * (1.0 / 4294967296.0)
        ga[i] += weight * _poisson_inv(u, lam, cdf)
        if i + 1 < n:
            u = (float(x & np.uint64(0xFFFFFFFF)) + 0.5) * (1.0 / 4294967296.0)
            ga[i + 1] += weight * _poisson_inv(u, lam, cdf)


#: Post spikes kept per neuron; a neuron's incoming synapses are all brought up to date
#: before its buffer could wrap around.
POST_BUFFER = 32


@nb.njit(cache=True, inline="always")
def _advance(rho, c, length, q, state, spare):  # pragma: no cover - compiled
    """ρ after ``length`` ms of calcium decaying from ``c`` (no events in between)."""
    return advance_decaying(
        rho,
        c,
        length,
        q[Q_TAUCA],
        q[Q_THD],
        q[Q_THP],
        q[Q_GD],
        q[Q_GP],
        q[Q_SIGMA],
        q[Q_TAU],
        q[Q_RSTAR],
        H_MAX,
        state,
        spare,
        q[Q_SIGMA] > 0.0,
    )


@nb.njit(cache=True, inline="always")
def _level(rho, h, lvl, decay, q, state, spare):  # pragma: no cover - compiled
    """Noise-free ρ after ``h`` ms at threshold level ``lvl`` (bit 0: above θ_d, bit 1:
    above θ_p): the synapse layer's ``level_step``, written out for one short sub-step
    (h ≤ H_MAX, h/2 < 1e-3 τ — cubic half-steps by the midpoint rule, exact linear part);
    ``decay`` is its linear factor exp(−a h/τ) when known, else < 0."""
    tau = q[Q_TAU]
    if h > H_MAX or 0.5 * h >= 1e-3 * tau:
        return level_step(
            rho, h, lvl, q[Q_GD], q[Q_GP], 0.0, tau, q[Q_RSTAR], H_MAX, state, spare, False
        )
    a = (q[Q_GP] if lvl & 2 else 0.0) + (q[Q_GD] if lvl & 1 else 0.0)
    m = (q[Q_GP] if lvl & 2 else 0.0) / a
    if decay < 0.0:
        decay = math.exp(-a * h / tau)
    rho = cubic_half_step(rho, h, tau, q[Q_RSTAR])
    rho = m + (rho - m) * decay
    return cubic_half_step(rho, h, tau, q[Q_RSTAR])


@nb.njit(cache=True, inline="always")
def _segment(s, c, length, st, q, state, spare):  # pragma: no cover - compiled
    """Advance synapse s's ρ over ``length`` ms of calcium decaying from ``c``; with
    diagnostics (``Q_DIAG``) count the time above the thresholds.

    Noise-free with θ_d < θ_p (``Q_FAST``): one logarithm gives both crossing times
    (t_p = t_d − τ_Ca ln(θ_p/θ_d)), the full θ_p → θ_d passage uses a precomputed linear
    factor; otherwise the synapse layer's ``advance_decaying``.
    """
    if q[Q_FAST] <= 0.0:
        if q[Q_DIAG] > 0.0 and c > q[Q_THD]:
            t_d = q[Q_TAUCA] * math.log(c / q[Q_THD])
            st[s, 3] += min(length, t_d)
            if c > q[Q_THP]:
                st[s, 4] += min(length, t_d - q[Q_GAP_PD])
        st[s, 2] = _advance(st[s, 2], c, length, q, state, spare)
        return
    rho = st[s, 2]
    if c > q[Q_THD]:
        t_d = q[Q_TAUCA] * math.log(c / q[Q_THD])
        t_p = t_d - q[Q_GAP_PD]
        diag = q[Q_DIAG] > 0.0
        if diag:
            st[s, 3] += min(length, t_d)
        t = 0.0
        if t_p > 0.0:
            if diag:
                st[s, 4] += min(length, t_p)
            t = min(t_p, length)
            rho = _level(rho, t, 3, -1.0, q, state, spare)
        if t < length:
            end = min(t_d, length)
            full = t_p > 0.0 and end == t_d
            rho = _level(rho, end - t, 1, q[Q_DECAY_GAP] if full else -1.0, q, state, spare)
            t = end
        length -= t
    if length > 0.0:
        rho = cubic_flow(rho, length, q[Q_TAU], q[Q_RSTAR])
    st[s, 2] = rho


@nb.njit(cache=True, inline="always")
def _touch(s, t, st, syn_post, post_buf, post_count, q, state, spare):  # pragma: no cover
    """Bring plastic synapse s to time t.

    ``st[s] = [c, t_last, rho, time above θ_d, time above θ_p]``: calcium just after the
    synapse's last update, and the time (ms) it has spent above each threshold. Calcium
    jumps by C_post at every spike of the postsynaptic neuron, which are read from that
    neuron's buffer (those in (t_last, t]); between jumps it decays exponentially and ρ is
    advanced exactly over the closed-form threshold crossings.
    """
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
    tau_ca = q[Q_TAUCA]
    for m in range(n_new - 1, -1, -1):
        tk = post_buf[j, (count - 1 - m) % POST_BUFFER]
        if tk > t:
            continue
        _segment(s, c, tk - start, st, q, state, spare)
        c = c * math.exp(-(tk - start) / tau_ca) + q[Q_CPOST]
        start = tk
    _segment(s, c, t - start, st, q, state, spare)
    st[s, 0] = c * math.exp(-(t - start) / tau_ca)
    st[s, 1] = t


@nb.njit(cache=True, inline="always", error_model="numpy")
def exp_poly(x):  # pragma: no cover - compiled
    """exp(x) for |x| <= 40 (clamped beyond) without branches or library calls, so that
    loops over neurons vectorise: (Σ_{k<20} (x/64)^k / k!)^64 — truncation below 1e-22,
    rounding amplified by the six squarings to ≲ 2e-14 relative (tested against
    ``math.exp``).

    >>> abs(exp_poly(-3.1) / math.exp(-3.1) - 1.0) < 2e-14
    True
    """
    r = min(max(x, -40.0), 40.0) * (1.0 / 64.0)
    p = 1.0 / 121645100408832000.0
    p = p * r + 1.0 / 6402373705728000.0
    p = p * r + 1.0 / 355687428096000.0
    p = p * r + 1.0 / 20922789888000.0
    p = p * r + 1.0 / 1307674368000.0
    p = p * r + 1.0 / 87178291200.0
    p = p * r + 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    p = p * p
    p = p * p
    p = p * p
    p = p * p
    p = p * p
    return p * p


@nb.njit(cache=True, error_model="numpy")
def _membrane(v, ga, gg, na, nb_, ref, w_ad, ca_load, q, mg_k, adex):  # pragma: no cover
    """One forward-Euler step of every neuron's V (refractory neurons held at V_reset,
    their NMDA calcium load and adaptation frozen) and the exact conductance decays.
    Branch-free so that it vectorises; AdEx and LIF are separate loops."""
    dt, c_m, gl, el, ee, ei = q[Q_DT], q[Q_C], q[Q_GL], q[Q_EL], q[Q_EE], q[Q_EI]
    vreset, scale, ba, g_tonic = q[Q_VRESET], q[Q_NMDA_SCALE], q[Q_BA], q[Q_GTONIC]
    da, dg, dnd, dnr = q[Q_DA], q[Q_DG], q[Q_DND], q[Q_DNR]
    fca, thr = q[Q_FCA], q[Q_LOAD_THR]
    vt, delta_t, a_ad, tau_w = q[Q_VT], q[Q_DELTA_T], q[Q_A], q[Q_TAUW]
    n = v.shape[0]
    if adex:
        for i in range(n):
            vi = v[i]
            free = ref[i] <= 0
            i_nmda = scale * (na[i] - nb_[i]) * (vi - ee) / (1.0 + mg_k * exp_poly(-ba * vi))
            cur = -gl * (vi - el) - (ga[i] + g_tonic) * (vi - ee) - i_nmda - gg[i] * (vi - ei)
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
        for i in range(n):
            vi = v[i]
            free = ref[i] <= 0
            i_nmda = scale * (na[i] - nb_[i]) * (vi - ee) / (1.0 + mg_k * exp_poly(-ba * vi))
            cur = -gl * (vi - el) - (ga[i] + g_tonic) * (vi - ee) - i_nmda - gg[i] * (vi - ei)
            ca_load[i] += max(-fca * i_nmda - thr, 0.0) * dt * free
            v[i] = vi + dt * cur / c_m if free else vreset
            ref[i] = 0 if free else ref[i] - 1
            ga[i] *= da
            gg[i] *= dg
            na[i] *= dnd
            nb_[i] *= dnr


@nb.njit(cache=True)
def _n_above(v, vth):  # pragma: no cover - compiled
    """How many of ``v`` exceed ``vth`` (a branch-free count, vectorised)."""
    k = 0
    for i in range(v.shape[0]):
        k += v[i] > vth
    return k


@nb.njit(cache=True, nogil=True)
def run_replica(
    q,
    mg_t,
    v0,
    out_ptr,
    out_post,
    out_kind,
    out_syn,
    syn_post,
    in_ptr,
    in_syn,
    rho0,
    n_steps,
    key,
    bin_steps,
    record_spikes,
    max_spikes,
    rho_steps,
    stim,
    stim_mask,
):  # pragma: no cover - compiled
    """Simulate one replica for ``n_steps``.

    Plastic synapses are numbered in presynaptic order (``out_syn``), so a spike's
    synapses are contiguous rows of the state; ``in_ptr``/``in_syn`` list the synapses
    onto each neuron for the periodic catch-up of its post-spike buffer.

    ``stim`` (n_stim, 5) rows [start ms, stop ms, λ per step, weight nS, correlated] with
    ``stim_mask`` (n_stim, N) selecting the stimulated neurons: extra Poisson input onto
    AMPA, independent per neuron or (correlated) one shared draw per step.

    Returns (spike_t, spike_i, counts (n_bins, 2), rho_final, rho_samples, v_final,
    overflow, ca_load (N, pA ms above the damage threshold), ca_pre (summed presynaptic
    calcium jumps per plastic synapse; diagnostics only, else empty), synapse state at the
    end (n_syn, 3, or 5 with diagnostics): calcium, time of update, ρ[, ms above θ_d, ms
    above θ_p]). Diagnostics (``q[Q_DIAG]``) cost memory and time, so they are off unless
    asked for.
    """
    n = v0.shape[0]
    n_exc = int(q[Q_NE])
    ca_load = np.zeros(n)
    n_stim = stim.shape[0]
    shared = np.zeros(n_stim, dtype=np.int64)
    stim_cdf = np.empty((n_stim, 2, N_CDF))
    for m in range(n_stim):
        stim_cdf[m] = _poisson_cdf(stim[m, 2])
    dt = q[Q_DT]
    v = v0.copy()
    w_ad = np.zeros(n)
    ga = np.zeros(n)
    gg = np.zeros(n)
    na = np.zeros(n)
    nb_ = np.zeros(n)
    ref = np.zeros(n, dtype=np.int64)
    n_syn = rho0.shape[0]
    diag = q[Q_DIAG] > 0.0
    st = np.zeros((n_syn, 5 if diag else 3))
    st[:, 2] = rho0
    ca_pre = np.zeros(n_syn if diag else 0)
    post_buf = np.zeros((n, POST_BUFFER))
    post_count = np.zeros(n, dtype=np.int64)
    since_catchup = np.zeros(n, dtype=np.int64)
    state = np.empty(4, dtype=np.uint64)
    _seed_state(key, 0, state)
    spare = np.zeros(2)
    lam = q[Q_LAM]
    cdf = _poisson_cdf(lam)
    n_bins = (n_steps + bin_steps - 1) // bin_steps
    counts = np.zeros((n_bins, 2))
    spike_t = np.empty(max_spikes if record_spikes else 0)
    spike_i = np.empty(max_spikes if record_spikes else 0, dtype=np.int32)
    n_spikes = 0
    overflow = False
    spiked = np.empty(n, dtype=np.int64)
    rho_samples = np.zeros(rho_steps.shape[0])
    r_next = 0
    plastic = q[Q_PLASTIC] > 0.0
    adex = q[Q_ADEX] > 0.0
    vgate = q[Q_VGATE] > 0.0
    vth, vreset, nref = q[Q_VTH], q[Q_VRESET], int(q[Q_NREF])
    wdrive = q[Q_WDRIVE]
    ba = q[Q_BA]
    for step in range(n_steps):
        t_sp = (step + 1) * dt
        mg = mg_t[step] if mg_t.shape[0] > 1 else mg_t[0]
        mg_k = mg / q[Q_BK]
        n_sp = 0
        row = step // bin_steps
        t_now = step * dt
        for m in range(n_stim):
            if stim[m, 0] <= t_now < stim[m, 1] and stim[m, 4] > 0.0:
                shared[m] = _poisson_inv(_uniform(state), stim[m, 2], stim_cdf[m])
        # external Poisson drive and stimuli onto AMPA
        if lam > 0.0:
            _drive_pass(ga, wdrive, lam, cdf, state)
        for m in range(n_stim):
            if stim[m, 0] <= t_now < stim[m, 1]:
                for i in range(n):
                    if stim_mask[m, i]:
                        if stim[m, 4] > 0.0:
                            k = shared[m]
                        else:
                            k = _poisson_inv(_uniform(state), stim[m, 2], stim_cdf[m])
                        ga[i] += stim[m, 3] * k
        # membrane and conductances (one vectorised pass)
        _membrane(v, ga, gg, na, nb_, ref, w_ad, ca_load, q, mg_k, adex)
        # threshold and reset (a vectorised count first: most steps have no spike)
        for i in range(n if _n_above(v, vth) > 0 else 0):
            if v[i] > vth:
                v[i] = vreset
                ref[i] = nref
                if adex:
                    w_ad[i] += q[Q_B]
                spiked[n_sp] = i
                n_sp += 1
                counts[row, 0 if i < n_exc else 1] += 1.0
                if record_spikes:
                    if n_spikes < max_spikes:
                        spike_t[n_spikes] = t_sp
                        spike_i[n_spikes] = i
                        n_spikes += 1
                    else:
                        overflow = True
        # post spikes enter their neuron's buffer (read lazily by the incoming synapses)
        if plastic:
            for k in range(n_sp):
                j = spiked[k]
                if j < n_exc:
                    post_buf[j, post_count[j] % POST_BUFFER] = t_sp
                    post_count[j] += 1
                    since_catchup[j] += 1
                    if since_catchup[j] >= POST_BUFFER - 1:
                        for e in range(in_ptr[j], in_ptr[j + 1]):
                            _touch(
                                in_syn[e], t_sp, st, syn_post, post_buf, post_count, q, state, spare
                            )
                        since_catchup[j] = 0
        # synaptic transmission (no delay) and presynaptic calcium
        for k in range(n_sp):
            j = spiked[k]
            for e in range(out_ptr[j], out_ptr[j + 1]):
                post = out_post[e]
                kind = out_kind[e]
                if kind == 0:
                    ga[post] += q[Q_W_EE_A]
                    s = out_syn[e]
                    if plastic:
                        _touch(s, t_sp, st, syn_post, post_buf, post_count, q, state, spare)
                        if vgate:
                            inc = q[Q_CPRE] / (1.0 + mg_k * math.exp(-ba * v[post]))
                        else:
                            inc = q[Q_CPRE]
                        st[s, 0] += inc
                        if diag:
                            ca_pre[s] += inc
                    w = q[Q_W_EE_N] * st[s, 2]
                    na[post] += w
                    nb_[post] += w
                elif kind == 1:
                    ga[post] += q[Q_W_EI_A]
                    na[post] += q[Q_W_EI_N]
                    nb_[post] += q[Q_W_EI_N]
                elif kind == 2:
                    gg[post] += q[Q_W_IE_G]
                else:
                    gg[post] += q[Q_W_II_G]
        # online reduction: mean efficacy at requested steps
        while r_next < rho_steps.shape[0] and rho_steps[r_next] == step + 1:
            if plastic:
                for s in range(n_syn):
                    _touch(s, t_sp, st, syn_post, post_buf, post_count, q, state, spare)
            rho_samples[r_next] = st[:, 2].mean() if n_syn > 0 else np.nan
            r_next += 1
    if plastic:
        t_end = n_steps * dt
        for s in range(n_syn):
            _touch(s, t_end, st, syn_post, post_buf, post_count, q, state, spare)
    return (
        spike_t[:n_spikes],
        spike_i[:n_spikes],
        counts,
        st[:, 2].copy(),
        rho_samples,
        v,
        overflow,
        ca_load,
        ca_pre,
        st,
    )


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
            j += 1 + math.floor(math.log(_uniform(state)) / log_q)
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


def build_connectivity(n: int, n_exc: int, p: float, key: int) -> dict:
    """Random connectivity, each ordered pair independently with probability p, no
    autapses (compiled; row i's targets depend only on (key, i)).
    Returns CSR arrays by presynaptic neuron; plastic E→E synapses are numbered in
    presynaptic order, with ``in_ptr``/``in_syn`` listing those onto each neuron.

    Kinds: 0 E→E (plastic index in ``out_syn``), 1 E→I, 2 I→E, 3 I→I.

    >>> net = build_connectivity(100, 80, 0.1, key=7)
    >>> 0.08 < len(net["out_post"]) / (100 * 99) < 0.12, bool((net["ee_pre"] < 80).all())
    (True, True)
    """
    out_ptr, out_post = _connect(n, float(p), np.uint64(key))
    kind, out_syn, ee_pre, ee_post = _classify(out_ptr, out_post, n_exc)
    in_ptr, in_syn = _incoming(ee_post, n)
    return {
        "out_ptr": out_ptr,
        "out_post": out_post,
        "out_kind": kind,
        "out_syn": out_syn,
        "syn_post": ee_post,
        "in_ptr": in_ptr,
        "in_syn": in_syn,
        "ee_pre": ee_pre,
        "ee_post": ee_post,
    }


@nb.njit(cache=True)
def poisson_counts(key, n_steps, n, lam):  # pragma: no cover - compiled
    """The drive's input counts (n_steps, n), drawn as the engine draws them — for tests."""
    state = np.empty(4, dtype=np.uint64)
    _seed_state(key, 0, state)
    cdf = _poisson_cdf(lam)
    out = np.zeros((n_steps, n), dtype=np.int64)
    g = np.empty(n)
    for step in range(n_steps):
        g[:] = 0.0
        _drive_pass(g, 1.0, lam, cdf, state)
        for i in range(n):
            out[step, i] = int(g[i])
    return out
