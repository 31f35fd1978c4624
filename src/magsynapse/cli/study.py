"""The study, its references and the calibrations: ``study``, ``cite``, ``calibrate``."""

from __future__ import annotations

from pathlib import Path

import click

from .options import calibration_out_option, one_line_errors, out_option, seed_option


def _languages(ctx, param, value: str) -> list[str]:
    from ..i18n import LANGUAGES

    codes = [c.strip() for c in value.split(",") if c.strip()]
    if not codes:
        raise click.BadParameter(f"no language given; accepted: {', '.join(LANGUAGES)}")
    for c in codes:
        if c not in LANGUAGES:
            raise click.BadParameter(f"unknown language {c!r}; accepted: {', '.join(LANGUAGES)}")
    return codes


def _language(ctx, param, value: str) -> str:
    codes = _languages(ctx, param, value)
    if len(codes) != 1:
        raise click.BadParameter(f"one language, got {value!r}")
    return codes[0]


@click.command()
@out_option(help="Output folder.", required=False, folder=True, default="out", plot=False)
@seed_option(default=20261127, show_default=True)
@click.option(
    "--quick",
    is_flag=True,
    help="The same chapters with smaller grids and fewer samples (about a minute).",
)
@click.option(
    "--lang",
    "languages",
    default="en,hi",
    show_default=True,
    callback=_languages,
    help="Languages of the report, comma-separated: en writes report.html, hi report.hi.html.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Processes that run the report's sections side by side (the results do not depend on it).",
)
@one_line_errors
def study(out: str, seed: int, quick: bool, languages: list[str], workers: int) -> None:
    """Run the default study and write OUT/report.html (and one page per language) with
    its data."""
    from ..study import run_study

    reports = run_study(
        Path(out),
        seed=seed,
        plan="quick" if quick else "full",
        languages=languages,
        workers=workers,
    )
    for path in reports.values():
        click.echo(f"wrote {path}")


@click.command()
@click.option(
    "--study",
    "study_dir",
    default="out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder of a study's results (magsynapse study --out DIR).",
)
@click.option(
    "--lang",
    default="en",
    show_default=True,
    callback=_language,
    help="Language of the table.",
)
@click.option(
    "--out",
    "out",
    default=None,
    type=click.Path(dir_okay=False),
    help="Write the table: .json (records) or .nc (NetCDF).",
)
@one_line_errors
def claims(study_dir: str, lang: str, out: str | None) -> None:
    """Judge the article's 21 claims from a study's results; print the table."""
    import json

    from ..claims import audit, load_results, to_dataset, to_records
    from ..errors import MagsynapseError
    from ..results import save
    from ..study.report import report_name

    if out is not None and Path(out).suffix not in (".json", ".nc"):
        raise MagsynapseError(f"--out {out}: the table is written as .json or .nc")
    assessments = audit(load_results(Path(study_dir)))
    records = to_records(assessments, lang, report_name(lang))
    for r in records:
        click.echo(f"{r['id']:>4}  {r['verdict_label']}: {r['numbers'] or r['reason']}")
    if out is None:
        return
    if out.endswith(".json"):
        Path(out).write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        save(to_dataset(assessments, lang, report_name(lang), {"study": str(study_dir)}), Path(out))
    click.echo(f"wrote {out}")


@click.command()
@click.argument("result", type=click.Path(dir_okay=False))
@click.option("--bibtex", is_flag=True, help="Print them as BibTeX entries.")
@click.option("--csl", is_flag=True, help="Print them as CSL-JSON (Zotero, Mendeley).")
@one_line_errors
def cite(result: str, bibtex: bool, csl: bool) -> None:
    """Print the references of every parameter and model RESULT used."""
    import json

    from ..references import SOURCES, Source
    from ..results import citations, load

    if bibtex and csl:
        raise click.UsageError("give --bibtex or --csl, not both")
    refs = citations(load(result))
    # the registry's entry where it knows the key; else the text the file recorded
    sources = [SOURCES.get(key) or Source(key, str(text)) for key, text in refs.items()]
    if bibtex:
        click.echo("\n\n".join(s.bibtex() for s in sources))
    elif csl:
        click.echo(json.dumps([s.csl() for s in sources], indent=2, ensure_ascii=False))
    else:
        for key, text in refs.items():
            click.echo(f"[{key}] {text}")


@click.group()
def calibrate() -> None:
    """Fit parameter sets and print their residuals."""


@calibrate.command("dp-nmda")
@calibration_out_option(".json", "Write the fitted DP_nmda set (JSON) here.")
@one_line_errors
def calibrate_dp_nmda(out: str | None) -> None:
    """Fit DP_nmda: the bistable rule on nmda_voltage calcium, DP shape at 1 mM."""
    from ..synapse.calibrate import calibrate_dp_nmda as fit
    from ..synapse.calibrate import write as write_set

    result = fit()
    click.echo(result.table())
    if out:
        click.echo(f"wrote {write_set(result, out)}")


@calibrate.command("emulator")
@calibration_out_option(".nc", "Write the fitted design (NetCDF) here.")
@one_line_errors
def calibrate_emulator(out: str | None) -> None:
    """Fit the people emulator of the network readouts (64 points x 8 networks, minutes)
    and print its residual SD and its error against fresh network runs."""
    from ..network.emulator import validate
    from ..people.mechanism import default_emulator, emulator_key
    from ..results import save

    em = default_emulator()
    v = validate(em, points=16, seeds=(101,))
    for name in ("recall", "rho_inside", "log_snr"):
        click.echo(
            f"{name}: residual SD {float(v[f'residual_sd_{name}']):.3f}, "
            f"RMSE against fresh runs {float(v[f'rmse_{name}']):.3f}"
        )
    if out:
        click.echo(f"wrote {save(em.design, out)} (shipped as {emulator_key()}.nc)")


#: The commands of this module, added to the top-level group.
COMMANDS = [study, claims, cite, calibrate]
