"""`adcensus dedupe`: read ad files, link them, write the output contract (or load a store)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from adcensus.cli.base import (
    DROP_TEXT_OPTION,
    KEY_FILE_OPTION,
    ORIGINS_OPTION,
    OUT_DELIMITER_OPTION,
    OUT_FORMAT_OPTION,
    PSEUDONYMIZE_OPTION,
    app,
    err_console,
    parse_out_format,
    privacy_key,
    progress_bar,
    reports_errors,
    show_identifiers_found,
    show_load,
    show_roles,
    store_stages,
)
from adcensus.outputs import XLSX_FILE, Summary
from adcensus.quality import quality_lines
from adcensus.read import parse_role_overrides
from adcensus.run import (
    DecisionsObeyed,
    DedupeOptions,
    IdentifiersReplaced,
    Notice,
    TableRead,
    run_dedupe,
)
from adcensus.settings import load_settings, parse_setting
from adcensus.write import json_text, parse_out_delimiter


def _show_summary(summary: Summary, out_dir: Path | None, xlsx: bool = False) -> None:
    table = Table(title="adcensus dedupe", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("ads", f"{summary['ads']:,}")
    table.add_row("persons", f"{summary['persons']:,}")
    table.add_row("doublon rate", f"{summary['doublon_rate']:.1%}")
    table.add_row("networks", f"{summary['networks']:,}")
    table.add_row("ads without a phone", f"{summary['ads_without_phone']:,}")
    phones = summary["phones"]
    table.add_row(
        "phone numbers",
        f"{phones['distinct']:,} ({phones['fictional']:,} fictional, "
        f"{phones['unallocated']:,} unallocated)",
    )
    table.add_row("rows flagged while reading", f"{summary['flagged_rows']:,}")
    table.add_row("doubtful links to review", f"{summary['pairs_to_review']:,}")
    err_console.print(table)
    per_site = summary.get("ads_per_site") or {}
    if per_site:
        sites = Table()
        sites.add_column(f"site ({len(per_site)})")
        sites.add_column("ads", justify="right")
        shown = list(per_site.items())
        for name, count in shown[:10]:
            sites.add_row(escape(name), f"{count:,}")
        if len(shown) > 10:
            sites.add_row(f"… {len(shown) - 10} more sites", f"{sum(c for _, c in shown[10:]):,}")
        err_console.print(sites)
    for line in quality_lines(summary.get("data_quality") or {}):
        warning = line.startswith("warning: ")
        style = "yellow" if warning else ("bold" if not line.startswith(" ") else None)
        err_console.print(line, style=style, highlight=False, markup=False, soft_wrap=True)
    if out_dir is not None:
        err_console.print(
            f"written to [bold]{escape(str(out_dir))}[/]/ (ads.csv, persons.csv, pairs.csv, "
            f"rejected.csv, summary.json{', ' + XLSX_FILE if xlsx else ''})",
            highlight=False,
            soft_wrap=True,  # a line cut at 80 columns reads as two
        )


def show_model(model: dict[str, Any]) -> None:
    """The learned weights as a table on stderr: each field's levels, m, u and bits."""
    table = Table(title=f"weights ({model['note']})", title_justify="left")
    for column, justify in (("field", "left"), ("level", "left"), ("m", "right"), ("u", "right"), ("bits", "right")):  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for field, levels in model["weights"].items():
        for k, (level, value) in enumerate(levels.items()):
            table.add_row(
                escape(field) if k == 0 else "",
                escape(level),
                f"{value['m']:.3g}",
                f"{value['u']:.3g}",
                f"{value['bits']:+.1f}",
            )
    err_console.print(table)
    share = model["match_share"]
    err_console.print(
        f"one person in {share:.1%} of {model['candidate_pairs']:,} candidate pairs; "
        f"decorations learned: {', '.join(model.get('decorations', [])) or 'none'}",
        highlight=False,
        markup=False,
    )


@app.command()
@reports_errors
def dedupe(
    inputs: list[str] = typer.Argument(
        ...,
        metavar="INPUT...",
        help="Ad files (CSV/TSV, XLSX, JSON lines or array, Parquet); - reads CSV from stdin.",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder (default: <first input name>-adcensus/)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite a non-empty output folder."),
    col_specs: list[str] = typer.Option(
        [],
        "--col",
        metavar="ROLE=HEADER",
        help="Give a column its role, e.g. --col phone='N° tel'. Repeatable; phone may take several.",
    ),
    region: str | None = typer.Option(
        None, "--region", help="Country for numbers written without +CC (default: FR)."
    ),
    threshold: float | None = typer.Option(
        None,
        "--threshold",
        min=0.0,
        max=1.0,
        help="Link pairs whose match probability is at least this (default: 0.5).",
    ),
    compare: list[str] = typer.Option(
        [],
        "--compare",
        metavar="COL",
        help="Also compare this column (exact, similar, different; weights learned). Repeatable.",
    ),
    show_weights: bool = typer.Option(
        False, "--show-weights", help="Print the weights learned from this census."
    ),
    set_specs: list[str] = typer.Option(
        [],
        "--set",
        metavar="NAME=VALUE",
        help="Change one linking setting, e.g. --set max_phones=3. Repeatable.",
    ),
    config: Path | None = typer.Option(
        None, "--config", help="Settings file (default: ./adcensus.toml when present)."
    ),
    delimiter: str | None = typer.Option(
        None,
        "--delimiter",
        "-d",
        help="Delimiter of CSV inputs (default: detected; 'tab' for tabs).",
    ),
    encoding: str | None = typer.Option(
        None, "--encoding", "-e", help="Encoding of CSV inputs, e.g. cp1252 (default: detected)."
    ),
    sheet: str | None = typer.Option(
        None, "--sheet", help="XLSX sheet, by name or 1-based number (default: first non-empty)."
    ),
    header_row: int | None = typer.Option(
        None,
        "--header-row",
        min=1,
        help="Row of the headers in CSV/XLSX inputs, 1-based (default: found; rows above skipped).",
    ),
    out_delimiter: str = OUT_DELIMITER_OPTION,
    out_format: str = OUT_FORMAT_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print summary.json on stdout."),
    store: Path | None = typer.Option(
        None,
        "--store",
        help="Add the ads to this census store (created if missing); --out then also exports.",
    ),
    decisions_file: Path | None = typer.Option(
        None,
        "--decisions",
        help="Reviewed decisions to obey (default: review.jsonl of the output folder, if any).",
    ),
    origins: Path | None = ORIGINS_OPTION,
    pseudonymize: bool = PSEUDONYMIZE_OPTION,
    key_file: Path | None = KEY_FILE_OPTION,
    drop_text: bool = DROP_TEXT_OPTION,
    workers: int = typer.Option(
        0, "--workers", "-j", min=0, help="Processes for scanning ads (0: all cores)."
    ),
    memory_check: bool = typer.Option(
        True,
        "--memory-check/--no-memory-check",
        help="Refuse files too big for this machine's free memory (default: on).",
    ),
) -> None:
    """Find the distinct persons behind ad files, and write ads, persons, pairs and a summary."""
    key = privacy_key(pseudonymize, key_file, drop_text, store is not None)
    settings = load_settings(config).with_overrides(**dict(parse_setting(x) for x in set_specs))
    settings = settings.with_overrides(
        region=region.upper() if region else None,
        link_threshold=threshold,
        compare=tuple(compare) or None,
        origins=str(origins) if origins else None,
    )
    options = DedupeOptions(
        out=out,
        force=force,
        columns=parse_role_overrides(col_specs),
        settings=settings,
        sheet=sheet,
        delimiter=delimiter,
        encoding=encoding,
        header_row=header_row,
        out_delimiter=parse_out_delimiter(out_delimiter),
        xlsx=parse_out_format(out_format),
        store=store,
        decisions=decisions_file,
        key=key,
        drop_text=drop_text,
        workers=workers or None,
        memory_check=memory_check,
        protect=(config,) if config is not None else (),
    )
    with contextlib.contextmanager(progress_bar)() as progress:
        if store is not None:
            progress = store_stages(progress)
        run = run_dedupe(inputs, options, progress, show_notice)
    if run.load is not None:
        show_load(run.load, run.out, options.xlsx)
    else:
        _show_summary(run.summary, run.out, options.xlsx)
        if show_weights:
            show_model(run.summary["model"])
    if as_json:
        typer.echo(json_text(run.to_json()), nl=False)


def show_notice(notice: Notice) -> None:
    """Print on stderr what a run tells on its way (adcensus.run.Notice)."""
    if isinstance(notice, TableRead):
        for note in notice.notes:
            err_console.print(note, highlight=False, markup=False)
        show_roles(notice.roles, notice.more_columns)
    elif isinstance(notice, DecisionsObeyed):
        counts = notice.decisions["decision"].value_counts()
        err_console.print(
            f"obeying {len(notice.decisions):,} reviewed decisions from "
            f"{escape(str(notice.path))} ({int(counts.get('y', 0)):,} same person, "
            f"{int(counts.get('n', 0)):,} different)"
            + ("" if notice.given else "; give --decisions FILE to use another file"),
            highlight=False,
            soft_wrap=True,
        )
    elif isinstance(notice, IdentifiersReplaced):
        show_identifiers_found(notice.found)
