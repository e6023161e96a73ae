"""Scoring a split of ads into persons: hand-computed examples, edge cases, files, CLI."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from adcensus.cli import app
from adcensus.errors import InputError
from adcensus.evaluate import Scores, evaluate_files, score_clusters


def clusters(labels: str | list[str]) -> pd.Series:
    """Cluster ids by ad id: clusters("AAB") puts ads 0 and 1 together, ad 2 alone."""
    return pd.Series(list(labels), index=[f"ad{i}" for i in range(len(labels))])


def bcubed_f(pred: str, truth: str) -> float:
    return score_clusters(clusters(pred), clusters(truth)).bcubed_f1


# ---- hand-computed examples ----------------------------------------------------------------

# Bagga & Baldwin (1998), the example that introduced B-cubed: true persons A (5 ads),
# B (2 ads) and C (5 ads); two wrong answers, each merging two persons.
TRUTH_12 = "AAAAABBCCCCC"


def test_bagga_baldwin_merging_the_small_person_into_a_big_one() -> None:
    scores = score_clusters(clusters("xxxxxyyyyyyy"), clusters(TRUTH_12))
    # B-cubed precision: 5 ads at 5/5, 2 ads at 2/7, 5 ads at 5/7 -> (5 + 4/7 + 25/7) / 12.
    assert scores.bcubed_precision == pytest.approx(16 / 21)  # 0.76, as published
    assert scores.bcubed_recall == 1.0
    # Pairs: predicted 10 + 21 = 31, of which 10 + 1 + 10 = 21 true; no true pair missed.
    assert scores.pairwise_precision == pytest.approx(21 / 31)
    assert scores.pairwise_recall == 1.0
    assert scores.pairwise_f1 == pytest.approx(2 * (21 / 31) / (1 + 21 / 31))


def test_bagga_baldwin_merging_the_two_big_persons() -> None:
    scores = score_clusters(clusters("xxxxxyyxxxxx"), clusters(TRUTH_12))
    # 10 ads at 5/10, 2 ads at 2/2 -> 7/12: worse, though the same number of ads moved.
    assert scores.bcubed_precision == pytest.approx(7 / 12)  # 0.58, as published
    assert scores.pairwise_precision == pytest.approx(21 / 46)  # 45 + 1 predicted pairs
    assert scores.persons_pred == 2 and scores.persons_true == 3
    assert scores.persons_error == pytest.approx(-1 / 3)


def test_a_split_person_costs_recall_not_precision() -> None:
    # Truth: one person with 4 ads and one with 2; prediction splits the first 3 + 1.
    scores = score_clusters(clusters("xxxyzz"), clusters("AAAABB"))
    assert scores.bcubed_precision == 1.0 and scores.pairwise_precision == 1.0
    # Recall per ad: 3 ads at 3/4, 1 at 1/4, 2 at 2/2 -> (9/4 + 1/4 + 2) / 6 = 0.75.
    assert scores.bcubed_recall == pytest.approx(0.75)
    assert scores.pairwise_recall == pytest.approx(4 / 7)  # 3 of 6 + 1 of 1 true pairs
    assert scores.persons_error == pytest.approx(0.5)


# ---- the constraints of Amigó, Gonzalo, Artiles & Verdejo (2009), met by B-cubed -----------


def test_cluster_homogeneity_splitting_a_mixed_cluster_helps() -> None:
    truth = "AAAABBBB"
    assert bcubed_f("xxyyyyzz", truth) > bcubed_f("xxyyyyxx", truth)


def test_cluster_completeness_joining_a_persons_pieces_helps() -> None:
    truth = "AAAABBBB"
    assert bcubed_f("xxxxzzzw", truth) > bcubed_f("xxyyzzzw", truth)


def test_rag_bag_noise_hurts_less_in_a_cluster_already_mixed() -> None:
    # Ads 0-3 are person A, clean; ads 4-7 are four persons lumped in a rag bag; ad 8 is
    # one more person. Putting it in the rag bag is better than in A's clean cluster.
    truth = "AAAACDEFG"
    assert bcubed_f("xxxxrrrrr", truth) > bcubed_f("xxxxrrrrx", truth)


def test_size_versus_quantity_one_big_split_beats_many_small_ones() -> None:
    # Truth: A has 8 ads, four persons have 2 ads each.
    truth = "AAAAAAAABBCCDDEE"
    one_big = "xxxxxxxybbccddee"  # A split 7 + 1
    many_small = "xxxxxxxxbqcrdset"  # each small person split in two
    assert bcubed_f(one_big, truth) > bcubed_f(many_small, truth)


# ---- edge cases ----------------------------------------------------------------------------


def test_perfect_prediction_scores_one_whatever_the_labels() -> None:
    scores = score_clusters(clusters("pqqrrr"), clusters("AbbCCC"))
    assert scores.persons_error == 0.0
    for name, value in scores.to_dict().items():
        if name.endswith(("precision", "recall", "f1")):
            assert value == 1.0, name


def test_all_singletons_are_precise_and_recall_nothing_paired() -> None:
    scores = score_clusters(clusters("abcdef"), clusters("AAABBC"))
    assert scores.pairwise_precision == 1.0  # no pair predicted, none wrong
    assert scores.pairwise_recall == 0.0 and scores.pairwise_f1 == 0.0
    assert scores.bcubed_precision == 1.0
    assert scores.bcubed_recall == pytest.approx((3 * 1 / 3 + 2 * 1 / 2 + 1) / 6)
    assert scores.persons_pred == 6 and scores.persons_error == pytest.approx(1.0)


def test_one_cluster_for_all_recalls_everything_precisely_nothing() -> None:
    scores = score_clusters(clusters("xxxxxx"), clusters("AAABBC"))
    assert scores.pairwise_recall == 1.0 and scores.bcubed_recall == 1.0
    assert scores.pairwise_precision == pytest.approx((3 + 1) / 15)
    assert scores.bcubed_precision == pytest.approx((9 + 4 + 1) / 36)
    assert scores.persons_error == pytest.approx(-2 / 3)


def test_no_true_pairs_and_none_predicted_is_perfect() -> None:
    scores = score_clusters(clusters("abc"), clusters("ABC"))
    assert scores.pairwise_precision == scores.pairwise_recall == scores.pairwise_f1 == 1.0


def test_order_of_ads_does_not_matter() -> None:
    pred, truth = clusters("xxyyyz"), clusters("AABBCC")
    shuffled = pred.iloc[[5, 2, 0, 4, 1, 3]]
    assert score_clusters(shuffled, truth) == score_clusters(pred, truth)


def test_to_dict_lists_every_score_in_order() -> None:
    keys = list(score_clusters(clusters("ab"), clusters("AA")).to_dict())
    assert keys == [
        "ads", "persons_true", "persons_pred", "persons_error", "pairwise_precision",
        "pairwise_recall", "pairwise_f1", "bcubed_precision", "bcubed_recall", "bcubed_f1",
    ]  # fmt: skip


# ---- the vectorised scores equal their definitions -----------------------------------------

labels = st.lists(st.sampled_from("abcde"), min_size=1, max_size=14)


@given(pred=labels, truth=labels)
@settings(max_examples=80, deadline=None)
def test_scores_equal_the_definitions_computed_ad_by_ad(pred: list[str], truth: list[str]) -> None:
    n = min(len(pred), len(truth))
    pred, truth = pred[:n], truth[:n]
    scores = score_clusters(clusters(pred), clusters(truth))

    pairs = list(itertools.combinations(range(n), 2))
    predicted = {(i, j) for i, j in pairs if pred[i] == pred[j]}
    true = {(i, j) for i, j in pairs if truth[i] == truth[j]}
    assert scores.pairwise_precision == pytest.approx(
        len(predicted & true) / len(predicted) if predicted else 1.0
    )
    assert scores.pairwise_recall == pytest.approx(
        len(predicted & true) / len(true) if true else 1.0
    )

    same = [[pred[i] == pred[j] and truth[i] == truth[j] for j in range(n)] for i in range(n)]
    precision = sum(sum(same[i]) / pred.count(pred[i]) for i in range(n)) / n
    recall = sum(sum(same[i]) / truth.count(truth[i]) for i in range(n)) / n
    assert scores.bcubed_precision == pytest.approx(precision)
    assert scores.bcubed_recall == pytest.approx(recall)
    swapped = score_clusters(clusters(truth), clusters(pred))  # roles swap precision, recall
    assert swapped.bcubed_precision == pytest.approx(scores.bcubed_recall)


# ---- bad inputs ----------------------------------------------------------------------------


def test_ads_missing_on_either_side_are_counted_with_an_example() -> None:
    truth = clusters("AABB")
    pred = pd.Series(["x", "x", "y"], index=["ad0", "ad1", "ad9"])
    with pytest.raises(InputError) as caught:
        score_clusters(pred, truth)
    message = str(caught.value)
    assert "1 predicted ads are not in the truth (e.g. 'ad9')" in message
    assert "2 true ads are not predicted (e.g. 'ad2')" in message
    assert "\n" not in message


def test_repeated_or_blank_ids_are_refused() -> None:
    with pytest.raises(InputError, match=r"appear more than once.*'ad0'"):
        score_clusters(pd.Series(["x", "y"], index=["ad0", "ad0"]), clusters("AA"))
    with pytest.raises(InputError, match="1 ads have no person id"):
        score_clusters(clusters(["x", ""]), clusters("AA"))
    with pytest.raises(InputError, match="no ads"):
        score_clusters(pd.Series([], dtype=str), pd.Series([], dtype=str))


# ---- files ---------------------------------------------------------------------------------


def write_pred(path: Path, rows: list[tuple[str, str]], sep: str = ";") -> Path:
    """An ads.csv as dedupe writes it: original columns, then person_id (BOM, CRLF)."""
    lines = [f"Réf{sep}Ville{sep}person_id"] + [f"{ad}{sep}Arras{sep}{p}" for ad, p in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return path


@pytest.fixture
def truth_csv(tmp_path: Path) -> Path:
    path = tmp_path / "truth.csv"
    path.write_text("ad_id,person_id,network_id\nA1,P1,P1\nA2,P1,P1\nA3,P2,N1\nA4,P3,N1\n")
    return path


def test_a_dedupe_folder_is_scored_through_its_ads_csv(tmp_path: Path, truth_csv: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    write_pred(out / "ads.csv", [("A1", "p-1"), ("A2", "p-1"), ("A3", "p-2"), ("A4", "p-2")])
    scores = evaluate_files(out, truth_csv)
    assert isinstance(scores, Scores)
    assert (scores.ads, scores.persons_true, scores.persons_pred) == (4, 3, 2)
    assert scores.pairwise_precision == pytest.approx(0.5)


def test_comma_files_and_an_explicit_key(tmp_path: Path, truth_csv: Path) -> None:
    pred = tmp_path / "pred.csv"
    pred.write_text("annonce,person_id\nA2,p\nA1,p\nA4,r\nA3,q\n")
    assert evaluate_files(pred, truth_csv, key="annonce").bcubed_f1 == 1.0


def test_ids_neutralised_for_spreadsheets_still_match(tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    truth.write_text("ad_id,person_id\n=1,P1\n-2,P1\nA3,P2\n")
    pred = write_pred(tmp_path / "ads.csv", [("'=1", "x"), ("'-2", "x"), ("A3", "y")])
    assert evaluate_files(pred, truth).bcubed_f1 == 1.0


@pytest.mark.parametrize(
    ("content", "key", "message"),
    [
        ("Ville;person_id;network_id\nArras;p;p\n", None, r"no ad id column found.*--key"),
        ("Réf;Ville\nA1;Arras\n", None, "no column 'person_id'"),
        ("Réf;person_id\nA1;p\n", "Ref", "no column 'Ref'"),
        ("Réf;person_id\nA1;p\nA2;p\nA3;p\nA9;p\n", None, "1 predicted ads are not in the truth"),
        ("", None, "empty"),
    ],
)
def test_unusable_predictions_are_one_line_input_errors(
    tmp_path: Path, truth_csv: Path, content: str, key: str | None, message: str
) -> None:
    pred = tmp_path / "ads.csv"
    pred.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        evaluate_files(pred, truth_csv, key=key)
    assert "\n" not in str(caught.value)


def test_missing_and_undecodable_files_are_input_errors(tmp_path: Path, truth_csv: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        evaluate_files(tmp_path / "nowhere", truth_csv)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Réf;person_id\nA1;Léa\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        evaluate_files(latin, truth_csv)


# ---- the command ---------------------------------------------------------------------------

runner = CliRunner()


def test_evaluate_prints_a_table_on_stderr_and_json_on_stdout(
    tmp_path: Path, truth_csv: Path
) -> None:
    pred = write_pred(tmp_path / "ads.csv", [("A1", "a"), ("A2", "a"), ("A3", "b"), ("A4", "c")])
    result = runner.invoke(app, ["evaluate", str(pred), str(truth_csv), "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["bcubed_f1"] == 1.0
    assert "B-cubed F1" in result.stderr and "1.0000" in result.stderr
    plain = runner.invoke(app, ["evaluate", str(pred), str(truth_csv)])
    assert plain.exit_code == 0 and plain.stdout == ""


def test_evaluate_command_errors_are_one_line_with_exit_2(tmp_path: Path, truth_csv: Path) -> None:
    pred = write_pred(tmp_path / "ads.csv", [("A1", "a")])
    result = runner.invoke(app, ["evaluate", str(pred), str(truth_csv), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: 3 true ads are not predicted")
    assert result.stderr.strip().count("\n") == 0


def test_a_census_store_is_scored_as_its_dedupe_folder_is(
    sample_store: Path, sample_output: Path
) -> None:
    truth = Path(__file__).resolve().parent.parent / "data" / "sample" / "truth.csv"
    from_store = runner.invoke(app, ["evaluate", str(sample_store), str(truth), "--json"])
    assert from_store.exit_code == 0, from_store.stderr
    from_folder = runner.invoke(app, ["evaluate", str(sample_output), str(truth), "--json"])
    assert from_store.stdout == from_folder.stdout
    assert json.loads(from_store.stdout)["persons_pred"] == 275


def test_a_folder_written_with_tabs_is_scored_as_one_written_with_semicolons(
    tmp_path: Path,
) -> None:
    """evaluate read a folder's ads.csv with its own sniffing, which knew `;` and `,` but
    not the tab that `dedupe --out-delimiter tab` writes; it now reads it as every reader
    of the folder does (adcensus.outputs.read_output_csv)."""
    sample = Path(__file__).resolve().parent.parent / "data" / "sample"
    scores = {}
    for name, delimiter in (("semicolons", ";"), ("tabs", "tab")):
        out = tmp_path / name
        done = CliRunner().invoke(
            app, ["dedupe", str(sample / "ads.csv"), "-o", str(out), "--out-delimiter", delimiter]
        )
        assert done.exit_code == 0, done.stderr
        scores[name] = evaluate_files(out, sample / "truth.csv").to_dict()
    assert scores["tabs"] == scores["semicolons"]
    assert scores["tabs"]["persons_pred"] == 275
