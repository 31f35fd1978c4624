"""Synapse: spine calcium, plasticity rules and protocols (docs/specification.md §3–§5).

* :mod:`.calcium` — calcium models (objects in :data:`CALCIUM_MODELS`);
* :mod:`.rules` — plasticity rules (objects in :data:`RULES`);
* :mod:`.protocols` — builders of stimulation protocols;
* :mod:`.runner` — one batched call over protocol × conditions × parameter sets;
* :mod:`.api` — the public protocol functions (``stdp``, ``frequency``, ``pairing``,
  ``theta_burst``);
* :mod:`.snr` — the calcium signal-to-noise of Slutsky et al. 2004;
* :mod:`.kernels` — the compiled loops.

>>> from magsynapse.synapse import stdp
>>> ds = stdp([10.0], mg=1.0)
>>> round(float(ds.change.sel(mg=1.0, dt=10.0)), 3)
1.221
"""

from .api import frequency, pairing, stdp, theta_burst
from .calcium import CALCIUM_MODELS, c_pre_effective, calcium_trace, natural_calcium
from .params import BISTABLE_SETS, LINEAR_CALCIUM, NMDA_VOLTAGE, OMEGA_ETA
from .protocols import (
    Protocol,
    frequency_protocol,
    pairing_protocol,
    stdp_protocol,
    theta_burst_protocol,
)
from .rules import RULES, Rule, eta, gb_change, gb_transition_probabilities, omega
from .runner import efficacy, run_protocol
from .snr import snr

__all__ = [
    "BISTABLE_SETS",
    "CALCIUM_MODELS",
    "LINEAR_CALCIUM",
    "NMDA_VOLTAGE",
    "OMEGA_ETA",
    "RULES",
    "Protocol",
    "Rule",
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
    "snr",
    "stdp",
    "stdp_protocol",
    "theta_burst",
    "theta_burst_protocol",
]
