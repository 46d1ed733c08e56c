"""Comparing the files of two builds of a map pack (tests/test_mappack.py, tests/test_mappack_dask.py).

Every file must be the same bytes. The XLSX tables are written by ``files.write_table``, which another
change makes reproducible (fixed document properties and entry dates); until that change is in, two
builds a second apart differ in their XLSX (and in the zips holding them) and nothing else: the
comparison then checks every other file and marks the test xfail, naming the files.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

from kotaku_gis import files


def xlsx_reproducible() -> bool:
    """Whether ``files.write_table`` writes the same XLSX bytes one second later."""
    frame = pd.DataFrame({"a": [1]})
    with tempfile.TemporaryDirectory() as folder:
        first = files.write_table({"s": frame}, Path(folder) / "a.xlsx")
        time.sleep(1.1)
        second = files.write_table({"s": frame}, Path(folder) / "b.xlsx")
        return hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()


def expect_identical(differ: list[str]) -> None:
    """Fail unless ``differ`` (paths of files that differ) is empty; xfail when only XLSX (and the
    zips holding them) differ and ``write_table`` is not reproducible yet."""
    if not differ:
        return
    if all(p.endswith((".xlsx", ".zip")) for p in differ) and not xlsx_reproducible():
        pytest.xfail(f"files.write_table XLSX not yet reproducible: {len(differ)} XLSX/zip files differ, every other file is identical")
    assert differ == []
