"""Calibration of the human PK parameters to published data (``magsynapse pk calibrate``).

Fitted: saturable and linear absorption (Vmax, Km, k_lin), renal reabsorption (Tm, K_r),
blood–CSF transport (Vmax_c, Km_c) and the availability of oxide and hydroxide. Targets
(docs/specification.md §7), each a simulated experiment from the diet-only baseline:

* Fine et al. 1991: fraction absorbed of one meal's Mg. The curve of docs/specification.md §7 —
  saturable plus a linear 7 %, ≈65 % at low intake, ≈11 % at 40 mmol — is
  f(I) = 1.72 mmol/(2.965 mmol + I) + 0.07; we fit its values at 0.25–40 mmol (±0.05);
* serum total Mg 0.75–0.95 mM and 24-h urinary Mg 100–150 mg on the usual diet;
* CSF Mg 0.97 ± 0.08 mM, and +21 % after 6 h of plasma clamped at 3.5× (Oppelt et al.);
* magnesium hydroxide, 1080 mg with breakfast (Dolberg et al. 2017): bioavailability
  14.9 %, serum excess half-life 8.3 h, peak serum rise 0.11 mM;
* magnesium oxide ≈4 % fractional absorption at 10.5 mmol/day (Firoz & Graber 2001);
* citrate minus oxide 24-h urinary Mg, +0.565 mmol (95 % CI 0.21–0.92) after a single
  12.3-mmol (300-mg) dose (Kappeler et al. 2017; the dose is our assumption).

Tolerances are the published ranges or confidence intervals (or, where only a point is
given, the stated approximation); ``pass`` means |model − target| ≤ tolerance. The fit
minimises the sum of squared residuals in units of the tolerance plus the log-normal
priors of the pool sizes and time constants it fits (a maximum a posteriori fit).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from ..provenance import Param, ParameterSet
from .baseline import baseline
from .equations import IDX, derive
from .params import _HUMAN, CAL, FITTED, pk_parameters
from .priors import parameter_arrays
from .regimen import Regimen
from .salts import SALTS
from .solvers import DEFAULT_SOLVER, get_solver, integrate

PRIOR_GSD = 1.15
WEAK_PRIOR_GSD = 3.0
FINE_INTAKES = (0.25, 2.0, 5.0, 10.0, 20.0, 40.0)
#: Solver of the fit itself. The residuals are the same with every solver (to 1e-7), but
#: the optimum lies in a flat valley (K_r, the fast pool's half-time) where the optimiser's
#: path, and so where it stops, follows the solver's round-off: the shipped fit was made,
#: and is reproduced, with LSODA.
FIT_SOLVER = "lsoda"
#: Starting point of the fit: absorption from the limits of Fine's curve with a 10-h
#: transit (large doses: Vmax·T ≈ 1.72 mmol; linear 1 − e^(−k_lin·T) ≈ 0.07; small doses
#: 1 − e^(−(Vmax/Km + k_lin)·T) ≈ 0.65), kidney at ~96 % reabsorption, CSF transport,
#: pools at their priors.
START = {
    "vmax_abs": 0.17,
    "km_abs": 1.75,
    "k_lin": 0.0073,
    "fe_renal": 0.04,
    "km_renal": 0.5,
    "vmax_csf": 0.2,
    "km_csf": 0.6,
    "fast_pool": 50.0,
    "t_fast": 2.0,
    "t_gut": 10.0,
    "avail_oxide": 0.3,
    "avail_hydroxide": 1.0,
}


def fine_curve(intake_mmol: float) -> float:
    """Fraction absorbed of one meal (Fine et al. 1991 as described in docs/specification.md §7)."""
    return 1.72 / (2.965 + intake_mmol) + 0.07


AVAIL = ("oxide", "hydroxide")


@dataclass
class Lab:
    """Nominal parameters, rates and the diet-only baseline shared by the experiments,
    all integrated by one solver (a name in :data:`~magsynapse.body.solvers.SOLVERS`)."""

    params: dict[str, np.ndarray]
    solver: str = DEFAULT_SOLVER

    def __post_init__(self) -> None:
        get_solver(self.solver)
        self.rates = derive(self.params)
        self.y0 = baseline(self.rates, self.params, solver=self.solver)

    def run(self, regimen: Regimen, t_out: np.ndarray) -> np.ndarray:
        return integrate(self.y0, regimen, self.rates, self.params, t_out, solver=self.solver)[:, 0]

    def oral(
        self, salt: str, mmol: float, hours: float, t_out: np.ndarray, diet: bool = True
    ) -> np.ndarray:
        reg = Regimen(SALTS[salt], mmol, "once", hours / 24.0, diet=diet)
        return self.run(reg, t_out)


def _fraction_absorbed(lab: Lab, mmol: float) -> float:
    """One meal's Mg absorbed within 72 h (beyond what the lumen's earlier content gives)."""
    t = np.array([72.0])
    y = lab.oral("chloride", mmol, 72.0, t, diet=False)[-1]
    y_none = lab.run(Regimen(days=3.0, diet=False), t)[-1]
    return float((y[IDX["absorbed_cum"]] - y_none[IDX["absorbed_cum"]]) / mmol)


def _incremental(lab: Lab, salt: str, mmol: float, hours: float, key: str) -> float:
    t = np.array([hours])
    with_dose = lab.oral(salt, mmol, hours, t)[-1, IDX[key]]
    without = lab.run(Regimen(days=hours / 24.0), t)[-1, IDX[key]]
    return float(with_dose - without)


def _hydroxide_serum(lab: Lab) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(0.0, 24.01, 0.25)
    mmol = SALTS["hydroxide"].mmol_mg(1080.0)
    dose = lab.oral("hydroxide", mmol, 24.0, t)[:, IDX["plasma"]]
    none = lab.run(Regimen(days=1.0), t)[:, IDX["plasma"]]
    return t, (dose - none) / lab.params["v_plasma"][0]


def _half_life(lab: Lab) -> float:
    t, excess = _hydroxide_serum(lab)
    peak = int(np.argmax(excess))
    sel = (t >= t[peak] + 2.0) & (excess > 0)
    slope = np.polyfit(t[sel], np.log(excess[sel]), 1)[0]
    return float(np.log(2.0) / -slope) if slope < 0 else float("inf")


def _oppelt(lab: Lab) -> float:
    reg = Regimen(days=0.25, clamp_factor=3.5, clamp_hours=6.0)
    y = lab.run(reg, np.array([0.0, 6.0]))
    return float(y[-1, IDX["csf"]] / lab.y0[0, IDX["csf"]] - 1.0)


@dataclass(frozen=True)
class Target:
    """One published number, the experiment that reproduces it, and its tolerance."""

    name: str
    source: str
    value: float
    tolerance: float
    unit: str
    compute: Callable[[Lab], float]

    def residual(self, model: float) -> float:
        """Misfit in units of the tolerance."""
        return (model - self.value) / self.tolerance

    def passes(self, model: float) -> bool:
        return abs(model - self.value) <= self.tolerance


def targets() -> list[Target]:
    """The calibration targets (see the module docstring)."""
    hydroxide_mmol = SALTS["hydroxide"].mmol_mg(1080.0)
    return [
        *[
            Target(
                f"fraction absorbed, {i:g}-mmol meal",
                "fine_1991",
                fine_curve(i),
                0.05,
                "1",
                lambda lab, i=i: _fraction_absorbed(lab, i),
            )
            for i in FINE_INTAKES
        ],
        Target(
            "serum total Mg, usual diet",
            "spec_body",
            0.85,
            0.10,
            "mM",
            lambda lab: float(lab.y0[0, IDX["plasma"]] / lab.params["v_plasma"][0]),
        ),
        Target(
            "24-h urinary Mg, usual diet",
            "spec_body",
            5.14,
            1.03,
            "mmol",
            lambda lab: float(lab.run(Regimen(days=1.0), np.array([24.0]))[-1, IDX["urine_cum"]]),
        ),
        Target(
            "CSF Mg",
            "spec_csf",
            0.97,
            0.08,
            "mM",
            lambda lab: float(lab.y0[0, IDX["csf"]] / lab.params["v_csf"][0]),
        ),
        Target("CSF rise, plasma clamped at 3.5x for 6 h", "oppelt_1963", 0.21, 0.05, "1", _oppelt),
        Target(
            "hydroxide 1080 mg: bioavailability",
            "dolberg_2017",
            0.149,
            0.066,
            "1",
            lambda lab: (
                _incremental(lab, "hydroxide", hydroxide_mmol, 24.0, "absorbed_cum")
                / hydroxide_mmol
            ),
        ),
        Target(
            "hydroxide 1080 mg: serum excess half-life", "dolberg_2017", 8.3, 4.65, "h", _half_life
        ),
        Target(
            "hydroxide 1080 mg: peak serum rise",
            "dolberg_2017",
            0.11,
            0.035,
            "mM",
            lambda lab: float(np.max(_hydroxide_serum(lab)[1])),
        ),
        Target(
            "oxide 10.5 mmol: fractional absorption",
            "firoz_graber_2001",
            0.04,
            0.015,
            "1",
            lambda lab: _incremental(lab, "oxide", 10.5, 72.0, "absorbed_cum") / 10.5,
        ),
        Target(
            "citrate - oxide, 24-h urine after 12.3 mmol",
            "kappeler_2017",
            0.565,
            0.353,
            "mmol",
            lambda lab: (
                _incremental(lab, "citrate", 12.3, 24.0, "urine_cum")
                - _incremental(lab, "oxide", 12.3, 24.0, "urine_cum")
            ),
        ),
    ]


def _with(base: ParameterSet, values: dict[str, float]) -> ParameterSet:
    params = dict(base.params)
    for key, value in values.items():
        unit = params[key].unit if key in params else "1"
        params[key] = Param(float(value), unit, CAL, "being fitted")
    return ParameterSet(base.name, base.kind, params, base.description)


@dataclass
class PKCalibration:
    """The fitted values and their residual table."""

    values: dict[str, float]
    availability: dict[str, float]
    rows: list[tuple[Target, float]]
    cost: float
    keys: list[str] | None = None
    log_covariance: np.ndarray | None = None
    solver: str = DEFAULT_SOLVER

    @property
    def weighted_rms(self) -> float:
        z = [t.residual(m) for t, m in self.rows]
        return float(np.sqrt(np.mean(np.square(z))))

    def table(self) -> str:
        """Residual table: target, source, model, tolerance, pass."""
        lines = [
            f"{'target':46s} {'source':18s} {'published':>10s} {'model':>10s} "
            f"{'tolerance':>10s}  pass"
        ]
        for t, m in self.rows:
            ok = "yes" if t.passes(m) else "NO"
            published = f"{t.value:.4g}"
            lines.append(
                f"{t.name:46s} {t.source:18s} {published:>10s} {m:10.4g} {t.tolerance:10.3g}  {ok}"
            )
        lines.append(
            "fitted: "
            + ", ".join(
                f"{k} = {v:.5g}"
                for k, v in {
                    **self.values,
                    **{f"avail_{s}": a for s, a in self.availability.items()},
                }.items()
            )
        )
        lines.append(f"weighted rms residual {self.weighted_rms:.3f}")
        return "\n".join(lines)

    def passed(self) -> bool:
        return all(t.passes(m) for t, m in self.rows)


def evaluate(params: ParameterSet | None = None, *, solver: str = DEFAULT_SOLVER) -> PKCalibration:
    """Residual table of a parameter set (default: the shipped human set).

    ``solver`` names the ODE solver of every experiment (see
    :data:`~magsynapse.body.solvers.SOLVERS`).
    """
    ps = params if params is not None else pk_parameters("human")
    lab = Lab(parameter_arrays(ps), solver)
    rows = [(t, t.compute(lab)) for t in targets()]
    values = {k: ps[k] for k in FITTED}
    avail = {s: ps[f"avail_{s}"] for s in AVAIL}
    cost = float(np.sum([t.residual(m) ** 2 for t, m in rows]))
    return PKCalibration(values, avail, rows, cost, solver=solver)


def calibrate(progress: bool = False, *, solver: str = FIT_SOLVER) -> PKCalibration:
    """Fit the human parameters to :func:`targets` (least squares, log parameters).

    ``progress`` prints the cost of every evaluation; ``solver`` names the ODE solver of
    every experiment (see :data:`~magsynapse.body.solvers.SOLVERS`; default
    :data:`FIT_SOLVER`, with which the shipped fit was made).
    """
    get_solver(solver)
    base = pk_parameters("human")
    keys = [*FITTED, *(f"avail_{s}" for s in AVAIL)]
    x0 = np.log([START[k] for k in keys])
    tgts = targets()
    # informative priors of fitted parameters act as extra residuals (a MAP fit)
    priors = {
        k: (_HUMAN[k].prior[1], _HUMAN[k].prior[2])
        for k in keys
        if k in _HUMAN and _HUMAN[k].prior is not None
    }

    def residual(x: np.ndarray) -> np.ndarray:
        values = dict(zip(keys, np.exp(x), strict=True))
        values = {k: min(v, 1.0) if k.startswith("avail_") else v for k, v in values.items()}
        lab = Lab(parameter_arrays(_with(base, values)), solver)
        res = np.array(
            [t.residual(t.compute(lab)) for t in tgts]
            + [np.log(values[k] / a) / np.log(b) for k, (a, b) in priors.items()]
        )
        if progress:
            print(f"  cost {np.sum(res**2):.4f}", flush=True)
        return res

    upper = np.log([1e3 if not k.startswith("avail_") else 1.0 for k in keys])
    fit = least_squares(
        residual,
        x0,
        bounds=(np.log(1e-4) * np.ones(len(keys)), upper),
        diff_step=1e-3,
        x_scale=1.0,
        xtol=1e-6,
        ftol=1e-8,
    )
    fitted = dict(zip(keys, np.exp(fit.x), strict=True))
    result = evaluate(_with(base, fitted), solver=solver)
    # Posterior of the log parameters (Laplace approximation). Tolerances are ranges or
    # 95 % intervals, i.e. about two standard deviations: the data rows of the Jacobian are
    # doubled; parameters without a prior get a weak one (geometric s.d. 3).
    jac = np.asarray(fit.jac).copy()
    jac[: len(tgts)] *= 2.0
    weak = np.array([0.0 if k in priors else 1.0 / np.log(WEAK_PRIOR_GSD) for k in keys])
    info = jac.T @ jac + np.diag(weak**2)
    result.keys = keys
    result.log_covariance = np.linalg.inv(info)
    return result


RAT_SERUM = 0.85


def rat_targets() -> list[Target]:
    """Rat targets: baseline serum in the normal range (the human range, an assumption)."""
    return [
        Target(
            "rat serum total Mg, chow diet",
            "spec_body",
            RAT_SERUM,
            0.10,
            "mM",
            lambda lab: float(lab.y0[0, IDX["plasma"]] / lab.params["v_plasma"][0]),
        ),
        Target(
            "rat CSF Mg (check; human value)",
            "spec_csf",
            0.97,
            0.15,
            "mM",
            lambda lab: float(lab.y0[0, IDX["csf"]] / lab.params["v_csf"][0]),
        ),
    ]


def evaluate_rat(
    params: ParameterSet | None = None, *, solver: str = DEFAULT_SOLVER
) -> PKCalibration:
    """Residual table of the rat set (``solver`` as for :func:`evaluate`)."""
    ps = params if params is not None else pk_parameters("rat")
    lab = Lab(parameter_arrays(ps), solver)
    rows = [(t, t.compute(lab)) for t in rat_targets()]
    cost = float(np.sum([t.residual(m) ** 2 for t, m in rows]))
    return PKCalibration({"fe_renal": ps["fe_renal"]}, {}, rows, cost, solver=solver)


def calibrate_rat(*, solver: str = DEFAULT_SOLVER) -> PKCalibration:
    """Fit the rat's fractional excretion to a baseline serum of 0.85 mM (root finding).

    ``solver`` as for :func:`calibrate`.
    """
    from scipy.optimize import brentq

    get_solver(solver)
    base = pk_parameters("rat")

    def serum(fe: float) -> float:
        lab = Lab(parameter_arrays(_with(base, {"fe_renal": fe})), solver)
        return float(lab.y0[0, IDX["plasma"]] / lab.params["v_plasma"][0]) - RAT_SERUM

    fe = brentq(serum, 1e-4, 0.9, xtol=1e-12)
    return evaluate_rat(_with(base, {"fe_renal": fe}), solver=solver)


def write_rat(cal: PKCalibration, path: str | Path) -> Path:
    """Store the rat's fitted fractional excretion in ``path`` beside the human fit
    (that of ``path``, or the shipped one when ``path`` does not exist yet)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads((path if path.exists() else _data_path()).read_text())
    data["rat"] = {
        "fe_renal": float(f"{cal.values['fe_renal']:.6g}"),
        "date": _dt.date.today().isoformat(),
        "target": f"baseline serum {RAT_SERUM} mM",
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def _data_path() -> Path:
    return Path(str(resources.files("magsynapse.body").joinpath("data/pk_human.json")))


def write(cal: PKCalibration, path: str | Path) -> Path:
    """Store the fitted values with their provenance in ``path`` (to ship them, copy the
    file over the package's ``body/data/pk_human.json`` in the source tree)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads((path if path.exists() else _data_path()).read_text())
    record = {
        "date": _dt.date.today().isoformat(),
        "weighted_rms": round(cal.weighted_rms, 6),
        "all_pass": cal.passed(),
        "prior_gsd": PRIOR_GSD,
        "objective": "least squares of (model - target)/tolerance over the targets of "
        "magsynapse.body.calibrate",
        "command": "magsynapse pk calibrate --out",
        "solver": cal.solver,
        "posterior": None
        if cal.log_covariance is None
        else {
            "keys": cal.keys,
            "log_covariance": [[float(f"{v:.6g}") for v in row] for row in cal.log_covariance],
            "note": "Laplace approximation at the fit; parameters are drawn jointly from a "
            "log-normal with this covariance of their logarithms",
        },
        "residuals": {
            t.name: {
                "source": t.source,
                "published": t.value,
                "model": round(m, 6),
                "tolerance": t.tolerance,
            }
            for t, m in cal.rows
        },
    }
    data = {
        "values": {k: float(f"{v:.6g}") for k, v in cal.values.items()},
        "availability": {k: float(f"{v:.6g}") for k, v in cal.availability.items()},
        "record": record,
    }
    if "rat" in previous:  # the rat's own fit is kept
        data["rat"] = previous["rat"]
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


__all__ = [
    "PKCalibration",
    "Target",
    "calibrate",
    "calibrate_rat",
    "evaluate",
    "evaluate_rat",
    "rat_targets",
    "targets",
    "write",
    "write_rat",
]
