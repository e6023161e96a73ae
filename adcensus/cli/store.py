"""`adcensus store info|check|export` and `adcensus tally`, and loading a store from `dedupe`."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import typer

# This section keeps its own imports, so that it can be edited apart from the rest.
from rich.console import Console as _Console
from rich.markup import escape
from rich.table import Table

from adcensus.cli.base import (
    DROP_TEXT_OPTION,
    KEY_FILE_OPTION,
    ORIGINS_OPTION,
    OUT_DELIMITER_OPTION,
    OUT_FORMAT_OPTION,
    PSEUDONYMIZE_OPTION,
    PlainGroup,
    _privacy_key,
    _progress,
    _show_roles,
    app,
    err_console,
    parse_out_format,
    reports_errors,
    show_identifiers_found,
)
from adcensus.dedupe import XLSX_FILE
from adcensus.errors import InputError, UsageError
from adcensus.outputs import read_summary
from adcensus.privacy import export_store_pseudonymized
from adcensus.progress import Progress
from adcensus.read import parse_role_overrides
from adcensus.settings import Settings, load_settings
from adcensus.store import LoadResult, export_store, load_into_store, store_info
from adcensus.store.schema import DAMAGED, integrity_problems
from adcensus.tally import FORMATS, mask_keys, parse_day, pseudonymize_keys, read_source, render
from adcensus.tally import tally as tally_counts
from adcensus.write import (
    atomic_write,
    json_text,
    parse_out_delimiter,
    prepare_out_dir,
    refuse_overwrite,
)

store_app = typer.Typer(
    help="Look into a census store made by `adcensus dedupe --store`, or export it.",
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=PlainGroup,
)
app.add_typer(store_app, name="store")

_STORE_STAGES = {
    "store": "Reading the census store",
    "reconcile": "Keeping person ids stable",
    "commit": "Saving the census store",
}


def _store_stages(progress: Progress) -> Progress:
    """`progress` with the store's own stages named for people."""

    def report(stage: str, done: int | None = None, total: int | None = None) -> None:
        progress(_STORE_STAGES.get(stage, stage), done, total)

    return report


def _dedupe_into_store(
    store: Path,
    inputs: list[str],
    columns: dict[str, str | tuple[str, ...]],
    settings: Settings,
    read_options: dict[str, Any],
    out: Path | None,
    force: bool,
    out_delimiter: str,
    as_json: bool,
    decisions: Any = None,
    xlsx: bool = False,
) -> None:
    """`adcensus dedupe INPUT... --store PATH`: one load into the store; with --out, export."""
    if out is not None:
        prepare_out_dir(out, force)  # refuse a non-empty folder before the load, not after
    with contextlib.contextmanager(_progress)() as progress:
        loaded = load_into_store(
            store,
            inputs,
            settings,
            columns,
            _store_stages(progress),
            sheet=read_options["sheet"],
            delimiter=read_options["delimiter"],
            encoding=read_options["encoding"],
            header_row=read_options["header_row"],
            decisions=decisions,
        )
    for note in loaded.notes:
        err_console.print(note, highlight=False, markup=False)
    for file in loaded.files:
        _show_roles(file.roles)
    _show_load(loaded)
    if out is not None:
        export_store(store, out, force=True, delimiter=out_delimiter, xlsx=xlsx)
        err_console.print(
            f"exported to [bold]{escape(str(out))}[/]/ (ads.csv, persons.csv, pairs.csv, rejected.csv, "
            f"summary.json{', ' + XLSX_FILE if xlsx else ''})"
        )
    if as_json:
        typer.echo(json_text({**loaded.summary, "load": loaded.to_dict()}), nl=False)


def _show_load(loaded: LoadResult) -> None:
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
        return
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
    key = _privacy_key(pseudonymize, key_file, drop_text)
    refuse_overwrite(out, [store], force=True)
    prepare_out_dir(out, force)
    if key is not None:
        export_store_pseudonymized(store, out, key, True, out_delimiter, drop_text, xlsx)
        show_identifiers_found(read_summary(out)["pseudonymized"]["found_in_cells"])
    else:
        export_store(store, out, force=True, delimiter=out_delimiter, xlsx=xlsx)
    err_console.print(
        f"exported {escape(str(store))} to [bold]{escape(str(out))}[/]/ (ads.csv, persons.csv, "
        f"pairs.csv, rejected.csv, summary.json{', ' + XLSX_FILE if xlsx else ''})"
    )


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
    key = _privacy_key(pseudonymize, key_file, False)
    with contextlib.contextmanager(_progress)() as progress:
        settings = load_settings(config).with_overrides(origins=str(origins) if origins else None)
        data, keys = read_source(
            source, by, settings, columns, progress, header_row=header_row, funnel=funnel
        )
    if key is not None:
        found: dict[str, dict[str, int]] = {}
        data = pseudonymize_keys(data, key, found)
        show_identifiers_found(found)
    counts = tally_counts(data, keys, first, last, funnel)
    if counts.empty or not counts["ads"].sum():
        err_console.print(
            f"[yellow]warning:[/] no ads in {escape(str(source))} for these dates", highlight=False
        )
    if fmt != "table":
        rendered = render(counts, fmt, out_delimiter)
        if out is None:
            typer.echo(rendered, nl=False)
        else:
            atomic_write(out, lambda handle: handle.write(rendered))
            err_console.print(f"wrote {len(counts):,} rows to {out}", markup=False, highlight=False)
        return
    total = tally_counts(data, [], first, last, funnel) if keys else None
    shown = counts if key is not None else mask_keys(counts, keys, data)
    _Console(highlight=False, emoji=False).print(_tally_table(shown, keys, total, source))


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
