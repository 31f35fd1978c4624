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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
        supply = mgatp(env.mg_i, p["k_mgatp"]) / mgatp(p["mg_i_ref"], p["k_mgatp"])
        demand = energy_demand(s.drive(p))
        r = demand / p["tau_atp"]  # da/dt = (supply - demand·a)/tau_atp
        target = supply / demand
        decay = np.exp(-r * env.h)
        used = demand / p["tau_atp"] * (target * env.h + (s.atp - target) * (1 - decay) / r)
        s.atp_supplied += supply / p["tau_atp"] * env.h
        s.atp_used += used
        s.atp = target + (s.atp - target) * decay


class Homeostasis(Pathway):
    name = "homeostasis"
    states = ("f_2b",)
    references = ("slutsky_2004", "philpot_2001")
    description = "GluN2B share returns the background NMDA calcium to its set point"

    def step(self, s, env, p, rate):
        log_c = np.log(s.calcium)
        tau = np.where(log_c < 0, p["tau_up"], p["tau_down"])
        # the logit of f_2b moves so that ln(calcium) relaxes with tau/(gain·rate)
        du = -(1.0 - np.exp(-p["gain"] * rate * env.h / tau)) * log_c / p["loop_slope"]
        u = np.log(s.f_2b / (1.0 - s.f_2b)) + du
        s.f_2b = np.where(du == 0, s.f_2b, 1.0 / (1.0 + np.exp(-u)))


class Density(Pathway):
    name = "density"
    states = ("synapse_density", "release_probability")
    references = ("slutsky_2010", "sun_2016")
    description = "release sites follow [Mg]i and GluN2B; release probability compensates"

    def step(self, s, env, p, rate):
        decay = np.exp(-rate * env.h / p["tau_density"])
        target = density_target(s, env, p)
        s.synapse_density = target + (s.synapse_density - target) * decay
        p_target = release_target(s.synapse_density, p)
        s.release_probability = p_target + (s.release_probability - p_target) * decay


class Excitotoxicity(Pathway):
    name = "excitotoxicity"
    states = ("excitotoxic_load", "synapse_density")
    references = ("slutsky_2004",)
    description = "background NMDA calcium above a threshold builds a load that removes sites"

    def step(self, s, env, p, rate):
        target = np.maximum(0.0, s.calcium / p["theta_load"] - 1.0)
        decay = np.exp(-env.h / p["tau_load"])
        mean_load = target + (s.excitotoxic_load - target) * (1 - decay) * p["tau_load"] / env.h
        s.excitotoxic_load = target + (s.excitotoxic_load - target) * decay
        s.synapse_density = s.synapse_density * np.exp(-mean_load * env.h / p["tau_loss"])


class Sleep(Pathway):
    name = "sleep"
    states = ("sleep_pressure", "synaptic_strength")
    references = ("borbely_1982", "daan_1984", "de_vivo_2017")
    description = "Process S; wake potentiation and slow-wave downscaling of synaptic strength"

    def step(self, s, env, p, rate):
        asleep = np.asarray(env.asleep)
        awake_s = 1.0 - (1.0 - s.sleep_pressure) * np.exp(-env.h / p["tau_wake"])
        awake_w = s.synaptic_strength + p["potentiation"] * env.h
        tau_s = p["tau_sleep"]
        integral = s.sleep_pressure * tau_s * (1.0 - np.exp(-env.h / tau_s))  # ∫S over the step
        gain = (env.mg_o / p["mg_o_ref"]) ** p["mg_sleep"]
        asleep_w = s.synaptic_strength * np.exp(-p["downscaling_rate"] * gain * integral)
        asleep_s = s.sleep_pressure * np.exp(-env.h / tau_s)
        s.sleep_pressure = np.where(asleep, asleep_s, awake_s)
        s.synaptic_strength = np.where(asleep, asleep_w, awake_w)
        # slow-wave activity of the night so far (complete on waking); reset by day
        night = s.extra.get("night_swa", np.zeros_like(s.sleep_pressure))
        night = np.where(asleep, night + gain * integral, 0.0)
        s.extra["night_swa"] = night
        s.slow_wave = np.where(asleep, night / p["night_integral"], s.slow_wave)


#: Every pathway, in the order a step runs them (energy sets the rate the others use).
PATHWAYS: Registry[Pathway] = Registry("pathway")
for _cls in (Energy, Homeostasis, Density, Excitotoxicity, Sleep):
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
