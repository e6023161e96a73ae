import numpy as np

from adcensus.link.model import MISSING, Comparison, Level, distinct_patterns, estimate_u, fit

AGREE = Comparison("x", (Level("same", 0.8, 0.1, +1), Level("different", 0.2, 0.9, -1)))


def _census(n: int, share: float, m: list[float], u: list[float], seed: int = 1) -> np.ndarray:
    """Levels of three independent two-level fields for pairs drawn from a known model."""
    rng = np.random.default_rng(seed)
    match = rng.random(n) < share
    gamma = np.empty((n, 3), dtype=np.int8)
    for k in range(3):
        p_same = np.where(match, m[k], u[k])
        gamma[:, k] = np.where(rng.random(n) < p_same, 0, 1)
    return gamma


def test_em_recovers_the_model_that_made_the_pairs():
    gamma = _census(200_000, 0.3, [0.9, 0.8, 0.7], [0.05, 0.1, 0.2])
    random_pairs = _census(200_000, 0.0, [0.9, 0.8, 0.7], [0.05, 0.1, 0.2], seed=2)
    comparisons = (AGREE, AGREE, AGREE)
    model = fit(gamma, estimate_u(random_pairs, comparisons), comparisons, min_pairs=1000)
    assert model.trained and abs(model.match_share - 0.3) < 0.01
    for k, expected in enumerate([0.9, 0.8, 0.7]):
        assert abs(model.m[k][0] - expected) < 0.01
    for k, expected in enumerate([0.05, 0.1, 0.2]):
        assert abs(model.u[k][0] - expected) < 0.01


def test_too_few_pairs_fall_back_to_the_priors_and_say_so():
    gamma = np.array([[0, 0, MISSING]] * 20, dtype=np.int8)
    comparisons = (AGREE, AGREE, AGREE)
    model = fit(gamma, estimate_u(gamma, comparisons), comparisons, min_pairs=1000)
    assert not model.trained and "priors" in model.note and "20 candidate pairs" in model.note
    assert np.allclose(model.m[0], [0.8, 0.2]) and np.allclose(model.u[0], [0.1, 0.9])
    bits = model.bits()[0]
    assert np.isclose(bits[0], np.log2(8)) and np.isclose(bits[1], np.log2(0.2 / 0.9))


def test_an_agreement_never_weighs_against_a_link():
    # Strangers agree more often than one person does on this field: noise, bounded to 0.
    gamma = _census(50_000, 0.3, [0.5, 0.9, 0.9], [0.7, 0.05, 0.05])
    comparisons = (AGREE, AGREE, AGREE)
    model = fit(gamma, estimate_u(gamma[:5000], comparisons), comparisons, min_pairs=1000)
    assert model.bits()[0][0] >= 0.0 and model.bits()[0][1] <= 0.0


def test_patterns_packed_in_integers_are_numpys_unique_rows():
    rng = np.random.default_rng(0)
    gamma = rng.integers(-1, 5, size=(20_000, 7)).astype(np.int8)
    patterns, counts = distinct_patterns(gamma)
    expected, expected_counts = np.unique(gamma, axis=0, return_counts=True)
    assert (patterns == expected).all() and (counts == expected_counts).all()
