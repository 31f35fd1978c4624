"""Trial designs: the built-ins load, bad designs are one-line errors naming the key."""

import copy
import tomllib
from importlib import resources

import pytest

from magsynapse.cli import main
from magsynapse.errors import MagsynapseError
from magsynapse.people.design import BUILTIN, load_design, parse_design


def _liu() -> dict:
    text = resources.files("magsynapse.people").joinpath("designs/liu2016.toml").read_text()
    return tomllib.loads(text)


@pytest.mark.parametrize("name", [*BUILTIN, "template"])
def test_builtin_designs_load(name):
    d = load_design(name)
    assert d.control.name != d.treated.name
    assert d.visits[0] == 0 and d.visit in d.visits


def test_liu2016_design_is_the_published_one():
    """Liu et al. 2016: ages 50-70, 12 weeks, visits 0/6/12, 51 enrolled, 44 completers,
    1.5 g/day under 70 kg and 2 g/day at 70-100 kg."""
    d = load_design("liu2016")
    assert d.population.age == (50.0, 70.0) and d.weeks == 12 and d.visits == (0, 6, 12)
    assert (d.enrolled, d.completers) == (51, 44)
    assert d.treated.regimen(60.0, 84).mmol_per_administration == pytest.approx(
        d.treated.regimen(90.0, 84).mmol_per_administration * 0.75
    )


def _broken(edit):
    data = copy.deepcopy(_liu())
    edit(data)
    return data


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d.pop("arm"), "design: arm needs exactly two"),
        (
            lambda d: d["outcome"].update(tests=["tmt_b", "stroop"]),
            "outcome.tests: unknown test 'stroop'",
        ),
        (lambda d: d.update(visits=[0, 6, 14]), "visits week 14 is beyond the 12 weeks"),
        (lambda d: d.update(enrolled=-5), "design: enrolled must be a positive integer"),
        (lambda d: d.update(completers=60), "completers cannot exceed enrolled"),
        (lambda d: d.update(colour="red"), "unknown key 'colour'"),
        (lambda d: d["arm"][1].update(salt="unobtainium"), "salt"),
        (lambda d: d["outcome"].update(visit=5), "outcome.visit week 5"),
        (
            lambda d: d["population"].update(inclusion={"height": [1, 2]}),
            "inclusion: unknown covariate",
        ),
    ],
)
def test_bad_designs_are_one_line_errors(edit, message):
    with pytest.raises(MagsynapseError, match=message) as info:
        parse_design(_broken(edit))
    assert "\n" not in str(info.value)


def test_bad_design_file_through_the_cli(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(
        resources.files("magsynapse.people")
        .joinpath("designs/liu2016.toml")
        .read_text()
        .replace("visits = [0, 6, 12]", "visits = [0, 6, 13]")
    )
    code = main(["trial", "--design", str(path), "--seed", "1", "--out", str(tmp_path / "t.nc")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "visits week 13" in err and len(err.splitlines()) == 1


def test_trial_and_power_commands(tmp_path, capsys):
    text = resources.files("magsynapse.people").joinpath("designs/liu2016.toml").read_text()
    text = (
        text.replace("weeks = 12", "weeks = 2")
        .replace("visits = [0, 6, 12]", "visits = [0, 2]")
        .replace("visit = 12\nalpha", "visit = 2\nalpha")
        .replace("enrolled = 51", "enrolled = 12")
        .replace("completers = 44", "completers = 12")
    )
    path = tmp_path / "short.toml"
    path.write_text(text)
    out = tmp_path / "p.nc"
    code = main(
        [
            "trial",
            "power",
            "--design",
            str(path),
            "--replicates",
            "2",
            "--seed",
            "1",
            "--n",
            "8,12",
            "--out",
            str(out),
            "--no-plot",
        ]
    )
    assert code == 0 and out.exists()
    assert "n = 12: power" in capsys.readouterr().out
    code = main(
        [
            "trial",
            "--design",
            str(path),
            "--replicates",
            "2",
            "--seed",
            "1",
            "--scheduler",
            "none",
            "--out",
            str(tmp_path / "t.nc"),
            "--no-plot",
        ]
    )
    assert code == 0 and "predicted d" in capsys.readouterr().out
    assert main(["trial", "--design", str(path), "--out", str(tmp_path / "x.nc")]) == 2
    assert "--seed" in capsys.readouterr().err
