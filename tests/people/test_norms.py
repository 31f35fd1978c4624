"""Age norms and the links of readouts to test scores."""

import numpy as np
import pytest

from magsynapse.people.cognition import TESTS, Links, Practice, brain_age
from magsynapse.people.norms import (
    _TMT_B_ROWS,
    DELAYED_RECALL,
    DIGIT_SPAN_BACKWARD,
    TMT_A,
    TMT_B,
    Band,
    pooled,
)


@pytest.mark.parametrize("norm", [TMT_B, TMT_A, DIGIT_SPAN_BACKWARD, DELAYED_RECALL])
def test_age_of_inverts_the_norm_exactly(norm):
    ages = np.linspace(0.0, 110.0, 221)  # inside the table and on its continuations
    np.testing.assert_allclose(norm.age_of(norm.mean(ages)), ages, rtol=0, atol=1e-9)


def test_brain_age_is_the_age_of_the_tmt_b_norm():
    ages = np.array([50.0, 57.3, 70.0])
    np.testing.assert_allclose(brain_age(TMT_B.mean(ages)), ages, atol=1e-9)


def test_tmt_b_curve_follows_tombaugh_2004_bands():
    """Tombaugh (2004): the fitted curve passes within 12 % of every pooled band mean
    (RMS < 6 %), and rises with age over the table."""
    by_age = {}
    for low, high, mean, sd, n in _TMT_B_ROWS:
        by_age.setdefault((low, high), []).append(Band(low, high, mean, sd, n))
    bands = [pooled(v) for v in by_age.values()]
    rel = np.array([TMT_B.mean(b.mid) / b.mean - 1 for b in bands])
    assert np.abs(rel).max() < 0.12
    assert np.sqrt(np.mean(rel**2)) < 0.06
    assert np.all(np.diff(TMT_B.mean(np.linspace(18, 89, 50))) > 0)


def test_tmt_b_norm_agrees_with_ashendorf_2008():
    """Independent US sample (Ashendorf 2008, Table 3): 55-74 y, < 16 y of education,
    80.8 +/- 30.4 s (n = 46); the curve at the band's middle lies within 0.25 SD."""
    assert abs(TMT_B.mean(64.5) - 80.8) < 0.25 * 30.4


def test_tombaugh_values_quoted_in_the_specification():
    """Tombaugh (2004): 58.46 +/- 16.41 s at 35-44 y, 63.76 +/- 14.42 s at 45-54 y,
    109.95 +/- 35.15 s at 70-74 y with <= 12 y of education."""
    rows = {(r[0], r[1], r[2]) for r in _TMT_B_ROWS}
    assert (35, 44, 58.46) in rows and (45, 54, 63.76) in rows and (70, 74, 109.95) in rows


def test_pooled_band_is_the_mixture():
    a, b = Band(0, 1, 10.0, 1.0, 10), Band(0, 1, 20.0, 1.0, 10)
    p = pooled([a, b])
    x = np.concatenate([np.full(10, 10.0), np.full(10, 20.0)])
    assert p.mean == pytest.approx(15.0)
    assert p.sd == pytest.approx(np.sqrt(1.0 + x.var()))


def test_calamia_practice_equation():
    """Calamia et al. (2012): 0.242 - 0.004 (age - 40) - 0.058 years + domain term."""
    g = Practice(domain_term=-0.008).gain(np.array([40.0, 70.0]), np.array([0.0, 1.0]))
    np.testing.assert_allclose(g, [0.234, 0.242 - 0.12 - 0.058 - 0.008])


def test_links_invert_a_readout_line():
    ages = np.array([40.0, 50.0, 60.0, 70.0, 80.0])
    links = Links.from_curve(ages, {"persistence": np.array([0.5, 0.45, 0.4, 0.35, 0.3])})
    np.testing.assert_allclose(links.readout_age("persistence", [0.425, 0.25, 0.55]), [55, 90, 30])
    assert links.age_error("persistence") < 1e-9


def test_calibrated_links_fall_with_age_and_fit_within_years():
    """The nominal person's readouts decline with age (GluN2B and cellular Mg fall), so
    both links are decreasing; the lines' lack of fit is a few years at most."""
    from magsynapse.people.mechanism import reference_links

    links = reference_links(None)[0]
    for name in ("recall", "persistence"):
        assert links.slope[name] < 0
        assert links.age_error(name) < (3.0 if name == "persistence" else 12.0)


def test_every_test_names_a_known_readout_and_source():
    from magsynapse.people.cognition import READOUTS
    from magsynapse.references import SOURCES

    for t in TESTS:
        test = TESTS[t]
        assert test.readout in READOUTS
        assert test.norm.source in SOURCES and test.reliability.source in SOURCES


def test_the_people_emulator_ships_with_the_package():
    """The design of the people emulator is shipped (else every fresh install would fit
    it for minutes): after a version bump, `magsynapse calibrate emulator --out`, copied
    into the source tree."""
    from magsynapse.network.emulator import _shipped
    from magsynapse.people.mechanism import emulator_key

    assert _shipped(f"{emulator_key()}.nc") is not None
