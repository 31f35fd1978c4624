"""The command-line interface: every command, and every error path as one line."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from magsynapse.cli import main
from magsynapse.results import load


def assert_one_line_error(capsys, args, fragments):
    """The command exits with status 2 and one line that contains every fragment."""
    code, _, err = run(capsys, *args)
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_block_command(capsys, tmp_path):
    out = tmp_path / "b.nc"
    code, _text, _ = run(
        capsys,
        "block",
        "--model",
        "ascher_nowak",
        "--mg",
        "0.6:1.0:0.2",
        "--v",
        "-80:0:40mV",
        "--out",
        str(out),
    )
    assert code == 0
    ds = load(out)
    assert ds.B.dims == ("mg", "v")
    assert ds.mg.values.tolist() == [0.6, 0.8, 1.0]
    assert (tmp_path / "b.png").exists()


def test_stdp_command_dims_and_variable(capsys, tmp_path):
    out = tmp_path / "s.nc"
    code, *_ = run(
        capsys,
        "stdp",
        "--rule",
        "bistable",
        "--set",
        "DP",
        "--calcium",
        "linear",
        "--mg",
        "0.8,1.2mM",
        "--dt",
        "-20:20:10",
        "--pairs",
        "60",
        "--freq",
        "1",
        "--out",
        str(out),
        "--no-plot",
    )
    assert code == 0
    ds = load(out)
    assert ds.change.dims == ("mg", "dt")
    assert not (tmp_path / "s.png").exists()
    code, *_ = run(
        capsys, "stdp", "--mg", "1", "--dt", "-10,10", "--freq", "1,5", "--out", str(out)
    )
    assert load(out).change.dims == ("mg", "freq", "dt")


def test_stdp_stochastic_command(capsys, tmp_path):
    out = tmp_path / "s.nc"
    code, *_ = run(
        capsys,
        "stdp",
        "--method",
        "stochastic",
        "--reps",
        "20",
        "--seed",
        "3",
        "--dt",
        "10",
        "--out",
        str(out),
    )
    assert code == 0
    assert load(out).attrs["seed"] == 3


def test_other_commands(capsys, tmp_path):
    cases = [
        (["frequency", "--freq", "1,100", "--pulses", "50"], ("mg", "freq"), "change"),
        (
            [
                "frequency",
                "--rule",
                "omega_eta",
                "--calcium",
                "nmda_voltage",
                "--freq",
                "1,50",
                "--pulses",
                "30",
                "--epsp",
                "10",
            ],
            ("mg", "freq"),
            "change",
        ),
        (["pairing", "--hold", "-70:-10:20", "--pulses", "10"], ("mg", "hold"), "change"),
        (["snr", "--mg", "0.8,1.2"], ("mg",), "snr"),
    ]
    for i, (args, dims, var) in enumerate(cases):
        out = tmp_path / f"r{i}.nc"
        code, *_ = run(capsys, *args, "--out", str(out))
        assert code == 0, args
        assert load(out)[var].dims == dims
        assert (tmp_path / f"r{i}.png").exists()


def test_cite_prints_references(capsys, tmp_path):
    out = tmp_path / "s.nc"
    run(capsys, "stdp", "--dt", "10", "--out", str(out), "--no-plot")
    code, text, _ = run(capsys, "cite", str(out))
    assert code == 0
    assert "Graupner M, Brunel N (2012)" in text
    assert "Jahr CE, Stevens CF (1990)" in text


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["stdp", "--mg", "-1", "--out", "X"], ["--mg", ">= 0"]),
        (["stdp", "--mg", "abc", "--out", "X"], ["--mg", "not a number"]),
        (["stdp", "--mg", "1.2mV", "--out", "X"], ["--mg", "accepted: mM"]),
        (["stdp", "--dt", "10:0:5", "--out", "X"], ["--dt", "empty"]),
        (["stdp", "--dt", "-600:600:100", "--out", "X"], ["dt", "pairing period"]),
        (["stdp", "--set", "XY", "--out", "X"], ["--set", "accepted: DP"]),
        (["stdp", "--rule", "hebb", "--out", "X"], ["--rule", "accepted: bcm, bistable"]),
        (["stdp", "--calcium", "cubic", "--out", "X"], ["--calcium", "accepted: linear"]),
        (["stdp", "--method", "stochastic", "--out", "X"], ["seed"]),
        (["stdp", "--set", "DP_nmda", "--out", "X"], ["set", "nmda_voltage"]),
        (["block", "--model", "nope", "--out", "X"], ["--model", "accepted: jahr_stevens_1990"]),
        (["block", "--subunit", "GluN9", "--out", "X"], ["--subunit", "accepted: GluN2A"]),
        (["block", "--v", "", "--out", "X"], ["--v", "empty"]),
        (["stdp"], ["--out"]),
        (["stdp", "--pairs", "0", "--out", "X"], ["--pairs"]),
        (["frequency", "--freq", "0", "--out", "X"], ["--freq", "> 0"]),
        (["frequency", "--epsp", "nan", "--out", "X"], ["--epsp", "finite"]),
        (["stdp", "--out", "X.csv"], ["--out", "end in .nc"]),
        (["stdp", "--method", "stochastic", "--seed", "-1", "--out", "X"], ["seed", "integer"]),
        (["pairing", "--calcium", "linear", "--out", "X"], ["calcium", "holding potential"]),
        (["cite", "missing.nc"], ["no result file"]),
        (["nonsense"], ["No such command"]),
    ],
)
def test_errors_are_one_line(capsys, tmp_path, args, fragments):
    names = {"X": "x.nc", "X.csv": "x.csv"}
    args = [str(tmp_path / names[a]) if a in names else a for a in args]
    assert_one_line_error(capsys, args, fragments)


def test_unwritable_output_path(capsys, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running with privileges that ignore folder permissions")
        code, _, err = run(capsys, "block", "--out", str(locked / "b.nc"))
        assert code == 2 and "--out" in err and "not writable" in err
    finally:
        locked.chmod(0o700)
    code, _, err = run(capsys, "block", "--out", str(tmp_path))
    assert code == 2 and "--out" in err


def test_output_under_a_file_is_refused(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run(capsys, "block", "--out", str(blocker / "b.nc"))
    assert code == 2 and "--out" in err and len(err.strip().splitlines()) == 1


def test_installed_entry_point_has_no_traceback(tmp_path):
    exe = Path(sys.executable).with_name("magsynapse")
    result = subprocess.run(
        [str(exe), "stdp", "--mg", "-1", "--out", str(tmp_path / "x.nc")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("magsynapse: error: --mg")
    assert "Traceback" not in result.stderr


def test_pk_commands(capsys, tmp_path):
    cases = [
        (
            ["pk", "--species", "human", "--salt", "threonate", "--dose", "2g/day", "--days", "3"],
            "serum_total",
            ("time",),
        ),
        (
            [
                "pk",
                "--salt",
                "hydroxide",
                "--dose",
                "1080mg",
                "--schedule",
                "once",
                "--days",
                "1",
                "--samples",
                "4",
                "--seed",
                "1",
            ],
            "csf",
            ("time", "sample"),
        ),
        (
            [
                "pk",
                "--species",
                "rat",
                "--salt",
                "threonate",
                "--dose",
                "604mg/kg/day",
                "--days",
                "2",
            ],
            "mg_i",
            ("time",),
        ),
        (
            ["pk", "barrier", "--species", "human", "--plasma-factor", "3.5", "--hours", "6"],
            "csf",
            ("time",),
        ),
        (
            [
                "pk",
                "compare",
                "--salts",
                "oxide,citrate",
                "--dose-elemental",
                "300mg/day",
                "--days",
                "2",
            ],
            "urine_cum",
            ("salt", "time"),
        ),
    ]
    for i, (args, var, dims) in enumerate(cases):
        out = tmp_path / f"pk{i}.nc"
        code, text, err = run(capsys, *args, "--out", str(out))
        assert code == 0, (args, err)
        assert load(out)[var].dims == dims
        assert (tmp_path / f"pk{i}.png").exists()
    code, text, _ = run(capsys, "pk", "barrier", "--out", str(tmp_path / "b.nc"), "--no-plot")
    assert "CSF change after 6 h: +21" in text


def test_pk_calibrate_check_and_sbml(capsys, tmp_path):
    code, text, _ = run(capsys, "pk", "calibrate", "--check")
    assert code == 0 and "fine_1991" in text and "weighted rms" in text
    code, text, _ = run(capsys, "pk", "calibrate", "--species", "rat", "--check")
    assert code == 0 and "rat serum" in text
    out = tmp_path / "model.xml"
    code, *_ = run(capsys, "pk", "export-sbml", "--species", "human", "--out", str(out))
    assert code == 0 and out.read_text().startswith("<?xml")
    omex = tmp_path / "pk.omex"
    code, *_ = run(capsys, "pk", "export-omex", "--days", "2", "--step", "0.5", "--out", str(omex))
    assert code == 0 and zipfile.is_zipfile(omex)
    code, _, err = run(
        capsys, "pk", "export-omex", "--days", "1", "--step", "5", "--out", str(omex)
    )
    assert code == 2 and "whole steps" in err
    code, _, err = run(capsys, "pk", "export-omex", "--out", str(tmp_path / "pk.zip"))
    assert code == 2 and ".omex" in err


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (
            ["pk", "--salt", "oxide", "--dose", "2g/day", "--dose-elemental", "1g", "--out", "X"],
            ["exactly one"],
        ),
        (["pk", "--salt", "foo", "--out", "X"], ["--salt", "accepted: oxide"]),
        (["pk", "--salt", "oxide", "--dose", "2parsecs", "--out", "X"], ["dose", "2g/day"]),
        (["pk", "--salt", "oxide", "--dose", "-1g", "--out", "X"], ["dose"]),
        (
            ["pk", "--salt", "oxide", "--dose", "1g/day", "--schedule", "once", "--out", "X"],
            ["once"],
        ),
        (["pk", "--salt", "oxide", "--dose", "1g", "--days", "0", "--out", "X"], ["--days"]),
        (["pk", "--salt", "oxide", "--dose", "1g"], ["--out"]),
        (["pk", "--salt", "oxide", "--dose", "1g", "--samples", "3", "--out", "X"], ["seed"]),
        (["pk", "--species", "mouse", "--out", "X"], ["--species", "accepted: human, rat"]),
        (["pk", "--dose", "1g", "--out", "X"], ["salt"]),
        (["pk", "barrier", "--plasma-factor", "-1", "--out", "X"], ["--plasma-factor"]),
        (
            ["pk", "compare", "--salts", "oxide,nope", "--dose-elemental", "1g", "--out", "X"],
            ["salts", "accepted: oxide"],
        ),
        (["pk", "compare", "--salts", "oxide", "--out", "X"], ["--dose-elemental"]),
        (
            ["pk", "compare", "--salts", "oxide,oxide", "--dose-elemental", "1g", "--out", "X.nc"],
            ["salts", "more than once"],
        ),
        (["pk", "export-omex", "--days", "1", "--step", "0.7", "--out", "X.omex"], ["whole"]),
        (["pk", "export-sbml", "--salt", "oxide", "--out", "X.xml"], ["exactly one"]),
        (["pk", "--salt", "oxide", "--dose", "1g/day", "--out", "X.csv"], ["--out", "end in .nc"]),
        (["pk", "export-sbml", "--out", "X"], ["--out", "end in .xml"]),
    ],
)
def test_pk_errors_are_one_line(capsys, tmp_path, args, fragments):
    names = {"X": "x.nc", "X.xml": "x.xml", "X.csv": "x.csv"}
    args = [str(tmp_path / names[a]) if a in names else a for a in args]
    assert_one_line_error(capsys, args, fragments)


def test_network_commands(capsys, tmp_path):
    out = tmp_path / "net.nc"
    code, _text, err = run(
        capsys,
        "network",
        "run",
        "--model",
        "mgnet",
        "--N",
        "100",
        "--mg",
        "0.5,1.5",
        "--T",
        "0.1",
        "--seed",
        "1,2",
        "--out",
        str(out),
    )
    assert code == 0, err
    ds = load(out)
    assert ds.rate_E.dims == ("mg", "seed")
    for var in ("rate_I", "rho_mean", "spike_t", "spike_i", "rate"):
        assert var in ds
    assert (tmp_path / "net.png").exists()


def test_network_run_in_degree_threads_and_progress(capsys, tmp_path):
    """``--in-degree`` gives every neuron that many inputs (the model's weight scaling
    follows), ``--threads`` does not change the numbers, and the run draws a progress bar
    of its time steps on stderr that ends at all of them."""
    out = {th: tmp_path / f"k{th}.nc" for th in (1, 2)}
    for th in (1, 2):
        code, _text, err = run(
            capsys, "network", "run", "--model", "mgnet_k", "--N", "2200", "--in-degree",
            "200", "--T", "0.05", "--threads", str(th), "--no-plot", "--out", str(out[th]),
        )  # fmt: skip
        assert code == 0, err
        assert "MgNet-K, N = 2200" in err and "500/500" in err  # 0.05 s of 0.1-ms steps
    one, two = load(out[1]), load(out[2])
    assert one.attrs["config"] == two.attrs["config"]
    assert '"connectivity.in_degree": 200' in one.attrs["config"]
    for var in ("rate_E", "rate_I", "rho_mean", "spike_t", "spike_i"):
        np.testing.assert_array_equal(one[var].values, two[var].values)


def test_network_phenomena_command(capsys, tmp_path):
    out = tmp_path / "mem.nc"
    code, _text, err = run(
        capsys, "network", "phenomena", "memory", "--mg", "1,2", "--seed", "3", "--out", str(out)
    )
    assert code == 0, err
    ds = load(out)
    assert ds.recall.dims == ("mg", "seed") and list(ds.seed.values) == [3]
    assert (tmp_path / "mem.png").exists()
    for phase in ("encoding", "test", "naive test"):  # a progress bar for each run
        assert f", {phase}: 100%" in err


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["network", "phenomena", "dreams", "--out", "X"], ["kind", "memory"]),
        (["network", "phenomena", "snr", "--mg", "-1", "--out", "X"], ["--mg"]),
        (["network", "phenomena", "snr", "--model", "nonet", "--out", "X"], ["built-in"]),
        (["network", "run", "--model", "nonet", "--out", "X"], ["model", "built-in"]),
        (["network", "run", "--N", "1", "--out", "X"], ["--N"]),
        (["network", "run", "--T", "0", "--out", "X"], ["--T"]),
        (["network", "run", "--mg", "-1", "--out", "X"], ["--mg"]),
        (["network", "run", "--seed", "x", "--out", "X"], ["--seed"]),
        (["network", "run", "--threads", "0", "--out", "X"], ["--threads"]),
        (["network", "run", "--threads", "999", "--out", "X"], ["threads", "NUMBA_NUM_THREADS"]),
        (["network", "run", "--N", "100", "--in-degree", "120", "--out", "X"], ["in_degree"]),
        (
            ["network", "sweep", "--mg", "1", "--scheduler", "udp://x", "--out", "X"],
            ["scheduler", "tcp://"],
        ),
    ],
)
def test_network_errors_are_one_line(capsys, tmp_path, args, fragments):
    args = [str(tmp_path / "x.nc") if a == "X" else a for a in args]
    assert_one_line_error(capsys, args, fragments)


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_a_write_that_fails_is_a_runtime_error_with_status_1(capsys, tmp_path, monkeypatch):
    """Valid input, a disk that fills up: status 1, one line, no file under the name."""
    import xarray as xr

    def full(self, path, *args, **kwargs):
        Path(path).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", full)
    out = tmp_path / "b.nc"
    code, _, err = run(capsys, "block", "--mg", "1", "--out", str(out), "--no-plot")
    assert code == 1
    line = _one_line(err)
    assert "could not write" in line and "No space left on device" in line
    assert not out.exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "exc, code, fragment",
    [
        (ZeroDivisionError("float division by zero"), 1, "internal error: ZeroDivisionError"),
        (KeyboardInterrupt(), 130, "interrupted"),
        (PermissionError(13, "Permission denied"), 1, "Permission denied"),
    ],
)
def test_unexpected_errors_are_one_line_with_their_status(capsys, monkeypatch, exc, code, fragment):
    import magsynapse.receptors as receptors

    def fail(*args, **kwargs):
        raise exc

    monkeypatch.setattr(receptors, "block_curves", fail)
    got, _, err = run(capsys, "block", "--mg", "1", "--out", "never.nc", "--no-plot")
    assert got == code
    assert fragment in _one_line(err)


def test_traceback_on_request(capsys, monkeypatch):
    import magsynapse.receptors as receptors

    def fail(*args, **kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(receptors, "block_curves", fail)
    monkeypatch.setenv("MAGSYNAPSE_TRACEBACK", "1")
    with pytest.raises(ZeroDivisionError):
        main(["block", "--mg", "1", "--out", "never.nc", "--no-plot"])


def test_an_unreachable_scheduler_is_a_runtime_error(capsys, tmp_path):
    code, _, err = run(
        capsys,
        "network", "sweep", "--N", "100", "--mg", "1", "--seeds", "1", "--T", "0.05",
        "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "sw"),
    )  # fmt: skip
    assert code == 1
    assert "could not connect to tcp://127.0.0.1:9" in _one_line(err)


@pytest.mark.parametrize("seed", ["-1", "1.5", "True", str(2**63), "1e3"])
@pytest.mark.parametrize(
    "command",
    [
        ["stdp", "--mg", "1", "--dt", "10"],
        ["network", "run", "--N", "100", "--mg", "1", "--T", "0.05"],
        ["network", "phenomena", "memory", "--mg", "1"],
    ],
)
def test_seeds_are_checked_once_for_every_command(capsys, tmp_path, command, seed):
    """The library's seed rule (an integer in [0, 2**63 − 1]; no floats, booleans or
    negatives), whether or not the command's method draws random numbers."""
    args = [*command, "--seed", seed, "--out", str(tmp_path / "r.nc"), "--no-plot"]
    assert_one_line_error(capsys, args, ["--seed"])
    assert not (tmp_path / "r.nc").exists()


@pytest.mark.parametrize(
    "command, shipped",
    [
        (["calibrate", "dp-nmda"], "synapse/data/dp_nmda.json"),
        (["pk", "calibrate"], "body/data/pk_human.json"),
        (["calibrate", "emulator"], "network/data/emulators/design.nc"),
    ],
)
def test_calibrations_never_write_into_the_installed_package(capsys, command, shipped):
    """Refused at parsing, before any fitting: the shipped file stays as it was."""
    import magsynapse

    target = Path(magsynapse.__file__).parent / shipped
    before = target.read_bytes() if target.exists() else None
    assert_one_line_error(capsys, [*command, "--out", str(target)], ["inside the installed"])
    assert (target.read_bytes() if target.exists() else None) == before


def test_a_calibration_writes_where_it_is_told(capsys, tmp_path):
    """The PK fit's record goes to the user's file, with the rat's fit carried over."""
    import json

    out = tmp_path / "fit" / "pk_human.json"
    code, _, _ = run(capsys, "pk", "calibrate", "--out", str(tmp_path / "fit.txt"))
    assert code == 2
    from magsynapse.body import calibrate as cal

    cal.write(cal.evaluate(), out)  # what `pk calibrate --out` writes after its fit
    data = json.loads(out.read_text())
    assert {"values", "record", "rat"} <= set(data)
    assert data["record"]["command"] == "magsynapse pk calibrate --out"


def _entries(bib: str) -> dict[str, str]:
    """BibTeX entries by key; each must open with @type{key, and balance its braces."""
    import re

    out = {}
    for chunk in bib.strip().split("\n\n"):
        m = re.match(r"@(article|misc)\{([\w]+),\n", chunk)
        assert m, chunk
        assert chunk.count("{") == chunk.count("}") and chunk.endswith("}"), chunk
        out[m[2]] = chunk
    return out


def test_cite_exports_bibtex_and_csl(capsys, tmp_path):
    """Jahr & Stevens (1990), J Neurosci 10:3178-3182, as a reference manager reads it."""
    import json

    out = tmp_path / "b.nc"
    assert run(capsys, "block", "--mg", "1", "--out", str(out), "--no-plot")[0] == 0
    refs = load(out).attrs["references"]
    keys = set(json.loads(refs))
    code, text, _ = run(capsys, "cite", str(out), "--bibtex")
    assert code == 0
    entries = _entries(text)
    assert set(entries) == keys
    jahr = entries["jahr_stevens_1990"]
    assert "author = {Jahr, C. E. and Stevens, C. F.}" in jahr
    assert "title = {{Voltage dependence of NMDA-activated macroscopic conductances " in jahr
    assert "pages = {3178--3182}" in jahr and "doi = {10.1523/JNEUROSCI.10-09-03178.1990}" in jahr
    code, text, _ = run(capsys, "cite", str(out), "--csl")
    items = {item["id"]: item for item in json.loads(text)}
    assert code == 0 and set(items) == keys
    assert items["jahr_stevens_1990"]["issued"] == {"date-parts": [[1990]]}
    assert items["jahr_stevens_1990"]["container-title"] == "J Neurosci"
    assert_one_line_error(capsys, ["cite", str(out), "--csl", "--bibtex"], ["not both"])


def test_every_reference_exports():
    """Every registry entry is a well-formed BibTeX entry and a CSL item; the journal
    citations (authors and year) are articles with their authors."""
    from magsynapse.references import SOURCES

    entries = _entries("\n\n".join(s.bibtex() for s in SOURCES.values()))
    assert set(entries) == set(SOURCES)
    for key, source in SOURCES.items():
        item = source.csl()
        assert item["id"] == key and item["title"]
        if source.parts() is not None:
            assert entries[key].startswith("@article") and item["author"]
    assert sum(s.parts() is not None for s in SOURCES.values()) >= 50
