"""Age norms of cognitive tests: the mean score (and its spread) as a function of age,
and its exact inverse — the age at which the norm equals a score ("brain age").

Two kinds of norm, each built from a published table:

- :class:`LogQuadraticNorm` — band means of a timed test fitted as
  log(mean) = c₀ + c₁(a − 50) + c₂(a − 50)² by least squares weighted by the band sizes,
  continued along its tangent beyond the table's ages; the spread is a coefficient of
  variation pooled over bands. Trail-Making A and B (Tombaugh 2004).
- :class:`LinearNorm` — two age groups' means and standard deviations, the mean linear in
  age between (and beyond) them, the SD pooled. Digit span and delayed recall of a
  younger and an older group (Brain Lang 2020).

A norm is monotone over every age (:meth:`Norm.age_of` is its exact inverse); building one
that is not is an error.

>>> tmt = TMT_B
>>> round(float(tmt.age_of(tmt.mean(63.0))), 9)
63.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import MagsynapseError

#: Centre of the age polynomials (years).
AGE_CENTRE = 50.0


@dataclass(frozen=True)
class Band:
    """One row of a normative table: an age band, its mean and SD, and its size."""

    low: float
    high: float
    mean: float
    sd: float
    n: int

    @property
    def mid(self) -> float:
        return 0.5 * (self.low + self.high)


def pooled(bands: list[Band]) -> Band:
    """Bands of one age (e.g. two education strata) pooled into one: the n-weighted mean
    and the SD of the mixture (within- plus between-strata variance).

    >>> b = pooled([Band(55, 59, 78.84, 19.09, 58), Band(55, 59, 68.74, 21.02, 37)])
    >>> round(b.mean, 2), b.n
    (74.91, 95)
    """
    n = np.array([b.n for b in bands], float)
    m = np.array([b.mean for b in bands])
    s = np.array([b.sd for b in bands])
    mean = float(n @ m / n.sum())
    var = float((n @ (s**2 + (m - mean) ** 2)) / n.sum())
    return Band(bands[0].low, bands[0].high, mean, math.sqrt(var), int(n.sum()))


@dataclass(frozen=True)
class Norm:
    """An age norm: ``mean(age)``, ``sd(age)``, ``score(age, z)`` and its inverse
    ``age_of(score)``; ``lower_is_better`` for timed tests."""

    name: str
    unit: str
    source: str
    lower_is_better: bool
    age_range: tuple[float, float]

    def mean(self, age):  # pragma: no cover - abstract
        raise NotImplementedError

    def sd(self, age):  # pragma: no cover - abstract
        raise NotImplementedError

    def age_of(self, score):  # pragma: no cover - abstract
        raise NotImplementedError

    def score(self, age, z):  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class LogQuadraticNorm(Norm):
    """A timed test's norm: log(mean) quadratic in age over the table, linear beyond it;
    scores log-normal around the mean with the pooled coefficient of variation."""

    bands: tuple[Band, ...] = ()
    coef: tuple[float, float, float] = field(init=False)
    cv: float = field(init=False)

    def __post_init__(self) -> None:
        x = np.array([b.mid for b in self.bands]) - AGE_CENTRE
        y = np.log([b.mean for b in self.bands])
        w = np.sqrt([b.n for b in self.bands])
        basis = np.stack([np.ones_like(x), x, x**2], axis=1)
        coef = np.linalg.lstsq(basis * w[:, None], y * w, rcond=None)[0]
        object.__setattr__(self, "coef", tuple(float(c) for c in coef))
        n = np.array([b.n for b in self.bands], float)
        cv = n @ np.array([b.sd / b.mean for b in self.bands]) / n.sum()
        object.__setattr__(self, "cv", float(cv))
        lo, hi = self.age_range
        slope = coef[1] + 2 * coef[2] * (np.array([lo, hi]) - AGE_CENTRE)
        if np.any(np.sign(slope) != np.sign(slope[0])) or slope[0] == 0:
            raise MagsynapseError(f"norm {self.name}: the fitted curve is not monotone in age")

    def _inside(self, a: np.ndarray) -> np.ndarray:
        c0, c1, c2 = self.coef
        x = a - AGE_CENTRE
        return np.exp(c0 + c1 * x + c2 * x * x)

    def _edge(self, edge: float) -> tuple[float, float]:
        """Mean and its slope (per year) at an edge of the table."""
        _, c1, c2 = self.coef
        m = float(self._inside(np.array(edge)))
        return m, m * (c1 + 2 * c2 * (edge - AGE_CENTRE))

    def mean(self, age):
        """Mean score at ``age`` (years): log-quadratic over the table, continued along
        its tangent (linear in the score) beyond it."""
        a = np.asarray(age, dtype=float)
        lo, hi = self.age_range
        (m_lo, s_lo), (m_hi, s_hi) = self._edge(lo), self._edge(hi)
        out = np.where(a < lo, m_lo + s_lo * (a - lo), self._inside(np.clip(a, lo, hi)))
        out = np.where(a > hi, m_hi + s_hi * (a - hi), out)
        if np.any(out <= 0):
            raise MagsynapseError(f"norm {self.name}: age {a.min():g} y is far beyond the norms")
        return out

    def sd(self, age):
        """Standard deviation at ``age``: the pooled CV times the mean."""
        return self.cv * self.mean(age)

    @property
    def sigma(self) -> float:
        """SD of log scores with the pooled CV."""
        return math.sqrt(math.log1p(self.cv**2))

    def score(self, age, z):
        """The score ``z`` log-SDs from the norm at ``age`` (log-normal, mean-preserving).

        >>> round(float(TMT_B.score(50.0, 0.0) / TMT_B.mean(50.0)), 4)
        0.9524
        """
        s = self.sigma
        return self.mean(age) * np.exp(s * np.asarray(z, float) - 0.5 * s * s)

    def age_of(self, score):
        """The age at which the norm's mean equals ``score`` (exact inverse of
        :meth:`mean`, its tangents included)."""
        y = np.asarray(score, dtype=float)
        lo, hi = self.age_range
        c0, c1, c2 = self.coef
        (m_lo, s_lo), (m_hi, s_hi) = self._edge(lo), self._edge(hi)
        ly = np.log(np.clip(y, min(m_lo, m_hi), max(m_lo, m_hi)))
        # inside: c2 x² + c1 x + (c0 - log y) = 0, the root on the monotone branch
        disc = np.maximum(c1 * c1 - 4 * c2 * (c0 - ly), 0.0)
        if c2 != 0:
            root = (-c1 + np.sign(s_lo) * np.sqrt(disc)) / (2 * c2)
        else:
            root = (ly - c0) / c1
        inside = root + AGE_CENTRE
        rising = s_lo > 0
        below = (y < m_lo) if rising else (y > m_lo)
        above = (y > m_hi) if rising else (y < m_hi)
        out = np.where(below, lo + (y - m_lo) / s_lo, inside)
        return np.where(above, hi + (y - m_hi) / s_hi, out)


@dataclass(frozen=True)
class LinearNorm(Norm):
    """A norm from two age groups: the mean linear in age through both, the SD pooled;
    scores normal around the mean."""

    young: Band | None = None
    old: Band | None = None

    def __post_init__(self) -> None:
        if self.young is None or self.old is None or self.old.mid <= self.young.mid:
            raise MagsynapseError(f"norm {self.name}: needs a younger and an older group")
        if self.old.mean == self.young.mean:
            raise MagsynapseError(f"norm {self.name}: the groups' means are equal")

    @property
    def slope(self) -> float:
        """Change of the mean per year."""
        return (self.old.mean - self.young.mean) / (self.old.mid - self.young.mid)

    def mean(self, age):
        return self.young.mean + self.slope * (np.asarray(age, float) - self.young.mid)

    def sd(self, age):
        y, o = self.young, self.old
        pooled_sd = math.sqrt(((y.n - 1) * y.sd**2 + (o.n - 1) * o.sd**2) / (y.n + o.n - 2))
        return pooled_sd + 0 * np.asarray(age, float)

    def score(self, age, z):
        return self.mean(age) + self.sd(age) * np.asarray(z, float)

    def age_of(self, score):
        return self.young.mid + (np.asarray(score, float) - self.young.mean) / self.slope


def _tombaugh(rows) -> tuple[Band, ...]:
    """Tombaugh (2004)'s bands, the two education strata of each age from 55 y pooled."""
    by_age: dict[tuple[float, float], list[Band]] = {}
    for low, high, mean, sd, n in rows:
        by_age.setdefault((low, high), []).append(Band(low, high, mean, sd, n))
    return tuple(pooled(v) for v in by_age.values())


# Tombaugh (2004), Table: TMT-B and TMT-A seconds, mean (SD), n; from 55 y in two
# education strata (0-12 y, > 12 y), pooled here.
_TMT_B_ROWS = [
    (18, 24, 48.97, 12.69, 155),
    (25, 34, 50.68, 12.36, 33),
    (35, 44, 58.46, 16.41, 39),
    (45, 54, 63.76, 14.42, 41),
    (55, 59, 78.84, 19.09, 58),
    (55, 59, 68.74, 21.02, 37),
    (60, 64, 74.55, 19.55, 55),
    (60, 64, 64.58, 18.59, 31),
    (65, 69, 91.32, 28.89, 65),
    (65, 69, 67.12, 9.31, 32),
    (70, 74, 109.95, 35.15, 76),
    (70, 74, 86.27, 24.07, 30),
    (75, 79, 130.61, 45.74, 74),
    (75, 79, 100.68, 44.16, 34),
    (80, 84, 152.74, 65.68, 84),
    (80, 84, 132.15, 42.95, 34),
    (85, 89, 167.69, 78.50, 16),
    (85, 89, 140.54, 75.38, 13),
]
_TMT_A_ROWS = [
    (18, 24, 22.93, 6.87, 155),
    (25, 34, 24.40, 8.71, 33),
    (35, 44, 28.54, 10.09, 39),
    (45, 54, 31.78, 9.93, 41),
    (55, 59, 35.10, 10.94, 58),
    (55, 59, 31.72, 10.14, 37),
    (60, 64, 33.22, 9.10, 55),
    (60, 64, 31.32, 6.96, 31),
    (65, 69, 39.14, 11.84, 65),
    (65, 69, 33.84, 6.69, 32),
    (70, 74, 42.47, 15.15, 76),
    (70, 74, 40.13, 14.48, 30),
    (75, 79, 50.81, 17.44, 74),
    (75, 79, 41.74, 15.32, 34),
    (80, 84, 58.19, 23.31, 84),
    (80, 84, 55.32, 21.28, 34),
    (85, 89, 57.56, 21.54, 16),
    (85, 89, 63.46, 29.22, 13),
]

#: Trail-Making B time (s), Tombaugh (2004), n = 907 over 18-89 y.
TMT_B = LogQuadraticNorm(
    "tmt_b", "s", "tombaugh_2004", True, (25.0, 87.0), bands=_tombaugh(_TMT_B_ROWS)
)
#: Trail-Making A time (s), Tombaugh (2004).
TMT_A = LogQuadraticNorm(
    "tmt_a", "s", "tombaugh_2004", True, (25.0, 87.0), bands=_tombaugh(_TMT_A_ROWS)
)
#: WAIS-III longest digit span backward (digits): 5.25 (1.21) at 23.2 y, n = 40;
#: 4.89 (1.25) at 67.3 y, n = 38 (Brain Lang 2020, Table 1).
DIGIT_SPAN_BACKWARD = LinearNorm(
    "digit_span_backward",
    "digits",
    "brain_lang_2020",
    False,
    (23.2, 67.3),
    young=Band(23.2, 23.2, 5.25, 1.21, 40),
    old=Band(67.3, 67.3, 4.89, 1.25, 38),
)
#: CVLT long-delay free recall (words): 10.60 (2.33) at 23.2 y; 8.79 (2.64) at 67.3 y.
DELAYED_RECALL = LinearNorm(
    "delayed_recall",
    "words",
    "brain_lang_2020",
    False,
    (23.2, 67.3),
    young=Band(23.2, 23.2, 10.60, 2.33, 40),
    old=Band(67.3, 67.3, 8.79, 2.64, 38),
)

#: Slow-wave (N3) sleep, % of total sleep time: 20.7 % at <= 30 y and 14.9 % at > 60 y
#: (Mitterling 2015, medians of 100 healthy sleepers aged 19-77); the groups' middle ages
#: (25 and 68 y), sizes (50 each) and SDs (a quarter of the printed ranges: 5.6 and 8.3
#: points) are assumed.
DEEP_SLEEP = LinearNorm(
    "deep_sleep",
    "% of sleep",
    "mitterling_2015",
    False,
    (25.0, 68.0),
    young=Band(25.0, 25.0, 20.7, (37.5 - 15.2) / 4, 50),
    old=Band(68.0, 68.0, 14.9, (35.6 - 2.4) / 4, 50),
)
