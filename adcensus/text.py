"""Text folding for comparison: Unicode, case, accents, symbols, urls, boilerplate.

All functions work on whole pandas columns at once (pyarrow string kernels), so a
million ads fold in seconds. Folding never changes the values written back to
ads.csv: it only builds the strings that are compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

ARROW_STR = pd.StringDtype("pyarrow")

# Spaces are spelled out ([ \t…]) rather than \s: pandas 3 runs a pattern with \s or \S
# through Python's re instead of pyarrow, and that is quadratic on a long cell without spaces.
_SPACE = r" \t\n\r\f\v"
URL_PATTERN = (
    rf"(?i)(?:https?://|www\.)[^{_SPACE}]+"
    rf"|\b[\w.-]+\.(?:com|fr|net|org|be|ch|eu|io|test|example)\b[^{_SPACE}]*"
)
EMAIL_PATTERN = rf"[^{_SPACE}@]+@[^{_SPACE}@]+\.[A-Za-z0-9_]+"
# Sentences end at . ! ? … or a line break; ads rarely punctuate more carefully.
SENTENCE_SPLIT = r"[.!?…\n\r]+"


def _series(array: pa.Array | pa.ChunkedArray, like: pd.Series) -> pd.Series:
    return pd.Series(array, dtype=ARROW_STR, index=like.index)


def per_distinct(
    array: pa.Array, func: Callable[[pa.Array], pa.Array], share: float = 0.5
) -> pa.Array:
    """`func` (element-wise) applied to each distinct string of `array` once, spread back.

    Names, cities, sites and sentences repeat a lot (a million ads hold a few
    hundred thousand distinct sentences): the regex passes run on the distinct
    values only. When more than `share` of the values are distinct, hashing them
    would cost more than it saves, and `func` runs on all of them.
    """
    if len(array) < 2:
        return func(array)
    encoded = pc.dictionary_encode(array)
    if len(encoded.dictionary) > share * len(array):
        return func(array)
    return pc.take(func(encoded.dictionary), encoded.indices)


def _fold_arrow(text: pa.Array) -> pa.Array:
    """`fold` of an arrow string array without missing values (see `fold`)."""
    text = pc.utf8_lower(pc.utf8_normalize(text, "NFKD"))
    text = pc.replace_substring(pc.replace_substring(text, "ß", "ss"), "ς", "σ")
    text = pc.replace_substring_regex(text, r"\p{M}+", "")
    text = pc.replace_substring_regex(text, r"[^\p{L}\p{N}]+", " ")
    return pc.utf8_trim(text, " ")


def fold(values: pd.Series) -> pd.Series:
    """Fold text for comparison: NFKD, case folded, no accents, letters and digits only.

    Emoji, symbols and punctuation become single spaces; runs of space collapse.
    Missing values become "". Letters of every script are kept (a Cyrillic or
    Arabic pseudonym folds to itself, lower-cased). Runs in pyarrow (RE2): case
    folding is lower-casing plus the two folds that matter in ads, ß → ss and ς → σ.
    """
    return _series(per_distinct(arrow_strings(values), _fold_arrow), values)


# Abbreviations of French place names, as whole folded words: "St-Omer" is Saint-Omer.
_PLACE_WORDS = (("st", "saint"), ("ste", "sainte"), ("sts", "saints"), ("stes", "saintes"))


def _fold_place_arrow(text: pa.Array) -> pa.Array:
    text = _fold_arrow(text)
    for short, whole in _PLACE_WORDS:
        # twice: a match eats the space after it, so "st st" needs a second pass
        for _ in range(2):
            text = pc.replace_substring_regex(text, rf"(^| ){short}( |$)", rf"\1{whole}\2")
    return text


def fold_place(values: pd.Series) -> pd.Series:
    """Fold place names for comparison: `fold`, and "St"/"Ste" read as "Saint"/"Sainte".

    "CALAIS", "Calais " and "calais" are one place; so are "Boulogne sur mer" and
    "Boulogne-sur-Mer" (hyphens and apostrophes are spaces), and "St Omer" and
    "Saint-Omer". The one folding of communes: the report, persons.csv and `tally`
    group by it. Missing values become "".
    """
    return _series(per_distinct(arrow_strings(values), _fold_place_arrow), values)


def common_spelling(
    values: pd.Series, folder: Callable[[pd.Series], pd.Series] = fold
) -> pd.Series:
    """Each value written as the most frequent spelling among those that `folder` folds alike.

    Values are stripped first. Ties go to a spelling not all in capitals ("Lens" rather
    than "LENS"), then to the first in sorted order. A value that folds to "" (blank,
    missing, punctuation only) becomes None. Returns an object Series aligned with `values`.
    """
    raw = values.astype("str").str.strip()
    counts = raw.value_counts(dropna=True)
    spellings = pd.DataFrame(
        {
            "raw": counts.index.astype(object),
            "n": counts.to_numpy(),
            "key": folder(pd.Series(counts.index, dtype=ARROW_STR)).astype(object).to_numpy(),
        }
    )
    spellings = spellings[spellings["key"] != ""]
    spellings["capitals"] = spellings["raw"].str.isupper()
    spellings = spellings.sort_values(
        ["key", "n", "capitals", "raw"], ascending=[True, False, True, True]
    )
    shown = spellings.drop_duplicates("key").set_index("key")["raw"]
    written = dict(zip(spellings["raw"], spellings["key"].map(shown), strict=True))
    out = raw.astype(object).map(written)
    return out.astype(object).where(out.notna(), None)


def remove_urls(values: pd.Series) -> pd.Series:
    """Remove urls, bare domains and e-mail addresses (they identify a site, not a person)."""
    text = pc.replace_substring_regex(arrow_strings(values), EMAIL_PATTERN, " ")
    return _series(pc.replace_substring_regex(text, URL_PATTERN, " "), values)


def fold_name(values: pd.Series) -> pd.Series:
    """Fold a pseudonym into words: "Léa ❤️ 23" → "lea 23", "Maya62" → "maya 62".

    Digits are kept as words of their own ("Teddy Bear 5" is not "Teddy Bear 3"); which
    words only decorate a name is learned later, from the census (`adcensus.pseudonyms`).
    "" when there is no letter or digit.
    """

    def fold_one(text: pa.Array) -> pa.Array:
        folded = pd.Series(_fold_arrow(text), dtype=ARROW_STR)
        folded = folded.str.replace(r"(\p{N}+)", r" \1 ", regex=True)
        return pa.array(folded.str.replace(rf"[{_SPACE}]+", " ", regex=True).str.strip())

    return _series(per_distinct(arrow_strings(values), fold_one), values)


def arrow_strings(values: pd.Series) -> pa.Array:
    """The values as one contiguous pyarrow string array ("" for missing)."""
    array = pa.array(values.astype(ARROW_STR).fillna(""))
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string())


def split_sentences(folded_source: pd.Series) -> pd.DataFrame:
    """One row per (ad, sentence): columns `ad` (position) and `sentence` (folded).

    Runs in pyarrow from end to end: no Python string is made per sentence.
    """
    parts = pc.split_pattern_regex(arrow_strings(folded_source), SENTENCE_SPLIT)
    ads = np.asarray(pc.list_parent_indices(parts), dtype=np.int64)
    sentences = fold(pd.Series(pc.list_flatten(parts), dtype=ARROW_STR))
    keep = (sentences.str.len() > 0).to_numpy()
    return pd.DataFrame({"ad": ads[keep], "sentence": sentences[keep].reset_index(drop=True)})


def masked_sentences(
    ads: np.ndarray, sentences: pa.Array, words: set[str]
) -> tuple[pd.DataFrame, tuple[np.ndarray, pd.Index] | None]:
    """`mask_words` on folded sentences (of ads `ads`), empty ones dropped, and their codes.

    Returns the frame of `split_sentences` and (code of each row, the distinct
    sentences sorted) as `owners_per_sentence` would give them, but without its
    last item (owners are not known yet): None when no sentence is left. Masking and
    sorting run on the distinct sentences, factorized once instead of per row.
    """
    encoded = pc.dictionary_encode(sentences)
    masked = mask_words(pd.Series(encoded.dictionary, dtype=ARROW_STR), words)
    distinct_codes, unique = pd.factorize(masked, sort=True)
    # "" sorts first: the sentences that masking emptied are code 0, and dropped.
    dropped = int(len(unique) > 0 and unique[0] == "")
    row_codes = distinct_codes[encoded.indices.to_numpy(zero_copy_only=False)]
    keep = row_codes >= dropped
    codes = row_codes[keep] - dropped
    unique = pd.Index(unique[dropped:])
    kept = pa.array(unique, type=pa.large_string()).take(pa.array(codes))
    frame = pd.DataFrame({"ad": np.asarray(ads)[keep], "sentence": _series(kept, pd.Series(codes))})
    return frame, ((codes, unique) if len(codes) else None)


def mask_words(folded: pd.Series, words: set[str]) -> pd.Series:
    """Remove whole folded words or phrases (pseudonyms, cities) from folded text.

    At each place, the longest phrase of `words` goes ("boulogne sur mer" before
    "boulogne"); what is left is joined by single spaces. Folded text and words
    (letters and digits in words joined by single spaces) are masked word by
    word; anything else goes through the regular expression that defines it.
    """
    if not words:
        return folded
    # Missing values stay missing, as they would through str.replace.
    array = pa.array(folded.astype(ARROW_STR))
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    folded_words = _is_folded(array) and _is_folded(words, whole=True)
    mask = _mask_tokens if folded_words else _mask_regex
    return _series(per_distinct(array, lambda text: mask(text, words)), folded)


_FOLDED_WORDS = r"^[\p{L}\p{N}]+(?: [\p{L}\p{N}]+)*$"


def _is_folded(text: pa.Array | set[str], whole: bool = False) -> bool:
    """Whether all of `text` is letters and digits in words joined by single spaces
    (what `fold` gives; `whole`: and no value is empty)."""
    array = pa.array(sorted(text), type=pa.large_string()) if isinstance(text, set) else text
    array = array.filter(pc.is_valid(array))
    if not whole:
        array = array.filter(pc.not_equal(array, ""))
    return bool(pc.all(pc.match_substring_regex(array, _FOLDED_WORDS)).as_py() is not False)


def _mask_regex(text: pa.Array, words: set[str]) -> pa.Array:
    """`mask_words` by regular expression (RE2, leftmost-first): its definition."""
    # Longest first, so that "boulogne sur mer" goes before "boulogne".
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    pattern = rf"(?:^| )(?:{alternatives})(?: (?:{alternatives}))*(?:$| )"
    masked = pd.Series(text, dtype=ARROW_STR).str.replace(pattern, " ", regex=True)
    return pa.array(masked.str.replace(" +", " ", regex=True).str.strip())


def _mask_tokens(text: pa.Array, words: set[str]) -> pa.Array:
    """`_mask_regex` on folded text and words, word by word, without a regular expression.

    The regex matches whole words only, and at a place where several phrases
    match, takes the longest; then goes on from the end of that phrase. So, from
    the left: where some phrase starts, the longest one is masked and skipped.
    An alternation of thousands of names costs RE2 far more than hash look-ups.
    """
    parts = pc.split_pattern(text, " ")
    tokens = pc.list_flatten(parts).cast(pa.large_string())
    # Words as integer codes: a phrase of k words is a k-gram of codes, looked up
    # with numpy rather than by joining and hashing strings.
    encoded = pc.dictionary_encode(tokens)
    vocabulary = {w: i for i, w in enumerate(encoded.dictionary.to_pylist())}
    token = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    rows = np.asarray(pc.list_parent_indices(parts), dtype=np.int64)
    lengths = pc.fill_null(pc.list_value_length(parts), 0).to_numpy().astype(np.int64)
    ends = np.cumsum(lengths)[rows]  # where each token's text ends, in tokens
    by_size: dict[int, list[list[int]]] = {}
    for word in words:
        coded = [vocabulary.get(w, -1) for w in word.split(" ")]
        if min(coded) >= 0:  # a phrase with a word no text uses matches nowhere
            by_size.setdefault(len(coded), []).append(coded)
    longest = np.zeros(len(token), dtype=np.int64)
    for size in sorted(by_size):
        phrases = np.array(by_size[size], dtype=np.int64)
        first = np.zeros(len(vocabulary), dtype=bool)
        first[phrases[:, 0]] = True
        starts = np.flatnonzero(first[token])
        starts = starts[starts + size <= ends[starts]]
        grams, keys = token[starts], phrases[:, 0]
        for i in range(1, size):
            # Renumber the (i)-grams densely before appending a word, so keys never overflow.
            dense, _ = pd.factorize(np.r_[grams, keys])
            grams = dense[: len(starts)] * len(vocabulary) + token[starts + i]
            keys = dense[len(starts) :] * len(vocabulary) + phrases[:, i]
        longest[starts[np.isin(grams, keys)]] = size
    chosen = np.flatnonzero(longest)
    stops = chosen + longest[chosen]
    # A phrase starting inside one masked just before is not a match. Runs of phrases
    # that overlap are rare: the leftmost-first walk through them is a Python loop.
    reach = np.maximum.accumulate(stops)
    alone = np.r_[True, chosen[1:] >= reach[:-1]] & np.r_[chosen[1:] >= stops[:-1], True]
    if not alone.all():
        picked, until = [], -1
        for start, stop in zip(chosen[~alone].tolist(), stops[~alone].tolist(), strict=True):
            if start >= until:
                picked.append(start)
                until = stop
        chosen = np.sort(np.r_[chosen[alone], np.asarray(picked, dtype=np.int64)])
        stops = chosen + longest[chosen]
    cover = np.bincount(chosen, minlength=len(tokens) + 1) - np.bincount(
        stops, minlength=len(tokens) + 1
    )
    keep = np.cumsum(cover[:-1]) == 0
    joined = join_lists(
        np.bincount(rows[keep], minlength=len(text)), tokens.filter(pa.array(keep)), " "
    )
    return pc.if_else(pc.is_valid(text), joined, pa.scalar(None, pa.large_string())).cast(text.type)


def owners_per_sentence(
    sentences: pd.DataFrame, owners: pd.Series
) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """(code of each sentence row, the distinct sentences sorted, distinct owners of each).

    Counted on integer codes: 6M (sentence, owner) rows at a million ads. Computed once
    per run and given to `find_boilerplate` and `style_vectors` as `counted`.
    """
    codes, unique = pd.factorize(sentences["sentence"], sort=True)
    return codes, pd.Index(unique), count_owners(codes, len(unique), sentences["ad"], owners)


def count_owners(codes: np.ndarray, n_codes: int, ads: Any, owners: pd.Series) -> np.ndarray:
    """Per sentence code (0..n_codes-1), the number of distinct owners of the ads using it."""
    owner_codes, owner_unique = pd.factorize(owners)
    per_row = owner_codes[np.asarray(ads)].astype(np.int64)
    # pd.unique hashes without sorting: at 3.5M pairs it is several times np.unique's speed.
    pairs = pd.unique(codes.astype(np.int64) * max(len(owner_unique), 1) + per_row)
    return np.bincount(pairs // max(len(owner_unique), 1), minlength=n_codes)


def find_boilerplate(
    sentences: pd.DataFrame,
    owners: pd.Series,
    min_owners: int,
    counted: tuple[np.ndarray, pd.Index, np.ndarray] | None = None,
) -> set[str]:
    """Sentences that appear under at least `min_owners` distinct owners.

    `sentences` comes from `split_sentences`; `owners` gives, per ad position, who
    posted it as far as we can tell before linking (its first phone, else its
    pseudonym, else the ad itself). A site's disclaimer or a stock phrase shared
    by many unrelated posters carries no evidence about who wrote the ad; a
    template shared by one agency's persons (one phone) is kept, because it is
    evidence of the agency.
    """
    if sentences.empty:
        return set()
    _, unique, per_sentence = counted or owners_per_sentence(sentences, owners)
    return set(unique[per_sentence >= min_owners])


def join_lists(counts: np.ndarray, items: pa.Array, sep: str) -> pa.Array:
    """`items` cut into consecutive lists of `counts` items, each joined by `sep` ("" for
    an empty list): a pyarrow list array joined in C, no Python loop over lists, which
    matters at a million ads."""
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    lists = pa.LargeListArray.from_arrays(pa.array(offsets), items)
    return pc.binary_join(lists, pa.scalar(sep, pa.large_string()))


def comparison_text(sentences: pd.DataFrame, n_ads: int, boilerplate: set[str]) -> pd.Series:
    """Per ad, its folded sentences minus boilerplate, joined by spaces ("" when none)."""
    kept = sentences[~sentences["sentence"].isin(boilerplate)]
    ads = kept["ad"].to_numpy()
    if len(ads) > 1 and (np.diff(ads) < 0).any():
        kept = kept.iloc[np.argsort(ads, kind="stable")]
        ads = kept["ad"].to_numpy()
    joined = join_lists(np.bincount(ads, minlength=n_ads), arrow_strings(kept["sentence"]), " ")
    return pd.Series(joined, dtype=ARROW_STR)


def style_vectors(
    sentences: pd.DataFrame,
    owners: pd.Series,
    n_ads: int,
    counted: tuple[np.ndarray, pd.Index, np.ndarray] | None = None,
) -> tuple[Any, np.ndarray]:
    """Per ad, an L2-normed TF-IDF vector over its sentences, and its rarest sentence's code.

    Unlike the comparison text, no sentence is dropped: a stock phrase weighs
    little (its inverse frequency counts distinct posters, not ads), but the
    set of stock phrases a person picks is itself a signature that survives a
    change of phone and city. The cosine of two rows is their style similarity.
    The rarest-sentence code (-1 when none) orders blocks so that neighbours
    share a style.
    """
    matrix = sparse.csr_matrix((n_ads, 1))
    rarest = np.full(n_ads, -1, dtype=np.int64)
    if sentences.empty:
        return matrix, rarest
    codes, unique, per_sentence = counted or owners_per_sentence(sentences, owners)
    weights = np.log(max(owners.nunique(), 1) / per_sentence) + 1.0
    ads = sentences["ad"].to_numpy()
    matrix = sparse.csr_matrix((weights[codes], (ads, codes)), shape=(n_ads, len(unique)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)
    _rarest_codes(ads, codes, weights, rarest)
    return matrix, rarest


def _rarest_codes(ads: np.ndarray, codes: np.ndarray, weights: np.ndarray, out: np.ndarray) -> None:
    """out[ad] = the code of the ad's heaviest sentence (the lowest code among equals).

    Sentence rows come sorted by ad from the scan: then the rows' ranks in that
    order, per code, are reduced per ad without sorting the rows.
    """
    if not len(ads):
        return
    if len(ads) > 1 and (np.diff(ads) < 0).any():
        order = np.lexsort((codes, -weights[codes], ads))
        first = np.flatnonzero(np.r_[True, ads[order][1:] != ads[order][:-1]])
        out[ads[order][first]] = codes[order][first]
        return
    by_rank = np.lexsort((np.arange(len(weights)), -weights))
    rank = np.empty(len(weights), dtype=np.int64)
    rank[by_rank] = np.arange(len(weights))
    first = np.flatnonzero(np.r_[True, ads[1:] != ads[:-1]])
    out[ads[first]] = by_rank[np.minimum.reduceat(rank[codes], first)]


def row_cosines(matrix: Any, a: np.ndarray, b: np.ndarray, chunk: int = 500_000) -> np.ndarray:
    """Cosine of rows a[i] and b[i] of an L2-normed sparse matrix, in chunks to bound memory."""
    out = np.zeros(len(a))
    for start in range(0, len(a), chunk):
        sl = slice(start, start + chunk)
        out[sl] = np.asarray(matrix[a[sl]].multiply(matrix[b[sl]]).sum(axis=1)).ravel()
    return np.clip(out, 0.0, 1.0)


def normalize_urls(urls: pa.ChunkedArray) -> pa.ChunkedArray:
    """Urls as fingerprints: scheme, #fragment and trailing / dropped, host lower-cased.

    "HTTPS://WWW.Site.test/annonce/12/#photos" → "www.site.test/annonce/12".
    """
    text = pc.replace_substring_regex(urls, r"#.*$", "")
    text = pc.replace_substring_regex(text, r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//", "")
    parts = pc.extract_regex(text, r"^(?P<host>[^/?]*)(?P<rest>.*)$")
    rest = pc.replace_substring_regex(pc.struct_field(parts, "rest"), r"/+(\?|$)", r"\1")
    host = pc.utf8_lower(pc.struct_field(parts, "host"))
    return pc.binary_join_element_wise(host, rest, pa.scalar("", pa.large_string()))
