"""The contract every plasticity rule implements, and the registry that holds them.

A rule is an object registered by name in :data:`RULES`. It carries its parameters (with
sources), its compiled kernels and its references, and it turns the calcium that the
synapse layer computed for every condition into the rule's readout. Both the protocol
runner (:mod:`magsynapse.synapse.runner`) and the network engine read rules only through
this contract, so a new rule is one new module that subclasses :class:`Rule` and calls
``RULES.register``.

What a rule provides
--------------------
``step`` (optional)
    A ``numba.cfunc`` with :data:`magsynapse.synapse.kernels.STEP_SIGNATURE`: the weight
    after ``h`` ms at (constant) calcium ``ca``. The stepped calcium kernel integrates it
    alongside the calcium; :meth:`step_parameters` gives its parameter rows.
``needs_segments``
    Whether the rule reads the threshold segments of the calcium (the bistable rule);
    the calcium model then records them (exactly, for linear calcium).
``evaluate``
    The readout: from the prepared calcium of every condition to result variables,
    always including ``change`` (after/before, 1 = no change).
``network``
    Optional :class:`NetworkRule`: a compiled advance of the efficacy over a stretch of
    exponentially decaying calcium, which is all the event-driven network engine needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import MagsynapseError
from ...provenance import ParameterSet, Registry

if TYPE_CHECKING:  # pragma: no cover
    from ..runner import Prepared

#: Readout methods a rule may support.
METHODS = ("analytic", "stochastic")


@dataclass(frozen=True)
class NetworkRule:
    """What the network engine needs of a rule.

    Attributes
    ----------
    advance : numba cfunc or None
        ``rho_new = advance(rho, c0, length, tau_ca, params)``
        (:data:`magsynapse.synapse.kernels.ADVANCE_SIGNATURE`): the efficacy after
        ``length`` ms during which calcium decays from ``c0`` with time constant
        ``tau_ca`` (ms) and no event arrives. None for the bistable rule, which the engine
        integrates with its own inlined path (noise, threshold diagnostics and a
        noise-free fast path need more than this signature).
    parameters : callable
        ``parameters(calcium_set, tau_s)`` → 1-D float array read by ``advance``, from the
        network's calcium set (c_pre, c_post, tau_ca, thresholds) and the efficacy time
        scale τ_ρ (s) of the network configuration.
    """

    advance: Any
    parameters: Callable[[ParameterSet, float], np.ndarray]


class Rule:
    """Base class of plasticity rules (see the module docstring for the contract).

    Attributes
    ----------
    name : str
        Registry name.
    description : str
        One line with the rule's source.
    references : frozenset of str
        Keys of :mod:`magsynapse.references`.
    methods : tuple of str
        Readout methods the rule supports (``"analytic"``, ``"stochastic"``).
    needs_segments : bool
        Whether :meth:`evaluate` reads the threshold segments of the calcium.
    step : numba cfunc or None
        Compiled weight step for the stepped calcium.
    network : NetworkRule or None
        Event-driven form for the network engine.
    """

    name: str = ""
    description: str = ""
    references: frozenset[str] = frozenset()
    methods: tuple[str, ...] = ("analytic",)
    needs_segments: bool = False
    step: Any = None
    network: NetworkRule | None = None

    def parameter_sets(self, calcium: str) -> list[ParameterSet]:
        """The rule's own parameter sets used with ``calcium`` (for provenance)."""
        return []

    def uses_bistable_sets(self, calcium: str) -> bool:
        """Whether the bistable sets of a run are parameters of this rule (else they only
        give linear calcium amplitudes)."""
        return False

    def step_parameters(self, prep: Prepared) -> np.ndarray:
        """Rows (one per flat condition) of the parameters ``step`` reads; column 0 is
        the initial weight."""
        return np.zeros((prep.n_conditions, 1))

    def evaluate(
        self, prep: Prepared, *, method: str, reps: int, seed: int | None, progress: bool
    ) -> dict[str, np.ndarray]:  # pragma: no cover - abstract
        """The rule's readout for every flat condition (1-D arrays, or 2-D per synapse)."""
        raise NotImplementedError

    def check_method(self, method: str) -> None:
        """A one-line error unless ``method`` is one of the rule's readouts."""
        if method not in METHODS:
            raise MagsynapseError(f"method: unknown {method!r}; accepted: {', '.join(METHODS)}")
        if method not in self.methods:
            kind = "is deterministic" if method == "stochastic" else f"has no {method} readout"
            raise MagsynapseError(
                f"method: the {self.name} rule {kind}; accepted: {', '.join(self.methods)}"
            )

    def __repr__(self) -> str:
        return f"<rule {self.name}: {self.description}>"


RULES: Registry[Rule] = Registry("plasticity rule")
