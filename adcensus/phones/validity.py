"""phonenumbers' own rules for a valid and a possible number, compiled once per country.

`pn.is_valid_number` looks up the number's region, then matches its national
significant number against the region's general description and each number type,
through several layers of calls and a pattern cache: some 25 µs a number. A census of
a million ads holds hundreds of thousands of distinct numbers, so for a country code
that belongs to one region (France, +33, and most others) the same rules are compiled
here into two patterns per length: about 2 µs. Codes shared by several regions (+1,
+7, +44, +262, +590 …) keep phonenumbers' own region lookup. Equality with
phonenumbers is held by tests over random numbers of every length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import phonenumbers as pn

# The number types phonenumbers tries after the general description, in its order; a
# number matching any of them is valid (its type is not UNKNOWN).
_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


@dataclass(frozen=True)
class CountryRules:
    """The validity and possibility rules of one country code with a single region."""

    general: re.Pattern[str]
    general_lengths: frozenset[int]
    types_by_length: dict[int, re.Pattern[str] | None]  # all types allowing that length
    possible_lengths: frozenset[int]  # of the main region, minus the local-only ones

    def is_valid(self, nsn: str) -> bool:
        """`pn.is_valid_number` for a national significant number of this country."""
        size = len(nsn)
        if size not in self.general_lengths or not self.general.fullmatch(nsn):
            return False
        types = self.types_by_length.get(size)
        return types is not None and types.fullmatch(nsn) is not None

    def is_possible(self, nsn: str) -> bool:
        """`pn.is_possible_number_with_reason(...) == IS_POSSIBLE` for this country."""
        return len(nsn) in self.possible_lengths


@cache
def country_rules(country_code: int) -> CountryRules | None:
    """The compiled rules of `country_code`, or None where phonenumbers must decide
    (a code shared by several regions, or unknown)."""
    regions = pn.COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    if len(regions) != 1:
        return None
    metadata = pn.PhoneMetadata.metadata_for_region_or_calling_code(country_code, regions[0])
    general = metadata.general_desc if metadata else None
    if general is None or not general.national_number_pattern or not general.possible_length:
        return None
    general_lengths = frozenset(general.possible_length)
    # A type without lengths of its own takes any length (phonenumbers skips the test).
    typed: list[tuple[frozenset[int] | None, str]] = []
    for name in _TYPES:
        desc = getattr(metadata, name)
        if desc is not None and desc.national_number_pattern:
            lengths = frozenset(desc.possible_length) if desc.possible_length else None
            typed.append((lengths, desc.national_number_pattern))
    types_by_length: dict[int, re.Pattern[str] | None] = {}
    for size in general_lengths:
        patterns = [p for lengths, p in typed if lengths is None or size in lengths]
        alternation = "|".join(f"(?:{p})" for p in patterns)
        types_by_length[size] = re.compile(alternation) if patterns else None
    local = frozenset(general.possible_length_local_only or ())
    return CountryRules(
        general=re.compile(general.national_number_pattern),
        general_lengths=general_lengths,
        types_by_length=types_by_length,
        possible_lengths=general_lengths - local,
    )


@cache
def nsn_lengths(country_code: int) -> frozenset[int]:
    """Every length a national significant number may have in any region of
    `country_code` (empty if the code is unknown): a number of another length is neither
    valid nor possible there."""
    lengths: set[int] = set()
    for region_code in pn.COUNTRY_CODE_TO_REGION_CODE.get(country_code, ()):
        metadata = pn.PhoneMetadata.metadata_for_region_or_calling_code(country_code, region_code)
        if metadata is not None and metadata.general_desc is not None:
            lengths.update(metadata.general_desc.possible_length)
    return frozenset(lengths)
