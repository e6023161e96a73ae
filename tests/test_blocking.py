import numpy as np

from adcensus.link.blocking import _ad_hash_order, _group_order, pairs_within_groups


def test_group_order_is_the_lexsort_order_also_with_ties():
    rng = np.random.default_rng(6)
    for size in (2, 10, 300):
        ads = rng.integers(0, 50, size)
        groups = rng.integers(0, 5, size)
        for order in (rng.integers(0, 8, size), rng.permutation(size), ads * 2):
            sort = _group_order(ads, groups, order)
            expected = np.lexsort((ads, order, groups))
            assert (groups[sort] == groups[expected]).all()
            assert (ads[sort] == ads[expected]).all()
            assert (order[sort] == order[expected]).all()


def test_ad_hash_order_is_the_lexsort_order():
    rng = np.random.default_rng(7)
    ads = np.sort(rng.integers(0, 1000, 5000))
    hashes = rng.integers(0, 2**64, 5000, dtype=np.uint64)
    hashes[::7] = hashes[1::7][: len(hashes[::7])]  # repeats
    near = hashes.copy()
    near[1::2] = near[::2] ^ np.uint64(1)  # differ only in the lowest bit: the lexsort path
    for h in (hashes, near, hashes[:1]):
        a = ads[: len(h)]
        order = _ad_hash_order(a, h)
        expected = np.lexsort((h, a))
        assert (a[order] == a[expected]).all() and (h[order] == h[expected]).all()


def _plain_pairs_within_groups(ads, groups, order, window):
    """The pairs as first written: every offset compared over all rows."""
    sort = np.lexsort((ads, order, groups))
    g, a = groups[sort], ads[sort]
    found = [np.empty((0, 2), dtype=np.int64)]
    for offset in range(1, window + 1):
        same = g[offset:] == g[:-offset]
        left, right = a[:-offset][same], a[offset:][same]
        found.append(np.column_stack((np.minimum(left, right), np.maximum(left, right))))
    pairs = np.concatenate(found)
    return pairs[pairs[:, 0] != pairs[:, 1]]


def test_pairs_within_groups_are_those_of_the_plain_loop():
    rng = np.random.default_rng(8)
    for size, n_groups, window in ((2, 1, 1), (50, 3, 5), (3000, 40, 40), (3000, 2000, 3)):
        ads = rng.integers(0, size, size)
        groups = rng.integers(0, n_groups, size)
        order = rng.integers(0, size, size)
        got = pairs_within_groups(ads, groups, order, window)
        assert np.array_equal(got, _plain_pairs_within_groups(ads, groups, order, window))
