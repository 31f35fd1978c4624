"""The NeuroML 2 export of the NMDA synapse: valid against the schema (libNeuroML's
validator), and the block NeuroML computes from the written parameters (the
voltageConcDepBlockMechanism of NeuroML 2's core types) is magsynapse's block."""

from __future__ import annotations

import numpy as np
import pytest

from magsynapse.cli import main
from magsynapse.errors import MagsynapseError
from magsynapse.receptors import get_block_model

neuroml = pytest.importorskip("neuroml")
from neuroml.loaders import read_neuroml2_file  # noqa: E402
from neuroml.utils import validate_neuroml2  # noqa: E402

from magsynapse.receptors.neuroml import export_neuroml  # noqa: E402


def _quantity(text: str, unit: str) -> float:
    assert text.endswith(unit), (text, unit)
    return float(text[: -len(unit)])


def _neuroml_block(mech, v_mv: np.ndarray) -> np.ndarray:
    """NeuroML 2's voltageConcDepBlockMechanism: 1/(1 + c/sc · exp(−v/sv))."""
    c = _quantity(mech.block_concentration, "mM")
    sc = _quantity(mech.scaling_conc, "mM")
    sv = _quantity(mech.scaling_volt, "mV")
    return 1.0 / (1.0 + c / sc * np.exp(-v_mv / sv))


@pytest.mark.parametrize("model", ["jahr_stevens_1990", "woodhull", "ascher_nowak"])
@pytest.mark.parametrize("subunit", ["GluN2A", "GluN2C"])
@pytest.mark.parametrize("mg", [0.0, 0.8, 1.2])
def test_written_block_is_magsynapses_block(tmp_path, model, subunit, mg):
    path = export_neuroml(tmp_path / "nmda.nml", block_model=model, subunit=subunit, mg=mg)
    validate_neuroml2(str(path))  # raises on a schema violation
    syn = read_neuroml2_file(str(path)).blocking_plastic_synapses[0]
    v = np.linspace(-100.0, 40.0, 57)
    ours = get_block_model(model).with_subunit(subunit)(v, mg)
    np.testing.assert_allclose(_neuroml_block(syn.block_mechanism, v), ours, rtol=1e-12)
    assert syn.block_mechanism.species == "mg"


def test_the_conductance_carries_the_given_kinetics(tmp_path):
    path = export_neuroml(tmp_path / "s.nml", tau_rise=3.0, tau_decay=80.0, gbase=0.7, erev=-2.0)
    syn = read_neuroml2_file(str(path)).blocking_plastic_synapses[0]
    assert (syn.tau_rise, syn.tau_decay, syn.gbase, syn.erev) == (
        "3.0ms",
        "80.0ms",
        "0.7nS",
        "-2.0mV",
    )


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"mg": -1.0}, "mg"),
        ({"mg": float("nan")}, "mg"),
        ({"tau_rise": 0.0}, "tau_rise"),
        ({"tau_rise": 50.0, "tau_decay": 20.0}, "shorter"),
        ({"gbase": float("inf")}, "gbase"),
        ({"block_model": "nope"}, "block model"),
    ],
)
def test_bad_parameters_are_clear_errors(tmp_path, kwargs, fragment):
    with pytest.raises(MagsynapseError, match=fragment):
        export_neuroml(tmp_path / "x.nml", **kwargs)
    assert not list(tmp_path.iterdir())


def test_export_neuroml_command(tmp_path, capsys):
    out = tmp_path / "mgnet.nml"
    assert main(["export", "neuroml", "--model", "mgnet", "--mg", "1.5", "--out", str(out)]) == 0
    syn = read_neuroml2_file(str(out)).blocking_plastic_synapses[0]
    assert syn.block_mechanism.block_concentration == "1.5mM"
    assert syn.tau_decay == "100.0ms"  # MgNet's NMDA decay
    capsys.readouterr()
    assert main(["export", "neuroml", "--out", str(tmp_path / "x.xml")]) == 2
    assert ".nml" in capsys.readouterr().err
    assert main(["export", "neuroml", "--mg", "1,2", "--out", str(out)]) == 2
