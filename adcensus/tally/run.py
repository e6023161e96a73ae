"""`run_tally`: everything `adcensus tally` does but print, for a Python user."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from adcensus.errors import UsageError
from adcensus.progress import Progress
from adcensus.settings import Settings
from adcensus.tally.counts import mask_keys, tally
from adcensus.tally.sources import pseudonymize_keys, read_source


@dataclass(frozen=True)
class TallyOptions:
    """The options of `adcensus tally` that choose what is counted (README, "tally")."""

    by: Sequence[str] = ()
    since: date | None = None
    until: date | None = None
    settings: Settings = field(default_factory=Settings)  # an ad file is deduped with these
    columns: Mapping[str, str | Sequence[str]] | None = None  # an ad file's roles (--col)
    header_row: int | None = None  # an ad file's header row
    key: bytes | None = None  # pseudonymise the key columns with this key
    funnel: bool = False  # a store: add the contact funnel's counts


@dataclass(frozen=True)
class TallyRun:
    """The counts per group (`counts`, for files), the same with phone numbers masked
    in their keys (`shown`, for a screen), the row over all groups (`total`, None
    without keys), and the phone numbers and urls replaced by tokens per column."""

    counts: pd.DataFrame
    shown: pd.DataFrame
    total: pd.DataFrame | None
    keys: list[str]
    found: dict[str, dict[str, int]]

    @property
    def has_ads(self) -> bool:
        """Whether any ad was counted (none: the dates or the source hold none)."""
        return not self.counts.empty and bool(self.counts["ads"].sum())


def run_tally(
    source: Path, options: TallyOptions | None = None, progress: Progress | None = None
) -> TallyRun:
    """Count the ads and persons of `source` (a census store, a dedupe folder or an ad
    file) per group of `options.by`, as `adcensus tally` does (adcensus.tally)."""
    options = options or TallyOptions()
    if options.since and options.until and options.since > options.until:
        raise UsageError(f"--since {options.since} is after --until {options.until}; swap them")
    data, keys = read_source(
        source,
        options.by,
        options.settings,
        options.columns,
        progress,
        header_row=options.header_row,
        funnel=options.funnel,
    )
    found: dict[str, dict[str, int]] = {}
    if options.key is not None:
        data = pseudonymize_keys(data, options.key, found)
    counts = tally(data, keys, options.since, options.until, options.funnel)
    total = tally(data, [], options.since, options.until, options.funnel) if keys else None
    shown = counts if options.key is not None else mask_keys(counts, keys, data)
    return TallyRun(counts=counts, shown=shown, total=total, keys=keys, found=found)
