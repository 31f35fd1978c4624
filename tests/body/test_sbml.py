"""The SBML export and the COMBINE archive: libsbml's full consistency check (units
included) finds nothing, and an independent simulator (libroadrunner) running what the
files describe reproduces magsynapse."""

from __future__ import annotations

import numpy as np
import pytest

from magsynapse.body import make_regimen, simulate

libsbml = pytest.importorskip("libsbml")
roadrunner = pytest.importorskip("roadrunner")

from magsynapse.body.sbml import (  # noqa: E402
    consistency_problems,
    export_omex,
    export_sbml,
    to_sbml,
)

REGIMENS = {
    "threonate daily": make_regimen("threonate", dose="2g/day", days=3),
    "sulfate once": make_regimen("sulfate", dose="2g", schedule="once", days=1),
}


@pytest.mark.parametrize("species", ["human", "rat"])
def test_full_consistency_check_with_units_finds_no_error_or_warning(tmp_path, species):
    reg = make_regimen(
        "threonate", dose="0.5g/day", days=2, weight_kg=0.25 if species == "rat" else None
    )
    doc = libsbml.readSBMLFromFile(str(export_sbml(reg, tmp_path / "m.xml", species)))
    assert doc.getNumErrors() == 0
    assert consistency_problems(doc) == []
    model = doc.getModel()
    # concentrations in real volumes: plasma's compartment is the plasma volume
    assert model.getSpecies("plasma").getHasOnlySubstanceUnits() is False
    assert model.getCompartment(model.getSpecies("plasma").getCompartment()).getSize() > 0


def test_consistency_check_reports_a_unit_error():
    """The check the export relies on does see a wrong unit (so an empty list means
    something): a rate constant declared in litres."""
    doc = libsbml.readSBMLFromString(to_sbml(REGIMENS["sulfate once"]))
    doc.getModel().getParameter("k_fp").setUnits("litre")
    assert any("10513" in p or "unit" in p.lower() for p in consistency_problems(doc))


@pytest.mark.parametrize("name", list(REGIMENS))
def test_sbml_round_trip_in_roadrunner(tmp_path, name):
    """The exported SBML, simulated by libroadrunner, reproduces magsynapse within 0.5 %."""
    reg = REGIMENS[name]
    rr = roadrunner.RoadRunner(str(export_sbml(reg, tmp_path / "m.xml")))
    rr.integrator.relative_tolerance = 1e-9
    rr.integrator.absolute_tolerance = 1e-12
    n = int(reg.hours)
    res = rr.simulate(0, reg.hours, n + 1, selections=["time", "[plasma]", "[csf]"])
    ours = simulate(reg, step_h=1.0)
    for sel, ref in (("[plasma]", ours.serum_total), ("[csf]", ours.csf)):
        rel = np.abs(res[sel] - ref.values) / np.abs(ref.values)
        assert float(rel.max()) < 5e-3, sel


def test_combine_archive_runs_as_its_sedml_describes(tmp_path):
    libcombine = pytest.importorskip("libcombine")
    libsedml = pytest.importorskip("libsedml")
    reg = make_regimen("threonate", dose="2g/day", days=2)
    path = export_omex(reg, tmp_path / "pk.omex", step_h=2.0)
    archive = libcombine.CombineArchive()
    assert archive.initializeFromArchive(str(path))
    master = archive.getMasterFile()
    assert master.getFormat().endswith("sed-ml")
    sed = libsedml.readSedMLFromString(archive.extractEntryToString(master.getLocation()))
    assert sed.getNumErrors(libsedml.LIBSEDML_SEV_ERROR) == 0
    model, sim = sed.getModel(0), sed.getSimulation(0)
    sbml = archive.extractEntryToString(model.getSource())
    assert consistency_problems(libsbml.readSBMLFromString(sbml)) == []
    # run what the SED-ML says: its time course, its reported species
    rr = roadrunner.RoadRunner(sbml)
    rr.integrator.relative_tolerance = 1e-9
    rr.integrator.absolute_tolerance = 1e-12
    steps = sim.getNumberOfSteps()
    targets = [sed.getDataGenerator(k).getVariable(0) for k in range(sed.getNumDataGenerators())]
    names = [v.getTarget().split("@id='")[1].rstrip("']") for v in targets if v.getTarget()]
    assert names == ["plasma", "csf", "isf", "neuron"]
    res = rr.simulate(sim.getOutputStartTime(), sim.getOutputEndTime(), steps + 1,
                      selections=["time", *(f"[{n}]" for n in names)])  # fmt: skip
    assert sim.getOutputEndTime() == reg.hours and steps == reg.hours / 2.0
    ours = simulate(reg, step_h=2.0)
    for n, ref in (("plasma", ours.serum_total), ("csf", ours.csf)):
        np.testing.assert_allclose(res[f"[{n}]"], ref.values, rtol=5e-3)
