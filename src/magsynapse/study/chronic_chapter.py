"""Chapter 4 of the default study: weeks, not minutes (the slow layer and its sessions)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..chronic import experiments as ex
from ..chronic.plot import (
    plot_acute_chronic,
    plot_chronic,
    plot_decomposition,
    plot_depletion,
    plot_low_mg,
)
from ..network.phenomena import sleep
from ..network.plot import plot_sleep
from .common import PREDICTION, Report, cite, fmt, write_result

STEPS = (
    "chronic acute versus chronic",
    "chronic rat regimen",
    "chronic depletion",
    "chronic sleep",
    "chronic low-Mg states",
    "chronic decomposition",
)
PUBLISHED = "published"


def _band(da) -> str:
    """Median (5–95 %) over samples, or the value."""
    if "sample" not in da.dims:
        return fmt(float(da), 3)
    q = da.quantile([0.05, 0.5, 0.95], dim="sample").values
    return f"{q[1]:.3f} ({q[0]:.3f}–{q[2]:.3f})"


def chronic_chapter(rep: Report, out: Path, seed: int, step: Callable[[str], None]) -> None:
    """The chronic experiments of docs/chronic.md, each a figure and a table."""
    rep.heading("Chapter 4 — Weeks, not minutes: the slow layer")
    rep.text(
        "Acutely, higher brain [Mg]o blocks more NMDA current and the memory network learns "
        "less. Slutsky et al. (2004) proposed that neurons hold the calcium of "
        "uncorrelated background activity at a set point, and answer a chronic block by "
        "adding GluN2B-containing receptors and synapses. The slow layer "
        "(magsynapse.slow) integrates that homeostat, release sites that follow neuronal "
        "[Mg]i, Mg-ATP, an excitotoxic load and sleep over days, from the body model's "
        "[Mg]o and [Mg]i; at each session the memory network is built from the slow "
        "states. Every number below is a model prediction unless marked published; "
        "recall differences smaller than about 0.02 are within the network's "
        "seed-to-seed variability."
    )

    avc = write_result(ex.acute_versus_chronic(seed=seed), out, "chronic_acute_vs_chronic", rep)
    rep.heading("Acute versus chronic: brain [Mg]o held at 2 mM", 3)
    rep.figure(
        plot_acute_chronic(avc),
        "Rats, brain [Mg]o held at 2 mM from day 0 (control: the diet-only body, ≈ 1.06 "
        "mM). Left, middle: the treated arm's GluN2B share and release sites for three "
        "homeostat gains. Right: recall, treated minus control, mean of two network "
        f"seeds ({PREDICTION}). Day 0 is the acute block; later days add what the "
        "homeostat did.",
    )
    eff = avc.recall_effect
    rep.table(
        ["homeostat gain", *[f"day {s:g}" for s in avc.session.values], "status"],
        [
            [
                f"{g:g}",
                *[f"{float(eff.sel(gain=g, session=s)):+.3f}" for s in avc.session.values],
                PREDICTION,
            ]
            for g in avc.gain.values
        ],
    )
    best = eff.where(eff.session > 0).max()
    where = eff.where(eff == best, drop=True)
    sem = float(avc.recall_effect_sem.where(eff == best, drop=True).squeeze())
    rep.text(
        "The homeostat raises GluN2B and (through it) release sites until the background "
        "calcium is back at its set point, recovering the acute loss of recall within "
        "the time the gain sets. The largest chronic effect in the map is "
        f"{float(best):+.3f} (± {sem:.3f} s.e.m. over network seeds; gain "
        f"{float(where.gain[0]):g}, day {float(where.session[0]):g}): whether weeks at "
        "high [Mg]o leave recall above control is answered by comparing that number with "
        "its error."
    )
    step("chronic acute versus chronic")

    rat = write_result(
        ex.rat_regimen(samples=8, seed=seed, network_seeds=1), out, "chronic_rat_regimen", rep
    )
    rep.heading("The rat regimen: 604 mg/kg/day MgT for 28 days, young and aged", 3)
    rep.figure(
        plot_chronic(rat),
        f"Slutsky et al. (2010)'s regimen through the rat body model; median and 5–95 % "
        f"band of 8 prior samples ({PREDICTION}).",
    )
    last = rat.isel(session=-1)
    rows = []
    for age in rat.age.values:
        for arm in rat.arm.values:
            a = last.sel(age=age, arm=arm)
            rows.append(
                [
                    str(age),
                    str(arm),
                    _band(a.session_mg_o),
                    _band(a.session_f_2b),
                    _band(a.session_synapse_density),
                    _band(a.stdp_change.sel(dt=10.0)),
                    _band(a.recall.mean("network_seed")),
                    PREDICTION,
                ]
            )
    rep.table(
        [
            "age",
            "arm",
            "[Mg]o (mM)",
            "GluN2B share",
            "release sites",
            "STDP +10 ms",
            "recall",
            "status",
        ],
        rows,
    )
    rep.text(
        f"{PUBLISHED.capitalize()} ({cite('slutsky_2010')}): MgT raised CSF Mg by about "
        "7–15 %, raised synapse density and NR2B, lowered release probability and "
        "improved learning, more so in aged rats. The model reproduces the direction of "
        "release sites and release probability, and the lower baseline recall and LTP "
        f"of aged rats ({cite('clayton_2002')}), but not NR2B: more release sites raise "
        "the background calcium, and the homeostat answers by lowering GluN2B. Its "
        "effect on recall is within network noise."
    )
    step("chronic rat regimen")

    dep = write_result(ex.depletion(seed=seed), out, "chronic_depletion", rep)
    rep.heading("Depletion: brain Mg lowered as under oxaliplatin", 3)
    rep.figure(
        plot_depletion(dep),
        f"Rats, brain Mg × 0.75 from day 0 (serum and CSF free Mg 0.8 → 0.6 mM, "
        f"{cite('zhou_2021')}), alone and with MgT 604 mg/kg/day ({PREDICTION}).",
    )
    rows = []
    for sc in dep.scenario.values:
        d = dep.sel(scenario=sc)
        for s in d.session.values:
            rows.append(
                [
                    str(sc).replace("_", " + "),
                    f"{s:g}",
                    fmt(float(d.session_f_2b.sel(arm="treated", session=s)), 3),
                    f"{float(d.recall.sel(arm='treated', session=s).mean()):.3f} vs "
                    f"{float(d.recall.sel(arm='control', session=s).mean()):.3f}",
                    PREDICTION,
                ]
            )
    rep.table(["scenario", "day", "GluN2B share", "recall (vs control)", "status"], rows)
    rep.text(
        f"{PUBLISHED.capitalize()} ({cite('zhou_2021')}): NR2B fell and memory was impaired; "
        "MgT given alongside prevented both. The model lowers NR2B (the homeostat "
        "answers the extra background calcium), but acutely the network learns more at "
        "low Mg, and recall returns to control as the homeostat acts; MgT's small rise "
        "of brain Mg does not prevent the fall. These are disagreements with the "
        "published experiment."
    )
    step("chronic depletion")

    night = write_result(sleep(seeds=[seed, seed + 1, seed + 2]), out, "chronic_sleep", rep)
    rep.heading("Sleep: a night of downscaling after a day of learning", 3)
    rep.figure(
        plot_sleep(night),
        f"MgNet-Memory: an assembly encoded, then a night of 18 % downscaling "
        f"({cite('de_vivo_2017')}, {PUBLISHED}), recall, and a second assembly learned "
        f"the next day; mean ± s.d. of three seeds ({PREDICTION}).",
    )
    m = night.mean("seed")
    rep.table(
        ["night", "ρ inside the assembly", "recall", "learned next day", "status"],
        [
            [
                str(n).replace("_", " "),
                fmt(float(m.rho_assembly.sel(night=n)), 3),
                fmt(float(m.recall.sel(night=n)), 3),
                fmt(float(m.rho_learned_next.sel(night=n)), 3),
                PREDICTION,
            ]
            for n in night.night.values
        ],
    )
    rep.text(
        "Sparing the largest 20 % of synapses (de Vivo's spared large synapses) spares the "
        "whole learned assembly in this network, whose learned efficacies are its largest: "
        "that night equals wake. Downscaling every synapse lowers recall; replay that "
        "spares the assembly's synapses keeps it."
    )
    step("chronic sleep")

    low = write_result(ex.low_mg_states(), out, "chronic_low_mg", rep)
    rep.heading("Energy and excitotoxicity", 3)
    rep.figure(
        plot_low_mg(low),
        "Slow layer alone, 14 days. Left: brain [Mg]o held low raises the background "
        "NMDA calcium above the damage threshold (twice its set point, a choice) and "
        "removes release sites. Middle, right: lower neuronal [Mg]i lowers Mg-ATP "
        f"({cite('howarth_2012')}'s budget) and slows the homeostat ({PREDICTION}).",
    )
    step("chronic low-Mg states")

    dec = write_result(ex.decomposition(seed=seed), out, "chronic_decomposition", rep)
    rep.heading("Decomposition: each pathway's share of the regimen's effect", 3)
    rep.figure(
        plot_decomposition(dec),
        "Young rats, 28 days of MgT: recall effect (treated − control, ± s.e.m. over "
        f"three network seeds) with every pathway, none, and each left out ({PREDICTION}).",
    )
    rep.table(
        ["pathways", "recall effect ± s.e.m.", "GluN2B effect", "release-site effect", "status"],
        [
            [
                {"none": "all on", "all": "all off"}.get(str(v), f"without {v}"),
                f"{float(dec.effect.sel(left_out=v)):+.3f} ± "
                f"{float(dec.effect_sem.sel(left_out=v)):.3f}",
                f"{float(dec.f_2b_effect.sel(left_out=v)):+.4f}",
                f"{float(dec.density_effect.sel(left_out=v)):+.4f}",
                PREDICTION,
            ]
            for v in dec.left_out.values
        ],
    )
    step("chronic decomposition")
