"""The magnesium compartment model (MODEL.md §7): equations and solver.

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
from scipy.integrate import solve_ivp

from ..errors import MagsynapseError
from ..provenance import ParameterSet
from .regimen import MEAL_TIMES_H, Regimen
from .salts import SALTS

N_GUT = 5
GUT = tuple(f"gut_{k}" for k in range(1, N_GUT + 1))
STATES = (
    *GUT,
    "gut_unavail",
    "plasma",
    "fast",
    "slow",
    "csf",
    "isf",
    "neuron",
    "absorbed_cum",
    "feces_cum",
    "urine_cum",
    "dose_cum",
    "clamp_cum",
    "supplement_cum",
    "thr_gut",
    "thr_plasma",
    "thr_brain",
    "thr_out",
)
IDX = {name: i for i, name in enumerate(STATES)}
N_STATES = len(STATES)
MG_POOLS = (*GUT, "gut_unavail", "plasma", "fast", "slow", "csf", "isf", "neuron")
BODY = ("plasma", "fast", "slow", "csf", "isf", "neuron")
LN2 = math.log(2.0)
# state indices as compile-time constants of the kernels
GU, PL, FA, SL, CS, IS, NE = (
    IDX[k] for k in ("gut_unavail", "plasma", "fast", "slow", "csf", "isf", "neuron")
)
AB, FE, UR, DO, CL, SU = (
    IDX[k]
    for k in ("absorbed_cum", "feces_cum", "urine_cum", "dose_cum", "clamp_cum", "supplement_cum")
)
TG, TP, TB, TO = (IDX[k] for k in ("thr_gut", "thr_plasma", "thr_brain", "thr_out"))

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
    """Rate constants of the equations from parameter arrays (see module docstring)."""
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
    """Every named flux (mmol/h) at state ``y`` of shape (n_samples, N_STATES)."""
    f = _flux_kernel(np.ascontiguousarray(y, dtype=float), r.matrix)
    return {name: f[:, i] for i, name in enumerate(FLUXES)}


def rhs(y: np.ndarray, r: Rates, iv_rate: np.ndarray, clamp: bool) -> np.ndarray:
    """dy/dt (n_samples, N_STATES): each flux leaves one state and enters another."""
    return _rhs_kernel(
        np.ascontiguousarray(y, dtype=float),
        r.matrix,
        np.asarray(iv_rate, dtype=float),
        bool(clamp),
    )


# --------------------------------------------------------------------------- timeline
@dataclass
class Event:
    """Boluses added at one time (mmol per sample) and the infusion rate from then on."""

    time: float
    gut: np.ndarray
    gut_unavail: np.ndarray
    supplement: np.ndarray
    threonate: np.ndarray


def _availability(params: dict[str, np.ndarray], salt_name: str) -> np.ndarray:
    key = f"avail_{salt_name}"
    if key in params:
        return params[key]
    return np.full_like(params["weight"], SALTS[salt_name].availability.value)


def timeline(
    regimen: Regimen, p: dict[str, np.ndarray], diet: bool = True
) -> tuple[list[Event], list[tuple[float, float, np.ndarray]]]:
    """Bolus events and infusion windows ``(start, stop, rate)`` of a regimen."""
    n = len(p["weight"])
    zero = np.zeros(n)
    events: dict[float, Event] = {}

    def at(t: float) -> Event:
        key = round(float(t), 9)
        if key not in events:
            events[key] = Event(key, zero.copy(), zero.copy(), zero.copy(), zero.copy())
        return events[key]

    if diet and regimen.diet:
        per_meal = p["diet_mg"] / p["meals_per_day"]
        for day in range(math.ceil(regimen.days)):
            for t_meal in MEAL_TIMES_H[: int(p["meals_per_day"][0])]:
                t = 24.0 * day + t_meal
                if t < regimen.hours:
                    at(t).gut += per_meal
    infusions = []
    salt = regimen.salt
    for t in regimen.dose_times():
        amount = np.full(n, regimen.mmol_per_administration)
        if salt.route == "iv":
            rate = amount / regimen.infusion_hours
            infusions.append((float(t), float(t) + regimen.infusion_hours, rate))
            continue
        avail = _availability(p, salt.name)
        if not regimen.with_meal:
            avail = avail * p["fasted_factor"]
        avail = np.clip(avail, 0.0, 1.0)
        ev = at(t)
        ev.gut += amount * avail
        ev.gut_unavail += amount * (1.0 - avail)
        ev.supplement += amount
        ev.threonate += amount * salt.threonate_per_mg
    return [events[k] for k in sorted(events)], infusions


# --------------------------------------------------------------------------- integration
RTOL = 1e-7
ATOL = 1e-10


def _segment(
    y0: np.ndarray,
    t0: float,
    t1: float,
    r: Rates,
    iv_rate: np.ndarray,
    clamp: bool,
    t_eval: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Integrate one event-free interval; states at ``t_eval`` and at ``t1``."""
    n = y0.shape[0]
    m = r.matrix
    iv = np.asarray(iv_rate, dtype=float)

    def f(_t, yflat):
        return _rhs_kernel(yflat.reshape(n, N_STATES), m, iv, clamp).ravel()

    times = np.append(t_eval, t1) if t_eval is not None else np.array([t1])
    sol = solve_ivp(
        f,
        (t0, t1),
        y0.ravel(),
        method="LSODA",
        rtol=RTOL,
        atol=ATOL,
        t_eval=times,
        lband=N_STATES - 1,
        uband=N_STATES - 1,
    )
    if not sol.success:  # pragma: no cover - the system is well posed
        raise MagsynapseError(f"PK integration failed: {sol.message}")
    ys = sol.y.T.reshape(len(sol.t), n, N_STATES)
    return ys[-1], (ys[:-1] if t_eval is not None else None)


@dataclass
class Schedule:
    """A regimen cut into event-free segments, shared by every sample.

    ``grid`` holds the segment boundaries (h); before segment s the boluses
    ``bolus[s]`` (n, 4: absorbable gut, unabsorbable gut, supplement, threonate) are
    added; during it the infusion rate is ``iv[s]`` (n,) and the plasma clamp is
    ``clamp[s]``.
    """

    grid: np.ndarray
    bolus: np.ndarray
    iv: np.ndarray
    clamp: np.ndarray
    clamp_jump: float


def schedule(regimen: Regimen, p: dict[str, np.ndarray], diet: bool = True) -> Schedule:
    """Cut ``regimen`` into segments (see :class:`Schedule`)."""
    events, infusions = timeline(regimen, p, diet)
    n = len(p["weight"])
    breaks = {0.0, regimen.hours}
    breaks.update(e.time for e in events)
    for a, b, _ in infusions:
        breaks.update((a, min(b, regimen.hours)))
    clamp_end = regimen.clamp_hours if regimen.clamp_factor > 0 else None
    if clamp_end is not None and clamp_end < regimen.hours:
        breaks.add(clamp_end)
    grid = np.array(sorted(t for t in breaks if 0.0 <= t <= regimen.hours))
    n_seg = len(grid) - 1
    bolus = np.zeros((n_seg, n, 4))
    iv = np.zeros((n_seg, n))
    clamp = np.zeros(n_seg, dtype=np.bool_)
    ev_at = {e.time: e for e in events}
    for k, a in enumerate(grid[:-1]):
        ev = ev_at.get(round(float(a), 9))
        if ev is not None:
            bolus[k] = np.stack([ev.gut, ev.gut_unavail, ev.supplement, ev.threonate], axis=1)
        for start, stop, rate in infusions:
            if start <= a < stop:
                iv[k] += rate
        clamp[k] = clamp_end is not None and a < clamp_end
    jump = regimen.clamp_factor - 1.0 if regimen.clamp_factor > 0 else 0.0
    return Schedule(grid, bolus, iv, clamp, jump)


def _start(y0: np.ndarray, sch: Schedule) -> np.ndarray:
    y = y0.copy()
    if sch.clamp_jump:
        jump = sch.clamp_jump * y[:, IDX["plasma"]]
        y[:, IDX["plasma"]] += jump
        y[:, IDX["clamp_cum"]] += jump
    return y


def integrate(
    y0: np.ndarray,
    regimen: Regimen,
    r: Rates,
    p: dict[str, np.ndarray],
    t_out: np.ndarray,
    diet: bool = True,
) -> np.ndarray:
    """States at ``t_out`` (h) under ``regimen`` from ``y0``; shape (len(t_out), n, N).

    scipy's LSODA (stiff-capable, automatic switching) on every event-free segment; the
    samples of a batch are integrated together as one banded system. States at an event
    time are those just after the event.
    """
    sch = schedule(regimen, p, diet)
    y = _start(y0, sch)
    n = y.shape[0]
    out = np.empty((len(t_out), n, N_STATES))
    filled = np.zeros(len(t_out), bool)
    for k, (a, b) in enumerate(zip(sch.grid[:-1], sch.grid[1:], strict=True)):
        _add_bolus(y, sch.bolus[k])
        mask = (t_out >= a) & (t_out < b) & ~filled
        y_end, ys = _segment(
            y, a, b, r, sch.iv[k], bool(sch.clamp[k]), t_out[mask] if mask.any() else None
        )
        if ys is not None:
            out[mask] = ys
            filled |= mask
        y = y_end
    out[~filled] = y
    return out


def _add_bolus(y: np.ndarray, bolus: np.ndarray) -> None:
    y[:, IDX["gut_1"]] += bolus[:, 0]
    y[:, IDX["gut_unavail"]] += bolus[:, 1]
    y[:, IDX["dose_cum"]] += bolus[:, 0] + bolus[:, 1]
    y[:, IDX["supplement_cum"]] += bolus[:, 2]
    y[:, IDX["thr_gut"]] += bolus[:, 3]


# Dormand–Prince 5(4) tableau
_C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0])
_A = np.zeros((7, 7))
_A[1, :1] = [1 / 5]
_A[2, :2] = [3 / 40, 9 / 40]
_A[3, :3] = [44 / 45, -56 / 15, 32 / 9]
_A[4, :4] = [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729]
_A[5, :5] = [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]
_A[6, :6] = [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]
_E = np.array([71 / 57600, 0.0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40])


@numba.njit(cache=True)
def _dp5_to(y, t, t_end, h, q, iv, clamp, rtol, atol, k, f, tmp):  # pragma: no cover
    """Advance one sample from t to t_end with adaptive Dormand–Prince 5(4)."""
    n_st = y.shape[0]
    _deriv_one(y, q, iv, clamp, f, k[0])
    while t < t_end:
        if t + h > t_end:
            h = t_end - t
        for s in range(1, 7):
            for j in range(n_st):
                acc = y[j]
                for r in range(s):
                    acc += h * _A[s, r] * k[r, j]
                tmp[j] = acc
            _deriv_one(tmp, q, iv, clamp, f, k[s])
        err = 0.0
        for j in range(n_st):
            e = 0.0
            for r in range(7):
                e += _E[r] * k[r, j]
            sc = atol + rtol * max(abs(y[j]), abs(tmp[j]))
            err += (h * e / sc) ** 2
        err = (err / n_st) ** 0.5
        if err <= 1.0:
            t += h
            for j in range(n_st):
                y[j] = tmp[j]  # stage 7 is the 5th-order solution (FSAL)
                k[0, j] = k[6, j]
        factor = 0.9 * err**-0.2 if err > 0 else 5.0
        h *= min(5.0, max(0.2, factor))
    return h


@numba.njit(parallel=True, cache=True)
def _batch_kernel(y0, m, grid, bolus, iv, clamp, t_out, rtol, atol):  # pragma: no cover
    n = y0.shape[0]
    n_st = y0.shape[1]
    n_out = t_out.shape[0]
    out = np.empty((n_out, n, n_st))
    for i in numba.prange(n):
        y = y0[i].copy()
        k = np.empty((7, n_st))
        f = np.empty(len(FLUXES))
        tmp = np.empty(n_st)
        h = 0.01
        o = 0
        for s in range(grid.shape[0] - 1):
            a = grid[s]
            b = grid[s + 1]
            y[0] += bolus[s, i, 0]
            y[GU] += bolus[s, i, 1]
            y[DO] += bolus[s, i, 0] + bolus[s, i, 1]
            y[SU] += bolus[s, i, 2]
            y[TG] += bolus[s, i, 3]
            t = a
            while o < n_out and t_out[o] < b:
                if t_out[o] > t:
                    h = _dp5_to(y, t, t_out[o], h, m[i], iv[s, i], clamp[s], rtol, atol, k, f, tmp)
                    t = t_out[o]
                out[o, i] = y
                o += 1
            if b > t:
                h = _dp5_to(y, t, b, h, m[i], iv[s, i], clamp[s], rtol, atol, k, f, tmp)
        while o < n_out:
            out[o, i] = y
            o += 1
    return out


def integrate_batch(
    y0: np.ndarray,
    regimen: Regimen,
    r: Rates,
    p: dict[str, np.ndarray],
    t_out: np.ndarray,
    diet: bool = True,
) -> np.ndarray:
    """As :func:`integrate`, for many parameter samples at once: each sample is advanced
    independently with its own adaptive Dormand–Prince 5(4) steps in one compiled,
    parallel call (the system is only mildly stiff; tests compare it with LSODA)."""
    sch = schedule(regimen, p, diet)
    y = _start(y0, sch)
    return _batch_kernel(
        np.ascontiguousarray(y),
        r.matrix,
        sch.grid,
        sch.bolus,
        sch.iv,
        sch.clamp,
        np.ascontiguousarray(t_out, dtype=float),
        RTOL,
        ATOL,
    )


# --------------------------------------------------------------------------- baseline
def _day_map(y0: np.ndarray, r: Rates, p: dict[str, np.ndarray]) -> np.ndarray:
    day = Regimen(None, 0.0, "daily", 1.0)
    solver = integrate if y0.shape[0] == 1 else integrate_batch
    return solver(y0, day, r, p, np.array([24.0]))[0]


def _initial_guess(r: Rates) -> np.ndarray:
    n = len(r.weight)
    y = np.zeros((n, N_STATES))
    c_ion = r.f_ion * r.serum_ref
    y[:, IDX["plasma"]] = r.serum_ref * r.v_plasma
    y[:, IDX["fast"]] = r.fast_pool
    y[:, IDX["slow"]] = r.slow_pool
    c_csf = r.vmax_csf * c_ion / (r.km_csf + c_ion) / r.k_eff / r.v_csf
    y[:, IDX["csf"]] = c_csf * r.v_csf
    y[:, IDX["isf"]] = c_csf * r.v_isf
    y[:, IDX["neuron"]] = (r.p_n * c_csf / r.k_out) * (1.0 + r.buffer)
    y[:, IDX["gut_1"]] = r.diet_mg / r.meals_per_day / 2.0
    return y


def baseline(
    r: Rates, p: dict[str, np.ndarray], tol: float = 1e-6, max_iter: int = 30
) -> np.ndarray:
    """Periodic steady state under the diet alone (t = 0 is just before breakfast).

    Newton's method on y ↦ Φ(y) − y, where Φ is one day of meals; the Jacobian is built
    blockwise per sample by finite differences over the eight Mg pools.
    """
    y = _initial_guess(r)
    pools = [IDX[k] for k in MG_POOLS]
    n = y.shape[0]
    for _ in range(max_iter):
        phi = _day_map(y, r, p)
        res = (phi - y)[:, pools]
        scale = np.maximum(np.abs(y[:, pools]), 1e-6)
        if np.max(np.abs(res) / scale) < tol:
            break
        jac = np.empty((n, len(pools), len(pools)))
        for j, k in enumerate(pools):
            h = 1e-4 * np.maximum(np.abs(y[:, k]), 1e-2)
            yp = y.copy()
            yp[:, k] += h
            jac[:, :, j] = ((_day_map(yp, r, p) - phi)[:, pools] - (yp - y)[:, pools]) / h[:, None]
        step = np.linalg.solve(jac, -res[:, :, None])[:, :, 0]
        y[:, pools] += step
    else:  # pragma: no cover - converges in a few iterations
        raise MagsynapseError("PK baseline did not converge")
    return _reset_cumulative(y)


def _reset_cumulative(y: np.ndarray) -> np.ndarray:
    y = y.copy()
    for k in (
        "absorbed_cum",
        "feces_cum",
        "urine_cum",
        "dose_cum",
        "clamp_cum",
        "supplement_cum",
        "thr_gut",
        "thr_plasma",
        "thr_brain",
        "thr_out",
    ):
        y[:, IDX[k]] = 0.0
    return y


def parameter_arrays(
    ps: ParameterSet, n: int = 1, seed: int | None = None
) -> dict[str, np.ndarray]:
    """Parameter values as arrays of length ``n``: the nominal values, or, with a seed,
    draws from the priors. Calibrated parameters are drawn jointly from the calibration's
    posterior (a log-normal with the stored covariance, as multiplicative deviations from
    the set's values); every other parameter from its own prior. Sample k always uses the
    stream (seed, k), so it is the same whatever the batch size."""
    if seed is None:
        return {k: np.full(n, float(v)) for k, v in ps.values().items()}
    posterior = (ps.calibration or {}).get("posterior")
    joint = list(posterior["keys"]) if posterior else []
    chol = np.linalg.cholesky(np.asarray(posterior["log_covariance"])) if posterior else None
    out = {k: np.empty(n) for k in ps.params}
    for i in range(n):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        if joint:
            factors = np.exp(chol @ rng.standard_normal(len(joint)))
            for key, f in zip(joint, factors, strict=True):
                out[key][i] = ps[key] * f
        for key in sorted(ps.params):  # fixed order: independent of the batch
            if key not in joint:
                out[key][i] = ps.params[key].sample(rng, 1)[0]
    return out
