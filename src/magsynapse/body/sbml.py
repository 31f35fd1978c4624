"""Export the PK model as SBML Level 3 (``magsynapse pk export-sbml``).

The file holds the model with its units (mmol, litre, hour; a model whose units
libsbml's full consistency check, units included, accepts without error or warning):

- compartments with the model's volumes: plasma, CSF, brain ISF (which also holds brain
  threonate), neurons and threonate's distribution volume; the species there are
  concentrations (mmol/L). The gut lumen, the tissue pools and the cumulative exits are
  amounts (mmol, ``hasOnlySubstanceUnits``) in compartments of unit size that enter no
  equation;
- every other rate constant as a global parameter with its unit;
- one reaction per flux, with the kinetic law of :mod:`.equations` written on
  concentrations (mmol/h);
- the diet-only baseline as the initial state, and the regimen's meals and doses as
  events (infusions switch a rate parameter on and off).

Any SBML simulator (libroadrunner, COPASI, Tellurium) reproduces magsynapse's
trajectory; :func:`to_omex` packs the model with a SED-ML description of the regimen's
simulation as a COMBINE archive.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import MagsynapseError, MagsynapseRunError
from ..results import check_writable, write_text, written_atomically
from .baseline import baseline
from .equations import CUMULATIVE, GUT, N_GUT, STATES, derive
from .params import pk_parameters
from .priors import parameter_arrays
from .regimen import Regimen
from .schedule import schedule
from .solvers import DEFAULT_SOLVER, get_solver

# (reaction id, reactants, products, kinetic law); the law uses species, compartment and
# parameter ids. A species in a compartment with a volume stands for its concentration
# (mM), an amount-only species for its amount (mmol); each law is in mmol/h.
_C_ION = "(f_ion*plasma)"
_LOAD = "(gfr*f_uf*plasma)"

#: Compartments: id, name, the volume parameter (None: an amount-only compartment).
_COMPARTMENTS = (
    ("c_plasma", "plasma", "v_plasma"),
    ("c_csf", "cerebrospinal fluid", "v_csf"),
    ("c_isf", "brain interstitial fluid", "v_isf"),
    ("c_neuron", "brain cells", "v_neuron"),
    ("c_threonate", "threonate distribution volume", "v_thr"),
    ("c_gut", "intestinal lumen (amounts only)", None),
    ("c_tissue", "exchangeable tissue and bone (amounts only)", None),
    ("c_exits", "cumulative entries and exits (amounts only)", None),
)
#: The compartment of each state.
_HOME = {
    **dict.fromkeys((*GUT, "gut_unavail", "thr_gut"), "c_gut"),
    "plasma": "c_plasma",
    "csf": "c_csf",
    "isf": "c_isf",
    "thr_brain": "c_isf",
    "neuron": "c_neuron",
    "thr_plasma": "c_threonate",
    **dict.fromkeys(("fast", "slow"), "c_tissue"),
    **dict.fromkeys((*CUMULATIVE, "thr_out"), "c_exits"),
}
#: Units of the global parameters (ids of the unit definitions below).
_PARAMETER_UNITS = {
    "vmax_abs": "mmol_per_h",
    "km_abs": "mmol",
    "k_lin": "per_h",
    "k_seg": "per_h",
    "f_ion": "dimensionless",
    "f_uf": "dimensionless",
    "gfr": "litre_per_h",
    "tm_renal": "mmol_per_h",
    "km_renal": "mmol_per_h",
    "cl_f": "litre_per_h",
    "k_fp": "per_h",
    "k_fs": "per_h",
    "k_sf": "per_h",
    "vmax_csf": "mmol_per_h",
    "km_csf": "mM",
    "k_eff": "per_h",
    "ps_isf": "litre_per_h",
    "p_n": "litre_per_h",
    "k_out": "per_h",
    "buffer": "dimensionless",
    "emax_thr": "dimensionless",
    "ec50_thr": "mM",
    "ka_thr": "per_h",
    "k_el_thr": "per_h",
    "ps_thr": "litre_per_h",
    "k_tr": "per_h",
}
#: Unit definitions: id -> [(kind, exponent, scale, multiplier)].
_UNITS = {
    "mmol": [("mole", 1, -3, 1.0)],
    "hour": [("second", 1, 0, 3600.0)],
    "per_h": [("second", -1, 0, 3600.0)],
    "mmol_per_h": [("mole", 1, -3, 1.0), ("second", -1, 0, 3600.0)],
    "litre_per_h": [("litre", 1, 0, 1.0), ("second", -1, 0, 3600.0)],
    "mM": [("mole", 1, -3, 1.0), ("litre", -1, 0, 1.0)],
}


def _reactions() -> list[tuple[str, list[str], list[str], str]]:
    out = []
    for k, g in enumerate(GUT):
        out.append(
            (
                f"absorption_{k + 1}",
                [g],
                ["plasma", "absorbed_cum"],
                f"vmax_abs/n_gut*{g}/(km_abs/n_gut + {g}) + k_lin*{g}",
            )
        )
        nxt = GUT[k + 1] if k + 1 < N_GUT else "feces_cum"
        out.append((f"transit_{k + 1}", [g], [nxt], f"k_seg*{g}"))
    out += [
        ("transit_unavail", ["gut_unavail"], ["feces_cum"], "k_tr*gut_unavail"),
        ("urine", ["plasma"], ["urine_cum"], f"{_LOAD} - tm_renal*{_LOAD}/(km_renal + {_LOAD})"),
        ("plasma_to_fast", ["plasma"], ["fast"], f"cl_f*{_C_ION}"),
        ("fast_to_plasma", ["fast"], ["plasma"], "k_fp*fast"),
        ("fast_to_slow", ["fast"], ["slow"], "k_fs*fast"),
        ("slow_to_fast", ["slow"], ["fast"], "k_sf*slow"),
        ("plasma_to_csf", ["plasma"], ["csf"], f"vmax_csf*{_C_ION}/(km_csf + {_C_ION})"),
        ("csf_to_plasma", ["csf"], ["plasma"], "k_eff*csf*c_csf"),
        ("csf_to_isf", ["csf"], ["isf"], "ps_isf*(csf - isf)"),
        (
            "isf_to_neuron",
            ["isf"],
            ["neuron"],
            "p_n*(1 dimensionless + emax_thr*thr_brain/(ec50_thr + thr_brain))*isf",
        ),
        ("neuron_to_isf", ["neuron"], ["isf"], "k_out*neuron*c_neuron/(1 dimensionless + buffer)"),
        ("thr_absorption", ["thr_gut"], ["thr_plasma"], "ka_thr*thr_gut"),
        ("thr_transit", ["thr_gut"], ["thr_out"], "k_tr*thr_gut"),
        ("thr_elimination", ["thr_plasma"], ["thr_out"], "k_el_thr*thr_plasma*c_threonate"),
        ("thr_to_brain", ["thr_plasma"], ["thr_brain"], "ps_thr*(thr_plasma - thr_brain)"),
        ("infusion", [], ["plasma", "absorbed_cum", "dose_cum", "supplement_cum"], "iv_rate"),
    ]
    return out


def _check(status: int, what: str) -> None:
    import libsbml

    if status != libsbml.LIBSBML_OPERATION_SUCCESS:  # pragma: no cover - programming error
        raise MagsynapseRunError(
            f"SBML export failed at {what}: {libsbml.OperationReturnValue_toString(status)}"
        )


def _parse(libsbml, formula: str):
    math = libsbml.parseL3Formula(formula)  # a number may carry a unit: "1.5 mmol"
    if math is None:  # pragma: no cover - every formula written here parses
        raise MagsynapseError(f"SBML export: cannot parse {formula!r}")
    return math


def to_sbml(regimen: Regimen, species: str = "human", *, solver: str = DEFAULT_SOLVER) -> str:
    """The SBML document (a string) of ``regimen`` for ``species``.

    ``solver`` (see :data:`~magsynapse.body.solvers.SOLVERS`) computes the baseline that
    becomes the initial amounts.

    Examples
    --------
    >>> from magsynapse.body import make_regimen
    >>> text = to_sbml(make_regimen("citrate", dose_elemental="300mg/day", days=1))
    >>> text.startswith("<?xml") and "absorption_1" in text
    True
    """
    try:
        import libsbml
    except ImportError:  # pragma: no cover - depends on the installation
        raise MagsynapseError(
            "SBML export needs python-libsbml: pip install 'magsynapse[sbml]'"
        ) from None
    if regimen.clamp_factor > 0:
        raise MagsynapseError(
            "regimen: the plasma clamp is not exported to SBML; use a regimen with clamp_factor=0"
        )
    get_solver(solver)
    ps = pk_parameters(species)
    p = parameter_arrays(ps)
    r = derive(p)
    y0 = baseline(r, p, solver=solver)[0]
    doc = libsbml.SBMLDocument(3, 2)
    model = doc.createModel()
    model.setId(f"magsynapse_pk_{species}")
    model.setName(f"magsynapse magnesium PK ({species}): {regimen.label or 'baseline'}")
    for uid, parts in _UNITS.items():
        ud = model.createUnitDefinition()
        _check(ud.setId(uid), f"unit {uid}")
        for kind, exponent, scale, multiplier in parts:
            u = ud.createUnit()
            u.setKind(libsbml.UnitKind_forName(kind))
            u.setExponent(exponent)
            u.setScale(scale)
            u.setMultiplier(multiplier)
    model.setSubstanceUnits("mmol")
    model.setExtentUnits("mmol")
    model.setTimeUnits("hour")
    model.setVolumeUnits("litre")
    # volumes (L) of the compartments that have one; None for the amount-only ones
    sizes = {cid: (float(r.values[v][0]) if v else None) for cid, _n, v in _COMPARTMENTS}
    for cid, name, _volume in _COMPARTMENTS:
        comp = model.createCompartment()
        _check(comp.setId(cid), f"compartment {cid}")
        comp.setName(name)
        comp.setConstant(True)
        comp.setSpatialDimensions(3)
        comp.setSize(1.0 if sizes[cid] is None else sizes[cid])
        comp.setUnits("litre")
    for i, name in enumerate(STATES):
        sp = model.createSpecies()
        _check(sp.setId(name), f"species {name}")
        home = _HOME[name]
        sp.setCompartment(home)
        sp.setSubstanceUnits("mmol")
        if sizes[home] is None:
            sp.setHasOnlySubstanceUnits(True)
            sp.setInitialAmount(float(y0[i]))
        else:
            sp.setHasOnlySubstanceUnits(False)
            sp.setInitialConcentration(float(y0[i]) / sizes[home])
        sp.setBoundaryCondition(False)
        sp.setConstant(False)
    for key, units in {**_PARAMETER_UNITS, "n_gut": "dimensionless"}.items():
        par = model.createParameter()
        _check(par.setId(key), f"parameter {key}")
        par.setValue(float(N_GUT) if key == "n_gut" else float(r.values[key][0]))
        par.setUnits(units)
        par.setConstant(True)
    iv = model.createParameter()
    iv.setId("iv_rate")
    iv.setValue(0.0)
    iv.setUnits("mmol_per_h")
    iv.setConstant(False)
    for rid, reactants, products, law in _reactions():
        rx = model.createReaction()
        _check(rx.setId(rid), f"reaction {rid}")
        rx.setReversible(False)
        for s in reactants:
            ref = rx.createReactant()
            ref.setSpecies(s)
            ref.setStoichiometry(1.0)
            ref.setConstant(True)
        for s in products:
            ref = rx.createProduct()
            ref.setSpecies(s)
            ref.setStoichiometry(1.0)
            ref.setConstant(True)
        for s in sorted(_modifiers(law) - set(reactants) - set(products)):
            ref = rx.createModifier()
            ref.setSpecies(s)
        kl = rx.createKineticLaw()
        _check(kl.setMath(_parse(libsbml, law)), f"kinetic law of {rid}")
    sch = schedule(regimen, p)
    for k, t in enumerate(sch.grid[:-1]):
        bolus = [float(b) for b in sch.bolus[k, 0]]
        assignments = {}
        if bolus[0] or bolus[1]:
            assignments["gut_1"] = f"gut_1 + {bolus[0]!r} mmol"
            assignments["gut_unavail"] = f"gut_unavail + {bolus[1]!r} mmol"
            assignments["dose_cum"] = f"dose_cum + {bolus[0] + bolus[1]!r} mmol"
        if bolus[2]:
            assignments["supplement_cum"] = f"supplement_cum + {bolus[2]!r} mmol"
        if bolus[3]:
            assignments["thr_gut"] = f"thr_gut + {bolus[3]!r} mmol"
        previous = float(sch.iv[k - 1, 0]) if k > 0 else 0.0
        if float(sch.iv[k, 0]) != previous:
            assignments["iv_rate"] = f"{float(sch.iv[k, 0])!r} mmol_per_h"
        if not assignments:
            continue
        ev = model.createEvent()
        ev.setId(f"event_{k}")
        ev.setUseValuesFromTriggerTime(True)
        trig = ev.createTrigger()
        trig.setInitialValue(False)
        trig.setPersistent(True)
        _check(trig.setMath(_parse(libsbml, f"time >= {float(t)!r} hour")), f"trigger {k}")
        for var, formula in assignments.items():
            ea = ev.createEventAssignment()
            ea.setVariable(var)
            _check(ea.setMath(_parse(libsbml, formula)), f"event {k}: {var}")
    problems = consistency_problems(doc)
    if problems:  # pragma: no cover - the document above is consistent (tested)
        raise MagsynapseRunError("SBML export: " + "; ".join(problems))
    return libsbml.writeSBMLToString(doc)


def _modifiers(law: str) -> set[str]:
    """States that a kinetic law reads."""
    return set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", law)) & set(STATES)


def consistency_problems(doc) -> list[str]:
    """Errors and warnings of libsbml's full consistency check of ``doc`` (a
    ``libsbml.SBMLDocument``), units included; empty when it has none.

    Examples
    --------
    >>> import libsbml
    >>> from magsynapse.body import make_regimen
    >>> doc = libsbml.readSBMLFromString(to_sbml(make_regimen("oxide", dose="1g", days=1)))
    >>> consistency_problems(doc)
    []
    """
    import libsbml

    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, True)
    doc.checkConsistency()
    log = doc.getErrorLog()
    out = []
    for k in range(log.getNumErrors()):
        err = log.getError(k)
        if err.getSeverity() >= libsbml.LIBSBML_SEV_WARNING:
            out.append(f"{err.getErrorId()} {err.getShortMessage()}: {err.getMessage().strip()}")
    return out


def export_sbml(
    regimen: Regimen,
    path: str | os.PathLike[str],
    species: str = "human",
    *,
    solver: str = DEFAULT_SOLVER,
) -> Path:
    """Write :func:`to_sbml` to ``path`` (beside it, then renamed); returns the path."""
    return write_text(path, to_sbml(regimen, species, solver=solver))


#: SED-ML targets of the reported variables: time and four concentrations (mM).
_REPORTED = ("plasma", "csf", "isf", "neuron")


def to_sedml(regimen: Regimen, model_file: str = "model.xml", step_h: float = 1.0) -> str:
    """A SED-ML (Level 1 Version 4) description of the regimen's simulation of the model
    in ``model_file``: a time course from 0 to the regimen's end every ``step_h`` hours
    (CVODE, KISAO:0000019), reporting time and the concentrations (mM) of plasma, CSF,
    ISF and neuron Mg.

    Examples
    --------
    >>> from magsynapse.body import make_regimen
    >>> "uniformTimeCourse" in to_sedml(make_regimen("oxide", dose="1g", days=1))
    True
    """
    try:
        import libsedml
    except ImportError:  # pragma: no cover - depends on the installation
        raise MagsynapseError(
            "COMBINE export needs python-libsedml: pip install 'magsynapse[sbml]'"
        ) from None
    steps = regimen.hours / step_h
    if not (step_h > 0 and steps == int(steps) and steps >= 1):
        raise MagsynapseError(
            f"step_h: {step_h!r} h must divide the regimen's {regimen.hours:g} h into whole steps"
        )
    doc = libsedml.SedDocument(1, 4)
    model = doc.createModel()
    model.setId("model")
    model.setLanguage("urn:sedml:language:sbml.level-3.version-2")
    model.setSource(model_file)
    sim = doc.createUniformTimeCourse()
    sim.setId("regimen")
    sim.setInitialTime(0.0)
    sim.setOutputStartTime(0.0)
    sim.setOutputEndTime(float(regimen.hours))
    sim.setNumberOfSteps(int(steps))
    alg = sim.createAlgorithm()
    alg.setKisaoID("KISAO:0000019")
    task = doc.createTask()
    task.setId("task")
    task.setModelReference("model")
    task.setSimulationReference("regimen")
    report = doc.createReport()
    report.setId("report")
    report.setName(f"Mg concentrations (mM) over time (h): {regimen.label or 'baseline'}")
    for name in ("time", *_REPORTED):
        dg = doc.createDataGenerator()
        dg.setId(f"dg_{name}")
        dg.setName(name)
        var = dg.createVariable()
        var.setId(f"v_{name}")
        var.setTaskReference("task")
        if name == "time":
            var.setSymbol("urn:sedml:symbol:time")
        else:
            var.setTarget(f"/sbml:sbml/sbml:model/sbml:listOfSpecies/sbml:species[@id='{name}']")
        dg.setMath(libsedml.parseL3Formula(f"v_{name}"))
        ds = report.createDataSet()
        ds.setId(f"ds_{name}")
        ds.setLabel(name if name == "time" else f"[{name}]")
        ds.setDataReference(f"dg_{name}")
    return libsedml.writeSedMLToString(doc)


def export_omex(
    regimen: Regimen,
    path: str | os.PathLike[str],
    species: str = "human",
    *,
    step_h: float = 1.0,
    solver: str = DEFAULT_SOLVER,
) -> Path:
    """Write a COMBINE archive (``.omex``): the SBML model of :func:`to_sbml` and the
    SED-ML simulation of :func:`to_sedml`, with its manifest; returns the path.

    The archive is written beside ``path`` and renamed when complete.
    """
    try:
        import libcombine
    except ImportError:  # pragma: no cover - depends on the installation
        raise MagsynapseError(
            "COMBINE export needs python-libcombine: pip install 'magsynapse[sbml]'"
        ) from None
    path = check_writable(path)
    sbml = to_sbml(regimen, species, solver=solver)
    sedml = to_sedml(regimen, "model.xml", step_h)
    archive = libcombine.CombineArchive()
    ok = archive.addFileFromString(
        sbml, "model.xml", libcombine.KnownFormats.lookupFormat("sbml"), False
    ) and archive.addFileFromString(
        sedml, "simulation.sedml", libcombine.KnownFormats.lookupFormat("sedml"), True
    )
    with written_atomically(path) as tmp:
        if not ok or not archive.writeToFile(str(tmp)):
            raise MagsynapseRunError(f"could not write the COMBINE archive {str(path)!r}")
    return path
