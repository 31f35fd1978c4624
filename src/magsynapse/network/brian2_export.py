"""A network configuration as a runnable Brian2 script (``magsynapse export brian2``).

The script (template: :mod:`.brian2_script`) holds the configuration's numbers in a
``PARAMETERS`` dict and builds the same model as magsynapse's engine: conductance-based
LIF or AdEx neurons with the Mg²⁺-blocked NMDA conductance, random connectivity (every
pair with probability ``p``, or a fixed number of excitatory and inhibitory inputs per
neuron; no autapses), Poisson drive onto AMPA, and E→E synapses with spine
calcium and the bistable efficacy rule. Every equation is integrated with Brian2's
``euler`` method at the configuration's dt (``heun`` for E→E synapses with efficacy
noise), so the conductances decay by ``1 − dt/τ`` per step where magsynapse uses
``exp(−dt/τ)``, and Brian2 holds V for one step less after a spike. The two simulators
draw their random numbers from different streams: they agree statistically, over seeds
(tested: ``tests/network/test_brian2_mgnet.py``), not spike for spike.

What the script does not carry: magsynapse's conditions (GluN2B share, release, ATP,
synaptic strength), stimuli, time-varying [Mg]o and the excitotoxic-load diagnostic;
rules other than the bistable one are refused.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import MagsynapseError
from ..receptors import get_block_model
from ..results import write_text
from ..script_templates import fill_template
from ..synapse.params import BISTABLE_SETS
from ..synapse.rules import RULES
from . import brian2_script
from .config import NetworkConfig, load_config
from .scaling import TONIC_FIELDS

#: Unit of every parameter that Brian2 reads as a quantity (the script's own table).
UNITS = brian2_script.QUANTITIES


def brian2_parameters(config: NetworkConfig | str = "mgnet") -> dict[str, Any]:
    """Every number the Brian2 script needs, from a network configuration.

    Units: ms, mV, nS, pF, pA; ``block_k`` in mM and ``block_a`` in 1/mV (the
    configuration's block model, B = 1/(1 + [Mg]o/K·exp(−a V))); ``tau_rho`` in s;
    calcium amplitudes and thresholds in the set's units (:data:`UNITS`).

    Raises :class:`~magsynapse.errors.MagsynapseError` for a rule with no Brian2 form.

    Examples
    --------
    >>> p = brian2_parameters("mgnet")
    >>> p["N"], p["N_E"], p["block_k"], p["tau_rho"], UNITS["tau_rho"]
    (1000, 800, 3.57, 15.0, 's')
    """
    cfg = load_config(config) if isinstance(config, str | os.PathLike) else config
    n, ch, cn, dr, pl = cfg.neuron, cfg.channels, cfg.connectivity, cfg.drive, cfg.plasticity
    if pl.enabled and RULES[pl.rule].network.advance is not None:
        raise MagsynapseError(
            f"export brian2: the {pl.rule} rule has no Brian2 form here; "
            "use the bistable rule or [plasticity] enabled = false"
        )
    k, a = get_block_model(ch.block).boltzmann()
    s = BISTABLE_SETS[pl.set]
    w = cfg.weight_scale  # the configuration's weights at its reference in-degree
    tonic = cfg.tonic(ch.tau_nmda_decay)  # and the constant conductances that go with them
    values = {
        "C_m": n.C,
        "g_L": n.g_L,
        "E_L": n.E_L,
        "V_th": n.V_th,
        "V_reset": n.V_reset,
        "delta_T": n.delta_T,
        "V_T": n.V_T,
        "a": n.a,
        "b": n.b,
        "tau_w": n.tau_w,
        "E_exc": ch.E_exc,
        "E_inh": ch.E_inh,
        "tau_ampa": ch.tau_ampa,
        "tau_gaba": ch.tau_gaba,
        "tau_nmda_rise": ch.tau_nmda_rise,
        "tau_nmda_decay": ch.tau_nmda_decay,
        "block_k": float(k),
        "block_a": float(a),
        "g_tonic": dr.g_tonic,
        **{f"tonic_{name}": getattr(tonic, name) for name in TONIC_FIELDS},
        "w_ee_ampa": cn.w_ee_ampa * w,
        "w_ee_nmda": cn.w_ee_nmda * w,
        "w_ei_ampa": cn.w_ei_ampa * w,
        "w_ei_nmda": cn.w_ei_nmda * w,
        "w_ie_gaba": cn.w_ie_gaba * w,
        "w_ii_gaba": cn.w_ii_gaba * w,
        "tau_ca": float(s["tau_ca"]),
        "c_pre": float(s["c_pre"]) * pl.c_pre_scale,
        "c_post": float(s["c_post"]),
        "theta_d": float(s["theta_d"]),
        "theta_p": float(s["theta_p"]),
        "gamma_d": float(s["gamma_d"]),
        "gamma_p": float(s["gamma_p"]),
        "rho_star": float(s["rho_star"]),
        "sigma": pl.sigma,
        "tau_rho": pl.tau,
    }
    from .. import __version__

    return {
        "name": cfg.network.name,
        "exported_by": f"magsynapse {__version__}",
        "N": cfg.network.N,
        "N_E": cfg.n_exc,
        "dt": cfg.network.dt,
        "t_ref": n.t_ref,
        "adex": n.model == "adex",
        "mg": ch.mg,
        "p": cn.p,
        "k_exc": cfg.wiring.k_exc,
        "k_inh": cfg.wiring.k_inh,
        "sources": dr.sources,
        "rate": dr.rate,
        "weight": dr.weight,
        "plastic": pl.enabled,
        "rho0": pl.rho0,
        "voltage_gated_pre": pl.voltage_gated_pre,
        **{key: float(v) for key, v in values.items()},
    }


def brian2_script(config: NetworkConfig | str = "mgnet") -> str:
    """The text of a runnable Brian2 script of the network ``config``.

    The script needs Brian2 (2.7 or later) and numpy only. ``python script.py --help``
    lists its options: ``--mg`` (one value or a comma list, mM), ``--seed``, ``--T`` (s),
    ``--target`` (``auto``, ``cython``, ``numpy`` or ``cpp_standalone``, which compiles
    once and runs every [Mg]o as a run argument), ``--spikes`` and ``--out`` (JSON).

    Examples
    --------
    >>> text = brian2_script("mgnet")
    >>> compile(text, "mgnet_brian2.py", "exec") is not None
    True
    >>> "import magsynapse" in text
    False
    """
    p = brian2_parameters(config)
    kind = "AdEx" if p["adex"] else "LIF"
    rule = "bistable plastic" if p["plastic"] else "static"
    if p["k_exc"] + p["k_inh"]:
        wiring = f"{p['k_exc']} excitatory and {p['k_inh']} inhibitory inputs per neuron"
    else:
        wiring = f"every pair connected with probability {p['p']:g}"
    if any(p[f"tonic_{name}"] for name in TONIC_FIELDS):
        wiring += (
            " (weights scaled from the\nreference in-degree; the constant conductances"
            " tonic_* restore the mean input)"
        )
    header = (
        f'"""{p["name"]} in Brian2: {p["N"]} conductance-based {kind} neurons '
        f"({p['N_E']} excitatory),\n{wiring}, {rule} E->E synapses.\n\n"
        f"Exported by {p['exported_by']} (magsynapse export brian2). Every number of the\n"
        "network is in PARAMETERS, with its unit. V, adaptation, calcium and efficacy are\n"
        "integrated with Brian2's euler method at dt (heun for efficacy noise), the\n"
        "synaptic conductances decay exactly, as in magsynapse. Brian2 holds V for one step\n"
        "less after a spike, and its random numbers differ from magsynapse's: the two\n"
        "agree over seeds, not spike for spike.\n\n"
        "Usage:\n"
        "    python this_file.py --mg 1.0 --seed 1 --T 1 --out result.json\n"
        "    python this_file.py --mg 0.1,1,2 --target cpp_standalone --out sweep.json\n"
        '"""\n\n'
    )
    return fill_template(__package__, header, p, {**UNITS, **PLAIN_UNITS})


#: Units of the parameters that Brian2 reads as plain numbers, for the script's comments.
PLAIN_UNITS = {
    "dt": "ms",
    "t_ref": "ms",
    "mg": "mM",
    "rate": "Hz, each source",
    "weight": "nS, AMPA",
    "block_k": "mM",
    "block_a": "1/mV",
}


def export_brian2(path: str | os.PathLike, config: NetworkConfig | str = "mgnet") -> Path:
    """Write :func:`brian2_script` of ``config`` to ``path`` (a ``.py`` file); returns it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     export_brian2(pathlib.Path(d) / "mgnet_brian2.py").suffix
    '.py'
    """
    return write_text(path, brian2_script(config), suffix=".py")
