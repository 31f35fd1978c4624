"""Cross-simulator check: the DP protocol in Brian2 and in magsynapse (specification §4).

Brian2 runs the equations of its own Graupner–Brunel example (clock-driven, heun,
dt = 0.1 ms) in a fresh process (``benchmarks/brian2_gb2012.py``).
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from magsynapse.synapse import BISTABLE_SETS, efficacy, stdp_protocol

# Brian2 is not imported here: importing it patches pytest's doctest collector.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import brian2_gb2012


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("brian2") is None, reason="needs brian2")
def test_noise_free_dp_protocol_agrees_with_brian2():
    """One synapse per (Δt, ρ0), no noise, 60 pairs at 1 Hz: final ρ within 1 %."""
    dts = [-50.0, -20.0, 10.0, 40.0]
    rho0 = [0.2, 0.5, 0.8]
    ref = brian2_gb2012.simulate_in_subprocess(dts, rho0, sigma=0.0)["rho"]
    quiet = BISTABLE_SETS["DP"].with_values(sigma=0.0)
    ours = efficacy(stdp_protocol(dts), rho0, parameter_set=quiet, mg=1.0)
    ours = ours.rho.sel(mg=1.0).values
    np.testing.assert_allclose(ours, ref, rtol=0.01)
    # the protocol does change the synapses, so the comparison is not trivial
    assert np.max(np.abs(ours - np.asarray(rho0)[None, :])) > 0.05
