"""The phones and key ranks that the linking stages share (adcensus.link.flat)."""

import numpy as np
import pandas as pd
import pyarrow as pa

from adcensus.link.cluster import cluster_persons
from adcensus.link.flat import exploded_phones, flat_phones
from adcensus.settings import Settings


def random_phones(rng: np.random.Generator, n: int) -> list[tuple[str, ...]]:
    numbers = [f"+3363998{k:04d}" for k in range(30)]
    return [tuple(rng.choice(numbers, size=rng.integers(0, 4))) for _ in range(n)]


def test_exploded_phones_are_those_of_explode():
    phones = [("+1", "+2"), (), ("+3", None, "+1"), ["+4"], ("+5",)]
    for column in (phones, [*phones[:4], np.nan]):
        features = pd.DataFrame({"phones": pd.Series(column, dtype=object)})
        exploded = features["phones"].explode()
        exploded = exploded[exploded.notna()]
        ads, found = exploded_phones(features)
        assert list(ads) == list(exploded.index) and list(found) == list(exploded)


def test_flat_phones_match_explode():
    phones = [*random_phones(np.random.default_rng(1), 200), ()]
    flat = flat_phones(phones)
    exploded = pd.Series(phones, dtype=object).explode().dropna()
    assert flat.ads.tolist() == exploded.index.tolist()
    assert flat.values.to_pylist() == exploded.tolist()
    assert flat.numbers.take(pa.array(flat.codes)).to_pylist() == exploded.tolist()
    assert flat.counts.tolist() == [len(p) for p in phones]
    empty = flat_phones([])
    assert len(empty.ads) == len(empty.codes) == len(empty.counts) == 0


def test_flat_phones_read_other_values_as_explode_does():
    # A caller's own features: a missing cell, a lone number, numbers that are not text.
    phones = [("+33639980001",), np.nan, ["+33639980001", 33639980002], "+33639980003", None]
    flat = flat_phones(phones)
    assert flat.counts.tolist() == [1, 0, 2, 1, 0]
    assert flat.values.to_pylist() == [
        "+33639980001",
        "+33639980001",
        "33639980002",
        "+33639980003",
    ]
    assert flat.codes.tolist() == [0, 0, 1, 2]


def test_flat_phones_of_tuples_of_one_length_holding_numbers():
    # Tuples of equal length must stay one value per ad on the way to the fallback.
    flat = flat_phones([("+33639980001", 33639980002), ("+33639980003", 33639980004)])
    assert flat.counts.tolist() == [2, 2]
    assert flat.values.to_pylist() == ["+33639980001", "33639980002", "+33639980003", "33639980004"]


def test_clustering_takes_a_missing_phones_cell():
    features = pd.DataFrame(
        {
            "key": ["a", "b", "c"],
            "phones": pd.Series([("+33639980001",), np.nan, ["+33639980001"]], dtype=object),
            "name": ["lea", "lea", "lea"],
            "age": [25.0, 25.0, 25.0],
            "text": ["", "", ""],
        }
    )
    scored = pd.DataFrame({"a": [0, 1], "b": [1, 2], "score": [9.0, 9.0]})
    labels, _ = cluster_persons(features, scored, Settings())
    assert len(set(labels)) == 1
