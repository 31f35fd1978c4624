"""The study, its references and the calibrations: ``study``, ``cite``, ``calibrate``."""

from __future__ import annotations

from pathlib import Path

import click

from .options import one_line_errors, out_option, seed_option, write_option


@click.command()
@out_option(help="Output folder.", required=False, folder=True, default="out", plot=False)
@seed_option(default=20261127, show_default=True)
@one_line_errors
def study(out: str, seed: int) -> None:
    """Run the default study and write OUT/report.html with its data."""
    from ..study import run_study

    report = run_study(Path(out), seed=seed)
    click.echo(f"wrote {report}")


@click.command()
@click.argument("result", type=click.Path(dir_okay=False))
@one_line_errors
def cite(result: str) -> None:
    """Print the references of every parameter and model RESULT used."""
    from ..results import citations, load

    for key, text in citations(load(result)).items():
        click.echo(f"[{key}] {text}")


@click.group()
def calibrate() -> None:
    """Fit parameter sets and print their residuals."""


@calibrate.command("dp-nmda")
@write_option("Overwrite the shipped DP_nmda parameter file.")
@one_line_errors
def calibrate_dp_nmda(write: bool) -> None:
    """Fit DP_nmda: the bistable rule on nmda_voltage calcium, DP shape at 1 mM."""
    from ..synapse.calibrate import calibrate_dp_nmda as fit
    from ..synapse.calibrate import write as write_set

    result = fit()
    click.echo(result.table())
    if write:
        click.echo(f"wrote {write_set(result)}")


@calibrate.command("emulator")
@write_option("Ship the fitted design with the package (network/data/emulators).")
@one_line_errors
def calibrate_emulator(write: bool) -> None:
    """Fit the people emulator of the network readouts (64 points x 8 networks, minutes)
    and print its residual SD and its error against fresh network runs."""
    from ..network.emulator import validate
    from ..people.mechanism import default_emulator, ship_emulator

    em = default_emulator()
    v = validate(em, points=16, seeds=(101,))
    for name in ("recall", "rho_inside", "log_snr"):
        click.echo(
            f"{name}: residual SD {float(v[f'residual_sd_{name}']):.3f}, "
            f"RMSE against fresh runs {float(v[f'rmse_{name}']):.3f}"
        )
    if write:
        click.echo(f"wrote {ship_emulator(em)}")


#: The commands of this module, added to the top-level group.
COMMANDS = [study, cite, calibrate]
