"""Blocking: the candidate pairs worth comparing, never all n² of them.

Ads are grouped by keys that a person's ads tend to share: a phone, a folded
pseudonym, min-hashed word shingles of text (boilerplate already removed), a photo hash.
Within a group every pair is a candidate; a group larger than the window (an
agency phone, a common pseudonym) is sorted and each ad is compared with its
`window` next neighbours only, so the number of pairs stays close to linear.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from adcensus.settings import Settings


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
    sort = np.lexsort((ads, order, groups))
    g, a = groups[sort], ads[sort]
    found = []
    for offset in range(1, window + 1):
        same = g[offset:] == g[:-offset]
        if not same.any():
            break
        left, right = a[:-offset][same], a[offset:][same]
        found.append(np.column_stack((np.minimum(left, right), np.maximum(left, right))))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    return pairs[pairs[:, 0] != pairs[:, 1]]


def _codes(values: pd.Series) -> np.ndarray:
    codes, _ = pd.factorize(values, sort=True)
    return codes.astype(np.int64)


def key_memberships(features: pd.DataFrame, settings: Settings) -> dict[str, pd.DataFrame]:
    """Per blocking key kind, a frame of (ad, key) memberships; empty keys dropped.

    A pseudonym seen with many phones (see `common_names`) makes a big group; the
    caller compares it within a small window, its ads sorted by style (their
    rarest sentence), so that one person's ads under a common name still meet.
    """
    n = len(features)
    positions = np.arange(n)
    phones = features["phones"].explode()
    phones = phones[phones.notna()]
    names = features["name"].astype(object)
    name_mask = names.str.len() >= 2
    photo = features["photo"].astype(object)
    photo_mask = photo.str.len() > 0
    return {
        "phone": pd.DataFrame({"ad": phones.index.to_numpy(), "key": phones.to_numpy()}),
        "name": pd.DataFrame({"ad": positions[name_mask], "key": names[name_mask].to_numpy()}),
        "text": _text_keys(features["text"], max_ads=settings.text_key_max_ads),
        "photo": pd.DataFrame({"ad": positions[photo_mask], "key": photo[photo_mask].to_numpy()}),
    }


def _text_keys(texts: pd.Series, max_ads: int, shingle: int = 3, keep: int = 6) -> pd.DataFrame:
    """Min-hash keys from text: the `keep` smallest hashes of each ad's word `shingle`-grams.

    Comparison text is already folded and stripped of boilerplate, so shared
    word runs are evidence. Two texts whose shingle sets overlap with Jaccard
    similarity J share each bottom hash with probability about J, so reposts
    with edits meet in a block while a text pays for only `keep` keys. Shingles
    found in more than `max_ads` ads are stock phrases, not keys.
    """
    tokens = texts.astype(object).str.split()
    exploded = tokens.explode()
    exploded = exploded[exploded.notna()]
    ads = exploded.index.to_numpy()
    words = pd.Series(exploded.to_numpy(), dtype=object)
    grams = words
    for step in range(1, shingle):
        nxt = words.shift(-step)
        same_ad = np.zeros(len(ads), dtype=bool)
        if len(ads) > step:
            same_ad[:-step] = ads[step:] == ads[:-step]
        grams = grams + " " + nxt.where(same_ad, "")
    grams = grams.str.strip()
    hashes = pd.util.hash_array(grams.to_numpy(dtype=object), categorize=True)
    frame = pd.DataFrame({"ad": ads, "hash": hashes}).drop_duplicates()
    frame = frame[frame.groupby("hash")["ad"].transform("size") <= max_ads]
    frame = frame.sort_values(["ad", "hash"], kind="stable")
    frame = frame[frame.groupby("ad").cumcount() < keep]
    return pd.DataFrame({"ad": frame["ad"].to_numpy(), "key": frame["hash"].to_numpy()})


KEY_KINDS = ("phone", "name", "text", "photo")


def candidate_pairs(features: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Candidate pairs (`a` < `b`, positions into features) and the key kinds behind them.

    `via` names the kinds of key the two ads share, `+`-joined (e.g. "phone+text").
    """
    n = len(features)
    order_rank = _codes(features["key"].astype(object))
    age = features["age"].fillna(-1).to_numpy()
    codes: list[np.ndarray] = []
    kinds: list[np.ndarray] = []
    style = features["style_key"].to_numpy() if "style_key" in features else np.zeros(n)
    for bit, (kind, members) in enumerate(key_memberships(features, settings).items()):
        if members.empty:
            continue
        ads = members["ad"].to_numpy(dtype=np.int64)
        groups = _codes(members["key"])
        window = settings.block_window
        order = order_rank[ads]
        if kind == "name":
            # Within a pseudonym, neighbours share a style, then an age.
            window = settings.name_window
            order = (style[ads] * 200 + age[ads] + 1) * (n + 1) + order_rank[ads]
        pairs = pairs_within_groups(ads, groups, order, window)
        codes.append(pairs[:, 0] * n + pairs[:, 1])
        kinds.append(np.full(len(pairs), 1 << bit, dtype=np.int64))
    code = np.concatenate(codes) if codes else np.empty(0, dtype=np.int64)
    if len(code) == 0:
        return pd.DataFrame({"a": np.empty(0, np.int64), "b": np.empty(0, np.int64), "via": []})
    kinds_of = np.concatenate(kinds)
    sort = np.argsort(code, kind="stable")
    code, kinds_of = code[sort], kinds_of[sort]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    unique, mask = code[starts], np.bitwise_or.reduceat(kinds_of, starts)
    names = np.array(
        [
            "+".join(k for b, k in enumerate(KEY_KINDS) if m >> b & 1)
            for m in range(1 << len(KEY_KINDS))
        ],
        dtype=object,
    )
    return pd.DataFrame({"a": unique // n, "b": unique % n, "via": names[mask]})
