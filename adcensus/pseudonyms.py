"""Pseudonym cores: the name a reader sees under the decorations advertisers add.

"douce LÉA dispo", "Léa_62", "new Léa 💋" and "LEA" are one pseudonym to a reader. The
words around the name ("douce", "dispo", "new", "vip", a city, a département number)
are learned from the census itself, not from a list: a word that *decorates* is one
that stands beside at least `MIN_DECORATED` different names, each of which some poster
also uses on its own as her whole pseudonym, while the word itself is rarely a whole
pseudonym. A name, however often decorated, stands beside decorations, which are never
whole pseudonyms. Counts are over posters (distinct owner and name), so one prolific
poster cannot make her own words look common.

The core of a folded pseudonym is its words minus the decorations, in order, with
letters stretched for emphasis written once ("piaaaa" → "pia"); a pseudonym made of
decorations only keeps all its words.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import pandas as pd

# A word beside this many different self-standing names decorates names. Three, because
# a person's own pseudonym has one or two spellings: a word beside three different
# names is not part of anybody's name.
MIN_DECORATED = 3
# A word that is a whole pseudonym for at least this share of the posters who use it is a
# name (a first name is used on its own at least as often as beside other words).
NAME_ALONE_SHARE = 0.5


def learn_decorations(names: pd.Series, owners: pd.Series, places: set[str]) -> frozenset[str]:
    """The words that decorate pseudonyms in this census (see the module docstring).

    `names` are folded pseudonyms (words joined by single spaces, "" for none), `owners`
    who posted each ad as far as is known before linking. `places` are folded city
    names of the census: a one-word place standing beside a name ("tania arras") is a
    decoration wherever it appears.
    """
    frame = pd.DataFrame({"name": names.astype(object), "owner": owners.astype(object)})
    frame = frame[frame["name"].str.len() > 0].drop_duplicates()
    # Posters per distinct name: the loops below run over distinct names, not ads.
    posters = frame.groupby("name", sort=True).size()
    alone: dict[str, int] = defaultdict(int)
    uses: dict[str, int] = defaultdict(int)
    partners: dict[str, set[str]] = defaultdict(set)
    for name, count in zip(posters.index.tolist(), posters.tolist(), strict=True):
        words = name.split(" ")
        if len(words) == 1:
            alone[words[0]] += count
        for word in set(words):
            uses[word] += count
            partners[word].update(w for w in words if w != word)
    decorations = set()
    for word, beside in partners.items():
        standing = sum(1 for other in beside if alone.get(other, 0) > 0)
        if standing >= MIN_DECORATED and alone.get(word, 0) < NAME_ALONE_SHARE * uses[word]:
            decorations.add(word)
    places_in_names = {w for w in partners if w in places and partners[w]}
    return frozenset(decorations | places_in_names)


# A letter written three times or more is stretched for emphasis ("Piaaaa", "Leaaa"): no
# first name has a letter three times in a row.
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")


def core_of(name: str, decorations: frozenset[str]) -> str:
    """`name`'s words minus `decorations` (all its words when nothing else is left), with
    stretched letters written once ("piaaaa" → "pia")."""
    words = name.split(" ")
    kept = [w for w in words if w not in decorations]
    return _STRETCHED.sub(r"\1", " ".join(kept or words))


def name_cores(names: pd.Series, decorations: frozenset[str]) -> pd.Series:
    """The core of each folded pseudonym (see `core_of`), computed once per distinct name."""
    codes, distinct = pd.factorize(names.astype(object).fillna(""))
    cores = np.array([core_of(n, decorations) for n in distinct], dtype=object)
    return pd.Series(cores[codes] if len(codes) else [], index=names.index, dtype="str")
