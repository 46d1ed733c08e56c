"""kotaku_gis/display.py: how a load report and a store show themselves in Jupyter."""

from __future__ import annotations

from kotaku_gis import display
from kotaku_gis.errors import Problem
from kotaku_gis.loader import LoadReport
from kotaku_gis.store import open_store


def test_rejected_report_shows_outcome_and_escaped_problems():
    report = LoadReport("kegiatan", "<kegiatan>.csv", 3, [Problem("crs_missing", "<kegiatan>.csv")])
    html = display.load_report_html(report, lang="en")
    assert "Rejected" in html and "#b00020" in html
    assert "&lt;kegiatan&gt;.csv" in html and "<kegiatan>" not in html  # file names are escaped
    assert "3 rows read; 1 errors, 0 warnings, 0 infos." in html


def test_clean_checked_report_says_so_in_indonesian():
    html = display.load_report_html(LoadReport("kegiatan", "k.csv", 2, []), lang="id")
    assert "Lolos pemeriksaan (uji saja)" in html and "Tidak ada masalah." in html and "#1b5e20" in html
    assert "<table" not in html  # no problem table for a clean file


def test_store_shows_backend_and_whether_it_is_initialised(store_url):
    store = open_store(store_url)
    try:
        before = display.store_html(store, lang="en")
        assert "Not initialised" in before
        store.init()
        after = display.store_html(store, lang="en")
        assert "Not initialised" not in after and "<table" in after and "wilayah" in after
    finally:
        store.close()
