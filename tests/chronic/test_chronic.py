"""The multi-day driver: acute results with every pathway off, directions of the chronic
experiments, reproducibility and bad input."""

import numpy as np
import pytest

from magsynapse.chronic import SessionProtocol, chronic
from magsynapse.cli import main
from magsynapse.conditions import make_conditions
from magsynapse.errors import MagsynapseError
from magsynapse.network.phenomena import memory, signal_to_noise

RAT_MGT = {"salt": "threonate", "dose": "604mg/kg/day"}  # Slutsky et al. (2010)


@pytest.fixture(scope="module")
def rat_off():
    return chronic("rat", **RAT_MGT, days=3, sessions=[0, 3], pathways=[])


def test_every_pathway_off_gives_the_acute_results(rat_off):
    """Sessions with no slow pathway are today's memory and SNR tasks at the session's
    brain [Mg]o, bit for bit."""
    mg = rat_off.session_mg_o.sel(arm="treated").values
    acute_mem = memory(conditions=make_conditions(mg_o=mg, dims=("d",)), observe=0.2, naive=False)
    acute_snr = signal_to_noise(conditions=make_conditions(mg_o=mg, dims=("d",)), T=0.5)
    np.testing.assert_array_equal(
        rat_off.recall.sel(arm="treated").isel(network_seed=0), acute_mem.recall.isel(seed=0)
    )
    np.testing.assert_array_equal(
        rat_off.snr.sel(arm="treated").isel(network_seed=0), acute_snr.snr.isel(seed=0)
    )
    # and the states the network saw are the reference synapse's
    assert np.all(rat_off.session_f_2b == 0.5) and np.all(rat_off.session_atp == 1.0)
    assert np.all(rat_off.session_synapse_density == 1.0)


def test_regimen_raises_brain_mg(rat_off):
    mg = rat_off.mg_o
    assert float(mg.sel(arm="treated").isel(time=-1)) > 1.05 * float(
        mg.sel(arm="control").isel(time=-1)
    )


def test_reproducible_from_the_seed():
    a = chronic("rat", **RAT_MGT, days=2, sessions=[2], samples=3, seed=7)
    b = chronic("rat", **RAT_MGT, days=2, sessions=[2], samples=3, seed=7)
    for var in ("f_2b", "synapse_density", "recall", "snr"):
        np.testing.assert_array_equal(a[var], b[var])
    assert "f_2b_band" in a and a.f_2b.sizes["sample"] == 3


def test_culture_clamp_and_depletion_move_nr2b():
    """[Mg]o 0.8 → 1.2 mM raises the GluN2B share; 0.8 → 0.6 mM (oxaliplatin's serum and
    CSF, Zhou et al. 2021) lowers it (homeostat alone)."""
    up = chronic("rat", mg_clamp=1.2 * 1.06 / 0.8, days=4, sessions=[4], pathways="homeostasis")
    down = chronic("rat", depletion=0.75, days=4, sessions=[4], pathways="homeostasis")
    f_up = float(up.f_2b.sel(arm="treated").isel(time=-1))
    f_down = float(down.f_2b.sel(arm="treated").isel(time=-1))
    assert f_down < 0.49 and f_up > 0.55


def test_aged_rats_have_less_nr2b_and_lower_recall():
    """Aged set (lower NR2B and cellular Mg): lower baseline recall (three network
    seeds), on the same network."""
    ds = chronic(
        "rat",
        mg_clamp=1.06,
        days=1,
        ages=["young", "aged"],
        sessions=[0],
        protocol=SessionProtocol(network_seeds=3),
    )
    day0 = ds.recall.sel(arm="control").isel(session=0).mean("network_seed")
    assert float(day0.sel(age="aged")) < float(day0.sel(age="young")) - 0.05
    assert float(ds.f_2b.sel(age="aged").isel(time=0, arm=0)) < 0.5


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"days": -3}, "days"),
        ({"days": 3, "pathways": "homeostasis,memory"}, "unknown pathway"),
        ({"days": 3, "sessions": [0, 5]}, "sessions"),
        ({"days": 3, "ages": "old"}, "age"),
        ({"days": 3, "mg_clamp": 1.2}, "mg_clamp"),
    ],
)
def test_bad_input_one_line(kwargs, message):
    with pytest.raises(MagsynapseError, match=message) as err:
        chronic("rat", **RAT_MGT, **kwargs)
    assert "\n" not in str(err.value)


def test_human_age_outside_range():
    with pytest.raises(MagsynapseError, match="age"):
        chronic("human", "threonate", dose="2g/day", days=1, ages=[110])


@pytest.mark.parametrize(
    "args",
    [
        ["--days", "-2"],
        ["--days", "2", "--pathways", "dreams"],
        ["--days", "2", "--sessions", "0,9"],
        ["--days", "2", "--species", "human", "--age-years", "12"],
        ["--days", "2", "--age", "old"],
        ["--days", "2", "--samples", "3"],
    ],
)
def test_cli_bad_input_writes_nothing(tmp_path, capsys, args):
    out = tmp_path / "c.nc"
    code = main(["chronic", "--salt", "threonate", "--dose", "2g/day", *args, "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith("magsynapse: error:")
    assert list(tmp_path.iterdir()) == []


def test_cli_writes_result_and_figure(tmp_path, capsys):
    out = tmp_path / "c.nc"
    code = main(
        [
            "chronic",
            "--species",
            "rat",
            "--salt",
            "threonate",
            "--dose",
            "604mg/kg/day",
            "--days",
            "2",
            "--sessions",
            "0,2",
            "--pathways",
            "homeostasis",
            "--out",
            str(out),
        ]
    )
    assert code == 0 and out.is_file() and out.with_suffix(".png").is_file()
    assert "recall on day 2, treated" in capsys.readouterr().out
