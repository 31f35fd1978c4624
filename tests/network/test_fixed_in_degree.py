"""Fixed in-degree networks (``[connectivity] in_degree``; the built-in ``mgnet_k``).

The builder is checked against the definition (exact in-degrees, no autapses, no
repeated pair, sources uniform over their population: the out-degrees follow the
binomial law that uniform sampling implies), and ``mgnet_k`` against its purpose: the
same activity at every size.
"""

from __future__ import annotations

import numpy as np
import pytest

from magsynapse.errors import MagsynapseError
from magsynapse.network import load_config, simulate_network
from magsynapse.network.backends.base import Wiring
from magsynapse.network.backends.numba_graph import build_connectivity
from magsynapse.network.simulate import expected_synapses


def _pairs(net):
    pre = np.repeat(np.arange(len(net.out_ptr) - 1), np.diff(net.out_ptr))
    return pre, np.asarray(net.out_post)


@pytest.mark.parametrize(("n", "n_exc", "k_exc", "k_inh"), [(100, 80, 8, 2), (50, 40, 39, 9)])
def test_every_neuron_gets_its_inputs_once_and_never_its_own(n, n_exc, k_exc, k_inh):
    pre, post = _pairs(build_connectivity(n, n_exc, Wiring(0.0, k_exc, k_inh), key=11))
    assert not np.any(pre == post)
    assert len(set(zip(pre.tolist(), post.tolist(), strict=True))) == len(post)
    exc_in = np.bincount(post[pre < n_exc], minlength=n)
    inh_in = np.bincount(post[pre >= n_exc], minlength=n)
    assert np.all(exc_in == k_exc) and np.all(inh_in == k_inh)


def test_sources_are_uniform_over_their_population():
    """Each excitatory neuron is a source of each other neuron with probability
    k_exc / (number of candidates), independently across targets, so its out-degree is a
    sum of Bernoulli draws with that mean and variance; likewise for inhibitory ones."""
    n, n_exc, k_exc, k_inh = 2000, 1600, 80, 20
    pre, _ = _pairs(build_connectivity(n, n_exc, Wiring(0.0, k_exc, k_inh), key=5))
    out = np.bincount(pre, minlength=n)
    # excitatory source: 1599 excitatory targets (of 1599 candidates each) and 400 inhibitory
    # targets (of 1600)
    p_ee, p_ei = k_exc / (n_exc - 1), k_exc / n_exc
    mean_e = (n_exc - 1) * p_ee + (n - n_exc) * p_ei
    var_e = (n_exc - 1) * p_ee * (1 - p_ee) + (n - n_exc) * p_ei * (1 - p_ei)
    p_ie, p_ii = k_inh / (n - n_exc), k_inh / (n - n_exc - 1)
    mean_i = n_exc * p_ie + (n - n_exc - 1) * p_ii
    var_i = n_exc * p_ie * (1 - p_ie) + (n - n_exc - 1) * p_ii * (1 - p_ii)
    for got, mean, var, m in ((out[:n_exc], mean_e, var_e, n_exc), (out[n_exc:], mean_i, var_i,
                              n - n_exc)):  # fmt: skip
        assert abs(got.mean() - mean) < 1e-9 * mean  # every input has a source
        # the sample variance of m draws: relative standard error sqrt(2/(m - 1))
        assert abs(got.var(ddof=1) / var - 1) < 5 * np.sqrt(2 / (m - 1))


def test_connectivity_depends_only_on_the_key():
    a = build_connectivity(300, 240, Wiring(0.0, 24, 6), key=3)
    b = build_connectivity(300, 240, Wiring(0.0, 24, 6), key=3)
    c = build_connectivity(300, 240, Wiring(0.0, 24, 6), key=4)
    assert np.array_equal(a.out_post, b.out_post) and np.array_equal(a.out_ptr, b.out_ptr)
    assert not np.array_equal(a.out_post, c.out_post)


def test_in_degree_configuration():
    cfg = load_config("mgnet_k")
    assert cfg.wiring == Wiring(0.0, 80, 20)
    assert expected_synapses(cfg.replace(network={"N": 4000})) == 4000 * 100
    big = cfg.replace(network={"N": 4000}, connectivity={"in_degree": 1000})
    assert big.weight_scale == pytest.approx(0.1)
    assert cfg.replace(connectivity={"reference_in_degree": 0}).weight_scale == 1.0
    with pytest.raises(MagsynapseError, match="at most 79 and 19"):
        cfg.replace(network={"N": 100})


def _cv_isi(ds, n_exc):
    """Mean coefficient of variation of the inter-spike intervals of excitatory neurons
    with at least five spikes, per replica (computed here from the spike trains)."""
    t = ds.spike_t.values.reshape(-1, ds.spike_t.shape[-1])
    i = ds.spike_i.values.reshape(-1, ds.spike_i.shape[-1])
    out = []
    for tr, ir in zip(t, i, strict=True):
        keep = (ir >= 0) & (ir < n_exc) & np.isfinite(tr)
        cvs = []
        for neuron in np.unique(ir[keep]):
            isi = np.diff(np.sort(tr[keep][ir[keep] == neuron]))
            if len(isi) >= 4:
                cvs.append(isi.std() / isi.mean())
        out.append(np.mean(cvs))
    return np.array(out).reshape(ds.rate_E.shape)


@pytest.mark.slow
def test_mgnet_k_has_the_same_activity_at_every_size():
    """Rates (E and I), ISI irregularity and the [Mg]o dependence of the E rate at
    N = 4000 and 10000 agree with N = 1000 (3 seeds, T = 1 s, [Mg]o = 1 and 2 mM):
    means within four standard errors of their difference (floor 0.25 Hz, 0.02 for the
    CV). MgNet itself drops from about 8 Hz to 0.5 Hz over the same sizes. At 0.1 mM the
    rates still grow with N (docs/network.md), which is why that value is not here."""
    seeds, mgs = [1, 2, 3], [1.0, 2.0]
    runs = {}
    for n in (1000, 4000, 10000):
        cfg = load_config("mgnet_k").replace(network={"N": n})
        ds = simulate_network(cfg, mg=mgs, seed=seeds, T=1.0, threads=2)
        runs[n] = {
            "rate_E": ds.rate_E.values,
            "rate_I": ds.rate_I.values,
            "cv": _cv_isi(ds, cfg.n_exc),
            "mg_effect": ds.rate_E.values[0] - ds.rate_E.values[1],
        }
    ref = runs[1000]
    assert np.all(ref["rate_E"] > 2.0)  # awake: not the silent regime of large MgNet
    floors = {"rate_E": 0.25, "rate_I": 0.25, "cv": 0.02, "mg_effect": 0.25}
    failures = []
    for n in (4000, 10000):
        for key, floor in floors.items():
            a, b = np.ravel(ref[key]), np.ravel(runs[n][key])
            se = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / len(a))
            if not abs(a.mean() - b.mean()) <= max(4 * se, floor):
                failures.append(f"N = {n}, {key}: {b.mean():.3g} vs {a.mean():.3g} at N = 1000")
    assert not failures, "\n".join(failures)
