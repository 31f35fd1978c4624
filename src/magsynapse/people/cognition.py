"""Cognitive test scores from network task performance, calibrated to age norms only.

A :class:`CognitiveTest` (registry :data:`TESTS`) names a domain, a published age norm
(:mod:`.norms`), the network readout it is read from, its retest reliability and its
practice effect. The link from readout to score (:class:`Links`) is calibrated on age
alone: for a reference person (the cohort covariates' medians) of every age from 30 to
90 y the slow layer gives the diet-only steady state (GluN2B share and cellular Mg fall
with age, :mod:`magsynapse.slow`) and the network emulator its readouts; the
least-squares line of readout on age, inverted, gives each readout a *readout age*, and
the test's expected score is the norm's mean at the readout age. The link is monotone by
construction, follows the age norms, and was never shown a supplement trial. It is
calibrated anew for every draw of the slow layer's priors
(:func:`.mechanism.reference_links`), so that every hypothetical biology reproduces the
norms. A person's observed score adds a stable trait and an occasion error whose shares
follow the test's reliability, a practice gain at every retest and a placebo response
common to both arms::

    score = norm.score(readout_age, sqrt(rho) * trait + sqrt(1 - rho) * error)
            improved by (practice + placebo) norm SDs

Brain age is the age at which the Trail-Making B norm equals a score (:func:`brain_age`;
a trial's brain-age shift reads the arms' mean scores). The composite is the mean of the
tests' z-scores against the pooled baseline of the people scored, signed so that higher
is better (:func:`composite`).

>>> sorted(TESTS)
['deep_sleep', 'delayed_recall', 'digit_span_backward', 'tmt_a', 'tmt_b']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import MagsynapseError
from ..provenance import Param, Registry
from .norms import DEEP_SLEEP, DELAYED_RECALL, DIGIT_SPAN_BACKWARD, TMT_A, TMT_B, Norm

#: Ages of the link calibration (years): the slow layer's human range.
CALIBRATION_AGES = np.arange(24.0, 98.5, 1.0)
#: Ages over which each readout's line is fitted: those of the norms (18-89 y).
LINK_AGES = (30.0, 90.0)
#: Centre of the links' lines (years).
AGE_CENTRE = 50.0


@dataclass(frozen=True)
class Practice:
    """Practice (retest) gain in SD units at a retest ``interval`` (years) of a person
    of ``age``: Calamia et al. (2012)'s prediction equation
    0.242 − 0.004(age − 40) − 0.058·interval + domain term, or a constant gain."""

    domain_term: float | None = None
    constant: float | None = None
    source: str = "calamia_2012"

    def gain(self, age, interval_years):
        """Expected gain (SD units, ≥ 0) of each retest.

        >>> round(float(Practice(domain_term=-0.008).gain(55.0, 0.25)), 4)
        0.1595
        """
        if self.constant is not None:
            return self.constant + 0 * np.asarray(age, float) * np.asarray(interval_years)
        g = (
            0.242
            - 0.004 * (np.asarray(age, float) - 40.0)
            - 0.058 * np.asarray(interval_years, float)
            + self.domain_term
        )
        return np.maximum(g, 0.0)


@dataclass(frozen=True)
class CognitiveTest:
    """A test: its domain, norm, network readout, reliability and practice effect.

    Attributes
    ----------
    name, domain : str
    norm : Norm
        The age norm (:mod:`.norms`); it sets the unit and which direction is better.
    readout : str
        The readout it is read from (:data:`READOUTS`).
    reliability : Param
        Test-retest correlation (its prior is drawn once per trial replicate).
    practice : Practice
        Gain at a retest.
    note : str
        Why this readout.
    relative : bool
        False: the readout is linked to the norm by age (readout age). True: the readout
        is relative to the person's own reference (1 = unchanged) and scales the norm's
        mean at the person's age (a sleep measure the model has no age course for).
    """

    name: str
    domain: str
    norm: Norm
    readout: str
    reliability: Param
    practice: Practice
    note: str = ""
    relative: bool = False

    @property
    def unit(self) -> str:
        return self.norm.unit

    @property
    def better(self) -> float:
        """+1 when a higher score is better, −1 for timed tests."""
        return -1.0 if self.norm.lower_is_better else 1.0


#: The readouts a test may be read from: the emulator's (``recall``, ``persistence``) and
#: the slow layer's ``slow_wave`` (the night's slow-wave activity, relative).
READOUTS = ("recall", "persistence", "slow_wave")

TESTS: Registry[CognitiveTest] = Registry("cognitive test")
TESTS.register(
    "tmt_b",
    CognitiveTest(
        "tmt_b",
        "executive function",
        TMT_B,
        "persistence",
        Param(
            0.85,
            "1",
            "batista_2013",
            "ICC 0.91 at ~20 days; r 0.44-0.89 from 3 weeks to a year in other samples",
            ("uniform", 0.75, 0.91),
        ),
        Practice(domain_term=-0.008),
        "Trail-Making B time loads on working memory and task switching "
        "(Sanchez-Cubillo 2009): read from the persistence of the cued assembly",
    ),
)
TESTS.register(
    "tmt_a",
    CognitiveTest(
        "tmt_a",
        "attention",
        TMT_A,
        "persistence",
        Param(
            0.85,
            "1",
            "batista_2013",
            "assumed as Trail-Making B (same battery and interval)",
            ("uniform", 0.75, 0.91),
        ),
        Practice(domain_term=0.007),
        "sustained attention as persistent activity; the network's signal-to-noise rises "
        "with age (less background drive), against every attention norm, so it is not used",
    ),
)
TESTS.register(
    "digit_span_backward",
    CognitiveTest(
        "digit_span_backward",
        "working memory",
        DIGIT_SPAN_BACKWARD,
        "persistence",
        Param(
            0.7,
            "1",
            "magsynapse_choice",
            "most pooled test-retest r are >= 0.7 (Calamia 2013); digit span's own is not at hand",
            ("uniform", 0.6, 0.85),
        ),
        Practice(constant=0.28, source="scharfen_2018"),
        "working memory as persistent activity of the cued assembly",
    ),
)
TESTS.register(
    "delayed_recall",
    CognitiveTest(
        "delayed_recall",
        "episodic memory",
        DELAYED_RECALL,
        "persistence",
        Param(0.63, "1", "alioto_2017", "CVLT-II 1-year r 0.57-0.69", ("uniform", 0.57, 0.69)),
        Practice(domain_term=-0.007),
        "episodic memory as the learned efficacy that carries a cued pattern; the network's "
        "cued recall itself barely changes with age (-0.0005 per year against a seed-to-seed "
        "scatter of 0.065), so a link calibrated on age norms would be ill-conditioned",
    ),
)
TESTS.register(
    "deep_sleep",
    CognitiveTest(
        "deep_sleep",
        "deep sleep",
        DEEP_SLEEP,
        "slow_wave",
        Param(
            0.67,
            "1",
            "tucker_2007",
            "night-to-night ICC of slow-wave sleep 0.73 (8 nights, young adults); r 0.61 "
            "between two nights scored by eye in older adults (Larsen 1995)",
            ("uniform", 0.61, 0.73),
        ),
        Practice(constant=0.0, source="magsynapse_choice"),
        "slow-wave sleep scales with the night's slow-wave activity (Process S times the "
        "Mg gain of downscaling), relative to the person's own reference night; the model "
        "has no age course of sleep, so the norm sets the scale at the person's age",
        relative=True,
    ),
)
#: The Liu et al. (2016) composite's four domains, as tests with age norms.
DEFAULT_TESTS = ("tmt_b", "tmt_a", "digit_span_backward", "delayed_recall")

#: Placebo response in norm SD units, common to every arm of a blinded trial: no pooled
#: estimate was found; a prior centred on none.
PLACEBO = Param(
    0.0,
    "1",
    "magsynapse_choice",
    "no pooled placebo-arm change in SD units was found for cognitive tests; centred on "
    "none, with an SD of 0.1",
    ("normal", 0.0, 0.1),
)


def readouts_of(emulated: xr.Dataset) -> dict[str, np.ndarray]:
    """The tests' readouts from emulated session readouts (:meth:`Emulator.predict`):
    ``recall`` and ``persistence`` (the learned efficacy inside the assembly)."""
    return {"recall": np.asarray(emulated.recall), "persistence": np.asarray(emulated.rho_inside)}


@dataclass(frozen=True)
class Links:
    """Readout → readout age, for each readout: the least-squares line of the nominal
    person's readout over the calibration ages (:data:`LINK_AGES`), inverted.

    A line, not the curve itself: where a readout barely moves with age (cued recall
    below 50 y), a local inverse would turn a tiny readout change into decades; the
    line's slope is the readout's mean change per year over the norms' ages. Its lack
    of fit (``rmse``, in readout units, and ``age_error``, in years) is reported.

    Attributes
    ----------
    intercept, slope : dict
        Per readout: value at :data:`AGE_CENTRE` and change per year.
    rmse : dict
        Per readout: RMS residual of the line over the calibration ages.
    """

    intercept: Mapping[str, float]
    slope: Mapping[str, float]
    rmse: Mapping[str, float]

    @classmethod
    def from_curve(cls, ages: np.ndarray, curves: Mapping[str, np.ndarray]) -> Links:
        """Links from readouts over ages.

        >>> links = Links.from_curve(np.array([40., 50, 60, 70]),
        ...                          {"recall": np.array([0.75, 0.7, 0.65, 0.6])})
        >>> round(links.slope["recall"], 6), round(links.intercept["recall"], 6)
        (-0.005, 0.7)
        """
        a = np.asarray(ages, float)
        keep = (a >= LINK_AGES[0]) & (a <= LINK_AGES[1])
        if keep.sum() < 2:
            keep = np.ones_like(a, dtype=bool)
        intercept, slope, rmse = {}, {}, {}
        for name, v in curves.items():
            v = np.asarray(v, float)[keep]
            x = a[keep] - AGE_CENTRE
            b1, b0 = np.polyfit(x, v, 1)
            resid = v - (b0 + b1 * x)
            if not abs(b1) > 1e-9:
                raise MagsynapseError(f"links: {name} does not change with age")
            intercept[name], slope[name] = float(b0), float(b1)
            rmse[name] = float(np.sqrt(np.mean(resid**2)))
        return cls(intercept, slope, rmse)

    def readout_age(self, name: str, value) -> np.ndarray:
        """The age (years) on the line at which the readout equals ``value``.

        >>> links = Links.from_curve(np.array([50., 60, 70]),
        ...                          {"recall": np.array([0.8, 0.7, 0.6])})
        >>> np.round(links.readout_age("recall", [0.75, 0.5]), 9).tolist()
        [55.0, 80.0]
        """
        return AGE_CENTRE + (np.asarray(value, float) - self.intercept[name]) / self.slope[name]

    def age_error(self, name: str) -> float:
        """The line's RMS lack of fit in years."""
        return self.rmse[name] / abs(self.slope[name])


def expected_scores(
    test: CognitiveTest, readout: np.ndarray, links: Links, age: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The age the norm is read at (the readout age; a relative test: the person's age)
    and the expected score there.

    >>> t = TESTS["deep_sleep"]
    >>> a, m = expected_scores(t, np.array([1.1]), None, np.array([45.0]))
    >>> bool(a[0] == 45.0), bool(abs(m[0] / t.norm.mean(45.0) - 1.1) < 1e-12)
    (True, True)
    """
    if test.relative:
        a = np.broadcast_to(np.asarray(age, float), np.shape(readout)).astype(float)
        return a, test.norm.mean(a) * np.asarray(readout, float)
    a = links.readout_age(test.readout, readout)
    return a, test.norm.mean(a)


def observed_scores(
    test: CognitiveTest,
    readout_age: np.ndarray,
    trait: np.ndarray,
    error: np.ndarray,
    reliability: float | np.ndarray,
    improvement: np.ndarray,
    expected: np.ndarray | None = None,
) -> np.ndarray:
    """Scores of people with readout ages, traits and occasion errors (z units), a
    reliability and an improvement (practice + placebo, norm SD units); ``expected``
    (a relative test) replaces the norm's mean at the readout age.

    >>> t = TESTS["digit_span_backward"]
    >>> round(float(observed_scores(t, np.array(23.2), 0.0, 0.0, 0.7, 1.0)) - 5.25, 3)
    1.23
    """
    rho = np.asarray(reliability, float)
    z = np.sqrt(rho) * trait + np.sqrt(1.0 - rho) * error
    if expected is not None:
        shift = np.asarray(expected, float) - test.norm.mean(readout_age)
        return observed_scores(test, readout_age, trait, error, rho, improvement) + shift
    if test.norm.lower_is_better:
        # a gain of g SDs on a log-normal score: z shifted by g (times in log units)
        return test.norm.score(readout_age, z - improvement)
    return test.norm.score(readout_age, z + improvement)


#: Ages the Trail-Making B norms cover (Tombaugh 2004): brain age is not read beyond.
BRAIN_AGE_RANGE = (18.0, 89.0)


def brain_age(tmt_b_seconds) -> np.ndarray:
    """The age (years) at which the Trail-Making B norm's mean equals the score; NaN
    for a score beyond the norms' ages (:data:`BRAIN_AGE_RANGE`: faster than an
    18-year-old's mean, or slower than an 89-year-old's).

    >>> round(float(brain_age(TMT_B.mean(61.5))), 9)
    61.5
    >>> bool(np.isnan(brain_age(20.0)))
    True
    """
    a = TMT_B.age_of(tmt_b_seconds)
    lo, hi = BRAIN_AGE_RANGE
    return np.where((a >= lo) & (a <= hi), a, np.nan)


def composite(scores: Mapping[str, np.ndarray], baseline: Mapping[str, np.ndarray]) -> np.ndarray:
    """Mean z-score over tests, each against the pooled baseline (mean and SD over
    everyone's baseline), signed so that higher is better.

    >>> s = {"tmt_b": np.array([60.0, 80.0]), "delayed_recall": np.array([9.0, 11.0])}
    >>> composite(s, s).tolist()
    [0.0, 0.0]
    """
    zs = []
    for name, x in scores.items():
        b = np.asarray(baseline[name], float)
        b = b[np.isfinite(b)]
        sd = b.std(ddof=1)
        if not sd > 0:
            raise MagsynapseError(f"composite: {name} has no spread at baseline")
        zs.append(TESTS[name].better * (np.asarray(x, float) - b.mean()) / sd)
    return np.mean(zs, axis=0)
