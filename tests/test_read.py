"""Tests for adcensus.read: formats, encodings, delimiters, roles, dates, ages, bad input."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adcensus.columns import SOURCE_FILE
from adcensus.errors import InputError
from adcensus.read import (
    EMPTY_ROW,
    EXTRA_COLUMN,
    RAGGED_ROW,
    SHORT_ROW,
    UNCLOSED_QUOTE,
    detect_roles,
    parse_ages,
    parse_dates,
    parse_role_override,
    read_ads,
    unreadable_cells,
    unused_columns,
)
from adcensus.read.values import EXCEL_SERIALS

DATA = Path(__file__).parent / "data" / "read"


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


def records(path: Path | str, **options: object) -> list[dict[str, object]]:
    """Rows as dicts, NA as None, so tests compare with plain literals."""
    frame = read_ads([path], **options).frame  # type: ignore[arg-type]
    return [
        {k: (None if pd.isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")
    ]


# ---- delimited text ------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_sniffed_despite_other_delimiters_in_quoted_text(tmp_path, delimiter):
    text = 'Réf{d}Téléphone{d}Texte\n1{d}0612345678{d}"Douce, câline; 25 ans | Paris\tici"\n'
    text += "2{d}007{d}Nouvelle\n"
    path = write(tmp_path, "ads.csv", text.format(d=delimiter))
    assert records(path) == [
        {"Réf": "1", "Téléphone": "0612345678", "Texte": "Douce, câline; 25 ans | Paris\tici"},
        {"Réf": "2", "Téléphone": "007", "Texte": "Nouvelle"},
    ]


def test_semicolon_file_whose_text_has_unquoted_commas(tmp_path):
    text = "id;tel;texte\n1;0612345678;belle, douce, câline\n2;0712345678;nouvelle, réelle\n"
    assert records(write(tmp_path, "ads.csv", text))[0]["texte"] == "belle, douce, câline"


def test_values_stay_text_exactly_as_written(tmp_path):
    text = 'tel,age,nom,note\n0612345678,007, Léa ,NA\n"",25.0,null,\n'
    assert records(write(tmp_path, "ads.csv", text)) == [
        {"tel": "0612345678", "age": "007", "nom": " Léa ", "note": "NA"},
        {"tel": None, "age": "25.0", "nom": "null", "note": None},
    ]


def test_quoted_multiline_cells_and_crlf(tmp_path):
    text = 'id,texte\r\n1,"ligne 1\r\nligne 2, suite"\r\n2,"dit ""bonjour"""\r\n'
    assert [r["texte"] for r in records(write(tmp_path, "ads.csv", text))] == [
        "ligne 1\r\nligne 2, suite",
        'dit "bonjour"',
    ]


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("cp1252", b""),
        ("latin-1", b""),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
    ],
)
def test_encodings_with_french_accents(tmp_path, encoding, prefix):
    text = "Réf;Téléphone;Ville\nA1;0612345678;Orléans\nA2;0712345678;Saint-Étienne\n"
    table = read_ads([write(tmp_path, "ads.csv", prefix + text.encode(encoding))])
    assert list(table.frame.columns) == ["Réf", "Téléphone", "Ville"]
    assert table.frame["Ville"].tolist() == ["Orléans", "Saint-Étienne"]
    assert table.roles == {"ad_id": "Réf", "city": "Ville", "phone": "Téléphone"}


def test_cp1252_punctuation_and_euro(tmp_path):
    text = "id;texte\n1;“Câline” — 100 € l’heure… cœur\n"
    table = read_ads([write(tmp_path, "ads.csv", text, "cp1252")])
    assert table.frame["texte"][0] == "“Câline” — 100 € l’heure… cœur"


def test_excel_sep_line_and_explicit_options(tmp_path):
    path = write(tmp_path, "ads.csv", "sep=;\nid;texte\n1;a,b\n")
    assert records(path) == [{"id": "1", "texte": "a,b"}]
    path = write(tmp_path, "pipe.csv", "id,x|texte\n1,y|bonjour\n", "cp1252")
    assert records(path, delimiter="|", encoding="cp1252") == [{"id,x": "1,y", "texte": "bonjour"}]
    path = write(tmp_path, "tab.txt", "id,x\ttexte\n1,y\tbonjour\n")
    assert records(path, delimiter="tab") == [{"id,x": "1,y", "texte": "bonjour"}]
    with pytest.raises(InputError, match="not one character"):
        read_ads([path], delimiter=";;")
    with pytest.raises(InputError, match=r"tab\.txt: unknown encoding 'klingon'"):
        read_ads([path], encoding="klingon")


def test_fixture_excel_french_csv():
    table = read_ads([DATA / "excel_fr_cp1252.csv"])
    assert table.frame["Ville"].tolist() == ["Saint-Étienne", "Orléans", "Besançon"]
    assert table.frame["Texte de l'annonce"][1] == "Première fois ici.\nAppelle-moi"
    assert table.roles["age"] == "Âge" and table.roles["text"] == "Texte de l'annonce"
    assert "cp1252, semicolon-delimited" in table.notes[0]


def test_fixture_excel_unicode_text():
    table = read_ads([DATA / "excel_unicode_text.txt"])
    assert table.frame["Text"].tolist() == ["Sweet, discreet", "Call me 😀"]
    assert table.roles["title"] == "Title"


def test_fixture_scraper_export_with_ragged_and_short_rows():
    table = read_ads([DATA / "scraper_bom.csv"])
    assert table.frame.columns[0] == "id"  # the BOM is not part of the header
    assert table.flags.tolist() == ["", RAGGED_ROW, SHORT_ROW]
    assert table.frame[EXTRA_COLUMN].tolist()[1] == "extra field"
    assert table.frame["description"][0] == "Belle, douce\nNouvelle à Paris"


def test_ragged_rows_keep_their_extra_fields_and_are_flagged(tmp_path):
    text = "id,tel,texte\n1,06,a\n2,07,b,c,d\n3,08\n4,09,e,,\n,,\n"
    table = read_ads([write(tmp_path, "ads.csv", text)])
    assert table.frame[EXTRA_COLUMN].isna().tolist() == [True, False, True, True, True]
    assert table.frame[EXTRA_COLUMN][1] == "c,d"
    # trailing empty fields carry nothing: row 4 is clean
    assert table.flags.tolist() == ["", RAGGED_ROW, SHORT_ROW, "", EMPTY_ROW]
    assert table.frame["id"].tolist()[:4] == ["1", "2", "3", "4"]
    assert any("ragged_row" in note and "data row 2" in note for note in table.notes)


def test_quote_never_closed_does_not_swallow_the_rest(tmp_path):
    text = 'id,texte\n1,"ok"\n2,"jamais fermé\n3,trois\n4,quatre\n'
    table = read_ads([write(tmp_path, "ads.csv", text)])
    assert table.frame["id"].tolist() == ["1", "2", "3", "4"]
    assert table.frame["texte"].tolist() == ["ok", '"jamais fermé', "trois", "quatre"]
    assert table.flags.tolist() == ["", UNCLOSED_QUOTE, UNCLOSED_QUOTE, UNCLOSED_QUOTE]


def test_duplicated_and_blank_headers_are_renamed_and_noted(tmp_path):
    text = "tel,texte,tel,,tel.2\n1,a,2,3,4\n"
    table = read_ads([write(tmp_path, "ads.csv", text)])
    assert list(table.frame.columns) == ["tel", "texte", "tel.3", "column_4", "tel.2"]
    assert table.roles["phone"] == "tel"
    assert any("'tel.3'" in note for note in table.notes)


# ---- spreadsheets, JSON, Parquet, stdin ----------------------------------------------------


def xlsx(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def test_xlsx_cells_as_text_from_first_non_empty_sheet(tmp_path):
    rows = [
        [None],
        ["Téléphone", "Âge", "Prix", "Date", "Texte", None],
        [612345678, 25, 1.5, dt.datetime(2018, 12, 11), "0612345678", None],
        [None, 25.0, True, dt.datetime(2018, 12, 11, 10, 30), "", None],
    ]
    path = xlsx(
        tmp_path / "ads.xlsx",
        {"Vide": [], "Cachée": [["texte"], ["caché"]], "Annonces": rows},
        ("Cachée",),
    )
    table = read_ads([path])
    assert records(path) == [
        {
            "Téléphone": "612345678",
            "Âge": "25",
            "Prix": "1.5",
            "Date": "2018-12-11",
            "Texte": "0612345678",
        },
        {
            "Téléphone": None,
            "Âge": "25",
            "Prix": "TRUE",
            "Date": "2018-12-11 10:30:00",
            "Texte": None,
        },
    ]
    assert "sheet 'Annonces' of 3" in table.notes[0]
    assert records(path, sheet="Cachée") == [{"texte": "caché"}] == records(path, sheet="2")
    with pytest.raises(InputError, match=r"ads\.xlsx: has no sheet 'Nope'; its sheets are"):
        read_ads([path], sheet="Nope")


def test_xlsx_detected_by_content_whatever_its_name(tmp_path):
    path = xlsx(tmp_path / "ads.xlsx", {"S": [["texte"], ["bonjour"]]})
    renamed = path.rename(tmp_path / "export.dat")
    assert records(renamed) == [{"texte": "bonjour"}]


def test_json_lines_and_arrays_keep_number_text(tmp_path):
    assert records(DATA / "ads.jsonl") == [
        {
            "ad_id": "J1",
            "phone": "0612345678",
            "age": "25",
            "text": "Bonjour",
            "tags": '["new", "vip"]',
            "city": None,
        },
        {
            "ad_id": "J2",
            "phone": None,
            "age": "25.0",
            "text": "Salut",
            "tags": None,
            "city": "Paris",
        },
    ]
    path = write(tmp_path, "ads.json", '[{"texte": "a", "age": 25.50, "ok": true}, {"texte": "b"}]')
    assert records(path) == [
        {"texte": "a", "age": "25.50", "ok": "true"},
        {"texte": "b", "age": None, "ok": None},
    ]


def test_parquet_columns_as_text(tmp_path):
    table = pa.table(
        {
            "phone": ["0612345678", None],
            "age": pa.array([25, None], pa.int64()),
            "score": [1.5, 2.0],
            "seen": pa.array([dt.datetime(2018, 12, 11, 10), None], pa.timestamp("us")),
            "tags": [["a"], []],
        }
    )
    pq.write_table(table, tmp_path / "ads.parquet")
    assert records(tmp_path / "ads.parquet") == [
        {
            "phone": "0612345678",
            "age": "25",
            "score": "1.5",
            "seen": "2018-12-11 10:00:00",
            "tags": '["a"]',
        },
        {"phone": None, "age": None, "score": "2", "seen": None, "tags": "[]"},
    ]


def test_stdin_is_read_as_csv():
    table = read_ads(["-"], stdin=io.BytesIO("tel;texte\n06;é\n".encode("cp1252")))
    assert table.frame.to_dict("records") == [{"tel": "06", "texte": "é"}]
    assert table.inputs[0].path == "-" and table.inputs[0].rows == 1


def test_several_files_are_concatenated_with_their_source(tmp_path):
    a = write(tmp_path, "a.csv", "tel,texte\n06,a\n07,b\n")
    b = write(tmp_path, "b.csv", "texte;ville;source_file\nc;Lyon;old\n")
    table = read_ads([a, str(b)])
    assert list(table.frame.columns) == ["tel", "texte", "ville", "source_file.2", SOURCE_FILE]
    assert table.frame[SOURCE_FILE].tolist() == [str(a), str(a), str(b)]
    assert table.frame["ville"].isna().tolist() == [True, True, False]
    assert [i.rows for i in table.inputs] == [2, 1]
    assert table.inputs[1].sha256 == hashlib.sha256(b.read_bytes()).hexdigest()
    assert list(table.frame.index) == [0, 1, 2] and table.flags.tolist() == ["", "", ""]


# ---- roles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Téléphone", "phone"),
        ("TEL.", "phone"),
        ("Numéro de téléphone", "phone"),
        ("phoneNumber", "phone"),
        ("N° GSM", "phone"),
        ("Réf", "ad_id"),
        ("ID annonce", "ad_id"),
        ("Lien de l'annonce", "url"),
        ("Source URL", "url"),
        ("Plateforme", "site"),
        ("Date de publication", "date"),
        ("Publié le", "date"),
        ("Ville de l'annonce", "city"),
        ("Localisation", "city"),
        ("Prénom", "name"),
        ("Nom du site", "site"),
        ("ÂGE", "age"),
        ("Titre", "title"),
        ("Texte de l'annonce", "text"),
        ("Contenu", "text"),
        ("image_hash", "photo_hash"),
    ],
)
def test_role_from_english_or_french_header(header, role):
    assert detect_roles([header]) == {role: header}


def test_headers_that_are_not_roles():
    assert detect_roles(["Date de naissance", "Adresse e-mail", "Prix", "Contact email"]) == {}


def test_one_column_per_role_and_one_role_per_column():
    roles = detect_roles(["Tél", "Téléphone", "Numéro annonce", "Texte", "description"])
    assert roles == {"phone": "Tél", "text": "Texte"}


def test_overrides_win(tmp_path):
    assert detect_roles(["Tel", "Portable"], {"phone": "Portable"}) == {"phone": "Portable"}
    path = write(tmp_path, "ads.csv", "Numéro tel,Corps\n06,a\n")
    assert read_ads([path], {"text": "corps"}).roles == {"phone": "Numéro tel", "text": "Corps"}


def test_parse_role_override():
    assert parse_role_override("phone=Numéro tel") == ("phone", "Numéro tel")
    assert parse_role_override(" Photo-Hash = phash ") == ("photo_hash", "phash")
    for bad in ("phone", "=x", "phone=", "telephone=Tel"):
        with pytest.raises(InputError, match="--col"):
            parse_role_override(bad)


# ---- dates and ages ------------------------------------------------------------------------


def test_parse_dates_formats():
    values = pd.Series(
        [
            *("11/12/2018", "11/12/18", "2018-12-11", "11.12.2018", "11 déc. 2018"),
            *("11 décembre 2018", "Dec 11, 2018", "lundi 11 décembre 2018", "20181211"),
            *(" 11-12-2018 ", "2018-12-11T10:00:00", "2018-12-11T10:00:00.250+01:00"),
            *("11/12/2018 à 10h00", "x", None, "", "31/02/2018", "1544522400", "0612345678"),
        ],
        index=range(100, 119),
    )
    parsed = parse_dates(values)
    assert parsed.dtype == "datetime64[us]" and list(parsed.index) == list(values.index)
    day, ten = pd.Timestamp("2018-12-11"), pd.Timestamp("2018-12-11 10:00")
    assert parsed.tolist()[:13] == [day] * 10 + [ten] * 3
    assert parsed.isna().tolist()[13:17] == [True] * 4
    assert parsed.iloc[17] == pd.Timestamp("2018-12-11 10:00") and pd.isna(parsed.iloc[18])


@settings(max_examples=50)
@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
            st.sampled_from(["%d/%m/%Y", "%Y-%m-%d"]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_french_day_first_or_iso_dates_parse_back(dates):
    values = pd.Series([day.strftime(fmt) for day, fmt in dates])
    assert parse_dates(values).tolist() == [pd.Timestamp(day) for day, _ in dates]


def test_parse_ages():
    values = pd.Series(
        ["25", "25 ans", "25ans", "âge: 25", "Age 30-35", "15", "100", "1990", None, "vingt"]
    )
    assert parse_ages(values).tolist()[:4] == [25.0] * 4
    assert parse_ages(values).isna().tolist()[4:] == [False, True, True, True, True, True]


def test_excel_serials_in_a_csv_column_are_dates_the_time_of_day_dropped():
    values = pd.Series(["43376", "43376.5", " 43405 ", None, "2018-10-01"])
    assert parse_dates(values).tolist() == [
        pd.Timestamp("2018-10-03"),
        pd.Timestamp("2018-10-03"),
        pd.Timestamp("2018-11-01"),
        pd.NaT,
        pd.Timestamp("2018-10-01"),
    ]


def test_excel_serials_with_a_decimal_comma_are_dates_as_french_excel_writes_them():
    values = pd.Series(["43376,5", "43405,25", "43376"])
    assert parse_dates(values).tolist() == [
        pd.Timestamp("2018-10-03"),
        pd.Timestamp("2018-11-01"),
        pd.Timestamp("2018-10-03"),
    ]
    # Still a date written with a comma is not taken for a serial.
    assert parse_dates(pd.Series(["3 oct, 2018"])).tolist() == [pd.Timestamp("2018-10-03")]


def test_excel_serials_from_xlsx_number_cells(tmp_path):
    rows = [["tel", "date"], ["0612345678", 43376], ["0612345679", 43376.75]]
    path = xlsx(tmp_path / "ads.xlsx", {"Annonces": rows})
    table = read_ads([path])
    assert parse_dates(table.frame["date"]).tolist() == [pd.Timestamp("2018-10-03")] * 2


@pytest.mark.parametrize(
    "others",
    [
        ["123456"],  # a number outside the range: the column holds ids
        ["12.50"],  # or prices
        ["19999"],
        ["73416"],
    ],
)
def test_serials_next_to_numbers_that_cannot_be_serials_are_not_dates(others):
    assert parse_dates(pd.Series(["43376", "25000"])).notna().all()
    assert parse_dates(pd.Series(["43376", "25000", *others])).isna().all()


@settings(max_examples=100)
@given(
    st.integers(*EXCEL_SERIALS),
    st.sampled_from(["", ".25", ".5", ".999"]),
)
def test_excel_serial_to_date_and_back(serial, fraction):
    day = parse_dates(pd.Series([f"{serial}{fraction}"])).iloc[0]
    assert (day - pd.Timestamp("1899-12-30")).days == serial and day == day.normalize()


def test_partial_dates_take_the_year_of_the_collection_period():
    values = pd.Series(
        [
            *("01/10/2018", "20/12/2018"),
            *("le 9/10", "9 oct.", "Oct 9", "09/10", "9 octobre à 10h"),
            *("3/1", "31/2"),
        ]
    )
    parsed = parse_dates(values).tolist()
    assert parsed[2:7] == [pd.Timestamp("2018-10-09")] * 5
    assert parsed[7] == pd.Timestamp("2019-01-03")  # nearer to the period than 2018-01-03
    assert pd.isna(parsed[8])


def test_partial_dates_without_one_period_stay_empty():
    assert parse_dates(pd.Series(["01/10/2018", "le 9/10"])).notna().all()
    assert pd.isna(parse_dates(pd.Series(["le 9/10"])).iloc[0])  # no other date: no year
    # dates over a year or more: which year?
    assert pd.isna(parse_dates(pd.Series(["01/10/2017", "20/12/2018", "le 9/10"])).iloc[-1])


def test_unreadable_cells_are_the_filled_ones_parsed_to_nothing():
    values = pd.Series(["le 31/2", "bientôt", "", "  ", None, "2018-10-01"], dtype="str")
    assert unreadable_cells(values, parse_dates(values)).tolist() == [
        *(True, True),
        *(False, False, False, False),
    ]


@settings(max_examples=50)
@given(st.lists(st.text(), max_size=20))
def test_parse_ages_never_raises(texts):
    ages = parse_ages(pd.Series(texts, dtype="str"))
    assert ages.dropna().between(16, 99).all()


@settings(max_examples=50)
@given(st.lists(st.text(), max_size=20))
def test_parse_dates_never_raises(texts):
    assert len(parse_dates(pd.Series(texts, dtype="str"))) == len(texts)


# ---- bad input: one InputError naming the file ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\xef\xbb\xbf \r\n\r\n", "is empty"),
        ("header.csv", b"id,tel,texte\r\n", "no data rows"),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not text"),
        ("ads.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old .xls"),
        ("ads.csv.gz", b"\x1f\x8b\x08\x00", "decompress"),
        ("ads.ods", b"PK\x03\x04", "save it as .xlsx"),
        ("ads.xlsx", b"PK\x03\x04 broken zip", "not a readable .xlsx"),
        ("ads.xlsx", b"id,texte\n1,a\n", "not a readable .xlsx"),
        ("ads.parquet", b"PAR1 broken PAR1", "not a readable Parquet"),
        ("ads.json", b'{"ads": [\n{"texte": "a"}\n]}', "not valid JSON on line 1"),
        ("ads.json", b'[{"texte": "a"}, 3]', "item 2 of the array is a number"),
        ("ads.json", b'[{"texte": "a"', "not valid JSON"),
        ("ads.jsonl", b'{"texte": "a"}\n"b"\n', "line 2 is a string"),
        ("ads.json", b"[]", "no data rows"),
        ("ads.csv", b"id,prix,ville\n1,2,Paris\n", "--col ROLE=HEADER"),
    ],
)
def test_bad_input_raises_one_line_naming_the_file(tmp_path, name, content, message):
    path = write(tmp_path, name, content)
    with pytest.raises(InputError, match=message) as info:
        read_ads([path])
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)


def test_missing_file_folder_and_unknown_override(tmp_path):
    with pytest.raises(InputError, match=r"nope\.csv: file not found"):
        read_ads([tmp_path / "nope.csv"])
    with pytest.raises(InputError, match="is a folder"):
        read_ads([tmp_path])
    path = write(tmp_path, "ads.csv", "tel,texte\n06,a\n")
    with pytest.raises(InputError, match=r"ads\.csv has no column 'Mobile'.*'tel', 'texte'"):
        read_ads([path], {"phone": "Mobile"})
    with pytest.raises(InputError, match="unknown role 'telephone'"):
        read_ads([path], {"telephone": "tel"})


def test_no_usable_column_lists_headers(tmp_path):
    path = write(tmp_path, "ads.csv", "id;prix;ville\n1;2;Paris\n")
    with pytest.raises(InputError, match=r"headers: 'id', 'prix', 'ville'.*--col"):
        read_ads([path])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_read_or_raise_input_error(tmp_path, content):
    path = write(tmp_path, "ads.csv", content)
    try:
        table = read_ads([path])
    except InputError as exc:
        assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
    else:
        assert len(table.frame) == len(table.flags) == table.inputs[0].rows > 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(st.text(alphabet='ab,;"\n\r é', max_size=6), min_size=1, max_size=4),
        min_size=1,
        max_size=6,
    )
)
def test_csv_like_text_reads_or_raises_input_error(tmp_path, rows):
    content = "\n".join(",".join(row) for row in [["texte", "tel"], *rows])
    path = write(tmp_path, "ads.csv", content)
    try:
        table = read_ads([path])
    except InputError as exc:
        assert str(exc).startswith(f"{path}: ")
    else:
        assert len(table.frame) == len(table.flags) > 0


def test_adcensus_output_columns_never_take_a_role():
    headers = ["Réf", "Téléphone", "person_id", "network_id", "phones", "link_reason", "ad_key"]
    assert detect_roles(headers) == {"ad_id": "Réf", "phone": "Téléphone"}
    assert detect_roles(["person_id", "tel"]) == {"phone": "tel"}


def titled_workbook(folder: Path) -> Path:
    """A sheet as field users send it: a merged title row, a blank row, then the headers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Relevé"
    sheet["A1"] = "Relevé des annonces – octobre"
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append(["Réf", "Site", "Téléphone", "Pseudo", "Annonce"])
    sheet.append(["A1", "vitrine.test", "06 39 98 10 01", "Léa", "Nouvelle sur Arras"])
    sheet.append(["A2", "vitrine.test", "0639981001", "LEA", "Douce et discrète"])
    path = folder / "titled.xlsx"
    book.save(path)
    return path


def test_headers_below_a_merged_title_row_are_found(tmp_path):
    table = read_ads(titled_workbook(tmp_path))
    assert list(table.frame.columns) == ["Réf", "Site", "Téléphone", "Pseudo", "Annonce"]
    assert table.frame["Réf"].tolist() == ["A1", "A2"]
    assert table.roles["phone"] == "Téléphone" and table.roles["text"] == "Annonce"
    path = tmp_path / "titled.xlsx"
    assert f"{path}: headers found on row 3; rows 1–2 above them skipped (a title, not ads)." in (
        table.notes
    )
    assert f"{path}: 2 rows (Excel sheet 'Relevé', header on row 3)." in table.notes


def test_a_column_named_by_col_below_a_title_row_is_found(tmp_path):
    table = read_ads(titled_workbook(tmp_path), {"text": "Annonce"})
    assert table.roles["text"] == "Annonce"
    assert len(table.frame) == 2


def test_header_row_forces_the_row_of_the_headers(tmp_path):
    text = "Relevé des annonces;;\nsemaine 42;;\nRef;Tel;Texte\nA1;0639981001;Léa\nA2;x;y\n"
    path = write(tmp_path, "ads.csv", text)
    forced = read_ads(path, header_row=3)
    assert list(forced.frame.columns) == ["Ref", "Tel", "Texte"]
    assert forced.frame["Ref"].tolist() == ["A1", "A2"]
    assert f"{path}: headers on row 3 (--header-row); rows 1–2 skipped." in forced.notes
    found = read_ads(path)
    assert list(found.frame.columns) == ["Ref", "Tel", "Texte"]
    with pytest.raises(InputError, match="--header-row 9: its rows run from 1 to 5"):
        read_ads(path, header_row=9)


def test_headers_on_the_first_row_are_kept_even_when_few_take_roles(tmp_path):
    path = write(tmp_path, "ads.csv", "Texte,Foo,Bar\nRef,Tel,Ville\nA,B,C\n")
    table = read_ads(path)
    assert list(table.frame.columns) == ["Texte", "Foo", "Bar"]
    assert len(table.frame) == 2


def test_every_phone_column_is_a_phone_column_and_unused_ones_are_named(tmp_path):
    text = "Réf,Téléphone,Téléphone 2,WhatsApp,Numéro d'annonce,Notes,Texte\nA1,1,2,3,4,5,6\n"
    table = read_ads(write(tmp_path, "ads.csv", text))
    assert table.roles["phone"] == "Téléphone"
    assert table.more_columns == {"phone": ("Téléphone 2", "WhatsApp")}
    assert unused_columns(table) == ["Numéro d'annonce", "Notes"]


def test_col_phone_given_twice_adds_a_column(tmp_path):
    from adcensus.read import parse_role_overrides

    columns = parse_role_overrides(["phone=appel", "phone=second appel", "text=Texte"])
    assert columns == {"phone": ("appel", "second appel"), "text": "Texte"}
    path = write(tmp_path, "ads.csv", "appel,second appel,Texte\n1,2,3\n")
    table = read_ads(path, columns)
    assert (table.roles["phone"], table.more_columns) == ("appel", {"phone": ("second appel",)})
    with pytest.raises(InputError, match="only phone may take several columns"):
        parse_role_overrides(["text=a", "text=b"])


@pytest.mark.parametrize(
    "text",
    [
        # A one-field file whose title holds a comma: not two columns.
        "Relevé des annonces, octobre 2018\nAnnonce\nBelle douce 06 39 98 45 72\nJolie\n",
        # A title saved without the delimiters that would fill its row.
        "Relevé des annonces, octobre\nAnnonce;Ville\nBelle, douce;Calais\nJolie;Lille\n",
    ],
)
def test_a_title_line_narrower_than_the_table_is_skipped_not_read_as_its_shape(tmp_path, text):
    path = write(tmp_path, "ads.csv", text)
    table = read_ads(path)
    headers = text.splitlines()[1].split(";")
    assert list(table.frame.columns) == headers
    assert table.frame[headers[0]].tolist() == [
        line.split(";")[0] for line in text.splitlines()[2:]
    ]
    assert table.flags.tolist() == ["", ""]
    assert f"{path}: headers found on row 2; row 1 above them skipped (a title, not ads)." in (
        table.notes
    )


def test_a_few_ragged_rows_and_decimal_commas_do_not_make_the_comma_the_delimiter(tmp_path):
    text = "Réf;Prix;Texte\nA1;12,5;a\nA2;13,5;b\nA3;14,5;c;en trop\nA4;15,5;d\n"
    table = read_ads(write(tmp_path, "ads.csv", text))
    assert list(table.frame.columns)[:3] == ["Réf", "Prix", "Texte"]
    assert table.frame["Prix"].tolist() == ["12,5", "13,5", "14,5", "15,5"]


def test_headers_narrower_than_rows_ending_in_a_delimiter_stay_the_headers(tmp_path):
    table = read_ads(write(tmp_path, "ads.csv", "Réf;Tel;Texte\nA1;0639984572;a;\nA2;x;b;\n"))
    assert list(table.frame.columns) == ["Réf", "Tel", "Texte"]
    assert table.frame["Réf"].tolist() == ["A1", "A2"]
