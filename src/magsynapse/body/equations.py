"""The equations of the magnesium compartment model (docs/specification.md §7).

This module holds the model alone: the state and flux layout, the rate constants derived
from parameters (:func:`derive`), the fluxes and the right-hand side (:func:`fluxes`,
:func:`rhs`) and their compiled per-sample kernels, which the solvers of
:mod:`.solvers` call. Dosing lives in :mod:`.schedule`, the steady state in
:mod:`.baseline`, parameter draws in :mod:`.priors`.

Compartments (amounts, mmol): the intestinal lumen as a transit chain of five segments
(absorbable Mg) plus an unabsorbable pool, plasma, fast exchangeable tissue, slow pool
(bone), CSF, brain ISF, neurons; threonate in gut, plasma and brain. Cumulative exits and
entries (absorbed, faeces, urine, dose, clamp) are states too, so every flux leaves one
state and enters another: the right-hand side sums to zero and the solver conserves mass
to round-off.

Fluxes (mmol/h; C = concentration, mM; segment k of the lumen holds G_k):

* absorption  Σ_k [Vmax/5·G_k/(Km/5 + G_k) + k_lin·G_k]   (saturable + linear, Fine 1991)
* transit     5/T_gut·G_k from segment k to k + 1, the last into faeces (a chain of five
              approximates the near plug flow that makes saturable absorption per meal
              level off at large doses); unabsorbable Mg leaves with rate 1/T_gut
* kidney      filtered L = GFR·(f_ion + f_cx)·C_p; reabsorbed Tm·L/(K_r + L); urine L − R,
              Tm = (1 − fe)(K_r + L_ref): fe is the fractional excretion at serum_ref
* tissue      CL_f·C_ion ⇄ k_fp·F;  k_fs·F ⇄ k_sf·S
* CSF         Vmax_c·C_ion/(Km_c + C_ion) in, k_eff·CSF out (first order)
* ISF         PS·(C_csf − C_isf)
* neurons     P_n·(1 + E·T_b/(EC50 + T_b))·C_isf in, k_out·[Mg]i·V_n out,
              [Mg]i = N/(V_n(1 + buffer))  (free intraneuronal Mg)
* threonate   k_a·T_g absorbed, T_g/T_gut to faeces, k_el·T_p eliminated,
              PS_t·(T_p/V_t − T_b/V_isf) into brain
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

N_GUT = 5
GUT = tuple(f"gut_{k}" for k in range(1, N_GUT + 1))
MG_POOLS = (*GUT, "gut_unavail", "plasma", "fast", "slow", "csf", "isf", "neuron")
#: Cumulative entries and exits (mmol since t = 0).
CUMULATIVE = ("absorbed_cum", "feces_cum", "urine_cum", "dose_cum", "clamp_cum", "supplement_cum")
#: Threonate, its own species (mmol).
THREONATE = ("thr_gut", "thr_plasma", "thr_brain", "thr_out")
STATES = (*MG_POOLS, *CUMULATIVE, *THREONATE)
IDX = {name: i for i, name in enumerate(STATES)}
N_STATES = len(STATES)
BODY = ("plasma", "fast", "slow", "csf", "isf", "neuron")
LN2 = math.log(2.0)
# state indices as compile-time constants of the kernels
GU, PL, FA, SL, CS, IS, NE = (
    IDX[k] for k in ("gut_unavail", "plasma", "fast", "slow", "csf", "isf", "neuron")
)
AB, FE, UR, DO, CL, SU = (IDX[k] for k in CUMULATIVE)
TG, TP, TB, TO = (IDX[k] for k in THREONATE)

FLUXES = (
    "absorption",
    "transit",
    "transit_unavail",
    "urine",
    "plasma_to_fast",
    "fast_to_plasma",
    "fast_to_slow",
    "slow_to_fast",
    "plasma_to_csf",
    "csf_to_plasma",
    "csf_to_isf",
    "isf_to_neuron",
    "neuron_to_isf",
    "thr_absorption",
    "thr_transit",
    "thr_elimination",
    "thr_to_brain",
)
FX = {name: i for i, name in enumerate(FLUXES)}
#: Columns of the rate matrix the compiled kernels read.
RATE_KEYS = (
    "vmax_abs",
    "km_abs",
    "k_lin",
    "k_seg",
    "v_plasma",
    "f_ion",
    "f_uf",
    "gfr",
    "tm_renal",
    "km_renal",
    "cl_f",
    "k_fp",
    "k_fs",
    "k_sf",
    "vmax_csf",
    "km_csf",
    "k_eff",
    "v_csf",
    "v_isf",
    "ps_isf",
    "p_n",
    "k_out",
    "v_neuron",
    "buffer",
    "emax_thr",
    "ec50_thr",
    "ka_thr",
    "k_el_thr",
    "v_thr",
    "ps_thr",
    "k_tr",
)
RK = {name: i for i, name in enumerate(RATE_KEYS)}


@dataclass
class Rates:
    """Derived rate constants: ``values[name]`` arrays over samples, and ``matrix``
    (n_samples, len(RATE_KEYS)) for the compiled kernels."""

    values: dict[str, np.ndarray]
    matrix: np.ndarray

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def derive(p: dict[str, np.ndarray]) -> Rates:
    """Rate constants of the equations from parameter arrays (see the module docstring).

    Parameters
    ----------
    p : dict of str to numpy.ndarray
        Parameter values, each an array over samples (see
        :func:`~magsynapse.body.priors.parameter_arrays`).

    Returns
    -------
    Rates
        The parameters and the derived rate constants, by name and as the kernels' matrix.

    Examples
    --------
    >>> from magsynapse.body import pk_parameters
    >>> from magsynapse.body.priors import parameter_arrays
    >>> r = derive(parameter_arrays(pk_parameters("human"), 2))
    >>> r.matrix.shape == (2, len(RATE_KEYS))
    True
    """
    c_ion_ref = p["f_ion"] * p["serum_ref"]
    k_fp = LN2 / p["t_fast"]
    k_sf = LN2 / p["t_slow"]
    k_out = (1.0 + p["buffer"]) / p["t_neuron"]
    values = {
        **p,
        "f_uf": p["f_ion"] + p["f_complex"],
        "k_fp": k_fp,
        "cl_f": p["fast_pool"] * k_fp / c_ion_ref,
        "k_sf": k_sf,
        "k_fs": k_sf * p["slow_pool"] / p["fast_pool"],
        "k_eff": LN2 / p["t_csf"],
        "k_out": k_out,
        "p_n": k_out * p["v_neuron"] * p["mg_i0"] / p["mg_o_ref"],
        "k_el_thr": LN2 / p["t_thr"],
        "tm_renal": (1.0 - p["fe_renal"])
        * (p["km_renal"] + p["gfr"] * (p["f_ion"] + p["f_complex"]) * p["serum_ref"]),
        "k_seg": N_GUT / p["t_gut"],
        "k_tr": 1.0 / p["t_gut"],
    }
    matrix = np.ascontiguousarray(np.stack([values[k] for k in RATE_KEYS], axis=1))
    return Rates(values, matrix)


@numba.njit(cache=True, inline="always")
def _flux_one(y, q, f):  # pragma: no cover - compiled
    vmax = q[0] / N_GUT
    km = q[1] / N_GUT
    absorbed = 0.0
    for k in range(N_GUT):
        g = y[k] if y[k] > 0.0 else 0.0
        absorbed += vmax * g / (km + g) + q[2] * y[k]
    c_p = y[PL] / q[4]
    c_ion = q[5] * c_p
    load = q[7] * q[6] * c_p
    c_csf = y[CS] / q[17]
    c_isf = y[IS] / q[18]
    t_b = (y[TB] if y[TB] > 0.0 else 0.0) / q[18]
    boost = 1.0 + q[24] * t_b / (q[25] + t_b)
    mg_i = y[NE] / (q[22] * (1.0 + q[23]))
    f[0] = absorbed
    f[1] = q[3] * y[N_GUT - 1]
    f[2] = q[30] * y[GU]
    f[3] = load - q[8] * load / (q[9] + load)
    f[4] = q[10] * c_ion
    f[5] = q[11] * y[FA]
    f[6] = q[12] * y[FA]
    f[7] = q[13] * y[SL]
    f[8] = q[14] * c_ion / (q[15] + c_ion)
    f[9] = q[16] * y[CS]
    f[10] = q[19] * (c_csf - c_isf)
    f[11] = q[20] * boost * c_isf
    f[12] = q[21] * mg_i * q[22]
    f[13] = q[26] * y[TG]
    f[14] = q[30] * y[TG]
    f[15] = q[27] * y[TP]
    f[16] = q[29] * (y[TP] / q[28] - t_b)


@numba.njit(cache=True)
def _deriv_one(y, q, iv, clamp, f, d):  # pragma: no cover - compiled
    _flux_one(y, q, f)
    vmax = q[0] / N_GUT
    km = q[1] / N_GUT
    inflow = 0.0
    for k in range(N_GUT):
        g = y[k] if y[k] > 0.0 else 0.0
        out = q[3] * y[k]
        d[k] = inflow - out - vmax * g / (km + g) - q[2] * y[k]
        inflow = out
    d[GU] = -f[2]
    d_plasma = f[0] + iv - f[3] - f[4] + f[5] - f[8] + f[9]
    if clamp:
        d[PL] = 0.0
        d[CL] = -d_plasma
    else:
        d[PL] = d_plasma
        d[CL] = 0.0
    d[FA] = f[4] - f[5] - f[6] + f[7]
    d[SL] = f[6] - f[7]
    d[CS] = f[8] - f[9] - f[10]
    d[IS] = f[10] - f[11] + f[12]
    d[NE] = f[11] - f[12]
    d[AB] = f[0] + iv
    d[FE] = f[1] + f[2]
    d[UR] = f[3]
    d[DO] = iv
    d[SU] = iv
    d[TG] = -f[13] - f[14]
    d[TP] = f[13] - f[15] - f[16]
    d[TB] = f[16]
    d[TO] = f[15] + f[14]


@numba.njit(cache=True)
def _flux_kernel(y, m):  # pragma: no cover - compiled
    f = np.empty((y.shape[0], len(FLUXES)))
    for i in range(y.shape[0]):
        _flux_one(y[i], m[i], f[i])
    return f


@numba.njit(cache=True)
def _rhs_kernel(y, m, iv_rate, clamp):  # pragma: no cover - compiled
    d = np.empty_like(y)
    f = np.empty(len(FLUXES))
    for i in range(y.shape[0]):
        _deriv_one(y[i], m[i], iv_rate[i], clamp, f, d[i])
    return d


def fluxes(y: np.ndarray, r: Rates) -> dict[str, np.ndarray]:
    """Every named flux (mmol/h) at state ``y`` of shape (n_samples, N_STATES).

    Examples
    --------
    >>> from magsynapse.body import pk_parameters
    >>> from magsynapse.body.baseline import baseline
    >>> from magsynapse.body.priors import parameter_arrays
    >>> p = parameter_arrays(pk_parameters("human"))
    >>> r = derive(p)
    >>> f = fluxes(baseline(r, p), r)
    >>> bool(f["plasma_to_csf"][0] > 0), sorted(f) == sorted(FLUXES)
    (True, True)
    """
    f = _flux_kernel(np.ascontiguousarray(y, dtype=float), r.matrix)
    return {name: f[:, i] for i, name in enumerate(FLUXES)}


def rhs(y: np.ndarray, r: Rates, iv_rate: np.ndarray, clamp: bool) -> np.ndarray:
    """dy/dt (n_samples, N_STATES): each flux leaves one state and enters another.

    Parameters
    ----------
    y : numpy.ndarray
        States, shape (n_samples, N_STATES).
    r : Rates
        From :func:`derive`.
    iv_rate : numpy.ndarray
        Infusion rate into plasma (mmol/h) per sample.
    clamp : bool
        Hold plasma fixed (the clamp supplies or removes what the fluxes would change).

    Examples
    --------
    >>> from magsynapse.body import pk_parameters
    >>> from magsynapse.body.priors import parameter_arrays
    >>> p = parameter_arrays(pk_parameters("human"))
    >>> r = derive(p)
    >>> y = np.ones((1, N_STATES))
    >>> d = rhs(y, r, np.zeros(1), True)  # plasma clamped: the clamp takes up its change
    >>> float(d[0, IDX["plasma"]]), bool(d[0, IDX["clamp_cum"]] != 0)
    (0.0, True)
    """
    return _rhs_kernel(
        np.ascontiguousarray(y, dtype=float),
        r.matrix,
        np.asarray(iv_rate, dtype=float),
        bool(clamp),
    )
