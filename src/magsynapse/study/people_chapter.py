"""Chapter 5 of the default study: people — a cohort, the Liu 2016 trial as a prediction,
who responds, what would close the gap, and power."""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..i18n import Msg, _
from ..people import experiments as ex
from ..people import load_design
from ..people.mechanism import default_emulator
from ..people.plot import plot_cohort, plot_power, plot_trial
from ..references import cite
from .common import PREDICTION, PUBLISHED, Plan, Report, Section, StepFn, fmt, write_result

#: The slow-pathway variants of the gap experiment (``ex.VARIANTS``), as shown to readers.
VARIANT_NAMES = {
    "all": _("all"),
    "without density": _("without density"),
    "without homeostasis": _("without homeostasis"),
    "[Mg]o alone": _("[Mg]o alone"),
}
#: The covariates of the responders table, as shown to readers.
COVARIATE_NAMES = {
    "age": _("age"),
    "weight": _("weight"),
    "dietary_mg": _("dietary_mg"),
    "cellular_mg": _("cellular_mg"),
}


def _variant(v) -> Msg | str:
    return VARIANT_NAMES.get(str(v), str(v))


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


def _cohort(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """The chapter's opening and a cohort at baseline."""
    rep.heading(
        _("Chapter 5 — People: cohorts and the published trial as a prediction"), anchor="people"
    )
    em = default_emulator()
    rep.text(
        _(
            "Virtual people carry covariates from published distributions (body weight: "
            "{weight_source}; dietary Mg: {diet_source}; sleep: {sleep_source}) through the "
            "body model, the slow layer and the memory network, whose session readouts come "
            "from an emulator (a quadratic surface over 64 conditions × 8 networks; residual "
            "SD of persistence {sd_persistence}, of recall {sd_recall}). Test scores are "
            "linked to the readouts by age alone: the age at which a reference person's "
            "readout equals a person's is their readout age, and the test's expected score "
            "is its age norm there ({norm_source} for the Trail-Making tests). No trial "
            "outcome sets any parameter; the published values stand beside the predictions."
        ).format(
            weight_source=cite("fryar_2025"),
            diet_source=cite("ford_mokdad_2003"),
            sleep_source=cite("nhanes_sleep_2021"),
            sd_persistence=f"{em.residual_sd['rho_inside']:.3f}",
            sd_recall=f"{em.residual_sd['recall']:.3f}",
            norm_source=cite("tombaugh_2004"),
        )
    )

    c = write_result(ex.baseline_cohort(plan.cohort, seed), out, "people_cohort", rep)
    rep.heading(_("A cohort at baseline"), 3, anchor="cohort")
    rep.figure(
        plot_cohort(c),
        _(
            "{n} people aged 35–75 without supplement: baseline TMT-B and brain age "
            "({prediction}); the line is the Tombaugh (2004) norm ({published}, fitted)."
        ).format(n=plan.cohort, prediction=PREDICTION, published=PUBLISHED),
        alt=_(
            "Two scatter plots against age: each person's baseline TMT-B time with the "
            "Tombaugh 2004 norm curve, and each person's brain age from TMT-B with the "
            "identity line."
        ),
    )
    gap_age = (c.readout_age.sel(test="tmt_b") - c.age).values
    ok = np.isfinite(c.brain_age.values)
    rep.table(
        [_("quantity"), _("value"), _("status")],
        [
            [
                _("brain age − age, median (y)"),
                fmt(float(np.median(c.brain_age.values[ok] - c.age.values[ok])), 3),
                PREDICTION,
            ],
            [
                _("people with a brain age inside the norms' 18–89 y"),
                f"{ok.mean():.0%}",
                PREDICTION,
            ],
            [_("readout age − age, SD (y)"), fmt(float(np.std(gap_age)), 3), PREDICTION],
            [
                _("TMT-B norm SD at 60 y, in years of norm change"),
                fmt(float(_norm_sd_years(60.0)), 3),
                PUBLISHED,
            ],
        ],
    )
    spread, norm_sd = float(np.std(gap_age)), float(_norm_sd_years(60.0))
    rep.text(
        _(
            "A person's readout age differs from their age with an SD of {spread} years, "
            "{comparison} than the TMT-B norm's spread ({norm_sd} years of norm change at "
            "60 y): in the model, a person's brain [Mg]o (from diet and their body) and "
            "cellular Mg move the network's readouts as much as decades of aging. It cancels "
            "in a trial's change from baseline. Scores faster than an 18-year-old's mean "
            "have no brain age."
        ).format(
            spread=f"{spread:.0f}",
            comparison=_("more") if spread > norm_sd else _("less"),
            norm_sd=f"{norm_sd:.0f}",
        )
    )
    step("people cohort")


def _liu2016(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """Liu et al. (2016)'s trial as a prediction."""
    design = load_design("liu2016")
    liu = write_result(ex.liu2016(plan.liu_replicates, seed), out, "people_liu2016", rep)
    s = json.loads(liu.attrs["summary"])
    gap = ex.gap(liu, design)
    rep.heading(
        _("Liu et al. (2016): magnesium L-threonate for 12 weeks, ages 50–70"), 3, anchor="liu2016"
    )
    rep.figure(
        plot_trial(liu),
        _(
            "{n} replicates of the published design (51 enrolled, 44 completers; 1.5 g/day "
            "under 70 kg, 2 g/day at 70–100 kg), each analysed as published: ANCOVA of the "
            "composite's change at week 12. Left: Cohen's d of every replicate "
            "({prediction}) and the published d ({published}). Right: mean composite change "
            "by arm (practice raises both)."
        ).format(n=plan.liu_replicates, prediction=PREDICTION, published=PUBLISHED),
        alt=_(
            "Left: a histogram of the replicates' Cohen's d with the predicted 90 % band, "
            "the predicted median and the published d as a dashed line. Right: the mean "
            "composite change by week for the control and the treated arm."
        ),
    )
    lo, hi = s["d_90"]
    inside = _("yes") if s["published_inside_90"] else _("no")
    rows = [
        [
            _("Cohen's d, composite, week 12"),
            f"{s['d_median']:+.2f} ({lo:+.2f} to {hi:+.2f})",
            f"{design.published['d']:+.2f} ({cite('liu_2016')})",
            inside,
        ],
        [_("power at α = 0.05 (favouring MgT)"), f"{s['power']:.2f}", "p = 0.003", _("—")],
    ]
    if "tmt_b_change_median" in s:
        a, b = s["tmt_b_change_90"]
        rows.append(
            [
                _("TMT-B change, MgT − placebo (s)"),
                f"{s['tmt_b_change_median']:+.1f} ({a:+.1f} to {b:+.1f})",
                _("not at hand"),
                _("—"),
            ]
        )
    if "brain_age_shift_median" in s:
        a, b = s["brain_age_shift_90"]
        rows.append(
            [
                _("brain-age shift of the arms' mean TMT-B (y)"),
                f"{s['brain_age_shift_median']:+.1f} ({a:+.1f} to {b:+.1f})",
                _("not in the abstract"),
                _("—"),
            ]
        )
    rep.table(
        [
            _("outcome"),
            _("predicted: median (90 %) ({prediction})").format(prediction=PREDICTION),
            PUBLISHED,
            _("published inside?"),
        ],
        rows,
    )
    rep.text(
        _(
            "The mechanism predicts a d of {d_median}; the published d of {d_published} lies "
            "{position} the predicted 90 % interval, and {share} of replicates reach it. In "
            "readout age the supplement moves the treated arm by {shift} years (median; "
            "90 % {shift_low} to {shift_high}) against the control; the published d would "
            "need {needed} years in 12 weeks. Higher brain [Mg]o blocks more NMDA current "
            "and, in the memory network, lowers the persistence that the tests are read "
            "from; more release sites (the density pathway) push the other way. Emulated "
            "states outside the fitted ranges: {outside} of person-visits."
        ).format(
            d_median=f"{s['d_median']:+.2f}",
            d_published=f"{design.published['d']:.2f}",
            position=_("inside") if s["published_inside_90"] else _("outside"),
            share=f"{s['share_at_least_published']:.1%}",
            shift=f"{gap['predicted_shift_median']:+.1f}",
            shift_low=f"{gap['predicted_shift_90'][0]:+.1f}",
            shift_high=f"{gap['predicted_shift_90'][1]:+.1f}",
            needed=f"{gap['needed_shift_median']:+.1f}",
            outside=f"{s['emulator_outside_share']:.1%}",
        )
    )
    resp = ex.responders(liu)
    rep.figure(
        _responders_figure(resp),
        _(
            "Who responds ({prediction}): each treated completer's change of readout age "
            "against dietary Mg, cellular Mg and age (the axis spans the 1–99 % range)."
        ).format(prediction=PREDICTION),
        alt=_(
            "Three scatter plots of each treated completer's change of readout age against "
            "dietary Mg, cellular Mg and age, with a line at no change."
        ),
    )
    rep.table(
        [
            _("covariate"),
            _("low tertile"),
            _("middle"),
            _("high"),
            _("correlation"),
            _("status"),
        ],
        [
            [
                COVARIATE_NAMES.get(str(cv), str(cv)),
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


def _pathways(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """Which slow pathway would have to change for Liu et al. (2016)'s effect."""
    var = write_result(
        ex.pathway_variants(plan.pathway_replicates, seed), out, "people_pathways", rep
    )
    rep.heading(_("Which pathway would have to change"), 3, anchor="pathways")
    rep.table(
        [_("slow pathways"), _("median d (90 %)"), _("readout-age shift (y)"), _("status")],
        [
            [
                _variant(v),
                _interval(var, v),
                f"{float(var.readout_age_shift.sel(variant=v)):+.2f}",
                PREDICTION,
            ]
            for v in var.variant.values
        ],
    )
    rep.text(_pathways_text(var, load_design("liu2016"), plan.pathway_replicates))
    step("people pathways")


def _hausenblas2024(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """Hausenblas et al. (2024)'s trial as a prediction."""
    hd = load_design("hausenblas2024")
    hz = write_result(
        ex.hausenblas2024(plan.hausenblas_replicates, seed), out, "people_hausenblas2024", rep
    )
    h = json.loads(hz.attrs["summary"])
    rep.heading(
        _("Hausenblas et al. (2024): 1 g/day for 21 days, ages 35–55, deep sleep"),
        3,
        anchor="hausenblas2024",
    )
    rep.figure(
        plot_trial(hz),
        _(
            "{n} replicates of the published design (80 people, 1:1), analysed as ANCOVA of "
            "the change of slow-wave sleep (% of sleep) by day 21. The model's deep sleep "
            "scales with the night's slow-wave activity, whose dependence on brain [Mg]o is "
            "a prior centred on none ({prediction})."
        ).format(n=plan.hausenblas_replicates, prediction=PREDICTION),
    )
    lo, hi = h["d_90"]
    rep.table(
        [
            _("outcome"),
            _("predicted: median (90 %) ({prediction})").format(prediction=PREDICTION),
            PUBLISHED,
        ],
        [
            [
                _("Cohen's d, deep sleep, day 21"),
                f"{h['d_median']:+.2f} ({lo:+.2f} to {hi:+.2f})",
                _("better than placebo, p {p} ({source}); no effect size").format(
                    p=html.escape(str(hd.published["p"])), source=cite("hausenblas_2024")
                ),
            ],
            [
                _("smallest |d| significant at this size"),
                f"{h['d_significant']:.2f}",
                _("—"),
            ],
            [_("power at α = 0.05 (favouring MgT)"), f"{h['power']:.2f}", _("significant")],
        ],
    )
    rise = (hz.mg_o.isel(visit=-1) / hz.mg_o.isel(visit=0) - 1).where(hz.treated).mean()
    rep.text(
        _(
            "Three weeks of 1 g/day move the treated arm's brain [Mg]o by {rise} (mean); "
            "with the slow-wave activity's elasticity to [Mg]o drawn around zero, the "
            "predicted change of deep sleep is centred on {d_median} SD, and {power} of "
            "replicates reach the d of {d_significant} that a significant result at this "
            "size requires. The published result is not what this mechanism predicts."
        ).format(
            rise=f"{float(rise):+.1%}",
            d_median=f"{h['d_median']:+.2f}",
            power=f"{h['power']:.0%}",
            d_significant=f"{h['d_significant']:.2f}",
        )
    )
    step("people Hausenblas 2024")


def _power(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """The power of trials of several sizes."""
    pw = write_result(
        ex.power(plan.power_sizes, plan.power_replicates, seed), out, "people_power", rep
    )
    rep.heading(_("Power versus size"), 3, anchor="power")
    rep.figure(
        plot_power(pw),
        _(
            "Power of the Liu 2016 design by the number enrolled, {n} replicates per size "
            "({prediction})."
        ).format(n=plan.power_replicates, prediction=PREDICTION),
        alt=_(
            "Line plot of power against the number of people enrolled, with a dotted line "
            "at a power of 0.8."
        ),
    )
    rep.table(
        [_("enrolled"), _("power"), _("median d"), _("status")],
        [
            [f"{int(n)}", f"{float(p):.2f}", f"{float(d):+.2f}", PREDICTION]
            for n, p, d in zip(pw.n.values, pw.power.values, pw.d_median.values, strict=True)
        ],
    )
    step("people power")


def _pathways_text(var, design, replicates: int) -> Msg:
    """What leaving each pathway out does, from the numbers (``replicates`` per variant)."""

    def shift(v):
        return f"{float(var.readout_age_shift.sel(variant=v)):+.1f}"

    best = str(var.variant.values[int(np.argmax(var.d_median.values))])
    b = var.sel(variant=best)
    pub = float(design.published["d"])
    inside = _("inside") if float(b.d_low) <= pub <= float(b.d_high) else _("outside")
    return _(
        "{n} replicates per row, the same people in every row. With every pathway the "
        "treated arm's readout age moves by {shift_all} years against the control; with "
        "[Mg]o alone (no slow pathway) by {shift_mg}, the acute block. Leaving out "
        "release-site density gives {shift_density}; leaving out the GluN2B homeostat gives "
        "{shift_homeostasis}. The variant closest to the published effect is '{best}': "
        "median d {d_median}, with the published {d_published} {position} its 90 % "
        "interval. In the model more release sites raise the background NMDA calcium and "
        "the homeostat answers by lowering GluN2B, which undoes their gain (chapter 4). "
        "The published effect needs the GluN2B share to hold or rise under MgT, as "
        "{source} reported in rats, where this model lowers it: that is the assumption "
        "that would have to change."
    ).format(
        n=replicates,
        shift_all=shift("all"),
        shift_mg=shift("[Mg]o alone"),
        shift_density=shift("without density"),
        shift_homeostasis=shift("without homeostasis"),
        best=_variant(best),
        d_median=f"{float(b.d_median):+.2f}",
        d_published=f"{pub:.2f}",
        position=inside,
        source=cite("slutsky_2010"),
    )


def _interval(var, v) -> str:
    d = var.sel(variant=v)
    return f"{float(d.d_median):+.2f} ({float(d.d_low):+.2f} to {float(d.d_high):+.2f})"


def _norm_sd_years(age: float) -> float:
    """The TMT-B norm's SD at ``age`` in years of its mean's change."""
    from ..people.norms import TMT_B

    slope = float(TMT_B.mean(age + 0.5) - TMT_B.mean(age - 0.5))
    return float(TMT_B.sd(age)) / slope


#: The chapter's sections, in report order.
SECTIONS = (
    Section(_cohort, ("people cohort",), 1),
    Section(_liu2016, ("people Liu 2016",), 4),
    Section(_pathways, ("people pathways",), 6),
    Section(_hausenblas2024, ("people Hausenblas 2024",), 4),
    Section(_power, ("people power",), 2),
)
