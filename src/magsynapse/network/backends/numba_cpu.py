"""The numba CPU backend: one compiled loop per replica, replicas in parallel threads.

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
* Random numbers: one xoshiro256** stream per replica, keyed by the root seed, so a replica
  is identical alone, in a batch or on another worker.

The kernels read the parameter record (:data:`..params.PARAM_DTYPE`) by field name.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numba as nb
import numpy as np

from ...interrupt import stop_flag, stopped, wait_all
from ...numerics import exp_poly
from ...receptors.block import unblocked, unblocked_vectorised
from ...synapse.kernels import _seed_state
from .base import (
    BACKENDS,
    Backend,
    Connectivity,
    Replica,
    ReplicaResult,
    RuleKernel,
    RunPlan,
    Stimuli,
    Wiring,
)
from .numba_draws import N_CDF, drive_pass, poisson_cdf, poisson_inv, uniform
from .numba_graph import build_connectivity
from .numba_plastic import POST_BUFFER, touch


@nb.njit(cache=True, error_model="numpy")
def _membrane(cells, q, mg_k):  # pragma: no cover - compiled
    """One forward-Euler step of every neuron's V (refractory neurons held at V_reset,
    their NMDA calcium load and adaptation frozen) and the exact conductance decays.
    ``cells`` = (v, ga, gg, na, nb, ref, w_ad, ca_load). Branch-free so that it
    vectorises; AdEx and LIF are separate loops."""
    v, ga, gg, na, nb_, ref, w_ad, ca_load = cells
    dt, c_m, gl, el, ee, ei = q.dt, q.c_m, q.g_l, q.e_l, q.e_exc, q.e_inh
    vreset, scale, ba, g_tonic = q.v_reset, q.nmda_scale, q.block_a, q.g_tonic
    da, dg, dnd, dnr = q.decay_ampa, q.decay_gaba, q.decay_nmda_d, q.decay_nmda_r
    fca, thr = q.f_ca, q.load_thr
    vt, delta_t, a_ad, tau_w = q.v_t, q.delta_t, q.a, q.tau_w
    n = v.shape[0]
    if q.adex:
        for i in range(n):
            vi = v[i]
            free = ref[i] <= 0
            i_nmda = scale * (na[i] - nb_[i]) * (vi - ee) * unblocked_vectorised(vi, mg_k, ba)
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
            i_nmda = scale * (na[i] - nb_[i]) * (vi - ee) * unblocked_vectorised(vi, mg_k, ba)
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
def run_replica(q, rep, plan, stim, rule, max_spikes, stop):  # pragma: no cover - compiled
    """Simulate one replica (:class:`.base.Replica`) for ``plan.n_steps`` with the
    parameter record ``q``; at most ``max_spikes`` spikes are kept. The loop ends early,
    with an incomplete result, as soon as ``stop[0]`` is set (by another thread).

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
    n_exc = q.n_exc
    ca_load = np.zeros(n)
    n_stim = table.shape[0]
    shared = np.zeros(n_stim, dtype=np.int64)
    stim_cdf = np.empty((n_stim, 2, N_CDF))
    for m in range(n_stim):
        stim_cdf[m] = poisson_cdf(table[m].lam)
    dt = q.dt
    v = v0.copy()
    w_ad = np.zeros(n)
    ga = np.zeros(n)
    gg = np.zeros(n)
    na = np.zeros(n)
    nb_ = np.zeros(n)
    ref = np.zeros(n, dtype=np.int64)
    cells = (v, ga, gg, na, nb_, ref, w_ad, ca_load)
    n_syn = rep.rho0.shape[0]
    diag = q.diag
    st = np.zeros((n_syn, 5 if diag else 3))
    st[:, 2] = rep.rho0
    ca_pre = np.zeros(n_syn if diag else 0)
    post_buf = np.zeros((n, POST_BUFFER))
    post_count = np.zeros(n, dtype=np.int64)
    since_catchup = np.zeros(n, dtype=np.int64)
    syn = (st, net.ee_post, post_buf, post_count)
    state = np.empty(4, dtype=np.uint64)
    _seed_state(rep.key, 0, state)
    spare = np.zeros(2)
    rng = (state, spare)
    lam = q.lam
    cdf = poisson_cdf(lam)
    n_bins = (n_steps + bin_steps - 1) // bin_steps
    counts = np.zeros((n_bins, 2))
    spike_t = np.empty(max_spikes if record_spikes else 0)
    spike_i = np.empty(max_spikes if record_spikes else 0, dtype=np.int32)
    n_spikes = 0
    overflow = False
    spiked = np.empty(n, dtype=np.int64)
    rho_samples = np.zeros(rho_steps.shape[0])
    r_next = 0
    plastic = q.plastic
    adex = q.adex
    vgate = q.vgate
    vth, vreset, nref = q.v_th, q.v_reset, q.n_ref
    wdrive = q.w_drive
    ba = q.block_a
    out_ptr, out_post, out_kind, out_syn = net.out_ptr, net.out_post, net.out_kind, net.out_syn
    in_ptr, in_syn = net.in_ptr, net.in_syn
    for step in range(n_steps):
        if stopped(stop):
            break
        t_sp = (step + 1) * dt
        mg = mg_t[step] if mg_t.shape[0] > 1 else mg_t[0]
        mg_k = mg / q.block_k
        n_sp = 0
        row = step // bin_steps
        t_now = step * dt
        for m in range(n_stim):
            if table[m].start <= t_now < table[m].stop and table[m].correlated:
                shared[m] = poisson_inv(uniform(state), table[m].lam, stim_cdf[m])
        # external Poisson drive and stimuli onto AMPA
        if lam > 0.0:
            drive_pass(ga, wdrive, lam, cdf, state)
        for m in range(n_stim):
            if table[m].start <= t_now < table[m].stop:
                for i in range(n):
                    if mask[m, i]:
                        if table[m].correlated:
                            k = shared[m]
                        else:
                            k = poisson_inv(uniform(state), table[m].lam, stim_cdf[m])
                        ga[i] += table[m].weight * k
        # membrane and conductances (one vectorised pass)
        _membrane(cells, q, mg_k)
        # threshold and reset (a vectorised count first: most steps have no spike)
        for i in range(n if _n_above(v, vth) > 0 else 0):
            if v[i] > vth:
                v[i] = vreset
                ref[i] = nref
                if adex:
                    w_ad[i] += q.b
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
                            touch(in_syn[e], t_sp, syn, q, rng, rule)
                        since_catchup[j] = 0
        # synaptic transmission (no delay) and presynaptic calcium
        for k in range(n_sp):
            j = spiked[k]
            for e in range(out_ptr[j], out_ptr[j + 1]):
                post = out_post[e]
                kind = out_kind[e]
                if kind == 0:
                    ga[post] += q.w_ee_ampa
                    s = out_syn[e]
                    if plastic:
                        touch(s, t_sp, syn, q, rng, rule)
                        if vgate:
                            inc = q.c_pre * unblocked(v[post], mg_k, ba)
                        else:
                            inc = q.c_pre
                        st[s, 0] += inc
                        if diag:
                            ca_pre[s] += inc
                    w = q.w_ee_nmda * st[s, 2]
                    na[post] += w
                    nb_[post] += w
                elif kind == 1:
                    ga[post] += q.w_ei_ampa
                    na[post] += q.w_ei_nmda
                    nb_[post] += q.w_ei_nmda
                elif kind == 2:
                    gg[post] += q.w_ie_gaba
                else:
                    gg[post] += q.w_ii_gaba
        # online reduction: mean efficacy at requested steps
        while r_next < rho_steps.shape[0] and rho_steps[r_next] == step + 1:
            if plastic:
                for s in range(n_syn):
                    touch(s, t_sp, syn, q, rng, rule)
            rho_samples[r_next] = st[:, 2].mean() if n_syn > 0 else np.nan
            r_next += 1
    if plastic:
        t_end = n_steps * dt
        for s in range(n_syn):
            touch(s, t_end, syn, q, rng, rule)
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


@BACKENDS.register("numba_cpu")
class NumbaCPU(Backend):
    """Today's engine: numba-compiled loops on the CPU, one thread per replica.

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

    def connectivity(self, n: int, n_exc: int, wiring: Wiring, key: int) -> Connectivity:
        return build_connectivity(n, n_exc, wiring, key)

    def run(
        self,
        replicas: Sequence[Replica],
        plan: RunPlan,
        stimuli: Stimuli,
        rule: RuleKernel,
        threads: int,
    ) -> list[ReplicaResult]:
        n_neurons = replicas[0].v0.shape[0] if replicas else 0
        dt = float(replicas[0].q["dt"]) if replicas else 0.0
        max_spikes = int(n_neurons * plan.n_steps * dt / 1000.0 * 200) + 1000
        kernel = (rule.advance, np.ascontiguousarray(rule.params, dtype=np.float64))
        stop = stop_flag()

        def one(rep):
            size = max_spikes
            while True:
                out = ReplicaResult(*run_replica(rep.q, rep, plan, stimuli, kernel, size, stop))
                if not out.overflow or stop[0]:
                    return out
                size *= 4  # pragma: no cover - only for rates above 200 Hz

        # the kernels run without the GIL in worker threads; Ctrl-C stops them within a
        # time step (magsynapse.interrupt)
        with ThreadPoolExecutor(max_workers=max(1, min(threads, len(replicas)))) as pool:
            return wait_all([pool.submit(one, rep) for rep in replicas], stop)
