"""Command-line interface: a thin layer over the library.

Every command parses its options (units accepted: ``1.2mM``, ``-60mV``; ranges
``start:stop:step`` inclusive; lists comma-separated), calls one library function, writes
the NetCDF result and, unless ``--no-plot``, a PNG beside it. Bad input exits with
status 2 and one line naming the option (or the library's parameter) and the accepted
values; a run that fails on valid input (a file that cannot be written, a worker that
stopped, an unreachable scheduler, or any unexpected error) exits with status 1 and one
line, and Ctrl-C with status 130. The options are built in :mod:`magsynapse.cli.options`;
the commands live in one module per scale.
"""

from __future__ import annotations

import os
import signal
import sys
import warnings

import click

from ..errors import MagsynapseRunError
from . import body, chronic, export, network, people, study, synapse

__all__ = ["cli", "main"]

#: Raised by click >= 8.2 for a group called without a command (older click exits itself).
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="magsynapse")
def cli() -> None:
    """magsynapse: how magnesium shapes what a synapse learns."""


for _module in (synapse, body, network, chronic, people, study, export):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


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


def console() -> None:
    """The installed ``magsynapse`` command: :func:`main` on the command line, then exit
    with its status. A Ctrl-C that comes after the work is done is ignored, so that it
    cannot interrupt the interpreter's shutdown."""
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI; every error is one line on stderr and an exit status.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name; by default those of the command line.

    Returns
    -------
    int
        The exit status: 0 on success, 2 for bad input, 1 for a run that failed on valid
        input (or aborted), 130 when interrupted. With the environment variable
        ``MAGSYNAPSE_TRACEBACK=1`` an unexpected error shows its traceback instead.

    Examples
    --------
    >>> main(["block", "--mg", "-1", "--out", "x.nc"])
    2
    """
    warnings.showwarning = _warn_one_line
    try:
        cli.main(args=argv, prog_name="magsynapse", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort as exc:  # click's form of Ctrl-C (and of EOF at a prompt)
        if isinstance(exc.__context__, KeyboardInterrupt):
            click.echo("magsynapse: interrupted", err=True)
            return 130
        click.echo("magsynapse: aborted", err=True)
        return 1
    except _NO_ARGS_IS_HELP as exc:
        exc.show()
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"magsynapse: error: {_one_line(exc)}", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("magsynapse: interrupted", err=True)
        return 130
    except (MagsynapseRunError, OSError) as exc:
        click.echo(f"magsynapse: error: {_flat(exc)}", err=True)
        return 1
    except Exception as exc:
        if os.environ.get("MAGSYNAPSE_TRACEBACK"):
            raise
        click.echo(
            f"magsynapse: internal error: {type(exc).__name__}: {_flat(exc)} (please report "
            "it; MAGSYNAPSE_TRACEBACK=1 shows where it happened)",
            err=True,
        )
        return 1
    return 0


def _flat(exc: BaseException) -> str:
    """An exception's message on one line."""
    return " ".join(str(exc).split()) or type(exc).__name__
