"""NMDA-receptor Mg²⁺ block: a registry of named models (docs/specification.md §1).

Every model's steady state has the Boltzmann form

    B(V, [Mg]o) = 1 / (1 + [Mg]o / K · exp(−a·V))

with an equilibrium constant K (mM) at 0 mV and a voltage sensitivity a (1/mV); models
differ in how K and a are derived from their parameters:

* ``jahr_stevens_1990`` (default): K = K0 = 3.57 mM, a = γ = 0.062 /mV.
* ``woodhull``: K = Kd0, a = zδF/(RT) — the Woodhull (1973) form with the electrical
  distance δ = 0.8 of Sharma & Stevens (1996).
* ``ascher_nowak``: the kinetic scheme dB/dt = k_off(V)(1 − B) − k_on(V, [Mg]o)·B with
  k_on = 0.610·[Mg]o·exp(−V/17) /ms and k_off = 5.4·exp(V/47) /ms; its steady state is
  Boltzmann with K = 5.4/0.610 mM and a = 1/17 + 1/47 /mV. Time courses (including the
  non-instantaneous unblock of Kampa et al. 2004) come from :class:`AscherNowakKinetic`.

Subunit variants (Qian, Buller & Johnson 2005): GluN2A and GluN2B share the default
curve; GluN2C and GluN2D are blocked more weakly (K multiplied by 4, the lower bound of
the specification's "≥ 4").

Units: V in mV, [Mg]o in mM, B dimensionless in (0, 1].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numba
import numpy as np

from ..errors import MagsynapseError
from ..numerics import exp_poly
from ..provenance import Param, ParameterSet, Registry
from ..units import magnitude

FARADAY = 96485.33212  # C/mol
GAS_CONSTANT = 8.314462618  # J/(mol K)


@numba.njit(cache=True, inline="always", error_model="numpy")
def unblocked(v, mg_over_k, a):  # pragma: no cover - compiled
    """The compiled Boltzmann block every kernel uses: B = 1 / (1 + [Mg]o/K · exp(−a·V)).

    ``mg_over_k`` is [Mg]o/K (precomputed per condition), ``a`` in 1/mV. Scalar kernels
    (spine calcium, synaptic calcium jumps) call this one; loops over neurons that must
    vectorise call :func:`unblocked_vectorised`, the same formula with a library-free
    exponential.
    """
    return 1.0 / (1.0 + mg_over_k * math.exp(-a * v))


@numba.njit(cache=True, inline="always", error_model="numpy")
def unblocked_vectorised(v, mg_over_k, a):  # pragma: no cover - compiled
    """:func:`unblocked` with :func:`magsynapse.numerics.exp_poly` (within 2e-14 of
    ``math.exp``, branch-free): the form the network's neuron pass vectorises. In scalar
    code ``math.exp`` is faster, hence two entry points to one formula."""
    return 1.0 / (1.0 + mg_over_k * exp_poly(-a * v))


@dataclass(frozen=True)
class BlockModel:
    """A named Mg²⁺ block model with a Boltzmann steady state.

    Subclasses say how their parameters give the Boltzmann constants (:meth:`constants`);
    the subunit factor of :data:`SUBUNITS` is applied on top.

    Parameters
    ----------
    name : str
        Registry name.
    params : ParameterSet
        The model's parameters with sources.
    kinetic : bool
        Whether the model also defines block/unblock kinetics.
    subunit : str
        GluN2 subunit (``GluN2A`` … ``GluN2D``).

    Examples
    --------
    >>> m = get_block_model("jahr_stevens_1990")
    >>> round(float(m(-20.0, 1.0)), 4)
    0.5081
    """

    name: str
    params: ParameterSet
    kinetic: bool = False
    subunit: str = "GluN2A"

    def constants(self) -> tuple[float, float]:  # pragma: no cover - abstract
        """``(K, a)`` of the model's own parameters, before the subunit factor."""
        raise NotImplementedError

    def boltzmann(self) -> tuple[float, float]:
        """Return ``(K, a)``: K in mM at 0 mV, a in 1/mV (what compiled kernels use)."""
        k, a = self.constants()
        return k * SUBUNITS[self.subunit]["k_factor"].value, a

    def __call__(self, v: np.typing.ArrayLike, mg: np.typing.ArrayLike) -> np.ndarray:
        """Steady-state unblocked fraction B(V, [Mg]o), broadcasting V (mV) and Mg (mM)."""
        v_arr = np.asarray(magnitude(v, "mV", "v"), dtype=float)
        mg_arr = _check_mg(mg)
        k, a = self.boltzmann()
        return 1.0 / (1.0 + mg_arr / k * np.exp(-a * v_arr))

    def with_subunit(self, subunit: str) -> BlockModel:
        """The same model for another GluN2 subunit (see :data:`SUBUNITS`)."""
        SUBUNITS[subunit]  # validates the name
        return replace(self, subunit=subunit)

    def references(self) -> set[str]:
        return self.params.references() | {SUBUNITS[self.subunit]["k_factor"].source}


class JahrStevens(BlockModel):
    """Empirical Boltzmann fit: K = K0, a = γ (Jahr & Stevens 1990)."""

    def constants(self) -> tuple[float, float]:
        return self.params["k0"], self.params["gamma"]


class Woodhull(BlockModel):
    """Single binding site in the field: K = Kd0, a = zδF/(RT) (Woodhull 1973)."""

    def constants(self) -> tuple[float, float]:
        p = self.params
        return p["kd0"], p["z"] * p["delta"] * FARADAY / (GAS_CONSTANT * p["temperature"]) / 1e3


class AscherNowak(BlockModel):
    """Kinetic scheme; steady state K = k_off0/k_on0, a = 1/v_on + 1/v_off."""

    def constants(self) -> tuple[float, float]:
        p = self.params
        return p["k_off0"] / p["k_on0"], 1.0 / p["v_on"] + 1.0 / p["v_off"]


def _check_mg(mg: np.typing.ArrayLike) -> np.ndarray:
    arr = np.asarray(magnitude(mg, "mM", "mg"), dtype=float)
    if np.any(~np.isfinite(arr)) or np.any(arr < 0):
        raise MagsynapseError("[Mg]o must be a finite concentration >= 0 mM")
    return arr


BLOCK_MODELS: Registry[BlockModel] = Registry("block model")

BLOCK_MODELS.register(
    "jahr_stevens_1990",
    JahrStevens(
        "jahr_stevens_1990",
        ParameterSet(
            "jahr_stevens_1990",
            "block",
            {
                "k0": Param(3.57, "mM", "jahr_stevens_1990"),
                "gamma": Param(0.062, "1/mV", "jahr_stevens_1990"),
            },
            "Empirical Boltzmann fit to single-channel data.",
        ),
    ),
)

BLOCK_MODELS.register(
    "woodhull",
    Woodhull(
        "woodhull",
        ParameterSet(
            "woodhull",
            "block",
            {
                "kd0": Param(3.57, "mM", "jahr_stevens_1990", "dissociation constant at 0 mV"),
                "z": Param(2.0, "1", "woodhull_1973", "valence of Mg2+"),
                "delta": Param(0.8, "1", "sharma_stevens_1996", "electrical distance of the site"),
                "temperature": Param(
                    298.15,
                    "K",
                    "magsynapse_choice",
                    "room temperature, where z*delta*F/RT = 0.0623/mV matches the "
                    "Jahr-Stevens slope; set 308.15 K for 35 degC",
                ),
            },
            "Woodhull (1973) single-site voltage-dependent block.",
        ),
    ),
)

BLOCK_MODELS.register(
    "ascher_nowak",
    AscherNowak(
        "ascher_nowak",
        ParameterSet(
            "ascher_nowak",
            "block",
            {
                "k_on0": Param(0.610, "1/(mM ms)", "ascher_nowak_1988"),
                "v_on": Param(17.0, "mV", "ascher_nowak_1988"),
                "k_off0": Param(5.4, "1/ms", "ascher_nowak_1988"),
                "v_off": Param(47.0, "mV", "ascher_nowak_1988"),
            },
            "Kinetic block, rates at room temperature as used by Vargas-Caballero & Robinson 2004.",
            extra_sources=("vargas_caballero_robinson_2004",),
        ),
        kinetic=True,
    ),
)

SUBUNITS: dict[str, dict[str, Param]] = {
    "GluN2A": {"k_factor": Param(1.0, "1", "qian_2005")},
    "GluN2B": {"k_factor": Param(1.0, "1", "qian_2005")},
    "GluN2C": {"k_factor": Param(4.0, "1", "qian_2005", "weaker block; specification: >= 4")},
    "GluN2D": {"k_factor": Param(4.0, "1", "qian_2005", "weaker block; specification: >= 4")},
}


def get_block_model(name: str = "jahr_stevens_1990", subunit: str = "GluN2A") -> BlockModel:
    """Look up a block model by name (and GluN2 subunit).

    Examples
    --------
    >>> get_block_model("woodhull").boltzmann()[1] > 0.06
    True
    """
    if subunit not in SUBUNITS:
        raise MagsynapseError(f"unknown subunit {subunit!r}; accepted: {', '.join(SUBUNITS)}")
    model = BLOCK_MODELS[name]
    return model if subunit == model.subunit else model.with_subunit(subunit)


def block(
    v: np.typing.ArrayLike,
    mg: np.typing.ArrayLike,
    model: str = "jahr_stevens_1990",
    subunit: str = "GluN2A",
) -> np.ndarray:
    """Steady-state unblocked NMDA fraction B(V, [Mg]o).

    Parameters
    ----------
    v : array_like
        Membrane potential, mV.
    mg : array_like
        Extracellular magnesium, mM (>= 0); broadcast against ``v``.
    model : str
        A name in :data:`BLOCK_MODELS`.
    subunit : str
        ``GluN2A`` (default), ``GluN2B``, ``GluN2C`` or ``GluN2D``.

    Returns
    -------
    numpy.ndarray
        B in (0, 1], shape of the broadcast of ``v`` and ``mg``.

    Examples
    --------
    >>> [round(float(b), 4) for b in block([-80, 0], 1.0)]
    [0.0244, 0.7812]
    """
    return get_block_model(model, subunit)(v, mg)


def half_unblock_voltage(
    mg: np.typing.ArrayLike, model: str = "jahr_stevens_1990", subunit: str = "GluN2A"
) -> np.ndarray:
    """Voltage (mV) at which B = 1/2: V½ = ln([Mg]o/K)/a.

    Examples
    --------
    >>> round(float(half_unblock_voltage(1.0)), 1)
    -20.5
    """
    k, a = get_block_model(model, subunit).boltzmann()
    mg_arr = _check_mg(mg)
    if np.any(mg_arr <= 0):
        raise MagsynapseError("V1/2 is defined only for [Mg]o > 0")
    return np.log(mg_arr / k) / a


# --------------------------------------------------------------------------- kinetics
#: Non-instantaneous unblock (Kampa et al. 2004): components of the unblock relaxation.
#: Time constants are Kampa's (fast ≈ the Ascher–Nowak relaxation, ~0.1 ms; 4 ms; 300 ms);
#: their amplitudes depend on pulse timing in the paper, the values here describe a
#: depolarisation shortly after glutamate release (a documented choice, not a fit).
KAMPA_2004 = ParameterSet(
    "kampa_2004",
    "block.unblock",
    {
        "a_fast": Param(
            0.75,
            "1",
            "magsynapse_choice",
            "prominent fast component (Kampa 2004); amplitude is timing-dependent",
        ),
        "tau_slow1": Param(4.0, "ms", "kampa_2004"),
        "a_slow1": Param(0.20, "1", "magsynapse_choice", "timing-dependent in Kampa 2004"),
        "tau_slow2": Param(300.0, "ms", "kampa_2004"),
        "a_slow2": Param(0.05, "1", "magsynapse_choice", "timing-dependent in Kampa 2004"),
    },
)


@numba.njit(cache=True)
def _an_kernel(dt, v, mg, b0, k_on0, v_on, k_off0, v_off, taus, amps):  # pragma: no cover
    n_t = v.shape[0]
    n_c = len(amps)
    out = np.empty(n_t)
    comp = np.empty(n_c)
    for j in range(n_c):
        comp[j] = b0
    out[0] = b0
    for i in range(1, n_t):
        vm = 0.5 * (v[i] + v[i - 1])
        mgm = 0.5 * (mg[i] + mg[i - 1])
        kon = k_on0 * mgm * math.exp(-vm / v_on)
        koff = k_off0 * math.exp(vm / v_off)
        binf = koff / (kon + koff)
        fast = math.exp(-dt * (kon + koff))
        total = 0.0
        for j in range(n_c):
            if comp[j] < binf and taus[j] > 0.0:
                decay = math.exp(-dt / taus[j])  # slow unblock component
            else:
                decay = fast  # block, and the fast unblock, follow the Ascher-Nowak rates
            comp[j] = binf + (comp[j] - binf) * decay
            total += amps[j] * comp[j]
        out[i] = total
    return out


@dataclass(frozen=True)
class AscherNowakKinetic:
    """Time course of the Ascher–Nowak kinetic block under a voltage trajectory.

    Parameters
    ----------
    unblock : {"instantaneous", "kampa_2004"}
        ``instantaneous``: B relaxes with the Ascher–Nowak rates (τ = 1/(k_on + k_off),
        ≈ 0.1–0.2 ms, "instantaneous" on the scale of synaptic events).
        ``kampa_2004``: unblock has the fast component plus slow components of ≈ 4 ms and
        ≈ 300 ms (Kampa et al. 2004); block onset stays fast.

    Examples
    --------
    >>> kin = AscherNowakKinetic()
    >>> t = np.arange(0, 5, 0.01)
    >>> b = kin.simulate(t, np.where(t < 1, -70.0, 0.0), 1.0)
    >>> bool(abs(b[-1] - kin.steady_state(0.0, 1.0)) < 1e-6)
    True
    """

    unblock: str = "instantaneous"

    def __post_init__(self) -> None:
        if self.unblock not in ("instantaneous", "kampa_2004"):
            raise MagsynapseError(
                f"unknown unblock kinetics {self.unblock!r}; accepted: instantaneous, kampa_2004"
            )

    @property
    def params(self) -> ParameterSet:
        return BLOCK_MODELS["ascher_nowak"].params

    def rates(
        self, v: np.typing.ArrayLike, mg: np.typing.ArrayLike
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(k_on, k_off)`` in 1/ms at V (mV) and [Mg]o (mM)."""
        p = self.params
        v_arr = np.asarray(v, dtype=float)
        mg_arr = _check_mg(mg)
        return (
            p["k_on0"] * mg_arr * np.exp(-v_arr / p["v_on"]),
            p["k_off0"] * np.exp(v_arr / p["v_off"]),
        )

    def steady_state(self, v: np.typing.ArrayLike, mg: np.typing.ArrayLike) -> np.ndarray:
        """B∞ = k_off / (k_on + k_off)."""
        k_on, k_off = self.rates(v, mg)
        return k_off / (k_on + k_off)

    def simulate(
        self,
        t: np.typing.ArrayLike,
        v: np.typing.ArrayLike,
        mg: np.typing.ArrayLike,
        b0: float | None = None,
    ) -> np.ndarray:
        """Unblocked fraction B(t) along a voltage trajectory.

        Parameters
        ----------
        t : array_like, shape (n,)
            Uniformly spaced times, ms.
        v : array_like, shape (n,)
            Membrane potential at those times, mV.
        mg : float or array_like, shape (n,)
            [Mg]o, mM (constant or a time series).
        b0 : float, optional
            Initial B; default the steady state at ``v[0]``.

        Returns
        -------
        numpy.ndarray, shape (n,)
        """
        t_arr = np.asarray(t, dtype=float)
        if t_arr.ndim != 1 or t_arr.size < 2:
            raise MagsynapseError("t must be a 1-D array of at least two times")
        dt = np.diff(t_arr)
        if np.any(dt <= 0) or not np.allclose(dt, dt[0], rtol=1e-6, atol=1e-12):
            raise MagsynapseError("t must be uniformly spaced and increasing")
        v_arr = np.broadcast_to(np.asarray(v, dtype=float), t_arr.shape).copy()
        mg_arr = np.broadcast_to(_check_mg(mg), t_arr.shape).astype(float).copy()
        start = float(self.steady_state(v_arr[0], mg_arr[0])) if b0 is None else float(b0)
        if self.unblock == "instantaneous":
            taus, amps = np.array([0.0]), np.array([1.0])
        else:
            k = KAMPA_2004
            taus = np.array([0.0, k["tau_slow1"], k["tau_slow2"]])
            amps = np.array([k["a_fast"], k["a_slow1"], k["a_slow2"]])
            amps = amps / amps.sum()
        p = self.params
        return _an_kernel(
            float(dt[0]),
            v_arr,
            mg_arr,
            start,
            p["k_on0"],
            p["v_on"],
            p["k_off0"],
            p["v_off"],
            taus,
            amps,
        )


def block_curves(
    mg: np.typing.ArrayLike,
    v: np.typing.ArrayLike,
    model: str = "jahr_stevens_1990",
    subunit: str = "GluN2A",
):
    """Block curves as a labelled result: ``B`` over (``mg``, ``v``) with provenance.

    For the kinetic ``ascher_nowak`` model ``B`` is the steady state.

    Examples
    --------
    >>> ds = block_curves([1.0], [-60.0, 0.0])
    >>> ds.B.dims, round(float(ds.B.sel(mg=1.0, v=-60.0)), 4)
    (('mg', 'v'), 0.0796)
    """
    import xarray as xr

    from ..results import annotate

    mg_arr = np.atleast_1d(_check_mg(mg)).astype(float)
    v_arr = np.atleast_1d(np.asarray(v, dtype=float))
    if mg_arr.ndim != 1 or v_arr.ndim != 1 or mg_arr.size == 0 or v_arr.size == 0:
        raise MagsynapseError("mg and v must be non-empty lists of values")
    if np.any(~np.isfinite(v_arr)):
        raise MagsynapseError("v: values must be finite (mV)")
    m = get_block_model(model, subunit)
    ds = xr.Dataset(
        {"B": (("mg", "v"), m(v_arr[None, :], mg_arr[:, None]))}, coords={"mg": mg_arr, "v": v_arr}
    )
    ds.B.attrs.update(
        units="1", long_name="unblocked NMDA fraction" + (" (steady state)" if m.kinetic else "")
    )
    ds.mg.attrs["units"] = "mM"
    ds.v.attrs["units"] = "mV"
    k, a = m.boltzmann()
    ds["v_half"] = (
        "mg",
        np.where(mg_arr > 0, np.log(np.where(mg_arr > 0, mg_arr, 1.0) / k) / a, np.nan),
    )
    ds.v_half.attrs.update(units="mV", long_name="half-unblock voltage")
    return annotate(
        ds,
        title=f"NMDA Mg2+ block, model {model}, subunit {subunit}",
        config={"model": model, "subunit": subunit},
        parameter_sets=[m.params],
        references=m.references(),
    )
