"""The command line: commands, exit codes (0 ok, 1 data error, 2 usage error), languages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers import kegiatan_frame, wilayah_frame

from kotaku_gis.cli import main
from kotaku_gis.store import open_store


@pytest.fixture
def files(tmp_path):
    wilayah = tmp_path / "wilayah.gpkg"
    wilayah_frame().to_file(wilayah)
    kegiatan = tmp_path / "kegiatan.gpkg"
    kegiatan_frame().to_file(kegiatan)
    bad = kegiatan_frame()
    bad.loc[0, "progres_fisik"] = 120.0
    salah = tmp_path / "salah.gpkg"
    bad.to_file(salah)
    return {"wilayah": wilayah, "kegiatan": kegiatan, "salah": salah}


def test_init_load_layers_export(store_url, files, tmp_path, capsys):
    db = ["--db", store_url]
    assert main(db + ["init"]) == 0
    assert main(db + ["load", "wilayah", str(files["wilayah"]), "--laporan", str(tmp_path)]) == 0
    assert main(db + ["load", "kegiatan", str(files["kegiatan"]), "--laporan", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "kegiatan.gpkg dimuat ke kegiatan: 3 baris" in out
    assert main(db + ["layers"]) == 0
    out = capsys.readouterr().out
    assert "2026Q3 (3)" in out and "baris" in out
    target = tmp_path / "ekspor.csv"
    assert main(db + ["export", "kegiatan", str(target), "--kode", "61.71.01.1002"]) == 0
    exported = pd.read_csv(target)
    assert exported["id_kegiatan"].tolist() == ["K003"] and "wkt" in exported.columns
    assert main(db + ["export", "wilayah", str(tmp_path / "w.xlsx"), "--tingkat", "kelurahan"]) == 0
    assert len(pd.read_excel(tmp_path / "w.xlsx")) == 2


def test_data_error_exits_1_and_changes_nothing(store_url, files, tmp_path, capsys):
    db = ["--db", store_url]
    assert main(db + ["load", "wilayah", str(files["wilayah"]), "--laporan", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(db + ["load", "kegiatan", str(files["salah"]), "--laporan", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "salah.gpkg, baris 1, kolom progres_fisik" in err
    assert "tidak ada yang diubah" in err
    store = open_store(store_url)
    assert store.layers().set_index("layer").at["kegiatan", "rows"] == 0
    store.close()


def test_usage_errors_exit_2(tmp_path, capsys):
    db = ["--db", str(tmp_path / "k.gpkg")]
    with pytest.raises(SystemExit) as exit_info:
        main(db + ["load", "jalan_tol", "x.gpkg"])
    assert exit_info.value.code == 2
    assert main(db + ["load", "kegiatan", str(tmp_path / "tidak_ada.gpkg")]) == 2
    assert main(["--db", "mysql://x/y", "layers"]) == 2
    assert main(db + ["load", "kegiatan", "x.gpkg", "--kolom", "tanpa_sama_dengan"]) == 2
    assert "SUMBER=TUJUAN" in capsys.readouterr().err


def test_english_output(tmp_path, files, capsys):
    db = ["--db", str(tmp_path / "k.gpkg"), "--lang", "en"]
    assert main(db + ["load", "wilayah", str(files["wilayah"]), "--laporan", str(tmp_path)]) == 0
    assert main(db + ["load", "kegiatan", str(files["salah"]), "--laporan", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "wilayah.gpkg loaded into wilayah: 5 new rows, 0 replaced, 0 removed (other rows kept)" in captured.out
    assert "salah.gpkg, row 1, column progres_fisik" in captured.err


def test_db_from_environment(tmp_path, monkeypatch, capsys):
    target = tmp_path / "dari_env.gpkg"
    monkeypatch.setenv("KOTAKU_DB", str(target))
    assert main(["init"]) == 0
    assert target.is_file()


def test_console_script_runs_the_demo(tmp_path):
    """The installed entry point, as a user runs it, on the embedded sample."""
    script = Path(sys.executable).with_name("kotaku-gis")
    env = {**os.environ, "KOTAKU_DB": str(tmp_path / "demo.gpkg")}
    result = subprocess.run([str(script), "demo", "--laporan", str(tmp_path)], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "SINTETIS" in result.stdout
    assert "kawasan_kumuh" in result.stdout and "2026Q3" in result.stdout
