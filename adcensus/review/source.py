"""What a review reads: the pairs to judge and the ads behind them.

A review works on a folder written by `adcensus dedupe` (ads.csv, pairs.csv,
summary.json; decisions go to `DIR/review.jsonl`) or on a census store (read
through `adcensus.store.export_store`; decisions go beside it, in
`STORE.review.jsonl` with the store's suffix replaced, e.g. `census.review.jsonl`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from adcensus import columns as col
from adcensus.decisions import decisions_path_for
from adcensus.errors import InputError
from adcensus.outputs import read_output_csv, read_summary, role_headers
from adcensus.privacy import Tokens
from adcensus.write import temporary_folder

# The fields shown for each ad, in this order: a role of the input, or one of ours.
SHOWN_ROLES: tuple[str, ...] = (
    col.SITE,
    col.DATE,
    col.CITY,
    col.NAME,
    col.AGE,
    col.TITLE,
    col.TEXT,
)
PAIR_COLUMNS: tuple[str, ...] = ("ad_a", "ad_b", "score", "decision", "evidence", "same_person")


@dataclass(frozen=True)
class ReviewSource:
    """The pairs of a dedupe output or a store, and what the review screen shows of each ad.

    `ads` is indexed by ad key (the ids of pairs.csv) with text columns `person_id`,
    `phones` (E.164, `;`-joined), `network_id`, `link_reason` and one per role of
    SHOWN_ROLES ("" when unknown).
    `pairs` has PAIR_COLUMNS, `score` as float and `same_person` as int.
    """

    location: Path
    is_store: bool
    ads: pd.DataFrame
    pairs: pd.DataFrame
    threshold: float
    margin: float
    region: str
    inputs: tuple[str, ...]
    decisions_path: Path

    @cached_property
    def person_sizes(self) -> pd.Series:
        """Ads per person id."""
        return self.ads[col.PERSON_ID].value_counts()


def open_source(location: Path) -> ReviewSource:
    """Read a dedupe output folder or a census store for review (InputError if neither)."""
    location = Path(location)
    if location.is_dir():
        return _from_folder(location, location, is_store=False)
    if location.is_file():
        from adcensus.store import export_store, is_store_file

        if not is_store_file(location):
            raise InputError(
                f"{location}: neither a folder written by `adcensus dedupe` nor a census store"
            )
        with temporary_folder("review") as tmp:
            export_store(location, tmp / "export")
            return _from_folder(tmp / "export", location, is_store=True)
    raise InputError(
        f"{location}: not found; give the folder written by `adcensus dedupe` or a census store"
    )


def pseudonymize_source(source: ReviewSource, key: bytes) -> ReviewSource:
    """`source` with the keyed tokens `adcensus dedupe --pseudonymize` writes for its ads.

    Phones become `tel_…` tokens, pseudonyms `name_…`, phone numbers in titles, texts and
    evidence their `tel_…` tokens: with the same key, the same tokens as dedupe's. Ad keys
    (and so pair ids and decisions), person ids, sites, cities, dates and ages stay.
    """
    tokens = Tokens(key, source.region)
    ads = source.ads.copy()
    ads["phones"] = tokens.joined(ads["phones"], "phone")
    ads[col.NAME] = tokens.column(ads[col.NAME], "name")
    for role in (col.TITLE, col.TEXT):
        ads[role] = tokens.phones_in_texts(ads[role])
    pairs = source.pairs.assign(evidence=tokens.e164_in(source.pairs["evidence"]))
    return replace(source, ads=ads, pairs=pairs)


def _ours(frame: pd.DataFrame, name: str) -> str:
    """The header of adcensus's own column `name` (prefixed when the input had one too)."""
    prefixed = f"adcensus_{name}"
    return prefixed if prefixed in frame.columns else name


def _from_folder(folder: Path, location: Path, is_store: bool) -> ReviewSource:
    summary = read_summary(folder)
    settings = summary.get("settings") or {}
    raw = read_output_csv(folder / "ads.csv")
    key, person, phones = (_ours(raw, n) for n in (col.AD_KEY, col.PERSON_ID, col.PHONES))
    missing = [n for n in (key, person, phones) if n not in raw.columns]
    if missing:
        raise InputError(
            f"{folder / 'ads.csv'}: no {', '.join(missing)} column; run `adcensus dedupe` again"
        )
    raw = raw[raw[person] != ""]  # rows set aside as not ads have no person
    ads = pd.DataFrame({col.PERSON_ID: raw[person], "phones": raw[phones]})
    for name in (col.NETWORK_ID, col.LINK_REASON):  # for `adcensus explain`
        header = _ours(raw, name)
        ads[name] = raw[header] if header in raw.columns else ""
    headers = role_headers(summary)
    for role in SHOWN_ROLES:
        values = pd.Series("", index=raw.index, dtype=object)
        # A store may hold files whose headers differ: the first filled one wins.
        for header in headers.get(role, []):
            if header in raw.columns:
                values = values.where(values != "", raw[header].astype(object))
        ads[role] = values
    ads.index = pd.Index(raw[key].astype(str), name="ad_key")
    ads = ads[~ads.index.duplicated()]
    pairs = _pairs(folder / "pairs.csv")
    return ReviewSource(
        location=location,
        is_store=is_store,
        ads=ads,
        pairs=pairs,
        threshold=float(settings.get("link_threshold", 0.8)),
        margin=float(settings.get("doubtful_margin", 0.1)),
        region=str(settings.get("region", "FR")),
        inputs=tuple(str(i.get("path", "")) for i in summary.get("inputs") or []),
        decisions_path=decisions_path_for(location),
    )


def _pairs(path: Path) -> pd.DataFrame:
    if not path.is_file():
        return pd.DataFrame({name: pd.Series(dtype=object) for name in PAIR_COLUMNS}).astype(
            {"score": float, "same_person": int}
        )
    pairs = read_output_csv(path)
    missing = [name for name in PAIR_COLUMNS if name not in pairs.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}; run `adcensus dedupe` again"
        )
    score = pd.to_numeric(pairs["score"].str.replace(",", ".", regex=False), errors="coerce")
    same = pd.to_numeric(pairs["same_person"], errors="coerce")
    if score.isna().any() or same.isna().any():
        raise InputError(f"{path}: some scores are not numbers; run `adcensus dedupe` again")
    return pairs[list(PAIR_COLUMNS)].assign(score=score, same_person=same.astype(int))
