"""Networks as data: a TOML file validated into typed, frozen objects.

A network file has the sections ``[network]``, ``[neuron]``, ``[channels]``,
``[connectivity]``, ``[drive]``, ``[plasticity]`` and ``[recording]``; every key, its
type, unit and default are listed in :data:`SCHEMA`, and MgNet
(docs/specification.md §6) ships as the built-in ``mgnet``. A bad file fails with one
line naming the key.

Examples
--------
>>> cfg = load_config("mgnet")
>>> cfg.network.N, cfg.neuron.model, cfg.plasticity.set
(1000, 'lif', 'DP')
>>> cfg.replace(network={"N": 200}).n_exc
160
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import MagsynapseError
from .backends.base import Wiring
from .scaling import WEIGHT_SCALINGS, Inputs, Tonic, WeightScaling

# key: (type, default, check, description); check ∈ {"pos", "nonneg", "frac", None, tuple}
SCHEMA: dict[str, dict[str, tuple]] = {
    "network": {
        "name": (str, "network", None, "name"),
        "N": (int, 1000, "pos", "number of neurons"),
        "exc_fraction": (float, 0.8, "frac", "excitatory fraction (N_E = round(f N))"),
        "dt": (float, 0.1, "pos", "time step, ms"),
    },
    "neuron": {
        "model": (str, "lif", ("lif", "adex"), "neuron model"),
        "C": (float, 200.0, "pos", "capacitance, pF"),
        "g_L": (float, 10.0, "pos", "leak conductance, nS"),
        "E_L": (float, -70.0, None, "leak reversal, mV"),
        "V_th": (float, -50.0, None, "spike threshold, mV (AdEx: detection threshold)"),
        "V_reset": (float, -60.0, None, "reset potential, mV"),
        "t_ref": (float, 2.0, "nonneg", "refractory period, ms"),
        "delta_T": (float, 2.0, "pos", "AdEx slope factor, mV"),
        "V_T": (float, -52.0, None, "AdEx exponential threshold, mV"),
        "a": (float, 2.0, "nonneg", "AdEx subthreshold adaptation, nS"),
        "b": (float, 40.0, "nonneg", "AdEx spike-triggered adaptation, pA"),
        "tau_w": (float, 150.0, "pos", "AdEx adaptation time constant, ms"),
    },
    "channels": {
        "E_exc": (float, 0.0, None, "excitatory reversal, mV"),
        "E_inh": (float, -80.0, None, "inhibitory reversal, mV"),
        "tau_ampa": (float, 2.0, "pos", "AMPA decay, ms"),
        "tau_gaba": (float, 10.0, "pos", "GABA_A decay, ms"),
        "tau_nmda_rise": (float, 2.0, "pos", "NMDA rise, ms"),
        "tau_nmda_decay": (float, 100.0, "pos", "NMDA decay, ms"),
        "block": (str, "jahr_stevens_1990", "block", "Mg2+ block model"),
        "mg": (float, 1.0, "nonneg", "[Mg]o, mM"),
    },
    "connectivity": {
        "p": (float, 0.1, "frac", "connection probability of every pair (in_degree = 0)"),
        "in_degree": (
            int,
            0,
            "nonneg",
            "inputs per neuron, round(exc_fraction K) of them excitatory, drawn without "
            "replacement and without autapses; 0: every pair with probability p",
        ),
        "reference_in_degree": (
            int,
            0,
            "nonneg",
            "in-degree at which the weights are given: with in_degree K the recurrent "
            "weights follow weight_scaling; 0: weights as given",
        ),
        "weight_scaling": (
            str,
            "mean",
            "scaling",
            "how the weights follow in_degree K (magsynapse.network.scaling): mean "
            "(x reference/K) or mean_and_variance (x sqrt(reference/K), with constant "
            "conductances restoring the mean at the reference rates)",
        ),
        "reference_rate_E": (
            float,
            0.0,
            "nonneg",
            "excitatory rate at the reference in-degree, Hz (mean_and_variance)",
        ),
        "reference_rate_I": (
            float,
            0.0,
            "nonneg",
            "inhibitory rate at the reference in-degree, Hz (mean_and_variance)",
        ),
        "w_ee_ampa": (float, 0.5, "nonneg", "E->E AMPA weight, nS"),
        "w_ee_nmda": (float, 0.5, "nonneg", "E->E NMDA weight (times rho), nS"),
        "w_ei_ampa": (float, 0.5, "nonneg", "E->I AMPA weight, nS"),
        "w_ei_nmda": (float, 0.5, "nonneg", "E->I NMDA weight, nS"),
        "w_ie_gaba": (float, 4.0, "nonneg", "I->E GABA weight, nS"),
        "w_ii_gaba": (float, 4.0, "nonneg", "I->I GABA weight, nS"),
    },
    "drive": {
        "sources": (int, 100, "nonneg", "independent Poisson sources per neuron"),
        "rate": (float, 60.0, "nonneg", "rate of each source, Hz"),
        "weight": (float, 0.5, "nonneg", "AMPA weight of each source, nS"),
        "g_tonic": (float, 0.0, "nonneg", "constant excitatory conductance (reversal E_exc), nS"),
    },
    "plasticity": {
        "enabled": (bool, True, None, "plastic E->E synapses"),
        "rule": (str, "bistable", "rule", "plasticity rule with a network form"),
        "set": (str, "DP", "set", "bistable parameter set (calcium and rule)"),
        "tau": (float, 15.0, "pos", "efficacy time constant, s (overrides the set's)"),
        "sigma": (float, 0.0, "nonneg", "noise amplitude (overrides the set's)"),
        "rho0": (float, 0.5, "frac", "initial efficacy"),
        "c_pre_scale": (
            float,
            1.0,
            "nonneg",
            "multiplies the set's C_pre (a model choice, documented in the model file)",
        ),
        "voltage_gated_pre": (bool, True, None, "c += C_pre B(V_post) on a pre spike"),
    },
    "recording": {
        "rate_bin": (float, 10.0, "pos", "population-rate bin, ms"),
        "spikes": (bool, True, None, "record every spike"),
        "rho_histogram_bins": (int, 20, "pos", "bins of the final efficacy histogram"),
        "excitotoxic_threshold": (
            float,
            30.0,
            "nonneg",
            "damage threshold of the NMDA calcium current, pA (excitotoxic load counts the excess)",
        ),
    },
}


def _section_class(name: str):
    cls = type(
        name.title().replace("_", "") + "Section",
        (),
        {
            "__annotations__": {k: v[0] for k, v in SCHEMA[name].items()},
            **{k: v[1] for k, v in SCHEMA[name].items()},
            "__doc__": f"The [{name}] section: "
            + "; ".join(f"{k} ({v[3]})" for k, v in SCHEMA[name].items()),
        },
    )
    return dataclass(frozen=True)(cls)


NetworkSection = _section_class("network")
NeuronSection = _section_class("neuron")
ChannelsSection = _section_class("channels")
ConnectivitySection = _section_class("connectivity")
DriveSection = _section_class("drive")
PlasticitySection = _section_class("plasticity")
RecordingSection = _section_class("recording")
_CLASSES = {
    "network": NetworkSection,
    "neuron": NeuronSection,
    "channels": ChannelsSection,
    "connectivity": ConnectivitySection,
    "drive": DriveSection,
    "plasticity": PlasticitySection,
    "recording": RecordingSection,
}


@dataclass(frozen=True)
class NetworkConfig:
    """A validated network: one typed object per section."""

    network: Any
    neuron: Any
    channels: Any
    connectivity: Any
    drive: Any
    plasticity: Any
    recording: Any

    @property
    def n_exc(self) -> int:
        return round(self.network.exc_fraction * self.network.N)

    @property
    def wiring(self) -> Wiring:
        """How the network is connected (:class:`.backends.base.Wiring`).

        >>> load_config("mgnet").wiring
        Wiring(p=0.1, k_exc=0, k_inh=0)
        >>> load_config("mgnet_k").wiring
        Wiring(p=0.0, k_exc=80, k_inh=20)
        """
        cn = self.connectivity
        if cn.in_degree == 0:
            return Wiring(cn.p)
        k_exc = round(self.network.exc_fraction * cn.in_degree)
        return Wiring(0.0, k_exc, cn.in_degree - k_exc)

    @property
    def scaling(self) -> WeightScaling | None:
        """The rule by which the weights follow the in-degree
        (:data:`.scaling.WEIGHT_SCALINGS`), or None where the weights hold as given."""
        cn = self.connectivity
        if cn.in_degree == 0 or cn.reference_in_degree == 0:
            return None
        return WEIGHT_SCALINGS[cn.weight_scaling]

    @property
    def weight_scale(self) -> float:
        """Factor on every recurrent weight at in_degree K, given at reference_in_degree
        K₀: K₀/K (``mean``) or √(K₀/K) (``mean_and_variance``); 1 without them.

        >>> load_config("mgnet_k").replace(connectivity={"in_degree": 400}).weight_scale
        0.5
        >>> load_config("mgnet_k").replace(
        ...     connectivity={"in_degree": 400, "weight_scaling": "mean"}).weight_scale
        0.25
        """
        rule = self.scaling
        if rule is None:
            return 1.0
        return rule.factor(self.connectivity.in_degree, self.connectivity.reference_in_degree)

    def tonic(self, tau_nmda: float, weight: float = 1.0) -> Tonic:
        """Constant conductances (nS) that go with the scaled weights
        (:meth:`.scaling.WeightScaling.tonic`): none unless ``mean_and_variance`` moves
        the in-degree from its reference. ``tau_nmda``: the NMDA decay (ms) the engine
        uses; ``weight``: a factor on the excitatory weights (presynaptic drive and
        strength of the conditions).

        >>> cfg = load_config("mgnet_k").replace(
        ...     network={"N": 4000}, connectivity={"in_degree": 1000})
        >>> t = cfg.tonic(100.0)
        >>> t.gaba_e < 0 < t.gaba_e + 200 * 4.0 * 0.1**0.5 * 16.0 / 1000 * 10.0
        True
        """
        rule, cn, n = self.scaling, self.connectivity, self.network
        if rule is None:
            return Tonic()
        w, f = self.wiring, rule.factor(cn.in_degree, cn.reference_in_degree)
        k0_exc = round(n.exc_fraction * cn.reference_in_degree)
        ch = self.channels
        return rule.tonic(
            Inputs(
                k_exc=w.k_exc,
                k_inh=w.k_inh,
                k0_exc=k0_exc,
                k0_inh=cn.reference_in_degree - k0_exc,
                w_ee_ampa=cn.w_ee_ampa * f * weight,
                w_ee_nmda=cn.w_ee_nmda * f * weight,
                w_ei_ampa=cn.w_ei_ampa * f * weight,
                w_ei_nmda=cn.w_ei_nmda * f * weight,
                w_ie_gaba=cn.w_ie_gaba * f,
                w_ii_gaba=cn.w_ii_gaba * f,
                tau_ampa=ch.tau_ampa,
                tau_nmda=tau_nmda,
                tau_gaba=ch.tau_gaba,
                rho0=self.plasticity.rho0,
                rate_e=cn.reference_rate_E,
                rate_i=cn.reference_rate_I,
            )
        )

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {
            s: {f.name: getattr(getattr(self, s), f.name) for f in fields(getattr(self, s))}
            for s in _CLASSES
        }

    def flat(self) -> dict[str, Any]:
        """Every key as ``"section.key": value`` (the configuration results carry).

        >>> load_config("mgnet").flat()["connectivity.p"]
        0.1
        """
        return {f"{s}.{k}": v for s, d in self.to_dict().items() for k, v in d.items()}

    def changed(self) -> dict[str, Any]:
        """The keys whose values differ from :data:`SCHEMA`'s defaults, as in :meth:`flat`:
        with the schema, all that defines the network (cache keys use it, so that a key
        added to the schema with a default leaves earlier caches valid).

        >>> load_config("mgnet").changed()["network.name"]
        'MgNet'
        >>> "connectivity.in_degree" in load_config("mgnet").changed()
        False
        """
        defaults = {f"{s}.{k}": v[1] for s, keys in SCHEMA.items() for k, v in keys.items()}
        return {k: v for k, v in self.flat().items() if v != defaults[k]}

    def replace(self, **sections: dict[str, Any]) -> NetworkConfig:
        """A copy with some keys replaced, validated like a file.

        ``cfg.replace(network={"N": 4000}, channels={"mg": 0.1})``
        """
        data = self.to_dict()
        for section, values in sections.items():
            if section not in data:
                raise MagsynapseError(
                    f"network config: unknown section [{section}]; accepted: {', '.join(_CLASSES)}"
                )
            data[section] = {**data[section], **values}
        return from_dict(data)


def _check(section: str, key: str, value: Any) -> Any:
    typ, _, rule, desc = SCHEMA[section][key]
    where = f"[{section}].{key}"
    if typ is bool:
        if not isinstance(value, bool):
            raise MagsynapseError(f"network config: {where} must be true or false ({desc})")
        return value
    if typ is str:
        if not isinstance(value, str):
            raise MagsynapseError(f"network config: {where} must be a string ({desc})")
        if isinstance(rule, tuple) and value not in rule:
            raise MagsynapseError(
                f"network config: {where} = {value!r}; accepted: {', '.join(rule)}"
            )
        if rule == "block":
            from ..receptors import BLOCK_MODELS

            if value not in BLOCK_MODELS:
                raise MagsynapseError(
                    f"network config: {where} = {value!r}; accepted: "
                    f"{', '.join(BLOCK_MODELS.names())}"
                )
        if rule == "rule":
            from ..synapse.rules import RULES

            names = [n for n, r in RULES.items() if r.network is not None]
            if value not in names:
                raise MagsynapseError(
                    f"network config: {where} = {value!r}; accepted: {', '.join(names)}"
                )
        if rule == "scaling":
            if value not in WEIGHT_SCALINGS:
                raise MagsynapseError(
                    f"network config: {where} = {value!r}; accepted: {', '.join(WEIGHT_SCALINGS)}"
                )
        if rule == "set":
            from ..synapse.params import BISTABLE_SETS

            if value not in BISTABLE_SETS or "c_pre" not in BISTABLE_SETS[value].params:
                names = [n for n in BISTABLE_SETS.names() if "c_pre" in BISTABLE_SETS[n].params]
                raise MagsynapseError(
                    f"network config: {where} = {value!r}; accepted: {', '.join(names)}"
                )
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MagsynapseError(f"network config: {where} must be a number ({desc}), got {value!r}")
    if typ is int and int(value) != value:
        raise MagsynapseError(f"network config: {where} must be a whole number ({desc})")
    value = typ(value)
    if not math.isfinite(value):
        raise MagsynapseError(f"network config: {where} must be finite")
    if rule == "pos" and not value > 0:
        raise MagsynapseError(f"network config: {where} must be > 0 ({desc}), got {value}")
    if rule == "nonneg" and value < 0:
        raise MagsynapseError(f"network config: {where} must be >= 0 ({desc}), got {value}")
    if rule == "frac" and not 0 <= value <= 1:
        raise MagsynapseError(f"network config: {where} must be in [0, 1] ({desc}), got {value}")
    return value


def from_dict(data: dict[str, Any]) -> NetworkConfig:
    """Validate a nested dict (as parsed from TOML) into a :class:`NetworkConfig`."""
    if not isinstance(data, dict):
        raise MagsynapseError("network config: the file must hold TOML tables")
    for section in data:
        if section not in _CLASSES:
            raise MagsynapseError(
                f"network config: unknown section [{section}]; accepted: {', '.join(_CLASSES)}"
            )
    built = {}
    for section, cls in _CLASSES.items():
        values = data.get(section, {})
        if not isinstance(values, dict):
            raise MagsynapseError(f"network config: [{section}] must be a table")
        for key in values:
            if key not in SCHEMA[section]:
                raise MagsynapseError(
                    f"network config: unknown key [{section}].{key}; accepted: "
                    f"{', '.join(SCHEMA[section])}"
                )
        built[section] = cls(**{k: _check(section, k, v) for k, v in values.items()})
    cfg = NetworkConfig(**built)
    n_e = cfg.n_exc
    if n_e < 1 or cfg.network.N - n_e < 1:
        raise MagsynapseError(
            "network config: [network].N and exc_fraction must give at "
            "least one excitatory and one inhibitory neuron"
        )
    wiring = cfg.wiring
    if wiring.k_exc > n_e - 1 or wiring.k_inh > cfg.network.N - n_e - 1:
        raise MagsynapseError(
            f"network config: [connectivity].in_degree {cfg.connectivity.in_degree} asks for "
            f"{wiring.k_exc} excitatory and {wiring.k_inh} inhibitory inputs, but without "
            f"autapses a neuron can have at most {n_e - 1} and {cfg.network.N - n_e - 1}"
        )
    cn = cfg.connectivity
    if (
        cfg.scaling is not None
        and cfg.scaling.needs_rates
        and cn.in_degree != cn.reference_in_degree
        and not (cn.reference_rate_E > 0 and cn.reference_rate_I > 0)
    ):
        raise MagsynapseError(
            f"network config: [connectivity].weight_scaling = {cn.weight_scaling!r} needs "
            "reference_rate_E and reference_rate_I (Hz, > 0): the rates at the reference "
            "in-degree, from which it restores the mean input"
        )
    if cfg.neuron.V_reset >= cfg.neuron.V_th:
        raise MagsynapseError("network config: [neuron].V_reset must be below V_th")
    if cfg.channels.tau_nmda_rise >= cfg.channels.tau_nmda_decay:
        raise MagsynapseError(
            "network config: [channels].tau_nmda_rise must be shorter than tau_nmda_decay"
        )
    return cfg


BUILTIN = ("mgnet", "mgnet_adex", "mgnet_memory", "mgnet_k")


def load_config(model: str | Path) -> NetworkConfig:
    """Load a built-in network (``"mgnet"``) or a TOML file.

    Parameters
    ----------
    model : str or pathlib.Path
        ``"mgnet"`` or a path to a ``.toml`` file.
    """
    name = str(model)
    if name in BUILTIN:
        text = resources.files("magsynapse.network").joinpath(f"data/{name}.toml").read_text()
    else:
        path = Path(name)
        if not path.is_file():
            raise MagsynapseError(
                f"model: {name!r} is neither a built-in network "
                f"({', '.join(BUILTIN)}) nor a TOML file"
            )
        text = path.read_text()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MagsynapseError(f"network config: {name}: {exc}") from None
    return from_dict(data)
