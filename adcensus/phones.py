"""Find the phone numbers in an ad and write them in E.164.

Ads hide numbers from the sites' filters: ``O6 l2 34 S6 78``, ``06*12*34*56*78``,
``zéro six douze trente-quatre…``, fullwidth digits, emoji keycaps. A scan is cheap
enough for millions of ads. First the text is normalised without moving characters: a
one-to-one table built from NFKC folds exotic digits, spaces and keycap marks; URLs are
blanked; O, l, I and S in digit tokens become digits; French number words become digits
(the one step that moves characters, so it keeps a map back to the original text). Then
one regex finds runs of digit groups, and each run is cut into phones, parsed by
phonenumbers and cached, so that an age or a price next to a phone is never glued to it.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain, pairwise
from typing import Literal, NamedTuple

import phonenumbers as pn
import pyarrow as pa
import pyarrow.compute as pc

from adcensus.errors import InputError
from adcensus.numberwords import Segment, spell_out, to_original, word_anchors

PhoneStatus = Literal["valid", "fictional", "unallocated"]

# ARCEP keeps these blocks of 10,000 numbers for audiovisual works: they are never assigned
# to a subscriber. Source: plan national de numérotation, annexe 1 de la décision Arcep
# n° 2018-0881, article 2.5.12 "numéros pour les œuvres audiovisuelles",
# https://www.legifrance.gouv.fr/jorf/article_jo/JORFARTI000037263033 ; the same six
# roots in the State's design system, https://www.systeme-de-design.gouv.fr/version-courante/
# fr/modeles/blocs-fonctionnels/numero-de-telephone . Neither lists an 08 or 09 block.
FICTIONAL_BLOCKS: tuple[str, ...] = (
    "01 99 00",
    "02 61 91",
    "03 53 01",
    "04 65 71",
    "05 36 49",
    "06 39 98",
)
_FICTIONAL_E164 = tuple("+33" + block.replace(" ", "")[1:] for block in FICTIONAL_BLOCKS)
# Overseas departments dial like metropolitan France (0690…, 0692…) with their own
# country codes: Guadeloupe (and St-Martin, St-Barthélemy), Guyane, Martinique, Réunion
# and Mayotte.
_FR_OVERSEAS = (590, 594, 596, 262)
_KEYCAP_MARKS = "\ufe0f\u20e3"


@dataclass(frozen=True, slots=True)
class Phone:
    """One phone number found in a text.

    `status` is "valid" (allocated per phonenumbers), "fictional" (in an ARCEP block for
    fiction, see FICTIONAL_BLOCKS) or "unallocated" (right length and shape, not valid
    today: kept so that a number is not lost when the metadata lags behind).
    `start`/`end` delimit it in the original text; for obfuscated forms, the whole run.
    """

    e164: str
    status: PhoneStatus
    start: int
    end: int


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


# --- digit runs, cut into phones --------------------------------------------------------

# Seven digits or more (no phone is shorter), joined by up to three separators.
_RUN = re.compile(r"[+0-9](?:[ \t.*_/()-]{0,3}+[0-9]){6,}+")
_GROUP = re.compile(r"[0-9]+")
_NON_DIGITS = re.compile(r"[^0-9]+")
_DAY, _MONTH = r"(?:0?[1-9]|[12][0-9]|3[01])", r"(?:0?[1-9]|1[0-2])"
_DAY_MONTH = re.compile(rf"{_DAY}/{_MONTH}")
# A date inside a run needs a four-digit year to be sure: "03 53 01/12/34" is a phone.
_YEAR_DATE = re.compile(
    rf"(?<![0-9])(?<![0-9][./-])(?:{_DAY}([./-]){_MONTH}\1(?:19|20)[0-9]{{2}}"
    rf"|(?:19|20)[0-9]{{2}}([./-]){_MONTH}\2{_DAY})(?![0-9]|[./-][0-9])"
)
_INTL_LINKS = ("wa.me/", "phone=")


class _Region(NamedTuple):
    code: str
    country_code: str
    trunk: str  # national prefix, "" where there is none (ES, IT)
    national_lengths: frozenset[int]  # digits of a national form, trunk included


@cache
def _region(region: str) -> _Region:
    code = region.upper()
    metadata = pn.PhoneMetadata.metadata_for_region(code)
    if metadata is None:
        raise InputError(f"Unknown phone region {region!r}: give a two-letter code such as FR.")
    trunk = metadata.national_prefix or ""
    described = metadata.general_desc.possible_length if metadata.general_desc else ()
    lengths = frozenset(len(trunk) + n for n in described)
    return _Region(code, str(metadata.country_code), trunk, lengths)


def _judge(number: pn.PhoneNumber) -> tuple[str, PhoneStatus] | None:
    """E.164 and status of a parsed number, or None when it cannot be one; cached by
    number, so that "06 12…" and "+33 6 12…" are judged once."""
    return _judge_cached(
        number.country_code or 0,
        number.national_number or 0,
        bool(number.italian_leading_zero),
        number.number_of_leading_zeros or 1,
    )


@lru_cache(maxsize=1 << 20)
def _judge_cached(
    country_code: int, national_number: int, leading_zero: bool, zeros: int
) -> tuple[str, PhoneStatus] | None:
    number = pn.PhoneNumber(
        country_code=country_code,
        national_number=national_number,
        italian_leading_zero=leading_zero or None,
        number_of_leading_zeros=zeros if leading_zero else None,
    )
    e164 = pn.format_number(number, pn.PhoneNumberFormat.E164)
    if is_fictional(e164):
        return e164, "fictional"
    if pn.is_valid_number(number):
        return e164, "valid"
    if pn.is_possible_number_with_reason(number) == pn.ValidationResult.IS_POSSIBLE:
        return e164, "unallocated"
    return None


@lru_cache(maxsize=1 << 20)
def _classify(digits: str, form: str, region_code: str) -> tuple[str, PhoneStatus] | None:
    """E.164 and status of `digits` written in `form` (intl, national, bare_cc), or None."""
    region = _region(region_code)
    number = _intl_number(digits) if form == "intl" else None
    try:
        if number is not None:
            pass
        elif form == "national" and region.trunk:
            rest = int(digits[len(region.trunk) :])
            number = pn.PhoneNumber(country_code=int(region.country_code), national_number=rest)
        else:
            number = pn.parse(digits if form == "national" else "+" + digits, region.code)
    except pn.NumberParseException:
        return None
    found = _judge(number)
    if found is not None and found[1] != "unallocated":
        return found
    if number.country_code == 33:  # also "+33 6 92…", written for "+262 692…"
        overseas = _overseas(number.national_number or 0)
        if overseas is not None:
            return overseas, "valid"
    # Without a trunk prefix or a +, only a number that is allocated is unambiguous.
    strict = form == "bare_cc" or (form == "national" and not region.trunk)
    return None if strict else found


def _intl_number(digits: str) -> pn.PhoneNumber | None:
    """An international number read without the parser, where that reading is certain:
    the country code is the first 1-3 digits that name one (as phonenumbers reads it)
    and the rest does not start with 0 (which the parser may strip or keep). For
    country codes other than +33, only a number allocated or fictional as read is
    returned; otherwise None, and the parser decides."""
    for size in (1, 2, 3):
        country_code = int(digits[:size])
        if country_code in pn.COUNTRY_CODE_TO_REGION_CODE:
            rest = digits[size:]
            if not rest or rest[0] == "0":
                return None
            number = pn.PhoneNumber(country_code=country_code, national_number=int(rest))
            if country_code == 33:
                return number
            found = _judge(number)
            return number if found is not None and found[1] != "unallocated" else None
    return None


@cache
def _overseas_patterns() -> tuple[tuple[int, re.Pattern[str]], ...]:
    """Per overseas country code, the shape of its national numbers (phonenumbers' own)."""
    patterns = []
    for country_code in _FR_OVERSEAS:
        for region_code in pn.COUNTRY_CODE_TO_REGION_CODE[country_code]:
            metadata = pn.PhoneMetadata.metadata_for_region(region_code)
            general = metadata.general_desc if metadata else None
            shape = general.national_number_pattern if general else None
            if shape:
                patterns.append((country_code, re.compile(shape)))
    return tuple(patterns)


def _overseas(national_number: int) -> str | None:
    """The E.164 of a French overseas number dialled as +33, if it is one."""
    national = str(national_number)
    for country_code, shape in _overseas_patterns():
        if shape.fullmatch(national):
            overseas = pn.PhoneNumber(country_code=country_code, national_number=national_number)
            if pn.is_valid_number(overseas):
                return pn.format_number(overseas, pn.PhoneNumberFormat.E164)
    return None


def _window(
    digits: str, first: str, first_intl: bool, region: _Region
) -> tuple[str, PhoneStatus] | None:
    """Classify the digits of consecutive groups, the `first` of them included, after cheap
    checks of their shape. A country code without + must stand alone: "33 6…", "336…"."""
    size = len(digits)
    if first_intl:
        return _classify(digits, "intl", region.code) if 7 <= size <= 15 else None
    if digits.startswith("00"):
        return _classify(digits[2:], "intl", region.code) if 9 <= size <= 17 else None
    if size in region.national_lengths and digits.startswith(region.trunk):
        return _classify(digits, "national", region.code)
    cc = region.country_code
    if first in (cc, digits) and size - len(cc) + len(region.trunk) in region.national_lengths:
        return _classify(digits, "bare_cc", region.code) if digits.startswith(cc) else None
    return None


# A phone found in a run: E.164, status, start and end in the run.
_Found = tuple[str, PhoneStatus, int, int]


@lru_cache(maxsize=1 << 19)
def _cut_run(run: str, linked: bool, region_code: str) -> tuple[_Found, ...]:
    """The phones in one digit run; `linked` if it follows "wa.me/" (an implied +).

    Most runs are one number, tried first. Otherwise a dynamic programme over the run's
    digit groups picks the cut with, in order: most allocated or fictional phones, most
    phones, most signs of a phone; on a tie, the leftmost and longest phones. Cached, as
    the runs of a person's ads repeat.
    """
    region = _region(region_code)
    if _YEAR_DATE.fullmatch(run):
        return ()
    intl = linked or run[0] == "+"
    digits = _NON_DIGITS.sub("", run)
    first = _GROUP.search(run)
    found = _window(digits, first.group() if first else "", intl, region)
    if found and found[1] != "unallocated" and (intl or len(set(_NON_DIGITS.findall(run))) < 2):
        return ((*found, 0, len(run)),)
    groups = [(m.group(), m.start(), m.end()) for m in _GROUP.finditer(run)]
    count = len(groups)
    opening = (region.trunk or "0", region.country_code)  # "0" also opens 00CC
    if not intl and not any(group[0].startswith(opening) for group in groups):
        return ()
    dates = {
        k
        for date in _YEAR_DATE.finditer(run)
        for k in range(count)
        if date.start() <= groups[k][1] < date.end()
    }
    raw = [run[a[2] : b[1]] for a, b in pairwise(groups)]
    if count > 2 and raw[:2] == ["/", " "] and _DAY_MONTH.fullmatch(run, 0, groups[1][2]):
        dates.update((0, 1))  # "le 06/01 06 12 34 56 78"
    seps = [sep.strip() or " " for sep in raw]  # "06 - 12 -  34" has one separator
    spaced = [True, *(sep != sep.strip() for sep in raw), True]  # space before group k
    best = [(0, 0, 0)] * (count + 1)
    choice: list[tuple[int, str, PhoneStatus] | None] = [None] * (count + 1)
    for i in range(count - 1, -1, -1):
        best[i], digits = best[i + 1], ""
        for j in range(i, count):
            digits += groups[j][0]
            if len(digits) > 17 or j in dates:
                break
            if len(digits) < 7:
                continue
            found = _window(digits, groups[i][0], intl and i == 0, region)
            if found is None:
                continue
            sizes = [len(group[0]) for group in groups[i : j + 1]]
            uniform = len(set(seps[i:j])) < 2
            tidy = len(set(sizes[1:])) < 2
            if not (uniform or tidy or (intl and i == 0)) and any(n > 2 and n % 2 for n in sizes):
                continue  # "06/01 75011 7": pieces of other numbers
            # Signs of a phone: a leading + (which outweighs the others), one separator,
            # groups after the first of one size, spaces or the run's ends around it.
            signs = 4 * (intl and i == 0) + uniform + tidy + (spaced[i] and spaced[j + 1])
            tail = best[j + 1]
            score = (tail[0] + (found[1] != "unallocated"), tail[1] + 1, tail[2] + signs)
            if score >= best[i]:
                best[i], choice[i] = score, (j, *found)
    phones: list[_Found] = []
    i = 0
    while i < count:
        picked = choice[i]
        if picked is None:
            i += 1
            continue
        j, e164, status = picked
        phones.append((e164, status, 0 if i == 0 and intl else groups[i][1], groups[j][2]))
        i = j + 1
    return tuple(phones)


def _scan(text: str, region: _Region, plain: bool = False) -> list[Phone]:
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
        for e164, status, begin, end in _cut_run(run.group(), linked, region.code):
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


def _whole_cell(text: str, region: _Region) -> list[Phone]:
    """A cell holding only a national number whose leading 0 a spreadsheet dropped."""
    digits = text.strip()
    national = region.trunk + digits
    if not (digits.isascii() and digits.isdigit() and region.trunk) or digits[0] == "0":
        return []
    if len(national) not in region.national_lengths:
        return []
    found = _classify(national, "national", region.code)
    if not found or found[1] == "unallocated":
        return []
    start = text.index(digits)
    return [Phone(found[0], found[1], start, start + len(digits))]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a bulk scan makes millions of small objects and
    no cycles, and the collector walking them again and again doubles the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- public API -------------------------------------------------------------------------


def extract_phones(text: str | None, region: str = "FR") -> list[Phone]:
    """Every phone number in free text or a phone cell, deduplicated by E.164, in order.

    National numbers are read in `region` (an ISO code, FR by default); numbers written
    with +CC or 00CC are read from anywhere. None, NaN and empty cells give [].
    Raises InputError for an unknown region.
    """
    info = _region(region)
    return _scan(text, info) if isinstance(text, str) and text else []


def extract_phones_many(texts: Iterable[str | None], region: str = "FR") -> list[list[Phone]]:
    """`extract_phones` for each text, in order, fast for large files.

    Identical texts (reposts) are scanned once, and the garbage collector is paused
    meanwhile. Each result is a list of its own, safe to modify.
    """
    texts = list(texts)
    return _extract(texts, _region(region), [False] * len(texts))


def extract_phones_arrow(texts: pa.Array, region: str = "FR") -> list[list[Phone]]:
    """`extract_phones_many` for a pyarrow string array, faster still.

    A vectorised pass (RE2 in pyarrow) first sorts out the texts that cannot hold a
    phone (no run of seven digits, nothing to normalise: they give [] at once) and
    the plain ones (digits but no exotic characters, letters for digits, number words
    or urls: scanned without normalising). Same result as `extract_phones_many`.
    """
    info = _region(region)
    plain, candidate = _plain_texts(texts)
    values = texts.to_pylist()
    kept = [v if c else None for v, c in zip(values, candidate, strict=True)]
    return _extract(kept, info, plain)


def _extract(texts: list[str | None], info: _Region, plain: list[bool]) -> list[list[Phone]]:
    seen: dict[str, list[Phone]] = {}
    results: list[list[Phone]] = []
    with _gc_paused():
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
    special = pc.match_substring_regex(texts, alnum)
    for pattern in (near_digit, *_NEEDS_NORMALISING):
        special = pc.or_(special, pc.match_substring_regex(texts, pattern))
    runs = pc.match_substring_regex(texts, _RUN_RE2)
    candidate = pc.or_(special, runs)
    return pc.invert(special).to_pylist(), candidate.to_pylist()


def is_fictional(e164: str) -> bool:
    """True for a French number in a block ARCEP reserves for fiction (FICTIONAL_BLOCKS)."""
    return len(e164) == 12 and e164.startswith(_FICTIONAL_E164)


def mask_phone(e164: str) -> str:
    """Show a number without identifying it: "+33639981234" -> "+33 6 •• •• •• 34".

    Keeps the country code, the first national digit and the last two digits; the other
    digits become bullets grouped by two. Raises InputError if `e164` is not E.164.
    """
    if not re.fullmatch(r"\+[1-9][0-9]{6,14}", e164):
        raise InputError(f"{e164!r} is not an E.164 phone number such as +33612345678.")
    try:
        number = pn.parse(e164)
    except pn.NumberParseException as error:
        raise InputError(f"{e164!r} has no known country code: {error}.") from None
    national = pn.national_significant_number(number)
    middle = national[1:-2]
    bullets = ["•" * len(middle[k : k + 2]) for k in range(0, len(middle), 2)]
    return " ".join([f"+{number.country_code}", national[0], *bullets, national[-2:]])


def strip_phones(text: str, phones: list[Phone]) -> str:
    """`text` without the spans of `phones`; a space stands in where words would touch."""
    out, last = "", 0
    for phone in sorted(phones, key=lambda p: p.start):
        out += text[last : max(phone.start, last)]
        last = min(max(phone.end, last), len(text))
        if out and last < len(text) and not out[-1].isspace() and not text[last].isspace():
            out += " "
    return out + text[last:]
