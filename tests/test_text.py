import re

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from adcensus import text


def test_fold_removes_case_accents_emoji_and_punctuation():
    folded = text.fold(pd.Series(["Léa ❤️ DISPO!!  ce soir", "ÇA  va", None]))
    assert folded.tolist() == ["lea dispo ce soir", "ca va", ""]


def test_fold_keeps_letters_of_other_scripts():
    assert text.fold(pd.Series(["Снежана"])).tolist() == ["снежана"]


def test_fold_name_keeps_digits_as_words_of_their_own():
    names = pd.Series(["Léa ❤️ 23", "LEA", "  ", "Maya62", "Teddy Bear 5"])
    assert text.fold_name(names).tolist() == ["lea 23", "lea", "", "maya 62", "teddy bear 5"]


def test_remove_urls_and_emails():
    cleaned = text.remove_urls(pd.Series(["voir https://site.test/a?b=1 ou www.x.fr ok", "a@b.fr"]))
    assert text.fold(cleaned).tolist() == ["voir ou ok", ""]


def test_boilerplate_is_what_many_posters_share():
    ads = pd.Series(
        [
            "Nouvelle à Arras. Annonce vérifiée par le site",
            "Coucou. Annonce vérifiée par le site",
            "Bonjour. Annonce vérifiée par le site",
            "Template agence. Hello",
            "Template agence. Salut",
        ]
    )
    sentences = text.split_sentences(ads)
    owners = pd.Series(["p1", "p2", "p3", "agency", "agency"])
    boilerplate = text.find_boilerplate(sentences, owners, min_owners=3)
    assert boilerplate == {"annonce verifiee par le site"}
    kept = text.comparison_text(sentences, len(ads), boilerplate)
    assert kept.tolist()[0] == "nouvelle a arras"
    assert kept.tolist()[3] == "template agence hello"


# ---- fast paths against their definitions ---------------------------------------------------


def _mask_words_as_before(folded: pd.Series, words: set[str]) -> pd.Series:
    """mask_words as it was (main at d60ed22): one regex over every row."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    pattern = rf"(?:^| )(?:{alternatives})(?: (?:{alternatives}))*(?:$| )"
    masked = folded.astype(text.ARROW_STR).str.replace(pattern, " ", regex=True)
    return masked.str.replace(" +", " ", regex=True).str.strip()


# Few distinct words (of several scripts, with digits), so that phrases often overlap.
_TOKENS = ["lea", "sur", "mer", "boulogne", "ζωη", "снежана", "25", "a1", "x"]
_FOLDED = st.lists(st.sampled_from(_TOKENS), max_size=8).map(" ".join)
_PHRASES = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=3).map(" ".join)


@given(
    sentences=st.lists(_FOLDED | st.none(), max_size=30),
    words=st.sets(_PHRASES, min_size=1, max_size=6),
)
@settings(max_examples=400, deadline=None)
def test_mask_words_word_by_word_is_the_regex(sentences: list[str | None], words: set[str]):
    array = pa.array(sentences, type=pa.large_string())
    assert text._mask_tokens(array, words).to_pylist() == text._mask_regex(array, words).to_pylist()
    folded = pd.Series(sentences, dtype=text.ARROW_STR)
    pd.testing.assert_series_equal(
        text.mask_words(folded, words), _mask_words_as_before(folded, words)
    )


@given(
    sentences=st.lists(st.text(alphabet=" \tlea-sur", max_size=12) | _FOLDED, max_size=20),
    words=st.sets(st.text(alphabet=" lea-", max_size=6) | _PHRASES, min_size=1, max_size=4),
)
@settings(max_examples=200, deadline=None)
def test_mask_words_on_text_not_folded_is_the_regex(sentences: list[str], words: set[str]):
    folded = pd.Series(sentences, dtype=text.ARROW_STR)
    pd.testing.assert_series_equal(
        text.mask_words(folded, words), _mask_words_as_before(folded, words)
    )


def test_mask_words_takes_the_longest_phrase_then_goes_on_after_it():
    words = {"boulogne", "boulogne sur mer", "sur mer x", "lea"}
    masked = text.mask_words(pd.Series(["a boulogne sur mer x lea", "lea", "b lea lea c"]), words)
    assert masked.tolist() == ["a x", "", "b c"]


@given(st.lists(st.sampled_from(["Léa", "LEA", "ÇA  va", "", "x!"]) | st.text(max_size=5)))
@settings(max_examples=200, deadline=None)
def test_fold_of_distinct_values_is_fold_of_each(values: list[str]):
    array = pa.array(values, type=pa.large_string())
    assert text.per_distinct(array, text._fold_arrow).equals(text._fold_arrow(array))
    assert text.per_distinct(array, text._fold_arrow, share=1.0).equals(text._fold_arrow(array))


@given(
    rows=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5)), min_size=1, max_size=40),
    weights=st.lists(st.sampled_from([0.5, 1.0, 1.0, 2.0]), min_size=6, max_size=6),
)
@settings(max_examples=300, deadline=None)
def test_rarest_sentence_of_sorted_rows_is_the_lexsort(
    rows: list[tuple[int, int]], weights: list[float]
):
    ads, codes = (np.array(c, dtype=np.int64) for c in zip(*sorted(rows), strict=True))
    weight = np.array(weights)
    fast = np.full(7, -1, dtype=np.int64)
    text._rarest_codes(ads, codes, weight, fast)
    order = np.lexsort((codes, -weight[codes], ads))
    first = np.flatnonzero(np.r_[True, ads[order][1:] != ads[order][:-1]])
    plain = np.full(7, -1, dtype=np.int64)
    plain[ads[order][first]] = codes[order][first]
    assert fast.tolist() == plain.tolist()


@given(st.lists(st.sampled_from(["Léa ❤️ 23", "LEA", "  ", "Marie-Claire", "a1b"]) | st.text()))
@settings(max_examples=200, deadline=None)
def test_fold_name_of_distinct_values_is_fold_with_digits_apart(values: list[str]):
    series = pd.Series(values * 3, dtype=text.ARROW_STR)
    before = text.fold(series).str.replace(r"(\p{N}+)", r" \1 ", regex=True)
    before = before.str.replace(r"[ \t\n\r\f\v]+", " ", regex=True).str.strip()
    pd.testing.assert_series_equal(text.fold_name(series), before)


def test_fold_place_reads_case_accents_hyphens_and_saint_alike() -> None:
    folded = text.fold_place(
        pd.Series(["CALAIS", " Calais", "Boulogne sur mer", "Boulogne-sur-Mer", "St-Omer", None])
    )
    assert folded.tolist() == [
        "calais", "calais", "boulogne sur mer", "boulogne sur mer", "saint omer", "",
    ]  # fmt: skip
    assert text.fold_place(pd.Series(["Ste Cécile", "Stella", "Steenvoorde"])).tolist() == [
        "sainte cecile", "stella", "steenvoorde",
    ]  # fmt: skip


def test_common_spelling_shows_the_most_frequent_not_shouted() -> None:
    cells = pd.Series(["LENS", "Lens", "Calais", "CALAIS", "CALAIS", "", None, "St Omer"])
    shown = text.common_spelling(cells, text.fold_place)
    assert shown.tolist() == ["Lens", "Lens", "CALAIS", "CALAIS", "CALAIS", None, None, "St Omer"]


@given(st.lists(st.text(alphabet="abcéèSTtEeOoMmRr -'’", max_size=24), max_size=8))
def test_fold_place_ignores_case_and_is_stable(values: list[str]) -> None:
    folded = text.fold_place(pd.Series(values, dtype="str"))
    assert text.fold_place(pd.Series([v.upper() for v in values], dtype="str")).tolist() == (
        folded.tolist()
    )
    assert text.fold_place(folded).tolist() == folded.tolist()
