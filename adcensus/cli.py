"""The `adcensus` command line: parses options, calls the library, prints results.

No logic lives here that a Python user could not reach by importing adcensus.
Library errors (AdcensusError) become one line on stderr and an exit code:
2 for bad usage or unreadable input, 1 when the work failed.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from adcensus import __version__
from adcensus.dedupe import dedupe_table, write_outputs
from adcensus.errors import AdcensusError, UsageError
from adcensus.read import parse_role_override, read_ads
from adcensus.settings import load_settings
from adcensus.write import json_text, prepare_out_dir

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


def _progress() -> Iterator[Callable[[str], None]]:
    """A stage reporter: a rich status line on a terminal, nothing otherwise."""
    labels = {
        "read": "Reading ads",
        "phones": "Finding phone numbers",
        "text": "Folding text",
        "block": "Finding candidate pairs",
        "compare": "Comparing pairs",
        "cluster": "Clustering persons",
        "write": "Preparing outputs",
    }
    if not err_console.is_terminal:
        yield lambda _stage: None
        return
    with err_console.status("Starting") as status:
        yield lambda stage: status.update(labels.get(stage, stage) + "…")


def _show_summary(summary: dict[str, Any], out_dir: Path | None) -> None:
    table = Table(title="adcensus dedupe", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("ads", f"{summary['ads']:,}")
    table.add_row("persons", f"{summary['persons']:,}")
    table.add_row("doublon rate", f"{summary['doublon_rate']:.1%}")
    table.add_row("networks", f"{summary['networks']:,}")
    table.add_row("ads without a phone", f"{summary['ads_without_phone']:,}")
    table.add_row("flagged rows", f"{summary['flagged_rows']:,}")
    pairs = summary["pairs"]
    table.add_row("doubtful links to review", f"{pairs['doubtful'] + pairs['conflict']:,}")
    err_console.print(table)
    per_site = summary.get("ads_per_site") or {}
    if per_site:
        sites = Table(title=f"ads per site ({len(per_site)} sites)", title_justify="left")
        sites.add_column("site")
        sites.add_column("ads", justify="right")
        shown = list(per_site.items())
        for name, count in shown[:10]:
            sites.add_row(name, f"{count:,}")
        if len(shown) > 10:
            sites.add_row(f"… {len(shown) - 10} more sites", f"{sum(c for _, c in shown[10:]):,}")
        err_console.print(sites)
    if out_dir is not None:
        err_console.print(
            f"written to [bold]{out_dir}[/]/ (ads.csv, persons.csv, pairs.csv, summary.json)"
        )


def _show_roles(roles: dict[str, str]) -> None:
    mapped = ", ".join(f"{role} ← {header!r}" for role, header in roles.items())
    err_console.print(f"columns: {mapped}", highlight=False)


@app.command()
@reports_errors
def dedupe(
    inputs: list[str] = typer.Argument(
        ...,
        metavar="INPUT...",
        help="Ad files (CSV/TSV, XLSX, JSON lines or array, Parquet); - reads CSV from stdin.",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder [default: <first input name>-adcensus/]."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite a non-empty output folder."),
    col_specs: list[str] = typer.Option(
        [],
        "--col",
        metavar="ROLE=HEADER",
        help="Give a column its role, e.g. --col phone='N° tel'. Repeatable.",
    ),
    region: str | None = typer.Option(
        None, "--region", help="Country for numbers written without +CC [default: FR]."
    ),
    threshold: float | None = typer.Option(
        None,
        "--threshold",
        min=0.0,
        max=1.0,
        help="Link pairs scoring at least this [default: 0.8].",
    ),
    config: Path | None = typer.Option(
        None, "--config", help="Settings file [default: ./adcensus.toml when present]."
    ),
    delimiter: str = typer.Option(
        ";",
        "--delimiter",
        "-d",
        help="Delimiter of the CSV outputs (; for Excel in French, , for scripts).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print summary.json on stdout."),
) -> None:
    """Find the distinct persons behind ad files, and write ads, persons, pairs and a summary."""
    columns = dict(parse_role_override(spec) for spec in col_specs)
    if len(delimiter) != 1:
        raise UsageError(f"--delimiter must be one character, got {delimiter!r}")
    settings = load_settings(config).with_overrides(
        region=region.upper() if region else None, link_threshold=threshold
    )
    first = inputs[0]
    out_dir = out or Path(("stdin" if first == "-" else Path(first).stem) + "-adcensus")
    prepare_out_dir(out_dir, force)
    with contextlib.contextmanager(_progress)() as progress:
        table = read_ads(inputs, columns)
        _show_roles(table.roles)
        result = dedupe_table(table, settings, progress)
        write_outputs(result, out_dir, force=True, delimiter=delimiter)
    _show_summary(result.summary, out_dir)
    if as_json:
        typer.echo(json_text(result.summary), nl=False)


# ---- estimate command: see adcensus/estimate.py -------------------------------------------


# ---- end of estimate command ---------------------------------------------------------------


# ---- synth and evaluate commands: see adcensus/synth.py, adcensus/evaluate.py --------------


# ---- end of synth and evaluate commands ----------------------------------------------------


if __name__ == "__main__":  # pragma: no cover
    app(prog_name="adcensus")
    sys.exit(0)
