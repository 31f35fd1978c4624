"""Receptor kinetics: AMPA, NMDA (with an NR2B fraction) and GABA_A (docs/specification.md §2).

* AMPA — first-order binding (Destexhe, Mainen & Sejnowski 1994):
  dr/dt = α·T(t)·(1 − r) − β·r, with a transmitter pulse T = 1 mM for 0.3 ms per spike,
  α = 0.94 /(mM ms), β = 0.18 /ms (decay τ = 1/β ≈ 5.6 ms).
* NMDA — dual exponential per subunit; a synapse with NR2B fraction f has the mixture
  kernel g(t) = [(1 − f)·P_A·s_A(t) + f·P_B·s_B(t)] / P_A where s is the peak-normalised
  dual exponential and P the peak open probability (0.50 for GluN2A, 0.12 for GluN2B,
  Erreger et al. 2005), so that f = 0 has unit peak. The current is
  I = g·B(V, [Mg]o)·(V − E), with a Ca²⁺ fraction of ≈ 12 % (Burnashev et al. 1995).
* GABA_A — single exponential.

Times in ms, conductances relative (multiply by a peak conductance in nS).
"""

from __future__ import annotations

import numpy as np

from ..errors import MagsynapseError
from ..provenance import Param, ParameterSet
from .block import get_block_model

RECEPTORS: dict[str, ParameterSet] = {
    "ampa": ParameterSet(
        "ampa",
        "receptor.ampa",
        {
            "alpha": Param(0.94, "1/(mM ms)", "destexhe_1994"),
            "beta": Param(0.18, "1/ms", "destexhe_1994"),
            "t_max": Param(1.0, "mM", "destexhe_1994", "transmitter pulse amplitude"),
            "pulse": Param(0.3, "ms", "destexhe_1994", "transmitter pulse duration"),
            "e_rev": Param(0.0, "mV", "destexhe_1994"),
        },
    ),
    "nmda_glun2a": ParameterSet(
        "nmda_glun2a",
        "receptor.nmda",
        {
            "tau_rise": Param(2.0, "ms", "spec_receptors"),
            "tau_decay": Param(
                70.0, "ms", "spec_receptors", "recombinant GluN1/2A, range 56-87 ms"
            ),
            "p_open": Param(0.50, "1", "erreger_2005", "peak open probability"),
            "e_rev": Param(0.0, "mV", "spec_receptors"),
        },
    ),
    "nmda_glun2b": ParameterSet(
        "nmda_glun2b",
        "receptor.nmda",
        {
            "tau_rise": Param(10.0, "ms", "spec_receptors"),
            "tau_decay": Param(
                300.0, "ms", "spec_receptors", "recombinant GluN1/2B, range 155-548 ms"
            ),
            "p_open": Param(0.12, "1", "erreger_2005", "peak open probability"),
            "e_rev": Param(0.0, "mV", "spec_receptors"),
        },
    ),
    "nmda_calcium": ParameterSet(
        "nmda_calcium",
        "receptor.nmda",
        {
            "ca_fraction": Param(
                0.12,
                "1",
                "burnashev_1995",
                "fraction of NMDA current carried by Ca2+; specification: 10-15 %",
            ),
        },
    ),
    "gaba_a": ParameterSet(
        "gaba_a",
        "receptor.gaba_a",
        {
            "tau": Param(
                10.0, "ms", "spec_receptors", "specified range 5-10 ms; 10 ms as in MgNet"
            ),
            "e_rev": Param(-80.0, "mV", "spec_receptors", "specified range -70 to -80 mV"),
        },
    ),
}


def _spike_array(spikes: np.typing.ArrayLike) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(spikes, dtype=float))
    if arr.ndim != 1 or np.any(~np.isfinite(arr)):
        raise MagsynapseError("spike times must be a 1-D array of finite times (ms)")
    return np.sort(arr)


def ampa_open_fraction(t: np.typing.ArrayLike, spikes: np.typing.ArrayLike) -> np.ndarray:
    """AMPA open fraction r(t) of the Destexhe et al. (1994) first-order scheme.

    Solved exactly: during a transmitter pulse r relaxes to r∞ = αT/(αT + β) with rate
    αT + β; outside pulses it decays with rate β. Overlapping pulses are merged.

    Parameters
    ----------
    t : array_like
        Times (ms), any order.
    spikes : array_like
        Presynaptic spike times (ms); each starts a transmitter pulse.

    Returns
    -------
    numpy.ndarray
        r(t) in [0, 1), same shape as ``t``.

    Examples
    --------
    >>> r = ampa_open_fraction([0.3, 5.86], [0.0])
    >>> bool(abs(r[1] / r[0] - np.exp(-0.18 * 5.56)) < 1e-9)
    True
    """
    p = RECEPTORS["ampa"]
    t_arr = np.asarray(t, dtype=float)
    on = p["alpha"] * p["t_max"] + p["beta"]
    r_inf = p["alpha"] * p["t_max"] / on
    # Pulse intervals, merged where they overlap.
    starts = _spike_array(spikes)
    intervals: list[list[float]] = []
    for s in starts:
        if intervals and s <= intervals[-1][1]:
            intervals[-1][1] = s + p["pulse"]
        else:
            intervals.append([s, s + p["pulse"]])
    out = np.zeros_like(t_arr)
    flat = t_arr.ravel()
    res = out.ravel()
    for i, ti in enumerate(flat):
        r, clock = 0.0, -np.inf
        for a, b in intervals:
            if a >= ti:
                break
            if clock > -np.inf:
                r *= np.exp(-p["beta"] * (a - clock))
            end = min(b, ti)
            r = r_inf + (r - r_inf) * np.exp(-on * (end - a))
            clock = end
        if clock > -np.inf:
            r *= np.exp(-p["beta"] * (ti - clock))
        res[i] = r
    return out


def _dual_exp(t: np.ndarray, tau_rise: float, tau_decay: float) -> np.ndarray:
    """Peak-normalised e^(−t/τd) − e^(−t/τr) for t ≥ 0, zero before."""
    t_peak = tau_rise * tau_decay / (tau_decay - tau_rise) * np.log(tau_decay / tau_rise)
    peak = np.exp(-t_peak / tau_decay) - np.exp(-t_peak / tau_rise)
    tt = np.maximum(t, 0.0)
    return np.where(t >= 0, (np.exp(-tt / tau_decay) - np.exp(-tt / tau_rise)) / peak, 0.0)


def nmda_kernel(t: np.typing.ArrayLike, f_2b: float = 0.0) -> np.ndarray:
    """NMDA conductance after one presynaptic spike at t = 0 (relative to GluN2A peak).

    Parameters
    ----------
    t : array_like
        Time since the spike, ms.
    f_2b : float
        NR2B fraction in [0, 1].

    Returns
    -------
    numpy.ndarray
        Relative conductance; with ``f_2b = 0`` the peak is 1.

    Examples
    --------
    >>> round(float(nmda_kernel(np.linspace(0, 50, 50001)).max()), 6)
    1.0
    """
    if not 0.0 <= f_2b <= 1.0:
        raise MagsynapseError(f"NR2B fraction must be in [0, 1], got {f_2b}")
    t_arr = np.asarray(t, dtype=float)
    a, b = RECEPTORS["nmda_glun2a"], RECEPTORS["nmda_glun2b"]
    ka = _dual_exp(t_arr, a["tau_rise"], a["tau_decay"])
    kb = _dual_exp(t_arr, b["tau_rise"], b["tau_decay"])
    return ((1.0 - f_2b) * a["p_open"] * ka + f_2b * b["p_open"] * kb) / a["p_open"]


def nmda_conductance(
    t: np.typing.ArrayLike,
    spikes: np.typing.ArrayLike,
    v: np.typing.ArrayLike,
    mg: np.typing.ArrayLike,
    f_2b: float = 0.0,
    g_max: float = 1.0,
    block_model: str = "jahr_stevens_1990",
) -> np.ndarray:
    """Effective NMDA conductance g(t)·B(V(t), [Mg]o) summed over presynaptic spikes.

    Parameters
    ----------
    t : array_like, shape (n,)
        Times, ms.
    spikes : array_like
        Presynaptic spike times, ms.
    v : float or array_like, shape (n,)
        Postsynaptic potential, mV.
    mg : float or array_like, shape (n,)
        [Mg]o, mM.
    f_2b : float
        NR2B fraction.
    g_max : float
        Peak conductance of a pure GluN2A synapse, nS.
    block_model : str
        A name in :data:`~magsynapse.receptors.BLOCK_MODELS`.

    Returns
    -------
    numpy.ndarray
        Conductance in nS.

    Examples
    --------
    >>> g = nmda_conductance([20.0], [0.0], v=-65.0, mg=0.0)
    >>> bool(0 < g[0] <= 1.0)
    True
    """
    t_arr = np.asarray(t, dtype=float)
    g = np.zeros_like(t_arr)
    for s in _spike_array(spikes):
        g += nmda_kernel(t_arr - s, f_2b)
    return g_max * g * get_block_model(block_model)(v, mg)


def gaba_a_conductance(
    t: np.typing.ArrayLike, spikes: np.typing.ArrayLike, g_max: float = 1.0
) -> np.ndarray:
    """GABA_A conductance (nS): a jump of ``g_max`` per spike, decaying with τ.

    Examples
    --------
    >>> float(gaba_a_conductance([10.0], [0.0])[0]) == float(np.exp(-1.0))
    True
    """
    tau = RECEPTORS["gaba_a"]["tau"]
    t_arr = np.asarray(t, dtype=float)
    g = np.zeros_like(t_arr)
    for s in _spike_array(spikes):
        g += np.where(t_arr >= s, np.exp(-np.maximum(t_arr - s, 0.0) / tau), 0.0)
    return g_max * g
