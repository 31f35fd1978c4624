"""The analysis of a two-arm trial as published: ANCOVA on change from baseline, Cohen's
d with its confidence interval, and the p value.

:func:`ancova` fits change = a + effect·treated + b·(baseline − mean baseline) by
ordinary least squares; the effect is the baseline-adjusted difference of mean change
(treated − control), its standard error from the residual variance (n − 3 degrees of
freedom), its p value two-sided from Student's t. Cohen's d is the difference of mean
change divided by the pooled standard deviation of change, with the large-sample
confidence interval of Hedges & Olkin (1985): se(d)² = (n₁ + n₂)/(n₁n₂) + d²/(2(n₁ + n₂)).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from ..errors import MagsynapseError


@dataclass(frozen=True)
class TrialResult:
    """One trial's analysis (units of the score; d and p dimensionless)."""

    effect: float
    se: float
    ci_low: float
    ci_high: float
    t: float
    p: float
    df: int
    d: float
    d_ci_low: float
    d_ci_high: float
    n_treated: int
    n_control: int

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def cohens_d(change_treated: np.ndarray, change_control: np.ndarray) -> float:
    """Difference of means over the pooled standard deviation (n − 1 weights).

    >>> round(cohens_d(np.array([2.0, 4.0, 6.0]), np.array([1.0, 2.0, 3.0])), 4)
    1.2649
    """
    a, b = np.asarray(change_treated, float), np.asarray(change_control, float)
    n1, n2 = len(a), len(b)
    pooled = np.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    return float((a.mean() - b.mean()) / pooled)


def ancova(
    baseline: np.ndarray, followup: np.ndarray, treated: np.ndarray, alpha: float = 0.05
) -> TrialResult:
    """ANCOVA on change from baseline with the baseline as covariate.

    Parameters
    ----------
    baseline, followup : array_like
        Each completer's score at baseline and at the final visit.
    treated : array_like of bool
        True for the treated arm.
    alpha : float
        1 − the confidence level of the intervals.

    Returns
    -------
    TrialResult

    Examples
    --------
    With equal baselines the effect is the difference of mean change, (3.33 − 1.33):

    >>> r = ancova([10] * 6, [12, 15, 13, 13, 9, 12], [True, True, True, False, False, False])
    >>> round(r.effect, 6), r.n_treated, r.n_control
    (2.0, 3, 3)
    """
    x0 = np.asarray(baseline, dtype=float)
    x1 = np.asarray(followup, dtype=float)
    g = np.asarray(treated, dtype=bool)
    if not (x0.ndim == x1.ndim == g.ndim == 1 and len(x0) == len(x1) == len(g)):
        raise MagsynapseError("ancova: baseline, followup and treated must be equal 1-D arrays")
    if np.any(~np.isfinite(x0)) or np.any(~np.isfinite(x1)):
        raise MagsynapseError("ancova: scores must be finite")
    n1, n2 = int(g.sum()), int((~g).sum())
    if n1 < 2 or n2 < 2:
        raise MagsynapseError("ancova: each arm needs at least 2 completers")
    if not (0 < alpha < 1):
        raise MagsynapseError(f"alpha: must be in (0, 1) (got {alpha})")
    change = x1 - x0
    design = np.column_stack([np.ones_like(x0), g.astype(float), x0 - x0.mean()])
    coef, _, rank, _ = np.linalg.lstsq(design, change, rcond=None)
    df = len(change) - rank
    if df < 1:
        raise MagsynapseError("ancova: too few completers for the model")
    resid = change - design @ coef
    sigma2 = resid @ resid / df
    cov = sigma2 * np.linalg.pinv(design.T @ design)
    effect, se = float(coef[1]), float(np.sqrt(cov[1, 1]))
    t = effect / se if se > 0 else np.inf * np.sign(effect)
    p = float(2 * stats.t.sf(abs(t), df))
    q = stats.t.ppf(1 - alpha / 2, df)
    d = cohens_d(change[g], change[~g])
    se_d = np.sqrt((n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2)))
    z = stats.norm.ppf(1 - alpha / 2)
    return TrialResult(
        effect,
        se,
        effect - q * se,
        effect + q * se,
        float(t),
        p,
        int(df),
        d,
        float(d - z * se_d),
        float(d + z * se_d),
        n1,
        n2,
    )


def power(p_values: np.ndarray, alpha: float = 0.05) -> float:
    """Share of trial replicates significant at ``alpha``.

    >>> power(np.array([0.01, 0.2, 0.03, 0.5]))
    0.5
    """
    p = np.asarray(p_values, dtype=float)
    if p.size == 0 or np.any(~np.isfinite(p)):
        raise MagsynapseError("power: give the finite p values of one or more replicates")
    return float(np.mean(p < alpha))
