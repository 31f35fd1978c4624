"""The ``chronic`` command: weeks of a regimen through the slow layer, with sessions."""

from __future__ import annotations

import click

from .options import (
    check_out,
    dose_options,
    finish,
    one_line_errors,
    out_option,
    salt_option,
    samples_options,
    species_option,
)
from .paramtypes import Number, Values


def _ages(age: str | None, age_years: tuple[float, ...] | None):
    if age is not None and age_years is not None:
        raise click.BadParameter("give --age or --age-years, not both", param_hint="'--age'")
    if age_years is not None:
        return [float(y) for y in age_years]
    if age is None:
        return None
    names = [a.strip() for a in age.split(",") if a.strip()]
    for a in names:
        if a not in ("young", "aged"):
            raise click.BadParameter(f"{a!r}: accepted: young, aged", param_hint="'--age'")
    return names if len(names) > 1 else names[0]


@click.command("chronic")
@species_option()
@salt_option(help="Supplement salt (with --dose or --dose-elemental).")
@dose_options()
@click.option("--days", type=Number(min=0, min_open=True), required=True, help="Regimen days.")
@click.option("--age", default=None, help="young or aged (a list: young,aged) [default: young].")
@click.option(
    "--age-years",
    type=Values("count", positive=True),
    default=None,
    help="Human ages in years (24-98), a list or a range.",
)
@click.option(
    "--sessions",
    type=Values("count", nonnegative=True),
    default=None,
    help="Session days, e.g. 0,7,28 [default: the first and last day].",
)
@samples_options()
@click.option(
    "--pathways",
    default="energy,homeostasis,density,excitotoxicity,sleep",
    show_default=True,
    help="Active slow pathways, comma-separated ('none' for none).",
)
@click.option(
    "--mg-clamp",
    type=Values("concentration", positive=True),
    default=None,
    help="Hold the treated arm's brain [Mg]o at this value (mM) instead of a supplement.",
)
@click.option(
    "--depletion",
    type=Number(min=0, max=1, min_open=True),
    default=None,
    help="Lower the treated arm's brain Mg by this factor (0.75: the 0.8 -> 0.6 mM of "
    "oxaliplatin), alone or under the supplement.",
)
@out_option()
@one_line_errors
def chronic(
    species,
    salt,
    dose,
    dose_elemental,
    days,
    age,
    age_years,
    sessions,
    samples,
    seed,
    pathways,
    mg_clamp,
    depletion,
    out,
    no_plot,
) -> None:
    """Weeks of a regimen: body PK -> slow biology -> memory-network sessions.

    Writes the slow states over time and recall, signal-to-noise and learned efficacy at
    each session for a control arm (no intervention) and the treated arm (a supplement,
    --mg-clamp or --depletion). The seed (default 1) also picks the sessions' network.
    """
    from ..chronic import chronic as run_chronic
    from ..chronic.plot import plot_chronic

    check_out(out)
    if samples and seed is None:
        raise click.BadParameter("drawing samples needs a seed (an integer)", param_hint="'--seed'")
    if mg_clamp is not None and len(mg_clamp) != 1:
        raise click.BadParameter("give one concentration", param_hint="'--mg-clamp'")
    ds = run_chronic(
        species,
        salt,
        dose=dose,
        dose_elemental=dose_elemental,
        days=days,
        ages=_ages(age, None if age_years is None else tuple(age_years)),
        sessions=None if sessions is None else sessions.tolist(),
        samples=samples,
        seed=1 if seed is None else seed,
        pathways="" if pathways.strip() == "none" else pathways,
        mg_clamp=None if mg_clamp is None else float(mg_clamp[0]),
        depletion=depletion,
    )
    rec = ds.recall.isel(session=-1)
    for arm in ds.arm.values:
        r = rec.sel(arm=arm)
        if "sample" in r.dims:
            q = r.quantile([0.05, 0.5, 0.95], dim="sample").values.reshape(3, -1)
            text = ", ".join(f"{m:.3f} ({lo:.3f}-{hi:.3f})" for lo, m, hi in q.T)
        else:
            text = ", ".join(f"{v:.3f}" for v in r.values.ravel())
        click.echo(f"recall on day {float(ds.session[-1]):g}, {arm}: {text}")
    finish(ds, out, no_plot, plot_chronic)


COMMANDS = [chronic]
