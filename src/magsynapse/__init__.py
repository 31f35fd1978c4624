"""magsynapse: how magnesium shapes what a synapse learns.

The package is organised by biological scale, in the order data flows: ``body``
(pharmacokinetics: dose → plasma → CSF → brain [Mg]o, [Mg]i) → ``receptors`` (NMDA Mg²⁺
block, receptor kinetics) → ``synapse`` (spine calcium, plasticity rules, protocols) →
``network`` (spiking networks, memory tasks) → ``study`` (the default study and its
report). A lower scale never imports a higher one; scales hand states down as a
*conditions* dataset (:mod:`magsynapse.conditions`), and every random number follows
one stream policy (:mod:`magsynapse.random`). See ``docs/architecture.md``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("magsynapse")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = ["__version__"]
