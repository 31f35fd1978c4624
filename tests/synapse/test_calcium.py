"""Calcium models and the compiled kernels against independent numpy evaluations."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from magsynapse.receptors import block
from magsynapse.synapse import (
    BISTABLE_SETS,
    c_pre_effective,
    calcium_trace,
    run_protocol,
    stdp,
    stdp_protocol,
)


def test_c_pre_effective_scales_with_resting_block():
    """specification §3: C_pre,eff = C_pre·B(V_rest,[Mg]o)/B(V_rest, 1 mM), V_rest = −65 mV."""
    assert float(c_pre_effective(1.0, 1.0)) == pytest.approx(1.0)
    ratio = float(block(-65.0, 0.8) / block(-65.0, 1.0))
    assert float(c_pre_effective(1.0, 0.8)) == pytest.approx(ratio)


@pytest.mark.parametrize("dt", [-60.0, -20.0, 0.0, 10.0, 30.0])
@pytest.mark.parametrize("mg", [0.6, 1.0, 2.0])
def test_linear_time_above_threshold_is_exact(dt, mg):
    """Event-driven threshold times against a 1-µs grid integration of the same calcium."""
    ds = stdp([dt], mg=mg, pairs=1)
    s = BISTABLE_SETS["DP"]
    t0 = max(0.0, -dt)
    tr = calcium_trace("linear", [t0], [t0 + dt], mg=mg, t_end=1000.0, dt=0.001)
    for name, theta in (("alpha_d", s["theta_d"]), ("alpha_p", s["theta_p"])):
        grid = float(np.sum(tr.ca.values[:-1] > theta) * 0.001)
        assert float(ds[name].item()) * 1000.0 == pytest.approx(grid, abs=0.003)


@pytest.mark.parametrize("dt", [-20.0, 10.0])
@pytest.mark.parametrize("hold", [None, -40.0])
def test_stepped_nmda_calcium_matches_numpy_trace(dt, hold):
    """The compiled event-stepped kernel against plain numpy sums of kernels (1-µs grid)."""
    if hold is None:
        proto = stdp_protocol([dt], pairs=1)
        pre, post = proto.pre[0], proto.post[0]
    else:
        from magsynapse.synapse import pairing_protocol

        proto = pairing_protocol([hold], pulses=1)
        pre, post = proto.pre[0], []
    ds = run_protocol(proto, rule="omega_eta", calcium="nmda_voltage", mg=1.0)
    tr = calcium_trace("nmda_voltage", pre, post, mg=1.0, t_end=1000.0, dt=0.001, v_clamp=hold)
    assert float(ds.ca_peak.item()) == pytest.approx(float(tr.ca.max()), rel=2e-3)
    influx = float(tr.influx.integrate("time"))
    assert float(ds.ca_influx.item()) == pytest.approx(influx, rel=2e-3)


def test_step_size_convergence():
    """Halving both steps changes the Shouval STDP curve by < 0.5 %."""
    dts = [-20.0, 10.0, 60.0]
    a = stdp(dts, rule="omega_eta", calcium="nmda_voltage", pairs=20).change.values
    b = stdp(
        dts, rule="omega_eta", calcium="nmda_voltage", pairs=20, step=0.05, coarse_step=0.5
    ).change.values
    np.testing.assert_allclose(a, b, rtol=5e-3)


@given(mg=st.floats(0.05, 3.0), dmg=st.floats(0.05, 2.0))
def test_nmda_calcium_falls_with_mg(mg, dmg):
    """More Mg blocks more: calcium entry decreases with [Mg]o at every Δt."""
    ds = stdp([-20.0, 10.0], mg=[mg, mg + dmg], rule="omega_eta", calcium="nmda_voltage", pairs=1)
    entry = ds.ca_influx.values
    assert np.all(entry[1] < entry[0])


def test_calcium_kernel_record_has_one_documented_field_per_row():
    from magsynapse.synapse.calcium_kernels import CA_DTYPE, CALCIUM_PARAMETERS

    names = [row[0] for row in CALCIUM_PARAMETERS]
    assert list(CA_DTYPE.names) == names and len(set(names)) == len(names)
    assert all(meaning for _, _, meaning in CALCIUM_PARAMETERS)
