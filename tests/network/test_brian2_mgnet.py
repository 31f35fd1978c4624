"""Cross-simulator check: MgNet in magsynapse and in Brian2 (cpp_standalone).

Brian2 runs the script that ``magsynapse export brian2 --model mgnet`` writes (euler for
V, calcium and efficacy, exact conductance decays, ``PoissonInput`` drive, dt = 0.1 ms),
as a user would: ``python mgnet_brian2.py --mg 0.1,1,2 --seed S --target cpp_standalone``.
The two simulators draw their connectivity, initial state and drive from different random
streams, so they can only agree statistically, over seeds.
"""

import importlib.util
import json
import re
import subprocess
import sys
from importlib import resources

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
    b2 = _brian2_runs(tmp_path, ["--model", "mgnet"], MGS, SEEDS)
    cfg = load_config("mgnet").replace(network={"N": 1000})
    ms = _magsynapse_runs(cfg, MGS, SEEDS)
    _assert_agree(ms, b2, MGS, len(SEEDS))
    for k in ("rate_E", "rate_I"):
        for res in (ms, b2):
            assert res[k][0].mean() > res[k][-1].mean()


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("brian2") is None, reason="needs brian2")
def test_fixed_in_degree_network_agrees_with_brian2(tmp_path):
    """``mgnet_k`` (every neuron 80 E and 20 I inputs; Brian2 connects them with
    ``sample(N_pre, size=K)``) at N = 2000, T = 1 s, [Mg]o = 1 and 2 mM, 3 seeds per
    simulator; the criterion of :func:`test_mgnet_agrees_with_brian2`."""
    mgs, seeds = [1.0, 2.0], [1, 2, 3]
    b2 = _brian2_runs(tmp_path, ["--model", "mgnet_k", "--N", "2000"], mgs, seeds)
    cfg = load_config("mgnet_k").replace(network={"N": 2000})
    _assert_agree(_magsynapse_runs(cfg, mgs, seeds), b2, mgs, len(seeds))


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("brian2") is None, reason="needs brian2")
def test_scaled_in_degree_network_agrees_with_brian2(tmp_path):
    """``mgnet_k`` at in-degree 400 (weights × √(100/400) and the constant conductances
    of ``mean_and_variance``, which the exported script sets per population) at N = 4000,
    T = 1 s, [Mg]o = 1 and 2 mM, 3 seeds per simulator; the criterion of
    :func:`test_mgnet_agrees_with_brian2`."""
    text = (resources.files("magsynapse.network") / "data" / "mgnet_k.toml").read_text()
    model = tmp_path / "mgnet_k400.toml"
    model.write_text(re.sub(r"(?m)^in_degree = 100 ", "in_degree = 400 ", text))
    cfg = load_config(model).replace(network={"N": 4000})
    assert cfg.connectivity.in_degree == 400 and cfg.tonic(100.0).gaba_e < 0
    mgs, seeds = [1.0, 2.0], [1, 2, 3]
    b2 = _brian2_runs(tmp_path, ["--model", str(model), "--N", "4000"], mgs, seeds)
    _assert_agree(_magsynapse_runs(cfg, mgs, seeds), b2, mgs, len(seeds))


KEYS = ("rate_E", "rate_I", "rho_mean")


def _brian2_runs(tmp_path, export_args, mgs, seeds):
    """The exported script run as a user would, once per seed (one project folder, so
    only the first build is a full one): {key: (mg, seed) array}."""
    script = tmp_path / "network_brian2.py"
    assert main(["export", "brian2", *export_args, "--out", str(script)]) == 0
    project = tmp_path / "brian2_project"
    b2 = {k: np.empty((len(mgs), len(seeds))) for k in KEYS}
    for s_i, seed in enumerate(seeds):
        result = tmp_path / f"seed{seed}.json"
        args = ["--mg", ",".join(map(str, mgs)), "--seed", str(seed), "--T", "1"]
        args += ["--target", "cpp_standalone", "--directory", str(project), "--out", str(result)]
        proc = subprocess.run(
            [sys.executable, str(script), *args], capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        out = json.loads(result.read_text())
        assert out["mg"] == mgs and out["seed"] == seed
        for k in KEYS:
            b2[k][:, s_i] = out[k]
    return b2


def _magsynapse_runs(cfg, mgs, seeds):
    ds = simulate_network(cfg, mg=mgs, seed=seeds, T=1.0)
    return {k: ds[k].transpose("mg", "seed").values for k in KEYS}


def _assert_agree(ms, b2, mgs, n):
    failures = []
    for k in KEYS:
        for m_i, mg in enumerate(mgs):
            a, b = ms[k][m_i], b2[k][m_i]
            diff = abs(a.mean() - b.mean())
            se = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / n)
            tol = max(4.0 * se, FLOORS[k])
            if not diff <= tol:
                failures.append(
                    f"{k} at {mg} mM: magsynapse {a.mean():.4g} ± {a.std(ddof=1):.2g}, "
                    f"Brian2 {b.mean():.4g} ± {b.std(ddof=1):.2g} (|diff| {diff:.3g} > {tol:.3g})"
                )
    assert not failures, "\n".join(failures)
