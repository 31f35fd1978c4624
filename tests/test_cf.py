"""Result files in the CF form: the encoding round-trips, old files still read, and the
CF checker finds nothing in the files of every command that the quick study does not
write (the study's own files are checked in tests/study)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from cfcheck import cf_problems
from magsynapse.cf import CONVENTIONS, UDUNITS, decode, encode
from magsynapse.cli import main
from magsynapse.results import load, save


def _padded_result() -> xr.Dataset:
    t = np.array([[[0.1, 0.2, np.nan], [0.3, np.nan, np.nan]], [[np.nan] * 3, [0.5, 0.6, 0.7]]])
    i = np.array([[[4, 9, -1], [7, -1, -1]], [[-1] * 3, [0, 2, 5]]], dtype=np.int32)
    return xr.Dataset(
        {
            "spike_t": (("mg", "seed", "spike"), t, {"units": "s", "long_name": "spike time"}),
            "spike_i": (
                ("mg", "seed", "spike"),
                i,
                {"units": "1", "long_name": "neuron index (-1: padding)"},
            ),
            "ca": (("salt", "mg"), [[1.0, 2.0], [3.0, 4.0]], {"units": "uM", "long_name": "c"}),
        },
        coords={"mg": [0.5, 1.0], "seed": [1, 2], "salt": ["oxide", "threonate"]},
    )


def test_spike_trains_are_a_contiguous_ragged_array_on_disk(tmp_path):
    ds = _padded_result()
    cf, _ = encode(ds)
    # the trains one after the other, in C order over (mg, seed), padding dropped
    assert cf.spike_t.values.tolist() == [0.1, 0.2, 0.3, 0.5, 0.6, 0.7]
    assert cf.spike_i.values.tolist() == [4, 9, 7, 0, 2, 5]
    assert cf.spike_count.values.tolist() == [2, 1, 0, 3]
    assert cf.spike_count.attrs["sample_dimension"] == "spike"
    assert cf.attrs["featureType"] == "timeSeries"
    assert cf.attrs["Conventions"] == CONVENTIONS
    # the text coordinate is an auxiliary coordinate, written as characters
    assert "salt" not in cf.variables and cf.salt_label.dims == ("salt",)
    assert cf.ca.attrs["units"] == UDUNITS["uM"] == "umol L-1"


def test_a_result_reads_back_as_it_was_written(tmp_path):
    ds = _padded_result()
    back = load(save(ds, tmp_path / "r.nc"))
    xr.testing.assert_equal(back, ds)
    assert back.ca.attrs["units"] == "uM" and back.spike_i.dtype == np.int32
    assert back.indexes["salt"].tolist() == ["oxide", "threonate"]


def test_a_file_written_before_the_cf_form_reads_as_before(tmp_path):
    ds = _padded_result()
    ds.to_netcdf(tmp_path / "old.nc", engine="netcdf4")  # the former layout
    xr.testing.assert_equal(load(tmp_path / "old.nc"), ds)
    assert decode(ds.copy()).identical(ds)


@pytest.mark.slow
def test_cf_checker_finds_nothing_in_the_files_of_every_command(tmp_path):
    runs = {
        "pk.nc": "pk --salt threonate --dose 2g/day --days 2",
        "pk_samples.nc": "pk --salt oxide --dose 1g/day --samples 3 --seed 1",
        "pk_compare.nc": "pk compare --salts threonate,oxide --dose-elemental 144mg/day",
        "pk_barrier.nc": "pk barrier --hours 2",
        "chronic.nc": "chronic --salt threonate --dose 2g/day --days 3",
        "chronic_samples.nc": "chronic --salt oxide --dose 1g/day --days 2 --samples 2 --seed 1",
        "cohort.nc": "cohort --n 12 --seed 1",
        "trial.nc": "trial --design liu2016 --replicates 2 --scheduler none --seed 1",
        "trial_power.nc": "trial power --design liu2016 --replicates 2 --seed 1 --n 20,40",
        "network.nc": "network run --N 100 --T 0.1 --mg 1,2 --seed 1,2",
        "stdp.nc": "stdp --mg 1,2 --dt -20,20 --pairs 10",
    }
    for name, args in runs.items():
        assert main([*args.split(), "--out", str(tmp_path / name), "--no-plot"]) == 0, name
    tables = tmp_path / "tables"
    tables.mkdir()
    problems = cf_problems(sorted(tmp_path.glob("*.nc")), tables)
    assert len(problems) == len(runs)
    assert problems == {name: [] for name in problems}
