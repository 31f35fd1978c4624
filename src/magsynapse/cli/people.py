"""People commands: ``cohort`` (a virtual cohort at baseline) and ``trial`` (in-silico
replicates of a design; ``trial power`` for power versus size)."""

from __future__ import annotations

import json

import click

from .options import check_out, finish, one_line_errors, out_option
from .paramtypes import Number, Values


class AgeRange(click.ParamType):
    """``LOW:HIGH`` in years.

    >>> AgeRange().convert("50:70", None, None)
    (50.0, 70.0)
    """

    name = "low:high"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        parts = str(value).split(":")
        try:
            lo, hi = (float(p) for p in parts)
        except ValueError:
            self.fail(f"{value!r}: give LOW:HIGH in years, e.g. 50:70", param, ctx)
        if not lo <= hi:
            self.fail(f"{value!r}: LOW must be <= HIGH", param, ctx)
        return lo, hi


def _seed_option(required: bool = True):
    return click.option("--seed", type=int, required=required, help="Root seed (an integer).")


def _design_option():
    return click.option(
        "--design",
        default=None,
        help="A built-in design (liu2016, hausenblas2024; 'template' to start one) or a TOML file.",
    )


def _scheduler_options(default: str):
    """``--scheduler`` (default ``default``) and ``--workers``."""

    def decorate(func):
        func = click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=2,
            show_default=True,
            help="Workers of the local dask cluster.",
        )(func)
        return click.option(
            "--scheduler",
            default=default,
            show_default=True,
            help="'local' (a dask LocalCluster), 'none' (this process) or tcp://HOST:PORT "
            "(dask sends pickled code and data: use only a cluster you trust).",
        )(func)

    return decorate


def _work_dir_option():
    return click.option(
        "--work-dir",
        type=click.Path(file_okay=False),
        default=None,
        help="Folder of finished chunks: a re-run with the same folder resumes.",
    )


@click.command("cohort")
@click.option("--n", "n", type=click.IntRange(min=2), required=True, help="People.")
@click.option("--age", type=AgeRange(), default="50:70", show_default=True, help="Ages (y).")
@click.option(
    "--female-fraction",
    type=Number(0, 1),
    default=0.5,
    show_default=True,
    help="Share of women.",
)
@_seed_option()
@_scheduler_options("none")
@out_option()
@one_line_errors
def cohort(n, age, female_fraction, seed, scheduler, workers, out, no_plot) -> None:
    """A virtual cohort at baseline: covariates, slow states, test scores, composite and
    brain age of N people (network readouts from the emulator)."""
    from ..people import cohort as run_cohort
    from ..people.plot import plot_cohort

    check_out(out)
    ds = run_cohort(
        n,
        age=age,
        seed=seed,
        female_fraction=female_fraction,
        scheduler=scheduler,
        workers=workers,
        progress=True,
    )
    if "brain_age" in ds:
        gap = ds.brain_age - ds.age
        click.echo(
            f"{n} people aged {age[0]:g}-{age[1]:g}: brain age - age {float(gap.median()):+.1f} y "
            f"(median), TMT-B {float(ds.score.sel(test='tmt_b').median()):.1f} s"
        )
    finish(ds, out, no_plot, plot_cohort)


def _trial_options(func):
    func = _seed_option(required=False)(func)
    func = click.option("--null", is_flag=True, help="Switch the supplement off (a null trial).")(
        func
    )
    func = click.option(
        "--replicates",
        type=click.IntRange(min=1),
        default=200,
        show_default=True,
        help="Trial replicates.",
    )(func)
    return _design_option()(func)


def _required(value, option: str):
    if value is None:
        raise click.BadParameter("is required", param_hint=f"'{option}'")
    return value


@click.group("trial", invoke_without_command=True)
@click.pass_context
@_trial_options
@click.option(
    "--n",
    "n",
    type=click.IntRange(min=4),
    default=None,
    help="People enrolled [default: the design's].",
)
@_scheduler_options("local")
@_work_dir_option()
@out_option(required=False)
@one_line_errors
def trial(
    ctx, design, replicates, null, seed, n, scheduler, workers, work_dir, out, no_plot
) -> None:
    """Replicates of a trial design, analysed as published: per person and visit the test
    scores, composite and brain age; per replicate d, its interval and p; the power and
    the predicted d beside the published one. 'trial power' gives power versus size."""
    if ctx.invoked_subcommand is not None:
        return
    from ..people import load_design, run_trial
    from ..people.plot import plot_trial

    d = load_design(_required(design, "--design"))
    seed = _required(seed, "--seed")
    check_out(_required(out, "--out"))
    if n is not None:
        d = d.with_size(n)
    ds = run_trial(
        d,
        replicates,
        seed=seed,
        effect=not null,
        scheduler=scheduler,
        workers=workers,
        work_dir=work_dir,
    )
    s = json.loads(ds.attrs["summary"])
    lo, hi = s["d_90"]
    click.echo(
        f"predicted d {s['d_median']:+.3f} (90 % {lo:+.3f} to {hi:+.3f}); power {s['power']:.2f}"
    )
    if "published_d" in s:
        inside = "inside" if s["published_inside_90"] else "outside"
        click.echo(f"published d {s['published_d']:+.2f}: {inside} the predicted 90 % interval")
    finish(ds, out, no_plot, plot_trial)


@trial.command("power")
@_trial_options
@click.option(
    "--n",
    "sizes",
    type=Values("count", positive=True),
    required=True,
    help="People enrolled, a list or a range, e.g. 20:200:20.",
)
@out_option()
@one_line_errors
def trial_power(design, replicates, null, seed, sizes, out, no_plot) -> None:
    """Power versus the number enrolled: replicates of the largest size, each analysed
    on its first n people."""
    from ..people import load_design, power_curve
    from ..people.plot import plot_power

    d = load_design(_required(design, "--design"))
    seed = _required(seed, "--seed")
    check_out(out)
    ds = power_curve(d, [int(s) for s in sizes], replicates, seed=seed, effect=not null)
    for n, p in zip(ds.n.values, ds.power.values, strict=True):
        click.echo(f"n = {int(n)}: power {float(p):.2f}")
    finish(ds, out, no_plot, plot_power)


COMMANDS = [cohort, trial]
