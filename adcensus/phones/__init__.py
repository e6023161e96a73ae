"""Find the phone numbers in an ad and write them in E.164.

Ads hide numbers from the sites' filters: ``O6 l2 34 S6 78``, ``06*12*34*56*78``,
``zéro six douze trente-quatre…``, fullwidth digits, emoji keycaps. A scan is cheap
enough for millions of ads. First the text is normalised without moving characters: a
one-to-one table built from NFKC folds exotic digits, spaces and keycap marks; URLs are
blanked; O, l, I and S in digit tokens become digits; French number words become digits
(the one step that moves characters, so it keeps a map back to the original text). Then
one regex finds runs of digit groups, and each run is cut into phones, parsed by
phonenumbers and cached, so that an age or a price next to a phone is never glued to it.

The package, by step:

- `model`: a found `Phone` and its status, the numbers regulators keep for fiction
  (ARCEP's blocks in France, NANPA's 555-01xx, Ofcom's and ACMA's ranges), masking;
- `scan`: a text normalised and scanned for runs of digits (`extract_phones` and its
  bulk forms, `strip_phones`);
- `numbers`: a run of digits cut into phones, each parsed and judged (valid,
  fictional, unallocated);
- `coverage`: whether a file's phone column was read in the right region
  (`phone_column_warnings`).
"""

from __future__ import annotations

from adcensus.phones.coverage import few_numbers_warning, phone_column_warnings
from adcensus.phones.model import (
    FICTIONAL_BLOCKS,
    FICTIONAL_RANGES,
    Phone,
    PhoneStatus,
    is_fictional,
    mask_phone,
)
from adcensus.phones.scan import (
    extract_phones,
    extract_phones_arrow,
    extract_phones_many,
    strip_phones,
)

__all__ = [
    "FICTIONAL_BLOCKS",
    "FICTIONAL_RANGES",
    "Phone",
    "PhoneStatus",
    "extract_phones",
    "extract_phones_arrow",
    "extract_phones_many",
    "few_numbers_warning",
    "is_fictional",
    "mask_phone",
    "phone_column_warnings",
    "strip_phones",
]
