"""Chapter 3 of the default study: networks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..network import load_config, simulate_network
from ..network.phenomena import EVENT_THRESHOLD, hyperexcitability
from ..network.plot import plot_hyperexcitability, plot_network
from .common import PREDICTION, Report, fmt, write_result

STEPS = ("network MgNet", "network hyperexcitability")


def network_chapter(rep: Report, out: Path, seed: int, step: Callable[[str], None]) -> None:
    """MgNet at three [Mg]o and the low-Mg hyperexcitability of MgNet-AdEx."""
    rep.heading("Chapter 3 — Networks: Mg²⁺-gated NMDA in a recurrent circuit")
    rep.text(
        "MgNet (MODEL.md §6): 1000 conductance-based LIF neurons, 80 % excitatory, "
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
        "medium causes seizure-like events in most hippocampal slices (MODEL.md §6).",
    )
    step("network hyperexcitability")
