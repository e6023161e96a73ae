"""`adcensus report`: the self-contained HTML report."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from adcensus.cli.base import (
    KEY_FILE_OPTION,
    OUTPUT_DIR_ARGUMENT,
    PSEUDONYMIZE_OPTION,
    app,
    err_console,
    privacy_key,
    reports_errors,
)
from adcensus.errors import UsageError


@app.command()
@reports_errors
def report(
    directory: Path = OUTPUT_DIR_ARGUMENT,
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="HTML file to write (default: DIR/rapport.html in French, DIR/report.html in English).",
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="fr or en (default: fr where the locale is French, else en)."
    ),
    min_count: int = typer.Option(
        1, "--min-count", help="Write counts below this as '< K', so no person can be singled out."
    ),
    show_identifiers: bool = typer.Option(
        False,
        "--show-identifiers",
        help="Also show pseudonyms and phone numbers (never by default).",
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing report file."),
    png: Path | None = typer.Option(
        None, "--png", metavar="DIR", help="Also write each chart as a PNG there (needs Chromium)."
    ),
    pseudonymize: bool = PSEUDONYMIZE_OPTION,
    key_file: Path | None = KEY_FILE_OPTION,
) -> None:
    """Write a self-contained HTML report with charts, in French or English, that opens offline."""
    from adcensus.report import NO_IDENTIFIERS_TO_REPLACE, run_report

    if pseudonymize and not show_identifiers:
        raise UsageError(NO_IDENTIFIERS_TO_REPLACE)
    key = privacy_key(pseudonymize, key_file, False)
    run = run_report(directory, out, lang, min_count, show_identifiers, key, png, force)
    built, target, written = run.report, run.target, run.written
    pngs, charts = len(written) - 1, len(built.charts)
    extra = (
        f" and {pngs} PNG chart{'s' * (pngs != 1)} to [bold]{escape(str(png))}[/]"
        if png is not None
        else ""
    )
    err_console.print(
        f"wrote the report to [bold]{escape(str(target))}[/] ({charts} chart{'s' * (charts != 1)}){extra}",
        highlight=False,
        soft_wrap=True,
    )
