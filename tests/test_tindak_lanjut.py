"""The follow-up register (tindak_lanjut), on both stores: derived from the sample's monitoring results,
idempotent, closed by the data, escalated by the rules, updated by hand with its history, and never
holding a complainant's identity."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kotaku_gis import catalog, pengaduan_store, screening, tindak_lanjut, tindak_lanjut_store
from kotaku_gis.cli import main
from kotaku_gis.demo import build_sample_store
from kotaku_gis.errors import DataError
from kotaku_gis.maps.inputs import latest_kegiatan
from kotaku_gis.store import open_store

END = dt.date(2026, 9, 30)  # last day of 2026Q3
STALLED = "KGT-6171-005"  # pelaksanaan in 2026Q2 at 15 %
NOT_REASSESSED = "KMH-6171-001"
NAMA = "Siti Rahmawati"


def _set_progress(store, id_kegiatan: str, value: float) -> None:  # type: ignore[no-untyped-def]
    q3 = store.read("kegiatan", periode="2026Q3")
    q3.loc[q3["id_kegiatan"] == id_kegiatan, ["status", "progres_fisik"]] = ["pelaksanaan", value]
    store.write("kegiatan", q3)


@pytest.fixture
def sample(store_url, tmp_path):
    """The sample store with a stalled activity, a location not reassessed and a late complaint."""
    store = open_store(store_url)
    build_sample_store(store, report_dir=tmp_path)
    _set_progress(store, STALLED, 15.0)
    q3 = store.read("kawasan_kumuh", periode="2026Q3")
    store.write("kawasan_kumuh", q3[q3["id_lokasi"] != NOT_REASSESSED].reset_index(drop=True), replace_areas=["61.71"])
    saved = pengaduan_store.add(store, tanggal_diterima="2026-08-01", saluran="sms", kode_wilayah="61.71.01.1002",
                          kategori="penyimpangan_dana", deskripsi=f"Dana dipotong, lapor {NAMA}", nama=NAMA,
                          kontak="0813-9876-5432", today=dt.date(2026, 8, 1))  # fmt: skip
    store.complaint = saved.id_pengaduan
    yield store
    store.close()


def _snapshot(store) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    frame = tindak_lanjut_store.read(store)
    return pd.DataFrame(frame).assign(geometry=frame.geometry.to_wkb()).sort_values("id_tindak_lanjut").reset_index(drop=True)


def _item(store, item: str) -> dict:  # type: ignore[no-untyped-def]
    frame = tindak_lanjut_store.read(store)
    return frame[frame["id_tindak_lanjut"] == item].iloc[0].to_dict()


def test_susun_registers_closes_reopens_and_escalates(sample):
    store = sample
    done = tindak_lanjut_store.susun(store, "2026Q3", "61.71", tanggal=END)
    kinds = set(done.found["jenis"])
    assert kinds == {"skrining_tidak_layak", "skrining_perlu_tinjauan", "pengaduan_terlambat", "kumuh_tetap",
                     "kegiatan_macet", "kualitas_data"}  # fmt: skip
    # the screening items are exactly the activities screen() finds, one per activity and status
    kegiatan = latest_kegiatan(store.read("kegiatan", kode="61.71"), "2026Q3")
    temuan = screening.screen(kegiatan, screening.protected_near(store, kegiatan.total_bounds))
    for status in ("tidak_layak", "perlu_tinjauan"):
        expected = set(temuan.loc[temuan["status"] == status, "id_kegiatan"])
        assert set(done.found.loc[done.found["jenis"] == f"skrining_{status}", "id_sumber"]) == expected
    ids = set(tindak_lanjut_store.read(store)["id_tindak_lanjut"])
    assert {f"TL-KGT-{STALLED}", f"TL-PGD-{store.complaint}", "TL-DAT-61.71"} <= ids
    assert done.changes.counts == {"dibuat": len(done.found)} and len(ids) == len(done.found)
    dat = _item(store, "TL-DAT-61.71")
    assert NOT_REASSESSED in dat["rincian"] and dat["koordinator"] == "pokja_pkp_kabkota"
    macet = _item(store, f"TL-KGT-{STALLED}")
    assert (macet["tingkat"], macet["koordinator"], macet["status"]) == ("kelurahan", "lurah", "dibuka")
    assert macet["batas_waktu"].date() == END + dt.timedelta(days=30)

    # a second run changes nothing: same rows, same history
    before, history = _snapshot(store), len(store.history())
    again = tindak_lanjut_store.susun(store, "2026Q3", "61.71", tanggal=END)
    assert again.changes.counts == {}
    pd.testing.assert_frame_equal(_snapshot(store), before)
    assert len(store.history()) == history

    # the stalled activity moves on: its item is closed by the data, with a history entry
    _set_progress(store, STALLED, 60.0)
    closed = tindak_lanjut_store.susun(store, "2026Q3", "61.71", tanggal=END)
    assert closed.changes.counts == {"selesai_data": 1}
    item = _item(store, f"TL-KGT-{STALLED}")
    assert item["status"] == "selesai" and item["tanggal_selesai"].date() == END
    last = store.history(f"TL-KGT-{STALLED}").iloc[-1]
    assert (last["peristiwa"], last["oleh"], last["status_baru"]) == ("selesai_data", tindak_lanjut.SYSTEM, "selesai")
    # ... and stalls again: the same number is opened again, its history kept
    _set_progress(store, STALLED, 15.0)
    reopened = tindak_lanjut_store.susun(store, "2026Q3", "61.71", tanggal=END)
    assert reopened.changes.counts == {"dibuka_kembali": 1}
    assert _item(store, f"TL-KGT-{STALLED}")["status"] == "dibuka"
    assert store.history(f"TL-KGT-{STALLED}")["peristiwa"].tolist() == ["dibuat", "selesai_data", "dibuka_kembali"]

    # overdue: past the 30 days of a screening item, to the coordinator of the next level up
    late = tindak_lanjut_store.susun(store, "2026Q3", "61.71", tanggal=dt.date(2026, 11, 15))
    skt = _item(store, "TL-SKT-KGT-6171-083")
    assert (skt["status"], skt["tingkat"], skt["koordinator"], skt["kode_penanggung_jawab"], skt["eskalasi"]) == (
        "dieskalasi", "provinsi", "pokja_pkp_provinsi", "61", 1)
    assert skt["batas_waktu"].date() == dt.date(2026, 11, 15) + dt.timedelta(days=14)
    kmh = tindak_lanjut_store.read(store, status="dibuka")
    assert (kmh["jenis"] == "kumuh_tetap").any()  # 90 days: not yet due
    macet = _item(store, f"TL-KGT-{STALLED}")
    assert (macet["status"], macet["tingkat"], macet["koordinator"]) == ("dieskalasi", "kecamatan", "camat")
    n_late = late.changes.counts["dieskalasi"]
    assert n_late == int((tindak_lanjut_store.read(store)["eskalasi"] == 1).sum())
    # once more past the new deadline: one more level
    tindak_lanjut_store.susun(store, "2026Q3", "61.71", tanggal=dt.date(2026, 12, 1))
    assert _item(store, "TL-SKT-KGT-6171-083")["koordinator"] == "pokja_pkp_pusat"
    assert _item(store, f"TL-KGT-{STALLED}")["koordinator"] == "pokja_pkp_kabkota"

    # no complainant identity anywhere in the register or its history
    register = pd.DataFrame(tindak_lanjut_store.read(store)).drop(columns="geometry").astype(str)
    texts = pd.Series([*register.to_numpy().ravel(), *store.history().astype(str).to_numpy().ravel()], dtype=object)
    assert not texts.str.contains("Siti|Rahmawati|0813", regex=True).any()


def test_update_records_who_and_follows_the_workflow(sample, capsys):
    store = sample
    tindak_lanjut_store.susun(store, "2026Q3", "61.71", tanggal=END)
    item = "TL-SKT-KGT-6171-083"
    url = store.url
    assert main(["--db", url, "tindaklanjut", "update", item, "--status", "ditindaklanjuti", "--oleh", "Budi Santoso",
                 "--catatan", "Korkot meninjau; hubungi 0812-3456-7890", "--tanggal", "2026-10-05"]) == 0  # fmt: skip
    row = _item(store, item)
    assert row["status"] == "ditindaklanjuti" and "0812-3456-7890" not in row["catatan"]
    last = store.history(item).iloc[-1]
    assert (last["oleh"], last["peristiwa"], last["status_lama"], last["tanggal"]) == (
        "Budi Santoso", "diperbarui", "dibuka", "2026-10-05")
    assert "0812-3456-7890" not in last["catatan"]
    before = _snapshot(store)
    # a move the rules do not allow, or by hand to dieskalasi, changes nothing
    for status in ("dibuka", "dieskalasi"):
        assert main(["--db", url, "tindaklanjut", "update", item, "--status", status, "--oleh", "Budi"]) == 1
    with pytest.raises(DataError):
        tindak_lanjut_store.update(store, item, oleh=" ", status="selesai")
    pd.testing.assert_frame_equal(_snapshot(store), before)
    # being followed up: not escalated when late
    tindak_lanjut_store.susun(store, "2026Q3", "61.71", tanggal=dt.date(2026, 11, 15))
    assert _item(store, item)["status"] == "ditindaklanjuti"
    assert main(["--db", url, "tindaklanjut", "update", item, "--status", "selesai", "--oleh", "Budi",
                 "--tanggal", "2026-11-15"]) == 0  # fmt: skip
    assert _item(store, item)["tanggal_selesai"].date() == dt.date(2026, 11, 15)
    capsys.readouterr()
    assert main(["--db", url, "--lang", "en", "tindaklanjut", "list", "--kode", "61.71", "--per", "2026-11-15"]) == 0
    out = capsys.readouterr().out
    counts = tindak_lanjut.counts(tindak_lanjut_store.read(store, kode="61.71"), dt.date(2026, 11, 15))
    assert f"{counts['total']} issues: {counts['dibuka']} open" in out and item in out


def test_supervision_visits_are_entered_by_hand_and_never_closed_by_data(sample):
    store = sample
    item = tindak_lanjut_store.supervisi(store, "61.71.02", "Saluran drainase retak di RT 03", oleh="Tim PCMU",
                                   periode="2026Q3", tanggal=dt.date(2026, 9, 20))  # fmt: skip
    assert item == "TL-SPV-2026-0001"
    row = _item(store, item)
    assert (row["tingkat"], row["koordinator"], row["kode_penanggung_jawab"]) == ("kabkota", "pokja_pkp_kabkota", "61.71")
    tindak_lanjut_store.susun(store, "2026Q3", "61.71", tanggal=END)
    assert _item(store, item)["status"] == "dibuka"
    assert tindak_lanjut_store.supervisi(store, "61.71", "Papan informasi tidak ada", oleh="Tim", periode="2026Q3",
                                   tanggal=dt.date(2026, 9, 21)) == "TL-SPV-2026-0002"  # fmt: skip


def test_rules_match_the_catalogue():
    r = tindak_lanjut.rules()
    spec = catalog.layer("tindak_lanjut")
    assert set(r.jenis) == set(spec.column("jenis").codes())
    assert [r.tingkat[lv].koordinator for lv in r.tingkat] == spec.column("koordinator").codes()
    assert all(r.escalated not in targets for targets in r.transitions.values())
