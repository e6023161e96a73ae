"""tally: counts per group, new and returning persons, touring, and the output formats."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from adcensus.dedupe import dedupe
from adcensus.errors import UsageError
from adcensus.outputs import write_outputs
from adcensus.privacy import pseudonym
from adcensus.tally import (
    TALLY_COLUMNS,
    TallyInput,
    mask_keys,
    parse_day,
    pseudonymize_keys,
    read_source,
    render,
    resolve_keys,
    tally,
)
from adcensus.write import csv_bytes


def ads(*rows: tuple[str, str, str | None, str, str], **originals: list[str]) -> TallyInput:
    """Ads as (person, network, date, site, city) tuples."""
    frame = pd.DataFrame(rows, columns=["person_id", "network_id", "date", "site", "city"])
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[us]")
    return TallyInput(frame, pd.DataFrame(originals, index=frame.index), "test")


# Léa: October in Arras, November touring Arras and Lens. Nora: November only, with Léa's
# agency (network N1). Ines: October, then December. One ad without a date.
CENSUS = ads(
    ("P1", "N1", "2026-10-03", "a.test", "Arras"),
    ("P1", "N1", "2026-11-02", "a.test", "Arras"),
    ("P1", "N1", "2026-11-20", "b.test", "LENS"),
    ("P2", "N1", "2026-11-05", "b.test", "Lens"),
    ("P3", "N3", "2026-10-30", "a.test", "Arras"),
    ("P3", "N3", "2026-12-01", "a.test", "arras"),
    ("P4", "N4", None, "b.test", ""),
    pseudo=["Léa", "Léa", "Lea", "Nora", "Ines", "Ines", "Zoé"],
)


def rows(frame: pd.DataFrame, *columns: str) -> list[list[object]]:
    return frame[list(columns)].astype(object).values.tolist()


def test_by_month_counts_new_returning_and_touring_persons() -> None:
    counted = tally(CENSUS, ["month"])
    assert list(counted.columns) == ["month", *TALLY_COLUMNS]
    assert rows(counted, "month", "ads", "persons", "new_persons", "returning_persons") == [
        ["2026-10", 2, 2, 2, 0],
        ["2026-11", 3, 2, 1, 1],
        ["2026-12", 1, 1, 0, 1],
        [None, 1, 1, 0, 0],  # no date: no month, neither new nor returning
    ]
    assert counted["touring_persons"].tolist() == [0, 1, 0, 0]
    assert counted["networks"].tolist() == [2, 1, 1, 1]
    assert counted["persons_in_networks"].tolist() == [1, 2, 0, 0]
    assert counted["doublon_rate"].tolist() == [0.0, 0.333333, 0.0, 0.0]


def test_by_week_uses_iso_weeks_as_periods() -> None:
    counted = tally(CENSUS, ["week"])
    assert counted["week"].tolist()[:3] == ["2026-W40", "2026-W44", "2026-W45"]
    # Léa's second ad (week 45) comes back after week 40: returning.
    assert rows(counted, "week", "new_persons", "returning_persons")[2] == ["2026-W45", 1, 1]


def test_without_a_time_key_the_window_is_the_period() -> None:
    counted = tally(CENSUS, [], since=date(2026, 11, 1), until=date(2026, 11, 30))
    assert rows(counted, "ads", "persons", "new_persons", "returning_persons") == [[3, 2, 1, 1]]
    everything = tally(CENSUS)
    assert rows(everything, "ads", "persons", "new_persons", "returning_persons") == [[7, 4, 3, 0]]


def test_city_and_site_spellings_fold_together_shown_by_the_most_common() -> None:
    counted = tally(CENSUS, ["city"])
    assert rows(counted, "city", "ads", "persons") == [
        ["Arras", 4, 2],
        ["Lens", 2, 2],
        [None, 1, 1],
    ]
    assert tally(CENSUS, ["month", "site"])["site"].tolist()[:3] == ["a.test", "a.test", "b.test"]


def test_city_is_folded_as_in_the_report_saint_and_hyphens_included() -> None:
    census = ads(
        ("P1", "N1", "2026-10-03", "a.test", "St Omer"),
        ("P1", "N1", "2026-10-04", "a.test", "Saint-Omer"),
        ("P2", "N2", "2026-10-05", "a.test", "Saint-Omer"),
        ("P2", "N2", "2026-10-06", "a.test", "Boulogne sur mer"),
    )
    counted = tally(census, ["city"])
    assert rows(counted, "city", "ads", "persons") == [
        ["Boulogne sur mer", 1, 1],
        ["Saint-Omer", 3, 2],
    ]
    assert tally(census)["touring_persons"].tolist() == [1]  # P2 only; P1 stayed put


def test_keys_combine_and_any_column_can_be_a_key() -> None:
    counted = tally(CENSUS, ["month", "pseudo"])
    assert rows(counted, "month", "pseudo", "ads")[:3] == [
        ["2026-10", "Ines", 1],
        ["2026-10", "Léa", 1],
        ["2026-11", "Lea", 1],
    ]
    by_network = tally(CENSUS, ["network"])
    assert rows(by_network, "network", "persons") == [["N1", 2], ["N3", 1], ["N4", 1]]


def test_a_key_named_like_a_count_is_prefixed() -> None:
    data = ads(("P1", "N1", "2026-10-01", "s", "c"), ads=["x"])
    assert list(tally(data, ["ads"]).columns[:2]) == ["by_ads", "ads"]


def test_since_and_until_filter_ads_but_first_appearance_is_over_everything() -> None:
    counted = tally(CENSUS, ["month"], since=date(2026, 11, 1))
    assert counted["month"].tolist() == ["2026-11", "2026-12"]
    assert counted["returning_persons"].tolist() == [1, 1]  # seen in October, before the window
    assert tally(CENSUS, ["month"], since=date(2030, 1, 1)).empty


def test_render_formats() -> None:
    counted = tally(CENSUS, ["month"]).head(2)
    csv = render(counted, "csv").decode("utf-8")
    assert csv == csv_bytes(counted).decode("utf-8")  # as dedupe writes its CSV files
    assert csv.splitlines()[0] == "\ufeffmonth;" + ";".join(TALLY_COLUMNS)
    assert csv.splitlines()[1] == "2026-10;2;2;0.0;2;0;0;1;2"
    assert render(counted, "csv", ",").decode().splitlines()[1].startswith("2026-10,2,2,")
    data = json.loads(render(tally(CENSUS, ["month"]), "json"))
    assert data[0] == {
        "month": "2026-10", "ads": 2, "persons": 2, "doublon_rate": 0.0, "new_persons": 2,
        "returning_persons": 0, "touring_persons": 0, "persons_in_networks": 1, "networks": 2,
    }  # fmt: skip
    assert data[-1]["month"] is None
    markdown = render(counted, "markdown").decode().splitlines()
    assert markdown[0] == "| month | " + " | ".join(TALLY_COLUMNS) + " |"
    assert markdown[1] == "|---|" + "---:|" * len(TALLY_COLUMNS)
    with pytest.raises(UsageError):
        render(counted, "xml")


def test_csv_cells_a_spreadsheet_would_run_are_neutralised() -> None:
    data = ads(("P1", "N1", "2026-10-01", "s", "c"), note=["=HYPERLINK(1)"])
    assert render(tally(data, ["note"]), "csv").splitlines()[1].startswith(b"'=HYPERLINK(1);")


def test_parse_day_and_resolve_keys() -> None:
    assert parse_day("2026-10", "--since") == date(2026, 10, 1)
    assert parse_day("2026-02", "--until", end=True) == date(2026, 2, 28)
    assert parse_day(" 2026-10-15 ", "--since") == date(2026, 10, 15)
    with pytest.raises(UsageError, match="--since must be a day"):
        parse_day("15/10/2026", "--since")
    keys = resolve_keys(["month,city", "ville", "month"], ["Ville", "Site"], "f")
    assert keys == ["month", "city", "Ville"]
    with pytest.raises(UsageError, match="no such column; its columns: 'Ville', 'Site'"):
        resolve_keys(["pays"], ["Ville", "Site"], "f")


def test_an_ad_file_and_its_dedupe_folder_give_the_same_counts(sample_dir, tmp_path) -> None:
    path = sample_dir / "ads.csv"
    write_outputs(dedupe([path]), tmp_path / "out")
    from_file, keys = read_source(path, ["month", "Site"])
    from_folder, same_keys = read_source(tmp_path / "out", ["month", "Site"])
    assert keys == same_keys == ["month", "Site"]
    expected = tally(from_file, keys)
    pd.testing.assert_frame_equal(tally(from_folder, keys), expected)
    assert expected["ads"].sum() == 699
    assert expected["month"].dropna().unique().tolist() == [
        "2018-09",
        "2018-10",
        "2018-11",
        "2018-12",
    ]


def test_months_with_other_headers_tally_alike_from_the_store_and_its_export(tmp_path) -> None:
    from adcensus.store import export_store, load_into_store

    october = tmp_path / "ads-2026-10.csv"
    october.write_text(
        "id;date;ville;tel;pseudo\n"
        "1;01/10/2026;Arras;06 39 98 10 01;Léa\n"
        "2;02/10/2026;Lens;06 39 98 10 01;Léa\n",
        encoding="utf-8",
    )
    november = tmp_path / "ads-2026-11.csv"
    november.write_text(
        "ref,posted,city,phone,name\n"
        "7,2026-11-03,Lens,+33639981001,Lea\n"
        "8,2026-11-04,Lille,+33639982002,Nora\n",
        encoding="utf-8",
    )
    store = tmp_path / "census.db"
    load_into_store(store, [october])
    load_into_store(store, [november])
    export_store(store, tmp_path / "out")
    counts = [
        tally(*read_source(source, ["month", "city"])) for source in (store, tmp_path / "out")
    ]
    pd.testing.assert_frame_equal(counts[0], counts[1])
    assert rows(counts[0], "month", "city", "persons", "new_persons", "returning_persons") == [
        ["2026-10", "Arras", 1, 1, 0],
        ["2026-10", "Lens", 1, 1, 0],
        ["2026-11", "Lens", 1, 0, 1],
        ["2026-11", "Lille", 1, 1, 0],
    ]
    assert tally(*read_source(store, ["month"]))["touring_persons"].tolist() == [1, 0]
    # Each file named the phone column its own way: both are phone columns, one token each.
    data, _ = read_source(store, ["tel", "phone"])
    assert (data.roles["tel"], data.roles["phone"]) == ("phone", "phone")
    private = pseudonymize_keys(data, KEY).originals
    lea = pseudonym("+33639981001", KEY, "phone")
    assert private["tel"].tolist()[:2] == private["phone"].tolist()[2:3] * 2 == [lea, lea]


KEY = bytes(range(32))
PHONED = ads(
    ("P1", "N1", "2026-10-03", "a.test", "Arras"),
    ("P1", "N1", "2026-10-04", "a.test", "Arras"),
    ("P2", "N2", "2026-10-05", "b.test", "Lens"),
    tel=["06 39 98 10 01", "+33639981001", "voir annonce"],
    pseudo=["Léa", "LEA", "Nora"],
    ville=["Arras", "Arras", "Lens"],
)
PHONED = replace(PHONED, roles={"tel": "phone", "pseudo": "name", "ville": "city"})


def test_identifying_keys_become_the_tokens_dedupe_writes() -> None:
    private = pseudonymize_keys(PHONED, KEY)
    lea = pseudonym("+33639981001", KEY, "phone")
    assert private.originals["tel"].tolist() == [lea, lea, pseudonym("voir annonce", KEY, "phone")]
    assert private.originals["pseudo"].nunique() == 2
    assert private.originals["pseudo"][0] == pseudonym("Léa", KEY, "name")
    assert private.originals["ville"].tolist() == ["Arras", "Arras", "Lens"]
    # Two spellings of one number are one group once they are tokens.
    assert rows(tally(private, ["tel"]), "tel", "ads", "persons")[0] == [lea, 2, 1]
    assert pseudonymize_keys(private, KEY).originals.equals(private.originals)


def test_tables_mask_phone_numbers_in_keys() -> None:
    counted = tally(PHONED, ["tel", "ville", "month"])
    masked = mask_keys(counted, ["tel", "ville", "month"], PHONED)
    assert "06 39 98 10 01" in counted["tel"].tolist()
    assert masked["tel"].tolist()[:2] == ["+33 6 •• •• •• 01", "+33 6 •• •• •• 01"]
    assert masked["ville"].equals(counted["ville"]) and masked["month"].equals(counted["month"])


def test_sources_say_the_role_of_each_key_column(sample_dir, tmp_path) -> None:
    path = sample_dir / "ads.csv"
    write_outputs(dedupe([path]), tmp_path / "out")
    for source in (path, tmp_path / "out"):
        data, _ = read_source(source, ["Téléphone", "Pseudo", "Ville"])
        roles = {k: data.roles.get(k) for k in ("Téléphone", "Pseudo", "Ville")}
        assert roles == {"Téléphone": "phone", "Pseudo": "name", "Ville": "city"}
        assert data.region == "FR"


def test_profile_keys_from_an_ad_file_a_folder_and_an_old_folder_agree(
    sample_dir, tmp_path
) -> None:
    path = sample_dir / "ads.csv"
    write_outputs(dedupe([path]), tmp_path / "out")
    keys = ["age_group", "origin", "kind", "presentation"]
    expected = tally(*read_source(path, keys))
    pd.testing.assert_frame_equal(tally(*read_source(tmp_path / "out", keys)), expected)
    # A folder written before profiles: they are read from its ads instead.
    persons = tmp_path / "out" / "persons.csv"
    old = pd.read_csv(persons, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    old.drop(columns=keys).to_csv(persons, sep=";", index=False, encoding="utf-8-sig")
    summary_path = tmp_path / "out" / "summary.json"  # nor the files' hashes, then
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary_path.write_text(
        json.dumps({k: v for k, v in summary.items() if k not in ("files", "run_id")}),
        encoding="utf-8",
    )
    pd.testing.assert_frame_equal(tally(*read_source(tmp_path / "out", keys)), expected)
    by_group = tally(*read_source(path, ["age_group"]))
    assert by_group["persons"].sum() == dedupe([path]).summary["persons"]
    assert "18-21" in by_group["age_group"].tolist()


def test_profile_keys_from_a_store_read_its_texts(tmp_path) -> None:
    from adcensus.store import load_into_store

    october = tmp_path / "ads.csv"
    october.write_text(
        "id;date;ville;tel;texte\n"
        "1;01/10/2026;Arras;06 39 98 10 01;Brésilienne 22 ans\n"
        "2;02/10/2026;Lens;06 39 98 10 01;Brésilienne de passage\n"
        "3;02/10/2026;Lens;06 39 98 20 02;Roumaine 30 ans\n",
        encoding="utf-8",
    )
    store = tmp_path / "census.db"
    load_into_store(store, [october])
    counts = tally(*read_source(store, ["origin", "kind"]))
    assert rows(counts, "origin", "kind", "persons", "ads") == [
        ["Brazil", "touring", 1, 2],
        ["Romania", "independent", 1, 1],
    ]
