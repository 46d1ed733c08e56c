"""Tests of kotaku_gis.wilayah: Kemendagri codes, levels, ancestors and name keys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kotaku_gis import wilayah
from kotaku_gis.errors import UsageError

# -- strategies --------------------------------------------------------------------------------------
prov = st.integers(10, 99).map(str)
two = st.integers(1, 99).map(lambda v: f"{v:02d}")
kab = st.integers(1, 99).filter(lambda v: v != 70).map(lambda v: f"{v:02d}")
kel = st.integers(1000, 3999).map(str)


@st.composite
def codes(draw: st.DrawFn, depth: int | None = None) -> str:
    """A valid dotted code at a drawn (or the given) number of parts."""
    parts = [draw(prov), draw(kab), draw(two), draw(kel)]
    n = depth if depth is not None else draw(st.integers(1, 4))
    return ".".join(parts[:n])


# Text that looks like a code: digits, dots, spaces, a few letters and other characters.
code_like = st.text(alphabet="0123456789.. 0123abO-\t", max_size=16)


# -- normalize_kode ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("61.71.04.1001", "61.71.04.1001"),
        ("6171041001", "61.71.04.1001"),
        (" 6171041001\t", "61.71.04.1001"),
        (6171041001, "61.71.04.1001"),
        (6171041001.0, "61.71.04.1001"),
        (np.int64(6171041001), "61.71.04.1001"),
        (np.float64(6171041001.0), "61.71.04.1001"),
        ("6171041001.0", "61.71.04.1001"),
        ("61", "61"),
        (61, "61"),
        (61.0, "61"),
        ("6171", "61.71"),
        ("61.71", "61.71"),
        (61.71, "61.71"),
        ("617104", "61.71.04"),
        ("61.71.04", "61.71.04"),
        ("11.01.01.2001", "11.01.01.2001"),
        ("95.01.01.3001", "95.01.01.3001"),
        ("61.99", "61.99"),
    ],
)
def test_normalize_kode_accepts_real_forms(value: object, expected: str) -> None:
    assert wilayah.normalize_kode(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "empty"),
        ("", "empty"),
        ("   ", "empty"),
        (float("nan"), "empty"),
        ("61.71.04.1001x", "letters"),
        ("6I.71", "letters"),
        ("61,71", "other than digits"),
        ("61-71-04-1001", "other than digits"),
        ("617104001", "BPS"),  # 9 digits: 2+2+2+3
        ("6171040", "BPS"),  # 7 digits: a BPS kecamatan (2+2+3)
        ("6171040001", "BPS"),  # 10 digits, but kecamatan 040 / desa 001 (BPS)
        ("61.71.040", "BPS"),
        ("61.71.040.001", "BPS"),
        ("617", "3 digits"),
        ("61710410011", "11 digits"),
        ("61.7", "2, 2, 2 and 4"),
        ("61.71.04.100", "BPS"),
        ("61.71.04.10011", "2, 2, 2 and 4"),
        ("61.71.04.1001.01", "2, 2, 2 and 4"),
        ("61..71", "empty part"),
        ("61.71.", "empty part"),
        (".61", "empty part"),
        ("00", "provinsi part 00"),
        ("06.71", "provinsi part 06"),
        ("61.00", "kab/kota part 00"),
        ("61.70", "kab/kota part 70"),
        ("61.71.00", "kecamatan part 00"),
        ("61.71.04.4001", "must start with 1"),
        ("61.71.04.0001", "must start with 1"),
        (True, "letters"),
        (61.7, "number"),  # Excel turned 61.70 into 61.7
        (-61, "other than digits"),
    ],
)
def test_normalize_kode_rejects_with_reason(value: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        wilayah.normalize_kode(value)


@given(codes())
def test_dotted_and_undotted_round_trip(code: str) -> None:
    undotted = code.replace(".", "")
    assert wilayah.normalize_kode(code) == code
    assert wilayah.normalize_kode(undotted) == code
    assert wilayah.normalize_kode(f"  {undotted}  ") == code
    assert wilayah.normalize_kode(int(undotted)) == code
    assert wilayah.normalize_kode(float(int(undotted))) == code


@given(st.lists(st.one_of(codes(), code_like, st.none()), max_size=30))
@settings(max_examples=300)
def test_series_agrees_with_scalar(values: list[str | None]) -> None:
    s = pd.Series(values, dtype=object, index=np.arange(len(values)) * 3)
    normalized, invalid = wilayah.normalize_kode_series(s)
    assert normalized.index.equals(s.index)
    for value, got, bad in zip(values, normalized, invalid):
        if value is None or value.strip() == "":
            assert got is None and not bad
            continue
        try:
            expected = wilayah.normalize_kode(value)
        except ValueError:
            assert got is None and bad
        else:
            assert got == expected and not bad


numbers = st.one_of(
    st.integers(0, 10**11),
    st.floats(0, 1e11),
    st.just(float("nan")),
    codes().map(lambda c: float(c.replace(".", ""))),
    codes(2).map(float),  # 61.71 as Excel reads it
)


@given(st.lists(numbers, max_size=20))
def test_series_of_numbers_agrees_with_scalar(values: list[float]) -> None:
    for s in (pd.Series(values, dtype=object), pd.Series(values, dtype="float64")):
        normalized, invalid = wilayah.normalize_kode_series(s)
        for value, got, bad in zip(s, normalized, invalid):
            if pd.isna(value):
                assert got is None and not bad
                continue
            try:
                expected = wilayah.normalize_kode(value)
            except ValueError:
                assert got is None and bad
            else:
                assert got == expected and not bad


def test_normalize_kode_series_excel_numbers_and_missing() -> None:
    s = pd.Series([6171041001.0, np.nan, 61.0, 6171.0, 61.7], name="kode")
    normalized, invalid = wilayah.normalize_kode_series(s)
    assert normalized.tolist() == ["61.71.04.1001", None, "61", "61.71", None]
    assert invalid.tolist() == [False, False, False, False, True]
    assert normalized.name == "kode" and invalid.dtype == bool


def test_normalize_kode_series_keeps_index_and_handles_empty() -> None:
    s = pd.Series(["6171041001", "x"], index=["a", "b"])
    normalized, invalid = wilayah.normalize_kode_series(s)
    assert list(normalized.index) == ["a", "b"]
    assert invalid.to_dict() == {"a": False, "b": True}
    empty, bad = wilayah.normalize_kode_series(pd.Series([], dtype=object))
    assert len(empty) == 0 and len(bad) == 0


# -- levels and ancestors ----------------------------------------------------------------------------
def test_levels_constants() -> None:
    assert wilayah.LEVELS == ("provinsi", "kabkota", "kecamatan", "kelurahan")
    assert ("nasional", *wilayah.LEVELS) == wilayah.ROLLUP_LEVELS


@pytest.mark.parametrize(
    ("kode", "level"),
    [("61", "provinsi"), ("6171", "kabkota"), ("61.71.04", "kecamatan"), (6171041001, "kelurahan"), ("", "nasional"), (None, "nasional")],
)
def test_tingkat(kode: object, level: str) -> None:
    assert wilayah.tingkat(kode) == level


def test_tingkat_rejects_invalid_code() -> None:
    with pytest.raises(UsageError, match="BPS"):
        wilayah.tingkat("617104001")


def test_tingkat_series() -> None:
    s = pd.Series(["61", "61.71", "617104", "61.71.04.1001", "", None, "61.7"], index=list("abcdefg"))
    assert wilayah.tingkat_series(s).to_dict() == {
        "a": "provinsi",
        "b": "kabkota",
        "c": "kecamatan",
        "d": "kelurahan",
        "e": "nasional",
        "f": None,
        "g": None,
    }


def test_parent() -> None:
    assert wilayah.parent("61.71.04.1001") == "61.71.04"
    assert wilayah.parent("617104") == "61.71"
    assert wilayah.parent("61.71") == "61"
    assert wilayah.parent("61") is None
    assert wilayah.parent("") is None


@pytest.mark.usefixtures("english")
def test_ancestor() -> None:
    assert wilayah.ancestor("61.71.04.1001", "provinsi") == "61"
    assert wilayah.ancestor("61.71.04.1001", "kabkota") == "61.71"
    assert wilayah.ancestor("61.71.04.1001", "kecamatan") == "61.71.04"
    assert wilayah.ancestor("61.71.04.1001", "kelurahan") == "61.71.04.1001"
    assert wilayah.ancestor("61.71.04.1001", "nasional") == ""
    assert wilayah.ancestor("61.71", "kecamatan") is None
    with pytest.raises(UsageError, match="unknown level"):
        wilayah.ancestor("61.71", "desa")


@given(codes())
def test_ancestor_consistency(code: str) -> None:
    level = wilayah.tingkat(code)
    depth = wilayah.ROLLUP_LEVELS.index(level)
    assert wilayah.ancestor(code, level) == code
    up = wilayah.parent(code)
    if up is None:
        assert level == "provinsi"
    else:
        assert wilayah.ancestor(code, wilayah.tingkat(up)) == up
        assert code.startswith(up + ".")
    for other in wilayah.ROLLUP_LEVELS:
        got = wilayah.ancestor(code, other)
        if wilayah.ROLLUP_LEVELS.index(other) > depth:
            assert got is None
        else:
            assert wilayah.tingkat(got) == other
            assert code.startswith(got)


@given(st.lists(st.one_of(codes(), code_like, st.none(), st.just("")), max_size=25), st.sampled_from(wilayah.ROLLUP_LEVELS))
def test_ancestor_and_tingkat_series_agree_with_scalar(values: list[str | None], level: str) -> None:
    s = pd.Series(values, dtype=object)
    ancestors = wilayah.ancestor_series(s, level)
    levels = wilayah.tingkat_series(s)
    for value, got_ancestor, got_level in zip(values, ancestors, levels):
        if value is None:
            assert got_ancestor is None and got_level is None
            continue
        try:
            expected_level = wilayah.tingkat(value)
        except UsageError:
            assert got_ancestor is None and got_level is None
            continue
        assert got_level == expected_level
        assert got_ancestor == wilayah.ancestor(value, level)


def test_ancestor_series() -> None:
    s = pd.Series(["61.71.04.1001", "6372021002", "61", None, "junk", ""], index=[5, 4, 3, 2, 1, 0], name="k")
    got = wilayah.ancestor_series(s, "kabkota")
    assert got.tolist() == ["61.71", "63.72", None, None, None, None]
    assert list(got.index) == [5, 4, 3, 2, 1, 0] and got.name == "k"
    assert wilayah.ancestor_series(s, "nasional").tolist() == ["", "", "", None, None, ""]
    with pytest.raises(UsageError):
        wilayah.ancestor_series(s, "kota")


# -- kinds -------------------------------------------------------------------------------------------
def test_is_kota() -> None:
    assert wilayah.is_kota("61.71")
    assert wilayah.is_kota("61.99.01.1001")
    assert not wilayah.is_kota("61.69")
    assert not wilayah.is_kota("6101")
    with pytest.raises(UsageError, match="kabkota"):
        wilayah.is_kota("61")


def test_jenis() -> None:
    assert wilayah.jenis("61.71") == "kota"
    assert wilayah.jenis("61.01") == "kabupaten"
    assert wilayah.jenis("61.71.04.1001") == "kelurahan"
    assert wilayah.jenis("61.01.04.2001") == "desa"
    assert wilayah.jenis("91.01.04.3001") == "desa_adat"
    assert wilayah.jenis("61") is None
    assert wilayah.jenis("61.71.04") is None
    assert wilayah.jenis("") is None
    with pytest.raises(UsageError):
        wilayah.jenis("61.71.04.5001")


# -- names -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Batu Layang", "Batulayang"),
        ("Batu Layang", "BATU-LAYANG"),
        ("Batu Layang", "  batu   layang "),
        ("Batu Layang", "Kel. Batu Layang"),
        ("Batu Layang", "Kelurahan Batu Layang"),
        ("Batu Layang", "Desa Batu Layang"),
        ("Batu Layang", "Ds. Batu Layang"),
        ("Pontianak Kota", "Kec. Pontianak Kota"),
        ("Pontianak Kota", "KECAMATAN PONTIANAK KOTA"),
        ("Kubu Raya", "Kab. Kubu Raya"),
        ("Kubu Raya", "Kabupaten Kubu Raya"),
        ("Pontianak", "Kota Pontianak"),
        ("Jakarta Pusat", "Kota Adm. Jakarta Pusat"),
        ("Jakarta Pusat", "Kota Administrasi Jakarta Pusat"),
        ("Kepulauan Seribu", "Kabupaten Administrasi Kepulauan Seribu"),
        ("Kalimantan Barat", "Provinsi Kalimantan Barat"),
        ("Kota Baru", "Kotabaru"),
        ("Kotamobagu", "Kota Kotamobagu"),
        ("Pasi Kuala Ba'u", "Pasi Kuala Bau"),
        ("Siurai-Urai", "Siurai Urai"),
        ("Cimahi", "Címahi"),
    ],
)
def test_normalize_name_matches(a: str, b: str) -> None:
    assert wilayah.normalize_name(a) == wilayah.normalize_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Batu Layang", "Batu Layang Baru"), ("Kuta Buloh I", "Kuta Buloh II"), ("Sungai Jawi", "Sungai Jawi Dalam")],
)
def test_normalize_name_keeps_different_names_apart(a: str, b: str) -> None:
    assert wilayah.normalize_name(a) != wilayah.normalize_name(b)


def test_normalize_name_prefix_only_with_more_words() -> None:
    assert wilayah.normalize_name("Kota") == "kota"
    assert wilayah.normalize_name("Desa") == "desa"
    assert wilayah.normalize_name("Kel.") == "kel"
    # one prefix at most
    assert wilayah.normalize_name("Kel. Desa Baru") == "desabaru"
    assert wilayah.normalize_name(None) == ""
    assert wilayah.normalize_name(float("nan")) == ""


@given(st.lists(st.one_of(st.text(max_size=20), st.none()), max_size=20))
def test_normalize_name_series_agrees_with_scalar(names: list[str | None]) -> None:
    s = pd.Series(names, dtype=object)
    keys = wilayah.normalize_name_series(s)
    assert keys.tolist() == [wilayah.normalize_name(n) for n in names]


@given(st.text(max_size=30))
def test_normalize_name_is_idempotent_on_keys(name: str) -> None:
    key = wilayah.normalize_name(name)
    assert key == key.lower() and key.isalnum() or key == ""
    assert wilayah.normalize_name(key) == key


@pytest.mark.parametrize(
    "nama, kode, lang, expected",
    [
        ("Pontianak", "61.71", "id", "Kota Pontianak"),
        ("Kota Pontianak", "61.71", "id", "Kota Pontianak"),
        ("KOTA PONTIANAK", "61.71", "en", "KOTA PONTIANAK"),
        ("Sambas", "61.01", "id", "Kabupaten Sambas"),
        ("Kab. Sambas", "61.01", "id", "Kab. Sambas"),
        ("Kotabaru", "63.02", "id", "Kabupaten Kotabaru"),  # one word: a name, not a kind
        ("Kalimantan Barat", "61", "en", "Kalimantan Barat Province"),
        ("Pontianak Kota", "61.71.04", "id", "Kecamatan Pontianak Kota"),
        ("Distrik Abepura", "91.71.02", "id", "Distrik Abepura"),
        ("Sungai Rengas", "61.12.01.2001", "id", "Desa Sungai Rengas"),
        ("Tengah", "61.71.04.1001", "id", "Kelurahan Tengah"),
        ("Desa", "61.12.01.2002", "id", "Desa Desa"),  # a desa named just "Desa"
        ("Indonesia", "", "id", "Indonesia"),
    ],
)
def test_display_name_says_the_kind_once(nama: str, kode: str, lang: str, expected: str) -> None:
    assert wilayah.display_name(nama, kode, lang) == expected
