"""Parameters of the slow layer (docs/specification.md §8), with sources and priors.

Times are in hours, concentrations in mM; every other quantity is relative (1 at the
reference state). :func:`slow_parameters` returns the set of a species at an age; the
age enters through two parameters only, the GluN2B share ``f_2b0`` and the cellular-Mg
factor ``mg_i_factor`` (:data:`AGES`).

>>> ps = slow_parameters("rat", "aged")
>>> ps["f_2b0"] < slow_parameters("rat", "young")["f_2b0"]
True
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import MagsynapseError
from ..provenance import Param, ParameterSet

LN, NORMAL, UNIFORM = "lognormal", "normal", "uniform"
CHOICE = "magsynapse_choice"
CAL = "magsynapse_calibration"


def _p(value, unit, source, note="", prior=None) -> Param:
    return Param(float(value), unit, source, note, prior)


#: Howarth, Gleeson & Attwell (2012): shares of the neocortical signalling energy budget.
ENERGY_SHARES: dict[str, float] = {
    "receptors": 0.50,
    "action_potentials": 0.21,
    "resting": 0.20,
    "release": 0.05,
    "recycling": 0.04,
}

#: The budget items that scale with the presynaptic drive (release sites × probability).
SYNAPTIC_ITEMS = ("receptors", "release", "recycling")

_COMMON = {
    # NR2B homeostat (Slutsky 2004): a set point on the background NMDA calcium
    "tau_up": _p(
        72.0,
        "h",
        "philpot_2001",
        "GluN2B gained when background calcium is below its set point: deprivation-driven "
        "NR2A/NR2B shifts take days",
        (LN, 72.0, 2.0),
    ),
    "tau_down": _p(
        8.0,
        "h",
        "von_engelhardt_2009",
        "GluN2B share falls (GluN2A inserted) when background calcium is above its set "
        "point: NR2A insertion rises several-fold within 8 h; experience-driven shifts "
        "take hours (Philpot 2001)",
        (LN, 8.0, 1.5),
    ),
    "gain": _p(
        1.0,
        "1",
        CHOICE,
        "homeostat gain: 1 makes a small calcium error relax with tau_up / tau_down",
        (LN, 1.0, 2.0),
    ),
    # synapse density (Slutsky 2010; Sun 2016): release sites follow [Mg]i over weeks
    "tau_density": _p(
        168.0,
        "h",
        "slutsky_2010",
        "release sites relax to their target over weeks (one week as the time constant)",
        (LN, 168.0, 2.0),
    ),
    "density_mg": _p(
        1.0,
        "1",
        "sun_2016",
        "elasticity of the release-site target to neuronal [Mg]i (assumed proportional; "
        "no published dose-response)",
        (LN, 1.0, 2.0),
    ),
    "density_2b": _p(
        0.5,
        "1",
        CHOICE,
        "elasticity of the release-site target to the GluN2B share",
        (UNIFORM, 0.0, 1.0),
    ),
    "release_compensation": _p(
        0.5,
        "1",
        "slutsky_2010",
        "release probability ∝ density^(−this): more sites with lower release probability, "
        "so single-spike transmission changes less than the site count",
        (UNIFORM, 0.0, 1.0),
    ),
    "release_probability0": _p(
        0.3, "1", CHOICE, "release probability of the reference synapse (the synapse layer's)"
    ),
    # energy (Howarth 2012): Mg-ATP availability
    "k_mgatp": _p(
        0.05,
        "mM",
        CHOICE,
        "dissociation constant of Mg-ATP, the value conventionally used in 31P-MRS free-Mg "
        "estimates: most ATP is Mg-bound at the ~0.5 mM free Mg of neurons (Brocard 1993)",
        (LN, 0.05, 1.5),
    ),
    "tau_atp": _p(1.0, "h", CHOICE, "ATP availability follows supply and demand within hours"),
    # excitotoxic load (low-Mg states)
    "theta_load": _p(
        2.0,
        "1",
        CHOICE,
        "background NMDA calcium (relative to its set point) above which synapses are lost",
        (LN, 2.0, 1.3),
    ),
    "tau_load": _p(6.0, "h", CHOICE, "the load integrates calcium over hours"),
    "tau_loss": _p(
        168.0,
        "h",
        CHOICE,
        "synapse loss time constant at unit load (a week)",
        (LN, 168.0, 2.0),
    ),
    # sleep: Process S (Daan, Beersma & Borbely 1984) and SHY downscaling (de Vivo 2017)
    "wake_hours": _p(16.0, "h", "daan_1984", "hours awake per day (8 h of sleep)"),
    "tau_wake": _p(18.2, "h", "daan_1984", "Process S rises towards 1 while awake"),
    "tau_sleep": _p(4.2, "h", "daan_1984", "Process S decays while asleep"),
    "downscaling": _p(
        0.18,
        "1",
        "de_vivo_2017",
        "synaptic strength lost over one night (axon-spine interface ≈ 18 % smaller after "
        "sleep than after wake); calibrates the downscaling rate on the periodic Process S",
    ),
    "mg_sleep": _p(
        0.0,
        "1",
        CHOICE,
        "elasticity of slow-wave downscaling to brain [Mg]o: a prior centred on no effect",
        (NORMAL, 0.0, 0.5),
    ),
}


@dataclass(frozen=True)
class Age:
    """An age's two parameters: the GluN2B share and the cellular-Mg factor."""

    name: str
    f_2b0: Param
    mg_i_factor: Param


#: Age parameter sets by species. NR2B falls with age in rodents (Magnusson 2000;
#: Clayton 2002); cellular Mg falls with age while serum Mg does not.
AGES: dict[str, dict[str, Age]] = {
    "rat": {
        "young": Age(
            "young",
            _p(0.5, "1", "shouval_2002", "the synapse layer's GluN2B share (equal components)"),
            _p(1.0, "1", CHOICE, "reference cellular Mg"),
        ),
        "aged": Age(
            "aged",
            _p(
                0.35,
                "1",
                "clayton_2002",
                "aged rats' hippocampal NR2B deficit (it tracks water-maze scores); its size, "
                "30 % below young, is assumed",
                (UNIFORM, 0.25, 0.45),
            ),
            _p(
                0.9,
                "1",
                "xiong_2016",
                "aged rats' lower cellular Mg (erythrocyte Mg tracks memory and synapse "
                "density); 10 % below young is assumed",
                (UNIFORM, 0.8, 1.0),
            ),
        ),
    },
    "human": {},
}

#: Human ages are years in this range; the reference (young) adult is 30 y.
HUMAN_AGE_RANGE = (24.0, 98.0)  # the ages of Cameron et al. (2019)
HUMAN_REFERENCE_AGE = 30.0
#: Relative change per year after the reference age.
HUMAN_F2B_PER_YEAR = _p(
    -0.006,
    "1/y",
    "magnusson_2000",
    "NR2B mRNA falls with age (3 vs 30 months, mice); -0.6 %/y (30 % over 50 years, as "
    "the aged rat set) is assumed",
)
HUMAN_MG_I_PER_YEAR = _p(
    -0.002,
    "1/y",
    "cameron_2019",
    "muscle ionised Mg falls with age (standardised beta -0.29, n = 441, 24-98 y) while "
    "serum Mg does not; the per-year slope (-0.2 %/y) is assumed",
)


def _human_age(years: float) -> Age:
    lo, hi = HUMAN_AGE_RANGE
    if not (lo <= years <= hi):
        raise MagsynapseError(f"age: human ages span {lo:g}-{hi:g} years (got {years:g})")
    dy = max(0.0, years - HUMAN_REFERENCE_AGE)
    f0 = 0.5 * (1.0 + HUMAN_F2B_PER_YEAR.value * dy)
    mi = 1.0 + HUMAN_MG_I_PER_YEAR.value * dy
    return Age(
        f"{years:g}y",
        _p(f0, "1", HUMAN_F2B_PER_YEAR.source, f"0.5 at 30 y, {HUMAN_F2B_PER_YEAR.note}"),
        _p(mi, "1", HUMAN_MG_I_PER_YEAR.source, HUMAN_MG_I_PER_YEAR.note),
    )


#: The human ages that ``young`` and ``aged`` stand for.
HUMAN_NAMED_AGES = {"young": 30.0, "aged": 75.0}


def age_of(species: str, age: str | float | None) -> Age:
    """The :class:`Age` of ``species`` at ``age``: ``"young"``, ``"aged"`` or (human) years.

    >>> age_of("human", 75).name, age_of("rat", None).name
    ('75y', 'young')
    """
    if species not in AGES:
        raise MagsynapseError(f"species: unknown {species!r}; accepted: {', '.join(AGES)}")
    if age is None:
        age = "young"
    if species == "rat":
        if not isinstance(age, str) or age not in AGES["rat"]:
            raise MagsynapseError(f"age: rats are 'young' or 'aged' (got {age!r})")
        return AGES["rat"][age]
    if isinstance(age, str):
        if age not in HUMAN_NAMED_AGES:
            raise MagsynapseError(f"age: 'young', 'aged' or years (got {age!r})")
        age = HUMAN_NAMED_AGES[age]
    return _human_age(float(age))


def slow_parameters(species: str = "human", age: str | float | None = None) -> ParameterSet:
    """The slow-layer parameter set of ``species`` at ``age``.

    Parameters
    ----------
    species : {"human", "rat"}
        Whose body drives the layer; the rat set takes the aged/young NR2B and Mg values
        of rodent studies, the human set scales them with age in years.
    age : {"young", "aged"} or float, optional
        Rats: ``"young"`` (default) or ``"aged"``. Humans: years in
        :data:`HUMAN_AGE_RANGE`, or ``"young"`` (30 y) / ``"aged"`` (75 y).

    Returns
    -------
    ParameterSet
        Kind ``"slow"``; priors on the parameters `--samples` draws.

    Examples
    --------
    >>> ps = slow_parameters("human", 30)
    >>> ps["f_2b0"], ps["tau_down"]
    (0.5, 8.0)
    """
    a = age_of(species, age)
    params = {**_COMMON, "f_2b0": a.f_2b0, "mg_i_factor": a.mg_i_factor}
    return ParameterSet(
        f"slow_{species}_{a.name}",
        "slow",
        params,
        f"slow biology of a {a.name} {species}: NR2B homeostat, release sites, Mg-ATP, "
        "excitotoxic load, sleep",
        extra_sources=("slutsky_2004", "howarth_2012", "borbely_1982", "ibata_2008"),
    )
