"""Profiles as the ads state them: each field on a corpus of wordings, then per person."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from adcensus.errors import InputError
from adcensus.profiles import ad_profile, load_origins, person_profiles, profiles_summary

CORPUS = Path(__file__).parent / "data" / "profiles" / "wordings.csv"
ROWS = list(csv.DictReader(CORPUS.open(encoding="utf-8")))


def _split(cell: str) -> set[str]:
    return {x for x in cell.split(";") if x}


@pytest.mark.parametrize("row", ROWS, ids=[r["text"][:30] for r in ROWS])
def test_age(row: dict[str, str]) -> None:
    found = ad_profile(row["text"], age=row["age"], category=row["category"])
    assert {str(a) for a in found.ages} == _split(row["ages"]), row["why"]


@pytest.mark.parametrize("row", ROWS, ids=[r["text"][:30] for r in ROWS])
def test_origin(row: dict[str, str]) -> None:
    found = ad_profile(row["text"], age=row["age"], category=row["category"])
    assert set(found.origins) == _split(row["origins"]), row["why"]


@pytest.mark.parametrize("row", ROWS, ids=[r["text"][:30] for r in ROWS])
def test_presentation(row: dict[str, str]) -> None:
    found = ad_profile(row["text"], age=row["age"], category=row["category"])
    assert found.presentation == row["presentation"], row["why"]


@pytest.mark.parametrize("row", ROWS, ids=[r["text"][:30] for r in ROWS])
def test_kind_wording(row: dict[str, str]) -> None:
    found = ad_profile(row["text"], age=row["age"], category=row["category"])
    assert set(found.kinds) == _split(row["kinds"]), row["why"]


@pytest.mark.parametrize("row", ROWS, ids=[r["text"][:30] for r in ROWS])
def test_check_wording(row: dict[str, str]) -> None:
    found = ad_profile(row["text"], age=row["age"], category=row["category"])
    assert set(found.wording) == _split(row["wording"]), row["why"]


def test_title_counts_with_text() -> None:
    found = ad_profile("Disponible ce soir", title="Léa brésilienne 22 ans")
    assert found.ages == (22,) and found.origins == ("Brazil",)


def test_user_origins_file_extends_the_list(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text('Eritrea = ["érythréenne"]\nBrazil = ["carioca"]\n', encoding="utf-8")
    assert ad_profile("Érythréenne et carioca", origins=str(extra)).origins == ("Brazil", "Eritrea")
    assert ad_profile("Érythréenne").origins == ()


def test_bad_origins_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('Brazil = "carioca"\n', encoding="utf-8")
    with pytest.raises(InputError, match="must be a list of words"):
        load_origins(str(bad))
    with pytest.raises(InputError, match="not found"):
        load_origins(str(tmp_path / "missing.toml"))


def _ads(rows: list[tuple[str, str, str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["person_id", "network_id", "text", "age", "city", "date"], dtype="str"
    )


def test_person_profiles_gathers_all_ads_and_shows_conflicts() -> None:
    ads = _ads(
        [
            ("P2", "N1", "Brésilienne", "22", "Lens", "2018-09-01"),
            ("P2", "N1", "Colombienne de passage", "25", "Lens", "2018-09-03"),
            ("P1", "N2", "Femme douce", "30", "Arras", "2018-09-01"),
            ("P1", "N2", "TRANS", "30", "Arras", "2018-12-01"),
            ("P3", "N2", "Masseur", "", "Arras", "2018-10-01"),
            ("P4", "P4", "Nouvelle", "", "Lens", "2018-10-01"),
            ("P4", "P4", "Nouvelle", "", "Calais", "2018-10-10"),
            ("P5", "P5", "", "", "Lens", "2018-10-01"),
            ("P5", "P5", "", "", "Calais", "2018-12-10"),
        ]
    )
    out = person_profiles(ads)
    assert list(out.index) == ["P1", "P2", "P3", "P4", "P5"]
    p1, p2 = out.loc["P1"], out.loc["P2"]
    assert (p2["ages_stated"], p2["age_group"], bool(p2["age_conflict"])) == (
        "22;25",
        "22-25",
        True,
    )
    assert p2["origin"] == "Brazil;Colombia"
    assert p2["conflicts"] == "age;origin"
    assert p2["kind"] == "touring"  # wording
    assert p1["presentation"] == "trans;woman" and p1["conflicts"] == "presentation"
    assert p1["kind"] == "agency"  # network N2 holds P1 and P3
    assert out.loc["P3", "presentation"] == "man"
    assert out.loc["P4", "kind"] == "touring"  # two cities 9 days apart
    assert out.loc["P5", "kind"] == "independent"  # two cities 70 days apart
    assert out.loc["P5", "age_group"] == "unknown" and out.loc["P5", "origin"] == "unknown"


def test_age_group_is_the_age_stated_most_often() -> None:
    ads = _ads([("P1", "P1", "", a, "", "") for a in ("26", "25", "26")])
    assert person_profiles(ads).loc["P1", "age_group"] == "26-35"
    tie = _ads([("P1", "P1", "", a, "", "") for a in ("26", "25")])
    assert person_profiles(tie).loc["P1", "age_group"] == "22-25"


def test_may_be_minor_lists_stated_minors_and_checks_at_18_19() -> None:
    ads = _ads(
        [
            ("P1", "P1", "Léa", "17", "", ""),
            ("P2", "P2", "Petite étudiante", "19", "", ""),
            ("P3", "P3", "Nouvelle sur Lens", "19", "", ""),
            ("P4", "P4", "Jeune", "22", "", ""),
            ("P5", "P5", "18+ only, pas de mineurs", "", "", ""),
        ]
    )
    out = person_profiles(ads)
    assert out["may_be_minor"].tolist() == [True, True, False, False, False]
    assert out.loc["P1", "minor_reason"] == "stated age 17"
    assert out.loc["P1", "age_group"] == "under 18 stated"
    assert out.loc["P2", "minor_reason"] == "stated age 19 with wording: petite, étudiante"


def test_set_aside_rows_and_prefixed_columns() -> None:
    ads = pd.DataFrame(
        {"adcensus_person_id": ["P1", None], "Texte": ["Roumaine 20 ans", "total"]}, dtype="str"
    )
    out = person_profiles(ads, columns={"text": "Texte"})
    assert list(out.index) == ["P1"] and out.loc["P1", "origin"] == "Romania"


def test_ads_without_persons_are_one_clear_error() -> None:
    with pytest.raises(InputError, match="no person_id column"):
        person_profiles(pd.DataFrame({"text": ["Léa 22 ans"]}))


def test_profiles_summary_counts() -> None:
    ads = _ads(
        [
            ("P1", "P1", "Roumaine", "20", "", ""),
            ("P2", "P2", "Roumaine", "30", "", ""),
            ("P3", "P3", "", "", "", ""),
            ("P4", "P4", "", "16", "", ""),
        ]
    )
    summary = profiles_summary(person_profiles(ads))
    assert summary["age_group"]["18-21"] == 1 and summary["age_group"]["unknown"] == 1
    assert summary["aged_25_or_less_share"] == round(2 / 3, 4)
    assert summary["origin"] == {"Romania": 2, "unknown": 2}
    assert summary["may_be_minor"] == 1


def _messy(tmp_path: Path) -> Path:
    path = tmp_path / "ads.csv"
    path.write_text(
        "Réf;Ville;Date;Téléphone;Âge;Texte\n"
        "1;Arras;01/10/2026;06 39 98 10 01;17;Érythréenne, nouvelle\n"
        "2;Lens;03/10/2026;06 39 98 10 01;17;Érythréenne de passage\n"
        "3;Lens;03/10/2026;06 39 98 20 02;;TRANS brésilienne 25a\n",
        encoding="utf-8",
    )
    return path


def test_dedupe_writes_profiles_into_persons_csv_and_summary(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from adcensus import columns as col
    from adcensus.cli import app

    extra = tmp_path / "mine.toml"
    extra.write_text('Eritrea = ["érythréenne"]\n', encoding="utf-8")
    out = tmp_path / "out"
    args = ["dedupe", str(_messy(tmp_path)), "-o", str(out), "--origins", str(extra), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    persons = pd.read_csv(out / "persons.csv", sep=";", dtype=str, keep_default_na=False)
    persons.columns = [c.lstrip("\ufeff") for c in persons.columns]
    assert list(persons.columns) == [*col.PERSONS_COLUMNS, *col.PROFILE_COLUMNS]
    rows = persons.set_index("phones")
    minor = rows.loc["+33639981001"]
    assert (minor["origin"], minor["kind"], minor["may_be_minor"]) == ("Eritrea", "touring", "yes")
    assert minor["minor_reason"] == "stated age 17"
    trans = rows.loc["+33639982002"]
    assert (trans["presentation"], trans["origin"], trans["age_group"]) == (
        "trans",
        "Brazil",
        "22-25",
    )
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["profiles"]["may_be_minor"] == 1
    assert summary["profiles"]["origin"] == {"Brazil": 1, "Eritrea": 1}
    assert summary["settings"]["origins"] == str(extra)


def test_tally_by_profile_keys_on_the_command_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from adcensus.cli import app

    result = CliRunner().invoke(
        app, ["tally", str(_messy(tmp_path)), "--by", "presentation", "-f", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "trans;1;1;0.0;1;0;0;0;1",
        "woman;2;1;0.5;1;0;1;0;1",
    ]
    bad = CliRunner().invoke(app, ["tally", str(tmp_path / "ads.csv"), "--origins", "nope.toml"])
    assert bad.exit_code == 2 and "nope.toml: origins file not found" in bad.output


def test_person_profiles_of_ads_csv_read_back_match_persons_csv(tmp_path: Path) -> None:
    from adcensus.dedupe import dedupe
    from adcensus.outputs import read_output_csv, write_outputs

    sample = Path(__file__).parent.parent / "data" / "sample" / "ads.csv"
    write_outputs(dedupe([sample]), tmp_path / "out")
    ads = read_output_csv(tmp_path / "out" / "ads.csv")  # French headers, all text
    # a path given as text, as a Python user types it (it raised AttributeError)
    pd.testing.assert_frame_equal(read_output_csv(str(tmp_path / "out" / "ads.csv")), ads)
    persons = read_output_csv(tmp_path / "out" / "persons.csv").set_index("person_id")
    found = person_profiles(ads)
    assert found["origin"].ne("unknown").sum() > 40
    for name in ("age_group", "ages_stated", "origin", "presentation", "kind", "conflicts"):
        assert found[name].tolist() == persons.loc[found.index, name].tolist(), name
    minors = persons.loc[found.index, "may_be_minor"].eq("yes").tolist()
    assert found["may_be_minor"].tolist() == minors


def test_reading_over_worker_processes_gives_the_same_profiles(monkeypatch) -> None:
    from adcensus import parallel
    from adcensus.outputs import read_output_csv

    sample = Path(__file__).parent.parent / "data" / "sample" / "ads.csv"
    ads = read_output_csv(sample).assign(person_id=lambda f: "P" + f["Pseudo"].str.lower())
    alone = person_profiles(ads, workers=1)
    monkeypatch.setattr(parallel, "MIN_ROWS_PER_WORKER", 10)
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 50)
    pd.testing.assert_frame_equal(person_profiles(ads, workers=2), alone)
