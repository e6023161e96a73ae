"""The census store: monthly ad files in one SQLite file, with person ids that last.

`load_into_store` adds files (one transaction per load) and re-links every ad with the
same linking as `adcensus dedupe`; `reconcile` keeps person ids stable and records
merges and splits; `store_info`, `export_store` and `tally_ads` read a store; `dedupe_folder` lets any
reader of a dedupe folder read a store. The
schema is in `schema` and docs/store-schema.md.
"""

from __future__ import annotations

from adcensus.store.export import (
    current_person_id,
    dedupe_folder,
    export_store,
    last_summary,
    reads_stores_too,
    store_columns,
    store_info,
    tally_ads,
)
from adcensus.store.ingest import fingerprints, normalize_url
from adcensus.store.load import FileLoad, LoadResult, load_into_store
from adcensus.store.reconcile import Reconciliation, reconcile
from adcensus.store.schema import SCHEMA_VERSION, is_store_file

__all__ = [
    "SCHEMA_VERSION",
    "FileLoad",
    "LoadResult",
    "Reconciliation",
    "current_person_id",
    "dedupe_folder",
    "export_store",
    "fingerprints",
    "is_store_file",
    "last_summary",
    "load_into_store",
    "normalize_url",
    "reads_stores_too",
    "reconcile",
    "store_columns",
    "store_info",
    "tally_ads",
]
