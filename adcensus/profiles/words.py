"""The word lists profiles are read with: origins (a shipped TOML file, extendable) and
the short fixed lists of presentation, posting-kind and check wordings.

Every list is matched on folded text (lower case, accents removed: `fold_words`), word
by word, so "TRANS" and "trans" match and "transport" does not.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from adcensus.errors import InputError

ORIGINS_FILE = Path(__file__).with_name("origins.toml")

# Presentation of the person as the ad words it (checked in this order: the first that
# holds is the ad's presentation). "TS" and "TV" count only in capitals (in lower case
# "ts" is SMS for "tous").
TRANS_WORDS = frozenset(
    {"trans", "transsexuelle", "transexuelle", "transsexuel", "transexuel", "transgenre",
     "transgender", "travesti", "travestie", "trav", "shemale", "ladyboy", "tgirl", "trany"}
)  # fmt: skip
TRANS_CAPITALS = frozenset({"TS", "TV"})
# "couple" of the poster: "couples" (plural) and "accepte les couples" name clients.
COUPLE_WORDS = ("couple", "elle et lui", "lui et elle")
COUPLE_CLIENT_BEFORE = frozenset(
    {"accepte", "acceptes", "recois", "recoit", "recoivent", "pour", "aux", "les", "welcome"}
)
COUPLE_CLIENT_AFTER = frozenset({"bienvenu", "bienvenus", "accepte", "acceptes", "welcome"})
# "homme" alone is left out: "pour hommes", "messieurs" name the clients of a woman's ad.
MAN_PHRASES = (
    "masseur", "gigolo", "escort boy", "escortboy", "male escort", "jeune homme",
    "bel homme", "beau mec", "homme viril",
)  # fmt: skip
WOMAN_PHRASES = (
    "femme", "fille", "filles", "woman", "girl", "girls", "masseuse", "dame", "lady",
    "escort girl", "hotesse", "hotesses", "nouvelle", "charmante", "belle", "jolie",
    "coquine", "douce", "souriante", "brune", "blonde", "rousse", "pressee",
)  # fmt: skip
# A site's category (a column named category, catégorie or rubrique), folded.
CATEGORY_PRESENTATION: Mapping[str, str] = {
    "trans": "trans", "transsexuelle": "trans", "travesti": "trans", "ts": "trans",
    "couple": "couple", "couples": "couple",
    "homme": "man", "hommes": "man", "men": "man", "male": "man", "gay": "man",
    "escort boy": "man", "masseur": "man",
    "femme": "woman", "femmes": "woman", "women": "woman", "female": "woman",
    "escort girl": "woman", "escorte girl": "woman", "masseuse": "woman",
}  # fmt: skip

# Posting kind, from the wording of one ad (the persons' networks and cities add more).
AGENCY_PHRASES = (
    "agence", "agency", "nos hotesses", "nouvelles hotesses", "nos filles", "nos masseuses",
    "nos demoiselles", "our girls", "our ladies", "notre equipe", "presentee", "presentons",
    "vous presente", "nous presente", "salon de massage",
)  # fmt: skip
TOURING_PHRASES = (
    "de passage", "tournee", "on tour", "touring", "quelques jours", "few days",
    "dernier jour", "derniers jours", "last day", "last days", "visiting", "only here",
)  # fmt: skip

# Wording a field team would want to check beside a stated age of 18 or 19. "nouvelle"
# and "première fois" followed by a place ("nouvelle sur Arras") say new in town, not
# young, and are not counted; nor is "petite annonce".
_PLACE_AFTER = r"(?!\s+(?:a|au|aux|sur|dans|en|in|on|ici|region|equipe|annonces?)\b)"
CHECK_WORDING: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        ("jeune", r"\bjeunes?\b"),
        ("petite", r"\bpetites?\b(?!\s+annonces?\b)"),
        ("nouvelle", r"\bnouvelles?\b" + _PLACE_AFTER),
        ("première fois", r"\bpremiere fois\b" + _PLACE_AFTER),
        ("débutante", r"\bdebutantes?\b"),
        ("étudiante", r"\betudiantes?\b"),
        ("lycéenne", r"\blyceennes?\b"),
        ("young", r"\byoung\b"),
        ("teen", r"\bteens?\b|\bteenager\b"),
        ("student", r"\bstudents?\b"),
        ("schoolgirl", r"\bschool ?girls?\b"),
    )
)

# Origin words right after these (or "à la") name a practice, a cuisine or a style;
# after "parle"/"speak" they name languages; before "kiss"/"spoken" likewise.
ORIGIN_BLOCK_BEFORE = frozenset(
    {
        "massage",
        "massages",
        "branlette",
        "branlettes",
        "cuisine",
        "style",
        "facon",
        "maniere",
        "epilation",
        "epilee",
    }
)
ORIGIN_BLOCK_AFTER = frozenset(
    {"kiss", "kissing", "kisses", "spoken", "parle", "speaking", "style", "wax", "massage"}
)
LANGUAGE_WORDS = frozenset(
    {"parle", "parlons", "parlez", "speak", "speaks", "langue", "langues", "language",
     "languages", "bilingue"}
)  # fmt: skip


# Symbols that end a clause in ads (kept as "." when the rest of the non-ASCII goes).
_CLAUSE_MARKS = str.maketrans({c: "." for c in "•✨☆★♡♥❤💕💖🌸🌹"})


def fold_words(text: str) -> str:
    """`text` lower-cased, accents removed, apostrophes as spaces: the form lists match.

    What is left outside ASCII after the accents go (emoji, symbols) is dropped; the
    symbols ads use between clauses ("✨", "☆", "•") become ".".
    """
    text = text.casefold().translate(_CLAUSE_MARKS)
    if text.isascii():
        return _QUOTES.sub(" ", text.replace("'", " "))
    plain = unicodedata.normalize("NFKD", text.replace("’", " ")).encode("ascii", "ignore")
    return _QUOTES.sub(" ", plain.decode("ascii").replace("'", " "))


_WORD = re.compile(r"[a-z0-9]+")
_QUOTES = re.compile(r"[`´]")


def tokens(folded: str) -> list[str]:
    """The words of folded text (letters and digits), in order."""
    return _WORD.findall(folded)


# CHECK_WORDING as one pattern: one scan of an ad finds all its check wordings.
_CHECK_ANY = re.compile(
    "|".join(f"(?P<w{i}>{p.pattern})" for i, (_, p) in enumerate(CHECK_WORDING))
)


def check_wording(folded: str) -> tuple[str, ...]:
    """The CHECK_WORDING labels found in folded, spaced text, in CHECK_WORDING's order."""
    found = {int(str(m.lastgroup)[1:]) for m in _CHECK_ANY.finditer(folded)}
    return tuple(CHECK_WORDING[i][0] for i in sorted(found))


@dataclass(frozen=True)
class Origins:
    """Origin words (as folded word tuples) and the label each stands for."""

    words: Mapping[tuple[str, ...], str]
    longest: int
    first: frozenset[str]  # the first word of every entry: other words are skipped fast


def _read_origins(path: Path) -> dict[str, list[str]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{path}: origins file not found; check the path given to --origins"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a valid TOML origins file ({exc}); fix it") from None
    out: dict[str, list[str]] = {}
    for label, words in data.items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise InputError(
                f'{path}: {label!r} must be a list of words, e.g. {label} = ["word", "other"]'
            )
        out[str(label)] = words
    return out


@functools.cache
def load_origins(extra: str = "") -> Origins:
    """The shipped origin words, plus those of the TOML file `extra` (a path) if given.

    A label of `extra` already shipped gains its words; a new label is added. A word
    listed under two labels keeps the last one (the user's file wins).
    """
    lists = _read_origins(ORIGINS_FILE)
    if extra:
        for label, words in _read_origins(Path(extra)).items():
            lists.setdefault(label, []).extend(words)
    table: dict[tuple[str, ...], str] = {}
    for label, words in lists.items():
        for word in words:
            key = tuple(tokens(fold_words(word)))
            if key:
                table[key] = label
    longest = max((len(k) for k in table), default=1)
    return Origins(table, longest, frozenset(k[0] for k in table))
