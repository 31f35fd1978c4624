"""Networks: a fast spiking engine with Mg²⁺-gated NMDA and calcium-based plasticity
(docs/specification.md §6).
"""

from .config import NetworkConfig, load_config
from .simulate import Record, Stimulus, simulate_network
from .sweep import run_sweep

__all__ = ["NetworkConfig", "Record", "Stimulus", "load_config", "run_sweep", "simulate_network"]
