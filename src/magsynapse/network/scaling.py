"""How a fixed in-degree network's recurrent weights follow its in-degree.

A network file gives its weights at a reference in-degree K₀ (``[connectivity]
reference_in_degree``); at in-degree K they are scaled by the rule named in
``[connectivity] weight_scaling``, one of :data:`WEIGHT_SCALINGS`:

``mean``
    J = J₀ K₀/K. Every neuron's mean recurrent conductance is that at K₀, but its
    fluctuations shrink: K inputs of size J₀K₀/K have K₀/K times the variance of K₀
    inputs of size J₀. A conductance-based network driven by its fluctuations then fires
    less as K grows.
``mean_and_variance``
    J = J₀ √(K₀/K), the scaling of van Albada, Helias & Diesmann (2015, PLoS Comput Biol
    11:e1004490): K inputs of size J₀√(K₀/K) have the variance of K₀ inputs of size J₀
    (for sources firing independently at the same rates), and a constant conductance per
    receptor and target population removes the excess mean,

        g_tonic = ν τ J₀ (k₀ − k √(K₀/K))   (negative for K > K₀),

    with k and k₀ the inputs from the source population at K and K₀, ν its rate at K₀
    (``[connectivity] reference_rate_E`` and ``reference_rate_I``, measured on the
    reference network), τ the charge time of the receptor's conductance per unit weight
    (τ_AMPA, τ_GABA, the NMDA decay τ_d) and, for the plastic E→E NMDA synapses, J₀ taken
    at the initial efficacy ρ₀. Mean and variance of every recurrent conductance are then
    those at K₀, exactly when the sources fire at the reference rates; the compensation is
    computed for those rates, so at other conditions ([Mg]o, efficacies that have moved)
    it is approximate, as in the original.

>>> [WEIGHT_SCALINGS[name].factor(400, 100) for name in WEIGHT_SCALINGS]
[0.25, 0.5]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from ..provenance import Registry


@dataclass(frozen=True)
class Tonic:
    """Constant conductances (nS) onto excitatory (``_e``) and inhibitory (``_i``)
    neurons, per receptor: AMPA and GABA_A as their synaptic conductances, NMDA behind the
    Mg²⁺ block."""

    ampa_e: float = 0.0
    nmda_e: float = 0.0
    gaba_e: float = 0.0
    ampa_i: float = 0.0
    nmda_i: float = 0.0
    gaba_i: float = 0.0


#: The fields of :class:`Tonic` (``ampa_e`` … ``gaba_i``).
TONIC_FIELDS = tuple(f.name for f in fields(Tonic))


@dataclass(frozen=True)
class Inputs:
    """What the compensation of one network needs: inputs per neuron from the excitatory
    and inhibitory populations at in-degree K (``k_exc``, ``k_inh``) and at the reference
    (``k0_exc``, ``k0_inh``); the scaled weights (nS) as the engine uses them; the charge
    times (ms) of AMPA, NMDA and GABA_A per unit weight; the initial efficacy of the E→E
    NMDA synapses; the sources' rates at the reference (Hz)."""

    k_exc: int
    k_inh: int
    k0_exc: int
    k0_inh: int
    w_ee_ampa: float
    w_ee_nmda: float
    w_ei_ampa: float
    w_ei_nmda: float
    w_ie_gaba: float
    w_ii_gaba: float
    tau_ampa: float
    tau_nmda: float
    tau_gaba: float
    rho0: float
    rate_e: float
    rate_i: float


class WeightScaling:
    """A rule for the recurrent weights at in-degree K given those at K₀."""

    def factor(self, k: int, k0: int) -> float:
        """Factor on every recurrent weight."""
        raise NotImplementedError

    def tonic(self, x: Inputs) -> Tonic:
        """Constant conductances that go with the scaled weights (none by default)."""
        return Tonic()

    #: Whether :meth:`tonic` needs the sources' rates at the reference.
    needs_rates = False


WEIGHT_SCALINGS: Registry[WeightScaling] = Registry("weight scaling")


class MeanScaling(WeightScaling):
    """J = J₀ K₀/K: the mean recurrent conductance is kept, its variance falls as K₀/K."""

    def factor(self, k: int, k0: int) -> float:
        return k0 / k


class MeanAndVarianceScaling(WeightScaling):
    """J = J₀ √(K₀/K) and a constant conductance per receptor and target population
    restoring the mean at the reference rates (van Albada et al. 2015; see the module).

    >>> s = MeanAndVarianceScaling()
    >>> x = Inputs(800, 200, 80, 20, *[0.5 * s.factor(1000, 100)] * 4,
    ...            *[4.0 * s.factor(1000, 100)] * 2, 2.0, 100.0, 10.0, 0.5, 6.0, 16.0)
    >>> mean_k = 200 * x.w_ie_gaba * 16e-3 * 10.0  # k J ν τ: mean GABA conductance at K
    >>> round(mean_k + s.tonic(x).gaba_e, 9), 20 * 4.0 * 16e-3 * 10.0  # = k₀ J₀ ν τ
    (12.8, 12.8)
    """

    needs_rates = True

    def factor(self, k: int, k0: int) -> float:
        return math.sqrt(k0 / k)

    def tonic(self, x: Inputs) -> Tonic:
        k, k0 = x.k_exc + x.k_inh, x.k0_exc + x.k0_inh
        f = self.factor(k, k0)
        # ν τ (k₀ J₀ − k J) with J₀ = J/f; rates in Hz, times in ms: ν τ / 1000
        e = x.rate_e / 1000.0 * (x.k0_exc / f - x.k_exc)
        i = x.rate_i / 1000.0 * (x.k0_inh / f - x.k_inh)
        return Tonic(
            ampa_e=e * x.tau_ampa * x.w_ee_ampa,
            nmda_e=e * x.tau_nmda * x.w_ee_nmda * x.rho0,
            gaba_e=i * x.tau_gaba * x.w_ie_gaba,
            ampa_i=e * x.tau_ampa * x.w_ei_ampa,
            nmda_i=e * x.tau_nmda * x.w_ei_nmda,
            gaba_i=i * x.tau_gaba * x.w_ii_gaba,
        )


WEIGHT_SCALINGS.register("mean", MeanScaling())
WEIGHT_SCALINGS.register("mean_and_variance", MeanAndVarianceScaling())
