"""Networks over a conditions dataset (person × day, per-person f_2b) and with a third
plasticity rule (BCM) taken from the synapse layer's registry."""

import math

import numpy as np
import pytest

from magsynapse.conditions import make_conditions
from magsynapse.errors import MagsynapseError
from magsynapse.network import load_config, simulate_network
from magsynapse.network.backends import Replica, RuleKernel, RunPlan, get_backend
from magsynapse.network.params import nmda_charge, parameter_record
from magsynapse.network.simulate import network_for_seed, stimulus_table, stream_key
from magsynapse.synapse.params import BISTABLE_SETS
from magsynapse.synapse.rules import RULES
from magsynapse.synapse.rules.bcm import BCM_SETS

CFG = load_config("mgnet").replace(network={"N": 200})


def _cohort():
    return make_conditions(
        mg_o=[[1.0, 1.2], [1.0, 1.0]],
        f_2b=[0.2, 0.8],
        dims=("person", "day"),
        coords={"person": ["p1", "p2"], "day": [0, 84]},
    )


def test_network_runs_over_person_and_day_in_one_call():
    ds = simulate_network(CFG, conditions=_cohort(), seed=[1, 2], T=0.2)
    assert ds.rate_E.dims == ("person", "day", "seed")
    assert ds.rate.dims[:3] == ("person", "day", "seed")
    assert ds.f_2b.dims == ("person",) and ds.mg_o.dims == ("person", "day")
    # each condition is the replica a plain run at its [Mg]o and f_2b gives
    one = simulate_network(CFG, conditions=make_conditions(mg_o=1.2, f_2b=0.2), seed=2, T=0.2)
    np.testing.assert_array_equal(
        ds.rate.sel(person="p1", day=84, seed=2).values, one.rate.squeeze().values
    )


def test_default_conditions_reproduce_the_plain_network():
    """f_2b = 0.5 (the synapse layer's default share) and default release sites are the
    configuration itself: identical spikes."""
    plain = simulate_network(CFG, mg=[0.8, 1.2], seed=3, T=0.2)
    cond = make_conditions(mg_o=[0.8, 1.2], f_2b=0.5, synapse_density=1.0, dims=("mg",))
    same = simulate_network(CFG, conditions=cond, seed=3, T=0.2)
    np.testing.assert_array_equal(plain.rate.values, same.rate.values)


def test_glun2b_lengthens_the_nmda_decay():
    """The NMDA decay of a mixture is τ_d·Q(f)/Q(0.5), Q(f) = (1 − f)·50 + f·200 ms
    (charge-preserving): 40 ms at f = 0 and 160 ms at f = 1 for MgNet's τ_d = 100 ms."""
    for f, tau in ((0.0, 40.0), (1.0, 160.0)):
        q = parameter_record(CFG, f_2b=f)
        assert -CFG.network.dt / math.log(q["decay_nmda_d"]) == pytest.approx(tau, rel=1e-9)
    assert nmda_charge(0.25) == pytest.approx((0.75 * 50 + 0.25 * 200) / 125)
    more = simulate_network(CFG, conditions=make_conditions(f_2b=[0.0, 1.0], dims=("f",)), T=0.3)
    assert float(more.rate_E.isel(f=1)) > float(more.rate_E.isel(f=0))  # more NMDA charge


def test_release_sites_scale_excitatory_weights():
    q = parameter_record(CFG, drive=1.5)
    base = parameter_record(CFG)
    for key in ("w_ee_ampa", "w_ee_nmda", "w_ei_ampa", "w_ei_nmda", "c_pre"):
        assert q[key] == pytest.approx(1.5 * base[key])
    assert q["w_ie_gaba"] == base["w_ie_gaba"] and q["w_drive"] == base["w_drive"]


def test_synaptic_strength_scales_weights_not_calcium():
    q, base = parameter_record(CFG, strength=0.82), parameter_record(CFG)
    for key in ("w_ee_ampa", "w_ee_nmda", "w_ei_ampa", "w_ei_nmda"):
        assert q[key] == pytest.approx(0.82 * base[key])
    assert q["c_pre"] == base["c_pre"]


def test_low_atp_slows_learning():
    """Efficacy changes run at the ATP availability: τ/atp, and less learned in the
    memory task's encoding."""
    assert parameter_record(CFG, atp=0.5)["tau"] == pytest.approx(2 * parameter_record(CFG)["tau"])
    from magsynapse.network.phenomena import memory

    ds = memory(conditions=make_conditions(atp=[1.0, 0.5], dims=("atp",)), observe=0.2, naive=False)
    rho = ds.rho_assembly.isel(seed=0)
    assert float(rho.isel(atp=1)) < 0.8 * float(rho.isel(atp=0))
    with pytest.raises(MagsynapseError, match="atp"):
        parameter_record(CFG.replace(plasticity={"rule": "bcm"}), atp=0.5)


def test_conditions_and_mg_are_exclusive():
    with pytest.raises(MagsynapseError, match="not both"):
        simulate_network(CFG, mg=1.0, conditions=_cohort(), T=0.1)


def _clock_driven_bcm(times, amps, t_end, h, tau_ca, theta, eta, rho):
    """Euler integration on a fixed grid of one synapse's calcium and BCM weight."""
    c, k = 0.0, 0
    decay = math.exp(-h / tau_ca)
    for step in range(int(t_end / h)):
        t = step * h
        while k < times.shape[0] and times[k] <= t + 1e-12:
            c += amps[k]
            k += 1
        phi = eta * 1e-3 * c * (c - theta)
        rho += h * (phi * (1 - rho) if phi >= 0 else phi * rho)
        c *= decay
    return rho


def test_bcm_in_the_network_matches_a_clock_driven_replay():
    """The third rule in the network engine: replaying the engine's spikes through an
    Euler integration of each synapse's calcium and BCM weight gives the final ρ."""
    cfg = load_config("mgnet").replace(
        network={"N": 60},
        plasticity={"voltage_gated_pre": False, "rule": "bcm"},
        connectivity={"p": 0.2},
    )
    q = parameter_record(cfg)
    assert not q["builtin_rule"]
    net, v0 = network_for_seed(cfg, 4)
    rho0 = np.full(len(net.ee_post), 0.5)
    n_steps = 2000
    rep = Replica(net, q, np.array([1.0]), v0, rho0, np.uint64(stream_key(4)))
    rule = RULES["bcm"].network
    kernel = RuleKernel(rule.advance, rule.parameters(BISTABLE_SETS["DP"], 15.0))
    plan = RunPlan(n_steps, 100, True, np.empty(0, dtype=np.int64))
    [out] = get_backend("numba_cpu").run([rep], plan, stimulus_table([], 60, 0.1), kernel, 1)
    s, b = BISTABLE_SETS["DP"], BCM_SETS["linear"]
    t_end = n_steps * cfg.network.dt
    ref = np.empty(len(rho0))
    for k, (pre, post) in enumerate(zip(net.ee_pre, net.ee_post, strict=True)):
        times = np.concatenate([out.spike_t[out.spike_i == pre], out.spike_t[out.spike_i == post]])
        amps = np.concatenate(
            [
                np.full((out.spike_i == pre).sum(), s["c_pre"]),
                np.full((out.spike_i == post).sum(), s["c_post"]),
            ]
        )
        order = np.argsort(times, kind="stable")
        ref[k] = _clock_driven_bcm(
            times[order], amps[order], t_end, 0.005, s["tau_ca"], b["theta_m"], b["eta"], 0.5
        )
    assert np.max(np.abs(out.rho - 0.5)) > 1e-3  # the rule acted
    np.testing.assert_allclose(out.rho, ref, atol=2e-4)


def test_network_rule_names_come_from_the_registry():
    with pytest.raises(MagsynapseError, match="accepted: bcm, bistable"):
        CFG.replace(plasticity={"rule": "omega_eta"})
