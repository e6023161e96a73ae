"""Blocking: the candidate pairs worth comparing, never all n² of them.

Ads are grouped by keys that a person's ads tend to share: a phone, a pseudonym's
core, min-hashed word shingles of text (boilerplate already removed), a photo hash.
Within a group every pair is a candidate; a group larger than the window (an
agency phone, a common pseudonym) is sorted and each ad is compared with its
`window` next neighbours only, so the number of pairs stays close to linear.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from adcensus.link.flat import exploded_phones, index_labels, key_ranks
from adcensus.link.similarity import str_lengths
from adcensus.settings import Settings
from adcensus.text import arrow_strings


def pairs_within_groups(
    ads: np.ndarray, groups: np.ndarray, order: np.ndarray, window: int
) -> np.ndarray:
    """Pairs (a, b), a < b, of ads sharing a group, within `window` neighbours in `order`.

    `ads`, `groups` and `order` are aligned: one row per (ad, key) membership;
    `order` ranks ads inside a group (content-derived, so shuffling rows changes
    nothing). Groups of up to window + 1 ads yield all their pairs.
    """
    if len(ads) < 2:
        return np.empty((0, 2), dtype=np.int64)
    sort = _group_order(ads, groups, order)
    g, a = groups[sort], ads[sort]
    found = []
    # Rows whose group still holds the row `offset` further on; rows sorted by group, so
    # a row out of reach at one offset is out of reach at all larger ones.
    rows = np.arange(len(g))
    for offset in range(1, window + 1):
        rows = rows[: np.searchsorted(rows, len(g) - offset)]
        rows = rows[g[rows + offset] == g[rows]]
        if len(rows) == 0:
            break
        left, right = a[rows], a[rows + offset]
        found.append(np.column_stack((np.minimum(left, right), np.maximum(left, right))))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    return pairs[pairs[:, 0] != pairs[:, 1]]


def _group_order(ads: np.ndarray, groups: np.ndarray, order: np.ndarray) -> np.ndarray:
    """`np.lexsort((ads, order, groups))`, by one sort of a packed key where that is exact.

    The packed key (group, order) leaves out the ads: exact when no two rows of a group
    share an order but not an ad, which `candidate_pairs` ensures and this checks.
    """
    if groups.min() >= 0 and order.min() >= 0:
        span = int(order.max()) + 1
        if (int(groups.max()) + 1) * span < 2**63:
            key = groups.astype(np.int64) * span + order
            sort = np.argsort(key)
            key, sorted_ads = key[sort], ads[sort]
            if not ((key[1:] == key[:-1]) & (sorted_ads[1:] != sorted_ads[:-1])).any():
                return sort
    return np.lexsort((ads, order, groups))


def _codes(values: pd.Series, sort: bool = True) -> np.ndarray:
    codes, _ = pd.factorize(values, sort=sort)
    return codes.astype(np.int64)


def key_memberships(features: pd.DataFrame, settings: Settings) -> dict[str, pd.DataFrame]:
    """Per blocking key kind, a frame of (ad, key) memberships; empty keys dropped.

    A common pseudonym (its core) makes a big group; the caller compares it within a
    small window, its ads sorted by style (their rarest sentence), so that one
    person's ads under a common name still meet. Each `--compare` column is a key
    kind of its own.
    """
    n = len(features)
    positions = np.arange(n)
    phone_ads, phones = exploded_phones(features)
    # Keys are kept as stored (object phones, pyarrow names): only their equality matters.
    # Pseudonyms block on their cores: "douce lea dispo" meets "lea".
    names = features["core"] if "core" in features else features["name"]
    photos = features["photo"]
    name_mask = (str_lengths(names) >= 2).to_numpy(dtype=bool)
    photo_mask = (str_lengths(photos) > 0).to_numpy(dtype=bool)
    return {
        "phone": pd.DataFrame(
            {"ad": index_labels(features, phone_ads), "key": pd.Series(phones, dtype=object)}
        ),
        "name": pd.DataFrame({"ad": positions[name_mask], "key": names.array[name_mask]}),
        "text": _text_keys(features["text"], max_ads=settings.text_key_max_ads),
        "photo": pd.DataFrame({"ad": positions[photo_mask], "key": photos.array[photo_mask]}),
    } | {
        # A column the analyst asked to compare (`--compare`) is a key as well: its
        # records may share nothing else (no phone, a misspelt name).
        column: _present(features[column], positions)
        for column in features.columns
        if str(column).startswith("compare:")
    }


def _present(values: pd.Series, positions: np.ndarray) -> pd.DataFrame:
    mask = (str_lengths(values) > 0).to_numpy(dtype=bool)
    return pd.DataFrame({"ad": positions[mask], "key": values.array[mask]})


_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd constants of splitmix64
_AVALANCHE = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def _avalanche(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit flips about half the output bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * _AVALANCHE[0]
    x = x ^ (x >> np.uint64(27))
    x = x * _AVALANCHE[1]
    return x ^ (x >> np.uint64(31))


def _shingle_hashes(texts: pa.Array, first_ad: int, shingle: int) -> tuple[np.ndarray, np.ndarray]:
    """(ad, hash) of every word `shingle`-gram of `texts` (shorter at the end of a text).

    Words are hashed once per distinct word (pandas' content hash), grams by mixing the
    hashes of their words: no Python string is made per word or per gram.
    """
    lists = pc.split_pattern(texts, " ")
    words = pc.list_flatten(lists)
    ads = np.asarray(pc.list_parent_indices(lists), dtype=np.int64) + first_ad
    present = np.asarray(pc.greater(pc.binary_length(words), 0), dtype=bool)
    words, ads = words.filter(pa.array(present)), ads[present]
    encoded = pc.dictionary_encode(words)
    vocabulary = np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    word_hash = pd.util.hash_array(vocabulary, categorize=False)
    hashes = word_hash[np.asarray(encoded.indices, dtype=np.int64)]
    grams = hashes.copy()
    with np.errstate(over="ignore"):
        for step in range(1, shingle):
            same_ad = np.zeros(len(ads), dtype=bool)
            if len(ads) > step:
                same_ad[:-step] = ads[step:] == ads[:-step]
            following = np.zeros(len(ads), dtype=np.uint64)
            following[: -step or None] = hashes[step:]
            grams = np.where(same_ad, grams * _MIX + following, grams)
        grams = _avalanche(grams)
    return ads, grams


def _text_keys(
    texts: pd.Series, max_ads: int, shingle: int = 3, keep: int = 6, chunk: int = 200_000
) -> pd.DataFrame:
    """Min-hash keys from text: the `keep` smallest hashes of each ad's word `shingle`-grams.

    Comparison text is already folded and stripped of boilerplate, so shared
    word runs are evidence. Two texts whose shingle sets overlap with Jaccard
    similarity J share each bottom hash with probability about J, so reposts
    with edits meet in a block while a text pays for only `keep` keys. Shingles
    found in more than `max_ads` ads are stock phrases, not keys. Texts are hashed
    in chunks of ads and each ad keeps its 2 × `keep` smallest hashes as candidates,
    so memory stays bounded; a stock phrase with a small hash is among the candidates
    of every ad that has it, and so is counted and dropped.
    """
    array = arrow_strings(texts)
    found_ads: list[np.ndarray] = []
    found_hashes: list[np.ndarray] = []
    for start in range(0, len(array), chunk):
        ads, grams = _shingle_hashes(array[start : start + chunk], start, shingle)
        if len(ads) == 0:
            continue
        order = _ad_hash_order(ads - start, grams)
        ads, grams = ads[order], grams[order]
        fresh = np.r_[True, (ads[1:] != ads[:-1]) | (grams[1:] != grams[:-1])]
        ads, grams = ads[fresh], grams[fresh]
        rank = _rank_within(ads)
        found_ads.append(ads[rank < 2 * keep])
        found_hashes.append(grams[rank < 2 * keep])
    if not found_ads:
        return pd.DataFrame({"ad": np.empty(0, np.int64), "key": np.empty(0, np.uint64)})
    ads, grams = np.concatenate(found_ads), np.concatenate(found_hashes)
    inverse, _ = pd.factorize(grams)
    common = np.bincount(inverse)[inverse] > max_ads
    ads, grams = ads[~common], grams[~common]
    first = _rank_within(ads) < keep
    return pd.DataFrame({"ad": ads[first], "key": grams[first]})


def _ad_hash_order(ads: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """`np.lexsort((hashes, ads))` for non-negative `ads`, by one sort of a packed key.

    The key holds the ad in its high bits and the hash's high bits below: exact unless
    two different hashes of one ad agree on those bits (then lexsort is used).
    """
    if len(ads) == 0:
        return np.empty(0, dtype=np.int64)
    bits = max(int(ads.max()).bit_length(), 1)
    if bits >= 64:
        return np.lexsort((hashes, ads))
    key = ads.astype(np.uint64) << np.uint64(64 - bits) | hashes >> np.uint64(bits)
    order = np.argsort(key)
    key, sorted_hashes = key[order], hashes[order]
    if ((key[1:] == key[:-1]) & (sorted_hashes[1:] != sorted_hashes[:-1])).any():
        return np.lexsort((hashes, ads))
    return order


def _rank_within(sorted_groups: np.ndarray) -> np.ndarray:
    """0, 1, 2 … within each run of equal values of a sorted array."""
    if len(sorted_groups) == 0:
        return np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    lengths = np.diff(np.r_[starts, len(sorted_groups)])
    return np.arange(len(sorted_groups)) - np.repeat(starts, lengths)


def candidate_pairs(features: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Candidate pairs (`a` < `b`, positions into features) and the key kinds behind them.

    `via` names the kinds of key the two ads share, `+`-joined (e.g. "phone+text"): phone,
    name, text, photo, and each `--compare` column by its name.
    """
    n = len(features)
    ad_rank = key_ranks(features["key"])
    age = features["age"].fillna(-1).to_numpy()
    codes: list[np.ndarray] = []
    style = features["style_key"].to_numpy() if "style_key" in features else np.zeros(n)
    memberships = key_memberships(features, settings)
    kinds = [kind.removeprefix("compare:") for kind in memberships]
    for bit, (kind, members) in enumerate(memberships.items()):
        if members.empty:
            continue
        ads = members["ad"].to_numpy(dtype=np.int64)
        # Only equality of keys matters here, not their order: no sorting of strings.
        groups = _codes(members["key"], sort=False)
        window = settings.block_window
        order = ad_rank[ads]
        if kind == "name":
            # Within a pseudonym, neighbours share a style, then an age.
            window = settings.name_window
            # A rank, not a packed float: a packed key loses digits past 2**53 (~10M ads).
            order = np.empty(len(ads), dtype=np.int64)
            order[np.lexsort((ad_rank[ads], age[ads], style[ads]))] = np.arange(len(ads))
        pairs = pairs_within_groups(ads, groups, order, window)
        # Pair and kind packed in one integer, so that one plain sort groups each pair.
        codes.append((pairs[:, 0] * n + pairs[:, 1]) << len(kinds) | 1 << bit)
    code = np.sort(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64)
    if len(code) == 0:
        return pd.DataFrame({"a": np.empty(0, np.int64), "b": np.empty(0, np.int64), "via": []})
    kinds_of = code & ((1 << len(kinds)) - 1)
    code >>= len(kinds)
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    unique, mask = code[starts], np.bitwise_or.reduceat(kinds_of, starts)
    names = pa.array(
        ["+".join(k for b, k in enumerate(kinds) if m >> b & 1) for m in range(1 << len(kinds))]
    )
    # Taken in pyarrow, the storage of pandas' str dtype: no Python string per pair.
    via = pd.array(pc.take(names, pa.array(mask)), dtype="str")
    return pd.DataFrame({"a": unique // n, "b": unique % n, "via": via})
