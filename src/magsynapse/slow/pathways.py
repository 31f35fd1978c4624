"""The slow layer's pathways: objects in :data:`PATHWAYS`, each moving its own states.

A pathway is switched on by being in the list handed to :func:`.integrate.integrate`;
switched off, its states stay at their initial (reference) values, so with every pathway
off the layer hands the synapse and network scales exactly their default conditions
(brain [Mg]o and [Mg]i alone change). Each step (``h`` hours) runs the active pathways in
the order of :data:`PATHWAYS` on a :class:`State` of arrays over samples.

=================  ===================================================  =================
pathway            what it does                                         states
=================  ===================================================  =================
``energy``         Mg-ATP supply from [Mg]i against the signalling      ``atp``
                   demand (Howarth 2012); ATP scales every slow rate
``homeostasis``    GluN2B share moves the background NMDA calcium       ``f_2b``
                   back to its set point (Slutsky 2004)
``density``        release sites follow [Mg]i and GluN2B over weeks,    ``synapse_density``,
                   release probability compensates (Slutsky 2010)       ``release_probability``
``excitotoxicity`` calcium above a threshold builds a load that         ``excitotoxic_load``,
                   removes release sites                                ``synapse_density``
``sleep``          Process S and wake potentiation / sleep              ``sleep_pressure``,
                   downscaling of synaptic strength (de Vivo 2017);     ``synaptic_strength``,
                   the night's slow-wave activity                       ``slow_wave``
=================  ===================================================  =================

Each built-in step is one compiled loop over samples (its equations are written once,
there), so that a step costs a few function calls rather than a hundred array
operations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numba as nb
import numpy as np

from ..provenance import Registry
from .params import ENERGY_SHARES, SYNAPTIC_ITEMS

#: ``calcium(mg_o, f_2b, drive)``: background NMDA calcium of a synapse (any units; the
#: layer divides by its value at the reference state), vectorised over arrays.
CalciumFunction = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


@dataclass
class State:
    """The slow states (arrays over samples) and what a step needs besides them."""

    f_2b: np.ndarray
    synapse_density: np.ndarray
    release_probability: np.ndarray
    atp: np.ndarray
    excitotoxic_load: np.ndarray
    sleep_pressure: np.ndarray
    synaptic_strength: np.ndarray
    calcium: np.ndarray  # background NMDA calcium relative to its set point
    atp_supplied: np.ndarray  # cumulative (relative units: 1 = one tau_atp of baseline use)
    atp_used: np.ndarray
    slow_wave: np.ndarray  # the last night's ∫ gain·S dt over the reference night's
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    def drive(self, p: dict[str, np.ndarray]) -> np.ndarray:
        """Relative presynaptic drive: release sites × probability over the reference."""
        return self.synapse_density * self.release_probability / p["release_probability0"]


@dataclass(frozen=True)
class Env:
    """The drivers of one step: brain [Mg] (mM), whether asleep (per sample, or one
    bool for all), its length (h)."""

    mg_o: np.ndarray
    mg_i: np.ndarray
    asleep: np.ndarray | bool
    h: float


def mgatp(mg_i: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Fraction of ATP bound to Mg at free [Mg]i (mM), dissociation constant ``k`` (mM).

    >>> round(float(mgatp(0.5, 0.05)), 4)
    0.9091
    """
    mg_i = np.asarray(mg_i, dtype=float)
    return mg_i / (mg_i + k)


def energy_demand(drive: np.ndarray) -> np.ndarray:
    """Relative signalling energy demand: Howarth's budget items, the synaptic ones
    (receptors, release, recycling) scaled by the presynaptic drive.

    >>> float(energy_demand(np.array(1.0)))
    1.0
    """
    synaptic = sum(ENERGY_SHARES[k] for k in SYNAPTIC_ITEMS)
    return (1.0 - synaptic) + synaptic * np.asarray(drive, dtype=float)


def density_target(state: State, env: Env, p: dict[str, np.ndarray]) -> np.ndarray:
    """Release sites the neuron's [Mg]i and GluN2B share call for (1 at the reference)."""
    return (env.mg_i / p["mg_i_ref"]) ** p["density_mg"] * (state.f_2b / p["f_2b_ref"]) ** p[
        "density_2b"
    ]


def release_target(density: np.ndarray, p: dict[str, np.ndarray]) -> np.ndarray:
    """Release probability at ``density`` sites: its odds scale as density^(−κ), so it
    stays in (0, 1)."""
    p0 = p["release_probability0"]
    odds = p0 / (1.0 - p0) * density ** (-p["release_compensation"])
    return odds / (1.0 + odds)


_SYNAPTIC_SHARE = float(sum(ENERGY_SHARES[k] for k in SYNAPTIC_ITEMS))


def _per_sample(rate: np.ndarray | float | bool, like: np.ndarray) -> np.ndarray:
    """``rate`` (an array over samples, or one number) as an array over samples."""
    if isinstance(rate, np.ndarray) and rate.shape == like.shape:
        return rate
    return np.full(like.shape, rate, dtype=float)


@nb.njit(cache=True)
def _energy(atp, supplied, used, mg_i, density, release, p0, k, mg_i_ref, tau, share, h):
    """Mg-ATP: da/dt = (supply − demand·a)/tau_atp, exact over the step."""
    n = atp.shape[0]
    a, sup, use = np.empty(n), np.empty(n), np.empty(n)
    for i in range(n):
        supply = (mg_i[i] / (mg_i[i] + k[i])) / (mg_i_ref[i] / (mg_i_ref[i] + k[i]))
        demand = (1.0 - share) + share * density[i] * release[i] / p0[i]
        r = demand / tau[i]
        target = supply / demand
        decay = np.exp(-r * h)
        use[i] = used[i] + r * (target * h + (atp[i] - target) * (1.0 - decay) / r)
        sup[i] = supplied[i] + supply / tau[i] * h
        a[i] = target + (atp[i] - target) * decay
    return a, sup, use


@nb.njit(cache=True)
def _homeostasis(f_2b, calcium, rate, tau_up, tau_down, gain, loop_slope, h):
    """The logit of f_2b moves so that ln(calcium) relaxes with tau/(gain·rate)."""
    n = f_2b.shape[0]
    out = np.empty(n)
    for i in range(n):
        log_c = np.log(calcium[i])
        tau = tau_up[i] if log_c < 0 else tau_down[i]
        du = -(1.0 - np.exp(-gain[i] * rate[i] * h / tau)) * log_c / loop_slope[i]
        if du == 0:
            out[i] = f_2b[i]
        else:
            u = np.log(f_2b[i] / (1.0 - f_2b[i])) + du
            out[i] = 1.0 / (1.0 + np.exp(-u))
    return out


@nb.njit(cache=True)
def _density(density, release, f_2b, mg_i, rate, tau, mg_i_ref, k_mg, f_2b_ref, k_2b, p0, kappa, h):
    """Release sites relax to :func:`density_target`, release probability to
    :func:`release_target` at the new sites."""
    n = density.shape[0]
    d_out, r_out = np.empty(n), np.empty(n)
    for i in range(n):
        decay = np.exp(-rate[i] * h / tau[i])
        target = (mg_i[i] / mg_i_ref[i]) ** k_mg[i] * (f_2b[i] / f_2b_ref[i]) ** k_2b[i]
        d = target + (density[i] - target) * decay
        odds = p0[i] / (1.0 - p0[i]) * d ** (-kappa[i])
        p_target = odds / (1.0 + odds)
        d_out[i] = d
        r_out[i] = p_target + (release[i] - p_target) * decay
    return d_out, r_out


@nb.njit(cache=True)
def _excitotoxicity(load, density, calcium, theta, tau_load, tau_loss, h):
    """The load relaxes to the calcium's excess over ``theta``; its mean over the step
    removes release sites."""
    n = load.shape[0]
    l_out, d_out = np.empty(n), np.empty(n)
    for i in range(n):
        target = max(0.0, calcium[i] / theta[i] - 1.0)
        decay = np.exp(-h / tau_load[i])
        mean_load = target + (load[i] - target) * (1.0 - decay) * tau_load[i] / h
        l_out[i] = target + (load[i] - target) * decay
        d_out[i] = density[i] * np.exp(-mean_load * h / tau_loss[i])
    return l_out, d_out


@nb.njit(cache=True)
def _sleep(
    pressure,
    strength,
    night,
    slow_wave,
    asleep,
    mg_o,
    mg_o_ref,
    mg_sleep,
    tau_wake,
    tau_sleep,
    potentiation,
    downscaling_rate,
    night_integral,
    h,
):
    """Process S and synaptic strength: potentiation awake; asleep, downscaling by the
    step's ∫ gain·S dt, which also adds to the night's slow-wave activity."""
    n = pressure.shape[0]
    s_out, w_out, n_out, swa = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    for i in range(n):
        if asleep[i]:
            integral = pressure[i] * tau_sleep[i] * (1.0 - np.exp(-h / tau_sleep[i]))
            gain = (mg_o[i] / mg_o_ref[i]) ** mg_sleep[i]
            w_out[i] = strength[i] * np.exp(-downscaling_rate[i] * gain * integral)
            s_out[i] = pressure[i] * np.exp(-h / tau_sleep[i])
            n_out[i] = night[i] + gain * integral
            swa[i] = n_out[i] / night_integral[i]
        else:
            s_out[i] = 1.0 - (1.0 - pressure[i]) * np.exp(-h / tau_wake[i])
            w_out[i] = strength[i] + potentiation[i] * h
            n_out[i] = 0.0
            swa[i] = slow_wave[i]
    return s_out, w_out, n_out, swa


class Pathway:
    """A slow pathway: its name, the states it moves, its references and its step."""

    name: str = ""
    states: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    description: str = ""

    def step(self, s: State, env: Env, p: dict[str, np.ndarray], rate: np.ndarray) -> None:
        """Advance ``s`` in place by ``env.h`` hours; ``rate`` scales slow rates (ATP)."""
        raise NotImplementedError


class Energy(Pathway):
    name = "energy"
    states = ("atp",)
    references = ("howarth_2012", "romani_2011")
    description = "Mg-ATP supply from [Mg]i against the signalling demand"

    def step(self, s, env, p, rate):
        s.atp, s.atp_supplied, s.atp_used = _energy(
            s.atp,
            s.atp_supplied,
            s.atp_used,
            env.mg_i,
            s.synapse_density,
            s.release_probability,
            p["release_probability0"],
            p["k_mgatp"],
            p["mg_i_ref"],
            p["tau_atp"],
            _SYNAPTIC_SHARE,
            env.h,
        )


class Homeostasis(Pathway):
    name = "homeostasis"
    states = ("f_2b",)
    references = ("slutsky_2004", "philpot_2001")
    description = "GluN2B share returns the background NMDA calcium to its set point"

    def step(self, s, env, p, rate):
        s.f_2b = _homeostasis(
            s.f_2b,
            s.calcium,
            _per_sample(rate, s.f_2b),
            p["tau_up"],
            p["tau_down"],
            p["gain"],
            p["loop_slope"],
            env.h,
        )


class Density(Pathway):
    name = "density"
    states = ("synapse_density", "release_probability")
    references = ("slutsky_2010", "sun_2016")
    description = "release sites follow [Mg]i and GluN2B; release probability compensates"

    def step(self, s, env, p, rate):
        s.synapse_density, s.release_probability = _density(
            s.synapse_density,
            s.release_probability,
            s.f_2b,
            env.mg_i,
            _per_sample(rate, s.f_2b),
            p["tau_density"],
            p["mg_i_ref"],
            p["density_mg"],
            p["f_2b_ref"],
            p["density_2b"],
            p["release_probability0"],
            p["release_compensation"],
            env.h,
        )


class Excitotoxicity(Pathway):
    name = "excitotoxicity"
    states = ("excitotoxic_load", "synapse_density")
    references = ("slutsky_2004",)
    description = "background NMDA calcium above a threshold builds a load that removes sites"

    def step(self, s, env, p, rate):
        s.excitotoxic_load, s.synapse_density = _excitotoxicity(
            s.excitotoxic_load,
            s.synapse_density,
            s.calcium,
            p["theta_load"],
            p["tau_load"],
            p["tau_loss"],
            env.h,
        )


class Sleep(Pathway):
    name = "sleep"
    states = ("sleep_pressure", "synaptic_strength")
    references = ("borbely_1982", "daan_1984", "de_vivo_2017")
    description = "Process S; wake potentiation and slow-wave downscaling of synaptic strength"

    def step(self, s, env, p, rate):
        night = s.extra.get("night_swa")
        s.sleep_pressure, s.synaptic_strength, night, s.slow_wave = _sleep(
            s.sleep_pressure,
            s.synaptic_strength,
            np.zeros_like(s.sleep_pressure) if night is None else night,
            s.slow_wave,
            _per_sample(env.asleep, s.sleep_pressure).astype(np.bool_, copy=False),
            env.mg_o,
            p["mg_o_ref"],
            p["mg_sleep"],
            p["tau_wake"],
            p["tau_sleep"],
            p["potentiation"],
            p["downscaling_rate"],
            p["night_integral"],
            env.h,
        )
        s.extra["night_swa"] = night  # slow-wave activity of the night so far; 0 by day


#: Every pathway, in the order a step runs them (energy sets the rate the others use).
PATHWAYS: Registry[Pathway] = Registry("pathway")
#: The built-in pathways, in step order: the ones the compiled loop
#: (:func:`.compiled.run_steps`) runs.
BUILT_IN = (Energy, Homeostasis, Density, Excitotoxicity, Sleep)
for _cls in BUILT_IN:
    PATHWAYS.register(_cls.name, _cls())


def get_pathways(names) -> list[Pathway]:
    """The pathways named in ``names`` (a list or a comma-separated string), in step
    order; an unknown name is a one-line error.

    >>> [p.name for p in get_pathways("sleep,homeostasis")]
    ['homeostasis', 'sleep']
    """
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    chosen = {PATHWAYS[n].name for n in names}
    return [PATHWAYS[n] for n in PATHWAYS if n in chosen]
