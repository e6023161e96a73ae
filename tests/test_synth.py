"""The synthetic census: the counts it promises, the hard cases it holds, fictional numbers."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from adcensus.cli import app
from adcensus.errors import UsageError
from adcensus.phones import FICTIONAL_BLOCKS
from adcensus.synth import (
    ADS_COLUMNS,
    UNALLOCATED_MOBILE_BLOCKS,
    CensusSpec,
    draw_phone_numbers,
    fictional_blocks,
    generate_census,
    write_census,
)
from adcensus.synth.text import (
    AGENCY_BOOKING,
    OBFUSCATION_STYLES,
    ORIGIN_LABELS,
    PHONE_STYLES,
    PRESENTATION_WORDS,
    french_number,
    name_variant,
    obfuscate_phone,
)

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
TEXT = "Texte de l'annonce"
FICTION_PREFIXES = tuple(block.replace(" ", "") for block in FICTIONAL_BLOCKS)  # "063998"…


@pytest.fixture(scope="module")
def census() -> pd.DataFrame:
    """The default census, one row per ad with its truth."""
    ads, truth = generate_census(CensusSpec())
    assert (ads["Réf"] == truth["ad_id"]).all()
    return ads.join(truth.drop(columns="ad_id"))


def _digits(cell: str) -> str:
    """The national number of a plainly written phone cell: +33 6 39… -> 0639…"""
    digits = re.sub(r"\D", "", cell)
    return "0" + digits[2:] if digits.startswith("33") else digits


def _cell_numbers(census: pd.DataFrame) -> pd.DataFrame:
    cells = census.dropna(subset=["Téléphone"])
    numbers = cells["Téléphone"].str.split(" / ").explode().map(_digits)
    return cells[["person_id", "network_id"]].join(numbers.rename("number"))


# ---- what the default spec promises --------------------------------------------------------


def test_default_census_is_the_2018_pas_de_calais_diagnostic(census: pd.DataFrame) -> None:
    assert len(census) == 699
    assert census["person_id"].nunique() == 273
    assert census["Site"].nunique() == 39
    collected = pd.to_datetime(census["Date de collecte"], format="%d/%m/%Y")
    assert collected.min() >= pd.Timestamp(2018, 9, 1)
    assert collected.max() <= pd.Timestamp(2018, 12, 31)
    assert collected.is_monotonic_increasing  # rows in collection order, as analysts keep them
    assert list(census.columns[: len(ADS_COLUMNS)]) == list(ADS_COLUMNS)


def test_ids_and_links_are_unique_and_on_reserved_domains(census: pd.DataFrame) -> None:
    assert census["Réf"].is_unique and census["Lien"].is_unique
    assert census["Réf"].iloc[0] == "A0001"
    assert census["Lien"].str.match(r"^https://[a-z0-9-]+\.(test|example)/").all()
    assert census["Site"].str.match(r"^[a-z0-9-]+\.(test|example)$").all()


def test_ads_per_person_are_heavy_tailed(census: pd.DataFrame) -> None:
    per_person = census.groupby("person_id").size()
    assert per_person.min() >= 1
    assert per_person.mean() == pytest.approx(699 / 273)
    assert (per_person <= 3).mean() > 0.7  # most persons post 1–3 ads
    assert (per_person >= 10).sum() >= 3  # and a few post 10 or more


def test_every_ad_has_text_and_optional_cells_are_sometimes_empty(census: pd.DataFrame) -> None:
    assert census[["Réf", "Site", "Lien", "Date de collecte", TEXT]].notna().all().all()
    for column in ("Ville", "Téléphone", "Pseudo", "Âge", "Titre"):
        assert 0.02 < census[column].isna().mean() < 0.25, column


# ---- the hard cases ------------------------------------------------------------------------


def test_agencies_share_one_phone_and_one_template(census: pd.DataFrame) -> None:
    agency = census[census["network_id"].str.startswith("N")]
    assert agency["network_id"].nunique() >= 5
    sizes = agency.groupby("network_id")["person_id"].nunique()
    assert sizes.between(2, 6).all()
    numbers = _cell_numbers(agency).groupby("network_id")["number"].nunique()
    assert (numbers == 1).all()  # one booking phone per agency
    for _, ads in agency.groupby("network_id"):  # one template: the same booking sentence
        persons = {
            sentence: ads.loc[ads[TEXT].str.contains(sentence, regex=False), "person_id"].nunique()
            for sentence in AGENCY_BOOKING
        }
        assert max(persons.values()) == ads["person_id"].nunique()


def test_a_phone_belongs_to_one_person_or_one_agency(census: pd.DataFrame) -> None:
    numbers = _cell_numbers(census)
    assert (numbers.groupby("number")["network_id"].nunique() == 1).all()
    independent = numbers[~numbers["network_id"].str.startswith("N")]
    assert (independent.groupby("number")["person_id"].nunique() == 1).all()


def test_some_persons_change_phone_and_some_ads_give_both(census: pd.DataFrame) -> None:
    numbers = _cell_numbers(census)
    per_person = numbers.groupby("person_id")["number"].nunique()
    assert (per_person >= 2).sum() >= 10
    assert census["Téléphone"].str.contains(" / ", na=False).any()
    assert census[TEXT].str.contains("[Nn]ouveau (?:numéro|tel)|changement de numéro").any()


def test_strangers_share_common_pseudonyms(census: pd.DataFrame) -> None:
    folded = census["Pseudo"].dropna().map(lambda n: name_variant(n, 2))  # LEA for Léa
    persons = census.loc[folded.index, "person_id"].groupby(folded).nunique()
    assert persons.max() >= 5
    assert (persons >= 2).sum() >= 5


def test_a_person_spells_her_pseudonym_several_ways(census: pd.DataFrame) -> None:
    spellings = census.groupby("person_id")["Pseudo"].nunique()
    assert (spellings >= 2).sum() >= 10
    folded = census.dropna(subset=["Pseudo"]).assign(
        folded=lambda f: f["Pseudo"].map(lambda n: name_variant(n, 2))
    )
    assert (folded.groupby("person_id")["folded"].nunique() == 1).all()


def test_ages_drift_by_at_most_one_year(census: pd.DataFrame) -> None:
    ages = census.dropna(subset=["Âge"]).assign(age=lambda f: f["Âge"].astype(int))
    spread = ages.groupby("person_id")["age"].agg(lambda a: a.max() - a.min())
    assert spread.max() <= 2
    assert (spread >= 1).sum() >= 10
    assert ages["age"].min() >= 18


def test_touring_persons_post_from_several_cities(census: pd.DataFrame) -> None:
    cities = census.groupby("person_id")["Ville"].nunique()
    assert (cities >= 2).sum() >= 40
    assert set(census["Ville"].dropna()) & {"Lille", "Amiens", "Dunkerque", "Paris", "Bruxelles"}


def test_reposts_are_edited_but_some_are_exact(census: pd.DataFrame) -> None:
    texts = census.groupby("person_id")[TEXT].agg(["size", "nunique"])
    multi = texts[texts["size"] >= 3]
    assert (multi["nunique"] > 1).mean() > 0.6
    assert census[TEXT].duplicated().any()


def test_numbers_hidden_in_the_text_take_every_form(census: pd.DataFrame) -> None:
    text = census[TEXT]
    assert text.str.contains("O6|O5|O1", regex=True).any() or text.str.contains("O").any()
    assert text.str.contains("zéro").any()
    assert text.str.contains("[０-９]").any()
    assert text.str.contains("\u20e3").any()
    empty_cell = census["Téléphone"].isna()
    assert (empty_cell & text.str.contains(r"\d|zéro|\u20e3|[０-９]")).sum() == empty_cell.sum()


def test_the_text_is_varied_and_tame(census: pd.DataFrame) -> None:
    first_words = census[TEXT].str.extract(r"^\W*(\w+(?: \w+)?)")[0]
    assert first_words.nunique() > 30
    assert not census[TEXT].str.contains(r"\{|\}").any()  # no slot left unfilled
    assert not census["Titre"].str.contains(r"\{|\}", na=False).any()


# ---- fictional numbers ---------------------------------------------------------------------


def test_extracted_phones_are_all_fictional(census: pd.DataFrame) -> None:
    phones = pytest.importorskip("adcensus.phones")
    found = [
        phones.extract_phones(cell) + phones.extract_phones(text)
        for cell, text in zip(census["Téléphone"], census[TEXT], strict=True)
    ]
    every = [phone for phones_of_ad in found for phone in phones_of_ad]
    assert len(every) > len(census)
    assert {phone.status for phone in every} == {"fictional"}
    assert all(phone.e164.startswith("+3363998") for phone in every)  # 06 39 98 only
    # Every ad gives its number; the extractor may miss only numbers spelled in words.
    for phones_of_ad, (cell, text) in zip(
        found, census[["Téléphone", TEXT]].to_numpy(), strict=True
    ):
        if not phones_of_ad:
            assert pd.isna(cell) and re.search(r"vingt|trente|quarante|cinquante|soixante|OO", text)


# Forms the extractor reads for any number; for the others (O for 0, French words, half
# words) it reads most numbers, and the examples below mark what it does not read yet.
_READ_IN_FULL = (1, 2, 3, 5, 6)


@given(suffix=st.integers(0, 9999), style=st.sampled_from(_READ_IN_FULL))
@settings(max_examples=150, deadline=None)
def test_obfuscations_are_read_back_by_the_extractor(suffix: int, style: int) -> None:
    phones = pytest.importorskip("adcensus.phones")
    digits = f"063998{suffix:04d}"
    written = obfuscate_phone(digits, style)
    assert written != digits
    assert [p.e164 for p in phones.extract_phones(f"Tel {written} merci")] == ["+33" + digits[1:]]


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("O6 39 98 OO 34", "+33639980034"),  # O for 0 in a 00 pair
        ("zéro six trente-neuf quatre-vingt-dix-huit cinquante dix", "+33639985010"),
        ("zéro six trente-neuf quatre-vingt-dix-huit vingt quatre-vingt-quinze", "+33639982095"),
        ("06 39 98 vingt-quatre cinquante-huit", "+33639982458"),  # half digits, half words
        ("O6 39 98 7O OO", "+33639987000"),
        ("06 39 98 cinquante-quatre vingt-neuf", "+33639985429"),  # 54 29, not 50 89
        ("06 39 98 quatre-vingts quatorze", "+33639988014"),
    ],
)
def test_harder_obfuscations_are_read_back_by_the_extractor(written: str, e164: str) -> None:
    phones = pytest.importorskip("adcensus.phones")
    assert [p.e164 for p in phones.extract_phones(f"Tel {written} merci")] == [e164]


@pytest.mark.parametrize("style", range(OBFUSCATION_STYLES))
def test_every_obfuscation_differs_from_the_plain_formats(style: int) -> None:
    from adcensus.synth.text import format_phone

    plain = {format_phone("0639981234", s) for s in range(PHONE_STYLES)}
    assert obfuscate_phone("0639981234", style) not in plain


@pytest.mark.parametrize("style", range(PHONE_STYLES))
def test_phone_cell_styles_keep_the_number(style: int) -> None:
    from adcensus.synth.text import format_phone

    assert _digits(format_phone("0639981234", style)) == "0639981234"


def test_french_numbers_as_people_spell_them() -> None:
    spelled = {n: french_number(n) for n in (0, 6, 16, 17, 21, 39, 70, 71, 80, 81, 91, 98, 99)}
    assert spelled == {
        0: "zéro", 6: "six", 16: "seize", 17: "dix-sept", 21: "vingt et un", 39: "trente-neuf",
        70: "soixante-dix", 71: "soixante et onze", 80: "quatre-vingts", 81: "quatre-vingt-un",
        91: "quatre-vingt-onze", 98: "quatre-vingt-dix-huit", 99: "quatre-vingt-dix-neuf",
    }  # fmt: skip
    assert (
        obfuscate_phone("0639981234", 4)
        == "zéro six trente-neuf quatre-vingt-dix-huit douze trente-quatre"
    )


def test_fictional_blocks_put_the_mobile_block_first() -> None:
    assert fictional_blocks()[0] == "063998"
    assert sorted(fictional_blocks()) == sorted(FICTION_PREFIXES)


def test_small_censuses_draw_only_from_06_39_98() -> None:
    numbers = draw_phone_numbers(np.random.default_rng(1), 10_000)
    assert len(set(numbers)) == 10_000
    assert all(n.startswith("063998") for n in numbers)


def test_overflow_numbers_are_possible_but_unallocated() -> None:
    numbers = draw_phone_numbers(np.random.default_rng(1), 70_000)
    assert len(set(numbers)) == 70_000
    fictional = [n for n in numbers if n.startswith(FICTION_PREFIXES)]
    assert len(fictional) == 60_000  # every fictional number is used before any other
    overflow = [n for n in numbers if not n.startswith(FICTION_PREFIXES)]
    assert all(n.startswith(UNALLOCATED_MOBILE_BLOCKS) for n in overflow)
    for number in [*overflow[:200], *(f"{block}123456" for block in UNALLOCATED_MOBILE_BLOCKS)]:
        parsed = phonenumbers.parse(number, "FR")
        assert phonenumbers.is_possible_number(parsed), number
        assert not phonenumbers.is_valid_number(parsed), number


# ---- determinism, files, other specs -------------------------------------------------------


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    spec = CensusSpec(ads=300, persons=120, sites=20)
    first = write_census(spec, tmp_path / "a")
    second = write_census(spec, tmp_path / "b")
    other = write_census(CensusSpec(ads=300, persons=120, sites=20, seed=7), tmp_path / "c")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert first[0].read_bytes() != other[0].read_bytes()


def test_files_are_written_as_french_excel_saves_them(tmp_path: Path) -> None:
    ads_path, truth_path = write_census(CensusSpec(ads=50, persons=20, sites=5), tmp_path)
    raw = ads_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfR\xc3\xa9f;Site;Lien;")
    assert raw.count(b"\r\n") >= 51
    assert truth_path.read_text(encoding="utf-8").startswith(
        "ad_id,person_id,network_id,age,origin,presentation,kind\n"
    )
    ads = pd.read_csv(ads_path, sep=";", encoding="utf-8-sig", dtype=str)
    assert len(ads) == 50
    assert not list(tmp_path.glob(".*.tmp"))


def test_shipped_sample_is_what_the_documented_command_writes(tmp_path: Path) -> None:
    ads_path, truth_path = write_census(CensusSpec(), tmp_path)
    assert ads_path.read_bytes() == (SAMPLE / "ads.csv").read_bytes()
    assert truth_path.read_bytes() == (SAMPLE / "truth.csv").read_bytes()
    assert "adcensus synth data/sample --force" in (SAMPLE / "README.md").read_text()


def test_write_census_refuses_a_non_empty_folder_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep")
    spec = CensusSpec(ads=20, persons=10, sites=3)
    with pytest.raises(UsageError, match="not empty"):
        write_census(spec, tmp_path)
    write_census(spec, tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text() == "keep"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ads": 10, "persons": 11}, "at least persons"),
        ({"persons": 0}, "at least 1"),
        ({"sites": 700}, "every site is used"),
        ({"end": date(2018, 8, 1)}, "before start"),
        ({"region": "Atlantis"}, "unknown region"),
        ({"touring_rate": 1.5}, "between 0 and 1"),
        ({"missing_rate": -0.1}, "between 0 and 1"),
    ],
)
def test_impossible_specs_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        CensusSpec(**changes)  # type: ignore[arg-type]


@given(
    persons=st.integers(1, 80),
    extra=st.integers(0, 150),
    sites=st.integers(1, 40),
    seed=st.integers(0, 2**32),
    share=st.floats(0, 1),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_spec_gives_exactly_what_it_asks(
    persons: int, extra: int, sites: int, seed: int, share: float
) -> None:
    ads = persons + extra
    sites = min(sites, ads)
    spec = CensusSpec(
        ads=ads, persons=persons, sites=sites, seed=seed, agency_share=share, touring_rate=share,
        phone_change_rate=share, obfuscation_rate=share, missing_rate=share, edit_rate=share,
        common_name_share=share, region="Nord",
    )  # fmt: skip
    frame, truth = generate_census(spec)
    assert len(frame) == ads and frame["Réf"].is_unique and frame["Lien"].is_unique
    assert truth["person_id"].nunique() == persons
    assert frame["Site"].nunique() == sites
    assert frame[TEXT].notna().all()
    agencies = truth[truth["network_id"].str.startswith("N")].groupby("network_id")
    assert agencies["person_id"].nunique().between(2, 6).all()


def test_a_larger_census_keeps_its_promises() -> None:
    spec = CensusSpec(ads=20_000, persons=7_800, sites=60, seed=5)
    ads, truth = generate_census(spec)
    assert len(ads) == 20_000 and truth["person_id"].nunique() == 7_800
    assert ads["Site"].nunique() == 60
    assert truth.groupby("person_id").size().max() <= 12 * 20_000 / 7_800 + 1


# ---- the command ---------------------------------------------------------------------------

runner = CliRunner()


def test_synth_command_writes_ads_and_truth(tmp_path: Path) -> None:
    out = tmp_path / "census"
    result = runner.invoke(app, ["synth", str(out), "--ads", "120", "--persons", "50"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # messages go to stderr
    assert "120 ads by 50 persons" in result.stderr
    truth = pd.read_csv(out / "truth.csv", dtype=str)
    assert len(truth) == 120 and truth["person_id"].nunique() == 50


def test_synth_command_with_its_defaults_writes_the_shipped_sample(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", str(tmp_path / "sample")])
    assert result.exit_code == 0, result.output
    for name in ("ads.csv", "truth.csv"):
        assert (tmp_path / "sample" / name).read_bytes() == (SAMPLE / name).read_bytes()


def test_synth_command_refuses_a_non_empty_folder_in_one_line(tmp_path: Path) -> None:
    runner.invoke(app, ["synth", str(tmp_path), "--ads", "30", "--persons", "10", "--sites", "5"])
    result = runner.invoke(app, ["synth", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--force" in result.stderr
    forced = runner.invoke(
        app, ["synth", str(tmp_path), "--ads", "40", "--persons", "10", "--force"]
    )
    assert forced.exit_code == 0
    assert len(pd.read_csv(tmp_path / "truth.csv")) == 40


@pytest.mark.parametrize(
    "args",
    [["--agency-share", "2"], ["--start", "1 sept"], ["--persons", "900"], ["--region", "Mars"]],
)
def test_synth_command_bad_options_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["synth", str(tmp_path / "x"), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("error:")
    assert not (tmp_path / "x").exists()


def test_synth_then_evaluate_in_a_real_process(tmp_path: Path) -> None:
    out = tmp_path / "census"
    made = subprocess.run(
        [sys.executable, "-m", "adcensus", "synth", str(out), "--ads", "80", "--persons", "30"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout == ""
    truth = str(out / "truth.csv")  # the truth scored against itself is perfect
    scored = runner.invoke(app, ["evaluate", truth, truth, "--json"])
    assert scored.exit_code == 0, scored.stderr
    assert '"bcubed_f1": 1.0' in scored.stdout


def test_truth_says_each_persons_age_origin_presentation_and_kind() -> None:
    ads, truth = generate_census(CensusSpec())
    per_person = truth.drop_duplicates("person_id").set_index("person_id")
    assert set(per_person["presentation"]) == {"woman"}
    assert per_person["age"].astype(int).between(19, 49).all()
    assert set(per_person["kind"]) == {"independent", "agency", "touring", "agency;touring"}
    in_agency = per_person["kind"].str.contains("agency")
    assert (in_agency == per_person["network_id"].str.startswith("N")).all()
    # An origin in the truth is written in one of the person's ads, and the other way.
    words = {label: word for word, label in ORIGIN_LABELS.items() if label}
    said = (ads["Titre"].fillna("") + " " + ads["Texte de l'annonce"].fillna("")).str.casefold()
    for person, origin in per_person["origin"].items():
        mine = said[truth["person_id"] == person]
        if origin:
            assert mine.str.contains(words[origin]).any()
        else:
            assert not any(mine.str.contains(w).any() for w in words.values())


def test_presentations_come_from_their_own_stream_and_are_written_in_the_ads() -> None:
    plain_ads, plain_truth = generate_census(CensusSpec(ads=300, persons=120, sites=10))
    spec = CensusSpec(
        ads=300, persons=120, sites=10, trans_share=0.2, man_share=0.1, couple_share=0.1
    )
    ads, truth = generate_census(spec)
    # Every other draw is unchanged: the same persons post on the same days and sites.
    for name in ("Réf", "Site", "Date de collecte", "Ville", "Téléphone", "Âge"):
        assert ads[name].equals(plain_ads[name])
    assert truth["person_id"].equals(plain_truth["person_id"])
    shown = truth.drop_duplicates("person_id")["presentation"].value_counts()
    assert set(shown.index) == {"woman", "trans", "man", "couple"}
    text = (ads["Titre"].fillna("") + " " + ads["Texte de l'annonce"]).str.casefold()
    for presentation, wordings in PRESENTATION_WORDS.items():
        pattern = "|".join(rf"\b{re.escape(w.casefold())}\b" for w in wordings)
        says = text.str.contains(pattern).groupby(truth["person_id"]).any()
        persons = truth.groupby("person_id")["presentation"].first()
        assert (says[persons == presentation]).all()
        assert not says[persons == "woman"].any()
    with pytest.raises(UsageError, match="add up to more than 1"):
        CensusSpec(trans_share=0.6, man_share=0.6)
