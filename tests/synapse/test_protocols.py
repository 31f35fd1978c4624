"""Protocols: batching, dimensions, errors and Mg-dependence (specification §5)."""

import numpy as np
import pytest

from magsynapse.errors import MagsynapseError, MagsynapseWarning
from magsynapse.receptors import block
from magsynapse.synapse import (
    BISTABLE_SETS,
    frequency,
    pairing,
    snr,
    stdp,
    stdp_protocol,
    theta_burst,
    theta_burst_protocol,
)


def test_one_call_runs_the_whole_grid():
    ds = stdp(
        [-20.0, 10.0],
        mg=[0.8, 1.2],
        parameter_set=["DP", "cortical_slices"],
        freq=[1.0, 5.0],
        pairs=30,
    )
    assert ds.change.dims == ("set", "mg", "freq", "dt")
    assert ds.change.shape == (2, 2, 2, 2)
    one = stdp([10.0], mg=1.2, parameter_set="cortical_slices", freq=5.0, pairs=30)
    assert float(one.change.item()) == pytest.approx(
        float(ds.change.sel(set="cortical_slices", mg=1.2, freq=5.0, dt=10.0)), rel=1e-12
    )


@pytest.mark.parametrize("name", BISTABLE_SETS.names())
def test_every_parameter_set_runs(name):
    calcium = "nmda_voltage" if name == "DP_nmda" else "linear"
    ds = stdp([-20.0, 10.0], mg=1.0, parameter_set=name, calcium=calcium)
    assert np.all(np.isfinite(ds.change.values))
    assert np.all(ds.change.values > 0)


def test_dims_of_each_protocol():
    assert frequency([1.0, 50.0], pulses=20).change.dims == ("mg", "freq")
    assert pairing([-60.0, -20.0], pulses=5).change.dims == ("mg", "hold")
    assert theta_burst([1, 5]).change.dims == ("mg", "bursts")
    assert snr([0.8, 1.2]).snr.dims == ("mg",)


def test_protocol_spike_times():
    p = stdp_protocol([-10.0, 10.0], pairs=3, freq=2.0)
    np.testing.assert_allclose(p.pre[0], [10.0, 510.0, 1010.0])
    np.testing.assert_allclose(p.post[0] - p.pre[0], -10.0)
    np.testing.assert_allclose(p.duration, 1500.0)
    tb = theta_burst_protocol(2)
    np.testing.assert_allclose(tb.pre[0], [0, 10, 20, 30, 200, 210, 220, 230])


def test_theta_burst_ltp_needs_mg_unblock():
    ds = theta_burst([10], mg=[0.1, 1.0])
    assert float(ds.change.sel(mg=0.1).item()) > float(ds.change.sel(mg=1.0).item())


def test_snr_rises_with_mg():
    """Slutsky et al. 2004: raising [Mg]o cuts resting NMDA calcium entry more than
    depolarised entry (B(1.2)/B(0.8) far smaller at −65 mV than at 0 mV), so the SNR rises."""
    assert float(block(-65, 1.2) / block(-65, 0.8)) < float(block(0, 1.2) / block(0, 0.8)) - 0.2
    ds = snr(np.arange(0.4, 2.01, 0.2))
    assert np.all(np.diff(ds.snr.values) > 0)
    assert np.all(np.diff(ds.entry_uncorrelated.values) < 0)
    lin = snr([0.8, 1.2], calcium="linear")
    assert float(lin.snr.sel(mg=1.2)) > float(lin.snr.sel(mg=0.8))


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: stdp([100.0], freq=10.0), "does not fit the pairing period"),
        (lambda: stdp([10.0], mg=-1.0), "mg"),
        (lambda: stdp([10.0], mg=[]), "at least one"),
        (lambda: stdp([10.0], pairs=0), "pairs"),
        (lambda: stdp([10.0], method="exact"), "accepted: analytic, stochastic"),
        (lambda: stdp([10.0], method="stochastic"), "seed"),
        (lambda: stdp([10.0], rule="omega_eta", method="stochastic", seed=1), "deterministic"),
        (lambda: stdp([10.0], parameter_set="XY"), "accepted: DP"),
        (lambda: stdp([10.0], parameter_set="DP_nmda"), "nmda_voltage"),
        (lambda: stdp([10.0], calcium="cubic"), "accepted: linear, nmda_voltage"),
        (lambda: stdp([10.0], rule="hebb"), "accepted: bcm, bistable, omega_eta"),
        (lambda: pairing([-60.0], calcium="linear"), "holding potential"),
        (lambda: frequency([0.0]), "freq"),
        (lambda: stdp([10.0], step=0.0), "step"),
    ],
)
def test_errors_name_the_input(call, fragment):
    with pytest.raises(MagsynapseError) as err:
        call()
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_gb_set_on_nmda_calcium_warns():
    with pytest.warns(MagsynapseWarning, match="DP_nmda is the set calibrated"):
        stdp([10.0], parameter_set="DP", calcium="nmda_voltage")


def test_results_carry_units_and_provenance():
    ds = stdp([10.0], mg=[1.0], method="stochastic", reps=50, seed=2)
    assert ds.mg.attrs["units"] == "mM"
    assert ds.dt.attrs["units"] == "ms"
    assert ds.change.attrs["units"] == "1"
    assert ds.attrs["seed"] == 2
    assert "graupner_brunel_2012" in ds.attrs["references"]
    assert "magsynapse_version" in ds.attrs
    assert '"reps": 50' in ds.attrs["config"]
