"""The STDP protocol of a bistable set as a runnable Brian2 script
(``magsynapse export brian2 --synapse``).

The script (template: :mod:`.brian2_script`) is the Graupner & Brunel (2012) model as in
Brian2's own example: every synapse carries its calcium ``c`` (exponential decay, a jump
``C_pre`` after each presynaptic spike delayed by ``D`` and ``C_post`` at each
postsynaptic one) and its efficacy ``rho`` (the bistable rule with threshold-gated
noise), clock-driven with Brian2's ``heun`` method. The presynaptic amplitude is the
linear calcium model's at the exported [Mg]o,
``C_pre·B(V_rest, [Mg]o)/B(V_rest, 1 mM)`` (:func:`.calcium.c_pre_effective`). The script
prints the final ρ of every synapse and, for synapses started DOWN and UP, GB2012's
readout (transition probabilities and relative change). Without noise it agrees with
magsynapse's :func:`.api.efficacy` within 1 % (tested: ``tests/synapse/test_brian2.py``).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from ..errors import MagsynapseError
from ..results import write_text
from ..script_templates import fill_template
from .calcium import c_pre_effective
from .params import BISTABLE_SETS

#: Integration time step of the script, ms.
DT_MS = 0.1
#: Units of the parameters, for the script's comments.
UNITS = {"dt": "ms", "mg": "mM", "tau_ca": "ms", "tau": "s", "delay": "ms"}


def brian2_parameters(
    parameter_set: str = "DP", mg: float = 1.0, block_model: str = "jahr_stevens_1990"
) -> dict[str, Any]:
    """The numbers of the synapse script: the set's values, ``c_pre`` at ``mg`` (mM).

    Examples
    --------
    >>> p = brian2_parameters("DP", mg=1.0)
    >>> p["c_pre"], p["c_post"], p["tau"], p["delay"]
    (1.0, 2.0, 150.0, 13.7)
    """
    if parameter_set not in BISTABLE_SETS or "c_pre" not in BISTABLE_SETS[parameter_set].params:
        names = [n for n in BISTABLE_SETS.names() if "c_pre" in BISTABLE_SETS[n].params]
        raise MagsynapseError(
            f"export brian2: set {parameter_set!r} has no linear-calcium form; "
            f"accepted: {', '.join(names)}"
        )
    mg = float(mg)
    if not (math.isfinite(mg) and mg >= 0):
        raise MagsynapseError(f"mg: must be a finite concentration >= 0 mM (got {mg})")
    s = BISTABLE_SETS[parameter_set]
    keys = ("tau_ca", "c_post", "theta_d", "theta_p", "gamma_d", "gamma_p", "sigma", "tau")
    keys += ("rho_star", "delay", "beta", "b")
    from .. import __version__

    return {
        "set": parameter_set,
        "exported_by": f"magsynapse {__version__}",
        "dt": DT_MS,
        "mg": mg,
        "block_model": block_model,
        "c_pre": float(c_pre_effective(float(s["c_pre"]), mg, block_model)),
        **{k: float(s[k]) for k in keys},
    }


def brian2_script(
    parameter_set: str = "DP", mg: float = 1.0, block_model: str = "jahr_stevens_1990"
) -> str:
    """The text of a runnable Brian2 script of the STDP protocol (Brian2 and numpy only).

    ``python script.py --help`` lists its options: ``--dts`` (ms), ``--reps`` or
    ``--rho-init``, ``--sigma``, ``--pairs``, ``--freq``, ``--seed``, ``--target`` and
    ``--out`` (JSON).

    Examples
    --------
    >>> text = brian2_script("DP", mg=1.2)
    >>> compile(text, "stdp_brian2.py", "exec") is not None, "import magsynapse" in text
    (True, False)
    """
    p = brian2_parameters(parameter_set, mg, block_model)
    header = (
        f'"""STDP pairing protocol of the bistable set {parameter_set} (Graupner & Brunel 2012)'
        f"\nin Brian2, at [Mg]o = {mg:g} mM.\n\n"
        f"Exported by {p['exported_by']} (magsynapse export brian2 --synapse). Every\n"
        "number is in PARAMETERS; c_pre is the presynaptic calcium at this [Mg]o.\n\n"
        "Usage:\n"
        "    python this_file.py --dts=-100:100:10 --reps 100 --out stdp.json\n"
        "    python this_file.py --dts=-20,10 --rho-init 0.2,0.8 --sigma 0 --out rho.json\n"
        '"""\n\n'
    )
    return fill_template(__package__, header, p, UNITS)


def export_brian2(
    path: str | os.PathLike,
    parameter_set: str = "DP",
    mg: float = 1.0,
    block_model: str = "jahr_stevens_1990",
) -> Path:
    """Write :func:`brian2_script` to ``path`` (a ``.py`` file); returns the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     export_brian2(pathlib.Path(d) / "stdp_brian2.py").name
    'stdp_brian2.py'
    """
    return write_text(path, brian2_script(parameter_set, mg, block_model), suffix=".py")
