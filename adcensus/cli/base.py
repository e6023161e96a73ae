"""The shared pieces of the command line: the Typer app, one-line errors, progress.

Library errors (AdcensusError) become one line on stderr and an exit code:
2 for bad usage or unreadable input, 1 when the work failed.
"""

from __future__ import annotations

import functools
import inspect
import re
import typing
from collections.abc import Callable, Iterator
from pathlib import Path, PurePath
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from typer.core import TyperCommand, TyperGroup

from adcensus import __version__
from adcensus.errors import AdcensusError, UsageError
from adcensus.outputs import XLSX_FILE
from adcensus.privacy import load_key
from adcensus.progress import Progress as ProgressReporter
from adcensus.progress import silent
from adcensus.store import LoadResult
from adcensus.write import Terminated, sweep_stale_folders, terminate_as_exception


# Typer 0.29 carries its own click (typer._click): parameters are told apart by their
# param_type_name, not by click's classes.
def _is_argument(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "argument"


def _usage_name(argument: Any) -> str:
    name = (argument.metavar or argument.name or "").upper().removesuffix("...")
    name += "..." if argument.nargs != 1 else ""
    return name if argument.required else f"[{name}]"


def _value_name(option: Any) -> str:
    """What an option takes, named as click names it: TEXT, INTEGER, FLOAT or PATH."""
    annotation = getattr(getattr(option, "type_descriptor", None), "annotation", None)
    if annotation is None:  # click's own parameters
        return str(getattr(getattr(option, "type", None), "name", "value")).upper()
    kind = next(iter(typing.get_args(annotation)), annotation)  # list[str]: str
    for base, name in ((bool, "BOOLEAN"), (int, "INTEGER"), (float, "FLOAT"), (PurePath, "PATH")):
        if isinstance(kind, type) and issubclass(kind, base):
            return name
    return "TEXT"


def _option_record(option: Any) -> tuple[str, str]:
    """An option's line of help, as click writes it: names, value, help, default."""
    names = ", ".join(sorted(option.opts, key=len))
    if option.secondary_opts:
        names += " / " + ", ".join(option.secondary_opts)
    if not option.is_flag and not getattr(option, "count", False):
        names += f" {option.metavar or _value_name(option)}"
    help_text = option.help or ""
    default = option.default
    if (
        not option.is_flag
        and default not in (None, "", (), [])
        and not callable(default)
        and "default" not in help_text
    ):
        help_text += f" [default: {default}]"
    return names, help_text


class _PlainHelp:
    """Help as click writes it, for an 80-column terminal: NAME VALUE per option, the
    same on any Typer version (no `<bool>`, `<list[str]>` or `{INPUT...}...`), and the
    command's example (its epilog) kept line by line."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        command: Any = self
        pieces = [command.options_metavar] if command.options_metavar else []
        pieces += [_usage_name(p) for p in command.get_params(ctx) if _is_argument(p)]
        subcommand = getattr(command, "subcommand_metavar", None)
        return [*pieces, subcommand] if subcommand else pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        command: Any = self
        params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
        arguments = [(_usage_name(p).strip("[]"), p.help or "") for p in params if _is_argument(p)]
        options = [_option_record(p) for p in params if not _is_argument(p)]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        if hasattr(command, "format_commands"):
            command.format_commands(ctx, formatter)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        epilog = getattr(self, "epilog", None)
        if epilog:
            with formatter.section("Example"):
                for line in inspect.cleandoc(epilog).splitlines():
                    formatter.write(f"{'':>{formatter.current_indent}}{line}\n")


class PlainCommand(_PlainHelp, TyperCommand):
    """A command whose help is `_PlainHelp`'s."""


class PlainGroup(_PlainHelp, TyperGroup):
    """A group of commands whose help is `_PlainHelp`'s."""


class DebugAnywhere(PlainGroup):
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
    cls=DebugAnywhere,  # a PlainGroup that takes --debug after the command name too
    name="adcensus",
    help="Count the distinct persons behind a file of online ads.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help text is never read as markup
)


# One example per command, at the end of its --help (the README shows them at work).
EXAMPLES = {
    "dedupe": "adcensus dedupe data/sample/ads.csv --out sample-adcensus --force",
    "estimate": "adcensus estimate sample-adcensus\nadcensus estimate --ads 699 --doublon-rate 0.61",
    "synth": "adcensus synth generated --ads 5000 --seed 1",
    "evaluate": "adcensus evaluate sample-adcensus data/sample/truth.csv",
    "tally": "adcensus tally census.db --by month\nadcensus tally census.db --by city -o by-city.xlsx",
    "review": "adcensus review sample-adcensus\nadcensus review sample-adcensus --sample 100",
    "report": "adcensus report sample-adcensus --lang fr",
    "explain": "adcensus explain sample-adcensus A0606 A0651",
    "outreach": "adcensus outreach census.db -o contacts.xlsx --since 14",
    "contact": "adcensus contact census.db P000275 --status contacted --date 2018-12-21",
    "keygen": "adcensus keygen -o k/adcensus.key",
    "store info": "adcensus store info census.db",
    "store check": "adcensus store check census.db",
    "store export": "adcensus store export census.db -o census-export",
    "store forget": 'adcensus store forget census.db --phone "06 39 98 65 80" --dry-run',
}


def plain_help(typer_app: typer.Typer, group: str = "") -> None:
    """Give every command of `typer_app` (and of its groups) `_PlainHelp`'s help and its
    example from EXAMPLES."""
    for info in typer_app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = PlainCommand
        name = info.name or (info.callback.__name__ if info.callback else "")
        info.epilog = info.epilog or EXAMPLES.get(f"{group}{name.replace('_', '-')}")
    for sub in typer_app.registered_groups:
        if sub.typer_instance is not None:
            plain_help(sub.typer_instance, f"{group}{sub.name} ")


# Options shared by the commands that write a dedupe folder (dedupe, store export), and
# the privacy options of the others that can write identifiers (review, tally, report).
# The dedupe folder or census store that review and report read.
OUTPUT_DIR_ARGUMENT: Any = typer.Argument(
    ..., metavar="DIR", help="A folder written by `adcensus dedupe`, or a census store."
)
OUT_DELIMITER_OPTION: Any = typer.Option(
    ";", "--out-delimiter", help="Delimiter of the CSV outputs: ; (Excel in French), , or tab."
)
OUT_FORMAT_OPTION: Any = typer.Option(
    "csv",
    "--format",
    "-f",
    metavar="csv|xlsx",
    help="xlsx: also write adcensus.xlsx (persons, ads, pairs sheets) beside the CSVs.",
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

# stdout carries data only; everything meant for people goes to stderr. Data is never read
# as emoji codes (a header `root:x:0`), and goes through `escape` where markup is on.
err_console = Console(stderr=True, emoji=False)
_state: dict[str, bool] = {"debug": False}

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int) -> None:
    """Print a one-line error on stderr and exit with `code`."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def reports_errors(func: F) -> F:
    """Turn library errors into one line on stderr and an exit code (tracebacks with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            # The temporary folders a killed run (kill -9) could not remove go now.
            sweep_stale_folders()
            with terminate_as_exception():  # SIGTERM cleans up as Ctrl-C does
                return func(*args, **kwargs)
        except Terminated:
            err_console.print("terminated: nothing was written.")
            raise typer.Exit(143) from None
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


def progress_bar() -> Iterator[ProgressReporter]:
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


def show_roles(roles: dict[str, str], more: dict[str, tuple[str, ...]] | None = None) -> None:
    """The role each column was given, on stderr: `columns: phone ← 'Tél', …`."""
    mapped = ", ".join(
        f"{role} ← {', '.join(repr(h) for h in (header, *(more or {}).get(role, ())))}"
        for role, header in roles.items()
    )
    err_console.print(f"columns: {mapped}", highlight=False, markup=False)


def parse_out_format(value: str) -> bool:
    """Whether `--format` asks for the workbook too: csv (the default) or xlsx."""
    if value.lower() not in ("csv", "xlsx"):
        raise UsageError(f"--format must be csv or xlsx, got {value!r}")
    return value.lower() == "xlsx"


def privacy_key(
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


def show_identifiers_found(found: dict[str, dict[str, int]]) -> None:
    """Say on stderr how many phone numbers and urls were found and replaced by tokens in
    columns of free text or of no role, per column (see `pseudonymize_result`)."""
    if not found:
        return
    parts = []
    for name, counts in found.items():
        words = [f"{counts[k]:,} {k[:-1] if counts[k] == 1 else k}" for k in ("phones", "urls")]
        words = [w.replace("phone", "phone number") for w in words if not w.startswith("0 ")]
        parts.append(f"{' and '.join(words)} in {name}")
    err_console.print(
        f"pseudonymized: {'; '.join(parts)} replaced by tokens",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


_STORE_STAGES = {
    "store": "Reading the census store",
    "reconcile": "Keeping person ids stable",
    "commit": "Saving the census store",
}


def store_stages(progress: ProgressReporter) -> ProgressReporter:
    """`progress` with the store's own stages named for people."""

    def report(stage: str, done: int | None = None, total: int | None = None) -> None:
        progress(_STORE_STAGES.get(stage, stage), done, total)

    return report


def show_load(loaded: LoadResult, exported: Path | None, xlsx: bool) -> None:
    """What a load into a store did, on stderr: each file's rows, the store's persons,
    merges and splits; and the folder it was exported to, if any."""
    for note in loaded.notes:
        err_console.print(note, highlight=False, markup=False)
    for file in loaded.files:
        show_roles(file.roles)
    files = Table(title=f"adcensus dedupe → {escape(str(loaded.store))}", title_justify="left")
    for name in ("file", "rows", "added", "already in the store"):
        files.add_column(name, justify="left" if name == "file" else "right")
    for file in loaded.files:
        files.add_row(
            escape(file.path), f"{file.rows:,}", f"{file.added:,}", f"{file.duplicates:,}"
        )
    err_console.print(files)
    if loaded.load_id is None:
        err_console.print(
            f"nothing added: every row is already in {loaded.store}", markup=False, highlight=False
        )
    else:
        table = Table(title=f"load {loaded.load_id}", show_header=False, title_justify="left")
        table.add_column(style="bold")
        table.add_column(justify="right")
        table.add_row("ads in the store", f"{loaded.ads:,}")
        table.add_row("persons", f"{loaded.persons:,}")
        table.add_row("new persons", f"{loaded.persons_new:,}")
        table.add_row("merges of known persons", f"{loaded.merges:,}")
        table.add_row("splits of known persons", f"{loaded.splits:,}")
        table.add_row("stored ads moved to another person", f"{loaded.ads_moved:,}")
        err_console.print(table)
    if exported is not None:
        err_console.print(
            f"exported to [bold]{escape(str(exported))}[/]/ (ads.csv, persons.csv, pairs.csv, "
            f"rejected.csv, summary.json{', ' + XLSX_FILE if xlsx else ''})"
        )
