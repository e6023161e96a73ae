"""Reconcile a fresh linking of every ad with the person ids a store has already given.

Each load re-links all ads (stored and new) with the same linking as `dedupe`, which
gives clusters without names. Reconciling names them, so that an id keeps its meaning:

1. Each known person has a *home*: the cluster that holds most of its stored ads
   (ties: the cluster holding its oldest ad).
2. A cluster that is the home of one known person takes that person's id. When it is
   the home of several, the one with most ads in it survives (ties: the oldest id) and
   the others are *merged* into it: they stop being used, and the merge is recorded.
3. A cluster that is nobody's home gets a fresh id, numbered after every id given
   before, in the order of the cluster's oldest ad.
4. A stored ad whose cluster is not its person's home is *split* off: it takes the
   id of its cluster (fresh or known) and the move is recorded. Its person keeps its id
   on its home cluster. An id is never given back to another group of ads.

The function is pure: arrays in, a `Reconciliation` out. Writing it is `store.load`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from adcensus import columns as col
from adcensus.store.schema import id_number, person_id

MERGE = "merge"
SPLIT = "split"


@dataclass(frozen=True)
class Reconciliation:
    """Store person ids for one linking, and every change to stored ads it implies.

    `person_ids`: one id per ad, aligned with the input arrays. `created`: the fresh ids,
    in numbering order. `merges`: survivor_id, absorbed_id, survivor_ads and absorbed_ads
    (stored ads of each before the load). `moves`: one row per stored ad that changes
    person: ad (position), from_person_id, to_person_id, kind ("merge" or "split").
    `splits`: moves of kind split counted per (person_id, to_person_id), with `ads` and
    `to_new_person`. `next_seq`: the number the next fresh id will take.
    """

    person_ids: np.ndarray
    created: tuple[str, ...]
    merges: pd.DataFrame
    moves: pd.DataFrame
    splits: pd.DataFrame
    next_seq: int


def reconcile(
    labels: np.ndarray, previous: np.ndarray, order: np.ndarray, next_seq: int
) -> Reconciliation:
    """Name the clusters `labels` with store ids (see the module docstring for the rules).

    `labels`: a cluster number per ad. `previous`: the store id of each stored ad, None
    for an ad new in this load. `order`: the age rank of each ad (smaller is older, all
    distinct). `next_seq`: the number of the next fresh id, above every id given so far.
    """
    labels = np.asarray(labels, dtype=np.int64)
    previous = np.asarray(previous, dtype=object)
    order = np.asarray(order, dtype=np.int64)
    ads = pd.DataFrame({"label": labels, "prev": previous, "order": order})
    known = ads[ads["prev"].notna()]
    prev_totals = known["prev"].value_counts()

    shares = (
        known.groupby(["prev", "label"], sort=False)["order"]
        .agg(["size", "min"])
        .rename(columns={"size": "ads", "min": "oldest"})
        .reset_index()
    )
    homes = shares.sort_values(["prev", "ads", "oldest"], ascending=[True, False, True])
    homes = homes.drop_duplicates("prev").copy()
    homes["seq"] = [id_number(p) for p in homes["prev"]]
    claims = homes.sort_values(["label", "ads", "seq"], ascending=[True, False, True])
    survivors = claims.drop_duplicates("label")
    absorbed = claims[claims.duplicated("label")]

    cluster_ids: dict[int, str] = dict(
        zip(survivors["label"].tolist(), survivors["prev"].tolist(), strict=True)
    )
    oldest = ads.groupby("label")["order"].min()
    unclaimed = oldest[~oldest.index.isin(survivors["label"])].sort_values(kind="stable")
    created = tuple(person_id(next_seq + k) for k in range(len(unclaimed)))
    cluster_ids.update(zip(unclaimed.index.tolist(), created, strict=True))
    person_ids = pd.Series(labels).map(cluster_ids).to_numpy(dtype=object)

    merges = pd.DataFrame(
        {
            "survivor_id": absorbed["label"].map(cluster_ids).to_numpy(dtype=object),
            "absorbed_id": absorbed["prev"].to_numpy(dtype=object),
        }
    )
    merges["survivor_ads"] = merges["survivor_id"].map(prev_totals).fillna(0).astype(int)
    merges["absorbed_ads"] = merges["absorbed_id"].map(prev_totals).fillna(0).astype(int)
    merges = merges.sort_values(["survivor_id", "absorbed_id"]).reset_index(drop=True)

    home_of = dict(zip(homes["prev"].tolist(), homes["label"].tolist(), strict=True))
    was_absorbed = set(absorbed["prev"].tolist())
    changed = np.flatnonzero(ads["prev"].notna().to_numpy() & (person_ids != previous))
    from_ids = previous[changed]
    at_home = np.array(
        [home_of[p] == label for p, label in zip(from_ids, labels[changed], strict=True)],
        dtype=bool,
    )
    merged_away = np.array([p in was_absorbed for p in from_ids], dtype=bool) & at_home
    moves = pd.DataFrame(
        {
            "ad": changed,
            "from_person_id": from_ids,
            "to_person_id": person_ids[changed],
            "kind": np.where(merged_away, MERGE, SPLIT),
        }
    )
    fresh = set(created)
    split_moves = moves[moves["kind"] == SPLIT]
    splits = (
        split_moves.groupby(["from_person_id", "to_person_id"])
        .size()
        .rename("ads")
        .reset_index()
        .rename(columns={"from_person_id": col.PERSON_ID})
    )
    splits["to_new_person"] = splits["to_person_id"].isin(fresh).astype(int)
    return Reconciliation(
        person_ids=person_ids,
        created=created,
        merges=merges,
        moves=moves,
        splits=splits,
        next_seq=next_seq + len(created),
    )
