"""Network commands: ``network run``, ``network sweep``, ``network phenomena``."""

from __future__ import annotations

import click

from .options import (
    check_out,
    duration_option,
    finish,
    in_degree_option,
    mg_option,
    network_model_option,
    neurons_option,
    one_line_errors,
    out_option,
    seeds_option,
    threads_option,
)

#: The experiments of ``network phenomena``: (model, default [Mg]o list, function, plotter)
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


def _network_config(model: str, n: int | None, in_degree: int | None = None):
    from ..network import load_config

    cfg = load_config(model)
    if n is not None:
        cfg = cfg.replace(network={"N": n})
    if in_degree is not None:
        cfg = cfg.replace(connectivity={"in_degree": in_degree})
    return cfg


@click.group()
def network() -> None:
    """Spiking networks with Mg2+-gated NMDA and calcium-based plasticity."""


@network.command("run")
@network_model_option()
@neurons_option()
@in_degree_option()
@mg_option(default=None, help="[Mg]o (mM), one value or a list [default: the model's].")
@duration_option()
@seeds_option()
@threads_option()
@out_option()
@one_line_errors
def network_run(model, n, in_degree, mg, t, seed, threads, out, no_plot) -> None:
    """Simulate a network (batched over --mg and --seed lists), with a progress bar."""
    from ..network import simulate_network
    from ..network.plot import plot_network

    check_out(out)
    cfg = _network_config(model, n, in_degree)
    mg_arg = None if mg is None else (float(mg[0]) if len(mg) == 1 else mg)
    seeds = seed[0] if len(seed) == 1 else seed
    ds = simulate_network(cfg, mg=mg_arg, seed=seeds, T=t, threads=threads, progress=True)
    click.echo(
        f"rate_E {ds.rate_E.values} Hz, rate_I {ds.rate_I.values} Hz, rho_mean {ds.rho_mean.values}"
    )
    finish(ds, out, no_plot, plot_network)


@network.command("sweep")
@network_model_option(help=None)
@neurons_option(help=None)
@mg_option(default=None, required=True, help="[Mg]o values (mM).")
@click.option(
    "--seeds",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Number of seeds (1..N).",
)
@duration_option(help=None)
@click.option(
    "--scheduler",
    default="local",
    show_default=True,
    help="local, or the address of a dask scheduler (tcp://HOST:PORT; dask sends pickled "
    "code and data: use only a cluster you trust).",
)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True)
@out_option(help="Output folder (task files and sweep.nc).", folder=True, plot=False)
@one_line_errors
def network_sweep(model, n, mg, seeds, t, scheduler, workers, out) -> None:
    """One dask task per (mg, seed); finished tasks are kept, re-runs skip them."""
    from ..network import run_sweep

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


@network.command("phenomena")
@click.argument("kind", type=click.Choice(sorted(_PHENOMENA)))
@network_model_option(default=None, help="Network [default: the experiment's own model].")
@mg_option(default=None, help="[Mg]o values (mM) [default: the experiment's list].")
@seeds_option()
@out_option()
@one_line_errors
def network_phenomena(kind, model, mg, seed, out, no_plot) -> None:
    """Run one network experiment over [Mg]o: seizures (low-Mg events, synchrony,
    excitotoxic load), memory (assembly encoding, recall, persistent activity) or snr
    (synaptic calcium from correlated input against background), with progress bars."""
    from ..network import load_config
    from ..network import phenomena as ph
    from ..network import plot as net_plot

    check_out(out)
    default_model, default_mg, func, plotter = _PHENOMENA[kind]
    mg_values = [float(m) for m in default_mg.split(",")] if mg is None else list(mg)
    run = getattr(ph, func)
    ds = run(load_config(model or default_model), mg=mg_values, seeds=seed, progress=True)
    finish(ds, out, no_plot, getattr(net_plot, plotter))


#: The commands of this module, added to the top-level group.
COMMANDS = [network]
