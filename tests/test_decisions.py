"""Reviewers' decisions: the append-only file, and how they bind the clustering."""

from __future__ import annotations

import pandas as pd
import pytest

from adcensus.decisions import append_decision, load_decisions
from adcensus.dedupe import dedupe
from adcensus.errors import InputError

ADS = (
    "id;tel;pseudo;age;texte\n"
    "a1;06 39 98 10 01;Léa;24;Nouvelle sur Arras\n"
    "a2;0639981001;Lea;24;Nouvelle sur Arras, douce\n"
    "a3;0639981001;;24;Douce\n"
    "b1;06 39 98 20 02;Nina;30;Femme élégante\n"
)


def persons(result) -> set[frozenset[str]]:
    groups = result.ads.groupby("person_id")["id"].agg(frozenset)
    return set(groups)


def test_last_decision_per_pair_wins_and_skips_cancel(tmp_path):
    path = tmp_path / "review.jsonl"
    append_decision(path, "a2", "a1", "y", "doubtful")
    append_decision(path, "b1", "a1", "y", "sample")
    append_decision(path, "a1", "b1", "s", "sample")  # undone
    append_decision(path, "a1", "a3", "n", "doubtful")
    decisions = load_decisions(path)
    assert decisions.to_dict("records") == [
        {"ad_a": "a1", "ad_b": "a2", "decision": "y", "mode": "doubtful"},
        {"ad_a": "a1", "ad_b": "a3", "decision": "n", "mode": "doubtful"},
    ]


def test_a_line_cut_short_by_a_crash_is_ignored_but_others_are_errors(tmp_path):
    path = tmp_path / "review.jsonl"
    append_decision(path, "a1", "a2", "y", "doubtful")
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"ad_a": "a1", "ad_b": "a3", "deci')
    assert len(load_decisions(path)) == 1
    path.write_text('garbage\n{"ad_a": "a1", "ad_b": "a2", "decision": "y"}\n')
    with pytest.raises(InputError, match="line 1"):
        load_decisions(path)


def test_decisions_change_the_persons(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(ADS, encoding="utf-8")
    before = dedupe([path])
    assert persons(before) == {frozenset({"a1", "a2", "a3"}), frozenset({"b1"})}

    review = tmp_path / "review.jsonl"
    append_decision(review, "a1", "a3", "n", "doubtful")  # a3 is someone else
    append_decision(review, "a2", "a3", "n", "doubtful")
    append_decision(review, "a1", "b1", "y", "sample")  # and b1 is Léa after all
    after = dedupe([path], decisions=load_decisions(review))
    assert persons(after) == {frozenset({"a1", "a2", "b1"}), frozenset({"a3"})}
    pairs = after.pairs.set_index(["ad_a", "ad_b"])
    assert pairs.loc[("a1", "b1"), "decision"] == "confirmed"
    assert pairs.loc[("a1", "a3"), "decision"] == "rejected"
    assert pairs.loc[("a1", "b1"), "evidence"].startswith("reviewed: same person")
    assert after.summary["decisions"] == {"given": 3, "applied": 3}


def test_a_rejected_pair_is_not_rejoined_through_a_chain(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(ADS, encoding="utf-8")
    decisions = pd.DataFrame([{"ad_a": "a1", "ad_b": "a3", "decision": "n"}])
    result = dedupe([path], decisions=decisions)
    ids = result.ads.set_index("id")["person_id"]
    assert ids["a1"] != ids["a3"]
    assert ids["a1"] == ids["a2"]


def test_decisions_about_unknown_ads_are_counted_not_applied(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(ADS, encoding="utf-8")
    decisions = pd.DataFrame([{"ad_a": "a1", "ad_b": "zz", "decision": "y"}])
    result = dedupe([path], decisions=decisions)
    assert result.summary["decisions"] == {"given": 1, "applied": 0}
