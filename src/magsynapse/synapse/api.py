"""The public protocol functions: build a protocol and run it over the conditions.

``stdp``, ``frequency``, ``pairing`` and ``theta_burst`` each take their protocol
builder's arguments (:mod:`.protocols`) followed by :func:`.runner.run_protocol`'s
keywords, in one explicit signature (``help(stdp)`` lists every argument).
"""

from __future__ import annotations

import inspect
from typing import Any

import xarray as xr

from .protocols import frequency_protocol, pairing_protocol, stdp_protocol, theta_burst_protocol
from .runner import run_protocol


def _protocol_function(name: str, builder, summary: str, example: str, **defaults: Any):
    """A public protocol function: ``builder``'s arguments, then :func:`run_protocol`'s
    keywords (with ``defaults`` changed), in one explicit signature that ``help`` and
    ``inspect.signature`` show."""
    build = list(inspect.signature(builder).parameters.values())
    run = [
        p.replace(default=defaults.get(p.name, p.default))
        for p in list(inspect.signature(run_protocol).parameters.values())[1:]
    ]
    sig = inspect.Signature([*build, *run], return_annotation=xr.Dataset)
    build_names = [p.name for p in build]

    def function(*args: Any, **kwargs: Any) -> xr.Dataset:
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        given = dict(bound.arguments)
        protocol = builder(**{k: given.pop(k) for k in build_names})
        return run_protocol(protocol, **given)

    shown = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
    shown = f" (defaults here: {shown})" if shown else ""
    function.__signature__ = sig
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"""{summary}

    Parameters
    ----------
    {", ".join(build_names)}
        As :func:`{builder.__module__}.{builder.__name__}`.
    rule, parameter_set, calcium, mg, conditions, method, reps, seed, block_model, step,
    coarse_step, calcium_overrides, progress
        As :func:`{run_protocol.__module__}.run_protocol`{shown}.

    Returns
    -------
    xarray.Dataset
        As :func:`magsynapse.synapse.runner.run_protocol`.

    Examples
    --------
{example}
    """
    return function


stdp = _protocol_function(
    "stdp",
    stdp_protocol,
    "STDP curve(s): relative change versus Δt = t_post − t_pre (ms) for every condition.",
    """    >>> ds = stdp([-20.0, 10.0], mg=[0.8, 1.2])
    >>> ds.change.dims
    ('mg', 'dt')""",
)
frequency = _protocol_function(
    "frequency",
    frequency_protocol,
    "Frequency–response curve: ``pulses`` presynaptic pulses at each frequency (Hz).",
    """    >>> frequency([1.0, 100.0], pulses=30).change.dims
    ('mg', 'freq')""",
)
pairing = _protocol_function(
    "pairing",
    pairing_protocol,
    "Pairing with a holding potential ``hold`` (mV; Shouval 2002 Fig. 3A).",
    """    >>> pairing([-65.0, -10.0], pulses=10).change.dims
    ('mg', 'hold')""",
    rule="omega_eta",
    calcium="nmda_voltage",
)
theta_burst = _protocol_function(
    "theta_burst",
    theta_burst_protocol,
    "Theta-burst stimulation (4 pulses at 100 Hz, bursts at 5 Hz).",
    """    >>> theta_burst([5, 10]).change.dims
    ('mg', 'bursts')""",
)
