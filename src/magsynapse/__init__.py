"""magsynapse: how magnesium shapes what a synapse learns.

The package is organised by biological scale, in the order data flows:
``receptors`` (NMDA Mg²⁺ block, receptor kinetics) → ``synapse`` (spine calcium,
plasticity rules, protocols) → ``study`` (the default study and its report).
A lower scale never imports a higher one.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("magsynapse")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = ["__version__"]
