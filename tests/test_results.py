"""Results are labelled arrays that round-trip through NetCDF with their provenance."""

import json

import pytest
import xarray as xr

from magsynapse.errors import MagsynapseError
from magsynapse.receptors import block_curves
from magsynapse.results import citations, load, parameter_sets, save
from magsynapse.synapse import pairing, snr, stdp


@pytest.mark.parametrize(
    "make",
    [
        lambda: block_curves([0.6, 1.2], [-60.0, 0.0]),
        lambda: stdp([-20.0, 10.0], mg=[0.8, 1.2]),
        lambda: stdp([10.0], mg=1.0, method="stochastic", reps=20, seed=1),
        lambda: stdp([10.0], mg=1.0, parameter_set=["DP", "P"]),
        lambda: pairing([-60.0, -20.0], pulses=5),
        lambda: snr([0.8, 1.2]),
    ],
)
def test_netcdf_round_trip(make, tmp_path):
    ds = make()
    path = save(ds, tmp_path / "r.nc")
    back = load(path)
    xr.testing.assert_identical(ds, back)


def test_parameters_and_references_survive(tmp_path):
    ds = load(save(stdp([10.0], mg=1.0), tmp_path / "r.nc"))
    sets = parameter_sets(ds)
    assert sets[0].name == "DP"
    assert sets[0].params["gamma_p"].source == "graupner_brunel_2012"
    refs = citations(ds)
    assert "10.1073/pnas.1109359109" in refs["graupner_brunel_2012"]
    assert json.loads(ds.attrs["config"])["protocol"] == "stdp"


def test_load_errors(tmp_path):
    with pytest.raises(MagsynapseError, match="no result file"):
        load(tmp_path / "missing.nc")
    bad = tmp_path / "bad.nc"
    bad.write_text("not netcdf")
    with pytest.raises(MagsynapseError, match="not a NetCDF"):
        load(bad)


def test_provenance_records_date_command_and_dependency_versions():
    from datetime import datetime

    import numba
    import numpy as np

    ds = stdp([10.0], mg=1.0)
    created = datetime.fromisoformat(ds.attrs["created"])
    assert created.tzinfo is not None and abs((datetime.now(created.tzinfo) - created).days) < 1
    deps = json.loads(ds.attrs["dependencies"])
    assert deps["numpy"] == np.__version__ and deps["numba"] == numba.__version__
    assert isinstance(ds.attrs["command"], str)


def test_result_files_are_compressed(tmp_path):
    """Numeric arrays are written with zlib: a smooth 10⁵-point curve takes far less than
    its 800 kB of doubles, and reloads identically."""
    import numpy as np

    x = np.linspace(0.0, 1.0, 100_000)
    ds = xr.Dataset({"y": ("x", np.round(np.sin(x), 3))}, coords={"x": x})
    path = save(ds, tmp_path / "c.nc")
    assert path.stat().st_size < 0.5 * ds.y.nbytes
    back = load(path)
    assert back.y.encoding.get("zlib") is True
    xr.testing.assert_identical(ds, back)
