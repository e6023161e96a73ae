"""Column roles: which header holds the phone, the text, the date, ... in English or French,
and the `--col ROLE=HEADER` overrides that win over detection."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from adcensus.columns import (
    AD_ID,
    ADS_OUTPUT_COLUMNS,
    AGE,
    CITY,
    DATE,
    NAME,
    PHONE,
    PHOTO_HASH,
    ROLES,
    SITE,
    TEXT,
    TITLE,
    URL,
)
from adcensus.errors import InputError
from adcensus.read.table import list_headers

# Synonyms are folded like headers (accents, case and punctuation ignored).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    AD_ID: ("ad_id", "id", "ref", "réf", "reference", "identifiant", "annonce id", "id annonce"),
    SITE: ("site", "source", "domaine", "plateforme", "platform", "website", "site web"),
    URL: ("url", "lien", "link", "adresse", "href", "permalink"),
    DATE: ("date", "date de collecte", "publié", "date de publication", "collected", "posted"),
    CITY: ("city", "ville", "commune", "lieu", "localisation", "location", "town"),
    PHONE: ("phone", "tel", "téléphone", "numéro", "mobile", "contact", "portable", "gsm"),
    # A role's first column; the other phone columns are found by `more_phone_columns`.
    NAME: ("name", "pseudo", "pseudonyme", "prénom", "nom", "username"),
    AGE: ("age",),
    TITLE: ("title", "titre"),
    TEXT: ("text", "texte", "description", "annonce", "texte de l'annonce", "body", "contenu"),
    PHOTO_HASH: ("photo_hash", "image_hash", "phash"),
}
# Too generic inside longer headers ("Adresse e-mail", "Ville de l'annonce"): exact match only.
# "id" and "link" likewise: "person_id" is not an ad id, "link_reason" is not a url.
_EXACT_ONLY = {"annonce", "contact", "source", "adresse", "id", "link"}
_VETO_WORDS = {"naissance", "birth", "email", "mail", "courriel"}
_STOPWORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "en", "sur", "par"}
_STOPWORDS |= {"of", "the", "at", "on", "in", "by", "for", "n", "no", "nr"}
# When one header matches several roles equally ("Lien de l'annonce"), the first role here wins.
_ROLE_PRIORITY = (URL, PHONE, DATE, AGE, PHOTO_HASH, AD_ID, TITLE, CITY, SITE, NAME, TEXT)
USABLE_ROLES = (PHONE, TEXT, TITLE, NAME)  # read_ads refuses a table with none of these roles
# A further phone column: phone words, a number or qualifier ("Téléphone 2", "Tel bis",
# "Numéro WhatsApp"); never "Numéro d'annonce", whose words are not all phone words.
_PHONE_WORDS = {"phone", "telephone", "tel", "numero", "mobile", "portable", "gsm", "whatsapp"}
_PHONE_WORDS |= {"contact", "cell", "cellphone", "telegram", "viber", "signal"}
_PHONE_QUALIFIERS = {"bis", "autre", "other", "second", "secondaire", "alt", "alternatif"}
_PHONE_QUALIFIERS |= {"2nd", "deuxieme", "additionnel", "extra", "perso", "pro"}
_MESSENGERS = {"whatsapp", "telegram", "viber", "signal"}


def parse_role_override(spec: str) -> tuple[str, str]:
    """Split a `--col ROLE=HEADER` spec: "phone=Numéro tel" → ("phone", "Numéro tel")."""
    role, sep, header = spec.partition("=")
    role, header = role.strip().lower().replace("-", "_"), header.strip()
    roles = ", ".join(ROLES)
    if not sep or not role or not header:
        raise InputError(
            f"--col {spec!r}: expected ROLE=HEADER, e.g. --col phone=Tel; roles: {roles}."
        )
    if role not in ROLES:
        raise InputError(f"--col {spec!r}: unknown role {role!r}; use one of: {roles}.")
    return role, header


def parse_role_overrides(specs: Sequence[str]) -> dict[str, str | tuple[str, ...]]:
    """Role → header(s) of repeated `--col ROLE=HEADER`; phone alone may take several.

    `--col phone=Tel --col phone=WhatsApp` → {"phone": ("Tel", "WhatsApp")}: both are read.
    """
    pairs = [parse_role_override(spec) for spec in specs]
    overrides: dict[str, str | tuple[str, ...]] = {}
    for role in dict.fromkeys(role for role, _ in pairs):
        headers = tuple(dict.fromkeys(header for r, header in pairs if r == role))
        if len(headers) > 1 and role != PHONE:
            raise InputError(
                f"--col {role}= is given {len(headers)} times ({', '.join(headers)}); "
                "only phone may take several columns: keep one."
            )
        overrides[role] = headers if len(headers) > 1 else headers[0]
    return overrides


def split_overrides(
    overrides: Mapping[str, str | Sequence[str]],
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A role's first header, and the further headers of roles given several (phone)."""
    first: dict[str, str] = {}
    more: dict[str, list[str]] = {}
    for role, headers in overrides.items():
        listed = [headers] if isinstance(headers, str) else list(headers)
        if listed:
            first[role] = listed[0]
            if listed[1:]:
                more[role] = listed[1:]
    return first, more


def more_phone_columns(headers: Sequence[str], roles: Mapping[str, str]) -> list[str]:
    """The phone columns after `roles["phone"]`: "Téléphone 2", "Tel bis", "WhatsApp", ...

    Only headers no role took, made of phone words plus numbers or qualifiers.
    """
    if PHONE not in roles:
        return []
    used = set(roles.values()) | set(ADS_OUTPUT_COLUMNS)
    found = []
    for header in headers:
        # Folded lower-case: "WhatsApp" stays one word, not the camel case "Whats App".
        words = [w for w in _fold(header.casefold()) if w not in _STOPWORDS]
        phone_words = [w for w in words if w in _PHONE_WORDS]
        rest = [w for w in words if w not in _PHONE_WORDS and w not in _PHONE_QUALIFIERS]
        numbered = any(w.isdigit() for w in rest) or len(words) > len(rest) + len(phone_words)
        messenger = bool(_MESSENGERS & set(words))
        if header in used or not phone_words or any(not w.isdigit() for w in rest):
            continue
        if numbered or messenger:
            found.append(header)
    return found


def header_score(cells: Sequence[str | None], named: Sequence[str] = ()) -> int:
    """How much a row looks like headers: the roles its cells take, detected or `named`
    (the headers given by `--col`). Long cells (an ad's sentence) are no headers: they count
    nothing.
    """
    short = [c for c in cells if c and c.strip() and len(_fold(c)) <= 6]
    matched = set(detect_roles(short).values())
    folded = {" ".join(_fold(c)) for c in short if c not in matched}
    return len(matched) + sum(" ".join(_fold(header)) in folded for header in named)


def _fold(text: str) -> list[str]:
    """Header words without accents, case or punctuation: "Texte de l'Annonce" → 4 words."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", text.casefold())


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _words(text: str) -> list[str]:
    """Folded, stemmed words without stopwords: what header matching compares."""
    return [_stem(w) for w in _fold(text) if w not in _STOPWORDS]


def resolve_overrides(
    overrides: Mapping[str, str], headers: Sequence[str], where: str
) -> dict[str, str]:
    """--col overrides checked against the file's headers: role -> the header as written."""
    resolved = {}
    for role, header in overrides.items():
        if role not in ROLES:
            raise InputError(
                f"--col {role}={header}: unknown role {role!r}; use one of: {', '.join(ROLES)}."
            )
        folded = [h for h in headers if _fold(h) == _fold(header)]
        if header not in headers and len(folded) != 1:
            raise InputError(
                f"--col {role}={header}: {where} has no column {header!r}; "
                f"use one of its headers: {list_headers(headers)}."
            )
        resolved[role] = header if header in headers else folded[0]
    return resolved


def detect_roles(
    headers: Sequence[str], overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Role → header from English or French headers; `overrides` (role → header) win.

    Exact synonym first, then headers holding a synonym as words ("Numéro de téléphone");
    one column per role (the first best match), one role per column.
    """
    roles = resolve_overrides(overrides or {}, headers, "the input")
    # The columns adcensus itself adds (re-reading a dedupe output) never take a role.
    used = set(roles.values()) | (set(headers) & set(ADS_OUTPUT_COLUMNS))
    exact = {" ".join(_fold(s)): role for role, syns in _SYNONYMS.items() for s in syns}
    for header in headers:
        role = exact.get(" ".join(_fold(header)))
        if role and role not in roles and header not in used:
            roles[role] = header
            used.add(header)
    # Folded once per call, not once per header: a file may have thousands of columns.
    folded_synonyms = {
        role: [words for words in map(_words, synonyms) if " ".join(words) not in _EXACT_ONLY]
        for role, synonyms in _SYNONYMS.items()
    }
    candidates = []
    for index, header in enumerate(headers):
        words = _words(header)
        if header in used or not words or _VETO_WORDS & set(words):
            continue
        for role, synonyms_words in folded_synonyms.items():
            covered: set[int] = set()
            for syn in synonyms_words:
                for start in range(len(words) - len(syn) + 1):
                    if words[start : start + len(syn)] == syn:
                        covered.update(range(start, start + len(syn)))
            if covered:
                rank = (-len(covered) / len(words), _ROLE_PRIORITY.index(role), index)
                candidates.append((rank, role, header))
    for _, role, header in sorted(candidates):
        if role not in roles and header not in used:
            roles[role] = header
            used.add(header)
    return {role: roles[role] for role in ROLES if role in roles}
