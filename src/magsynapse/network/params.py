"""The per-replica parameters a network backend reads: one typed record, one table.

:data:`PARAMETERS` declares every field once (name, type, unit, meaning);
:data:`PARAM_DTYPE` is the numpy structured dtype built from it, and compiled kernels
read a record of it by field name (``q.tau_ca``). :func:`parameter_record` fills one from
a configuration. [Mg]o is not a parameter: it may change every step (a replica's series).

>>> from magsynapse.network import load_config
>>> q = parameter_record(load_config("mgnet"))
>>> float(q["tau"]), bool(q["plastic"]), int(q["n_exc"])
(15000.0, True, 800)
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import MagsynapseError
from ..receptors import RECEPTORS, get_block_model
from ..synapse.calcium import default_f_2b, nmda_charge
from ..synapse.params import BISTABLE_SETS
from ..synapse.rules import RULES
from .config import NetworkConfig
from .scaling import TONIC_FIELDS

F64, I64, BOOL = np.float64, np.int64, np.bool_

#: (name, type, unit, meaning) of every field of the parameter record.
PARAMETERS: tuple[tuple[str, type, str, str], ...] = (
    # neurons
    ("dt", F64, "ms", "time step"),
    ("c_m", F64, "pF", "membrane capacitance"),
    ("g_l", F64, "nS", "leak conductance"),
    ("e_l", F64, "mV", "leak reversal"),
    ("v_th", F64, "mV", "spike threshold"),
    ("v_reset", F64, "mV", "reset potential"),
    ("n_ref", I64, "steps", "refractory period"),
    ("adex", BOOL, "", "AdEx neurons (else LIF)"),
    ("delta_t", F64, "mV", "AdEx slope factor"),
    ("v_t", F64, "mV", "AdEx exponential threshold"),
    ("a", F64, "nS", "AdEx subthreshold adaptation"),
    ("b", F64, "pA", "AdEx spike-triggered adaptation"),
    ("tau_w", F64, "ms", "AdEx adaptation time constant"),
    ("n_exc", I64, "", "excitatory neurons (indices below are E)"),
    # channels
    ("e_exc", F64, "mV", "excitatory reversal"),
    ("e_inh", F64, "mV", "inhibitory reversal"),
    ("decay_ampa", F64, "1", "AMPA conductance factor per step, exp(−dt/τ_AMPA)"),
    ("decay_gaba", F64, "1", "GABA conductance factor per step, exp(−dt/τ_GABA)"),
    ("decay_nmda_d", F64, "1", "NMDA decay accumulator factor per step, exp(−dt/τ_d)"),
    ("decay_nmda_r", F64, "1", "NMDA rise accumulator factor per step, exp(−dt/τ_r)"),
    ("nmda_scale", F64, "1", "NMDA dual-exponential factor τ_d/(τ_d − τ_r)"),
    ("block_k", F64, "mM", "Mg block 1/(1 + [Mg]o/K exp(−a V)): K at 0 mV"),
    ("block_a", F64, "1/mV", "Mg block voltage dependence a"),
    ("f_ca", F64, "1", "fraction of the NMDA current carried by calcium"),
    ("load_thr", F64, "pA", "damage threshold of the NMDA calcium current"),
    # drive
    ("lam", F64, "1", "external Poisson input spikes per step per neuron (λ)"),
    ("w_drive", F64, "nS", "AMPA jump per external input spike"),
    ("g_tonic", F64, "nS", "tonic excitatory conductance"),
    # constant conductances of a weight scaling (network.scaling), per target population
    ("tonic_ampa_e", F64, "nS", "constant AMPA conductance onto E cells"),
    ("tonic_nmda_e", F64, "nS", "constant NMDA conductance onto E cells (Mg²⁺-blocked)"),
    ("tonic_gaba_e", F64, "nS", "constant GABA_A conductance onto E cells"),
    ("tonic_ampa_i", F64, "nS", "constant AMPA conductance onto I cells"),
    ("tonic_nmda_i", F64, "nS", "constant NMDA conductance onto I cells (Mg²⁺-blocked)"),
    ("tonic_gaba_i", F64, "nS", "constant GABA_A conductance onto I cells"),
    # connections
    ("w_ee_ampa", F64, "nS", "E→E AMPA weight"),
    ("w_ee_nmda", F64, "nS", "E→E NMDA weight at ρ = 1"),
    ("w_ei_ampa", F64, "nS", "E→I AMPA weight"),
    ("w_ei_nmda", F64, "nS", "E→I NMDA weight"),
    ("w_ie_gaba", F64, "nS", "I→E GABA weight"),
    ("w_ii_gaba", F64, "nS", "I→I GABA weight"),
    # plasticity (the synapse layer's calcium-based rule)
    ("plastic", BOOL, "", "E→E efficacies evolve"),
    ("c_pre", F64, "1", "calcium jump per presynaptic spike (before the block)"),
    ("c_post", F64, "1", "calcium jump per postsynaptic spike"),
    ("tau_ca", F64, "ms", "calcium decay time constant"),
    ("theta_d", F64, "1", "depression threshold"),
    ("theta_p", F64, "1", "potentiation threshold"),
    ("gamma_d", F64, "1", "depression rate (per τ)"),
    ("gamma_p", F64, "1", "potentiation rate (per τ)"),
    ("sigma", F64, "1", "noise amplitude of ρ"),
    ("tau", F64, "ms", "efficacy time constant"),
    ("rho_star", F64, "1", "unstable fixed point of the cubic"),
    ("vgate", BOOL, "", "presynaptic calcium jump gated by the NMDA block at the post V"),
    ("gap_pd", F64, "ms", "τ_Ca ln(θ_p/θ_d): time above θ_d minus time above θ_p"),
    ("fast", BOOL, "", "noise-free with θ_d < θ_p: one logarithm per calcium decay"),
    ("decay_gap", F64, "1", "linear factor of ρ over gap_pd above θ_d only"),
    ("diag", BOOL, "", "record time above thresholds and presynaptic calcium"),
    ("builtin_rule", BOOL, "", "the bistable rule's inlined path (else the rule's advance)"),
)

#: The structured dtype of a parameter record (aligned; one field per PARAMETERS row).
PARAM_DTYPE = np.dtype([(name, kind) for name, kind, _, _ in PARAMETERS], align=True)


#: The GluN2B share of the configuration's NMDA receptors (its τ_d holds at this share):
#: the synapse layer's default, Shouval's equal fast and slow components.
DEFAULT_F_2B = default_f_2b()


def parameter_record(
    cfg: NetworkConfig,
    *,
    diagnostics: bool = False,
    f_2b: float = DEFAULT_F_2B,
    drive: float = 1.0,
    atp: float = 1.0,
    strength: float = 1.0,
) -> np.void:
    """The backend parameters of ``cfg`` (one :data:`PARAM_DTYPE` record).

    Parameters
    ----------
    cfg : NetworkConfig
        A validated configuration.
    diagnostics : bool
        Plastic synapses also record their summed presynaptic calcium and their time
        above each threshold (costs memory and time).
    f_2b : float
        GluN2B share of the NMDA receptors. The NMDA decay is the charge-preserving single
        exponential of the subunit mixture, τ_d times the synapse layer's
        :func:`~magsynapse.synapse.calcium.nmda_charge` (f_2b) — the
        configuration's τ_d at the default share — and the presynaptic calcium jump of
        plastic synapses scales with the same charge.
    drive : float
        Relative presynaptic drive of excitatory recurrent synapses (release sites ×
        release probability, relative to the defaults): multiplies their AMPA and NMDA
        weights and the presynaptic calcium jump.
    atp : float
        Relative ATP availability: efficacy changes run at this rate (the efficacy time
        constant τ is divided by it). Only the bistable rule's inlined network path reads
        it.
    strength : float
        Relative postsynaptic strength of excitatory recurrent synapses (wake
        potentiation, sleep downscaling): multiplies their AMPA and NMDA weights, not the
        calcium jump.

    Returns
    -------
    numpy.void
        A record; fields by name (``q["tau_ca"]``), units as in :data:`PARAMETERS`.

    Examples
    --------
    >>> from magsynapse.network import load_config
    >>> q = parameter_record(load_config("mgnet"))
    >>> float(q["dt"]), bool(q["diag"]), int(q["n_ref"])
    (0.1, False, 20)
    """
    if not (math.isfinite(atp) and atp > 0):
        raise MagsynapseError(f"atp: must be > 0 (got {atp})")
    if not (math.isfinite(strength) and strength > 0):
        raise MagsynapseError(f"synaptic_strength: must be > 0 (got {strength})")
    builtin = RULES[cfg.plasticity.rule].network.advance is None
    if atp != 1.0 and not builtin:
        raise MagsynapseError(
            f"atp: the {cfg.plasticity.rule} rule's network form does not read ATP; "
            "use the bistable rule or leave atp at 1"
        )
    q = np.zeros(1, dtype=PARAM_DTYPE)[0]
    n, ch, cn, dr, pl = cfg.neuron, cfg.channels, cfg.connectivity, cfg.drive, cfg.plasticity
    dt = cfg.network.dt
    q["dt"] = dt
    q["c_m"], q["g_l"], q["e_l"] = n.C, n.g_L, n.E_L
    q["v_th"], q["v_reset"] = n.V_th, n.V_reset
    q["n_ref"] = round(n.t_ref / dt)
    q["adex"] = n.model == "adex"
    q["delta_t"], q["v_t"], q["a"], q["b"], q["tau_w"] = n.delta_T, n.V_T, n.a, n.b, n.tau_w
    q["n_exc"] = cfg.n_exc
    q["e_exc"], q["e_inh"] = ch.E_exc, ch.E_inh
    q["decay_ampa"] = math.exp(-dt / ch.tau_ampa)
    q["decay_gaba"] = math.exp(-dt / ch.tau_gaba)
    charge = float(nmda_charge(f_2b))
    tau_d = ch.tau_nmda_decay * charge
    if not tau_d > ch.tau_nmda_rise:
        raise MagsynapseError(
            f"f_2b: {f_2b:g} makes the NMDA decay ({tau_d:g} ms) no longer than its rise"
        )
    q["decay_nmda_d"] = math.exp(-dt / tau_d)
    q["decay_nmda_r"] = math.exp(-dt / ch.tau_nmda_rise)
    q["nmda_scale"] = tau_d / (tau_d - ch.tau_nmda_rise)
    q["block_k"], q["block_a"] = get_block_model(ch.block).boltzmann()
    q["f_ca"] = RECEPTORS["nmda_calcium"]["ca_fraction"]
    q["load_thr"] = cfg.recording.excitotoxic_threshold
    q["lam"] = dr.sources * dr.rate * dt / 1000.0
    q["w_drive"] = dr.weight
    q["g_tonic"] = dr.g_tonic
    scale = cfg.weight_scale  # the configuration's weights at its reference in-degree
    weight = drive * strength * scale
    q["w_ee_ampa"], q["w_ee_nmda"] = cn.w_ee_ampa * weight, cn.w_ee_nmda * weight
    q["w_ei_ampa"], q["w_ei_nmda"] = cn.w_ei_ampa * weight, cn.w_ei_nmda * weight
    q["w_ie_gaba"], q["w_ii_gaba"] = cn.w_ie_gaba * scale, cn.w_ii_gaba * scale
    tonic = cfg.tonic(tau_d, drive * strength)
    for name in TONIC_FIELDS:
        q["tonic_" + name] = getattr(tonic, name)
    s = BISTABLE_SETS[pl.set]
    q["plastic"] = pl.enabled
    q["c_pre"] = s["c_pre"] * pl.c_pre_scale * charge * drive
    q["c_post"], q["tau_ca"] = s["c_post"], s["tau_ca"]
    q["theta_d"], q["theta_p"] = s["theta_d"], s["theta_p"]
    q["gamma_d"], q["gamma_p"], q["rho_star"] = s["gamma_d"], s["gamma_p"], s["rho_star"]
    q["sigma"] = pl.sigma
    tau = pl.tau * 1000.0 / atp
    q["tau"] = tau
    q["vgate"] = pl.voltage_gated_pre
    q["gap_pd"] = s["tau_ca"] * math.log(s["theta_p"] / s["theta_d"])
    q["fast"] = pl.sigma == 0.0 and s["theta_d"] < s["theta_p"]
    q["decay_gap"] = math.exp(-s["gamma_d"] * q["gap_pd"] / tau)
    q["diag"] = diagnostics
    q["builtin_rule"] = builtin
    return q
