"""Reading a dedupe output folder back: the one place its CSVs and summary are parsed.

`estimate`, `review` and `report` read the folder `adcensus dedupe` wrote. Its CSVs
are UTF-8 with a BOM and `;`, `,` or tab as delimiter (`--out-delimiter`); every
value is read back as text, exactly as written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from adcensus.errors import InputError

DELIMITERS = ";,\t"


def read_output_csv(path: Path) -> pd.DataFrame:
    """A CSV of a dedupe folder as text, whatever delimiter it was written with."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            header = handle.readline()
        delimiter = max(DELIMITERS, key=header.count)
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


def read_summary(folder: Path) -> dict[str, Any]:
    """summary.json of a dedupe folder, checked to hold at least the ads and persons counts."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder; give the folder written by `adcensus dedupe`")
    path = folder / "summary.json"
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
    return data
