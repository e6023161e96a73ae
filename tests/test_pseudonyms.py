import pandas as pd

from adcensus.pseudonyms import core_of, learn_decorations, name_cores


def _names(pairs: list[tuple[str, str]]) -> tuple[pd.Series, pd.Series]:
    return pd.Series([n for n, _ in pairs], dtype="str"), pd.Series([o for _, o in pairs])


def test_words_beside_many_self_standing_names_are_decorations():
    names, owners = _names(
        [
            ("lea", "p1"), ("douce lea dispo", "p1"), ("maya", "p2"), ("maya dispo", "p2"),
            ("kim", "p3"), ("kim vip", "p3"), ("douce kim", "p3"), ("lola", "p4"),
            ("lola vip", "p4"), ("douce lola", "p5"), ("vip tania", "p6"), ("tania", "p7"),
            ("lea dispo", "p8"), ("kim dispo", "p9"),
        ]
    )  # fmt: skip
    decorations = learn_decorations(names, owners, set())
    assert decorations == {"douce", "dispo", "vip"}
    assert core_of("douce lea dispo", decorations) == "lea"
    assert name_cores(names, decorations).tolist()[:4] == ["lea", "lea", "maya", "maya"]


def test_a_name_decorated_in_most_of_its_ads_stays_a_name():
    # "lea" stands beside decorations only: they are never whole pseudonyms themselves.
    pairs = [(f"{d} lea", f"p{k}") for k, d in enumerate(["douce", "vip", "new", "hot"])]
    names, owners = _names([*pairs, ("lea", "p9")])
    assert "lea" not in learn_decorations(names, owners, set())


def test_one_prolific_poster_cannot_make_her_words_look_like_decorations():
    # One poster writes "star" beside three names in many ads: counted once per poster.
    names, owners = _names(
        [("star lea", "p1")] * 20 + [("lea", "p2"), ("maya", "p3"), ("kim", "p4")]
    )
    assert learn_decorations(names, owners, set()) == frozenset()


def test_a_place_beside_a_name_is_a_decoration_and_digits_stay_words():
    names, owners = _names([("tania arras", "p1"), ("teddy bear 5", "p2")])
    decorations = learn_decorations(names, owners, {"arras"})
    assert core_of("tania arras", decorations) == "tania"
    assert core_of("teddy bear 5", decorations) == "teddy bear 5"
    # A pseudonym made of decorations only keeps its words.
    assert core_of("vip", frozenset({"vip"})) == "vip"


def test_stretched_letters_are_written_once_and_double_letters_kept():
    assert core_of("piaaaa", frozenset()) == "pia"
    assert core_of("leaaa new", frozenset({"new"})) == "lea"
    assert core_of("emma anna", frozenset()) == "emma anna"
    assert core_of("lea 100", frozenset()) == "lea 100"  # digits are no stretched letters
