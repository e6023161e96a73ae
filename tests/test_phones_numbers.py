"""The shortcuts of adcensus.phones.numbers give what phonenumbers and the programme give."""

from __future__ import annotations

import phonenumbers as pn
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcensus.phones import numbers
from adcensus.phones.validity import country_rules, nsn_lengths

_SINGLE = sorted(cc for cc, regions in pn.COUNTRY_CODE_TO_REGION_CODE.items() if len(regions) == 1)
_SHARED = sorted(cc for cc, regions in pn.COUNTRY_CODE_TO_REGION_CODE.items() if len(regions) > 1)


def _judge(country_code: int, national: str) -> object:
    """The compiled judgement and the parser's, of one number."""
    zeros = len(national) - len(national.lstrip("0"))
    leading = 0 < zeros < len(national)
    rest = int(national) if national else 0
    compiled = numbers._judge_cached.__wrapped__(country_code, rest, leading, max(zeros, 1))
    number = pn.PhoneNumber(
        country_code=country_code,
        national_number=rest,
        italian_leading_zero=leading or None,
        number_of_leading_zeros=max(zeros, 1) if leading else None,
    )
    return compiled, numbers._judge_by_parser(number)


@settings(max_examples=3000, deadline=None)
@given(
    st.sampled_from(_SINGLE + _SHARED + [33] * 50),
    st.text("0123456789", min_size=1, max_size=15),
)
def test_compiled_rules_judge_as_phonenumbers(country_code: int, national: str) -> None:
    compiled, parser = _judge(country_code, national)
    assert compiled == parser


@pytest.mark.parametrize("prefix", [f"{k}" for k in range(1, 10)] + ["61", "69", "70", "80", "97"])
def test_every_french_length_and_leading_digit(prefix: str) -> None:
    for size in range(len(prefix), 14):
        national = (prefix + "1234567890123")[:size]
        compiled, parser = _judge(33, national)
        assert compiled == parser, national


def test_the_rules_cover_single_region_codes_only() -> None:
    assert country_rules(33) is not None
    assert country_rules(1) is None  # US, CA and the Caribbean share +1
    assert country_rules(999) is None  # no such code
    assert nsn_lengths(33) == {9}
    assert nsn_lengths(999) == frozenset()


_RUN_PIECES = st.sampled_from(
    ["0", "06", "07", "01", "33", "+33 ", "00", "0033", "39", "98", "12", "345", "2019", "25",
     "1", "201", "555", "0123", "(312)", "07700", "900"]
)  # fmt: skip
_SEPARATORS = st.sampled_from([" ", ".", "-", "*", "/", " - ", "", "  "])


@st.composite
def _runs(draw: st.DrawFn) -> str:
    pieces = draw(
        st.lists(
            _RUN_PIECES | st.text("0123456789", min_size=1, max_size=4), min_size=1, max_size=9
        )
    )
    separator = draw(_SEPARATORS)
    return separator.join(pieces)


@settings(max_examples=2000, deadline=None)
@given(
    _runs(),
    st.booleans(),
    st.sampled_from(["FR", "FR", "FR", "BE", "DE", "IT", "CH", "US", "CA", "GB", "ES", "AU"]),
)
def test_a_run_cut_at_once_is_cut_as_the_programme_cuts_it(
    run: str, linked: bool, region: str
) -> None:
    at_once = numbers.cut_run.__wrapped__(run, linked, region)
    original = numbers._only_window
    try:
        numbers._only_window = lambda *args: False  # type: ignore[assignment]
        programme = numbers.cut_run.__wrapped__(run, linked, region)
    finally:
        numbers._only_window = original  # type: ignore[assignment]
    assert at_once == programme


@pytest.mark.parametrize(
    "run", ["07 01 42 24 61", "0701422461", "+33 7 01 42 24 61", "+33701422461", "07.01.42.24.61"]
)
def test_an_unallocated_number_alone_is_cut_at_once(run: str) -> None:
    calls: list[object] = []
    original = numbers._programme
    try:
        numbers._programme = lambda *args: calls.append(args) or ()  # type: ignore[assignment]
        found = numbers.cut_run.__wrapped__(run, False, "FR")
    finally:
        numbers._programme = original  # type: ignore[assignment]
    assert found == (("+33701422461", "unallocated", 0, len(run)),)
    assert calls == []
