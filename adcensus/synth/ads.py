"""The synthetic persons' ads: postings, dates, cities, sites, phones, and their text cells.

Numbers are drawn with numpy over whole arrays; only the final string assembly loops over
ads. Everything is in "person order" (ads grouped by person, by rank within person);
`census.generate_census` sorts the ads into collection order and numbers them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from adcensus.synth import text as words
from adcensus.synth.people import People, city_list
from adcensus.synth.spec import CensusSpec

REPOST_SHARE = 0.45  # chance that an ad repeats the previous posting on another site
NAME_VARIANT_RATE = 0.2  # ads that spell the pseudonym differently (Léa/Lea/LEA)
AGE_DRIFT_RATE = 0.15  # ads whose age is one year off the person's usual age
PLAIN_IN_TEXT_SHARE = 0.25  # ads that also repeat the number in the text
BOTH_NUMBERS_SHARE = 0.6  # first ad after a phone change that gives old and new numbers
RESTYLE_SHARE = 0.3  # ads whose site writes the number in another format
# Edits a repost may carry: reorder, drop, add sentence, typo, emoji, price change.
EDIT_KINDS = np.array([0.35, 0.25, 0.3, 0.35, 0.3, 0.25])
REORDER, DROP, ADD, TYPO, EMOJI, PRICE = (1 << k for k in range(6))  # bits of an ad's edits


@dataclass(frozen=True)
class Ads:
    """Per-ad draws in person order, and the person-level cases decided with them."""

    person: np.ndarray
    rank: np.ndarray  # rank of the ad among its person's ads
    day: np.ndarray  # days since spec.start
    city: np.ndarray
    site: np.ndarray
    phone: np.ndarray  # index into the drawn numbers
    old_phone: np.ndarray  # the previous number when the ad gives both, else -1
    phone_count: int
    tourers: np.ndarray  # persons posting from 2+ cities
    changers: np.ndarray  # persons who changed phone


def _pick_persons(rng: np.random.Generator, eligible: np.ndarray, count: int) -> np.ndarray:
    """`count` persons among the eligible ones (all of them if fewer), sorted."""
    pool = np.flatnonzero(eligible)
    return np.sort(rng.choice(pool, size=min(count, len(pool)), replace=False))


def draw_ads(rng: np.random.Generator, spec: CensusSpec, people: People) -> Ads:
    """Draw each ad's posting, date, city, site and phone; pick tourers and phone changers."""
    persons, n_ads = spec.persons, spec.ads
    person = np.repeat(np.arange(persons), people.counts)
    rank = np.arange(n_ads) - (np.cumsum(people.counts) - people.counts)[person]
    # A posting is one text put online on one or more sites within a day or two.
    new_posting = (rank == 0) | (rng.random(n_ads) >= REPOST_SHARE)
    posting = np.cumsum(new_posting) - 1
    posting_person = person[new_posting]
    posting_counts = np.bincount(posting_person, minlength=persons)
    posting_rank = posting - (np.cumsum(posting_counts) - posting_counts)[person]
    within = np.arange(n_ads) - np.flatnonzero(new_posting)[posting]

    last_day = (spec.end - spec.start).days
    window = np.floor(last_day * rng.beta(1.0, 1.6, persons)).astype(np.int64)
    first_day = np.floor(rng.random(persons) * (last_day - window + 1)).astype(np.int64)
    spread = rng.random(len(posting_person))
    spread = spread[np.lexsort((spread, posting_person))]  # dates move forward per person
    posting_day = first_day[posting_person] + np.floor(
        spread * (window[posting_person] + 1)
    ).astype(np.int64)
    day = np.minimum(posting_day[posting] + (within > 0) * rng.integers(0, 2, n_ads), last_day)

    cities, _, tour_weights = city_list(spec.region)
    tourers = _pick_persons(rng, posting_counts >= 2, round(spec.touring_rate * persons))
    n_cities = np.ones(persons, dtype=np.int64)
    n_cities[tourers] = np.minimum(posting_counts[tourers], rng.integers(2, 5, len(tourers)))
    route = np.column_stack(
        [people.home, rng.choice(len(cities), size=(persons, 3), p=tour_weights)]
    )
    for stop in range(1, 4):  # never "move" to the city one is already in
        same = route[:, stop] == route[:, stop - 1]
        route[same, stop] = (route[same, stop] + 1) % len(cities)
    city = route[person, posting_rank * n_cities[person] // posting_counts[person]]

    offset = rng.integers(0, 6, len(posting_person))
    slot = (offset[posting] + within) % people.site_count[person]
    site = _use_every_site(rng, people.sites[person, slot], spec.sites)

    independent = people.agency < 0
    n_independent = int(independent.sum())
    phone = np.where(independent, np.cumsum(independent) - 1, n_independent + people.agency)
    changers = _pick_persons(
        rng, independent & (posting_counts >= 2), round(spec.phone_change_rate * persons)
    )
    switch = np.full(persons, np.iinfo(np.int64).max)
    switch[changers] = rng.integers(1, posting_counts[changers])
    new_phone = np.full(persons, -1)
    new_phone[changers] = n_independent + people.agencies + np.arange(len(changers))
    switched = posting_rank >= switch[person]
    both = (posting_rank == switch[person]) & (within == 0)
    both &= rng.random(n_ads) < BOTH_NUMBERS_SHARE
    return Ads(
        person=person,
        rank=rank,
        day=day,
        city=city,
        site=site,
        phone=np.where(switched, new_phone[person], phone[person]),
        old_phone=np.where(both, phone[person], -1),
        phone_count=n_independent + people.agencies + len(changers),
        tourers=tourers,
        changers=changers,
    )


def _use_every_site(rng: np.random.Generator, site: np.ndarray, sites: int) -> np.ndarray:
    """Move a few ads from sites with several ads onto unused sites, so all are used."""
    site = site.copy()
    counts = np.bincount(site, minlength=sites)
    unused = np.flatnonzero(counts == 0).tolist()
    if not unused:
        return site
    candidates = iter(rng.permutation(len(site)).tolist())
    for target in unused:
        ad = next(a for a in candidates if counts[site[a]] > 1)
        counts[site[ad]] -= 1
        site[ad] = target
        counts[target] += 1
    return site


def render_ads(
    rng: np.random.Generator,
    spec: CensusSpec,
    people: People,
    ads: Ads,
    numbers: list[str],
) -> dict[str, list[str | None]]:
    """The ads' text cells, in person order: Ville, Téléphone, Pseudo, Âge, Titre, Texte.

    Missing cells are None. An ad whose phone cell is empty carries the number in its text.
    """
    n_ads, person = spec.ads, ads.person
    missing = rng.random((n_ads, 5)) < spec.missing_rate  # phone, name, age, city, title
    obfuscated = rng.random(n_ads) < spec.obfuscation_rate
    # Ads that hide the number from the site's filters often leave the phone field empty.
    phone_missing = missing[:, 0] | (obfuscated & (rng.random(n_ads) < 0.5))
    plain = ~obfuscated & (phone_missing | (rng.random(n_ads) < PLAIN_IN_TEXT_SHARE))
    restyle = rng.random(n_ads) < RESTYLE_SHARE
    cell_style = np.where(
        restyle, rng.integers(0, words.PHONE_STYLES, n_ads), people.phone_style[person]
    )
    text_style = rng.integers(0, words.PHONE_STYLES, n_ads)
    hide_style = rng.integers(0, words.OBFUSCATION_STYLES, n_ads)
    edited = (ads.rank > 0) & (rng.random(n_ads) < spec.edit_rate)
    kinds = (rng.random((n_ads, len(EDIT_KINDS))) < EDIT_KINDS) & edited[:, None]
    bare = np.flatnonzero(edited & ~kinds.any(axis=1))
    kinds[bare, rng.integers(0, len(EDIT_KINDS), len(bare))] = True
    edits = kinds @ (1 << np.arange(len(EDIT_KINDS)))
    variant = np.where(
        rng.random(n_ads) < NAME_VARIANT_RATE, rng.integers(1, words.NAME_VARIANTS, n_ads), 0
    )
    drift = np.where(rng.random(n_ads) < AGE_DRIFT_RATE, rng.choice([-1, 1], n_ads), 0)
    age = people.age[person] + drift
    price = people.price[person] + (edits & PRICE > 0) * rng.choice([-20, -10, 10, 20], n_ads)
    lead_first = rng.random(n_ads) < 0.2
    shout_title = rng.random(n_ads) < 0.1
    r = rng.integers(0, 1 << 62, n_ads).tolist()

    cities, _, _ = city_list(spec.region)
    city_names = np.array(cities, dtype=object)[ads.city]
    age_texts = age.astype(str).astype(object)
    texts: list[str | None] = []
    phone_cells: list[str | None] = []
    names: list[str | None] = []
    titles: list[str | None] = []
    # Local names: this loop runs once per ad, a million times for the benchmarks.
    agency_of, person_names = people.agency.tolist(), people.name
    sentences, seps, endings, person_titles = (
        people.sentences,
        people.sep,
        people.ending,
        people.title,
    )
    spell, phone_text, hidden_text = words.name_variant, words.format_phone, words.obfuscate_phone
    columns = zip(
        person.tolist(), city_names.tolist(), age_texts.tolist(), ads.phone.tolist(),
        ads.old_phone.tolist(), missing[:, 1].tolist(), missing[:, 4].tolist(),
        phone_missing.tolist(), obfuscated.tolist(), plain.tolist(), cell_style.tolist(),
        text_style.tolist(), hide_style.tolist(), edits.tolist(), variant.tolist(),
        price.tolist(), lead_first.tolist(), shout_title.tolist(), r, strict=True,
    )  # fmt: skip
    for (
        p, city, age_text, ph, old, no_name, no_title, no_cell, hide, show, cs, ts, hs,
        kind, var, pr, first, shout, ri,
    ) in columns:  # fmt: skip
        name = spell(person_names[p], var) if var else person_names[p]
        digits = numbers[ph]
        body = _body(sentences[p], kind, ri, keep=agency_of[p] >= 0) if kind else sentences[p]
        text = seps[p].join(body) + endings[p]
        text = text.replace("{name}", name).replace("{age}", age_text).replace("{city}", city)
        if "{price}" in text:
            text = text.replace("{price}", str(pr))
        if kind & TYPO:
            text = words.add_typo(text, ri >> 20)
        if kind & EMOJI:
            emoji = words.EMOJI[(ri >> 40) % len(words.EMOJI)]
            text = f"{emoji} {text}" if ri & 1 else f"{text} {emoji}"
        note = None
        if old >= 0:
            note = words.NEW_NUMBER_NOTES[ri % len(words.NEW_NUMBER_NOTES)].format(
                new=phone_text(digits, ts), old=phone_text(numbers[old], ts)
            )
        elif hide or show:
            lead = words.PHONE_LEADS[(ri >> 8) % len(words.PHONE_LEADS)]
            note = lead + (hidden_text(digits, hs) if hide else phone_text(digits, ts))
        if note:
            text = f"{note} – {text}" if first else f"{text} {note}"
        texts.append(text)
        cell = None if no_cell else phone_text(digits, cs)
        if cell and old >= 0 and ri & 2:
            cell = f"{cell} / {phone_text(numbers[old], cs)}"
        phone_cells.append(cell)
        names.append(None if no_name else name)
        if no_title:
            titles.append(None)
        else:
            title = person_titles[p].replace("{name}", name).replace("{city}", city)
            title = title.replace("{age}", age_text)
            titles.append(title.upper() if shout else title)
    return {
        "Ville": _blank(city_names, missing[:, 3]),
        "Téléphone": phone_cells,
        "Pseudo": names,
        "Âge": _blank(age_texts, missing[:, 2]),
        "Titre": titles,
        "Texte de l'annonce": texts,
    }


def _blank(values: np.ndarray, missing: np.ndarray) -> list[str | None]:
    """The values as a list, None where `missing`."""
    cells = values.copy()
    cells[missing] = None
    return list(cells.tolist())


def _body(sentences: list[str], kind: int, r: int, keep: bool) -> list[str]:
    """A repost's sentences: the person's own, reordered, cut or added to as `kind` says.

    With `keep` (an agency's ad), the sentence that presents the person is never cut:
    it is all that tells her apart from the agency's other persons.
    """
    if not kind & (REORDER | DROP | ADD):
        return sentences
    out = list(sentences)
    if kind & REORDER and len(out) >= 2:
        i = r % (len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    if kind & DROP and len(out) >= 2:
        cut = (r >> 4) % len(out)
        if not (keep and out[cut] is sentences[1]):
            del out[cut]
    if kind & ADD:
        out.insert((r >> 12) % (len(out) + 1), words.EXTRAS[(r >> 24) % len(words.EXTRAS)])
    return out
