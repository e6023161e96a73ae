"""The census store: monthly loads, stable person ids, recorded merges and splits, no half loads."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcensus import columns as col
from adcensus.dedupe import dedupe
from adcensus.errors import AdcensusError, InputError
from adcensus.evaluate import score_clusters
from adcensus.read import read_ads
from adcensus.settings import Settings
from adcensus.store import (
    current_person_id,
    export_store,
    fingerprints,
    load_into_store,
    normalize_url,
    reconcile,
    store_info,
)
from adcensus.store import persist as store_persist
from adcensus.store import schema as store_schema
from adcensus.synth import CensusSpec, generate_census
from adcensus.tally import read_source, tally

MONTHS = ("2026-10", "2026-11", "2026-12")
SPEC = CensusSpec(
    ads=1200, persons=450, sites=15, start=date(2026, 10, 1), end=date(2026, 12, 31),
    phone_change_rate=0.2, touring_rate=0.4, seed=21,
)  # fmt: skip


def dump(path: Path) -> list[str]:
    """Every row of every table, as SQL text: equal dumps are equal stores."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def query(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | pd.DataFrame]:
    """Three monthly files cut from one generated census, and its truth with month and date."""
    folder = tmp_path_factory.mktemp("months")
    ads, truth = generate_census(SPEC)
    day = pd.to_datetime(ads["Date de collecte"], format="%d/%m/%Y")
    month = day.dt.strftime("%Y-%m")
    files: dict[str, Path | pd.DataFrame] = {}
    for name in MONTHS:
        path = folder / f"ads-{name}.csv"
        ads[month == name].to_csv(path, sep=";", index=False, encoding="utf-8-sig")
        files[name] = path
    truth = truth.set_index("ad_id").loc[ads["Réf"]].reset_index()
    truth["month"] = month.to_numpy()
    truth["day"] = day.to_numpy()
    truth["city"] = ads["Ville"].to_numpy()
    files["truth"] = truth
    return files


@pytest.fixture(scope="module")
def census(months, tmp_path_factory) -> dict[str, object]:
    """A store loaded month by month; the ids each month's ads had right after their load."""
    store = tmp_path_factory.mktemp("store") / "census.db"
    ids_after_load = {}
    results = []
    for name in MONTHS:
        results.append(load_into_store(store, [months[name]]))
        ids_after_load[name] = dict(query(store, "SELECT ad_key, person_id FROM ads"))
    return {"store": store, "results": results, "ids_after_load": ids_after_load}


@pytest.fixture
def store_copy(census, tmp_path) -> Path:
    copy = tmp_path / "census.db"
    shutil.copy(census["store"], copy)
    return copy


def stored_ads(store: Path) -> pd.DataFrame:
    rows = query(store, "SELECT ad_key, person_id, first_person_id, row FROM ads ORDER BY ad_no")
    frame = pd.DataFrame(rows, columns=["ad_key", "person_id", "first_person_id", "row"])
    frame["ref"] = [json.loads(r)["Réf"] for r in frame["row"]]
    return frame.drop(columns="row")


# ---- the acceptance test: three generated months --------------------------------


def test_three_months_link_to_the_persons_already_known(months, census) -> None:
    truth = months["truth"].rename(columns={"person_id": "true_id"})
    ads = stored_ads(census["store"]).merge(truth, left_on="ref", right_on="ad_id")
    assert len(ads) == SPEC.ads
    scores = score_clusters(
        pd.Series(ads["person_id"].to_numpy(), index=ads["ref"].to_numpy()),
        pd.Series(ads["true_id"].to_numpy(), index=ads["ref"].to_numpy()),
    )
    assert scores.bcubed_f1 >= 0.95, scores
    # A true person seen in several months carries one store id from month to month,
    # through phone changes and tours, as often as one dedupe of the three files links them.
    once = dedupe([months[m] for m in MONTHS]).ads
    once = once.assign(ref=once["Réf"]).merge(truth, left_on="ref", right_on="ad_id")
    kept, persons = kept_across_months(ads)
    assert persons >= 100
    assert kept >= 0.9
    assert kept >= kept_across_months(once)[0] - 0.01


def kept_across_months(ads: pd.DataFrame) -> tuple[float, int]:
    """Share of true persons seen in 2+ months whose ads carry one id in every month."""
    per_month = ads.groupby(["true_id", "month"])["person_id"].agg(lambda s: s.mode().iloc[0])
    months_seen = per_month.groupby(level="true_id").size()
    several = per_month.index.get_level_values("true_id").isin(months_seen[months_seen >= 2].index)
    kept = per_month[several].groupby(level="true_id").nunique() == 1
    return float(kept.mean()), len(kept)


def test_person_ids_never_change_without_a_recorded_move(months, census) -> None:
    store = census["store"]
    now = dict(query(store, "SELECT ad_key, person_id FROM ads"))
    moved = {key for (key,) in query(store, "SELECT ad_key FROM moves")}
    for name in MONTHS:
        for key, given_then in census["ids_after_load"][name].items():
            assert now[key] == given_then or key in moved, (name, key)
    # Replaying the moves, load after load, from each ad's first id gives its id today.
    replay = dict(query(store, "SELECT ad_key, first_person_id FROM ads"))
    for key, _, to in query(
        store, "SELECT ad_key, from_person_id, to_person_id FROM moves ORDER BY move_id"
    ):
        replay[key] = to
    assert replay == now
    # Every id ever given still exists: active, or merged into one that does.
    persons = dict(query(store, "SELECT person_id, status FROM persons"))
    assert set(now.values()) == {p for p, s in persons.items() if s == "active"}
    assert len(persons) == census["results"][-1].summary["store"]["person_ids_given"]
    for person in persons:
        assert persons[current_person_id(store, person)] == "active"


def test_new_and_returning_persons_match_the_generator_truth(months, census) -> None:
    truth = months["truth"]
    first = truth.groupby("person_id")["month"].transform("min")
    expected = pd.DataFrame(
        {
            "persons": truth.groupby("month")["person_id"].nunique(),
            "new": truth[first == truth["month"]].groupby("month")["person_id"].nunique(),
            "returning": truth[first < truth["month"]].groupby("month")["person_id"].nunique(),
        }
    ).fillna(0)
    cities = truth.groupby(["month", "person_id"])["city"].nunique()
    expected["touring"] = (cities >= 2).groupby(level="month").sum()
    data, keys = read_source(census["store"], ["month"])
    counted = tally(data, keys).set_index("month")
    assert list(counted.index) == list(MONTHS)
    assert counted["ads"].tolist() == truth.groupby("month").size().tolist()
    for ours, theirs in (
        ("persons", "persons"),
        ("new_persons", "new"),
        ("returning_persons", "returning"),
        ("touring_persons", "touring"),
    ):
        for month in MONTHS:
            want = expected.loc[month, theirs]
            got = counted.loc[month, ours]
            # Within 5 persons or 10 %: the learned weights miss a few phone changers
            # between months (November: 47 returning of 51) that the hand weights caught.
            assert abs(got - want) <= max(5, 0.1 * want), (ours, month, got, want)
    assert counted.loc["2026-10", "returning_persons"] == 0
    assert (counted["returning_persons"].iloc[1:] >= 40).all()
    assert (counted["new_persons"] + counted["returning_persons"] == counted["persons"]).all()


def test_reloading_a_month_adds_nothing(months, store_copy) -> None:
    before = dump(store_copy)
    again = load_into_store(store_copy, [months["2026-11"]])
    assert again.load_id is None
    assert (again.added, again.files[0].duplicates) == (0, again.files[0].rows)
    assert dump(store_copy) == before


def test_rows_collected_again_are_recognised_by_url(months, store_copy, tmp_path) -> None:
    december = pd.read_csv(months["2026-12"], sep=";", dtype=str, encoding="utf-8-sig")
    again = december.head(5).copy()
    upper_host = lambda m: "http://" + m.group(1).upper()  # noqa: E731
    again["Lien"] = again["Lien"].str.replace(r"^https://([^/]+)", upper_host, regex=True) + "/"
    again["Date de collecte"] = "02/01/2027"  # seen again next month: the same ad
    fresh = again.head(1).assign(Lien="https://new.example/ad/1", Réf="B1")
    path = tmp_path / "ads-2027-01.csv"
    pd.concat([again, fresh]).to_csv(path, sep=";", index=False)
    loaded = load_into_store(store_copy, [path])
    assert (loaded.added, loaded.files[0].duplicates) == (1, 5)


def test_an_interrupted_load_leaves_the_store_as_it_was(months, store_copy, monkeypatch) -> None:
    before = dump(store_copy)
    original = store_persist.update_stored_ads

    def interrupted(*args: object) -> None:
        original(*args)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(store_persist, "update_stored_ads", interrupted)
    extra = months["2026-12"].with_name("shuffled.csv")
    pd.read_csv(months["2026-12"], sep=";", dtype=str).assign(Lien=None).to_csv(
        extra, sep=";", index=False
    )
    with pytest.raises(KeyboardInterrupt):
        load_into_store(store_copy, [extra])
    assert dump(store_copy) == before
    assert query(store_copy, "PRAGMA integrity_check") == [("ok",)]


def test_a_first_load_that_fails_leaves_no_file(months, tmp_path, monkeypatch) -> None:
    def broken(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store_persist, "insert_new_ads", broken)
    store = tmp_path / "new.db"
    with pytest.raises(KeyboardInterrupt):
        load_into_store(store, [months["2026-10"]])
    assert list(tmp_path.iterdir()) == []


def test_export_writes_the_files_dedupe_writes(months, census, tmp_path) -> None:
    paths = export_store(census["store"], tmp_path / "out")
    names = ["ads.csv", "persons.csv", "pairs.csv", "rejected.csv", "summary.json"]
    assert [p.name for p in paths] == names
    ads = pd.read_csv(paths[0], sep=";", encoding="utf-8-sig", dtype=str)
    persons = pd.read_csv(paths[1], sep=";", encoding="utf-8-sig", dtype=str)
    summary = json.loads(paths[4].read_text(encoding="utf-8"))
    assert list(ads.columns[-7:]) == [
        "source_file", "person_id", "network_id", "phones", "link_reason", "ad_key", "flags",
    ]  # fmt: skip
    assert len(ads) == SPEC.ads and ads["ad_key"].str.fullmatch(r"A\d{6}").all()
    assert ads["source_file"].drop_duplicates().tolist() == [str(months[m]) for m in MONTHS]
    assert persons["ads"].astype(int).sum() == SPEC.ads
    assert set(persons["person_id"]) == set(ads["person_id"])
    assert summary["persons"] == len(persons) == store_info(census["store"])["persons"]
    assert [i["rows"] for i in summary["inputs"]] == [r.files[0].rows for r in census["results"]]
    assert summary["roles"]["phone"] == "Téléphone"
    # persons.csv as dedupe writes it, profile columns at the end (issue 18)
    assert list(persons.columns) == [*col.PERSONS_COLUMNS, *col.PROFILE_COLUMNS]
    assert persons["age_group"].isin(["18-21", "22-25", "26-35", "36+", "unknown"]).all()
    assert (persons["age_group"] != "unknown").mean() > 0.5


# ---- merges and splits, on small literal files ------------------------------------------

HEADER = "ref;url;date;ville;tel;pseudo;age;texte\n"


def write(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_new_evidence_joining_two_known_persons_is_recorded_as_a_merge(tmp_path) -> None:
    store = tmp_path / "census.db"
    text_a = "Douce et discrète, massage relaxant, reçois en appartement privé"
    text_b = "Nouvelle en ville, câline, disponible tard le soir sur rendez-vous"
    load_into_store(store, [write(tmp_path / "m1.csv",
        f"1;https://s.test/1;01/10/2026;Arras;06 39 98 10 01;Léa;24;{text_a}",
        f"2;https://s.test/2;03/10/2026;Arras;06 39 98 10 01;Léa;24;{text_a} !",
    )])  # fmt: skip
    load_into_store(store, [write(tmp_path / "m2.csv",
        f"3;https://s.test/3;02/11/2026;Lens;06 39 98 20 02;Léa;24;{text_b}",
    )])  # fmt: skip
    assert len(query(store, "SELECT * FROM persons")) == 2  # a new phone, a new text: apart
    third = load_into_store(store, [write(tmp_path / "m3.csv",
        f"4;https://s.test/4;01/12/2026;Lens;06 39 98 10 01 / 06 39 98 20 02;Léa;24;{text_a}",
    )])  # fmt: skip
    assert (third.merges, third.persons) == (1, 1)
    (merge,) = query(
        store,
        "SELECT survivor_id, absorbed_id, survivor_ads, absorbed_ads, evidence, load_id FROM merges",
    )
    assert merge[:4] == ("P000001", "P000002", 2, 1)  # the person with most ads survives
    assert merge[4].startswith("load 3 joined P000002 to P000001 through ")
    assert "phone +33639982002" in merge[4] and merge[5] == 3
    assert query(
        store, "SELECT person_id, status, merged_into FROM persons ORDER BY person_no"
    ) == [
        ("P000001", "active", None),
        ("P000002", "merged", "P000001"),
    ]
    assert query(store, "SELECT ad_key, from_person_id, to_person_id, kind FROM moves") == [
        ("A000003", "P000002", "P000001", "merge")
    ]
    assert current_person_id(store, "P000002") == "P000001"


def test_a_person_split_by_new_linking_keeps_its_id_on_its_larger_part(tmp_path) -> None:
    store = tmp_path / "census.db"
    month = write(tmp_path / "m1.csv",
        "1;https://s.test/1;01/10/2026;Arras;06 39 98 10 01;Léa;24;Douce et discrète",
        "2;https://s.test/2;02/10/2026;Arras;06 39 98 10 01;Léa;24;Douce et discrète, massage",
        "3;https://s.test/3;03/10/2026;Lens;06 39 98 30 03;Léa;25;Nouvelle, câline, tard le soir",
    )  # fmt: skip
    loose = Settings(link_threshold=0.05)  # links the third ad on the pseudonym alone
    load_into_store(store, [month], loose)
    assert len(query(store, "SELECT DISTINCT person_id FROM ads")) == 1
    later = write(tmp_path / "m2.csv",
        "4;https://s.test/4;01/11/2026;Arras;06 39 98 10 01;Léa;24;Douce et discrète",
    )  # fmt: skip
    second = load_into_store(store, [later], Settings())
    assert (second.splits, second.persons_new, second.ads_moved) == (1, 1, 1)
    assert second.notes[-1].startswith(
        "settings differ from the last load (link_threshold 0.05 → 0.5)"
    )
    assert query(store, "SELECT ad_key, person_id, first_person_id FROM ads ORDER BY ad_no") == [
        ("A000001", "P000001", "P000001"),
        ("A000002", "P000001", "P000001"),
        ("A000003", "P000002", "P000001"),
        ("A000004", "P000001", "P000001"),
    ]
    (split,) = query(
        store, "SELECT person_id, to_person_id, to_new_person, ads, evidence FROM splits"
    )
    assert split[:4] == ("P000001", "P000002", 1, 1)
    assert split[4].startswith("load 2 re-linked these ads of P000001 apart")


def test_content_fingerprints_ignore_headers_spacing_and_empty_columns(tmp_path) -> None:
    one = tmp_path / "one.csv"
    one.write_text(
        "tel;pseudo;texte\n06 39 98 10 01;Léa;Douce  et discrète\n06 39 98 10 01;Léa;Câline\n",
        encoding="utf-8",
    )
    two = tmp_path / "two.csv"
    two.write_text(
        "Texte;Téléphone;Prénom;notes\nDouce et discrète ;06 39 98 10 01;Léa;\n", encoding="utf-8"
    )
    first, second = (fingerprints(read_ads([p])).iloc[0] for p in (one, two))
    assert first == second and first.startswith("sha256:")
    store = tmp_path / "census.db"
    load_into_store(store, [one])
    assert load_into_store(store, [two]).added == 0
    twice = tmp_path / "twice.csv"
    twice.write_text(
        "tel;pseudo;texte\n" + "06 39 98 10 02;Nora;Tard le soir\n" * 2, encoding="utf-8"
    )
    loaded = load_into_store(store, [twice])
    assert (loaded.added, loaded.files[0].duplicates) == (1, 1)  # a row repeated counts once


def test_url_fingerprints_ignore_scheme_case_of_host_and_fragment() -> None:
    assert normalize_url(" https://WWW.Site.test/annonce/12#photos ") == "www.site.test/annonce/12"
    assert normalize_url("http://www.site.test/annonce/12/") == "www.site.test/annonce/12"
    assert normalize_url("site.test/a?id=3") == "site.test/a?id=3"


def test_a_second_load_meanwhile_waits_then_stops_and_readers_still_read(
    months, store_copy, monkeypatch
) -> None:
    monkeypatch.setattr(store_schema, "BUSY_TIMEOUT", 0.2)
    before = dump(store_copy)
    first = sqlite3.connect(store_copy, isolation_level=None)
    first.execute("BEGIN IMMEDIATE")  # another load holds the write lock
    try:
        with pytest.raises(AdcensusError, match="another adcensus command is writing"):
            load_into_store(store_copy, [months["2026-11"]])
        assert store_info(store_copy)["ads"] == SPEC.ads
    finally:
        first.execute("ROLLBACK")
        first.close()
    assert dump(store_copy) == before


def test_a_file_that_is_not_a_store_is_refused(tmp_path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("hello", encoding="utf-8")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    for path in (text, other, tmp_path / "missing.db"):
        with pytest.raises(InputError, match=str(path.name)):
            store_info(path)


# ---- reconcile: the id rules on their own -----------------------------------------------


def test_reconcile_rules_on_a_small_example() -> None:
    # Ads 0-2 were P000001, 3-4 P000002, 5 P000003; 6-7 are new.
    previous = np.array(["P000001"] * 3 + ["P000002"] * 2 + ["P000003", None, None], dtype=object)
    labels = np.array([0, 0, 1, 0, 0, 2, 2, 3])
    rec = reconcile(labels, previous, np.arange(8), next_seq=4)
    assert rec.person_ids.tolist() == [
        "P000001", "P000001", "P000004", "P000001", "P000001", "P000003", "P000003", "P000005",
    ]  # fmt: skip
    assert rec.created == ("P000004", "P000005")
    assert rec.merges.to_dict("records") == [
        {"survivor_id": "P000001", "absorbed_id": "P000002", "survivor_ads": 3, "absorbed_ads": 2}
    ]
    assert rec.moves[["ad", "from_person_id", "to_person_id", "kind"]].values.tolist() == [
        [2, "P000001", "P000004", "split"],
        [3, "P000002", "P000001", "merge"],
        [4, "P000002", "P000001", "merge"],
    ]
    assert rec.splits.to_dict("records") == [
        {"person_id": "P000001", "to_person_id": "P000004", "ads": 1, "to_new_person": 1}
    ]


def test_reconcile_ties_go_to_the_oldest_id_and_oldest_ad() -> None:
    previous = np.array(["P000007", "P000003", "P000003"], dtype=object)
    rec = reconcile(np.array([0, 0, 1]), previous, np.array([0, 1, 2]), next_seq=8)
    # P000003 is split evenly: its home is the cluster of its oldest ad (ad 1, cluster 0),
    # where it ties with P000007 on one ad each: the oldest id survives.
    assert rec.person_ids.tolist() == ["P000003", "P000003", "P000008"]
    assert rec.merges["absorbed_id"].tolist() == ["P000007"]


@st.composite
def relinkings(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int]:
    n = draw(st.integers(1, 30))
    known = draw(st.integers(0, n))
    old = draw(st.lists(st.integers(1, 6), min_size=known, max_size=known))
    previous = np.array([f"P{p:06d}" for p in old] + [None] * (n - known), dtype=object)
    labels = np.array(draw(st.lists(st.integers(0, 8), min_size=n, max_size=n)))
    return labels, previous, 7


@settings(max_examples=60, deadline=None)
@given(relinkings())
def test_reconcile_properties(case: tuple[np.ndarray, np.ndarray, int]) -> None:
    labels, previous, next_seq = case
    rec = reconcile(labels, previous, np.arange(len(labels)), next_seq)
    ids = rec.person_ids
    # The partition is the linking's: one id per cluster, one cluster per id.
    assert pd.crosstab(labels, ids).gt(0).sum(axis=1).eq(1).all()
    assert pd.crosstab(ids, labels).gt(0).sum(axis=1).eq(1).all()
    # Every known id is still used, or recorded as merged into one that is; none reused.
    known = set(previous[pd.notna(previous)])
    absorbed = set(rec.merges["absorbed_id"])
    assert known <= set(ids) | absorbed and not absorbed & set(ids)
    assert set(rec.merges["survivor_id"]) <= set(ids)
    fresh = set(ids) - known
    assert fresh == set(rec.created)
    assert [int(p[1:]) for p in rec.created] == list(range(next_seq, rec.next_seq))
    # Every stored ad that changes person is a recorded move; a known id keeps most of its ads.
    changed = np.flatnonzero(pd.notna(previous) & (ids != previous))
    assert rec.moves["ad"].tolist() == changed.tolist()
    for person in known - absorbed:
        mine = previous == person
        assert (ids[mine] == person).sum() * 1.0 >= max(
            (ids[mine] == other).sum() for other in set(ids[mine])
        )


def test_reconcile_keeps_every_id_when_the_linking_is_unchanged() -> None:
    previous = np.array(["P000001", "P000001", "P000002", None], dtype=object)
    rec = reconcile(np.array([5, 5, 9, 9]), previous, np.arange(4), next_seq=3)
    assert rec.person_ids.tolist() == ["P000001", "P000001", "P000002", "P000002"]
    assert (rec.created, len(rec.merges), len(rec.moves)) == ((), 0, 0)


def test_a_load_warns_of_a_phone_column_read_in_the_wrong_region(tmp_path: Path) -> None:
    path = tmp_path / "us.csv"
    path.write_text(
        "ref,phone,text\n" + "".join(f"A{k},(201) 555-01{k:02d},Hi\n" for k in range(4)),
        encoding="utf-8",
    )
    loaded = load_into_store(tmp_path / "census.db", [path])
    (warning,) = [note for note in loaded.notes if note.startswith("warning: ")]
    assert "try --region US" in warning
    loaded = load_into_store(tmp_path / "us.db", [path], Settings(region="US"))
    assert not [note for note in loaded.notes if note.startswith("warning: ")]


def test_stored_row_numbers_are_the_file_rows_even_after_rows_set_aside(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(
        "Réf;Téléphone;Texte\n;;\nA1;06 39 98 45 72;Léa\n;;\nA2;06 39 98 45 73;Maya\n",
        encoding="utf-8",
    )
    load_into_store(tmp_path / "census.db", [path])
    conn = sqlite3.connect(tmp_path / "census.db")
    rows = conn.execute("SELECT json_extract(row, '$.Réf'), row_number FROM ads").fetchall()
    conn.close()
    assert sorted(rows) == [("A1", 2), ("A2", 4)]


def test_the_store_reads_every_phone_column_as_dedupe_does(tmp_path):
    # The second ad gives its number in "WhatsApp" only: the same person, as in dedupe.
    path = tmp_path / "ads.csv"
    path.write_text(
        "Réf;Téléphone;WhatsApp;Pseudo;Texte\n"
        "A1;06 39 98 45 72;;Léa;Douce et discrète à Lens\n"
        "A2;;06 39 98 45 72;Léa;Nouvelle à Arras, appelez\n"
        "A3;06 39 98 45 99;;Inès;Massage relaxant\n",
        encoding="utf-8",
    )
    loaded = load_into_store(tmp_path / "census.db", [path])
    assert not any("first phone column" in note for note in loaded.notes)
    assert (loaded.ads, loaded.persons) == (3, 2)
    assert loaded.persons == dedupe([path]).summary["persons"]
    # Linked again at the next load, the stored ads keep their second column's number.
    more = tmp_path / "more.csv"
    more.write_text("Réf;Téléphone;Texte\nB1;06 39 98 45 72;Léa revient\n", encoding="utf-8")
    again = load_into_store(tmp_path / "census.db", [more])
    assert (again.ads, again.persons, again.merges, again.splits) == (4, 2, 0, 0)
