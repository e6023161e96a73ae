"""The fast paths of the cluster and tables stage against the plain pandas they replace."""

import hashlib

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from adcensus.link.cluster import (
    IdMaker,
    _safe_components,
    group_networks,
    smallest_keys,
    stable_ids,
)
from adcensus.link.comparisons import TEXT_SAME
from adcensus.link.flat import flat_phones, key_ranks
from adcensus.settings import Settings
from adcensus.tables import Linked, _distinct_joined, _strongest_links, pairs_table

WORDS = ["", " ", "lea", "léa ", " Léa", "zoé", "Zoe", "ßtraße", "日本", "a b", "\tx"]


def random_phones(rng: np.random.Generator, n: int) -> list[tuple[str, ...]]:
    numbers = [f"+3363998{k:04d}" for k in range(30)]
    return [tuple(rng.choice(numbers, size=rng.integers(0, 4))) for _ in range(n)]


@pytest.mark.parametrize("dense", [False, True])
def test_key_ranks_order_as_python_compares(dense):
    keys = np.array(["b", "a", "é", "e", "日本", "a", "Z", "a~2", ""], dtype=object)
    ranks = key_ranks(pd.Series(keys, dtype="str"), dense=dense)
    for i in range(len(keys)):
        for j in range(len(keys)):
            if keys[i] != keys[j]:
                assert (ranks[i] < ranks[j]) == (keys[i] < keys[j])
            elif dense:
                assert ranks[i] == ranks[j]
    if not dense:
        assert ranks.tolist() == np.argsort(np.argsort(keys, kind="stable")).tolist()


def test_strongest_links_match_a_lexsort():
    rng = np.random.default_rng(2)
    n, m = 50, 400
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    a[-20:], b[-20:] = a[:20], b[:20]  # some pairs given twice
    score = rng.choice([0.5, 0.7, 0.9, np.nan], size=m)
    ranks = rng.permutation(n)
    got = _strongest_links(n, a, b, score, ranks)
    ads, partners = np.concatenate([a, b]), np.concatenate([b, a])
    rows = np.tile(np.arange(m), 2)
    order = np.lexsort((ranks[partners], -np.tile(score, 2), ads))
    first = order[np.r_[True, ads[order][1:] != ads[order][:-1]]]
    expected = np.full(n, -1)
    expected[ads[first]] = rows[first]
    assert got.tolist() == expected.tolist()


def test_distinct_joined_matches_pandas():
    rng = np.random.default_rng(3)
    values = pd.Series(rng.choice([*WORDS, None], size=300), dtype="str")
    labels = rng.integers(0, 40, 300)
    codes, uniques = pd.factorize(values)
    got = _distinct_joined(labels, codes, uniques, 45).to_pylist()
    frame = pd.DataFrame({"label": labels, "value": values.astype(object).to_numpy()})
    frame = frame[frame["value"].notna()]
    frame["value"] = frame["value"].astype(str).str.strip()
    frame = frame[frame["value"] != ""].drop_duplicates().sort_values(["label", "value"])
    expected = frame.groupby("label")["value"].agg(";".join).reindex(range(45), fill_value="")
    assert got == expected.tolist()


def test_safe_components_match_pandas():
    rng = np.random.default_rng(4)
    n, settings = 120, Settings()
    a, b = rng.integers(0, n, 90), rng.integers(0, n, 90)
    names = pd.Series(rng.choice(["", "lea", "zoe", "ines"], size=n), dtype="str")
    phones = random_phones(rng, n)
    component, safe = _safe_components(n, a, b, names, flat_phones(phones), settings)
    frame = pd.DataFrame({"component": component, "name": names.where(names.str.len() > 0)})
    frame["phones"] = phones
    for _, group in frame.groupby("component"):
        held = {p for ps in group["phones"] for p in ps}
        bridge = len(held) > 1 and any(len(ps) == 0 for ps in group["phones"])
        expected = group["name"].nunique() <= 1 and len(held) <= settings.max_phones
        expected = expected and not bridge
        assert set(safe[group.index]) == {expected}


def test_ids_per_label_reuse_the_hashes_of_persons():
    keys = np.array(["k3", "k1", "k2", "k0", "k4"], dtype=object)
    persons, networks = np.array([0, 0, 1, 2, 1]), np.array([1, 1, 0, 0, 0])
    maker = IdMaker(keys, key_ranks(pd.Series(keys, dtype="str")))
    person_ids = maker.per_label(persons, "P")
    network_ids = maker.per_label(networks, "N")
    assert person_ids[persons].tolist() == stable_ids(persons, keys, "P").tolist()
    assert network_ids[networks].tolist() == stable_ids(networks, keys, "N").tolist()
    assert network_ids[0] == "N" + hashlib.sha256(b"k0").hexdigest()[:10]
    ranks = key_ranks(pd.Series(keys, dtype="str"))
    assert smallest_keys(np.array([0, 0, 3, 3, 0]), ranks).tolist() == [1, -1, -1, 3]


def old_pairs_table(features, scored, outcome, labels, settings, ranks):
    """The pairs table as it was built before Arrow (np.select, lexsort, Python strings),
    with its decisions reordered with their pairs (a bug of that version, see
    test_dedupe::test_pairs_do_not_change_when_rows_are_shuffled)."""
    score = scored["score"].to_numpy()
    thr, margin = settings.link_threshold, settings.doubtful_margin
    a, b = scored["a"].to_numpy(), scored["b"].to_numpy()
    same = labels[a] == labels[b]
    conflict = (score >= thr) & (outcome == "conflict") & ~same
    review = scored["review"].to_numpy() if "review" in scored else np.full(len(scored), "")
    conditions = [
        review == "y",
        review == "n",
        conflict,
        np.abs(score - thr) < margin,
        score >= thr,
        scored["agency_phone"].to_numpy(),
    ]
    code = np.select(conditions, [1, 2, 3, 4, 5, 6], 0)
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
            "decision": decision[order],
            "evidence": scored["evidence"].to_numpy()[kept],
            "same_person": same[kept].astype(int),
        }
    )


@pytest.mark.parametrize("reviewed", [False, True])
def test_pairs_table_matches_the_plain_one(reviewed):
    rng = np.random.default_rng(5)
    n, m, settings = 60, 500, Settings()
    keys = pd.Series([f"ad{k:03d}" for k in rng.permutation(n)], dtype="str")
    features = pd.DataFrame({"key": keys})
    pairs = {(min(x, y), max(x, y)) for x, y in rng.integers(0, n, (m, 2)) if x != y}
    a, b = np.array(sorted(pairs)).T
    scored = pd.DataFrame(
        {
            "a": a,
            "b": b,
            "score": rng.choice([0.1, settings.link_threshold, 0.8, 0.99, np.nan], size=len(a)),
            "evidence": pd.Series(rng.choice(["", "same phone; ", None], size=len(a)), dtype="str"),
            "agency_phone": rng.random(len(a)) < 0.2,
        }
    )
    if reviewed:
        scored["review"] = rng.choice(["", "", "y", "n"], size=len(a)).astype(object)
    outcome = rng.choice(["", "joined", "same", "conflict"], size=len(a)).astype(object)
    labels, ranks = rng.integers(0, 20, n), key_ranks(keys)
    linked = Linked(
        table=None, features=features, scored=scored, outcome=outcome, labels=labels,
        person_ids=None, networks=labels, network_ids=None, ranks=ranks, flat=None,
        settings=settings,
    )  # fmt: skip  # pairs_table reads only the fields given
    got = pairs_table(linked)
    expected = old_pairs_table(features, scored, outcome, labels, settings, ranks)
    pd.testing.assert_frame_equal(got, expected)


def test_networks_are_numbered_as_components_over_the_ads():
    rng = np.random.default_rng(6)
    n, m, settings = 200, 150, Settings()
    labels = np.unique(rng.integers(0, 90, n), return_inverse=True)[1]
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    scored = pd.DataFrame(
        {
            "a": a,
            "b": b,
            "shared_phone": pd.Series(rng.choice(["", "", "", "+33639980001"], m), dtype="str"),
            "text_sim": rng.choice([np.nan, 0.2, TEXT_SAME, 1.0], m).astype(np.float32),
        }
    )
    got = group_networks(pd.DataFrame({"key": np.arange(n)}), labels, scored, settings)
    # main's version: each ad also joined to the first ad of its person, components over ads
    joins = (scored["shared_phone"].to_numpy() != "") | (
        np.nan_to_num(scored["text_sim"].to_numpy(dtype=float)) >= TEXT_SAME
    )
    first = pd.Series(np.arange(n)).groupby(labels).transform("min").to_numpy()
    rows, cols = np.concatenate([a[joins], np.arange(n)]), np.concatenate([b[joins], first])
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    assert got.tolist() == connected_components(graph, directed=False)[1].tolist()
