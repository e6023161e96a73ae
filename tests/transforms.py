"""Rewrites of an ad census that a careful reader sees through, and two she must not.

Every transformation is a pure function `(ads, truth, rng) -> (ads, truth)`:

- `ads` has the columns of a census (`Réf;Site;Lien;Date de collecte;Ville;Téléphone;
  Pseudo;Âge;Titre;Texte de l'annonce`), every cell text, "" for an empty cell;
- `truth` has `ad_id`, `person_id` and `network_id`, one row per ad;
- `rng` is a numpy Generator, the only source of chance: the same inputs and the same
  rng state give the same output. The inputs are never changed.

They are written from what a reader of the ads would decide, not from how any linker
works: the tests in test_invariance.py hold a linker to them. The writers at the end
(`write_csv`, `write_excel_cp1252`, `write_excel_unicode_text`, `write_xlsx`) save a
census the way a spreadsheet user would, in the encodings Excel offers.

Phone numbers made here come only from 06 39 98 xx xx, the block France's numbering
plan reserves for fiction, and never one the census already holds
(`unused_fiction_numbers`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

REF = "Réf"
SITE = "Site"
LINK = "Lien"
DATE = "Date de collecte"
CITY = "Ville"
PHONE = "Téléphone"
NAME = "Pseudo"
AGE = "Âge"
TITLE = "Titre"
TEXT = "Texte de l'annonce"
COLUMNS = (REF, SITE, LINK, DATE, CITY, PHONE, NAME, AGE, TITLE, TEXT)

Transform = Callable[
    [pd.DataFrame, pd.DataFrame, np.random.Generator], tuple[pd.DataFrame, pd.DataFrame]
]

FICTION_BLOCK = "063998"  # 06 39 98 xx xx: reserved for fiction, rings no one

# What advertisers put around a pseudonym: French and English ad words (20), a few
# emoji, the département number and the city.
PREFIX_WORDS = (
    "douce", "sublime", "belle", "jolie", "new", "nouvelle", "sexy", "sweet", "hot",
    "câline", "charmante", "miss",
)  # fmt: skip
SUFFIX_WORDS = ("dispo", "VIP", "new", "top", "réelle", "real", "escort", "massage", "de retour")
DECORATION_EMOJI = ("💋", "🌹", "🔥", "✨", "💕")
DEPARTEMENTS = ("62", "59", "80", "60", "02")

# How advertisers write one number (see format_phone), and what they put before it in a text.
PHONE_FORMATS = ("dots", "international", "compact", "dashes")
PHONE_LEADS = ("Appelez-moi au", "Contact :", "Tél :", "Mon numéro :", "Joignable au")


# --- reading a census -------------------------------------------------------------------


def read_census(ads_path: Path, truth_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a census as the transformations want it: every cell text, "" when empty."""
    ads = pd.read_csv(ads_path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    truth = pd.read_csv(truth_path, sep=None, engine="python", dtype=str)
    return ads[list(COLUMNS)], truth


def as_text_frame(ads: pd.DataFrame) -> pd.DataFrame:
    """`ads` with every cell a Python str ("" for missing), as the transformations expect."""
    return ads.astype(object).where(ads.notna(), "").astype(str)[list(COLUMNS)]


# --- text helpers -----------------------------------------------------------------------


def strip_accents(text: str) -> str:
    """`text` without the accents of Latin letters ("Léa" -> "Lea"); emoji are untouched.

    Works one character at a time, so positions in the result are positions in `text`.
    """
    return "".join(_fold_char(c) for c in text)


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) > 1 and all("\u0300" <= c <= "\u036f" for c in decomposed[1:]):
        return decomposed[0]
    return char


def _fold(text: str) -> str:
    """Lower case, no accents, one character per character of `text`."""
    return "".join(_fold_char(c).lower()[:1] or c for c in text)


def replace_word(text: str, word: str, replacement: str) -> str:
    """Replace whole-word `word` in `text`, ignoring case and accents ("LEA" matches "Léa")."""
    if not word:
        return text
    pattern = re.compile(rf"(?<!\w){re.escape(_fold(word))}(?!\w)")
    folded = _fold(text)
    pieces, last = [], 0
    for match in pattern.finditer(folded):
        pieces += [text[last : match.start()], replacement]
        last = match.end()
    return "".join([*pieces, text[last:]])


def accent_vocabulary(texts: Iterable[str]) -> dict[str, str]:
    """For each word written somewhere with accents, its most common accented spelling.

    Keyed by the word folded (lower case, no accents): {"lea": "léa", "a": "à", ...}.
    """
    spellings: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for word in re.findall(r"[^\W\d_]+", text):
            lower = word.lower()
            if strip_accents(lower) != lower:
                spellings[(strip_accents(lower), lower)] += 1
    vocabulary: dict[str, str] = {}
    for (key, spelling), _ in spellings.most_common():
        vocabulary.setdefault(key, spelling)
    return vocabulary


def add_accents(text: str, vocabulary: dict[str, str]) -> str:
    """Give each unaccented word of `text` the accents it has elsewhere, keeping its case."""

    def accented(match: re.Match[str]) -> str:
        word = match.group(0)
        spelling = vocabulary.get(word.lower())
        if spelling is None or strip_accents(word) != word:
            return word
        if word.isupper() and len(word) > 1:
            return spelling.upper()
        if word[0].isupper():
            return spelling[0].upper() + spelling[1:]
        return spelling

    return re.sub(r"[^\W\d_]+", accented, text)


def change_case(text: str, rng: np.random.Generator) -> str:
    """`text` upper- or lower-cased at random, never left as it was when case can change it."""
    if text.upper() != text:
        return text.upper() if rng.random() < 0.5 or text.lower() == text else text.lower()
    return text.lower()


# --- phone numbers ----------------------------------------------------------------------

# A plainly written French mobile number: 0639981234, 06 39 98 12 34, +33 6 39 98 12 34...
PLAIN_PHONE = re.compile(r"(?<![\d+])(?:\+33[\s.\-]?|0)([67](?:[\s.\-]?\d\d){4})(?!\d)")
_KEYCAP_MARKS = re.compile("[\ufe0f\u20e3]")
_NUMBER_WORDS = {
    "zéro": 0, "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4,
    "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11,
    "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20,
    "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
}  # fmt: skip


def national_number(written: str) -> str:
    """The 10 digits of a plainly written French number: "+33 6 39 98 12 34" -> "0639981234"."""
    digits = re.sub(r"\D", "", written)
    return "0" + digits[2:] if written.lstrip().startswith("+33") else digits


def format_phone(national: str, style: str) -> str:
    """Write a 10-digit national number as advertisers do.

    `style` is one of PHONE_FORMATS: "dots" 06.39.98.12.34, "international"
    +33 6 39 98 12 34, "compact" 0639981234, "dashes" 06-39-98-12-34; or "spaces"
    06 39 98 12 34.
    """
    pairs = [national[i : i + 2] for i in range(0, 10, 2)]
    if style == "dots":
        return ".".join(pairs)
    if style == "international":
        return "+33 " + national[1] + " " + " ".join(pairs[1:])
    if style == "compact":
        return national
    if style == "dashes":
        return "-".join(pairs)
    if style == "spaces":
        return " ".join(pairs)
    raise ValueError(f"unknown phone style {style!r}")


def fiction_numbers_in(text: str) -> set[str]:
    """Every number of the 06 39 98 block that a reader finds in `text`, as 10 digits.

    Reads plain forms, letter O for zero (O6 39 98...), digits spaced out (0 6 3 9...),
    full-width digits (０６...), keycap emoji (0️⃣6️⃣...), French number words (zéro six
    trente-neuf quatre-vingt-dix-huit...) and mixtures (06 39 98 trente-quatre...). It
    errs on the side of finding too many, the safe side for choosing unused numbers.
    """
    core = FICTION_BLOCK[1:]  # "63998": "+33 6 39 98" reads "3363998..."
    return {FICTION_BLOCK + s for s in re.findall(core + r"(?=(\d{4}))", digit_stream(text))}


def digit_stream(text: str) -> str:
    """The digits a reader dictates from `text`, anything else a "|".

    "Tél : O6 39 98 trente-quatre 76" -> "|" + "063998" + "3476": spaces and punctuation
    between digits vanish (06.39.98, 06*39*98), number words become their digits.
    """
    text = unicodedata.normalize("NFKC", _KEYCAP_MARKS.sub("", text)).lower()
    text = re.sub(r"(?<=\d)o|o(?=\d)", "0", text)
    tokens = re.findall(r"\d+|[^\W\d_]+(?:-[^\W\d_]+)*|\S", text)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        # "vingt et un", "soixante et onze": one number of three words.
        if i + 2 < len(tokens) and tokens[i + 1] == "et" and tokens[i + 2] in ("un", "onze"):
            token = f"{token}-{tokens[i + 2]}"
            i += 2
        i += 1
        if token.isdigit():
            out.append(token)
        elif not unicodedata.category(token[0]).startswith("P"):  # 06*39*98, 06.39.98
            value = _number_value(token)
            out.append("|" if value is None else str(value))
    return "".join(out)


def has_phone_like(text: str) -> bool:
    """Whether `text` dictates six digits or more in a row: a phone number in any form."""
    return re.search(r"\d{6}", digit_stream(text)) is not None


def _number_value(token: str) -> int | None:
    parts = [p for p in token.split("-") if p != "et"]
    if not parts or any(p not in _NUMBER_WORDS for p in parts):
        return None
    value = 0
    for i, part in enumerate(parts):
        if part.startswith("vingt") and i > 0 and parts[i - 1] == "quatre":
            value += 80 - 4  # quatre-vingt: the four already counted becomes eighty
        else:
            value += _NUMBER_WORDS[part]
    return value


def numbers_in_census(ads: pd.DataFrame) -> set[str]:
    """Every 06 39 98 number the census holds, in any cell, as 10 digits."""
    found: set[str] = set()
    for column in (PHONE, TEXT, TITLE, NAME):
        for cell in ads[column]:
            if cell:
                found |= fiction_numbers_in(cell)
    return found


def unused_fiction_numbers(ads: pd.DataFrame, rng: np.random.Generator, count: int) -> list[str]:
    """`count` distinct numbers of 06 39 98 xx xx that appear nowhere in `ads`, 10 digits."""
    used = numbers_in_census(ads)
    free = [n for n in (f"{FICTION_BLOCK}{k:04d}" for k in range(10_000)) if n not in used]
    return [free[i] for i in rng.choice(len(free), size=count, replace=False)]


# --- transformations a reader sees through ----------------------------------------------


def decorate_pseudonyms(
    ads: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator, share: float = 0.5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decorate `share` of the pseudonyms as advertisers do, each ad drawn on its own.

    "Léa" becomes "douce LÉA dispo", "Léa_62", "new Léa 💋", "Léa VIP", "sublime Léa",
    "Léa_arras" (the ad's city), "Léa new" or "LÉA": words from PREFIX_WORDS and
    SUFFIX_WORDS, emoji, département numbers, city tags and changes of case.
    """
    ads = ads.copy()
    named = np.flatnonzero(ads[NAME].to_numpy(dtype=object) != "")
    chosen = np.sort(rng.choice(named, size=round(len(named) * share), replace=False))
    names = ads[NAME].to_numpy(dtype=object).copy()
    cities = ads[CITY].to_numpy(dtype=object)
    for row in chosen.tolist():
        names[row] = decorate(names[row], cities[row], rng)
    ads[NAME] = names
    return ads, truth


def decorate(name: str, city: str, rng: np.random.Generator) -> str:
    """One advertiser's decoration of `name` posted in `city` (see `decorate_pseudonyms`)."""
    cased = (name, name.upper(), name.lower())[int(rng.integers(3))]
    prefix = PREFIX_WORDS[int(rng.integers(len(PREFIX_WORDS)))]
    suffix = SUFFIX_WORDS[int(rng.integers(len(SUFFIX_WORDS)))]
    emoji = DECORATION_EMOJI[int(rng.integers(len(DECORATION_EMOJI)))]
    departement = DEPARTEMENTS[int(rng.integers(len(DEPARTEMENTS)))]
    tag = city_tag(city) or departement
    styles = (
        f"{prefix} {cased} {suffix}",  # douce LÉA dispo
        f"{name}_{departement}",  # Léa_62
        f"{prefix} {cased} {emoji}",  # new Léa 💋
        f"{cased} {suffix}",  # Léa VIP, Léa new
        f"{prefix} {cased}",  # sublime Léa
        f"{name}_{tag}",  # Léa_arras
        change_case(name, rng),  # LÉA
    )
    return styles[int(rng.integers(len(styles)))]


def city_tag(city: str) -> str:
    """A city as advertisers tag it: "Arras" -> "arras", "Boulogne-sur-Mer" -> "boulogne"."""
    words = [w for w in re.split(r"[\s\-']+", strip_accents(city).lower()) if w]
    words = [w for w in words if w not in ("le", "la", "les", "l")] or words
    return words[0] if words else ""


def vary_case_and_accents(
    ads: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Change the case and strip or add accents of pseudonyms and texts, each ad on its own.

    Each pseudonym and each text is, at random: kept, upper-cased, lower-cased, stripped
    of accents ("Léa" -> "Lea"), stripped and upper-cased ("LEA"), or given the accents
    its words carry elsewhere in the census ("Lea" -> "Léa", "a Calais" -> "à Calais").
    """
    ads = ads.copy()
    vocabulary = accent_vocabulary([*ads[NAME], *ads[TITLE], *ads[TEXT]])
    variants: tuple[Callable[[str], str], ...] = (
        lambda s: s,
        str.upper,
        str.lower,
        strip_accents,
        lambda s: strip_accents(s).upper(),
        lambda s: add_accents(s, vocabulary),
    )
    for column in (NAME, TEXT):
        picks = rng.integers(len(variants), size=len(ads)).tolist()
        ads[column] = [
            variants[k](cell) for k, cell in zip(picks, ads[column].tolist(), strict=True)
        ]
    return ads, truth


def drift_ages(
    ads: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Move the stated age by one year, up or down, on a random half of the ads with one.

    Never below 18: an ad stating 18 moves up.
    """
    ads = ads.copy()
    ages = ads[AGE].to_numpy(dtype=object).copy()
    stated = np.flatnonzero([a.isdigit() for a in ages])
    chosen = rng.choice(stated, size=len(stated) // 2, replace=False)
    steps = rng.choice((-1, 1), size=len(chosen))
    for row, step in zip(chosen.tolist(), steps.tolist(), strict=True):
        age = int(ages[row])
        ages[row] = str(age + 1 if age + step < 18 else age + step)
    ads[AGE] = ages
    return ads, truth


# A sentence ends at . ! ? … followed by a space, or at a " ✨ " or " – " separator.
_SENTENCE_BREAK = re.compile(r"(\s+[✨–•|]\s+|(?<=[.!?…])\s+)")


def reorder_sentences(
    ads: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Put the sentences of every text in a new random order; separators stay in place.

    "Bonjour, je suis Léa ! Accueil discret. Contact 06 39 98 12 34" may become
    "Contact 06 39 98 12 34 ! Bonjour, je suis Léa. Accueil discret".
    """
    ads = ads.copy()
    ads[TEXT] = [shuffle_sentences(text, rng) for text in ads[TEXT].tolist()]
    return ads, truth


def shuffle_sentences(text: str, rng: np.random.Generator) -> str:
    """`text` with its sentences in a random order other than the given one (when >1)."""
    pieces = _SENTENCE_BREAK.split(text)
    sentences, breaks = pieces[0::2], pieces[1::2]
    if len(sentences) < 2:
        return text
    order = np.arange(len(sentences))
    while (order == np.arange(len(sentences))).all():
        order = rng.permutation(len(sentences))
    out = [sentences[order[0]]]
    for gap, k in zip(breaks, order[1:].tolist(), strict=True):
        out += [gap, sentences[k]]
    return "".join(out)


def move_phone_into_text(
    ads: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """For a random half of the ads with a phone cell, write the number in the text instead.

    The cell is emptied; the text ends with "Appelez-moi au 06 39 98 12 34" (or "Contact :",
    "Tél :", ...), unless the text already gives that number.
    """
    ads = ads.copy()
    phones = ads[PHONE].to_numpy(dtype=object).copy()
    texts = ads[TEXT].to_numpy(dtype=object).copy()
    filled = np.flatnonzero(phones != "")
    chosen = rng.choice(filled, size=len(filled) // 2, replace=False)
    for row in np.sort(chosen).tolist():
        cell = phones[row]
        if not fiction_numbers_in(cell) <= fiction_numbers_in(texts[row]):
            lead = PHONE_LEADS[int(rng.integers(len(PHONE_LEADS)))]
            said = cell.replace(" / ", " ou ")
            texts[row] = f"{texts[row]} {lead} {said}" if texts[row] else f"{lead} {said}"
        phones[row] = ""
    ads[PHONE], ads[TEXT] = phones, texts
    return ads, truth


def rewrite_phone_formats(
    ads: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write every plainly written number, in cells and texts, in a random format.

    Each occurrence independently becomes 06.39.98.12.34, +33 6 39 98 12 34, 0639981234
    or 06-39-98-12-34. Disguised numbers (O6, zéro six...) are left as they are.
    """
    ads = ads.copy()

    def rewritten(match: re.Match[str]) -> str:
        national = national_number(match.group(0))
        return format_phone(national, PHONE_FORMATS[int(rng.integers(len(PHONE_FORMATS)))])

    for column in (PHONE, TEXT):
        ads[column] = [PLAIN_PHONE.sub(rewritten, cell) for cell in ads[column].tolist()]
    return ads, truth


def shuffle_rows(
    ads: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same ads in a random row order."""
    order = rng.permutation(len(ads))
    return ads.iloc[order].reset_index(drop=True), truth


def excel_cp1252_content(ads: pd.DataFrame) -> pd.DataFrame:
    """`ads` as Excel saves it in Windows-1252: each character cp1252 lacks becomes "?"."""
    return ads.map(lambda cell: cell.encode("cp1252", errors="replace").decode("cp1252"))


def not_cp1252(ads: pd.DataFrame) -> pd.Series:
    """Per ad, whether some cell holds a character Windows-1252 cannot (emoji, ０６...)."""
    return ads.map(lambda cell: not _encodes(cell, "cp1252")).any(axis=1)


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


# --- transformations that must separate -------------------------------------------------


def add_strangers(
    ads: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator, count: int = 20
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add `count` strangers, each the namesake of one person of the census.

    For each of `count` independent persons (not in an agency) whose pseudonym is common
    (carried by at least two persons of the truth), a new person with: the same
    pseudonym as written by the original; the original's age or one year off; a city of
    the census the original never posted from; a new number of 06 39 98 xx xx; the text
    and title of one ad of an unrelated person (another pseudonym, no number in the
    text), her name, city and age swapped for the stranger's; 2 or 3 ads on random
    sites and dates. Her ads are `S0001`..., her person id `S001`...
    """
    joined = ads.merge(truth, left_on=REF, right_on="ad_id", validate="one_to_one")
    profiles = _profiles(joined)
    carriers = profiles.groupby("name_key")["person_id"].transform("size")
    eligible = profiles[
        (profiles["name_key"] != "")
        & (carriers >= 2)
        & profiles["independent"]
        & (profiles["age"] > 0)
    ]
    eligible = eligible[eligible["cities"].map(len) > 0]
    if len(eligible) < count:
        raise ValueError(f"only {len(eligible)} persons with a common pseudonym; asked {count}")
    originals = eligible.iloc[np.sort(rng.choice(len(eligible), size=count, replace=False))]

    donor_rows = _donor_ads(joined, profiles)
    all_cities = sorted({c for c in ads[CITY] if c})
    numbers = unused_fiction_numbers(ads, rng, count)
    by_person = profiles.set_index("person_id")
    used_donors: set[str] = set()
    new_ads: list[dict[str, str]] = []
    new_truth: list[dict[str, str]] = []
    for k, original in enumerate(originals.itertuples(index=False)):
        person = f"S{k + 1:03d}"
        age = int(original.age) + int(rng.integers(-1, 2))
        city = str(rng.choice([c for c in all_cities if c not in original.cities]))
        candidates = donor_rows[
            (donor_rows["name_key"] != original.name_key)
            & ~donor_rows["person_id"].isin(used_donors)
        ]
        donor = candidates.iloc[int(rng.integers(len(candidates)))]
        used_donors.add(donor["person_id"])
        donor_profile = by_person.loc[donor["person_id"]]
        text, title = donor[TEXT], donor[TITLE]
        for variant in donor_profile["spellings"]:
            text = replace_word(text, variant, original.name)
            title = replace_word(title, variant, original.name)
        for donor_city in donor_profile["cities"]:
            text = replace_word(text, donor_city, city)
            title = replace_word(title, donor_city, city)
        text = re.sub(r"\b\d\d ans\b", f"{age} ans", text)
        title = re.sub(r"\b\d\d ans\b", f"{age} ans", title)
        stranger = Persona(original.name, age, city, numbers[k])
        for _ in range(int(rng.integers(2, 4))):
            ref = f"S{len(new_ads) + 1:04d}"
            new_ads.append(_new_ad(ads, rng, ref, stranger, title, text))
            new_truth.append({"ad_id": ref, "person_id": person, "network_id": person})
    return _appended(ads, truth, new_ads, new_truth)


def _profiles(joined: pd.DataFrame) -> pd.DataFrame:
    """One row per true person: common spelling of her name, its key, age, cities..."""
    rows = []
    for person, group in joined.groupby("person_id", sort=True):
        names = [n for n in group[NAME] if n]
        ages = [int(a) for a in group[AGE] if a.isdigit()]
        name = Counter(names).most_common(1)[0][0] if names else ""
        rows.append(
            {
                "person_id": person,
                "name": name,
                "name_key": _fold(name),
                "spellings": sorted(set(names), key=len, reverse=True),
                "age": Counter(ages).most_common(1)[0][0] if ages else 0,
                "cities": sorted({c for c in group[CITY] if c}, key=len, reverse=True),
                "independent": bool((group["network_id"] == person).all()),
            }
        )
    return pd.DataFrame(rows)


def _donor_ads(joined: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
    """Ads whose text can be lent: an independent, named person's, with no number in it."""
    keyed = joined.merge(profiles[["person_id", "name_key", "independent"]], on="person_id")
    lendable = (
        keyed["independent"]
        & (keyed["name_key"] != "")
        & (keyed[TEXT].str.len() > 40)
        & ~keyed[TEXT].map(has_phone_like)
        & ~keyed[TITLE].map(has_phone_like)
    )
    return keyed[lendable]


@dataclass(frozen=True)
class Persona:
    """A made-up advertiser: what her ads say of her. `phone` is 10 national digits."""

    name: str
    age: int
    city: str
    phone: str


def _new_ad(
    ads: pd.DataFrame,
    rng: np.random.Generator,
    ref: str,
    persona: Persona,
    title: str,
    text: str,
) -> dict[str, str]:
    """One ad of `persona` on a random site and date of the census, her number in any format."""
    sites = sorted(set(ads[SITE]))
    dates = sorted(set(ads[DATE]))
    site = sites[int(rng.integers(len(sites)))]
    return {
        REF: ref,
        SITE: site,
        LINK: f"https://{site}/annonce/invariance-{ref.lower()}",
        DATE: dates[int(rng.integers(len(dates)))],
        CITY: persona.city,
        PHONE: format_phone(persona.phone, PHONE_FORMATS[int(rng.integers(len(PHONE_FORMATS)))]),
        NAME: persona.name,
        AGE: str(persona.age),
        TITLE: title,
        TEXT: text,
    }


def _appended(
    ads: pd.DataFrame,
    truth: pd.DataFrame,
    new_ads: list[dict[str, str]],
    new_truth: list[dict[str, str]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    clash = {a[REF] for a in new_ads} & set(ads[REF])
    persons = {t["person_id"] for t in new_truth} & set(truth["person_id"])
    if clash or persons:
        raise ValueError(f"new ids already in the census: {sorted(clash | persons)[:3]}")
    return (
        pd.concat([ads, pd.DataFrame(new_ads, columns=list(COLUMNS))], ignore_index=True),
        pd.concat([truth, pd.DataFrame(new_truth)], ignore_index=True),
    )


AGENCY_NAMES = (
    "Océane", "Tatiana", "Bérénice", "Salomé", "Gabriella", "Pénélope", "Ludmila",
    "Anaïs", "Romane", "Ysaline",
)  # fmt: skip
AGENCY_LOOKS = (
    ("ukrainienne", "grande blonde aux yeux bleus"),
    ("brésilienne", "petite brune aux yeux verts"),
    ("française", "rousse naturelle et pétillante"),
    ("italienne", "métisse aux cheveux bouclés"),
)
AGENCY_HOURS = ("du lundi au jeudi", "ce week-end seulement", "en journée", "en soirée")


def add_agency(
    ads: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add an agency: one booking number posting for 4 clearly different persons.

    Four pseudonyms absent from the census, ages five years apart, one city, one new
    number of 06 39 98 xx xx in every phone cell and text, and one template text whose
    slots (name, age, nationality, look, hours) vary; 2 or 3 ads each. Ads are
    `G0001`..., persons `G01`..`G04`, network `G00`.
    """
    taken = {_fold(n) for n in ads[NAME] if n}
    names = [n for n in AGENCY_NAMES if _fold(n) not in taken]
    names = [names[i] for i in rng.choice(len(names), size=4, replace=False)]
    base = int(rng.integers(20, 23))
    ages = (base + 5 * rng.permutation(4)).tolist()
    looks = [AGENCY_LOOKS[i] for i in rng.permutation(4)]
    cities = sorted({c for c in ads[CITY] if c})
    city = cities[int(rng.integers(len(cities)))]
    number = unused_fiction_numbers(ads, rng, 1)[0]
    new_ads: list[dict[str, str]] = []
    new_truth: list[dict[str, str]] = []
    for k, (name, age, (nationality, look)) in enumerate(zip(names, ages, looks, strict=True)):
        for _ in range(int(rng.integers(2, 4))):
            hours = AGENCY_HOURS[int(rng.integers(len(AGENCY_HOURS)))]
            written = format_phone(number, PHONE_FORMATS[int(rng.integers(len(PHONE_FORMATS)))])
            text = (
                f"Salon Les Tilleuls à {city} – Cette semaine : {name}, {age} ans, "
                f"{nationality}, {look} – Disponible {hours} – Accueil discret sur "
                f"rendez-vous – Réservation au standard : {written}"
            )
            ref = f"G{len(new_ads) + 1:04d}"
            title = f"{name}, {age} ans, nouvelle à {city}"
            new_ads.append(_new_ad(ads, rng, ref, Persona(name, age, city, number), title, text))
            new_truth.append({"ad_id": ref, "person_id": f"G{k + 1:02d}", "network_id": "G00"})
    return _appended(ads, truth, new_ads, new_truth)


# --- writing a census as a spreadsheet user would ---------------------------------------


def write_csv(ads: pd.DataFrame, path: Path) -> Path:
    """Save as French Excel's "CSV UTF-8": `;`, UTF-8 with a byte-order mark, CRLF."""
    ads.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path


def write_excel_cp1252(ads: pd.DataFrame, path: Path) -> Path:
    """Save as French Excel's "CSV (séparateur : point-virgule)": `;`, Windows-1252, CRLF.

    `ads` must be representable (see `excel_cp1252_content`); a character that is not
    raises UnicodeEncodeError rather than being lost silently.
    """
    ads.to_csv(path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")
    return path


def write_excel_unicode_text(ads: pd.DataFrame, path: Path) -> Path:
    """Save as Excel's "Texte Unicode (*.txt)": UTF-16 little-endian with BOM, tabs, CRLF."""
    text = ads.to_csv(sep="\t", index=False, lineterminator="\r\n")
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    return path


def write_xlsx(ads: pd.DataFrame, path: Path) -> Path:
    """Save as an Excel workbook, cells typed as Excel types them on opening the CSV.

    Ages are numbers and collection dates are dates; every other cell (phones included:
    Excel would drop their leading 0, so an analyst formats that column as text) is text;
    empty cells are empty.
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "annonces"
    sheet.append(list(ads.columns))
    for row in ads.itertuples(index=False):
        cells: list[object] = []
        for column, cell in zip(ads.columns, row, strict=True):
            if cell == "":
                cells.append(None)
            elif column == AGE and cell.isdigit():
                cells.append(int(cell))
            elif column == DATE:
                cells.append(datetime.strptime(cell, "%d/%m/%Y").date())
            else:
                cells.append(cell)
        sheet.append(cells)
    for cell in sheet["D"][1:]:
        cell.number_format = "DD/MM/YYYY"
    book.save(path)
    return path
