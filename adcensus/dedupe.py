"""The dedupe pipeline: read → normalize → block → compare → cluster → summarise.

`dedupe_table` is the whole job on an already-read table; `dedupe` reads files
first. Both return an `adcensus.outputs.DedupeResult` (its tables built by
`adcensus.tables`) that `adcensus.outputs.write_outputs` turns into the files of the
output contract. `adcensus.run.run_dedupe` does all of it, as the command line does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from adcensus import columns as col
from adcensus.link import candidate_pairs, cluster_persons, group_networks, score_pairs
from adcensus.link.cluster import IdMaker
from adcensus.link.flat import flat_phones, key_ranks
from adcensus.normalize import prepare
from adcensus.outputs.contract import DedupeResult
from adcensus.profiles import (
    AdReadings,
    person_profiles,
    profiles_summary,
    read_ad_profiles,
    with_profiles,
)
from adcensus.progress import Progress, silent
from adcensus.quality import data_quality
from adcensus.read import AdTable, read_ads
from adcensus.setaside import SetAside, set_aside
from adcensus.settings import Settings
from adcensus.tables import (
    Linked,
    ads_table,
    pairs_table,
    persons_table,
    rejected_table,
    strings,
    summary_of,
    with_set_aside,
)

__all__ = ["DedupeResult", "dedupe", "dedupe_table"]


def dedupe(
    paths: Sequence[str | Path],
    settings: Settings | None = None,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    progress: Progress | None = None,
    stdin: BinaryIO | None = None,
    decisions: pd.DataFrame | None = None,
    workers: int | None = None,
    compare: Sequence[str] = (),
) -> DedupeResult:
    """Read ad files and find the persons behind them (see `dedupe_table`).

    `compare` adds columns to compare, as `--compare` does (`Settings.compare`).
    """
    note = progress or silent
    note("read")
    table = read_ads(paths, columns, stdin=stdin)
    settings = settings or Settings()
    if compare:
        settings = settings.with_overrides(compare=tuple(compare))
    return dedupe_table(table, settings, progress, decisions, workers)


def dedupe_table(
    table: AdTable,
    settings: Settings,
    progress: Progress | None = None,
    decisions: pd.DataFrame | None = None,
    workers: int | None = None,
    keep_all: bool = False,
) -> DedupeResult:
    """Link the ads of `table` into persons and networks; every input row is kept, in order.

    Rows that are not ads (empty in every role column, totals, notes: see
    adcensus.setaside) are set aside first: they are in `ads` without a person, in
    `rejected` with the reason, and counted in the summary's `rows_set_aside`, never in
    `ads` or `persons`. `keep_all` links every row (a store's ads were set apart when
    loaded). The summary's `data_quality` (adcensus.quality) says what was read, set
    aside, unreadable and unused, and what each phone column gave, with warnings.

    `decisions` (see adcensus.decisions: `ad_a`, `ad_b` as ad keys, `decision` "y"
    or "n") bind the clustering: reviewed pairs are always compared and written,
    "y" joins two ads, "n" keeps them apart. `workers` caps the processes that scan
    the ads (None: all cores; files under 40,000 ads use one). The result does not
    depend on it. `settings.compare` names more columns to compare (`--compare`), each
    with weights learned like the others.
    """
    note = progress or silent
    aside = SetAside(table, np.arange(len(table.frame)), np.full(len(table.frame), "", object))
    if not keep_all:
        aside = set_aside(table)
    read, table = table, aside.ads
    # What each ad states, read while this process is small (its workers are forked).
    readings = read_ad_profiles(table.frame, table.roles, settings.origins, workers)
    prepared = prepare(table, settings, note, workers)
    features = prepared.features
    n = len(features)
    note("block", 0, n)
    candidates = candidate_pairs(features, settings)
    note("block", n, n)
    reviewed = _reviewed_positions(features, decisions)
    if len(reviewed):
        candidates = _add_reviewed(candidates, reviewed)
    note("compare")
    result = score_pairs(features, candidates, settings, prepared.style, note)
    scored = result.pairs
    del candidates  # at a million ads, 170 MB that nothing reads any more
    if len(reviewed):
        scored = _apply_reviews(scored, reviewed)
    note("cluster", 0, len(scored))
    flat = flat_phones(features["phones"].to_numpy(dtype=object))
    labels, outcome = cluster_persons(features, scored, settings, flat)
    networks = group_networks(features, labels, scored, settings)
    # The tables read only these; the similarities go (300 MB at a million ads).
    kept = ["a", "b", "score", "evidence", "agency_phone", "review"]
    scored = scored[[column for column in kept if column in scored]]
    ranks = key_ranks(features["key"])
    ids = IdMaker(features["key"].astype(object).to_numpy(), ranks)
    # Per label; the per-ad columns are taken from these in Arrow.
    person_ids = strings(ids.per_label(labels, "P"))
    network_ids = strings(ids.per_label(networks, "N"))
    linked = Linked(
        table, features, scored, outcome, labels, person_ids, networks, network_ids, ranks, flat,
        settings,
    )  # fmt: skip
    ads = ads_table(linked)
    persons = persons_table(linked)
    profiles = _profiles(ads, features, table, settings, readings)
    persons = with_profiles(persons, profiles)
    ads = with_set_aside(ads, read, aside)
    pairs = pairs_table(linked)
    summary = summary_of(linked, persons, pairs, len(prepared.boilerplate), aside)
    summary["profiles"] = profiles_summary(profiles)
    summary["model"] = result.model.to_dict()
    summary["model"]["decorations"] = sorted(prepared.decorations)
    if not keep_all:  # a store's load says its own (adcensus.store.load)
        summary["data_quality"] = data_quality(
            [aside],
            settings.region,
            features,
            prepared.phone_columns,
            prepared.phones_in_text_only,
        )
    if decisions is not None:
        summary["decisions"] = {"given": len(decisions), "applied": len(reviewed)}
    note("cluster", len(outcome), len(outcome))
    rejected = rejected_table(read, aside)
    return DedupeResult(ads=ads, persons=persons, pairs=pairs, summary=summary, rejected=rejected)


def _profiles(
    ads: pd.DataFrame,
    features: pd.DataFrame,
    table: AdTable,
    settings: Settings,
    readings: AdReadings,
) -> pd.DataFrame:
    """Each person's profile (adcensus.profiles) from her ads' readings and dates."""
    date = "adcensus_profile_date"
    frame = ads.assign(**{date: features["date"].to_numpy()})
    roles = {**table.roles, col.DATE: date}
    return person_profiles(frame, roles, settings.origins, readings=readings)


def _reviewed_positions(features: pd.DataFrame, decisions: pd.DataFrame | None) -> pd.DataFrame:
    """Decisions whose two ads are both in this census, as positions (`a` < `b`)."""
    empty = pd.DataFrame({"a": [], "b": [], "review": []}).astype({"a": np.int64, "b": np.int64})
    if decisions is None or decisions.empty:
        return empty
    position = pd.Series(np.arange(len(features)), index=features["key"].astype(str).to_numpy())
    a = position.reindex(decisions["ad_a"].astype(str).to_numpy()).to_numpy()
    b = position.reindex(decisions["ad_b"].astype(str).to_numpy()).to_numpy()
    known = ~(np.isnan(a) | np.isnan(b)) & (a != b)
    lo, hi = np.minimum(a[known], b[known]), np.maximum(a[known], b[known])
    return pd.DataFrame(
        {
            "a": lo.astype(np.int64),
            "b": hi.astype(np.int64),
            "review": decisions["decision"].to_numpy()[known],
        }
    ).drop_duplicates(["a", "b"], keep="last")


def _add_reviewed(candidates: pd.DataFrame, reviewed: pd.DataFrame) -> pd.DataFrame:
    extra = reviewed[["a", "b"]].assign(via="review")
    merged = pd.concat([candidates, extra], ignore_index=True)
    merged = merged.drop_duplicates(["a", "b"], keep="first")
    return merged.sort_values(["a", "b"], kind="stable").reset_index(drop=True)


def _apply_reviews(scored: pd.DataFrame, reviewed: pd.DataFrame) -> pd.DataFrame:
    """A reviewer's answer overrides the score: 1 for "same person", 0 for "different"."""
    merged = scored.merge(reviewed, on=["a", "b"], how="left")
    review = merged["review"].fillna("").to_numpy(dtype=object)
    label = np.select(
        [review == "y", review == "n"], ["reviewed: same person; ", "reviewed: different; "], ""
    )
    return merged.assign(
        review=review,
        score=np.select([review == "y", review == "n"], [1.0, 0.0], merged["score"].to_numpy()),
        evidence=label + merged["evidence"].astype(object).to_numpy(),
    )
