"""Quantities, lists and ranges at the user boundary."""

import numpy as np
import pytest

from magsynapse.errors import MagsynapseError
from magsynapse.units import parse_quantity, parse_values


@pytest.mark.parametrize(
    ("text", "dimension", "value"),
    [
        ("1.2mM", "concentration", 1.2),
        ("800uM", "concentration", 0.8),
        ("800 µM", "concentration", 0.8),
        ("1.2", "concentration", 1.2),
        ("-60mV", "voltage", -60.0),
        ("0.1s", "time", 100.0),
        ("2kHz", "frequency", 2000.0),
        ("1e-1", "concentration", 0.1),
    ],
)
def test_quantities_convert_to_default_units(text, dimension, value):
    assert parse_quantity(text, dimension) == pytest.approx(value)


def test_range_is_inclusive_and_takes_a_unit():
    np.testing.assert_allclose(
        parse_values("0.6:2.0:0.2mM", "concentration"), [0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0]
    )
    np.testing.assert_allclose(parse_values("-100:100:50", "time"), [-100, -50, 0, 50, 100])
    np.testing.assert_allclose(parse_values("10:-10:-10", "voltage"), [10, 0, -10])


def test_list_with_mixed_units():
    np.testing.assert_allclose(parse_values("800uM,1.2mM,2", "concentration"), [0.8, 1.2, 2.0])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("abc", "not a number"),
        ("1.2mV", "not a concentration unit"),
        ("1:2", "start:stop:step"),
        ("2:1:0.5", "empty"),
        ("1:2:0", "empty"),
        ("1,,2", "empty entry"),
        ("nan", "not a number"),
    ],
)
def test_bad_values_give_one_line_errors(text, fragment):
    with pytest.raises(MagsynapseError) as err:
        parse_values(text, "concentration")
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)
