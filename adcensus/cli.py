"""The `adcensus` command line: parses options, calls the library, prints results.

No logic lives here that a Python user could not reach by importing adcensus.
Library errors (AdcensusError) become one line on stderr and an exit code:
2 for bad usage or unreadable input, 1 when the work failed.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from adcensus import __version__
from adcensus.errors import AdcensusError

app = typer.Typer(
    name="adcensus",
    help="Count the distinct persons behind a file of online ads.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# stdout carries data only; everything meant for people goes to stderr.
err_console = Console(stderr=True)
_state: dict[str, bool] = {"debug": False}

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int) -> None:
    """Print a one-line error on stderr and exit with `code`."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def reports_errors(func: F) -> F:
    """Turn library errors into one line on stderr and an exit code (tracebacks with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AdcensusError as exc:
            if _state["debug"]:
                raise
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            err_console.print("interrupted: nothing was written.")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if _state["debug"]:
                raise
            fail(
                f"unexpected {type(exc).__name__}: {exc}. Run again with --debug for details "
                "and report it.",
                1,
            )

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"adcensus {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Count the distinct persons behind a file of online ads."""
    _state["debug"] = debug


# ---- estimate command: see adcensus/estimate.py -------------------------------------------


# ---- end of estimate command ---------------------------------------------------------------


# ---- synth and evaluate commands: see adcensus/synth.py, adcensus/evaluate.py --------------


# ---- end of synth and evaluate commands ----------------------------------------------------


if __name__ == "__main__":  # pragma: no cover
    app(prog_name="adcensus")
    sys.exit(0)
