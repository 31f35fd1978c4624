"""The third rule (a calcium-based BCM rule), added in one module and used by protocols."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from magsynapse.synapse import calcium_trace, stdp, stdp_protocol
from magsynapse.synapse.rules.bcm import BCM_SETS, advance


def _euler_bcm(ca: np.ndarray, dt: float, theta: float, eta: float, w0: float) -> float:
    """Independent forward-Euler integration of dw/dt = η φ(c) (1 − w | w) on a trace
    sampled every ``dt`` ms (η in 1/s)."""
    w = w0
    for c in ca[:-1].tolist():
        phi = eta * 1e-3 * c * (c - theta)
        w += dt * (phi * (1.0 - w) if phi >= 0.0 else phi * w)
    return w


@pytest.mark.parametrize("dt", [-20.0, 10.0])
def test_stdp_with_bcm_matches_an_independent_integration(dt):
    """Five pairings at 1 Hz, linear calcium: the kernel's weight equals an Euler
    integration of the same equation on :func:`calcium_trace`'s (numpy) calcium."""
    ds = stdp([dt], pairs=5, mg=1.0, rule="bcm")
    proto = stdp_protocol([dt], pairs=5)
    tr = calcium_trace("linear", proto.pre[0], proto.post[0], t_end=proto.duration[0], dt=0.01)
    s = BCM_SETS["linear"]
    w = _euler_bcm(tr.ca.values, 0.01, s["theta_m"], s["eta"], s["w0"])
    assert float(ds.change.sel(dt=dt).item()) == pytest.approx(w / s["w0"], rel=2e-3)


def test_bcm_advance_equals_quadrature():
    """The closed-form advance over decaying calcium equals numerical integration."""
    theta, eta, tau, c0, length, rho0 = 1.15, 0.4, 20.0, 3.0, 60.0, 0.4

    def rhs(t, w):
        c = c0 * np.exp(-t / tau)
        phi = eta * 1e-3 * c * (c - theta)
        return phi * (1 - w) if phi >= 0 else phi * w

    sol = solve_ivp(rhs, (0, length), [rho0], rtol=1e-10, atol=1e-12, max_step=0.1)
    got = advance(rho0, c0, length, tau, theta_m=theta, eta=eta)
    assert got == pytest.approx(sol.y[0, -1], rel=1e-7)


def test_bcm_potentiates_coincidence_and_depresses_pre_alone():
    ds = stdp([-20.0, 10.0], mg=[0.8, 1.2], rule="bcm")
    assert np.all(ds.change.sel(dt=10.0) > 1.0)
    assert np.all(ds.change.sel(dt=-20.0) < 1.0)
    # more Mg, less NMDA calcium, less potentiation
    assert float(ds.change.sel(dt=10.0, mg=1.2)) < float(ds.change.sel(dt=10.0, mg=0.8))
