"""Plasticity rules in closed form (specification §4)."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from magsynapse.synapse import BISTABLE_SETS, OMEGA_ETA, eta, gb_change, omega, stdp
from magsynapse.synapse.kernels import cubic_flow
from magsynapse.synapse.rules import gb_change_se, gb_transition_probabilities


def test_shouval_omega_target():
    """Shouval, Bear & Cooper 2002: Ω(0.55 µM) = 0.5 (specification §4 public target)."""
    assert float(omega(0.55)) == pytest.approx(0.5, abs=1e-6)


def test_shouval_omega_limits_and_eta():
    assert float(omega(0.0)) == pytest.approx(0.25, abs=1e-9)
    assert float(omega(5.0)) == pytest.approx(1.0, abs=1e-9)
    assert float(omega(0.45)) < 0.1  # depression window between α1 and α2
    # η(0) = 1/(P1/P2 + P4): a ≈ 3 h time constant at rest (folmez/CaDP-MatLab note)
    assert 1 / float(eta(0.0)) / 3600 == pytest.approx(2.78, abs=0.01)
    assert float(eta(1.0)) == pytest.approx(1 / (0.1 / (1e-5 + 1) + 1), rel=1e-12)


@pytest.mark.parametrize(("dt", "expected"), [(10.0, 1.221), (-20.0, 0.765)])
def test_graupner_brunel_dp_targets(dt, expected):
    """GB2012 DP set, 60 pairs at 1 Hz, analytic readout (specification §4: ±0.005)."""
    ds = stdp([dt], mg=1.0)
    assert float(ds.change.sel(mg=1.0, dt=dt)) == pytest.approx(expected, abs=0.005)


def test_gb_readout_limits():
    """Independent bookkeeping: all DOWN synapses switch up ⇒ weight b·β + b·(1−β)."""
    beta, b = 0.5, 5.0
    assert float(gb_change(0.0, 0.0, beta, b)) == 1.0
    assert float(gb_change(1.0, 0.0, beta, b)) == pytest.approx(b / (beta + (1 - beta) * b))
    assert float(gb_change(0.0, 1.0, beta, b)) == pytest.approx(1 / (beta + (1 - beta) * b))


def test_transition_probability_matches_ou_monte_carlo():
    """The erf formula against exact sampling of the same Ornstein–Uhlenbeck process."""
    ps = BISTABLE_SETS["DP"]
    alpha_d, alpha_p, t_total = 0.03, 0.02, 60e3
    u, d = gb_transition_probabilities(alpha_d, alpha_p, t_total, ps)
    gp, gd = ps["gamma_p"] * alpha_p, ps["gamma_d"] * alpha_d
    tau = ps["tau"] * 1000
    rate = (gp + gd) / tau
    mean_inf = gp / (gp + gd)
    var_rate = ps["sigma"] ** 2 * (alpha_p + alpha_d) / tau
    var = var_rate * (1 - np.exp(-2 * rate * t_total)) / (2 * rate)
    rng = np.random.default_rng(1)
    n = 400_000
    for rho0, p_formula, above in ((0.0, u, True), (1.0, d, False)):
        mean = mean_inf + (rho0 - mean_inf) * np.exp(-rate * t_total)
        rho = mean + np.sqrt(var) * rng.standard_normal(n)
        p_mc = np.mean(rho > 0.5) if above else np.mean(rho < 0.5)
        se = np.sqrt(p_mc * (1 - p_mc) / n)
        assert float(p_formula) == pytest.approx(p_mc, abs=4 * se)


@pytest.mark.parametrize("rho_star", [0.5, 0.3])
@pytest.mark.parametrize("rho0", [0.02, 0.45, 0.55, 0.97, 1.2])
def test_cubic_flow_matches_ode_solver(rho0, rho_star):
    """The closed form (ρ* = ½) and the RK4 branch against scipy's solve_ivp."""
    tau, t = 150e3, 40e3
    ref = solve_ivp(
        lambda _, r: -r * (1 - r) * (rho_star - r) / tau, (0, t), [rho0], rtol=1e-11, atol=1e-13
    ).y[0, -1]
    assert cubic_flow(rho0, t, tau, rho_star) == pytest.approx(ref, abs=1e-8)


def test_monte_carlo_error_is_binomial():
    se = gb_change_se(np.array([0.5]), np.array([0.5]), 1000, 0.5, 5.0)
    expected = np.sqrt(2 * (0.5 * 4 / 3) ** 2 * 0.25 / 1000)
    assert float(se[0]) == pytest.approx(expected)


def test_omega_eta_parameters_carry_sources():
    assert OMEGA_ETA.params["p2"].source == "folmez_cadp"
    assert "typo" in OMEGA_ETA.params["p2"].note
