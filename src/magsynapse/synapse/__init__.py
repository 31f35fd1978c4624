"""Synapse: spine calcium, plasticity rules and protocols (MODEL.md §3–§5).

>>> from magsynapse.synapse import stdp
>>> ds = stdp([10.0], mg=1.0)
>>> round(float(ds.change.sel(mg=1.0, dt=10.0)), 3)
1.221
"""

from .calcium import CALCIUM_MODELS, c_pre_effective, calcium_trace
from .params import BISTABLE_SETS, LINEAR_CALCIUM, NMDA_VOLTAGE, OMEGA_ETA
from .protocols import (
    Protocol,
    efficacy,
    frequency,
    frequency_protocol,
    natural_calcium,
    pairing,
    pairing_protocol,
    run_protocol,
    run_with_mg,
    snr,
    stdp,
    stdp_protocol,
    theta_burst,
    theta_burst_protocol,
)
from .rules import RULES, eta, gb_change, gb_transition_probabilities, omega

__all__ = [
    "BISTABLE_SETS",
    "CALCIUM_MODELS",
    "LINEAR_CALCIUM",
    "NMDA_VOLTAGE",
    "OMEGA_ETA",
    "RULES",
    "Protocol",
    "c_pre_effective",
    "calcium_trace",
    "efficacy",
    "eta",
    "frequency",
    "frequency_protocol",
    "gb_change",
    "gb_transition_probabilities",
    "natural_calcium",
    "omega",
    "pairing",
    "pairing_protocol",
    "run_protocol",
    "run_with_mg",
    "snr",
    "stdp",
    "stdp_protocol",
    "theta_burst",
    "theta_burst_protocol",
]
