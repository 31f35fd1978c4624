"""Network backends: what a backend implements (:mod:`.base`) and the registered ones.

``numba_cpu`` (:mod:`.numba_cpu`) is the default. Another backend subclasses
:class:`Backend` and registers itself with ``@BACKENDS.register(name)``.
"""

from .base import (
    BACKENDS,
    STIM_DTYPE,
    Backend,
    Connectivity,
    Replica,
    ReplicaResult,
    RuleKernel,
    RunPlan,
    Stimuli,
    get_backend,
)
from .numba_cpu import NumbaCPU

__all__ = [
    "BACKENDS",
    "STIM_DTYPE",
    "Backend",
    "Connectivity",
    "NumbaCPU",
    "Replica",
    "ReplicaResult",
    "RuleKernel",
    "RunPlan",
    "Stimuli",
    "get_backend",
]
