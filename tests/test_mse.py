"""Multiple-systems estimation, checked against published worked examples.

Every expected number below is printed in the source named beside it; the
tests compare at the precision printed there.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
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
    fit = mse.select_model(table, criterion="aic", search="bhs2015", p_threshold=0.05).fit
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
    assert fit.label(uk5.lists) == ("main effects + LA×NG, LA×PFNCA, NG×GO, NG×GP, PFNCA×GP, GO×GP")
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
    # Artificial_3 (Chan, Silverman & Vincent 2021, Table 2); check_extended_MLE in
    # MultipleSystemsEstimation's "Reproducing Chan, Silverman and Vincent (2021)":
    # [12,13,23] → 2 (not identifiable), [12,3] → 1 (no estimate), [13,23,1,2] → 0.
    table = mse.capture_table_from_frame(
        pd.DataFrame(
            {"A": [1, 0, 0, 1], "B": [0, 1, 0, 1], "C": [0, 0, 1, 0], "n": [40, 30, 20, 6]}
        ),
        count_column="n",
    )
    assert mse.estimability(table, ()) is None
    assert mse.estimability(table, ((0, 1), (0, 2), (1, 2))) == (
        "more parameters than the overlaps can determine"
    )
    assert mse.estimability(table, ((0, 1),)) == "the observed overlaps leave no finite estimate"
    assert mse.estimability(table, ((0, 2), (1, 2))) is None


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
        "interval_method", "model", "criterion", "search", "lincoln_petersen", "standard_error",
        "bootstrap", "warnings", "notes",
    ]  # fmt: skip
    assert data["total"] == 157 and data["unseen"] == 34


def test_options_are_checked(uk: mse.CaptureTable) -> None:
    with pytest.raises(UsageError, match="use --search stepwise"):
        mse.select_model(uk, search="exhaustive", max_order=3)
    with pytest.raises(UsageError, match="--p-threshold goes with"):
        mse.select_model(uk, search="stepwise", p_threshold=0.02)
    korea = mse.read_capture_table(DATA / "Korea.csv")
    with pytest.raises(UsageError):
        mse.select_model(korea, criterion="dic")
    with pytest.raises(UsageError):
        mse.select_model(korea, search="random")
    with pytest.raises(UsageError):
        mse.estimate_hidden(korea, confidence=95)


# ---- model search (Silverman, Chan & Vincent 2024; Chan, Silverman & Vincent 2021) ------


def test_uk_five_lists_default_search_is_bic_over_all_models() -> None:
    # BIC over all 1,024 two-way models of UKdat_5 (Silverman, Chan & Vincent 2024, UK data,
    # maximum order 2; MultipleSystemsEstimation's assemble_bic): 22,991. Greedy forward
    # steps stop at 12,262, a local optimum one BIC point worse.
    uk5 = mse.read_capture_table(DATA / "UKdat_5.csv")
    chosen = mse.select_model(uk5)
    assert chosen.search == "exhaustive" and chosen.models_fitted == 1024
    assert chosen.fit.label(uk5.lists) == (
        "main effects + LA×NG, LA×PFNCA, NG×PFNCA, NG×GP, PFNCA×GO"
    )
    assert mse.round_half_up(chosen.fit.total) == 22991
    assert [mse.round_half_up(f.total) for f in chosen.ranked[:4]] == [22991, 12262, 25978, 11313]


def test_uk_five_lists_stepwise_search_reaches_the_exhaustive_optimum() -> None:
    uk5 = mse.read_capture_table(DATA / "UKdat_5.csv")
    for order in (2, 3):
        best = mse.select_model(uk5, search="exhaustive", max_order=order).fit
        found = mse.select_model(uk5, search="stepwise", max_order=order)
        assert found.fit.interactions == best.interactions
        assert found.models_fitted < mse.count_models(5, order) / 3


def test_three_way_terms_are_fitted_as_statsmodels_does() -> None:
    # An independent fit of main effects + LA×NG, LA×PFNCA, NG×PFNCA + LA×NG×PFNCA
    # (a hierarchical model with a three-way term) by statsmodels' Poisson GLM.
    sm = pytest.importorskip("statsmodels.api")
    uk5 = mse.read_capture_table(DATA / "UKdat_5.csv")
    terms = ((0, 1), (0, 2), (1, 2), (0, 1, 2))
    h = uk5.histories
    x = np.column_stack([np.ones(len(h)), h, *(h[:, list(t)].all(axis=1) for t in terms)])
    glm = sm.GLM(uk5.counts, x.astype(float), family=sm.families.Poisson()).fit()
    fit = mse.fit_loglinear(uk5, terms)
    assert fit.total == pytest.approx(uk5.observed + np.exp(glm.params[0]), rel=1e-8)
    assert fit.bic == pytest.approx(-2 * glm.llf + np.log(uk5.observed) * 10, rel=1e-10)


def test_pairs_sharing_nobody_are_fitted_at_minus_infinity() -> None:
    # Chan, Silverman & Vincent (2021), §2.5: an interaction of two lists that share
    # nobody is −∞; the cells holding both lists are structural zeros. Checked against
    # statsmodels on the table with those cells removed; AIC and BIC count the −∞ term.
    sm = pytest.importorskip("statsmodels.api")
    table = mse.capture_table_from_frame(
        pd.DataFrame(
            {
                "A": [1, 0, 0, 1, 0, 1],
                "B": [0, 1, 0, 1, 1, 1],
                "C": [0, 0, 1, 0, 1, 0],
                "count": [40, 30, 20, 9, 5, 3],
            }
        )
    )
    assert table.overlap(0, 2) == 0
    fit = mse.fit_loglinear(table, ((0, 2),))
    assert fit.minus_infinity == ((0, 2),)
    keep = ~(table.histories[:, 0] & table.histories[:, 2]).astype(bool)
    h = table.histories[keep]
    x = np.column_stack([np.ones(len(h)), h]).astype(float)
    glm = sm.GLM(table.counts[keep], x, family=sm.families.Poisson()).fit()
    assert fit.total == pytest.approx(table.observed + np.exp(glm.params[0]), rel=1e-8)
    assert fit.aic == pytest.approx(-2 * glm.llf + 2 * 5, rel=1e-10)
    found = mse.estimate_hidden(table, search="sparsemse", p_threshold=0.5)
    assert any("minus infinity" in note for note in found.notes) == ("A×C" in (found.model or ""))


def test_korea_sparsemse_rule_reproduces_the_package() -> None:
    # MultipleSystemsEstimation, "Reproducing Chan, Silverman and Vincent (2021)":
    # estimate_population_stepwise(Korea, pthresh = 0.02) gives [12,3], popest 268.7778,
    # BIC 58.9686. A BIC-or-Wald forward step would stop at 157 instead.
    korea = mse.read_capture_table(DATA / "Korea.csv")
    chosen = mse.select_model(korea, search="sparsemse", p_threshold=0.02)
    assert chosen.fit.interactions == ((0, 1),)
    assert chosen.fit.total == pytest.approx(268.7778, abs=5e-5)
    assert chosen.fit.bic == pytest.approx(58.9686, abs=5e-5)
    assert mse.select_model(korea, search="sparsemse").fit.interactions == ((0, 1),)


def test_four_lists_allow_three_way_terms_and_count_113_models() -> None:
    # Silverman, Chan & Vincent (2024): Kosovo (four lists) has 113 candidate models
    # with interactions up to order 3.
    assert mse.default_max_order(4) == 3
    assert sum(1 for _ in mse.hierarchical_models(4, 3)) == 113
    assert mse.count_models(5, 2) == 1024
    assert mse.count_models(6, 2) == 32768


# ---- BCa bootstrap (MultipleSystemsEstimation's bcaconfvalues) --------------------------


def test_korea_bca_interval_is_near_the_published_one() -> None:
    # Silverman, Chan & Vincent (2024), Table 3: Korea, BIC over all 6 models, 1,000
    # resamples, 95 % BCa interval [128, 349]. Resampling differs from R's, so the ends
    # are held to Monte Carlo error: the lower end to ±5; the upper end lies in the thin
    # tail of a two-humped distribution (models giving 157 and 269) and spans 356 to 373
    # over seeds 1, 2, 3 and 1234 here, so it is held to 349 + 25.
    korea = mse.read_capture_table(DATA / "Korea.csv")
    found = mse.estimate_hidden(korea, bootstrap=1000, seed=1234)
    boot = found.bootstrap or {}
    assert boot["method"] == "bca" and boot["models"] == 6 and boot["failed"] == 0
    assert abs(boot["low"] - 128) <= 5 and 349 - 10 <= boot["high"] <= 349 + 25
    plain = mse.bootstrap_totals(korea, 1000, seed=1234, interval="percentile")
    assert plain["method"] == "percentile" and "acceleration" not in plain


def test_bca_is_seeded_and_reports_its_corrections() -> None:
    korea = mse.read_capture_table(DATA / "Korea.csv")
    one = mse.bootstrap_totals(korea, 50, seed=7)
    assert one == mse.bootstrap_totals(korea, 50, seed=7)
    assert {"bias_correction", "acceleration"} <= set(one)
    with pytest.raises(UsageError):
        mse.bootstrap_totals(korea, 5, seed=7, interval="studentized")


# ---- lists that cannot give an estimate -----------------------------------------------


def test_a_list_holding_everyone_is_named() -> None:
    table = mse.capture_table([{"a", "b"}] * 5 + [{"a", "c"}] * 4 + [{"a"}] * 9 + [{"a", "b", "c"}])
    assert mse.nested_lists(table)[0] == "list a holds every person seen on any list"
    with pytest.raises(InputError, match="list a holds every person seen"):
        mse.estimate_hidden(table)


def test_two_nested_lists_warn_instead_of_a_zero_width_interval() -> None:
    table = mse.capture_table([{"x"}] * 60 + [{"x", "y"}] * 20)
    found = mse.estimate_hidden(table)
    assert found.standard_error == 0
    assert found.high is None
    assert any("standard error is zero" in w for w in found.warnings)
    assert any("list x holds every person seen" in w for w in found.warnings)


def test_a_list_inside_another_is_warned() -> None:
    table = mse.capture_table(
        [{"a"}] * 30 + [{"b"}] * 20 + [{"c"}] * 10 + [{"a", "b"}] * 8 + [{"a", "c"}] * 4
        + [{"b", "c"}] * 3 + [{"a", "b", "c"}] * 2 + [{"a", "d"}] * 5
    )  # fmt: skip
    assert mse.nested_lists(table) == ["every person on list d is also on list a"]


# ---- New Orleans and Western site (Chan, Silverman & Vincent 2021, §4) -----------------


@pytest.mark.parametrize(
    ("name", "model", "total", "bic"),
    [
        ("NewOrl", "main effects + D×E", 1110.488, 145.0885),
        ("NewOrl_5", "main effects only", 981.4314, 96.27026),
        ("Western", "main effects + A×E", 2483.384, 118.7443),
    ],
)
def test_sparsemse_rule_reproduces_the_package_on_trafficking_data(
    name: str, model: str, total: float, bic: float
) -> None:
    # MultipleSystemsEstimation, "Reproducing Chan, Silverman and Vincent (2021)":
    # estimate_population_stepwise(pthresh = 0.02) prints popest and $fit$bic at these
    # precisions. (The 2021 paper's own figures, 1,184, 1,034 and 2,483, came from the
    # earlier SparseMSE code.)
    table = mse.read_capture_table(DATA / f"{name}.csv")
    assert table.observed == (345 if name == "Western" else 186)
    chosen = mse.select_model(table, search="sparsemse")
    assert chosen.fit.label(table.lists) == model
    assert chosen.fit.total == pytest.approx(total, abs=5e-4)
    assert chosen.fit.bic == pytest.approx(bic, abs=5e-5)


def test_new_orleans_eight_lists_default_search_is_stepwise() -> None:
    # 2^28 two-way models: too many to try; the stepwise search takes over and, here,
    # agrees with the SparseMSE rule.
    table = mse.read_capture_table(DATA / "NewOrl.csv")
    chosen = mse.select_model(table)
    assert chosen.search == "stepwise"
    assert chosen.fit.label(table.lists) == "main effects + D×E"


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [("NewOrl", 717, 1657), ("Western", 1293, 3670)],
)
def test_bca_intervals_are_near_the_published_ones(name: str, low: int, high: int) -> None:
    # Chan, Silverman & Vincent (2021), §4.1–4.2: SparseMSE rule, 1,000 resamples, 95 % BCa
    # (717, 1,657) for New Orleans and (1,293, 3,670) for the Western site. The method is
    # MultipleSystemsEstimation's (jackknife over histories, bcaconfvalues); the ends move
    # with the resamples: over seeds 1, 2, 3 and 1234 the Western ends here run
    # 1,089–1,259 and 3,669–3,939, all lower ends below the paper's, and the paper's New
    # Orleans estimate came from earlier code (1,184; the package now gives 1,110.488).
    # Held to 20 %, which a percentile interval or a wrong acceleration would leave.
    # Checked against R here (MultipleSystemsEstimation, Western, iseed 1234): the same
    # acceleration to five digits (-0.09501), and a lower end at the 0.01 % level, i.e.
    # the smallest of the 1,000 resamples, so it is as noisy as a minimum.
    table = mse.read_capture_table(DATA / f"{name}.csv")
    boot = mse.bootstrap_totals(table, 1000, seed=1234, search="sparsemse")
    assert boot["method"] == "bca" and boot["models"] is None
    assert abs(boot["low"] - low) <= 0.2 * low
    assert abs(boot["high"] - high) <= 0.2 * high


# ---- Ned, Ned_5 and Kosovo, and three-way terms (R reference) --------------------------
# Data: MultipleSystemsEstimation's data sets written out with write.csv (R 4.2.2).
# Figures: estimate_population_stepwise(pthresh = 0.02) and estimate_population_bic()
# of that package, run here on R 4.2.2; its bic default allows three-way terms for four
# and five lists (maxorder 3), adcensus's default for five lists stays two-way.


@pytest.mark.parametrize(
    ("name", "total"),
    [("Ned", 111139.4), ("Ned_5", 121521.6), ("Kosovo", 14341.66)],
)
def test_sparsemse_rule_matches_r_on_ned_and_kosovo(name: str, total: float) -> None:
    # Ned and Ned_5 have pairs of lists that share nobody: their interactions are fitted
    # at minus infinity, as SparseMSE does (dropping them gave 118,739 and 133,184).
    table = mse.read_capture_table(DATA / f"{name}.csv")
    chosen = mse.select_model(table, search="sparsemse")
    assert chosen.fit.total == pytest.approx(total, rel=1e-5)


@pytest.mark.parametrize(
    ("name", "total", "bic"),
    [("Kosovo", 10356.52, 203.03), ("UKdat_5", 25311.29, 195.879), ("Ned_5", 148788.8, 219.171)],
)
def test_exhaustive_bic_with_three_way_terms_matches_r(name: str, total: float, bic: float) -> None:
    # estimate_population_bic(): Kosovo [123,14,34] 10,357; UKdat_5 [123,25,34] 25,311;
    # Ned_5 [135,12,24,34] 148,789. Kosovo's four lists take three-way terms by default.
    table = mse.read_capture_table(DATA / f"{name}.csv")
    max_order = None if name == "Kosovo" else 3
    chosen = mse.select_model(table, search="exhaustive", max_order=max_order)
    assert chosen.fit.total == pytest.approx(total, rel=1e-5)
    assert chosen.fit.bic == pytest.approx(bic, abs=1e-2)
    assert chosen.fit.label(table.lists).count("×") >= 4


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
