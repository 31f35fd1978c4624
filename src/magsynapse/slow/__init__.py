"""Slow biology: days to weeks of brain magnesium → GluN2B, release sites, energy, sleep
(docs/specification.md §8).

The layer sits between the body and the synapse: it reads brain [Mg]o and [Mg]i over
time (a body result, :func:`drivers_from_body`) and the background NMDA calcium of a
synapse (a function handed in by the scale that models it), and integrates the slow
states of a neuron population over days. It never imports the synapse or network
scales; what it produces are their conditions (:mod:`magsynapse.conditions`).

>>> from magsynapse.slow import constant_drivers, integrate, slow_parameters
>>> calcium = lambda mg_o, f, drive: drive * (0.4 + 1.2 * f) / (1 + 15.7 * mg_o)
>>> ds = integrate(constant_drivers(0.8, 0.5, days=7).clamped(0.6), calcium,
...                slow_parameters("rat"), pathways="homeostasis")
>>> bool(ds.f_2b[-1, 0] < 0.5)
True
"""

from .integrate import OUTPUTS, Drivers, constant_drivers, drivers_from_body, integrate
from .params import AGES, ENERGY_SHARES, HUMAN_AGE_RANGE, age_of, slow_parameters
from .pathways import PATHWAYS, Pathway, energy_demand, get_pathways, mgatp

__all__ = [
    "AGES",
    "ENERGY_SHARES",
    "HUMAN_AGE_RANGE",
    "OUTPUTS",
    "PATHWAYS",
    "Drivers",
    "Pathway",
    "age_of",
    "constant_drivers",
    "drivers_from_body",
    "energy_demand",
    "get_pathways",
    "integrate",
    "mgatp",
    "slow_parameters",
]
