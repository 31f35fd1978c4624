"""The people experiments of the default study (docs/people.md): a cohort at baseline,
the Liu et al. (2016) design as a prediction, who responds, what would close the gap to
the published effect, and power versus size."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..results import annotate
from .design import Design, load_design
from .trial import cohort, power_curve, run_trial

#: Slow-pathway variants of the gap experiment: every pathway, and each slow mechanism
#: the article invokes left out.
VARIANTS = {
    "all": "energy,homeostasis,density,excitotoxicity,sleep",
    "without density": "energy,homeostasis,excitotoxicity,sleep",
    "without homeostasis": "energy,density,excitotoxicity,sleep",
    "[Mg]o alone": "",
}


def baseline_cohort(n: int = 400, seed: int = 1) -> xr.Dataset:
    """A cohort of ``n`` people aged 35-75 at baseline."""
    return cohort(n, age=(35.0, 75.0), seed=seed)


def liu2016(replicates: int = 200, seed: int = 1, **kwargs) -> xr.Dataset:
    """The Liu et al. (2016) design, ``replicates`` replicates."""
    return run_trial(load_design("liu2016"), replicates, seed=seed, progress=False, **kwargs)


def hausenblas2024(replicates: int = 100, seed: int = 1, **kwargs) -> xr.Dataset:
    """The Hausenblas et al. (2024) design, ``replicates`` replicates."""
    return run_trial(load_design("hausenblas2024"), replicates, seed=seed, progress=False, **kwargs)


def _readout_shift(ds: xr.Dataset, k: int) -> np.ndarray:
    """Per replicate: mean change of readout age (over tests) of the treated arm minus
    the control's, completers only (years; no test noise: the mechanism's own shift)."""
    change = (ds.readout_age.isel(visit=k) - ds.readout_age.isel(visit=0)).mean("test")
    done = ds.completer
    t = change.where(done & ds.treated).mean("subject")
    c = change.where(done & ~ds.treated).mean("subject")
    return (t - c).values


def responders(ds: xr.Dataset) -> xr.Dataset:
    """Who responds: each treated completer's mechanistic change of readout age by the
    final visit (years, negative: younger) beside their covariates, and its median by
    tertile of each covariate.

    Examples
    --------
    >>> r = responders(liu2016(2))  # doctest: +SKIP
    """
    change = (ds.readout_age.isel(visit=-1) - ds.readout_age.isel(visit=0)).mean("test")
    sel = (ds.completer & ds.treated).values.ravel()
    out = xr.Dataset(
        {
            "readout_age_change": ("person", change.values.ravel()[sel]),
            **{
                name: ("person", ds[name].values.ravel()[sel])
                for name in ("age", "weight", "dietary_mg", "cellular_mg", "sleep_hours")
            },
        }
    )
    out.readout_age_change.attrs.update(
        units="y", long_name="change of readout age by the final visit (treated completers)"
    )
    tertiles = {}
    for name in ("age", "weight", "dietary_mg", "cellular_mg"):
        x = out[name].values
        edges = np.quantile(x, [1 / 3, 2 / 3])
        group = np.digitize(x, edges)
        tertiles[name] = [
            float(np.median(out.readout_age_change.values[group == g])) for g in range(3)
        ]
        out[f"{name}_correlation"] = ((), float(np.corrcoef(x, out.readout_age_change)[0, 1]))
    out["tertile_median"] = (
        ("covariate", "tertile"),
        np.array(list(tertiles.values())),
        {"units": "y", "long_name": "median change of readout age by covariate tertile"},
    )
    return out.assign_coords(covariate=list(tertiles), tertile=["low", "middle", "high"])


def gap(ds: xr.Dataset, design: Design) -> dict[str, float]:
    """What the mechanism does against what the published d would need.

    The predicted shift is the treated arm's mean change of readout age minus the
    control's (median over replicates). The needed shift is the readout-age change that
    would give the published d: d_published × SD(composite change, control) / (composite
    change per year of readout-age change), each from the replicate's own people, median
    over replicates.
    """
    k = list(ds.visit.values).index(design.visit)
    predicted = _readout_shift(ds, k)
    needed = []
    for i in range(ds.sizes["replicate"]):
        r = ds.isel(replicate=i)
        done = r.completer.values
        x = (r.readout_age.isel(visit=k) - r.readout_age.isel(visit=0)).mean("test").values[done]
        y = (r.composite.isel(visit=k) - r.composite.isel(visit=0)).values[done]
        control = ~r.treated.values[done]
        slope = np.polyfit(x, y, 1)[0] if np.ptp(x) > 0 else np.nan
        needed.append(float(design.published.get("d", np.nan)) * y[control].std(ddof=1) / slope)
    return {
        "predicted_shift_median": float(np.median(predicted)),
        "predicted_shift_90": [float(np.quantile(predicted, q)) for q in (0.05, 0.95)],
        "needed_shift_median": float(np.nanmedian(needed)),
    }


def pathway_variants(
    replicates: int = 40, seed: int = 1, variants: Sequence[str] = tuple(VARIANTS)
) -> xr.Dataset:
    """The Liu 2016 design with slow pathways left out (common random numbers): median
    d and median readout-age shift per variant."""
    design = load_design("liu2016")
    k = list(design.visits).index(design.visit)
    d, shift, lo, hi = [], [], [], []
    for name in variants:
        ds = liu2016(replicates, seed, pathways=VARIANTS[name])
        d.append(float(ds.d.median()))
        lo.append(float(ds.d.quantile(0.05)))
        hi.append(float(ds.d.quantile(0.95)))
        shift.append(float(np.median(_readout_shift(ds, k))))
    out = xr.Dataset(
        {
            "d_median": ("variant", d, {"units": "1", "long_name": "median of d"}),
            "d_low": ("variant", lo, {"units": "1", "long_name": "5 % quantile of d"}),
            "d_high": ("variant", hi, {"units": "1", "long_name": "95 % quantile of d"}),
            "readout_age_shift": (
                "variant",
                shift,
                {"units": "y", "long_name": "median treated minus control change of readout age"},
            ),
        },
        coords={"variant": list(variants)},
    )
    return annotate(
        out,
        title="Liu 2016 design with slow pathways left out",
        config={"replicates": replicates, "variants": {v: VARIANTS[v] for v in variants}},
        references={"liu_2016"},
        seed=seed,
    )


def power(
    sizes: Sequence[int] = (20, 60, 120, 240), replicates: int = 40, seed: int = 1
) -> xr.Dataset:
    """Power of the Liu 2016 design versus the number enrolled."""
    return power_curve(load_design("liu2016"), sizes, replicates, seed=seed, progress=False)
