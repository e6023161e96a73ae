"""Human review of links: people confirm the doubtful ones, and the census obeys them.

- `source`: read a dedupe output folder or a census store (`open_source`);
- `queue`: which pairs to show and in which order, doubtful or sampled (`build_queue`),
  and in a spreadsheet (`export_queue`);
- `screen`: one pair on the terminal, with rich (`pair_view`);
- `session`: the keys, each answer appended to the decisions file at once (`run_review`);
- `spreadsheet`: the same pairs as an XLSX sheet, and its answers read back.

Answers go to the append-only decisions file of `adcensus.decisions` (`DIR/review.jsonl`),
which `adcensus dedupe` obeys on its next run.
"""

from __future__ import annotations

from adcensus.review.queue import (
    DOUBTFUL,
    SAMPLE,
    ReviewPair,
    build_queue,
    export_queue,
    pair_id,
    pending,
    queue_size,
    standing_records,
)
from adcensus.review.screen import pair_view
from adcensus.review.session import KeyReader, SessionOutcome, review_session, run_review
from adcensus.review.source import ReviewSource, decisions_path_for, open_source
from adcensus.review.spreadsheet import (
    ImportOutcome,
    SheetExport,
    export_for_review,
    export_review,
    import_review,
    read_review,
)

__all__ = [
    "DOUBTFUL",
    "SAMPLE",
    "ImportOutcome",
    "KeyReader",
    "ReviewPair",
    "ReviewSource",
    "SessionOutcome",
    "SheetExport",
    "build_queue",
    "decisions_path_for",
    "export_for_review",
    "export_queue",
    "export_review",
    "import_review",
    "open_source",
    "pair_id",
    "pair_view",
    "pending",
    "queue_size",
    "read_review",
    "review_session",
    "run_review",
    "standing_records",
]
