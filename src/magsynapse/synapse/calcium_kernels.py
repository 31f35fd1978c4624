"""Compiled calcium kernels of the synapse layer (numba): linear and stepped calcium.

Every kernel is batched: one call runs every condition of a sweep (protocol condition ×
conditions × parameter set), in parallel over conditions.

* Linear calcium is a sum of exponentials: :func:`linear_segments` walks the sorted
  calcium events and computes every threshold crossing in closed form,
  c(t) = c_k·exp(−(t − t_k)/τ) ⇒ t_cross = t_k + τ·ln(c_k/θ). The result is a list of
  *segments* during which the set of exceeded thresholds is constant. No time step.
* Voltage-dependent NMDA calcium (and linear calcium when a rule integrates a weight
  alongside) is stepped by :func:`stepped_calcium`: exponentially decaying components
  (EPSP, BPAP, NMDA gating) are advanced exactly, calcium by an exponential integrator
  with the trapezoid mean of the influx; fine steps follow each event, coarse steps
  elsewhere; threshold crossings are interpolated linearly; the rule's compiled step
  (:data:`.kernels.STEP_SIGNATURE`) advances its weight at the midpoint calcium.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from ..interrupt import stopped
from ..receptors.block import unblocked
from .kernels import _level


@nb.njit(cache=True, inline="always")
def _close(c, ns, t, start, lvl, seg_end, seg_level, above_d, above_p):  # pragma: no cover
    """End segment ``ns`` of condition c at t: it ran from ``start`` at level ``lvl``."""
    seg_end[c, ns] = t
    seg_level[c, ns] = lvl
    if lvl & 1:
        above_d[c] += t - start
    if lvl & 2:
        above_p[c] += t - start


@nb.njit(parallel=True, cache=True, nogil=True)
def linear_segments(
    ev_ptr, ev_t, ev_amp, tau_ca, theta_d, theta_p, t_end, max_seg, stop
):  # pragma: no cover - compiled
    """Exact threshold segments of the linear (sum-of-exponentials) calcium.

    Returns ``(seg_end, seg_level, n_seg, above_d, above_p, peak)`` where level bit 0
    means c > θ_d and bit 1 means c > θ_p; ``above_*`` are total times (ms) and ``peak``
    the largest calcium value. A condition whose segments overflow ``max_seg`` gets
    ``n_seg = -1``; every condition stops early once ``stop[0]`` is set.
    """
    n_cond = t_end.shape[0]
    seg_end = np.zeros((n_cond, max_seg))
    seg_level = np.zeros((n_cond, max_seg), dtype=np.int8)
    n_seg = np.zeros(n_cond, dtype=np.int64)
    above_d = np.zeros(n_cond)
    above_p = np.zeros(n_cond)
    peak = np.zeros(n_cond)
    for c in nb.prange(n_cond):
        tau = tau_ca[c]
        thd = theta_d[c]
        thp = theta_p[c]
        hi = max(thd, thp)
        lo = min(thd, thp)
        cval = 0.0
        t = 0.0
        lvl = 0
        start = 0.0
        ns = 0
        ok = True
        first = ev_ptr[c]
        last = ev_ptr[c + 1]
        for e in range(first, last + 1):
            if stopped(stop):
                ok = False
                break
            te = ev_t[e] if e < last else t_end[c]
            if te > t_end[c]:
                te = t_end[c]
            # decay from t to te, crossing the thresholds downwards (higher one first)
            for q in range(2):
                th = hi if q == 0 else lo
                if cval > th:
                    tc = t + tau * math.log(cval / th)
                    if tc < te:
                        new = 0
                        if thd < th:
                            new |= 1
                        if thp < th:
                            new |= 2
                        if new != lvl:
                            if ns >= max_seg:
                                ok = False
                                break
                            _close(c, ns, tc, start, lvl, seg_end, seg_level, above_d, above_p)
                            ns += 1
                            lvl = new
                            start = tc
            if not ok:
                break
            cval *= math.exp(-(te - t) / tau)
            t = te
            if e == last or ev_t[e] > t_end[c]:
                break
            cval += ev_amp[e]
            if cval > peak[c]:
                peak[c] = cval
            new = _level(cval, thd, thp)
            if new != lvl:
                if ns >= max_seg:
                    ok = False
                    break
                _close(c, ns, t, start, lvl, seg_end, seg_level, above_d, above_p)
                ns += 1
                lvl = new
                start = t
        if ok and ns < max_seg:
            _close(c, ns, t_end[c], start, lvl, seg_end, seg_level, above_d, above_p)
            ns += 1
            n_seg[c] = ns
        else:
            n_seg[c] = -1
    return seg_end, seg_level, n_seg, above_d, above_p, peak


# --------------------------------------------------------------------------- stepped calcium
#: (name, unit, meaning) of every field of a condition's record (:data:`CA_DTYPE`).
CALCIUM_PARAMETERS: tuple[tuple[str, str, str], ...] = (
    ("nmda", "", "voltage-dependent NMDA calcium (else linear calcium)"),
    ("tau_ca", "ms", "calcium decay time constant"),
    ("amp_pre", "1", "linear calcium: jump per presynaptic spike"),
    ("amp_post", "1", "linear calcium: jump per postsynaptic spike"),
    ("p0g", "uM/(ms mV)", "NMDA: P0 times G, times the presynaptic drive"),
    ("v_ca", "mV", "calcium reversal potential"),
    ("i_f", "1", "NMDA: fast (GluN2A-like) gating jump per presynaptic spike"),
    ("i_s", "1", "NMDA: slow (GluN2B-like) gating jump per presynaptic spike"),
    ("tau_f", "ms", "fast gating decay"),
    ("tau_s", "ms", "slow gating decay"),
    ("v_rest", "mV", "resting spine potential"),
    ("epsp_amp", "mV", "EPSP peak"),
    ("epsp_tau1", "ms", "EPSP decay time constant"),
    ("epsp_tau2", "ms", "EPSP rise time constant"),
    ("bpap_amp", "mV", "BPAP amplitude"),
    ("bpap_i_f", "1", "fast fraction of the BPAP"),
    ("bpap_tau_f", "ms", "BPAP fast decay"),
    ("bpap_tau_s", "ms", "BPAP slow decay"),
    ("mg_o", "mM", "extracellular [Mg2+]"),
    ("block_k", "mM", "block constant K at 0 mV"),
    ("block_a", "1/mV", "block voltage dependence a"),
    ("v_clamp", "mV", "holding potential (NaN: free spine)"),
    ("theta_d", "calcium units", "depression threshold (inf: no segments)"),
    ("theta_p", "calcium units", "potentiation threshold (inf: no segments)"),
    ("t_end", "ms", "protocol duration"),
)
#: The structured dtype of a condition's record: one float64 field per row above.
CA_DTYPE = np.dtype([(name, np.float64) for name, _, _ in CALCIUM_PARAMETERS], align=True)


@nb.njit(cache=True, inline="always")
def _influx(p, v, gf, gs):  # pragma: no cover - compiled
    """NMDA calcium influx (µM/ms) at potential v with gating gf + gs."""
    b = unblocked(v, p.mg_o / p.block_k, p.block_a)
    return p.p0g * (gf + gs) * b * (v - p.v_ca)


@nb.njit(cache=True, inline="always")
def _potential(p, clamp, e1, e2, bf, bs):  # pragma: no cover - compiled
    if clamp:
        return p.v_clamp
    return p.v_rest + (e1 - e2) + (bf + bs)


@nb.njit(cache=True, nogil=True)
def _run_stepped(
    p,
    ev_t,
    ev_kind,
    rule_step,
    rule_p,
    dt,
    dt_coarse,
    window,
    max_seg,
    seg_end,
    seg_level,
    edges,
    occ,
    stop,
):  # pragma: no cover - compiled
    nmda = p.nmda == 1.0
    clamp = not math.isnan(p.v_clamp)
    t_end = p.t_end
    thd = p.theta_d
    thp = p.theta_p
    tau_ca = p.tau_ca
    e1 = 0.0
    e2 = 0.0
    bf = 0.0
    bs = 0.0
    gf = 0.0
    gs = 0.0
    ca = 0.0
    w = rule_p[0]
    rp = rule_p.ctypes
    peak = 0.0
    influx_total = 0.0
    above_d = 0.0
    above_p = 0.0
    lvl = 0
    ns = 0
    ok = True
    n_edges = edges.shape[0]
    t = 0.0
    k = 0
    n_ev = ev_t.shape[0]
    last_ev = -1e300
    bpap_s_frac = 1.0 - p.bpap_i_f
    # EPSP kernel exp(-t/tau1) - exp(-t/tau2), normalised to peak epsp_amp.
    t1 = p.epsp_tau1
    t2 = p.epsp_tau2
    epsp_scale = 0.0
    if nmda:
        tpk = t1 * t2 / (t1 - t2) * math.log(t1 / t2)
        epsp_scale = p.epsp_amp / (math.exp(-tpk / t1) - math.exp(-tpk / t2))

    i_now = 0.0
    while t < t_end:
        if stopped(stop):
            ok = False
            break
        while k < n_ev and ev_t[k] <= t + 1e-9:
            if ev_kind[k] == 0:
                if nmda:
                    e1 += epsp_scale
                    e2 += epsp_scale
                    gf += p.i_f
                    gs += p.i_s
                else:
                    ca += p.amp_pre
            else:
                if nmda:
                    bf += p.bpap_amp * p.bpap_i_f
                    bs += p.bpap_amp * bpap_s_frac
                else:
                    ca += p.amp_post
            last_ev = t
            k += 1
        if ca > peak:
            peak = ca
        new = _level(ca, thd, thp)
        if new != lvl:
            if ns >= max_seg:
                ok = False
                break
            seg_end[ns] = t
            seg_level[ns] = lvl
            ns += 1
            lvl = new
        if nmda:
            i_now = _influx(p, _potential(p, clamp, e1, e2, bf, bs), gf, gs)
        t_next = ev_t[k] if k < n_ev else 1e300
        h = dt if (t - last_ev) < window else dt_coarse
        if t + h > t_next:
            h = t_next - t
        if t + h > t_end:
            h = t_end - t
        if h <= 0.0:
            h = 1e-9
        # exact decay of every linear component
        if nmda:
            e1 *= math.exp(-h / t1)
            e2 *= math.exp(-h / t2)
            bf *= math.exp(-h / p.bpap_tau_f)
            bs *= math.exp(-h / p.bpap_tau_s)
            gf *= math.exp(-h / p.tau_f)
            gs *= math.exp(-h / p.tau_s)
            i_next = _influx(p, _potential(p, clamp, e1, e2, bf, bs), gf, gs)
        else:
            i_next = 0.0
        decay = math.exp(-h / tau_ca)
        i_mean = 0.5 * (i_now + i_next)
        ca_next = ca * decay + tau_ca * (1.0 - decay) * i_mean
        influx_total += i_mean * h
        # rule and threshold bookkeeping on the interval [t, t + h]
        w = rule_step(w, 0.5 * (ca + ca_next), h, rp)
        lo_v = min(ca, ca_next)
        hi_v = max(ca, ca_next)
        for q in range(2):
            th = thd if q == 0 else thp
            if hi_v <= th:
                frac = 0.0
            elif lo_v > th:
                frac = 1.0
            else:
                frac = (hi_v - th) / (hi_v - lo_v)
            if q == 0:
                above_d += frac * h
            else:
                above_p += frac * h
        if n_edges > 0 and hi_v > edges[0]:
            j = 0
            while j < n_edges and edges[j] < lo_v:
                occ[j] += h
                j += 1
            while j < n_edges and edges[j] < hi_v:
                occ[j] += h * (hi_v - edges[j]) / (hi_v - lo_v)
                j += 1
        # crossings inside the step (linear interpolation)
        new = _level(ca_next, thd, thp)
        if new != lvl:
            # order the (at most two) crossings by time
            tc_d = -1.0
            tc_p = -1.0
            if ((lvl ^ new) & 1) != 0:
                tc_d = t + h * (thd - ca) / (ca_next - ca)
            if ((lvl ^ new) & 2) != 0:
                tc_p = t + h * (thp - ca) / (ca_next - ca)
            if tc_d >= 0.0 and tc_p >= 0.0:
                first_is_d = tc_d <= tc_p
                for r in range(2):
                    use_d = first_is_d if r == 0 else not first_is_d
                    if ns >= max_seg:
                        ok = False
                        break
                    seg_end[ns] = tc_d if use_d else tc_p
                    seg_level[ns] = lvl
                    ns += 1
                    lvl ^= 1 if use_d else 2
            else:
                if ns >= max_seg:
                    ok = False
                    break
                seg_end[ns] = tc_d if tc_d >= 0.0 else tc_p
                seg_level[ns] = lvl
                ns += 1
                lvl = new
        if not ok:
            break
        ca = ca_next
        i_now = i_next
        t += h
    if ok and ns < max_seg:
        seg_end[ns] = t_end
        seg_level[ns] = lvl
        ns += 1
    else:
        ns = -1
    return w, peak, influx_total, above_d, above_p, ns


@nb.njit(parallel=True, cache=True, nogil=True)
def stepped_calcium(
    params, ev_ptr, ev_t, ev_kind, rule_step, rule_p, dt, dt_coarse, window, max_seg, edges, stop
):  # pragma: no cover - compiled
    """Step the calcium of every condition; integrate a rule's weight alongside.

    ``rule_step`` is a rule's compiled step (:data:`STEP_SIGNATURE`): the weight after
    ``h`` ms at calcium ``ca`` (the step's midpoint value), reading the rule's parameter
    vector ``rule_p`` (row c; column 0 is the initial weight).

    Returns ``(w_final, peak, influx, above_d, above_p, seg_end, seg_level, n_seg, occ)``;
    ``occ[c, j]`` is the time (ms) calcium spent above ``edges[j]``. Every condition stops
    early, incomplete, once ``stop[0]`` is set (:mod:`magsynapse.interrupt`).
    """
    n_cond = params.shape[0]
    w_final = np.empty(n_cond)
    peak = np.empty(n_cond)
    influx = np.empty(n_cond)
    above_d = np.empty(n_cond)
    above_p = np.empty(n_cond)
    seg_end = np.zeros((n_cond, max_seg))
    seg_level = np.zeros((n_cond, max_seg), dtype=np.int8)
    n_seg = np.empty(n_cond, dtype=np.int64)
    occ = np.zeros((n_cond, edges.shape[0]))
    for c in nb.prange(n_cond):
        a, b = ev_ptr[c], ev_ptr[c + 1]
        res = _run_stepped(
            params[c],
            ev_t[a:b],
            ev_kind[a:b],
            rule_step,
            rule_p[c],
            dt,
            dt_coarse,
            window,
            max_seg,
            seg_end[c],
            seg_level[c],
            edges,
            occ[c],
            stop,
        )
        w_final[c], peak[c], influx[c], above_d[c], above_p[c], n_seg[c] = res
    return w_final, peak, influx, above_d, above_p, seg_end, seg_level, n_seg, occ
