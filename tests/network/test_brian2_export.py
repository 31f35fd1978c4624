"""``magsynapse export brian2``: the scripts hold the model's numbers, refuse what they
cannot express, and run in Brian2 on every built-in network and the noisy and static
variants. Their agreement with magsynapse over seeds is checked by
``tests/network/test_brian2_mgnet.py`` (network) and ``tests/synapse/test_brian2.py``
(STDP protocol)."""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import subprocess
import sys
import tomllib
from importlib import resources

import pytest

from magsynapse.cli import main
from magsynapse.errors import MagsynapseError
from magsynapse.network import load_config
from magsynapse.network.brian2_export import brian2_parameters, brian2_script
from magsynapse.synapse import brian2_export as synapse_export

# Jahr & Stevens (1990): B = 1/(1 + [Mg]o/3.57 mM · exp(−0.062 V/mV)).
JAHR_STEVENS = (3.57, 0.062)
# Graupner & Brunel (2012), Table S1, DP set.
GB2012_DP = {
    "tau_ca": 20.0,
    "c_pre": 1.0,
    "c_post": 2.0,
    "theta_d": 1.0,
    "theta_p": 1.3,
    "gamma_d": 200.0,
    "gamma_p": 321.808,
    "sigma": 2.8284,
    "tau": 150.0,
    "rho_star": 0.5,
    "delay": 13.7,
    "beta": 0.5,
    "b": 5.0,
}


def _parameters_of(text: str) -> dict:
    """The PARAMETERS literal of a script, read without running it."""
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "PARAMETERS":
            return ast.literal_eval(node.value)
    raise AssertionError("no PARAMETERS in the script")


def _imports_of(text: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


@pytest.mark.parametrize("name", ["mgnet", "mgnet_adex", "mgnet_memory", "mgnet_k"])
def test_network_script_holds_the_files_numbers(name):
    """Every number of the TOML file (read here with tomllib) is in PARAMETERS."""
    toml = tomllib.loads(
        resources.files("magsynapse.network").joinpath(f"data/{name}.toml").read_text()
    )
    text = brian2_script(name)
    p = _parameters_of(text)
    assert _imports_of(text) <= {"argparse", "json", "math", "sys", "tempfile", "time", "brian2",
                                 "numpy"}  # fmt: skip
    renamed = {"C": "C_m", "tau": "tau_rho", "enabled": "plastic", "model": "adex"}
    for section in ("neuron", "channels", "connectivity", "drive", "plasticity"):
        for key, value in toml[section].items():
            if key in ("block", "rule", "set", "c_pre_scale") or (
                section == "connectivity"
                and (
                    key in ("in_degree", "reference_in_degree", "weight_scaling")
                    or key.startswith("reference_rate")
                )
            ):
                continue
            got = p[renamed.get(key, key)]
            if key == "model":
                assert got is (value == "adex")
            else:
                assert got == value, (section, key)
    assert p["N"] == toml["network"]["N"]
    assert p["N_E"] == round(toml["network"]["exc_fraction"] * toml["network"]["N"])
    assert (p["block_k"], p["block_a"]) == JAHR_STEVENS
    k = toml["connectivity"].get("in_degree", 0)
    assert (p["k_exc"], p["k_inh"]) == (round(0.8 * k), k - round(0.8 * k))
    # the calcium amplitudes of the file's set, C_pre scaled as the file says
    scale = toml["plasticity"].get("c_pre_scale", 1.0)
    if toml["plasticity"]["set"] == "DP":
        assert p["c_pre"] == GB2012_DP["c_pre"] * scale
        assert p["theta_p"] == GB2012_DP["theta_p"]


def test_network_script_follows_config_changes():
    cfg = load_config("mgnet").replace(
        network={"N": 300, "exc_fraction": 0.5}, channels={"block": "woodhull"}
    )
    p = brian2_parameters(cfg)
    assert (p["N"], p["N_E"]) == (300, 150)
    # Woodhull (1973): a = z·δ·F/(R·T) with z = 2, δ = 0.8 at 298.15 K
    assert p["block_a"] == pytest.approx(2 * 0.8 * 96485.33212 / (8.314462618 * 298.15) / 1e3)


def test_network_script_scales_weights_with_the_in_degree():
    """mgnet_k's weights are given at in-degree 100; at 400 each is half (√(100/400),
    ``mean_and_variance``) and the constant conductances are those of the configuration
    (the engine's, :meth:`NetworkConfig.tonic`); with ``mean`` each is a quarter and there
    are none."""
    base = brian2_parameters("mgnet_k")
    cfg = load_config("mgnet_k").replace(connectivity={"in_degree": 400})
    big = brian2_parameters(cfg)
    mean = brian2_parameters(cfg.replace(connectivity={"weight_scaling": "mean"}))
    assert (big["k_exc"], big["k_inh"]) == (320, 80)
    for key in ("w_ee_ampa", "w_ee_nmda", "w_ei_ampa", "w_ei_nmda", "w_ie_gaba", "w_ii_gaba"):
        assert big[key] == pytest.approx(base[key] / 2)
        assert mean[key] == pytest.approx(base[key] / 4)
    tonic = cfg.tonic(cfg.channels.tau_nmda_decay)
    for name in ("ampa_e", "nmda_e", "gaba_e", "ampa_i", "nmda_i", "gaba_i"):
        assert base[f"tonic_{name}"] == 0.0 == mean[f"tonic_{name}"]
        assert big[f"tonic_{name}"] == getattr(tonic, name) < 0.0
    assert big["weight"] == base["weight"]  # the external drive is not recurrent


def test_network_export_refuses_rules_without_a_brian2_form(tmp_path):
    cfg = load_config("mgnet").replace(plasticity={"rule": "bcm"})
    with pytest.raises(MagsynapseError, match="bcm rule has no Brian2 form"):
        brian2_parameters(cfg)
    # a static network needs no rule
    assert brian2_parameters(cfg.replace(plasticity={"enabled": False}))["plastic"] is False


def test_synapse_script_holds_gb2012s_numbers():
    text = synapse_export.brian2_script("DP", mg=1.0)
    p = _parameters_of(text)
    assert {k: p[k] for k in GB2012_DP} == GB2012_DP
    assert "magsynapse" not in _imports_of(text)
    # C_pre scales with the block at the resting potential: B(V, 2 mM)/B(V, 1 mM)
    from magsynapse.synapse import LINEAR_CALCIUM

    v = LINEAR_CALCIUM["v_rest"]
    k, a = JAHR_STEVENS
    ratio = (1 + 1.0 / k * math.exp(-a * v)) / (1 + 2.0 / k * math.exp(-a * v))
    assert _parameters_of(synapse_export.brian2_script("DP", mg=2.0))["c_pre"] == pytest.approx(
        ratio, rel=1e-12
    )


def test_synapse_export_refuses_sets_without_linear_calcium():
    with pytest.raises(MagsynapseError, match="no linear-calcium form"):
        synapse_export.brian2_parameters("DP_nmda")


def test_cli_export_brian2(tmp_path, capsys):
    net, syn = tmp_path / "net.py", tmp_path / "stdp.py"
    assert main(["export", "brian2", "--model", "mgnet_adex", "--N", "200", "--out", str(net)]) == 0
    assert _parameters_of(net.read_text())["N"] == 200
    assert (
        main(["export", "brian2", "--synapse", "--set", "P", "--mg", "2", "--out", str(syn)]) == 0
    )
    assert _parameters_of(syn.read_text())["set"] == "P"
    capsys.readouterr()
    bad = [
        (["--out", str(tmp_path / "x.txt")], "must end in .py"),
        (["--mg", "1", "--out", str(net)], "only with --synapse"),
        (["--synapse", "--model", "mgnet", "--out", str(syn)], "--synapse exports none"),
        (["--synapse", "--mg", "1,2", "--out", str(syn)], "give one [Mg]o value"),
        (["--synapse", "--set", "DP_nmda", "--out", str(syn)], "no linear-calcium form"),
        (["--model", "nope.toml", "--out", str(net)], "neither a built-in network"),
    ]
    for args, message in bad:
        assert main(["export", "brian2", *args]) == 2, args
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, (args, err)
    # a refused export leaves the earlier scripts as they were
    assert _parameters_of(net.read_text())["N"] == 200


DRIVER = """
import importlib.util, json, sys
out = {}
for name, path in json.loads(sys.argv[1]).items():
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out[name] = mod.simulate([0.1, 1.0], seed=3, T=0.05, target="numpy")
print(json.dumps(out))
"""


@pytest.mark.skipif(importlib.util.find_spec("brian2") is None, reason="needs brian2")
def test_exported_network_scripts_run_in_brian2(tmp_path):
    """Every built-in network and the noisy and static variants build and run (numpy
    target, N = 200, 50 ms, two [Mg]o values) in a fresh process."""
    base = load_config("mgnet").replace(network={"N": 200})
    configs = {
        name: load_config(name).replace(network={"N": 200})
        for name in ("mgnet", "mgnet_adex", "mgnet_memory", "mgnet_k")
    }
    configs["noisy"] = base.replace(plasticity={"sigma": 2.8284})
    configs["static"] = base.replace(plasticity={"enabled": False}, drive={"g_tonic": 0.5})
    paths = {}
    for name, cfg in configs.items():
        paths[name] = str(tmp_path / f"{name}.py")
        (tmp_path / f"{name}.py").write_text(brian2_script(cfg))
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(paths)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    for name, r in results.items():
        assert r["mg"] == [0.1, 1.0]
        assert all(math.isfinite(x) and x >= 0 for x in r["rate_E"] + r["rate_I"]), name
        assert max(r["rate_E"]) > 0, name
    # static synapses keep their efficacy; plastic ones move it
    assert results["static"]["rho_mean"] == [0.5, 0.5]
    assert results["mgnet"]["rho_mean"][0] != 0.5
