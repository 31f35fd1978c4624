"""Parameters of the magnesium pharmacokinetic model (docs/specification.md §7), human and rat.

Every parameter has a source and a prior ``(kind, a, b)`` from which `--samples` draws;
parameters fitted by :mod:`.calibrate` take their values (and the centres of their priors)
from ``data/pk_human.json``, the output of ``magsynapse pk calibrate --out`` copied into
the source tree.

Units: amounts mmol, volumes L, concentrations mM, time h.

The rat set is the human set scaled allometrically to 0.25 kg (documented assumption:
amounts and volumes ∝ body weight, maximal rates ∝ BW^0.75, first-order rate constants
∝ BW^−0.25, times ∝ BW^0.25; renal reabsorption ∝ GFR; brain transport ∝ brain volume ×
BW^−0.25), except where a rat value has its own source (plasma volume, GFR, brain and CSF
volumes, diet).
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np

from ..errors import MagsynapseError
from ..provenance import Param, ParameterSet

LN = "lognormal"
CHOICE = "magsynapse_choice"
CAL = "magsynapse_calibration"

#: Names of the parameters :mod:`.calibrate` fits.
FITTED = (
    "vmax_abs",
    "km_abs",
    "k_lin",
    "fe_renal",
    "km_renal",
    "vmax_csf",
    "km_csf",
    "fast_pool",
    "t_fast",
    "t_gut",
)


def _p(value, unit, source, note="", prior=None) -> Param:
    return Param(float(value), unit, source, note, prior)


_HUMAN = {
    "weight": _p(70.0, "kg", "davies_morris_1993", "reference adult"),
    # intake
    "diet_mg": _p(
        14.4,
        "mmol/day",
        "iom_1997",
        "350 mg/day, between the RDAs of women (310-320 mg) and men (400-420 mg)",
        (LN, 14.4, 1.25),
    ),
    "meals_per_day": _p(
        3,
        "1",
        CHOICE,
        "meals at 0, 5 and 11 h of each day (08:00, 13:00, "
        "19:00); supplements are taken with breakfast (and dinner if bid)",
    ),
    # gut
    "t_gut": _p(
        10.0,
        "h",
        CAL,
        "mean transit time through the absorptive intestine "
        "(a five-segment chain; small intestine ~3.3 h plus the proximal colon)",
        (LN, 10.0, 1.3),
    ),
    "vmax_abs": _p(0.35, "mmol/h", CAL, "saturable (transcellular) absorption, Fine 1991"),
    "km_abs": _p(1.5, "mmol", CAL, "half-saturating lumen content"),
    "k_lin": _p(0.008, "1/h", CAL, "linear (paracellular) absorption: ~7 % of intake"),
    "fasted_factor": _p(
        1.0,
        "1",
        CHOICE,
        "availability of a dose taken without a meal, "
        "relative to with a meal; no data, centred on no effect",
        (LN, 1.0, 1.3),
    ),
    # plasma
    "v_plasma": _p(3.0, "L", "davies_morris_1993"),
    "f_ion": _p(0.55, "1", "spec_body", "ionised fraction", ("normal", 0.55, 0.03)),
    "f_complex": _p(
        0.15, "1", "spec_body", "complexed fraction (ultrafilterable)", ("normal", 0.15, 0.02)
    ),
    "gfr": _p(7.2, "L/h", "spec_body", "120 mL/min", ("normal", 7.2, 0.9)),
    "fe_renal": _p(
        0.03,
        "1",
        CAL,
        "fractional excretion at the reference filtered load "
        "(GFR x ultrafilterable Mg at serum_ref); sets the tubular maximum "
        "Tm = (1 - fe)(K_r + L_ref)",
    ),
    "km_renal": _p(0.5, "mmol/h", CAL, "filtered load at half-maximal reabsorption"),
    # tissue pools
    "serum_ref": _p(
        0.85,
        "mM",
        "spec_body",
        "reference serum total Mg (centre of the "
        "0.75-0.95 mM range) at which the pools hold their nominal sizes",
    ),
    "fast_pool": _p(
        50.0,
        "mmol",
        CAL,
        "rapidly exchanging Mg at serum_ref; prior from the "
        "apparent volume of distribution of Dolberg 2017 (60 L x 0.85 mM)",
        (LN, 50.0, 2.0),
    ),
    "t_fast": _p(2.0, "h", CAL, "half-time of fast-pool exchange", (LN, 2.0, 3.0)),
    "slow_pool": _p(
        950.0,
        "mmol",
        "spec_body",
        "bone and slowly exchanging soft-tissue Mg (body total ~1000 mmol = 24 g)",
        (LN, 950.0, 1.1),
    ),
    "t_slow": _p(
        1000.0, "h", "spec_body", "biological half-life of the slow pool", (LN, 1000.0, 1.3)
    ),
    # brain
    "v_csf": _p(0.15, "L", "sakka_2011"),
    "t_csf": _p(
        70.0 / 60.0,
        "h",
        "oppelt_1963",
        "CSF Mg efflux half-time ~70 min; narrow prior because the fitted blood-to-CSF "
        "transport sets the CSF level together with it",
        (LN, 70.0 / 60.0, 1.1),
    ),
    "vmax_csf": _p(0.11, "mmol/h", CAL, "saturable blood-to-CSF transport"),
    "km_csf": _p(0.15, "mM", CAL, "plasma ionised Mg at half-maximal transport"),
    "v_isf": _p(0.28, "L", "nicholson_sykova_1998", "20 % of a 1.4-L brain"),
    "ps_isf": _p(0.3, "L/h", CHOICE, "CSF-ISF exchange (diffusion and bulk flow)", (LN, 0.3, 2.0)),
    "v_neuron": _p(1.0, "L", CHOICE, "intracellular volume of brain cells", (LN, 1.0, 1.2)),
    "mg_i0": _p(0.5, "mM", "romani_2011", "free intracellular Mg at mg_o_ref", (LN, 0.5, 1.2)),
    "mg_o_ref": _p(0.97, "mM", "spec_csf", "reference [Mg]o of the neuron model"),
    "buffer": _p(
        19.0, "1", "romani_2011", "bound/free intracellular Mg (total ~10 mM)", (LN, 19.0, 1.3)
    ),
    "t_neuron": _p(12.0, "h", CHOICE, "relaxation time of neuronal free Mg", (LN, 12.0, 3.0)),
    # threonate
    "ka_thr": _p(0.5, "1/h", CHOICE, "threonate absorption; no human data", (LN, 0.5, 2.0)),
    "v_thr": _p(15.0, "L", CHOICE, "distribution volume (extracellular water)", (LN, 15.0, 1.5)),
    "t_thr": _p(3.0, "h", CHOICE, "elimination half-life; no human data", (LN, 3.0, 2.0)),
    "ps_thr": _p(
        0.02,
        "L/h",
        CHOICE,
        "brain uptake through glucose transporters (Sun et al. 2016 mechanism)",
        (LN, 0.02, 3.0),
    ),
    "emax_thr": _p(
        0.10,
        "1",
        "sun_2016",
        "largest relative rise of neuronal Mg influx with threonate: a prior, not a measured value",
        (LN, 0.10, 2.5),
    ),
    "ec50_thr": _p(0.02, "mM", CHOICE, "brain threonate at half effect", (LN, 0.02, 3.0)),
}

_RAT_OWN = {
    "weight": _p(0.25, "kg", "davies_morris_1993"),
    "diet_mg": _p(
        1.0, "mmol/day", CHOICE, "~24 mg/day: 20 g/day of a 0.12 % Mg chow", (LN, 1.0, 1.5)
    ),
    "v_plasma": _p(0.0078, "L", "davies_morris_1993"),
    "gfr": _p(0.0786, "L/h", "davies_morris_1993", "1.31 mL/min", ("normal", 0.0786, 0.01)),
    "v_csf": _p(0.00025, "L", CHOICE, "~250 uL"),
    "v_isf": _p(0.00036, "L", "nicholson_sykova_1998", "20 % of a 1.8-g brain"),
    "v_neuron": _p(0.0013, "L", CHOICE, "intracellular volume of a 1.8-g brain", (LN, 0.0013, 1.2)),
}

# allometric exponent of each human parameter (BW^e); 0 = unchanged
_SCALING = {
    "t_gut": 0.25,
    "vmax_abs": 0.75,
    "km_abs": 1.0,
    "k_lin": -0.25,
    "fast_pool": 1.0,
    "t_fast": 0.25,
    "slow_pool": 1.0,
    "t_slow": 0.25,
    "t_csf": 0.25,
    "t_neuron": 0.25,
    "ka_thr": -0.25,
    "v_thr": 1.0,
    "t_thr": 0.25,
}


def _scaled(p: Param, factor: float) -> Param:
    prior = p.prior
    if prior is not None and prior[0] == LN:
        prior = (LN, prior[1] * factor, prior[2])
    elif prior is not None and prior[0] == "normal":
        prior = ("normal", prior[1] * factor, prior[2] * factor)
    return Param(
        p.value * factor,
        p.unit,
        p.source,
        (p.note + "; " if p.note else "") + "scaled allometrically from human",
        prior,
    )


def _load_fit() -> dict:
    text = resources.files("magsynapse.body").joinpath("data/pk_human.json").read_text()
    return json.loads(text)


def _apply_fit(params: dict[str, Param], fit: dict) -> dict[str, Param]:
    out = dict(params)
    record = fit["record"]
    note = (
        f"calibrated ({record['date']}; weighted rms residual "
        f"{record['weighted_rms']:.3g}); drawn jointly from the calibration posterior"
    )
    for key in FITTED:
        out[key] = Param(float(fit["values"][key]), params[key].unit, CAL, note)
    for salt, value in fit.get("availability", {}).items():
        out[f"avail_{salt}"] = Param(float(value), "1", CAL, note)
    return out


def _build(species: str) -> ParameterSet:
    fit = _load_fit()
    human = _apply_fit(_HUMAN, fit)
    if species == "human":
        return ParameterSet(
            "pk_human", "pk", human, "Magnesium PK, 70-kg adult", calibration=fit["record"]
        )
    ratio = _RAT_OWN["weight"].value / _HUMAN["weight"].value
    rat = {}
    for key, p in human.items():
        if key in _RAT_OWN:
            rat[key] = _RAT_OWN[key]
        elif key in _SCALING:
            rat[key] = _scaled(p, ratio ** _SCALING[key])
        else:
            rat[key] = p
    # renal reabsorption scales with the filtered load, i.e. with GFR; the fractional
    # excretion is refitted so that the rat's baseline serum is in the normal range
    rat["km_renal"] = _scaled(human["km_renal"], rat["gfr"].value / human["gfr"].value)
    if "rat" in fit:
        fe = float(fit["rat"]["fe_renal"])
        note = f"fitted to a rat baseline serum of 0.85 mM ({fit['rat']['date']})"
        rat["fe_renal"] = Param(fe, "1", CAL, note, (LN, fe, 1.15))
    # CSF transport scales with CSF volume and the rat's faster turnover; ISF and
    # threonate brain exchange with brain size and the same turnover scaling.
    turnover = ratio**-0.25
    for key, vol in (("vmax_csf", "v_csf"), ("ps_isf", "v_isf"), ("ps_thr", "v_isf")):
        factor = rat[vol].value / human[vol].value * turnover
        rat[key] = _scaled(human[key], factor)
    return ParameterSet(
        "pk_rat",
        "pk",
        rat,
        "Magnesium PK, 0.25-kg rat (human set scaled "
        "allometrically; own plasma, GFR, CSF and brain volumes)",
        calibration=fit["record"],
    )


SPECIES = ("human", "rat")

#: Allometric exponents of the human parameters that follow body weight between adults
#: (the rule the rat set uses: volumes and amounts ∝ BW, filtration ∝ BW^0.75; renal
#: reabsorption follows filtration). Gut and brain parameters do not scale: absorption
#: capacity and brain volume vary little with body weight.
WEIGHT_SCALING = {
    "v_plasma": 1.0,
    "fast_pool": 1.0,
    "slow_pool": 1.0,
    "v_thr": 1.0,
    "gfr": 0.75,
    "km_renal": 0.75,
}


def weight_factors(weight_kg) -> dict:
    """Factors on the human parameters of adults weighing ``weight_kg`` (one or an array)
    against the 70-kg reference (:data:`WEIGHT_SCALING`).

    >>> f = weight_factors([70.0, 140.0])
    >>> f["v_plasma"].tolist(), round(float(f["gfr"][1]), 4)
    ([1.0, 2.0], 1.6818)
    """
    w = np.asarray(weight_kg, dtype=float)
    if np.any(~(w > 0)) or np.any(~np.isfinite(w)):
        raise MagsynapseError("weight: body weights must be finite and > 0 kg")
    ratio = w / _HUMAN["weight"].value
    return {key: ratio**e for key, e in WEIGHT_SCALING.items()}


def pk_parameters(species: str = "human") -> ParameterSet:
    """The PK parameter set of ``species`` (``"human"`` or ``"rat"``).

    Examples
    --------
    >>> pk_parameters("human")["v_plasma"]
    3.0
    """
    if species not in SPECIES:
        raise MagsynapseError(f"unknown species {species!r}; accepted: {', '.join(SPECIES)}")
    return _build(species)
