"""Magnesium salt forms: elemental fraction from the formula weight, and availability.

The elemental fraction is computed from the anhydrous formula with IUPAC atomic weights
(magnesium sulfate for infusion is the heptahydrate, the form "2 g magnesium sulfate"
refers to). The *availability* is the fraction of a dose that dissolves into the
absorbable pool, relative to a soluble salt (chloride = 1); the saturable intestinal
absorption of docs/specification.md §7 then acts on that pool.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import MagsynapseError
from ..provenance import Param, Registry

ATOMIC_WEIGHT = {
    "Mg": 24.305,
    "C": 12.011,
    "H": 1.008,
    "O": 15.999,
    "N": 14.007,
    "Cl": 35.45,
    "S": 32.06,
}


@dataclass(frozen=True)
class Salt:
    """A magnesium salt form.

    Attributes
    ----------
    name : str
        Registry name.
    formula : str
        Human-readable formula.
    atoms : dict
        Atom counts of one formula unit (used for the formula weight).
    route : {"oral", "iv"}
        Administration route.
    availability : Param
        Fraction of a dose entering the absorbable pool, relative to chloride.
    threonate_per_mg : int
        Threonate anions per Mg (2 for L-threonate, 0 otherwise).

    Examples
    --------
    >>> round(SALTS["threonate"].elemental_fraction, 4)
    0.0825
    """

    name: str
    formula: str
    atoms: dict[str, float]
    route: str
    availability: Param
    threonate_per_mg: int = 0

    @property
    def formula_weight(self) -> float:
        """g/mol of one formula unit."""
        return sum(ATOMIC_WEIGHT[a] * n for a, n in self.atoms.items())

    @property
    def elemental_fraction(self) -> float:
        """Mass fraction of magnesium."""
        return self.atoms["Mg"] * ATOMIC_WEIGHT["Mg"] / self.formula_weight

    def mmol_mg(self, salt_mg: float) -> float:
        """mmol of Mg in ``salt_mg`` milligrams of the salt."""
        return salt_mg * self.elemental_fraction / ATOMIC_WEIGHT["Mg"]


def _avail(value: float, source: str, note: str, prior=None) -> Param:
    return Param(value, "1", source, note, prior)


def _organic(which: str) -> Param:
    """Availability of an organic salt without absorption data: the soluble reference."""
    note = f"organic, soluble; no {which} absorption data"
    return _avail(1.0, "magsynapse_choice", note, ("lognormal", 1.0, 1.3))


#: Threonate anions per formula unit of the salts that carry it (its own species).
_THREONATE = {"threonate": 2}

SALTS: Registry[Salt] = Registry("salt")
_SOLUBLE = "soluble salt, the absorption reference"
for _name, _formula, _atoms, _param in [
    (
        "oxide",
        "MgO",
        {"Mg": 1, "O": 1},
        _avail(
            0.25,
            "firoz_graber_2001",
            "calibrated: ~4 % fractional absorption",
            ("lognormal", 0.25, 1.3),
        ),
    ),
    (
        "hydroxide",
        "Mg(OH)2",
        {"Mg": 1, "O": 2, "H": 2},
        _avail(
            1.0,
            "dolberg_2017",
            "calibrated: bioavailability ~15 % of 1080 mg",
            ("lognormal", 1.0, 1.3),
        ),
    ),
    (
        "citrate",
        "Mg3(C6H5O7)2",
        {"Mg": 3, "C": 12, "H": 10, "O": 14},
        _avail(
            1.0, "kappeler_2017", "organic, soluble; higher than oxide", ("lognormal", 1.0, 1.15)
        ),
    ),
    ("chloride", "MgCl2", {"Mg": 1, "Cl": 2}, _avail(1.0, "firoz_graber_2001", _SOLUBLE)),
    (
        "lactate",
        "Mg(C3H5O3)2",
        {"Mg": 1, "C": 6, "H": 10, "O": 6},
        _avail(1.0, "firoz_graber_2001", "equivalent to chloride", ("lognormal", 1.0, 1.15)),
    ),
    (
        "aspartate",
        "Mg(C4H6NO4)2",
        {"Mg": 1, "C": 8, "H": 12, "N": 2, "O": 8},
        _avail(1.0, "firoz_graber_2001", "equivalent to chloride", ("lognormal", 1.0, 1.15)),
    ),
    (
        "glycinate",
        "Mg(C2H4NO2)2",
        {"Mg": 1, "C": 4, "H": 8, "N": 2, "O": 4},
        _organic("calibrated"),
    ),
    ("gluconate", "Mg(C6H11O7)2", {"Mg": 1, "C": 12, "H": 22, "O": 14}, _organic("calibrated")),
    ("threonate", "Mg(C4H7O5)2", {"Mg": 1, "C": 8, "H": 14, "O": 10}, _organic("human")),
]:
    SALTS.register(_name, Salt(_name, _formula, _atoms, "oral", _param, _THREONATE.get(_name, 0)))
SALTS.register(
    "sulfate",
    Salt(
        "sulfate",
        "MgSO4·7H2O",
        {"Mg": 1, "S": 1, "O": 11, "H": 14},
        "iv",
        _avail(1.0, "dolberg_2017", "intravenous: all of the dose enters plasma"),
    ),
)


def get_salt(name: str) -> Salt:
    """Look up a salt; ``"L-threonate"`` and ``"magnesium oxide"`` style names work too.

    Examples
    --------
    >>> get_salt("L-threonate").name
    'threonate'
    """
    key = name.lower().replace("magnesium", "").replace("l-", "").strip().replace(" ", "_")
    if key not in SALTS:
        raise MagsynapseError(f"unknown salt {name!r}; accepted: {', '.join(SALTS.names())}")
    return SALTS[key]
