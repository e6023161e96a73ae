"""Cluster scored pairs into persons, and persons into networks.

Persons: links are applied strongest first (greedy constrained union), and a
link is refused when it would put two clearly different pseudonyms, ages
further apart than `max_age_span`, or more than `max_phones` phone numbers into
one person. That is what stops a chain
of plausible links (a shared agency phone, a reused pseudonym) from gluing
unrelated persons into one giant cluster.

Networks: persons joined by a shared phone or a shared template text, found as
connected components (scipy) over those pairs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from adcensus.settings import Settings


@dataclass
class _Group:
    names: set[str]
    age_min: float
    age_max: float
    phones: set[str]
    reviewed: bool = False


def _nan_safe(pick: Callable[[float, float], float], x: float, y: float) -> float:
    """`pick(x, y)` ignoring a missing (NaN) side; NaN when both are missing."""
    if x != x:
        return y
    if y != y:
        return x
    return pick(x, y)


class _Persons:
    """Union–find whose roots remember the pseudonyms and age range of their ads."""

    def __init__(
        self, names: np.ndarray, ages: np.ndarray, phones: np.ndarray, settings: Settings
    ) -> None:
        self.parent = np.arange(len(names))
        self.names, self.ages, self.phones = names, ages, phones
        self._groups: dict[int, _Group] = {}  # made when an ad first takes part in a union
        self.settings = settings
        self._name_ok: dict[tuple[str, str], bool] = {}
        # Reviewed "different persons" pairs, filed under the root of each side.
        self.apart: dict[int, list[tuple[int, int]]] = {}

    def keep_apart(self, i: int, j: int) -> None:
        """Record that ads i and j must never end in one person (a reviewer said so)."""
        for root in (self.find(i), self.find(j)):
            self.apart.setdefault(root, []).append((i, j))

    def _kept_apart(self, ri: int, rj: int) -> bool:
        left, right = self.apart.get(ri, []), self.apart.get(rj, [])
        for x, y in left if len(left) <= len(right) else right:
            if {self.find(x), self.find(y)} == {ri, rj}:
                return True
        return False

    def group(self, root: int) -> _Group:
        found = self._groups.get(root)
        if found is None:
            name, age = self.names[root], float(self.ages[root])
            phones = set(self.phones[root])
            found = self._groups[root] = _Group({str(name)} if name else set(), age, age, phones)
        return found

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return int(root)

    def _names_compatible(self, left: set[str], right: set[str]) -> bool:
        """True when either side is unnamed or some pseudonym of one is close to one of the other.

        A person's pseudonyms are spellings of one name ("lea", "leah"), or names a
        reviewer confirmed as hers; a group sharing none of them is someone else.
        """
        if not left or not right:
            return True
        for x in left:
            for y in right:
                key = (x, y) if x < y else (y, x)
                ok = self._name_ok.get(key)
                if ok is None:
                    ok = fuzz.ratio(x, y) / 100.0 >= self.settings.name_different
                    self._name_ok[key] = ok
                if ok:
                    return True
        return False

    @staticmethod
    def _age_gap(gi: _Group, gj: _Group) -> float:
        """How far apart in age two groups are, as the span a merge would give them.

        A group a reviewer confirmed may hold ages further apart than one person's
        ads usually drift; there, only the distance between the two ranges counts.
        """
        if gi.age_min != gi.age_min or gj.age_min != gj.age_min:
            return 0.0
        if gi.reviewed or gj.reviewed:
            return max(0.0, max(gi.age_min, gj.age_min) - min(gi.age_max, gj.age_max))
        return max(gi.age_max, gj.age_max) - min(gi.age_min, gj.age_min)

    def try_union(self, i: int, j: int, forced: bool = False) -> str:
        """Join the persons of ads i and j: "joined", "same", or "conflict" (refused).

        A `forced` union (a reviewer's "same person") skips the pseudonym and age
        checks but never overrides a reviewer's "different persons".
        """
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return "same"
        gi, gj = self.group(ri), self.group(rj)
        lo = _nan_safe(min, gi.age_min, gj.age_min)
        hi = _nan_safe(max, gi.age_max, gj.age_max)
        if not forced and (
            self._age_gap(gi, gj) > self.settings.max_age_span
            or len(gi.phones | gj.phones) > self.settings.max_phones
            or not self._names_compatible(gi.names, gj.names)
        ):
            return "conflict"
        if self.apart and self._kept_apart(ri, rj):
            return "conflict"
        if len(gi.names) < len(gj.names):
            ri, rj, gi, gj = rj, ri, gj, gi
        self.parent[rj] = ri
        gi.names |= gj.names
        gi.phones |= gj.phones
        gi.age_min, gi.age_max = lo, hi
        gi.reviewed = gi.reviewed or gj.reviewed or forced
        if rj in self.apart:
            self.apart.setdefault(ri, []).extend(self.apart.pop(rj))
        return "joined"


def cluster_persons(
    features: pd.DataFrame, scored: pd.DataFrame, settings: Settings
) -> tuple[np.ndarray, np.ndarray]:
    """(person label per ad, outcome per scored pair: "joined"/"same"/"conflict"/"").

    Reviewed pairs come first when `scored` has a `review` column: "n" pairs are
    kept apart whatever else links them, "y" pairs are joined. Then pairs scoring
    at least `link_threshold` are applied, strongest first; ties are broken by
    the ads' content keys so that row order never matters.

    A group of linked ads that holds one pseudonym at most, ages within
    `max_age_span` and at most `max_phones` phones can break no rule, so it becomes one person at once (connected
    components); the greedy union runs only over the other groups, with the same
    result as running it over all.
    """
    n = len(features)
    names = features["name"].astype(object).to_numpy()
    ages = features["age"].to_numpy(dtype=float)
    phones = features["phones"].to_numpy(dtype=object)
    persons = _Persons(names, ages, phones, settings)
    outcome = np.full(len(scored), "", dtype=object)
    keys = features["key"].astype(object).to_numpy()
    review = scored["review"].to_numpy() if "review" in scored else np.full(len(scored), "")
    a_all, b_all = scored["a"].to_numpy(), scored["b"].to_numpy()
    for pos in np.flatnonzero(review == "n"):
        persons.keep_apart(int(a_all[pos]), int(b_all[pos]))
    for pos in np.flatnonzero(review == "y"):
        outcome[pos] = persons.try_union(int(a_all[pos]), int(b_all[pos]), forced=True)
    automatic = (scored["score"].to_numpy() >= settings.link_threshold) & (review == "")
    reviewed = bool((review != "").any())
    safe_ads = np.zeros(n, dtype=bool)
    component = np.arange(n)
    if not reviewed:
        component, safe_ads = _safe_components(
            n, a_all[automatic], b_all[automatic], names, ages, phones, settings
        )
        in_safe = automatic & safe_ads[a_all]
        outcome[in_safe] = "joined"
        automatic &= ~in_safe
    linked = np.flatnonzero(automatic)
    if len(linked):
        ka, kb = keys[a_all[linked]], keys[b_all[linked]]
        lo = np.where(ka < kb, ka, kb)
        hi = np.where(ka < kb, kb, ka)
        order = np.lexsort((hi, lo, -scored["score"].to_numpy()[linked]))
        positions = linked[order]
        for pos, i, j in zip(positions, a_all[positions], b_all[positions], strict=True):
            outcome[pos] = persons.try_union(int(i), int(j))
    roots = component + n  # safe groups: their component, numbered apart from ad positions
    for i in np.flatnonzero(~safe_ads):
        roots[i] = persons.find(int(i))
    _, labels = np.unique(roots, return_inverse=True)
    return labels.astype(np.int64), outcome


def _safe_components(
    n: int,
    a: np.ndarray,
    b: np.ndarray,
    names: np.ndarray,
    ages: np.ndarray,
    phones: np.ndarray,
    settings: Settings,
) -> tuple[np.ndarray, np.ndarray]:
    """(component per ad over the links a–b, whether the ad's component breaks no rule)."""
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    codes, _ = pd.factorize(pd.Series(names).where(pd.Series(names).str.len() > 0))
    frame = pd.DataFrame(
        {"component": component, "name": np.where(codes >= 0, codes, np.nan), "age": ages}
    )
    stats = frame.groupby("component").agg(
        name_min=("name", "min"),
        name_max=("name", "max"),
        age_min=("age", "min"),
        age_max=("age", "max"),
    )
    one_name = ~(stats["name_min"] < stats["name_max"])
    ages_ok = ~(stats["age_max"] - stats["age_min"] > settings.max_age_span)
    held = pd.Series(phones, dtype=object).explode()
    held = pd.DataFrame({"component": component[held.index.to_numpy()], "phone": held.to_numpy()})
    per_component = held.dropna().drop_duplicates().groupby("component").size()
    phones_ok = per_component.reindex(stats.index, fill_value=0) <= settings.max_phones
    safe = (one_name & ages_ok & phones_ok).to_numpy()
    return component.astype(np.int64), safe[component]


def group_networks(
    features: pd.DataFrame, labels: np.ndarray, scored: pd.DataFrame, settings: Settings
) -> np.ndarray:
    """Network label per ad: persons joined by a shared phone or a near-identical text."""
    n = len(features)
    joins = (scored["shared_phone"].to_numpy() != "") | (
        np.nan_to_num(scored["text_sim"].to_numpy(dtype=float)) >= settings.text_same
    )
    rows = [scored["a"].to_numpy()[joins]]
    cols = [scored["b"].to_numpy()[joins]]
    # Each ad is joined to the first ad of its person, so persons stay whole.
    first = pd.Series(np.arange(n)).groupby(labels).transform("min").to_numpy()
    rows.append(np.arange(n))
    cols.append(first)
    r, c = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))
    _, network = connected_components(graph, directed=False)
    return network.astype(np.int64)


def stable_ids(labels: np.ndarray, keys: np.ndarray, prefix: str) -> np.ndarray:
    """Ids from content: prefix + hash of the smallest ad key in each group."""
    if len(labels) == 0:
        return np.empty(0, dtype=object)
    frame = pd.DataFrame({"label": labels, "key": keys.astype(str)})
    smallest = frame.groupby("label")["key"].min()
    ids = np.empty(int(labels.max()) + 1, dtype=object)
    ids[smallest.index.to_numpy()] = [
        prefix + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
        for key in smallest.to_numpy(dtype=object)
    ]
    return ids[labels]
