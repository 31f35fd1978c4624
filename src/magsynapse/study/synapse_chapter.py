"""Chapter 1 of the default study: the synapse."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..i18n import _
from ..receptors import block, block_curves, half_unblock_voltage
from ..receptors.plot import plot_block
from ..references import cite
from ..synapse import frequency, omega, pairing, snr, stdp
from ..synapse.params import BISTABLE_SETS
from ..synapse.plot import plot_change, plot_snr
from .common import PREDICTION, Plan, Report, Section, StepFn, fmt, passed, write_result

STEPS = (
    "block",
    "targets",
    "stdp DP",
    "stdp DP stochastic",
    "stdp DP_nmda",
    "stdp Shouval",
    "frequency",
    "pairing",
    "snr",
)


def synapse_chapter(rep: Report, out: Path, seed: int, step: StepFn, plan: Plan) -> None:
    """Block curves, STDP, frequency, pairing and SNR under several [Mg]o."""
    rep.heading(_("Chapter 1 — The synapse: Mg²⁺ gate → spine calcium → LTP/LTD"), anchor="synapse")
    rep.text(
        _(
            "Each curve below is one batched call over all [Mg]o values. Numbers marked "
            "“{prediction}” are outputs of the model, not measurements; numbers with a "
            "source are published values the model is checked against."
        ).format(prediction=PREDICTION)
    )

    # Block
    bc = write_result(
        block_curves(np.round(np.arange(0.6, 2.0001, 0.2), 6), np.arange(-100.0, 40.1, 1.0)),
        out,
        "block",
        rep,
    )
    rep.heading(_("NMDA Mg²⁺ block"), 3, anchor="block")
    rep.figure(
        plot_block(bc),
        _("B(V) of Jahr &amp; Stevens (1990) at [Mg]o 0.6–2.0 mM."),
        alt=_(
            "Line plot: the unblocked fraction of NMDA current rises from near 0 at −100 mV "
            "to near 1 at +40 mV; higher [Mg]o shifts the curve to the right."
        ),
    )
    rep.table(
        [_("[Mg]o (mM)"), _("V½ (mV)"), _("B(−65 mV)"), _("B(0 mV)"), _("kind")],
        [
            [
                f"{m:g}",
                fmt(float(bc.v_half.sel(mg=m)), 1),
                fmt(float(block(-65, m)), 4),
                fmt(float(block(0, m)), 4),
                _("Jahr &amp; Stevens form ({source})").format(source=cite("jahr_stevens_1990")),
            ]
            for m in bc.mg.values
        ],
    )
    step("block")
    _targets(rep)
    step("targets")

    # STDP, DP (analytic) and stochastic check
    dt = plan.stdp_dt
    mg_levels = list(plan.mg_levels)
    dp = write_result(stdp(dt, mg=mg_levels), out, "stdp_dp", rep)
    rep.heading(_("STDP: the Graupner–Brunel DP set (linear calcium)"), 3, anchor="stdp")
    rep.figure(
        plot_change(dp),
        _(
            "DP STDP curves (analytic reduction, 60 pairs at 1 Hz). "
            "[Mg]o scales the presynaptic calcium through B(−65 mV)."
        ),
    )
    step("stdp DP")
    dps = write_result(
        stdp(
            dt[::5],
            mg=[1.0],
            method="stochastic",
            reps=plan.stochastic_reps,
            seed=seed,
            progress=False,
        ),
        out,
        "stdp_dp_stochastic",
        rep,
    )
    an = dp.sel(mg=1.0, dt=dps.dt)
    z = np.abs((dps.change.sel(mg=1.0) - an.change) / dps.change_se.sel(mg=1.0))
    rep.text(
        _(
            "Stochastic simulation (2 × {reps} synapses, seed {seed}) versus the analytic "
            "reduction at 1 mM: largest deviation {z} standard errors over {n} Δt values."
        ).format(reps=plan.stochastic_reps, seed=seed, z=f"{float(z.max()):.2f}", n=dps.dt.size)
    )
    step("stdp DP stochastic")

    # DP_nmda: the figure this project exists to draw
    dpn = write_result(
        stdp(dt, mg=mg_levels, parameter_set="DP_nmda", calcium="nmda_voltage"),
        out,
        "stdp_dp_nmda",
        rep,
    )
    cal = BISTABLE_SETS["DP_nmda"].calibration or {}
    rep.heading(
        _("STDP under [Mg]o: the DP_nmda set (voltage-dependent NMDA calcium)"),
        3,
        anchor="stdp-dp-nmda",
    )
    rep.figure(
        plot_change(dpn),
        _(
            "DP_nmda: the bistable rule on Shouval's NMDA calcium, calibrated at 1 mM to "
            "the DP shape (rms residual {rms}, {date}). Other [Mg]o: {prediction}."
        ).format(
            rms=f"{cal.get('residual_rms', float('nan')):.3f}",
            date=cal.get("date", "?"),
            prediction=PREDICTION,
        ),
    )
    rows = []
    for m in mg_levels:
        c = dpn.change.sel(mg=m)
        rows.append(
            [
                f"{m:g}",
                fmt(float(c.sel(dt=10.0))),
                fmt(float(c.sel(dt=-20.0))),
                f"{float(c.dt[int(c.argmax(dim='dt'))]):+.0f} ({fmt(float(c.max()))})",
                f"{float(c.dt[int(c.argmin(dim='dt'))]):+.0f} ({fmt(float(c.min()))})",
                fmt(float(dp.change.sel(mg=m, dt=10.0))),
                fmt(float(dp.change.sel(mg=m, dt=-20.0))),
                PREDICTION,
            ]
        )
    rep.table(
        [
            _("[Mg]o (mM)"),
            _("DP_nmda Δt=+10"),
            _("DP_nmda Δt=−20"),
            _("max at Δt (value)"),
            _("min at Δt (value)"),
            _("DP Δt=+10"),
            _("DP Δt=−20"),
            _("status"),
        ],
        rows,
    )
    step("stdp DP_nmda")
    sh = write_result(
        stdp(dt, mg=mg_levels, rule="omega_eta", calcium="nmda_voltage"), out, "stdp_shouval", rep
    )
    rep.figure(
        plot_change(sh),
        _(
            "Shouval et al. (2002) rule on the same calcium: LTP at small positive Δt, LTD "
            "at small negative Δt and a second LTD window at large positive Δt (the "
            "model's known feature). Other [Mg]o: {prediction}."
        ).format(prediction=PREDICTION),
    )
    step("stdp Shouval")

    # Frequency
    freqs = list(plan.freqs)
    fr = write_result(frequency(freqs, mg=mg_levels), out, "frequency_dp", rep)
    frs = write_result(
        frequency(
            freqs,
            mg=mg_levels,
            rule="omega_eta",
            calcium="nmda_voltage",
            calcium_overrides={"epsp_amp": 10.0},
        ),
        out,
        "frequency_shouval",
        rep,
    )
    frn = write_result(
        frequency(
            freqs,
            mg=mg_levels,
            parameter_set="DP_nmda",
            calcium="nmda_voltage",
            calcium_overrides={"epsp_amp": 10.0},
        ),
        out,
        "frequency_dp_nmda",
        rep,
    )
    rep.heading(_("Frequency protocol (900 presynaptic pulses)"), 3, anchor="frequency")
    rep.text(
        _(
            "Reference shape (Dudek &amp; Bear 1992): LTD at 1–3 Hz, little change near "
            "10 Hz, LTP at 50–100 Hz. The Shouval and DP_nmda panels use a 10-mV EPSP as in "
            "Shouval et al. 2002, Fig. 3B."
        )
    )
    fig = Figure(figsize=(14, 3.6), layout="constrained")
    axes = fig.subplots(1, 3)
    for ax, ds, title in zip(
        axes, (fr, frs, frn), ("DP, linear calcium", "Shouval rule", "DP_nmda"), strict=True
    ):
        plot_change(ds, ax=ax)
        ax.set_title(title, fontsize=9)
    rep.figure(
        fig,
        _("Frequency–response curves at each [Mg]o ({prediction}).").format(prediction=PREDICTION),
    )
    step("frequency")

    # Pairing
    holds = np.arange(-80.0, -9.9, plan.pairing_step)
    pr = write_result(pairing(holds, mg=mg_levels), out, "pairing", rep)
    rep.heading(_("Pairing with a holding potential (Shouval 2002, Fig. 3A)"), 3, anchor="pairing")
    rep.figure(
        plot_change(pr),
        _(
            "100 presynaptic pulses at 1 Hz with the spine clamped: no change when strongly "
            "hyperpolarised, LTD at intermediate and LTP at depolarised potentials; Mg "
            "shifts both thresholds ({prediction})."
        ).format(prediction=PREDICTION),
    )
    rows = []
    for m in mg_levels:
        c = pr.change.sel(mg=m).values
        h = pr.hold.values
        ltd = h[c < 0.99]
        ltp = h[c > 1.01]
        rows.append(
            [
                f"{m:g}",
                f"{ltd.min():.0f}" if ltd.size else "–",
                f"{ltp.min():.0f}" if ltp.size else "–",
                PREDICTION,
            ]
        )
    rep.table([_("[Mg]o (mM)"), _("LTD from (mV)"), _("LTP from (mV)"), _("status")], rows)
    step("pairing")

    # SNR
    sn = write_result(snr(np.round(np.arange(0.4, 2.0001, 0.1), 6)), out, "snr", rep)
    rep.heading(_("Signal-to-noise of synaptic calcium (Slutsky et al. 2004)"), 3, anchor="snr")
    rep.figure(
        plot_snr(sn),
        _(
            "Correlated (pre then post at +10 ms) over uncorrelated (pre alone) NMDA "
            "calcium entry ({prediction})."
        ).format(prediction=PREDICTION),
    )
    ratio = float(block(-65, 1.2) / block(-65, 0.8)), float(block(0, 1.2) / block(0, 0.8))
    rep.text(
        _(
            "Mechanism: B(1.2 mM)/B(0.8 mM) = {rest} at −65 mV but {depol} at 0 mV, so "
            "raising [Mg]o cuts resting entry more than depolarised entry; SNR rises from "
            "{low} at 0.8 mM to {high} at 1.2 mM ({prediction})."
        ).format(
            rest=f"{ratio[0]:.3f}",
            depol=f"{ratio[1]:.3f}",
            low=f"{float(sn.snr.sel(mg=0.8)):.3f}",
            high=f"{float(sn.snr.sel(mg=1.2)):.3f}",
            prediction=PREDICTION,
        )
    )
    step("snr")


def _target(quantity, got: float, want: float, tol: float, source: str, digits=3) -> list:
    """One row of the targets table: value, published value, tolerance, source, pass."""
    return [
        quantity,
        fmt(got, digits),
        f"{want:g}".replace("-", "−"),
        f"±{tol:g}",
        cite(source),
        passed(abs(got - want) <= tol),
    ]


def _targets(report: Report) -> None:
    """Published numbers the synapse layer must reproduce, checked in this run."""
    rows = [
        _target(
            _("B({v} mV, 1 mM), Jahr–Stevens").format(v=v),
            float(block(v, 1.0)),
            want,
            5e-4,
            "jahr_stevens_1990",
            4,
        )
        for v, want in [(-80, 0.0244), (-60, 0.0796), (-40, 0.2302), (-20, 0.5081), (0, 0.7812)]
    ]
    rows.append(
        _target(
            _("V½ at 1 mM (mV)"),
            float(half_unblock_voltage(1.0)),
            -20.5,
            0.05,
            "jahr_stevens_1990",
            2,
        )
    )
    dp = stdp([10.0, -20.0], mg=1.0).change.sel(mg=1.0).values
    for dt, got, want in [(10, dp[0], 1.221), (-20, dp[1], 0.765)]:
        rows.append(
            _target(
                _("DP change at Δt = {dt} ms (60 pairs, 1 Hz)").format(dt=f"{dt:+d}"),
                got,
                want,
                5e-3,
                "graupner_brunel_2012",
            )
        )
    rows.append(_target(_("Shouval Ω(0.55 µM)"), float(omega(0.55)), 0.5, 1e-6, "shouval_2002", 4))
    report.heading(_("Published targets reproduced in this run"), 3, anchor="synapse-targets")
    report.table(
        [_("quantity"), "magsynapse", _("published"), _("tolerance"), _("source"), _("pass")],
        rows,
    )


#: The chapter, one section.
SECTIONS = (Section(synapse_chapter, STEPS, 14),)
