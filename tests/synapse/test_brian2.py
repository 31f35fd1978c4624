"""Cross-simulator check: the DP protocol in Brian2 and in magsynapse (specification §4).

Brian2 runs the script that ``magsynapse export brian2 --synapse`` writes: the equations
of Brian2's own Graupner–Brunel example (clock-driven, heun, dt = 0.1 ms), in a fresh
process, as a user would run it.
"""

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

from magsynapse.cli import main
from magsynapse.synapse import BISTABLE_SETS, efficacy, stdp_protocol


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("brian2") is None, reason="needs brian2")
def test_noise_free_dp_protocol_agrees_with_brian2(tmp_path):
    """One synapse per (Δt, ρ0), no noise, 60 pairs at 1 Hz: final ρ within 1 %."""
    dts = [-50.0, -20.0, 10.0, 40.0]
    rho0 = [0.2, 0.5, 0.8]
    script, result = tmp_path / "stdp_brian2.py", tmp_path / "rho.json"
    assert main(["export", "brian2", "--synapse", "--set", "DP", "--out", str(script)]) == 0
    args = ["--dts", ",".join(map(str, dts)), "--rho-init", ",".join(map(str, rho0))]
    args += ["--sigma", "0", "--target", "cpp_standalone", "--out", str(result)]
    proc = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    ref = np.asarray(json.loads(result.read_text())["rho"])
    quiet = BISTABLE_SETS["DP"].with_values(sigma=0.0)
    ours = efficacy(stdp_protocol(dts), rho0, parameter_set=quiet, mg=1.0)
    ours = ours.rho.sel(mg=1.0).values
    np.testing.assert_allclose(ours, ref, rtol=0.01)
    # the protocol does change the synapses, so the comparison is not trivial
    assert np.max(np.abs(ours - np.asarray(rho0)[None, :])) > 0.05
