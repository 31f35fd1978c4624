"""Synapse commands: ``block``, ``stdp``, ``frequency``, ``pairing``, ``snr``."""

from __future__ import annotations

import click

from .options import (
    block_model_option,
    calcium_option,
    check_out,
    finish,
    mg_option,
    one_line_errors,
    out_option,
    pulses_option,
    stochastic_options,
    synapse_options,
)
from .paramtypes import REGISTRIES, Name, Number, Values


@click.command()
@block_model_option("--model", "model", help="Block model.")
@click.option("--subunit", type=Name(REGISTRIES["subunit"]), default="GluN2A", show_default=True)
@mg_option(default="0.6:2.0:0.2", help="[Mg]o values (mM).")
@click.option(
    "--v",
    type=Values("voltage"),
    default="-100:40:1",
    show_default=True,
    help="Membrane potentials (mV).",
)
@out_option()
@one_line_errors
def block(model, subunit, mg, v, out, no_plot) -> None:
    """NMDA Mg2+ block curves B(V, [Mg]o)."""
    from ..receptors import block_curves
    from ..receptors.plot import plot_block

    check_out(out)
    finish(block_curves(mg, v, model, subunit), out, no_plot, plot_block)


@click.command()
@synapse_options()
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
@stochastic_options()
@out_option()
@one_line_errors
def stdp(dt, pairs, freq, out, no_plot, **options) -> None:
    """STDP curve: relative synaptic change versus dt for each [Mg]o."""
    from ..synapse import stdp as run
    from ..synapse.plot import plot_change

    check_out(out)
    freq_arg = 1.0 if freq is None else (float(freq[0]) if len(freq) == 1 else freq)
    ds = run(dt, pairs=pairs, freq=freq_arg, progress=True, **options)
    finish(ds, out, no_plot, plot_change)


@click.command()
@synapse_options()
@click.option(
    "--freq",
    type=Values("frequency", positive=True),
    default="0.5,1,2,3,5,10,20,50,100",
    show_default=True,
    help="Presynaptic frequencies (Hz).",
)
@pulses_option(900)
@click.option(
    "--epsp",
    type=Number(min=0),
    default=None,
    help="EPSP peak (mV) of nmda_voltage calcium [default: 1; Shouval Fig. 3B: 10].",
)
@stochastic_options()
@out_option()
@one_line_errors
def frequency(freq, pulses, epsp, out, no_plot, **options) -> None:
    """Frequency-response curve: change after presynaptic trains."""
    from ..synapse import frequency as run
    from ..synapse.plot import plot_change

    check_out(out)
    overrides = None if epsp is None else {"epsp_amp": epsp}
    ds = run(freq, pulses=pulses, calcium_overrides=overrides, progress=True, **options)
    finish(ds, out, no_plot, plot_change)


@click.command()
@click.option(
    "--hold",
    type=Values("voltage"),
    default="-80:-10:1",
    show_default=True,
    help="Holding potentials (mV).",
)
@pulses_option(100)
@click.option(
    "--freq",
    type=Number(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Presynaptic frequency (Hz).",
)
@synapse_options(
    rule="omega_eta",
    parameter_set="DP_nmda",
    calcium="nmda_voltage",
    set_help="Bistable set (bistable rule only).",
)
@out_option()
@one_line_errors
def pairing(hold, pulses, freq, out, no_plot, **options) -> None:
    """Pairing with a holding potential (Shouval 2002 Fig. 3A)."""
    from ..synapse import pairing as run
    from ..synapse.plot import plot_change

    check_out(out)
    finish(run(hold, pulses=pulses, freq=freq, **options), out, no_plot, plot_change)


@click.command()
@mg_option(default="0.4:2.0:0.1")
@click.option(
    "--dt",
    type=Number(),
    default=10.0,
    show_default=True,
    help="Delay of the postsynaptic spike in correlated activity (ms).",
)
@calcium_option("nmda_voltage")
@block_model_option()
@out_option()
@one_line_errors
def snr(mg, dt, calcium, block_model, out, no_plot) -> None:
    """Synaptic calcium signal-to-noise versus [Mg]o (Slutsky et al. 2004)."""
    from ..synapse import snr as run
    from ..synapse.plot import plot_snr

    check_out(out)
    finish(run(mg, dt=dt, calcium=calcium, block_model=block_model), out, no_plot, plot_snr)


#: The commands of this module, added to the top-level group.
COMMANDS = [block, stdp, frequency, pairing, snr]
