"""Results are labelled arrays that round-trip through NetCDF with their provenance."""

import json

import numpy as np
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


def test_two_writers_of_one_result_each_write_whole_files(tmp_path):
    """Two processes saving to one path at once: both succeed, and the file is one of the
    two results, whole (each wrote its own partial file)."""
    import subprocess
    import sys

    code = (
        "import sys, numpy as np, xarray as xr; from magsynapse.results import save\n"
        "v = float(sys.argv[2])\n"
        "for _ in range(5):\n"
        "    save(xr.Dataset({'x': ('i', np.full(200_000, v))}), sys.argv[1])\n"
    )
    out = tmp_path / "r.nc"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(out), str(v)]) for v in (1.0, 2.0)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    x = load(out)["x"].values
    assert x.shape == (200_000,) and len(set(x.tolist())) == 1 and x[0] in (1.0, 2.0)
    assert [p.name for p in tmp_path.iterdir()] == ["r.nc"]


def test_a_write_killed_midway_leaves_the_previous_result(tmp_path):
    """SIGKILL during a save: the complete earlier file stays under the name."""
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "r.nc"
    save(xr.Dataset({"x": ("i", np.arange(10.0))}), out)
    code = (
        "import sys, numpy as np, xarray as xr; from magsynapse.results import save\n"
        "rng = np.random.default_rng(0)\n"
        "ds = xr.Dataset({'x': ('i', rng.random(30_000_000))})\n"
        "print('writing', flush=True)\n"
        "save(ds, sys.argv[1])\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(out)], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"writing"
    time.sleep(0.3)  # inside the compressed write of 240 MB
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL  # it died while writing
    assert load(out)["x"].values.tolist() == list(np.arange(10.0))


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
