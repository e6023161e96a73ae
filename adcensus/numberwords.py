"""French number words in ads: "zéro six trente-neuf…" written back as digits.

Ads spell numbers out to slip past sites' filters. `word_anchors` finds where a
spelled-out run may start, `spell_out` rewrites runs of four numbers or more as
digits, and `to_original` maps offsets of the rewritten text back to the ad, so
that phones/scan.py can report spans in the original text.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD_VALUES = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "soixante": 60, "septante": 70, "huitante": 80,
    "octante": 80, "nonante": 90, "et": 0,
}  # fmt: skip
_J = r"[\s-]+"
# Units after a tens word; "quatre-vingt…" after one is a new number: "vingt quatre-vingts".
_UNIT = r"(?:un|une|deux|trois|quatre(?!-vingt)|cinq|six|sept|huit|neuf)"
_TEEN = rf"(?:dix{_J}(?:sept|huit|neuf)|onze|douze|treize|quatorze|quinze|seize|dix)"
# Only soixante and quatre-vingt take "dix" and the teens (70-79, 90-99): "cinquante dix"
# is 50 then 10. "Quatre-vingts" with an s is 80 alone: "quatre-vingts quatorze" is 80 14.
_TENS_TEEN = (
    rf"quatre{_J}vingts|(?:quatre{_J}vingt|soixante)(?:{_J}(?:et{_J})?(?:{_TEEN}|{_UNIT}))?"
)
_TENS = r"(?:vingt|trente|quarante|cinquante|septante|huitante|octante|nonante)"
_PHRASE_SRC = (
    rf"\b(?:{_TENS_TEEN}|{_TENS}(?:{_J}(?:et{_J})?{_UNIT})?|{_TEEN}|z[eéè]ro|{_UNIT}|quatre)\b"
)
_PHRASE = re.compile(_PHRASE_SRC, re.IGNORECASE)
# Four numbers or more, words or digits; only matched at an anchor, as a search is slow.
_WORD_RUN = re.compile(
    rf"\+?(?:{_PHRASE_SRC}|[0-9]+)(?:[\s.,*_/-]{{1,3}}(?:{_PHRASE_SRC}|[0-9]+)){{3,}}",
    re.IGNORECASE,
)
# The lookahead, the first letters of number words, spares trying them all after "25 ans".
_WORD_AFTER_DIGIT = re.compile(
    rf"[0-9][\s.,*_/-]{{1,3}}(?=[cdhnoqstuvz]){_PHRASE_SRC}", re.IGNORECASE
)
_DIGITS_BEFORE = re.compile(r"[+0-9][0-9\s.,*_/-]*$")
_ZERO_WORD = re.compile(r"\bz[eéè]ro\b", re.IGNORECASE)
# A replaced stretch: (scan_start, scan_end, original_start, original_end).
Segment = tuple[int, int, int, int]


def word_anchors(scan: str) -> list[int]:
    """Where a spelled-out number may start: "zéro six…", or digits then words "06 douze…"."""
    anchors = []
    for match in _WORD_AFTER_DIGIT.finditer(scan):
        before = _DIGITS_BEFORE.search(scan, max(0, match.start() - 30), match.start() + 1)
        anchors.append(before.start() if before else match.start())  # "06 39 98 douze…"
    if any(zero in scan for zero in ("zéro", "zero", "Zéro", "Zero", "ZÉRO", "ZERO")):
        anchors += [match.start() for match in _ZERO_WORD.finditer(scan)]
    return sorted(anchors)


@lru_cache(maxsize=4096)
def _phrase_value(phrase: str) -> int:
    """The value of a French number phrase of 0 to 99: "soixante-dix-huit" -> 78."""
    words = re.split(_J, phrase.lower().replace("é", "e").replace("è", "e"))
    if len(words) > 1 and words[0] == "quatre" and words[1].startswith("vingt"):
        return 80 + sum(_WORD_VALUES[word] for word in words[2:])
    return sum(_WORD_VALUES[word] for word in words)


def spell_out(scan: str, anchors: list[int]) -> tuple[str, list[Segment]]:
    """Write as digits the number words of each run of four numbers or more at `anchors`."""
    pieces: list[str] = []
    segments: list[Segment] = []
    last = length = 0  # `length` of the scan string built so far
    for anchor in anchors:
        run = _WORD_RUN.match(scan, anchor) if anchor >= last else None
        phrases = list(_PHRASE.finditer(scan, anchor, run.end())) if run else []
        if not run or not phrases:
            continue
        pieces.append(scan[last:anchor])
        length += anchor - last
        cursor = anchor
        for phrase in phrases:
            digits = str(_phrase_value(phrase.group()))
            pieces += [scan[cursor : phrase.start()].replace(",", " "), digits]
            length += phrase.start() - cursor
            segments.append((length, length + len(digits), phrase.start(), phrase.end()))
            length += len(digits)
            cursor = phrase.end()
        pieces.append(scan[cursor : run.end()].replace(",", " "))
        length += run.end() - cursor
        last = run.end()
    return ("".join([*pieces, scan[last:]]), segments) if segments else (scan, [])


def to_original(pos: int, segments: list[Segment], *, end: bool) -> int:
    """Map an offset of the spelled-out scan back to the original text."""
    shift = 0
    for scan_start, scan_end, orig_start, orig_end in segments:
        if scan_start < pos < scan_end or pos == (scan_end if end else scan_start):
            return orig_end if end else orig_start
        if scan_end > pos:
            break
        shift += (orig_end - orig_start) - (scan_end - scan_start)
    return pos + shift
