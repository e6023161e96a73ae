"""Synthetic census of ads with a known truth: the sample data, quality tests and benchmarks.

`generate_census(spec)` draws persons, then their ads, with the cases a linker must cope
with: phones written many ways or hidden in the text, phones that change, agencies that
share one booking phone and one template text, strangers with the same common pseudonym,
reposts with edits, touring between cities, pseudonym spellings and ages that drift.
Every draw comes from one generator seeded by `spec.seed`: the same spec gives the same
frames and byte-identical files.

All phone numbers are fictional. They come from the blocks France's numbering plan
(ARCEP) reserves for fiction, 06 39 98 first. Only a spec that needs more distinct numbers
than those blocks hold (the 1M-ad benchmark) spills into mobile blocks that are possible
but unallocated (07 01 … 07 29: `phonenumbers` says possible, not valid); such files are
for benchmarks only and are never committed.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from adcensus import synth_ads, synth_people, synth_text
from adcensus.errors import OutputError, UsageError
from adcensus.synth_text import REGIONS

# ARCEP blocks reserved for fiction (national prefixes; each holds 10,000 numbers).
MOBILE_FICTIONAL_BLOCK = "063998"
DEFAULT_FICTIONAL_BLOCKS: tuple[str, ...] = (
    MOBILE_FICTIONAL_BLOCK, "019900", "026191", "035301", "046571", "053649",
)  # fmt: skip
# Possible but unallocated French mobile prefixes (10**6 numbers each): benchmark overflow.
UNALLOCATED_MOBILE_BLOCKS: tuple[str, ...] = tuple(f"07{k:02d}" for k in range(1, 30))

ADS_COLUMNS: tuple[str, ...] = (
    "Réf", "Site", "Lien", "Date de collecte", "Ville", "Téléphone", "Pseudo", "Âge",
    "Titre", "Texte de l'annonce",
)  # fmt: skip
TRUTH_COLUMNS: tuple[str, ...] = (
    "ad_id", "person_id", "network_id", "age", "origin", "presentation", "kind",
)  # fmt: skip


@dataclass(frozen=True)
class CensusSpec:
    """What to generate. The defaults mirror the 2018 Pas-de-Calais diagnostic.

    699 ads on 39 sites, September–December 2018, 273 persons (a 61 % doublon rate).
    Rates are shares in [0, 1]; see the module docstring for what each case looks like.
    """

    ads: int = 699
    persons: int = 273
    sites: int = 39
    start: date = date(2018, 9, 1)
    end: date = date(2018, 12, 31)
    region: str = "Pas-de-Calais"
    agency_share: float = 0.15
    phone_change_rate: float = 0.10
    touring_rate: float = 0.25
    common_name_share: float = 0.30
    obfuscation_rate: float = 0.10
    missing_rate: float = 0.08
    edit_rate: float = 0.50
    seed: int = 2018
    # Persons presented as trans, as a man, as a couple (the others as women); drawn from
    # a stream of their own, so the default 0 leaves the census as it was.
    trans_share: float = 0.0
    man_share: float = 0.0
    couple_share: float = 0.0

    def __post_init__(self) -> None:
        if self.persons < 1:
            raise UsageError(f"persons must be at least 1, got {self.persons}.")
        if self.ads < self.persons:
            raise UsageError(
                f"ads ({self.ads}) must be at least persons ({self.persons}): "
                "every person posts at least one ad."
            )
        if not 1 <= self.sites <= self.ads:
            raise UsageError(
                f"sites must be between 1 and ads ({self.ads}) so that every site is used, "
                f"got {self.sites}."
            )
        if self.end < self.start:
            raise UsageError(f"end ({self.end}) is before start ({self.start}).")
        if self.region not in REGIONS:
            raise UsageError(
                f"unknown region {self.region!r}; choose one of: {', '.join(REGIONS)}."
            )
        for name in (
            "agency_share", "phone_change_rate", "touring_rate", "common_name_share",
            "obfuscation_rate", "missing_rate", "edit_rate", "trans_share", "man_share",
            "couple_share",
        ):  # fmt: skip
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise UsageError(f"{name} must be a share between 0 and 1, got {value}.")
        if self.trans_share + self.man_share + self.couple_share > 1.0:
            raise UsageError("trans_share, man_share and couple_share add up to more than 1.")
        if self.seed < 0:
            raise UsageError(f"seed must be zero or positive, got {self.seed}.")


# A census with every hard case turned up at once: the hardest the quality benchmark
# (benchmarks/quality.py) reports, and one the tests hold to the quality bar.
EVERY_HARD_CASE = CensusSpec(
    seed=26,
    ads=3000,
    persons=900,
    agency_share=0.4,
    phone_change_rate=0.4,
    touring_rate=0.6,
    common_name_share=0.8,
    obfuscation_rate=0.4,
    missing_rate=0.3,
    edit_rate=0.9,
)


def fictional_blocks() -> tuple[str, ...]:
    """The fictional number blocks as national prefixes, the mobile 06 39 98 first.

    Taken from `adcensus.phones.FICTIONAL_BLOCKS` when that module declares them,
    else ARCEP's list as known here.
    """
    try:
        from adcensus.phones import FICTIONAL_BLOCKS as declared
    except ImportError:
        return DEFAULT_FICTIONAL_BLOCKS
    prefixes: list[str] = []
    for item in declared:
        prefix = _national_prefix(item)
        if prefix and prefix not in prefixes:
            prefixes.append(prefix)
    if MOBILE_FICTIONAL_BLOCK not in prefixes:
        return DEFAULT_FICTIONAL_BLOCKS
    return tuple(sorted(prefixes, key=lambda p: (p != MOBILE_FICTIONAL_BLOCK, p[:2] != "06")))


def _national_prefix(item: object) -> str | None:
    """ "06 39 98" or "+33 6 39 98" -> "063998"; None for anything else."""
    if not isinstance(item, str):
        return None
    digits = re.sub(r"\D", "", item)
    if item.strip().startswith("+33"):
        digits = "0" + digits[2:]
    return digits if digits.startswith("0") and 2 <= len(digits) <= 10 else None


def draw_phone_numbers(rng: np.random.Generator, count: int) -> list[str]:
    """Draw `count` distinct 10-digit national numbers, in random order.

    Every number of the fictional blocks is used before any unallocated one: the overflow
    into unallocated mobile blocks holds only what the fictional blocks cannot.
    """
    prefixes = (*fictional_blocks(), *UNALLOCATED_MOBILE_BLOCKS)
    capacity = np.array([10 ** (10 - len(p)) for p in prefixes], dtype=np.int64)
    cumulative = np.cumsum(capacity)
    if count > cumulative[-1]:
        raise UsageError(f"cannot draw {count} distinct fictional numbers; use fewer persons.")
    # Whole blocks first, in order; only the last block needed is sampled.
    last = int(np.searchsorted(cumulative, count))
    first_of = cumulative - capacity
    sampled = rng.choice(int(capacity[last]), size=count - int(first_of[last]), replace=False)
    picks = np.concatenate([np.arange(first_of[last]), first_of[last] + sampled])
    if last:
        picks = rng.permutation(picks)
    block = np.searchsorted(cumulative, picks, side="right")
    offset = picks - first_of[block]
    return [
        prefixes[b] + str(o).zfill(10 - len(prefixes[b]))
        for b, o in zip(block.tolist(), offset.tolist(), strict=True)
    ]


def site_names(count: int) -> list[str]:
    """Fictional site domains on the reserved .test and .example TLDs."""
    stems = (
        "annonces-exemple", "petites-annonces-demo", "rencontres-exemple", "annuaire-fictif",
        "agenda-demo", "salon-exemple", "vitrine-fictive",
    )  # fmt: skip
    tlds = ("test", "example")
    return [f"{stems[i % len(stems)]}-{i + 1:02d}.{tlds[i % 2]}" for i in range(count)]


def generate_census(spec: CensusSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate (ads, truth) for `spec`: ads with French headers, truth one row per ad.

    `ads` has the columns of ADS_COLUMNS, all text, missing cells as NA, in collection order
    (by date, then site). `truth` has ad_id, person_id and network_id (the agency, or the
    person's own id for an independent person), sorted by ad_id.
    """
    rng = np.random.default_rng(spec.seed)
    people = synth_people.draw_people(rng, spec)
    presentation = synth_people.draw_presentations(spec)
    people = synth_people.with_presentations(spec, people, presentation)
    drawn = synth_ads.draw_ads(rng, spec, people)
    numbers = draw_phone_numbers(rng, drawn.phone_count)
    columns = synth_ads.render_ads(rng, spec, people, drawn, numbers)

    day = drawn.day
    order = np.lexsort((rng.random(spec.ads), drawn.site, day))
    width = max(4, len(str(spec.ads)))
    ad_ids = [f"A{i:0{width}d}" for i in range(1, spec.ads + 1)]
    names = site_names(spec.sites)
    days = [(spec.start + timedelta(days=d)).strftime("%d/%m/%Y") for d in range(day.max() + 1)]
    url_numbers = rng.permutation(100_000 + np.cumsum(rng.integers(1, 40, spec.ads)))
    paths = ("annonce/{}", "ad/{}.html", "p/{}", "annonces/detail-{}")
    sites = drawn.site[order].tolist()
    # The text cells come in person order: build the frame so, then put it in collection order.
    ads = pd.DataFrame({k: _text(v) for k, v in columns.items()}).take(order)
    ads = ads.reset_index(drop=True)
    ads.insert(0, "Réf", _text(ad_ids))
    ads.insert(1, "Site", _text([names[s] for s in sites]))
    links = [
        f"https://{names[s]}/" + paths[s % len(paths)].format(n)
        for s, n in zip(sites, url_numbers.tolist(), strict=True)
    ]
    ads.insert(2, "Lien", _text(links))
    dates = [days[d] for d in day[order].tolist()]
    ads.insert(3, "Date de collecte", _text(dates))
    ads = ads[list(ADS_COLUMNS)]

    # Persons and agencies are numbered by their first ad in collection order.
    person_codes, _ = pd.factorize(drawn.person[order])
    person_width = max(4, len(str(spec.persons)))
    person_ids = np.array([f"P{c + 1:0{person_width}d}" for c in range(spec.persons)])
    network = person_ids[person_codes].astype(object)
    agency = people.agency[drawn.person[order]]
    in_agency = agency >= 0
    agency_codes, _ = pd.factorize(agency[in_agency])
    network[in_agency] = [f"N{k + 1:04d}" for k in agency_codes.tolist()]
    facts = _person_truth(people, drawn, presentation, columns)
    truth = pd.DataFrame(
        {
            "ad_id": ad_ids,
            "person_id": person_ids[person_codes],
            "network_id": network,
            **{name: values[drawn.person[order]] for name, values in facts.items()},
        },
        dtype="str",
    )
    return ads, truth


def _person_truth(
    people: synth_people.People,
    drawn: synth_ads.Ads,
    presentation: np.ndarray,
    columns: dict[str, list[str | None]],
) -> dict[str, np.ndarray]:
    """Per person, what the generator made her ads state: her usual age (ads drift by a
    year), her origin's label when one of her ads names it (else ""), her presentation,
    and her kind ("agency", "touring" for 2+ cities, both ";"-joined, or "independent")."""
    persons = len(people.counts)
    origin = np.full(persons, "", dtype=object)
    texts = zip(drawn.person.tolist(), columns["Titre"], columns["Texte de l'annonce"], strict=True)
    for p, title, text in texts:
        if origin[p]:
            continue
        said = f"{title or ''} {text or ''}".casefold()
        for word, label in _origin_words(people, p):
            if word in said:
                origin[p] = label
                break
    agency = people.agency >= 0
    touring = np.zeros(persons, dtype=bool)
    touring[drawn.tourers] = True
    kind = np.where(agency & touring, "agency;touring", np.where(agency, "agency", "independent"))
    kind = np.where(~agency & touring, "touring", kind).astype(object)
    return {
        "age": people.age.astype(str).astype(object),
        "origin": origin,
        "presentation": presentation,
        "kind": kind,
    }


def _origin_words(people: synth_people.People, person: int) -> list[tuple[str, str]]:
    """The origin words the person's sentences and title use, with their labels."""
    said = " ".join([*people.sentences[person], people.title[person]]).casefold()
    return [(w, label) for w, label in synth_text.ORIGIN_LABELS.items() if label and w in said]


def _text(values: list[str] | list[str | None]) -> pd.Series:
    """A text column (pandas' str dtype, None as missing), via Arrow: 5x faster at 1M rows."""
    return pd.Series(pa.array(values, type=pa.large_string()), dtype="str")


def write_census(spec: CensusSpec, out_dir: Path, *, force: bool = False) -> tuple[Path, Path]:
    """Generate the census and write `ads.csv` and `truth.csv` into `out_dir`.

    ads.csv is `;`-delimited UTF-8 with BOM and CRLF, as French Excel saves it; truth.csv
    is plain UTF-8 with commas. An existing non-empty `out_dir` is refused unless `force`.
    Each file is written to a temporary file beside it, then moved into place.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} exists and is not a directory; choose another output.")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise UsageError(f"{out_dir} is not empty; choose another directory or use --force.")
    ads, truth = generate_census(spec)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out_dir}: {exc.strerror or exc}.") from exc
    ads_path, truth_path = out_dir / "ads.csv", out_dir / "truth.csv"
    _write_atomic(
        ads_path,
        lambda f: ads.to_csv(f, sep=";", index=False, lineterminator="\r\n"),
        encoding="utf-8-sig",
    )
    _write_atomic(
        truth_path, lambda f: truth.to_csv(f, index=False, lineterminator="\n"), encoding="utf-8"
    )
    return ads_path, truth_path


def _write_atomic(path: Path, write: Callable[..., object], encoding: str) -> None:
    """Write through a temporary file in the same directory, then replace `path` at once."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            write(handle)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}.") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
