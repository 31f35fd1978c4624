"""Spine calcium models (MODEL.md §3), both in µM above rest.

* ``linear`` (Graupner & Brunel 2012): c(t) = Σ C_pre,eff·e^(−(t − t_pre − D)/τ_Ca)
  + Σ C_post·e^(−(t − t_post)/τ_Ca), with C_pre,eff = C_pre·B(V_rest, [Mg]o)/B(V_rest, 1 mM).
* ``nmda_voltage`` (Shouval, Bear & Cooper 2002): dCa/dt = I_Ca − Ca/τ_Ca with
  I_Ca = P0·G·Σ(I_f e^(−t/τ_f) + I_s e^(−t/τ_s))·B(V(t), [Mg]o)·(V(t) − V_Ca) and
  V(t) = V_rest + EPSPs + BPAPs (or a clamped potential).

:func:`calcium_trace` evaluates either model on a uniform grid with plain numpy (kernels
summed over spikes): it is what plots use, and an implementation independent of the
compiled event-driven kernels that the tests compare against.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import MagsynapseError
from ..provenance import ParameterSet, Registry
from ..receptors import get_block_model
from .params import BISTABLE_SETS, LINEAR_CALCIUM, NMDA_VOLTAGE

CALCIUM_MODELS: Registry[ParameterSet] = Registry("calcium model")
CALCIUM_MODELS.register("linear", LINEAR_CALCIUM)
CALCIUM_MODELS.register("nmda_voltage", NMDA_VOLTAGE)


def c_pre_effective(
    c_pre: float, mg: np.typing.ArrayLike, block_model: str = "jahr_stevens_1990"
) -> np.ndarray:
    """Presynaptic calcium amplitude of the linear model at [Mg]o (mM).

    Examples
    --------
    >>> float(c_pre_effective(1.0, 1.0))
    1.0
    """
    model = get_block_model(block_model)
    v_rest, mg_ref = LINEAR_CALCIUM["v_rest"], LINEAR_CALCIUM["mg_ref"]
    return c_pre * model(v_rest, mg) / model(v_rest, mg_ref)


def _sum_kernel(t: np.ndarray, times: np.ndarray, fn) -> np.ndarray:
    out = np.zeros_like(t)
    for s in np.asarray(times, dtype=float):
        lag = t - s
        out += np.where(lag >= 0, fn(np.maximum(lag, 0.0)), 0.0)
    return out


def calcium_trace(
    model: str,
    pre: np.typing.ArrayLike,
    post: np.typing.ArrayLike = (),
    *,
    mg: float = 1.0,
    t_end: float | None = None,
    dt: float = 0.05,
    parameter_set: str = "DP",
    block_model: str = "jahr_stevens_1990",
    v_clamp: float | None = None,
    overrides: dict[str, float] | None = None,
) -> xr.Dataset:
    """Calcium (and spine potential) after given spikes, on a uniform grid.

    Parameters
    ----------
    model : {"linear", "nmda_voltage"}
        Calcium model.
    pre, post : array_like
        Presynaptic and (somatic) postsynaptic spike times, ms.
    mg : float
        [Mg]o, mM.
    t_end : float, optional
        End of the trace (ms); default 300 ms after the last spike.
    dt : float
        Grid step, ms.
    parameter_set : str
        Bistable set supplying τ_Ca, C_pre, C_post and D of the linear model.
    block_model : str
        Mg²⁺ block model.
    v_clamp : float, optional
        Clamp the spine at this potential (mV); ``nmda_voltage`` only.
    overrides : dict, optional
        Replacement values for the ``nmda_voltage`` parameters (e.g. ``epsp_amp``).

    Returns
    -------
    xarray.Dataset
        ``ca`` (µM) and, for ``nmda_voltage``, ``v`` (mV) and ``influx`` (µM/ms) over
        ``time`` (ms).

    Examples
    --------
    >>> tr = calcium_trace("linear", [0.0], [10.0])
    >>> round(float(tr.ca.max()), 4)  # 2·exp(−3.7/20) + 1: pre calcium arrives at 13.7 ms
    2.6622
    """
    CALCIUM_MODELS[model]
    pre_t = np.atleast_1d(np.asarray(pre, dtype=float))
    post_t = np.atleast_1d(np.asarray(post, dtype=float))
    last = max([*pre_t.tolist(), *post_t.tolist(), 0.0])
    end = last + 300.0 if t_end is None else float(t_end)
    t = np.arange(0.0, end + dt / 2, dt)
    if model == "linear":
        if v_clamp is not None:
            raise MagsynapseError("a holding potential needs --calcium nmda_voltage")
        s = BISTABLE_SETS[parameter_set]
        if "c_pre" not in s.params:
            raise MagsynapseError(f"set {parameter_set!r} has no linear-calcium amplitudes")
        tau = s["tau_ca"]
        amp_pre = float(c_pre_effective(s["c_pre"], mg, block_model))
        ca = amp_pre * _sum_kernel(t, pre_t + s["delay"], lambda x: np.exp(-x / tau))
        ca += s["c_post"] * _sum_kernel(t, post_t, lambda x: np.exp(-x / tau))
        ds = xr.Dataset({"ca": ("time", ca)}, coords={"time": t})
    else:
        p = NMDA_VOLTAGE.with_values(**(overrides or {}))
        t1, t2 = p["epsp_tau1"], p["epsp_tau2"]
        tpk = t1 * t2 / (t1 - t2) * np.log(t1 / t2)
        norm = np.exp(-tpk / t1) - np.exp(-tpk / t2)
        epsp = (
            p["epsp_amp"]
            / norm
            * _sum_kernel(t, pre_t, lambda x: np.exp(-x / t1) - np.exp(-x / t2))
        )
        bpap = p["bpap_amp"] * _sum_kernel(
            t,
            post_t + p["bpap_delay"],
            lambda x: (
                p["bpap_i_f"] * np.exp(-x / p["bpap_tau_f"])
                + (1 - p["bpap_i_f"]) * np.exp(-x / p["bpap_tau_s"])
            ),
        )
        v = np.full_like(t, v_clamp) if v_clamp is not None else p["v_rest"] + epsp + bpap
        gate = _sum_kernel(
            t,
            pre_t,
            lambda x: p["i_f"] * np.exp(-x / p["tau_f"]) + p["i_s"] * np.exp(-x / p["tau_s"]),
        )
        b = get_block_model(block_model)(v, mg)
        influx = p["p0"] * p["g_nmda"] * gate * b * (v - p["v_ca"])
        # exponential integrator with the trapezoid mean of the influx
        decay = np.exp(-dt / p["tau_ca"])
        mean_influx = 0.5 * (influx[1:] + influx[:-1])
        drive = p["tau_ca"] * (1 - decay) * mean_influx
        from scipy.signal import lfilter  # imported here: scipy.signal takes 0.6 s to load

        ca = np.concatenate([[0.0], lfilter([1.0], [1.0, -decay], drive)])
        ds = xr.Dataset(
            {"ca": ("time", ca), "v": ("time", v), "influx": ("time", influx)}, coords={"time": t}
        )
        ds["v"].attrs["units"] = "mV"
        ds["influx"].attrs["units"] = "uM/ms"
    ds["time"].attrs["units"] = "ms"
    ds["ca"].attrs["units"] = "uM" if model == "nmda_voltage" else "1 (GB2012 normalised)"
    ds.attrs.update(model=model, mg=mg)
    return ds
