import base64
import contextlib
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from adcensus.cli import app
from adcensus.errors import InputError
from adcensus.outputs import pseudonymize_result
from adcensus.outputs import read_folder as read_outputs
from adcensus.phones import extract_phones_many
from adcensus.privacy import (
    KEY_ENV,
    key_id,
    load_key,
    neutralize_formulas,
    pseudonym,
    safe_cell,
)
from adcensus.store.forget import forget


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "@SUM(A1)", '=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3+cmd|x", "\t=1"],
)
def test_formula_cells_are_neutralised(cell):
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell", ["+33 6 39 98 12 34", "-5", "+33639981234;+33639981235", "Léa", "", "0639981234"]
)
def test_plain_values_are_untouched(cell):
    assert safe_cell(cell) == cell


def test_neutralize_formulas_leaves_other_cells_and_input_alone():
    frame = pd.DataFrame({"a": ["=evil()", "ok"], "n": [1, 2]})
    safe = neutralize_formulas(frame)
    assert safe["a"].tolist() == ["'=evil()", "ok"]
    assert frame["a"].tolist() == ["=evil()", "ok"]
    assert safe["n"].tolist() == [1, 2]


# --- keyed pseudonyms, keys, forgetting a person --------------------------------------------

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample" / "ads.csv"
runner = CliRunner()


@pytest.fixture(autouse=True)
def no_ambient_key(monkeypatch, tmp_path):
    """No test sees the developer's own key: no $ADCENSUS_KEY, an empty home."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def run(*args: object, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], env=env)
    return result.exit_code, result.stdout, result.stderr


def with_key(key: bytes = KEY) -> dict[str, str]:
    return {KEY_ENV: key.hex()}


def sample_phones() -> list[str]:
    frame = pd.read_csv(SAMPLE, sep=";", dtype=str, encoding="utf-8-sig")
    found = extract_phones_many(frame["Téléphone"].tolist() + frame["Texte de l'annonce"].tolist())
    return sorted({p.e164 for phones in found for p in phones})


def written_forms(e164: str) -> list[str]:
    """A French number as ads and outputs write it: E.164, 06…, grouped by 2 with . - or space."""
    national = "0" + e164[3:]
    pairs = [national[k : k + 2] for k in range(0, 10, 2)]
    forms = [e164, national, e164[1:], "+33 " + national[1] + " " + " ".join(pairs[1:])]
    return forms + [sep.join(pairs) for sep in (" ", ".", "-")]


def output_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.iterdir()))


def test_a_pseudonym_is_stable_normalised_and_depends_on_the_key():
    token = pseudonym("+33639984572", KEY, "phone")
    assert token.startswith("tel_") and len(token) == len("tel_") + 16
    for form in ("06 39 98 45 72", "06.39.98.45.72", "0639984572", "+33 6 39 98 45 72"):
        assert pseudonym(form, KEY, "phone") == token
    assert pseudonym("+33639984572", OTHER_KEY, "phone") != token
    assert pseudonym("+33639984573", KEY, "phone") != token
    assert pseudonym("Léa ❤️ 23", KEY, "name") == pseudonym("LEA", KEY, "name")
    assert pseudonym("HTTPS://WWW.Site.test/ad/12/", KEY, "url") == pseudonym(
        "https://www.site.test/ad/12", KEY, "url"
    )
    # A phone and a name with the same text never share a token.
    assert pseudonym("lea", KEY, "name")[5:] != pseudonym("lea", KEY, "url")[4:]


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_name_gets_one_token_of_fixed_shape(name):
    token = pseudonym(name, KEY, "name")
    assert token == pseudonym(name, KEY, "name")
    assert re.fullmatch(r"name_[0-9a-f]{16}", token)


def test_a_key_comes_from_the_file_or_the_environment_as_hex_or_base64(tmp_path, monkeypatch):
    path = tmp_path / "key"
    path.write_text(KEY.hex() + "\n")
    assert load_key(path) == KEY
    monkeypatch.setenv(KEY_ENV, base64.b64encode(KEY).decode())
    assert load_key(None) == KEY
    assert load_key(path) == KEY  # --key-file wins over the environment


@pytest.mark.parametrize("text", ["", "00" * 15, "not a key!"])
def test_no_key_or_a_short_one_is_refused_with_the_reason(tmp_path, monkeypatch, text):
    if text:
        monkeypatch.setenv(KEY_ENV, text)
    with pytest.raises(InputError, match="bare hash of a 10-digit phone is reversed"):
        load_key(None)


def test_dedupe_refuses_to_pseudonymize_without_a_key(tmp_path):
    code, _, err = run("dedupe", SAMPLE, "-o", tmp_path / "out", "--pseudonymize")
    assert code == 2
    assert "bare hash of a 10-digit phone" in err and "adcensus keygen" in err
    assert not (tmp_path / "out").exists()


def test_key_options_without_pseudonymize_are_refused(tmp_path):
    code, _, err = run("dedupe", SAMPLE, "-o", tmp_path / "out", "--drop-text")
    assert code == 2 and "--pseudonymize" in err


@pytest.fixture(scope="module")
def plain_and_private(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The sample deduped three ways: plain, pseudonymized, pseudonymized without text."""
    root = tmp_path_factory.mktemp("private")
    env = with_key()
    folders = root / "plain", root / "private", root / "no-text"
    assert run("dedupe", SAMPLE, "-o", folders[0], env=env)[0] == 0
    assert run("dedupe", SAMPLE, "-o", folders[1], "--pseudonymize", env=env)[0] == 0
    code, _, err = run("dedupe", SAMPLE, "-o", folders[2], "--pseudonymize", "--drop-text", env=env)
    assert code == 0, err
    return folders


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, sep=";", dtype=str, keep_default_na=False)


def test_no_phone_in_any_form_is_left_in_the_files(plain_and_private):
    phones = sample_phones()
    assert len(phones) > 100
    plain = output_bytes(plain_and_private[0])
    assert any(form.encode() in plain for form in written_forms(phones[0]))
    for folder in plain_and_private[1:]:
        data = output_bytes(folder)
        left = [f for p in phones for f in written_forms(p) if f.encode() in data]
        assert left == []


def test_urls_and_pseudonyms_are_tokens_and_counts_are_unchanged(plain_and_private):
    plain, private, no_text = plain_and_private
    ads, ads_private = read(plain, "ads.csv"), read(private, "ads.csv")
    assert ads_private["Lien"].str.fullmatch(r"url_[0-9a-f]{16}").all()
    assert ads_private["Téléphone"].str.fullmatch(r"(tel_[0-9a-f]{16}(;tel_[0-9a-f]{16})*)?").all()
    assert ads_private["Pseudo"].str.fullmatch(r"(name_[0-9a-f]{16})?").all()
    assert ads_private["phones"].str.fullmatch(r"(tel_[0-9a-f]{16};?)*").all()
    for column in ("Réf", "Site", "Ville", "Date de collecte", "person_id", "network_id", "ad_key"):
        assert ads_private[column].tolist() == ads[column].tolist()
    persons, persons_private = read(plain, "persons.csv"), read(private, "persons.csv")
    for column in ("person_id", "network_id", "ads", "sites", "cities", "first_seen"):
        assert persons_private[column].tolist() == persons[column].tolist()
    pairs, pairs_private = read(plain, "pairs.csv"), read(private, "pairs.csv")
    assert pairs_private[["ad_a", "ad_b", "score", "decision"]].equals(
        pairs[["ad_a", "ad_b", "score", "decision"]]
    )
    assert pairs_private["evidence"].str.contains("phone tel_").any()
    data = output_bytes(private)
    assert not [u for u in ads["Lien"] if u.encode() in data]
    summary = json.loads((private / "summary.json").read_text())
    assert summary["persons"] == json.loads((plain / "summary.json").read_text())["persons"]
    assert summary["pseudonymized"]["key_id"] == key_id(KEY)
    # Without text columns, no pseudonym is left anywhere in the files.
    assert "Texte de l'annonce" not in read(no_text, "ads.csv").columns
    data = output_bytes(no_text)
    names = {n for n in ads["Pseudo"] if len(n) >= 4}
    assert names and not [n for n in names if n.encode() in data]


def test_the_same_key_links_months_and_another_key_does_not(tmp_path):
    frame = pd.read_csv(SAMPLE, sep=";", dtype=str, encoding="utf-8-sig")
    month = frame["Date de collecte"].str[3:5]
    paths = tmp_path / "september.csv", tmp_path / "october.csv"
    frame[month == "09"].to_csv(paths[0], sep=";", index=False)
    frame[month == "10"].to_csv(paths[1], sep=";", index=False)
    tokens = []
    for path, key in ((paths[0], KEY), (paths[1], KEY), (paths[1], OTHER_KEY)):
        out = tmp_path / f"{path.stem}-{key[0]}"
        assert run("dedupe", path, "-o", out, "--pseudonymize", env=with_key(key))[0] == 0
        tokens.append(set(";".join(read(out, "persons.csv")["phones"]).split(";")))
    assert len(tokens[0] & tokens[1]) > 10
    assert not tokens[0] & tokens[2]
    again = tmp_path / "again"
    assert run("dedupe", paths[0], "-o", again, "--pseudonymize", env=with_key())[0] == 0
    assert output_bytes(again) == output_bytes(tmp_path / f"september-{KEY[0]}")


def test_keygen_writes_a_key_only_its_owner_reads_and_never_replaces_it(tmp_path):
    path = tmp_path / "keys" / "census.key"
    code, out, err = run("keygen", "-o", path)
    assert code == 0, err
    assert out.strip() == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    key = load_key(path)
    assert len(key) == 32
    code, _, err = run("keygen", "-o", path)
    assert code == 2 and "--force" in err
    assert load_key(path) == key
    path.chmod(0o644)
    assert run("keygen", "-o", path, "--force")[0] == 0
    assert load_key(path) != key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_keygen_default_file_is_used_by_pseudonymize(tmp_path):
    home = Path(os.environ["HOME"])
    assert run("keygen")[0] == 0
    assert (home / ".config" / "adcensus" / "key").is_file()
    code, _, err = run("dedupe", SAMPLE, "-o", tmp_path / "out", "--pseudonymize")
    assert code == 0, err


def test_keygen_in_a_real_process(tmp_path):
    path = tmp_path / "key"
    done = subprocess.run(
        [sys.executable, "-m", "adcensus", "keygen", "-o", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.fixture
def sample_store(tmp_path) -> Path:
    store = tmp_path / "census.db"
    code, _, err = run("dedupe", SAMPLE, "--store", store)
    assert code == 0, err
    return store


def test_store_export_pseudonymizes_and_dedupe_store_refuses_it(sample_store, tmp_path):
    out = tmp_path / "export"
    code, _, err = run("store", "export", sample_store, "-o", out, "--pseudonymize", env=with_key())
    assert code == 0, err
    data = output_bytes(out)
    assert not [f for p in sample_phones() for f in written_forms(p) if f.encode() in data]
    assert read(out, "ads.csv")["Lien"].str.startswith("url_").all()
    code, _, err = run("dedupe", SAMPLE, "--store", sample_store, "--pseudonymize", env=with_key())
    assert code == 2 and "store export" in err


def test_store_export_pseudonymizes_every_file_s_headers(tmp_path):
    frame = pd.read_csv(SAMPLE, sep=";", dtype=str, encoding="utf-8-sig")
    month = frame["Date de collecte"].str[3:5]
    september = tmp_path / "september.csv"
    october = tmp_path / "october.csv"
    frame[month == "09"].to_csv(september, sep=";", index=False)
    renamed = {"Téléphone": "Tél", "Lien": "URL", "Pseudo": "Prénom"}
    frame[month == "10"].rename(columns=renamed).to_csv(october, sep=";", index=False)
    store, out = tmp_path / "census.db", tmp_path / "export"
    assert run("dedupe", september, "--store", store)[0] == 0
    assert run("dedupe", october, "--store", store)[0] == 0
    code, _, err = run("store", "export", store, "-o", out, "--pseudonymize", env=with_key())
    assert code == 0, err
    data = output_bytes(out)
    assert not [f for p in sample_phones() for f in written_forms(p) if f.encode() in data]
    ads = read(out, "ads.csv")
    for header in ("Lien", "URL"):
        filled = ads[header][ads[header] != ""]
        assert len(filled) and filled.str.startswith("url_").all()


def busiest(store: Path) -> tuple[str, str, int]:
    """The person with most ads: (person id, one of their phones, ads)."""
    with contextlib.closing(sqlite3.connect(store)) as conn:
        return conn.execute(
            "SELECT person_id, phones, ads FROM persons WHERE status = 'active'"
            " AND phones NOT LIKE '%;%' AND phones != '' ORDER BY ads DESC LIMIT 1"
        ).fetchone()


def test_forget_a_phone_deletes_the_person_and_leaves_no_trace_in_the_file(sample_store):
    person, phone, ads = busiest(sample_store)
    national = "0" + phone[3:]
    before = sample_store.read_bytes()
    assert phone.encode() in before
    code, _, err = run("store", "forget", sample_store, "--phone", national, "--dry-run")
    assert code == 0 and f"{ads} ad(s)" in err
    assert sample_store.read_bytes() == before
    code, _, err = run("store", "forget", sample_store, "--phone", national)
    assert code == 2 and "--yes" in err
    code, _, err = run("store", "forget", sample_store, "--phone", national, "--yes")
    assert code == 0, err
    assert f"{ads} ad(s)" in err and phone not in err and national not in err
    data = sample_store.read_bytes()
    assert not [f for f in written_forms(phone) if f.encode() in data]
    with contextlib.closing(sqlite3.connect(sample_store)) as conn:
        assert (
            conn.execute("SELECT COUNT(*) FROM ads WHERE person_id = ?", (person,)).fetchone()[0]
            == 0
        )
        assert (
            conn.execute("SELECT COUNT(*) FROM persons WHERE person_id = ?", (person,)).fetchone()[
                0
            ]
            == 0
        )
        log = conn.execute("SELECT * FROM forgotten").fetchall()
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert len(log) == 1 and log[0][2:] == (1, ads)
    # The store still loads and exports.
    assert run("store", "export", sample_store, "-o", sample_store.parent / "after")[0] == 0
    assert run("dedupe", SAMPLE, "--store", sample_store)[0] == 0


def test_forget_a_person_id_and_refuse_unknown_ones(sample_store):
    person, _, ads = busiest(sample_store)
    done = forget(sample_store, persons=[person])
    assert (done.persons, done.ads) == (1, ads)
    with pytest.raises(InputError, match="no person"):
        forget(sample_store, persons=[person])
    with pytest.raises(InputError, match="no ad shows"):
        forget(sample_store, phones=["+33639980000"])
    code, _, err = run("store", "forget", sample_store)
    assert code == 2 and "--phone" in err


# --- every other command that writes: review --export, tally, report, estimate -------------


def digit_forms(e164: str) -> list[str]:
    """What must not be left of a French number: E.164, the 10-digit national form, and its
    last 8 digits (so that no spacing, prefix or partial copy of it gets through)."""
    return [e164, "0" + e164[3:], e164[-8:]]


def sheet_text(path: Path) -> str:
    """Every cell of every sheet of a workbook, as one text."""
    book = load_workbook(path, read_only=True)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    book.close()
    return "\n".join(cells)


def sheet_rows(path: Path) -> list[dict[str, object]]:
    rows = list(load_workbook(path)["review"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def by_ad_key(folder: Path) -> pd.DataFrame:
    return read(folder, "ads.csv").set_index("ad_key")


def test_review_export_pseudonymized_holds_dedupe_s_tokens_and_no_phone_digit(
    plain_and_private, tmp_path
):
    plain, private, _ = plain_and_private
    sheet = tmp_path / "review.xlsx"
    code, _, err = run("review", plain, "--export", sheet, "--pseudonymize", env=with_key())
    assert code == 0, err
    text = sheet_text(sheet)
    phones = sample_phones()
    assert [f for p in phones for f in digit_forms(p) if f in text] == []
    # A plain export does hold numbers (masked), so the search above can find them.
    shown = tmp_path / "shown.xlsx"
    assert run("review", plain, "--export", shown, "--show-phones")[0] == 0
    shown_text = sheet_text(shown)
    assert [f for p in phones for f in digit_forms(p) if f in shown_text]
    # The tokens are those dedupe --pseudonymize wrote with the same key.
    ads = by_ad_key(private)
    rows = sheet_rows(sheet)
    assert len(rows) > 100
    for row in rows:
        for side, ad in (("A", row["ad_a"]), ("B", row["ad_b"])):
            assert str(row[f"phones {side}"] or "").split("\n") == ads.at[ad, "phones"].split(";")
            assert (row[f"name {side}"] or "") == ads.at[ad, "Pseudo"]
    evidence = " ".join(str(r["evidence"]) for r in rows)
    assert re.search(r"phone tel_[0-9a-f]{16}", evidence)
    assert f"key id {key_id(KEY)}" in text
    # Pair ids and ad keys are the plain sheet's: the answers import into the plain folder.
    assert [(r["pair"], r["ad_a"], r["ad_b"]) for r in rows] == [
        (r["pair"], r["ad_a"], r["ad_b"]) for r in sheet_rows(shown)
    ]


def test_review_export_drop_text_leaves_out_titles_and_texts(plain_and_private, tmp_path):
    sheet = tmp_path / "review.xlsx"
    code, _, err = run(
        "review", plain_and_private[0], "--export", sheet, "--pseudonymize", "--drop-text",
        env=with_key(),
    )  # fmt: skip
    assert code == 0, err
    header = next(iter(load_workbook(sheet)["review"].iter_rows(values_only=True)))
    assert "name A" in header and not {"title A", "text A", "title B", "text B"} & set(header)
    names = {n for n in read(plain_and_private[0], "ads.csv")["Pseudo"] if len(n) >= 4}
    text = sheet_text(sheet)
    assert names and not [n for n in names if n in text]


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ((), "bare hash of a 10-digit phone"),
        (("--show-phones",), "drop --show-phones"),
    ],
)
def test_review_export_refuses_without_a_key_or_with_shown_phones(tmp_path, extra, says):
    folder = tmp_path / "out"
    assert run("dedupe", SAMPLE, "-o", folder)[0] == 0
    sheet = tmp_path / "review.xlsx"
    code, _, err = run("review", folder, "--export", sheet, "--pseudonymize", *extra)
    assert code == 2
    assert says in err and len(err.strip().splitlines()) == 1
    assert not sheet.exists()


def test_review_pseudonymize_goes_with_export_only(tmp_path):
    folder = tmp_path / "out"
    assert run("dedupe", SAMPLE, "-o", folder)[0] == 0
    for args in ((), ("--import", tmp_path / "r.xlsx")):
        code, _, err = run("review", folder, "--pseudonymize", *args, env=with_key())
        assert code == 2 and "goes with --export" in err
    code, _, err = run("review", folder, "--export", tmp_path / "r.xlsx", "--drop-text")
    assert code == 2 and "--drop-text goes with --pseudonymize" in err


def test_tally_by_a_phone_or_pseudonym_column_writes_dedupe_s_tokens(plain_and_private):
    plain, private, _ = plain_and_private
    code, out, err = run("tally", plain, "--by", "Téléphone", "--pseudonymize", env=with_key())
    assert code == 0, err
    assert [f for p in sample_phones() for f in digit_forms(p) if f in out] == []
    counts = pd.read_csv(
        io.StringIO(out.removeprefix("\ufeff")), sep=";", dtype=str, keep_default_na=False
    )
    tokens = set(read(private, "ads.csv")["Téléphone"])
    assert set(counts["Téléphone"]) == tokens
    assert counts["ads"].astype(int).sum() == 699
    # A pseudonymized folder holds tokens already: they stay as they are.
    again = run("tally", private, "--by", "Téléphone", "--pseudonymize", env=with_key())
    assert again[:2] == (0, out)
    # Without --pseudonymize the column's values are written (as ads.csv holds them) ...
    code, out, _ = run("tally", plain, "--by", "Téléphone")
    assert code == 0 and "+33 6 39 98" in out
    # ... but the table for people masks them.
    code, table, _ = run("tally", plain, "--by", "Téléphone", "-f", "table")
    assert code == 0 and "+33 6 •• •• ••" in table
    assert [f for p in sample_phones() for f in digit_forms(p) if f in table] == []
    code, out, err = run("tally", SAMPLE, "--by", "Pseudo", "--pseudonymize", env=with_key())
    assert code == 0, err
    text = io.StringIO(out.removeprefix("\ufeff"))
    names = set(pd.read_csv(text, sep=";", dtype=str, keep_default_na=False)["Pseudo"])
    assert names == set(read(private, "ads.csv")["Pseudo"])


def test_tally_refuses_to_pseudonymize_without_a_key(plain_and_private):
    code, out, err = run("tally", plain_and_private[0], "--by", "Téléphone", "--pseudonymize")
    assert code == 2 and out == ""
    assert "bare hash of a 10-digit phone" in err and len(err.strip().splitlines()) == 1


def test_report_shows_tokens_with_show_identifiers_and_pseudonymize(plain_and_private, tmp_path):
    plain, private, _ = plain_and_private
    page = tmp_path / "report.html"
    code, _, err = run(
        "report", plain, "-o", page, "--lang", "en", "--show-identifiers", "--pseudonymize",
        env=with_key(),
    )  # fmt: skip
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    assert [f for p in sample_phones() for f in digit_forms(p) if f in html] == []
    top = read(private, "persons.csv").iloc[0]
    assert top["phones"].split(";")[0] in html and top["names"].split(";")[0] in html
    assert f"key {key_id(KEY)}" in html
    code, _, err = run("report", plain, "-o", page, "--show-identifiers", "--pseudonymize")
    assert code == 2 and "bare hash" in err
    code, _, err = run("report", plain, "-o", page, "--pseudonymize", env=with_key())
    assert code == 2 and "goes with --show-identifiers" in err


def test_estimate_lists_refuse_identifying_columns(plain_and_private):
    for lists in ("Téléphone", "phone", "phones", "Pseudo", "Lien"):
        code, out, err = run("estimate", plain_and_private[0], "--lists", lists)
        assert code == 2 and out == "", lists
        assert "names persons" in err


def test_pseudonymizing_a_pseudonymized_folder_changes_nothing(plain_and_private):
    private = plain_and_private[1]
    result = read_outputs(private)
    again = pseudonymize_result(result, KEY)
    for name in ("ads", "persons", "pairs"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(result, name))


def test_the_keys_keygen_writes_in_a_clone_are_never_committed():
    """The README's `keygen -o k/adcensus.key`, any *.key, and the default file when HOME
    is the clone (~/.config/adcensus/key) are all in .gitignore."""
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"adcensus keygen -o (\S+)", readme)
    assert shown, "the README shows keygen with -o"
    paths = [*shown, ".config/adcensus/key", "secrets/census.key"]
    done = subprocess.run(
        ["git", "-C", str(root), "check-ignore", "--no-index", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 128:
        pytest.skip(f"not a git clone: {done.stderr.strip()}")
    assert sorted(done.stdout.split()) == sorted(paths)
