"""The validation core: numbers as Indonesians and others write them, periods, yes/no."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kotaku_gis._validate import parse_boolean, parse_periode, read_numbers


def indonesian(value: Decimal, grouped: bool) -> str:
    """``value`` as Indonesians write it: dots group thousands, a comma before the decimals."""
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):f}".partition(".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + frac if frac else "")


def english(value: Decimal, grouped: bool) -> str:
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):f}".partition(".")
    if grouped:
        whole = f"{int(whole):,}"
    return sign + whole + ("." + frac if frac else "")


numbers = st.one_of(
    st.integers(min_value=-10**12, max_value=10**12).map(Decimal),
    st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=10**4, places=1, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=400, deadline=None)
@given(value=numbers, notation=st.sampled_from([indonesian, english]), grouped=st.booleans())
def test_a_number_reads_back_or_is_refused_never_read_as_another(value, notation, grouped):
    text = notation(value, grouped)
    r = read_numbers(pd.Series([text]))
    if r.ambiguous.iloc[0]:
        assert float(value) in r.readings[0]  # refused, naming both readings, one of them right
        assert pd.isna(r.values.iloc[0])
    else:
        assert not r.invalid.iloc[0], text
        assert r.values.iloc[0] == pytest.approx(float(value), rel=1e-12, abs=1e-9), text


@settings(max_examples=200, deadline=None)
@given(values=st.lists(numbers, min_size=1, max_size=8), grouped=st.booleans())
def test_an_indonesian_column_reads_back_or_is_refused(values, grouped):
    """A column written by one Indonesian writer: ambiguous cells take the column's notation."""
    texts = [indonesian(v, grouped) for v in values]
    r = read_numbers(pd.Series(texts))
    for value, text, got, amb in zip(values, texts, r.values, r.ambiguous):
        if not amb:
            assert got == pytest.approx(float(value), rel=1e-12, abs=1e-9), (text, texts)


def test_the_issues_examples():
    r = read_numbers(pd.Series(["350.000", "1.250.000", "1.250.000,50", "12,5", "Rp 350.000", "350.000,-"]))
    assert r.values.tolist() == [350000.0, 1250000.0, 1250000.5, 12.5, 350000.0, 350000.0]
    assert r.notation == "id" and r.resolved == 2  # 350.000 and Rp 350.000: by the column's notation


def test_a_lone_ambiguous_value_is_refused_with_both_readings():
    r = read_numbers(pd.Series(["350.000", "72,350"]))
    assert r.ambiguous.tolist() == [True, True]
    assert r.readings == {0: (350000.0, 350.0), 1: (72.35, 72350.0)}


def test_rupiah_and_whole_numbers_group_thousands():
    assert read_numbers(pd.Series(["350.000"]), kind="money").values.tolist() == [350000.0]
    assert read_numbers(pd.Series(["72,350"]), kind="money").values.tolist() == [72350.0]
    assert read_numbers(pd.Series(["1.250"]), kind="integer").values.tolist() == [1250.0]


def test_the_range_of_the_column_decides():
    assert read_numbers(pd.Series(["72,350"]), low=0, high=100).values.tolist() == [72.35]
    assert read_numbers(pd.Series(["109,333", "-0,045"]), low=-180, high=180).values.tolist() == [109.333, -0.045]


def test_numbers_already_numbers_and_words_that_are_not():
    r = read_numbers(pd.Series([12.5, 3, None, "", "empat", "nan", "inf"], dtype=object))
    assert r.values.tolist()[:2] == [12.5, 3.0]
    assert r.invalid.tolist() == [False, False, False, False, True, True, True]


def test_mixed_notations_are_read_by_their_form_and_flagged():
    r = read_numbers(pd.Series(["1.250,5", "1,250.5", "350.000"]))
    assert r.values.tolist()[:2] == [1250.5, 1250.5]
    assert r.mixed and r.ambiguous.tolist() == [False, False, True]


@pytest.mark.parametrize("text, expected", [("2026Q3", "2026Q3"), ("2026 Q 3", "2026Q3"), ("2026-q3", "2026Q3"),
                                            ("TW3 2026", "2026Q3"), ("2024", "2024"), (2024.0, "2024"), (None, None)])
def test_periods(text, expected):
    assert parse_periode(text) == expected


@pytest.mark.parametrize("text", ["Q3-2026", "2026Q5", "24", "tahun 2024"])
def test_unreadable_periods(text):
    with pytest.raises(ValueError):
        parse_periode(text)


def test_yes_no_one_meaning_each():
    assert [parse_boolean(v) for v in ("ya", "Tidak", "t", "f", 1, 0.0, None)] == [True, False, True, False, True, False, None]
    with pytest.raises(ValueError):
        parse_boolean("mungkin")
