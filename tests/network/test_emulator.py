"""The emulator of the session readouts: the surface algebra, the cache, ranges, and its
error against fresh network runs."""

import numpy as np
import pytest

from magsynapse.conditions import make_conditions
from magsynapse.errors import MagsynapseError
from magsynapse.network import emulator as em_mod
from magsynapse.network.emulator import (
    DEFAULT_RANGES,
    fit_emulator,
    fit_surface,
    quadratic_basis,
    validate,
)

#: A small design: [Mg]o, GluN2B share and drive vary, ATP and strength held at 1.
SMALL = {**DEFAULT_RANGES, "atp": (1.0, 1.0), "synaptic_strength": (1.0, 1.0)}


def test_surface_recovers_a_known_quadratic():
    rng = np.random.default_rng(3)
    z = rng.uniform(-1, 1, (60, 3))
    truth = 0.5 - z[:, 0] + 0.3 * z[:, 1] * z[:, 2] + 0.2 * z[:, 2] ** 2
    coef, sd = fit_surface(z, truth)
    np.testing.assert_allclose(quadratic_basis(z) @ coef, truth, atol=1e-12)
    assert sd < 1e-12
    noisy = truth + rng.normal(0, 0.1, len(truth))
    assert fit_surface(z, noisy)[1] == pytest.approx(0.1, rel=0.35)


def test_basis_size():
    assert quadratic_basis(np.zeros((4, 5))).shape == (4, 21)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    cache = tmp_path_factory.mktemp("emulators")
    return fit_emulator(ranges=SMALL, points=24, seeds=[1, 2], cache=cache), cache


def test_cache_reloads_without_running_the_network(small, monkeypatch):
    em, cache = small
    assert len(list(cache.glob("*.nc"))) == 1

    def no_network(*args, **kwargs):
        raise AssertionError("the cached fit ran the network")

    monkeypatch.setattr(em_mod, "session", no_network)
    again = fit_emulator(ranges=SMALL, points=24, seeds=[1, 2], cache=cache)
    np.testing.assert_array_equal(again.coefficients["recall"], em.coefficients["recall"])
    with pytest.raises(AssertionError):  # another design is another key
        fit_emulator(ranges=SMALL, points=25, seeds=[1, 2], cache=cache)


def test_prediction_follows_the_acute_block(small):
    """Higher [Mg]o learns less (the memory task's direction), inside the range."""
    em, _ = small
    ds = em.predict(make_conditions(mg_o=[0.85, 1.25], dims=("x",)))
    assert float(ds.recall.isel(x=0)) > float(ds.recall.isel(x=1))
    assert float(ds.recall_sd) > 0


def test_outside_the_range_is_an_error(small):
    em, _ = small
    with pytest.raises(MagsynapseError, match=r"mg_o .* leaves its fitted range") as err:
        em.predict(make_conditions(mg_o=[2.0], dims=("x",)))
    assert "\n" not in str(err.value)


def test_error_against_fresh_networks(small):
    """On new conditions and a new network the recall error stays within three times the
    scatter the fit saw (one network run's scatter about the mean surface)."""
    em, _ = small
    v = validate(em, points=6, seeds=[101])
    assert float(v.rmse_recall) < 3 * float(v.residual_sd_recall)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"ranges": {"temperature": (0, 1)}}, "unknown input"),
        ({"ranges": {"mg_o": (1.2, 0.8)}}, "low <= high"),
        ({"points": 1}, "points"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(MagsynapseError, match=message):
        fit_emulator(cache=None, **kwargs)
