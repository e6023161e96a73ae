"""A phone number as found in an ad: `Phone` and its status, the numbers regulators keep
for fiction (`is_fictional`), and `mask_phone` to show a number without identifying it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import phonenumbers as pn

from adcensus.errors import InputError

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

# Every range a regulator keeps for fiction, by country calling code, written as the
# regulator publishes it: a national number with its trunk prefix, x for any digit and N
# for 2-9 (the NANP's own notation). None of them rings anyone: an ad showing one is a
# test, a template or a synthetic census.
FICTIONAL_RANGES: dict[int, tuple[str, ...]] = {
    33: tuple(f"{block} xx xx" for block in FICTIONAL_BLOCKS),
    # NANP (US, Canada and the other +1 countries): 555-0100 to 555-0199 in every area
    # code, "for fictitious use". NANPA, "555 NXX line numbers",
    # https://nationalnanpa.com/number_resource_info/555_numbers.html
    1: ("Nxx 555 01xx",),
    # United Kingdom: Ofcom's "TV, film and radio drama numbers" (1,000 a range: 15
    # cities, the fictional area 01632, mobiles, freephone, premium rate and 03),
    # https://www.ofcom.org.uk/phones-and-broadband/phone-numbers/numbers-for-drama
    44: (
        "0113 496 0xxx", "0114 496 0xxx", "0115 496 0xxx", "0116 496 0xxx",
        "0117 496 0xxx", "0118 496 0xxx", "0121 496 0xxx", "0131 496 0xxx",
        "0141 496 0xxx", "0151 496 0xxx", "0161 496 0xxx", "0191 498 0xxx",
        "020 7946 0xxx", "028 9649 6xxx", "029 2018 0xxx", "01632 960xxx",
        "07700 900xxx", "08081 570xxx", "0909 879 0xxx", "03069 990xxx",
    ),
    # Australia: ACMA, "Phone numbers for use in TV shows, films and creative works":
    # two blocks per geographic area code, and thirty mobile numbers.
    61: (
        "02 5550 xxxx", "02 7010 xxxx", "03 5550 xxxx", "03 7010 xxxx",
        "07 5550 xxxx", "07 7010 xxxx", "08 5550 xxxx", "08 7010 xxxx",
        "0491 570 006", "0491 570 156", "0491 570 157", "0491 570 158", "0491 570 159",
        "0491 570 110", "0491 570 313", "0491 570 737", "0491 571 266", "0491 571 491",
        "0491 571 804", "0491 572 549", "0491 572 665", "0491 572 983", "0491 573 770",
        "0491 573 087", "0491 574 118", "0491 574 632", "0491 575 254", "0491 575 789",
        "0491 576 398", "0491 576 801", "0491 577 426", "0491 577 644", "0491 578 957",
        "0491 578 148", "0491 578 888", "0491 579 212", "0491 579 760", "0491 579 455",
    ),
}  # fmt: skip


def _fictional_pattern() -> re.Pattern[str]:
    """FICTIONAL_RANGES as one pattern of E.164 numbers (the trunk prefix dropped)."""
    alternatives = []
    for country_code, ranges in FICTIONAL_RANGES.items():
        region = pn.region_code_for_country_code(country_code)
        metadata = pn.PhoneMetadata.metadata_for_region(region)
        trunk = metadata.national_prefix if metadata else None
        for written in ranges:
            national = written.replace(" ", "")
            if trunk and national.startswith(trunk):
                national = national[len(trunk) :]
            shape = national.replace("x", "[0-9]").replace("N", "[2-9]")
            alternatives.append(f"\\+{country_code}{shape}")
    return re.compile("|".join(alternatives))


_FICTIONAL = _fictional_pattern()


@dataclass(frozen=True, slots=True)
class Phone:
    """One phone number found in a text.

    `status` is "valid" (allocated per phonenumbers), "fictional" (in a range kept for
    fiction, see FICTIONAL_RANGES) or "unallocated" (right length and shape, not valid
    today: kept so that a number is not lost when the metadata lags behind).
    `start`/`end` delimit it in the original text; for obfuscated forms, the whole run.
    """

    e164: str
    status: PhoneStatus
    start: int
    end: int


def is_fictional(e164: str) -> bool:
    """True for a number in a range its country keeps for fiction (FICTIONAL_RANGES: France,
    the NANP, the United Kingdom, Australia)."""
    return _FICTIONAL.fullmatch(e164) is not None


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
