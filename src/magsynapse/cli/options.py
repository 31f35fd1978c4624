"""Option factories: each option's flag, help, default and unit parsing in one place.

Every factory returns a click decorator. Options that travel together (the synapse model,
the stochastic method, the output file) come as one decorator; their order in ``--help``
is the order they are listed in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..errors import MagsynapseError
from .paramtypes import REGISTRIES, SCHEDULES, Name, Number, Seed, Seeds, Values

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class LibraryError(click.ClickException):
    """A :class:`MagsynapseError` from the library, shown as one line with status 2."""

    exit_code = 2


def one_line_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's :class:`MagsynapseError` into a one-line CLI error (status 2).

    Examples
    --------
    >>> @one_line_errors
    ... def bad():
    ...     raise MagsynapseError("mg: must be >= 0 mM")
    >>> try:
    ...     bad()
    ... except click.ClickException as exc:
    ...     print(exc.exit_code, exc.message)
    2 mg: must be >= 0 mM
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MagsynapseError as exc:
            raise LibraryError(str(exc)) from None

    return wrapper


def options(*decorators: Decorator) -> Decorator:
    """Several option decorators as one, listed in ``--help`` in the order given.

    Examples
    --------
    >>> cmd = click.command()(options(seed_option(), pulses_option(5))(lambda **kw: print(kw)))
    >>> cmd(["--seed", "3"], standalone_mode=False)
    {'seed': 3, 'pulses': 5}
    """

    def apply(func: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


def _default(value: Any) -> dict[str, Any]:
    """``default=value``, left out for none: click takes an explicit ``None`` as given."""
    return {} if value is None else {"default": value}


def mg_option(
    default: str | None = "1.0",
    help: str = "[Mg]o values (mM): list or start:stop:step.",
    required: bool = False,
) -> Decorator:
    """``--mg``: extracellular Mg2+ concentrations (mM, units accepted), never negative.

    Examples
    --------
    >>> cmd = click.command()(mg_option()(lambda mg: print(mg.tolist())))
    >>> cmd(["--mg", "0.5:1.0:0.25mM"], standalone_mode=False)
    [0.5, 0.75, 1.0]
    """
    return click.option(
        "--mg",
        type=Values("concentration", nonnegative=True),
        required=required,
        **_default(default),
        show_default=True,
        help=help,
    )


def rule_option(default: str = "bistable", help: str = "Plasticity rule.") -> Decorator:
    """``--rule``: a plasticity rule by name.

    Examples
    --------
    >>> cmd = click.command()(rule_option()(lambda rule: print(rule)))
    >>> cmd([], standalone_mode=False)
    bistable
    """
    return click.option(
        "--rule", type=Name(REGISTRIES["rule"]), default=default, show_default=True, help=help
    )


def parameter_set_option(default: str = "DP", help: str = "Bistable parameter set.") -> Decorator:
    """``--set``: a bistable parameter set, passed as ``parameter_set``.

    Examples
    --------
    >>> cmd = click.command()(parameter_set_option()(lambda parameter_set: print(parameter_set)))
    >>> cmd(["--set", "DP_nmda"], standalone_mode=False)
    DP_nmda
    """
    return click.option(
        "--set",
        "parameter_set",
        type=Name(REGISTRIES["set"]),
        default=default,
        show_default=True,
        help=help,
    )


def calcium_option(default: str = "linear", help: str = "Calcium model.") -> Decorator:
    """``--calcium``: a spine calcium model by name.

    Examples
    --------
    >>> cmd = click.command()(calcium_option()(lambda calcium: print(calcium)))
    >>> cmd(["--calcium", "nmda_voltage"], standalone_mode=False)
    nmda_voltage
    """
    return click.option(
        "--calcium",
        type=Name(REGISTRIES["calcium"]),
        default=default,
        show_default=True,
        help=help,
    )


def block_model_option(*decls: str, help: str = "Mg2+ block model.") -> Decorator:
    """``--block-model`` (or the flags ``decls``): an NMDA Mg2+ block model by name.

    Examples
    --------
    >>> cmd = click.command()(block_model_option("--model", "model")(lambda model: print(model)))
    >>> cmd([], standalone_mode=False)
    jahr_stevens_1990
    """
    return click.option(
        *(decls or ("--block-model",)),
        type=Name(REGISTRIES["block"]),
        default="jahr_stevens_1990",
        show_default=True,
        help=help,
    )


def synapse_options(
    rule: str = "bistable",
    parameter_set: str = "DP",
    calcium: str = "linear",
    set_help: str = "Bistable parameter set.",
) -> Decorator:
    """The synapse model: ``--rule``, ``--set``, ``--calcium``, ``--mg``, ``--block-model``.

    Examples
    --------
    >>> cmd = click.command()(synapse_options()(lambda **kw: print(sorted(kw))))
    >>> cmd([], standalone_mode=False)
    ['block_model', 'calcium', 'mg', 'parameter_set', 'rule']
    """
    return options(
        rule_option(rule),
        parameter_set_option(parameter_set, help=set_help),
        calcium_option(calcium),
        mg_option(),
        block_model_option(),
    )


def seed_option(
    default: int | None = None, help: str | None = None, show_default: bool = False
) -> Decorator:
    """``--seed``: one integer root seed.

    Examples
    --------
    >>> cmd = click.command()(seed_option(default=7)(lambda seed: print(seed)))
    >>> cmd([], standalone_mode=False)
    7
    """
    return click.option(
        "--seed", type=Seed(), default=default, show_default=show_default, help=help
    )


def seeds_option() -> Decorator:
    """``--seed``: a seed or comma-separated seeds, as a list of integers.

    Examples
    --------
    >>> cmd = click.command()(seeds_option()(lambda seed: print(seed)))
    >>> cmd(["--seed", "1,2"], standalone_mode=False)
    [1, 2]
    """
    return click.option(
        "--seed",
        type=Seeds(),
        default="1",
        show_default=True,
        help="Seed or comma-separated seeds.",
    )


def stochastic_options() -> Decorator:
    """``--method``, ``--reps`` and ``--seed`` of the bistable rule.

    Examples
    --------
    >>> cmd = click.command()(stochastic_options()(lambda **kw: print(kw)))
    >>> cmd([], standalone_mode=False)
    {'method': 'analytic', 'reps': 1000, 'seed': None}
    """
    return options(
        click.option(
            "--method",
            type=Name(["analytic", "stochastic"]),
            default="analytic",
            show_default=True,
            help="Bistable rule: analytic reduction or stochastic simulation.",
        ),
        click.option(
            "--reps",
            type=click.IntRange(min=1),
            default=1000,
            show_default=True,
            help="Synapses per initial state (stochastic).",
        ),
        seed_option(help="Root seed (required with --method stochastic)."),
    )


def pulses_option(default: int) -> Decorator:
    """``--pulses``: the number of presynaptic pulses (>= 1).

    Examples
    --------
    >>> cmd = click.command()(pulses_option(100)(lambda pulses: print(pulses)))
    >>> cmd([], standalone_mode=False)
    100
    """
    return click.option("--pulses", type=click.IntRange(min=1), default=default, show_default=True)


def out_option(
    help: str = "Output NetCDF file (.nc).",
    required: bool = True,
    folder: bool = False,
    default: str | None = None,
    plot: bool = True,
) -> Decorator:
    """``--out`` (a file, or a folder with ``folder=True``) and, with ``plot``, ``--no-plot``.

    Examples
    --------
    >>> cmd = click.command()(out_option()(lambda out, no_plot: print(out, no_plot)))
    >>> cmd(["--out", "r.nc", "--no-plot"], standalone_mode=False)
    r.nc True
    """
    path = click.Path(file_okay=False) if folder else click.Path(dir_okay=False)
    out = click.option(
        "--out",
        "out",
        required=required,
        type=path,
        show_default=default is not None,
        **_default(default),
        help=help,
    )
    if not plot:
        return out
    return options(
        out, click.option("--no-plot", is_flag=True, help="Do not write the PNG figure.")
    )


def calibration_out_option(suffix: str, help: str) -> Decorator:
    """``--out``: where a calibration writes its fitted values (a ``suffix`` file checked
    by :func:`check_out`), never inside the installed package.

    Examples
    --------
    >>> cmd = click.command()(calibration_out_option(".json", "Fit.")(lambda out: print(out)))
    >>> cmd([], standalone_mode=False)
    None
    """

    def check(ctx: click.Context, param: click.Parameter, value: str | None):
        if value is None:
            return None
        import magsynapse

        package = Path(magsynapse.__file__).resolve().parent
        target = Path(value).expanduser().resolve()
        if target == package or package in target.parents:
            raise click.BadParameter(
                f"{value!r} lies inside the installed package; write it elsewhere (to ship "
                "a calibration, copy the file into the source tree: docs/models.md)",
                param=param,
            )
        check_out(value, suffix)
        return value

    return click.option("--out", default=None, callback=check, help=help)


def species_option() -> Decorator:
    """``--species``: human or rat.

    Examples
    --------
    >>> cmd = click.command()(species_option()(lambda species: print(species)))
    >>> cmd([], standalone_mode=False)
    human
    """
    return click.option(
        "--species", type=Name(["human", "rat"]), default="human", show_default=True
    )


def samples_options() -> Decorator:
    """``--samples`` (parameter draws from their priors) and ``--seed`` of the draws.

    Examples
    --------
    >>> cmd = click.command()(samples_options()(lambda **kw: print(kw)))
    >>> cmd(["--samples", "4", "--seed", "1"], standalone_mode=False)
    {'samples': 4, 'seed': 1}
    """
    return options(
        click.option(
            "--samples",
            type=click.IntRange(min=0),
            default=0,
            show_default=True,
            help="Draw N parameter sets from their priors: median and 5-95 % band.",
        ),
        seed_option(help="Root seed of the parameter draws (required with --samples)."),
    )


def salt_option(help: str = "Salt form.") -> Decorator:
    """``--salt``: a magnesium salt form by name (none by default).

    Examples
    --------
    >>> cmd = click.command()(salt_option()(lambda salt: print(salt)))
    >>> cmd(["--salt", "citrate"], standalone_mode=False)
    citrate
    """
    return click.option("--salt", type=Name(REGISTRIES["salt"]), default=None, help=help)


def dose_options() -> Decorator:
    """``--dose`` (salt mass) and ``--dose-elemental`` (elemental Mg), both with units.

    Examples
    --------
    >>> cmd = click.command()(dose_options()(lambda **kw: print(kw)))
    >>> cmd(["--dose", "2g/day"], standalone_mode=False)
    {'dose': '2g/day', 'dose_elemental': None}
    """
    return options(
        click.option("--dose", default=None, help="Mass of the salt: 2g/day, 25mg/kg/day, 1080mg."),
        dose_elemental_option(),
    )


def dose_elemental_option(
    required: bool = False, help: str = "Elemental Mg: 144mg/day, 6mmol."
) -> Decorator:
    """``--dose-elemental``: a dose of elemental Mg with units.

    Examples
    --------
    >>> cmd = click.command()(dose_elemental_option()(lambda dose_elemental: print(dose_elemental)))
    >>> cmd(["--dose-elemental", "6mmol"], standalone_mode=False)
    6mmol
    """
    return click.option("--dose-elemental", required=required, help=help)


def schedule_option() -> Decorator:
    """``--schedule``: once, daily or bid (twice a day).

    Examples
    --------
    >>> cmd = click.command()(schedule_option()(lambda schedule: print(schedule)))
    >>> cmd([], standalone_mode=False)
    daily
    """
    return click.option("--schedule", type=Name(SCHEDULES), default="daily", show_default=True)


def days_option(default: float = 1.0, help: str | None = None) -> Decorator:
    """``--days``: a duration in days (> 0).

    Examples
    --------
    >>> cmd = click.command()(days_option(7.0)(lambda days: print(days)))
    >>> cmd([], standalone_mode=False)
    7.0
    """
    return click.option(
        "--days",
        type=Number(min=0, min_open=True),
        default=default,
        show_default=True,
        help=help,
    )


def network_model_option(
    default: str | None = "mgnet",
    help: str | None = (
        "Built-in network (mgnet, mgnet_adex, mgnet_memory, mgnet_k) or a TOML file."
    ),
) -> Decorator:
    """``--model``: a built-in network name or the path of a TOML configuration.

    Examples
    --------
    >>> cmd = click.command()(network_model_option()(lambda model: print(model)))
    >>> cmd([], standalone_mode=False)
    mgnet
    """
    return click.option("--model", default=default, show_default=default is not None, help=help)


def neurons_option(help: str | None = "Number of neurons [default: the model's].") -> Decorator:
    """``--N``: the number of neurons (>= 2), passed as ``n``; none keeps the model's.

    Examples
    --------
    >>> cmd = click.command()(neurons_option()(lambda n: print(n)))
    >>> cmd(["--N", "100"], standalone_mode=False)
    100
    """
    return click.option("--N", "n", type=click.IntRange(min=2), default=None, help=help)


def in_degree_option() -> Decorator:
    """``--in-degree``: inputs per neuron (>= 0; 0: every pair with the model's
    probability p), passed as ``in_degree``; none keeps the model's. The model's weights
    follow it by its ``weight_scaling`` (:mod:`magsynapse.network.scaling`).

    Examples
    --------
    >>> cmd = click.command()(in_degree_option()(lambda in_degree: print(in_degree)))
    >>> cmd(["--in-degree", "1000"], standalone_mode=False)
    1000
    """
    return click.option(
        "--in-degree",
        "in_degree",
        type=click.IntRange(min=0),
        default=None,
        help="Inputs per neuron, a fixed in-degree (0: every pair with the model's "
        "probability p); the weights follow the model's weight_scaling [default: the "
        "model's].",
    )


def threads_option() -> Decorator:
    """``--threads``: threads of the run (>= 1), passed as ``threads``; none takes every
    thread numba has (``NUMBA_NUM_THREADS``, by default one per core).

    Examples
    --------
    >>> cmd = click.command()(threads_option()(lambda threads: print(threads)))
    >>> cmd(["--threads", "2"], standalone_mode=False)
    2
    """
    return click.option(
        "--threads",
        type=click.IntRange(min=1),
        default=None,
        help="Threads: replicas side by side, or one large network split between them; "
        "the numbers do not depend on it [default: every core].",
    )


def duration_option(help: str | None = "Simulated time (s).") -> Decorator:
    """``--T``: the simulated time in seconds (> 0), passed as ``t``.

    Examples
    --------
    >>> cmd = click.command()(duration_option()(lambda t: print(t)))
    >>> cmd(["--T", "0.5"], standalone_mode=False)
    0.5
    """
    return click.option(
        "--T",
        "t",
        type=Number(min=0, min_open=True),
        default=1.0,
        show_default=True,
        help=help,
    )


def check_out(out: str, suffix: str = ".nc") -> None:
    """Refuse an output path that cannot be written, or whose suffix is not ``suffix``
    (results are NetCDF; the figure goes beside them as PNG), naming ``--out``.

    Examples
    --------
    >>> try:
    ...     check_out("result.csv")
    ... except click.BadParameter as exc:
    ...     print(exc.message)
    'result.csv' must end in .nc (the file is written as NetCDF)
    """
    from ..results import check_writable

    if Path(out).suffix.lower() != suffix:
        raise click.BadParameter(
            f"{out!r} must end in {suffix} (the file is written as "
            f"{'NetCDF' if suffix == '.nc' else suffix[1:].upper()})",
            param_hint="'--out'",
        )
    try:
        check_writable(out)
    except MagsynapseError as exc:
        raise click.BadParameter(str(exc), param_hint="'--out'") from None


def finish(ds, out: str, no_plot: bool, plotter: Callable[[Any], Any]) -> None:
    """Write ``ds`` to ``out`` and, unless ``no_plot``, its figure beside it as PNG.

    Examples
    --------
    >>> import os, tempfile, xarray as xr
    >>> path = os.path.join(tempfile.mkdtemp(), "r.nc")
    >>> finish(xr.Dataset({"x": ("t", [1.0])}), path, True, None)  # doctest: +ELLIPSIS
    wrote ...r.nc
    """
    from ..results import save

    path = save(ds, out)
    click.echo(f"wrote {path}")
    if not no_plot:
        fig = plotter(ds)
        png = path.with_suffix(".png")
        fig.savefig(png, dpi=120)
        click.echo(f"wrote {png}")
