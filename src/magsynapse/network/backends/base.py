"""What a network backend is given and what it returns, and the registry of backends.

A backend builds the random connectivity of a network and runs replicas of it: one
:class:`Replica` each (its network, parameter record :data:`..params.PARAM_DTYPE`, [Mg]o
series, initial state and random stream), one :class:`RunPlan` (how long, what to
record), one :class:`Stimuli` table and the plasticity rule's :class:`RuleKernel`. It returns one
:class:`ReplicaResult` of raw arrays per replica; turning those into datasets is the
caller's (:mod:`..simulate`). Units inside a backend: ms, mV, nS, pA, pF.

A backend registers itself by name in :data:`BACKENDS`; :func:`get_backend` looks it up.

>>> sorted(BACKENDS)
['numba_cpu']
>>> get_backend("numba_cpu").name
'numba_cpu'
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, NamedTuple

import numpy as np

from ...provenance import Registry

#: One stimulus window (a row of :attr:`Stimuli.table`).
STIM_DTYPE = np.dtype(
    [
        ("start", np.float64),  # ms, window start (inclusive)
        ("stop", np.float64),  # ms, window end (exclusive)
        ("lam", np.float64),  # mean input spikes per step per neuron (Poisson λ)
        ("weight", np.float64),  # nS, AMPA jump per input spike
        ("correlated", np.bool_),  # one draw per step shared by the group
    ],
    align=True,
)


#: Neurons per block. A network's neurons are split into consecutive blocks of this size
#: (the last one shorter); a block is the unit of work one thread takes within a step and
#: owns its random stream, so a replica's numbers do not depend on how many threads run it.
BLOCK = 1024


def n_blocks(n: int) -> int:
    """Blocks of a network of ``n`` neurons.

    >>> n_blocks(1000), n_blocks(1024), n_blocks(10000)
    (1, 1, 10)
    """
    return max(1, -(-n // BLOCK))


class Wiring(NamedTuple):
    """How a network is connected: every ordered pair independently with probability
    ``p`` (``k_exc = k_inh = 0``), or exactly ``k_exc`` excitatory and ``k_inh``
    inhibitory inputs onto every neuron, drawn without replacement; never autapses."""

    p: float
    k_exc: int = 0
    k_inh: int = 0

    @property
    def fixed_in_degree(self) -> bool:
        return self.k_exc + self.k_inh > 0


class Connectivity(NamedTuple):
    """A network's connections, CSR by presynaptic neuron.

    Kinds (``out_kind``): 0 E→E (plastic, index in ``out_syn``), 1 E→I, 2 I→E, 3 I→I.
    Plastic E→E synapses are numbered in presynaptic order, so that a spike's synapses are
    contiguous; ``in_ptr``/``in_syn`` list those onto each neuron. Each row's targets are
    in increasing order, so the connections of neuron j onto the neurons of block b
    (:data:`BLOCK` neurons each) are ``out_block[j, b]`` to ``out_block[j, b + 1]``.
    """

    out_ptr: np.ndarray  #: (N + 1,) int64, row pointers
    out_post: np.ndarray  #: (M,) int32, postsynaptic neuron of each connection
    out_kind: np.ndarray  #: (M,) int8, kind of each connection
    out_syn: np.ndarray  #: (M,) int32, plastic synapse index (E→E) or −1
    ee_pre: np.ndarray  #: (S,) int32, presynaptic neuron of each plastic synapse
    ee_post: np.ndarray  #: (S,) int32, postsynaptic neuron of each plastic synapse
    in_ptr: np.ndarray  #: (N + 1,) int64, row pointers of the synapses onto each neuron
    in_syn: np.ndarray  #: (S,) int32, plastic synapses sorted by postsynaptic neuron
    out_block: np.ndarray  #: (N, n_blocks + 1) int64, where each row's block b begins


class Replica(NamedTuple):
    """One replica: its network and everything that differs between replicas."""

    net: Connectivity
    q: np.void  #: its parameter record (:data:`..params.PARAM_DTYPE`)
    mg_t: np.ndarray  #: [Mg]o in mM, one value or one per step
    v0: np.ndarray  #: (N,) initial membrane potentials, mV
    rho0: np.ndarray  #: (S,) initial E→E efficacies
    key: np.uint64  #: root key of the replica's random stream


class RuleKernel(NamedTuple):
    """The plasticity rule's compiled network form, shared by the replicas of a run."""

    advance: Any  #: cfunc with ADVANCE_SIGNATURE (a no-op when the rule is built in)
    params: np.ndarray  #: float64 parameter vector ``advance`` reads


class RunPlan(NamedTuple):
    """How long a batch runs and what it records (in steps)."""

    n_steps: int  #: steps of ``dt``
    bin_steps: int  #: steps per bin of the population spike counts
    spikes: bool  #: record every spike
    rho_steps: np.ndarray  #: int64, sorted steps after which the mean efficacy is reduced


class Stimuli(NamedTuple):
    """Extra Poisson input onto AMPA: windows and the neurons each one drives."""

    table: np.ndarray  #: (n_stim,) of :data:`STIM_DTYPE`
    mask: np.ndarray  #: (n_stim, N) uint8, 1 where a neuron is stimulated


class ReplicaResult(NamedTuple):
    """The raw arrays of one replica (times in ms)."""

    spike_t: np.ndarray  #: spike times, ms (empty unless spikes are recorded)
    spike_i: np.ndarray  #: int32 neuron of each spike
    counts: np.ndarray  #: (n_bins, 2) spikes of the E and I populations per bin
    rho: np.ndarray  #: (S,) final efficacies
    rho_samples: np.ndarray  #: mean efficacy at ``RunPlan.rho_steps``
    v: np.ndarray  #: (N,) final membrane potentials
    overflow: bool  #: the spike buffer was too small
    ca_load: np.ndarray  #: (N,) NMDA calcium current above the damage threshold, pA ms
    ca_pre: np.ndarray  #: (S,) summed presynaptic calcium jumps (diagnostics), else empty
    state: np.ndarray  #: (S, 3 or 5) calcium, time of update, ρ[, ms above θ_d, θ_p]


class Backend(ABC):
    """A way to run networks: connectivity and replicas, numbers in and arrays out.

    Same inputs must give the same results, whatever the batch a replica runs in.
    """

    name: ClassVar[str]

    @abstractmethod
    def connectivity(
        self, n: int, n_exc: int, wiring: Wiring, key: int, threads: int = 1
    ) -> Connectivity:
        """Random connectivity of ``n`` neurons (the first ``n_exc`` excitatory) as
        ``wiring`` says, drawn from ``key``, built on up to ``threads`` threads (the same
        on any number)."""

    @abstractmethod
    def run(
        self,
        replicas: Sequence[Replica],
        plan: RunPlan,
        stimuli: Stimuli,
        rule: RuleKernel,
        threads: int,
        progress: Callable[[int], None] | None = None,
    ) -> list[ReplicaResult]:
        """Run every replica (with its own parameter record), up to ``threads`` at once;
        ``progress``, if given, is called from time to time (in the calling thread) with
        the time steps done so far, summed over the replicas."""


#: The registered backends (classes), by name.
BACKENDS: Registry[type[Backend]] = Registry("network backend")


def get_backend(name: str) -> Backend:
    """The backend registered as ``name`` (a one-line error lists the accepted names).

    >>> get_backend("gpu")
    Traceback (most recent call last):
    ...
    magsynapse.errors.MagsynapseError: unknown network backend 'gpu'; accepted: numba_cpu
    """
    return BACKENDS[name]()
