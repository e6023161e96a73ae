"""The dedupe pipeline: read → normalize → block → compare → cluster → summarise.

`dedupe_table` is the whole job on an already-read table; `dedupe` reads files
first. Both return a `DedupeResult` that `write.write_outputs` turns into the
files of the output contract (ads.csv, persons.csv, pairs.csv, summary.json).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from adcensus import __version__
from adcensus import columns as col
from adcensus.link import candidate_pairs, cluster_persons, group_networks, score_pairs
from adcensus.link.cluster import stable_ids
from adcensus.normalize import prepare
from adcensus.progress import Progress, silent
from adcensus.read import AdTable, read_ads
from adcensus.settings import Settings
from adcensus.text import join_groups
from adcensus.write import prepare_out_dir, write_csvs, write_json

DECISIONS = ("link", "doubtful", "conflict", "agency", "confirmed", "rejected")


@dataclass(frozen=True)
class DedupeResult:
    """Everything a dedupe run produces, as tables a Python user can work with."""

    ads: pd.DataFrame
    persons: pd.DataFrame
    pairs: pd.DataFrame
    summary: dict[str, Any]


def dedupe(
    paths: Sequence[str | Path],
    settings: Settings | None = None,
    columns: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    stdin: BinaryIO | None = None,
    decisions: pd.DataFrame | None = None,
    workers: int | None = None,
) -> DedupeResult:
    """Read ad files and find the persons behind them (see `dedupe_table`)."""
    note = progress or silent
    note("read")
    table = read_ads(paths, columns, stdin=stdin)
    return dedupe_table(table, settings or Settings(), progress, decisions, workers)


def dedupe_table(
    table: AdTable,
    settings: Settings,
    progress: Progress | None = None,
    decisions: pd.DataFrame | None = None,
    workers: int | None = None,
) -> DedupeResult:
    """Link the ads of `table` into persons and networks; every input row is kept, in order.

    `decisions` (see adcensus.decisions: `ad_a`, `ad_b` as ad keys, `decision` "y"
    or "n") bind the clustering: reviewed pairs are always compared and written,
    "y" joins two ads, "n" keeps them apart. `workers` caps the processes that scan
    the ads (None: all cores; files under 40,000 ads use one). The result does not
    depend on it.
    """
    note = progress or silent
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
    scored = score_pairs(features, candidates, settings, prepared.style, note)
    del candidates  # at a million ads, 170 MB that nothing reads any more
    if len(reviewed):
        scored = _apply_reviews(scored, reviewed)
    note("cluster", 0, len(scored))
    labels, outcome = cluster_persons(features, scored, settings)
    networks = group_networks(features, labels, scored, settings)
    # The tables read only these; the similarities go (300 MB at a million ads).
    kept = ["a", "b", "score", "evidence", "agency_phone", "review"]
    scored = scored[[column for column in kept if column in scored]]
    keys = features["key"].astype(object).to_numpy()
    person_ids = stable_ids(labels, keys, "P")
    network_ids = stable_ids(networks, keys, "N")
    ranks = _key_ranks(features)
    ads = _ads_table(table, features, scored, outcome, person_ids, network_ids, ranks)
    persons = _persons_table(table, features, labels, person_ids, network_ids)
    pairs = _pairs_table(features, scored, outcome, labels, settings, ranks)
    summary = _summary(table, ads, persons, pairs, settings, features, len(prepared.boilerplate))
    if decisions is not None:
        summary["decisions"] = {"given": len(decisions), "applied": len(reviewed)}
    note("cluster", len(outcome), len(outcome))
    return DedupeResult(ads=ads, persons=persons, pairs=pairs, summary=summary)


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


def _key_ranks(features: pd.DataFrame) -> np.ndarray:
    """Each ad's rank in the order of the ad keys (content-derived, unique)."""
    keys = features["key"].astype(object).to_numpy()
    ranks = np.empty(len(keys), dtype=np.int64)
    ranks[np.argsort(keys, kind="stable")] = np.arange(len(keys))
    return ranks


def _ads_table(
    table: AdTable,
    features: pd.DataFrame,
    scored: pd.DataFrame,
    outcome: np.ndarray,
    person_ids: np.ndarray,
    network_ids: np.ndarray,
    ranks: np.ndarray,
) -> pd.DataFrame:
    n = len(features)
    reason = np.full(n, "alone", dtype=object)
    joined = np.flatnonzero((outcome == "joined") | (outcome == "same"))
    if len(joined):
        # Per ad, the evidence of its strongest link; ties go to the partner first in
        # key order, so that row order never matters.
        a, b = scored["a"].to_numpy()[joined], scored["b"].to_numpy()[joined]
        ads = np.concatenate([a, b])
        partners = np.concatenate([b, a])
        score = np.tile(scored["score"].to_numpy()[joined], 2)
        rows = np.tile(joined, 2)
        order = np.lexsort((ranks[partners], -score, ads))
        first = order[np.r_[True, ads[order][1:] != ads[order][:-1]]]
        reason[ads[first]] = scored["evidence"].to_numpy()[rows[first]]
    table_flags = table.flags.fillna("").astype(object).to_numpy()
    phone_flags = features["phone_flags"].astype(object).to_numpy()
    both = (table_flags != "") & (phone_flags != "")
    flags = table_flags + np.where(both, ";", "") + phone_flags
    out = table.frame.copy(deep=False)
    added = {
        col.PERSON_ID: person_ids,
        col.NETWORK_ID: network_ids,
        col.PHONES: [";".join(p) for p in features["phones"]],
        col.LINK_REASON: reason,
        col.AD_KEY: features["key"].to_numpy(),
        col.FLAGS: flags,
    }
    for name, values in added.items():
        # An input column with the same name is kept; ours gets a prefix.
        target = name if name not in table.frame.columns else f"adcensus_{name}"
        out[target] = values
    return out


def _distinct_joined(labels: np.ndarray, values: pd.Series, n_groups: int) -> np.ndarray:
    """Per label, its distinct non-empty values, sorted and `;`-joined."""
    frame = pd.DataFrame({"label": labels, "value": values.astype(object).to_numpy()})
    frame = frame[frame["value"].notna()]
    frame["value"] = frame["value"].astype(str).str.strip()
    frame = frame[frame["value"] != ""].drop_duplicates().sort_values(["label", "value"])
    return join_groups(frame["label"].to_numpy(), frame["value"].to_numpy(), n_groups, ";")


def _persons_table(
    table: AdTable,
    features: pd.DataFrame,
    labels: np.ndarray,
    person_ids: np.ndarray,
    network_ids: np.ndarray,
) -> pd.DataFrame:
    def original(role: str) -> pd.Series:
        header = table.roles.get(role)
        if header is None:
            return pd.Series([None] * len(features), dtype=object)
        return table.frame[header]

    n = int(labels.max()) + 1 if len(labels) else 0
    phones = features["phones"].explode()
    phone_labels = labels[phones.index.to_numpy()]
    dates = pd.Series(features["date"].to_numpy()).groupby(labels)
    first_ad = pd.Series(np.arange(len(labels))).groupby(labels).min().to_numpy()
    persons = pd.DataFrame(
        {
            "person_id": person_ids[first_ad],
            "network_id": network_ids[first_ad],
            "ads": np.bincount(labels, minlength=n),
            "sites": _distinct_joined(labels, original(col.SITE), n),
            "cities": _distinct_joined(labels, original(col.CITY), n),
            "first_seen": dates.min().dt.strftime("%Y-%m-%d").to_numpy(),
            "last_seen": dates.max().dt.strftime("%Y-%m-%d").to_numpy(),
            "names": _distinct_joined(labels, original(col.NAME), n),
            "phones": _distinct_joined(phone_labels, pd.Series(phones.to_numpy()), n),
        }
    )
    persons = persons.sort_values(["ads", "person_id"], ascending=[False, True], kind="stable")
    return persons[list(col.PERSONS_COLUMNS)].reset_index(drop=True).fillna("")


def _pairs_table(
    features: pd.DataFrame,
    scored: pd.DataFrame,
    outcome: np.ndarray,
    labels: np.ndarray,
    settings: Settings,
    ranks: np.ndarray,
) -> pd.DataFrame:
    score = scored["score"].to_numpy()
    thr, margin = settings.link_threshold, settings.doubtful_margin
    a, b = scored["a"].to_numpy(), scored["b"].to_numpy()
    same = labels[a] == labels[b]
    conflict = (score >= thr) & (outcome == "conflict") & ~same
    review = scored["review"].to_numpy() if "review" in scored else np.full(len(scored), "")
    code = np.select(
        [
            review == "y",
            review == "n",
            conflict,
            np.abs(score - thr) < margin,
            score >= thr,
            scored["agency_phone"].to_numpy(),
        ],
        [1, 2, 3, 4, 5, 6],
        0,
    )
    names = np.array(["", "confirmed", "rejected", "conflict", "doubtful", "link", "agency"])
    kept = np.flatnonzero(code)
    decision = names[code[kept]].astype(object)
    a, b = a[kept], b[kept]
    swap = ranks[a] > ranks[b]
    first, second = np.where(swap, b, a), np.where(swap, a, b)
    order = np.lexsort((ranks[second], ranks[first]))
    first, second, kept = first[order], second[order], kept[order]
    keys = features["key"].astype(object).to_numpy()
    return pd.DataFrame(
        {
            "ad_a": keys[first],
            "ad_b": keys[second],
            "score": np.round(score[kept], 4),
            "decision": decision,
            "evidence": scored["evidence"].to_numpy()[kept],
            "same_person": same[kept].astype(int),
        }
    )


def _phone_counts(features: pd.DataFrame) -> dict[str, int]:
    """Distinct phone numbers found, by status (valid, fictional, unallocated)."""
    phones = features["phones"].explode()
    statuses = features["phone_statuses"].explode()
    found = pd.DataFrame({"phone": phones.to_numpy(), "status": statuses.to_numpy()})
    found = found[found["phone"].notna()].drop_duplicates("phone", keep="last")
    by_status = found["status"].value_counts()
    counts = {"distinct": len(found), "valid": 0, "fictional": 0, "unallocated": 0}
    counts.update({str(k): int(v) for k, v in by_status.items()})
    return counts


def _summary(
    table: AdTable,
    ads: pd.DataFrame,
    persons: pd.DataFrame,
    pairs: pd.DataFrame,
    settings: Settings,
    features: pd.DataFrame,
    boilerplate: int,
) -> dict[str, Any]:
    n_ads, n_persons = len(ads), len(persons)
    site_header = table.roles.get(col.SITE)
    per_site: dict[str, int] = {}
    if site_header is not None:
        counts = table.frame[site_header].fillna("(none)").astype(str).value_counts()
        per_site = {
            str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        }
    decisions = pairs["decision"].value_counts()
    return {
        "ads": n_ads,
        "persons": n_persons,
        "doublon_rate": round(1 - n_persons / n_ads, 6) if n_ads else 0.0,
        "networks": int(persons["network_id"].nunique()),
        "persons_in_networks": int(
            persons.groupby("network_id")["person_id"].transform("size").gt(1).sum()
        ),
        "sites": len(per_site),
        "ads_per_site": per_site,
        "pairs": {d: int(decisions.get(d, 0)) for d in DECISIONS},
        "flagged_rows": int((table.flags.fillna("").astype(str) != "").sum()),
        "ads_without_phone": int(sum(1 for p in features["phones"] if not p)),
        "phones": _phone_counts(features),
        "boilerplate_sentences": boilerplate,
        "roles": dict(table.roles),
        "inputs": [{"path": i.path, "rows": i.rows, "sha256": i.sha256} for i in table.inputs],
        "settings": settings.to_dict(),
        "version": __version__,
    }


OUTPUT_FILES = ("ads.csv", "persons.csv", "pairs.csv", "summary.json")


def write_outputs(
    result: DedupeResult,
    out_dir: Path,
    force: bool = False,
    delimiter: str = ";",
    progress: Progress | None = None,
) -> list[Path]:
    """Write the four contract files into `out_dir`; return their paths."""
    note = progress or silent
    prepare_out_dir(out_dir, force)
    paths = [out_dir / name for name in OUTPUT_FILES]
    tables = (result.ads, result.persons, result.pairs)
    total, done = sum(len(table) for table in tables), 0
    note("write", 0, total)

    def written(table: pd.DataFrame) -> None:
        nonlocal done
        done += len(table)
        note("write", done, total)

    # One file after the other, as before, but the next file's rows are built while
    # one is flushed to disk.
    write_csvs(list(zip(tables, paths, strict=False)), delimiter, written)
    write_json(result.summary, paths[3])
    return paths
