"""Spine calcium models (docs/specification.md §3): objects registered by name in
:data:`CALCIUM_MODELS`.

* ``linear`` (Graupner & Brunel 2012): c(t) = Σ C_pre,eff·e^(−(t − t_pre − D)/τ_Ca)
  + Σ C_post·e^(−(t − t_post)/τ_Ca), with C_pre,eff = C_pre·B(V_rest, [Mg]o)/B(V_rest, 1 mM)
  (GB2012's normalised units, θ_d = 1).
* ``nmda_voltage`` (Shouval, Bear & Cooper 2002), in µM: dCa/dt = I_Ca − Ca/τ_Ca with
  I_Ca = P0·G·Σ(I_f e^(−t/τ_f) + I_s e^(−t/τ_s))·B(V(t), [Mg]o)·(V(t) − V_Ca) and
  V(t) = V_rest + EPSPs + BPAPs (or a clamped potential).

Conditions (:mod:`magsynapse.conditions`) enter both models the same way:

* ``mg_o`` through the block B;
* ``f_2b``, the GluN2B share, sets the slow share of the NMDA gating: Shouval's fast
  (τ_f = 50 ms) and slow (τ_s = 200 ms) components stand for GluN2A- and GluN2B-containing
  receptors (decays ≈ 40–70 and ≈ 200–300 ms), I_f = (1 − f_2b)·I, I_s = f_2b·I with
  I = I_f + I_s of the set, so the default f_2b = I_s/I = 0.5 reproduces the published
  model. Peak conductance is held fixed (a choice: the lower open probability of GluN2B,
  Erreger et al. 2005, is not modelled). In the linear model the presynaptic amplitude
  scales with the NMDA charge, (1 − f)τ_f + f·τ_s, relative to the default.
* ``synapse_density`` × ``release_probability`` / its default scales the presynaptic
  (NMDA) drive: more release sites or a higher release probability release more glutamate
  per spike.

:func:`calcium_trace` evaluates either model on a uniform grid with plain numpy (kernels
summed over spikes): it is what plots use, and an implementation independent of the
compiled event-driven kernels that the tests compare against.
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from ..errors import MagsynapseError, MagsynapseWarning
from ..provenance import Param, ParameterSet, Registry
from ..receptors import get_block_model
from .params import BISTABLE_SETS, LINEAR_CALCIUM, NMDA_VOLTAGE


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
    return CALCIUM_MODELS[model].trace(
        pre,
        post,
        mg=mg,
        t_end=t_end,
        dt=dt,
        parameter_set=parameter_set,
        block_model=block_model,
        v_clamp=v_clamp,
        overrides=overrides,
    )


#: Release probability of the default synapse: only ratios to it enter the models.
RELEASE_PROBABILITY = Param(
    0.3,
    "1",
    "magsynapse_choice",
    "typical mean release probability of hippocampal synapses (order 0.2-0.4); "
    "conditions scale the presynaptic drive by release_probability / this value",
)


def default_f_2b(ca_params: ParameterSet = NMDA_VOLTAGE) -> float:
    """The GluN2B share of the default synapse: the slow share I_s/(I_f + I_s) of the
    NMDA gating (0.5 for Shouval's equal components).

    >>> default_f_2b()
    0.5
    """
    return ca_params["i_s"] / (ca_params["i_f"] + ca_params["i_s"])


def nmda_charge(f_2b: np.typing.ArrayLike, ca_params: ParameterSet = NMDA_VOLTAGE) -> np.ndarray:
    """Relative NMDA charge of a receptor mixture with GluN2B share ``f_2b``:
    (1 − f)·τ_f + f·τ_s (Shouval's fast 50 ms and slow 200 ms components standing for
    GluN2A and GluN2B), divided by its value at :func:`default_f_2b`.

    >>> [float(nmda_charge(f)) for f in (0.5, 0.0, 1.0)]
    [1.0, 0.4, 1.6]
    """
    f = np.asarray(f_2b, dtype=float)
    f0 = default_f_2b(ca_params)
    tau_a, tau_b = ca_params["tau_f"], ca_params["tau_s"]
    return ((1 - f) * tau_a + f * tau_b) / ((1 - f0) * tau_a + f0 * tau_b)


def presynaptic_drive(values: dict[str, np.ndarray]) -> np.ndarray:
    """Relative presynaptic drive of each condition: release sites × release probability,
    relative to the default synapse (density 1, :data:`RELEASE_PROBABILITY`).

    >>> float(presynaptic_drive({"synapse_density": 2.0, "release_probability": 0.15}))
    1.0
    """
    return (
        np.asarray(values["synapse_density"])
        * np.asarray(values["release_probability"])
        / RELEASE_PROBABILITY.value
    )


def condition_defaults(ca_params: ParameterSet = NMDA_VOLTAGE) -> dict[str, float]:
    """The default synapse's value of each conditions variable the calcium models read.

    >>> condition_defaults()["release_probability"]
    0.3
    """
    return {
        "mg_o": 1.0,
        "f_2b": default_f_2b(ca_params),
        "synapse_density": 1.0,
        "release_probability": RELEASE_PROBABILITY.value,
    }


class CalciumModel:
    """Base class of calcium models: what the protocol runner needs of one.

    Attributes
    ----------
    name : str
        Registry name.
    params : ParameterSet
        The model's own parameters.
    units : str
        Units of the calcium (``"1"`` for GB2012's normalised units, ``"uM"``).
    """

    name: str = ""
    params: ParameterSet
    units: str = ""
    #: What the units mean, where ``units`` alone does not say (results' ``comment``).
    units_note: str = ""
    #: Whether the model's calcium comes from an NMDA influx that results report.
    has_influx: bool = False
    #: Whether the calcium amplitudes come from the run's bistable parameter sets.
    amplitudes_from_sets: bool = False

    def defaults(self, ca_params: ParameterSet) -> dict[str, float]:
        """The model's value of each conditions variable it reads."""
        return condition_defaults(ca_params)

    def check(self, protocol, sets: list[ParameterSet], rule) -> None:
        """One-line errors (or warnings) for combinations the model cannot run."""

    def exact_segments(self, rule) -> bool:
        """Whether threshold segments can be computed event by event, without steps."""
        return False

    def references(self) -> set[str]:
        return set()

    def background_entry(self, mg, f_2b, *, parameter_set, block_model) -> float:
        """Calcium entry of one presynaptic spike that no postsynaptic spike follows (the
        background activity of :mod:`.background`)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<calcium model {self.name}>"


class Linear(CalciumModel):
    """Graupner & Brunel's linear calcium; amplitudes from the bistable set."""

    name = "linear"
    params = LINEAR_CALCIUM
    units = "1"
    units_note = "calcium normalised as in Graupner & Brunel 2012 (theta_d = 1)"
    amplitudes_from_sets = True

    def check(self, protocol, sets, rule):
        if np.any(np.isfinite(protocol.v_clamp)):
            raise MagsynapseError(
                "calcium: a holding potential needs a voltage-dependent calcium model; "
                "accepted: nmda_voltage"
            )
        for s in sets:
            if natural_calcium(s) != self.name:
                raise MagsynapseError(
                    f"parameter_set: {s.name!r} is calibrated on nmda_voltage calcium and has "
                    "no linear calcium amplitudes; use calcium='nmda_voltage' or a GB2012 set"
                )

    def exact_segments(self, rule):
        return rule.needs_segments and rule.step is None

    def pre_amplitude(self, s, values, block_model, ca_params) -> np.ndarray:
        """C_pre,eff of every condition: block, NMDA charge and presynaptic drive."""
        return (
            c_pre_effective(s["c_pre"], values["mg_o"], block_model)
            * nmda_charge(values["f_2b"], ca_params)
            * presynaptic_drive(values)
        )

    def events(self, protocol, sets, flat, block_model, ca_params):
        n_s, n_c = len(sets), flat.n
        pre_t = protocol.pre[None, None] + np.array([s["delay"] for s in sets])[:, None, None, None]
        post_t = protocol.post[None, None] + np.zeros((n_s, 1, 1, 1))
        amp_pre = np.stack(
            [self.pre_amplitude(s, flat.values, block_model, ca_params) for s in sets]
        )
        amp_post = np.array([s["c_post"] for s in sets])
        shape = (n_s, n_c, protocol.pre.shape[0])
        pre_a = np.broadcast_to(amp_pre[:, :, None, None], (*shape, protocol.pre.shape[1]))
        post_a = np.broadcast_to(amp_post[:, None, None, None], (*shape, protocol.post.shape[1]))
        return pre_t, post_t, pre_a, post_a

    def stepped(self, p, sets, flat, block_model, ca_params):
        amp_pre = np.stack(
            [self.pre_amplitude(s, flat.values, block_model, ca_params) for s in sets]
        )
        p["nmda"] = 0.0
        p["tau_ca"] = np.array([s["tau_ca"] for s in sets])[:, None, None]
        p["amp_pre"] = amp_pre[:, :, None]
        p["amp_post"] = np.array([s["c_post"] for s in sets])[:, None, None]

    def window(self, sets, ca_params):
        return 5.0 * max(s["tau_ca"] for s in sets)

    def references(self):
        return {"graupner_brunel_2012"}

    def signal_entries(self, mg, lag, *, parameter_set, block_model, step):
        """Calcium entry (τ_Ca × amplitudes) of pre-then-post and of pre alone."""
        s = BISTABLE_SETS[parameter_set]
        if natural_calcium(s) != self.name:
            raise MagsynapseError(
                f"parameter_set: {parameter_set!r} has no linear calcium amplitudes"
            )
        pre_amp = c_pre_effective(s["c_pre"], mg, block_model)
        return s["tau_ca"] * (pre_amp + s["c_post"]), s["tau_ca"] * pre_amp, [s, LINEAR_CALCIUM]

    def background_entry(self, mg, f_2b, *, parameter_set, block_model):
        """Calcium entry of one presynaptic spike alone: τ_Ca × its amplitude at [Mg]o
        ``mg`` and GluN2B share ``f_2b`` (GB2012 units × ms)."""
        s = BISTABLE_SETS[parameter_set]
        if natural_calcium(s) != self.name:
            raise MagsynapseError(f"parameter_set: {parameter_set!r} has no linear amplitudes")
        amp = c_pre_effective(s["c_pre"], mg, block_model) * nmda_charge(f_2b)
        return float(s["tau_ca"] * amp)

    def parameter_sets(self, sets, ca_params):
        return [LINEAR_CALCIUM]

    def trace(self, pre, post, *, mg, t_end, dt, parameter_set, block_model, v_clamp, overrides):
        pre_t, post_t, t = _grid(pre, post, t_end, dt)
        if v_clamp is not None:
            raise MagsynapseError("v_clamp: a holding potential needs the nmda_voltage calcium")
        s = BISTABLE_SETS[parameter_set]
        if "c_pre" not in s.params:
            raise MagsynapseError(f"parameter_set: {parameter_set!r} has no linear amplitudes")
        tau = s["tau_ca"]
        amp_pre = float(c_pre_effective(s["c_pre"], mg, block_model))
        ca = amp_pre * _sum_kernel(t, pre_t + s["delay"], lambda x: np.exp(-x / tau))
        ca += s["c_post"] * _sum_kernel(t, post_t, lambda x: np.exp(-x / tau))
        ds = xr.Dataset({"ca": ("time", ca)}, coords={"time": t})
        return _finish(ds, self, mg)


class NmdaVoltage(CalciumModel):
    """Shouval et al.'s voltage-dependent NMDA calcium, stepped."""

    name = "nmda_voltage"
    params = NMDA_VOLTAGE
    units = "uM"
    has_influx = True

    def check(self, protocol, sets, rule):
        if rule.uses_bistable_sets(self.name):
            odd = [s.name for s in sets if natural_calcium(s) != self.name]
            if odd:
                warnings.warn(
                    f"set {', '.join(odd)} has thresholds in GB2012's normalised calcium "
                    f"units, not the uM of {self.name} calcium; DP_nmda is the set calibrated "
                    "for it",
                    MagsynapseWarning,
                    stacklevel=5,
                )

    def events(self, protocol, sets, flat, block_model, ca_params):
        n_s, n_c = len(sets), flat.n
        pre_t = protocol.pre[None, None] + np.zeros((n_s, 1, 1, 1))
        post_t = protocol.post[None, None] + ca_params["bpap_delay"] + np.zeros((n_s, 1, 1, 1))
        shape = (n_s, n_c, protocol.pre.shape[0])
        pre_a = np.zeros((*shape, protocol.pre.shape[1]))
        post_a = np.zeros((*shape, protocol.post.shape[1]))
        return pre_t, post_t, pre_a, post_a

    def stepped(self, p, sets, flat, block_model, ca_params):
        c = ca_params
        total = c["i_f"] + c["i_s"]
        f = flat.values["f_2b"][None, :, None]
        p["nmda"] = 1.0
        p["tau_ca"] = c["tau_ca"]
        p["p0g"] = c["p0"] * c["g_nmda"] * presynaptic_drive(flat.values)[None, :, None]
        p["v_ca"] = c["v_ca"]
        p["i_f"] = (1.0 - f) * total
        p["i_s"] = f * total
        p["tau_f"] = c["tau_f"]
        p["tau_s"] = c["tau_s"]
        p["v_rest"] = c["v_rest"]
        p["epsp_amp"] = c["epsp_amp"]
        p["epsp_tau1"] = c["epsp_tau1"]
        p["epsp_tau2"] = c["epsp_tau2"]
        p["bpap_amp"] = c["bpap_amp"]
        p["bpap_i_f"] = c["bpap_i_f"]
        p["bpap_tau_f"] = c["bpap_tau_f"]
        p["bpap_tau_s"] = c["bpap_tau_s"]

    def window(self, sets, ca_params):
        return 5.0 * ca_params["bpap_tau_s"]

    def references(self):
        return {"shouval_2002"}

    def signal_entries(self, mg, lag, *, parameter_set, block_model, step):
        """Time integral of the NMDA calcium influx of pre-then-post and of pre alone."""
        from .protocols import Protocol
        from .runner import run_protocol

        offset = max(0.0, -lag)
        proto = Protocol(
            "snr",
            np.array([[offset], [offset]]),
            np.array([[offset + lag], [np.inf]]),
            np.full(2, np.nan),
            np.full(2, 2000.0 + offset + abs(lag)),
            ("activity",),
            {"activity": np.array(["correlated", "uncorrelated"])},
            {"dt": lag},
        )
        ds = run_protocol(
            proto,
            rule="omega_eta",
            calcium=self.name,
            mg=mg,
            block_model=block_model,
            step=step,
            coarse_step=step,
        )
        corr = ds.ca_influx.sel(activity="correlated").values
        uncorr = ds.ca_influx.sel(activity="uncorrelated").values
        return corr, uncorr, [NMDA_VOLTAGE]

    def background_entry(self, mg, f_2b, *, parameter_set, block_model):
        """Calcium entry of one presynaptic spike alone, at rest: the time integral of
        the influx (µM) at [Mg]o ``mg`` and GluN2B share ``f_2b`` (``parameter_set`` is
        not used: the calcium parameters are the model's)."""
        total = self.params["i_f"] + self.params["i_s"]
        dt = 0.1
        tr = self.trace(
            [0.0],
            [],
            mg=mg,
            t_end=15.0 * self.params["tau_s"],
            dt=dt,
            parameter_set=parameter_set,
            block_model=block_model,
            v_clamp=None,
            overrides={"i_f": (1.0 - f_2b) * total, "i_s": f_2b * total},
        )
        return float(np.trapezoid(tr.influx.values, dx=dt))

    def parameter_sets(self, sets, ca_params):
        return [ca_params]

    def trace(self, pre, post, *, mg, t_end, dt, parameter_set, block_model, v_clamp, overrides):
        pre_t, post_t, t = _grid(pre, post, t_end, dt)
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
        return _finish(ds, self, mg)


def natural_calcium(ps: ParameterSet) -> str:
    """The calcium model a bistable set's thresholds were defined on.

    GB2012 sets carry linear-calcium amplitudes (``c_pre``); sets without them (``DP_nmda``)
    have thresholds in µM of the ``nmda_voltage`` calcium.

    Examples
    --------
    >>> natural_calcium(BISTABLE_SETS["DP"]), natural_calcium(BISTABLE_SETS["DP_nmda"])
    ('linear', 'nmda_voltage')
    """
    return "linear" if "c_pre" in ps.params else "nmda_voltage"


def _grid(pre, post, t_end, dt):
    pre_t = np.atleast_1d(np.asarray(pre, dtype=float))
    post_t = np.atleast_1d(np.asarray(post, dtype=float))
    last = max([*pre_t.tolist(), *post_t.tolist(), 0.0])
    end = last + 300.0 if t_end is None else float(t_end)
    return pre_t, post_t, np.arange(0.0, end + dt / 2, dt)


def _finish(ds: xr.Dataset, model: CalciumModel, mg: float) -> xr.Dataset:
    ds["time"].attrs["units"] = "ms"
    ds["ca"].attrs.update(units=model.units, long_name="spine calcium")
    if model.units_note:
        ds["ca"].attrs["comment"] = model.units_note
    ds.attrs.update(model=model.name, mg=mg)
    return ds


CALCIUM_MODELS: Registry[CalciumModel] = Registry("calcium model")
CALCIUM_MODELS.register("linear", Linear())
CALCIUM_MODELS.register("nmda_voltage", NmdaVoltage())
