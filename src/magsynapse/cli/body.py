"""Pharmacokinetics commands: ``pk`` and its ``barrier``, ``compare``, ``calibrate``,
``export-sbml``."""

from __future__ import annotations

import click

from .options import (
    calibration_out_option,
    check_out,
    days_option,
    dose_elemental_option,
    dose_options,
    finish,
    one_line_errors,
    out_option,
    salt_option,
    samples_options,
    schedule_option,
    species_option,
)
from .paramtypes import Number


def _regimen(species: str, salt: str | None, **kwargs):
    """A regimen for ``species`` (doses per kg use its body weight)."""
    from ..body import make_regimen, pk_parameters

    return make_regimen(salt, weight_kg=pk_parameters(species)["weight"], **kwargs)


def _print_summary(ds) -> None:
    last = ds.isel(time=-1)
    for name in ("serum_total", "csf", "mg_o", "mg_i"):
        if f"{name}_band" in last:
            q = last[f"{name}_band"].values
            click.echo(f"{name} at the end: {q[1]:.4f} mM (5-95 %: {q[0]:.4f}-{q[2]:.4f})")
        elif name in last:
            click.echo(f"{name} at the end: {float(last[name]):.4f} mM")


@click.group(invoke_without_command=True)
@species_option()
@salt_option()
@dose_options()
@schedule_option()
@days_option(help="Simulated days (the observation time for --schedule once).")
@click.option("--start-day", type=Number(min=0), default=0.0, show_default=True)
@click.option("--stop-day", type=Number(min=0), default=None)
@click.option("--without-meal", is_flag=True, help="Doses taken fasted.")
@click.option("--no-diet", is_flag=True, help="No background dietary Mg.")
@click.option("--step", type=Number(min=0, min_open=True), default=None, help="Output spacing (h).")
@samples_options()
@out_option(required=False)
@click.pass_context
@one_line_errors
def pk(
    ctx,
    species,
    salt,
    dose,
    dose_elemental,
    schedule,
    days,
    start_day,
    stop_day,
    without_meal,
    no_diet,
    step,
    samples,
    seed,
    out,
    no_plot,
) -> None:
    """Magnesium pharmacokinetics: a regimen from dose to CSF and neuron."""
    if ctx.invoked_subcommand is not None:
        return
    from ..body import simulate
    from ..body.plot import plot_pk

    if out is None:
        raise click.UsageError("Missing option '--out'.")
    check_out(out)
    reg = _regimen(
        species,
        salt,
        dose=dose,
        dose_elemental=dose_elemental,
        schedule=schedule,
        days=days,
        start_day=start_day,
        stop_day=stop_day,
        with_meal=not without_meal,
        diet=not no_diet,
    )
    ds = simulate(reg, species, samples=samples, seed=seed, step_h=step)
    _print_summary(ds)
    finish(ds, out, no_plot, plot_pk)


@pk.command("barrier")
@species_option()
@click.option(
    "--plasma-factor",
    type=Number(min=0, min_open=True),
    default=3.5,
    show_default=True,
    help="Plasma Mg held at this multiple of baseline.",
)
@click.option("--hours", type=Number(min=0, min_open=True), default=6.0, show_default=True)
@samples_options()
@out_option()
@one_line_errors
def pk_barrier(species, plasma_factor, hours, samples, seed, out, no_plot) -> None:
    """Plasma-clamp protocol: CSF Mg while plasma Mg is held high (Oppelt et al.)."""
    from ..body import barrier
    from ..body.plot import plot_barrier

    check_out(out)
    ds = barrier(species, plasma_factor=plasma_factor, hours=hours, samples=samples, seed=seed)
    rel = float(ds.csf.isel(time=-1).median() / ds.csf.isel(time=0).median() - 1)
    click.echo(f"CSF change after {hours:g} h: {100 * rel:+.1f} %")
    finish(ds, out, no_plot, plot_barrier)


@pk.command("compare")
@click.option("--salts", required=True, help="Comma-separated salt forms.")
@dose_elemental_option(required=True, help="Elemental Mg, e.g. 300mg/day.")
@days_option()
@schedule_option()
@species_option()
@samples_options()
@out_option()
@one_line_errors
def pk_compare(salts, dose_elemental, days, schedule, species, samples, seed, out, no_plot) -> None:
    """The same elemental dose as several salts."""
    from ..body import compare
    from ..body.plot import plot_pk

    check_out(out)
    names = [s.strip() for s in salts.split(",") if s.strip()]
    ds = compare(
        names,
        dose_elemental=dose_elemental,
        days=days,
        schedule=schedule,
        species=species,
        samples=samples,
        seed=seed,
    )
    for name in names:
        absorbed = ds.sel(salt=name).absorbed_cum.isel(time=-1)
        value = float(absorbed.median()) if samples else float(absorbed)
        click.echo(f"{name}: absorbed {value:.3f} mmol by day {days:g}")
    finish(ds, out, no_plot, plot_pk)


@pk.command("calibrate")
@species_option()
@calibration_out_option(".json", "Write the fitted values (JSON, as the shipped file) here.")
@click.option(
    "--check", is_flag=True, help="Print the residual table of the shipped values without fitting."
)
@one_line_errors
def pk_calibrate(species, out, check) -> None:
    """Fit the PK parameters to published data and print the residual table."""
    from ..body import calibrate as cal

    if species == "human":
        result = cal.evaluate() if check else cal.calibrate()
        if out and not check:
            click.echo(f"wrote {cal.write(result, out)}")
    else:
        result = cal.evaluate_rat() if check else cal.calibrate_rat()
        if out and not check:
            click.echo(f"wrote {cal.write_rat(result, out)}")
    click.echo(result.table())


@pk.command("export-sbml")
@species_option()
@salt_option()
@dose_options()
@schedule_option()
@days_option(7.0, help="Days of dose and meal events written.")
@out_option(help="Output SBML file (.xml).", plot=False)
@one_line_errors
def pk_export_sbml(species, salt, dose, dose_elemental, schedule, days, out) -> None:
    """Write the model (baseline state, parameters, a regimen's events) as SBML."""
    from ..body.sbml import export_sbml

    check_out(out, suffix=".xml")
    reg = _regimen(
        species, salt, dose=dose, dose_elemental=dose_elemental, schedule=schedule, days=days
    )
    click.echo(f"wrote {export_sbml(reg, out, species)}")


@pk.command("export-omex")
@species_option()
@salt_option()
@dose_options()
@schedule_option()
@days_option(7.0, help="Days of the regimen simulated.")
@click.option(
    "--step",
    type=Number(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Output spacing of the simulation (h); it must divide the regimen's hours.",
)
@out_option(help="Output COMBINE archive (.omex).", plot=False)
@one_line_errors
def pk_export_omex(species, salt, dose, dose_elemental, schedule, days, step, out) -> None:
    """Write a COMBINE archive: the SBML model and a SED-ML simulation of the regimen
    (run it with any SED-ML tool, e.g. tellurium)."""
    from ..body.sbml import export_omex

    check_out(out, suffix=".omex")
    reg = _regimen(
        species, salt, dose=dose, dose_elemental=dose_elemental, schedule=schedule, days=days
    )
    click.echo(f"wrote {export_omex(reg, out, species, step_h=step)}")


#: The commands of this module, added to the top-level group.
COMMANDS = [pk]
