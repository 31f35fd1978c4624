"""In-silico trials: reproducible whatever the batch or worker count; a null trial's d
is centred on zero with a false-positive rate near alpha."""

import json
import tomllib
from importlib import resources

import numpy as np
import pytest

from magsynapse.people import cohort, load_design, parse_design, run_trial, simulate_replicates
from magsynapse.people.trial import power_curve


def _small(weeks=2, enrolled=24, completers=22) -> object:
    """The Liu 2016 design shortened (weeks, size) so that tests run in seconds."""
    text = resources.files("magsynapse.people").joinpath("designs/liu2016.toml").read_text()
    data = tomllib.loads(text)
    data.update(weeks=weeks, visits=[0, weeks], enrolled=enrolled, completers=completers)
    data["outcome"]["visit"] = weeks
    return parse_design(data)


@pytest.fixture(scope="module")
def small():
    return _small()


def test_a_replicate_does_not_depend_on_its_batch(small):
    both = simulate_replicates(small, [3, 4], seed=9)
    alone = simulate_replicates(small, [4], seed=9)
    for name in ("score", "composite", "brain_age", "weight", "treated", "completer", "f_2b"):
        np.testing.assert_array_equal(
            both[name].sel(replicate=4).values, alone[name].sel(replicate=4).values
        )
    assert float(both.d.sel(replicate=4)) == float(alone.d.sel(replicate=4))


def test_randomisation_is_balanced_in_every_block(small):
    ds = simulate_replicates(small, [0, 1], seed=2)
    t = ds.treated.values.reshape(2, -1, small.block).sum(axis=2)
    assert np.all(t == small.block // 2)


def test_treated_arm_is_dosed_by_weight_and_raises_brain_mg(small):
    ds = simulate_replicates(small, [0, 1, 2], seed=4)
    rise = (ds.mg_o.isel(visit=-1) - ds.mg_o.isel(visit=0)) / ds.mg_o.isel(visit=0)
    assert float(rise.where(ds.treated).mean()) > 0.003  # two weeks of MgT: under 1 %
    assert abs(float(rise.where(~ds.treated).mean())) < 1e-3


def test_dask_workers_give_the_same_numbers(small, tmp_path):
    one = run_trial(small, 4, seed=3, scheduler="none", progress=False)
    two = run_trial(
        small, 4, seed=3, scheduler="local", workers=2, progress=False, work_dir=tmp_path / "chunks"
    )
    np.testing.assert_array_equal(one.d.values, two.d.values)
    np.testing.assert_array_equal(one.score.values, two.score.values)
    # a re-run with the same folder resumes from the chunk files
    again = run_trial(
        small, 4, seed=3, scheduler="none", progress=False, work_dir=tmp_path / "chunks"
    )
    np.testing.assert_array_equal(again.d.values, one.d.values)


@pytest.mark.slow
def test_null_trial_is_centred_on_zero_with_alpha_false_positives():
    """With the supplement switched off, d is centred on 0 and p < 0.05 in ~5 % of
    replicates (400 replicates: binomial SD 1.1 %)."""
    ds = run_trial(_small(enrolled=20, completers=20), 400, seed=21, effect=False, progress=False)
    s = json.loads(ds.attrs["summary"])
    assert abs(s["d_median"]) < 0.1
    assert 0.02 <= s["significant_either_way"] <= 0.09


def test_power_grows_with_size():
    ds = power_curve(_small(), [8, 24], 6, seed=1)
    assert list(ds.n.values) == [8, 24]
    assert np.all((ds.power >= 0) & (ds.power <= 1))


def test_cohort_scores_follow_the_norms():
    """A cohort's baseline TMT-B rises with age as the norm does (brain age tracks age)."""
    ds = cohort(120, age=(40, 80), seed=5)
    ok = np.isfinite(ds.brain_age.values)  # NaN: a score beyond the norms' ages
    assert ok.mean() > 0.5  # scores faster than an 18-year-old's mean have no brain age
    slope = np.polyfit(ds.age.values[ok], ds.brain_age.values[ok], 1)[0]
    assert slope > 0.3
    assert ds.score.dims == ("subject", "test")


def test_published_value_is_reported_beside_the_prediction():
    ds = run_trial(_small(), 3, seed=1, progress=False)
    s = json.loads(ds.attrs["summary"])
    assert s["published_d"] == load_design("liu2016").published["d"]
    assert "published_inside_90" in s


def test_a_cohort_is_the_same_in_chunks_and_on_dask(monkeypatch):
    import magsynapse.people.trial as tr

    whole = cohort(6, age=(40, 60), seed=8)
    monkeypatch.setattr(tr, "COHORT_CHUNK", 4)
    chunked = cohort(6, age=(40, 60), seed=8, scheduler="local", workers=2)
    for name in ("weight", "score", "readout_age", "composite", "brain_age"):
        np.testing.assert_array_equal(whole[name].values, chunked[name].values)
