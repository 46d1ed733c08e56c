"""kotaku_gis/errors.py: problems name file, row, column and the fix, in either language."""

from __future__ import annotations

import pytest

from kotaku_gis import settings
from kotaku_gis.errors import CatalogError, DataError, KotakuError, Problem, StoreError, UsageError


def test_problem_names_file_row_column_and_fix_in_both_languages():
    p = Problem("crs_missing", "kegiatan.csv", 4, "geometry")
    assert p.where("en") == "kegiatan.csv, row 4, column geometry"
    assert p.where("id").startswith("kegiatan.csv, baris 4")
    assert p.message("en") != p.message("id") and p.fix("en") != p.fix("id")
    text = str(p)  # in settings.language (Bahasa Indonesia in tests)
    assert text.startswith("Galat: kegiatan.csv, baris 4") and p.fix("id") in text


def test_file_wide_problem_has_no_row_or_column():
    assert Problem("crs_missing", "jalan.shp").where("en") == "jalan.shp"


def test_data_error_lists_errors_only_and_caps_them(monkeypatch):
    monkeypatch.setattr(settings, "language", "en")
    problems = [Problem("crs_missing", "a.csv", row) for row in range(1, 24)]
    problems.append(Problem("crs_missing", "a.csv", 99, severity="warning"))
    exc = DataError(problems, report_path="laporan.xlsx")
    assert exc.problems == problems and len(exc.errors) == 23
    message = str(exc)
    assert message.startswith("Data rejected: 23 problems; nothing was changed in the store.")
    assert message.count("\n  - ") == 20  # the first 20 errors, then a count of the rest
    assert "... and 3 more problems" in message and "laporan.xlsx" in message
    assert "row 99" not in message  # warnings are not in the message


@pytest.mark.parametrize("cls", [UsageError, CatalogError, StoreError, DataError])
def test_every_error_is_a_kotaku_error(cls):
    assert issubclass(cls, KotakuError)
