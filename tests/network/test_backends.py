"""The contract every registered network backend keeps, checked on a small network."""

import numpy as np
import pytest

from magsynapse.errors import MagsynapseError
from magsynapse.network import Stimulus, load_config, simulate_network
from magsynapse.network.backends import BACKENDS, Backend, get_backend
from magsynapse.network.params import PARAM_DTYPE, PARAMETERS

CFG = load_config("mgnet").replace(network={"N": 120})
STIM = (Stimulus(range(10), 0.05, 0.15, rate=40.0, correlated=True),)


def _same(a, b):
    for name in ("spike_t", "spike_i", "rate", "rho_mean", "rho_hist", "ca_load_E"):
        np.testing.assert_array_equal(a[name].values, b[name].values)


@pytest.mark.parametrize("name", list(BACKENDS))
def test_backend_contract(name):
    """Rates positive and finite; the same seed gives the same numbers; a replica is the
    same alone or in a batch (any [Mg]o and seed around it, one thread or several)."""
    assert isinstance(get_backend(name), Backend)
    kw = {"T": 0.2, "backend": name, "stimuli": STIM}
    batch = simulate_network(CFG, seed=[2, 5], mg=[0.5, 1.0], **kw)
    assert batch.rate_E.dims == ("mg", "seed")
    for var in ("rate_E", "rate_I"):
        values = batch[var].values
        assert np.all(np.isfinite(values)) and np.all(values > 0)
    rho = batch.rho_mean.values
    assert np.all((rho >= 0) & (rho <= 1))
    alone = simulate_network(CFG, seed=5, mg=1.0, **kw)
    again = simulate_network(CFG, seed=5, mg=1.0, threads=1, **kw)
    _same(alone, again)
    sel = batch.sel(seed=5, mg=1.0)
    n = int((alone.spike_i >= 0).sum())
    assert int((sel.spike_i >= 0).sum()) == n
    np.testing.assert_array_equal(sel.spike_t.values[:n], alone.spike_t.values[:n])
    np.testing.assert_array_equal(sel.spike_i.values[:n], alone.spike_i.values[:n])
    for var in ("rate", "rho_mean", "rho_hist", "ca_load_E"):
        np.testing.assert_array_equal(sel[var].values, alone[var].values)


def test_unknown_backend_lists_the_accepted_names():
    with pytest.raises(MagsynapseError) as err:
        simulate_network(CFG, T=0.1, backend="nope")
    message = str(err.value)
    assert "nope" in message and "numba_cpu" in message and "\n" not in message


def test_parameter_record_has_one_documented_field_per_row():
    names = [row[0] for row in PARAMETERS]
    assert list(PARAM_DTYPE.names) == names and len(set(names)) == len(names)
    assert all(unit is not None and meaning for _, _, unit, meaning in PARAMETERS)
