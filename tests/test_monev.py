"""The monev report: every key figure in the DOCX (read with python-docx) and the PDF (read with Debian's
pdftotext) equals what `progress`, `screen`, `pengaduan list` and `tindaklanjut list` print for the same
unit and period; the PDF opens in poppler; the same data give the same bytes."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import docx
import pytest

from kotaku_gis import pengaduan_store, tindak_lanjut_store
from kotaku_gis.cli import main
from kotaku_gis.demo import build_sample_store
from kotaku_gis.store import open_store

END = dt.date(2026, 9, 30)

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                   reason="poppler-utils (pdftotext, pdftoppm) missing: bash scripts/setup.sh --test")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("laporan")
    url = str(folder / "k.gpkg")
    store = open_store(url)
    build_sample_store(store, report_dir=folder)
    for day, kode in (("2026-07-01", "61.71.01.1002"), ("2026-09-20", "61.71.02.1003")):
        pengaduan_store.add(store, tanggal_diterima=day, saluran="sms", kode_wilayah=kode, kategori="informasi",
                      deskripsi="Kapan pekerjaan drainase selesai?", today=dt.date(2026, 9, 30))  # fmt: skip
    tindak_lanjut_store.susun(store, "2026Q3", "61.71", tanggal=END)
    store.close()
    return folder, url


def _run(capsys, *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def _docx_text(path) -> str:  # type: ignore[no-untyped-def]
    d = docx.Document(str(path))
    lines = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            lines.append(" | ".join(c.text for c in row.cells))
    return "\n".join(lines)


def _row(text: str, label: str) -> str:
    hits = [line for line in text.splitlines() if line.strip().startswith(label)]
    assert hits, f"{label!r} not found"
    return hits[0]


@needs_poppler
def test_report_figures_equal_the_cli(sample, capsys, tmp_path):
    folder, url = sample
    db = ["--db", url, "--lang", "en"]
    prog = _run(capsys, *db, "progress", "--tingkat", "kabkota", "--kode", "61.71", "--periode", "2026Q3",
                "--out", str(tmp_path / "p.csv"))  # fmt: skip
    m = re.search(r"slum area ([\d,.]+) ha -> ([\d,.]+) ha \(reduction ([\d,.]+) %\), (\d+) locations left", prog)
    assert m, prog
    awal, akhir, persen, keluar = m.groups()
    scr = _run(capsys, *db, "screen", "--periode", "2026Q3", "--kode", "61.71", "--out", str(tmp_path / "t.csv"))
    screened = dict(re.findall(r"^\s+(not fundable|needs review|warning): (\d+)$", scr, re.M))
    assert len(screened) == 3, scr
    peng = _run(capsys, *db, "pengaduan", "list", "--kode", "61.71", "--per", "2026-09-30")
    total, terbuka, terlambat = re.search(r"(\d+) complaints, (\d+) open, (\d+) open beyond", peng).groups()
    reg = _run(capsys, *db, "tindaklanjut", "list", "--kode", "61.71", "--per", "2026-09-30")
    reg_total, reg_open, _, reg_esc, reg_done, reg_late = re.search(
        r"(\d+) issues: (\d+) open, (\d+) being followed up, (\d+) escalated, (\d+) done; (\d+) past", reg).groups()

    out = _run(capsys, *db, "laporan", "--kode", "61.71", "--periode", "2026Q3",
               "--out", str(tmp_path / "l.docx"), "--out", str(tmp_path / "l.pdf"))  # fmt: skip
    assert "l.docx" in out and "l.pdf" in out
    pdf = subprocess.run(["pdftotext", "-layout", str(tmp_path / "l.pdf"), "-"], check=True, capture_output=True,
                         text=True).stdout  # fmt: skip
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(tmp_path / "l.pdf"), str(tmp_path / "p")],
                   check=True, capture_output=True)  # fmt: skip
    assert list(tmp_path.glob("p*.png"))
    for text in (_docx_text(tmp_path / "l.docx"), pdf):
        row = _row(text, "Slum area now (ha)")
        assert awal in row and akhir in row, row
        assert f"{float(persen):.1f} %" in _row(text, "Reduction of slum area")  # the report shows one decimal
        assert re.search(rf"\b{keluar}\b", _row(text, "Locations out of slum"))
        for label, count in screened.items():
            assert _row(text, label).replace("|", " ").split()[-1] == count, _row(text, label)
        assert _row(text, "Received").replace("|", " ").split()[-1] == total
        assert _row(text, "Open past the service time").replace("|", " ").split()[-1] == terlambat
        assert re.search(rf"^\s*Open\s*\|?\s*{terbuka}\s*$", text, re.M)
        assert _row(text, "Issues registered").replace("|", " ").split()[-1] == reg_total
        assert _row(text, "Escalated").replace("|", " ").split()[-1] == reg_esc
        assert _row(text, "Done").replace("|", " ").split()[-1] == reg_done
        assert _row(text, "Past their deadline").replace("|", " ").split()[-1] == reg_late
        assert "Regency/City Pokja PKP / LCMU" in text and "2026-09-30" in text
    assert int(reg_total) > 0 and int(total) == 2

def test_report_is_reproducible_and_in_bahasa_by_default(sample, tmp_path):
    import kotaku_gis as kg

    folder, url = sample
    store = open_store(url)
    a = kg.laporan(store, "61.71", "2026Q3", [tmp_path / "a.docx", tmp_path / "a.pdf"])
    b = kg.laporan(store, "61.71", "2026Q3", [tmp_path / "b.docx", tmp_path / "b.pdf"])
    store.close()
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    text = _docx_text(a[0])
    assert "Angka kunci terhadap target 100-0-100" in text and "Lokakarya" in text
    assert "Siti" not in text  # no identity: the complaints are counted only
    d = docx.Document(str(a[0]))
    assert d.core_properties.created == dt.datetime(2026, 9, 30, tzinfo=dt.timezone.utc)
