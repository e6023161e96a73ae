"""A phone number as found in an ad: `Phone` and its status, the blocks ARCEP keeps
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
_FICTIONAL_E164 = tuple("+33" + block.replace(" ", "")[1:] for block in FICTIONAL_BLOCKS)


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
