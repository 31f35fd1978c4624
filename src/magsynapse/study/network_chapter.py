"""Chapter 3 of the default study: networks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
from .common import PREDICTION, Report, fmt, write_result

STEPS = (
    "network MgNet",
    "network hyperexcitability",
    "network memory",
    "network signal-to-noise",
)


def network_chapter(rep: Report, out: Path, seed: int, step: Callable[[str], None]) -> None:
    """MgNet at three [Mg]o, the low-Mg hyperexcitability of MgNet-AdEx, and the memory
    and signal-to-noise experiments on MgNet-Memory."""
    rep.heading("Chapter 3 — Networks: Mg²⁺-gated NMDA in a recurrent circuit")
    rep.text(
        "MgNet (docs/specification.md §6): 1000 conductance-based LIF neurons, 80 % excitatory, "
        "AMPA, Mg-blocked NMDA and GABA_A synapses, Poisson drive and plastic E→E "
        "synapses with the DP rule on voltage-gated calcium. One batched call runs every "
        "[Mg]o; each replica is reproducible from its seed alone."
    )
    net = write_result(
        simulate_network(load_config("mgnet"), mg=[0.1, 1.0, 2.0], seed=seed, T=1.0),
        out,
        "network_mgnet",
        rep,
    )
    rep.figure(plot_network(net), f"MgNet, 1 s at three [Mg]o ({PREDICTION}).")
    rep.table(
        ["[Mg]o (mM)", "E rate (Hz)", "I rate (Hz)", "mean E→E ρ at 1 s", "status"],
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
        hyperexcitability("mgnet_adex", mg=[0.0, 0.1, 0.2, 0.5, 1.0, 2.0], seeds=[seed], T=3.0),
        out,
        "network_seizures",
        rep,
    )
    rep.heading("Low [Mg]o: seizure-like events and excitotoxic load", 3)
    rep.figure(
        plot_hyperexcitability(hyp),
        f"MgNet-AdEx (spike-frequency adaptation, 1.5× NMDA): events are epochs with "
        f"the E population rate above {EVENT_THRESHOLD:g} Hz; the excitotoxic load "
        f"integrates the NMDA calcium current above 30 pA ({PREDICTION}). Mg-free "
        "medium causes seizure-like events in most hippocampal slices (docs/specification.md §6).",
    )
    step("network hyperexcitability")
    mem = write_result(
        memory("mgnet_memory", mg=[0.6, 0.7, 0.8, 1.0, 1.25, 1.5, 2.0], seeds=[seed, seed + 1]),
        out,
        "network_memory",
        rep,
    )
    rep.heading("Memory: an assembly learned, recalled and held", 3)
    rep.text(
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
        f"stays {PERSISTENCE_MARGIN:g} Hz above baseline after the cue."
    )
    rep.figure(
        plot_memory(mem),
        f"Encoding, recall and persistent activity over [Mg]o, mean ± s.d. of two seeds "
        f"({PREDICTION}; grey: in at least one seed the learning spread to the whole "
        "network, which then runs away).",
    )
    rep.table(
        [
            "[Mg]o (mM)",
            "ρ inside / outside",
            "recall ± s.d. (naive)",
            "persistent (s)",
            "runaway seeds",
            "status",
        ],
        [
            [
                f"{m:g}",
                f"{float(r.rho_assembly.mean()):.3f} / {float(r.rho_other.mean()):.3f}",
                f"{float(r.recall.mean()):.3f} ± {float(r.recall.std()):.3f} "
                f"({float(r.recall_naive.mean()):.3f})",
                "—" if bool(r.runaway.all()) else fmt(float(r.wm_duration.mean(skipna=True)), 3),
                f"{int(r.runaway.sum())} of {r.sizes['seed']}",
                PREDICTION,
            ]
            for m in mem.mg.values
            for r in [mem.sel(mg=m)]
        ],
    )
    step("network memory")
    snr = write_result(
        signal_to_noise("mgnet_memory", mg=[0.3, 0.5, 0.7, 1.0, 1.5, 2.0], seeds=[seed]),
        out,
        "network_snr",
        rep,
    )
    rep.heading("Signal-to-noise: correlated input against background", 3)
    rep.text(
        "Two groups of 100 E neurons get the same extra input rate for 2 s, one as a "
        "shared (synchronous) train, the other as independent trains. The potentiation "
        "signal of a synapse is the time its calcium spends above θ_p; the "
        "signal-to-noise is its ratio between the synchronous group's synapses and the "
        "background group's. Raising [Mg]o blocks the background's chance coincidences "
        "more than the synchronous ones, so the ratio rises while the signal itself "
        "shrinks; at low [Mg]o potentiation spreads and the network runs away."
    )
    rep.figure(plot_signal_to_noise(snr), f"Synaptic calcium signal-to-noise ({PREDICTION}).")
    step("network signal-to-noise")
