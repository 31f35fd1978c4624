"""Cross-simulator check: MgNet in magsynapse and in Brian2 (cpp_standalone).

Brian2 runs the script that ``magsynapse export brian2 --model mgnet`` writes (euler for
V, calcium and efficacy, exact conductance decays, ``PoissonInput`` drive, dt = 0.1 ms),
as a user would: ``python mgnet_brian2.py --mg 0.1,1,2 --seed S --target cpp_standalone``.
The two simulators draw their connectivity, initial state and drive from different random
streams, so they can only agree statistically, over seeds.
"""

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

from magsynapse.cli import main
from magsynapse.network import load_config, simulate_network

MGS = [0.1, 1.0, 2.0]
SEEDS = [1, 2, 3, 4, 5]
# Floors of the tolerance, for when both spreads happen to be tiny.
FLOORS = {"rate_E": 0.25, "rate_I": 0.25, "rho_mean": 0.001}


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("brian2") is None, reason="needs brian2")
def test_mgnet_agrees_with_brian2(tmp_path):
    """N = 1000, T = 1 s, [Mg]o = 0.1, 1 and 2 mM, 5 seeds per simulator.

    Criterion, for each [Mg]o and each of ``rate_E``, ``rate_I`` (Hz) and ``rho_mean``
    (final mean E→E efficacy): the two simulators' means over seeds differ by no more than
    four standard errors of their difference,
    ``|mean_magsynapse − mean_brian2| ≤ 4·sqrt((sd_magsynapse² + sd_brian2²)/n)`` (at least
    the floor), where ``sd`` is the sample standard deviation over the n = 5 seeds
    (ddof = 1) and the floor is 0.25 Hz for rates and 0.001 for ρ. For two equal models
    the bound is exceeded by chance in ≈ 0.4 % of comparisons (Student t, ≈ 8 degrees of
    freedom), ≈ 3 % of runs of these nine; a bound of one spread, max(sd), is exceeded in
    ≈ 8–11 % of comparisons, i.e. in about half of the runs. Brian2 compiles once per
    seed (in one project directory, so only the first build is a full one) and gets [Mg]o
    as a run argument; both simulators must also show the block at work (E and I rates
    higher at 0.1 mM than at 2 mM), so the comparison is not trivial.
    """
    script = tmp_path / "mgnet_brian2.py"
    assert main(["export", "brian2", "--model", "mgnet", "--out", str(script)]) == 0
    keys = ("rate_E", "rate_I", "rho_mean")
    project = tmp_path / "brian2_project"
    b2 = {k: np.empty((len(MGS), len(SEEDS))) for k in keys}
    for s_i, seed in enumerate(SEEDS):
        result = tmp_path / f"seed{seed}.json"
        args = ["--mg", ",".join(map(str, MGS)), "--seed", str(seed), "--T", "1"]
        args += ["--target", "cpp_standalone", "--directory", str(project), "--out", str(result)]
        proc = subprocess.run(
            [sys.executable, str(script), *args], capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        out = json.loads(result.read_text())
        assert out["mg"] == MGS and out["seed"] == seed
        for k in keys:
            b2[k][:, s_i] = out[k]
    cfg = load_config("mgnet").replace(network={"N": 1000})
    ds = simulate_network(cfg, mg=MGS, seed=SEEDS, T=1.0)
    ms = {k: ds[k].transpose("mg", "seed").values for k in keys}

    failures = []
    for k in keys:
        for m_i, mg in enumerate(MGS):
            a, b = ms[k][m_i], b2[k][m_i]
            diff = abs(a.mean() - b.mean())
            se = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / len(SEEDS))
            tol = max(4.0 * se, FLOORS[k])
            if not diff <= tol:
                failures.append(
                    f"{k} at {mg} mM: magsynapse {a.mean():.4g} ± {a.std(ddof=1):.2g}, "
                    f"Brian2 {b.mean():.4g} ± {b.std(ddof=1):.2g} (|diff| {diff:.3g} > {tol:.3g})"
                )
    assert not failures, "\n".join(failures)
    for k in ("rate_E", "rate_I"):
        for res in (ms, b2):
            assert res[k][0].mean() > res[k][-1].mean()
