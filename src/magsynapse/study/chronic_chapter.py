"""Chapter 4 of the default study: weeks, not minutes (the slow layer and its sessions)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..chronic import experiments as ex
from ..chronic.plot import (
    plot_acute_chronic,
    plot_chronic,
    plot_decomposition,
    plot_depletion,
    plot_low_mg,
)
from ..i18n import _
from ..network.phenomena import sleep
from ..network.plot import plot_sleep
from ..references import cite
from ..results import quantiles
from .common import PREDICTION, PUBLISHED, Plan, Report, Section, StepFn, fmt, write_result

#: Table cells for the coordinate values of the chronic experiments (their English
#: wording as the report showed it); an unknown value is shown as it is.
AGES = {"young": _("young"), "aged": _("aged")}
ARMS = {"control": _("control"), "treated": _("treated")}
SCENARIOS = {"depleted": _("depleted"), "depleted_mgt": _("depleted + mgt")}
NIGHTS = {
    "wake": _("wake"),
    "sleep": _("sleep"),
    "sleep_uniform": _("sleep uniform"),
    "sleep_replay": _("sleep replay"),
}


def _band(da) -> str:
    """Median (5–95 %) over samples, or the value."""
    if "sample" not in da.dims:
        return fmt(float(da), 3)
    q = quantiles(da, [0.05, 0.5, 0.95], "sample").values
    return f"{q[1]:.3f} ({q[0]:.3f}–{q[2]:.3f})"


def _acute_versus_chronic(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """The chapter's opening and its first experiment: brain [Mg]o held at 2 mM."""
    rep.heading(_("Chapter 4 — Weeks, not minutes: the slow layer"), anchor="chronic")
    rep.text(
        _(
            "Acutely, higher brain [Mg]o blocks more NMDA current and the memory network "
            "learns less. Slutsky et al. (2004) proposed that neurons hold the calcium of "
            "uncorrelated background activity at a set point, and answer a chronic block by "
            "adding GluN2B-containing receptors and synapses. The slow layer "
            "(magsynapse.slow) integrates that homeostat, release sites that follow "
            "neuronal [Mg]i, Mg-ATP, an excitotoxic load and sleep over days, from the body "
            "model's [Mg]o and [Mg]i; at each session the memory network is built from the "
            "slow states. Every number below is a model prediction unless marked published; "
            "recall differences smaller than about 0.02 are within the network's "
            "seed-to-seed variability."
        )
    )

    avc = write_result(
        ex.acute_versus_chronic(
            gains=plan.chronic_gains,
            sessions=plan.chronic_sessions,
            network_seeds=plan.chronic_network_seeds,
            seed=seed,
        ),
        out,
        "chronic_acute_vs_chronic",
        rep,
    )
    rep.heading(_("Acute versus chronic: brain [Mg]o held at 2 mM"), 3, anchor="acute-chronic")
    rep.figure(
        plot_acute_chronic(avc),
        _(
            "Rats, brain [Mg]o held at 2 mM from day 0 (control: the diet-only body, ≈ 1.06 "
            "mM). Left, middle: the treated arm's GluN2B share and release sites for "
            "{gains} homeostat gains. Right: recall, treated minus control, mean of "
            "{seeds} network seeds ({prediction}). Day 0 is the acute block; later days add "
            "what the homeostat did."
        ).format(
            gains=len(plan.chronic_gains),
            seeds=plan.chronic_network_seeds,
            prediction=PREDICTION,
        ),
        alt=_(
            "Three panels: the treated arm's GluN2B share and release sites over days, a "
            "line per homeostat gain with control in grey, and a red–blue map of recall "
            "(treated − control) over homeostat gain and session day."
        ),
    )
    eff = avc.recall_effect
    rep.table(
        [
            _("homeostat gain"),
            *[_("day {day}").format(day=f"{s:g}") for s in avc.session.values],
            _("status"),
        ],
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
        _(
            "The homeostat raises GluN2B and (through it) release sites until the "
            "background calcium is back at its set point, recovering the acute loss of "
            "recall within the time the gain sets. The largest chronic effect in the map is "
            "{best} (± {sem} s.e.m. over network seeds; gain {gain}, day {day}): whether "
            "weeks at high [Mg]o leave recall above control is answered by comparing that "
            "number with its error."
        ).format(
            best=f"{float(best):+.3f}",
            sem=f"{sem:.3f}" if np.isfinite(sem) else "—",
            gain=f"{float(where.gain[0]):g}",
            day=f"{float(where.session[0]):g}",
        )
    )
    step("chronic acute versus chronic")


def _rat_regimen(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """Slutsky et al. (2010)'s regimen in young and aged rats."""
    rat = write_result(
        ex.rat_regimen(samples=plan.rat_samples, seed=seed, network_seeds=1),
        out,
        "chronic_rat_regimen",
        rep,
    )
    rep.heading(
        _("The rat regimen: 604 mg/kg/day MgT for 28 days, young and aged"), 3, anchor="rat-regimen"
    )
    rep.figure(
        plot_chronic(rat),
        _(
            "Slutsky et al. (2010)'s regimen through the rat body model; median and 5–95 % "
            "band of {samples} prior samples ({prediction})."
        ).format(samples=plan.rat_samples, prediction=PREDICTION),
        alt=_(
            "A row of panels per age: brain [Mg]o, GluN2B share and release sites over days, "
            "and recall at each session, a line per arm (control grey, treated red) with "
            "its 5–95 % band."
        ),
    )
    last = rat.isel(session=-1)
    rows = []
    for age in rat.age.values:
        for arm in rat.arm.values:
            a = last.sel(age=age, arm=arm)
            rows.append(
                [
                    AGES.get(str(age), str(age)),
                    ARMS.get(str(arm), str(arm)),
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
            _("age"),
            _("arm"),
            _("[Mg]o (mM)"),
            _("GluN2B share"),
            _("release sites"),
            _("STDP +10 ms"),
            _("recall"),
            _("status"),
        ],
        rows,
    )
    rep.text(
        _(
            "{published} ({source}): MgT raised CSF Mg by about 7–15 %, raised synapse "
            "density and NR2B, lowered release probability and improved learning, more so "
            "in aged rats. The model reproduces the direction of release sites and release "
            "probability, and the lower baseline recall and LTP of aged rats ({aged_source}), "
            "but not NR2B: more release sites raise the background calcium, and the "
            "homeostat answers by lowering GluN2B. Its effect on recall is within network "
            "noise."
        ).format(
            published=_("Published"),
            source=cite("slutsky_2010"),
            aged_source=cite("clayton_2002"),
        )
    )
    step("chronic rat regimen")


def _depletion(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """Brain Mg lowered as under oxaliplatin, with and without MgT."""
    dep = write_result(
        ex.depletion(network_seeds=plan.chronic_network_seeds, seed=seed),
        out,
        "chronic_depletion",
        rep,
    )
    rep.heading(_("Depletion: brain Mg lowered as under oxaliplatin"), 3, anchor="depletion")
    rep.figure(
        plot_depletion(dep),
        _(
            "Rats, brain Mg × 0.75 from day 0 (serum and CSF free Mg 0.8 → 0.6 mM, "
            "{source}), alone and with MgT 604 mg/kg/day ({prediction})."
        ).format(source=cite("zhou_2021"), prediction=PREDICTION),
        alt=_(
            "Two panels: brain [Mg]o and the GluN2B share over days for control (grey), "
            "depletion alone (blue) and depletion with MgT (red)."
        ),
    )
    rows = []
    for sc in dep.scenario.values:
        d = dep.sel(scenario=sc)
        for s in d.session.values:
            rows.append(
                [
                    SCENARIOS.get(str(sc), str(sc).replace("_", " + ")),
                    f"{s:g}",
                    fmt(float(d.session_f_2b.sel(arm="treated", session=s)), 3),
                    _("{treated} vs {control}").format(
                        treated=f"{float(d.recall.sel(arm='treated', session=s).mean()):.3f}",
                        control=f"{float(d.recall.sel(arm='control', session=s).mean()):.3f}",
                    ),
                    PREDICTION,
                ]
            )
    rep.table(
        [_("scenario"), _("day"), _("GluN2B share"), _("recall (vs control)"), _("status")],
        rows,
    )
    rep.text(
        _(
            "{published} ({source}): NR2B fell and memory was impaired; MgT given alongside "
            "prevented both. The model lowers NR2B (the homeostat answers the extra "
            "background calcium), but acutely the network learns more at low Mg, and recall "
            "returns to control as the homeostat acts; MgT's small rise of brain Mg does not "
            "prevent the fall. These are disagreements with the published experiment."
        ).format(published=_("Published"), source=cite("zhou_2021"))
    )
    step("chronic depletion")


def _sleep(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """A night of downscaling after a day of learning."""
    night = write_result(
        sleep(seeds=[seed + k for k in range(plan.sleep_seeds)]), out, "chronic_sleep", rep
    )
    rep.heading(_("Sleep: a night of downscaling after a day of learning"), 3, anchor="sleep")
    rep.figure(
        plot_sleep(night),
        _(
            "MgNet-Memory: an assembly encoded, then a night of 18 % downscaling "
            "({source}, {published}), recall, and a second assembly learned the next day; "
            "mean ± s.d. of {seeds} seeds ({prediction})."
        ).format(
            source=cite("de_vivo_2017"),
            published=PUBLISHED,
            seeds=plan.sleep_seeds,
            prediction=PREDICTION,
        ),
        alt=_(
            "Two bar charts with a bar per night: recall of the day's assembly, and the "
            "efficacy learned the next day."
        ),
    )
    m = night.mean("seed")
    rep.table(
        [
            _("night"),
            _("ρ inside the assembly"),
            _("recall"),
            _("learned next day"),
            _("status"),
        ],
        [
            [
                NIGHTS.get(str(n), str(n).replace("_", " ")),
                fmt(float(m.rho_assembly.sel(night=n)), 3),
                fmt(float(m.recall.sel(night=n)), 3),
                fmt(float(m.rho_learned_next.sel(night=n)), 3),
                PREDICTION,
            ]
            for n in night.night.values
        ],
    )
    rep.text(
        _(
            "Sparing the largest 20 % of synapses (de Vivo's spared large synapses) spares "
            "the whole learned assembly in this network, whose learned efficacies are its "
            "largest: that night equals wake. Downscaling every synapse lowers recall; "
            "replay that spares the assembly's synapses keeps it."
        )
    )
    step("chronic sleep")


def _low_mg(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """Energy and excitotoxicity in the slow layer alone."""
    low = write_result(ex.low_mg_states(), out, "chronic_low_mg", rep)
    rep.heading(_("Energy and excitotoxicity"), 3, anchor="energy")
    rep.figure(
        plot_low_mg(low),
        _(
            "Slow layer alone, 14 days. Left: brain [Mg]o held low raises the background "
            "NMDA calcium above the damage threshold (twice its set point, a choice) and "
            "removes release sites. Middle, right: lower neuronal [Mg]i lowers Mg-ATP "
            "({source}'s budget) and slows the homeostat ({prediction})."
        ).format(source=cite("howarth_2012"), prediction=PREDICTION),
        alt=_(
            "Three panels: release sites and excitotoxic load against held brain [Mg]o; "
            "Mg-ATP availability against neuronal [Mg]i relative to its reference; the "
            "GluN2B share over days, a line per [Mg]i factor."
        ),
    )
    step("chronic low-Mg states")


def _decomposition(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """Each pathway's share of the regimen's effect."""
    dec = write_result(
        ex.decomposition(network_seeds=plan.decomposition_seeds, seed=seed),
        out,
        "chronic_decomposition",
        rep,
    )
    rep.heading(
        _("Decomposition: each pathway's share of the regimen's effect"), 3, anchor="decomposition"
    )
    rep.figure(
        plot_decomposition(dec),
        _(
            "Young rats, 28 days of MgT: recall effect (treated − control, ± s.e.m. over "
            "{seeds} network seeds) with every pathway, none, and each left out "
            "({prediction})."
        ).format(seeds=plan.decomposition_seeds, prediction=PREDICTION),
        alt=_(
            "Bar chart of the recall effect (treated − control) with s.e.m. error bars, "
            "with every pathway on, every pathway off, and each pathway left out."
        ),
    )
    variants = {"none": _("all on"), "all": _("all off")}
    rep.table(
        [
            _("pathways"),
            _("recall effect ± s.e.m."),
            _("GluN2B effect"),
            _("release-site effect"),
            _("status"),
        ],
        [
            [
                variants.get(str(v)) or _("without {pathway}").format(pathway=str(v)),
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


#: The chapter's sections, in report order.
SECTIONS = (
    Section(_acute_versus_chronic, ("chronic acute versus chronic",), 6),
    Section(_rat_regimen, ("chronic rat regimen",), 16),
    Section(_depletion, ("chronic depletion",), 9),
    Section(_sleep, ("chronic sleep",), 5),
    Section(_low_mg, ("chronic low-Mg states",), 1),
    Section(_decomposition, ("chronic decomposition",), 16),
)
