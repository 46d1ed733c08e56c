"""The complaints register: safe publication (no identity, no personal data in any output, on both
stores), the status workflow, ageing and priority, counts per area, and the command line."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import sqlalchemy as sa
from helpers import stored_wilayah

from kotaku_gis import catalog, pengaduan, pengaduan_store, privacy, rules
from kotaku_gis.cli import main
from kotaku_gis.errors import DataError, StoreError, UsageError
from kotaku_gis.store import Store, open_store

TODAY = dt.date(2026, 7, 20)

# The complainant and what leaks if anything goes wrong.
NAMA = "Siti Rahmawati"
KONTAK = "0813-9876-5432"
TELEPON = "+62 812 3456 7890"
EMAIL = "siti.rahma@yahoo.co.id"
NIK = "6171045508900003"
DESKRIPSI = (
    f"Saya {NAMA}, NIK {NIK}, melaporkan dana BDI Rp 350.000.000 dipotong ketua KSM. "
    f"Hubungi saya di {TELEPON} atau {EMAIL}, atau adik saya 0561-734567 (rina [at] gmail [dot] com)."
)
TINDAK_LANJUT = f"Ibu Siti dihubungi di {KONTAK}; BKM diperiksa Korkot tanggal 2026-07-10."
SANKSI = "Ketua KSM diberhentikan; laporan ke inspektorat@pu.go.id, rekening 1234567890123 dibekukan."

#: Strings (and digit sequences) that must never appear in anything published or exported.
SECRETS = ["Siti", "Rahmawati", "siti.rahma", "yahoo", "rina", "gmail", "inspektorat@", "@"]
SECRET_DIGITS = ["081398765432", "6281234567890", "6171045508900003", "0561734567", "1234567890123"]


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    s.init()
    s.write("wilayah", stored_wilayah())
    yield s
    s.close()


def snapshot(store) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    frame = store.read("pengaduan")
    return pd.DataFrame(frame).assign(geometry=frame.geometry.to_wkb())


def add_sample(store) -> list[str]:  # type: ignore[no-untyped-def]
    """Three complaints: one with identity carried through to closing with a sanction, one anonymous,
    one about the whole kabkota."""
    first = pengaduan_store.add(
        store, tanggal_diterima="2026-06-01", saluran="sms", kode_wilayah="6171011001", kategori="penyimpangan_dana",
        deskripsi=DESKRIPSI, nama=NAMA, kontak=KONTAK, today=TODAY,
    )  # fmt: skip
    pengaduan_store.update(store, first.id_pengaduan, status="diverifikasi", today=TODAY)
    pengaduan_store.update(store, first.id_pengaduan, status="ditindaklanjuti", tindak_lanjut=TINDAK_LANJUT, today=TODAY)
    pengaduan_store.update(store, first.id_pengaduan, status="selesai", sanksi=SANKSI, tanggal_selesai="15/07/2026", today=TODAY)
    second = pengaduan_store.add(
        store, tanggal_diterima="10/07/2026", saluran="website", kode_wilayah="61.71.01.1002", kategori="informasi",
        deskripsi="Kapan pencairan BPM tahap 2? Balas ke 081234567890.", today=TODAY,
    )  # fmt: skip
    third = pengaduan_store.add(
        store, tanggal_diterima="2026-07-01", saluran="langsung", kode_wilayah="61.71", kategori="kinerja_pelaku",
        deskripsi="Fasilitator jarang hadir di rembug warga.", today=TODAY,
    )  # fmt: skip
    return [first.id_pengaduan, second.id_pengaduan, third.id_pengaduan]


def assert_clean_text(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), (where, secret)
    for token in re.findall(r"[\d][\d ().+\-]*\d", text):
        digits = re.sub(r"\D", "", token)
        for secret in SECRET_DIGITS:
            assert secret not in digits, (where, token)


def assert_clean_frame(frame: pd.DataFrame, where: str) -> None:
    for name in frame.columns:
        assert name not in ("nama", "kontak", "deskripsi_asli", "nama_pelapor", "identitas"), (where, name)
        if name in ("geometry", "wkt"):  # area points (checked in test_register_locates_...)
            continue
        for value in frame[name].dropna().astype(str):
            assert_clean_text(value, f"{where}.{name}")
            assert privacy.findings(value) == {}, (where, name, value)


def read_any(path: Path) -> list[pd.DataFrame]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        assert_clean_text(path.read_text(encoding="utf-8"), path.name)
        return [pd.read_csv(path, dtype=str)]
    if suffix == ".xlsx":
        return list(pd.read_excel(path, sheet_name=None, dtype=str).values())
    if suffix == ".geojson":
        assert_clean_text(path.read_text(encoding="utf-8"), path.name)
    frames = []
    for layer, _ in pyogrio.list_layers(path):
        frames.append(pd.DataFrame(pyogrio.read_dataframe(path, layer=layer)))
    if suffix == ".gpkg":  # every table of the SQLite file, registered or not
        with sqlite3.connect(path) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            assert "pengaduan_identitas" not in tables
            for t in tables:
                if not t.startswith(("gpkg_", "rtree_", "sqlite_")):
                    frames.append(pd.read_sql(f'SELECT * FROM "{t}"', conn).drop(columns=["geom"], errors="ignore"))
    return frames


# -- no identity and no personal data anywhere -------------------------------------------------------------
def test_no_output_contains_identity_or_personal_data(store, tmp_path, capsys):
    ids = add_sample(store)
    # the identity is stored, apart
    who = pengaduan_store.identitas(store, ids[0])
    assert who["nama"] == NAMA and who["kontak"] == KONTAK and who["deskripsi_asli"] == DESKRIPSI
    anonymous = pengaduan_store.identitas(store, ids[1])  # no identity, but its description was masked
    assert anonymous["nama"] is None and anonymous["kontak"] is None and "081234567890" in anonymous["deskripsi_asli"]
    assert pengaduan_store.identitas(store, ids[2]) is None  # anonymous, nothing masked: nothing private

    outputs: list[Path] = []
    for suffix in (".csv", ".xlsx"):
        for peta in (".gpkg", ".geojson"):
            done = pengaduan_store.publish(store, tmp_path / f"daftar{suffix}", tmp_path / f"peta{suffix[1:]}{peta}", as_of=TODAY)
            assert done.rows == 3
            outputs += done.paths
    db = ["--db", store.url]
    for suffix in (".csv", ".xlsx", ".gpkg", ".geojson"):
        target = tmp_path / f"ekspor{suffix}"
        assert main(db + ["export", "pengaduan", str(target)]) == 0
        outputs.append(target)
    assert main(db + ["pengaduan", "publish", "--out", str(tmp_path / "cli.csv"), "--peta", str(tmp_path / "cli.gpkg")]) == 0
    outputs += [tmp_path / "cli.csv", tmp_path / "cli.gpkg"]
    assert main(db + ["pengaduan", "list", "--per", "2026-07-20"]) == 0
    printed = capsys.readouterr().out
    assert ids[0] in printed
    assert_clean_text(printed, "pengaduan list")

    for path in outputs:
        frames = read_any(path)
        assert sum(len(f) for f in frames) >= 3, path
        for frame in frames:
            assert_clean_frame(frame, path.name)
    # what the API hands to maps and progress tables
    stored = store.read("pengaduan")
    assert_clean_frame(pd.DataFrame(stored.drop(columns="geometry")), "store.read")
    assert_clean_frame(pengaduan.assess(stored, as_of=TODAY), "assess")
    register = pengaduan.register(stored, store.read("wilayah"), as_of=TODAY)
    assert list(register.columns) == list(pengaduan.PUBLIC_COLUMNS) + ["geometry"]
    assert_clean_frame(pd.DataFrame(register.drop(columns="geometry")), "register")
    # the layer's own table holds no identity either (masked on write, not only on publication)
    with store.engine.connect() as conn:
        raw = pd.read_sql(sa.text("SELECT * FROM pengaduan"), conn).drop(columns=["geom"])
    assert_clean_frame(raw, "pengaduan table")
    # the masks stand where the data was, and the rest of the text stays readable
    published = pd.read_csv(tmp_path / "daftar.csv").set_index("id_pengaduan")
    assert published.at[ids[0], "deskripsi"] == (
        "Saya [nama], NIK [NIK], melaporkan dana BDI Rp 350.000.000 dipotong ketua KSM. Hubungi saya di "
        "[telepon] atau [email], atau adik saya [telepon] ([email])."
    )
    assert published.at[ids[0], "tindak_lanjut"] == "Ibu [nama] dihubungi di [kontak]; BKM diperiksa Korkot tanggal 2026-07-10."
    assert published.at[ids[0], "sanksi"] == "Ketua KSM diberhentikan; laporan ke [email], rekening [nomor] dibekukan."


@pytest.mark.usefixtures("english")
def test_identity_table_is_out_of_reach(store, tmp_path, capsys):
    add_sample(store)
    with pytest.raises(UsageError):
        store.read("pengaduan_identitas")
    assert "pengaduan_identitas" not in set(store.layers()["layer"])
    with pytest.raises(SystemExit) as exit_:  # not a layer: argparse refuses it
        main(["--db", store.url, "export", "pengaduan_identitas", str(tmp_path / "x.csv")])
    assert exit_.value.code == 2
    assert not (tmp_path / "x.csv").exists()
    # the store refuses identity columns in the layer itself
    row = store.read("pengaduan").iloc[[0]].copy()
    row["nama"] = NAMA
    with pytest.raises(StoreError, match="not in the catalogue"):
        store.write("pengaduan", row)
    # and masks personal data in published columns whoever writes them
    row = store.read("pengaduan").iloc[[0]].copy()
    row["deskripsi"] = f"tulis langsung: {TELEPON}, {EMAIL}, {NIK}"
    store.write("pengaduan", row)
    assert store.read("pengaduan").set_index("id_pengaduan").at[row["id_pengaduan"].iloc[0], "deskripsi"] == (
        "tulis langsung: [telepon], [email], [NIK]"
    )


def test_geopackage_store_does_not_list_the_identity_table(gpkg_url):
    s = open_store(gpkg_url)
    s.init()
    names = {name for name, _ in pyogrio.list_layers(gpkg_url)}
    assert "pengaduan" in names and "pengaduan_identitas" not in names
    with pytest.raises(pyogrio.errors.DataLayerError):
        pyogrio.read_dataframe(gpkg_url, layer="pengaduan_identitas")


def test_identity_can_be_erased(store):
    first = add_sample(store)[0]
    assert pengaduan_store.hapus_identitas(store, first) is True
    assert pengaduan_store.identitas(store, first) is None
    assert pengaduan_store.hapus_identitas(store, first) is False
    assert len(store.read("pengaduan")) == 3  # the public record stays


def test_load_refuses_the_complaints_layer(store, tmp_path):
    from kotaku_gis import loader

    path = tmp_path / "pengaduan.csv"
    path.write_text("id_pengaduan,lon,lat\nX,109.3,-0.04\n", encoding="utf-8")
    with pytest.raises(UsageError, match="kotaku-gis pengaduan"):
        loader.load(store, "pengaduan", path)


# -- the status workflow ----------------------------------------------------------------------------------
ALLOWED = {
    ("diterima", "diverifikasi"),
    ("diverifikasi", "ditindaklanjuti"),
    ("diverifikasi", "selesai"),
    ("ditindaklanjuti", "selesai"),
}


def _row(status: str) -> dict:
    return {
        "id_pengaduan": "PGD-2026-00001", "status": status, "tanggal_diterima": dt.date(2026, 6, 1),
        "tindak_lanjut": None, "sanksi": None, "tanggal_selesai": dt.date(2026, 7, 1) if status == "selesai" else None,
    }  # fmt: skip


@pytest.mark.parametrize("old,new", list(itertools.permutations(pengaduan.statuses(), 2)))
def test_every_status_change_is_allowed_or_refused_by_the_rules(old, new):
    _, problems = pengaduan.change(_row(old), status=new, tindak_lanjut="ditangani", today=TODAY)
    refused = [p for p in problems if p.code == "pengaduan_transisi"]
    if (old, new) in ALLOWED:
        assert problems == []
    else:
        assert len(refused) == 1 and refused[0].column == "status"
        assert refused[0].params["allowed"] == (", ".join(pengaduan.allowed_transitions(old)) or "(tidak ada)")


def test_workflow_rules_match_the_catalogue():
    r = pengaduan.rules()
    assert set(r.transitions) == set(catalog.layer("pengaduan").column("status").codes())
    assert r.initial == "diterima" and r.transitions[r.closed] == []
    assert {(a, b) for a, bs in r.transitions.items() for b in bs} == ALLOWED


def test_invalid_transitions_change_nothing_in_the_store(store):
    ids = add_sample(store)
    before = snapshot(store)
    loads = len(store.loads())
    cases = [
        (ids[1], {"status": "selesai", "tindak_lanjut": "x"}),  # diterima -> selesai skips verification
        (ids[1], {"status": "ditindaklanjuti", "tindak_lanjut": "x"}),
        (ids[0], {"status": "diterima"}),  # selesai is final
        (ids[0], {"status": "ditindaklanjuti"}),
        (ids[1], {"status": "ditolak"}),  # not a status
        (ids[1], {"tanggal_selesai": "2026-07-02"}),  # a closing date on an open complaint
    ]
    for id_, change in cases:
        with pytest.raises(DataError):
            pengaduan_store.update(store, id_, today=TODAY, **change)
    pd.testing.assert_frame_equal(before, snapshot(store))
    assert len(store.loads()) == loads
    with pytest.raises(UsageError, match="PGD-1999-00001"):
        pengaduan_store.update(store, "PGD-1999-00001", status="diverifikasi")


def test_statuses_require_their_columns_and_closing_sets_the_date(store):
    id_ = pengaduan_store.add(store, tanggal_diterima="2026-07-01", saluran="telepon", kode_wilayah="61.71.01.1001",
                        kategori="saran", deskripsi="Usul lampu jalan", today=TODAY).id_pengaduan  # fmt: skip
    pengaduan_store.update(store, id_, status="diverifikasi", today=TODAY)
    with pytest.raises(DataError) as info:
        pengaduan_store.update(store, id_, status="ditindaklanjuti", today=TODAY)
    assert [(p.code, p.column) for p in info.value.problems] == [("pengaduan_wajib", "tindak_lanjut")]
    with pytest.raises(DataError) as info:
        pengaduan_store.update(store, id_, status="selesai", tindak_lanjut="Diteruskan ke dinas", tanggal_selesai="2026-06-30", today=TODAY)
    assert [p.code for p in info.value.problems] == ["pengaduan_tanggal_sebelum"]
    saved = pengaduan_store.update(store, id_, status="selesai", tindak_lanjut="Diteruskan ke dinas", today=TODAY)
    assert saved.status == "selesai"
    row = store.read("pengaduan").set_index("id_pengaduan").loc[id_]
    assert row["tanggal_selesai"] == pd.Timestamp(TODAY)
    assert row["tanggal_diterima"] == pd.Timestamp(2026, 7, 1)
    # a closed complaint may still get its sanction recorded, never a new status
    pengaduan_store.update(store, id_, sanksi="Teguran tertulis", today=TODAY)
    assert store.read("pengaduan").set_index("id_pengaduan").at[id_, "sanksi"] == "Teguran tertulis"


def test_new_complaints_are_validated(store):
    good = {"tanggal_diterima": "2026-07-01", "saluran": "email", "kode_wilayah": "61.71.01.1001",
            "kategori": "informasi", "deskripsi": "Tanya jadwal", "today": TODAY}  # fmt: skip
    bad_cases = {
        "pengaduan_tanggal_depan": {"tanggal_diterima": "2026-07-21"},
        "pengaduan_tanggal_invalid": {"tanggal_diterima": "kemarin"},
        "pengaduan_nilai_tidak_dikenal": {"saluran": "fax"},
        "pengaduan_kode_invalid": {"kode_wilayah": "617101001"},
        "pengaduan_kode_tidak_ada": {"kode_wilayah": "61.71.01.1009"},
        "pengaduan_kosong": {"deskripsi": "  "},
    }
    for code, change in bad_cases.items():
        with pytest.raises(DataError) as info:
            pengaduan_store.add(store, **(good | change))
        assert code in [p.code for p in info.value.problems], code
    assert len(store.read("pengaduan")) == 0
    first = pengaduan_store.add(store, **good)
    assert first.id_pengaduan == "PGD-2026-00001"
    assert pengaduan_store.add(store, **good).id_pengaduan == "PGD-2026-00002"
    assert pengaduan_store.add(store, **(good | {"tanggal_diterima": "2025-12-31"})).id_pengaduan == "PGD-2025-00001"
    with pytest.raises(DataError) as info:
        pengaduan_store.add(store, **good, id_pengaduan="PGD-2026-00001")
    assert [p.code for p in info.value.problems] == ["pengaduan_id_ada"]
    # labels and any case are accepted for vocabularies; the location is the kelurahan's point
    labelled = pengaduan_store.add(store, **(good | {"saluran": "SMS/pesan singkat", "kategori": "Penyimpangan Dana"}))
    row = store.read("pengaduan").set_index("id_pengaduan").loc[labelled.id_pengaduan]
    assert (row["saluran"], row["kategori"]) == ("sms", "penyimpangan_dana")
    kel = stored_wilayah().set_index("kode").geometry.loc["61.71.01.1001"]
    assert row.geometry.equals(kel.representative_point())


def test_dates_and_types_round_trip(store):
    add_sample(store)
    back = store.read("pengaduan")
    assert str(back["tanggal_diterima"].dtype).startswith("datetime64")
    assert str(back["tanggal_selesai"].dtype).startswith("datetime64")
    assert back.set_index("id_pengaduan")["tanggal_selesai"].notna().tolist() == [True, False, False]
    assert back.geometry.geom_type.unique().tolist() == ["Point"]
    assert back.crs == "EPSG:4326"


# -- age and priority -------------------------------------------------------------------------------------
def frame(**columns) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    base = {"id_pengaduan": "P", "kode_wilayah": "61.71.01.1001", "kategori": "informasi", "status": "diterima",
            "tanggal_diterima": "2026-07-01", "tanggal_selesai": None}  # fmt: skip
    n = max((len(v) for v in columns.values() if isinstance(v, list)), default=1)
    return pd.DataFrame({k: columns.get(k, v) for k, v in base.items()}, index=range(n))


def test_age_is_measured_against_the_service_time():
    f = frame(tanggal_diterima=["2026-07-01", "2026-07-01", "2026-07-01", "2026-06-01"],
              status=["diterima", "diterima", "selesai", "selesai"],
              tanggal_selesai=[None, None, "2026-07-10", "2026-06-30"])  # fmt: skip
    with rules.override("pengaduan", batas_layanan_hari=14):
        on_limit = pengaduan.assess(f, as_of=dt.date(2026, 7, 15))
        assert on_limit["umur_hari"].tolist() == [14, 14, 9, 29]
        assert on_limit["terlambat"].tolist() == [False, False, False, True]  # closed late stays late
        assert on_limit["sisa_hari"].tolist()[:2] == [0, 0] and on_limit["sisa_hari"].isna().tolist()[2:] == [True, True]
        past = pengaduan.assess(f, as_of=dt.date(2026, 7, 16))
        assert past["terlambat"].tolist() == [True, True, False, True]
        assert past["sisa_hari"].tolist()[:2] == [-1, -1]
    with rules.override("pengaduan", batas_layanan_hari=30):
        assert not pengaduan.assess(f, as_of=dt.date(2026, 7, 16))["terlambat"].iloc[0]


def test_priority_from_category_and_age():
    cats = ["informasi", "kinerja_pelaku", "penyimpangan_dana"]
    f = frame(kategori=cats * 3, tanggal_diterima=["2026-07-20"] * 3 + ["2026-07-13"] * 3 + ["2026-07-05"] * 3)
    a = pengaduan.assess(f, as_of=TODAY, batas_hari=14)  # ages 0, 7 (half the service time), 15 (overdue)
    assert a["nilai_prioritas"].tolist() == [1, 2, 4, 2, 3, 5, 4, 5, 7]
    assert a["prioritas"].tolist() == ["rendah", "sedang", "tinggi", "sedang", "sedang", "tinggi", "tinggi", "tinggi", "tinggi"]
    closed = pengaduan.assess(frame(status=["selesai"], tanggal_selesai=["2026-07-02"]), as_of=TODAY)
    assert closed["prioritas"].tolist() == [None] and closed["nilai_prioritas"].isna().all()


# -- counts per area --------------------------------------------------------------------------------------------
def test_counts_per_unit_at_every_level():
    f = frame(
        kode_wilayah=["61.71.01.1001", "61.71.01.1001", "61.71.01.1002", "61.71", "63.72.02.1003"],
        status=["diterima", "selesai", "ditindaklanjuti", "diverifikasi", "diterima"],
        tanggal_diterima=["2026-06-01", "2026-06-01", "2026-07-19", "2026-07-19", "2026-07-19"],
        tanggal_selesai=[None, "2026-06-05", None, None, None],
    )
    levels = pengaduan.counts_all_levels(f, wilayah=stored_wilayah(), as_of=TODAY)
    assert list(levels) == ["nasional", "provinsi", "kabkota", "kecamatan", "kelurahan"]
    for level, c in levels.items():
        assert list(c.columns) == ["kode"] + pengaduan.count_columns()
        assert all(str(c[col].dtype) == "int64" for col in pengaduan.count_columns()), level
        assert (c["pengaduan_total"] == c[[f"pengaduan_{s}" for s in pengaduan.statuses()]].sum(axis=1)).all()
        assert (c["pengaduan_terbuka"] == c["pengaduan_total"] - c["pengaduan_selesai"]).all()
    nat = levels["nasional"].iloc[0]
    assert (nat["kode"], nat["pengaduan_total"], nat["pengaduan_terbuka"], nat["pengaduan_terlambat"]) == ("", 5, 4, 1)
    assert levels["provinsi"].set_index("kode")["pengaduan_total"].to_dict() == {"61": 4, "63": 1}
    assert levels["kabkota"].set_index("kode")["pengaduan_total"].to_dict() == {"61.71": 4, "63.72": 1}
    # the kabkota-wide complaint counts in the kabkota, not in its kecamatan or kelurahan
    assert levels["kecamatan"].set_index("kode")["pengaduan_total"].to_dict() == {"61.71.01": 3, "63.72.02": 1}
    kel = levels["kelurahan"].set_index("kode")
    assert kel.loc["61.71.01.1001", ["pengaduan_diterima", "pengaduan_selesai", "pengaduan_terlambat"]].tolist() == [1, 1, 1]
    assert kel.loc["61.71.01.1002", "pengaduan_ditindaklanjuti"] == 1
    scoped = pengaduan.counts(f, "kelurahan", "61.71.01", wilayah=stored_wilayah(), as_of=TODAY)
    assert scoped["kode"].tolist() == ["61.71.01.1001", "61.71.01.1002"]
    empty = pengaduan.counts(f.iloc[:0], "kelurahan", wilayah=stored_wilayah(), as_of=TODAY)
    assert empty["kode"].tolist() == ["61.71.01.1001", "61.71.01.1002"] and empty["pengaduan_total"].sum() == 0
    with pytest.raises(UsageError):
        pengaduan.counts(f, "kabkota", "61.71.01")
    with pytest.raises(UsageError):
        pengaduan.counts(f, "desa")


def test_counts_merge_into_a_progress_table():
    progress_table = pd.DataFrame({"kode": ["61.71.01.1001", "61.71.01.1002"], "nama": ["Batulayang", "Parit Tokaya"],
                                   "luas_kumuh_akhir_ha": [3.0, 0.0]})  # fmt: skip
    c = pengaduan.counts(frame(), "kelurahan", as_of=TODAY)
    merged = progress_table.merge(c, on="kode", how="left").fillna({k: 0 for k in pengaduan.count_columns()})
    assert list(merged.columns[:3]) == ["kode", "nama", "luas_kumuh_akhir_ha"]
    assert merged["pengaduan_total"].tolist() == [1, 0]


# -- publication ------------------------------------------------------------------------------------------------
def test_register_locates_complaints_at_area_level_only(store):
    ids = add_sample(store)
    units = store.read("wilayah")
    points = units.set_index("kode").geometry.representative_point()
    reg = pengaduan.register(store.read("pengaduan"), units, as_of=TODAY).set_index("id_pengaduan")
    assert reg.loc[ids[0], "kode_wilayah"] == "61.71.01.1001" and reg.loc[ids[0], "nama_wilayah"] == "Batulayang"
    assert reg.loc[ids[0]].geometry.equals(points.loc["61.71.01.1001"])
    assert reg.loc[ids[2], "kode_wilayah"] == "61.71" and reg.loc[ids[2]].geometry.equals(points.loc["61.71"])
    assert reg.loc[ids[0], "tanggal_diterima"] == "2026-06-01" and reg.loc[ids[0], "tanggal_selesai"] == "2026-07-15"
    coarse = pengaduan.register(store.read("pengaduan"), units, as_of=TODAY, tingkat="kecamatan").set_index("id_pengaduan")
    assert coarse.loc[ids[0], "kode_wilayah"] == "61.71.01" and coarse.loc[ids[1], "kode_wilayah"] == "61.71.01"
    assert coarse.loc[ids[0]].geometry.equals(points.loc["61.71.01"])
    assert coarse.loc[ids[2], "kode_wilayah"] == "61.71"
    with pytest.raises(UsageError):
        pengaduan.register(store.read("pengaduan"), units, tingkat="rt")


def test_publish_scope_and_formats(store, tmp_path):
    add_sample(store)
    done = pengaduan_store.publish(store, tmp_path / "a.csv", tmp_path / "a.gpkg", kode="61.71.01", as_of=TODAY)
    assert done.rows == 2
    layer = gpd.read_file(tmp_path / "a.gpkg", layer="pengaduan")
    assert len(layer) == 2 and layer.crs == "EPSG:4326"
    assert set(layer.columns) == set(pengaduan.PUBLIC_COLUMNS) | {"geometry"}
    with pytest.raises(UsageError):
        pengaduan_store.publish(store, tmp_path / "a.shp")
    with pytest.raises(UsageError):
        pengaduan_store.publish(store, tmp_path / "a.csv", tmp_path / "a.kml")


# -- command line ------------------------------------------------------------------------------------------------
def test_cli_add_update_list_publish(store, tmp_path, capsys, monkeypatch):
    db = ["--db", store.url]
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{NAMA}\n{KONTAK}\n"))
    assert main(db + ["pengaduan", "add", "--tanggal", "01/07/2026", "--saluran", "telepon", "--kode", "6171011001",
                      "--kategori", "penyimpangan_prosedur", "--identitas",
                      "--deskripsi", f"Pelapor {NAMA} minta dihubungi di {KONTAK}"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "PGD-2026-00001" in out and "disimpan terpisah" in out and "disamarkan" in out
    assert NAMA not in out.split("\n")[-2]  # the confirmation does not echo the identity
    assert pengaduan_store.identitas(store, "PGD-2026-00001")["nama"] == NAMA
    assert main(db + ["pengaduan", "update", "PGD-2026-00001", "--status", "selesai", "--tindak-lanjut", "x"]) == 1
    err = capsys.readouterr().err
    assert "diterima ke selesai" in err and "diverifikasi" in err
    assert main(db + ["pengaduan", "update", "PGD-2026-00001", "--status", "diverifikasi"]) == 0
    assert main(db + ["pengaduan", "update", "PGD-2026-99999", "--status", "diverifikasi"]) == 2
    assert main(db + ["pengaduan", "list", "--status", "diverifikasi"]) == 0
    out = capsys.readouterr().out
    assert "PGD-2026-00001" in out and "1 pengaduan, 1 terbuka" in out
    assert NAMA not in out and "9876" not in out
    assert main(db + ["--lang", "en", "pengaduan", "publish", "--out", str(tmp_path / "r.xlsx"),
                      "--peta", str(tmp_path / "r.geojson"), "--tingkat", "kecamatan"]) == 0  # fmt: skip
    assert "1 complaints published (located at kecamatan level" in capsys.readouterr().out
    assert pd.read_excel(tmp_path / "r.xlsx")["kode_wilayah"].tolist() == ["61.71.01"]
    assert main(db + ["pengaduan", "add", "--tanggal", "2026-07-01", "--saluran", "merpati", "--kode", "61.71",
                      "--kategori", "saran", "--deskripsi", "x"]) == 1  # fmt: skip
    assert main(db + ["load", "pengaduan", str(tmp_path / "r.xlsx")]) == 2


@pytest.mark.usefixtures("english")
def test_without_a_redactor_the_store_refuses_personal_data_columns(store, monkeypatch):
    add_sample(store)
    row = store.read("pengaduan").iloc[[0]].copy()
    monkeypatch.setattr(Store, "redactor", None)
    with pytest.raises(StoreError, match="no redactor"):
        store.write("pengaduan", row)


def test_the_store_imports_no_domain_module():
    import ast
    from pathlib import Path

    import kotaku_gis.store._base as base

    tree = ast.parse(Path(base.__file__).read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "kotaku_gis"
                for a in n.names}  # fmt: skip
    # catalogue, strings, display, settings and the area-code format (wilayah.normalize_kode) only: no analysis
    assert imported <= {"catalog", "display", "i18n", "settings", "wilayah"}
