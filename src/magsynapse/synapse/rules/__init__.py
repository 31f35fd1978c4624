"""Plasticity rules: objects registered by name in :data:`RULES`.

* ``bistable`` — Graupner & Brunel (2012) (:mod:`.bistable`);
* ``omega_eta`` — Shouval, Bear & Cooper (2002) (:mod:`.omega_eta`);
* ``bcm`` — a calcium-based BCM rule with a fixed threshold (:mod:`.bcm`).

The contract a rule implements is :class:`~.base.Rule`; a new rule is one new module here
that subclasses it and registers an instance.

>>> sorted(RULES)
['bcm', 'bistable', 'omega_eta']
"""

from . import bcm, bistable, omega_eta  # noqa: F401  (registration)
from .base import METHODS, RULES, NetworkRule, Rule
from .bistable import gb_change, gb_change_se, gb_transition_probabilities
from .omega_eta import eta, omega

__all__ = [
    "METHODS",
    "RULES",
    "NetworkRule",
    "Rule",
    "eta",
    "gb_change",
    "gb_change_se",
    "gb_transition_probabilities",
    "omega",
]
