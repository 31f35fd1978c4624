"""Quantities, lists and ranges at the user boundary."""

import importlib.util
import subprocess
import sys

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
        ("0:1e9:1e-9", "at most 1,000,000"),  # would allocate exabytes
        ("1,1", "more than once"),  # a coordinate must label one value
        ("1mM,1000uM", "more than once"),
    ],
)
def test_bad_values_give_one_line_errors(text, fragment):
    with pytest.raises(MagsynapseError) as err:
        parse_values(text, "concentration")
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.skipif(importlib.util.find_spec("brian2") is None, reason="needs brian2")
def test_brian2_quantities_are_converted_not_read_as_si():
    """``block(-60 * mV, 1 * mM)`` is B(−60 mV, 1 mM) = 0.0796 (Jahr & Stevens 1990), not
    B(−0.06 mV, ...); a quantity of the wrong dimension is a one-line error. Run in a
    fresh process: importing Brian2 into the test process disturbs doctest collection."""
    code = (
        "import brian2 as b\n"
        "from magsynapse.receptors import block\n"
        "from magsynapse.synapse import stdp\n"
        "from magsynapse.errors import MagsynapseError\n"
        "print(round(float(block(-60 * b.mV, 1 * b.mM)), 4))\n"
        "print(round(float(stdp([10 * b.ms], mg=1000 * b.umolar).change.item()), 3))\n"
        "try:\n"
        "    block(-60 * b.mV, 1 * b.ms)\n"
        "except MagsynapseError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "0.0796"
    assert lines[1] == "1.221"  # GB2012 DP at +10 ms, 1 mM
    assert "is not a quantity in mM" in lines[2]
