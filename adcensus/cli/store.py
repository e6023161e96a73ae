"""`adcensus store info|check|export`: look into a census store, or export it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from adcensus.cli.base import (
    DROP_TEXT_OPTION,
    KEY_FILE_OPTION,
    OUT_DELIMITER_OPTION,
    OUT_FORMAT_OPTION,
    PSEUDONYMIZE_OPTION,
    PlainGroup,
    app,
    err_console,
    parse_out_format,
    privacy_key,
    reports_errors,
    show_identifiers_found,
)
from adcensus.errors import InputError
from adcensus.outputs import XLSX_FILE, read_summary, refuse_overwrite
from adcensus.store import export_store, store_info
from adcensus.store.schema import DAMAGED, integrity_problems
from adcensus.write import json_text, parse_out_delimiter, prepare_out_dir

store_app = typer.Typer(
    help="Look into a census store made by `adcensus dedupe --store`, or export it.",
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=PlainGroup,
)
app.add_typer(store_app, name="store")


@store_app.command("info")
@reports_errors
def store_info_command(
    store: Path = typer.Argument(..., metavar="STORE", help="A census store file."),
    as_json: bool = typer.Option(False, "--json", help="Print the description as JSON on stdout."),
) -> None:
    """What a census store holds: ads, persons, merges, splits, dates and each load."""
    info = store_info(store)
    table = Table(
        title=f"adcensus store {escape(str(store))}", show_header=False, title_justify="left"
    )
    table.add_column(style="bold")
    table.add_column(justify="right")
    for label, key in (
        ("ads", "ads"),
        ("persons", "persons"),
        ("person ids given", "person_ids_given"),
        ("person ids merged into another", "person_ids_merged"),
        ("networks", "networks"),
        ("merges", "merges"),
        ("splits", "splits"),
        ("ads without a date", "ads_without_date"),
    ):
        table.add_row(label, f"{info[key]:,}")
    table.add_row("doublon rate", f"{info['doublon_rate']:.1%}")
    table.add_row("ads dated", f"{info['first_ad_date']} to {info['last_ad_date']}")
    table.add_row("created", f"{info['created_at']} ({info['created_by']})")
    table.add_row("size", f"{info['size_bytes'] / 1e6:,.1f} MB")
    err_console.print(table)
    loads = Table(title="loads", title_justify="left")
    for name in ("load", "finished", "files", "added", "new persons", "merges", "splits"):
        loads.add_column(name, justify="left" if name == "files" else "right")
    for load in info["load_history"]:
        loads.add_row(
            str(load["load_id"]),
            str(load["finished_at"]),
            escape(", ".join(f["path"] for f in load["files"])),
            f"{load['added']:,}",
            f"{load['persons_new']:,}",
            f"{load['merges']:,}",
            f"{load['splits']:,}",
        )
    err_console.print(loads)
    if as_json:
        typer.echo(json_text(info), nl=False)


@store_app.command("check")
@reports_errors
def store_check_command(
    store: Path = typer.Argument(..., metavar="STORE", help="A census store file."),
) -> None:
    """Check every page of a census store (SQLite's integrity_check): ok, or damaged."""
    problems = integrity_problems(store)
    if problems:
        raise InputError(
            f"{store}: {DAMAGED} ({len(problems):,} problem(s) found by SQLite's "
            f"integrity_check, the first: {problems[0]})"
        )
    err_console.print(f"{escape(str(store))}: ok, no damage found", highlight=False)


@store_app.command("export")
@reports_errors
def store_export_command(
    store: Path = typer.Argument(..., metavar="STORE", help="A census store file."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder."),
    force: bool = typer.Option(False, "--force", help="Overwrite a non-empty output folder."),
    out_delimiter: str = OUT_DELIMITER_OPTION,
    out_format: str = OUT_FORMAT_OPTION,
    pseudonymize: bool = PSEUDONYMIZE_OPTION,
    key_file: Path | None = KEY_FILE_OPTION,
    drop_text: bool = DROP_TEXT_OPTION,
) -> None:
    """Write a store's ads, persons, pairs and summary, the files `adcensus dedupe` writes."""
    out_delimiter = parse_out_delimiter(out_delimiter)
    xlsx = parse_out_format(out_format)
    key = privacy_key(pseudonymize, key_file, drop_text)
    refuse_overwrite(out, [store], force=True)
    prepare_out_dir(out, force)
    export_store(
        store, out, force=True, delimiter=out_delimiter, xlsx=xlsx, key=key, drop_text=drop_text
    )
    if key is not None:
        show_identifiers_found(read_summary(out)["pseudonymized"]["found_in_cells"])
    err_console.print(
        f"exported {escape(str(store))} to [bold]{escape(str(out))}[/]/ (ads.csv, persons.csv, "
        f"pairs.csv, rejected.csv, summary.json{', ' + XLSX_FILE if xlsx else ''})"
    )
