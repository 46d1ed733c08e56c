"""Every table users open is formula-safe (OWASP "CSV injection") and the XLSX writer reproducible:
text starting with ``=``, ``+``, ``-``, ``@``, tab or CR, written through the one writer
(:func:`kotaku_gis.files.write_table`) and through every command that writes CSV or XLSX (export,
score, screen, progress, pengaduan publish, fasilitator, mappack), comes back as text with its
neutralising apostrophe: no formula cell in any XLSX, no CSV field starting with a trigger unless it
is a number."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import as_multi, kegiatan_frame, kumuh_frame, wilayah_frame
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kotaku_gis import files, loader, pengaduan_store
from kotaku_gis.cli import main
from kotaku_gis.store import open_store

TRIGGERS = list(files.FORMULA_TRIGGERS)
# what follows a trigger: no digits and no "@" (the complaint texts are screened for personal data,
# which would change them), but the characters of formula payloads
_TAIL = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ()!|'\"&;:,=+-/\\$^*<>", min_size=1, max_size=20)
attack = st.builds(lambda t, rest: t + rest, st.sampled_from(TRIGGERS), _TAIL)
_NUMBER = files._PLAIN_NUMBER



def cells(path: Path) -> list[str]:
    """Every text cell (and header) of a CSV or XLSX file, checked for formula safety on the way."""
    out = []
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                for field in row:
                    assert not field.startswith(tuple(TRIGGERS)) or _NUMBER.fullmatch(field), (path.name, field)
                    out.append(field)
        return out
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert not cell.value.startswith(tuple(TRIGGERS)) or _NUMBER.fullmatch(cell.value), (path.name, cell.value)
                    out.append(cell.value)
    return out


# -- the writer --------------------------------------------------------------------------------------
@hsettings(max_examples=60, deadline=None)
@given(
    texts=st.lists(attack | st.text(max_size=10), min_size=1, max_size=6),
    numbers=st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12) | st.integers(-10**9, 10**9),
                     min_size=1, max_size=6),
    header=attack,
)
def test_the_writer_neutralises_every_trigger_and_keeps_numbers(texts, numbers, header):
    n = min(len(texts), len(numbers))
    frame = pd.DataFrame({header: texts[:n], "angka": numbers[:n]})
    with tempfile.TemporaryDirectory() as folder:
        for suffix in (".csv", ".xlsx"):
            path = files.write_table({"lembar": frame} if suffix == ".xlsx" else frame, Path(folder) / f"t{suffix}")
            got = cells(path)
            text = [t for t in texts[:n] if files.ILLEGAL_CHARACTERS_RE.search(t) is None]
            for t in text:
                assert files.formula_safe(t) in got or (t == "" and suffix == ".xlsx")
                marked = t.startswith(tuple(TRIGGERS)) and not _NUMBER.fullmatch(t)
                assert files.formula_safe(t) == (files.FORMULA_MARK + t if marked else t)  # only the mark is added
            assert files.formula_safe(header) in got
            back = pd.read_csv(path) if suffix == ".csv" else pd.read_excel(path)
            assert back["angka"].tolist() == pytest.approx([float(x) for x in numbers[:n]])  # numbers stay numbers
            if suffix == ".xlsx":
                book = openpyxl.load_workbook(path)
                assert all(c.data_type == "n" for c in list(book.active.columns)[1][1:])


def test_negative_numbers_and_plain_numeric_text_are_not_marked(tmp_path):
    frame = pd.DataFrame({"a": [-1, -2.5], "b": ["-12.5", "+62 812"], "c": ["=1+1", "@SUM(A1)"]})
    path = files.write_table(frame, tmp_path / "t.csv")
    assert path.read_text(encoding="utf-8").splitlines() == ["a,b,c", "-1.0,-12.5,'=1+1", "-2.5,'+62 812,'@SUM(A1)"]


def test_xlsx_bytes_are_reproducible_and_dated_by_when(tmp_path):
    frame = pd.DataFrame({"nama": ["=HYPERLINK(\"http://evil.example\",\"klik\")", "Batulayang"], "luas": [1.5, -2.0]})
    first = files.write_table({"a": frame}, tmp_path / "a.xlsx").read_bytes()
    time.sleep(1.1)  # a build time would show
    assert files.write_table({"a": frame}, tmp_path / "a.xlsx").read_bytes() == first
    when = dt.datetime(2026, 9, 30, 12, 0)
    dated = files.write_table({"a": frame}, tmp_path / "b.xlsx", when=when)
    assert dated.read_bytes() != first
    props = openpyxl.load_workbook(dated).properties
    assert props.created == props.modified == when
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").properties.modified == files.FIXED_TIME
    import zipfile

    with zipfile.ZipFile(dated) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 9, 30, 12, 0, 0)}


# -- every command that writes a table ---------------------------------------------------------------
def _store_with(folder: Path, names: list[str], kegiatan_names: list[str], deskripsi: str):  # type: ignore[no-untyped-def]
    store = open_store(folder / "k.gpkg")
    store.init()
    w = as_multi(wilayah_frame())
    w["nama"] = names
    w["tingkat"] = ["provinsi", "kabkota", "kecamatan", "kelurahan", "kelurahan"]
    w["kode_induk"] = [None, "61", "61.71", "61.71.01", "61.71.01"]
    store.write("wilayah", w)
    for periode in ("2024", "2026Q3"):  # through the loader, which computes the areas
        kumuh_frame(periode).to_file(folder / f"kumuh_{periode}.gpkg")
        loader.load(store, "kawasan_kumuh", folder / f"kumuh_{periode}.gpkg", report_dir=folder / "laporan")
    k = kegiatan_frame()
    k["nama"] = kegiatan_names
    store.write("kegiatan", k)
    pengaduan_store.add(store, tanggal_diterima="2026-07-01", saluran="sms", kode_wilayah="61.71.01.1001",
                  kategori="informasi", deskripsi=deskripsi, today=dt.date(2026, 7, 20))  # fmt: skip
    return store


@hsettings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow],
           phases=[Phase.explicit, Phase.reuse, Phase.generate])  # a failure is shown as found: no slow shrinking
@given(names=st.lists(attack, min_size=5, max_size=5), kegiatan_names=st.lists(attack, min_size=3, max_size=3), deskripsi=attack)
def test_every_command_writing_a_table_is_formula_safe(names, kegiatan_names, deskripsi):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = _store_with(folder, names, kegiatan_names, deskripsi)
        stored = pengaduan_store.read(store)["deskripsi"].iloc[0]
        store.close()
        db = ["--db", str(folder / "k.gpkg")]
        wants: dict[str, list[str]] = {
            "export": kegiatan_names, "score": [], "screen": [], "progress": names[3:],
            "publish": [stored, names[3]], "fasilitator": [names[1]],
        }  # fmt: skip
        for suffix in (".csv", ".xlsx"):
            runs = {
                "export": ["export", "kegiatan"],
                "score": ["score", "--periode", "2026Q3", "--out"],
                "screen": ["screen", "--periode", "2026Q3", "--out"],
                "progress": ["progress", "--tingkat", "kelurahan", "--kode", "61.71", "--periode", "2026Q3", "--out"],
                "publish": ["pengaduan", "publish", "--per", "2026-07-20", "--out"],
                "fasilitator": ["fasilitator", "--periode", "2026Q3", "--out"],
            }
            for name, args in runs.items():
                out = folder / f"{name}{suffix}"
                assert main(db + args + [str(out)]) == 0, name
                got = cells(out)
                for text in wants[name]:
                    assert files.formula_safe(text) in got, (name, text)
        assert main(db + ["mappack", "--periode", "2026Q3", "--kode", "61.71", "--tingkat", "kecamatan",
                          "--workers", "1", "--out", str(folder / "paket")]) == 0  # fmt: skip
        tables = sorted(p for p in (folder / "paket").rglob("*") if p.suffix in (".csv", ".xlsx"))
        assert any(p.name.startswith("ringkasan_") for p in tables) and any(p.name.startswith("temuan_") for p in tables)
        got = [c for p in tables for c in cells(p)]
        for text in names[1:]:  # the summary workbook and the progress tables name every area
            assert files.formula_safe(text) in got, text
