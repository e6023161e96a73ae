"""Normalize an ad table into the features that linking compares.

One row per input ad, same order. Columns: a content-derived
`key`, the phones found anywhere in the ad (E.164), the folded name and its core
(decorations learned from the census removed), who posted it as far as is known
before linking (`owner`), folded city and text,
the age, the date (and `date_unreadable`, a date cell that held something parse_dates could
not read), the site and the photo hash. Original values are never changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from adcensus import columns as col
from adcensus import text as textmod
from adcensus.errors import InputError
from adcensus.parallel import map_chunks, worker_count
from adcensus.phones import Phone, extract_phones_arrow, strip_phones
from adcensus.progress import Progress, silent
from adcensus.pseudonyms import learn_decorations, name_cores
from adcensus.read import EXTRA_COLUMN, AdTable, parse_ages, parse_dates, unreadable_cells
from adcensus.settings import Settings


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
                return ids
            if col.SOURCE_FILE in frame.columns:
                prefixed = frame[col.SOURCE_FILE].astype(textmod.ARROW_STR) + ":" + ids
                if prefixed.is_unique:
                    return prefixed
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


def _compared(table: AdTable, header: str) -> pd.Series:
    """The column `header` of the table, for `--compare`; InputError naming the columns."""
    if header not in table.frame.columns:
        available = ", ".join(repr(str(c)) for c in table.frame.columns if c != col.SOURCE_FILE)
        raise InputError(
            f"--compare {header!r}: no such column; the file's columns are {available}"
        )
    return table.frame[header].astype(textmod.ARROW_STR)


def _column(table: AdTable, role: str) -> pd.Series:
    header = table.roles.get(role)
    if header is None:
        return pd.Series([None] * len(table.frame), dtype=textmod.ARROW_STR)
    return table.frame[header].astype(textmod.ARROW_STR)


def phone_headers(table: AdTable) -> list[str]:
    """The columns searched for phone numbers: the phone role's, then the further phone
    columns ("Téléphone 2", "WhatsApp"); [] without a phone column."""
    if col.PHONE not in table.roles:
        return []
    return [table.roles[col.PHONE], *table.more_columns.get(col.PHONE, ())]


@dataclass(frozen=True)
class PhoneColumnCount:
    """What one phone column gave: its filled cells, those in which a number was found, and
    the distinct numbers (E.164)."""

    filled: int
    with_number: int
    numbers: frozenset[str]


def infer_names(
    names: pd.Series, texts: pd.Series, not_names: frozenset[str] = frozenset()
) -> tuple[pd.Series, np.ndarray]:
    """Fill empty pseudonyms from the ad's own text, when it names exactly one known pseudonym.

    Known pseudonyms are those `names` uses (three letters or more: the cores of
    the file's name column), so a word of the text counts only when some ad is
    signed with it; words in `not_names` (the decorations learned, "escort", "dispo")
    never count. `texts` are folded here, only for the ads without a name.
    Returns the completed names (arrow strings) and a mask of the ads whose name was
    inferred.
    """
    array = pa.array(names.astype(textmod.ARROW_STR))
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    lengths = pc.utf8_length(array).to_numpy(zero_copy_only=False)  # NaN where missing
    empty = lengths == 0
    inferred = np.zeros(len(names), dtype=bool)
    known = pc.unique(array.filter(pa.array(lengths >= 3)))
    if not_names:
        # A word learned to decorate names ("escort", "dispo") is no pseudonym in a text.
        known = known.filter(pc.invert(pc.is_in(known, pa.array(sorted(not_names), known.type))))
    if not len(known) or not empty.any():
        return pd.Series(array, dtype=textmod.ARROW_STR, index=names.index), inferred
    positions = np.flatnonzero(empty)
    folded = textmod.fold(texts.iloc[positions].reset_index(drop=True))
    # Folded text is words joined by single spaces: a split on " " is str.split().
    parts = pc.split_pattern(textmod.arrow_strings(folded), " ")
    code = pc.fill_null(pc.index_in(pc.list_flatten(parts), value_set=known), -1).to_numpy()
    row = np.asarray(pc.list_parent_indices(parts), dtype=np.int64)
    hit = code >= 0
    # Distinct known words per unnamed ad (row * len(known) + word, sorted); an ad
    # naming exactly one gets it.
    pairs = np.unique(row[hit] * len(known) + code[hit].astype(np.int64))
    unnamed, counts = np.unique(pairs // len(known), return_counts=True)
    single = pairs[np.isin(pairs // len(known), unnamed[counts == 1])]
    inferred[positions[single // len(known)]] = True
    found = known.take(pa.array(single % len(known)))  # in the order of the ads
    completed = pc.replace_with_mask(array, pa.array(inferred), found)
    return pd.Series(completed, dtype=textmod.ARROW_STR, index=names.index), inferred


def _phone_flags(statuses: list[tuple[str, ...]]) -> Any:
    """Per ad, "fictional_phone;unallocated_phone"-style flags for its phones' statuses.

    A handful of distinct status tuples: each is spelled once, and the column is
    made in arrow from their codes (no Python string per ad for pandas to convert).
    """
    distinct = list(dict.fromkeys(statuses))
    code = {found: i for i, found in enumerate(distinct)}
    codes = np.fromiter(map(code.__getitem__, statuses), dtype=np.int64, count=len(statuses))
    spelled = [
        ";".join(sorted({f"{s}_phone" for s in found if s != "valid"})) for found in distinct
    ]
    flags = pa.array(spelled, type=pa.large_string()).take(pa.array(codes))
    return pd.array(flags, dtype="str")


def _phone_columns(
    in_cells: list[list[Phone]], in_text: list[list[Phone]]
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Per ad, the E.164 numbers and statuses found in its phone cells, then in its text,
    each number once, in order of appearance."""
    phones: list[tuple[str, ...]] = []
    statuses: list[tuple[str, ...]] = []
    for cell, text in zip(in_cells, in_text, strict=True):
        found = cell or text  # each list holds a number once already
        if cell and text:
            in_cell = {phone.e164 for phone in cell}
            found = cell + [phone for phone in text if phone.e164 not in in_cell]
        phones.append(tuple([phone.e164 for phone in found]))
        statuses.append(tuple([phone.status for phone in found]))
    return phones, statuses


def _in_cells(
    columns: tuple[pa.Array, ...], region: str
) -> tuple[list[list[Phone]], list[PhoneColumnCount]]:
    """Per ad, the numbers of its phone cells, column after column, each number once; and
    per column what it gave. Each column is scanned on its own: a cell that is one number
    is read as one, whatever the other columns hold."""
    per_column = [extract_phones_arrow(cells, region) for cells in columns]
    counts = []
    for cells, found in zip(columns, per_column, strict=True):
        filled = pc.sum(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(cells)), 0)).as_py()
        counts.append(
            PhoneColumnCount(
                int(filled or 0),
                sum(map(bool, found)),
                frozenset(phone.e164 for phones in found for phone in phones),
            )
        )
    if len(per_column) == 1:
        return per_column[0], counts
    merged: list[list[Phone]] = []
    for lists in zip(*per_column, strict=True):
        ad: dict[str, Phone] = {}
        for found in lists:
            for phone in found:
                ad.setdefault(phone.e164, phone)
        merged.append(list(ad.values()))
    return merged, counts


@dataclass(frozen=True)
class _Scanned:
    """What the per-ad scan of one chunk of ads gives back (see `_scan_chunk`)."""

    phones: list[tuple[str, ...]]
    statuses: list[tuple[str, ...]]
    columns: list[PhoneColumnCount]  # what each phone column gave (see phone_headers)
    text_only: int  # ads whose numbers were found in their title or text only
    cleaned: pa.Array  # title and text without phones, urls and e-mail addresses
    sentence_ads: np.ndarray  # positions in the whole table
    sentences: pa.Array  # folded, aligned with sentence_ads


def _scan_chunk(
    data: tuple[tuple[pa.Array, ...], pa.Array, pa.Array, str], start: int, stop: int
) -> _Scanned:
    """Phones, cleaned text and folded sentences of ads start..stop-1 (runs in a worker).

    Title and text are scanned as one string so that the spans found can be cut out
    of it: a phone number is evidence of its own, not text to compare. The cleaned
    text is kept only where `keep_text` says so ("" elsewhere), to spare memory.
    """
    cells, texts, keep_text, region = data
    chunk = texts[start:stop]
    in_text = extract_phones_arrow(chunk, region)
    in_cells, columns = _in_cells(tuple(c[start:stop] for c in cells), region)
    phones, statuses = _phone_columns(in_cells, in_text)
    text_only = sum(1 for cell, text in zip(in_cells, in_text, strict=True) if text and not cell)
    # Only the texts holding a phone change: they alone go through Python.
    mask = np.fromiter(map(bool, in_text), dtype=bool, count=len(in_text))
    holding = np.flatnonzero(mask)
    stripped = [
        strip_phones(text, in_text[k])
        for text, k in zip(chunk.take(pa.array(holding)).to_pylist(), holding, strict=True)
    ]
    without = pc.replace_with_mask(chunk, pa.array(mask), pa.array(stripped, pa.large_string()))
    cleaned = textmod.remove_urls(pd.Series(without, dtype=textmod.ARROW_STR))
    sentences = textmod.split_sentences(cleaned)
    return _Scanned(
        phones=phones,
        statuses=statuses,
        columns=columns,
        text_only=text_only,
        cleaned=pc.if_else(keep_text[start:stop], textmod.arrow_strings(cleaned), ""),
        sentence_ads=sentences["ad"].to_numpy() + start,
        sentences=textmod.arrow_strings(sentences["sentence"]),
    )


def scan_ads(
    table: AdTable,
    region: str,
    keep_text: np.ndarray,
    workers: int | None = None,
    progress: Progress | None = None,
) -> _Scanned:
    """`_scan_chunk` over the whole table, in chunks, on several cores for big files."""
    n = len(table.frame)
    # Title and text joined in Arrow: one copy of the texts held while the workers run.
    title, text = (textmod.arrow_strings(_column(table, role)) for role in (col.TITLE, col.TEXT))
    headers = phone_headers(table)
    cells = [textmod.arrow_strings(table.frame[h].astype(textmod.ARROW_STR)) for h in headers]
    data = (
        tuple(cells) or (textmod.arrow_strings(_column(table, col.PHONE)),),
        pc.binary_join_element_wise(title, text, pa.scalar(" . ", pa.large_string())),
        pa.array(keep_text, type=pa.bool_()),
        region,
    )
    parts: list[_Scanned] = []
    for done, part in map_chunks(_scan_chunk, data, n, worker_count(n, workers)):
        parts.append(part)
        if progress is not None:
            progress("phones", done, n)
    columns = [
        PhoneColumnCount(
            sum(part.columns[k].filled for part in parts),
            sum(part.columns[k].with_number for part in parts),
            frozenset().union(*(part.columns[k].numbers for part in parts)),
        )
        for k in range(len(headers))
    ]
    return _Scanned(
        phones=[p for part in parts for p in part.phones],
        statuses=[s for part in parts for s in part.statuses],
        columns=columns,
        text_only=sum(part.text_only for part in parts),
        cleaned=_concat([part.cleaned for part in parts]),
        sentence_ads=np.concatenate([part.sentence_ads for part in parts] or [np.empty(0, int)]),
        sentences=_concat([part.sentences for part in parts]),
    )


def _concat(arrays: list[pa.Array]) -> pa.Array:
    if not arrays:
        return pa.array([], type=pa.large_string())
    return pa.concat_arrays(arrays)


def _distinct(values: pa.Array, min_length: int) -> list[str]:
    """The distinct strings of `values` that have at least `min_length` characters."""
    long_enough = pc.greater_equal(pc.utf8_length(values), min_length)
    return pc.unique(values.filter(long_enough)).to_pylist()


def ad_owners(phones: list[tuple[str, ...]], names: pa.Array) -> pd.Series:
    """Who posted each ad, as far as we can tell before linking: its first phone, else its
    pseudonym, else the ad itself ("#position")."""
    first_phone = pa.array([p[0] if p else "" for p in phones], type=pa.large_string())
    owners = pc.if_else(pc.not_equal(first_phone, ""), first_phone, names)
    nobody = np.flatnonzero(pc.equal(owners, "").to_numpy(zero_copy_only=False))
    if len(nobody):
        mask = np.zeros(len(owners), dtype=bool)
        mask[nobody] = True
        itself = pa.array([f"#{i}" for i in nobody], type=pa.large_string())
        owners = pc.replace_with_mask(owners, pa.array(mask), itself)
    return pd.Series(owners, dtype=textmod.ARROW_STR)


def _str(values: pd.Series) -> Any:
    """A column of the default string dtype, without a round trip through Python strings
    when `values` are already arrow strings (the index of `values` is dropped)."""
    return pd.array(values.astype("str").array, dtype="str")


@dataclass(frozen=True, eq=False)
class Prepared:
    """The features (one row per ad), the boilerplate sentences found, the style vectors."""

    features: pd.DataFrame
    boilerplate: list[str]
    style: Any  # scipy CSR matrix, one L2-normed row per ad (see text.style_vectors)
    decorations: frozenset[str]  # words learned to decorate pseudonyms (see adcensus.pseudonyms)
    phone_columns: dict[str, PhoneColumnCount]  # what each phone column gave, by header
    phones_in_text_only: int  # ads whose numbers are in their title or text only


def prepare(
    table: AdTable,
    settings: Settings,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Prepared:
    """Features for linking, one row per ad in input order (see module docstring).

    `workers` caps the processes used to scan ads (None: all cores, for big files).
    Each column of `settings.compare` (`--compare`) is folded into a feature column
    `compare:HEADER`.
    """
    note = progress or silent
    n = len(table.frame)
    names = textmod.fold_name(_column(table, col.NAME))
    note("phones")
    unnamed = (names.str.len() == 0).to_numpy(dtype=bool)
    scanned = scan_ads(table, settings.region, unnamed, workers, note)
    note("text", 0, n)
    cities = textmod.fold(_column(table, col.CITY))
    city_words = set(_distinct(textmod.arrow_strings(cities), 3))
    decorations = learn_decorations(
        names, ad_owners(scanned.phones, textmod.arrow_strings(names)), city_words
    )
    cores = name_cores(names, decorations)
    # An unnamed ad whose text names exactly one known pseudonym core takes it.
    cores, inferred = infer_names(
        cores, pd.Series(scanned.cleaned, dtype=textmod.ARROW_STR), decorations
    )
    names = names.where(~inferred, cores)
    name_array = textmod.arrow_strings(names)
    # Pseudonyms and cities are compared on their own; left in the text they would
    # count twice, and hide that "X vous attend à Y" is one template for everybody.
    words = set(_distinct(name_array, 3)) | set(_distinct(textmod.arrow_strings(cores), 3))
    sentences, coded = textmod.masked_sentences(
        scanned.sentence_ads, scanned.sentences, words | city_words
    )
    owners = ad_owners(scanned.phones, name_array)
    counted = None
    if coded is not None:
        codes, unique = coded
        counted = (codes, unique, textmod.count_owners(codes, len(unique), sentences["ad"], owners))
    boilerplate = textmod.find_boilerplate(sentences, owners, settings.boilerplate_min_ads, counted)
    style, rarest_sentence = textmod.style_vectors(sentences, owners, n, counted)
    date_cells = _column(table, col.DATE)
    dates = parse_dates(date_cells)
    features = pd.DataFrame(
        {
            "key": _str(ad_keys(table)),
            "phones": scanned.phones,
            "phone_statuses": scanned.statuses,
            "phone_flags": _phone_flags(scanned.statuses),
            "name": _str(names),
            "core": _str(cores),
            "name_from_text": inferred,
            "owner": _str(owners),
            "age": parse_ages(_column(table, col.AGE)).to_numpy(dtype=float),
            "city": _str(textmod.fold_place(_column(table, col.CITY))),
            "date": dates.to_numpy(),
            "date_unreadable": unreadable_cells(date_cells, dates),
            "site": _str(textmod.fold(_column(table, col.SITE))),
            "text": _str(textmod.comparison_text(sentences, n, boilerplate)),
            "photo": _str(_column(table, col.PHOTO_HASH).fillna("").str.strip().str.lower()),
            "style_key": rarest_sentence,
        }
    )
    for header in settings.compare:
        features[f"compare:{header}"] = _str(textmod.fold(_compared(table, header)))
    note("text", n, n)
    found = dict(zip(phone_headers(table), scanned.columns, strict=True))
    return Prepared(features, sorted(boilerplate), style, decorations, found, scanned.text_only)
