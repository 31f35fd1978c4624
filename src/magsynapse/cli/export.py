"""Exports to other simulators: ``export neuroml``."""

from __future__ import annotations

import click

from .options import check_out, mg_option, network_model_option, one_line_errors, out_option
from .paramtypes import REGISTRIES, Name


@click.group()
def export() -> None:
    """Write magsynapse's models for other simulators."""


@export.command("neuroml")
@network_model_option()
@mg_option(default=None, help="[Mg]o (mM) of the block [default: the model's].")
@click.option(
    "--subunit",
    type=Name(REGISTRIES["subunit"]),
    default="GluN2A",
    show_default=True,
    help="GluN2 subunit of the block.",
)
@out_option(help="Output NeuroML 2 file (.nml).", plot=False)
@one_line_errors
def export_neuroml_command(model, mg, subunit, out) -> None:
    """The network's Mg2+-blocked NMDA synapse as a NeuroML 2 blockingPlasticSynapse
    (its rise and decay, E->E weight, reversal and block), validated against the
    NeuroML 2 schema."""
    from ..network import load_config
    from ..receptors.neuroml import export_neuroml

    check_out(out, suffix=".nml")
    if mg is not None and len(mg) != 1:
        raise click.BadParameter("give one [Mg]o value", param_hint="--mg")
    cfg = load_config(model)
    ch = cfg.channels
    path = export_neuroml(
        out,
        block_model=ch.block,
        subunit=subunit,
        mg=ch.mg if mg is None else float(mg[0]),
        tau_rise=ch.tau_nmda_rise,
        tau_decay=ch.tau_nmda_decay,
        gbase=cfg.connectivity.w_ee_nmda,
        erev=ch.E_exc,
    )
    click.echo(f"wrote {path}")


COMMANDS = [export]
