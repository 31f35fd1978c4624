"""Run the PK model: regimens in, labelled trajectories out (``magsynapse pk``).

:func:`simulate` starts from the diet-only periodic steady state (the baseline), applies a
regimen and returns an ``xarray.Dataset`` over ``time`` (h) — and ``sample`` when parameters
are drawn from their priors — with the observables of docs/specification.md §7 in mM and mmol.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from ..errors import MagsynapseError
from ..limits import check_memory
from ..provenance import ParameterSet
from ..random import check_seed
from ..results import annotate, quantiles
from .baseline import baseline
from .equations import BODY, GUT, IDX, N_STATES, derive
from .params import pk_parameters
from .priors import parameter_arrays
from .regimen import Regimen, make_regimen
from .salts import SALTS
from .solvers import DEFAULT_SOLVER, get_solver, integrate

#: Observables: name → (units, description).
OBSERVABLES = {
    "serum_total": ("mM", "total serum Mg"),
    "serum_ionized": ("mM", "ionised serum Mg"),
    "csf": ("mM", "CSF Mg"),
    "mg_o": ("mM", "brain interstitial Mg, the synapse's [Mg]o"),
    "mg_i": ("mM", "free intraneuronal Mg"),
    "dose_cum": ("mmol", "Mg taken in (diet and supplement, oral and i.v.) since t = 0"),
    "supplement_cum": ("mmol", "Mg taken as supplement since t = 0"),
    "gut": ("mmol", "Mg still in the intestinal lumen"),
    "absorbed_cum": ("mmol", "Mg absorbed (or infused) since t = 0"),
    "feces_cum": ("mmol", "Mg lost in faeces since t = 0"),
    "urine_cum": ("mmol", "Mg excreted in urine since t = 0"),
    "clamp_cum": ("mmol", "Mg added by the plasma clamp since t = 0"),
    "body_total": ("mmol", "all Mg in the body outside the intestinal lumen"),
    "threonate_brain": ("mM", "brain threonate"),
}


def observables(states: np.ndarray, p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Observables from states of shape (..., n_samples, N_STATES)."""
    s = states

    def st(name: str) -> np.ndarray:
        return s[..., IDX[name]]

    serum = st("plasma") / p["v_plasma"]
    return {
        "serum_total": serum,
        "serum_ionized": p["f_ion"] * serum,
        "csf": st("csf") / p["v_csf"],
        "mg_o": st("isf") / p["v_isf"],
        "mg_i": st("neuron") / (p["v_neuron"] * (1.0 + p["buffer"])),
        "dose_cum": st("dose_cum"),
        "supplement_cum": st("supplement_cum"),
        "gut": sum(st(k) for k in GUT) + st("gut_unavail"),
        "absorbed_cum": st("absorbed_cum"),
        "feces_cum": st("feces_cum"),
        "urine_cum": st("urine_cum"),
        "clamp_cum": st("clamp_cum"),
        "body_total": sum(st(k) for k in BODY),
        "threonate_brain": np.maximum(st("thr_brain"), 0.0) / p["v_isf"],
    }


def run_states(
    regimen: Regimen,
    params: ParameterSet,
    t_out: np.ndarray,
    samples: int = 0,
    seed: int | None = None,
    *,
    solver: str = DEFAULT_SOLVER,
    entities: Sequence[Mapping[str, object]] | None = None,
    values: Mapping[str, object] | None = None,
    factors: Mapping[str, object] | None = None,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """States at ``t_out`` (shape (len(t_out), n, N_STATES)) and the parameter arrays.

    One sample (``samples=0``, nominal parameters) or ``samples`` draws (with ``seed``),
    from the diet-only baseline, integrated by ``solver`` (a name in
    :data:`~magsynapse.body.solvers.SOLVERS`) for the baseline and the regimen alike;
    ``entities``, ``values`` and ``factors`` as
    :func:`~magsynapse.body.priors.parameter_arrays`.

    Examples
    --------
    >>> from magsynapse.body import make_regimen, pk_parameters
    >>> reg = make_regimen("oxide", dose_elemental="300mg/day", days=1)
    >>> states, p = run_states(reg, pk_parameters("human"), np.array([0.0, 12.0]))
    >>> states.shape[:2], len(p["gfr"])
    ((2, 1), 1)
    """
    get_solver(solver)
    n = samples if samples else 1
    p = parameter_arrays(
        params,
        n,
        seed if samples else None,
        entities=entities,
        values=values,
        factors=factors,
    )
    r = derive(p)
    y0 = baseline(r, p, solver=solver)
    return integrate(y0, regimen, r, p, t_out, solver=solver), p


def _time_grid(regimen: Regimen, step_h: float | None, samples: int = 0) -> np.ndarray:
    if step_h is None:
        step_h = 0.25 if regimen.hours <= 72 else (6.0 if samples else 1.0)
    if not step_h > 0:
        raise MagsynapseError(f"step: must be > 0 h (got {step_h})")
    n = np.floor(regimen.hours / step_h + 1e-9)
    # the states at every output time and sample, and the dataset built from them
    check_memory(
        "the PK run",
        (n + 1.0) * max(samples, 1) * N_STATES * 8.0 * 3.0,
        f"{n + 1:.3g} output times x {max(samples, 1)} sample(s)",
    )
    return np.round(np.arange(int(n) + 1) * step_h, 9)


def simulate(
    regimen: Regimen,
    species: str = "human",
    *,
    samples: int = 0,
    seed: int | None = None,
    step_h: float | None = None,
    params: ParameterSet | None = None,
    solver: str = DEFAULT_SOLVER,
    entities: Sequence[Mapping[str, object]] | None = None,
    values: Mapping[str, object] | None = None,
    factors: Mapping[str, object] | None = None,
    bands: bool = True,
) -> xr.Dataset:
    """Simulate a regimen from the diet-only baseline.

    Parameters
    ----------
    regimen : Regimen
        From :func:`~magsynapse.body.regimen.make_regimen` (or built directly).
    species : {"human", "rat"}
        Parameter set.
    samples : int
        0: nominal parameters; N > 0: N draws from the parameter priors (needs ``seed``),
        adding a ``sample`` dimension and 5/50/95 % bands (``*_band`` over ``quantile``).
    seed : int, optional
        Root seed of the draws; sample k always uses the stream (seed, k).
    step_h : float, optional
        Output spacing in hours (default 0.25 h up to 3 days, else 1 h, or 6 h when
        sampling).
    params : ParameterSet, optional
        Use these parameters instead of the species' set.
    solver : str
        ODE solver, the same for one sample or many: ``"dp5"`` (default; adaptive
        Dormand–Prince 5(4), compiled, every sample on its own steps) or ``"lsoda"``
        (scipy); see :mod:`magsynapse.body.solvers`. Recorded in the result's config.

    Returns
    -------
    xarray.Dataset
        Observables (see :data:`OBSERVABLES`) over ``time`` (h).

    Examples
    --------
    >>> from magsynapse.body import make_regimen
    >>> ds = simulate(make_regimen("threonate", dose="2g/day", days=2))
    >>> 0.75 < float(ds.serum_total.max()) < 0.95
    True
    """
    if samples < 0:
        raise MagsynapseError(f"samples: must be >= 0 (got {samples})")
    if samples and seed is None:
        raise MagsynapseError("seed: drawing samples needs a seed (an integer)")
    if samples:
        seed = check_seed(seed)
    get_solver(solver)
    ps = params if params is not None else pk_parameters(species)
    t_out = _time_grid(regimen, step_h, samples)
    states, p = run_states(
        regimen,
        ps,
        t_out,
        samples,
        seed,
        solver=solver,
        entities=entities,
        values=values,
        factors=factors,
    )
    obs = observables(states, p)
    if samples:
        data = {k: (("time", "sample"), v) for k, v in obs.items()}
        coords = {"time": t_out, "sample": np.arange(samples)}
    else:
        data = {k: ("time", v[:, 0]) for k, v in obs.items()}
        coords = {"time": t_out}
    ds = xr.Dataset(data, coords=coords)
    for k, (unit, desc) in OBSERVABLES.items():
        ds[k].attrs.update(units=unit, long_name=desc)
    ds.time.attrs.update(units="h", long_name="time since the start (08:00 of day 0)")
    if samples and bands:
        q = quantiles(ds[list(OBSERVABLES)], [0.05, 0.5, 0.95], "sample")
        for k in OBSERVABLES:
            ds[f"{k}_band"] = q[k].transpose("quantile", "time")
            ds[f"{k}_band"].attrs.update(
                units=OBSERVABLES[k][0], long_name=f"5, 50 and 95 % quantiles of {k}"
            )
    used = [ps]
    if regimen.salt is not None:
        used.append(
            ParameterSet(
                f"salt_{regimen.salt.name}", "salt", {"availability": regimen.salt.availability}
            )
        )
    config = {
        "species": species if params is None else params.name,
        "salt": regimen.salt.name if regimen.salt else "none",
        "mmol_per_administration": regimen.mmol_per_administration,
        "schedule": regimen.schedule,
        "days": regimen.days,
        "start_day": regimen.start_day,
        "stop_day": regimen.stop_day or regimen.days,
        "with_meal": regimen.with_meal,
        "diet": regimen.diet,
        "clamp_factor": regimen.clamp_factor,
        "clamp_hours": regimen.clamp_hours,
        "samples": samples,
        "solver": solver,
        "label": regimen.label,
    }
    refs = {"spec_body"} | ({"iupac_weights"} if regimen.salt else set())
    return annotate(
        ds,
        title=f"Mg pharmacokinetics: {regimen.label or 'baseline'}",
        config=config,
        parameter_sets=used,
        references=refs,
        seed=seed if samples else None,
    )


def barrier(
    species: str = "human",
    *,
    plasma_factor: float = 3.5,
    hours: float = 6.0,
    step_h: float = 0.1,
    samples: int = 0,
    seed: int | None = None,
    solver: str = DEFAULT_SOLVER,
) -> xr.Dataset:
    """The plasma-clamp protocol: plasma Mg held at ``plasma_factor`` × baseline.

    This is how the blood–CSF barrier was measured (Oppelt et al., dogs).

    Parameters
    ----------
    species : {"human", "rat"}
        Parameter set.
    plasma_factor : float
        Plasma Mg is held at this multiple of its baseline.
    hours : float
        Duration of the clamp (and of the run).
    step_h : float
        Output spacing in hours.
    samples, seed, solver
        As for :func:`simulate`.

    Examples
    --------
    >>> ds = barrier(hours=6.0)
    >>> 0.1 < float(ds.csf[-1] / ds.csf[0] - 1) < 0.3
    True
    """
    if not (math.isfinite(plasma_factor) and plasma_factor > 0):
        raise MagsynapseError(f"plasma-factor: must be a finite value > 0 (got {plasma_factor})")
    if not (math.isfinite(hours) and hours > 0):
        raise MagsynapseError(f"hours: must be a finite time > 0 h (got {hours})")
    reg = Regimen(
        days=hours / 24.0,
        clamp_factor=plasma_factor,
        clamp_hours=hours,
        label=f"plasma clamp at {plasma_factor:g} x baseline for {hours:g} h",
    )
    return simulate(reg, species, samples=samples, seed=seed, step_h=step_h, solver=solver)


def compare(
    salts: Sequence[str],
    *,
    dose_elemental: str,
    days: float,
    schedule: str = "daily",
    species: str = "human",
    samples: int = 0,
    seed: int | None = None,
    step_h: float | None = None,
    solver: str = DEFAULT_SOLVER,
) -> xr.Dataset:
    """The same elemental dose as several salts: observables with a ``salt`` dimension.

    Parameters
    ----------
    salts : sequence of str
        Salt names (see :data:`~magsynapse.body.salts.SALTS`).
    dose_elemental : str
        Elemental Mg per day or per administration, e.g. ``"300mg/day"``.
    days : float
        Simulated days.
    schedule : {"once", "daily", "bid"}
        When the doses are taken.
    species, samples, seed, step_h, solver
        As for :func:`simulate`.

    Examples
    --------
    >>> ds = compare(["oxide", "citrate"], dose_elemental="300mg/day", days=1)
    >>> bool(ds.absorbed_cum.sel(salt="citrate")[-1] > ds.absorbed_cum.sel(salt="oxide")[-1])
    True
    """
    names = list(salts)
    if not names:
        raise MagsynapseError("salts: give at least one salt")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise MagsynapseError(f"salts: {twice[0]!r} is given more than once; give each salt once")
    for name in names:
        if name not in SALTS:
            raise MagsynapseError(f"salts: unknown {name!r}; accepted: {', '.join(SALTS.names())}")
    weight = pk_parameters(species)["weight"]
    results = [
        simulate(
            make_regimen(
                s, dose_elemental=dose_elemental, days=days, schedule=schedule, weight_kg=weight
            ),
            species,
            samples=samples,
            seed=seed,
            step_h=step_h,
            solver=solver,
        )
        for s in names
    ]
    ds = xr.concat(
        results, dim=xr.DataArray(names, dims="salt", name="salt"), combine_attrs="override"
    )
    ds.attrs["title"] = (
        f"Mg pharmacokinetics of {', '.join(names)} at {dose_elemental} elemental, {schedule}"
    )
    return ds
