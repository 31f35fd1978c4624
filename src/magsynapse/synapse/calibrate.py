"""Calibration of ``DP_nmda``: the bistable rule on voltage-dependent NMDA calcium.

docs/specification.md §4: the bistable rule driven by the ``nmda_voltage`` calcium needs thresholds
in µM. ``DP_nmda`` keeps the DP set's noise, time constant, ρ*, β and b, and fits θ_d,
θ_p (µM), γ_d and γ_p so that at [Mg]o = 1 mM its STDP curve (60 pairs at 1 Hz, GB2012
analytic readout) has the shape of the DP curve (linear calcium, same readout):
least squares on the relative change at Δt = −100 … 100 ms in 2-ms steps.

The calcium does not depend on the rule's parameters, so the stepped kernel is run once
and returns, for every Δt, the time calcium spent above each of a fine grid of levels
(its occupation-time function); the optimiser then evaluates the analytic reduction for
any thresholds by interpolation. The fit is a command (``magsynapse calibrate dp-nmda``);
the shipped ``data/dp_nmda.json`` is its output.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from ..conditions import as_conditions
from ..provenance import Param, ParameterSet
from .api import stdp
from .calcium import CALCIUM_MODELS
from .params import BISTABLE_SETS
from .protocols import stdp_protocol
from .rules import RULES, gb_change, gb_transition_probabilities
from .runner import prepare

#: Δt grid of the fit (ms).
FIT_DT = np.arange(-100.0, 100.0 + 1e-9, 2.0)
FIT_MG = 1.0
KEPT = ("sigma", "tau", "rho_star", "beta", "b")


@dataclass(frozen=True)
class Calibration:
    """Result of :func:`calibrate_dp_nmda`."""

    parameter_set: ParameterSet
    dt: np.ndarray
    target: np.ndarray
    fitted: np.ndarray

    @property
    def rms(self) -> float:
        return float(np.sqrt(np.mean((self.fitted - self.target) ** 2)))

    def table(self) -> str:
        """Residual table (every 10 ms) plus the fitted values."""
        rows = ["  dt (ms)   DP target   DP_nmda   residual"]
        for d, t, f in zip(self.dt, self.target, self.fitted, strict=True):
            if abs(d % 10) < 1e-9:
                rows.append(f"  {d:7.1f}   {t:9.4f}   {f:7.4f}   {f - t:+8.4f}")
        p = self.parameter_set
        rows.append(
            f"rms residual {self.rms:.4f}; max |residual| "
            f"{np.max(np.abs(self.fitted - self.target)):.4f}"
        )
        rows.append(
            "fitted: "
            + ", ".join(
                f"{k} = {p[k]:.6g} {p.params[k].unit}"
                for k in ("theta_d", "theta_p", "gamma_d", "gamma_p")
            )
        )
        return "\n".join(rows)


def occupancy(
    dt: np.ndarray,
    edges: np.ndarray,
    mg: float = FIT_MG,
    step: float = 0.1,
    coarse_step: float = 1.0,
) -> tuple[np.ndarray, float]:
    """Time (ms) the nmda_voltage calcium spends above each level of ``edges``.

    Returns ``(occ, duration)`` with ``occ`` of shape (len(dt), len(edges)) for the
    default STDP protocol (60 pairs at 1 Hz) at [Mg]o = ``mg``.
    """
    protocol = stdp_protocol(dt)
    prep = prepare(
        protocol,
        rule=RULES["omega_eta"],
        parameter_set="DP",
        calcium=CALCIUM_MODELS["nmda_voltage"],
        conditions=as_conditions(mg),
        block_model="jahr_stevens_1990",
        step=step,
        coarse_step=coarse_step,
        calcium_overrides=None,
        edges=edges,
    )
    return prep.data["occupancy"], float(protocol.duration[0])


def _model(
    x: np.ndarray, edges: np.ndarray, occ: np.ndarray, duration: float, base: ParameterSet
) -> np.ndarray:
    theta_d, theta_p, gamma_d, gamma_p = x
    alpha_d = np.array([np.interp(theta_d, edges, o) for o in occ]) / duration
    alpha_p = np.array([np.interp(theta_p, edges, o) for o in occ]) / duration
    ps = base.with_values(gamma_d=gamma_d, gamma_p=gamma_p)
    u, d = gb_transition_probabilities(alpha_d, alpha_p, duration, ps)
    return gb_change(u, d, ps["beta"], ps["b"])


def calibrate_dp_nmda(step: float = 0.1) -> Calibration:
    """Fit ``DP_nmda`` (see module docstring) and return it with its residuals."""
    target = stdp(FIT_DT, mg=FIT_MG).change.sel(mg=FIT_MG).values
    peak = float(
        stdp(FIT_DT, mg=FIT_MG, rule="omega_eta", calcium="nmda_voltage", step=step).ca_peak.max()
    )
    edges = np.linspace(0.0, 1.05 * peak, 4201)
    occ, duration = occupancy(FIT_DT, edges, step=step)
    dp = BISTABLE_SETS["DP"]

    def residual(z: np.ndarray) -> np.ndarray:
        theta_d, gap, log_gd, log_gp = z
        x = np.array([theta_d, theta_d + gap, np.exp(log_gd), np.exp(log_gp)])
        return _model(x, edges, occ, duration, dp) - target

    best = None
    for theta_d in np.linspace(0.2, 0.6, 9) * peak:
        for gap in (0.05, 0.15, 0.3):
            z0 = np.array([theta_d, gap * peak, np.log(200.0), np.log(321.808)])
            fit = least_squares(
                residual,
                z0,
                bounds=([0, 1e-4, 0, 0], [peak, peak, 12, 12]),
                diff_step=1e-3,
                x_scale=[0.01, 0.01, 0.1, 0.1],
            )
            if best is None or fit.cost < best.cost:
                best = fit
    theta_d, gap, log_gd, log_gp = best.x
    values = {
        "theta_d": theta_d,
        "theta_p": theta_d + gap,
        "gamma_d": float(np.exp(log_gd)),
        "gamma_p": float(np.exp(log_gp)),
    }
    fitted = _model(np.array(list(values.values())), edges, occ, duration, dp)
    rms = float(np.sqrt(np.mean((fitted - target) ** 2)))
    record = {
        "objective": "least squares on the relative change of the STDP curve (60 pairs at "
        "1 Hz, GB2012 analytic readout) at dt = -100..100 ms step 2 ms, "
        "[Mg]o = 1 mM, target: set DP with linear calcium",
        "fitted": sorted(values),
        "kept_from_DP": list(KEPT),
        "residual_rms": round(rms, 6),
        "residual_max": round(float(np.max(np.abs(fitted - target))), 6),
        "step_ms": step,
        "date": _dt.date.today().isoformat(),
        "command": "magsynapse calibrate dp-nmda --out",
    }
    note = f"calibrated to the DP STDP curve at 1 mM (rms residual {rms:.4f})"
    params = {
        k: Param(
            round(v, 6), "uM" if k.startswith("theta") else "1", "magsynapse_calibration", note
        )
        for k, v in values.items()
    }
    for k in KEPT:
        params[k] = Param(dp[k], dp.params[k].unit, "graupner_brunel_2012", "kept from DP")
    ps = ParameterSet(
        "DP_nmda",
        "bistable",
        params,
        "Bistable rule (GB2012) on nmda_voltage calcium (Shouval 2002), "
        "calibrated to the DP curve's shape at [Mg]o = 1 mM",
        calibration=record,
    )
    return Calibration(ps, FIT_DT, target, fitted)


def shipped_path() -> Path:
    """Location of the shipped ``DP_nmda`` parameter file."""
    return Path(str(resources.files("magsynapse.synapse").joinpath("data/dp_nmda.json")))


def write(calibration: Calibration, path: str | Path) -> Path:
    """Write the calibrated set as JSON to ``path`` (to ship it, copy the file over
    :func:`shipped_path` in the source tree)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(calibration.parameter_set.to_dict(), indent=2) + "\n")
    return path
