"""What one ad states of the person: age, origin, presentation, kind, check wording.

Read as the ad states it, never guessed beyond the text: a field no word supports is
left empty ("unknown"), and nothing is inferred from a pseudonym, a photo or a city.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from adcensus.profiles import words as w

MIN_AGE, MAX_AGE = 13, 79  # numbers outside are prices, years or heights, not ages

# "22 ans", "22a", "22 yo", "22 years old"; "age 22", "âgée de 22 ans".
_AGE_AFTER = re.compile(r"(?<![\d+,.])(\d{2})(?:\s*(?:ans?|yo|y\s?o|years?(?:\s*old)?|yrs?)|a)\b")
_AGE_BEFORE = re.compile(r"\b(?:age|agee?|aged)\s*(?:de\s*)?:?\s*(\d{2})(?![\d+])")
# A number that names the clients' ages, a minimum, a range or a duration is no stated
# age: "plus de 18 ans", "interdit aux moins de 18 ans", "de 30 à 60 ans", "18 ans et
# plus", "depuis 10 ans", "10 ans d'expérience".
_NOT_AGE_BEFORE = re.compile(
    r"(?:plus de|moins de|\+\s*de|\+|entre|over|under|above|at least|au moins|minimum|min|"
    r"depuis|since|for|pendant|\d{2}\s*(?:a|-|et|to|ou|or))\s*$"
)
_NOT_AGE_AFTER = re.compile(
    r"^\s*(?:\+|et\s*(?:plus|\+)|and\s*(?:over|up|older)|or\s*older|ou\s*plus|minimum|min\b|"
    r"revolus|d\s*experience|de\s*metier|of\s*experience|experience|(?:a|-|to|ou|or)\s*\d{2})"
)
_CLAUSES = re.compile(r"[.!?;:\n\r•|/✨☆★*♡♥❤()\[\]]+")


@dataclass(frozen=True)
class AdProfile:
    """What one ad states: ages (sorted, distinct), origin labels (sorted), presentation
    ("woman", "trans", "man", "couple" or "unknown"), kinds the wording suggests
    ("agency", "touring"; empty: none), and the check wordings it holds (see
    words.CHECK_WORDING)."""

    ages: tuple[int, ...] = ()
    origins: tuple[str, ...] = ()
    presentation: str = "unknown"
    kinds: tuple[str, ...] = ()
    wording: tuple[str, ...] = ()


def stated_ages(text: str, age: str = "") -> tuple[int, ...]:
    """Ages the ad states: the age cell's number, and "22 ans", "22a", "age 22"… in `text`.

    Ages of clients, minimums ("18+ only", "pas de mineurs, 18 ans et plus"), ranges and
    durations are not ages. Numbers outside MIN_AGE–MAX_AGE are not ages.
    """
    return _ages(w.fold_words(text or ""), age)


def _ages(folded: str, age: str) -> tuple[int, ...]:
    found: set[int] = set()
    cell = re.search(r"(?<!\d)(\d{1,3})(?!\d)", age or "")
    if cell and MIN_AGE <= int(cell.group(1)) <= MAX_AGE:
        found.add(int(cell.group(1)))
    for pattern in (_AGE_AFTER, _AGE_BEFORE):
        for match in pattern.finditer(folded):
            value = int(match.group(1))
            before = folded[max(0, match.start() - 20) : match.start()]
            after = folded[match.end(1) : match.end(1) + 20]
            if pattern is _AGE_AFTER:
                after = folded[match.end() : match.end() + 20]
            if _NOT_AGE_BEFORE.search(before) or _NOT_AGE_AFTER.match(after):
                continue
            if MIN_AGE <= value <= MAX_AGE:
                found.add(value)
    return tuple(sorted(found))


def stated_origins(text: str, extra: str = "") -> tuple[str, ...]:
    """Origin labels the text states ("brésilienne", "Brazilian" → "Brazil"), sorted.

    `extra` is a user origins file (see words.load_origins). Words naming a practice
    ("massage thaï"), a language ("je parle français") or "french kiss" are not origins.
    """
    return _origins(w.fold_words(text or ""), extra)


def _origins(folded: str, extra: str) -> tuple[str, ...]:
    origins = w.load_origins(extra)
    found: set[str] = set()
    for clause in _CLAUSES.split(folded):
        words = w.tokens(clause)
        language = False
        skip_to = 0
        for i, word in enumerate(words):
            if word in w.LANGUAGE_WORDS:
                language = True  # the rest of the clause lists languages
            if i < skip_to or word not in origins.first:
                continue
            for size in range(min(origins.longest, len(words) - i), 0, -1):
                label = origins.words.get(tuple(words[i : i + size]))
                if label is None:
                    continue
                before = words[i - 1] if i else ""
                after = words[i + size] if i + size < len(words) else ""
                practice = before in w.ORIGIN_BLOCK_BEFORE or words[max(0, i - 2) : i] == [
                    "a",
                    "la",
                ]
                if not (language or practice or after in w.ORIGIN_BLOCK_AFTER):
                    found.add(label)
                skip_to = i + size
                break
    return tuple(sorted(found))


def _any_of(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern matching any of `phrases` as whole words of folded, spaced text."""
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")


_MAN = _any_of(w.MAN_PHRASES)
_WOMAN = _any_of(w.WOMAN_PHRASES)
_AGENCY = _any_of(w.AGENCY_PHRASES)
_TOURING = _any_of(w.TOURING_PHRASES)
_CATEGORY = [(_any_of((k,)), v) for k, v in w.CATEGORY_PRESENTATION.items()]


def _poster_is_couple(folded: str) -> bool:
    """ "couple" said of the poster, not of clients ("accepte les couples", "couples bienvenus")."""
    for match in re.finditer(r"\b(?:couple|elle et lui|lui et elle)\b", folded):
        before = w.tokens(folded[: match.start()])[-1:]
        after = w.tokens(folded[match.end() :])[:1]
        if not (set(before) & w.COUPLE_CLIENT_BEFORE or set(after) & w.COUPLE_CLIENT_AFTER):
            return True
    return False


def presentation_of(text: str, category: str = "") -> str:
    """The ad's presentation: the site category's when it names one, else the text's.

    Trans words first ("TRANS", "TS", "travesti"), then a couple posting, then a man
    ("masseur", "escort boy", "jeune homme"), then a woman ("femme", "fille",
    "masseuse", feminine self-descriptions such as "nouvelle", "charmante"); else
    "unknown".
    """
    if category:
        folded_category = " ".join(w.tokens(w.fold_words(category)))
        for pattern, value in _CATEGORY:
            if pattern.search(folded_category):
                return value
    return _presentation(" ".join(w.tokens(w.fold_words(text or ""))), text or "")


def _presentation(folded: str, text: str) -> str:
    words = set(folded.split())
    capitals = set(re.findall(r"\b[A-Z]{2}\b", text))
    if words & w.TRANS_WORDS or capitals & w.TRANS_CAPITALS:
        return "trans"
    if _poster_is_couple(folded):
        return "couple"
    if _MAN.search(folded):
        return "man"
    if _WOMAN.search(folded):
        return "woman"
    return "unknown"


def ad_profile(
    text: str, title: str = "", age: str = "", category: str = "", origins: str = ""
) -> AdProfile:
    """What one ad states of the person (see AdProfile); `origins` a user origins file."""
    whole = f"{title or ''}\n{text or ''}"
    plain = w.fold_words(whole)
    folded = " ".join(w.tokens(plain))
    kinds = []
    if _AGENCY.search(folded) or re.search(r"\bpresente\s*:", plain):
        kinds.append("agency")
    if _TOURING.search(folded):
        kinds.append("touring")
    wording = w.check_wording(folded)
    return AdProfile(
        ages=_ages(plain, age),
        origins=_origins(plain, origins),
        presentation=presentation_of(whole, category) if category else _presentation(folded, whole),
        kinds=tuple(kinds),
        wording=wording,
    )
