"""The article's 21 claims, each judged from the results of the default study.

A :class:`Claim` names the experiment that tests it, the study results it reads, the
report section that shows them, and the caveats of the evidence behind the claim. Its
``judge`` turns the study's numbers into a :class:`Finding`: a verdict from the fixed
scale :data:`VERDICTS`, the number(s) that decide it, with their uncertainty, and the
reason in words. Where a number decides, the verdict is computed from it by the rule
stated in the judge's docstring; where the verdict is a judgement (a claim the model
cannot test), ``computed`` is false and the reason says what it rests on.

The rules' thresholds are choices made before looking at the outcome, stated here and in
docs/claims.md:

* a recall difference counts only beyond two standard errors over network seeds, or
  beyond 0.02 where there is one seed (the network's seed-to-seed spread);
* a brain-Mg rise is "small" below 2 % (a quarter of the healthy-adult CSF spread, 8 %);
* a trial is reproduced when the published effect lies inside the predicted 90 % interval
  and at least half the replicates are significant.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import MagsynapseError
from ..i18n import Joined, Msg, _
from ..people import load_design
from ..people.experiments import gap as trial_gap
from ..provenance import Registry
from ..references import cite

Results = Mapping[str, xr.Dataset]


@dataclass(frozen=True)
class Verdict:
    """One step of the verdict scale."""

    key: str
    label: Msg
    rank: int  # 0: supported … 3: contradicted; 4: outside the model


VERDICTS: Registry[Verdict] = Registry("verdict")
for _v in (
    Verdict("supported", _("supported by the model"), 0),
    Verdict("partly", _("partly supported"), 1),
    Verdict("not_supported", _("not supported"), 2),
    Verdict("contradicted", _("contradicted"), 3),
    Verdict("outside", _("outside the model"), 4),
):
    VERDICTS.register(_v.key, _v)


@dataclass(frozen=True)
class Caveat:
    """A limit of the evidence a claim rests on."""

    key: str
    label: Msg


CAVEATS: Registry[Caveat] = Registry("caveat")
for _c in (
    Caveat("species", _("animal data (rats or mice)")),
    Caveat("one_lab", _("one laboratory")),
    Caveat("industry", _("industry-funded or industry-linked authors")),
    Caveat("small_n", _("small number of people")),
    Caveat("secondary", _("secondary source (review figure)")),
    Caveat("assumed", _("built into the model, not tested by it")),
    Caveat("prior", _("the deciding link is an uncertain prior")),
):
    CAVEATS.register(_c.key, _c)


@dataclass(frozen=True)
class Finding:
    """What the model says about a claim."""

    verdict: str
    numbers: Msg | None
    reason: Msg | Joined
    computed: bool = True


@dataclass(frozen=True)
class Claim:
    """One claim of the article, paraphrased, and how the study tests it."""

    id: str
    text: Msg
    scale: Msg
    experiment: Msg
    anchor: str  # the report section that holds the evidence
    data: tuple[str, ...]  # the study results (file stems) the judge reads
    caveats: tuple[str, ...]
    judge: Callable[[Results], Finding]


CLAIMS: Registry[Claim] = Registry("claim")


#: The sources the claims' reasons and rules rest on (besides each result's own).
SOURCES = (
    "grober_2015",
    "reddy_2018",
    "jahr_stevens_1990",
    "slutsky_2010",
    "zhou_2021",
    "liu_2016",
    "hausenblas_2024",
    "de_vivo_2017",
    "howarth_2012",
    "spec_csf",
)


def _need(results: Results, name: str) -> xr.Dataset:
    try:
        return results[name]
    except KeyError:
        raise MagsynapseError(
            f"the study results lack {name}.nc; run `magsynapse study` (or `--quick`) first"
        ) from None


def _f(x: float, digits: int = 2, sign: bool = False) -> str:
    return f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"


def _pct(x: float) -> str:
    return f"{100 * x:+.1f} %"


def _band(da: xr.DataArray, dim: str = "sample") -> tuple[float, float, float]:
    """Median and 5–95 % over ``dim`` (or the value three times)."""
    if dim not in da.dims:
        v = float(da)
        return v, v, v
    q = da.quantile([0.05, 0.5, 0.95], dim=dim).values
    return float(q[1]), float(q[0]), float(q[2])


def _band_text(b: tuple[float, float, float], pct: bool = True) -> str:
    f = _pct if pct else (lambda x: _f(x, 3))
    return f"{f(b[0])} ({f(b[1])} … {f(b[2])})"


def _recall_diff(a: xr.DataArray, b: xr.DataArray) -> tuple[float, float]:
    """Mean difference a − b (over prior samples, then network seeds) and its noise scale:
    2 s.e.m. over the seeds, or 0.02 with one seed."""
    diff = a - b
    if "sample" in diff.dims:
        diff = diff.mean("sample")
    seeds = [d for d in diff.dims if d in ("seed", "network_seed")]
    n = int(np.prod([diff.sizes[d] for d in seeds]))
    noise = 2 * float(diff.std(seeds, ddof=1)) / np.sqrt(n) if n > 1 else 0.02
    return float(diff.mean(seeds)), noise


def _summary(ds: xr.Dataset) -> dict:
    return json.loads(ds.attrs["summary"])


def claim(
    id: str,
    text: Msg,
    scale: Msg,
    experiment: Msg,
    anchor: str,
    data: tuple[str, ...],
    caveats: tuple[str, ...] = (),
) -> Callable[[Callable[[Results], Finding]], Callable[[Results], Finding]]:
    """Register the decorated judge as claim ``id``."""
    for c in caveats:
        CAVEATS[c]

    def register(judge: Callable[[Results], Finding]) -> Callable[[Results], Finding]:
        CLAIMS.register(id, Claim(id, text, scale, experiment, anchor, data, caveats, judge))
        return judge

    return register


# --- the synapse -----------------------------------------------------------------


@claim(
    "C1",
    _("Learning rests on synapses strengthening and weakening with experience (LTP and LTD)."),
    _("synapse"),
    _("STDP and frequency protocols on calcium-based plasticity rules"),
    "stdp-dp-nmda",
    ("stdp_dp_nmda", "frequency_dp_nmda"),
    ("assumed",),
)
def _c1(r: Results) -> Finding:
    """Supported when, at 1 mM with voltage-dependent NMDA calcium (the DP_nmda set),
    pairing at +10 ms potentiates and at −20 ms depresses, and 1 Hz depresses while
    100 Hz potentiates."""
    dp = _need(r, "stdp_dp_nmda").change.sel(mg=1.0)
    fr = _need(r, "frequency_dp_nmda").change.sel(mg=1.0)
    ltp, ltd = float(dp.sel(dt=10.0)), float(dp.sel(dt=-20.0))
    low, high = float(fr.sel(freq=1)), float(fr.sel(freq=100))
    ok = ltp > 1 and ltd < 1 and low < 1 and high > 1
    return Finding(
        "supported" if ok else "not_supported",
        _(
            "STDP at 1 mM: ×{ltp} at Δt = +10 ms, ×{ltd} at −20 ms; 1 Hz ×{low}, 100 Hz ×{high}"
        ).format(ltp=_f(ltp, 3), ltd=_f(ltd, 3), low=_f(low, 3), high=_f(high, 3)),
        _(
            "Spine calcium sets the sign of the change: brief strong calcium potentiates, "
            "moderate calcium depresses. The model is built on this premise, so it "
            "reproduces the claim rather than tests it."
        ),
    )


@claim(
    "C3",
    _("Magnesium takes part in more than 600 enzymatic reactions."),
    "—",
    _("not modelled"),
    "claims",
    (),
    ("secondary",),
)
def _c3(r: Results) -> Finding:
    """Outside the model: it has no enzymes."""
    return Finding(
        "outside",
        None,
        _(
            "The model has no enzymes. Reviews give “more than 300” (the older figure; "
            "{older}) to “more than 600” ({newer}) enzymes that need or are regulated by "
            "magnesium; the number depends on what is counted."
        ).format(older=cite("grober_2015"), newer=cite("reddy_2018")),
        computed=False,
    )


@claim(
    "C4",
    _("Magnesium regulates the flow of calcium, sodium and potassium through channels."),
    _("receptors"),
    _("the NMDA receptor's Mg²⁺ block; other channels are not modelled"),
    "block",
    ("block",),
)
def _c4(r: Results) -> Finding:
    """Partly: the NMDA channel's block is modelled and measured; voltage-gated calcium,
    sodium and potassium channels are not."""
    b = _need(r, "block").B.sel(mg=1.0)
    rest, depol = float(b.sel(v=-65.0, method="nearest")), float(b.sel(v=0.0, method="nearest"))
    return Finding(
        "partly",
        _("NMDA channel open to {rest} of its current at −65 mV and {depol} at 0 mV (1 mM)").format(
            rest=_f(rest, 3), depol=_f(depol, 3)
        ),
        _(
            "Mg²⁺ blocks the NMDA channel's calcium and sodium current at rest (Jahr and "
            "Stevens' measured block). Mg's effects on voltage-gated calcium, sodium and "
            "potassium channels are not in the model."
        ),
        computed=False,
    )


@claim(
    "C5",
    _("Magnesium modulates NMDA and AMPA receptors."),
    _("receptors"),
    _("NMDA block over [Mg]o; AMPA has no Mg²⁺ block in the model"),
    "block",
    ("block",),
)
def _c5(r: Results) -> Finding:
    """Partly: the NMDA half is the model's core; AMPA receptors have no Mg block (true of
    GluA2-containing receptors), so that half is not supported."""
    b = _need(r, "block").B.sel(v=-65.0, method="nearest")
    lo, hi = float(b.sel(mg=0.8, method="nearest")), float(b.sel(mg=1.2, method="nearest"))
    return Finding(
        "partly",
        _("unblocked NMDA fraction at −65 mV: {lo} at 0.8 mM, {hi} at 1.2 mM ({change})").format(
            lo=_f(lo, 3), hi=_f(hi, 3), change=_pct(hi / lo - 1)
        ),
        _(
            "[Mg]o gates the NMDA receptor strongly at rest. AMPA receptors carry no Mg²⁺ "
            "block here, as measured for the GluA2-containing receptors of most "
            "principal cells; the model does not support that half of the claim."
        ),
        computed=False,
    )


@claim(
    "C8",
    _(
        "At rest Mg²⁺ guards the NMDA channel; depolarisation lifts it, and the calcium "
        "that enters drives LTP and LTD."
    ),
    _("synapse"),
    _("block curve, pairing with a holding potential"),
    "pairing",
    ("block", "pairing"),
)
def _c8(r: Results) -> Finding:
    """Supported when the channel is mostly blocked at −65 mV and mostly open at 0 mV, and
    pairing gives LTD at intermediate and LTP at depolarised holding potentials."""
    b = _need(r, "block").B.sel(mg=1.0)
    rest, depol = float(b.sel(v=-65.0, method="nearest")), float(b.sel(v=0.0, method="nearest"))
    pr = _need(r, "pairing").change.sel(mg=1.0)
    ltd = pr.hold.values[pr.values < 0.99]
    ltp = pr.hold.values[pr.values > 1.01]
    ok = rest < 0.1 and depol > 0.5 and ltd.size > 0 and ltp.size > 0 and ltp.min() > ltd.min()
    return Finding(
        "supported" if ok else "not_supported",
        _(
            "B(−65 mV) = {rest}, B(0 mV) = {depol}; pairing: LTD from {ltd} mV, LTP from {ltp} mV"
        ).format(
            rest=_f(rest, 3),
            depol=_f(depol, 3),
            ltd=f"{ltd.min():.0f}" if ltd.size else "—",
            ltp=f"{ltp.min():.0f}" if ltp.size else "—",
        ),
        _(
            "The measured block (Jahr and Stevens 1990) and the calcium-based rule give "
            "the claimed sequence: block at rest, relief by depolarisation, LTD for "
            "moderate and LTP for strong calcium entry."
        ),
    )


@claim(
    "C10",
    _("Balanced NMDA and AMPA signalling keeps the signal-to-noise ratio high (“clear thinking”)."),
    _("synapse, network"),
    _("calcium signal-to-noise over [Mg]o; recall of the memory network"),
    "snr",
    ("snr", "network_memory"),
)
def _c10(r: Results) -> Finding:
    """Partly when the synaptic signal-to-noise rises from 0.8 to 1.2 mM while recall at
    the higher [Mg]o is not better; supported when both improve; not supported when the
    signal-to-noise does not rise."""
    sn = _need(r, "snr").snr
    lo, hi = float(sn.sel(mg=0.8, method="nearest")), float(sn.sel(mg=1.2, method="nearest"))
    mem = _need(r, "network_memory").recall
    mgs = mem.mg.values
    high = float(mgs[mgs > 1.0].min()) if (mgs > 1.0).any() else float(mgs.max())
    d, noise = _recall_diff(mem.sel(mg=high), mem.sel(mg=1.0))
    if hi <= lo:
        verdict = "not_supported"
    elif d > noise:
        verdict = "supported"
    else:
        verdict = "partly"
    return Finding(
        verdict,
        _(
            "calcium SNR {lo} → {hi} (0.8 → 1.2 mM); recall at {high} mM minus 1 mM: {d} "
            "(noise ±{noise})"
        ).format(
            lo=_f(lo, 3), hi=_f(hi, 3), high=f"{high:g}", d=_f(d, 3, True), noise=_f(noise, 3)
        ),
        Joined(
            (
                _(
                    "More Mg²⁺ blocks chance coincidences more than correlated input, so the "
                    "ratio rises, while the signal itself shrinks."
                ),
                _("The memory network recalls better at the higher [Mg]o.")
                if verdict == "supported"
                else _(
                    "The memory network does not recall better: a higher ratio is not, in "
                    "the model, clearer thinking."
                ),
            ),
            " ",
        ),
    )


# --- the body --------------------------------------------------------------------


def _csf_change(ds: xr.Dataset) -> xr.DataArray:
    return ds.csf.isel(time=-1) / ds.csf.isel(time=0) - 1


SMALL_RISE = 0.02


@claim(
    "C11",
    _("Magnesium oxide and citrate barely change brain magnesium."),
    _("body"),
    _("12 weeks of each salt at the same elemental dose: CSF and neuronal Mg"),
    "pk-salts",
    ("pk_salts",),
    ("prior",),
)
def _c11(r: Results) -> Finding:
    """Supported when the median CSF rise of oxide and of citrate is below 2 %."""
    ds = _need(r, "pk_salts")
    b = {s: _band(_csf_change(ds.sel(salt=s))) for s in ("oxide", "citrate")}
    ok = all(v[0] < SMALL_RISE for v in b.values())
    return Finding(
        "supported" if ok else "not_supported",
        _("CSF Mg at day 84: oxide {oxide}, citrate {citrate} (median, 5–95 %)").format(
            oxide=_band_text(b["oxide"]), citrate=_band_text(b["citrate"])
        ),
        _(
            "The kidney excretes most absorbed Mg and the barrier exchanges slowly, so "
            "serum and CSF move by little whatever the salt."
        )
        if ok
        else _(
            "Oxide or citrate raises CSF Mg by 2 % or more (median), beyond what the rule "
            "counts as barely; the rise is still of the size MgT gives (C12)."
        ),
    )


@claim(
    "C12",
    _("Magnesium L-threonate crosses the blood–brain barrier and raises brain magnesium."),
    _("body"),
    _("12 weeks of 2 g/day L-threonate in people; Slutsky's regimen in rats"),
    "pk-rat",
    ("pk_salts", "pk_rat_mgt"),
    ("prior", "species", "one_lab", "industry"),
)
def _c12(r: Results) -> Finding:
    """Supported when the human CSF rise is at least 2 % (median) and the rat rise lies
    within Slutsky 2010's 7–15 %; partly when threonate raises CSF Mg more than oxide but
    by less; not supported otherwise."""
    ds = _need(r, "pk_salts")
    thr = _band(_csf_change(ds.sel(salt="threonate")))
    ox = _band(_csf_change(ds.sel(salt="oxide")))
    rat = _band(_csf_change(_need(r, "pk_rat_mgt")))
    if thr[0] >= SMALL_RISE and 0.07 <= rat[0] <= 0.15:
        verdict = "supported"
    elif thr[0] > ox[0] or rat[0] > 0:
        verdict = "partly"
    else:
        verdict = "not_supported"
    return Finding(
        verdict,
        _("CSF Mg: people {people} at day 84; rats {rat} at day 24 (published 7–15 %)").format(
            people=_band_text(thr), rat=_band_text(rat)
        ),
        Joined(
            (
                _("Brain Mg rises as published in rats and by at least 2 % in people.")
                if verdict == "supported"
                else _("Brain Mg rises, by less than published in rats.")
                if verdict == "partly"
                else _("Threonate does not raise brain Mg above oxide's."),
                _(
                    "How much threonate adds to neuronal uptake is a prior from one "
                    "laboratory's cell and rat work, not a measurement in people."
                ),
            ),
            " ",
        ),
    )


# --- the network -----------------------------------------------------------------


@claim(
    "C7",
    _("Magnesium keeps membranes stable and firing healthy."),
    _("network"),
    _("seizure-like events of MgNet-AdEx over [Mg]o"),
    "seizures",
    ("network_seizures",),
)
def _c7(r: Results) -> Finding:
    """Supported when the lowest [Mg]o gives seizure-like events and 1 mM gives fewer."""
    ev = _need(r, "network_seizures").event_rate
    ev = ev.mean([d for d in ev.dims if d != "mg"])
    low_mg = float(ev.mg.min())
    low, normal = float(ev.sel(mg=low_mg)), float(ev.sel(mg=1.0))
    ok = low > normal
    return Finding(
        "supported" if ok else "not_supported",
        _("seizure-like events: {low}/s at {mg} mM, {normal}/s at 1 mM").format(
            low=_f(low, 2), mg=f"{low_mg:g}", normal=_f(normal, 2)
        ),
        _(
            "Without Mg²⁺ the NMDA current is unblocked at rest and the network fires in "
            "bursts, as Mg-free medium does in brain slices. The effect needs [Mg]o far "
            "below what any diet reaches."
        ),
    )


@claim(
    "C9",
    _(
        "Too little magnesium makes NMDA receptors over-active; the excess calcium causes "
        "excitotoxic stress."
    ),
    _("network, slow"),
    _("excitotoxic load of the network and of the slow layer at low [Mg]o"),
    "energy",
    ("network_seizures", "chronic_low_mg"),
    ("assumed",),
)
def _c9(r: Results) -> Finding:
    """Supported when the network's excitotoxic load at the lowest [Mg]o exceeds that at
    1 mM and the slow layer loses release sites at its lowest [Mg]o."""
    load = _need(r, "network_seizures").ca_load_E
    load = load.mean([d for d in load.dims if d != "mg"])
    low_mg = float(load.mg.min())
    low, normal = float(load.sel(mg=low_mg)), float(load.sel(mg=1.0))
    slow = _need(r, "chronic_low_mg")
    sites = float(slow.synapse_density.isel(mg_o=0))
    ok = low > normal and sites < 1
    return Finding(
        "supported" if ok else "not_supported",
        _(
            "excitotoxic load of the network {low} at {mg} mM, {normal} at 1 mM; release "
            "sites {sites} after 14 days at {slow_mg} mM"
        ).format(
            low=f"{low:.3g}",
            mg=f"{low_mg:g}",
            normal=f"{normal:.3g}",
            sites=_f(sites, 3),
            slow_mg=f"{float(slow.mg_o.isel(mg_o=0)):g}",
        ),
        _(
            "The direction follows from the block. The damage threshold (twice the "
            "calcium set point) is a choice of the model, and the effect needs [Mg]o far "
            "below the physiological range."
        ),
    )


# --- the slow layer and the rat experiments ---------------------------------------


def _rat_effect(ds: xr.Dataset, var: str, age: str = "young") -> tuple[float, float, float]:
    """Treated − control on the last session: median and 5–95 % over prior samples."""
    last = ds.isel(session=-1).sel(age=age)
    return _band(last[var].sel(arm="treated") - last[var].sel(arm="control"))


@claim(
    "C2",
    _("Ageing, chronic stress, poor sleep and poor nutrition erode synapse density and function."),
    _("slow"),
    _("young against aged rats; a night without sleep; stress is not modelled"),
    "rat-regimen",
    ("chronic_rat_regimen", "chronic_sleep"),
    ("species",),
)
def _c2(r: Results) -> Finding:
    """Partly when aged control rats recall less than young ones (stress and diet quality
    are not modelled); not supported when they do not."""
    ds = _need(r, "chronic_rat_regimen").isel(session=-1).sel(arm="control")
    rec = ds.recall
    d, noise = _recall_diff(rec.sel(age="aged"), rec.sel(age="young"))
    stdp = _band(ds.stdp_change.sel(dt=10.0, age="aged") - ds.stdp_change.sel(dt=10.0, age="young"))
    return Finding(
        "partly" if d < -noise else "not_supported",
        _("aged minus young rats: recall {d} (noise ±{noise}), STDP at +10 ms {stdp}").format(
            d=_f(d, 3, True), noise=_f(noise, 3), stdp=_f(stdp[0], 3, True)
        ),
        _(
            "Ageing enters through a lower GluN2B share and cellular Mg (assumed sizes); "
            "sleep through nightly downscaling. Chronic stress and diet quality other than "
            "Mg are not in the model."
        ),
    )


@claim(
    "C6",
    _("Magnesium supports the mitochondrial ATP that synaptic signalling needs."),
    _("slow"),
    _("Mg-ATP availability at lowered neuronal [Mg]i"),
    "energy",
    ("chronic_low_mg",),
    ("assumed",),
)
def _c6(r: Results) -> Finding:
    """Supported when the lowest [Mg]i gives less Mg-ATP than the normal [Mg]i."""
    atp = _need(r, "chronic_low_mg").atp
    low, normal = float(atp.isel(mg_i_factor=0)), float(atp.sel(mg_i_factor=1.0))
    return Finding(
        "supported" if low < normal else "not_supported",
        _("Mg-ATP availability {low} at [Mg]i × {f} against {normal} at normal [Mg]i").format(
            low=_f(low, 3), f=f"{float(atp.mg_i_factor[0]):g}", normal=_f(normal, 3)
        ),
        _(
            "ATP is bound to Mg²⁺ in the cell; the model lets Mg-ATP follow [Mg]i against "
            "Howarth's signalling budget. Only a large fall of [Mg]i, not a supplement's "
            "rise, changes it."
        ),
    )


@claim(
    "C13",
    _("Magnesium L-threonate supports synapse density and plasticity."),
    _("slow"),
    _("Slutsky's regimen through the body and slow layer: release sites, STDP, recall"),
    "rat-regimen",
    ("chronic_rat_regimen",),
    ("species", "one_lab", "industry"),
)
def _c13(r: Results) -> Finding:
    """Supported when release sites rise and recall improves beyond noise; partly when
    only release sites rise; not supported otherwise."""
    ds = _need(r, "chronic_rat_regimen")
    sites = _rat_effect(ds, "session_synapse_density")
    last = ds.isel(session=-1).sel(age="young")
    d, noise = _recall_diff(last.recall.sel(arm="treated"), last.recall.sel(arm="control"))
    if sites[0] > 0 and d > noise:
        verdict = "supported"
    elif sites[0] > 0:
        verdict = "partly"
    else:
        verdict = "not_supported"
    return Finding(
        verdict,
        _("release sites {sites} (treated − control); recall {d} (noise ±{noise})").format(
            sites=_band_text(sites, pct=False), d=_f(d, 3, True), noise=_f(noise, 3)
        ),
        _("Release sites follow neuronal Mg up, and recall improves beyond network noise.")
        if verdict == "supported"
        else _(
            "Release sites follow neuronal Mg up, but the rise is small and the homeostat "
            "answers with GluN2B, so recall stays within network noise."
        )
        if verdict == "partly"
        else _("Release sites do not rise under MgT in the model."),
    )


@claim(
    "C14",
    _(
        "In rodents, MgT gave more hippocampal synapses, stronger LTP and better learning and "
        "memory (Slutsky 2010)."
    ),
    _("slow, network"),
    _("the rat regimen, young and aged: release sites, GluN2B, recall"),
    "rat-regimen",
    ("chronic_rat_regimen",),
    ("species", "one_lab", "industry"),
)
def _c14(r: Results) -> Finding:
    """Partly when the model reproduces the rise of release sites but not that of NR2B or
    of recall; contradicted when it reproduces neither the sites nor NR2B."""
    ds = _need(r, "chronic_rat_regimen")
    sites = _rat_effect(ds, "session_synapse_density", "aged")
    f2b = _rat_effect(ds, "session_f_2b", "aged")
    last = ds.isel(session=-1).sel(age="aged")
    d, noise = _recall_diff(last.recall.sel(arm="treated"), last.recall.sel(arm="control"))
    if sites[0] > 0 and f2b[0] > 0 and d > noise:
        verdict = "supported"
    elif sites[0] > 0 or f2b[0] > 0:
        verdict = "partly"
    else:
        verdict = "contradicted"
    sites_text = (
        _(
            "The model reproduces the rise of synapses (release sites) and the fall of "
            "release probability."
        )
        if sites[0] > 0
        else _("The model does not reproduce the rise of synapses.")
    )
    f2b_text = (
        _(
            "Its GluN2B share falls (median over prior draws) where the rats' NR2B rose: more "
            "release sites raise the background calcium and the homeostat answers."
        )
        if f2b[0] < 0
        else _("Its GluN2B share rises, as the rats' NR2B did.")
    )
    recall_text = (
        _("Recall improves beyond network noise.")
        if d > noise
        else _("Its effect on recall is within network noise.")
    )
    return Finding(
        verdict,
        _(
            "aged rats, treated − control: release sites {sites}, GluN2B share {f2b}, "
            "recall {d} (noise ±{noise})"
        ).format(
            sites=_band_text(sites, pct=False),
            f2b=_band_text(f2b, pct=False),
            d=_f(d, 3, True),
            noise=_f(noise, 3),
        ),
        Joined((sites_text, f2b_text, recall_text), " "),
    )


@claim(
    "C15",
    _(
        "More brain magnesium means better NMDA signalling, more plasticity proteins and a "
        "better excitation–inhibition balance."
    ),
    _("network, slow"),
    _("recall over [Mg]o (acute); GluN2B under the rat regimen (chronic)"),
    "memory",
    ("network_memory", "chronic_rat_regimen"),
    ("species",),
)
def _c15(r: Results) -> Finding:
    """Contradicted when recall at the next [Mg]o above 1 mM is lower beyond noise and
    the regimen lowers GluN2B; supported when both rise; partly otherwise."""
    mem = _need(r, "network_memory").recall
    mgs = mem.mg.values
    high = float(mgs[mgs > 1.0].min()) if (mgs > 1.0).any() else float(mgs.max())
    d, noise = _recall_diff(mem.sel(mg=high), mem.sel(mg=1.0))
    f2b = _rat_effect(_need(r, "chronic_rat_regimen"), "session_f_2b")
    if d < -noise and f2b[0] < 0:
        verdict = "contradicted"
    elif d > noise and f2b[0] > 0:
        verdict = "supported"
    else:
        verdict = "partly"
    return Finding(
        verdict,
        _(
            "recall at {high} mM minus 1 mM: {d} (noise ±{noise}); GluN2B share under MgT {f2b}"
        ).format(
            high=f"{high:g}", d=_f(d, 3, True), noise=_f(noise, 3), f2b=_band_text(f2b, pct=False)
        ),
        Joined(
            (
                _("Acutely, more Mg²⁺ blocks more NMDA current and the network learns less.")
                if d < -noise
                else _("Acutely, recall at higher [Mg]o is within network noise of 1 mM.")
                if d <= noise
                else _("Acutely, the network recalls better at higher [Mg]o."),
                _(
                    "Chronically, the homeostat answers the extra release sites by lowering "
                    "GluN2B (median over prior draws)."
                )
                if f2b[0] < 0
                else _("Chronically, the GluN2B share rises a little (median over prior draws)."),
            ),
            " ",
        ),
    )


@claim(
    "C16",
    _(
        "MgT prevents memory deficits caused by chemotherapy, by normalising inflammation "
        "(Zhou 2021)."
    ),
    _("slow"),
    _("brain Mg lowered as under oxaliplatin, with and without MgT"),
    "depletion",
    ("chronic_depletion",),
    ("species", "one_lab"),
)
def _c16(r: Results) -> Finding:
    """Not supported when MgT restores less than half of the depletion's fall of GluN2B;
    supported when it restores at least half. Inflammation is not modelled."""
    ds = _need(r, "chronic_depletion").isel(session=-1)
    f2b = ds.session_f_2b
    if "sample" in f2b.dims:
        f2b = f2b.median("sample")
    fall = float(
        f2b.sel(scenario="depleted", arm="treated") - f2b.sel(scenario="depleted", arm="control")
    )
    with_mgt = float(
        f2b.sel(scenario="depleted_mgt", arm="treated")
        - f2b.sel(scenario="depleted", arm="treated")
    )
    restored = -with_mgt / fall if fall < 0 else float("nan")
    ok = bool(fall < 0 and restored >= 0.5)
    return Finding(
        "supported" if ok else "not_supported",
        _(
            "GluN2B share: depletion {fall}; MgT restores {share} of that fall (negative: "
            "deepens it)"
        ).format(
            fall=_f(fall, 4, True),
            share="—" if np.isnan(restored) else f"{restored:+.0%}",
        ),
        Joined(
            (
                _("The model reproduces the fall of NR2B under depletion.")
                if fall < 0
                else _("The model does not reproduce the fall of NR2B under depletion."),
                _("MgT prevents at least half of it.")
                if ok
                else _("MgT's small rise of brain Mg does not prevent it."),
                _("Inflammation is not in the model."),
            ),
            " ",
        ),
    )


@claim(
    "C19",
    _(
        "Deep sleep consolidates memory and remodels synapses; magnesium acts directly and "
        "through sleep."
    ),
    _("network, slow"),
    _("a night of downscaling, with and without replay; the Mg → slow-wave link"),
    "sleep",
    ("chronic_sleep", "people_hausenblas2024"),
    ("prior",),
)
def _c19(r: Results) -> Finding:
    """Partly when replay during sleep keeps more recall than uniform downscaling (the
    model's consolidation) while the Mg → sleep link stays a prior centred on none."""
    s = _need(r, "chronic_sleep").recall
    s = s.mean([d for d in s.dims if d != "night"])
    replay, uniform, wake = (
        float(s.sel(night=n)) for n in ("sleep_replay", "sleep_uniform", "wake")
    )
    return Finding(
        "partly" if replay > uniform else "not_supported",
        _(
            "recall after a night: wake {wake}, uniform downscaling {uniform}, with replay {replay}"
        ).format(wake=_f(wake, 3), uniform=_f(uniform, 3), replay=_f(replay, 3)),
        _(
            "Sleep remodels synapses in the model (downscaling calibrated to de Vivo "
            "2017), and replay protects what was learned. Whether Mg deepens sleep is a "
            "prior centred on no effect: the model cannot say."
        ),
    )


@claim(
    "C20",
    _(
        "The mechanisms: NMDA/AMPA tuning, synapse density and spines, mitochondrial energy, "
        "recovery in sleep."
    ),
    _("all scales"),
    _("each slow pathway switched off in turn (rats and the Liu 2016 trial)"),
    "decomposition",
    ("chronic_decomposition", "people_pathways"),
)
def _c20(r: Results) -> Finding:
    """Partly when the pathways exist but their sum is within noise (or negative);
    supported when the combined recall effect is positive beyond two standard errors."""
    dec = _need(r, "chronic_decomposition")
    eff, sem = float(dec.effect.sel(left_out="none")), float(dec.effect_sem.sel(left_out="none"))
    var = _need(r, "people_pathways")
    d_all = float(var.d_median.sel(variant="all"))
    best = str(var.variant.values[int(np.argmax(var.d_median.values))])
    return Finding(
        "supported" if eff > (2 * sem if np.isfinite(sem) else 0.02) else "partly",
        _(
            "rats: recall effect {eff} ± {sem}; trial d {d_all} with every pathway, {d_best} "
            "at best (“{best}”)"
        ).format(
            eff=_f(eff, 3, True),
            sem=_f(sem, 3) if np.isfinite(sem) else "0.02",
            d_all=_f(d_all, 2, True),
            d_best=_f(float(var.d_median.max()), 2, True),
            best=best,
        ),
        _(
            "Each mechanism is in the model, but they push against each other: more "
            "release sites raise background calcium and the GluN2B homeostat undoes "
            "their gain."
        ),
    )


# --- people ----------------------------------------------------------------------


@claim(
    "C17",
    _(
        "In a trial in older adults (MMFS-01), MgT improved composite cognition and made "
        "“brain age” younger (Liu 2016)."
    ),
    _("people"),
    _("the published design, replicated and analysed as published"),
    "liu2016",
    ("people_liu2016",),
    ("industry", "small_n"),
)
def _c17(r: Results) -> Finding:
    """Supported when the published d lies inside the predicted 90 % interval and power
    is at least 0.5; partly when it lies inside; contradicted when the whole interval is
    below zero; not supported otherwise."""
    ds = _need(r, "people_liu2016")
    s = _summary(ds)
    design = load_design("liu2016")
    gap = trial_gap(ds, design) if "readout_age" in ds else None
    lo, hi = s["d_90"]
    if s["published_inside_90"] and s["power"] >= 0.5:
        verdict = "supported"
    elif s["published_inside_90"]:
        verdict = "partly"
    elif hi < 0:
        verdict = "contradicted"
    else:
        verdict = "not_supported"
    return Finding(
        verdict,
        _("predicted d {d} (90 %: {lo} to {hi}), published {published}; power {power}").format(
            d=_f(s["d_median"], 2, True),
            lo=_f(lo, 2, True),
            hi=_f(hi, 2, True),
            published=_f(float(design.published["d"]), 2),
            power=_f(s["power"], 2),
        ),
        _(
            "Fed the trial's doses and people, the mechanism moves the treated arm's "
            "readout age (the age whose readouts match a person's) by {shift} years against "
            "placebo in 12 weeks; the published effect would need {needed} years."
        ).format(
            shift=_f(gap["predicted_shift_median"], 1, True),
            needed=_f(gap["needed_shift_median"], 1, True),
        )
        if gap
        else _("The trial's replicates do not carry readout ages."),
    )


@claim(
    "C18",
    _(
        "In a trial in people with sleep complaints, MgT improved deep and REM sleep, "
        "alertness and mood (Hausenblas 2024)."
    ),
    _("people"),
    _("the published design, deep sleep by day 21"),
    "hausenblas2024",
    ("people_hausenblas2024",),
    ("industry", "small_n", "prior"),
)
def _c18(r: Results) -> Finding:
    """Supported when at least half the replicates are significant; not supported when
    fewer than a fifth are; partly between."""
    s = _summary(_need(r, "people_hausenblas2024"))
    lo, hi = s["d_90"]
    verdict = (
        "supported" if s["power"] >= 0.5 else "not_supported" if s["power"] < 0.2 else "partly"
    )
    return Finding(
        verdict,
        _("predicted d {d} (90 %: {lo} to {hi}); power {power}; |d| ≥ {need} needed").format(
            d=_f(s["d_median"], 2, True),
            lo=_f(lo, 2, True),
            hi=_f(hi, 2, True),
            power=_f(s["power"], 2),
            need=_f(s["d_significant"], 2),
        ),
        _(
            "The model knows no path from brain Mg to deeper sleep beyond a prior centred "
            "on none; REM sleep, alertness and mood are not modelled."
        ),
    )


@claim(
    "C21",
    _(
        "Lifestyle — sleep, mental challenge, exercise, a magnesium-rich diet, stress control "
        "— works in synergy."
    ),
    _("people"),
    _(
        "dietary Mg and sleep are covariates of the virtual people; exercise, stress and "
        "mental challenge are not modelled"
    ),
    "liu2016",
    ("people_liu2016",),
)
def _c21(r: Results) -> Finding:
    """Outside the model: of the five factors only diet and sleep are in it, and synergy
    between them is not tested."""
    ds = _need(r, "people_liu2016")
    diet = ds.dietary_mg.values if "dietary_mg" in ds else np.array([np.nan])
    return Finding(
        "outside",
        _("dietary Mg of the virtual people: median {median} mg/day").format(
            median=f"{float(np.nanmedian(diet)):.0f}"
        ),
        _(
            "Exercise, mental challenge and stress are not in the model, so synergy "
            "cannot be tested."
        ),
        computed=False,
    )


ORDER = tuple(f"C{k}" for k in range(1, 22))


@dataclass(frozen=True)
class Assessment:
    """A claim with the model's finding."""

    claim: Claim
    finding: Finding


def audit(results: Results) -> list[Assessment]:
    """Judge every claim from the study's results (a mapping of result name to dataset,
    as written by :func:`magsynapse.study.run_study`).

    Examples
    --------
    >>> [c for c in ORDER if c not in CLAIMS]
    []
    """
    missing = [c for c in ORDER if c not in CLAIMS]
    if missing:
        raise MagsynapseError(f"claims without a judge: {', '.join(missing)}")
    return [Assessment(CLAIMS[c], CLAIMS[c].judge(results)) for c in ORDER]
