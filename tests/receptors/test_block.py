"""Mg2+ block models (specification §1)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from magsynapse.errors import MagsynapseError
from magsynapse.receptors import (
    BLOCK_MODELS,
    SUBUNITS,
    AscherNowakKinetic,
    block,
    block_curves,
    get_block_model,
    half_unblock_voltage,
)

MODELS = BLOCK_MODELS.names()
voltages = st.floats(-120.0, 60.0)
concentrations = st.floats(0.0, 20.0)


@pytest.mark.parametrize(
    ("v", "expected"),
    [(-80, 0.0244), (-60, 0.0796), (-40, 0.2302), (-20, 0.5081), (0, 0.7812)],
)
def test_jahr_stevens_reference_values(v, expected):
    """Jahr & Stevens 1990 (J Neurosci 10:3178) at 1 mM; specification §1 targets, ±5e-4."""
    assert float(block(v, 1.0)) == pytest.approx(expected, abs=5e-4)


def test_half_unblock_voltage():
    """V½ = ln([Mg]o/K0)/γ = −20.5 mV at 1 mM (specification §1)."""
    assert float(half_unblock_voltage(1.0)) == pytest.approx(-20.5, abs=0.05)
    assert float(block(half_unblock_voltage(1.7), 1.7)) == pytest.approx(0.5, abs=1e-12)


def test_woodhull_slope_is_physical():
    """zδF/RT with z = 2, δ = 0.8 at 25 °C is 0.0623/mV (Woodhull 1973; Sharma & Stevens)."""
    _k, a = get_block_model("woodhull").boltzmann()
    assert a == pytest.approx(2 * 0.8 * 96485.33212 / (8.314462618 * 298.15) / 1000)
    assert a == pytest.approx(0.0623, abs=1e-4)


def test_ascher_nowak_steady_state_matches_rates():
    """B∞ = k_off/(k_on + k_off) with the Ascher–Nowak rates (specification §1)."""
    v = np.linspace(-100, 40, 15)
    k_on = 0.610 * 1.2 * np.exp(-v / 17)
    k_off = 5.4 * np.exp(v / 47)
    np.testing.assert_allclose(block(v, 1.2, "ascher_nowak"), k_off / (k_on + k_off), rtol=1e-12)


@pytest.mark.parametrize("model", MODELS)
@given(v=voltages, mg=concentrations, dv=st.floats(0.1, 50.0), dmg=st.floats(0.01, 5.0))
def test_block_monotone_in_v_and_mg(model, v, mg, dv, dmg):
    """B increases with V and decreases with [Mg]o (specification §1 limits)."""
    b = float(block(v, mg, model))
    assert 0 < b <= 1
    assert float(block(v + dv, mg, model)) >= b
    assert float(block(v, mg + dmg, model)) <= b
    if mg > 0:
        assert float(block(v + dv, mg, model)) > b or b > 1 - 1e-12


@pytest.mark.parametrize("model", MODELS)
@given(v=voltages)
def test_block_tends_to_one_without_mg(model, v):
    assert float(block(v, 0.0, model)) == 1.0
    assert float(block(v, 1e-12, model)) == pytest.approx(1.0, abs=1e-6)


def test_glun2c_2d_are_blocked_more_weakly():
    """Qian, Buller & Johnson 2005: GluN2C/2D block is weaker; 2A and 2B share the curve."""
    v = np.linspace(-100, 0, 11)
    b_a = block(v, 1.0, subunit="GluN2A")
    np.testing.assert_array_equal(block(v, 1.0, subunit="GluN2B"), b_a)
    assert np.all(block(v, 1.0, subunit="GluN2C") > b_a)
    assert np.all(block(v, 1.0, subunit="GluN2D") > b_a)
    assert SUBUNITS["GluN2D"]["k_factor"].value >= 4


def test_bad_inputs_raise():
    with pytest.raises(MagsynapseError, match="accepted"):
        block(0.0, 1.0, model="nope")
    with pytest.raises(MagsynapseError, match=">= 0"):
        block(0.0, -1.0)
    with pytest.raises(MagsynapseError, match="subunit"):
        block(0.0, 1.0, subunit="GluN3A")


def test_kinetic_block_relaxes_to_steady_state():
    kin = AscherNowakKinetic()
    t = np.arange(0.0, 20.0, 0.005)
    v = np.where(t < 5, -70.0, 0.0)
    b = kin.simulate(t, v, 1.0)
    assert b[0] == pytest.approx(float(kin.steady_state(-70.0, 1.0)))
    assert b[-1] == pytest.approx(float(kin.steady_state(0.0, 1.0)), rel=1e-9)
    # relaxation at 0 mV has τ = 1/(k_on + k_off) ≈ 0.16 ms ("instantaneous", fast component)
    k_on, k_off = kin.rates(0.0, 1.0)
    tau = 1 / (k_on + k_off)
    i = np.searchsorted(t, 5 + tau)
    frac = (b[i] - b[0]) / (b[-1] - b[0])
    assert frac == pytest.approx(1 - np.exp(-1), abs=0.05)


def test_kampa_unblock_has_slow_components():
    """Kampa et al. 2004: after the fast component, slow 4-ms and 300-ms unblock remains."""
    fast = AscherNowakKinetic()
    slow = AscherNowakKinetic("kampa_2004")
    t = np.arange(0.0, 1500.0, 0.05)
    v = np.where(t < 10, -70.0, 0.0)
    b_fast, b_slow = fast.simulate(t, v, 1.0), slow.simulate(t, v, 1.0)
    b_inf = float(fast.steady_state(0.0, 1.0))
    i1, i20, _i400 = (np.searchsorted(t, 10 + x) for x in (2.0, 20.0, 400.0))
    assert b_fast[i1] == pytest.approx(b_inf, rel=1e-3)
    assert b_slow[i1] < 0.9 * b_inf  # 4-ms and 300-ms components still blocked
    assert b_slow[i20] < b_inf - 0.01  # 300-ms component
    assert b_slow[i20] > b_slow[i1]
    assert b_slow[-1] == pytest.approx(b_inf, rel=1e-3)
    assert np.all(np.diff(b_slow[t > 10]) >= -1e-12)


def test_block_curves_dataset_has_units_and_provenance():
    ds = block_curves([0.6, 1.0], [-60.0, 0.0])
    assert ds.B.dims == ("mg", "v")
    assert ds.B.attrs["units"] == "1"
    assert ds.v.attrs["units"] == "mV"
    assert "jahr_stevens_1990" in ds.attrs["references"]
    assert float(ds.v_half.sel(mg=1.0)) == pytest.approx(-20.5, abs=0.05)
