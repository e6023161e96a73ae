"""`adcensus outreach` (the list of persons to reach) and `adcensus contact` (its log)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from adcensus.cli.base import app, err_console, reports_errors
from adcensus.errors import UsageError
from adcensus.outreach import (
    CLEAR_NUMBERS_WARNING,
    DEFAULT_SINCE_DAYS,
    read_contact_sheet,
    run_outreach,
)
from adcensus.store.contacts import ContactEntry, record_contacts
from adcensus.store.schema import CONTACT_STATUSES


@app.command()
@reports_errors
def outreach(
    source: Path = typer.Argument(
        ..., metavar="DIR|STORE", help="A dedupe output folder or a census store."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="The list to write: .csv or .xlsx."),
    since: int = typer.Option(
        DEFAULT_SINCE_DAYS,
        "--since",
        min=0,
        help="Days before the latest ad within which a person counts as active.",
    ),
    rules_file: Path | None = typer.Option(
        None, "--rules", help="TOML file of message-version rules (docs/outreach-rules.md)."
    ),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="csv or xlsx (default: from the file name, else csv)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing list."),
) -> None:
    """The persons still active, with the number to write to: a list for the field team."""
    run = run_outreach(source, out, since, rules_file, fmt, force)
    listed, written = run.listed, run.written
    for note in listed.notes:
        err_console.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
    window = f"{listed.since} to {listed.latest}" if listed.latest else "no dated ad"
    err_console.print(
        f"{len(listed.table):,} of {listed.persons:,} persons active ({window}) written to "
        f"{out} ({written}, readable by you only)",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if listed.undated:
        err_console.print(
            f"{listed.undated:,} persons with no dated ad left out", markup=False, highlight=False
        )
    if listed.without_phone:
        err_console.print(
            f"{listed.without_phone:,} of them show no phone number", markup=False, highlight=False
        )
    if run.has_contact_log:
        done = int((listed.table["contacted"] == "yes").sum())
        err_console.print(
            f"{done:,} of them already contacted (see the contacted column)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    err_console.print(
        f"warning: {out} {CLEAR_NUMBERS_WARNING}", markup=False, highlight=False, soft_wrap=True
    )


@app.command()
@reports_errors
def contact(
    store: Path = typer.Argument(..., metavar="STORE", help="A census store file."),
    person: str | None = typer.Argument(
        None, metavar="PERSON", help="The person's id, e.g. P000012."
    ),
    status: str | None = typer.Option(
        None, "--status", help=f"What came of it: {', '.join(CONTACT_STATUSES)}."
    ),
    day: str | None = typer.Option(
        None, "--date", metavar="YYYY-MM-DD", help="The day of the contact (default: today)."
    ),
    note_id: str | None = typer.Option(
        None, "--note-id", metavar="ID", help="An id into your own notes (never the note)."
    ),
    sheet: Path | None = typer.Option(
        None,
        "--import",
        metavar="FILE",
        help="Record every row of an .xlsx or .csv with person_id, status, date[, note_id].",
    ),
) -> None:
    """Record a contact with a person in the store's contact log (status and day only)."""
    if sheet is not None:
        if person is not None or status is not None or day is not None or note_id is not None:
            raise UsageError("--import records a whole sheet; give no PERSON, --status or --date")
        read = read_contact_sheet(sheet)
        recorded = record_contacts(store, read.entries)
        rows = "row" if read.skipped == 1 else "rows"
        skipped = f"; {read.skipped:,} {rows} without a status skipped" if read.skipped else ""
        persons = len(set(recorded))
        err_console.print(
            f"recorded {len(recorded):,} contact{'s' * (len(recorded) != 1)} for {persons:,} "
            f"person{'s' * (persons != 1)} from "
            f"{sheet} in {store}{skipped}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        return
    if person is None or status is None:
        raise UsageError("give PERSON and --status (or --import FILE)")
    entry = ContactEntry(person, status.strip().lower(), day or date.today().isoformat(), note_id)
    (current,) = record_contacts(store, [entry])
    through = f" (now {current})" if current != person.strip() else ""
    err_console.print(
        f"recorded: {person}{through} {entry.status} on {entry.date}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
