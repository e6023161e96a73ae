"""The shared pieces of the command line: the Typer app, one-line errors, progress.

Library errors (AdcensusError) become one line on stderr and an exit code:
2 for bad usage or unreadable input, 1 when the work failed.
"""

from __future__ import annotations

import functools
import re
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
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from typer.core import TyperGroup

from adcensus import __version__
from adcensus.errors import AdcensusError, UsageError
from adcensus.privacy import load_key
from adcensus.progress import Progress as ProgressReporter
from adcensus.progress import silent


class DebugAnywhere(TyperGroup):
    """The root group: `--debug` is taken anywhere before `--`, after the command name too.

    `adcensus dedupe x.csv --debug` is what people type after an error; click would only
    take the root's option before the command name, so it is moved there.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own click Context
        end = args.index("--") if "--" in args else len(args)
        if "--debug" in args[:end]:
            args = ["--debug", *(a for a in args[:end] if a != "--debug"), *args[end:]]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=DebugAnywhere,
    name="adcensus",
    help="Count the distinct persons behind a file of online ads.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Options shared by the commands that write a dedupe folder (dedupe, store export), and
# the privacy options of the others that can write identifiers (review, tally, report).
# The dedupe folder or census store that review and report read.
OUTPUT_DIR_ARGUMENT: Any = typer.Argument(
    ..., metavar="DIR", help="A folder written by `adcensus dedupe`, or a census store."
)
OUT_DELIMITER_OPTION: Any = typer.Option(
    ";", "--out-delimiter", help="Delimiter of the CSV outputs: ; (Excel in French), , or tab."
)
PSEUDONYMIZE_OPTION: Any = typer.Option(
    False, "--pseudonymize", help="Write keyed tokens for phones, urls and pseudonyms."
)
KEY_FILE_OPTION: Any = typer.Option(
    None, "--key-file", help="Key for --pseudonymize (default: $ADCENSUS_KEY, then keygen's)."
)
ORIGINS_OPTION: Any = typer.Option(
    None,
    "--origins",
    metavar="FILE",
    help="TOML file of origin words added to the shipped list (see README, Profiles).",
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
                f"unexpected {type(exc).__name__}: {without_data(str(exc))}. Run again with "
                "--debug for details and report it.",
                1,
            )

    return wrapper  # type: ignore[return-value]


# What may be personal data in an unexpected error's text: urls, e-mail addresses, numbers.
_DATA = re.compile(r"[^\s'\"]+(?:://|@)[^\s'\"]+|www\.[^\s'\"]+|\+?\d[\d .\-/]{4,}\d")
_MAX_ERROR_TEXT = 200


def without_data(text: str) -> str:
    """An unexpected error's text fit for a terminal or a log: urls, addresses and numbers
    replaced by "…", cut to 200 characters (an error may quote an ad's cells)."""
    text = _DATA.sub("…", text)
    return text if len(text) <= _MAX_ERROR_TEXT else text[: _MAX_ERROR_TEXT - 1] + "…"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"adcensus {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: bool = typer.Option(
        False, "--debug", help="Show full tracebacks on errors (also after the command name)."
    ),
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
    "export": "Writing the review sheet",
}


# What a stage counts, for its rate ("ads/s").
_UNITS = {
    "read": "ads",
    "phones": "ads",
    "text": "ads",
    "block": "ads",
    "compare": "pairs",
    "cluster": "pairs",
    "write": "rows",
    "export": "pairs",
}


def _progress() -> Iterator[ProgressReporter]:
    """A stage reporter: a rich progress bar per stage with its rate on a terminal,
    nothing otherwise. Finished stages stay on screen with their time."""
    if not err_console.is_terminal:
        yield silent
        return
    columns = (
        SpinnerColumn(finished_text="✓"),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int | None = None, total: int | None = None) -> None:
            if stage not in tasks:
                for task in tasks.values():  # stages run one after the other
                    if not bar.tasks[task].finished:
                        bar.update(
                            task,
                            total=bar.tasks[task].total or 1,
                            completed=bar.tasks[task].total or 1,
                        )
                        bar.stop_task(task)
                label = STAGES.get(stage, stage)
                tasks[stage] = bar.add_task(label, total=total, rate="")
            task = tasks[stage]
            if done is not None:
                elapsed = bar.tasks[task].elapsed or 0.0
                rate = f"{done / elapsed:,.0f} {_UNITS.get(stage, 'items')}/s" if elapsed else ""
                bar.update(task, completed=done, total=total, rate=rate)

        yield report
        for task in tasks.values():
            bar.update(task, total=bar.tasks[task].total or 1, completed=bar.tasks[task].total or 1)


def _show_roles(roles: dict[str, str], more: dict[str, tuple[str, ...]] | None = None) -> None:
    mapped = ", ".join(
        f"{role} ← {', '.join(repr(h) for h in (header, *(more or {}).get(role, ())))}"
        for role, header in roles.items()
    )
    err_console.print(f"columns: {mapped}", highlight=False)


def _privacy_key(
    pseudonymize: bool, key_file: Path | None, drop_text: bool, with_store: bool = False
) -> bytes | None:
    """The key for --pseudonymize (None without it); refuses options that would do nothing."""
    if not pseudonymize:
        given = [
            o for o, v in (("--key-file", key_file is not None), ("--drop-text", drop_text)) if v
        ]
        if given:
            raise UsageError(
                f"{' and '.join(given)} {'goes' if len(given) == 1 else 'go'} with --pseudonymize"
            )
        return None
    if with_store:
        raise UsageError(
            "--pseudonymize does not apply to --store: the store keeps the numbers to link "
            "next month's ads; export it with `adcensus store export STORE -o DIR --pseudonymize`"
        )
    return load_key(key_file)
