"""`adcensus review`: confirm doubtful links; and the decisions `dedupe` obeys."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import typer

# This section keeps its own imports, so that it can be edited apart from the rest.
from rich.markup import escape as _escape

from adcensus.cli.base import (
    DROP_TEXT_OPTION,
    KEY_FILE_OPTION,
    OUTPUT_DIR_ARGUMENT,
    PSEUDONYMIZE_OPTION,
    app,
    err_console,
    privacy_key,
    progress_bar,
    reports_errors,
)
from adcensus.decisions import (
    check_writable,
)
from adcensus.errors import UsageError
from adcensus.outputs import refuse_overwrite

# Rows of a review spreadsheet by default: an afternoon's work, and a sheet that opens fast.
EXPORT_LIMIT = 500


@app.command()
@reports_errors
def review(
    directory: Path = OUTPUT_DIR_ARGUMENT,
    sample: int | None = typer.Option(
        None,
        "--sample",
        min=1,
        metavar="N",
        help="Review a random sample of N links (not only doubtful ones) to measure precision.",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the --sample draw."),
    show_phones: bool = typer.Option(
        False, "--show-phones", help="Show phone numbers in full (masked by default)."
    ),
    export: Path | None = typer.Option(
        None, "--export", metavar="FILE.xlsx", help="Write the pairs to a spreadsheet instead."
    ),
    import_file: Path | None = typer.Option(
        None, "--import", metavar="FILE.xlsx", help="Read the decisions of such a spreadsheet."
    ),
    limit: int | None = typer.Option(
        None,
        "--limit",
        min=1,
        metavar="N",
        help=f"Rows of an --export at most: doubtful links first (default {EXPORT_LIMIT}).",
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --export file."),
    pseudonymize: bool = PSEUDONYMIZE_OPTION,
    key_file: Path | None = KEY_FILE_OPTION,
    drop_text: bool = DROP_TEXT_OPTION,
) -> None:
    """Look at doubtful links two ads side by side and decide; the next dedupe obeys."""
    from adcensus.review import (
        build_queue,
        import_review,
        open_source,
        pending,
        run_review,
    )

    if export is not None and import_file is not None:
        raise UsageError("give --export or --import, not both")
    if limit is not None and export is None:
        raise UsageError("--limit goes with --export: the screen shows one pair at a time")
    if import_file is not None and sample is not None:
        raise UsageError("--import takes each row's mode from the sheet; drop --sample")
    if pseudonymize and export is None:
        raise UsageError(
            "--pseudonymize goes with --export: the screen masks numbers already, and "
            "--import reads decisions by pair id, with no key"
        )
    if pseudonymize and show_phones:
        raise UsageError("--pseudonymize writes tokens instead of numbers; drop --show-phones")
    key = privacy_key(pseudonymize, key_file, drop_text)
    if export is not None:  # an existing file is refused without --force by export_review
        refuse_overwrite(export, [directory], force=True, option="--export")
    source = open_source(directory)
    where = _escape(str(source.decisions_path))
    if import_file is not None:
        check_writable(source.decisions_path)
        imported = import_review(import_file, source)
        saved = imported.saved
        err_console.print(
            f"{sum(saved.values()):,} decisions imported to {where} ({saved['y']:,} same "
            f"person, {saved['n']:,} different, {saved['s']:,} skip); {imported.unchanged:,} "
            f"unchanged, {imported.empty:,} rows without a decision",
            highlight=False,
            soft_wrap=True,
        )
        _review_next_step(source)
        return
    if export is not None:
        _review_export(
            source, export, limit or EXPORT_LIMIT, sample, seed, show_phones, force, key, drop_text
        )
        return
    mode, pairs = build_queue(source, sample, seed)
    todo = pending(pairs)
    if not pairs:
        err_console.print(
            f"no pairs to review in {_escape(str(directory))}.", highlight=False, soft_wrap=True
        )
        return
    if not todo:
        err_console.print(
            f"nothing left to review: {len(pairs):,} pairs, all decided in {where}.",
            highlight=False,
            soft_wrap=True,
        )
        _review_next_step(source)
        return
    check_writable(source.decisions_path)  # before the first question, not at its answer
    outcome = run_review(source, todo, mode, err_console, show_phones)
    if outcome.finished:
        err_console.print(
            f"done: {_count_decisions(outcome.decided)} saved to {where} "
            f"({outcome.skipped:,} skipped, shown again next time).",
            highlight=False,
            soft_wrap=True,
        )
        _review_next_step(source)
    else:
        err_console.print(
            f"{_count_decisions(outcome.decided)} saved to {where}; {outcome.left:,} "
            f"pair{'' if outcome.left == 1 else 's'} left; "
            "run again to resume.",
            highlight=False,
            soft_wrap=True,
        )


def _review_export(
    source: Any,
    export: Path,
    limit: int,
    sample: int | None,
    seed: int,
    show_phones: bool,
    force: bool,
    key: bytes | None,
    drop_text: bool,
) -> None:
    """Write the review spreadsheet and say what it holds, and what did not fit."""
    from adcensus.review import export_for_review

    with contextlib.contextmanager(progress_bar)() as progress:
        sheet = export_for_review(
            source, export, limit, sample, seed, show_phones, force, key, drop_text, progress
        )
    written, sampled, left_out = sheet.written, sheet.sampled, sheet.left_out
    doubtful = written - sampled
    if sample is not None:
        what = f"{written:,} links of the random sample of {sample:,} (seed {seed}) still to answer"
    else:
        what = f"{doubtful:,} doubtful links to review"
        if sampled:
            what += f", then {sampled:,} links drawn at random (seed {seed}) to measure precision"
    more = (
        f"; {left_out:,} more {'sampled links' if sample is not None else 'doubtful links'} "
        f"did not fit (--limit {limit}): export again after importing this one"
        if left_out
        else ""
    )
    where = _escape(str(source.location))
    err_console.print(
        f"wrote {written:,} pairs to [bold]{_escape(str(export))}[/]: {what}{more}. Choose a "
        f"decision on each row, then: adcensus review {where} --import {_escape(str(export))}",
        highlight=False,
        soft_wrap=True,
    )


def _count_decisions(count: int) -> str:
    return f"{count:,} decision" + ("" if count == 1 else "s")


def _review_next_step(source: Any) -> None:
    """Say how the decisions reach the counts."""
    if source.is_store:
        err_console.print(
            "loads into a store do not apply reviewed decisions yet; they are kept for when "
            "they do.",
            highlight=False,
            soft_wrap=True,
        )
        return
    inputs = " ".join(_escape(i) for i in source.inputs) or "INPUT..."
    err_console.print(
        f"apply them: adcensus dedupe {inputs} --out {_escape(str(source.location))} --force "
        "(with the options of the first run)",
        highlight=False,
        soft_wrap=True,
    )
