"""Keyed pseudonyms: a value normalised for its kind (phone, url, name, photo) and
hashed with the key (HMAC-SHA256), one by one (`pseudonym`) or for whole columns
(`Tokens`); a dedupe output (`pseudonymize_result`) or a store export
(`export_store_pseudonymized`) with its phones, urls, pseudonyms and photo hashes
replaced by those tokens."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from adcensus import columns as col
from adcensus.errors import UsageError
from adcensus.phones import extract_phones, extract_phones_many
from adcensus.privacy.cells import _E164
from adcensus.privacy.keys import key_id
from adcensus.text import fold_name

if TYPE_CHECKING:  # dedupe writes through write.py, which imports this module
    from adcensus.dedupe import DedupeResult

# Token prefixes by kind: a reader sees what a token stands for, never what it was.
KINDS = {"phone": "tel_", "url": "url_", "name": "name_", "photo": "photo_"}
_TOKEN_HEX = 16
# A value that is already a token (a pseudonymized folder read again) stays as it is, so
# that its tokens still link with the other files made with the key.
_KIND_TOKEN = {kind: re.compile(prefix + "[0-9a-f]{16}") for kind, prefix in KINDS.items()}
_ANY_TOKEN = re.compile("(?:" + "|".join(KINDS.values()) + ")[0-9a-f]{16}")
_PHONE_TOKENS = re.compile("tel_[0-9a-f]{16}(?:;tel_[0-9a-f]{16})*")
_DIGITS = re.compile(r"\d+")
# What looks like a web address in a cell of a column with no role: a scheme or `www.`,
# or a host name with a dot and a path (`vivastreet.com/annonce/12`).
URL_PATTERN = re.compile(
    r"(?i)\b(?:(?:https?|ftp)://|www\.)[^\s<>\"']+"
    r"|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,}/[^\s<>\"']*"
)


def _normal_phone(value: str, region: str) -> str:
    value = value.strip()
    if re.fullmatch(r"\+[1-9]\d{6,14}", value):
        return value
    found = extract_phones(value, region)
    if found:
        return found[0].e164
    return "".join(_DIGITS.findall(value)) or value


def _normals(values: list[str], kind: str, region: str) -> list[str]:
    """`values` normalised for their kind, in bulk (see `pseudonym`)."""
    if kind == "phone":
        return [_normal_phone(v, region) for v in values]
    if kind == "photo":
        return [v.strip().lower() for v in values]
    if kind == "name":
        # Letters only, as tokens were made before fold_name kept digits: a token of
        # "Léa ❤️ 23" made by an earlier version still matches.
        folded = [
            " ".join(w for w in f.split(" ") if not w.isdigit())
            for f in fold_name(pd.Series(values, dtype="str")).tolist()
        ]
        return [
            f or unicodedata.normalize("NFC", v.strip())
            for f, v in zip(folded, values, strict=True)
        ]
    from adcensus.store.ingest import normalize_urls  # the store imports this module

    clean = [" ".join(unicodedata.normalize("NFC", v).split()) for v in values]
    urls = normalize_urls(pa.chunked_array([pa.array(clean, pa.large_string())]))
    return [str(u or "") for u in urls.to_pylist()]


def _token(normal: str, key: bytes, kind: str) -> str:
    digest = hmac.new(key, f"{kind}:{normal}".encode(), hashlib.sha256).hexdigest()
    return KINDS[kind] + digest[:_TOKEN_HEX]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise UsageError(f"unknown pseudonym kind {kind!r}; expected one of {', '.join(KINDS)}")


def pseudonym(value: str, key: bytes, kind: str, region: str = "FR") -> str:
    """A keyed token for `value`: kind prefix + 16 hex of HMAC-SHA256(key, kind:normalised).

    `kind` is phone (token `tel_…`), url, name or photo. Values are normalised first, so
    that one person gets one token: phones as E.164 (read in `region`), urls as store
    fingerprints (scheme and trailing / dropped, host lower-cased), pseudonyms folded like
    adcensus.text.fold_name ("Léa ❤️" and "LEA" give one token), photo hashes lower-cased.
    The same key gives the same token in every run; another key, another token.
    """
    _check_kind(kind)
    return _token(_normals([value], kind, region)[0], key, kind)


class Tokens:
    """Keyed tokens for whole columns, as `pseudonymize_result` writes them.

    Each distinct value is normalised and hashed once (see `pseudonym`). A value that is
    already a token of its kind (a pseudonymized folder read again) stays as it is, so
    that it still links with the other files made with the same key.
    """

    def __init__(self, key: bytes, region: str) -> None:
        self.key, self.region = key, region
        self.cache: dict[tuple[str, str], str] = {}

    def learn(self, values: list[str], kind: str) -> None:
        """Compute the tokens of `values` not yet known, in one bulk normalisation."""
        new = list(dict.fromkeys(v for v in values if (kind, v) not in self.cache))
        done = [v for v in new if _KIND_TOKEN[kind].fullmatch(v)]
        self.cache.update({(kind, v): v for v in done})
        new = [v for v in new if (kind, v) not in self.cache]
        if new:
            for value, normal in zip(new, _normals(new, kind, self.region), strict=True):
                self.cache[(kind, value)] = _token(normal, self.key, kind)

    def __call__(self, value: str, kind: str) -> str:
        self.learn([value], kind)
        return self.cache[(kind, value)]

    def column(self, column: pd.Series, kind: str) -> pd.Series:
        """Each non-empty cell as its token; empty and missing cells stay as they are."""
        filled = [v for v in column.dropna().unique() if isinstance(v, str) and v.strip()]
        self.learn(filled, kind)
        return column.map(lambda v: self.cache.get((kind, v), v) if isinstance(v, str) else v)

    def joined(self, column: pd.Series, kind: str) -> pd.Series:
        """`;`-joined cells (persons.csv) as their distinct tokens, sorted, `;`-joined."""
        cells = column.astype(object)
        parts = [
            [p for p in v.split(";") if p.strip()] if isinstance(v, str) else [] for v in cells
        ]
        self.learn([p for cell in parts for p in cell], kind)
        out = [
            ";".join(sorted({self.cache[(kind, p)] for p in cell})) if cell else value
            for value, cell in zip(cells, parts, strict=True)
        ]
        return pd.Series(out, index=column.index, dtype=column.dtype)

    def e164_in(self, column: pd.Series) -> pd.Series:
        """Every E.164 number in each cell (evidence, link reasons) as its token."""

        def replace(value: object) -> object:
            if not isinstance(value, str):
                return value
            return _E164.sub(lambda m: self(m.group(0), "phone"), value)

        return column.map(replace)

    def phones_in_texts(self, column: pd.Series) -> pd.Series:
        """Each text with the spans of the phones found in it replaced by their tokens."""
        texts = column.astype(object)
        found = extract_phones_many(texts.where(texts.notna(), None).tolist(), self.region)
        out: list[object] = []
        for text, phones in zip(texts, found, strict=True):
            kept = [(m.start(), m.end()) for m in _ANY_TOKEN.finditer(text)] if phones else []
            for phone in sorted(phones, key=lambda p: p.start, reverse=True):
                if any(phone.start < end and start < phone.end for start, end in kept):
                    continue  # digits inside a token already there
                text = text[: phone.start] + self(phone.e164, "phone") + text[phone.end :]
            out.append(text)
        return pd.Series(out, index=column.index, dtype=column.dtype)

    def identifiers_in_texts(self, column: pd.Series) -> tuple[pd.Series, int, int]:
        """Each cell with the phone numbers and urls found in it replaced by their tokens;
        also the counts of numbers and urls replaced.

        For columns whose role is unknown (`WhatsApp`, `Téléphone 2`, `Notes`): numbers are
        found by adcensus.phones (spaced, dotted, written as words, O for 0…), urls by
        URL_PATTERN. Tokens already there stay as they are.
        """
        # Urls first, whole (a number in `wa.me/33639981003` is part of the url).
        urls = 0
        texts: list[object] = []
        for text in column.astype(object):
            if isinstance(text, str) and not _ANY_TOKEN.fullmatch(text):
                spans = [m for m in URL_PATTERN.finditer(text) if not _ANY_TOKEN.search(m[0])]
                for match in reversed(spans):
                    text = text[: match.start()] + self(match[0], "url") + text[match.end() :]
                urls += len(spans)
            texts.append(text)
        found = extract_phones_many([t if isinstance(t, str) else None for t in texts], self.region)
        phones = 0
        out: list[object] = []
        for text, numbers in zip(texts, found, strict=True):
            if not isinstance(text, str) or not numbers:
                out.append(text)
                continue
            kept = [(m.start(), m.end()) for m in _ANY_TOKEN.finditer(text)]
            for phone in sorted(numbers, key=lambda p: p.start, reverse=True):
                if any(phone.start < end and start < phone.end for start, end in kept):
                    continue  # digits inside a token already there
                text = text[: phone.start] + self(phone.e164, "phone") + text[phone.end :]
                phones += 1
            out.append(text)
        return pd.Series(out, index=column.index, dtype=column.dtype), phones, urls

    def phone_cells(self, column: pd.Series) -> pd.Series:
        """A phone column: the tokens of the numbers found, `;`-joined; other text as one token."""
        texts = column.astype(object)
        done = texts.map(lambda t: isinstance(t, str) and bool(_PHONE_TOKENS.fullmatch(t)))
        done = done.astype(bool)
        found = extract_phones_many(texts.where(texts.notna() & ~done, None).tolist(), self.region)
        # A filled cell with no number in it ("voir annonce") becomes one token all the same.
        others = self.column(
            pd.Series(
                [t for t, p, d in zip(texts, found, done, strict=True) if not p and not d],
                dtype=object,
            ),
            "phone",
        )
        rest = iter(others)
        out: list[object] = []
        for text, phones, already in zip(texts, found, done, strict=True):
            if already:
                out.append(text)
            elif phones:
                out.append(";".join(self(p.e164, "phone") for p in phones))
            else:
                out.append(next(rest))
        return pd.Series(out, index=column.index, dtype=column.dtype)


def pseudonymize_persons(persons: pd.DataFrame, tokens: Tokens) -> pd.DataFrame:
    """persons.csv with `names` and `phones` as their distinct tokens, `;`-joined."""
    persons = persons.copy()
    for name, kind in (("names", "name"), ("phones", "phone")):
        if name in persons.columns:
            persons[name] = tokens.joined(persons[name], kind)
    return persons


def _output_name(name: str, originals: set[str]) -> str:
    """The ads.csv column dedupe appended as `name` (prefixed when an input had that name)."""
    return f"adcensus_{name}" if name in originals else name


def _role_headers(summary: dict[str, Any]) -> dict[str, list[str]]:
    """Each role's headers: `roles`, and for a store export every file's (`role_headers`)."""
    found: dict[str, list[str]] = {r: [h] for r, h in (summary.get("roles") or {}).items()}
    for role, headers in (summary.get("role_headers") or {}).items():
        found[role] = list(dict.fromkeys([*found.get(role, []), *headers]))
    return found


def pseudonymize_result(
    result: DedupeResult, key: bytes, drop_text: bool = False, region: str | None = None
) -> DedupeResult:
    """`result` with phones, urls, pseudonyms and photo hashes replaced by keyed tokens.

    In ads.csv: the original phone, url, name and photo-hash columns (from
    `summary["roles"]`), the `phones` and `link_reason` columns, and the phone numbers
    found in the title and text columns; in persons.csv: `names` and `phones`; in
    pairs.csv: the phones in `evidence`. Every other original column (one adcensus
    does not recognise: `WhatsApp`, `Notes`) and the title and text are scanned for phone
    numbers and urls, which become tokens too (`found_in_cells` counts them). Ids,
    counts, sites, cities and dates are otherwise unchanged, so tallies still work and, with the same key, link across months. Other words of free
    text (a pseudonym, an address) are NOT removed: `drop_text` drops the title and text
    columns altogether. `summary["pseudonymized"]` says what was done and with which key.
    """
    roles = _role_headers(result.summary)
    region = region or str((result.summary.get("settings") or {}).get("region") or "FR")
    tokens = Tokens(key, region)
    found: dict[str, dict[str, int]] = {}
    ads = _pseudonymize_cells(result.ads, roles, tokens, drop_text, found)
    # The rows set aside keep their original cells too (rejected.csv).
    rejected = _pseudonymize_cells(result.rejected, roles, tokens, drop_text, found)
    added = set(col.ADS_OUTPUT_COLUMNS)
    originals = {h for h in ads.columns if h not in added}
    originals |= {n for n in added if f"adcensus_{n}" in ads.columns}
    kinds = {col.URL: "url", col.NAME: "name", col.PHOTO_HASH: "photo"}
    phones = _output_name(col.PHONES, originals)
    if phones in ads.columns:
        ads[phones] = tokens.joined(ads[phones], "phone")
    reason = _output_name(col.LINK_REASON, originals)
    if reason in ads.columns:
        ads[reason] = tokens.e164_in(ads[reason])
    persons = pseudonymize_persons(result.persons, tokens)
    pairs = result.pairs.copy()
    if "evidence" in pairs.columns:
        pairs["evidence"] = tokens.e164_in(pairs["evidence"])
    summary = {
        **result.summary,
        "pseudonymized": {
            "key_id": key_id(key),
            "method": f"HMAC-SHA256, first {_TOKEN_HEX} hex, prefixed by kind",
            "columns": sorted(
                {h for r, hs in roles.items() if r in (col.PHONE, *kinds) for h in hs}
            ),
            "free_text": "dropped"
            if drop_text
            else "phone numbers and urls replaced, other words kept",
            # Phone numbers and urls found in cells of free text or of columns of no role
            # (`WhatsApp`, `Notes`), replaced by tokens, counted per column.
            "found_in_cells": {name: found[name] for name in sorted(found)},
        },
    }
    return dataclasses.replace(
        result, ads=ads, persons=persons, pairs=pairs, summary=summary, rejected=rejected
    )


def _pseudonymize_cells(
    frame: pd.DataFrame,
    roles: dict[str, list[str]],
    tokens: Tokens,
    drop_text: bool,
    found: dict[str, dict[str, int]],
) -> pd.DataFrame:
    """`frame` with its original phone, url, name and photo-hash cells as tokens, its
    title and text columns dropped or with their phone numbers as tokens, and the phone
    numbers and urls of every other original column as tokens (counted into `found`)."""
    frame = frame.copy()
    tokenised = (col.PHONE, col.URL, col.NAME, col.PHOTO_HASH, col.TITLE, col.TEXT)
    handled = {h for role in tokenised for h in roles.get(role, [])}
    ours = {*col.ADS_OUTPUT_COLUMNS, *(f"adcensus_{n}" for n in col.ADS_OUTPUT_COLUMNS)}
    ours |= {col.SOURCE_FILE, f"adcensus_{col.SOURCE_FILE}", "row", "reason"}
    for header in [h for h in frame.columns if h not in handled and h not in ours]:
        frame[header] = _identifiers_replaced(frame[header], str(header), tokens, found)
    kinds = {col.URL: "url", col.NAME: "name", col.PHOTO_HASH: "photo"}
    for role, headers in roles.items():
        for header in (h for h in headers if h in frame.columns):
            if role == col.PHONE:
                frame[header] = tokens.phone_cells(frame[header])
            elif role in kinds:
                frame[header] = tokens.column(frame[header], kinds[role])
    texts = [h for r in (col.TITLE, col.TEXT) for h in roles.get(r, []) if h in frame.columns]
    if drop_text:
        return frame.drop(columns=texts)
    for header in texts:
        frame[header] = _identifiers_replaced(frame[header], str(header), tokens, found)
    return frame


def _identifiers_replaced(
    values: pd.Series, header: str, tokens: Tokens, found: dict[str, dict[str, int]]
) -> pd.Series:
    """`values` with their phone numbers and urls as tokens, counted into `found[header]`."""
    if not (values.dtype == object or isinstance(values.dtype, pd.StringDtype)):
        return values  # numbers and dates read as such hold no text
    replaced, phones, urls = tokens.identifiers_in_texts(values)
    if phones or urls:
        counts = found.setdefault(header, {"phones": 0, "urls": 0})
        counts["phones"] += phones
        counts["urls"] += urls
    return replaced


def read_outputs(folder: Path, delimiter: str = ";") -> DedupeResult:
    """The files `write_outputs` wrote in `folder`, read back as text tables (a mixed
    folder is refused: see adcensus.outputs)."""
    from adcensus.dedupe import DedupeResult
    from adcensus.outputs import check_belongs, check_folder

    def table(name: str) -> pd.DataFrame:
        check_belongs(folder / name)
        return pd.read_csv(
            folder / name, sep=delimiter, encoding="utf-8-sig", dtype=str, keep_default_na=False
        )

    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    check_folder(folder, summary)
    result = DedupeResult(
        ads=table("ads.csv"), persons=table("persons.csv"), pairs=table("pairs.csv"),
        summary=summary,
    )  # fmt: skip
    if (folder / "rejected.csv").exists():  # folders of older versions have none
        result = dataclasses.replace(result, rejected=table("rejected.csv"))
    return result


def export_store_pseudonymized(
    store: Path,
    out_dir: Path,
    key: bytes,
    force: bool = False,
    delimiter: str = ";",
    drop_text: bool = False,
    xlsx: bool = False,
) -> list[Path]:
    """`adcensus.store.export_store` with keyed tokens (see `pseudonymize_result`).

    The store's tables are pseudonymized in memory: no plain copy is ever written to
    disk; only the tokens reach `out_dir`.
    """
    from adcensus.dedupe import write_outputs
    from adcensus.store.export import store_result

    private = pseudonymize_result(store_result(store), key, drop_text)
    return write_outputs(private, Path(out_dir), force=force, delimiter=delimiter, xlsx=xlsx)
