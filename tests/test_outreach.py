"""The outreach list and the contact log: who to write to, and what came of it, month to month."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from adcensus.cli import app
from adcensus.errors import InputError
from adcensus.outreach import (
    outreach_list,
    read_contact_sheet,
    read_outreach_source,
    read_rules,
    write_outreach,
)
from adcensus.settings import Settings
from adcensus.store import load_into_store
from adcensus.store.contacts import ContactEntry, read_contact_log, record_contacts
from adcensus.store.forget import forget

ROOT = Path(__file__).parent.parent
runner = CliRunner()

HEADER = "ref;url;date;ville;tel;pseudo;age;texte\n"
TEXT_A = "Douce et discrète, massage relaxant, reçois en appartement privé"
TEXT_B = "Nouvelle en ville, câline, disponible tard le soir sur rendez-vous"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, " ".join(result.stderr.split())  # unwrapped


def write(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def query(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def two_persons(tmp_path: Path) -> Path:
    """Month 1: Léa (two ads, 06 39 98 10 01, Arras) and a second person (one ad, Lens)."""
    store = tmp_path / "census.db"
    load_into_store(store, [write(tmp_path / "m1.csv",
        f"1;https://s.test/1;01/10/2026;Arras;06 39 98 10 01;Léa;24;{TEXT_A}",
        f"2;https://s.test/2;03/10/2026;Arras;06 39 98 10 01;Léa;24;{TEXT_A} !",
        f"3;https://t.test/3;20/10/2026;Lens;06 39 98 20 02;Léa;24;{TEXT_B}",
    )])  # fmt: skip
    assert query(store, "SELECT DISTINCT person_id FROM ads ORDER BY 1") == [
        ("P000001",),
        ("P000002",),
    ]
    return store


# ---- two months on a store: the log follows the person ---------------------------------------


def test_a_person_contacted_in_month_1_shows_as_contacted_after_a_merge(two_persons, tmp_path):
    store = two_persons
    code, _, err = run("contact", store, "P000002", "--status", "contacted", "--date", "2026-10-25")
    assert code == 0 and "recorded: P000002 contacted on 2026-10-25" in err
    # Month 2: one ad shows both numbers; the person contacted is merged into P000001.
    load_into_store(store, [write(tmp_path / "m2.csv",
        f"4;https://s.test/4;01/11/2026;Lens;06 39 98 10 01 / 06 39 98 20 02;Léa;24;{TEXT_A}",
    )])  # fmt: skip
    assert query(store, "SELECT absorbed_id, survivor_id FROM merges") == [("P000002", "P000001")]
    log = read_contact_log(store)
    assert log[["person_id", "recorded_as", "status"]].values.tolist() == [
        ["P000001", "P000002", "contacted"]
    ]
    listed = outreach_list(read_outreach_source(store)).table
    assert listed[
        ["person_id", "contacted", "last_status", "last_contact_date"]
    ].values.tolist() == [["P000001", "yes", "contacted", "2026-10-25"]]
    # An answer recorded under the old id lands on the person in use now.
    code, _, err = run("contact", store, "P000002", "--status", "replied", "--date", "2026-11-03")
    assert code == 0 and "recorded: P000002 (now P000001) replied on 2026-11-03" in err
    assert read_contact_log(store)["person_id"].tolist() == ["P000001", "P000001"]


def test_a_split_leaves_the_contact_with_the_part_that_keeps_the_id(tmp_path):
    store = tmp_path / "census.db"
    load_into_store(store, [write(tmp_path / "m1.csv",
        "1;https://s.test/1;01/10/2026;Arras;06 39 98 10 01;Léa;24;Douce et discrète",
        "2;https://s.test/2;02/10/2026;Arras;06 39 98 10 01;Léa;24;Douce et discrète, massage",
        "3;https://s.test/3;03/10/2026;Lens;06 39 98 30 03;Léa;25;Nouvelle, câline, tard le soir",
    )], Settings(link_threshold=0.05))  # fmt: skip
    record_contacts(store, [ContactEntry("P000001", "contacted", "2026-10-10")])
    load_into_store(store, [write(tmp_path / "m2.csv",
        "4;https://s.test/4;01/11/2026;Arras;06 39 98 10 01;Léa;24;Douce et discrète",
    )])  # fmt: skip
    assert query(store, "SELECT person_id, to_person_id FROM splits") == [("P000001", "P000002")]
    listed = outreach_list(read_outreach_source(store)).table.set_index("person_id")
    assert listed.loc["P000001", "contacted"] == "yes"
    assert listed.loc["P000002", "contacted"] == "no"  # the ad split off was not written to


def test_the_funnel_per_month_counts_each_level_by_the_end_of_the_month(two_persons, tmp_path):
    store = two_persons
    load_into_store(store, [write(tmp_path / "m2.csv",
        "5;https://u.test/5;02/11/2026;Calais;06 39 98 50 05;Zoé;30;Appelle-moi vite, bisous",
        f"6;https://s.test/6;04/11/2026;Arras;06 39 98 10 01;Léa;24;{TEXT_A} !!",
    )])  # fmt: skip
    record_contacts(store, [
        ContactEntry("P000001", "contacted", "2026-10-20"),
        ContactEntry("P000002", "unreachable", "2026-11-10"),
        ContactEntry("P000001", "support", "2026-11-15"),
    ])  # fmt: skip
    code, out, _ = run("tally", store, "--by", "month", "--funnel", "--format", "csv")
    assert code == 0
    rows = pd.read_csv(pd.io.common.StringIO(out.lstrip("\ufeff")), sep=";")  # as dedupe's CSVs
    assert rows[["month", "persons", "contacted", "replied", "began_support"]].values.tolist() == [
        ["2026-10", 2, 1, 0, 0],  # P000002's attempt came in November
        ["2026-11", 2, 1, 1, 1],  # P000001 and Zoé were seen; P000001 began support
    ]
    code, out, _ = run("tally", store, "--funnel", "--format", "csv")
    assert out.splitlines()[1].endswith(";2;1;1")  # 3 persons, 2 contacted, 1 replied, 1 support


def test_tally_funnel_needs_a_store(tmp_path):
    code, _, err = run("tally", ROOT / "data" / "sample" / "ads.csv", "--funnel")
    assert code == 2 and "--funnel:" in err and "not a census store" in err


def test_forget_erases_the_persons_contact_entries(two_persons):
    store = two_persons
    record_contacts(store, [
        ContactEntry("P000001", "contacted", "2026-10-20", "N-1"),
        ContactEntry("P000002", "replied", "2026-10-21", "N-2"),
    ])  # fmt: skip
    done = forget(store, persons=["P000001"])
    assert done.contacts == 1
    assert query(store, "SELECT person_id, note_id FROM contacts") == [("P000002", "N-2")]
    assert query(store, "SELECT COUNT(*) FROM contact_ads") == [(1,)]
    assert b"N-1" not in store.read_bytes()


def test_a_schema_1_store_is_read_as_it_is_and_migrated_by_the_first_contact(two_persons):
    store = two_persons
    conn = sqlite3.connect(store)
    conn.executescript(
        "DROP TABLE contact_ads; DROP TABLE contacts;"
        " UPDATE meta SET value = '1' WHERE key = 'schema_version';"
    )
    conn.close()
    listed = outreach_list(read_outreach_source(store)).table
    assert listed["contacted"].tolist() == ["no", "no"]
    assert query(store, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    record_contacts(store, [ContactEntry("P000001", "contacted", "2026-10-20")])
    assert query(store, "SELECT value FROM meta WHERE key = 'schema_version'") == [("2",)]
    assert read_contact_log(store)["person_id"].tolist() == ["P000001"]


def test_contact_refuses_an_unknown_person_a_bad_status_or_day(two_persons):
    store = two_persons
    code, _, err = run("contact", store, "P000099", "--status", "contacted")
    assert code == 2 and "has no person 'P000099'" in err
    code, _, err = run("contact", store, "P000001", "--status", "called")
    assert code == 2 and "status 'called' is not one of contacted, replied" in err
    code, _, err = run("contact", store, "P000001", "--status", "replied", "--date", "31/02/2026")
    assert code == 2 and "date '31/02/2026' is not a day such as 2026-11-02" in err
    code, _, err = run("contact", store, "P000001", "--status", "replied", "--note-id", "x" * 80)
    assert code == 2 and "never the note itself" in err
    assert query(store, "SELECT COUNT(*) FROM contacts") == [(0,)]


# ---- importing a filled sheet ---------------------------------------------------------------


def sheet(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    active = book.active
    assert active is not None
    for row in rows:
        active.append(row)
    book.save(path)
    return path


def test_import_records_every_row_of_a_sheet_and_skips_rows_without_status(two_persons, tmp_path):
    filled = sheet(tmp_path / "filled.xlsx", [
        ["Person_ID", "phone", "Status", "Date", "note_id"],
        ["P000001", "+33639981001", "contacted", "2026-10-20", "N-7"],
        ["P000002", "+33639982002", "", "", ""],
        ["P000002", "+33639982002", "Replied", "21/10/2026", None],
    ])  # fmt: skip
    code, _, err = run("contact", two_persons, "--import", filled)
    assert code == 0
    assert "recorded 2 contacts for 2 persons" in err and "1 row without a status skipped" in err
    assert query(two_persons, "SELECT person_id, status, date, note_id FROM contacts") == [
        ("P000001", "contacted", "2026-10-20", "N-7"),
        ("P000002", "replied", "2026-10-21", None),
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["person_id", "status"], ["P000001", "contacted"]], "no column date"),
        ([["person_id", "status", "date"], ["P000001", "called", "2026-10-20"]],
         "row 2, column status: 'called' is not one of"),
        ([["person_id", "status", "date"], ["P000001", "contacted", "2026-10-20"],
          ["P000001", "replied", "soon"]], "row 3, column date: 'soon' is not a day"),
        ([["person_id", "status", "date"], ["", "replied", "2026-10-20"]],
         "row 2, column person_id: empty"),
        ([["person_id", "status", "date"], ["P000001", "contacted", "2026-10-20"],
          ["P000042", "contacted", "2026-10-20"]], "row 3: "),
    ],
)  # fmt: skip
def test_import_errors_name_the_row_and_column_and_record_nothing(
    two_persons, tmp_path, rows, message
):
    filled = tmp_path / "filled.csv"
    pd.DataFrame(rows[1:], columns=rows[0]).to_csv(filled, sep=";", index=False)
    code, _, err = run("contact", two_persons, "--import", filled)
    assert code == 2 and message in err and str(filled) in err
    assert query(two_persons, "SELECT COUNT(*) FROM contacts") == [(0,)]


def test_the_outreach_sheet_filled_in_imports_back(two_persons, tmp_path):
    out = tmp_path / "contacts.xlsx"
    assert run("outreach", two_persons, "-o", out)[0] == 0
    book = load_workbook(out)
    rows = book["outreach"]
    header = [c.value for c in rows[1]]
    rows.cell(2, header.index("status") + 1, "contacted")
    rows.cell(2, header.index("date") + 1, "2026-10-22")
    book.save(out)
    code, _, err = run("contact", two_persons, "--import", out)
    assert code == 0 and "recorded 1 contact for 1 person" in err
    assert "1 row without a status skipped" in err


# ---- the list ---------------------------------------------------------------------------------

PROFILES = pd.DataFrame(
    {
        "age_group": ["22-25", "22-25"],
        "ages_stated": [[24], [24]],
        "origin": ["brésilienne", "roumaine"],
        "presentation": ["woman", "woman"],
        "kind": ["independent", "touring"],
        "may_be_minor": [False, False],
        "minor_reason": ["", ""],
        "conflicts": ["", ""],
    },
    index=pd.Index(["P000001", "P000002"], name="person_id"),
)

RULES = """
default = "A"

[[rule]]
when = { origin = ["Brésilienne", "brazil"] }
version = "B"

[[rule]]
when = { kind = "touring", city = "Lens" }
version = "C"
"""


def test_the_list_has_the_latest_number_city_sites_profile_and_version(two_persons, tmp_path):
    load_into_store(two_persons, [write(tmp_path / "m2.csv",
        f"7;https://v.test/7;05/11/2026;Douai;06 39 98 70 07 / 06 39 98 10 01;Léa;24;{TEXT_A} !!!",
    )])  # fmt: skip
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(RULES, encoding="utf-8")
    listed = outreach_list(read_outreach_source(two_persons), PROFILES, read_rules(rules_file))
    table = listed.table
    assert list(table.columns[:9]) == [
        "person_id", "phone", "other_phones", "first_seen", "last_seen", "ads", "sites", "city",
        "network_id",
    ]  # fmt: skip
    assert list(table.columns[9:]) == [
        *PROFILES.columns, "message_version", "contacted", "last_status", "last_contact_date",
        "status", "date", "note_id",
    ]  # fmt: skip
    first = table.iloc[0].to_dict()
    assert first["person_id"] == "P000001"  # the most recently seen first
    assert (first["phone"], first["other_phones"]) == ("+33639987007", "+33639981001")
    assert (first["city"], first["last_seen"], first["ads"]) == ("Douai", "2026-11-05", 3)
    assert first["sites"] == ""  # these files have no site column
    assert (first["origin"], first["ages_stated"], first["may_be_minor"]) == (
        "brésilienne",
        "24",
        "no",
    )
    assert table["message_version"].tolist() == ["B", "C"]


def test_since_keeps_the_persons_seen_within_so_many_days_of_the_latest_ad(two_persons):
    source = read_outreach_source(two_persons)  # latest ad 20/10; Léa last seen 03/10
    assert outreach_list(source, since_days=30).table["person_id"].tolist() == [
        "P000002",
        "P000001",
    ]
    short = outreach_list(source, since_days=16)
    assert short.table["person_id"].tolist() == ["P000002"]
    assert (str(short.latest), str(short.since), short.persons) == ("2026-10-20", "2026-10-04", 2)
    assert outreach_list(source, since_days=17).table["person_id"].tolist()[-1] == "P000001"


def test_rules_without_profiles_match_no_one_and_say_so(two_persons, tmp_path):
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(RULES, encoding="utf-8")
    listed = outreach_list(read_outreach_source(two_persons), None, read_rules(rules_file))
    assert listed.table["message_version"].tolist() == ["A", "A"]
    assert "rules on kind, origin match no one" in listed.notes[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[rule]\nversion = 'B'", "not valid TOML"),
        ("[[rule]]\nwhen = { religion = 'x' }\nversion = 'B'", "rule 1: no field 'religion'"),
        ("[[rule]]\nwhen = { origin = 'x' }", "rule 1: give its version"),
        ("[[rule]]\nversion = 'B'", "rule 1: give its condition"),
        ("defaut = 'A'", "unknown key(s) defaut"),
    ],
)
def test_rules_errors_name_the_file_and_the_rule(tmp_path, text, message):
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r".*") as caught:
        read_rules(rules_file)
    assert message in str(caught.value) and str(rules_file) in str(caught.value)


def test_the_shipped_example_rules_read(tmp_path):
    rules = read_rules(ROOT / "docs" / "outreach-rules.toml")
    assert rules.default and len(rules.rules) >= 2


def test_outreach_writes_0600_warns_of_clear_numbers_and_never_overwrites(two_persons, tmp_path):
    out = tmp_path / "contacts.csv"
    code, stdout, err = run("outreach", two_persons, "-o", out)
    assert code == 0 and stdout == ""
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "holds phone numbers in clear" in err
    assert "2 of 2 persons active (2026-09-20 to 2026-10-20)" in err
    assert "+33639981001" in out.read_text(encoding="utf-8-sig")  # in clear, by design
    assert "+33639981001" not in err
    code, _, err = run("outreach", two_persons, "-o", out)
    assert code == 2 and "exists; add --force" in err
    assert run("outreach", two_persons, "-o", out, "--force")[0] == 0
    code, _, err = run("outreach", two_persons, "-o", two_persons, "--force")
    assert code == 2 and "is the input" in err
    assert query(two_persons, "SELECT COUNT(*) FROM ads") == [(3,)]


def test_outreach_writes_xlsx_by_extension_or_format(two_persons, tmp_path):
    out = tmp_path / "list.xlsx"
    assert run("outreach", two_persons, "-o", out)[0] == 0
    rows = list(load_workbook(out)["outreach"].iter_rows(values_only=True))
    assert rows[0][:2] == ("person_id", "phone") and rows[1][1] == "+33639982002"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    other = tmp_path / "list.data"
    assert run("outreach", two_persons, "-o", other, "--format", "xlsx")[0] == 0
    assert other.read_bytes()[:2] == b"PK"
    code, _, err = run("outreach", two_persons, "-o", tmp_path / "x.csv", "--format", "ods")
    assert code == 2 and "--format must be csv or xlsx" in err


def test_outreach_reads_a_dedupe_folder_without_a_contact_log(tmp_path):
    folder = tmp_path / "out"
    assert run("dedupe", ROOT / "data" / "sample" / "ads.csv", "--out", folder)[0] == 0
    out = tmp_path / "contacts.csv"
    code, _, err = run("outreach", folder, "-o", out, "--since", "0")
    assert code == 0 and "persons active (2018-12-31 to 2018-12-31)" in err
    table = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert "contacted" not in table.columns and len(table) > 0
    assert (table["last_seen"] == "2018-12-31").all()
    assert table["phone"].str.startswith("+33").all()
    assert table["sites"].str.endswith(".test").all() and table["city"].ne("").all()
    code, _, err = run("outreach", folder, "-o", folder / "ads.csv", "--force")
    assert code == 2 and "is the input" in err


def test_read_contact_sheet_reads_csv_with_any_delimiter(tmp_path):
    filled = tmp_path / "f.csv"
    filled.write_text("person_id,status,date\nP000001,declined,2026-10-20\n", encoding="utf-8")
    read = read_contact_sheet(filled)
    assert [(e.person_id, e.status, e.date) for e in read.entries] == [
        ("P000001", "declined", "2026-10-20")
    ]
    assert read.skipped == 0


def test_write_outreach_refuses_a_folder(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        write_outreach(pd.DataFrame({"a": [1]}), tmp_path)


def test_persons_with_no_dated_ad_are_left_out_and_counted(tmp_path):
    store = tmp_path / "census.db"
    load_into_store(store, [write(tmp_path / "m1.csv",
        f"1;https://s.test/1;01/10/2026;Arras;06 39 98 10 01;Léa;24;{TEXT_A}",
        f"3;https://t.test/3;;Lens;06 39 98 20 02;Léa;24;{TEXT_B}",
    )])  # fmt: skip
    listed = outreach_list(read_outreach_source(store))
    assert listed.table["person_id"].tolist() == ["P000001"]
    assert (listed.persons, listed.undated, listed.without_phone) == (2, 1, 0)


def test_a_rule_on_a_yes_no_profile_field_takes_true_and_false(two_persons, tmp_path):
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(
        '[[rule]]\nwhen = { may_be_minor = true }\nversion = "M"\n'
        '[[rule]]\nwhen = { may_be_minor = false, origin = "ROUMAINE" }\nversion = "R"\n',
        encoding="utf-8",
    )
    profiles = PROFILES.assign(may_be_minor=[True, False])
    listed = outreach_list(read_outreach_source(two_persons), profiles, read_rules(rules_file))
    versions = dict(zip(listed.table["person_id"], listed.table["message_version"], strict=True))
    assert versions == {"P000001": "M", "P000002": "R"}


def test_outreach_in_a_real_process_writes_the_list_and_only_messages_on_stderr(
    two_persons, tmp_path
):
    out = tmp_path / "contacts.csv"
    done = subprocess.run(
        [sys.executable, "-m", "adcensus", "outreach", str(two_persons), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout == ""
    assert "holds phone numbers in clear" in done.stderr and "+336" not in done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
