"""Chapter 5 of the default study: people — a cohort, the Liu 2016 trial as a prediction,
who responds, what would close the gap, and power."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..people import experiments as ex
from ..people import load_design
from ..people.mechanism import default_emulator
from ..people.plot import plot_cohort, plot_power, plot_trial
from .common import PREDICTION, Report, cite, fmt, write_result

STEPS = (
    "people cohort",
    "people Liu 2016",
    "people pathways",
    "people Hausenblas 2024",
    "people power",
)
PUBLISHED = "published"
#: Replicates of the Liu 2016 prediction in the study.
REPLICATES = 200


def _responders_figure(r) -> Figure:
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    axes = fig.subplots(1, 3, sharey=True)
    for ax, name, label in zip(
        axes,
        ("dietary_mg", "cellular_mg", "age"),
        ("dietary Mg (mg/day)", "cellular Mg (× age's)", "age (y)"),
        strict=True,
    ):
        ax.scatter(r[name], r.readout_age_change, s=4, alpha=0.3)
        ax.axhline(0, color="0.5", lw=0.8)
        ax.set(xlabel=label, ylim=np.quantile(r.readout_age_change, [0.01, 0.99]))
    axes[0].set(ylabel="change of readout age (y)")
    fig.suptitle("Treated completers: the mechanism's response by 12 weeks (negative: younger)")
    return fig


def people_chapter(rep: Report, out: Path, seed: int, step: Callable[[str], None]) -> None:
    """Chapter 5: docs/people.md's experiments, each a figure and a table."""
    rep.heading("Chapter 5 — People: cohorts and the published trial as a prediction")
    em = default_emulator()
    rep.text(
        "Virtual people carry covariates from published distributions (body weight: "
        f"{cite('fryar_2025')}; dietary Mg: {cite('ford_mokdad_2003')}; sleep: "
        f"{cite('nhanes_sleep_2021')}) through the body model, the slow layer and the "
        "memory network, whose session readouts come from an emulator (a quadratic "
        f"surface over 64 conditions × 8 networks; residual SD of persistence "
        f"{em.residual_sd['rho_inside']:.3f}, of recall {em.residual_sd['recall']:.3f}). "
        "Test scores are linked to the readouts by age alone: the age at which a reference "
        "person's readout equals a person's is their readout age, and the test's "
        f"expected score is its age norm there ({cite('tombaugh_2004')} for the Trail-Making "
        "tests). No trial outcome sets any parameter; the published values stand beside "
        "the predictions."
    )

    c = write_result(ex.baseline_cohort(400, seed), out, "people_cohort", rep)
    rep.heading("A cohort at baseline", 3)
    rep.figure(
        plot_cohort(c),
        f"400 people aged 35–75 without supplement: baseline TMT-B and brain age "
        f"({PREDICTION}); the line is the Tombaugh (2004) norm ({PUBLISHED}, fitted).",
    )
    gap_age = (c.readout_age.sel(test="tmt_b") - c.age).values
    ok = np.isfinite(c.brain_age.values)
    rep.table(
        ["quantity", "value", "status"],
        [
            [
                "brain age − age, median (y)",
                fmt(float(np.median(c.brain_age.values[ok] - c.age.values[ok])), 3),
                PREDICTION,
            ],
            ["people with a brain age inside the norms' 18–89 y", f"{ok.mean():.0%}", PREDICTION],
            ["readout age − age, SD (y)", fmt(float(np.std(gap_age)), 3), PREDICTION],
            [
                "TMT-B norm SD at 60 y, in years of norm change",
                fmt(float(_norm_sd_years(60.0)), 3),
                PUBLISHED,
            ],
        ],
    )
    spread, norm_sd = float(np.std(gap_age)), float(_norm_sd_years(60.0))
    rep.text(
        f"A person's readout age differs from their age with an SD of {spread:.0f} years, "
        f"{'more' if spread > norm_sd else 'less'} than the TMT-B norm's spread "
        f"({norm_sd:.0f} years of norm change at 60 y): in the model, a person's brain "
        "[Mg]o (from diet and their body) and cellular Mg move the network's readouts as "
        "much as decades of aging. It cancels in a trial's change from baseline. Scores "
        "faster than an 18-year-old's mean have no brain age."
    )
    step("people cohort")

    design = load_design("liu2016")
    liu = write_result(ex.liu2016(REPLICATES, seed), out, "people_liu2016", rep)
    s = json.loads(liu.attrs["summary"])
    gap = ex.gap(liu, design)
    rep.heading("Liu et al. (2016): magnesium L-threonate for 12 weeks, ages 50–70", 3)
    rep.figure(
        plot_trial(liu),
        f"{REPLICATES} replicates of the published design (51 enrolled, 44 completers; "
        "1.5 g/day under 70 kg, 2 g/day at 70–100 kg), each analysed as published: ANCOVA "
        "of the composite's change at week 12. Left: Cohen's d of every replicate "
        f"({PREDICTION}) and the published d ({PUBLISHED}). Right: mean composite change "
        "by arm (practice raises both).",
    )
    lo, hi = s["d_90"]
    inside = "yes" if s["published_inside_90"] else "no"
    rows = [
        [
            "Cohen's d, composite, week 12",
            f"{s['d_median']:+.2f} ({lo:+.2f} to {hi:+.2f})",
            f"{design.published['d']:+.2f} ({cite('liu_2016')})",
            inside,
        ],
        ["power at α = 0.05 (favouring MgT)", f"{s['power']:.2f}", "p = 0.003", "—"],
    ]
    if "tmt_b_change_median" in s:
        a, b = s["tmt_b_change_90"]
        rows.append(
            [
                "TMT-B change, MgT − placebo (s)",
                f"{s['tmt_b_change_median']:+.1f} ({a:+.1f} to {b:+.1f})",
                "not at hand",
                "—",
            ]
        )
    if "brain_age_shift_median" in s:
        a, b = s["brain_age_shift_90"]
        rows.append(
            [
                "brain-age shift of the arms' mean TMT-B (y)",
                f"{s['brain_age_shift_median']:+.1f} ({a:+.1f} to {b:+.1f})",
                "not in the abstract",
                "—",
            ]
        )
    rep.table(
        ["outcome", f"predicted: median (90 %) ({PREDICTION})", PUBLISHED, "published inside?"],
        rows,
    )
    rep.text(
        f"The mechanism predicts a d of {s['d_median']:+.2f}; the published d of "
        f"{design.published['d']:.2f} lies {'inside' if s['published_inside_90'] else 'outside'} "
        f"the predicted 90 % interval, and {s['share_at_least_published']:.1%} of replicates "
        "reach it. In readout age the supplement moves the treated arm by "
        f"{gap['predicted_shift_median']:+.1f} years (median; 90 % "
        f"{gap['predicted_shift_90'][0]:+.1f} to {gap['predicted_shift_90'][1]:+.1f}) against "
        f"the control; the published d would need {gap['needed_shift_median']:+.1f} years in "
        "12 weeks. Higher brain [Mg]o blocks more NMDA current and, in the memory network, "
        "lowers the persistence that the tests are read from; more release sites (the "
        "density pathway) push the other way. Emulated states outside the fitted ranges: "
        f"{s['emulator_outside_share']:.1%} of person-visits."
    )
    resp = ex.responders(liu)
    rep.figure(
        _responders_figure(resp),
        f"Who responds ({PREDICTION}): each treated completer's change of readout age "
        "against dietary Mg, cellular Mg and age (the axis spans the 1–99 % range).",
    )
    rep.table(
        ["covariate", "low tertile", "middle", "high", "correlation", "status"],
        [
            [
                str(cv),
                *[
                    f"{float(resp.tertile_median.sel(covariate=cv, tertile=t)):+.2f}"
                    for t in resp.tertile.values
                ],
                f"{float(resp[f'{cv}_correlation']):+.2f}",
                PREDICTION,
            ]
            for cv in resp.covariate.values
        ],
    )
    step("people Liu 2016")

    var = write_result(ex.pathway_variants(40, seed), out, "people_pathways", rep)
    rep.heading("Which pathway would have to change", 3)
    rep.table(
        ["slow pathways", "median d (90 %)", "readout-age shift (y)", "status"],
        [
            [
                str(v),
                _interval(var, v),
                f"{float(var.readout_age_shift.sel(variant=v)):+.2f}",
                PREDICTION,
            ]
            for v in var.variant.values
        ],
    )
    rep.text(_pathways_text(var, design))
    step("people pathways")

    hd = load_design("hausenblas2024")
    hz = write_result(ex.hausenblas2024(100, seed), out, "people_hausenblas2024", rep)
    h = json.loads(hz.attrs["summary"])
    rep.heading("Hausenblas et al. (2024): 1 g/day for 21 days, ages 35–55, deep sleep", 3)
    rep.figure(
        plot_trial(hz),
        "100 replicates of the published design (80 people, 1:1), analysed as ANCOVA of the "
        "change of slow-wave sleep (% of sleep) by day 21. The model's deep sleep scales "
        "with the night's slow-wave activity, whose dependence on brain [Mg]o is a prior "
        f"centred on none ({PREDICTION}).",
    )
    lo, hi = h["d_90"]
    rep.table(
        ["outcome", f"predicted: median (90 %) ({PREDICTION})", PUBLISHED],
        [
            [
                "Cohen's d, deep sleep, day 21",
                f"{h['d_median']:+.2f} ({lo:+.2f} to {hi:+.2f})",
                f"better than placebo, p {html.escape(str(hd.published['p']))} "
                f"({cite('hausenblas_2024')}); no effect size",
            ],
            [
                "smallest |d| significant at this size",
                f"{h['d_significant']:.2f}",
                "—",
            ],
            ["power at α = 0.05 (favouring MgT)", f"{h['power']:.2f}", "significant"],
        ],
    )
    rise = (hz.mg_o.isel(visit=-1) / hz.mg_o.isel(visit=0) - 1).where(hz.treated).mean()
    rep.text(
        f"Three weeks of 1 g/day move the treated arm's brain [Mg]o by {float(rise):+.1%} "
        "(mean); with the slow-wave activity's elasticity to [Mg]o drawn around zero, the "
        f"predicted change of deep sleep is centred on {h['d_median']:+.2f} SD, and "
        f"{h['power']:.0%} of replicates "
        f"reach the d of {h['d_significant']:.2f} that a significant result at this size "
        "requires. The published result is not what this mechanism predicts."
    )
    step("people Hausenblas 2024")

    pw = write_result(ex.power((20, 60, 120, 240), 40, seed), out, "people_power", rep)
    rep.heading("Power versus size", 3)
    rep.figure(
        plot_power(pw),
        f"Power of the Liu 2016 design by the number enrolled, 40 replicates per size "
        f"({PREDICTION}).",
    )
    rep.table(
        ["enrolled", "power", "median d", "status"],
        [
            [f"{int(n)}", f"{float(p):.2f}", f"{float(d):+.2f}", PREDICTION]
            for n, p, d in zip(pw.n.values, pw.power.values, pw.d_median.values, strict=True)
        ],
    )
    step("people power")


def _pathways_text(var, design) -> str:
    """What leaving each pathway out does, from the numbers."""

    def shift(v):
        return float(var.readout_age_shift.sel(variant=v))

    best = str(var.variant.values[int(np.argmax(var.d_median.values))])
    b = var.sel(variant=best)
    pub = float(design.published["d"])
    inside = "inside" if float(b.d_low) <= pub <= float(b.d_high) else "outside"
    return (
        "40 replicates per row, the same people in every row. With every pathway the "
        f"treated arm's readout age moves by {shift('all'):+.1f} years against the control; "
        f"with [Mg]o alone (no slow pathway) by {shift('[Mg]o alone'):+.1f}, the acute "
        f"block. Leaving out release-site density gives {shift('without density'):+.1f}; "
        f"leaving out the GluN2B homeostat gives {shift('without homeostasis'):+.1f}. The "
        f"variant closest to the published effect is '{best}': median d "
        f"{float(b.d_median):+.2f}, with the published {pub:.2f} {inside} its 90 % "
        "interval. In the model more release sites raise the background NMDA calcium and "
        "the homeostat answers by lowering GluN2B, which undoes their gain (chapter 4). "
        "The published effect needs the GluN2B share to hold or rise under MgT, as "
        f"{cite('slutsky_2010')} reported in rats, where this model lowers it: that is "
        "the assumption that would have to change."
    )


def _interval(var, v) -> str:
    d = var.sel(variant=v)
    return f"{float(d.d_median):+.2f} ({float(d.d_low):+.2f} to {float(d.d_high):+.2f})"


def _norm_sd_years(age: float) -> float:
    """The TMT-B norm's SD at ``age`` in years of its mean's change."""
    from ..people.norms import TMT_B

    slope = float(TMT_B.mean(age + 0.5) - TMT_B.mean(age - 0.5))
    return float(TMT_B.sd(age)) / slope
