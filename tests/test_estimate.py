"""Persons from counts and from dedupe outputs, with intervals (adcensus.estimate)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from adcensus import estimate as est
from adcensus.errors import InputError, UsageError
from adcensus.mse import read_capture_table

DATA = Path(__file__).parent / "data"
SMALL = DATA / "estimate" / "small"
REVIEWED = DATA / "estimate" / "reviewed"


# ---- from counts -------------------------------------------------------------------------


def test_the_issue_example_699_ads_61_percent_gives_273_persons() -> None:
    found = est.estimate_from_counts(699, "0.61")
    assert found.persons == 273
    assert found.formula == "699 × (1 − 0.61) = 272.61 → 273 (rounded half up)"
    assert found.to_dict() == {"ads": 699, "doublon_rate": 0.61, "persons": 273}


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("0.61", "0.61"),
        ("61%", "0.61"),
        ("61 %", "0.61"),
        ("61\u202f%", "0.61"),  # French typography: narrow no-break space before %
        ("0,61", "0.61"),
        ("61,5 %", "0.615"),
        (".5", "0.5"),
        ("0", "0"),
    ],
)
def test_rates_are_read_as_decimals_or_percentages(text: str, rate: str) -> None:
    assert est.parse_rate(text) == Decimal(rate)


@pytest.mark.parametrize("text", ["1", "100%", "-0.1", "abc", "0.6.1", "", "61"])
def test_impossible_rates_are_refused_with_a_hint(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        est.parse_rate(text)
    assert caught.value.exit_code == 2


def test_a_rate_without_percent_sign_above_one_suggests_percent() -> None:
    with pytest.raises(UsageError, match=r"did you mean 61%\?"):
        est.parse_rate("61")


def test_halves_round_up_not_to_even() -> None:
    # 10 × (1 − 0.55) = 4.5 exactly: Python's round gives 4 (to even), we give 5.
    assert round(4.5) == 4
    assert est.estimate_from_counts(10, "0.55").persons == 5
    assert est.round_half_up(Decimal("272.5")) == 273
    assert est.round_half_up(272.49) == 272


def test_the_inverse_gives_the_doublon_rate() -> None:
    found = est.estimate_from_counts(699, persons=273)
    assert found.doublon_rate == pytest.approx(0.609442, abs=1e-6)
    assert "60.9 %" in found.formula


def test_counts_are_checked() -> None:
    with pytest.raises(UsageError, match="at least 1"):
        est.estimate_from_counts(0, "0.5")
    with pytest.raises(UsageError, match="exactly one"):
        est.estimate_from_counts(10, "0.5", persons=3)
    with pytest.raises(UsageError, match="between 1 and"):
        est.estimate_from_counts(10, persons=11)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe_1998_table_1(
    k: int, n: int, low: float, high: float
) -> None:
    # Newcombe (1998) Statistics in Medicine 17:857-872, Table I, method 3 (score interval).
    assert est.wilson_interval(k, n) == pytest.approx((low, high), abs=5e-5)


def test_a_reviewed_sample_gives_an_interval_carried_to_persons() -> None:
    found = est.estimate_from_counts(699, reviewed_sample=(25, 40))
    low, high = est.wilson_interval(25, 40)
    data = found.to_dict()
    assert data["persons"] == 262  # 699 × (1 − 25/40) = 262.125
    assert data["persons_low"] == est.round_half_up(699 * (1 - high))
    assert data["persons_high"] == est.round_half_up(699 * (1 - low))
    assert data["persons_low"] < data["persons"] < data["persons_high"]
    assert data["interval_method"] == "Wilson score"
    assert (data["reviewed_duplicates"], data["reviewed_ads"]) == (25, 40)


@pytest.mark.parametrize("text", ["41/40", "3/0", "40/40", "a/b", "25"])
def test_bad_reviewed_samples_are_refused(text: str) -> None:
    with pytest.raises(UsageError):
        est.parse_reviewed_sample(text)


@given(st.decimals(min_value=0, max_value=Decimal("0.9999"), places=4))
def test_any_written_rate_reads_back_the_same(rate: Decimal) -> None:
    assert est.parse_rate(f"{rate:f}") == rate
    assert est.parse_rate(f"{rate * 100:f} %".replace(".", ",")) == rate


@given(st.integers(min_value=1, max_value=100_000), st.integers(0, 1000), st.integers(1, 1000))
def test_persons_interval_always_holds_the_point(ads: int, k: int, n: int) -> None:
    assume(k < n)
    data = est.estimate_from_counts(ads, reviewed_sample=(k, n)).to_dict()
    assert 1 <= data["persons_low"] <= data["persons"] <= data["persons_high"] <= ads


# ---- from a dedupe output ----------------------------------------------------------------


def test_sensitivity_relinks_at_a_stricter_and_a_looser_threshold() -> None:
    found = est.estimate_from_output(SMALL)
    assert (found.ads, found.persons) == (12, 7)
    assert found.sensitivity["persons_stricter"] == 8  # a04–a05 (0.84) no longer linked
    assert found.sensitivity["persons_looser"] == 6  # a06–a09 (0.76) now linked
    assert found.review is None
    assert any("No review.jsonl" in note for note in found.notes)
    assert found.range == (6, 8)


def test_relink_counts_connected_components_and_ignores_conflicts_and_agencies() -> None:
    pairs = est.read_pairs(SMALL)
    assert est.relink_persons(pairs, 12, 0.8) == 7
    assert est.relink_persons(pairs, 12, 0.99) == 11
    assert est.relink_persons(pairs, 12, 0.0) == 5  # conflict a09–a10 and agency never link


def test_a_reviewed_sample_of_links_gives_a_seeded_interval() -> None:
    found = est.estimate_from_output(REVIEWED, replicates=200, seed=3)
    review = found.review
    assert review is not None
    assert (review["correct"], review["wrong"], review["skipped"]) == (3, 1, 1)
    assert review["precision"] == 0.75
    assert (review["precision_low"], review["precision_high"]) == pytest.approx(
        est.wilson_interval(3, 4), abs=1e-6
    )
    # a11–a12 was reviewed wrong: always dropped; a04–a05 (skipped) dropped at random.
    assert (review["persons_low"], review["persons_high"]) == (8, 9)
    assert est.estimate_from_output(REVIEWED, replicates=200, seed=3).review == review
    assert found.to_dict()["persons_high"] == 9


def test_output_json_keys_are_stable() -> None:
    data = est.estimate_from_output(SMALL).to_dict()
    assert list(data) == [
        "ads", "doublon_rate", "persons", "confidence", "persons_low", "persons_high",
        "doublon_rate_low", "doublon_rate_high", "sensitivity", "review", "hidden", "notes",
    ]  # fmt: skip


def test_a_folder_that_is_not_a_dedupe_output_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no summary\.json"):
        est.estimate_from_output(tmp_path)
    with pytest.raises(InputError, match="not a folder"):
        est.estimate_from_output(tmp_path / "nowhere")


def test_a_broken_review_line_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    shutil.copytree(REVIEWED, folder)
    with (folder / "review.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"ad_a": "a01"}\n')
    with pytest.raises(InputError, match="line 7"):
        est.estimate_from_output(folder)


# ---- lists for the hidden total ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "month"),
    [
        ("2024-03-12", "2024-03"),
        ("12/03/2024", "2024-03"),
        ("12/03/2024 14:30", "2024-03"),
        ("2024-03-12T10:00:00", "2024-03"),
        ("1.4.2024", "2024-04"),
        ("2024-13-01", None),
        ("hier", None),
    ],
)
def test_months_are_read_from_iso_and_french_dates(value: str, month: str | None) -> None:
    assert est.month_of(value) == month


def test_lists_by_site_and_by_month() -> None:
    table, notes = est.lists_from_output(SMALL, "site")
    assert table.lists == ("sexemodel", "vivastreet", "wannonce")
    assert table.observed == 7
    months, notes = est.lists_from_output(SMALL, "month")
    assert months.lists == ("2024-01", "2024-02")
    assert notes == [
        "1 ad without a usable month: on no list.",
        "1 person without any month: left out of the lists.",
    ]


def test_an_unknown_list_column_names_the_columns_there_are() -> None:
    with pytest.raises(InputError, match="ville"):
        est.lists_from_output(SMALL, "colour")
    table, _ = est.lists_from_output(SMALL, "ville")
    assert set(table.lists) == {"Lille", "Lyon", "Nice", "Paris"}


def write_output(folder: Path, memberships: list[set[str]], delimiter: str = ";") -> Path:
    """A minimal dedupe output: one ad per person and list, person_id and site columns."""
    rows = [(f"P{i:04d}", site) for i, sites in enumerate(memberships) for site in sorted(sites)]
    ads = pd.DataFrame(rows, columns=["person_id", "site"])
    ads["ad_key"] = [f"k{i:05d}" for i in range(len(ads))]
    folder.mkdir(parents=True)
    ads.to_csv(folder / "ads.csv", sep=delimiter, index=False, encoding="utf-8-sig")
    summary = {"ads": len(ads), "persons": len(memberships), "roles": {"site": "site"}}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return folder


def test_the_hidden_total_from_a_dedupe_output_matches_the_table_it_came_from(
    tmp_path: Path,
) -> None:
    korea = read_capture_table(DATA / "mse" / "Korea.csv")
    memberships = [
        {name for name, on in zip(korea.lists, history, strict=True) if on}
        for history, count in zip(korea.histories, korea.counts, strict=True)
        for _ in range(int(count))
    ]
    folder = write_output(tmp_path / "korea", memberships, delimiter=",")
    found = est.estimate_from_output(folder, hidden_lists="site")
    assert found.hidden is not None
    assert found.hidden.total == pytest.approx(157.1667, abs=5e-5)
    assert found.sensitivity["persons_stricter"] == found.persons  # no pairs.csv: nothing to relink


def test_many_sites_keep_the_largest_and_merge_the_rest(tmp_path: Path) -> None:
    sites = [f"site{i}" for i in range(8)]
    memberships = [{sites[i % 8], sites[(i * 3) % 8]} for i in range(80)] + [{"site0"}] * 30
    folder = write_output(tmp_path / "many", memberships)
    table, notes = est.lists_from_output(folder, "site", max_lists=6)
    assert len(table.lists) == 6 and table.lists[-1] == "(others)"
    assert table.observed == 110
    assert "merged into one list" in notes[-1]


def test_a_pair_scored_exactly_at_the_stricter_threshold_stays_linked(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    shutil.copytree(SMALL, folder)
    pairs = (folder / "pairs.csv").read_text(encoding="utf-8-sig").replace("0.84", "0.85")
    (folder / "pairs.csv").write_text(pairs, encoding="utf-8-sig")
    assert est.estimate_from_output(folder).sensitivity["persons_stricter"] == 7


def test_lists_by_site_warn_that_they_are_posting_behaviour(tmp_path: Path) -> None:
    # Issue 14: lists by site on a census whose persons were all seen gave a hidden total
    # with no warning. A site "misses" a person only because she did not post there.
    korea = read_capture_table(DATA / "mse" / "Korea.csv")
    memberships = [
        {name for name, on in zip(korea.lists, history, strict=True) if on}
        for history, count in zip(korea.histories, korea.counts, strict=True)
        for _ in range(int(count))
    ]
    folder = write_output(tmp_path / "korea", memberships, delimiter=",")
    found = est.estimate_from_output(folder, hidden_lists="site")
    assert found.hidden is not None
    assert "own posting behaviour" in found.hidden.warnings[0]
    assert est.posting_behaviour_warning("month", {}) is not None
    assert est.posting_behaviour_warning("collecte", {"site": "site"}) is None


def test_the_default_lists_are_the_files_read_and_one_file_is_refused(tmp_path: Path) -> None:
    folder = write_output(tmp_path / "one", [{"a"}, {"a", "b"}, {"b"}])
    with pytest.raises(UsageError, match="independently of her own posting"):
        est.lists_from_output(folder)
    ads = pd.read_csv(folder / "ads.csv", sep=";")
    ads["source_file"] = ["round1.csv", "round1.csv", "round2.csv", "round2.csv"]
    ads.to_csv(folder / "ads.csv", sep=";", index=False)
    table, _ = est.lists_from_output(folder)
    assert set(table.lists) == {"round1.csv", "round2.csv"}
