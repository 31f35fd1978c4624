"""Export the PK model as SBML Level 3 (``magsynapse pk export-sbml``).

The file holds the species (amounts in mmol, a unit compartment), every rate constant as
a global parameter, one reaction per flux with the same kinetic law as
:mod:`.equations`, the diet-only baseline as initial amounts, and the regimen's meals and
doses as events (infusions switch a rate parameter on and off). Any SBML simulator —
libroadrunner, COPASI, Tellurium — reproduces magsynapse's trajectory.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import MagsynapseError, MagsynapseRunError
from .baseline import baseline
from .equations import GUT, N_GUT, RATE_KEYS, STATES, derive
from .params import pk_parameters
from .priors import parameter_arrays
from .regimen import Regimen
from .schedule import schedule
from .solvers import DEFAULT_SOLVER, get_solver

# (reaction id, reactants, products, kinetic law); the law uses state and parameter ids.
_C_P = "(plasma/v_plasma)"
_C_ION = f"(f_ion*{_C_P})"
_LOAD = f"(gfr*f_uf*{_C_P})"
_T_B = "(thr_brain/v_isf)"


def _reactions() -> list[tuple[str, list[str], list[str], str]]:
    out = []
    for k, g in enumerate(GUT):
        out.append(
            (
                f"absorption_{k + 1}",
                [g],
                ["plasma", "absorbed_cum"],
                f"vmax_abs/{N_GUT}*{g}/(km_abs/{N_GUT} + {g}) + k_lin*{g}",
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
        ("csf_to_plasma", ["csf"], ["plasma"], "k_eff*csf"),
        ("csf_to_isf", ["csf"], ["isf"], "ps_isf*(csf/v_csf - isf/v_isf)"),
        (
            "isf_to_neuron",
            ["isf"],
            ["neuron"],
            f"p_n*(1 + emax_thr*{_T_B}/(ec50_thr + {_T_B}))*isf/v_isf",
        ),
        ("neuron_to_isf", ["neuron"], ["isf"], "k_out*neuron/(1 + buffer)"),
        ("thr_absorption", ["thr_gut"], ["thr_plasma"], "ka_thr*thr_gut"),
        ("thr_transit", ["thr_gut"], ["thr_out"], "k_tr*thr_gut"),
        ("thr_elimination", ["thr_plasma"], ["thr_out"], "k_el_thr*thr_plasma"),
        ("thr_to_brain", ["thr_plasma"], ["thr_brain"], f"ps_thr*(thr_plasma/v_thr - {_T_B})"),
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
    math = libsbml.parseL3Formula(formula)
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
    comp = model.createCompartment()
    _check(comp.setId("body"), "compartment")
    comp.setConstant(True)
    comp.setSize(1.0)
    comp.setSpatialDimensions(3)
    for i, name in enumerate(STATES):
        sp = model.createSpecies()
        _check(sp.setId(name), f"species {name}")
        sp.setCompartment("body")
        sp.setInitialAmount(float(y0[i]))
        sp.setHasOnlySubstanceUnits(True)
        sp.setBoundaryCondition(False)
        sp.setConstant(False)
    for key in RATE_KEYS:
        par = model.createParameter()
        _check(par.setId(key), f"parameter {key}")
        par.setValue(float(r.values[key][0]))
        par.setConstant(True)
    iv = model.createParameter()
    iv.setId("iv_rate")
    iv.setValue(0.0)
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
        kl = rx.createKineticLaw()
        _check(kl.setMath(_parse(libsbml, law)), f"kinetic law of {rid}")
    sch = schedule(regimen, p)
    for k, t in enumerate(sch.grid[:-1]):
        bolus = [float(b) for b in sch.bolus[k, 0]]
        assignments = {}
        if bolus[0] or bolus[1]:
            assignments["gut_1"] = f"gut_1 + {bolus[0]!r}"
            assignments["gut_unavail"] = f"gut_unavail + {bolus[1]!r}"
            assignments["dose_cum"] = f"dose_cum + {bolus[0] + bolus[1]!r}"
        if bolus[2]:
            assignments["supplement_cum"] = f"supplement_cum + {bolus[2]!r}"
        if bolus[3]:
            assignments["thr_gut"] = f"thr_gut + {bolus[3]!r}"
        previous = float(sch.iv[k - 1, 0]) if k > 0 else 0.0
        if float(sch.iv[k, 0]) != previous:
            assignments["iv_rate"] = repr(float(sch.iv[k, 0]))
        if not assignments:
            continue
        ev = model.createEvent()
        ev.setId(f"event_{k}")
        ev.setUseValuesFromTriggerTime(True)
        trig = ev.createTrigger()
        trig.setInitialValue(False)
        trig.setPersistent(True)
        _check(trig.setMath(_parse(libsbml, f"time >= {float(t)!r}")), f"trigger {k}")
        for var, formula in assignments.items():
            ea = ev.createEventAssignment()
            ea.setVariable(var)
            _check(ea.setMath(_parse(libsbml, formula)), f"event {k}: {var}")
    errors = doc.checkInternalConsistency()
    if errors:  # pragma: no cover - the document above is consistent
        raise MagsynapseError(f"SBML export: {doc.getErrorLog().toString()}")
    return libsbml.writeSBMLToString(doc)


def export_sbml(
    regimen: Regimen,
    path: str | os.PathLike[str],
    species: str = "human",
    *,
    solver: str = DEFAULT_SOLVER,
) -> Path:
    """Write :func:`to_sbml` to ``path``; returns the path."""
    path = Path(path)
    path.write_text(to_sbml(regimen, species, solver=solver), encoding="utf-8")
    return path
