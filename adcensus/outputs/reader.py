"""Reading a dedupe output folder back: the one place its CSVs and summary are parsed.

`estimate`, `review`, `report`, `explain`, `tally`, `evaluate` and `outreach` read the
folder `adcensus dedupe` (or `store export`) wrote. Its CSVs
are UTF-8 with a BOM and `;`, `,` or tab as delimiter (`--out-delimiter`); every
value is read back as text, exactly as written.

summary.json names the files of its run with their sizes and SHA-256 (`files`, since
issue 15): a folder whose files do not all belong to that run (an older file left by a
failed write, a file copied in) is refused as mixed. Folders of older versions, without
`files`, are read as they are.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, cast

import pandas as pd

from adcensus.errors import InputError
from adcensus.outputs.contract import (
    ADS_FILE,
    FOLDER_FILES,
    PAIRS_FILE,
    PERSONS_FILE,
    REJECTED_FILE,
    SUMMARY_FILE,
    DedupeResult,
    Summary,
)
from adcensus.write import file_fingerprint

DELIMITERS = ";,\t"


def read_output_csv(path: str | Path) -> pd.DataFrame:
    """A CSV of a dedupe folder as text, whatever delimiter it was written with.

    Checked first against the folder's summary.json (`check_belongs`).
    """
    path = Path(path)
    check_belongs(path)
    try:
        with path.open(encoding="utf-8-sig") as handle:
            header = handle.readline()
        delimiter = delimiter_of(header)
        return pd.read_csv(
            path, sep=delimiter, encoding="utf-8-sig", dtype=str, keep_default_na=False
        )
    except FileNotFoundError:
        raise InputError(
            f"{path}: not found; give the folder written by `adcensus dedupe`"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"{path}: cannot be read ({reason}); run `adcensus dedupe` again"
        ) from None


def delimiter_of(header: str) -> str:
    """The delimiter of a CSV adcensus wrote, from its header line: ;, `,` or tab."""
    return max(DELIMITERS, key=header.count)


def read_summary(folder: Path) -> Summary:
    """summary.json of a dedupe folder, checked to hold at least the ads and persons counts."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder; give the folder written by `adcensus dedupe`")
    path = folder / SUMMARY_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{folder}: no summary.json; give the folder written by `adcensus dedupe`"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc}); run `adcensus dedupe` again") from None
    if not isinstance(data, dict) or not {"ads", "persons"} <= data.keys():
        raise InputError(f"{path}: lacks the ads and persons counts; run `adcensus dedupe` again")
    check_folder(folder, data)
    return cast(Summary, data)


def read_summary_if_any(folder: Path) -> Summary:
    """summary.json of `folder`, or an empty summary when it has none or it cannot be read
    (an ads.csv copied alone still reads); a folder mixing two runs is still refused."""
    try:
        data = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    check_folder(folder, data)
    return cast(Summary, data)


def read_folder(folder: Path) -> DedupeResult:
    """The files `write_outputs` wrote in `folder`, read back as text tables (a mixed
    folder is refused)."""
    summary = read_summary(folder)
    result = DedupeResult(
        ads=read_output_csv(folder / ADS_FILE),
        persons=read_output_csv(folder / PERSONS_FILE),
        pairs=read_output_csv(folder / PAIRS_FILE),
        summary=summary,
    )
    if (folder / REJECTED_FILE).exists():  # folders of older versions have none
        result = dataclasses.replace(result, rejected=read_output_csv(folder / REJECTED_FILE))
    return result


def mixed_folder(folder: Path, name: str) -> InputError:
    """The error of a folder whose file `name` is not of the run its summary.json describes."""
    return InputError(
        f"{folder} is a mixed folder: {name} does not belong to this run (re-run adcensus dedupe)"
    )


def check_folder(folder: Path, summary: Summary | dict[str, Any]) -> None:
    """Refuse `folder` when a file listed in `summary["files"]` is of another size, or when a file adcensus writes is there but not listed (sizes only: each file's
    SHA-256 is checked as it is read, by `check_belongs`)."""
    files = summary.get("files")
    if not isinstance(files, dict):
        return  # written before issue 15
    for name in FOLDER_FILES:
        path = folder / name
        listed = files.get(name)
        if name == SUMMARY_FILE:
            continue
        if listed is None:
            if path.exists():
                raise mixed_folder(folder, name)
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue  # a file removed: the reader that needs it says so
        if not isinstance(listed, dict) or size != listed.get("bytes"):
            raise mixed_folder(folder, name)


def check_belongs(path: str | Path) -> None:
    """Refuse the file at `path` when its folder's summary.json lists it with another size
    or SHA-256, or (listing the run's files) does not list it."""
    path = Path(path)
    summary_path = path.parent / SUMMARY_FILE
    if path.name not in FOLDER_FILES or not summary_path.is_file() or not path.is_file():
        return
    try:
        data = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # read_summary says what is wrong with it
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return
    listed = files.get(path.name)
    if not isinstance(listed, dict) or file_fingerprint(path) != {
        "bytes": listed.get("bytes"),
        "sha256": listed.get("sha256"),
    }:
        raise mixed_folder(path.parent, path.name)
