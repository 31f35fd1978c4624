"""Command-line interface: a thin layer over the library.

Every command parses its options (units accepted: ``1.2mM``, ``-60mV``; ranges
``start:stop:step`` inclusive; lists comma-separated), calls one library function, writes
the NetCDF result and, unless ``--no-plot``, a PNG beside it. Bad input exits with
status 2 and one line naming the option and the accepted values.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import click
import numpy as np

from .errors import MagsynapseError
from .units import parse_values


class Values(click.ParamType):
    """A list ``a,b,c`` or an inclusive range ``start:stop:step``, with optional units."""

    name = "values"

    def __init__(self, dimension: str, nonnegative: bool = False, positive: bool = False):
        self.dimension = dimension
        self.nonnegative = nonnegative
        self.positive = positive

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, np.ndarray):
            return value
        try:
            arr = parse_values(str(value), self.dimension)
        except MagsynapseError as exc:
            self.fail(str(exc), param, ctx)
        if self.nonnegative and np.any(arr < 0):
            self.fail(f"{value!r}: concentrations must be >= 0 mM", param, ctx)
        if self.positive and np.any(arr <= 0):
            self.fail(f"{value!r}: values must be > 0", param, ctx)
        return arr


class Name(click.ParamType):
    """A name from a registry, checked with a one-line list of accepted names."""

    name = "name"

    def __init__(self, choices: list[str]):
        self.choices = choices

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if value not in self.choices:
            self.fail(f"unknown {value!r}; accepted: {', '.join(self.choices)}", param, ctx)
        return value


def _registries() -> dict[str, list[str]]:
    from .body import SALTS
    from .receptors import BLOCK_MODELS, SUBUNITS
    from .synapse import BISTABLE_SETS, CALCIUM_MODELS, RULES

    return {
        "block": BLOCK_MODELS.names(),
        "subunit": list(SUBUNITS),
        "set": BISTABLE_SETS.names(),
        "calcium": CALCIUM_MODELS.names(),
        "rule": RULES.names(),
        "salt": SALTS.names(),
    }


_REG = _registries()


def _out_option(f):
    f = click.option("--no-plot", is_flag=True, help="Do not write the PNG figure.")(f)
    return click.option(
        "--out",
        "out",
        required=True,
        type=click.Path(dir_okay=False),
        help="Output NetCDF file (.nc).",
    )(f)


def _finish(ds, out: str, no_plot: bool, plotter) -> None:
    from .results import save

    path = save(ds, out)
    click.echo(f"wrote {path}")
    if not no_plot:
        fig = plotter(ds)
        png = path.with_suffix(".png")
        fig.savefig(png, dpi=120)
        click.echo(f"wrote {png}")


def _check_out(out: str) -> None:
    from .results import check_writable

    try:
        check_writable(out)
    except MagsynapseError as exc:
        raise click.BadParameter(str(exc), param_hint="'--out'") from None


def _synapse_options(f):
    f = click.option(
        "--block-model",
        type=Name(_REG["block"]),
        default="jahr_stevens_1990",
        show_default=True,
        help="Mg2+ block model.",
    )(f)
    f = click.option(
        "--mg",
        type=Values("concentration", nonnegative=True),
        default="1.0",
        show_default=True,
        help="[Mg]o values (mM): list or start:stop:step.",
    )(f)
    f = click.option(
        "--calcium",
        type=Name(_REG["calcium"]),
        default="linear",
        show_default=True,
        help="Calcium model.",
    )(f)
    f = click.option(
        "--set",
        "parameter_set",
        type=Name(_REG["set"]),
        default="DP",
        show_default=True,
        help="Bistable parameter set.",
    )(f)
    return click.option(
        "--rule",
        type=Name(_REG["rule"]),
        default="bistable",
        show_default=True,
        help="Plasticity rule.",
    )(f)


def _stochastic_options(f):
    f = click.option(
        "--seed", type=int, default=None, help="Root seed (required with --method stochastic)."
    )(f)
    f = click.option(
        "--reps",
        type=click.IntRange(min=1),
        default=1000,
        show_default=True,
        help="Synapses per initial state (stochastic).",
    )(f)
    return click.option(
        "--method",
        type=Name(["analytic", "stochastic"]),
        default="analytic",
        show_default=True,
        help="Bistable rule: analytic reduction or stochastic simulation.",
    )(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="magsynapse")
def cli() -> None:
    """magsynapse: how magnesium shapes what a synapse learns."""


@cli.command()
@click.option(
    "--model",
    type=Name(_REG["block"]),
    default="jahr_stevens_1990",
    show_default=True,
    help="Block model.",
)
@click.option("--subunit", type=Name(_REG["subunit"]), default="GluN2A", show_default=True)
@click.option(
    "--mg",
    type=Values("concentration", nonnegative=True),
    default="0.6:2.0:0.2",
    show_default=True,
    help="[Mg]o values (mM).",
)
@click.option(
    "--v",
    type=Values("voltage"),
    default="-100:40:1",
    show_default=True,
    help="Membrane potentials (mV).",
)
@_out_option
def block(model, subunit, mg, v, out, no_plot) -> None:
    """NMDA Mg2+ block curves B(V, [Mg]o)."""
    from .receptors import block_curves
    from .receptors.plot import plot_block

    _check_out(out)
    _finish(block_curves(mg, v, model, subunit), out, no_plot, plot_block)


@cli.command()
@_synapse_options
@click.option(
    "--dt",
    type=Values("time"),
    default="-100:100:5",
    show_default=True,
    help="Spike-timing differences t_post - t_pre (ms).",
)
@click.option("--pairs", type=click.IntRange(min=1), default=60, show_default=True)
@click.option(
    "--freq",
    type=Values("frequency", positive=True),
    default=None,
    help="Pairing frequency (Hz), one value or a list [default: 1].",
)
@_stochastic_options
@_out_option
def stdp(
    rule, parameter_set, calcium, mg, block_model, dt, pairs, freq, method, reps, seed, out, no_plot
) -> None:
    """STDP curve: relative synaptic change versus dt for each [Mg]o."""
    from .synapse import stdp as run
    from .synapse.plot import plot_change

    _check_out(out)
    freq_arg = 1.0 if freq is None else (float(freq[0]) if len(freq) == 1 else freq)
    ds = run(
        dt,
        pairs=pairs,
        freq=freq_arg,
        rule=rule,
        parameter_set=parameter_set,
        calcium=calcium,
        mg=mg,
        method=method,
        reps=reps,
        seed=seed,
        block_model=block_model,
        progress=True,
    )
    _finish(ds, out, no_plot, plot_change)


@cli.command()
@_synapse_options
@click.option(
    "--freq",
    type=Values("frequency", positive=True),
    default="0.5,1,2,3,5,10,20,50,100",
    show_default=True,
    help="Presynaptic frequencies (Hz).",
)
@click.option("--pulses", type=click.IntRange(min=1), default=900, show_default=True)
@click.option(
    "--epsp",
    type=click.FloatRange(min=0),
    default=None,
    help="EPSP peak (mV) of nmda_voltage calcium [default: 1; Shouval Fig. 3B: 10].",
)
@_stochastic_options
@_out_option
def frequency(
    rule,
    parameter_set,
    calcium,
    mg,
    block_model,
    freq,
    pulses,
    epsp,
    method,
    reps,
    seed,
    out,
    no_plot,
) -> None:
    """Frequency-response curve: change after presynaptic trains."""
    from .synapse import frequency as run
    from .synapse.plot import plot_change

    _check_out(out)
    overrides = None if epsp is None else {"epsp_amp": epsp}
    ds = run(
        freq,
        pulses=pulses,
        rule=rule,
        parameter_set=parameter_set,
        calcium=calcium,
        mg=mg,
        method=method,
        reps=reps,
        seed=seed,
        block_model=block_model,
        calcium_overrides=overrides,
        progress=True,
    )
    _finish(ds, out, no_plot, plot_change)


@cli.command()
@click.option(
    "--hold",
    type=Values("voltage"),
    default="-80:-10:1",
    show_default=True,
    help="Holding potentials (mV).",
)
@click.option("--pulses", type=click.IntRange(min=1), default=100, show_default=True)
@click.option(
    "--freq",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Presynaptic frequency (Hz).",
)
@click.option("--rule", type=Name(_REG["rule"]), default="omega_eta", show_default=True)
@click.option(
    "--set",
    "parameter_set",
    type=Name(_REG["set"]),
    default="DP_nmda",
    show_default=True,
    help="Bistable set (bistable rule only).",
)
@click.option("--calcium", type=Name(_REG["calcium"]), default="nmda_voltage", show_default=True)
@click.option(
    "--mg", type=Values("concentration", nonnegative=True), default="1.0", show_default=True
)
@click.option(
    "--block-model", type=Name(_REG["block"]), default="jahr_stevens_1990", show_default=True
)
@_out_option
def pairing(
    hold, pulses, freq, rule, parameter_set, calcium, mg, block_model, out, no_plot
) -> None:
    """Pairing with a holding potential (Shouval 2002 Fig. 3A)."""
    from .synapse import pairing as run
    from .synapse.plot import plot_change

    _check_out(out)
    ds = run(
        hold,
        pulses=pulses,
        freq=freq,
        rule=rule,
        parameter_set=parameter_set,
        calcium=calcium,
        mg=mg,
        block_model=block_model,
    )
    _finish(ds, out, no_plot, plot_change)


@cli.command()
@click.option(
    "--mg", type=Values("concentration", nonnegative=True), default="0.4:2.0:0.1", show_default=True
)
@click.option(
    "--dt",
    type=float,
    default=10.0,
    show_default=True,
    help="Delay of the postsynaptic spike in correlated activity (ms).",
)
@click.option("--calcium", type=Name(_REG["calcium"]), default="nmda_voltage", show_default=True)
@click.option(
    "--block-model", type=Name(_REG["block"]), default="jahr_stevens_1990", show_default=True
)
@_out_option
def snr(mg, dt, calcium, block_model, out, no_plot) -> None:
    """Synaptic calcium signal-to-noise versus [Mg]o (Slutsky et al. 2004)."""
    from .synapse import snr as run
    from .synapse.plot import plot_snr

    _check_out(out)
    _finish(run(mg, dt=dt, calcium=calcium, block_model=block_model), out, no_plot, plot_snr)


@cli.command()
@click.argument("result", type=click.Path(dir_okay=False))
def cite(result: str) -> None:
    """Print the references of every parameter and model RESULT used."""
    from .results import citations, load

    for key, text in citations(load(result)).items():
        click.echo(f"[{key}] {text}")


@cli.group()
def calibrate() -> None:
    """Fit parameter sets and print their residuals."""


@calibrate.command("dp-nmda")
@click.option("--write", is_flag=True, help="Overwrite the shipped DP_nmda parameter file.")
def calibrate_dp_nmda(write: bool) -> None:
    """Fit DP_nmda: the bistable rule on nmda_voltage calcium, DP shape at 1 mM."""
    from .synapse.calibrate import calibrate_dp_nmda as fit
    from .synapse.calibrate import write as write_set

    result = fit()
    click.echo(result.table())
    if write:
        click.echo(f"wrote {write_set(result)}")


# --------------------------------------------------------------------------- pk
def _pk_species(f):
    return click.option(
        "--species", type=Name(["human", "rat"]), default="human", show_default=True
    )(f)


def _samples_options(f):
    f = click.option(
        "--seed",
        type=int,
        default=None,
        help="Root seed of the parameter draws (required with --samples).",
    )(f)
    return click.option(
        "--samples",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help="Draw N parameter sets from their priors: median and 5-95 % band.",
    )(f)


def _regimen(species: str, salt: str | None, **kwargs):
    """A regimen for ``species`` (doses per kg use its body weight)."""
    from .body import make_regimen, pk_parameters

    return make_regimen(salt, weight_kg=pk_parameters(species)["weight"], **kwargs)


def _print_summary(ds) -> None:
    last = ds.isel(time=-1)
    for name in ("serum_total", "csf", "mg_o", "mg_i"):
        if f"{name}_band" in last:
            q = last[f"{name}_band"].values
            click.echo(f"{name} at the end: {q[1]:.4f} mM (5-95 %: {q[0]:.4f}-{q[2]:.4f})")
        elif name in last:
            click.echo(f"{name} at the end: {float(last[name]):.4f} mM")


@cli.group(invoke_without_command=True)
@_pk_species
@click.option("--salt", type=Name(_REG["salt"]), default=None, help="Salt form.")
@click.option("--dose", default=None, help="Mass of the salt: 2g/day, 25mg/kg/day, 1080mg.")
@click.option("--dose-elemental", default=None, help="Elemental Mg: 144mg/day, 6mmol.")
@click.option("--schedule", type=Name(["once", "daily", "bid"]), default="daily", show_default=True)
@click.option(
    "--days",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Simulated days (the observation time for --schedule once).",
)
@click.option("--start-day", type=click.FloatRange(min=0), default=0.0, show_default=True)
@click.option("--stop-day", type=click.FloatRange(min=0), default=None)
@click.option("--without-meal", is_flag=True, help="Doses taken fasted.")
@click.option("--no-diet", is_flag=True, help="No background dietary Mg.")
@click.option(
    "--step", type=click.FloatRange(min=0, min_open=True), default=None, help="Output spacing (h)."
)
@_samples_options
@click.option(
    "--out", "out", type=click.Path(dir_okay=False), default=None, help="Output NetCDF file (.nc)."
)
@click.option("--no-plot", is_flag=True, help="Do not write the PNG figure.")
@click.pass_context
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
    from .body import simulate
    from .body.plot import plot_pk

    if out is None:
        raise click.UsageError("Missing option '--out'.")
    _check_out(out)
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
    _finish(ds, out, no_plot, plot_pk)


@pk.command("barrier")
@_pk_species
@click.option(
    "--plasma-factor",
    type=click.FloatRange(min=0, min_open=True),
    default=3.5,
    show_default=True,
    help="Plasma Mg held at this multiple of baseline.",
)
@click.option(
    "--hours", type=click.FloatRange(min=0, min_open=True), default=6.0, show_default=True
)
@_samples_options
@_out_option
def pk_barrier(species, plasma_factor, hours, samples, seed, out, no_plot) -> None:
    """Plasma-clamp protocol: CSF Mg while plasma Mg is held high (Oppelt et al.)."""
    from .body import barrier
    from .body.plot import plot_barrier

    _check_out(out)
    ds = barrier(species, plasma_factor=plasma_factor, hours=hours, samples=samples, seed=seed)
    rel = float(ds.csf.isel(time=-1).median() / ds.csf.isel(time=0).median() - 1)
    click.echo(f"CSF change after {hours:g} h: {100 * rel:+.1f} %")
    _finish(ds, out, no_plot, plot_barrier)


@pk.command("compare")
@click.option("--salts", required=True, help="Comma-separated salt forms.")
@click.option("--dose-elemental", required=True, help="Elemental Mg, e.g. 300mg/day.")
@click.option("--days", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True)
@click.option("--schedule", type=Name(["once", "daily", "bid"]), default="daily", show_default=True)
@_pk_species
@_samples_options
@_out_option
def pk_compare(salts, dose_elemental, days, schedule, species, samples, seed, out, no_plot) -> None:
    """The same elemental dose as several salts."""
    from .body import compare
    from .body.plot import plot_pk

    _check_out(out)
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
    _finish(ds, out, no_plot, plot_pk)


@pk.command("calibrate")
@_pk_species
@click.option("--write", is_flag=True, help="Overwrite the shipped fitted values.")
@click.option(
    "--check", is_flag=True, help="Print the residual table of the shipped values without fitting."
)
def pk_calibrate(species, write, check) -> None:
    """Fit the PK parameters to published data and print the residual table."""
    from .body import calibrate as cal

    if species == "human":
        result = cal.evaluate() if check else cal.calibrate()
        if write and not check:
            click.echo(f"wrote {cal.write(result)}")
    else:
        result = cal.evaluate_rat() if check else cal.calibrate_rat()
        if write and not check:
            click.echo(f"wrote {cal.write_rat(result)}")
    click.echo(result.table())


@pk.command("export-sbml")
@_pk_species
@click.option("--salt", type=Name(_REG["salt"]), default=None)
@click.option("--dose", default=None)
@click.option("--dose-elemental", default=None)
@click.option("--schedule", type=Name(["once", "daily", "bid"]), default="daily", show_default=True)
@click.option(
    "--days",
    type=click.FloatRange(min=0, min_open=True),
    default=7.0,
    show_default=True,
    help="Days of dose and meal events written.",
)
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False), help="Output SBML file (.xml)."
)
def pk_export_sbml(species, salt, dose, dose_elemental, schedule, days, out) -> None:
    """Write the model (baseline state, parameters, a regimen's events) as SBML."""
    from .body.sbml import export_sbml

    _check_out(out)
    reg = _regimen(
        species, salt, dose=dose, dose_elemental=dose_elemental, schedule=schedule, days=days
    )
    click.echo(f"wrote {export_sbml(reg, out, species)}")


# --------------------------------------------------------------------------- network
@cli.group()
def network() -> None:
    """Spiking networks with Mg2+-gated NMDA and calcium-based plasticity."""


def _network_config(model: str, n: int | None):
    from .network import load_config

    cfg = load_config(model)
    return cfg if n is None else cfg.replace(network={"N": n})


@network.command("run")
@click.option(
    "--model",
    default="mgnet",
    show_default=True,
    help="Built-in network (mgnet, mgnet_adex, mgnet_memory) or a TOML file.",
)
@click.option(
    "--N",
    "n",
    type=click.IntRange(min=2),
    default=None,
    help="Number of neurons [default: the model's].",
)
@click.option(
    "--mg",
    type=Values("concentration", nonnegative=True),
    default=None,
    help="[Mg]o (mM), one value or a list [default: the model's].",
)
@click.option(
    "--T",
    "t",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Simulated time (s).",
)
@click.option("--seed", default="1", show_default=True, help="Seed or comma-separated seeds.")
@_out_option
def network_run(model, n, mg, t, seed, out, no_plot) -> None:
    """Simulate a network (batched over --mg and --seed lists)."""
    from .network import simulate_network
    from .network.plot import plot_network

    _check_out(out)
    seeds = _seeds(seed)
    cfg = _network_config(model, n)
    mg_arg = None if mg is None else (float(mg[0]) if len(mg) == 1 else mg)
    ds = simulate_network(cfg, mg=mg_arg, seed=seeds[0] if len(seeds) == 1 else seeds, T=t)
    click.echo(
        f"rate_E {ds.rate_E.values} Hz, rate_I {ds.rate_I.values} Hz, rho_mean {ds.rho_mean.values}"
    )
    _finish(ds, out, no_plot, plot_network)


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(s) for s in str(text).split(",") if s.strip()]
    except ValueError:
        raise click.BadParameter(f"{text!r}: give integers", param_hint="'--seed'") from None
    if not seeds or any(s < 0 for s in seeds):
        raise click.BadParameter(f"{text!r}: give integers >= 0", param_hint="'--seed'")
    return seeds


@network.command("sweep")
@click.option("--model", default="mgnet", show_default=True)
@click.option("--N", "n", type=click.IntRange(min=2), default=None)
@click.option(
    "--mg", type=Values("concentration", nonnegative=True), required=True, help="[Mg]o values (mM)."
)
@click.option(
    "--seeds",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Number of seeds (1..N).",
)
@click.option(
    "--T", "t", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True
)
@click.option(
    "--scheduler",
    default="local",
    show_default=True,
    help="local, or the address of a dask scheduler (tcp://HOST:PORT).",
)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    help="Output folder (task files and sweep.nc).",
)
def network_sweep(model, n, mg, seeds, t, scheduler, workers, out) -> None:
    """One dask task per (mg, seed); finished tasks are kept, re-runs skip them."""
    from .network import run_sweep

    path = run_sweep(
        _network_config(model, n),
        mg,
        range(1, seeds + 1),
        out,
        T=t,
        scheduler=scheduler,
        workers=workers,
    )
    click.echo(f"wrote {path}")


#: The phenomena of ``network phenomena``: (model, default [Mg]o list, function, plotter)
_PHENOMENA = {
    "seizures": (
        "mgnet_adex",
        "0,0.1,0.2,0.5,1,2",
        "hyperexcitability",
        "plot_hyperexcitability",
    ),
    "memory": ("mgnet_memory", "0.6,0.8,1,1.5,2", "memory", "plot_memory"),
    "snr": ("mgnet_memory", "0.3,0.5,0.7,1,1.5,2", "signal_to_noise", "plot_signal_to_noise"),
}


@network.command("phenomena")
@click.argument("kind", type=click.Choice(sorted(_PHENOMENA)))
@click.option("--model", default=None, help="Network [default: the experiment's own model].")
@click.option(
    "--mg",
    type=Values("concentration", nonnegative=True),
    default=None,
    help="[Mg]o values (mM) [default: the experiment's list].",
)
@click.option("--seed", default="1", show_default=True, help="Seed or comma-separated seeds.")
@_out_option
def network_phenomena(kind, model, mg, seed, out, no_plot) -> None:
    """Run one network experiment over [Mg]o: seizures (low-Mg events, synchrony,
    excitotoxic load), memory (assembly encoding, recall, persistent activity) or snr
    (synaptic calcium from correlated input against background)."""
    from .network import load_config
    from .network import phenomena as ph
    from .network import plot as net_plot

    _check_out(out)
    default_model, default_mg, func, plotter = _PHENOMENA[kind]
    mg_values = [float(m) for m in default_mg.split(",")] if mg is None else list(mg)
    ds = getattr(ph, func)(load_config(model or default_model), mg=mg_values, seeds=_seeds(seed))
    _finish(ds, out, no_plot, getattr(net_plot, plotter))


@cli.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default="out",
    show_default=True,
    help="Output folder.",
)
@click.option("--seed", type=int, default=20261127, show_default=True)
def study(out: str, seed: int) -> None:
    """Run the default study and write OUT/report.html with its data."""
    from .study import run_study

    report = run_study(Path(out), seed=seed)
    click.echo(f"wrote {report}")


def _warn_one_line(message, category, filename, lineno, file=None, line=None) -> None:
    click.echo(f"magsynapse: warning: {message}", err=True)


def _one_line(exc: click.ClickException) -> str:
    """The error as one line that names the option."""
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter):
        if exc.param is not None and getattr(exc.param, "opts", None):
            name = exc.param.opts[0]
        else:
            name = str(exc.param_hint or "").strip("'")
        return f"{name}: {exc.message}" if name else exc.message
    return " ".join(exc.format_message().split())


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning every user error into one line and status 2."""
    warnings.showwarning = _warn_one_line
    try:
        cli.main(args=argv, prog_name="magsynapse", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("magsynapse: aborted", err=True)
        return 1
    except click.ClickException as exc:
        click.echo(f"magsynapse: error: {_one_line(exc)}", err=True)
        return 2
    except MagsynapseError as exc:
        click.echo(f"magsynapse: error: {exc}", err=True)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
