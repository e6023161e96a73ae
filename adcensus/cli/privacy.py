"""`adcensus keygen` and `adcensus store forget`, and the key for `--pseudonymize`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from adcensus.cli.base import app, err_console, reports_errors
from adcensus.cli.store import store_app
from adcensus.errors import UsageError
from adcensus.privacy import (
    default_key_file,
    generate_key,
)
from adcensus.store.forget import Forgotten
from adcensus.store.forget import forget as forget_in_store


@app.command()
@reports_errors
def keygen(
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Key file to write (default: ~/.config/adcensus/key)."
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing key file."),
) -> None:
    """Make a secret key for --pseudonymize, in a file only you can read (mode 0600)."""
    path = generate_key(out if out is not None else default_key_file(), force=force)
    typer.echo(str(path))
    err_console.print(
        f"key written to {path} (readable by you only). Keep it secret and backed up: the "
        "same key links this month's tokens with next month's; anyone holding it can test "
        "a phone number against the tokens.",
        markup=False,
        highlight=False,
    )


@store_app.command("forget")
@reports_errors
def store_forget_command(
    store: Path = typer.Argument(..., metavar="STORE", help="A census store file."),
    phones: list[str] = typer.Option(
        [], "--phone", metavar="NUMBER", help="Forget the persons showing this number. Repeatable."
    ),
    persons: list[str] = typer.Option(
        [], "--person", metavar="ID", help="Forget this person id, e.g. P000012. Repeatable."
    ),
    region: str = typer.Option(
        "FR", "--region", help="Country for numbers written without +CC (default: FR)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would go; change nothing."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete persons and all their ads from a store, in one transaction, then vacuum it."""
    planned = forget_in_store(store, phones, persons, region.upper(), dry_run=True)
    what = f"{planned.persons:,} person id(s) and {planned.ads:,} ad(s)" + _contacts(planned)
    finish = "compact the file after the earlier forget" if planned.finished_earlier else ""
    if dry_run:
        would = f"forget {what}" if planned.persons else "forget nothing more"
        err_console.print(
            f"would {would} from {store}" + (f", and {finish}" if finish else ""),
            markup=False,
            highlight=False,
        )
        return
    if planned.persons == 0:  # only an earlier forget to finish: nothing to confirm
        forget_in_store(store, phones, persons, region.upper())
        err_console.print(
            f"already forgotten; finished the earlier forget: {store} compacted",
            markup=False,
            highlight=False,
        )
        return
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"this forgets {what}; add --yes to confirm without a question")
        typer.confirm(f"Forget {what} from {store}? This cannot be undone", abort=True, err=True)
    done = forget_in_store(store, phones, persons, region.upper())
    err_console.print(
        f"forgot {done.persons:,} person id(s) and {done.ads:,} ad(s){_contacts(done)} from "
        f"{store}; "
        "delete them from the source files too, or the next load adds them again",
        markup=False,
        highlight=False,
    )


def _contacts(forgotten: Forgotten) -> str:
    """ ", with N contact log entries" when the forget takes some, else nothing."""
    return f", with {forgotten.contacts:,} contact log entries" if forgotten.contacts else ""
