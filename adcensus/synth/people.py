"""Who the synthetic persons are: ad counts, agencies, names, ages, cities, sites, texts.

Numbers are drawn with numpy over whole arrays; only the assembly of each person's
sentences loops over persons. `ads` then draws their ads.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

import numpy as np

from adcensus.synth import text as words
from adcensus.synth.spec import CensusSpec

ADS_PER_PERSON_SIGMA = 1.1  # lognormal weights: most persons 1–3 ads, a few 10+
MAX_ADS_PER_MEAN = 12  # no person posts more than 12 times the mean (31 ads at the defaults)
AGENCY_SIZES = np.array([2, 3, 4, 5, 6])
SITES_PER_PERSON = (np.arange(1, 7), np.array([0.3, 0.25, 0.17, 0.12, 0.09, 0.07]))
SENTENCES_PER_AD = (np.arange(1, 6), np.array([0.08, 0.2, 0.32, 0.25, 0.15]))


class _Slots(dict[str, str]):
    """Fills person-level slots and leaves ad-level ones ({name}, {city}…) in place."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class People:
    """Per-person draws (arrays indexed by person)."""

    counts: np.ndarray  # ads per person, >= 1
    agency: np.ndarray  # agency index, -1 for an independent person
    agencies: int
    name: list[str]
    age: np.ndarray
    price: np.ndarray
    home: np.ndarray  # city index
    sites: np.ndarray  # (persons, 6) site indexes, the first `site_count` used
    site_count: np.ndarray
    phone_style: np.ndarray
    sentences: list[list[str]]  # with {name} {age} {city} {price} slots left
    title: list[str]
    sep: list[str]
    ending: list[str]


def city_list(region: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(cities, home weights, touring weights): communes by rank, then destinations."""
    communes, destinations = words.REGIONS[region]
    cities = list(dict.fromkeys((*communes, *destinations)))
    rank_weight = 1.0 / np.arange(1, len(cities) + 1) ** 0.8
    home = np.where(np.isin(cities, communes), rank_weight, 0.0)
    tour = np.where(np.isin(cities, destinations), rank_weight.max(), rank_weight)
    return cities, home / home.sum(), tour / tour.sum()


def _ads_per_person(rng: np.random.Generator, ads: int, persons: int) -> np.ndarray:
    """Heavy-tailed ads per person, each >= 1, summing to `ads`, none above the cap."""
    cap = max(10, math.ceil(MAX_ADS_PER_MEAN * ads / persons))
    weights = rng.lognormal(0.0, ADS_PER_PERSON_SIGMA, persons)
    counts = 1 + rng.multinomial(ads - persons, weights / weights.sum())
    # Nobody posts without limit: hand what exceeds the cap to the others, by weight.
    while (excess := int(np.maximum(counts - cap, 0).sum())) > 0:
        counts = np.minimum(counts, cap)
        room = np.where(counts < cap, weights, 0.0)
        counts += rng.multinomial(excess, room / room.sum())
    return counts


def _draw_agencies(rng: np.random.Generator, persons: int, share: float) -> np.ndarray:
    """Agency index per person (-1 = independent); agencies of 2–6 persons."""
    agency = np.full(persons, -1, dtype=np.int64)
    members = round(share * persons)
    if members < 2:
        return agency
    sizes = rng.choice(AGENCY_SIZES, size=members)
    cumulative = np.cumsum(sizes)
    sizes = sizes[: int(np.searchsorted(cumulative, members)) + 1]
    sizes[-1] -= int(sizes.sum()) - members
    if sizes[-1] == 1:  # a one-person agency is no agency: borrow or give one person
        if sizes[-2] < AGENCY_SIZES[-1]:
            sizes = sizes[:-1]
            sizes[-1] += 1
        else:
            sizes[-2], sizes[-1] = sizes[-2] - 1, 2
    agency[rng.permutation(persons)[:members]] = np.repeat(np.arange(len(sizes)), sizes)
    return agency


def _draw_names(rng: np.random.Generator, spec: CensusSpec, agency: np.ndarray) -> list[str]:
    """Pseudonyms: a share from the few common ones, distinct within each agency."""
    persons = spec.persons
    common = np.zeros(persons, dtype=bool)
    common[rng.permutation(persons)[: round(spec.common_name_share * persons)]] = True
    weights = 1.0 / np.arange(1, len(words.COMMON_NAMES) + 1) ** 0.5
    common_pick = rng.choice(len(words.COMMON_NAMES), size=persons, p=weights / weights.sum())
    rare_pick = rng.integers(0, len(words.RARE_NAMES), size=persons)
    names = [
        words.COMMON_NAMES[c] if is_common else words.RARE_NAMES[r]
        for is_common, c, r in zip(
            common.tolist(), common_pick.tolist(), rare_pick.tolist(), strict=True
        )
    ]
    in_agency = np.flatnonzero(agency >= 0)
    seen: dict[int, list[str]] = {}
    for p in in_agency[np.argsort(agency[in_agency], kind="stable")].tolist():
        taken = seen.setdefault(int(agency[p]), [])
        pool = words.COMMON_NAMES if common[p] else words.RARE_NAMES
        while names[p] in taken:
            names[p] = pool[int(rng.integers(0, len(pool)))]
        taken.append(names[p])
    return names


def draw_people(rng: np.random.Generator, spec: CensusSpec) -> People:
    """Draw who the persons are: ad counts, agencies, names, ages, cities, sites, texts."""
    persons = spec.persons
    counts = _ads_per_person(rng, spec.ads, persons)
    agency = _draw_agencies(rng, persons, spec.agency_share)
    agencies = int(agency.max()) + 1
    # An agency's persons share its city, sites and writing style: those of its first member.
    leader = np.arange(persons)
    in_agency = agency >= 0
    first_member = np.full(max(agencies, 1), persons)
    np.minimum.at(first_member, agency[in_agency], np.flatnonzero(in_agency))
    leader[in_agency] = first_member[agency[in_agency]]

    names = _draw_names(rng, spec, agency)
    age = np.clip(19 + np.floor(rng.gamma(2.0, 4.0, persons)), 19, 49).astype(np.int64)
    price = 60 + 10 * rng.integers(0, 15, persons)
    _, home_weights, _ = city_list(spec.region)
    home = rng.choice(len(home_weights), size=persons, p=home_weights)[leader]
    site_weights = 1.0 / np.arange(1, spec.sites + 1) ** 0.9
    sites = rng.choice(spec.sites, size=(persons, 6), p=site_weights / site_weights.sum())
    site_count = rng.choice(SITES_PER_PERSON[0], size=persons, p=SITES_PER_PERSON[1])
    phone_style = rng.integers(0, words.PHONE_STYLES, persons)
    sentences, title, sep, ending = _draw_texts(rng, agency, agencies, leader)
    return People(
        counts=counts,
        agency=agency,
        agencies=agencies,
        name=names,
        age=age,
        price=price,
        home=home,
        sites=sites[leader],
        site_count=site_count[leader],
        phone_style=phone_style[leader],
        sentences=sentences,
        title=title,
        sep=sep,
        ending=ending,
    )


def _draw_texts(
    rng: np.random.Generator, agency: np.ndarray, agencies: int, leader: np.ndarray
) -> tuple[list[list[str]], list[str], list[str], list[str]]:
    """Each person's base sentences and title; an agency's persons share its template."""
    persons = len(agency)
    groups = words.SENTENCE_GROUPS
    n_sentences = rng.choice(SENTENCES_PER_AD[0], size=persons, p=SENTENCES_PER_AD[1]).tolist()
    keys = rng.random((persons, len(groups)))
    keys[:, 0] -= 0.7  # most ads open with an introduction
    chosen = np.argsort(keys, axis=1).tolist()
    natural = (rng.random(persons) >= 0.15).tolist()
    group_sizes = np.array([len(group) for group in groups])
    template = (rng.integers(0, 1 << 30, (persons, len(groups))) % group_sizes).tolist()
    fill = rng.integers(0, 1 << 30, (7, persons))
    picks = list(zip(*_word_picks(fill).tolist(), strict=True))
    title_pick = fill[6].tolist()
    sep_pick = rng.integers(0, len(words.SEPARATORS), persons)[leader].tolist()
    end_pick = rng.integers(0, len(words.ENDINGS), persons)[leader].tolist()
    agency_pick = rng.integers(0, 1 << 30, (max(agencies, 1), 4)).tolist()
    agency_text = [
        [
            words.AGENCY_INTRO[a % len(words.AGENCY_INTRO)],
            (words.PLACE + words.AMBIANCE)[b % (len(words.PLACE) + len(words.AMBIANCE))],
            words.AGENCY_BOOKING[c % len(words.AGENCY_BOOKING)],
        ]
        for a, b, c, _ in agency_pick
    ]
    agency_of = agency.tolist()
    cache: dict[tuple[object, ...], str] = {}
    sentences: list[list[str]] = []
    titles: list[str] = []
    for p in range(persons):
        a = agency_of[p]
        if a < 0:
            picked = chosen[p][: n_sentences[p]]
            tp = template[p]
            raw = [groups[g][tp[g]] for g in (sorted(picked) if natural[p] else picked)]
            title = words.TITLES[title_pick[p] % len(words.TITLES)]
        else:
            raw = list(agency_text[a])
            raw.insert(1, words.AGENCY_PERSON[title_pick[p] % len(words.AGENCY_PERSON)])
            title = words.AGENCY_TITLES[agency_pick[a][3] % len(words.AGENCY_TITLES)]
        mine = picks[p]
        sentences.append([_fill(t, mine, cache) for t in raw])
        titles.append(_fill(title, mine, cache))
    seps = [words.SEPARATORS[i] for i in sep_pick]
    endings = [words.ENDINGS[i] for i in end_pick]
    return sentences, titles, seps, endings


# Person-level slots and the words they take, in the order of _word_picks.
_SLOT_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("adj", words.ADJECTIVES),
    ("adj2", words.ADJECTIVES),
    ("origin", words.ORIGINS),
    ("when", words.WHEN),
    ("where", words.WHERE),
    ("detail", words.DETAILS),
)


def _word_picks(fill: np.ndarray) -> np.ndarray:
    """Each person's word index per slot (rows in _SLOT_WORDS order), from random ints."""
    n_adj = len(words.ADJECTIVES)
    adj = fill[0] % n_adj
    other_adj = (adj + 1 + fill[1] % (n_adj - 1)) % n_adj  # never the same adjective twice
    rest = [fill[k] % len(choices) for k, (_, choices) in enumerate(_SLOT_WORDS) if k >= 2]
    return np.vstack([adj, other_adj, *rest])


@functools.cache
def _slots_in(template: str) -> tuple[int, ...]:
    """Which person-level slots a template has, as indexes into _SLOT_WORDS."""
    return tuple(k for k, (slot, _) in enumerate(_SLOT_WORDS) if f"{{{slot}}}" in template)


def _fill(template: str, picks: tuple[int, ...], cache: dict[tuple[object, ...], str]) -> str:
    """The template with a person's words in its person-level slots (ad-level ones kept)."""
    used = _slots_in(template)
    if not used:
        return template
    key = (template, *(picks[k] for k in used))
    filled = cache.get(key)
    if filled is None:
        slots = _Slots({_SLOT_WORDS[k][0]: _SLOT_WORDS[k][1][picks[k]] for k in used})
        filled = cache[key] = template.format_map(slots)
    return filled


PRESENTATION_STREAM = 18  # the presentations' own random stream: they change no other draw


def draw_presentations(spec: CensusSpec) -> np.ndarray:
    """Each person's presentation ("woman", "trans", "man", "couple"), at the spec's shares.

    Drawn from a stream of its own (seed, PRESENTATION_STREAM), so that turning the shares
    up changes no other draw: at the default shares (0) every person is a woman, and her
    ads say nothing of it.
    """
    rng = np.random.default_rng([spec.seed, PRESENTATION_STREAM])
    shares = np.array([spec.trans_share, spec.man_share, spec.couple_share])
    pick = rng.random(spec.persons)
    kinds = np.array(["trans", "man", "couple"], dtype=object)
    out = np.full(spec.persons, "woman", dtype=object)
    bounds = np.cumsum(shares)
    for k in range(3):
        low = bounds[k - 1] if k else 0.0
        out[(pick >= low) & (pick < bounds[k])] = kinds[k]
    return out


def with_presentations(spec: CensusSpec, people: People, presentation: np.ndarray) -> People:
    """`people` whose title and presenting sentence carry their presentation's wording
    ("TRANS", "Masseur", "Couple"…); a woman's ads are left as they are."""
    rng = np.random.default_rng([spec.seed, PRESENTATION_STREAM, 1])
    pick = rng.integers(0, 1 << 30, spec.persons).tolist()
    sentences = [list(s) for s in people.sentences]
    titles = list(people.title)
    for p in np.flatnonzero(presentation != "woman").tolist():
        choices = words.PRESENTATION_WORDS[str(presentation[p])]
        word = choices[pick[p] % len(choices)]
        titles[p] = f"{word} – {titles[p]}"
        at = 1 if people.agency[p] >= 0 else 0  # an agency's ads present the person second
        sentences[p][at] = f"{word}, {sentences[p][at][:1].lower()}{sentences[p][at][1:]}"
    return replace(people, sentences=sentences, title=titles)
