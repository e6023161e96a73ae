"""The whole pipeline on generated censuses: quality bar, contract, determinism."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from adcensus import columns as col
from adcensus.dedupe import dedupe
from adcensus.evaluate import score_clusters
from adcensus.outputs import write_outputs
from adcensus.synth import EVERY_HARD_CASE, CensusSpec, generate_census


def run_census(tmp_path, spec: CensusSpec):
    ads, truth = generate_census(spec)
    path = tmp_path / f"census-{spec.seed}.csv"
    ads.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    result = dedupe([path])
    predicted = pd.Series(result.ads[col.PERSON_ID].to_numpy(), index=result.ads["Réf"].to_numpy())
    expected = pd.Series(truth["person_id"].to_numpy(), index=truth["ad_id"].to_numpy())
    return result, score_clusters(predicted, expected)


# Censuses unlike the shipped sample: other sizes, seeds and shares of hard cases.
OTHER_CENSUSES = [
    CensusSpec(seed=11, ads=1500, persons=400, sites=20),
    CensusSpec(seed=12, agency_share=0.35, phone_change_rate=0.3),
    CensusSpec(seed=13, common_name_share=0.7, obfuscation_rate=0.4, missing_rate=0.2),
    CensusSpec(seed=14, ads=3000, persons=2000, touring_rate=0.6, edit_rate=0.9),
    EVERY_HARD_CASE,
]


@pytest.mark.parametrize("spec", [CensusSpec(), *OTHER_CENSUSES], ids=lambda s: f"seed{s.seed}")
def test_quality_bar_holds_on_generated_censuses(tmp_path, spec):
    _, scores = run_census(tmp_path, spec)
    assert scores.bcubed_f1 >= 0.95, scores
    assert abs(scores.persons_error) <= 0.05, scores


def test_sample_file_meets_the_bar(sample_dir):
    result = dedupe([sample_dir / "ads.csv"])
    truth = pd.read_csv(sample_dir / "truth.csv", dtype=str)
    predicted = pd.Series(result.ads[col.PERSON_ID].to_numpy(), index=result.ads["Réf"].to_numpy())
    scores = score_clusters(predicted, truth.set_index("ad_id")["person_id"])
    assert scores.ads == 699
    assert scores.persons_true == 273
    assert scores.bcubed_f1 >= 0.95
    assert abs(scores.persons_error) <= 0.05


def test_every_row_is_kept_in_order_with_values_untouched(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(
        "id,tel,pseudo,texte,notes\n"
        "r1,06 39 98 10 01,Léa,Nouvelle,=1+1\n"
        "r2,0639981001,Lea,Nouvelle ici,007\n"
        "r3,,,,\n",
        encoding="utf-8",
    )
    result = dedupe([path])
    ads = result.ads
    assert ads["id"].tolist() == ["r1", "r2", "r3"]
    assert ads["notes"].tolist()[:2] == ["=1+1", "007"]
    assert ads[col.PERSON_ID].iloc[0] == ads[col.PERSON_ID].iloc[1] != ads[col.PERSON_ID].iloc[2]
    assert ads[col.PHONES].tolist() == ["+33639981001", "+33639981001", ""]
    assert result.summary["ads"] == 3 and result.summary["persons"] == 2


def test_outputs_follow_the_contract_and_are_byte_identical(tmp_path, sample_dir):
    result = dedupe([sample_dir / "ads.csv"])
    first, second = tmp_path / "one", tmp_path / "two"
    write_outputs(result, first)
    write_outputs(dedupe([sample_dir / "ads.csv"]), second)
    for name in ("ads.csv", "persons.csv", "pairs.csv", "summary.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    ads = pd.read_csv(first / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert list(ads.columns[-6:]) == list(col.ADS_OUTPUT_COLUMNS)
    persons = pd.read_csv(first / "persons.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert list(persons.columns) == [*col.PERSONS_COLUMNS, *col.PROFILE_COLUMNS]
    assert persons["ads"].astype(int).sum() == len(ads) == 699
    pairs = pd.read_csv(first / "pairs.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert list(pairs.columns[:5]) == list(col.PAIRS_COLUMNS)
    assert set(pairs["decision"]) <= {"link", "doubtful", "conflict", "agency"}
    summary = json.loads((first / "summary.json").read_text(encoding="utf-8"))
    assert summary["doublon_rate"] == pytest.approx(1 - summary["persons"] / summary["ads"])
    assert summary["inputs"][0]["rows"] == 699
    assert (first / "ads.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_ids_do_not_change_when_rows_are_shuffled(tmp_path, sample_dir):
    original = pd.read_csv(sample_dir / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str)
    shuffled = original.sample(frac=1, random_state=3)
    path = tmp_path / "shuffled.csv"
    shuffled.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    before = dedupe([sample_dir / "ads.csv"]).ads.set_index("Réf")[col.PERSON_ID]
    after = dedupe([path]).ads.set_index("Réf")[col.PERSON_ID]
    assert after.loc[before.index].tolist() == before.tolist()


def test_pairs_do_not_change_when_rows_are_shuffled(tmp_path, sample_dir):
    # Rows out of key order once gave each pair another pair's decision (a pair with
    # decision "conflict" and same_person 1): decisions must follow their pairs.
    original = pd.read_csv(sample_dir / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str)
    path = tmp_path / "shuffled.csv"
    original.sample(frac=1, random_state=4).to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    columns = ["score", "decision", "same_person"]  # evidence gives ages in row order
    before = dedupe([sample_dir / "ads.csv"]).pairs.set_index(["ad_a", "ad_b"]).sort_index()
    after = dedupe([path]).pairs.set_index(["ad_a", "ad_b"]).sort_index()
    assert before.index.equals(after.index)
    pd.testing.assert_frame_equal(before[columns], after[columns])
    conflicts = after[after["decision"] == "conflict"]
    assert (conflicts["same_person"] == 0).all()


def test_excel_serials_fill_first_seen_and_unreadable_dates_are_flagged_and_counted(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(
        "id,tel,date\n"
        "r1,0654123401,43376\n"
        "r2,0654123401,43405.5\n"
        "r3,0654123402,bientôt\n"
        "r4,0654123403,\n",
        encoding="utf-8",
    )
    result = dedupe([path])
    assert result.ads[col.FLAGS].tolist() == ["", "", "unreadable_date", ""]
    assert result.summary["unreadable_cells"] == {"date": 1}
    seen = result.persons.set_index("ads")[["first_seen", "last_seen"]]
    assert seen.loc[2].tolist() == ["2018-10-03", "2018-11-01"]
