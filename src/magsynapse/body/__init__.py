"""Body: magnesium pharmacokinetics from an oral dose to CSF and neuron (docs/specification.md §7).

The model (:mod:`.equations`) is kept apart from its solvers (:mod:`.solvers`, chosen by
name: :data:`SOLVERS`), the dosing schedule (:mod:`.schedule`), the steady state
(:mod:`.baseline`) and the parameter draws (:mod:`.priors`); :mod:`.pk` runs them.

>>> from magsynapse.body import make_regimen, simulate
>>> ds = simulate(make_regimen("oxide", dose_elemental="300mg/day", days=1))
>>> ds.serum_total.attrs["units"]
'mM'
"""

from .coupling import synaptic_mg
from .params import pk_parameters, weight_factors
from .pk import OBSERVABLES, barrier, compare, simulate
from .regimen import Dose, Regimen, make_regimen
from .salts import SALTS, Salt, get_salt
from .solvers import DEFAULT_SOLVER, SOLVERS

__all__ = [
    "DEFAULT_SOLVER",
    "OBSERVABLES",
    "SALTS",
    "SOLVERS",
    "Dose",
    "Regimen",
    "Salt",
    "barrier",
    "compare",
    "get_salt",
    "make_regimen",
    "pk_parameters",
    "simulate",
    "synaptic_mg",
    "weight_factors",
]
