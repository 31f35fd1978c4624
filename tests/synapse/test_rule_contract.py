"""One contract, run on every registered plasticity rule and calcium model."""

import numpy as np
import pytest

from magsynapse.network import load_config, simulate_network
from magsynapse.synapse import CALCIUM_MODELS, RULES, Rule, stdp

PAIRS = [(r, c) for r in RULES for c in CALCIUM_MODELS]


@pytest.mark.parametrize(("rule", "calcium"), PAIRS)
def test_every_rule_runs_on_every_calcium_model(rule, calcium):
    """A rule object reads any calcium model: finite, positive changes over every
    condition, with its references and parameters recorded."""
    assert isinstance(RULES[rule], Rule) and RULES[rule].references
    parameter_set = "DP_nmda" if calcium == "nmda_voltage" else "DP"
    ds = stdp(
        [-20.0, 10.0],
        mg=[0.8, 1.2],
        rule=rule,
        calcium=calcium,
        parameter_set=parameter_set,
        pairs=20,
    )
    change = ds.change.values
    assert change.shape == (2, 2)
    assert np.all(np.isfinite(change)) and np.all(change > 0)
    assert ds.attrs["references"]  # provenance names the sources


@pytest.mark.parametrize("rule", [r for r in RULES if RULES[r].network is not None])
def test_every_rule_with_a_network_form_runs_in_a_network(rule):
    cfg = load_config("mgnet").replace(network={"N": 150}, plasticity={"rule": rule})
    ds = simulate_network(cfg, T=0.3, seed=[1, 2])
    rho = ds.rho_mean.values
    assert np.all(np.isfinite(rho)) and np.all((rho >= 0) & (rho <= 1))
    assert np.all(ds.rate_E.values > 0)
