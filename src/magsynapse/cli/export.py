"""Exports to other simulators: ``export neuroml`` and ``export brian2``."""

from __future__ import annotations

import click

from .options import (
    check_out,
    mg_option,
    network_model_option,
    neurons_option,
    one_line_errors,
    out_option,
)
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


@export.command("brian2")
@network_model_option(
    default=None,
    help=(
        "Built-in network (mgnet, mgnet_adex, mgnet_memory, mgnet_k) or a TOML file "
        "[default: mgnet]."
    ),
)
@neurons_option()
@click.option(
    "--synapse",
    is_flag=True,
    help="Export the STDP pairing protocol of a bistable set instead of a network.",
)
@click.option(
    "--set",
    "parameter_set",
    type=Name(REGISTRIES["set"]),
    default=None,
    help="Bistable set of --synapse [default: DP].",
)
@mg_option(default=None, help="[Mg]o (mM) of --synapse's presynaptic calcium [default: 1].")
@click.option(
    "--block-model",
    type=Name(REGISTRIES["block"]),
    default=None,
    help="Mg2+ block model of --synapse [default: jahr_stevens_1990].",
)
@out_option(help="Output Brian2 script (.py).", plot=False)
@one_line_errors
def export_brian2_command(model, n, synapse, parameter_set, mg, block_model, out) -> None:
    """A runnable Brian2 script (Brian2 and numpy only) of a network, or with --synapse
    of the STDP protocol. Run it with python; its --help lists the options ([Mg]o, seed,
    duration, code-generation target, JSON output)."""
    check_out(out, suffix=".py")
    if synapse:
        if model is not None or n is not None:
            raise click.UsageError("--model and --N describe a network; --synapse exports none")
        if mg is not None and len(mg) != 1:
            raise click.BadParameter("give one [Mg]o value", param_hint="--mg")
        from ..synapse.brian2_export import export_brian2

        path = export_brian2(
            out,
            parameter_set or "DP",
            1.0 if mg is None else float(mg[0]),
            block_model or "jahr_stevens_1990",
        )
    else:
        given = [
            name
            for name, v in (("--set", parameter_set), ("--mg", mg), ("--block-model", block_model))
            if v is not None
        ]
        if given:
            raise click.UsageError(
                f"{', '.join(given)}: only with --synapse; a network script takes [Mg]o "
                "as its own --mg option and everything else from the model file"
            )
        from ..network import load_config
        from ..network.brian2_export import export_brian2

        cfg = load_config(model or "mgnet")
        path = export_brian2(out, cfg if n is None else cfg.replace(network={"N": n}))
    click.echo(f"wrote {path}")


COMMANDS = [export]
