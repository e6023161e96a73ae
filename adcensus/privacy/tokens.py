"""Keyed pseudonyms: a value normalised for its kind (phone, url, name, photo) and
hashed with the key (HMAC-SHA256), one by one (`pseudonym`) or for whole columns
(`Tokens`). A whole dedupe output is pseudonymised by adcensus.outputs.pseudonymize."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

import pandas as pd
import pyarrow as pa

from adcensus.errors import UsageError
from adcensus.phones import extract_phones, extract_phones_many
from adcensus.privacy.cells import E164
from adcensus.text import fold_name, normalize_urls

# Token prefixes by kind: a reader sees what a token stands for, never what it was.
KINDS = {"phone": "tel_", "url": "url_", "name": "name_", "photo": "photo_"}
TOKEN_HEX = 16
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
    clean = [" ".join(unicodedata.normalize("NFC", v).split()) for v in values]
    urls = normalize_urls(pa.chunked_array([pa.array(clean, pa.large_string())]))
    return [str(u or "") for u in urls.to_pylist()]


def _token(normal: str, key: bytes, kind: str) -> str:
    digest = hmac.new(key, f"{kind}:{normal}".encode(), hashlib.sha256).hexdigest()
    return KINDS[kind] + digest[:TOKEN_HEX]


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
            return E164.sub(lambda m: self(m.group(0), "phone"), value)

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
