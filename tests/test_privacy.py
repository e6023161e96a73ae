import pandas as pd
import pytest

from adcensus.privacy import neutralize_formulas, safe_cell


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
