"""The chronic experiments (docs/specification.md §8): each returns a dataset that a
test checks, a figure shows and the report's chapter "Weeks, not minutes" reads.

* :func:`acute_versus_chronic` — brain [Mg]o raised and held: recall at day 0 (acute
  block) and over weeks, for homeostat gains;
* :func:`rat_regimen` — Slutsky et al. (2010)'s MgT regimen in young and aged rats, with
  DP_nmda STDP on the adapted synapse;
* :func:`depletion` — brain Mg lowered as under oxaliplatin (Zhou et al. 2021), alone
  and with MgT;
* :func:`low_mg_states` — excitotoxic synapse loss and ATP over [Mg]o and [Mg]i (no
  network);
* :func:`decomposition` — each pathway's share of a regimen's effect on recall.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..conditions import make_conditions
from ..results import annotate
from ..slow import PATHWAYS, constant_drivers, integrate, slow_parameters
from ..slow.integrate import Drivers
from ..synapse import stdp
from .run import SessionProtocol, background_calcium, chronic

#: Slutsky et al. (2010): MgT in the drinking water of rats.
RAT_MGT = {"salt": "threonate", "dose": "604mg/kg/day"}


def _effect(ds: xr.Dataset, var: str = "recall", sem: bool = False) -> xr.DataArray:
    """Treated minus control, averaged over network seeds (or its standard error)."""
    d = ds[var].sel(arm="treated") - ds[var].sel(arm="control")
    if not sem:
        return d.mean("network_seed")
    n = d.sizes["network_seed"]
    return d.std("network_seed", ddof=1) / np.sqrt(n) if n > 1 else d.mean("network_seed") * np.nan


def acute_versus_chronic(
    mg_clamp: float = 2.0,
    gains: Sequence[float] = (0.25, 1.0, 4.0),
    sessions: Sequence[float] = (0, 3, 7, 14, 28),
    network_seeds: int = 2,
    seed: int = 1,
) -> xr.Dataset:
    """Brain [Mg]o clamped at ``mg_clamp`` (mM) in rats for the last session's days, for
    each homeostat gain: the treated arm's recall against control's at each session.

    Day 0 is the acute effect (the block alone); later sessions add what the slow layer
    did. Returns the chronic result over ``gain`` with ``recall_effect`` (treated −
    control, mean over network seeds) over (``gain``, ``session``).

    Examples
    --------
    >>> ds = acute_versus_chronic(gains=[1.0], sessions=[0, 1], network_seeds=1)
    >>> float(ds.recall_effect.sel(gain=1.0, session=0)) < 0
    True
    """
    runs = [
        chronic(
            "rat",
            mg_clamp=mg_clamp,
            days=float(max(sessions)),
            sessions=list(sessions),
            seed=seed,
            protocol=SessionProtocol(network_seeds=network_seeds),
            slow_values={"gain": g},
        )
        for g in gains
    ]
    ds = xr.concat(runs, dim="gain", combine_attrs="override").assign_coords(gain=list(gains))
    ds.gain.attrs.update(units="1", long_name="homeostat gain")
    ds["recall_effect"] = _effect(ds).assign_attrs(
        units="1", long_name="recall, treated minus control (mean over network seeds)"
    )
    ds["recall_effect_sem"] = _effect(ds, sem=True).assign_attrs(
        units="1", long_name="standard error of the recall effect over network seeds"
    )
    return ds


def _adapted_stdp(ds: xr.Dataset, dt: Sequence[float]) -> xr.DataArray:
    """DP_nmda STDP at the sessions' conditions (the adapted synapse)."""
    names = ("mg_o", "f_2b", "synapse_density", "release_probability")
    states = {n: ds[f"session_{n}"] for n in names}
    stacked = xr.Dataset(states)
    dims = stacked["mg_o"].dims
    conditions = make_conditions(
        **{n: stacked[n].transpose(*dims).values for n in names},
        dims=dims,
        coords={d: stacked[d].values for d in dims if d in stacked.coords},
    )
    res = stdp(dt, conditions=conditions, parameter_set="DP_nmda", calcium="nmda_voltage")
    return res.change


def rat_regimen(
    samples: int = 0,
    seed: int = 1,
    days: float = 28.0,
    network_seeds: int = 2,
    dt: Sequence[float] = (-20.0, 10.0),
) -> xr.Dataset:
    """Slutsky et al. (2010): 604 mg/kg/day MgT for ``days`` in young and aged rats,
    sessions on day 0 and the last day; ``stdp_change`` is DP_nmda STDP (pairs at ``dt``
    ms) on the adapted synapse, over (``age``, ``arm``, ``session``, ``dt``).

    Examples
    --------
    >>> ds = rat_regimen(days=1, network_seeds=1)
    >>> ds.stdp_change.dims
    ('age', 'arm', 'session', 'dt')
    """
    ds = chronic(
        "rat",
        **RAT_MGT,
        days=days,
        ages=["young", "aged"],
        sessions=[0, days],
        samples=samples,
        seed=seed,
        protocol=SessionProtocol(network_seeds=network_seeds),
    )
    ds["stdp_change"] = _adapted_stdp(ds, dt).assign_attrs(
        units="1", long_name="DP_nmda STDP change on the adapted synapse"
    )
    return ds


def depletion(
    factor: float = 0.75, days: float = 14.0, network_seeds: int = 2, seed: int = 1
) -> xr.Dataset:
    """Zhou et al. (2021): serum and CSF free Mg 0.8 → 0.6 mM (``factor``) in rats, alone
    and with MgT (604 mg/kg/day) from day 0; over ``scenario`` (``depleted``,
    ``depleted_mgt``).

    Examples
    --------
    >>> ds = depletion(days=1, network_seeds=1)
    >>> [str(v) for v in ds.scenario.values]
    ['depleted', 'depleted_mgt']
    """
    common = {
        "days": days,
        "sessions": [0, days],
        "depletion": factor,
        "seed": seed,
        "protocol": SessionProtocol(network_seeds=network_seeds),
    }
    runs = [chronic("rat", **common), chronic("rat", **RAT_MGT, **common)]
    ds = xr.concat(runs, dim="scenario", combine_attrs="override")
    return ds.assign_coords(scenario=["depleted", "depleted_mgt"])


def low_mg_states(
    mg_o: Sequence[float] = (0.1, 0.2, 0.4, 0.6, 0.8, 1.2),
    mg_i_factors: Sequence[float] = (0.05, 0.1, 0.2, 0.5, 1.0),
    days: float = 14.0,
) -> xr.Dataset:
    """The slow layer alone (rats, reference [Mg]o 0.8 mM, [Mg]i 0.5 mM): brain [Mg]o
    held at each of ``mg_o`` (excitotoxic load and synapse loss), and neuronal [Mg]i
    lowered by each of ``mg_i_factors`` with [Mg]o raised to 1.2 mM (ATP, and the
    homeostat it slows).

    Examples
    --------
    >>> ds = low_mg_states(mg_o=[0.1, 0.8], mg_i_factors=[1.0], days=2)
    >>> bool(ds.excitotoxic_load.sel(mg_o=0.1) > 0)
    True
    """
    calcium = background_calcium()
    ps = slow_parameters("rat")
    base = constant_drivers(0.8, 0.5, days=days)
    clamp = [
        integrate(base.clamped(m), calcium, ps, pathways=["excitotoxicity"]).isel(time=-1, sample=0)
        for m in mg_o
    ]
    energy = []
    for f in mg_i_factors:
        d = base.clamped(1.2)
        d = Drivers(d.time, d.mg_o, d.mg_i * f, d.mg_o_ref, d.mg_i_ref)
        energy.append(integrate(d, calcium, ps, pathways=["energy", "homeostasis"]).isel(sample=0))
    out = xr.Dataset(
        {
            "excitotoxic_load": ("mg_o", [float(r.excitotoxic_load) for r in clamp]),
            "synapse_density": ("mg_o", [float(r.synapse_density) for r in clamp]),
            "calcium": ("mg_o", [float(r.calcium) for r in clamp]),
        },
        coords={"mg_o": list(mg_o)},
    )
    e = xr.concat(energy, dim="mg_i_factor").assign_coords(mg_i_factor=list(mg_i_factors))
    out["atp"] = e.atp.isel(time=-1)
    out["f_2b_energy"] = e.f_2b
    out = out.drop_vars(["sample"], errors="ignore")
    out.mg_o.attrs["units"] = "mM"
    for name, unit, long in (
        ("excitotoxic_load", "1", f"excitotoxic load after {days:g} days"),
        ("synapse_density", "1", f"release sites after {days:g} days"),
        ("calcium", "1", "background calcium relative to its set point"),
        ("atp", "1", f"Mg-ATP availability after {days:g} days"),
        ("f_2b_energy", "1", "GluN2B share after [Mg]o 0.8 -> 1.2 mM, at each [Mg]i"),
    ):
        out[name].attrs.update(units=unit, long_name=long)
    return annotate(
        out,
        title="slow layer in low-Mg states",
        config={"mg_o": list(mg_o), "mg_i_factors": list(mg_i_factors), "days": days},
        parameter_sets=[ps],
        references={"slutsky_2004", "howarth_2012", "romani_2011"},
        seed=None,
    )


def decomposition(days: float = 28.0, network_seeds: int = 3, seed: int = 1) -> xr.Dataset:
    """Each pathway's share of the rat regimen's effect on recall (young rats): the
    effect with every pathway, with none, and with each one left out; a pathway's share
    is what leaving it out removes.

    Returns ``effect`` (treated − control recall on the last day, mean over network
    seeds) and ``f_2b_effect``, ``density_effect`` over ``left_out`` (``none`` = every
    pathway on, ``all`` = every pathway off, then each pathway).

    Examples
    --------
    >>> ds = decomposition(days=1, network_seeds=1)
    >>> [str(v) for v in ds.left_out.values][:2]
    ['none', 'all']
    """
    names = list(PATHWAYS)
    variants = {"none": names, "all": [], **{p: [q for q in names if q != p] for p in names}}
    rows = {}
    for label, active in variants.items():
        ds = chronic(
            "rat",
            **RAT_MGT,
            days=days,
            sessions=[days],
            pathways=active,
            seed=seed,
            protocol=SessionProtocol(network_seeds=network_seeds),
        )
        last = ds.isel(session=-1)
        rows[label] = {
            "effect": float(_effect(last)),
            "effect_sem": float(_effect(last, sem=True)),
            "snr_effect": float(_effect(last, "snr")),
            "f_2b_effect": float(
                last.session_f_2b.sel(arm="treated") - last.session_f_2b.sel(arm="control")
            ),
            "density_effect": float(
                last.session_synapse_density.sel(arm="treated")
                - last.session_synapse_density.sel(arm="control")
            ),
        }
    labels = list(rows)
    out = xr.Dataset(
        {k: ("left_out", [rows[lab][k] for lab in labels]) for k in rows["none"]},
        coords={"left_out": labels},
    )
    out["share"] = (out.effect.sel(left_out="none") - out.effect).where(
        ~out.left_out.isin(["none", "all"])
    )
    for name, long in (
        ("effect", "recall effect of the regimen (treated - control)"),
        ("effect_sem", "its standard error over network seeds"),
        ("snr_effect", "signal-to-noise effect of the regimen"),
        ("f_2b_effect", "GluN2B share, treated - control"),
        ("density_effect", "release sites, treated - control"),
        ("share", "recall effect removed by leaving the pathway out"),
    ):
        out[name].attrs.update(units="1", long_name=long)
    out.attrs = dict(ds.attrs)
    out.attrs["title"] = "decomposition of the rat regimen's effect by pathway"
    return out
