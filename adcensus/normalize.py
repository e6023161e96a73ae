"""Normalize an ad table into the features that linking compares.

One row per input ad, same order. Columns (see FEATURE_COLUMNS): a content-derived
`key`, the phones found anywhere in the ad (E.164), folded name, city and text,
the age, the date, the site and the photo hash. Original values are never changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from adcensus import columns as col
from adcensus import text as textmod
from adcensus.phones import Phone, extract_phones_many, strip_phones
from adcensus.read import EXTRA_COLUMN, AdTable, parse_ages, parse_dates
from adcensus.settings import Settings

FEATURE_COLUMNS = (
    "key",
    "phones",
    "phone_flags",
    "name",
    "age",
    "city",
    "date",
    "site",
    "text",
    "photo",
)


def ad_keys(table: AdTable) -> pd.Series:
    """A stable id per ad, derived from content, never from row position.

    The ad id column when its values are present and unique (prefixed by the
    source file when only that makes them unique); otherwise a hash of the row's
    values, with `~2`, `~3` … appended to identical rows.
    """
    frame = table.frame
    id_col = table.roles.get(col.AD_ID)
    if id_col is not None:
        ids = frame[id_col].astype(textmod.ARROW_STR).str.strip()
        if ids.notna().all() and (ids.str.len() > 0).all():
            if ids.is_unique:
                return ids.astype(object)
            if col.SOURCE_FILE in frame.columns:
                prefixed = frame[col.SOURCE_FILE].astype(textmod.ARROW_STR) + ":" + ids
                if prefixed.is_unique:
                    return prefixed.astype(object)
    # Where a row came from, and overflow of ragged rows, are not the ad's content.
    content = frame.drop(columns=[c for c in (col.SOURCE_FILE, EXTRA_COLUMN) if c in frame])
    cells = [content[c].astype(textmod.ARROW_STR).fillna("\x00") for c in content.columns]
    rows = cells[0] if cells else pd.Series([""] * len(frame), dtype=textmod.ARROW_STR)
    for cell in cells[1:]:
        rows = rows + "\x1f" + cell
    digests = pd.Series(
        ["h" + hashlib.sha256(r.encode("utf-8")).hexdigest()[:12] for r in rows], dtype=object
    )
    occurrence = digests.groupby(digests).cumcount()
    suffix = np.where(occurrence > 0, "~" + (occurrence + 1).astype(str), "")
    return digests + suffix


def _column(table: AdTable, role: str) -> pd.Series:
    header = table.roles.get(role)
    if header is None:
        return pd.Series([None] * len(table.frame), dtype=textmod.ARROW_STR)
    return table.frame[header].astype(textmod.ARROW_STR)


def infer_names(names: pd.Series, folded_text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Fill empty pseudonyms from the ad's own text, when it names exactly one known pseudonym.

    Known pseudonyms are those the file's name column uses (three letters or
    more), so a word of the text counts only when some ad is signed with it.
    Returns the completed names and a mask of the ads whose name was inferred.
    """
    names = names.astype(object)
    empty = (names.str.len() == 0).to_numpy()
    known = set(names[~empty & (names.str.len() >= 3).to_numpy()])
    inferred = np.zeros(len(names), dtype=bool)
    if not known or not empty.any():
        return names, inferred
    words = folded_text[empty].astype(object).str.split().explode()
    words = words[words.isin(known)]
    found = words.groupby(level=0).agg(lambda v: sorted(set(v)))
    single = found[found.str.len() == 1]
    completed = names.copy()
    completed.iloc[single.index.to_numpy()] = [v[0] for v in single]
    inferred[single.index.to_numpy()] = True
    return completed, inferred


def _merge_phones(*found: list[Phone]) -> list[Phone]:
    seen: dict[str, Phone] = {}
    for phones in found:
        for phone in phones:
            seen.setdefault(phone.e164, phone)
    return list(seen.values())


@dataclass(frozen=True, eq=False)
class Prepared:
    """The features (one row per ad), the boilerplate sentences found, the style vectors."""

    features: pd.DataFrame
    boilerplate: list[str]
    style: Any  # scipy CSR matrix, one L2-normed row per ad (see text.style_vectors)


def prepare(
    table: AdTable, settings: Settings, progress: Callable[[str], None] | None = None
) -> Prepared:
    """Features for linking, one row per ad in input order (see module docstring)."""
    note = progress or (lambda _stage: None)
    n = len(table.frame)
    note("phones")
    # Title and text are scanned as one string so that the spans found can be cut
    # out of it: a phone number is evidence of its own, not text to compare.
    raw_text = (
        _column(table, col.TITLE).fillna("") + " . " + _column(table, col.TEXT).fillna("")
    ).tolist()
    in_cells = extract_phones_many(_column(table, col.PHONE).tolist(), settings.region)
    in_text = extract_phones_many(raw_text, settings.region)
    phones = [_merge_phones(a, b) for a, b in zip(in_cells, in_text, strict=True)]
    note("text")
    stripped = [
        strip_phones(t, found) if found else t for t, found in zip(raw_text, in_text, strict=True)
    ]
    cleaned = textmod.remove_urls(pd.Series(stripped, dtype=textmod.ARROW_STR))
    names = textmod.fold_name(_column(table, col.NAME))
    names, inferred = infer_names(names, textmod.fold(cleaned))
    cities = textmod.fold(_column(table, col.CITY))
    # Pseudonyms and cities are compared on their own; left in the text they would
    # count twice, and hide that "X vous attend à Y" is one template for everybody.
    sentences = textmod.split_sentences(cleaned)
    sentences["sentence"] = textmod.mask_words(
        sentences["sentence"], set(names[names.str.len() >= 3]) | set(cities[cities.str.len() >= 3])
    )
    sentences = sentences[sentences["sentence"].str.len() > 0].reset_index(drop=True)
    owners = (
        pd.Series([p[0].e164 if p else "" for p in phones], dtype=object)
        .where(lambda s: s != "", names.astype(object))
        .where(lambda s: s != "", pd.Series([f"#{i}" for i in range(n)], dtype=object))
    )
    boilerplate = textmod.find_boilerplate(sentences, owners, settings.boilerplate_min_ads)
    style, rarest_sentence = textmod.style_vectors(sentences, owners, n)
    features = pd.DataFrame(
        {
            "key": ad_keys(table).to_numpy(),
            "phones": [tuple(p.e164 for p in found) for found in phones],
            "phone_statuses": [tuple(p.status for p in found) for found in phones],
            "phone_flags": [
                ";".join(sorted({f"{p.status}_phone" for p in found if p.status != "valid"}))
                for found in phones
            ],
            "name": names.to_numpy(),
            "name_from_text": inferred,
            "age": parse_ages(_column(table, col.AGE)).to_numpy(dtype=float),
            "city": cities.to_numpy(),
            "date": parse_dates(_column(table, col.DATE)).to_numpy(),
            "site": textmod.fold(_column(table, col.SITE)).to_numpy(),
            "text": textmod.comparison_text(sentences, n, boilerplate).to_numpy(),
            "photo": _column(table, col.PHOTO_HASH).fillna("").str.strip().str.lower().to_numpy(),
            "style_key": rarest_sentence,
        }
    )
    return Prepared(features, sorted(boilerplate), style)
