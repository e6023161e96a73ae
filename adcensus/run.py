"""`run_dedupe`: everything `adcensus dedupe` does, for a Python user.

    from adcensus.run import DedupeOptions, run_dedupe

    run = run_dedupe(["ads.csv"], DedupeOptions(out=Path("out"), sheet="Octobre"))
    run.summary["persons"]

It reads the inputs (sheet, delimiter, encoding, header row, column roles), obeys the
reviewed decisions of the folder or store, links, pseudonymises when given a key, and
writes the output folder, or loads a census store and exports it. The command line
parses its options into `DedupeOptions`, calls this, and prints what it is told: the
`Notice`s on the way (the columns found, the decisions obeyed, the identifiers replaced)
and the `DedupeRun` at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from adcensus.decisions import DECISIONS_FILE, decisions_path_for, decisions_to_obey
from adcensus.dedupe import dedupe_table
from adcensus.errors import UsageError
from adcensus.memory import check_cells_fit, check_fits
from adcensus.outputs import (
    DedupeResult,
    Summary,
    pseudonymize_result,
    refuse_overwrite,
    write_outputs,
)
from adcensus.progress import Progress, silent
from adcensus.read import read_ads
from adcensus.settings import Settings
from adcensus.store import LoadResult, export_store, load_into_store
from adcensus.write import prepare_out_dir


@dataclass(frozen=True)
class DedupeOptions:
    """The options of `adcensus dedupe`, one field per option (README, "dedupe")."""

    out: Path | None = None  # the output folder (default: <first input name>-adcensus/)
    force: bool = False  # replace a non-empty output folder
    columns: Mapping[str, str | Sequence[str]] | None = None  # roles given (--col)
    settings: Settings = field(default_factory=Settings)
    sheet: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    header_row: int | None = None
    out_delimiter: str = ";"
    xlsx: bool = False  # adcensus.xlsx beside the CSVs (--format xlsx)
    store: Path | None = None  # load into this census store (out: also export it)
    decisions: Path | None = None  # a decisions file or folder (default: the output's own)
    key: bytes | None = None  # pseudonymise the outputs with this key
    drop_text: bool = False  # with a key: drop the title and text columns
    workers: int | None = None  # processes scanning the ads (None: all cores)
    memory_check: bool = True  # refuse files too big for the free memory
    protect: tuple[Path, ...] = ()  # more files never to write over (the settings file)


@dataclass(frozen=True)
class TableRead:
    """The inputs are read: what reading noted, and the role each column was given."""

    notes: list[str]
    roles: dict[str, str]
    more_columns: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class DecisionsObeyed:
    """Reviewed decisions the linking obeys, from `path` (`given`: named by the user)."""

    path: Path
    decisions: pd.DataFrame
    given: bool


@dataclass(frozen=True)
class IdentifiersReplaced:
    """Phone numbers and urls found in cells of free text or of no role, per column,
    and replaced by keyed tokens."""

    found: dict[str, dict[str, int]]


Notice = TableRead | DecisionsObeyed | IdentifiersReplaced


@dataclass(frozen=True)
class DedupeRun:
    """What a run did: into a folder (`result`, written to `out`) or into a store
    (`load`, exported to `out` when asked)."""

    summary: Summary
    out: Path | None
    result: DedupeResult | None = None
    load: LoadResult | None = None

    def to_json(self) -> dict[str, Any]:
        """What `--json` prints: summary.json, and for a store the load's figures."""
        if self.load is not None:
            return {**self.summary, "load": self.load.to_dict()}
        return dict(self.summary)


def run_dedupe(
    inputs: Sequence[str],
    options: DedupeOptions | None = None,
    progress: Progress | None = None,
    notice: Callable[[Notice], None] | None = None,
) -> DedupeRun:
    """Do what `adcensus dedupe INPUTS` does with `options`; see the module docstring.

    Nothing is written over an input, the settings file or the store (`--out` inside
    an input is refused); a non-empty output folder is refused unless `force`.
    """
    options = options or DedupeOptions()
    tell = notice or (lambda _: None)
    if options.xlsx and options.store is not None and options.out is None:
        raise UsageError("--format xlsx with --store needs --out DIR, the folder to write it in")
    if options.memory_check:
        check_fits(inputs)
    sources: list[str | Path] = [*inputs, *options.protect]
    if options.store is not None:
        refuse_overwrite(options.store, sources, force=True, option="--store")
    if options.out is not None:
        store = [options.store] if options.store is not None else []
        refuse_overwrite(options.out, [*sources, *store], force=True)
    if options.store is not None:
        return _into_store(inputs, options, progress or silent, tell)
    first = inputs[0]
    out = options.out or Path(("stdin" if first == "-" else Path(first).stem) + "-adcensus")
    refuse_overwrite(out, sources, force=True)
    prepare_out_dir(out, options.force)
    decisions = _decisions(options.decisions, out / DECISIONS_FILE, tell)
    note = progress or silent
    note("read")
    table = read_ads(
        inputs,
        options.columns,
        sheet=options.sheet,
        delimiter=options.delimiter,
        encoding=options.encoding,
        header_row=options.header_row,
    )
    note("read", len(table.frame), len(table.frame))
    if options.memory_check:
        check_cells_fit(table.frame)
    tell(TableRead(list(table.notes), dict(table.roles), dict(table.more_columns)))
    result = dedupe_table(table, options.settings, note, decisions, options.workers)
    if options.key is not None:
        result = pseudonymize_result(result, options.key, options.drop_text)
        tell(IdentifiersReplaced(result.summary["pseudonymized"]["found_in_cells"]))
    write_outputs(
        result,
        out,
        force=True,
        delimiter=options.out_delimiter,
        progress=note,
        xlsx=options.xlsx,
    )
    return DedupeRun(summary=result.summary, out=out, result=result)


def _into_store(
    inputs: Sequence[str],
    options: DedupeOptions,
    progress: Progress,
    tell: Callable[[Notice], None],
) -> DedupeRun:
    """One load of `inputs` into `options.store`; with `options.out`, export the store."""
    assert options.store is not None
    decisions = _decisions(options.decisions, decisions_path_for(options.store), tell)
    if options.out is not None:
        prepare_out_dir(options.out, options.force)  # refuse a non-empty folder before the load
    loaded = load_into_store(
        options.store,
        inputs,
        options.settings,
        options.columns,
        progress,
        sheet=options.sheet,
        delimiter=options.delimiter,
        encoding=options.encoding,
        header_row=options.header_row,
        decisions=decisions,
    )
    if options.out is not None:
        export_store(
            options.store,
            options.out,
            force=True,
            delimiter=options.out_delimiter,
            xlsx=options.xlsx,
        )
    return DedupeRun(summary=loaded.summary, out=options.out, load=loaded)


def _decisions(
    given: Path | None, default: Path, tell: Callable[[Notice], None]
) -> pd.DataFrame | None:
    """The decisions to obey (adcensus.decisions.decisions_to_obey), told as a notice."""
    found = decisions_to_obey(given, default)
    if found is None:
        return None
    path, decisions = found
    tell(DecisionsObeyed(path, decisions, given is not None))
    return decisions
