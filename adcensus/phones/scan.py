"""The scan of a text: normalised without moving characters (exotic digits folded,
URLs blanked, letters and number words read as digits), its runs of digit groups found
and cut into phones (see `numbers`). For whole columns, a vectorised RE2 pass in pyarrow
first sorts out the texts that hold no phone and those that need no normalising."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from itertools import chain

import pyarrow as pa
import pyarrow.compute as pc

from adcensus.numberwords import Segment, spell_out, to_original, word_anchors
from adcensus.parallel import gc_paused
from adcensus.phones.model import Phone
from adcensus.phones.numbers import Region, classify, cut_run, region_info

_KEYCAP_MARKS = "\ufe0f\u20e3"


# --- normalising, offsets kept ----------------------------------------------------------

_URL_SRC = r"(?:https?://|www\.)(?!(?:api\.)?wa\.me/|api\.whatsapp\.com/)\S+"
_URL = re.compile(_URL_SRC)  # ignoring case would make it five times slower
_URL_ANY_CASE = re.compile(_URL_SRC, re.IGNORECASE)
# Two searches that each start with a character class are faster than one alternation.
_LETTER_BEFORE_DIGIT = re.compile(r"[OoIlS][0-9]")
_LETTER_AFTER_DIGIT = re.compile(r"[0-9][ .*_/-]?[OoIlS]")
# A token of digits and O, l, I, S with one digit at least, or "O"/"OO" next to digit groups.
_LETTER_TOKEN = re.compile(
    r"(?<![^\W_])(?:[0-9OoIlS]*[0-9][0-9OoIlS]*"
    r"|(?<=[0-9Oo][ .*_/-])[Oo]{1,2}|[Oo]{1,2}(?=[ .*_/-][0-9]))(?![^\W_])"
)
_LETTER_DIGITS = str.maketrans("OoIlS", "00115")


@cache
def _fold_table() -> dict[int, str]:
    """Map each exotic character that stands for a digit, a space or a separator to ASCII."""
    table: dict[int, str] = {}
    for cp in chain(range(0x80, 0xD800), range(0xE000, 0x10000), range(0x1D400, 0x1D800)):
        char = chr(cp)
        decimal = unicodedata.decimal(char, None)
        folded = unicodedata.normalize("NFKC", char)
        if decimal is not None:
            table[cp] = str(decimal)
        elif char in _KEYCAP_MARKS or char.isspace():
            table[cp] = " "
        elif unicodedata.category(char) == "Pd" or char == "\u2212":
            table[cp] = "-"
        elif char in "•·∙⋅":
            table[cp] = "."
        elif len(folded) == 1 and folded.isascii() and (folded.isalnum() or folded in "+./*_()"):
            table[cp] = folded
    return table


@cache
def _exotic() -> re.Pattern[str]:
    """A character class of the fold table's keys: BMP ranges and one astral block, which
    `re` compiles to a bitmap, so that a search costs a few microseconds per ad."""
    ranges: list[list[int]] = []
    for cp in sorted(cp for cp in _fold_table() if cp < 0x10000):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    bmp = "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges)
    return re.compile(f"[{bmp}\U0001d400-\U0001d7ff]")


def _blank(match: re.Match[str]) -> str:
    return "\x00" * len(match.group())  # neither a digit nor a separator: breaks runs


def _normalise(text: str) -> str:
    """Fold exotic characters, blank URLs and read letters as digits, keeping offsets."""
    if not text.isascii() and _exotic().search(text):
        text = text.translate(_fold_table())
    if "http" in text or "www." in text:
        text = _URL.sub(_blank, text)
    if "HTTP" in text or "Http" in text or "WWW." in text or "Www." in text:
        text = _URL_ANY_CASE.sub(_blank, text)
    if _LETTER_BEFORE_DIGIT.search(text) or _LETTER_AFTER_DIGIT.search(text):
        text = _LETTER_TOKEN.sub(lambda token: token.group().translate(_LETTER_DIGITS), text)
    return text


# --- digit runs, found in the text and cut into phones by numbers.py --------------------

# Seven digits or more (no phone is shorter), joined by up to three separators.
_RUN = re.compile(r"[+0-9](?:[ \t.*_/()-]{0,3}+[0-9]){6,}+")
_INTL_LINKS = ("wa.me/", "phone=")


def _scan(text: str, region: Region, plain: bool = False) -> list[Phone]:
    """The phones of one text; `plain` when `_plain_texts` found nothing to normalise."""
    scan = text if plain else _normalise(text)
    segments: list[Segment] = []
    anchors = [] if plain else word_anchors(scan)
    if anchors:
        scan, segments = spell_out(scan, anchors)
    phones: dict[str, Phone] = {}
    for run in _RUN.finditer(scan):
        offset = run.start()
        linked = scan.endswith(_INTL_LINKS, 0, offset)
        for e164, status, begin, end in cut_run(run.group(), linked, region.code):
            if e164 in phones:
                continue
            begin, end = begin + offset, end + offset
            if segments:
                begin = to_original(begin, segments, end=False)
                end = to_original(end, segments, end=True)
            while end < len(text) and text[end] in _KEYCAP_MARKS:
                end += 1
            phones[e164] = Phone(e164, status, begin, end)
    return list(phones.values()) or _whole_cell(text, region)


def _whole_cell(text: str, region: Region) -> list[Phone]:
    """A cell holding only a national number whose leading 0 a spreadsheet dropped."""
    digits = text.strip()
    national = region.trunk + digits
    if not (digits.isascii() and digits.isdigit() and region.trunk) or digits[0] == "0":
        return []
    if len(national) not in region.national_lengths:
        return []
    found = classify(national, "national", region.code)
    if not found or found[1] == "unallocated":
        return []
    start = text.index(digits)
    return [Phone(found[0], found[1], start, start + len(digits))]


# --- public API -------------------------------------------------------------------------


def extract_phones(text: str | None, region: str = "FR") -> list[Phone]:
    """Every phone number in free text or a phone cell, deduplicated by E.164, in order.

    National numbers are read in `region` (an ISO code, FR by default); numbers written
    with +CC or 00CC are read from anywhere. None, NaN and empty cells give [].
    Raises InputError for an unknown region.
    """
    info = region_info(region)
    return _scan(text, info) if isinstance(text, str) and text else []


def extract_phones_many(texts: Iterable[str | None], region: str = "FR") -> list[list[Phone]]:
    """`extract_phones` for each text, in order, fast for large files.

    Identical texts (reposts) are scanned once, and the garbage collector is paused
    meanwhile. Each result is a list of its own, safe to modify.
    """
    texts = list(texts)
    return _extract(texts, region_info(region), [False] * len(texts))


def extract_phones_arrow(texts: pa.Array, region: str = "FR") -> list[list[Phone]]:
    """`extract_phones_many` for a pyarrow string array, faster still.

    A vectorised pass (RE2 in pyarrow) first sorts out the texts that cannot hold a
    phone (no run of seven digits, nothing to normalise: they give [] at once) and
    the plain ones (digits but no exotic characters, letters for digits, number words
    or urls: scanned without normalising). Same result as `extract_phones_many`.
    """
    info = region_info(region)
    plain, candidate = _plain_texts(texts)
    values = texts.to_pylist()
    kept = [v if c else None for v, c in zip(values, candidate, strict=True)]
    return _extract(kept, info, plain)


def _extract(texts: list[str | None], info: Region, plain: list[bool]) -> list[list[Phone]]:
    seen: dict[str, list[Phone]] = {}
    results: list[list[Phone]] = []
    with gc_paused():
        for text, is_plain in zip(texts, plain, strict=True):
            if not isinstance(text, str) or not text:
                results.append([])
                continue
            phones = seen.get(text)
            if phones is None:
                phones = seen[text] = _scan(text, info, is_plain)
            results.append(list(phones))
    return results


# The same patterns as _normalise's and word_anchors' guards, in RE2 syntax, as supersets:
# a text none of them matches is left unchanged by _normalise and has no number words.
_NEEDS_NORMALISING = (
    r"[OoIlS][0-9]|[0-9][ .*_/-]?[OoIlS]",
    r"(?i)https?://|www\.|z[eéè]ro",
    r"[0-9][\t\n\v\f\r \x1c-\x1f.,*_/-]{1,3}[cdhnoqstuvzCDHNOQSTUVZ]",
)
_SPACES = r"[\t\n\v\f\r \x1c-\x1f]*"
_RUN_RE2 = rf"[+0-9](?:[ \t.*_/()-]{{0,3}}[0-9]){{6,}}|^{_SPACES}[1-9][0-9]*{_SPACES}$"


@cache
def _exotic_re2() -> tuple[str, str]:
    """The fold table's characters as two RE2 classes: those standing for a letter or a
    digit (they matter anywhere: "𝟎𝟔…", "𝐳𝐞𝐫𝐨"), and those standing for a space or a
    separator (no-break spaces, dashes, bullets: they matter only next to digits)."""
    classes: list[str] = []
    for alnum in (True, False):
        ranges: list[list[int]] = []
        for cp, folded in sorted(_fold_table().items()):
            if folded.isalnum() != alnum:
                continue
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
        classes.append("[" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges) + "]")
    return classes[0], classes[1]


def _plain_texts(texts: pa.Array) -> tuple[list[bool], list[bool]]:
    """(plain, candidate) per text: see `extract_phones_arrow`."""
    texts = pc.fill_null(texts, "")
    alnum, separator = _exotic_re2()
    near_digit = rf"[0-9][^\n]{{0,3}}{separator}|{separator}[^\n]{{0,3}}[0-9]"
    # One alternation: RE2 tries all the patterns in one pass, three times faster.
    either = "|".join(f"(?:{pattern})" for pattern in (alnum, near_digit, *_NEEDS_NORMALISING))
    special = pc.match_substring_regex(texts, either)
    runs = pc.match_substring_regex(texts, _RUN_RE2)
    candidate = pc.or_(special, runs)
    return pc.invert(special).to_pylist(), candidate.to_pylist()


def strip_phones(text: str, phones: list[Phone]) -> str:
    """`text` without the spans of `phones`; a space stands in where words would touch."""
    out, last = "", 0
    for phone in sorted(phones, key=lambda p: p.start):
        out += text[last : max(phone.start, last)]
        last = min(max(phone.end, last), len(text))
        if out and last < len(text) and not out[-1].isspace() and not text[last].isspace():
            out += " "
    return out + text[last:]
