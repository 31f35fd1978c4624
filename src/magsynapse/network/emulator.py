"""An emulator of the session readouts over the conditions a network reads.

Running the memory network for every subject at every visit is too slow for cohorts of
thousands. :func:`fit_emulator` runs the session tasks (:func:`.phenomena.session`) once
on a Latin-hypercube design of conditions × several networks (seeds) and fits a quadratic response
surface to each readout (``recall``, ``rho_inside``, ``log_snr``); the fit is cached on
disk under a key of everything that decides it. :meth:`Emulator.predict` then costs
microseconds per condition. The surface is a smooth mean: a spiking network's readouts
scatter around it from seed to seed, and :func:`validate` reports the emulator's error
against fresh network runs next to that scatter.

The inputs are what the network reads (:func:`.simulate.condition_records`): ``mg_o``,
``f_2b``, the presynaptic ``drive`` (release sites × release probability over its
default), ``atp`` and ``synaptic_strength``; a condition outside the fitted ranges is an
error, not an extrapolation.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import combinations_with_replacement
from pathlib import Path

import numpy as np
import xarray as xr

from .. import __version__
from ..conditions import check_conditions, flatten, make_conditions
from ..errors import MagsynapseError
from ..results import load, save
from ..synapse.calcium import RELEASE_PROBABILITY, presynaptic_drive
from .config import NetworkConfig, load_config
from .phenomena import session
from .simulate import condition_defaults

#: The emulator's inputs, in order.
INPUTS = ("mg_o", "f_2b", "drive", "atp", "synaptic_strength")
#: Default ranges: a human cohort's slow states under supplements (docs/chronic.md).
DEFAULT_RANGES: dict[str, tuple[float, float]] = {
    "mg_o": (0.8, 1.3),
    "f_2b": (0.25, 0.6),
    "drive": (0.7, 1.4),
    "atp": (0.8, 1.2),
    "synaptic_strength": (0.9, 1.1),
}
#: Readouts the surface is fitted to (``log_snr``: the log of the signal-to-noise).
READOUTS = ("recall", "rho_inside", "log_snr")


def quadratic_basis(z: np.ndarray) -> np.ndarray:
    """The full quadratic basis of inputs ``z`` (n, d): 1, z_i, z_i·z_j (i ≤ j).

    >>> quadratic_basis(np.array([[2.0, 3.0]])).tolist()
    [[1.0, 2.0, 3.0, 4.0, 6.0, 9.0]]
    """
    z = np.atleast_2d(np.asarray(z, dtype=float))
    cols = [np.ones(len(z))] + [z[:, i] for i in range(z.shape[1])]
    cols += [z[:, i] * z[:, j] for i, j in combinations_with_replacement(range(z.shape[1]), 2)]
    return np.stack(cols, axis=1)


def fit_surface(z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares quadratic surface: coefficients and residual standard deviation
    (with the degrees of freedom the fit used).

    >>> z = np.random.default_rng(0).uniform(-1, 1, (30, 2))
    >>> coef, sd = fit_surface(z, 1 + z[:, 0] - 2 * z[:, 0] * z[:, 1])
    >>> (np.round(coef, 10) + 0.0).tolist(), sd < 1e-12
    ([1.0, 1.0, 0.0, 0.0, -2.0, 0.0], True)
    """
    basis = quadratic_basis(z)
    ok = np.isfinite(y)
    if ok.sum() <= np.linalg.matrix_rank(basis[ok]):
        raise MagsynapseError("emulator: too few finite design points for a quadratic fit")
    coef, _, rank, _ = np.linalg.lstsq(basis[ok], y[ok], rcond=None)
    resid = y[ok] - basis[ok] @ coef
    dof = ok.sum() - rank  # inputs held fixed contribute no columns of rank
    return coef, float(np.sqrt(resid @ resid / dof)) if dof > 0 else float("nan")


def network_inputs(
    conditions: xr.Dataset, cfg: NetworkConfig
) -> tuple[dict[str, np.ndarray], object]:
    """The emulator's inputs of every condition (flattened, C order) and the flattening."""
    flat = flatten(check_conditions(conditions), condition_defaults(cfg))
    v = flat.values
    values = {
        "mg_o": v["mg_o"],
        "f_2b": v["f_2b"],
        "drive": presynaptic_drive(v),
        "atp": v["atp"],
        "synaptic_strength": v["synaptic_strength"],
    }
    return values, flat


@dataclass(frozen=True)
class Emulator:
    """A fitted response surface of the session readouts.

    Attributes
    ----------
    ranges : dict
        The fitted range of each input.
    coefficients : dict
        Quadratic coefficients per readout (over inputs scaled to [−1, 1]).
    residual_sd : dict
        Residual standard deviation per readout: the network's seed-to-seed scatter
        plus lack of fit.
    design : xarray.Dataset
        The design (inputs and readouts of every run).
    config : NetworkConfig
        The network.
    """

    ranges: Mapping[str, tuple[float, float]]
    coefficients: Mapping[str, np.ndarray]
    residual_sd: Mapping[str, float]
    design: xr.Dataset
    config: NetworkConfig

    def scaled(self, values: Mapping[str, np.ndarray], extrapolate: bool = False) -> np.ndarray:
        """Inputs scaled to [−1, 1]; one out of its range is an error unless
        ``extrapolate``."""
        return _scaled(self.ranges, values, extrapolate)

    def outside(self, conditions: xr.Dataset) -> xr.DataArray:
        """Whether each condition leaves the fitted ranges (any input)."""
        values, flat = network_inputs(conditions, self.config)
        out = np.zeros(flat.shape, dtype=bool).ravel()
        for name in INPUTS:
            lo, hi = self.ranges[name]
            x = np.asarray(values[name], float).ravel()
            out |= (x < lo - 1e-12) | (x > hi + 1e-12)
        return xr.DataArray(out.reshape(flat.shape), dims=flat.dims)

    def predict(self, conditions: xr.Dataset, extrapolate: bool = False) -> xr.Dataset:
        """The surface at each condition: ``recall``, ``rho_inside``, ``snr`` (from the
        log) and, per readout, ``*_sd`` (the scatter a single network run would add).
        A condition outside the fitted ranges is an error, or with ``extrapolate`` the
        quadratic continued (say so: :meth:`outside` tells which).

        Examples
        --------
        >>> em = fit_emulator(points=24, seeds=[1], cache=None,
        ...                   ranges={**DEFAULT_RANGES, "atp": (1, 1), "synaptic_strength": (1, 1)})
        >>> from magsynapse.conditions import make_conditions
        >>> ds = em.predict(make_conditions(mg_o=[0.9, 1.2], dims=("x",)))
        >>> ds.recall.dims
        ('x',)
        """
        values, flat = network_inputs(conditions, self.config)
        basis = quadratic_basis(self.scaled(values, extrapolate))
        out = xr.Dataset()
        for name in READOUTS:
            pred = (basis @ self.coefficients[name]).reshape(flat.shape)
            key = "snr" if name == "log_snr" else name
            out[key] = (flat.dims, np.exp(pred) if name == "log_snr" else pred)
            out[f"{name}_sd"] = ((), self.residual_sd[name])
        out = out.assign_coords({d: c for d, c in flat.coords.items() if d in flat.dims})
        out.attrs["title"] = "emulated session readouts"
        out.attrs["emulator"] = json.dumps({k: list(v) for k, v in self.ranges.items()})
        return out


def _scaled(
    ranges: Mapping[str, tuple[float, float]], values, extrapolate: bool = False
) -> np.ndarray:
    cols = []
    for name in INPUTS:
        lo, hi = ranges[name]
        x = np.asarray(values[name], dtype=float)
        if not extrapolate and (np.any(x < lo - 1e-12) or np.any(x > hi + 1e-12)):
            raise MagsynapseError(
                f"emulator: {name} {x.min():g}-{x.max():g} leaves its fitted range "
                f"{lo:g}-{hi:g}; run the network, or fit the emulator wider"
            )
        cols.append(2 * (x - lo) / (hi - lo) - 1 if hi > lo else 0 * x)
    return np.stack(cols, axis=1)


def _cache_dir() -> Path:
    root = os.environ.get("MAGSYNAPSE_CACHE") or Path.home() / ".cache" / "magsynapse"
    return Path(root) / "emulators"


def _shipped(name: str) -> Path | None:
    """A design shipped with the package (``network/data/emulators``), if there is one."""
    path = Path(str(resources.files("magsynapse.network").joinpath("data/emulators", name)))
    return path if path.is_file() else None


def _key(cfg: NetworkConfig, ranges, points, seeds, observe, snr_T, design_seed) -> str:
    spec = {
        "config": cfg.changed(),
        "ranges": {k: list(map(float, ranges[k])) for k in INPUTS},
        "points": points,
        "seeds": list(seeds),
        "observe": observe,
        "snr_T": snr_T,
        "design_seed": design_seed,
        "version": __version__,
    }
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:20]


def design_key(
    config: NetworkConfig | str = "mgnet_memory",
    *,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    points: int = 40,
    seeds: Sequence[int] = tuple(range(1, 9)),
    observe: float = 0.2,
    snr_T: float = 0.5,
    design_seed: int = 0,
) -> str:
    """The cache key of the emulator :func:`fit_emulator` would fit with these arguments.

    >>> design_key() == design_key(points=40) != design_key(points=41)
    True
    """
    cfg = load_config(config) if isinstance(config, str) else config
    ranges = {**DEFAULT_RANGES, **(ranges or {})}
    return _key(cfg, ranges, points, [int(s) for s in seeds], observe, snr_T, design_seed)


def _design_conditions(ranges, points: int, design_seed: int) -> xr.Dataset:
    from scipy.stats import qmc

    u = qmc.LatinHypercube(d=len(INPUTS), seed=design_seed).random(points)
    x = {
        name: ranges[name][0] + u[:, i] * (ranges[name][1] - ranges[name][0])
        for i, name in enumerate(INPUTS)
    }
    return make_conditions(
        mg_o=x["mg_o"],
        f_2b=x["f_2b"],
        synapse_density=x["drive"],
        release_probability=np.full(points, RELEASE_PROBABILITY.value),
        atp=x["atp"],
        synaptic_strength=x["synaptic_strength"],
        dims=("point",),
    )


def fit_emulator(
    config: NetworkConfig | str = "mgnet_memory",
    *,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    points: int = 40,
    seeds: Sequence[int] = tuple(range(1, 9)),
    observe: float = 0.2,
    snr_T: float = 0.5,
    design_seed: int = 0,
    cache: Path | str | None = "default",
) -> Emulator:
    """Fit (or load from the cache) the emulator of the session readouts.

    Parameters
    ----------
    config : NetworkConfig or str
        The session network.
    ranges : mapping, optional
        Range of each input (:data:`INPUTS`; default :data:`DEFAULT_RANGES`); a
        degenerate range (low = high) holds the input fixed.
    points : int
        Latin-hypercube design points (each run with every seed).
    seeds : sequence of int
        Network seeds of the design runs (every point runs on every network). A spiking
        network is a random effect — a new seed shifts its readouts, the signal-to-noise
        by up to a factor of e — so the surface averages over several networks and its
        residual holds their scatter.
    observe, snr_T : float
        The session tasks' durations (s), as :func:`.phenomena.session`.
    design_seed : int
        Seed of the design.
    cache : path, "default" or None
        Folder of cached fits (``"default"``: ``$MAGSYNAPSE_CACHE/emulators`` or
        ``~/.cache/magsynapse/emulators``; None: no cache). The key covers the network
        configuration, ranges, design, seeds, tasks and package version. A design of
        the same key shipped with the package (``network/data/emulators``, written by
        ``magsynapse calibrate emulator --out``, copied into the source tree) is used
        before the cache.

    Returns
    -------
    Emulator
    """
    cfg = load_config(config) if isinstance(config, str) else config
    ranges = {**DEFAULT_RANGES, **(ranges or {})}
    unknown = sorted(set(ranges) - set(INPUTS))
    if unknown:
        raise MagsynapseError(
            f"ranges: unknown input {unknown[0]!r}; accepted: {', '.join(INPUTS)}"
        )
    for name, (lo, hi) in ranges.items():
        if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi):
            raise MagsynapseError(f"ranges: {name} needs finite low <= high")
    if points < 2:
        raise MagsynapseError("points: need at least 2 design points")
    seeds = [int(s) for s in seeds]
    path = None
    name = f"{_key(cfg, ranges, points, seeds, observe, snr_T, design_seed)}.nc"
    if cache is not None:
        folder = _cache_dir() if cache == "default" else Path(cache)
        path = _shipped(name) or folder / name
    if path is not None and path.is_file():
        design = load(path)
    else:
        conditions = _design_conditions(ranges, points, design_seed)
        tasks = session(conditions, cfg, seeds=seeds, observe=observe, snr_T=snr_T)
        design = xr.Dataset(
            {
                **{
                    name: ("point", conditions[name].values)
                    for name in ("mg_o", "f_2b", "atp", "synaptic_strength")
                },
                "drive": ("point", conditions["synapse_density"].values),
                "recall": tasks.recall.transpose("point", "seed"),
                "rho_inside": tasks.rho_inside.transpose("point", "seed"),
                "snr": tasks.snr.transpose("point", "seed"),
            },
            attrs={"title": "emulator design", "ranges": json.dumps(ranges)},
        )
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            save(design, path)
    n_seeds = design.sizes["seed"]
    z = np.repeat(_scaled(ranges, {k: design[k].values for k in INPUTS}), n_seeds, axis=0)
    coefficients, sd = {}, {}
    for name in READOUTS:
        y = design["snr"].values if name == "log_snr" else design[name].values
        with np.errstate(divide="ignore"):
            y = np.log(y) if name == "log_snr" else y
        coefficients[name], sd[name] = fit_surface(z, y.ravel())
    return Emulator(ranges, coefficients, sd, design, cfg)


def validate(
    emulator: Emulator, points: int = 16, seeds: Sequence[int] = (101,), design_seed: int = 1
) -> xr.Dataset:
    """The emulator against fresh network runs at new conditions and new network seeds.

    Returns ``error_*`` (fresh − emulated, per point and seed), ``rmse_*`` and, beside
    them, ``residual_sd_*`` (the scatter the fit saw): an emulator whose RMSE is close
    to its residual SD errs by no more than one network run scatters.

    Examples
    --------
    >>> em = fit_emulator(points=24, seeds=[1], cache=None,
    ...                   ranges={**DEFAULT_RANGES, "atp": (1, 1), "synaptic_strength": (1, 1)})
    >>> v = validate(em, points=4)
    >>> sorted(k for k in v.data_vars if k.startswith("rmse"))
    ['rmse_log_snr', 'rmse_recall', 'rmse_rho_inside']
    """
    conditions = _design_conditions(emulator.ranges, points, design_seed)
    fresh = session(conditions, emulator.config, seeds=list(seeds))
    pred = emulator.predict(conditions)
    out = xr.Dataset()
    for name in READOUTS:
        if name == "log_snr":
            with np.errstate(divide="ignore"):
                err = np.log(fresh.snr) - np.log(pred.snr)
        else:
            err = fresh[name] - pred[name]
        err = err.where(np.isfinite(err))
        out[f"error_{name}"] = err
        out[f"rmse_{name}"] = np.sqrt((err**2).mean())
        out[f"residual_sd_{name}"] = ((), emulator.residual_sd[name])
    out.attrs["title"] = "emulator against fresh network runs"
    return out
