import random
import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from adcensus.link import candidate_pairs, score_pairs
from adcensus.link.comparisons import agency_phones, name_level, name_levels, phone_table
from adcensus.link.evidence import explain
from adcensus.link.similarity import sorted_word_texts, sorted_words
from adcensus.settings import Settings

ASCII_SPACES = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"


def test_sorted_words_give_token_sort_ratio_on_ascii_text():
    rng = random.Random(3)
    alphabet = "abcde01" + ASCII_SPACES
    for _ in range(3000):
        x = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        y = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert fuzz.ratio(sorted_words(x), sorted_words(y)) == fuzz.token_sort_ratio(x, y)


def _features(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": [f"k{i}" for i in range(len(rows))],
            "phones": [tuple(r[0]) for r in rows],
            "name": [r[1] for r in rows],
            "age": [r[2] for r in rows],
            "text": [r[3] for r in rows],
            "photo": [r[4] for r in rows],
        }
    )


def test_scores_match_a_plain_pair_by_pair_comparison():
    # Repeated values (scored once per distinct pair), non-ASCII text (the slow
    # scorer), U+00A0 (a space to Python, not to rapidfuzz) and ads with several phones.
    p = [f"+3363998{k:04d}" for k in range(6)]
    rows = [
        ((p[0],), "lea", 24.0, "douce et discrete", "h1"),
        ((p[0],), "lea", 25.0, "discrete et douce", "h1"),
        ((p[1], p[0]), "léa", 25.0, "douce\xa0et discrète", ""),
        ((p[2], p[3], p[1]), "", np.nan, "", ""),
        ((p[3],), "nina", 30.0, "  nina   italienne  ", None),
        ((p[4], p[2]), None, 30.0, "italienne nina", "h2"),
        ((), "nina", 31.0, "nina\xa0italienne", "h2"),
        ((p[5], p[4], p[3], p[2]), "sofia", 22.0, "douce et discrete", "h1"),
    ]
    features = _features(rows)
    settings = Settings()
    n = len(rows)
    pairs = pd.DataFrame(
        [(a, b, "test") for a in range(n) for b in range(a + 1, n)], columns=["a", "b", "via"]
    )
    scored = score_pairs(features, pairs, settings).pairs
    for row in scored.itertuples():
        (phones_a, name_a, _, text_a, photo_a) = rows[row.a]
        (phones_b, name_b, _, text_b, photo_b) = rows[row.b]
        shared = [x for x in phones_a if x in phones_b]
        assert row.shared_phone == (shared[0] if shared else "")
        assert row.phone_disjoint == (not shared and bool(phones_a) and bool(phones_b))
        if name_a and name_b:
            assert row.name_sim == np.float32(np.float32(fuzz.ratio(name_a, name_b)) / 100.0)
        else:
            assert np.isnan(row.name_sim)
        if text_a and text_b:
            expected = np.float32(fuzz.token_sort_ratio(text_a, text_b)) / np.float32(100.0)
            assert row.text_sim == expected
        else:
            assert np.isnan(row.text_sim)
        assert row.photo_same == (bool(photo_a) and photo_a == photo_b)


def test_a_single_ad_and_no_pairs():
    features = _features([(("+33639980001",), "lea", 24.0, "douce", "")])
    settings = Settings()
    pairs = candidate_pairs(features, settings)
    assert len(pairs) == 0
    assert len(score_pairs(features, pairs, settings).pairs) == 0


def test_explain_of_a_frame_is_the_evidence_written_by_score_pairs():
    rows = [
        (("+33639980001",), "lea", 24.0, "douce et discrete", "h1"),
        (("+33639980001",), "lea", 25.0, "discrete et douce", "h1"),
        (("+33639980002",), "lea", 25.0, "douce et discrete", ""),
    ]
    features = _features(rows)
    pairs = pd.DataFrame({"a": [0, 0, 1], "b": [1, 2, 2], "via": "test"})
    scored = score_pairs(features, pairs, Settings()).pairs
    ages = features["age"].to_numpy()
    wanted = scored["evidence"].to_numpy() != ""
    expected = scored["evidence"].to_numpy()[wanted]
    lines = explain(
        scored[wanted].astype({"name_sim": float, "text_sim": float, "style_sim": float}),
        ages[scored["a"][wanted]],
        ages[scored["b"][wanted]],
    )
    # The written evidence is the same words, each field followed by the bits it added.
    without_bits = [re.sub(r" \([+-]\d+\.\d\)", "", line) for line in expected]
    assert list(lines) == without_bits
    assert lines[0].startswith("phone +33639980001; same photo; name 1.00")
    assert re.match(r"phone \+33639980001 \(\+\d+\.\d\); same photo \(\+\d+\.\d\)", expected[0])


def test_an_agency_phone_carries_pseudonyms_no_reader_takes_for_one():
    # Phone 0: "kim vip" and "kim" are one core's spellings; phone 1: two persons.
    positions = np.array([0, 1, 2, 3, 4])
    codes = np.array([0, 0, 1, 1, 1])
    cores = np.array(["kim", "kim vip", "tania", "lola", "lolla"], dtype=object)
    core_codes = np.array([0, 1, 2, 3, 4])
    assert list(agency_phones(positions, codes, 2, core_codes, cores)) == [False, True]
    # One name mismatch in a decorated spelling makes no agency.
    assert not agency_phones(positions[:2], codes[:2], 1, core_codes, cores)[0]


def test_phone_table_codes_are_sorted_like_python_strings():
    for phones in (["+2", "+10", "+1é", "+1"], ["+2", "+1\ud800", "+1"], ["+2", 7, "+1"]):
        features = pd.DataFrame({"phones": [tuple(phones[:2]), (phones[2],), (phones[3:])]})
        _, codes, uniques = phone_table(features)
        expected_codes, expected = pd.factorize(np.array(phones, dtype=object), sort=True)
        assert list(uniques) == list(expected) and list(codes) == list(expected_codes)


def test_sorted_word_texts_are_sorted_words_of_each_ascii_text():
    rng = random.Random(4)
    alphabet = "abcAB0 " * 3 + ASCII_SPACES
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20))) for _ in range(2000)]
    texts += ["b a", "a", "zz y  x", "é b a", "b\xa0a"]
    values = np.array(texts, dtype=object)
    ascii_text = np.array([t.isascii() for t in texts])
    expected = [sorted_words(t) if t.isascii() else t for t in texts]
    assert list(sorted_word_texts(values, ascii_text)) == expected
    none = np.array([], dtype=object)
    assert len(sorted_word_texts(none, np.array([], dtype=bool))) == 0
    only_unicode = np.array(["é b a"], dtype=object)
    assert list(sorted_word_texts(only_unicode, np.array([False]))) == ["é b a"]


def test_columns_of_missing_values_are_no_evidence():
    rows = [(("+33639980001",), "lea", 24.0, "douce", ""), (("+33639980001",), "lea", 25.0, "", "")]
    features = _features(rows).assign(photo=np.nan, text=np.nan)
    settings = Settings()
    scored = score_pairs(features, candidate_pairs(features, settings), settings).pairs
    assert len(scored) == 1 and not scored["photo_same"][0] and np.isnan(scored["text_sim"][0])
    assert re.match(r"phone \+33639980001 \(\+[\d.]+\); name 1\.00 \(\+", scored["evidence"][0])


def test_phones_that_are_no_strings_are_still_compared():
    rows = [((33639980001,), "lea", 24.0, "", ""), ((33639980001,), "lea", 25.0, "", "")]
    features = _features(rows)
    settings = Settings()
    scored = score_pairs(features, candidate_pairs(features, settings), settings).pairs
    assert scored["shared_phone"][0] == 33639980001
    assert re.match(r"phone 33639980001 \(\+[\d.]+\); name 1\.00 \(\+", scored["evidence"][0])


@given(
    st.lists(
        st.tuples(
            st.text(alphabet="lea mio12 ", min_size=1, max_size=12).filter(str.strip),
            st.text(alphabet="lea mio12 ", min_size=1, max_size=12).filter(str.strip),
        ),
        max_size=40,
    )
)
@settings(max_examples=300, deadline=None)
def test_name_levels_over_arrays_are_name_level_pair_by_pair(pairs):
    left = np.array([" ".join(x.split()) for x, _ in pairs], dtype=object)
    right = np.array([" ".join(y.split()) for _, y in pairs], dtype=object)
    expected = [name_level(x, y) for x, y in zip(left, right, strict=True)]
    assert name_levels(left, right).tolist() == expected
