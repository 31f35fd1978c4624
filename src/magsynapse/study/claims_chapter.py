"""The report's first pages: the summary, and the claims audit with links to the evidence."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import xarray as xr
from matplotlib.figure import Figure

from ..claims import CAVEATS, VERDICTS, Assessment
from ..i18n import Joined, Msg, _
from ..people import load_design
from .common import Report

#: The claims the summary states with their numbers: brain Mg, what more Mg does, the trial.
KEY_CLAIMS = ("C12", "C15", "C17")

#: Verdict colours (the same in the figure and the table).
COLOURS = {
    "supported": "#1a7f37",
    "partly": "#bf8700",
    "not_supported": "#cf222e",
    "contradicted": "#82071e",
    "outside": "#8c959f",
}


def _verdict_figure(
    assessments: Sequence[Assessment], results: Mapping[str, xr.Dataset], published: float
):
    fig = Figure(figsize=(9.5, 3.6), layout="constrained")
    ax, bx = fig.subplots(1, 2, width_ratios=[1.25, 1])
    ranks = [VERDICTS[a.finding.verdict].rank for a in assessments]
    for k, (a, rank) in enumerate(zip(assessments, ranks, strict=True)):
        ax.scatter(k + 1, rank, s=70, color=COLOURS[a.finding.verdict], zorder=3)
    ax.set_xticks(range(1, len(assessments) + 1), [a.claim.id[1:] for a in assessments], fontsize=7)
    ax.set_xlabel("claim (C1 … C21)")
    ax.set_yticks(range(5), ["supported", "partly", "not supported", "contradicted", "outside"])
    ax.set_ylim(4.5, -0.5)
    ax.grid(axis="y", color="0.9")
    ax.set_title("Verdict on each claim", fontsize=10)
    trials = [
        ("people_liu2016", "Liu 2016", published),
        ("people_hausenblas2024", "Hausenblas 2024", None),
    ]
    for y, (name, _label, published) in enumerate(trials):
        if name not in results:
            continue
        s = json.loads(results[name].attrs["summary"])
        lo, hi = s["d_90"]
        bx.plot([lo, hi], [y, y], color="C0", lw=4, solid_capstyle="butt")
        bx.plot(s["d_median"], y, "o", color="white", mec="C0", zorder=3)
        if published is not None:
            bx.plot(published, y, "D", color="C3", zorder=3)
    bx.axvline(0, color="0.5", lw=0.8)
    bx.set_yticks(range(len(trials)), [t[1] for t in trials])
    bx.set_ylim(-0.7, len(trials) - 0.3)
    bx.set_xlabel("Cohen's d\n(bar: predicted 90 %; diamond: published)")
    bx.set_title("The trials, predicted against published", fontsize=10)
    return fig


def summary_section(
    rep: Report, assessments: Sequence[Assessment], results: Mapping[str, xr.Dataset]
) -> None:
    """A few sentences and one figure: what the model says about the article."""
    pub = float(load_design("liu2016").published["d"])
    counts = {k: 0 for k in VERDICTS}
    for a in assessments:
        counts[a.finding.verdict] += 1
    rep.heading(_("What the model says about the article"), anchor="summary")
    rep.text(
        _(
            "An article for general readers claims that magnesium, and magnesium "
            "L-threonate (MgT) in particular, raises brain magnesium, strengthens synapses "
            "and improves memory and sleep. magsynapse follows magnesium from an oral "
            "dose through the blood, the blood–brain barrier and the NMDA receptor to "
            "synaptic plasticity, networks that learn, slow changes over weeks, and "
            "virtual people in the published trials. Of the article's 21 claims, the model "
            "supports {supported}, partly supports {partly}, does not support "
            "{not_supported} and contradicts {contradicted}; {outside} lie outside what it "
            "models."
        ).format(**{k: str(v) for k, v in counts.items()})
    )
    rep.text(_("The claims on which the article's argument turns:"))
    rep.table(
        [
            _("claim"),
            _("what the article says (paraphrased)"),
            _("verdict"),
            _("key numbers (this run)"),
        ],
        [
            [
                f'<a href="#claim-{a.claim.id.lower()}">{a.claim.id}</a>',
                a.claim.text,
                _verdict_cell(a),
                a.finding.numbers or "—",
            ]
            for a in assessments
            if a.claim.id in KEY_CLAIMS
        ],
        cards=True,
    )
    var = results.get("people_pathways")
    liu = results.get("people_liu2016")
    if var is not None and liu is not None:
        inside = [
            str(v)
            for v in var.variant.values
            if float(var.d_low.sel(variant=v)) <= pub <= float(var.d_high.sel(variant=v))
        ]
        if "without homeostasis" in inside:
            rep.text(
                _(
                    "Only one change of assumption brings the published Liu et al. (2016) "
                    "effect ({published}) inside the predicted interval: leaving out the "
                    "GluN2B homeostat, that is, letting the GluN2B share of NMDA receptors "
                    "hold or rise under MgT, as reported in rats but not reproduced by this "
                    "model."
                ).format(published=f"{pub:.2f}")
                if inside == ["without homeostasis"]
                else _(
                    "Leaving out the GluN2B homeostat (among other changes) brings the "
                    "published Liu et al. (2016) effect ({published}) inside the predicted "
                    "interval."
                ).format(published=f"{pub:.2f}")
            )
    rep.figure(
        _verdict_figure(assessments, results, pub),
        _(
            "Left: the verdict on each of the 21 claims (the table below gives the numbers "
            "and reasons). Right: Cohen's d of the two supplement trials as the model "
            "predicts them (bar: 90 % of replicates; circle: median) against the published "
            "value (diamond; Hausenblas et al. 2024 published a p-value, not an effect "
            "size)."
        ),
        alt=_(
            "Dot chart of the verdict for claims C1 to C21, and a bar chart of the predicted "
            "trial effect sizes against the published one."
        ),
    )
    rep.text(
        _(
            "Every number in this report is a model prediction unless it is marked as "
            "published; sources are listed at the end. The model is a chain of published "
            "mechanisms with stated priors, not a measurement: where it disagrees with a "
            "published experiment, the disagreement is a result to examine, not proof "
            "that either is wrong."
        )
    )


def _caveats(keys: Sequence[str]) -> Joined | str:
    return Joined(tuple(CAVEATS[k].label for k in keys)) if keys else "—"


def _verdict_cell(a: Assessment) -> Msg:
    return _('<span class="verdict v-{key}">{label}</span>').format(
        key=a.finding.verdict, label=VERDICTS[a.finding.verdict].label
    )


def claims_chapter(rep: Report, assessments: Sequence[Assessment]) -> None:
    """The claims table: each claim, its verdict, numbers or reason, caveats and evidence."""
    rep.heading(_("The article's claims, one by one"), anchor="claims")
    rep.text(
        _(
            "Each claim is paraphrased. The verdict uses a fixed scale: supported by the "
            "model, partly supported, not supported, contradicted, or outside the model. "
            "Where a number decides, the verdict is computed from this run's results by a "
            "rule stated in advance (marked “rule”); otherwise it is a judgement, and the "
            "reason says what it rests on. The caveats concern the evidence behind the "
            "claim, not the model."
        )
    )
    rule, judgement = _("rule"), _("judgement")
    rows = []
    for a in assessments:
        c, f = a.claim, a.finding
        verdict = _("{verdict} ({how})").format(
            verdict=_verdict_cell(a), how=rule if f.computed else judgement
        )
        evidence = _('<a href="#{anchor}">{experiment}</a>').format(
            anchor=c.anchor, experiment=c.experiment
        )
        numbers = f.numbers if f.numbers is not None else "—"
        rows.append(
            [
                f'<span id="claim-{c.id.lower()}">{c.id}</span>',
                c.text,
                verdict,
                numbers,
                f.reason,
                _caveats(c.caveats),
                evidence,
            ]
        )
    rep.table(
        [
            _("claim"),
            _("what the article says (paraphrased)"),
            _("verdict"),
            _("key numbers (this run)"),
            _("why"),
            _("caveats of the evidence"),
            _("evidence in this report"),
        ],
        rows,
        cards=True,
    )
    rep.text(
        _(
            "The table is also written as <code>claims.nc</code>; "
            "<code>magsynapse claims --study DIR --lang hi --out claims.json</code> "
            "writes it in any language with a catalog."
        )
    )


__all__ = ["claims_chapter", "summary_section"]
