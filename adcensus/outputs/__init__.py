"""The dedupe folder: its format, and the one place it is written and read.

- `contract`: the vocabulary: file names, the `DedupeResult` a run produces, the typed
  `Summary` (summary.json) and pairs.csv's `Decision`s;
- `writer`: `write_outputs`, the folder built beside its place and swapped in;
- `reader`: `read_summary`, `read_output_csv`, `read_folder`, each checking that the
  files belong to one run;
- `pseudonymize`: a result with phones, urls and pseudonyms as keyed tokens.
"""

from __future__ import annotations

from adcensus.outputs.contract import (
    ADS_FILE,
    DECISION_PRIORITY,
    FOLDER_FILES,
    LINKING,
    OUTPUT_FILES,
    PAIRS_FILE,
    PERSONS_FILE,
    REJECTED_FILE,
    REVIEW_QUEUE,
    SUMMARY_FILE,
    XLSX_FILE,
    Decision,
    DedupeResult,
    InputRecord,
    Summary,
    joining,
    role_headers,
)
from adcensus.outputs.pseudonymize import pseudonymize_result
from adcensus.outputs.reader import (
    check_belongs,
    check_folder,
    delimiter_of,
    mixed_folder,
    read_folder,
    read_output_csv,
    read_summary,
    read_summary_if_any,
)
from adcensus.outputs.writer import refuse_overwrite, run_id_of, with_manifest, write_outputs

__all__ = [
    "ADS_FILE",
    "DECISION_PRIORITY",
    "FOLDER_FILES",
    "LINKING",
    "OUTPUT_FILES",
    "PAIRS_FILE",
    "PERSONS_FILE",
    "REJECTED_FILE",
    "REVIEW_QUEUE",
    "SUMMARY_FILE",
    "XLSX_FILE",
    "Decision",
    "DedupeResult",
    "InputRecord",
    "Summary",
    "check_belongs",
    "check_folder",
    "delimiter_of",
    "joining",
    "mixed_folder",
    "pseudonymize_result",
    "read_folder",
    "read_output_csv",
    "read_summary",
    "read_summary_if_any",
    "refuse_overwrite",
    "role_headers",
    "run_id_of",
    "with_manifest",
    "write_outputs",
]
