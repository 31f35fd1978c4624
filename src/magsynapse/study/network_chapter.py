"""Chapter 3 of the default study: networks."""

from __future__ import annotations

from pathlib import Path

from ..i18n import _
from ..network import load_config, simulate_network
from ..network.phenomena import (
    EVENT_THRESHOLD,
    PERSISTENCE_MARGIN,
    hyperexcitability,
    memory,
    signal_to_noise,
)
from ..network.plot import (
    plot_hyperexcitability,
    plot_memory,
    plot_network,
    plot_signal_to_noise,
)
from .common import PREDICTION, Plan, Report, Section, StepFn, fmt, write_result

STEPS = (
    "network MgNet",
    "network hyperexcitability",
    "network memory",
    "network signal-to-noise",
)


def network_chapter(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """MgNet at three [Mg]o, the low-Mg hyperexcitability of MgNet-AdEx, and the memory
    and signal-to-noise experiments on MgNet-Memory."""
    rep.heading(_("Chapter 3 — Networks: Mg²⁺-gated NMDA in a recurrent circuit"), anchor="network")
    rep.text(
        _(
            "MgNet: 1000 conductance-based LIF neurons, 80 % excitatory, "
            "AMPA, Mg-blocked NMDA and GABA_A synapses, Poisson drive and plastic E→E "
            "synapses with the DP rule on voltage-gated calcium. One batched call runs every "
            "[Mg]o; each replica is reproducible from its seed alone."
        )
    )
    T = f"{plan.network_T:g}"
    net = write_result(
        simulate_network(load_config("mgnet"), mg=[0.1, 1.0, 2.0], seed=seed, T=plan.network_T),
        out,
        "network_mgnet",
        rep,
    )
    rep.heading(_("MgNet at three [Mg]o"), 3, anchor="mgnet")
    rep.figure(
        plot_network(net),
        _("MgNet, {T} s at three [Mg]o ({prediction}).").format(T=T, prediction=PREDICTION),
        alt=_(
            "One row per [Mg]o: a spike raster of the first 200 neurons over time, and "
            "the excitatory and inhibitory population rates over time."
        ),
    )
    rep.table(
        [
            _("[Mg]o (mM)"),
            _("E rate (Hz)"),
            _("I rate (Hz)"),
            _("mean E→E ρ at {T} s").format(T=T),
            _("status"),
        ],
        [
            [
                f"{m:g}",
                fmt(float(net.rate_E.sel(mg=m)), 2),
                fmt(float(net.rate_I.sel(mg=m)), 2),
                fmt(float(net.rho_mean.sel(mg=m)), 4),
                PREDICTION,
            ]
            for m in net.mg.values
        ],
    )
    step("network MgNet")
    hyp = write_result(
        hyperexcitability("mgnet_adex", mg=list(plan.seizure_mg), seeds=[seed], T=plan.seizure_T),
        out,
        "network_seizures",
        rep,
    )
    rep.heading(_("Low [Mg]o: seizure-like events and excitotoxic load"), 3, anchor="seizures")
    rep.figure(
        plot_hyperexcitability(hyp),
        _(
            "MgNet-AdEx (spike-frequency adaptation, 1.5× NMDA): events are epochs with "
            "the E population rate above {threshold} Hz; the excitotoxic load "
            "integrates the NMDA calcium current above 30 pA ({prediction}). Mg-free "
            "medium causes seizure-like events in most hippocampal slices."
        ).format(threshold=f"{EVENT_THRESHOLD:g}", prediction=PREDICTION),
        alt=_(
            "Three panels against [Mg]o: the share of time in seizure-like events, the "
            "synchrony index χ and the excitotoxic load per E neuron."
        ),
    )
    step("network hyperexcitability")
    seeds = [seed + k for k in range(plan.memory_seeds)]
    mem = write_result(
        memory("mgnet_memory", mg=list(plan.memory_mg), seeds=seeds),
        out,
        "network_memory",
        rep,
    )
    rep.heading(_("Memory: an assembly learned, recalled and held"), 3, anchor="memory")
    rep.text(
        _(
            "MgNet cannot store anything: its E→E synapses start half potentiated and every "
            "postsynaptic spike lifts its calcium above θ_p, so background firing sets every "
            "efficacy to the same level within seconds. MgNet-Memory (built in, "
            "`mgnet_memory`) uses the hippocampal-slices calcium set, whose C_post lies "
            "below θ_d, so potentiation needs NMDA calcium from pre–post coincidence; every "
            "efficacy starts DOWN, and weak adaptation ends reverberation. 160 of the 800 E "
            "neurons are stimulated five times for 100 ms (encoding, plastic); then, with "
            "the efficacies frozen, half of them are cued for 150 ms. The recall score is the "
            "probability that an uncued assembly neuron fires more than another E neuron "
            "during the cue (0.5: chance); the persistent activity lasts while the assembly "
            "stays {margin} Hz above baseline after the cue."
        ).format(margin=f"{PERSISTENCE_MARGIN:g}")
    )
    rep.figure(
        plot_memory(mem),
        _(
            "Encoding, recall and persistent activity over [Mg]o, mean ± s.d. of {n} seeds "
            "({prediction}; grey: in at least one seed the learning spread to the whole "
            "network, which then runs away)."
        ).format(n=len(seeds), prediction=PREDICTION),
        alt=_(
            "Three panels against [Mg]o: the learned efficacy inside and outside the "
            "assembly, the recall score after encoding and untrained, and the duration of "
            "persistent activity after the cue."
        ),
    )
    rep.table(
        [
            _("[Mg]o (mM)"),
            _("ρ inside / outside"),
            _("recall ± s.d. (naive)"),
            _("persistent (s)"),
            _("runaway seeds"),
            _("status"),
        ],
        [
            [
                f"{m:g}",
                f"{float(r.rho_assembly.mean()):.3f} / {float(r.rho_other.mean()):.3f}",
                f"{float(r.recall.mean()):.3f} ± {float(r.recall.std()):.3f} "
                f"({float(r.recall_naive.mean()):.3f})",
                _("—") if bool(r.runaway.all()) else fmt(float(r.wm_duration.mean(skipna=True)), 3),
                _("{k} of {n}").format(k=int(r.runaway.sum()), n=r.sizes["seed"]),
                PREDICTION,
            ]
            for m in mem.mg.values
            for r in [mem.sel(mg=m)]
        ],
    )
    step("network memory")
    snr = write_result(
        signal_to_noise("mgnet_memory", mg=list(plan.snr_mg), seeds=[seed]),
        out,
        "network_snr",
        rep,
    )
    rep.heading(_("Signal-to-noise: correlated input against background"), 3, anchor="network-snr")
    rep.text(
        _(
            "Two groups of 100 E neurons get the same extra input rate for 2 s, one as a "
            "shared (synchronous) train, the other as independent trains. The potentiation "
            "signal of a synapse is the time its calcium spends above θ_p; the "
            "signal-to-noise is its ratio between the synchronous group's synapses and the "
            "background group's. Raising [Mg]o blocks the background's chance coincidences "
            "more than the synchronous ones, so the ratio rises while the signal itself "
            "shrinks; at low [Mg]o potentiation spreads and the network runs away."
        )
    )
    rep.figure(
        plot_signal_to_noise(snr),
        _("Synaptic calcium signal-to-noise ({prediction}).").format(prediction=PREDICTION),
        alt=_(
            "Three panels against [Mg]o: the fraction of time with calcium above θ_p at "
            "correlated-input and background synapses, their ratio, and the efficacies "
            "reached."
        ),
    )
    step("network signal-to-noise")


#: The chapter, one section.
SECTIONS = (Section(network_chapter, STEPS, 18),)
