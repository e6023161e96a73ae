"""Pseudonymized outputs hold no phone number or url anywhere, whatever the columns
are called (issue 15: 4). The numbers are of the fiction blocks (06 39 98 xx xx)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import run

from adcensus.outputs import read_output_csv
from adcensus.phones import extract_phones_many

# Extra columns adcensus does not recognise, holding numbers as analysts find them:
# spaced, dotted, +33, O for 0, in words, beside a url.
EXTRA = {
    "WhatsApp": ["+33 6 39 98 10 01", "06.39.98.10.02", "wa.me/33639981003", "", "0639981004"],
    "Téléphone 2": [
        "O6 39 98 1O O5",
        "06-39-98-10-06",
        "",
        "zéro six 39 98 10 07",
        "06 39 98 10 08",
    ],
    # A header no role matches: found by scanning its cells.
    "Autre": ["O6 39 98 1O 11", "", "sms 06 39 98 10 12 ou 06 39 98 10 13", "", "+33639981014"],
    "Notes": [
        "rappeler au 06 39 98 10 09",
        "profil https://annonces-exemple-01.test/annonce/7",
        "vu sur www.annonces-exemple-02.test/u/lea",
        "rien",
        "autre annonce annonces-exemple-03.test/annonce/9 tel 06 39 98 10 10",
    ],
}
CLEAR = ["0639981001", "639981003", "0639981005", "exemple-01.test/annonce/7", "www."]
URL = re.compile(r"https?://|www\.|[a-z0-9-]+\.test/")
TOKEN = re.compile(r"(?:tel|url|name|photo)_[0-9a-f]{16}")


@pytest.fixture
def with_extra(months, tmp_path: Path) -> Path:
    """The October file with the extra columns on its first five ads."""
    ads = pd.read_csv(months[0], sep=";", dtype=str, keep_default_na=False)
    for name, values in EXTRA.items():
        ads[name] = values + [""] * (len(ads) - len(values))
    path = tmp_path / "extra.csv"
    ads.to_csv(path, sep=";", index=False)
    return path


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "key"
    assert run("keygen", "-o", path)[0] == 0
    return path


def leaks(texts: list[str]) -> list[str]:
    """The texts holding a phone number (as adcensus.phones finds them) or a url, once
    the tokens are taken out (their hex digits may read as a number)."""
    texts = [TOKEN.sub(" ", t) for t in texts]
    found = extract_phones_many(texts, "FR")
    return [t for t, phones in zip(texts, found, strict=True) if phones or URL.search(t)]


def folder_leaks(folder: Path) -> list[str]:
    cells: list[str] = []
    for name in ("ads.csv", "persons.csv", "pairs.csv", "rejected.csv"):
        frame = read_output_csv(folder / name)
        cells += [str(c) for c in frame.columns]
        cells += [v for column in frame.columns for v in frame[column].tolist() if v]
    raw = "".join((folder / n).read_text(encoding="utf-8-sig") for n in ("ads.csv", "summary.json"))
    return leaks(cells) + [c for c in CLEAR if c in raw]


@pytest.mark.parametrize("drop_text", [True, False], ids=["drop-text", "keep-text"])
def test_dedupe_pseudonymized_holds_no_number_or_url(with_extra, key, tmp_path, drop_text) -> None:
    out = tmp_path / "out"
    extra = ["--drop-text"] if drop_text else []
    code, _, err = run("dedupe", with_extra, "-o", out, "--pseudonymize", "--key-file", key, *extra)
    assert code == 0, err
    assert folder_leaks(out) == []
    said = " ".join(err.split())
    assert "pseudonymized:" in said
    assert "4 phone numbers in Autre" in said
    assert "2 phone numbers and 3 urls in Notes" in said
    ads = read_output_csv(out / "ads.csv")
    for name in ("WhatsApp", "Téléphone 2"):  # phone columns by their header: tokens
        assert ads[name].str.match("(tel|url)_").sum() == 4
    assert ads["Notes"].iloc[3] == "rien"  # other words stay


def test_store_export_pseudonymized_holds_no_number_or_url(with_extra, key, tmp_path) -> None:
    store, out = tmp_path / "census.db", tmp_path / "export"
    assert run("dedupe", with_extra, "--store", store)[0] == 0
    code, _, err = run(
        "store", "export", store, "-o", out, "--pseudonymize", "--key-file", key, "--drop-text"
    )
    assert code == 0, err
    assert folder_leaks(out) == []
    assert "4 phone numbers in Autre" in " ".join(err.split())


@pytest.mark.parametrize("by", ["WhatsApp", "Téléphone 2", "Autre", "Notes"])
def test_tally_by_an_unknown_column_pseudonymized_prints_no_number(with_extra, key, by) -> None:
    code, out, err = run(
        "tally", with_extra, "--by", by, "--pseudonymize", "--key-file", key, "-f", "csv"
    )
    assert code == 0, err
    assert leaks(out.splitlines()) == []
    assert "tel_" in out
