"""The Mg²⁺-blocked NMDA synapse as NeuroML 2 (``magsynapse export neuroml``).

NeuroML 2's ``blockingPlasticSynapse`` is a double-exponential conductance (rise
``tauRise``, decay ``tauDecay``, peak ``gbase``, reversal ``erev``) scaled by a block
mechanism; its ``voltageConcDepBlockMechanism`` scales the conductance by

    1 / (1 + blockConcentration / scalingConc · exp(−v / scalingVolt)),

which is the Boltzmann block of every model in :data:`.block.BLOCK_MODELS`,
B = 1 / (1 + [Mg]o / K · exp(−a V)), with ``blockConcentration`` = [Mg]o,
``scalingConc`` = K (mM, with the subunit's factor) and ``scalingVolt`` = 1/a (mV).
The document is built with libNeuroML and checked against the NeuroML 2 schema with its
validator before it is written.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from pathlib import Path

from ..errors import MagsynapseError, MagsynapseRunError
from ..results import check_writable, written_atomically
from .block import get_block_model


def _neuroml():
    try:
        import neuroml
        import neuroml.writers
    except ImportError:  # pragma: no cover - depends on the installation
        raise MagsynapseError(
            "NeuroML export needs libNeuroML: pip install 'magsynapse[neuroml]'"
        ) from None
    return neuroml


def _positive(name: str, value: float, unit: str) -> float:
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise MagsynapseError(f"{name}: must be a finite value > 0 {unit} (got {value})")
    return value


def nmda_document(
    *,
    block_model: str = "jahr_stevens_1990",
    subunit: str = "GluN2A",
    mg: float = 1.0,
    tau_rise: float = 2.0,
    tau_decay: float = 100.0,
    gbase: float = 0.5,
    erev: float = 0.0,
    synapse_id: str = "nmda_mg",
):
    """A NeuroML 2 document (``neuroml.NeuroMLDocument``) holding the NMDA synapse.

    Parameters
    ----------
    block_model, subunit : str
        The block model (:data:`.block.BLOCK_MODELS`) and GluN2 subunit.
    mg : float
        Extracellular Mg²⁺ (mM), the block's ``blockConcentration``.
    tau_rise, tau_decay : float
        Rise and decay time constants of the conductance (ms).
    gbase : float
        Peak conductance of one event (nS).
    erev : float
        Reversal potential (mV).
    synapse_id : str
        The synapse's NeuroML id.

    Examples
    --------
    >>> doc = nmda_document(mg=1.2)
    >>> syn = doc.blocking_plastic_synapses[0]
    >>> syn.block_mechanism.block_concentration, syn.block_mechanism.scaling_conc
    ('1.2mM', '3.57mM')
    """
    neuroml = _neuroml()
    model = get_block_model(block_model).with_subunit(subunit)
    mg = float(mg)
    if not (math.isfinite(mg) and mg >= 0):
        raise MagsynapseError(f"mg: must be a finite concentration >= 0 mM (got {mg})")
    rise = _positive("tau_rise", tau_rise, "ms")
    decay = _positive("tau_decay", tau_decay, "ms")
    if not rise < decay:
        raise MagsynapseError(
            f"tau_rise ({rise:g} ms) must be shorter than tau_decay ({decay:g} ms)"
        )
    gbase = _positive("gbase", gbase, "nS")
    erev = float(erev)
    if not math.isfinite(erev):
        raise MagsynapseError(f"erev: must be a finite potential in mV (got {erev})")
    k, a = model.boltzmann()
    block = neuroml.BlockMechanism(
        type="voltageConcDepBlockMechanism",
        species="mg",
        block_concentration=f"{mg!r}mM",
        scaling_conc=f"{k!r}mM",
        scaling_volt=f"{1.0 / a!r}mV",
    )
    syn = neuroml.BlockingPlasticSynapse(
        id=synapse_id,
        gbase=f"{gbase!r}nS",
        erev=f"{erev!r}mV",
        tau_rise=f"{rise!r}ms",
        tau_decay=f"{decay!r}ms",
        block_mechanism=block,
        notes=(
            f"NMDA receptor synapse with the Mg2+ block of {model.name} ({subunit}): "
            f"B = 1/(1 + [Mg]o/{k:.6g} mM * exp(-V/{1.0 / a:.6g} mV)). Written by magsynapse."
        ),
    )
    doc = neuroml.NeuroMLDocument(id=f"{synapse_id}_doc")
    doc.blocking_plastic_synapses.append(syn)
    return doc


def export_neuroml(path: str | os.PathLike[str], **kwargs) -> Path:
    """Write :func:`nmda_document` (``kwargs`` as there) to ``path`` (``.nml``), after
    validating it against the NeuroML 2 schema; returns the path."""
    neuroml = _neuroml()
    from neuroml.utils import validate_neuroml2

    path = check_writable(path)
    doc = nmda_document(**kwargs)
    try:
        with written_atomically(path) as tmp:
            neuroml.writers.NeuroMLWriter.write(doc, str(tmp))
            with contextlib.redirect_stdout(io.StringIO()):  # it prints its verdict
                validate_neuroml2(str(tmp))
    except ValueError as exc:  # pragma: no cover - the document above is valid (tested)
        raise MagsynapseRunError(f"NeuroML export: {exc}") from None
    return path
