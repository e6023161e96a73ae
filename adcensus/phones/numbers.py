"""From digits to E.164 and a status: a region's numbering, a number parsed by
phonenumbers and judged (valid, fictional, unallocated; French overseas numbers dialled
as +33 put right), and a run of digit groups cut into phones, so that an age or a price
next to a phone is never glued to it. Cached, as the runs of a person's ads repeat."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import pairwise
from typing import NamedTuple

import phonenumbers as pn

from adcensus.errors import InputError
from adcensus.phones.model import PhoneStatus, is_fictional
from adcensus.phones.validity import country_rules, nsn_lengths

# Overseas departments dial like metropolitan France (0690…, 0692…) with their own
# country codes: Guadeloupe (and St-Martin, St-Barthélemy), Guyane, Martinique, Réunion
# and Mayotte.
_FR_OVERSEAS = (590, 594, 596, 262)

# --- digit runs, cut into phones --------------------------------------------------------

_GROUP = re.compile(r"[0-9]+")
_NON_DIGITS = re.compile(r"[^0-9]+")
_DAY, _MONTH = r"(?:0?[1-9]|[12][0-9]|3[01])", r"(?:0?[1-9]|1[0-2])"
_DAY_MONTH = re.compile(rf"{_DAY}/{_MONTH}")
_DAY_MONTH_DOTTED = re.compile(rf"{_DAY}\.{_MONTH}")  # German, Swiss: "am 06.01. in 10115"
# A date inside a run needs a four-digit year to be sure: "03 53 01/12/34" is a phone.
_YEAR_DATE = re.compile(
    rf"(?<![0-9])(?<![0-9][./-])(?:{_DAY}([./-]){_MONTH}\1(?:19|20)[0-9]{{2}}"
    rf"|(?:19|20)[0-9]{{2}}([./-]){_MONTH}\2{_DAY})(?![0-9]|[./-][0-9])"
)


# In the North American Numbering Plan (+1) the 1 before the area code is a long-distance
# prefix that ads leave out, "(312) 555-0123", and a number is grouped 3-3-4: a run split
# elsewhere, "2018 2019 24", is years and a count however valid its ten digits.
_NANP = 1
_NANP_GROUP_ENDS = frozenset({3, 6})


class Region(NamedTuple):
    """How a region writes its numbers: country code, trunk prefix, lengths, grouping."""

    code: str
    country_code: str
    trunk: str  # national prefix, "" where there is none (ES, IT)
    national_lengths: frozenset[int]  # digits of a national form, trunk included
    bare_lengths: frozenset[int]  # digits of a national form written without its trunk
    group_ends: frozenset[int]  # where a national number may be split; empty: anywhere
    paired: bool  # written in pairs after the first group, "06 12 34 56 78"

    @property
    def trunk_required(self) -> bool:
        """True when every national number starts with the trunk prefix."""
        return bool(self.trunk) and not self.bare_lengths


@cache
def region_info(region: str) -> Region:
    """The numbering of `region` (a two-letter code, any case); unknown codes raise."""
    code = region.upper()
    metadata = pn.PhoneMetadata.metadata_for_region(code)
    if metadata is None:
        raise InputError(f"Unknown phone region {region!r}: give a two-letter code such as FR.")
    trunk = metadata.national_prefix or ""
    described = metadata.general_desc.possible_length if metadata.general_desc else ()
    lengths = frozenset(len(trunk) + n for n in described)
    nanp = metadata.country_code == _NANP
    return Region(
        code,
        str(metadata.country_code),
        trunk,
        lengths,
        bare_lengths=frozenset(described) if nanp else frozenset(),
        group_ends=_NANP_GROUP_ENDS if nanp else frozenset(),
        paired=_written_in_pairs(code),
    )


def _written_in_pairs(region_code: str) -> bool:
    """True when phonenumbers writes the region's mobile numbers in pairs after the first
    group: France "06 12 34 56 78", Belgium "0450 00 12 34", Spain "612 34 56 78"; not
    Switzerland "078 123 45 67", Germany, Italy, the UK or North America. There a group
    of three or five digits is a sign of a phone, not of a postcode glued to it."""
    example = pn.example_number_for_type(region_code, pn.PhoneNumberType.MOBILE)
    example = example or pn.example_number(region_code)
    if example is None:
        return True
    groups = _GROUP.findall(pn.format_number(example, pn.PhoneNumberFormat.NATIONAL))
    return len(groups) > 1 and all(len(group) == 2 for group in groups[1:])


def _judge(number: pn.PhoneNumber) -> tuple[str, PhoneStatus] | None:
    """E.164 and status of a parsed number, or None when it cannot be one; cached by
    number, so that "06 12…" and "+33 6 12…" are judged once."""
    return _judge_cached(
        number.country_code or 0,
        number.national_number or 0,
        bool(number.italian_leading_zero),
        number.number_of_leading_zeros or 1,
    )


@lru_cache(maxsize=1 << 17)
def _judge_cached(
    country_code: int, national_number: int, leading_zero: bool, zeros: int
) -> tuple[str, PhoneStatus] | None:
    number = pn.PhoneNumber(
        country_code=country_code,
        national_number=national_number,
        italian_leading_zero=leading_zero or None,
        number_of_leading_zeros=zeros if leading_zero else None,
    )
    nsn = pn.national_significant_number(number)
    rules = country_rules(country_code)
    if rules is None:
        lengths = nsn_lengths(country_code)
        if lengths and len(nsn) not in lengths:
            return None  # neither valid nor possible in any region of the code
        return _judge_by_parser(number)
    e164 = f"+{country_code}{nsn}"
    if is_fictional(e164):
        return e164, "fictional"
    if rules.is_valid(nsn):
        return e164, "valid"
    return (e164, "unallocated") if rules.is_possible(nsn) else None


def _judge_by_parser(number: pn.PhoneNumber) -> tuple[str, PhoneStatus] | None:
    """`_judge` by phonenumbers' own calls: for codes shared by several regions, and the
    reference that the compiled rules are tested against."""
    e164 = pn.format_number(number, pn.PhoneNumberFormat.E164)
    if is_fictional(e164):
        return e164, "fictional"
    if pn.is_valid_number(number):
        return e164, "valid"
    if pn.is_possible_number_with_reason(number) == pn.ValidationResult.IS_POSSIBLE:
        return e164, "unallocated"
    return None


@lru_cache(maxsize=1 << 17)
def classify(digits: str, form: str, region_code: str) -> tuple[str, PhoneStatus] | None:
    """E.164 and status of `digits` written in `form` (intl, national, bare_cc, or bare: a
    national number without its trunk prefix, as in the NANP), or None."""
    region = region_info(region_code)
    number = _intl_number(digits) if form == "intl" else None
    try:
        if number is not None:
            pass
        elif (form == "national" and region.trunk) or form == "bare":
            rest = int(digits[len(region.trunk) :] if form == "national" else digits)
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
    strict = form in ("bare_cc", "bare") or (form == "national" and not region.trunk)
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
    digits: str, first: str, first_intl: bool, region: Region
) -> tuple[str, PhoneStatus] | None:
    """Classify the digits of consecutive groups, the `first` of them included, after cheap
    checks of their shape. A country code without + must stand alone: "33 6…", "336…"."""
    size = len(digits)
    if first_intl:
        return classify(digits, "intl", region.code) if 7 <= size <= 15 else None
    if digits.startswith("00"):
        return classify(digits[2:], "intl", region.code) if 9 <= size <= 17 else None
    if size in region.national_lengths and digits.startswith(region.trunk):
        return classify(digits, "national", region.code)
    if size in region.bare_lengths and digits[0] != "0":
        return classify(digits, "bare", region.code)
    cc = region.country_code
    if first in (cc, digits) and size - len(cc) + len(region.trunk) in region.national_lengths:
        return classify(digits, "bare_cc", region.code) if digits.startswith(cc) else None
    return None


def _only_window(
    found: tuple[str, PhoneStatus], digits: str, groups: list[str], intl: bool, region: Region
) -> bool:
    """True when, by shape alone, no part of a run but the whole, `found`, can be a phone:
    what the programme of `cut_run` would pick, known without it.

    A national run: no longer than the shortest national number (so a part is too short
    for one), no group opening 00CC or equal to the country code. A run written +33 with
    nine digits after it: its parts after the first group are shorter than a national
    number, and its parts with the + too short for a French number, at home or overseas.
    The common unallocated number, "07 01 42 24 61" or "+33 7 01 42 24 61", is then cut
    at once. (Dates were ruled out by the caller.)
    """
    shortest = min(region.national_lengths | region.bare_lengths, default=0)
    if not 7 <= len(digits) <= 17:
        return False  # the programme's bounds: no phone has fewer digits, nor more
    if intl:
        e164 = found[0]
        if not (len(e164) == 12 and e164.startswith("+33") and digits[2:3] != "0"):
            return False  # "+33 0…" goes through the parser, which may drop the 0
        if len(digits) - len(groups[0]) >= shortest:
            return False
        groups = groups[1:]
    elif len(digits) > shortest:
        return False
    cc = region.country_code
    return not any(group.startswith("00") or group == cc for group in groups)


def _grouped_as_written(sizes: list[int], digits: str, region: Region) -> bool:
    """True when digit groups of `sizes` split a number only where `region.group_ends`
    allow (counted from the start of the national number, so a trunk or country code of
    its own, "1 (312) 555-0123", is free): "312 555 0123" is a phone, "2018 2019 24" not.
    A number dialled with 00 is left to the other signs."""
    if not region.group_ends or digits.startswith("00"):
        return True
    end = -(len(digits) - max(region.bare_lengths, default=len(digits)))
    for size in sizes[:-1]:
        end += size
        if end > 0 and end not in region.group_ends:
            return False
    return True


# A phone found in a run: E.164, status, start and end in the run.
_Found = tuple[str, PhoneStatus, int, int]


@lru_cache(maxsize=1 << 17)
def cut_run(run: str, linked: bool, region_code: str) -> tuple[_Found, ...]:
    """The phones in one digit run; `linked` if it follows "wa.me/" (an implied +).

    Most runs are one number, tried first. Otherwise a dynamic programme over the run's
    digit groups picks the cut with, in order: most allocated or fictional phones, most
    phones, most signs of a phone; on a tie, the leftmost and longest phones. Cached, as
    the runs of a person's ads repeat.
    """
    region = region_info(region_code)
    if _YEAR_DATE.fullmatch(run):
        return ()
    intl = linked or run[0] == "+"
    digits = _NON_DIGITS.sub("", run)
    first = _GROUP.search(run)
    found = _window(digits, first.group() if first else "", intl, region)
    if found and region.group_ends and not intl:
        sizes = [len(group) for group in _GROUP.findall(run)]
        found = found if _grouped_as_written(sizes, digits, region) else None
    uniform = len(set(_NON_DIGITS.findall(run))) < 2
    if found and found[1] != "unallocated" and (intl or uniform):
        return ((*found, 0, len(run)),)
    groups = [(m.group(), m.start(), m.end()) for m in _GROUP.finditer(run)]
    opening = (region.trunk or "0", region.country_code)  # "0" also opens 00CC
    if not intl and region.trunk_required and not any(g[0].startswith(opening) for g in groups):
        return ()
    if (
        found
        and (intl or uniform)
        and not _YEAR_DATE.search(run)
        and _only_window(found, digits, [group[0] for group in groups], intl, region)
    ):
        return ((*found, 0, len(run)),)
    return _programme(run, groups, intl, region)


def _programme(
    run: str, groups: list[tuple[str, int, int]], intl: bool, region: Region
) -> tuple[_Found, ...]:
    """The dynamic programme of `cut_run` over the digit groups of a run (see there)."""
    count = len(groups)
    dates = {
        k
        for date in _YEAR_DATE.finditer(run)
        for k in range(count)
        if date.start() <= groups[k][1] < date.end()
    }
    raw = [run[a[2] : b[1]] for a, b in pairwise(groups)]
    if count > 2 and raw[:2] == ["/", " "] and _DAY_MONTH.fullmatch(run, 0, groups[1][2]):
        dates.update((0, 1))  # "le 06/01 06 12 34 56 78"
    elif count > 2 and raw[:2] == [".", ". "] and _DAY_MONTH_DOTTED.fullmatch(run, 0, groups[1][2]):
        dates.update((0, 1))  # "am 06.01. 10115 Berlin"
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
            if region.group_ends and not (
                (intl and i == 0) or _grouped_as_written(sizes, digits, region)
            ):
                continue  # "2018 2019 24": not split where the region splits its numbers
            uniform = len(set(seps[i:j])) < 2
            tidy = len(set(sizes[1:])) < 2
            if (
                region.paired
                and not (uniform or tidy or (intl and i == 0))
                and any(n > 2 and n % 2 for n in sizes)
            ):
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
