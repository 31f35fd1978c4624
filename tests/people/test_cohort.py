"""Virtual cohorts: covariates as specified, independent of the batch."""

import numpy as np
import pytest
from scipy import stats

from magsynapse.errors import MagsynapseError
from magsynapse.people.cohort import COVARIATES, draw_covariates


@pytest.fixture(scope="module")
def big():
    return draw_covariates(4000, seed=11, age=(20.0, 90.0))


def test_sex_share(big):
    assert abs(float(big.female.mean()) - 0.5) < 0.025  # 3.2 binomial SDs


@pytest.mark.parametrize(
    "name, men, women",
    [
        ("weight", (86.6, 90.3), (73.5, 77.9)),  # Fryar 2025 (NHANES 2021-2023)
        ("dietary_mg", (326.0, 352.0), (237.0, 256.0)),  # Ford & Mokdad 2003
    ],
)
def test_log_normal_covariates_match_their_median_and_mean(big, name, men, women):
    for flag, (median, mean) in ((0.0, men), (1.0, women)):
        x = big[name].values[big.female.values == flag]
        assert np.median(x) == pytest.approx(median, rel=0.035)
        assert x.mean() == pytest.approx(mean, rel=0.03)


def test_sleep_matches_nhanes(big):
    """NHANES 2015-2016: 7.74 +/- 1.24 h (truncation at 4 and 12 h is beyond 3 SD)."""
    x = big.sleep_hours.values
    assert x.mean() == pytest.approx(7.74, abs=0.06)
    assert x.std() == pytest.approx(1.24, rel=0.05)
    assert x.min() >= 4 and x.max() <= 12


def test_age_is_uniform_over_the_range(big):
    assert stats.kstest((big.age.values - 20) / 70, "uniform").pvalue > 0.001


def test_inclusion_criteria_hold_and_count_the_screened():
    cov = draw_covariates(300, seed=2, age=(50, 70), inclusion={"weight": (50, 100)})
    assert float(cov.weight.min()) >= 50 and float(cov.weight.max()) <= 100
    assert int(cov.screened.min()) >= 1 and float(cov.screened.mean()) > 1


def test_a_person_is_the_same_alone_or_in_a_batch():
    batch = draw_covariates(20, seed=5)
    alone = draw_covariates(1, seed=5, entities=[{"subject": 13}])
    for name in ("female", *COVARIATES):
        assert batch[name].values[13] == alone[name].values[0]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"age": (80, 60)}, "age"),
        ({"inclusion": {"height": (1, 2)}}, "inclusion: unknown covariate 'height'"),
        ({"female_fraction": 1.5}, "female_fraction"),
    ],
)
def test_bad_population_is_a_one_line_error(kwargs, message):
    with pytest.raises(MagsynapseError, match=message):
        draw_covariates(3, seed=1, **kwargs)
