"""`adcensus tally`: counts per period or group, from a store, a dedupe folder or an ad file."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from adcensus.cli.base import (
    KEY_FILE_OPTION,
    ORIGINS_OPTION,
    PSEUDONYMIZE_OPTION,
    app,
    err_console,
    privacy_key,
    progress_bar,
    reports_errors,
    show_identifiers_found,
)
from adcensus.errors import UsageError
from adcensus.outputs import refuse_overwrite
from adcensus.read import parse_role_overrides
from adcensus.settings import load_settings
from adcensus.tally import FORMATS, TallyOptions, parse_day, render, run_tally
from adcensus.write import atomic_write, parse_out_delimiter


@app.command()
@reports_errors
def tally(
    source: Path = typer.Argument(
        ..., metavar="SOURCE", help="A census store, a dedupe output folder, or an ad file."
    ),
    by: list[str] = typer.Option(
        [],
        "--by",
        help="Group by month, week, site, city, network, age_group, origin, kind, presentation "
        "or any column; repeat to combine.",
    ),
    since: str | None = typer.Option(
        None, "--since", help="First day counted: YYYY-MM-DD or YYYY-MM."
    ),
    until: str | None = typer.Option(
        None, "--until", help="Last day counted: YYYY-MM-DD or YYYY-MM."
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, csv, json, markdown or xlsx (default: table on a terminal, csv otherwise).",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        metavar="FILE",
        help="Write to FILE instead of stdout; .xlsx, .json or .md give the format.",
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing --out file."),
    out_delimiter: str = typer.Option(
        ";", "--out-delimiter", help="Delimiter of --format csv: ; (Excel in French), , or tab."
    ),
    col_specs: list[str] = typer.Option(
        [], "--col", metavar="ROLE=HEADER", help="With an ad file: give a column its role."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="With an ad file: settings file (default: ./adcensus.toml)."
    ),
    header_row: int | None = typer.Option(
        None,
        "--header-row",
        min=1,
        help="With an ad file: row of its headers, 1-based (default: found).",
    ),
    origins: Path | None = ORIGINS_OPTION,
    pseudonymize: bool = PSEUDONYMIZE_OPTION,
    key_file: Path | None = KEY_FILE_OPTION,
    funnel: bool = typer.Option(
        False, "--funnel", help="With a store: add contacted, replied and began_support."
    ),
) -> None:
    """Counts per month, week, site, city or network: ads, persons, new, returning, touring."""
    fmt = (fmt or _format_of(out) or ("table" if sys.stdout.isatty() else "csv")).lower()
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "table" and out is not None:
        raise UsageError("--out writes csv, json, markdown or xlsx; choose one with --format")
    if fmt == "xlsx" and out is None and sys.stdout.isatty():
        raise UsageError("--format xlsx writes a workbook: add --out FILE.xlsx")
    out_delimiter = parse_out_delimiter(out_delimiter, allowed=())
    if out is not None:
        refuse_overwrite(out, [source, *([config] if config is not None else [])], force)
    first = parse_day(since, "--since") if since else None
    last = parse_day(until, "--until", end=True) if until else None
    if first and last and first > last:
        raise UsageError(f"--since {since} is after --until {until}; swap them")
    columns = parse_role_overrides(col_specs)
    key = privacy_key(pseudonymize, key_file, False)
    with contextlib.contextmanager(progress_bar)() as progress:
        settings = load_settings(config).with_overrides(origins=str(origins) if origins else None)
        options = TallyOptions(by, first, last, settings, columns, header_row, key, funnel)
        run = run_tally(source, options, progress)
    show_identifiers_found(run.found)
    if not run.has_ads:
        err_console.print(
            f"[yellow]warning:[/] no ads in {escape(str(source))} for these dates", highlight=False
        )
    if fmt != "table":
        rendered = render(run.counts, fmt, out_delimiter)
        if out is None:
            typer.echo(rendered, nl=False)
        else:
            atomic_write(out, lambda handle: handle.write(rendered))
            err_console.print(
                f"wrote {len(run.counts):,} rows to {out}", markup=False, highlight=False
            )
        return
    table = _tally_table(run.shown, run.keys, run.total, source)
    Console(highlight=False, emoji=False).print(table)


_SUFFIX_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".md": "markdown"}


def _format_of(out: Path | None) -> str | None:
    """The format an --out file's name asks for, if any."""
    return None if out is None else _SUFFIX_FORMATS.get(out.suffix.lower())


_TALLY_HEADERS = {
    "doublon_rate": "doublon\nrate",
    "new_persons": "new",
    "returning_persons": "returning",
    "touring_persons": "touring",
    "persons_in_networks": "in\nnetworks",
    "began_support": "began\nsupport",
}


def _tally_table(counts: Any, keys: list[str], total: Any, source: Path) -> Table:
    table = Table(
        title=f"adcensus tally {escape(source.name)}",
        title_justify="left",
        box=None,
        pad_edge=False,
    )
    names = list(counts.columns)
    for position, name in enumerate(names):
        if position < len(keys):
            table.add_column(escape(name), no_wrap=True)
        else:
            table.add_column(_TALLY_HEADERS.get(name, name), justify="right")

    def cells(row: dict[str, Any]) -> list[str]:
        shown = []
        for name in names:
            value = row.get(name)
            if name == "doublon_rate":
                shown.append(f"{value:.1%}")
            elif isinstance(value, int):
                shown.append(f"{value:,}")
            else:
                shown.append("(none)" if value is None or value != value else escape(str(value)))
        return shown

    for row in counts.astype(object).to_dict("records"):
        table.add_row(*cells(row))
    if total is not None and len(total):
        row = total.astype(object).to_dict("records")[0]
        table.add_row("all", *[""] * (len(keys) - 1), *cells(row)[len(keys) :], style="bold")
    return table
