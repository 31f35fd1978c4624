"""The slow layer: directions of the published culture experiments, relaxation with the
stated time constants, bookkeeping, reproducibility and bad input."""

import math

import numpy as np
import pytest

from magsynapse.errors import MagsynapseError
from magsynapse.slow import (
    ENERGY_SHARES,
    PATHWAYS,
    constant_drivers,
    integrate,
    slow_parameters,
)
from magsynapse.slow.integrate import Drivers
from magsynapse.synapse.background import BackgroundCalcium, entry_per_spike

BG = BackgroundCalcium()
RAT = slow_parameters("rat")


def _final(ds, var):
    return float(ds[var].isel(time=-1, sample=0))


@pytest.mark.parametrize("clamp, direction", [(1.2, 1), (0.6, -1)])
def test_culture_clamp_moves_nr2b(clamp, direction):
    """Slutsky et al. (2004): [Mg]o 0.8 → 1.2 mM for days raises NR2B; Zhou et al. (2021):
    0.6 mM in slice culture lowers it."""
    ds = integrate(constant_drivers(0.8, 0.5, days=7).clamped(clamp), BG, RAT)
    assert direction * (_final(ds, "f_2b") - 0.5) > 0.05


def test_homeostat_restores_background_calcium_exactly():
    """With the homeostat alone the GluN2B share settles where the background calcium
    entry (computed independently, from the calcium trace) equals its pre-clamp value."""
    ds = integrate(
        constant_drivers(0.8, 0.5, days=90).clamped(1.2), BG, RAT, pathways="homeostasis"
    )
    target = entry_per_spike(0.8, 0.5)
    fast, slow = entry_per_spike(1.2, 0.0), entry_per_spike(1.2, 1.0)
    f_inf = (target - fast) / (slow - fast)
    assert _final(ds, "f_2b") == pytest.approx(f_inf, abs=2e-3)
    assert _final(ds, "calcium") == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("clamp, tau", [(0.802, "tau_up"), (0.798, "tau_down")])
def test_homeostat_relaxes_with_its_time_constant(clamp, tau):
    """A small step relaxes with tau_up (calcium below the set point) or tau_down."""
    tau_h = RAT[tau]
    ds = integrate(
        constant_drivers(0.8, 0.5, days=30).clamped(clamp),
        BG,
        RAT,
        pathways="homeostasis",
        record_h=1.0,
    )
    f = ds.f_2b.isel(sample=0)
    f_inf = float(f.isel(time=-1))
    left = (float(f.sel(time=tau_h / 24.0)) - f_inf) / (0.5 - f_inf)
    assert left == pytest.approx(math.exp(-1), rel=0.03)


def test_density_relaxes_with_its_time_constant():
    """Release sites follow a step of [Mg]i with tau_density (homeostasis off: exact)."""
    d = constant_drivers(0.8, 0.5, days=30)
    d = Drivers(d.time, d.mg_o, d.mg_i * 1.1, d.mg_o_ref, d.mg_i_ref)
    ds = integrate(d, BG, RAT, pathways="density", record_h=1.0)
    n = ds.synapse_density.isel(sample=0)
    n_inf = 1.1 ** RAT["density_mg"]
    week = RAT["tau_density"] / 24.0
    assert (float(n.sel(time=week)) - n_inf) / (1 - n_inf) == pytest.approx(math.exp(-1), 1e-9)
    # more sites, lower release probability (Slutsky 2010)
    assert float(ds.release_probability[-1, 0]) < RAT["release_probability0"]


def test_energy_bookkeeping_and_budget():
    """ATP: the change equals supply minus use; Howarth et al.'s shares add to 1."""
    assert sum(ENERGY_SHARES.values()) == pytest.approx(1.0)
    d = constant_drivers(0.8, 0.5, days=5)
    d = Drivers(d.time, d.mg_o * 1.3, d.mg_i * 0.3, d.mg_o_ref, d.mg_i_ref)
    ds = integrate(d, BG, RAT)
    change = ds.atp.isel(sample=0) - float(ds.atp[0, 0])
    balance = ds.atp_supplied.isel(sample=0) - ds.atp_used.isel(sample=0)
    np.testing.assert_allclose(change, balance, atol=1e-9)
    # low [Mg]i: less Mg-ATP, unless fewer release sites lower the demand as much
    alone = integrate(d, BG, RAT, pathways="energy")
    assert float(alone.atp[-1, 0]) < 0.95 < float(ds.atp[-1, 0])


def test_low_atp_slows_the_homeostat():
    d = constant_drivers(0.8, 0.5, days=2).clamped(1.2)
    low = Drivers(d.time, d.mg_o, d.mg_i * 0.05, d.mg_o_ref, d.mg_i_ref)
    fast = integrate(low, BG, RAT, pathways="homeostasis")
    slowed = integrate(low, BG, RAT, pathways="homeostasis,energy")
    assert _final(slowed, "atp") < 0.6
    assert 0.5 < _final(slowed, "f_2b") < _final(fast, "f_2b")


def test_excitotoxic_load_removes_synapses_only_in_low_mg():
    low = integrate(
        constant_drivers(0.8, 0.5, days=5).clamped(0.1), BG, RAT, pathways="excitotoxicity"
    )
    mild = integrate(
        constant_drivers(0.8, 0.5, days=5).clamped(0.6), BG, RAT, pathways="excitotoxicity"
    )
    assert _final(low, "excitotoxic_load") > 0 and _final(low, "synapse_density") < 0.9
    assert _final(mild, "excitotoxic_load") == 0 and _final(mild, "synapse_density") == 1


def test_sleep_orbit_and_downscaling():
    """Process S is periodic; a night removes 18 % of the strength gathered by the
    evening (de Vivo et al. 2017) and the morning strength stays 1."""
    ds = integrate(constant_drivers(0.8, 0.5, days=3), BG, RAT, pathways="sleep", record_h=1.0)
    s, w = ds.sleep_pressure.isel(sample=0), ds.synaptic_strength.isel(sample=0)
    np.testing.assert_allclose(s.sel(time=[0.0, 1.0, 2.0]), float(s[0]), rtol=1e-9)
    evening = float(w.sel(time=16 / 24))
    assert float(w.sel(time=1.0)) / evening == pytest.approx(1 - 0.18, rel=1e-9)
    assert float(w.sel(time=2.0)) == pytest.approx(1.0, rel=1e-9)
    # the two-process model's asymptotes: rising while awake, falling asleep
    assert float(s.sel(time=16 / 24)) > float(s[0]) > float(s.sel(time=23 / 24)) * 0.0


def test_no_pathway_gives_the_reference_synapse():
    ds = integrate(constant_drivers(0.8, 0.5, days=10).clamped(1.5), BG, RAT, pathways=[])
    for var, value in (
        ("f_2b", 0.5),
        ("synapse_density", 1.0),
        ("atp", 1.0),
        ("release_probability", 0.3),
        ("excitotoxic_load", 0.0),
        ("synaptic_strength", 1.0),
    ):
        assert np.all(ds[var].values == value), var


def test_aged_set_has_less_nr2b_and_fewer_sites():
    ds = integrate(constant_drivers(0.8, 0.5, days=2), BG, slow_parameters("rat", "aged"))
    assert float(ds.f_2b[0, 0]) < 0.5 and float(ds.synapse_density[0, 0]) < 1
    # at its own reference nothing moves
    np.testing.assert_allclose(ds.f_2b[-1], ds.f_2b[0], rtol=1e-12)


def test_samples_reproducible_and_batch_independent():
    d = constant_drivers(0.8, 0.5, days=3).clamped(1.1)
    a = integrate(d, BG, RAT, samples=6, seed=4)
    b = integrate(d, BG, RAT, samples=3, seed=4)
    np.testing.assert_array_equal(a.f_2b.isel(sample=slice(0, 3)), b.f_2b)
    assert a.f_2b.isel(time=-1).std() > 0


def test_pathways_registry():
    assert list(PATHWAYS) == ["energy", "homeostasis", "density", "excitotoxicity", "sleep"]


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: integrate(constant_drivers(0.8, 0.5, 1), BG, RAT, pathways="memory"),
            "unknown pathway",
        ),
        (lambda: constant_drivers(0.8, 0.5, days=-1), "days"),
        (lambda: slow_parameters("human", 110), "age"),
        (lambda: slow_parameters("rat", "old"), "age"),
        (lambda: integrate(constant_drivers(0.8, 0.5, 1), BG, RAT, step_h=5), "step_h"),
        (lambda: integrate(constant_drivers(0.8, 0.5, 1), BG, RAT, samples=2), "seed"),
        (lambda: constant_drivers(0.8, 0.5, 1).clamped(-1), "mg_clamp"),
        (lambda: constant_drivers(0.8, 0.5, 1).depleted(1.5), "depletion"),
    ],
)
def test_bad_input_one_line(call, message):
    with pytest.raises(MagsynapseError, match=message) as err:
        call()
    assert "\n" not in str(err.value)


def test_atp_relaxes_with_its_time_constant():
    """With the drive at the reference the demand is 1: ATP follows a [Mg]i step with
    tau_atp exactly."""
    d = constant_drivers(0.8, 0.5, days=1)
    d = Drivers(d.time, d.mg_o, d.mg_i * 0.2, d.mg_o_ref, d.mg_i_ref)
    ds = integrate(d, BG, RAT, pathways="energy", record_h=1.0)
    a = ds.atp.isel(sample=0).values
    target = (0.1 / (0.1 + RAT["k_mgatp"])) / (0.5 / (0.5 + RAT["k_mgatp"]))
    assert (a[1] - target) / (a[0] - target) == pytest.approx(math.exp(-1 / RAT["tau_atp"]))
    assert a[-1] == pytest.approx(target, rel=1e-9)


def test_process_s_rises_and_decays_with_its_time_constants():
    """Daan, Beersma & Borbély (1984): S → 1 with 18.2 h awake, → 0 with 4.2 h asleep."""
    ds = integrate(constant_drivers(0.8, 0.5, days=1), BG, RAT, pathways="sleep", record_h=1.0)
    s = ds.sleep_pressure.isel(sample=0).values
    assert 1 - s[16] == pytest.approx((1 - s[0]) * math.exp(-16 / 18.2), rel=1e-12)
    assert s[24] == pytest.approx(s[16] * math.exp(-8 / 4.2), rel=1e-12)


def test_slow_wave_activity_follows_the_mg_gain_of_downscaling():
    """The night's slow-wave activity is ∫ S·(mg_o/ref)^mg_sleep over the reference
    night's ∫ S: with [Mg]o held at 1.5 × its reference it is 1.5^mg_sleep each morning,
    and 1 with the sleep pathway's Mg link at zero."""
    from magsynapse.slow import constant_drivers, integrate, slow_parameters

    def calcium(mg_o, f, drive):
        return drive * (0.4 + 1.2 * f) / (1 + 15.7 * mg_o)

    d = constant_drivers(0.8, 0.5, days=3)
    for e in (0.0, 0.5, -0.4):
        ps = slow_parameters("rat").with_values(mg_sleep=e)
        ds = integrate(d.clamped(1.2), calcium, ps, record_h=24.0, cycle=d)
        np.testing.assert_allclose(ds.slow_wave.values[1:, 0], 1.5**e, rtol=1e-12)


def test_background_calcium_broadcasts_and_refuses_mg_outside_its_table():
    """The entry is (1 − f)·fast + f·slow times the drive (the module's definition), for
    arrays of any shape; [Mg]o beyond the 0.01–20 mM table is an error, not a clamp."""
    mg = np.array([0.8, 1.2])
    row = BG(mg, 0.5, 1.0)
    assert row.shape == (2,)
    for m, value in zip(mg, row, strict=True):
        fast, slow = entry_per_spike(m, 0.0), entry_per_spike(m, 1.0)
        assert value == pytest.approx(0.5 * fast + 0.5 * slow, rel=1e-3)
    grid = BG(np.full((2, 3), 1.0), np.array([0.2, 0.5, 0.8]), np.array([[1.0], [2.0]]))
    assert grid.shape == (2, 3)
    np.testing.assert_allclose(grid[1], 2.0 * grid[0], rtol=1e-15)
    for bad in (0.005, 25.0):
        with pytest.raises(MagsynapseError, match="tabulated"):
            BG(np.array([1.0, bad]), np.array([0.5, 0.5]), np.array([1.0, 1.0]))


@pytest.mark.parametrize("pathways", [None, "homeostasis,sleep", "energy,density,excitotoxicity"])
def test_compiled_loop_gives_the_numbers_of_the_python_steps(pathways):
    """With a tabulated calcium and built-in pathways every step runs in one compiled call;
    any other calcium function takes each pathway's Python step. Same numbers."""
    d = constant_drivers(0.8, 0.5, days=6, samples=3).clamped(1.3)
    kw = {"samples": 3, "seed": 4, "cycle": constant_drivers(0.8, 0.5, days=1, samples=3)}
    if pathways is not None:
        kw["pathways"] = pathways
    compiled = integrate(d, BG, RAT, **kw)
    stepped = integrate(d, lambda m, f, drive: BG(m, f, drive), RAT, **kw)
    for name in compiled.data_vars:
        np.testing.assert_allclose(compiled[name], stepped[name], rtol=1e-12, atol=1e-15)
    if pathways is None or "homeostasis" in pathways:  # the clamp moved the homeostat
        assert float(abs(compiled.f_2b.isel(time=-1) - compiled.f_2b.isel(time=0)).max()) > 1e-3
