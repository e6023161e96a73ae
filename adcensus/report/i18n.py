"""Numbers, dates and words of the report in French or English.

Formatting follows the Unicode CLDR conventions of each language, written out
here rather than taken from Babel (a dozen rules do not justify a 30 MB package):
French groups thousands with a narrow no-break space and writes `60,9 %` and
`11 déc. 2018`; English writes `1,234`, `60.9%` and `11 Dec 2018`.
"""

from __future__ import annotations

import locale
import math
import os
from datetime import date

from adcensus.errors import UsageError

LANGUAGES = ("fr", "en")
NNBSP = "\u202f"  # narrow no-break space: French thousands and before %

_MONTHS_SHORT = {
    "fr": (
        "janv.", "févr.", "mars", "avr.", "mai", "juin",
        "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}  # fmt: skip
_MONTHS_LONG = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
        "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def default_language() -> str:
    """ "fr" where the user's locale is French, "en" otherwise (LC_ALL, LC_MESSAGES, LANG)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name)
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    try:
        current = locale.getlocale()[0] or ""
    except ValueError:
        current = ""
    return "fr" if current.lower().startswith(("fr", "french")) else "en"


def check_language(lang: str | None) -> str:
    """`lang` lower-cased and checked, or the default language when None."""
    if lang is None:
        return default_language()
    code = lang.strip().lower()[:2]
    if code not in LANGUAGES:
        raise UsageError(f"--lang must be fr or en, got {lang!r}")
    return code


def number(value: float, lang: str, decimals: int = 0) -> str:
    """`value` with grouped thousands: "12 345" (narrow no-break space) or "12,345"."""
    if not math.isfinite(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        return text.replace(",", NNBSP).replace(".", ",")
    return text


def plural(count: str | int, lang: str, one: str, other: str) -> str:
    """`one` or `other` as the count calls for, by CLDR's rule: English "1 ad", "0 ads";
    French "0 annonce", "1 annonce", "2 annonces". `count` as written ("1", "< 3", "1 234")
    or as a number; a count shown as "< K" takes the plural."""
    ones = ("0", "1") if lang == "fr" else ("1",)
    return one if str(count).strip() in ones else other


def percent(share: float, lang: str, decimals: int = 1) -> str:
    """A share in [0, 1] as a percentage: "60,9 %" or "60.9%"."""
    if not math.isfinite(share):
        return "–"
    text = number(share * 100, lang, decimals)
    return f"{text}{NNBSP}%" if lang == "fr" else f"{text}%"


def day(value: date, lang: str) -> str:
    """A date with a short month: "11 déc. 2018" or "11 Dec 2018"."""
    return f"{value.day} {_MONTHS_SHORT[lang][value.month - 1]} {value.year}"


def month(year: int, month_number: int, lang: str, short: bool = True) -> str:
    """A month: "déc. 2018" / "Dec 2018", or "décembre 2018" / "December 2018" when not short."""
    names = _MONTHS_SHORT if short else _MONTHS_LONG
    return f"{names[lang][month_number - 1]} {year}"


def count_range(low: float, high: float, lang: str, decimals: int = 0) -> str:
    """Two numbers as a range: "278 à 281" / "278 to 281"; one number when they are equal."""
    a, b = number(low, lang, decimals), number(high, lang, decimals)
    if a == b:
        return a
    return f"{a} {'à' if lang == 'fr' else 'to'} {b}"


def percent_range(low: float, high: float, lang: str) -> str:
    """Two shares as a range of percentages: "60,1 à 60,2 %" / "60.1% to 60.2%"."""
    a, b = percent(low, lang), percent(high, lang)
    if a == b:
        return a
    if lang == "fr":
        return f"{number(low * 100, lang, 1)} à {b}"
    return f"{a} to {b}"


def below(min_count: int, lang: str) -> str:
    """The text shown instead of a count too small to show: "< 3"."""
    return f"<{NNBSP if lang == 'fr' else ' '}{number(min_count, lang)}"
