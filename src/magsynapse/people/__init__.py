"""People and trials (docs/specification.md §9): virtual cohorts, cognitive test scores
and brain age from the mechanism, and in-silico trials analysed as published.

- :mod:`.cohort` — covariates from stated distributions, inclusion criteria;
- :mod:`.mechanism` — each person through body PK, the slow layer and the network
  emulator;
- :mod:`.norms`, :mod:`.cognition` — age norms, test scores linked to readouts by age
  alone, composite, brain age;
- :mod:`.design`, :mod:`.trial` — designs as TOML, replicates, power;
- :mod:`.analysis` — ANCOVA on change from baseline, Cohen's d, power.

>>> from magsynapse.people import ancova
>>> r = ancova([10, 12, 11, 13, 9, 12], [12, 15, 13, 13, 9, 12], [1, 1, 1, 0, 0, 0])
>>> r.n_treated, r.n_control
(3, 3)
"""

from .analysis import TrialResult, ancova, cohens_d, power
from .cognition import DEFAULT_TESTS, TESTS, CognitiveTest, brain_age, composite
from .cohort import COVARIATES, Population, draw_covariates
from .design import BUILTIN, Design, load_design, parse_design
from .trial import cohort, power_curve, run_trial, simulate_replicates

__all__ = [
    "BUILTIN",
    "COVARIATES",
    "DEFAULT_TESTS",
    "TESTS",
    "CognitiveTest",
    "Design",
    "Population",
    "TrialResult",
    "ancova",
    "brain_age",
    "cohens_d",
    "cohort",
    "composite",
    "draw_covariates",
    "load_design",
    "parse_design",
    "power",
    "power_curve",
    "run_trial",
    "simulate_replicates",
]
