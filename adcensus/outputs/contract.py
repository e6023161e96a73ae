"""The dedupe folder's format: its files, the result they hold, the summary, the decisions.

This module is the vocabulary of the output contract (README, "Output files"), and
imports nothing of adcensus but the column names: the tables that build a result
(adcensus.tables), the writer and the readers (adcensus.outputs) and every command that
reads a folder take their names from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypedDict

import pandas as pd

# The files of a dedupe folder, in the order they are written (summary.json last: it
# names the others with their sizes and SHA-256).
ADS_FILE = "ads.csv"
PERSONS_FILE = "persons.csv"
PAIRS_FILE = "pairs.csv"
REJECTED_FILE = "rejected.csv"
SUMMARY_FILE = "summary.json"
OUTPUT_FILES = (ADS_FILE, PERSONS_FILE, PAIRS_FILE, REJECTED_FILE, SUMMARY_FILE)
# With `--format xlsx`: persons, ads and pairs as sheets of one workbook, beside the CSVs.
XLSX_FILE = "adcensus.xlsx"
# Every file adcensus writes in a dedupe folder: a reader refuses a folder where one of
# them is present but not listed in summary.json's `files` (a mixed folder).
FOLDER_FILES = (*OUTPUT_FILES, XLSX_FILE)


class Decision(StrEnum):
    """pairs.csv's `decision`: what became of a scored pair.

    The order of the members is the order of summary.json's `pairs` counts.
    """

    LINK = "link"  # scored at or above the threshold: one person
    DOUBTFUL = "doubtful"  # within the doubtful margin of the threshold
    CONFLICT = "conflict"  # scored to link, refused (pseudonyms or ages differ)
    AGENCY = "agency"  # shares a booking phone only: one network, not one person
    CONFIRMED = "confirmed"  # a reviewer said "same person"
    REJECTED = "rejected"  # a reviewer said "different persons"


# The order in which a pair's decision is settled, strongest first: a reviewer's answer
# over a refused link over the doubtful margin over the score over a shared agency phone.
DECISION_PRIORITY = (
    Decision.CONFIRMED,
    Decision.REJECTED,
    Decision.CONFLICT,
    Decision.DOUBTFUL,
    Decision.LINK,
    Decision.AGENCY,
)
# The review queue: the pairs an analyst should look at (dedupe's "doubtful links to
# review", summary.json's `pairs_to_review`, review's "pair 1 of N").
REVIEW_QUEUE = (Decision.DOUBTFUL, Decision.CONFLICT)
# Pairs that join their two ads: a reviewer's "same person", or a link or doubtful pair
# scoring at or above the threshold (a confirmed pair scores 1: see `joining`).
LINKING = (Decision.LINK, Decision.DOUBTFUL, Decision.CONFIRMED)


class InputRecord(TypedDict):
    """One input file of summary.json's `inputs`."""

    path: str
    rows: int
    sha256: str


class Summary(TypedDict, total=False):
    """summary.json, key by key (README, "summary.json"). Every dedupe run writes the
    keys down to `version`; the others are written when they apply."""

    ads: int  # ads linked (rows set aside not counted)
    persons: int
    doublon_rate: float  # 1 − persons / ads
    rows_read: int
    rows_set_aside: dict[str, int]  # per reason
    networks: int
    persons_in_networks: int
    sites: int
    ads_per_site: dict[str, int]
    pairs: dict[str, int]  # per Decision, in its order
    pairs_to_review: int  # the REVIEW_QUEUE's pairs
    flagged_rows: int
    unreadable_cells: dict[str, int]
    ads_without_phone: int
    phones: dict[str, int]  # distinct, then per status
    boilerplate_sentences: int
    roles: dict[str, str]  # role → header
    inputs: list[InputRecord]
    settings: dict[str, Any]  # adcensus.settings.Settings.to_dict()
    version: str
    profiles: dict[str, Any]  # adcensus.profiles.profiles_summary
    model: dict[str, Any]  # the learned weights (adcensus.link.model)
    data_quality: dict[str, Any]  # adcensus.quality.data_quality
    decisions: dict[str, int]  # reviewed decisions given and applied
    pseudonymized: dict[str, Any]  # adcensus.outputs.pseudonymize
    role_headers: dict[str, list[str]]  # a store export: each role's headers in every file
    store: dict[str, Any]  # a store export: the store's loads
    run_id: str  # derived from `files`
    files: dict[str, dict[str, Any]]  # each other file: bytes, sha256


def empty_rejected() -> pd.DataFrame:
    """rejected.csv without rows: every dedupe folder has the file."""
    return pd.DataFrame({"row": [], "reason": []})


@dataclass(frozen=True)
class DedupeResult:
    """Everything a dedupe run produces, as tables a Python user can work with: the
    frames of ads.csv, persons.csv, pairs.csv and rejected.csv, and summary.json."""

    ads: pd.DataFrame
    persons: pd.DataFrame
    pairs: pd.DataFrame
    summary: Summary
    # The rows set aside as not ads (empty, totals, notes): see adcensus.setaside.
    rejected: pd.DataFrame = field(default_factory=empty_rejected)


def role_headers(summary: Summary) -> dict[str, list[str]]:
    """Each role's headers: `roles`, and for a store export every file's (`role_headers`)."""
    found: dict[str, list[str]] = {r: [h] for r, h in (summary.get("roles") or {}).items()}
    for role, headers in (summary.get("role_headers") or {}).items():
        found[role] = list(dict.fromkeys([*found.get(role, []), *headers]))
    return found


def joining(pairs: pd.DataFrame, threshold: float) -> pd.Series:
    """Which pairs of pairs.csv (`decision`, `score` as numbers) join their two ads at
    `threshold`: LINKING decisions scoring at or above it (a confirmed pair scores 1)."""
    return pairs["decision"].isin(LINKING) & (pairs["score"] >= threshold)
