"""Phones: every way an ad writes a number, and the numbers that are not phones."""

from __future__ import annotations

import phonenumbers
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcensus.errors import InputError
from adcensus.phones import (
    FICTIONAL_BLOCKS,
    Phone,
    extract_phones,
    extract_phones_arrow,
    extract_phones_many,
    is_fictional,
    mask_phone,
    phone_column_warnings,
    strip_phones,
)
from adcensus.read import read_ads


def e164s(text: str | None, region: str = "FR") -> list[str]:
    return [phone.e164 for phone in extract_phones(text, region)]


# ---- the usual ways of writing a number ----------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 (0)6 12 34 56 78",
        "(+33) 6 12 34 56 78",
        "0033 6 12 34 56 78",
        "0033612345678",
        "33612345678",  # no + but a French country code and a valid number: unambiguous
    ],
)
def test_usual_formats(written: str) -> None:
    assert e164s(f"Léa, dispo ce soir au {written} !") == ["+33612345678"]


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("+32 470 12 34 56", "+32470123456"),
        ("0032 470 12 34 56", "+32470123456"),
        ("+41 79 123 45 67", "+41791234567"),
        ("+34 612 34 56 78", "+34612345678"),
        ("wa.me/32470123456", "+32470123456"),
    ],
)
def test_numbers_with_a_country_code_are_read_from_anywhere(written: str, e164: str) -> None:
    assert e164s(f"Nouvelle en ville {written} bisous") == [e164]


def test_national_numbers_are_read_in_the_region_given() -> None:
    assert e164s("0470 12 34 56", region="BE") == ["+32470123456"]
    assert e164s("079 123 45 67", region="ch") == ["+41791234567"]


def test_french_overseas_numbers_get_their_own_country_code() -> None:
    assert e164s("06 90 12 34 56") == ["+590690123456"]  # Guadeloupe
    assert e164s("06 92 12 34 56") == ["+262692123456"]  # La Réunion


def test_a_phone_cell_whose_leading_zero_a_spreadsheet_dropped() -> None:
    assert e164s("612345678") == ["+33612345678"]


# ---- numbers as each region writes them -------------------------------------------------------

# Numbers kept for fiction where the country has a range (NANP 555-01xx, Ofcom's 07700 900xxx
# and 020 7946 0xxx, ACMA's 0491 570 156); elsewhere phonenumbers' own example numbers.
_WRITTEN_IN = [
    ("US", "(201) 555-0123", "+12015550123"),
    ("US", "201-555-0123", "+12015550123"),
    ("US", "201.555.0123", "+12015550123"),
    ("US", "201 555 0123", "+12015550123"),
    ("US", "(201)555-0123", "+12015550123"),
    ("US", "201/555-0123", "+12015550123"),
    ("US", "+1 201 555 0123", "+12015550123"),
    ("US", "+1 (201) 555-0123", "+12015550123"),
    ("US", "1-201-555-0123", "+12015550123"),
    ("US", "1 (201) 555-0123", "+12015550123"),
    ("US", "2015550123", "+12015550123"),
    ("US", "312-555-0142", "+13125550142"),
    ("CA", "(613) 555-0123", "+16135550123"),
    ("CA", "613-555-0123", "+16135550123"),
    ("CA", "+1 613 555 0123", "+16135550123"),
    ("GB", "07700 900123", "+447700900123"),
    ("GB", "+44 7700 900123", "+447700900123"),
    ("GB", "07700900123", "+447700900123"),
    ("GB", "0 7700 900 123", "+447700900123"),
    ("GB", "+44 (0)7700 900123", "+447700900123"),
    ("GB", "07700-900-123", "+447700900123"),
    ("GB", "(07700) 900123", "+447700900123"),
    ("GB", "020 7946 0123", "+442079460123"),
    ("BE", "0450 00 12 34", "+32450001234"),
    ("BE", "+32 450 00 12 34", "+32450001234"),
    ("BE", "0450/00.12.34", "+32450001234"),
    ("BE", "0450/00 12 34", "+32450001234"),
    ("BE", "0032 450 00 12 34", "+32450001234"),
    ("CH", "078 123 45 67", "+41781234567"),
    ("CH", "+41 78 123 45 67", "+41781234567"),
    ("CH", "078/123 45 67", "+41781234567"),
    ("CH", "+41 (0)78 123 45 67", "+41781234567"),
    ("CH", "0781234567", "+41781234567"),
    ("DE", "01512 3456789", "+4915123456789"),
    ("DE", "0151 23456789", "+4915123456789"),
    ("DE", "+49 151 23456789", "+4915123456789"),
    ("DE", "0151-2345 6789", "+4915123456789"),
    ("DE", "0151/23456789", "+4915123456789"),
    ("DE", "(0151) 234 567 89", "+4915123456789"),
    ("DE", "0151 - 234 567 89", "+4915123456789"),
    ("DE", "+49 (0)151 23456789", "+4915123456789"),
    ("ES", "612 34 56 78", "+34612345678"),
    ("ES", "+34 612345678", "+34612345678"),
    ("ES", "612345678", "+34612345678"),
    ("ES", "612-34-56-78", "+34612345678"),
    ("ES", "612 345 678", "+34612345678"),
    ("ES", "0034 612 34 56 78", "+34612345678"),
    ("IT", "312 345 6789", "+393123456789"),
    ("IT", "+39 312 3456789", "+393123456789"),
    ("IT", "3123456789", "+393123456789"),
    ("IT", "312-345-6789", "+393123456789"),
    ("IT", "312 345-6789", "+393123456789"),
    ("IT", "0039 312 345 6789", "+393123456789"),
    ("AU", "0491 570 156", "+61491570156"),
    ("AU", "+61 491 570 156", "+61491570156"),
]


@pytest.mark.parametrize(("region", "written", "e164"), _WRITTEN_IN)
def test_numbers_as_each_region_writes_them_in_a_phone_cell(
    region: str, written: str, e164: str
) -> None:
    assert e164s(written, region) == [e164]


# An ad of each region around its number: price, age, postcode, hours, year, date.
_AROUND = {
    "US": ("Hi, I'm Amber, 25, $150/hr, Chicago IL 60614, 10am-11pm since 2015. Call me at",
           "today 12/05/2019"),
    "CA": ("Hi, I'm Amber, 25, $150/hr, Toronto ON M5V 2T6, since 2015. Call me at",
           "on 2019-05-12"),
    "GB": ("Hi, I'm Amber, 25 years old, £120 1hr, London SW1A 1AA, 20h-23h. Call me on",
           "since 2015, 12/05/2019"),
    "BE": ("Léa, 25 ans, 150€ 30min, 1000 Bruxelles, 20h-23h, appelle-moi au",
           "le 11/12/2018 depuis 2015"),
    "CH": ("Léa, 25 ans, CHF 200.- 1h, 8001 Zürich, 20h-23h, appelle-moi au",
           "le 11.12.2018 depuis 2015"),
    "DE": ("Lea, 25 Jahre, 150€/Std, 10115 Berlin, 20-23 Uhr, ruf mich an unter",
           "ab 06.01. 10115 Berlin, seit 2015"),
    "ES": ("Lea, 25 años, 150€ 1h, 28013 Madrid, 20h-23h, llámame al",
           "desde 2015, 06/01/2019"),
    "IT": ("Lea, 25 anni, 150€ 1h, 00184 Roma, 20h-23h, chiamami al",
           "dal 2015, 06/01/2019"),
    "AU": ("Hi, I'm Amber, 25, $150/hr, Sydney NSW 2000, 10am-11pm. Call me on",
           "since 2015, 12/05/2019"),
}  # fmt: skip


@pytest.mark.parametrize(("region", "written", "e164"), _WRITTEN_IN)
def test_numbers_as_each_region_writes_them_in_free_text(
    region: str, written: str, e164: str
) -> None:
    before, after = _AROUND[region]
    text = f"{before} {written} {after}"
    (phone,) = extract_phones(text, region)
    assert phone.e164 == e164
    assert text[phone.start : phone.end].strip("()") == written.strip("()")


@pytest.mark.parametrize("region", sorted(_AROUND))
def test_the_rest_of_an_ad_of_each_region_holds_no_phone(region: str) -> None:
    before, after = _AROUND[region]
    assert e164s(f"{before} {after}", region) == []


@pytest.mark.parametrize(
    ("region", "text"),
    [
        ("US", "open 2018 2019 24/7"),  # ten digits that make a valid NANP number
        ("US", "Rates: 100 200 300 400"),
        ("US", "ZIP 10001-1234, apt 12B"),
        ("US", "Tuesday 12/05 10:30am-11:45pm"),
        ("US", "36-24-36, 5 ft 4, 110 lbs"),
        ("GB", "£100 30min £150 1hr, size 10"),
        ("DE", "am 06.01. 10115 Berlin"),  # a date and a postcode make nine digits
        ("DE", "Termine 06/01 10115 7"),
        ("BE", "dispo le 06/01 1000 7j/7"),
        ("CH", "150.- 30 min, 250.- 1h"),
        ("ES", "100 € 30 min, 150 € 1 h"),
        ("IT", "00184 Roma 06/01 2019"),
    ],
)
def test_no_phone_in_the_numbers_of_other_regions_ads(region: str, text: str) -> None:
    assert e164s(text, region) == []


def test_a_nanp_number_is_read_from_anywhere_with_its_country_code() -> None:
    assert e164s("dispo ce soir +1 (201) 555-0123") == ["+12015550123"]
    assert e164s("dispo ce soir 201-555-0123") == []  # no +1: not a French number


# ---- obfuscations, one each ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("obfuscation", "written"),
    [
        ("letter O for zero", "O6 12 34 56 78"),
        ("O, l, I and S inside digit groups", "O6 l2 34 S6 78"),
        ("digits spaced one by one", "0 6 1 2 3 4 5 6 7 8"),
        ("digits joined by dots", "0.6.1.2.3.4.5.6.7.8"),
        ("pairs joined by stars", "06*12*34*56*78"),
        ("pairs joined by underscores", "06_12_34_56_78"),
        ("pairs joined by slashes", "06/12/34/56/78"),
        ("pairs joined by spaced dashes", "06 - 12 - 34 - 56 - 78"),
        ("pairs joined by bullets", "06•12•34•56•78"),
        ("non-breaking spaces", "06\u00a012\u00a034\u00a056\u00a078"),
        ("number words", "zéro six douze trente-quatre cinquante-six soixante-dix-huit"),
        (
            "words without accents or hyphens",
            "zero six douze trente quatre cinquante six soixante dix huit",
        ),
        ("capitalised words", "Zéro Six Douze Trente-Quatre Cinquante-Six Soixante-Dix-Huit"),
        ("words after commas", "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit"),
        ("digits then words", "06 12 34 cinquante-six soixante-dix-huit"),
        ("fullwidth digits", "０６１２３４５６７８"),
        ("emoji keycaps", "0️⃣6️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣"),
        ("mathematical bold digits", "𝟎𝟔𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖"),
        ("several tricks in one number", "O6.l2*３４ 5️⃣6️⃣_78"),
    ],
)
def test_obfuscations(obfuscation: str, written: str) -> None:
    assert e164s(f"Appelle-moi au {written} bisous") == ["+33612345678"], obfuscation


def test_oo_for_a_pair_of_zeros() -> None:
    assert e164s("Appelle-moi au O6 39 98 OO 34 bisous") == ["+33639980034"]


@pytest.mark.parametrize(
    ("words", "e164"),
    [
        (
            "zéro un vingt et un soixante et onze quatre-vingts quatre-vingt-dix-neuf",
            "+33121718099",
        ),
        ("zéro six septante huitante nonante-neuf onze", "+33670809911"),  # Belgian and Swiss
        ("zéro six trente-neuf quatre-vingt-dix-huit cinquante dix", "+33639985010"),
        ("zéro six trente-neuf quatre-vingt-dix-huit vingt quatre-vingt-quinze", "+33639982095"),
    ],
)
def test_french_numbers_from_0_to_99(words: str, e164: str) -> None:
    assert e164s(words) == [e164]


def test_several_numbers_in_one_text_in_order_of_appearance() -> None:
    text = "Tél 07 81 23 45 67 ou whatsapp +32 470 12 34 56, sinon 06.12.34.56.78"
    assert e164s(text) == ["+33781234567", "+32470123456", "+33612345678"]


def test_a_number_given_twice_is_kept_once_with_its_first_place() -> None:
    text = "06 12 34 56 78 ... je répète : 0612345678"
    assert extract_phones(text) == [Phone("+33612345678", "valid", 0, 14)]


# ---- what is not a phone ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "150 roses",
        "100€ 30min, 200€ 1h",
        "25 ans",
        "le 11/12/2018",
        "dispo 20h-23h",
        "62000 Arras",
        "https://www.site.example/annonces/0612345678",
        "voir www.site.example/a/612345678.html",
        "réf 1234567890",  # ten digits, but no trunk prefix 0
        "06 12 34",  # too short
        "dispo le 06/01 75011 7j/7",  # a date and a postal code make ten digits
        "",
        None,
    ],
)
def test_no_phone_in(text: str | None) -> None:
    assert e164s(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "j'ai 25 ans, 06 12 34 56 78",
        "25 06 12 34 56 78",
        "100 0612345678",
        "06 12 34 56 78 12 ans",
        "le 11/12/2018 06 12 34 56 78",
        "le 01/12/18 06 12 34 56 78",
        "le 06/01 06 12 34 56 78",
        "2018-01-06 06 12 34 56 78",
        "Il a 06 12 34 56 78",
    ],
)
def test_short_numbers_are_not_glued_to_a_phone(text: str) -> None:
    assert e164s(text) == ["+33612345678"]


def test_a_country_code_without_plus_must_stand_alone() -> None:
    assert e164s("01 99 00 3310 75011") == ["+33199003310"]  # not 33 10 75 01 1…


# ---- statuses --------------------------------------------------------------------------------


@pytest.mark.parametrize("block", FICTIONAL_BLOCKS)
def test_fictional_blocks_are_extracted_and_flagged(block: str) -> None:
    (phone,) = extract_phones(f"Tél : {block} 12 34")
    assert phone.status == "fictional"
    assert phone.e164 == "+33" + block.replace(" ", "")[1:] + "1234"


def test_allocated_numbers_are_valid() -> None:
    assert [p.status for p in extract_phones("06 12 34 56 78")] == ["valid"]


def test_possible_but_unallocated_numbers_are_kept_and_flagged() -> None:
    # 07 0x is not allocated to mobiles (yet): phonenumbers says possible, not valid.
    number = phonenumbers.parse("07 01 23 45 67", "FR")
    assert phonenumbers.is_possible_number(number)
    assert not phonenumbers.is_valid_number(number)
    assert extract_phones("Appelle au 07 01 23 45 67") == [
        Phone("+33701234567", "unallocated", 11, 25)
    ]


def test_is_fictional() -> None:
    assert is_fictional("+33639981234")
    assert is_fictional("+33199001234")
    assert not is_fictional("+33612345678")
    assert not is_fictional("+3363998123")  # too short to be a French number


@pytest.mark.parametrize(
    ("e164", "fictional"),
    [
        ("+12015550100", True),  # NANP 555-0100 to 555-0199, in every area code
        ("+16135550199", True),
        ("+12015550200", False),
        ("+12015550099", False),
        ("+447700900000", True),  # Ofcom's drama ranges
        ("+447700900999", True),
        ("+447700901000", False),
        ("+442079460123", True),
        ("+441632960001", True),
        ("+61491570156", True),  # ACMA's
        ("+61255501234", True),
        ("+61491570155", False),
    ],
)
def test_other_countries_ranges_for_fiction(e164: str, fictional: bool) -> None:
    assert is_fictional(e164) is fictional


@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        ("(201) 555-0123", "US", "+12015550123"),  # phonenumbers: valid
        ("07700 900123", "GB", "+447700900123"),  # phonenumbers: not valid, only possible
        ("0161 496 0123", "GB", "+441614960123"),
        ("0491 570 156", "AU", "+61491570156"),
    ],
)
def test_numbers_kept_for_fiction_abroad_are_extracted_and_flagged(
    text: str, region: str, e164: str
) -> None:
    assert [(p.e164, p.status) for p in extract_phones(text, region)] == [(e164, "fictional")]


# ---- spans -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Tél : 06 12 34 56 78 !", "06 12 34 56 78"),
        ("Tél : +33 6 12 34 56 78 !", "+33 6 12 34 56 78"),
        ("Tél : O6 l2 34 S6 78 !", "O6 l2 34 S6 78"),
        ("Tél : ０６１２３４５６７８ !", "０６１２３４５６７８"),
        ("Tél : 0️⃣6️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣ !", "0️⃣6️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣"),
        ("Tél : zéro six douze trente-quatre cinquante-six soixante-dix-huit !",
         "zéro six douze trente-quatre cinquante-six soixante-dix-huit"),
    ],
)  # fmt: skip
def test_spans_point_into_the_original_text(text: str, span: str) -> None:
    (phone,) = extract_phones(text)
    assert text[phone.start : phone.end] == span


def test_strip_phones() -> None:
    text = "Léa 06 12 34 56 78, appelle0639981234vite"
    assert strip_phones(text, extract_phones(text)) == "Léa , appelle vite"
    assert strip_phones(text, []) == text


# ---- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("e164", "masked"),
    [
        ("+33639981234", "+33 6 •• •• •• 34"),
        ("+32470123456", "+32 4 •• •• •• 56"),
        ("+41791234567", "+41 7 •• •• •• 67"),
        ("+4915112345678", "+49 1 •• •• •• •• 78"),
        ("+590690123456", "+590 6 •• •• •• 56"),
        ("+3214123456", "+32 1 •• •• • 56"),
    ],
)
def test_mask_phone(e164: str, masked: str) -> None:
    assert mask_phone(e164) == masked


@pytest.mark.parametrize("bad", ["0612345678", "+33 6 12 34 56 78", "", "+999123456789"])
def test_mask_phone_refuses_what_is_not_e164(bad: str) -> None:
    with pytest.raises(InputError):
        mask_phone(bad)


# ---- many cells ------------------------------------------------------------------------------


def test_extract_phones_many_keeps_the_order_and_the_empty_cells() -> None:
    cells = ["06 12 34 56 78", None, "", "rien", float("nan"), "06 12 34 56 78"]
    found = extract_phones_many(cells)  # type: ignore[arg-type]
    assert [[p.e164 for p in phones] for phones in found] == [
        ["+33612345678"], [], [], [], [], ["+33612345678"]
    ]  # fmt: skip
    found[0].clear()
    assert found[5], "identical cells get lists of their own"


def test_an_unknown_region_is_an_input_error() -> None:
    with pytest.raises(InputError, match="region"):
        extract_phones("06 12 34 56 78", region="XX")


# ---- properties ------------------------------------------------------------------------------

_PHONE_LIKE = st.text(alphabet="0123456789 +.-*_/()OolIS", max_size=60)


@given(st.text() | _PHONE_LIKE)
@settings(max_examples=300, deadline=None)
def test_any_text_gives_e164_numbers_within_the_text(text: str) -> None:
    for phone in extract_phones(text):
        assert phone.e164.startswith("+") and phone.e164[1:].isdigit()
        assert phone.status in ("valid", "fictional", "unallocated")
        assert 0 <= phone.start < phone.end <= len(text)


_WORDS = ["Léa", "dispo", "ce soir", "bisous", "25 ans", "100€", "30min", "le 11/12/2018", "75011"]


@given(
    block=st.sampled_from(FICTIONAL_BLOCKS),
    last=st.integers(0, 9999),
    separators=st.lists(
        st.sampled_from([" ", ".", "-", "*", "_", "/", ""]), min_size=4, max_size=4
    ),
    before=st.lists(st.sampled_from(_WORDS), max_size=4),
    after=st.lists(st.sampled_from(_WORDS), max_size=4),
)
@settings(max_examples=300, deadline=None)
def test_any_fictional_number_with_any_separators_is_found_exactly(
    block: str, last: int, separators: list[str], before: list[str], after: list[str]
) -> None:
    digits = block.replace(" ", "") + f"{last:04d}"
    pairs = [digits[k : k + 2] for k in range(0, 10, 2)]
    written = pairs[0] + "".join(s + p for s, p in zip(separators, pairs[1:], strict=True))
    text = " ".join([*before, written, *after])
    assert [(p.e164, p.status) for p in extract_phones(text)] == [("+33" + digits[1:], "fictional")]


# Pieces that exercise every path of the scan: digits, separators, exotic digits and
# spaces, letters read as digits, number words, urls, keycaps, emoji with VS16.
_PIECES = st.sampled_from(
    [
        "06", "39", "98", "12", "+33", "0033", "7", " ", ".", "-", "/", "*", "\u00a0",
        "\u202f", "–", "•", "０６", "𝟑𝟗", "O", "l", "S", "o", "zéro", "six", "douze",
        "trente", "quatre-vingt", "dix-sept", "http://x.fr/", "www.", "wa.me/", "6\ufe0f\u20e3",
        "❤\ufe0f", "é", "ans", "le 01/02/2024", "\n", "Léa", "𝐳𝐞𝐫𝐨",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=14).map("".join), min_size=1, max_size=8))
def test_the_vectorised_scan_finds_what_the_text_scan_finds(texts):
    arrow = pa.array(texts, type=pa.large_string())
    assert extract_phones_arrow(arrow) == extract_phones_many(texts)


_REGIONS = ["FR", "US", "CA", "GB", "BE", "CH", "DE", "ES", "IT", "AU"]


@given(st.text() | _PHONE_LIKE, st.sampled_from(_REGIONS))
@settings(max_examples=300, deadline=None)
def test_any_text_in_any_region_gives_e164_numbers_within_the_text(text: str, region: str) -> None:
    for phone in extract_phones(text, region):
        assert phone.e164.startswith("+") and phone.e164[1:].isdigit()
        assert 0 <= phone.start < phone.end <= len(text)


_NANP_WORDS = ["Amber", "call me", "tonight", "25 y/o", "$150/hr", "30min", "12/05/2019",
               "60614", "10am-11pm", "since 2015", "24/7"]  # fmt: skip
_NANP_STYLES = ["({a}) {b}-{c}", "{a}-{b}-{c}", "{a}.{b}.{c}", "{a} {b} {c}", "{a}{b}{c}",
                "({a}){b}-{c}", "{a}/{b}-{c}", "1-{a}-{b}-{c}", "1 ({a}) {b}-{c}",
                "+1 {a} {b} {c}", "+1 ({a}) {b}-{c}", "+1-{a}-{b}-{c}"]  # fmt: skip


@given(
    area=st.sampled_from(["201", "212", "312", "415", "305", "702", "613", "416", "604"]),
    line=st.integers(0, 99),
    style=st.sampled_from(_NANP_STYLES),
    region=st.sampled_from(["US", "CA"]),
    before=st.lists(st.sampled_from(_NANP_WORDS), max_size=4),
    after=st.lists(st.sampled_from(_NANP_WORDS), max_size=4),
)
@settings(max_examples=300, deadline=None)
def test_any_nanp_number_kept_for_fiction_in_any_style_is_found_exactly(
    area: str, line: int, style: str, region: str, before: list[str], after: list[str]
) -> None:
    written = style.format(a=area, b="555", c=f"01{line:02d}")
    text = " ".join([*before, written, *after])
    found = [(p.e164, p.status) for p in extract_phones(text, region)]
    assert found == [(f"+1{area}55501{line:02d}", "fictional")]


_GB_WORDS = ["Amber", "call me on", "25 years old", "£120 1hr", "SW1A 1AA", "20h-23h",
             "since 2015", "12/05/2019", "size 10"]  # fmt: skip
_GB_STYLES = ["07700 900{x}", "07700900{x}", "07700 900 {x}", "0 7700 900 {x}",
              "07700-900-{x}", "(07700) 900{x}", "+44 7700 900{x}", "+44 (0)7700 900{x}",
              "+447700900{x}", "0044 7700 900{x}"]  # fmt: skip


@given(
    last=st.integers(0, 999),
    style=st.sampled_from(_GB_STYLES),
    before=st.lists(st.sampled_from(_GB_WORDS), max_size=4),
    after=st.lists(st.sampled_from(_GB_WORDS), max_size=4),
)
@settings(max_examples=300, deadline=None)
def test_any_ofcom_mobile_number_for_drama_in_any_style_is_found_exactly(
    last: int, style: str, before: list[str], after: list[str]
) -> None:
    written = style.format(x=f"{last:03d}")
    text = " ".join([*before, written, *after])
    found = [(p.e164, p.status) for p in extract_phones(text, "GB")]
    assert found == [(f"+447700900{last:03d}", "fictional")]


_REGION_PIECES = st.sampled_from(
    ["(201)", "555", "-", "01", "23", "+1", "1", " ", ".", "/", "07700", "900", "123",
     "0151", "078", "612", "312", "2019", "25", "(0)", "0044", "\u00a0", "O", "zéro"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(_REGION_PIECES, max_size=14).map("".join), min_size=1, max_size=8),
    st.sampled_from(_REGIONS),
)
def test_the_vectorised_scan_finds_what_the_text_scan_finds_in_any_region(texts, region):
    arrow = pa.array(texts, type=pa.large_string())
    assert extract_phones_arrow(arrow, region) == extract_phones_many(texts, region)


# ---- a phone column read in the wrong region ----------------------------------------------------

_US_ADS = "ref,phone,text\n" + "".join(
    f"A{k},({area}) 555-01{k:02d},Hi I'm Amber call me\n"
    for k, area in enumerate(["201", "312", "415", "212"] * 5)
)


def _table(tmp_path, content: str = _US_ADS, name: str = "us.csv"):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return read_ads([path])


def test_a_phone_column_read_in_the_wrong_region_is_warned_about(tmp_path) -> None:
    (warning,) = phone_column_warnings(_table(tmp_path), "FR")
    assert warning.startswith(f"{tmp_path / 'us.csv'}: the phone column 'phone'")
    assert "filled in 100% of its 20 rows" in warning
    assert "only 0 of its 20 filled cells (0%)" in warning
    assert "--region FR" in warning
    assert "'(2••) •••-••••' (10), '(3••) •••-••••' (5)" in warning  # masked: a shape
    assert "555" not in warning  # never a number in clear
    assert warning.endswith("They read as numbers of US (100%): try --region US.")


def test_no_warning_when_the_region_reads_the_column(tmp_path) -> None:
    assert phone_column_warnings(_table(tmp_path), "US") == []
    assert phone_column_warnings(_table(tmp_path), "CA") == []


def test_no_warning_for_a_column_filled_in_fewer_than_half_the_rows(tmp_path) -> None:
    rows = _US_ADS.splitlines()
    sparse = "\n".join([rows[0], *rows[1:10], *(f"B{k},,hello\n" for k in range(11))])
    assert phone_column_warnings(_table(tmp_path, sparse), "FR") == []


def test_no_warning_without_a_phone_column(tmp_path) -> None:
    assert phone_column_warnings(_table(tmp_path, "ref,text\nA1,(201) 555-0100\n"), "FR") == []


def test_the_warning_names_the_file_whose_column_is_misread(tmp_path) -> None:
    french = "ref,phone,text\n" + "".join(
        f"F{k},06 39 98 00 {k:02d},Léa dispo\n" for k in range(20)
    )
    paths = [tmp_path / "fr.csv", tmp_path / "us.csv"]
    paths[0].write_text(french, encoding="utf-8")
    paths[1].write_text(_US_ADS, encoding="utf-8")
    (warning,) = phone_column_warnings(read_ads(paths), "FR")
    assert warning.startswith(f"{paths[1]}: ")


def test_a_column_of_junk_asks_to_check_the_region_or_the_column(tmp_path) -> None:
    junk = "ref,phone\n" + "".join(f"A{k},voir annonce {k}\n" for k in range(9))
    (warning,) = phone_column_warnings(_table(tmp_path, junk), "FR")
    assert warning.endswith("Check --region, or name the phone column with --col phone=HEADER.")
    assert "the others look like 'voir annonce 0' (1)" in warning
