"""Stimulation protocols (docs/specification.md §5): builders of spike-train batches.

A protocol builder returns a :class:`Protocol`: a rectangular batch of spike trains
(presynaptic times, somatic postsynaptic times, optional holding potential) with the
labelled coordinates of its conditions. :func:`magsynapse.synapse.runner.run_protocol`
crosses it with the conditions and parameter sets and runs the compiled kernels once for
the whole grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import MagsynapseError
from ..limits import check_memory
from ..units import magnitude


@dataclass(frozen=True)
class Protocol:
    """A rectangular batch of stimulation conditions.

    Attributes
    ----------
    name : str
        Protocol name (``stdp``, ``frequency``, ...).
    pre, post : numpy.ndarray, shape (n, n_pre) and (n, n_post)
        Presynaptic and somatic postsynaptic spike times (ms) of each condition.
    v_clamp : numpy.ndarray, shape (n,)
        Holding potential (mV) or NaN for a free spine.
    duration : numpy.ndarray, shape (n,)
        Protocol duration T (ms), over which the analytic rule averages.
    dims : tuple of str
        Names of the protocol's dimensions; ``n`` is the product of their sizes.
    coords : dict
        Coordinate values of each dimension.
    config : dict
        The protocol's settings, stored with the result.
    """

    name: str
    pre: np.ndarray
    post: np.ndarray
    v_clamp: np.ndarray
    duration: np.ndarray
    dims: tuple[str, ...]
    coords: dict[str, np.ndarray]
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(self.coords[d]) for d in self.dims)

    def labels(self) -> list[str]:
        """A stable text key per condition (used to derive its random stream)."""
        grids = np.meshgrid(*[self.coords[d] for d in self.dims], indexing="ij")
        flat = [g.ravel() for g in grids]
        base = "|".join(f"{k}={v}" for k, v in sorted(self.config.items()) if k not in self.dims)
        return [
            f"{self.name}|{base}|"
            + "|".join(f"{d}={_fmt(col[i])}" for d, col in zip(self.dims, flat, strict=True))
            for i in range(int(np.prod(self.shape)))
        ]


def _fmt(x: float) -> str:
    return f"{float(x):.9g}"


# --------------------------------------------------------------------------- validation
def _values(
    name: str, values: Any, *, unit: str, positive: bool = False, nonnegative: bool = False
) -> np.ndarray:
    if unit:
        values = magnitude(values, unit, name)
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise MagsynapseError(f"{name}: give at least one value ({unit})")
    if np.any(~np.isfinite(arr)):
        raise MagsynapseError(f"{name}: values must be finite numbers ({unit})")
    if positive and np.any(arr <= 0):
        raise MagsynapseError(f"{name}: values must be > 0 {unit} (got {arr.min():g})")
    if nonnegative and np.any(arr < 0):
        raise MagsynapseError(f"{name}: values must be >= 0 {unit} (got {arr.min():g})")
    return arr


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or int(value) != value or int(value) < 1:
        raise MagsynapseError(f"{name}: must be a whole number >= 1 (got {value})")
    return int(value)


def _check_trains(rows: int, spikes: int) -> None:
    """Refuse spike trains that would not fit in memory (pre and post times, and the
    temporaries of their construction: 32 bytes per spike)."""
    check_memory("the protocol", 32.0 * rows * spikes, f"{rows} train(s) x {spikes} spikes")


# --------------------------------------------------------------------------- builders
def stdp_protocol(dt: Any, *, pairs: int = 60, freq: Any = 1.0) -> Protocol:
    """Pre–post pairs: ``pairs`` pairings at ``freq``; Δt = t_post − t_pre (ms).

    With a scalar ``freq`` the dims are ``(dt,)``; with a list, ``(freq, dt)``.
    Every |Δt| must be at most half the pairing period, so that each post spike is
    unambiguously paired with one pre spike.

    Examples
    --------
    >>> p = stdp_protocol([-10, 10], pairs=2)
    >>> p.pre[1].tolist(), p.post[1].tolist()
    ([0.0, 1000.0], [10.0, 1010.0])
    """
    dts = _values("dt", dt, unit="ms")
    scalar_freq = np.ndim(freq) == 0
    freqs = _values("freq", freq, unit="Hz", positive=True)
    n = _count("pairs", pairs)
    _check_trains(len(freqs) * len(dts), n)
    period = 1000.0 / freqs
    bad = np.abs(dts)[None, :] > period[:, None] / 2 + 1e-9
    if np.any(bad):
        i, j = np.argwhere(bad)[0]
        raise MagsynapseError(
            f"dt: {dts[j]:g} ms does not fit the pairing period of {period[i]:g} ms at "
            f"{freqs[i]:g} Hz; accepted: |dt| <= {period[i] / 2:g} ms"
        )
    grid_f, grid_dt = np.meshgrid(freqs, dts, indexing="ij")
    per = 1000.0 / grid_f.ravel()
    lag = grid_dt.ravel()
    offset = np.maximum(0.0, -lag)
    pre = offset[:, None] + per[:, None] * np.arange(n)[None, :]
    post = pre + lag[:, None]
    dims = ("dt",) if scalar_freq else ("freq", "dt")
    coords = {"dt": dts} if scalar_freq else {"freq": freqs, "dt": dts}
    config = {"pairs": n} | ({"freq": float(freqs[0])} if scalar_freq else {})
    return Protocol("stdp", pre, post, np.full(len(lag), np.nan), n * per, dims, coords, config)


def frequency_protocol(freq: Any, *, pulses: int = 900) -> Protocol:
    """Presynaptic trains of ``pulses`` pulses at each frequency (Dudek & Bear 1992).

    Examples
    --------
    >>> frequency_protocol([1, 10], pulses=3).pre.tolist()
    [[0.0, 1000.0, 2000.0], [0.0, 100.0, 200.0]]
    """
    freqs = _values("freq", freq, unit="Hz", positive=True)
    n = _count("pulses", pulses)
    _check_trains(len(freqs), n)
    per = 1000.0 / freqs
    pre = per[:, None] * np.arange(n)[None, :]
    return Protocol(
        "frequency",
        pre,
        np.empty((len(freqs), 0)),
        np.full(len(freqs), np.nan),
        n * per,
        ("freq",),
        {"freq": freqs},
        {"pulses": n},
    )


def pairing_protocol(hold: Any, *, pulses: int = 100, freq: float = 1.0) -> Protocol:
    """Presynaptic pulses while the spine is clamped at each holding potential (mV).

    Shouval et al. 2002, Fig. 3A: 100 pulses at 1 Hz, holding from −65 to −10 mV.

    Examples
    --------
    >>> pairing_protocol([-60, -20], pulses=2).v_clamp.tolist()
    [-60.0, -20.0]
    """
    holds = _values("hold", hold, unit="mV")
    n = _count("pulses", pulses)
    _check_trains(len(holds), n)
    f = float(_values("freq", freq, unit="Hz", positive=True)[0])
    per = 1000.0 / f
    pre = np.tile(per * np.arange(n), (len(holds), 1))
    return Protocol(
        "pairing",
        pre,
        np.empty((len(holds), 0)),
        holds.copy(),
        np.full(len(holds), n * per),
        ("hold",),
        {"hold": holds},
        {"pulses": n, "freq": f},
    )


def theta_burst_protocol(
    bursts: Any = 10,
    *,
    pulses_per_burst: int = 4,
    intra_freq: float = 100.0,
    burst_freq: float = 5.0,
    post_dt: float | None = None,
) -> Protocol:
    """Theta-burst stimulation: bursts of 4 pulses at 100 Hz repeated at 5 Hz.

    ``bursts`` may be a list (dim ``bursts``); trains are padded to the longest one by
    pulses placed after the protocol end, which never act. With ``post_dt`` each
    presynaptic pulse is paired with a postsynaptic spike ``post_dt`` ms later.

    Examples
    --------
    >>> theta_burst_protocol(1).pre.tolist()
    [[0.0, 10.0, 20.0, 30.0]]
    """
    counts = _values("bursts", bursts, unit="bursts", positive=True)
    if np.any(counts != np.round(counts)):
        raise MagsynapseError("bursts: must be whole numbers >= 1")
    k = _count("pulses_per_burst", pulses_per_burst)
    f_in = float(_values("intra_freq", intra_freq, unit="Hz", positive=True)[0])
    f_b = float(_values("burst_freq", burst_freq, unit="Hz", positive=True)[0])
    if (k - 1) * 1000.0 / f_in >= 1000.0 / f_b:
        raise MagsynapseError("bursts: a burst must end before the next one starts")
    _check_trains(len(counts), float(counts.max()) * k)
    n_max = int(counts.max())
    within = 1000.0 / f_in * np.arange(k)
    starts = 1000.0 / f_b * np.arange(n_max)
    train = (starts[:, None] + within[None, :]).ravel()
    duration = counts * 1000.0 / f_b
    pre = np.tile(train, (len(counts), 1))
    # pulses beyond a condition's own burst count are moved past its end
    pre = np.where(pre < duration[:, None] - 1e-9, pre, duration[:, None] + 1e9)
    post = pre + post_dt if post_dt is not None else np.empty((len(counts), 0))
    config = {
        "pulses_per_burst": k,
        "intra_freq": f_in,
        "burst_freq": f_b,
        "post_dt": "none" if post_dt is None else float(post_dt),
    }
    return Protocol(
        "theta_burst",
        pre,
        post,
        np.full(len(counts), np.nan),
        duration,
        ("bursts",),
        {"bursts": counts.astype(int)},
        config,
    )
