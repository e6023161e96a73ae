"""The shared pieces of the command line: the Typer app, one-line errors, progress.

Library errors (AdcensusError) become one line on stderr and an exit code:
2 for bad usage or unreadable input, 1 when the work failed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from adcensus import __version__
from adcensus.errors import AdcensusError, UsageError
from adcensus.privacy import load_key

app = typer.Typer(
    name="adcensus",
    help="Count the distinct persons behind a file of online ads.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Options shared by the commands that write a dedupe folder (dedupe, store export).
OUT_DELIMITER_OPTION: Any = typer.Option(
    ";", "--out-delimiter", help="Delimiter of the CSV outputs: ; (Excel in French), , or tab."
)
PSEUDONYMIZE_OPTION: Any = typer.Option(
    False, "--pseudonymize", help="Write keyed tokens for phones, urls and pseudonyms."
)
KEY_FILE_OPTION: Any = typer.Option(
    None, "--key-file", help="Key for --pseudonymize (default: $ADCENSUS_KEY, then keygen's)."
)
DROP_TEXT_OPTION: Any = typer.Option(
    False, "--drop-text", help="With --pseudonymize, drop the title and text columns."
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


STAGES = {
    "read": "Reading ads",
    "phones": "Finding phone numbers",
    "text": "Folding text",
    "block": "Finding candidate pairs",
    "compare": "Comparing pairs",
    "cluster": "Clustering persons",
    "write": "Writing outputs",
}


def _progress() -> Iterator[Callable[[str], None]]:
    """A stage reporter: a rich progress bar on a terminal, nothing otherwise."""
    if not err_console.is_terminal:
        yield lambda _stage: None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("Starting", total=len(STAGES))
        order = list(STAGES)

        def advance(stage: str) -> None:
            done = order.index(stage) if stage in order else 0
            bar.update(task, description=STAGES.get(stage, stage) + "…", completed=done)

        yield advance


def _show_roles(roles: dict[str, str]) -> None:
    mapped = ", ".join(f"{role} ← {header!r}" for role, header in roles.items())
    err_console.print(f"columns: {mapped}", highlight=False)


def _privacy_key(
    pseudonymize: bool, key_file: Path | None, drop_text: bool, with_store: bool = False
) -> bytes | None:
    """The key for --pseudonymize (None without it); refuses options that would do nothing."""
    if not pseudonymize:
        if key_file is not None or drop_text:
            raise UsageError("--key-file and --drop-text go with --pseudonymize")
        return None
    if with_store:
        raise UsageError(
            "--pseudonymize does not apply to --store: the store keeps the numbers to link "
            "next month's ads; export it with `adcensus store export STORE -o DIR --pseudonymize`"
        )
    return load_key(key_file)
