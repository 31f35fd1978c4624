"""People and trials (docs/specification.md §9): the analysis of a trial as published.

Virtual cohorts, cognitive readouts and trial designs build on :mod:`.analysis`.

>>> from magsynapse.people import ancova
>>> r = ancova([10, 12, 11, 13, 9, 12], [12, 15, 13, 13, 9, 12], [1, 1, 1, 0, 0, 0])
>>> r.n_treated, r.n_control
(3, 3)
"""

from .analysis import TrialResult, ancova, cohens_d, power

__all__ = ["TrialResult", "ancova", "cohens_d", "power"]
