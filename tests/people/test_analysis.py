"""The trial analysis against independent implementations: statsmodels' OLS for the
ANCOVA, scipy's t test for the unadjusted case, a hand computation of Cohen's d."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from magsynapse.errors import MagsynapseError
from magsynapse.people import ancova, cohens_d, power

# A small fixed data set: 8 treated and 8 control completers (scores in s, lower is
# better, as Trail-Making B).
BASE = np.array([92, 85, 110, 78, 101, 95, 88, 120, 90, 99, 84, 105, 97, 80, 115, 93], float)
FOLLOW = np.array([85, 80, 98, 75, 93, 90, 84, 108, 89, 97, 85, 101, 96, 79, 111, 90], float)
TREATED = np.array([True] * 8 + [False] * 8)


def test_ancova_matches_statsmodels():
    r = ancova(BASE, FOLLOW, TREATED)
    X = sm.add_constant(np.column_stack([TREATED.astype(float), BASE - BASE.mean()]))
    fit = sm.OLS(FOLLOW - BASE, X).fit()
    assert r.effect == pytest.approx(fit.params[1], rel=1e-12)
    assert r.se == pytest.approx(fit.bse[1], rel=1e-10)
    assert r.p == pytest.approx(fit.pvalues[1], rel=1e-9)
    lo, hi = fit.conf_int(0.05)[1]
    assert (r.ci_low, r.ci_high) == (pytest.approx(lo, rel=1e-10), pytest.approx(hi, rel=1e-10))
    assert r.df == int(fit.df_resid) == 13


def test_without_baseline_differences_it_is_the_t_test():
    """With identical baselines the covariate carries nothing: the effect, t and p are
    Student's two-sample t test on change."""
    base = np.full(16, 100.0)
    follow = base + (FOLLOW - BASE)
    r = ancova(base, follow, TREATED)
    change = follow - base
    t = stats.ttest_ind(change[TREATED], change[~TREATED], equal_var=True)
    assert r.effect == pytest.approx(change[TREATED].mean() - change[~TREATED].mean())
    assert r.p == pytest.approx(t.pvalue, rel=1e-9)
    assert r.df == 14 and r.t == pytest.approx(t.statistic, rel=1e-9)


def test_cohens_d_and_its_interval():
    a, b = (FOLLOW - BASE)[TREATED], (FOLLOW - BASE)[~TREATED]
    sp = np.sqrt((7 * np.var(a, ddof=1) + 7 * np.var(b, ddof=1)) / 14)
    d = (a.mean() - b.mean()) / sp
    assert cohens_d(a, b) == pytest.approx(d)
    r = ancova(BASE, FOLLOW, TREATED)
    se = np.sqrt(16 / 64 + d**2 / 32)  # Hedges & Olkin (1985), n1 = n2 = 8
    assert r.d_ci_low == pytest.approx(d - 1.959963985 * se)
    assert r.d_ci_high == pytest.approx(d + 1.959963985 * se)


def test_power_and_false_positives():
    """Under no effect, the share of significant replicates is close to alpha."""
    rng = np.random.default_rng(11)
    p = []
    for _ in range(400):
        base = rng.normal(90, 15, 40)
        follow = base + rng.normal(-2, 8, 40)
        p.append(ancova(base, follow, np.arange(40) < 20).p)
    assert power(np.array(p)) == pytest.approx(0.05, abs=0.03)


@pytest.mark.parametrize(
    "args, message",
    [
        (([1, 2], [1, 2], [True, False]), "at least 2"),
        (([1, 2, 3, 4], [1, 2, 3], [1, 1, 0, 0]), "equal 1-D"),
        (([1, 2, np.nan, 4], [1, 2, 3, 4], [1, 1, 0, 0]), "finite"),
    ],
)
def test_bad_input(args, message):
    with pytest.raises(MagsynapseError, match=message):
        ancova(*args)
