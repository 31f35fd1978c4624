"""Runs too large for memory are refused before anything is allocated, with a message
that says what they would need and how to raise the ceiling."""

from __future__ import annotations

import pytest

from magsynapse.cli import main
from magsynapse.errors import MagsynapseError
from magsynapse.limits import ENV, check_memory, memory_ceiling, parse_bytes
from magsynapse.network import load_config
from magsynapse.network.simulate import expected_synapses, memory_estimate


@pytest.mark.parametrize(
    ("text", "size"),
    [("16GB", 16 * 10**9), ("512MiB", 512 * 2**20), ("1e9", 10**9), ("2 kb", 2000)],
)
def test_sizes_parse_with_their_units(text, size):
    assert parse_bytes(text) == size


@pytest.mark.parametrize("text", ["lots", "-1GB", "0", "5 parsecs", "inf"])
def test_a_bad_ceiling_is_a_clear_error(text, monkeypatch):
    monkeypatch.setenv(ENV, text)
    with pytest.raises(MagsynapseError, match=ENV):
        memory_ceiling()


def test_the_ceiling_is_raised_and_lowered_by_the_environment(monkeypatch):
    monkeypatch.setenv(ENV, "1MB")
    with pytest.raises(
        MagsynapseError, match=r"about 2 MB; the ceiling is 1 MB \(set MAGSYNAPSE_MAX_MEMORY"
    ):
        check_memory("the run", 2e6)
    monkeypatch.setenv(ENV, "10TB")
    check_memory("the run", 2e12)


def test_network_estimate_counts_synapses_and_replicas():
    cfg = load_config("mgnet").replace(network={"N": 10_000})
    assert expected_synapses(cfg) == pytest.approx(10_000 * 9_999 * 0.1)
    one = memory_estimate(cfg, 1, 1, 0)
    # a second network doubles the connectivity (its synapses, and where each of its
    # 10 000 rows begins in each of its 10 blocks and ends), a second replica adds its
    # E->E state and its spike slots (1000 at T = 0)
    assert memory_estimate(cfg, 2, 1, 0) - one == pytest.approx(
        expected_synapses(cfg) * 21.0 + 10_000 * 11 * 8.0
    )
    assert memory_estimate(cfg, 1, 2, 0) - one == pytest.approx(
        expected_synapses(cfg) * 0.64 * 40.0 + 1000 * 12.0
    )


@pytest.mark.parametrize(
    "args",
    [
        "stdp --pairs 1000000000",
        "frequency --pulses 1000000000",
        "pairing --pulses 1000000000",
        "network run --N 100000 --T 1",
        "pk --salt oxide --dose 1g/day --days 365 --step 1e-6",
        "pk export-sbml --days 1e308",
    ],
)
def test_huge_runs_are_refused_before_they_start(args, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(ENV, "8GB")
    assert main([*args.split(), "--out", str(tmp_path / "x.nc")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error:" in err
    assert not list(tmp_path.iterdir())


def test_a_run_under_a_low_ceiling_is_refused_on_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(ENV, "100kB")
    assert (
        main(["network", "run", "--N", "200", "--T", "0.1", "--out", str(tmp_path / "n.nc")]) == 2
    )
    assert ENV in capsys.readouterr().err
