"""Receptor kinetics (specification §2)."""

import numpy as np
import pytest

from magsynapse.receptors import (
    RECEPTORS,
    ampa_open_fraction,
    gaba_a_conductance,
    nmda_conductance,
    nmda_kernel,
)


def test_ampa_decays_with_one_over_beta():
    """Destexhe et al. 1994: after the pulse r decays with rate β = 0.18/ms (τ ≈ 5.6 ms)."""
    t = np.array([1.0, 6.0])
    r = ampa_open_fraction(t, [0.0])
    assert r[1] / r[0] == pytest.approx(np.exp(-0.18 * 5.0), rel=1e-9)
    assert 1 / RECEPTORS["ampa"]["beta"] == pytest.approx(5.6, abs=0.1)


def test_ampa_during_pulse_matches_closed_form():
    alpha, beta = 0.94, 0.18
    r = ampa_open_fraction([0.3], [0.0])[0]
    r_inf = alpha / (alpha + beta)
    assert r == pytest.approx(r_inf * (1 - np.exp(-(alpha + beta) * 0.3)), rel=1e-12)


def test_nmda_kernel_subunit_decays():
    """GluN2A decays with ≈70 ms, GluN2B with ≈300 ms (specification §2)."""
    t = np.array([400.0, 500.0])
    a = nmda_kernel(t, 0.0)
    b = nmda_kernel(t, 1.0)
    assert a[1] / a[0] == pytest.approx(np.exp(-100 / 70), rel=1e-3)
    assert b[1] / b[0] == pytest.approx(np.exp(-100 / 300), rel=1e-3)


def test_nmda_mixture_is_linear_and_scaled_by_open_probability():
    t = np.linspace(0, 800, 8001)
    k0, k1, kh = nmda_kernel(t, 0.0), nmda_kernel(t, 1.0), nmda_kernel(t, 0.4)
    np.testing.assert_allclose(kh, 0.6 * k0 + 0.4 * k1, rtol=1e-12)
    assert k0.max() == pytest.approx(1.0, abs=1e-5)
    assert k1.max() == pytest.approx(0.12 / 0.50, abs=1e-4)  # Erreger et al. 2005


def test_nmda_conductance_includes_block():
    g0 = nmda_conductance([20.0], [0.0], v=-65.0, mg=0.0)
    g1 = nmda_conductance([20.0], [0.0], v=-65.0, mg=1.0)
    from magsynapse.receptors import block

    assert g1[0] / g0[0] == pytest.approx(float(block(-65.0, 1.0)))


def test_gaba_a_single_exponential():
    g = gaba_a_conductance([0.0, 10.0, 20.0], [0.0], g_max=4.0)
    np.testing.assert_allclose(g, 4.0 * np.exp(-np.array([0, 10, 20]) / 10.0))
