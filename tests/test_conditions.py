"""The conditions contract: synapse protocols over person × day with per-person f_2b."""

import numpy as np
import pytest
import xarray as xr

from magsynapse.conditions import as_conditions, flatten, make_conditions
from magsynapse.errors import MagsynapseError
from magsynapse.synapse import frequency, pairing, pairing_protocol, stdp


def _cohort():
    return make_conditions(
        mg_o=[[0.9, 1.0, 1.1], [1.0, 1.0, 1.0]],
        f_2b=[0.3, 0.7],
        dims=("person", "day"),
        coords={"person": ["p1", "p2"], "day": [0, 28, 84]},
    )


def test_stdp_broadcasts_over_person_and_day():
    ds = stdp([-20.0, 10.0], conditions=_cohort(), parameter_set="DP_nmda", calcium="nmda_voltage")
    assert ds.change.dims == ("person", "day", "dt")
    assert ds.f_2b.dims == ("person",)
    assert list(ds.person.values) == ["p1", "p2"]
    # each condition equals a plain run at its own [Mg]o and f_2b
    one = stdp(
        [-20.0, 10.0],
        conditions=make_conditions(mg_o=1.1, f_2b=0.3),
        parameter_set="DP_nmda",
        calcium="nmda_voltage",
    )
    np.testing.assert_allclose(
        ds.change.sel(person="p1", day=84).values, one.change.values.ravel(), rtol=1e-12
    )


def test_default_f_2b_reproduces_the_published_model():
    """Shouval's I_f = I_s = 0.5 is f_2b = 0.5: the GluN2B share's default changes nothing."""
    plain = stdp([-20.0, 10.0], mg=[0.8, 1.2], parameter_set="DP_nmda", calcium="nmda_voltage")
    cond = xr.Dataset({"mg_o": ("mg", [0.8, 1.2]), "f_2b": 0.5}, coords={"mg": [0.8, 1.2]})
    same = stdp([-20.0, 10.0], conditions=cond, parameter_set="DP_nmda", calcium="nmda_voltage")
    np.testing.assert_array_equal(plain.change.values, same.change.values)


def test_f_2b_sets_the_nmda_charge_at_a_clamped_potential():
    """At a fixed potential the NMDA calcium influx is proportional to the gating charge,
    (1 − f)·τ_f + f·τ_s with τ_f = 50 ms and τ_s = 200 ms (Shouval et al. 2002): an exact
    ratio, independent of the kernels' numerics up to the gating tails' truncation."""
    f = np.array([0.0, 0.5, 1.0])
    cond = make_conditions(f_2b=f, dims=("f",))
    ds = pairing([-30.0], pulses=1, conditions=cond)
    influx = ds.ca_influx.sel(hold=-30.0).values
    proto = pairing_protocol([-30.0], pulses=1)
    t = proto.duration[0] - proto.pre[0, 0]  # the gating is integrated up to the end
    charge = (1 - f) * 50.0 * (1 - np.exp(-t / 50.0)) + f * 200.0 * (1 - np.exp(-t / 200.0))
    np.testing.assert_allclose(influx / influx[1], charge / charge[1], rtol=1e-4)


def test_release_sites_scale_the_presynaptic_calcium():
    """The linear model's C_pre (1 for DP at 1 mM) scales with synapse_density ×
    release_probability / 0.3; presynaptic pulses 1 s apart peak at C_pre."""
    cond = make_conditions(synapse_density=[1.0, 1.5], release_probability=0.2, dims=("n",))
    peaks = frequency([1.0], pulses=3, conditions=cond).ca_peak.sel(freq=1.0).values
    np.testing.assert_allclose(peaks, [0.2 / 0.3, 1.5 * 0.2 / 0.3], rtol=1e-6)


def test_stochastic_person_is_the_same_alone_or_in_a_batch():
    both = stdp([10.0], conditions=_cohort(), method="stochastic", reps=200, seed=3)
    alone = stdp(
        [10.0],
        conditions=_cohort().sel(person=["p2"]),
        method="stochastic",
        reps=200,
        seed=3,
    )
    np.testing.assert_array_equal(
        both.change.sel(person="p2").values, alone.change.sel(person="p2").values
    )


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: make_conditions(f_2b=[1.2], dims=("p",)), "f_2b must be finite and in [0, 1]"),
        (lambda: make_conditions(mg_o=[[1.0]], dims=("p",)), "only 1 were named"),
        (lambda: make_conditions(magnesium=1.0), "unknown variable 'magnesium'"),
        (lambda: as_conditions(mg=1.0, conditions=make_conditions(mg_o=1.0)), "not both"),
        (lambda: as_conditions(mg=[1.0, 1.0]), "distinct"),
        (
            lambda: make_conditions(mg_o=xr.DataArray([1.0], dims="p", attrs={"units": "uM"})),
            "must be in mM",
        ),
    ],
)
def test_conditions_errors_are_one_line(build, fragment):
    with pytest.raises(MagsynapseError) as err:
        build()
    assert fragment in str(err.value)


def test_flatten_fills_defaults_and_labels_conditions():
    flat = flatten(_cohort(), {"mg_o": 1.0, "synapse_density": 1.0})
    assert flat.shape == (2, 3)
    assert flat.values["synapse_density"].tolist() == [1.0] * 6
    assert flat.labels[0] == "person=p1|day=0"
