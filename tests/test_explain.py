"""`adcensus explain`: a person's ads and the links that hold it, or how two ads are linked."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from adcensus.cli import app
from adcensus.explain import PairExplanation, PersonExplanation, explain
from adcensus.review import open_source

runner = CliRunner()


def said(result) -> str:
    return " ".join(result.stderr.split())


def shown(result) -> str:
    return " ".join(result.stdout.split())


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("explain") / "out"
    sample = Path(__file__).resolve().parent.parent / "data" / "sample" / "ads.csv"
    result = runner.invoke(app, ["dedupe", str(sample), "-o", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def test_a_person_shows_its_ads_and_the_links_that_hold_it_weakest_first(out):
    person = explain(open_source(out), ["P04ada93541"])
    assert isinstance(person, PersonExplanation) and len(person.ads) == 6
    assert len(person.tree) == 5  # one link fewer than ads: a tree
    assert person.tree["score"].is_monotonic_increasing
    result = runner.invoke(app, ["explain", str(out), "P04ada93541"])
    assert result.exit_code == 0, result.output
    text = shown(result)
    assert "person P04ada93541: 6 ads" in text
    assert "the links that hold it together (5), weakest first:" in text
    assert "A0594 – A0651 score 0.844 link different phones (-4.5); name 1.00" in text
    assert "+33 6 •• •• •• 95" in text and "+33639986595" not in text.replace(" ", "")
    assert result.stderr == ""


def test_phones_are_shown_in_full_only_when_asked(out):
    result = runner.invoke(app, ["explain", str(out), "P04ada93541", "--show-phones"])
    assert result.exit_code == 0, result.output
    assert "•• ••" not in result.stdout and "+3363998" in result.stdout


def test_an_ad_id_explains_its_person_and_points_at_the_ad(out):
    result = runner.invoke(app, ["explain", str(out), "A0603"])
    assert result.exit_code == 0, result.output
    assert "person P04ada93541: 6 ads" in shown(result)
    assert "A0603 rencontres-exemple-03.test · 07/12/2018 · Lens ← asked about" in shown(result)


def test_two_ads_of_one_person_show_the_chain_that_joins_them(out):
    pair = explain(open_source(out), ["A0606", "A0651"])
    assert isinstance(pair, PairExplanation) and pair.same_person
    assert len(pair.direct) == 1 and len(pair.chain) == 2
    result = runner.invoke(app, ["explain", str(out), "A0606", "A0651"])
    text = shown(result)
    assert "A0606 and A0651: one person, P04ada93541, through a chain of 2 links" in text
    assert "their own pair: A0606 – A0651 score 0.490 doubtful" in text
    assert "the chain that joins them (the strongest): A0606 – A0594 – A0651" in text


def test_two_ads_of_two_persons_say_so_with_their_pair_or_its_absence(out):
    result = runner.invoke(app, ["explain", str(out), "A0195", "A0525"])
    text = shown(result)
    assert "A0195 and A0525: not linked; two persons" in text
    assert "their own pair: A0195 – A0525 score 0.356 doubtful" in text
    far = runner.invoke(app, ["explain", str(out), "A0001", "A0699"])
    assert "not linked" in shown(far) and "their pair was not scored" in shown(far)


def test_near_misses_are_listed_with_both_persons(out):
    result = runner.invoke(app, ["explain", str(out), "A0195"])
    text = shown(result)
    assert "the strongest pairs with ads of other persons, not linked:" in text
    assert "A0195 – A0525 (Pff4e8503b9 / " in text


def test_unknown_ids_are_one_line_with_exit_code_2(out):
    result = runner.invoke(app, ["explain", str(out), "P000123"])
    assert result.exit_code == 2
    assert "P000123: no person id or ad id of that name" in said(result)
    assert "persons.csv" in said(result) and "Traceback" not in result.output
    three = runner.invoke(app, ["explain", str(out), "A0001", "A0002", "A0003"])
    assert three.exit_code == 2 and "two ad ids" in said(three)
    twice = runner.invoke(app, ["explain", str(out), "A0001", "A0001"])
    assert twice.exit_code == 2 and "twice" in said(twice)


def test_a_store_is_explained_too(tmp_path):
    sample = Path(__file__).resolve().parent.parent / "data" / "sample" / "ads.csv"
    store = tmp_path / "census.db"
    loaded = runner.invoke(app, ["dedupe", str(sample), "--store", str(store)])
    assert loaded.exit_code == 0, loaded.output
    source = open_source(store)
    person = str(source.person_sizes.index[0])
    result = runner.invoke(app, ["explain", str(store), person])
    assert result.exit_code == 0, result.output
    assert f"person {person}: {int(source.person_sizes.iloc[0])} ads" in shown(result)
