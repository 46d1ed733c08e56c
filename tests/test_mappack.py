"""Quarterly map packs (kotaku_gis.mappack): layout, links, manifest, zips, incremental and crash-safe.

The pack of the sample: nasional -> provinsi 61 -> Kota Pontianak (61.71) -> its 6 kecamatan, built
once per module (with 2 worker processes) and copied by the tests that change data.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from _repro import expect_identical, xlsx_reproducible

import kotaku_gis as kg
from kotaku_gis import mappack, wilayah
from kotaku_gis.errors import CatalogError, UsageError
from kotaku_gis.store import open_store

PERIODE = "2026Q3"
KODE = "61.71"
TINGKAT = "kecamatan"
KECAMATAN = [f"61.71.0{i}" for i in range(1, 7)]
UNITS = ["", "61", "61.71", *KECAMATAN]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample store and its pack, built once (2 worker processes)."""
    folder = tmp_path_factory.mktemp("mappack")
    store = open_store(folder / "contoh.gpkg")
    kg.build_sample_store(store, report_dir=folder / "laporan")
    result = kg.build_pack(store, folder / "paket", PERIODE, kode=KODE, tingkat=TINGKAT, workers=2, progress=False)
    store.close()
    return folder, result


@pytest.fixture
def copy(sample, tmp_path):
    """A copy of the sample store and of its published pack (work area included), to change."""
    folder, _ = sample
    shutil.copy(folder / "contoh.gpkg", tmp_path / "contoh.gpkg")
    shutil.copytree(folder / "paket", tmp_path / "paket", symlinks=True)
    store = open_store(tmp_path / "contoh.gpkg")
    yield store, tmp_path / "paket"
    store.close()


def _build(store, out, **kwargs):
    kwargs.setdefault("workers", 1)
    return kg.build_pack(store, out, PERIODE, kode=KODE, tingkat=TINGKAT, progress=False, **kwargs)


def _change_one_kelurahan(store) -> str:
    """Change the area of one slum location in the period; returns its kelurahan's kecamatan."""
    kumuh = store.read("kawasan_kumuh", periode=PERIODE)
    row = kumuh.index[kumuh["kode_kelurahan"].str.startswith(KODE + ".")][0]
    kumuh.loc[row, "luas_ha"] = float(kumuh.loc[row, "luas_ha"]) + 1.5
    store.write("kawasan_kumuh", kumuh, source="test_mappack")
    return wilayah.ancestor(kumuh.loc[row, "kode_kelurahan"], "kecamatan")


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


_LINK = re.compile(r"""(?:href|src)=['"]([^'"#]+)['"]""")


def _links(page: Path) -> list[str]:
    return [u for u in _LINK.findall(page.read_text(encoding="utf-8")) if not u.startswith(("data:", "javascript:"))]


# -- the pack ----------------------------------------------------------------------------------------
def test_pack_holds_every_level_and_product(sample):
    folder, result = sample
    assert result.published and not result.failed
    assert sorted(result.built) == sorted(UNITS)
    pack = folder / "paket" / PERIODE
    assert result.path == pack and result.index == pack / "index.html"
    for kode in UNITS:
        slug = kode or "nasional"
        unit = pack / "wilayah" / slug
        names = {p.name for p in unit.iterdir()}
        # kab/kota and above: the monev report and the follow-up register too (mappack.yml `laporan`)
        report = {f"laporan_{slug}.docx", f"laporan_{slug}.pdf", f"tindaklanjut_{slug}.csv", f"tindaklanjut_{slug}.xlsx"}
        assert names == {
            "index.html", f"peta_{slug}.html", f"peta_{slug}.png", f"progres_{slug}.csv", f"progres_{slug}.xlsx",
            f"temuan_{slug}.csv", f"temuan_{slug}.xlsx",
        } | (report if kode.count(".") < 2 else set()), kode  # fmt: skip
        if kode.count(".") < 2:
            assert (unit / f"laporan_{slug}.pdf").read_bytes()[:5] == b"%PDF-"
            assert "Koordinator" in (unit / "index.html").read_text(encoding="utf-8")
        assert (unit / f"peta_{slug}.png").read_bytes()[:4] == b"\x89PNG"
    assert (pack / "aset" / "leaflet" / "leaflet.js").is_file()
    assert not any((pack / "wilayah" / s / "aset").exists() for s in ("61.71", "nasional"))  # ONE assets folder
    sheets = pd.read_excel(pack / f"ringkasan_{PERIODE}.xlsx", sheet_name=None)
    assert list(sheets) == ["nasional", "provinsi", "kabkota", "kecamatan"]
    assert sheets["kecamatan"]["kode"].tolist() == KECAMATAN
    readme = (pack / "README.txt").read_text(encoding="utf-8")
    assert "TANPA INTERNET" in readme and "index.html" in readme
    # the national map shows the provinces' figures, the maps below draw locations and activities
    drawn = {kode: _map_layers(pack / "wilayah" / (kode or "nasional") / f"peta_{kode or 'nasional'}.html") for kode in UNITS}
    nation = drawn[""]
    assert nation["kumuh"] is None and nation["kegiatan"] is None and nation["lindung"] is None
    row = dict(zip(nation["wilayah"]["cols"], next(r for r in nation["wilayah"]["rows"] if r[0] == "61")))
    assert row["kegiatan_total"] > 0 and row["lokasi"] > 0  # in the province's popup
    assert all(drawn[k]["kumuh"] is not None for k in ("61", "61.71"))


def _map_layers(page: Path) -> dict:
    """The layers a map page draws (the JSON its script reads)."""
    text = page.read_text(encoding="utf-8")
    return json.JSONDecoder().raw_decode(text, text.index('{"lang"'))[0]["layers"]


def test_index_links_resolve_and_nothing_comes_from_the_network(sample):
    folder, _ = sample
    pack = folder / "paket" / PERIODE
    pages = [pack / "index.html", *sorted((pack / "wilayah").glob("*/index.html"))]
    assert len(pages) == 1 + len(UNITS)
    reached = set()
    for page in pages:
        for link in _links(page):
            assert not link.startswith(("http:", "https:", "//")), (page, link)
            target = (page.parent / link).resolve()
            assert target.is_file(), f"{page.relative_to(pack)} -> {link}"
            reached.add(target)
    # from the root one can reach every unit page, map and picture
    for kode in UNITS:
        slug = kode or "nasional"
        for name in ("index.html", f"peta_{slug}.html", f"peta_{slug}.png"):
            assert (pack / "wilayah" / slug / name).resolve() in reached
    root = (pack / "index.html").read_text(encoding="utf-8")
    assert "wilayah/61.71/index.html" in root and "Kota Pontianak" in root
    # every unit's heading names its kind once: "Kota Pontianak", "Kecamatan Pontianak Kota"
    for kode in UNITS:
        page = (pack / "wilayah" / (kode or "nasional") / "index.html").read_text(encoding="utf-8")
        heading = re.search(r"<h1>(.*?)</h1>", page).group(1)
        expected = {"": "Indonesia", "61": "Provinsi ", "61.71": "Kota Pontianak <"}.get(kode, "Kecamatan ")
        assert heading.startswith(expected), (kode, heading)
        assert "Kabupaten/Kota" not in heading and "Kota Kota" not in heading
    # the maps load the shared assets of the pack
    for page in (pack / "wilayah").glob("*/peta_*.html"):
        links = _links(page)
        assert "../../aset/leaflet/leaflet.js" in links
        for link in links:
            assert not link.startswith(("http:", "https:", "//")), (page, link)
            assert (page.parent / link).resolve().is_file(), (page, link)


def test_manifest_names_inputs_and_hashes_every_file(sample):
    folder, _ = sample
    pack = folder / "paket" / PERIODE
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["periode"] == PERIODE and manifest["baseline"] == "2024"
    assert manifest["perangkat_lunak"] == f"kotaku-gis {kg.__version__}"
    assert manifest["dibuat"].endswith("+00:00")
    assert set(manifest["masukan"]["lapisan"]) == {"wilayah", "kawasan_kumuh", "kegiatan", "pengaduan", "tindak_lanjut", "kawasan_lindung"}
    assert all(len(v["sha256"]) == 64 for v in manifest["masukan"]["lapisan"].values())
    assert {row["layer"] for row in manifest["masukan"]["riwayat_muat"]} >= {"wilayah", "kawasan_kumuh"}
    assert [u["kode"] for u in manifest["unit"]] == UNITS
    for u in manifest["unit"]:
        assert set(u["masukan"]) == set(manifest["masukan"]["lapisan"]) and len(u["sidik_jari"]) == 64
    files = {p.relative_to(pack).as_posix() for p in pack.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["berkas"]) == files
    for rel, entry in manifest["berkas"].items():
        assert hashlib.sha256((pack / rel).read_bytes()).hexdigest() == entry["sha256"], rel
    assert mappack.verify_pack(pack) == []


def test_zip_of_the_kabkota_holds_its_files_and_works_on_its_own(sample, tmp_path):
    folder, _ = sample
    pack = folder / "paket" / PERIODE
    zips = sorted((pack / "zip").glob("*.zip"))
    assert [z.name for z in zips] == ["61.71_Kota_Pontianak.zip"]
    with zipfile.ZipFile(zips[0]) as zf:
        names = set(zf.namelist())
        root = "61.71_Kota_Pontianak/"
        assert all(n.startswith(root) for n in names)
        for kode in ["61.71", *KECAMATAN]:
            for f in (pack / "wilayah" / kode).iterdir():
                if f.name != "index.html":
                    assert zf.read(f"{root}wilayah/{kode}/{f.name}") == f.read_bytes(), f
        assert f"{root}aset/leaflet/leaflet.js" in names and f"{root}index.html" in names
        assert f"{root}README.txt" in names
        assert not any("/wilayah/61/" in n or "/wilayah/nasional/" in n for n in names)
        zf.extractall(tmp_path)
    for page in (tmp_path / root).rglob("*.html"):
        for link in _links(page):
            assert (page.parent / link).resolve().is_file(), f"{page} -> {link}"


def test_figures_agree_with_the_progress_rollup(sample):
    folder, _ = sample
    store = open_store(folder / "contoh.gpkg")
    kumuh = store.read("kawasan_kumuh", periode=["2024", PERIODE], geometry=False)
    per = kg.progress_lokasi(kumuh, PERIODE, "2024")
    expected = kg.rollup(per, None, None, "kecamatan", kode=KODE).set_index("kode")
    sheet = pd.read_excel(folder / "paket" / PERIODE / f"ringkasan_{PERIODE}.xlsx", sheet_name="kecamatan").set_index("kode")
    for kode in KECAMATAN:
        assert sheet.loc[kode, "luas_kumuh_akhir_ha"] == pytest.approx(expected.loc[kode, "luas_kumuh_akhir_ha"])
        assert sheet.loc[kode, "lokasi_akhir"] == expected.loc[kode, "lokasi_akhir"]
    store.close()


def _move(store, layer: str, column: str, periode: str, to: str) -> str:
    """Move the row of ``periode`` of a ``layer`` entity of 61.71.01 that has rows in other periods
    too to kelurahan ``to`` (its rows then lie in two kelurahan); returns its id."""
    every = store.read(layer, geometry=False)
    here = every[every["kode_kelurahan"].str.startswith("61.71.01.")]
    counts = here.groupby(column)["periode"].nunique()
    rows = store.read(layer, periode=periode)
    row = rows.index[rows[column].isin(counts.index[counts > 1]) & rows["kode_kelurahan"].str.startswith("61.71.01.")][0]
    rows.loc[row, "kode_kelurahan"] = to
    store.write(layer, rows, source="test_mappack")
    return str(rows.loc[row, column])


def _parts_and_solo(store, tmp_path, monkeypatch, **kwargs) -> tuple[dict[str, bool], dict[str, str], dict[str, str]]:
    """Build the pack in this process twice: units taking their part of their province's analysis
    (which units did: ``parts``), and every unit analysing its own rows; both packs' file hashes.
    ``kwargs``: of ``build_pack`` (the sample's area and levels by default)."""
    kwargs = {"kode": KODE, "tingkat": TINGKAT, "workers": 1, "progress": False, "paksa": True, **kwargs}
    from kotaku_gis.mappack import _unit as _mappack_unit

    parts: dict[str, bool] = {}
    real_part = _mappack_unit._part

    def part(p, task, *args):
        found = real_part(p, task, *args)
        parts[task.kode] = found is not None
        return found

    with monkeypatch.context() as m:
        m.setattr(_mappack_unit, "_part", part)
        _mappack_unit.reset()
        kg.build_pack(store, tmp_path / "bagian", PERIODE, **kwargs)
    with monkeypatch.context() as m:
        m.setattr(_mappack_unit, "_province", lambda task: None)
        _mappack_unit.reset()
        kg.build_pack(store, tmp_path / "sendiri", PERIODE, **kwargs)
    _mappack_unit.reset()
    return parts, _snapshot(tmp_path / "bagian" / PERIODE), _snapshot(tmp_path / "sendiri" / PERIODE)


def test_units_take_their_part_of_one_analysis_of_their_province(copy, tmp_path, monkeypatch):
    """A worker analyses the rows of a province once and each unit below the nation takes its part
    of that analysis (``_unit._part``): the pack is byte for byte the one built with every unit
    analysing its own rows."""
    parts, a, b = _parts_and_solo(copy[0], tmp_path, monkeypatch)
    assert parts == {kode: True for kode in UNITS if kode}
    assert a.keys() == b.keys() and sorted(k for k in a if a[k] != b[k]) == ["manifest.json"]


def test_a_unit_holding_rows_moved_to_another_kelurahan_analyses_its_own_rows(copy, tmp_path, monkeypatch):
    """A slum location or an activity whose rows lie in two kelurahan (moved between periods) can look
    different from a unit holding part of its rows than from the province: the units holding one
    analyse their own rows, the others take their part, and the pack is the same bytes as ever."""
    from kotaku_gis.mappack import _unit as _mappack_unit

    store, _ = copy
    lokasi = _move(store, "kawasan_kumuh", "id_lokasi", PERIODE, "61.71.02.1001")
    kegiatan = _move(store, "kegiatan", "id_kegiatan", PERIODE, "61.71.03.1001")
    held = []
    real = _mappack_unit._analyse_province
    monkeypatch.setattr(_mappack_unit, "_analyse_province", lambda *a: held.append(real(*a)) or held[-1])
    parts, a, b = _parts_and_solo(store, tmp_path, monkeypatch)
    assert held and held[0] is not None and held[0].moved_lokasi == {lokasi} and held[0].moved_kegiatan == {kegiatan}
    assert {k for k, took in parts.items() if not took} == {"61", "61.71", "61.71.01", "61.71.02", "61.71.03"}
    assert {k for k, took in parts.items() if took} == {"61.71.04", "61.71.05", "61.71.06"}
    assert a.keys() == b.keys() and sorted(k for k in a if a[k] != b[k]) == ["manifest.json"]


def test_a_kabkota_without_kelurahan_analyses_its_own_rows(copy, tmp_path, monkeypatch):
    """Staffing is counted per kab/kota from its kelurahan: a kab/kota without kelurahan has no
    staffing columns of its own, where the province's analysis would give it zeros. Such a unit
    (mapped when the recipe takes every unit) analyses its own rows, and the pack is the same bytes."""
    store, _ = copy
    w = store.read("wilayah")
    kecamatan = w[w["kode"] == "61.72"].assign(kode="61.72.01", nama="Kecamatan Uji", tingkat="kecamatan", kode_induk="61.72")
    store.write("wilayah", kecamatan, source="test_mappack")
    recipe = tmp_path / "semua.yml"
    text = (Path(mappack.__file__).parent / "mappack.yml").read_text(encoding="utf-8")
    recipe.write_text(text.replace("unit: dengan_data", "unit: semua"), encoding="utf-8")
    parts, a, b = _parts_and_solo(store, tmp_path, monkeypatch, kode="61", tingkat="kabkota", recipe=recipe)
    assert parts["61.72"] is False and parts["61.71"] is True
    assert a.keys() == b.keys() and sorted(k for k in a if a[k] != b[k]) == ["manifest.json"]


# -- incremental -------------------------------------------------------------------------------------
def test_a_rerun_with_unchanged_inputs_builds_and_writes_nothing(copy):
    store, out = copy
    before = _snapshot(out / PERIODE)
    stamp = (out / PERIODE / "manifest.json").stat().st_mtime_ns
    result = _build(store, out)
    assert result.unchanged and result.ok and result.built == []
    assert sorted(result.skipped) == sorted(UNITS)
    assert _snapshot(out / PERIODE) == before
    assert (out / PERIODE / "manifest.json").stat().st_mtime_ns == stamp  # not even written again
    assert "Tidak ada yang berubah" in result.summary()


def test_a_change_in_one_kelurahan_rebuilds_its_units_and_ancestors_only(copy):
    store, out = copy
    kecamatan = _change_one_kelurahan(store)
    old = json.loads((out / PERIODE / "manifest.json").read_text(encoding="utf-8"))
    result = _build(store, out)
    assert result.published
    assert sorted(result.built) == sorted(["", "61", "61.71", kecamatan])
    assert sorted(result.skipped) == sorted(k for k in KECAMATAN if k != kecamatan)
    new = json.loads((out / PERIODE / "manifest.json").read_text(encoding="utf-8"))
    changed = {u["kode"] for u, v in zip(old["unit"], new["unit"]) if u["sidik_jari"] != v["sidik_jari"]}
    assert changed == {"", "61", "61.71", kecamatan}
    assert mappack.verify_pack(out / PERIODE) == []
    # the zip of the kab/kota was made again, with the new files
    with zipfile.ZipFile(next((out / PERIODE / "zip").glob("*.zip"))) as zf:
        rel = f"wilayah/{kecamatan}/progres_{kecamatan}.csv"
        assert zf.read(f"61.71_Kota_Pontianak/{rel}") == (out / PERIODE / rel).read_bytes()


# -- crash-safe --------------------------------------------------------------------------------------
def test_a_failed_unit_publishes_nothing_and_the_next_run_resumes(copy, monkeypatch):
    from kotaku_gis.mappack import _unit as _mappack_unit

    store, out = copy
    kecamatan = _change_one_kelurahan(store)
    before = _snapshot(out / PERIODE)
    real = _mappack_unit._products

    def failing(task, *args, **kwargs):
        if task.kode == kecamatan:
            raise RuntimeError("disk penuh")
        return real(task, *args, **kwargs)

    monkeypatch.setattr(_mappack_unit, "_products", failing)
    result = _build(store, out)
    assert not result.published and not result.ok
    assert result.failed == {kecamatan: "RuntimeError: disk penuh"}
    assert "disk penuh" in result.summary() and "TIDAK diterbitkan" in result.summary()
    assert _snapshot(out / PERIODE) == before  # the previous pack, untouched
    monkeypatch.setattr(_mappack_unit, "_products", real)
    again = _build(store, out)
    assert again.published and again.built == [kecamatan]
    assert sorted(again.resumed) == ["", "61", "61.71"]


_KILLED = """
import sys
from kotaku_gis.cli import main
sys.exit(main(["--db", {db!r}, "mappack", "--periode", "{periode}", "--kode", "{kode}", "--tingkat", "{tingkat}",
               "--out", {out!r}, "--workers", "1"]))
"""


def test_a_run_killed_half_way_leaves_the_previous_pack_intact_and_resumes(copy):
    """SIGKILL after the first unit is written: the published pack is exactly the previous one."""
    store, out = copy
    _change_one_kelurahan(store)
    before = _snapshot(out / PERIODE)
    script = _KILLED.format(db=str(store.url), periode=PERIODE, kode=KODE, tingkat=TINGKAT, out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if line.startswith("[1/"):
                os.kill(proc.pid, signal.SIGKILL)
                break
        else:
            pytest.fail("the run ended before building a unit:\n" + "".join(seen))
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert _snapshot(out / PERIODE) == before
    assert mappack.verify_pack(out / PERIODE) == []
    finished = _unit_of_progress_line(seen[-1])  # whichever unit a worker finished first
    result = _build(store, out)
    assert result.published and finished in result.resumed  # the unit finished before the kill is not built again
    assert finished not in result.built and mappack.verify_pack(out / PERIODE) == []


def _unit_of_progress_line(line: str) -> str:
    """The code of the unit a progress line names ("[1/9] dibuat: 61.71.01 Pontianak Selatan ..."; "" for the nation)."""
    label = line.split(": ", 1)[1].split(" (", 1)[0]
    first = label.split(" ", 1)[0]
    return first if first[:1].isdigit() else ""


def test_ctrl_c_half_way_leaves_the_previous_pack_intact_and_says_how_long_was_left(copy):
    """SIGINT (Ctrl-C) after the first unit: exit status 130, the published pack is the previous one, and
    the progress lines on stderr carried the count and the time remaining."""
    store, out = copy
    _change_one_kelurahan(store)
    before = _snapshot(out / PERIODE)
    script = _KILLED.format(db=str(store.url), periode=PERIODE, kode=KODE, tingkat=TINGKAT, out=str(out))
    # Ctrl-C as in a terminal: a test run started in the background (a shell's `&`) passes SIGINT on
    # ignored, and Python then keeps ignoring it
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    seen = []
    try:
        for line in proc.stderr:
            seen.append(line)
            if line.startswith("[1/"):
                os.kill(proc.pid, signal.SIGINT)
                break
        else:
            pytest.fail("the run ended before building a unit:\n" + "".join(seen))
        seen += proc.stderr.readlines()
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == 130, "".join(seen)
    assert re.search(r"^\[1/\d+\] dibuat: .*sisa ± ", "".join(seen), re.M)
    assert _snapshot(out / PERIODE) == before
    assert _build(store, out).published


def test_one_run_at_a_time(copy):
    from kotaku_gis.mappack import _fs as _mappack_fs

    store, out = copy
    lock = _mappack_fs.Lock(out / mappack.WORK_DIR / "kunci")
    assert lock.acquire()
    try:
        with pytest.raises(UsageError, match="sedang bekerja"):
            _build(store, out)
    finally:
        lock.release()


def test_software_fingerprint_covers_every_package_file(tmp_path):
    # a patched module rebuilds every unit, without --paksa; compiled caches do not count
    from kotaku_gis.mappack import _fs as _mappack_fs

    pkg = tmp_path / "kotaku_gis"
    (pkg / "maps" / "__pycache__").mkdir(parents=True)
    (pkg / "screening.py").write_text("JARAK = 50\n")
    (pkg / "maps" / "kotaku_map.js").write_text("var x = 1;\n")
    before = _mappack_fs.sha256_tree(pkg)
    (pkg / "maps" / "__pycache__" / "x.cpython-313.pyc").write_bytes(b"\0")
    assert _mappack_fs.sha256_tree(pkg) == before
    (pkg / "screening.py").write_text("JARAK = 100\n")
    patched = _mappack_fs.sha256_tree(pkg)
    assert patched != before
    (pkg / "maps" / "kotaku_map.js").rename(pkg / "maps" / "peta.js")
    assert _mappack_fs.sha256_tree(pkg) not in (before, patched)
    assert mappack.software_fingerprint() == mappack.software_fingerprint()


# -- plan and recipe ---------------------------------------------------------------------------------
def test_plan_selects_units_and_says_which_cannot_be_mapped(sample, tmp_path):
    folder, _ = sample
    store = open_store(folder / "contoh.gpkg")
    p = mappack.plan(store, PERIODE, kode=KODE, tingkat=TINGKAT)
    assert [u.kode for u in p.units] == UNITS and p.top == ""
    assert [u.tingkat for u in p.units[:3]] == ["nasional", "provinsi", "kabkota"]
    text = (mappack.RECIPE_PATH).read_text(encoding="utf-8").replace("unit: dengan_data", "unit: semua")
    (tmp_path / "semua.yml").write_text(text, encoding="utf-8")
    p = mappack.plan(store, PERIODE, kode="61", tingkat="kabkota", recipe=tmp_path / "semua.yml")
    assert "61.71" in [u.kode for u in p.units]
    left = {k: reason for _, k, _, reason in p.left_out}
    assert "61.72" in left and "batas kecamatan" in left["61.72"].lower()
    with pytest.raises(UsageError):
        mappack.plan(store, PERIODE, kode="61.71", tingkat="provinsi")
    store.close()


def test_a_bad_recipe_names_the_field(tmp_path):
    text = mappack.RECIPE_PATH.read_text(encoding="utf-8").replace("zip: kabkota", "zip: dusun")
    (tmp_path / "resep.yml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match="zip"):
        mappack.load_recipe(tmp_path / "resep.yml")


def test_a_folder_that_is_not_a_pack_is_never_replaced(sample, tmp_path):
    folder, _ = sample
    store = open_store(folder / "contoh.gpkg")
    mine = tmp_path / "out" / PERIODE / "catatan.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("milik saya", encoding="utf-8")
    with pytest.raises(UsageError, match="bukan paket peta"):
        _build(store, tmp_path / "out")
    assert mine.read_text(encoding="utf-8") == "milik saya" and len(list(mine.parent.iterdir())) == 1
    store.close()


def test_a_pack_from_postgis_with_workers(postgis_url, tmp_path):
    """Each worker opens its own connection to the PostGIS store; the pack is the same kind."""
    store = open_store(postgis_url)
    kg.build_sample_store(store, report_dir=tmp_path / "laporan")
    text = mappack.RECIPE_PATH.read_text(encoding="utf-8").replace("leluhur: true", "leluhur: false")
    (tmp_path / "resep.yml").write_text(text, encoding="utf-8")
    result = kg.build_pack(store, tmp_path / "paket", PERIODE, kode=KODE, tingkat=TINGKAT, workers=2,
                           recipe=tmp_path / "resep.yml", progress=False)  # fmt: skip
    assert result.ok and sorted(result.built) == ["61.71", *KECAMATAN]
    assert mappack.verify_pack(tmp_path / "paket" / PERIODE) == []
    assert _build(store, tmp_path / "paket", recipe=tmp_path / "resep.yml").unchanged
    store.close()


def test_a_complaint_counts_where_it_was_made_and_rebuilds_that_branch(copy):
    store, out = copy
    import datetime as dt

    kg.pengaduan_store.add(store, tanggal_diterima="2026-08-03", saluran="sms", kode_wilayah="61.71.04.1001",
                     kategori="informasi", deskripsi="Jadwal pembangunan drainase", today=dt.date(2026, 8, 3))  # fmt: skip
    result = _build(store, out)
    assert sorted(result.built) == ["", "61", "61.71", "61.71.04"]
    sheets = pd.read_excel(out / PERIODE / f"ringkasan_{PERIODE}.xlsx", sheet_name=None, dtype={"kode": str})
    kec = sheets["kecamatan"].set_index("kode")
    assert kec.loc["61.71.04", "pengaduan_total"] == 1 and kec.loc["61.71.04", "pengaduan_terbuka"] == 1
    assert kec["pengaduan_total"].sum() == 1 and sheets["nasional"]["pengaduan_total"].iloc[0] == 1


# -- reproducible packs ------------------------------------------------------------------------------
_RUN_FIELDS = ("dibuat", "pelaksana")  # the manifest fields that record the run, not the products


def test_two_builds_of_the_same_data_are_the_same_bytes(sample, tmp_path):
    """A forced second build (one process; the first used two) gives every file byte for byte, the
    manifest differing only in the build time and the executor."""
    folder, _ = sample
    store = open_store(folder / "contoh.gpkg")
    result = _build(store, tmp_path / "lagi", paksa=True)
    store.close()
    assert result.published and sorted(result.built, key=UNITS.index) == UNITS
    first, second = folder / "paket" / PERIODE, tmp_path / "lagi" / PERIODE
    m1, m2 = (json.loads((p / "manifest.json").read_text(encoding="utf-8")) for p in (first, second))
    assert set(m1["berkas"]) == set(m2["berkas"]) and _snapshot(first).keys() == _snapshot(second).keys()
    assert m1["pelaksana"] == {"jenis": "proses", "pekerja": 2} and m2["pelaksana"] == {"jenis": "proses", "pekerja": 1}
    # the only dates inside the products are the data's: the period's end
    page = (first / "wilayah" / "61.71" / "peta_61.71.html").read_text(encoding="utf-8")
    assert set(re.findall(r"20\d\d-\d\d-\d\d", page)) == {"2026-09-30"}
    a, b = _snapshot(first), _snapshot(second)
    assert sorted(k for k in a if a[k] != b[k] and k != "manifest.json") == sorted(
        rel for rel in m1["berkas"] if m1["berkas"][rel] != m2["berkas"][rel]
    )  # the manifests record the files as they are
    expect_identical(sorted(rel for rel in m1["berkas"] if m1["berkas"][rel] != m2["berkas"][rel]))
    assert {k: v for k, v in m1.items() if k not in _RUN_FIELDS} == {k: v for k, v in m2.items() if k not in _RUN_FIELDS}


def test_rebuild_and_compare_checks_a_published_pack(copy, capsys):
    """The check rebuilds the pack from the store: identical when nothing changed (the CLI says so
    and exits 0); a file edited in the pack, and data changed since, are both named (exit 1)."""
    from kotaku_gis import cli

    store, out = copy
    pack = out / PERIODE
    status = cli.main(["--db", str(store.path), "mappack", "--out", str(out), "--periode", "2026q3", "--periksa",
                       "--workers", "1"])  # fmt: skip
    printed = capsys.readouterr().out
    unchanged = re.findall(r"^  (\S+): ", printed, flags=re.M)  # the files named as different
    page = pack / "wilayah" / "61.71.02" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- diubah -->", encoding="utf-8")
    kecamatan = _change_one_kelurahan(store)
    problems = mappack.rebuild_and_compare(store, pack, workers=1)
    text = "\n".join(problems)
    assert "wilayah/61.71.02/index.html: isi berkas berubah" in text  # the edited page, against its manifest
    assert problems[0].startswith("data di basis data berbeda") and "kawasan_kumuh" in problems[0]
    assert f"wilayah/{kecamatan}/progres_{kecamatan}.csv: isi hasil pembangunan ulang berbeda" in text
    others = [line for line in problems if "wilayah/61.71.0" in line and kecamatan not in line and "hasil pembangunan ulang" in line]
    if not xlsx_reproducible():  # until write_table's XLSX are reproducible, they differ everywhere
        others = [line for line in others if not line.split(": ")[0].endswith(".xlsx")]
    assert others == []  # the other kecamatan are rebuilt the same
    assert mappack.verify_pack(pack) != [] and (out / mappack.WORK_DIR).is_dir()
    # before the changes, the rebuild was identical (the CLI said so)
    assert (status == 0) == (unchanged == []) and ("Sama: setiap berkas" in printed) == (status == 0)
    expect_identical(unchanged)


def test_importing_kotaku_gis_does_not_import_dask():
    code = "import sys, kotaku_gis; assert not {'dask', 'distributed'} & set(sys.modules), sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


def test_the_plan_and_the_units_find_the_same_protected_features():
    """The plan fingerprints the protected features within reach of every unit at once (an STR-tree,
    ``near_all``); a worker checks them one unit at a time (``near``): both must find the same rows,
    edges and corners touching included, boxes of no area and features without geometry too."""
    import numpy as np

    from kotaku_gis.mappack import _data as data

    rng = np.random.default_rng(7)
    lo = rng.integers(0, 20, size=(400, 2)).astype("float64")
    boxes = np.hstack([lo, lo + rng.integers(0, 4, size=(400, 2))])  # integer corners: many touch exactly
    boxes[::37] = np.nan  # features without geometry
    lo = rng.integers(0, 20, size=(60, 2)).astype("float64")
    wins = [tuple(b) for b in np.hstack([lo, lo + rng.integers(0, 3, size=(60, 2))])] + [None]
    assert [a.tolist() for a in data.near_all(boxes, wins)] == [data.near(boxes, w).tolist() for w in wins]


def test_page_links_are_those_posixpath_would_write():
    """The pack's pages link by a string-only relative path (mappack._html._rel): the same link as
    posixpath.relpath for every pair of the pack's kinds of paths."""
    import posixpath

    from kotaku_gis.mappack._html import _rel

    paths = ["index.html", "README.txt", "aset/kotaku.js", "aset/leaflet/leaflet.css", "zip/61.71_Kota.zip",
             "wilayah/61/index.html", "wilayah/61/peta_61.png", "wilayah/61.71/index.html",
             "wilayah/61.71.01.1001/tabel_61.71.01.1001.csv", "wilayah/nasional/index.html"]  # fmt: skip
    for target in paths:
        for page in paths:
            assert _rel(target, page) == posixpath.relpath(target, posixpath.dirname(page) or "."), (target, page)
