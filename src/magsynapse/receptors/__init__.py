"""Receptors: the NMDA-receptor Mg²⁺ block and receptor kinetics (docs/specification.md §1–§2).

>>> from magsynapse.receptors import block
>>> round(float(block(-60.0, 1.0)), 4)
0.0796
"""

from .block import (
    BLOCK_MODELS,
    SUBUNITS,
    AscherNowakKinetic,
    BlockModel,
    block,
    block_curves,
    get_block_model,
    half_unblock_voltage,
)
from .kinetics import (
    RECEPTORS,
    ampa_open_fraction,
    gaba_a_conductance,
    nmda_conductance,
    nmda_kernel,
)

__all__ = [
    "BLOCK_MODELS",
    "RECEPTORS",
    "SUBUNITS",
    "AscherNowakKinetic",
    "BlockModel",
    "ampa_open_fraction",
    "block",
    "block_curves",
    "gaba_a_conductance",
    "get_block_model",
    "half_unblock_voltage",
    "nmda_conductance",
    "nmda_kernel",
]
