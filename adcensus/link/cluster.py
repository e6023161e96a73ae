"""Cluster scored pairs into persons, and persons into networks.

Persons: a reviewer's pairs first ("different persons" is never overridden), then
links strongest first (greedy constrained union). A link is refused when it would put
into one person two pseudonyms no reader would take for one (cores that are neither
spellings nor decorations of each other, see `comparisons.names_compatible`), more than
`max_phones` phone numbers, or two persons whose numbers differ joined through an ad
without a number. That is what stops a chain of plausible links (a shared agency phone,
a reused pseudonym) from gluing unrelated persons into one giant cluster. Ages are
not a rule here: a distant age weighs against a link when pairs are scored.

Networks: persons joined by a shared phone or a shared template text, found as
connected components (scipy) over those pairs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from adcensus.link.comparisons import NAME_DIFFERENT, TEXT_SAME, names_compatible
from adcensus.link.flat import FlatPhones, flat_phones, key_ranks
from adcensus.settings import Settings


@dataclass
class _Group:
    names: set[str]
    phones: set[str]


class _Persons:
    """Union–find whose roots remember the pseudonyms and phones of their ads."""

    def __init__(self, names: np.ndarray, phones: np.ndarray, settings: Settings) -> None:
        # A list, not an array: the greedy loop reads it one Python int at a time.
        self.parent = list(range(len(names)))
        self.names, self.phones = names, phones
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
            name, phones = self.names[root], set(self.phones[root])
            found = self._groups[root] = _Group({str(name)} if name else set(), phones)
        return found

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def _names_compatible(self, left: set[str], right: set[str]) -> bool:
        """True when either side is unnamed or some pseudonym core of one could be the
        other's (`names_compatible`).

        A person's pseudonyms are spellings and decorations of one name ("lea", "leah",
        "douce lea"), or names a reviewer confirmed as hers; a group sharing none of
        them is someone else.
        """
        if not left or not right:
            return True
        for x in left:
            for y in right:
                key = (x, y) if x < y else (y, x)
                ok = self._name_ok.get(key)
                if ok is None:
                    ok = names_compatible(x, y)
                    self._name_ok[key] = ok
                if ok:
                    return True
        return False

    def try_union(
        self,
        i: int,
        j: int,
        forced: bool = False,
        weighed: bool = False,
        numbered: bool = True,
    ) -> str:
        """Join the persons of ads i and j: "joined", "same", or "conflict" (refused).

        A `forced` union (a reviewer's "same person") skips the pseudonym check but
        never overrides a reviewer's "different persons". A `weighed` union is a link
        whose own two ads bear pseudonyms no reader takes for one and that scored
        above the threshold all the same (same number, same text, same photo...): the
        pseudonyms were weighed in its score, so they are not a rule against it. The
        rule stops chains, where two pseudonyms meet that no score compared.

        A link is `numbered` when both its ads carry a number. Two persons who each have
        numbers, none in common, are one person who changed numbers only if two of
        their numbered ads say so: an ad without a number that resembles both (a
        bridge) does not join them, as a careful reader would not.
        """
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return "same"
        gi, gj = self.group(ri), self.group(rj)
        max_phones = self.settings.max_phones
        if not forced and (
            # The union set is made only when the two counts alone could exceed the cap.
            (
                len(gi.phones) + len(gj.phones) > max_phones
                and len(gi.phones | gj.phones) > max_phones
            )
            or (not weighed and not self._names_compatible(gi.names, gj.names))
            or (not numbered and gi.phones and gj.phones and gi.phones.isdisjoint(gj.phones))
        ):
            return "conflict"
        if self.apart and self._kept_apart(ri, rj):
            return "conflict"
        if len(gi.names) < len(gj.names):
            ri, rj, gi, gj = rj, ri, gj, gi
        self.parent[rj] = ri
        gi.names |= gj.names
        gi.phones |= gj.phones
        if rj in self.apart:
            self.apart.setdefault(ri, []).extend(self.apart.pop(rj))
        return "joined"


def cluster_persons(
    features: pd.DataFrame,
    scored: pd.DataFrame,
    settings: Settings,
    flat: FlatPhones | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(person label per ad, outcome per scored pair: "joined"/"same"/"conflict"/"").

    Reviewed pairs come first when `scored` has a `review` column: "n" pairs are
    kept apart whatever else links them, "y" pairs are joined. Then pairs scoring
    at least `link_threshold` are applied, strongest first; ties are broken by
    the ads' content keys so that row order never matters.

    When no pair was reviewed, a group of linked ads that holds one pseudonym core at
    most, at most `max_phones` numbers, and no ad without a number when it holds two or
    more, can break no rule, so it becomes one person at once (connected components);
    the greedy union runs only over the other groups, with the same result as running it
    over all. Pseudonyms are read from `features["core"]` (`features["name"]` when there
    is no such column). `flat` is `flat_phones(features["phones"])` when the caller has
    it already.
    """
    n = len(features)
    name_column = features["core"] if "core" in features else features["name"]
    names = name_column.astype(object).to_numpy()
    phones = features["phones"].to_numpy(dtype=object)
    persons = _Persons(names, phones, settings)
    outcome = np.full(len(scored), "", dtype=object)
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
    flat = flat if flat is not None else flat_phones(phones)
    has_number = np.asarray(flat.counts) > 0
    if not reviewed:
        component, safe_ads = _safe_components(
            n, a_all[automatic], b_all[automatic], name_column, flat, settings
        )
        in_safe = automatic & safe_ads[a_all]
        outcome[in_safe] = "joined"
        automatic &= ~in_safe
    linked = np.flatnonzero(automatic)
    if len(linked):
        # Dense ranks order the pairs exactly as their keys would, without sorting objects.
        ranks = key_ranks(features["key"], dense=True)
        ka, kb = ranks[a_all[linked]], ranks[b_all[linked]]
        lo, hi = np.minimum(ka, kb), np.maximum(ka, kb)
        order = np.lexsort((hi, lo, -scored["score"].to_numpy()[linked]))
        positions = linked[order]
        weighed = (
            scored["name_level"].to_numpy()[positions] == NAME_DIFFERENT
            if "name_level" in scored
            else np.zeros(len(positions), dtype=bool)
        )
        numbered = has_number[a_all[positions]] & has_number[b_all[positions]]
        pairs = zip(
            positions.tolist(),
            a_all[positions].tolist(),
            b_all[positions].tolist(),
            weighed.tolist(),
            numbered.tolist(),
            strict=True,
        )
        for pos, i, j, names_weighed, both_numbered in pairs:
            outcome[pos] = persons.try_union(i, j, weighed=names_weighed, numbered=both_numbered)
    roots = component + n  # safe groups: their component, numbered apart from ad positions
    unsafe = np.flatnonzero(~safe_ads)
    roots[unsafe] = [persons.find(i) for i in unsafe.tolist()]
    _, labels = np.unique(roots, return_inverse=True)
    return labels.astype(np.int64), outcome


def _safe_components(
    n: int,
    a: np.ndarray,
    b: np.ndarray,
    names: pd.Series,
    flat: FlatPhones,
    settings: Settings,
) -> tuple[np.ndarray, np.ndarray]:
    """(component per ad over the links a–b, whether the ad's component breaks no rule)."""
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    count, component = connected_components(graph, directed=False)
    # Per component, the smallest and largest pseudonym code, missing ones skipped: an
    # unnamed component gets (big, -1), which breaks no rule.
    codes, _ = pd.factorize(names.where(names.str.len() > 0))
    named = codes >= 0
    name_min = np.full(count, np.iinfo(np.int64).max)
    name_max = np.full(count, -1, dtype=np.int64)
    np.minimum.at(name_min, component[named], codes[named])
    np.maximum.at(name_max, component[named], codes[named])
    # Distinct numbers per component: distinct (component, number) codes, counted.
    found = flat.codes >= 0
    width = max(len(flat.numbers), 1)
    held = np.sort(component[flat.ads[found]].astype(np.int64) * width + flat.codes[found])
    held = held[np.r_[True, held[1:] != held[:-1]]] if len(held) else held  # sort, not hash
    per_component = np.bincount(held // width, minlength=count)
    # Two numbers or more with an ad without a number: that ad may be a bridge between
    # them, which the greedy union checks.
    unnumbered = np.bincount(component[flat.counts == 0], minlength=count) > 0
    safe = (
        ~(name_min < name_max)
        & (per_component <= settings.max_phones)
        & ~((per_component > 1) & unnumbered)
    )
    return component.astype(np.int64), safe[component]


def group_networks(
    features: pd.DataFrame, labels: np.ndarray, scored: pd.DataFrame, settings: Settings
) -> np.ndarray:
    """Network label per ad: persons joined by a shared phone or a near-identical text."""
    n = len(features)
    text_sim = scored["text_sim"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        same_text = text_sim >= TEXT_SAME
    # Compared as a pandas column, in Arrow: .to_numpy() first would make 7M Python strings.
    joins = (scored["shared_phone"] != "").to_numpy(dtype=bool) | same_text
    # The graph is over persons, so that each person stays whole in one network.
    n_persons = int(labels.max()) + 1 if n else 0
    a, b = labels[scored["a"].to_numpy()[joins]], labels[scored["b"].to_numpy()[joins]]
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n_persons, n_persons))
    count, of_person = connected_components(graph, directed=False)
    network = of_person[labels]
    # Numbered in the order of each network's first ad: the numbering connected
    # components over the ads would give.
    first = np.full(count, n, dtype=np.int64)
    np.minimum.at(first, network, np.arange(n))
    number = np.empty(count, dtype=np.int64)
    number[np.argsort(first, kind="stable")] = np.arange(count)
    return number[network]


def smallest_keys(labels: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """Per label 0..max, the position of its ad with the smallest key (`ranks` from
    `key_ranks`); -1 for a label no ad has."""
    if len(labels) == 0:
        return np.empty(0, dtype=np.int64)
    n = len(ranks)
    by_rank = np.empty(n, dtype=np.int64)
    by_rank[ranks] = np.arange(n)
    smallest = np.full(int(labels.max()) + 1, n, dtype=np.int64)
    np.minimum.at(smallest, labels, ranks)
    return np.where(smallest < n, by_rank[np.minimum(smallest, n - 1)], -1)


class IdMaker:
    """Ids from content: prefix + hash of the smallest ad key in each group.

    The hashes are kept per ad: a network is made of whole persons, so its smallest
    key is one of its persons' and its id costs no second hash.
    """

    def __init__(self, keys: np.ndarray, ranks: np.ndarray) -> None:
        self.keys, self.ranks = keys, ranks
        self._digests = np.full(len(keys), None, dtype=object)

    def per_label(self, labels: np.ndarray, prefix: str) -> np.ndarray:
        """The id of each label 0..max (object array; None for a label no ad has)."""
        positions = smallest_keys(labels, self.ranks)
        present = positions[positions >= 0]
        todo = present[pd.isna(self._digests[present])]  # not hashed yet (None)
        sha = hashlib.sha256
        # Trailing NULs dropped, as `stable_ids`' fixed-width keys (astype(str)) drop them.
        self._digests[todo] = [
            sha(key.rstrip("\x00").encode("utf-8")).hexdigest()[:10]
            for key in self.keys[todo].tolist()
        ]
        ids = np.full(len(positions), None, dtype=object)
        ids[positions >= 0] = prefix + self._digests[present]
        return ids


def stable_ids(labels: np.ndarray, keys: np.ndarray, prefix: str) -> np.ndarray:
    """Ids from content, one per ad: see `IdMaker`."""
    if len(labels) == 0:
        return np.empty(0, dtype=object)
    keys = keys.astype(str).astype(object)
    ranks = key_ranks(pd.Series(keys, dtype="str"))
    return IdMaker(keys, ranks).per_label(labels, prefix)[labels]
