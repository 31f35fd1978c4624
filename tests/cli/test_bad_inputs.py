"""The bad-input corpus: every command of the command line, fed what it must refuse.

The commands are found by walking the CLI, so a new command or option joins the corpus
by itself. Each option gets the bad values of its kind (numbers: NaN, infinities, text,
empty; value lists: duplicates, ranges past the size limit, wrong units; model and design
files: missing, unparsable, wrong keys; seeds: negatives, floats,
booleans, 2**70; names: unknown ones; output paths: a folder, a path under a file, a
wrong extension, an over-long name), and a hand-written table adds the cases a user
reported (windows that run no dose, absurd durations, huge runs, unknown schedulers).

Every case must end with exit status 2 and one line on stderr, no traceback, the result
that was already at the output path unchanged, and no other file left behind. Kills
during writes, concurrent writers, killed sweep workers and Ctrl-C inside compiled
loops are covered where those mechanisms live: ``tests/test_results.py``,
``tests/network/test_sweep.py`` and ``tests/test_interrupt.py``.
"""

from __future__ import annotations

import click
import pytest
import xarray as xr

from magsynapse.cli import cli, main
from magsynapse.cli.paramtypes import Values
from magsynapse.limits import ENV

#: Valid arguments that make each command small, so that only the bad value can fail.
MINIMAL = {
    "block": [],
    "stdp": ["--dt", "10"],
    "frequency": ["--freq", "1"],
    "pairing": ["--hold", "-20"],
    "snr": [],
    "pk": ["--salt", "oxide", "--dose", "1g/day", "--days", "1"],
    "pk barrier": ["--hours", "1"],
    "pk compare": ["--salts", "oxide,citrate", "--dose-elemental", "100mg/day", "--days", "1"],
    "pk calibrate": [],
    "pk export-sbml": ["--salt", "oxide", "--dose", "1g/day", "--days", "1"],
    "pk export-omex": ["--salt", "oxide", "--dose", "1g/day", "--days", "1"],
    "network run": ["--N", "50", "--T", "0.01"],
    "network sweep": ["--N", "50", "--T", "0.01", "--mg", "1", "--seeds", "1"],
    "network phenomena": ["memory"],
    "chronic": ["--species", "rat", "--salt", "threonate", "--dose", "604mg/kg/day"],
    "cohort": ["--n", "10"],
    "trial": ["--design", "liu2016", "--replicates", "2"],
    "trial power": ["--design", "liu2016", "--replicates", "2", "--n", "20"],
    "study": ["--quick"],
    "claims": [],
    "cite": [],
    "calibrate dp-nmda": [],
    "calibrate emulator": [],
    "export neuroml": [],
    "export brian2": [],
}

#: The file (or folder, ending in "/") each command writes with --out.
OUTPUT = {
    "pk export-sbml": "r.xml",
    "pk export-omex": "r.omex",
    "pk calibrate": "r.json",
    "calibrate dp-nmda": "r.json",
    "claims": "r.json",
    "export neuroml": "r.nml",
    "export brian2": "r.py",
    "network sweep": "r/",
    "study": "r/",
}

#: Bad values of each kind of option.
NUMBER = ["nan", "inf", "-inf", "abc", ""]
VALUES = ["nan", "inf", "abc", "", "1,1", "0:2e7:1", "1parsec"]
INTEGER = ["1.5", "abc", "", "1e400"]
SEED = ["-1", "1.5", "True", str(2**70)]
NAME = ["nope"]
#: Bad values of the options that take free text, by option.
TEXT = {
    "--model": ["nonet", "missing.toml", "@corrupt.toml", "@wrong.toml"],
    "--dose": ["2parsecs", "-1g", "nan g/day", ""],
    "--dose-elemental": ["2parsecs", "-1g", "inf mg/day"],
    "--salts": ["oxide,oxide", "oxide,nope", ""],
    "--scheduler": ["udp://x", "tcp://"],
    "--lang": ["xx", ""],
    "--design": ["nope", "missing.toml", "@corrupt.toml", "@wrong.toml"],
    "--age": ["ancient", "70:50", "-5:10", "abc"],
    "--pathways": ["nope"],
}

#: Cases reported by users (issue 13's bad-input sweep) and absurd sizes.
REPORTED = [
    ["block", "--out", "@r.png"],
    ["pk", "--salt", "oxide", "--dose", "1g/day", "--start-day", "5", "--stop-day", "2"],
    ["pk", "--salt", "oxide", "--dose", "1g/day", "--start-day", "50", "--days", "7"],
    ["pk", "--salt", "oxide", "--dose", "1g/day", "--days", "inf"],
    ["pk", "--salt", "oxide", "--dose", "1g/day", "--days", "1e308"],
    ["pk", "export-sbml", "--salt", "oxide", "--dose", "1g/day", "--days", "1e308"],
    ["frequency", "--epsp", "nan"],
    ["stdp", "--pairs", "1000000000"],
    ["stdp", "--mg", "0:1e9:1e-3"],
    ["stdp", "--mg", "1,1"],
    ["network", "run", "--N", "100000", "--T", "1"],
    ["network", "run", "--T", "1e308"],
    ["network", "run", "--mg", "1,1"],
    ["network", "run", "--N", "50", "--threads", "4096"],
    ["network", "run", "--N", "50", "--in-degree", "60"],
    ["network", "sweep", "--mg", "1", "--scheduler", "udp://x", "--out", "@r/"],
    ["pk", "compare", "--salts", "oxide,oxide", "--dose-elemental", "1g", "--out", "@r.nc"],
    ["chronic", "--species", "rat", "--salt", "threonate", "--dose", "604mg/kg/day",
     "--days", "inf"],
    ["cite", "@missing.nc"],
    ["cite", "@corrupt.nc"],
    ["cite", "@badrefs.nc"],
    ["cite", "@folder"],
    ["claims", "--study", "@empty/", "--out", "@r.json"],
    ["study", "--quick", "--out", "@full/"],
]  # fmt: skip


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    """Every command that runs: leaf commands, and groups that run on their own."""
    for name, cmd in group.commands.items():
        here = (*path, name)
        if isinstance(cmd, click.Group):
            if cmd.invoke_without_command:
                yield " ".join(here), cmd
            yield from _commands(cmd, here)
        else:
            yield " ".join(here), cmd


COMMANDS = dict(_commands(cli))


def _bad_values(command: str, option: click.Option) -> list[str]:
    name, kind = option.opts[0], option.type
    if option.is_flag:
        return []
    if name == "--work-dir":
        return ["@file", "@file/under"]
    if name == "--out" and OUTPUT.get(command, "").endswith("/"):
        return ["@file/under", "@file", "@full/", "/"]
    if name == "--out":
        return ["@folder", "@file/under", "@r.wrong", "@" + "x" * 300 + ".nc"]
    if name == "--seed" or "seed" in getattr(kind, "name", ""):
        return SEED
    if isinstance(kind, Values):
        return VALUES
    if isinstance(kind, click.types.FloatParamType):
        return NUMBER
    if isinstance(kind, click.types.IntParamType):
        return INTEGER
    if isinstance(kind, click.Choice) or type(kind).__name__ == "Name":
        return NAME
    return TEXT.get(name, [])


def _cases():
    for command, cmd in COMMANDS.items():
        for option in cmd.params:
            if isinstance(option, click.Option):
                for value in _bad_values(command, option):
                    yield pytest.param(command, option.opts[0], value,
                                       id=f"{command}:{option.opts[0]}={value[:20]}")  # fmt: skip


def _resolve(arg: str, tmp_path) -> str:
    """``@name`` is a path in the test's folder."""
    return str(tmp_path / arg[1:]) if arg.startswith("@") else arg


def _prepare(tmp_path):
    """An earlier result at every output name, a folder, a file, a corrupt result, an
    empty folder, a non-empty one that magsynapse did not write, TOML files that do not
    parse or hold the wrong keys, and a result whose references are not JSON."""
    for name in ("r.nc", "r.xml", "r.omex", "r.json", "r.nml", "r.py"):
        (tmp_path / name).write_bytes(b"an earlier result")
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("a file")
    (tmp_path / "corrupt.nc").write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 64)
    (tmp_path / "corrupt.toml").write_text("[network\nN = ")
    (tmp_path / "wrong.toml").write_text('[network]\nN = "many"\n[arms]\nx = 1\n')
    xr.Dataset({"x": ("t", [1.0])}, attrs={"references": "{not json"}).to_netcdf(
        tmp_path / "badrefs.nc"
    )
    (tmp_path / "empty").mkdir()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("someone else's")
    return {p: p.read_bytes() if p.is_file() else None for p in tmp_path.rglob("*")}


def _assert_refused(capsys, tmp_path, before, args):
    code = main(args)
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2, (args, code, err)
    assert len(lines) == 1 and "Traceback" not in err, (args, err)
    after = {p: p.read_bytes() if p.is_file() else None for p in tmp_path.rglob("*")}
    assert after == before, (args, set(after) ^ set(before))


def test_every_command_is_in_the_corpus():
    assert set(COMMANDS) == set(MINIMAL), set(COMMANDS) ^ set(MINIMAL)
    for command, cmd in COMMANDS.items():
        options = [o for o in cmd.params if isinstance(o, click.Option) and not o.is_flag]
        if options:
            assert any(_bad_values(command, o) for o in options), command


@pytest.mark.parametrize(("command", "option", "value"), list(_cases()))
def test_bad_option_values_are_refused(capsys, tmp_path, monkeypatch, command, option, value):
    monkeypatch.setenv(ENV, "8GB")
    before = _prepare(tmp_path)
    out = "@" + OUTPUT.get(command, "r.nc")
    args = [*command.split(), *MINIMAL[command]]
    if command == "cite":
        args.append("@corrupt.nc")
    if command == "claims":
        args += ["--study", "@empty/"]
    if option != "--out" and any(o.opts[0] == "--out" for o in COMMANDS[command].params):
        args += ["--out", out]
    args += [option, value]
    _assert_refused(capsys, tmp_path, before, [_resolve(a, tmp_path) for a in args])


@pytest.mark.parametrize("args", REPORTED, ids=lambda a: " ".join(a)[:60])
def test_reported_cases_are_refused(capsys, tmp_path, monkeypatch, args):
    monkeypatch.setenv(ENV, "8GB")
    before = _prepare(tmp_path)
    if "--out" not in args and args[0] != "cite":
        args = [*args, "--out", "@r.nc"]
    _assert_refused(capsys, tmp_path, before, [_resolve(a, tmp_path) for a in args])
