"""Writing a dedupe folder: the contract's files, built beside the folder and swapped in."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from adcensus.errors import UsageError
from adcensus.outputs.contract import (
    FOLDER_FILES,
    OUTPUT_FILES,
    SUMMARY_FILE,
    XLSX_FILE,
    DedupeResult,
    Summary,
)
from adcensus.progress import Progress, silent
from adcensus.write import (
    file_manifest,
    prepare_out_dir,
    replaced_folder,
    write_csvs,
    write_json,
    write_xlsx,
)


def write_outputs(
    result: DedupeResult,
    out_dir: Path,
    force: bool = False,
    delimiter: str = ";",
    progress: Progress | None = None,
    xlsx: bool = False,
) -> list[Path]:
    """Write the contract files (OUTPUT_FILES) into `out_dir`; return their paths.

    rejected.csv is written always, with its header only when no row was set aside, so
    that every dedupe folder has the same files. With `xlsx`, XLSX_FILE too (last). The
    folder is the unit: it is built beside `out_dir` and swapped into its place once
    complete (`adcensus.write.replaced_folder`), and summary.json names the other files
    of the run with their sizes and SHA-256 (`files`) and a `run_id` derived from them,
    which readers check (adcensus.outputs.reader).
    """
    note = progress or silent
    prepare_out_dir(out_dir, force)
    tables = (result.ads, result.persons, result.pairs, result.rejected)
    total, done = sum(len(table) for table in tables), 0
    if xlsx:  # the workbook's rows count once more
        total += len(result.persons) + len(result.ads) + len(result.pairs)
    note("write", 0, total)

    def written(table: pd.DataFrame) -> None:
        nonlocal done
        done += len(table)
        note("write", done, total)

    names = [*OUTPUT_FILES, *([XLSX_FILE] if xlsx else [])]
    with replaced_folder(out_dir, FOLDER_FILES) as building:
        paths = [building / name for name in OUTPUT_FILES]
        # One file after the other, but the next file's rows are built while one is
        # flushed to disk.
        write_csvs(list(zip(tables, paths, strict=False)), delimiter, written)
        if xlsx:
            sheets = [("persons", result.persons), ("ads", result.ads), ("pairs", result.pairs)]
            write_xlsx(sheets, building / XLSX_FILE)
            note("write", total, total)
        # summary.json last: it names the files written before it.
        manifest = file_manifest(building, [n for n in names if n != SUMMARY_FILE])
        write_json(with_manifest(result.summary, manifest), building / SUMMARY_FILE)
    return [out_dir / name for name in names]


def with_manifest(summary: Summary, manifest: dict[str, dict[str, Any]]) -> Summary:
    """`summary` with the `run_id` and `files` that tie a folder's files together."""
    return {**summary, "run_id": run_id_of(manifest), "files": manifest}


def run_id_of(manifest: dict[str, dict[str, Any]]) -> str:
    """A run's id, from the content of the files it wrote: the same inputs and settings
    give the same files, hence the same id (and a byte-identical summary.json)."""
    lines = "".join(f"{name}:{manifest[name]['sha256']}\n" for name in sorted(manifest))
    return hashlib.sha256(lines.encode()).hexdigest()[:16]


def refuse_overwrite(
    out: Path, inputs: Iterable[Path | str], force: bool = False, option: str = "-o"
) -> None:
    """Refuse an output path that is, holds, or lies inside an input of the command; refuse
    an existing file unless `force`.

    `inputs` are the files (or folders) the command reads; `-` (stdin) is skipped. A folder
    given as input counts by the dedupe files it holds (a report may go into the folder it
    reads, never over its ads.csv).
    """
    target = _resolved(out)
    for given in inputs:
        if str(given) == "-":
            continue
        source = _resolved(Path(given))
        sources = [source]
        if source.is_dir():
            sources = [source / name for name in FOLDER_FILES if (source / name).exists()]
        for path in sources:
            if path == target or target in path.parents or path in target.parents:
                raise UsageError(
                    f"{out}: is an input of this command ({given}); adcensus never writes over "
                    f"its inputs: choose another {option}"
                )
    if target.is_file() and not force:
        raise UsageError(f"{out}: exists; add --force to replace it or choose another {option}")


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except OSError:
        return path.absolute()


# Temporary folders (a store exported to be read by review, report, estimate) are named
# `adcensus-KIND-PID-…` in the system's temporary folder; those of a process that died
# without cleaning (kill -9) are removed by the next run after STALE_SECONDS.
