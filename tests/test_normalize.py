"""The arrow paths of normalize against the plain pandas code they replaced."""

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from adcensus import normalize
from adcensus import text as textmod


def _infer_names_as_before(names: pd.Series, texts: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """infer_names as it was (main at d60ed22), on object strings."""
    names = names.astype(object)
    empty = (names.str.len() == 0).to_numpy()
    known = set(names[~empty & (names.str.len() >= 3).to_numpy()])
    inferred = np.zeros(len(names), dtype=bool)
    if not known or not empty.any():
        return names, inferred
    positions = np.flatnonzero(empty)
    folded = textmod.fold(texts.iloc[positions].reset_index(drop=True)).astype(object)
    words = folded.str.split().explode()
    words = words[words.isin(known)]
    distinct = pd.DataFrame({"row": words.index.to_numpy(), "word": words.to_numpy()})
    distinct = distinct.drop_duplicates()
    single = distinct[distinct.groupby("row")["row"].transform("size").to_numpy() == 1]
    rows = positions[single["row"].to_numpy(dtype=np.int64)]
    completed = names.copy()
    completed.iloc[rows] = single["word"].to_numpy()
    inferred[rows] = True
    return completed, inferred


_NAMES = st.sampled_from(["", "", "lea", "emma", "jo", "marie claire", "ζωη"])
_TEXTS = st.lists(
    st.sampled_from(["Léa", "EMMA", "jo", "Marie-Claire", "ζωή", "bisous", "!", "lea's"]),
    max_size=6,
).map(" ".join)


@given(rows=st.lists(st.tuples(_NAMES, _TEXTS | st.none()), min_size=1, max_size=25))
@settings(max_examples=300, deadline=None)
def test_infer_names_is_as_before(rows: list[tuple[str, str | None]]):
    names = pd.Series([r[0] for r in rows], dtype=textmod.ARROW_STR)
    texts = pd.Series([r[1] for r in rows], dtype=textmod.ARROW_STR)
    completed, inferred = normalize.infer_names(names, texts)
    completed_before, inferred_before = _infer_names_as_before(names, texts)
    assert completed.tolist() == completed_before.tolist()
    assert inferred.tolist() == inferred_before.tolist()


_SENTENCES = st.lists(st.sampled_from(["lea", "a", "paris", "vous", "attend", "2"]), max_size=5)


@given(
    sentences=st.lists(_SENTENCES.map(" ".join), max_size=30),
    words=st.sets(st.sampled_from(["lea", "paris", "vous attend", "a"]), max_size=3),
)
@settings(max_examples=300, deadline=None)
def test_masked_sentences_are_mask_words_then_factorize(sentences: list[str], words: set[str]):
    ads = np.arange(len(sentences), dtype=np.int64) // 2
    frame, coded = textmod.masked_sentences(ads, pa.array(sentences, pa.large_string()), words)
    plain = pd.DataFrame(
        {"ad": ads, "sentence": textmod.mask_words(pd.Series(sentences, dtype="str"), words)}
    )
    plain = plain[(plain["sentence"].str.len() > 0).to_numpy()].reset_index(drop=True)
    assert frame["ad"].tolist() == plain["ad"].tolist()
    assert frame["sentence"].tolist() == plain["sentence"].tolist()
    if plain.empty:
        assert coded is None
        return
    owners = pd.Series([f"o{i % 3}" for i in range(len(sentences))])
    codes, unique, per_sentence = textmod.owners_per_sentence(plain, owners)
    assert coded is not None
    assert coded[0].tolist() == codes.tolist() and coded[1].tolist() == unique.tolist()
    counted = textmod.count_owners(coded[0], len(coded[1]), frame["ad"], owners)
    assert counted.tolist() == per_sentence.tolist()


def test_owners_are_first_phone_else_name_else_the_ad():
    names = pa.array(["lea", "", "", "emma"], pa.large_string())
    owners = normalize.ad_owners(
        [("+33600000001", "+33600000002"), (), ("+33600000003",), ()], names
    )
    assert owners.tolist() == ["+33600000001", "#1", "+33600000003", "emma"]


def test_phone_flags_spell_the_statuses_other_than_valid():
    statuses = [(), ("valid",), ("fictional", "valid", "unallocated"), (), ("fictional",)]
    flags = normalize._phone_flags(statuses)
    assert flags.dtype == "str"
    assert list(flags) == ["", "", "fictional_phone;unallocated_phone", "", "fictional_phone"]
    assert list(normalize._phone_flags([])) == []


def test_a_decoration_in_a_text_is_no_pseudonym():
    names = pd.Series(["ines", "escort", ""], dtype="str")
    texts = pd.Series(["", "", "Elite escort Paris : decouvrez Ines, 26 ans"], dtype="str")
    completed, inferred = normalize.infer_names(names, texts, frozenset({"escort"}))
    assert completed.tolist()[2] == "ines" and inferred.tolist() == [False, False, True]
    # Without knowing "escort" decorates names, the text names two pseudonyms: none taken.
    assert not normalize.infer_names(names, texts)[1][2]
