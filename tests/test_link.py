import re

import numpy as np
import pandas as pd

from adcensus.link import candidate_pairs, cluster_persons, group_networks, score_pairs
from adcensus.link.blocking import pairs_within_groups
from adcensus.link.cluster import stable_ids
from adcensus.settings import Settings

AGENCY = "+33639980001"
TEMPLATE = "agence elite hotes charmantes rendez vous discret en hotel centre ville"


def ad(key, phones=(), name="", age=np.nan, text="", city="arras"):
    return {
        "key": key, "phones": tuple(phones), "phone_statuses": ("fictional",) * len(phones), "phone_flags": "", "name": name, "age": age,
        "city": city, "date": pd.Timestamp("2018-10-01"), "site": "s", "text": text, "photo": "",
    }  # fmt: skip


def persons_of(features, settings=None):
    settings = settings or Settings()
    scored = score_pairs(features, candidate_pairs(features, settings), settings).pairs
    labels, _ = cluster_persons(features, scored, settings)
    networks = group_networks(features, labels, scored, settings)
    keys = features["key"].to_numpy()
    return (
        {frozenset(keys[labels == label]) for label in np.unique(labels)},
        {frozenset(keys[networks == n]) for n in np.unique(networks)},
        scored,
    )


CENSUS = pd.DataFrame(
    [
        # One person reposting with the same phone, different wording.
        ad("a1", ["+33639981001"], "lea", 24, "nouvelle sur arras douce et discrete"),
        ad("a2", ["+33639981001"], "lea", 25, "douce et discrete nouvelle a calais", "calais"),
        # The same person after a phone change: same pseudonym, same text.
        ad("a3", ["+33639981002"], "lea", 25, "douce et discrete nouvelle a calais", "calais"),
        # An agency: one booking phone, a shared template, different persons.
        ad("g1", [AGENCY], "sofia", 22, TEMPLATE + " sofia bresilienne"),
        ad("g2", [AGENCY], "nina", 30, TEMPLATE + " nina italienne"),
        ad("g3", [AGENCY], "sofia", 22, TEMPLATE + " sofia bresilienne 22 ans"),
        # Strangers sharing a very common pseudonym, each with her own phone.
        ad("s1", ["+33639981010"], "jessica", 21, "premiere fois dans la region appelle moi"),
        ad("s2", ["+33639981011"], "jessica", 34, "femme mure experimentee pour messieurs"),
        ad("s3", ["+33639981012"], "jessica", 27, "etudiante souriante week end seulement"),
    ]
)


def test_persons_and_networks_on_a_small_census():
    persons, networks, _ = persons_of(CENSUS)
    assert persons == {
        frozenset({"a1", "a2", "a3"}),
        frozenset({"g1", "g3"}),
        frozenset({"g2"}),
        frozenset({"s1"}),
        frozenset({"s2"}),
        frozenset({"s3"}),
    }
    assert frozenset({"g1", "g2", "g3"}) in networks
    assert frozenset({"s1"}) in networks


def test_every_pair_keeps_its_evidence():
    _, _, scored = persons_of(CENSUS)
    keys = CENSUS["key"].to_numpy()
    row = scored[(keys[scored["a"]] == "a1") & (keys[scored["b"]] == "a2")].iloc[0]
    assert re.match(
        r"phone \+33639981001 \(\+[\d.]+\); name 1\.00 \(\+[\d.]+\); text ", row["evidence"]
    )
    agency = scored[(keys[scored["a"]] == "g1") & (keys[scored["b"]] == "g2")].iloc[0]
    assert "agency phone" in agency["evidence"]
    assert agency["score"] < 0.5


def test_row_order_does_not_change_persons():
    shuffled = CENSUS.sample(frac=1, random_state=7).reset_index(drop=True)
    assert persons_of(shuffled)[0] == persons_of(CENSUS)[0]


def test_a_different_pseudonym_is_never_merged_through_a_chain():
    # x1–x2 share a phone, x2–x3 share a phone, but x1 and x3 are named differently:
    # a chain of links must not glue "sofia" and "nina" into one person.
    features = pd.DataFrame(
        [
            ad("x1", ["+33639981101"], "sofia", 22),
            ad("x2", ["+33639981101", "+33639981102"], "", 22),
            ad("x3", ["+33639981102"], "nina", 22),
        ]
    )
    persons, _, _ = persons_of(features)
    assert frozenset({"x1", "x2", "x3"}) not in persons
    assert len(persons) == 2


def test_ages_far_apart_weigh_against_a_link_but_forbid_none():
    # A shared phone alone, in two cities, with ages 25 years apart: two persons.
    apart = pd.DataFrame(
        [ad("y1", ["+33639981201"], "", 20), ad("y2", ["+33639981201"], "", 45, city="lens")]
    )
    assert len(persons_of(apart)[0]) == 2
    # A typo in the age (23 written 32) does not split a person whose phone, pseudonym
    # and text agree.
    text = "nouvelle sur arras douce et discrete appelle moi"
    typo = pd.DataFrame(
        [ad("t1", ["+33639981202"], "lea", 23, text), ad("t2", ["+33639981202"], "lea", 32, text)]
    )
    assert len(persons_of(typo)[0]) == 1


def test_big_groups_are_compared_within_a_window_only():
    n = 500
    ads = np.arange(n)
    pairs = pairs_within_groups(ads, np.zeros(n, dtype=np.int64), ads, window=5)
    assert len(pairs) == sum(min(5, n - 1 - i) for i in range(n))
    small = pairs_within_groups(np.arange(4), np.zeros(4, dtype=np.int64), np.arange(4), 5)
    assert len(small) == 6


def test_stable_ids_come_from_content():
    ids = stable_ids(np.array([0, 0, 1]), np.array(["b", "a", "c"]), "P")
    assert ids[0] == ids[1] != ids[2]
    assert ids[0] == stable_ids(np.array([5]), np.array(["a"]), "P")[0]


def test_ads_that_share_nothing_are_each_alone():
    features = pd.DataFrame(
        [ad("z1", ["+33639981301"], "ana", 20, "un"), ad("z2", [], "", np.nan, ""), ad("z3")]
    )
    persons, networks, scored = persons_of(features)
    assert len(scored) == 0
    assert persons == networks == {frozenset({"z1"}), frozenset({"z2"}), frozenset({"z3"})}


def test_no_person_is_given_more_than_max_phones_numbers():
    # Eight ads under one pseudonym and the same text, each with its own number: a chain
    # of "same name, same text" links, which must stop at max_phones numbers.
    text = "douce et discrete nouvelle en ville appelle moi vite bisous"
    ads = [ad(f"j{k}", [f"+3363998200{k}"], "julie", 25, text) for k in range(8)]
    settings = Settings(max_phones=3)
    persons, _, _ = persons_of(pd.DataFrame(ads), settings)
    assert max(len(p) for p in persons) <= 3
    assert sum(len(p) for p in persons) == 8
    together, _, _ = persons_of(pd.DataFrame(ads), Settings(max_phones=8))
    assert len(together) == 1


def test_an_ad_without_a_number_does_not_bridge_two_numbered_persons():
    # Two women named Mila with their own numbers, and an ad without a number that
    # resembles both: it joins one of them, never the two together.
    features = pd.DataFrame(
        [
            ad("m1", ["+33639981401"], "mila", 24, "douce mila nouvelle a arras"),
            ad("m2", ["+33639981401"], "mila", 24, "douce mila nouvelle a arras ce soir"),
            ad("m3", [], "mila", np.nan, "", city=""),
            ad("m4", ["+33639981402"], "mila", 27, "grande brune experimentee", "lens"),
            ad("m5", ["+33639981402"], "mila", 27, "grande brune experimentee lens", "lens"),
        ]
    )
    persons, _, _ = persons_of(features)
    assert not any({"m1", "m4"} <= p for p in persons)
    assert any({"m1", "m2"} <= p for p in persons) and any({"m4", "m5"} <= p for p in persons)
    assert any("m3" in p and len(p) == 3 for p in persons)
