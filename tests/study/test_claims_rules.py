"""The verdict rules of the claims audit, on results built by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from magsynapse.claims import CLAIMS, ORDER, VERDICTS
from magsynapse.errors import MagsynapseError
from magsynapse.i18n import translator


def _trial(d_median, lo, hi, power, inside, d_significant=0.45):
    ds = xr.Dataset()
    ds.attrs["summary"] = json.dumps(
        {
            "d_median": d_median,
            "d_90": [lo, hi],
            "power": power,
            "published_inside_90": inside,
            "d_significant": d_significant,
        }
    )
    return ds


@pytest.mark.parametrize(
    ("summary", "verdict"),
    [
        ((0.9, 0.4, 1.4, 0.8, True), "supported"),
        ((0.5, 0.0, 1.0, 0.3, True), "partly"),
        ((-0.1, -0.7, 0.5, 0.05, False), "not_supported"),
        ((-0.8, -1.3, -0.2, 0.0, False), "contradicted"),
    ],
)
def test_liu_verdict_follows_the_predicted_interval(summary, verdict):
    f = CLAIMS["C17"].judge({"people_liu2016": _trial(*summary)})
    assert f.verdict == verdict and f.computed
    assert "0.91" in str(f.numbers)


@pytest.mark.parametrize(
    ("power", "verdict"), [(0.6, "supported"), (0.3, "partly"), (0.05, "not_supported")]
)
def test_hausenblas_verdict_follows_power(power, verdict):
    f = CLAIMS["C18"].judge({"people_hausenblas2024": _trial(0.1, -0.3, 0.5, power, False)})
    assert f.verdict == verdict


def _salts(rises: dict[str, float]) -> xr.Dataset:
    t = np.arange(3.0)
    csf = np.array([[1.0, 1.0 + r / 2, 1.0 + r] for r in rises.values()])[:, :, None]
    csf = np.repeat(csf, 4, axis=2)
    return xr.Dataset(
        {"csf": (("salt", "time", "sample"), csf)},
        coords={"salt": list(rises), "time": t},
    )


def test_oxide_and_citrate_barely_change_brain_mg_below_two_percent():
    small = CLAIMS["C11"].judge({"pk_salts": _salts({"oxide": 0.01, "citrate": 0.015})})
    big = CLAIMS["C11"].judge({"pk_salts": _salts({"oxide": 0.01, "citrate": 0.05})})
    assert small.verdict == "supported" and big.verdict == "not_supported"


def test_seizure_claim_needs_more_events_at_low_mg():
    def ds(low, normal):
        return xr.Dataset(
            {"event_rate": (("mg", "seed"), [[low], [normal]])}, coords={"mg": [0.0, 1.0]}
        )

    assert CLAIMS["C7"].judge({"network_seizures": ds(1.2, 0.0)}).verdict == "supported"
    assert CLAIMS["C7"].judge({"network_seizures": ds(0.0, 0.0)}).verdict == "not_supported"


def test_a_missing_result_is_a_clear_error():
    with pytest.raises(MagsynapseError, match=r"people_liu2016\.nc.*magsynapse study"):
        CLAIMS["C17"].judge({})


def test_every_claim_is_registered_with_caveats_and_verdict_labels_in_both_languages():
    assert sorted(CLAIMS) == sorted(ORDER) and len(ORDER) == 21
    hi = translator("hi")
    for key in VERDICTS:
        label = VERDICTS[key].label
        assert label.render(hi) != str(label)
    for c in CLAIMS.names():
        assert CLAIMS[c].text.render(hi) != str(CLAIMS[c].text)


def _depletion(fall: float, with_mgt: float) -> xr.Dataset:
    """GluN2B share on the last session: control 0.3, depleted 0.3 + fall, and MgT on top."""
    f2b = np.array([[[0.3, 0.3], [0.3, 0.3 + fall]], [[0.3, 0.3], [0.3, 0.3 + fall + with_mgt]]])
    return xr.Dataset(
        {"session_f_2b": (("scenario", "arm", "session"), f2b)},
        coords={
            "scenario": ["depleted", "depleted_mgt"],
            "arm": ["control", "treated"],
            "session": [0.0, 14.0],
        },
    )


@pytest.mark.parametrize(
    ("with_mgt", "verdict", "words"),
    [(0.03, "supported", "prevents at least half"), (-0.01, "not_supported", "does not prevent")],
)
def test_chemotherapy_claim_needs_mgt_to_restore_half_the_fall(with_mgt, verdict, words):
    f = CLAIMS["C16"].judge({"chronic_depletion": _depletion(-0.04, with_mgt)})
    assert f.verdict == verdict
    assert words in f.reason.render(translator("en"))


def _rats(sites: float, recall_gain: float) -> xr.Dataset:
    """Young and aged rats, control and treated, two sessions, three network seeds."""
    shape = (2, 2, 2, 3)
    rec = np.full(shape, 0.6)
    rec[:, 1, -1, :] += recall_gain + np.array([-0.001, 0.0, 0.001])
    dens = np.ones(shape[:3])
    dens[:, 1, -1] += sites
    return xr.Dataset(
        {
            "recall": (("age", "arm", "session", "network_seed"), rec),
            "session_synapse_density": (("age", "arm", "session"), dens),
            "session_f_2b": (("age", "arm", "session"), np.full(shape[:3], 0.3)),
        },
        coords={"age": ["young", "aged"], "arm": ["control", "treated"], "session": [0.0, 28.0]},
    )


@pytest.mark.parametrize(
    ("sites", "gain", "verdict"),
    [(0.1, 0.1, "supported"), (0.1, 0.0, "partly"), (-0.1, 0.0, "not_supported")],
)
def test_density_claim_needs_sites_and_recall_beyond_noise(sites, gain, verdict):
    assert CLAIMS["C13"].judge({"chronic_rat_regimen": _rats(sites, gain)}).verdict == verdict


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workers": 0}, "workers: must be an integer >= 1"),
        ({"workers": True}, "workers: must be an integer >= 1"),
        ({"plan": "huge"}, "unknown study plan 'huge'; accepted: full, quick"),
        ({"languages": ("en", "xx")}, "unknown language 'xx'"),
    ],
)
def test_study_refuses_bad_arguments_before_any_work(tmp_path, kwargs, message):
    from magsynapse.study import run_study

    with pytest.raises(MagsynapseError, match=message):
        run_study(tmp_path / "out", progress=False, **kwargs)
    assert not (tmp_path / "out").exists()


def test_study_command_refuses_an_unknown_language_in_one_line(tmp_path, capsys):
    from magsynapse.cli import main

    assert main(["study", "--lang", "en,fr", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["magsynapse: error: --lang: unknown language 'fr'; accepted: en, hi"]
    assert not (tmp_path / "o").exists()


def test_the_study_refuses_folders_it_did_not_write(tmp_path):
    """Before any work: a folder with someone else's files, a file, the root, home."""
    from magsynapse.study import run_study

    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("")
    for out, fragment in [
        (foreign, "did not write (thesis.tex)"),
        (foreign / "thesis.tex", "is a file"),
        (Path("/"), "root or home"),
        (Path("~"), "root or home"),
    ]:
        with pytest.raises(MagsynapseError, match=re.escape(fragment)):
            run_study(out, plan="quick", progress=False, languages=("en",))
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.tex"]
