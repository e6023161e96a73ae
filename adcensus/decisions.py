"""Reviewers' decisions on pairs of ads: an append-only JSON-lines file.

Each line is one decision, written (and flushed to disk) the moment it is made:
`{"ad_a": "A0001", "ad_b": "A0002", "decision": "y", "mode": "doubtful", "at": "…"}`.
`decision` is "y" (same person), "n" (different persons) or "s" (skipped, or an
earlier answer undone). The last line about a pair wins. Ad ids are the `ad_key`
values of ads.csv (the ids used in pairs.csv).

A dedupe run that is given decisions obeys them: "y" pairs are joined even when
pseudonyms or ages differ, "n" pairs are never in one person, whatever else
links them.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from adcensus.errors import InputError, OutputError

DECISIONS_FILE = "review.jsonl"
VALID = ("y", "n", "s")


def decisions_path_for(location: Path) -> Path:
    """Where the decisions about `location` are kept: DIR/review.jsonl, or beside a store."""
    if location.is_dir():
        return location / DECISIONS_FILE
    return location.with_suffix(".review.jsonl")


def check_writable(path: Path) -> None:
    """OutputError unless decisions can be appended to `path`: checked before anyone answers.

    An existing file is opened for appending (and left as it is); a missing one is not
    created: a scratch file is made and removed in its folder instead.
    """
    try:
        if path.exists():
            with path.open("a", encoding="utf-8"):
                pass
        else:
            with tempfile.TemporaryFile(dir=path.parent):
                pass
    except OSError as exc:
        raise OutputError(_cannot_write(path, exc)) from None


def _cannot_write(path: Path, exc: OSError) -> str:
    return (
        f"{path.parent}: cannot write the answers to {path.name} there "
        f"({exc.strerror or exc}); make the folder writable, or copy it to a folder of "
        "yours and review the copy"
    )


def append_decision(path: Path, ad_a: str, ad_b: str, decision: str, mode: str) -> None:
    """Append one decision and flush it to disk, so that a crash loses nothing."""
    if decision not in VALID:
        raise InputError(f"decision must be one of {', '.join(VALID)}, got {decision!r}")
    a, b = sorted((str(ad_a), str(ad_b)))
    record = {
        "ad_a": a,
        "ad_b": b,
        "decision": decision,
        "mode": mode,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    line = json.dumps(record, ensure_ascii=False) + "\n"
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:  # a full disk, or a folder made read-only meanwhile
        raise OutputError(_cannot_write(path, exc)) from None


def read_records(path: Path) -> pd.DataFrame:
    """Every decision of the file in order: `ad_a` < `ad_b`, `decision` y/n/s, `mode`.

    A line cut short by a crash (the last one, unterminated) is ignored; any other
    unreadable line is an InputError naming its number. A record without a mode
    is a "doubtful" one (the review's default mode).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: decisions file not found; check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 decisions file (review.jsonl)") from None
    rows = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            a, b = sorted((str(record["ad_a"]), str(record["ad_b"])))
            decision = str(record["decision"])
            mode = str(record.get("mode", "doubtful"))
            if decision not in VALID:
                raise ValueError(decision)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            if number == len(lines) and not text.endswith("\n"):
                continue  # the last line, cut short by a crash while it was written
            raise InputError(
                f"{path}, line {number}: not a decision "
                '({"ad_a", "ad_b", "decision": "y"|"n"|"s"}); fix or delete that line'
            ) from None
        rows.append((a, b, decision, mode))
    return pd.DataFrame(rows, columns=["ad_a", "ad_b", "decision", "mode"], dtype=object)


def load_decisions(path: Path, include_skipped: bool = False) -> pd.DataFrame:
    """The standing decision per pair (its last record): `ad_a` < `ad_b`, `decision`, `mode`.

    Pairs whose last answer is "s" (skipped or undone) are left out unless
    `include_skipped`. Reading follows `read_records`.
    """
    standing = read_records(path).drop_duplicates(["ad_a", "ad_b"], keep="last")
    if not include_skipped:
        standing = standing[standing["decision"] != "s"]
    return standing.reset_index(drop=True)


def decisions_to_obey(given: Path | None, default: Path) -> tuple[Path, pd.DataFrame] | None:
    """The decisions a dedupe run obeys and their file: `given` (a file, or a folder
    holding DECISIONS_FILE), else `default` when it exists, else None.

    `default` is OUT/review.jsonl for an output folder, STORE.review.jsonl for a store
    (`decisions_path_for`).
    """
    path = given / DECISIONS_FILE if given is not None and given.is_dir() else given
    if path is None and default.is_file():
        path = default
    if path is None:
        return None
    return path, load_decisions(path)
