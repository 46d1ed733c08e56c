"""The ``kotaku-gis`` command line: parses arguments, calls the API, prints.

Exit status: 0 success, 1 data errors (nothing was changed), 2 usage errors.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kotaku_gis import catalog, demo, files, i18n, loader, settings
from kotaku_gis._version import __version__
from kotaku_gis.errors import DataError, KotakuError, UsageError
from kotaku_gis.store import Store, open_store
from kotaku_gis import screening
from kotaku_gis import rules as _rules
from kotaku_gis import progress, scoring, wilayah
from kotaku_gis.errors import Problem
from kotaku_gis import pengaduan, staffing


def _t(key: str, **params: object) -> str:
    return i18n.text(f"cli.{key}", **params)


def _pairs(values: Sequence[str] | None) -> dict[str, str]:
    out = {}
    for item in values or []:
        if "=" not in item:
            raise UsageError(_t("bad_pair", value=item))
        src, dst = item.split("=", 1)
        out[src.strip()] = dst.strip()
    return out


def _print_table(frame) -> None:  # type: ignore[no-untyped-def]
    print(frame.to_string(index=False, na_rep="-"))


def _print_report(report: loader.LoadReport) -> None:
    for p in report.problems:
        print(f"  {p}")
    if report.report_path:
        print(_t("report_at", path=report.report_path))


# -- commands ----------------------------------------------------------------------------------------
def cmd_init(store: Store, args: argparse.Namespace) -> int:
    done = store.init()
    print(_t("init_done", store=store.display_url, kind=store.kind))
    for item in done:
        print(f"  {item}")
    return 0


def cmd_load(store: Store, args: argparse.Namespace) -> int:
    if not store.exists():
        store.init()
    report = loader.load(
        store,
        args.layer,
        args.path,
        crs=args.crs,
        mapping=args.mapping,
        columns=_pairs(args.kolom),
        source_layer=args.sumber_layer,
        swap_xy=args.tukar_koordinat,
        periode=args.periode,
        ganti=args.ganti,
        sk=args.sk,
        report_dir=args.laporan,
        dry_run=args.uji,
        kode=args.kode,
    )
    _print_report(report)
    plan = report.summary if report.summary is not None else report.plan
    assert plan is not None
    if report.replace_areas:
        level = "kabkota" if args.sk else args.ganti
        scope = _t("scope_areas", periods=", ".join(_plan_periods(report)), level=level, areas=", ".join(report.replace_areas))
    else:
        scope = _t("scope_key")
    if report.summary is None:
        assert report.plan is not None
        print(_t("dry_run_ok", file=report.file, rows=report.rows_read, added=report.plan.added,
                 replaced=report.plan.replaced, removed=report.plan.removed, scope=scope))
    else:
        s = report.summary
        print(_t("load_done", file=report.file, layer=s.layer, added=s.added_rows, replaced=s.replaced_rows,
                 removed=s.removed_rows, scope=scope, warnings=len(report.warnings)))
        if args.sk:
            print(_t("sk_recorded", kabkota=", ".join(report.replace_areas or []), periods=", ".join(_plan_periods(report))))
    print(_t("changes"))
    _print_table(report.changes())
    return 0


def _plan_periods(report: loader.LoadReport) -> list[str]:
    plan = report.plan
    return list(plan.periods) if plan is not None else []


def cmd_layers(store: Store, args: argparse.Namespace) -> int:
    frame = store.layers()
    frame.columns = [_t(f"col_{c}") for c in frame.columns]
    print(_t("layers_of", store=store.display_url, kind=store.kind))
    _print_table(frame)
    decrees = store.decrees()
    if len(decrees):
        print()
        print(_t("sk_of"))
        decrees.columns = [_t(f"col_{c}") for c in decrees.columns]
        _print_table(decrees)
    return 0


def cmd_export(store: Store, args: argparse.Namespace) -> int:
    frame = store.read(args.layer, periode=args.periode, kode=args.kode, tingkat=args.tingkat)
    path = files.write_table({args.layer: frame}, args.path) if Path(args.path).suffix.lower() != ".csv" else files.write_table(frame, args.path)
    print(_t("export_done", layer=args.layer, rows=len(frame), path=path))
    return 0


def cmd_demo(store: Store, args: argparse.Namespace) -> int:
    print(_t("demo_start", store=store.display_url))
    reports = demo.build_sample_store(store, report_dir=args.laporan)
    for r in reports:
        assert r.summary is not None
        print(_t("demo_loaded", file=r.file, layer=r.layer, rows=r.summary.rows, warnings=len(r.warnings)))
    print()
    status = cmd_layers(store, args)
    # the map pack of Kota Pontianak and its kecamatan, for the latest period stored
    from kotaku_gis import mappack

    print()
    print(i18n.text("mappack.cli.demo_pack", path=args.paket))
    periode = store.periods("kawasan_kumuh")[-1]
    # the follow-up register of the sample, derived as of the period's last day (so the demo is reproducible)
    from kotaku_gis import tindak_lanjut
    from kotaku_gis._mappack_data import period_end_date

    register = tindak_lanjut.susun(store, periode, demo.PACK_KODE, tanggal=period_end_date(periode).date())
    print(_tt("susun_done", periode=register.periode, wilayah=register.kode, tanggal=register.tanggal.isoformat(),
              found=len(register.found), changes=register.changes.summary()))  # fmt: skip
    result = mappack.build_pack(store, args.paket, periode, kode=demo.PACK_KODE, tingkat="kecamatan")
    print(result.summary())
    if not result.ok:
        return 1
    print(i18n.text("mappack.cli.demo_index", path=result.index.resolve()))
    return status


# -- progress map ------------------------------------------------------------------------------------
def cmd_map(store: Store, args: argparse.Namespace) -> int:
    from kotaku_gis import maps

    written = maps.build_map(
        store, args.tingkat, args.kode, args.periode, args.out, baseline=args.baseline,
        assets=args.assets, tiles=args.tiles, mode=args.tema,
    )  # fmt: skip
    nama = args.kode or i18n.text("maps.indonesia")
    for path in written:
        print(i18n.text("maps.cli.map_done", tingkat=i18n.text(f"maps.tingkat.{args.tingkat}"), nama=nama,
                        periode=args.periode, path=path, size=round(path.stat().st_size / 1024)))
    return 0


def _add_map_parser(sub) -> None:  # type: ignore[no-untyped-def]
    from kotaku_gis.maps import TINGKAT, recipes

    tm = lambda key, **kw: i18n.text(f"maps.cli.{key}", **kw)  # noqa: E731
    p = sub.add_parser("map", help=tm("help_map"))
    p.add_argument("--tingkat", required=True, choices=TINGKAT, help=tm("help_tingkat"))
    p.add_argument("--kode", help=tm("help_kode"))
    p.add_argument("--periode", required=True, help=tm("help_periode"))
    p.add_argument("--baseline", help=tm("help_baseline"))
    p.add_argument("--out", required=True, action="append", type=Path, metavar="BERKAS", help=tm("help_out"))
    p.add_argument("--assets", default="inline", metavar="inline|shared:FOLDER", help=tm("help_assets"))
    p.add_argument("--tiles", action="store_true", help=tm("help_tiles"))
    p.add_argument("--tema", choices=[m.key for m in recipes().choropleth.modes], help=tm("help_tema"))
    # --lang is read before parsing (see main); accepted after the command too
    p.add_argument("--lang", dest="map_lang", choices=i18n.LANGUAGES, help=_t("help_lang"))
    p.set_defaults(func=cmd_map)


# -- map packs ---------------------------------------------------------------------------------------
def cmd_mappack(store: Store, args: argparse.Namespace) -> int:
    from kotaku_gis import mappack

    try:
        if args.periksa:
            return _check_pack(store, args)
        result = mappack.build_pack(
            store, args.out, args.periode, baseline=args.baseline, tingkat=args.tingkat, kode=args.kode,
            workers=args.workers, recipe=args.resep, sumber=args.sumber or (), paksa=args.paksa, client=args.dask,
        )  # fmt: skip
    except KeyboardInterrupt:
        print(f"\nkotaku-gis: {i18n.text('mappack.error.dihentikan')}", file=sys.stderr)
        return 130
    print(result.summary())
    return 0 if result.ok else 1


def _check_pack(store: Store, args: argparse.Namespace) -> int:
    """``mappack --periksa``: rebuild the published pack and compare every file with its manifest."""
    from kotaku_gis import mappack, progress

    pack = args.out / progress.normalize_periode(args.periode)
    print(i18n.text("mappack.periksa.membangun", path=pack), file=sys.stderr)
    problems = mappack.rebuild_and_compare(store, pack, workers=args.workers, client=args.dask, progress=True)
    if not problems:
        print(i18n.text("mappack.periksa.sama", path=pack))
        return 0
    print(i18n.text("mappack.periksa.berbeda", path=pack, count=len(problems)))
    for line in problems:
        print(f"  {line}")
    return 1


def _add_mappack_parser(sub) -> None:  # type: ignore[no-untyped-def]
    from kotaku_gis import mappack

    tm = lambda key, **kw: i18n.text(f"mappack.cli.{key}", **kw)  # noqa: E731
    try:
        default = mappack.load_recipe(mappack.RECIPE_PATH).tingkat_bawah
    except KotakuError:  # pragma: no cover - a broken packaged recipe is reported when used
        default = "-"
    p = sub.add_parser("mappack", help=tm("help"))
    p.add_argument("--periode", required=True, help=tm("help_periode"))
    p.add_argument("--baseline", help=tm("help_baseline"))
    p.add_argument("--tingkat", choices=wilayah.ROLLUP_LEVELS,
                   help=tm("help_tingkat", levels=", ".join(wilayah.ROLLUP_LEVELS), default=default))
    p.add_argument("--kode", help=tm("help_kode"))
    p.add_argument("--out", type=Path, required=True, metavar="FOLDER", help=tm("help_out"))
    p.add_argument("--workers", type=int, metavar="N", help=tm("help_workers"))
    p.add_argument("--resep", type=Path, metavar="BERKAS", help=tm("help_resep"))
    p.add_argument("--sumber", action="append", metavar="KUNCI", help=tm("help_sumber"))
    p.add_argument("--paksa", action="store_true", help=tm("help_paksa"))
    p.add_argument("--periksa", action="store_true", help=tm("help_periksa"))
    p.add_argument("--dask", metavar="tcp://HOST:8786", help=tm("help_dask"))
    p.set_defaults(func=cmd_mappack)


# -- score / progress --------------------------------------------------------------------------------
def _tp(key: str, **params: object) -> str:
    return i18n.text(f"progress.{key}", **params)


def _no_data(layer: str) -> DataError:
    return DataError([Problem("progress_no_data", layer, params={"layer": layer})])


def _number(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.2f}"


def cmd_score(store: Store, args: argparse.Namespace) -> int:
    periode = None
    if args.periode is not None:
        periode, _ = progress.resolve_periods(store.periods("kawasan_kumuh"), args.periode, args.periode)
    suffix = Path(args.out).suffix.lower()
    frame = store.read("kawasan_kumuh", periode=periode, kode=args.kode, geometry=suffix in (".gpkg", ".geojson"))
    if len(frame) == 0:
        raise _no_data("kawasan_kumuh")
    result = scoring.assess(frame)
    table = progress.score_table(result.frame)
    path = files.write_table(table if suffix in (".csv", ".geojson") else {"penilaian": table}, args.out)
    if result.warnings:
        print(_tp("score_warnings", count=len(result.warnings)))
        for p in result.warnings[:20]:
            print(f"  {p}")
        if len(result.warnings) > 20:
            print("  " + i18n.text("error.more_problems", count=len(result.warnings) - 20))
    periods = ", ".join(sorted(table["periode"].dropna().unique()))
    print(_tp("score_done", rows=len(table), periods=periods, path=path))
    return 0


def cmd_progress(store: Store, args: argparse.Namespace) -> int:
    periode, baseline = progress.resolve_periods(store.periods("kawasan_kumuh"), args.periode, args.baseline)
    suffix = Path(args.out).suffix.lower()
    decrees = store.decrees()
    periods = sorted({baseline, periode, *progress.decree_periods(decrees, baseline, periode)})
    kumuh = store.read("kawasan_kumuh", periode=periods, kode=args.kode, geometry=False, columns=progress.kumuh_columns())
    if len(kumuh) == 0:
        raise _no_data("kawasan_kumuh")
    per_lokasi = progress.progress_lokasi(kumuh, periode, baseline, decrees=decrees)
    kegiatan = store.read(
        "kegiatan", kode=args.kode, geometry=False,
        columns=["id_kegiatan", "kode_kelurahan", "periode", "status", "progres_fisik", "biaya_idr"],
    )  # fmt: skip
    units = store.read("wilayah", kode=args.kode, columns=["kode", "nama"], geometry=suffix == ".gpkg")
    frames = progress.rollup_all_levels(per_lokasi, kegiatan, units, kode=args.kode, tingkat=args.tingkat)
    complaints = pengaduan.read(store, kode=args.kode)
    frames = progress.attach(frames, pengaduan.counts_all_levels(complaints, args.kode, tingkat=args.tingkat))
    staff = staffing.from_store(store, periode=periode, kode=args.kode).rename(
        columns={"selisih": "fasilitator_selisih", "kekurangan": "fasilitator_kekurangan"}
    )
    frames = progress.attach(frames, progress.sum_up(staff.drop(columns=["nama"]), list(frames)))
    single = suffix in (".csv", ".geojson")
    path = files.write_table(frames[args.tingkat] if single else frames, args.out)
    top = next(iter(frames.values()))  # the whole area asked for: one row
    awal, akhir = float(top["luas_kumuh_awal_ha"].sum()), float(top["luas_kumuh_akhir_ha"].sum())
    print(
        _tp(
            "progress_done", baseline=baseline, periode=periode, units=len(frames[args.tingkat]),
            tingkat=args.tingkat, awal=_number(awal), akhir=_number(akhir),
            persen=_number(100 * (awal - akhir) / awal if awal else float("nan")),
            keluar=int(top["lokasi_keluar_kumuh"].sum()), belum=int(top["lokasi_belum_dinilai"].sum()),
            sk=int(top["lokasi_tidak_ditetapkan_lagi"].sum()), path=path,
        )
    )  # fmt: skip
    return 0


# -- screen ------------------------------------------------------------------------------------------
def cmd_screen(store: Store, args: argparse.Namespace) -> int:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".gpkg", ".xlsx"):
        raise UsageError(i18n.text("screening.cli.bad_output", path=out, suffix=suffix or "''"))
    kegiatan = store.read("kegiatan", periode=args.periode, kode=args.kode)
    kawasan = screening.protected_near(store, kegiatan.total_bounds, warning_m=args.peringatan)
    result = screening.screen(kegiatan, kawasan, warning_m=args.peringatan, geometry=suffix == ".gpkg")
    path = files.write_table(result if suffix == ".csv" else {"temuan": result}, out)
    print(i18n.text("screening.cli.done", activities=len(kegiatan), findings=len(result),
                    flagged=result["id_kegiatan"].nunique(), path=path))
    counts = result["status"].value_counts()
    for status in screening.STATUSES:
        print(i18n.text("screening.cli.by_status", status=i18n.text(f"screening.status.{status}"),
                        count=int(counts.get(status, 0))))
    return 0


# -- pengaduan / fasilitator -------------------------------------------------------------------------
def _tg(key: str, **params: object) -> str:
    return i18n.text(f"pengaduan.{key}", **params)


def _ask(prompt: str) -> str | None:
    """A line from the user (or from standard input when it is not a terminal); None when empty."""
    try:
        value = input(prompt) if sys.stdin.isatty() else sys.stdin.readline()
    except EOFError:
        return None
    return value.strip() or None


def _date_arg(value: str | None, option: str):  # type: ignore[no-untyped-def]
    if value is None:
        return None
    try:
        return pengaduan.parse_date(value)
    except ValueError:
        raise DataError([Problem("pengaduan_tanggal_invalid", option, params={"value": value})]) from None


def cmd_pengaduan_add(store: Store, args: argparse.Namespace) -> int:
    nama = kontak = None
    if args.identitas:  # never from arguments: shells keep those in their history
        nama, kontak = _ask(_tg("prompt_nama")), _ask(_tg("prompt_kontak"))
    saved = pengaduan.add(
        store, tanggal_diterima=args.tanggal, saluran=args.saluran, kode_wilayah=args.kode,
        kategori=args.kategori, deskripsi=args.deskripsi, nama=nama, kontak=kontak, id_pengaduan=args.nomor,
    )  # fmt: skip
    for p in saved.warnings:
        print(f"  {p}")
    who = _tg("identitas_disimpan") if (nama or kontak) else _tg("identitas_anonim")
    print(_tg("add_done", id=saved.id_pengaduan, status=saved.status, identitas=who))
    return 0


def cmd_pengaduan_update(store: Store, args: argparse.Namespace) -> int:
    texts = {k: v for k, v in (("tindak_lanjut", args.tindak_lanjut), ("sanksi", args.sanksi)) if v is not None}
    saved = pengaduan.update(store, args.id, status=args.status, tanggal_selesai=args.tanggal_selesai, **texts)
    for p in saved.warnings:
        print(f"  {p}")
    print(_tg("update_done", id=saved.id_pengaduan, status=saved.status))
    return 0


def cmd_pengaduan_list(store: Store, args: argparse.Namespace) -> int:
    frame = pengaduan.read(store, kode=args.kode, status=args.status)
    if len(frame) == 0:
        print(_tg("list_none"))
        return 0
    table = pengaduan.triage(pd.DataFrame(frame.drop(columns="geometry")), as_of=_date_arg(args.per, "--per"))
    table = table.sort_values(["nilai_prioritas", "tanggal_diterima"], ascending=[False, True], na_position="last")
    table["tanggal_diterima"] = table["tanggal_diterima"].dt.strftime("%Y-%m-%d")
    shown = ["id_pengaduan", "tanggal_diterima", "kode_wilayah", "kategori", "status", "umur_hari", "terlambat", "prioritas"]
    _print_table(table[shown])
    is_open = table["status"] != pengaduan.rules().closed
    late = int((table["terlambat"].fillna(False).astype(bool) & is_open).sum())
    print(_tg("list_summary", count=len(table), open=int(is_open.sum()), late=late,
              days=pengaduan.rules().batas_layanan_hari))  # fmt: skip
    return 0


def cmd_pengaduan_publish(store: Store, args: argparse.Namespace) -> int:
    tingkat = args.tingkat or settings.pengaduan_tingkat_publikasi
    done = pengaduan.publish(store, args.out, args.peta, kode=args.kode, as_of=_date_arg(args.per, "--per"), tingkat=tingkat)
    print(_tg("publish_done", count=done.rows, tingkat=tingkat, paths=", ".join(str(p) for p in done.paths)))
    return 0


def cmd_fasilitator(store: Store, args: argparse.Namespace) -> int:
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError(i18n.text("fasilitator.out_suffix", path=Path(args.out).name))
    table = staffing.from_store(store, periode=args.periode, kode=args.kode, kelurahan=args.kelurahan,
                                penugasan=args.penugasan, pembulatan=args.pembulatan)  # fmt: skip
    path = files.write_table(table if suffix == ".csv" else {"fasilitator": table}, args.out)
    unknown = i18n.text("fasilitator.unknown")
    print(
        i18n.text(
            "fasilitator.done", kabkota=len(table), kumuh=int(table["kelurahan_kumuh"].sum()),
            non_kumuh=int(table["kelurahan_non_kumuh"].sum()), dibutuhkan=int(table["fasilitator_dibutuhkan"].sum()),
            pembulatan=args.pembulatan or _rules.load("fasilitator").pembulatan,
            ditugaskan=int(table["fasilitator_ditugaskan"].sum()) if args.penugasan else unknown,
            kekurangan=int(table["kekurangan"].sum()) if args.penugasan else unknown, path=path,
        )
    )  # fmt: skip
    return 0


def _add_pengaduan_parsers(sub) -> None:  # type: ignore[no-untyped-def]
    """The ``pengaduan`` and ``fasilitator`` commands."""
    spec = catalog.layer("pengaduan")
    p = sub.add_parser("pengaduan", help=_tg("help"))
    actions = p.add_subparsers(dest="aksi", required=True, metavar="AKSI")

    a = actions.add_parser("add", help=_tg("help_add"))
    a.add_argument("--tanggal", required=True, help=_tg("help_tanggal"))
    a.add_argument("--saluran", required=True, help=_tg("help_saluran", values=", ".join(spec.column("saluran").codes())))
    a.add_argument("--kode", required=True, help=_tg("help_kode"))
    a.add_argument("--kategori", required=True, help=_tg("help_kategori", values=", ".join(spec.column("kategori").codes())))
    a.add_argument("--deskripsi", required=True, help=_tg("help_deskripsi"))
    a.add_argument("--identitas", action="store_true", help=_tg("help_identitas"))
    a.add_argument("--nomor", help=_tg("help_nomor"))
    a.set_defaults(func=cmd_pengaduan_add)

    a = actions.add_parser("update", help=_tg("help_update"))
    a.add_argument("id", metavar="NOMOR", help=_tg("help_id"))
    a.add_argument("--status", help=_tg("help_status", values=", ".join(spec.column("status").codes())))
    a.add_argument("--tindak-lanjut", help=_tg("help_tindak_lanjut"))
    a.add_argument("--sanksi", help=_tg("help_sanksi"))
    a.add_argument("--tanggal-selesai", help=_tg("help_tanggal_selesai"))
    a.set_defaults(func=cmd_pengaduan_update)

    a = actions.add_parser("list", help=_tg("help_list"))
    a.add_argument("--kode", help=_tg("help_filter_kode"))
    a.add_argument("--status", help=_tg("help_filter_status"))
    a.add_argument("--per", help=_tg("help_per"))
    a.set_defaults(func=cmd_pengaduan_list)

    levels = list(wilayah.LEVELS[1:])  # kabkota, kecamatan, kelurahan: never finer than kelurahan
    a = actions.add_parser("publish", help=_tg("help_publish"))
    a.add_argument("--out", type=Path, required=True, metavar="BERKAS", help=_tg("help_out"))
    a.add_argument("--peta", type=Path, metavar="BERKAS", help=_tg("help_peta"))
    a.add_argument("--kode", help=_tg("help_filter_kode"))
    a.add_argument("--per", help=_tg("help_per"))
    a.add_argument("--tingkat", choices=levels,
                   help=_tg("help_tingkat", levels=", ".join(levels), default=settings.pengaduan_tingkat_publikasi))
    a.set_defaults(func=cmd_pengaduan_publish)

    p = sub.add_parser("fasilitator", help=i18n.text("fasilitator.help"))
    p.add_argument("--out", type=Path, required=True, metavar="BERKAS", help=i18n.text("fasilitator.help_out"))
    p.add_argument("--penugasan", type=Path, metavar="BERKAS", help=i18n.text("fasilitator.help_penugasan"))
    p.add_argument("--kelurahan", type=Path, metavar="BERKAS", help=i18n.text("fasilitator.help_kelurahan"))
    p.add_argument("--periode", help=i18n.text("fasilitator.help_periode"))
    p.add_argument("--kode", help=i18n.text("fasilitator.help_kode"))
    p.add_argument("--pembulatan", choices=staffing.ROUNDINGS, help=i18n.text(
        "fasilitator.help_pembulatan", values=", ".join(staffing.ROUNDINGS), default=_rules.load("fasilitator").pembulatan))
    p.set_defaults(func=cmd_fasilitator)


# -- tindak lanjut (follow-up register) --------------------------------------------------------------
def _tt(key: str, **params: object) -> str:
    return i18n.text(f"tindaklanjut.{key}", **params)


def cmd_tindaklanjut_susun(store: Store, args: argparse.Namespace) -> int:
    from kotaku_gis import tindak_lanjut

    done = tindak_lanjut.susun(store, args.periode, args.kode, tanggal=_date_arg(args.tanggal, "--tanggal"))
    print(_tt("susun_done", periode=done.periode, wilayah=done.kode or _tt("nasional"), tanggal=done.tanggal.isoformat(),
              found=len(done.found), changes=done.changes.summary()))  # fmt: skip
    for jenis, count in done.found["jenis"].value_counts().sort_index().items():
        print(_tt("by_kind", jenis=catalog.layer("tindak_lanjut").column("jenis").value(jenis).label(), count=int(count)))
    return 0


def cmd_tindaklanjut_update(store: Store, args: argparse.Namespace) -> int:
    from kotaku_gis import tindak_lanjut

    row = tindak_lanjut.update(store, args.id, oleh=args.oleh, status=args.status, catatan=args.catatan,
                               tanggal=_date_arg(args.tanggal, "--tanggal"))  # fmt: skip
    print(_tt("update_done", id=args.id, status=row["status"], oleh=args.oleh))
    return 0


def cmd_tindaklanjut_supervisi(store: Store, args: argparse.Namespace) -> int:
    from kotaku_gis import tindak_lanjut

    item = tindak_lanjut.supervisi(store, args.kode, args.temuan, oleh=args.oleh, periode=args.periode,
                                   tanggal=_date_arg(args.tanggal, "--tanggal"), tingkat=args.tingkat)  # fmt: skip
    print(_tt("supervisi_done", id=item))
    return 0


def cmd_tindaklanjut_list(store: Store, args: argparse.Namespace) -> int:
    import datetime as dt

    from kotaku_gis import tindak_lanjut

    if args.out is not None and Path(args.out).suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(_tt("out_suffix", path=Path(args.out).name))
    frame = tindak_lanjut.read(store, kode=args.kode, status=args.status)
    as_of = _date_arg(args.per, "--per") or dt.date.today()
    if len(frame) == 0:
        print(_tt("list_none"))
        return 0
    table = tindak_lanjut.table(frame, as_of)
    shown = ["id_tindak_lanjut", "kode_wilayah", "jenis", "koordinator", "status", "batas_waktu", "terlambat"]
    _print_table(table[shown])
    print(_tt("list_summary", **tindak_lanjut.counts(frame, as_of)))
    if args.out is not None:
        path = files.write_table(table if Path(args.out).suffix.lower() == ".csv" else {"tindak_lanjut": table}, args.out)
        print(_tt("written", path=path))
    return 0


def cmd_tindaklanjut_riwayat(store: Store, args: argparse.Namespace) -> int:
    from kotaku_gis import tindak_lanjut

    h = tindak_lanjut.history(store, args.id)
    if len(h) == 0:
        raise UsageError(_tt("unknown_id", id=args.id))
    _print_table(h[["tanggal", "oleh", "peristiwa", "status_lama", "status_baru", "catatan"]])
    return 0


def cmd_laporan(store: Store, args: argparse.Namespace) -> int:
    from kotaku_gis import monev

    for path in monev.laporan(store, args.kode, args.periode, args.out, baseline=args.baseline):
        print(i18n.text("laporan.cli.done", path=path))
    return 0


def _add_laporan_parser(sub) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("laporan", help=i18n.text("laporan.cli.help"))
    p.add_argument("--kode", help=i18n.text("laporan.cli.help_kode"))
    p.add_argument("--periode", required=True, help=i18n.text("laporan.cli.help_periode"))
    p.add_argument("--baseline", help=i18n.text("laporan.cli.help_baseline"))
    p.add_argument("--out", required=True, action="append", type=Path, metavar="BERKAS", help=i18n.text("laporan.cli.help_out"))
    p.add_argument("--lang", dest="laporan_lang", choices=i18n.LANGUAGES, help=_t("help_lang"))
    p.set_defaults(func=cmd_laporan)


def _add_tindaklanjut_parser(sub) -> None:  # type: ignore[no-untyped-def]
    spec = catalog.layer("tindak_lanjut")
    p = sub.add_parser("tindaklanjut", help=_tt("help"))
    actions = p.add_subparsers(dest="aksi", required=True, metavar="AKSI")

    a = actions.add_parser("susun", help=_tt("help_susun"))
    a.add_argument("--periode", required=True, help=_tt("help_periode"))
    a.add_argument("--kode", help=_tt("help_kode"))
    a.add_argument("--tanggal", help=_tt("help_tanggal"))
    a.set_defaults(func=cmd_tindaklanjut_susun)

    a = actions.add_parser("update", help=_tt("help_update"))
    a.add_argument("id", metavar="NOMOR", help=_tt("help_id"))
    a.add_argument("--status", help=_tt("help_status", values=", ".join(spec.column("status").codes())))
    a.add_argument("--oleh", required=True, metavar="NAMA", help=_tt("help_oleh"))
    a.add_argument("--catatan", help=_tt("help_catatan"))
    a.add_argument("--tanggal", help=_tt("help_tanggal"))
    a.set_defaults(func=cmd_tindaklanjut_update)

    a = actions.add_parser("list", help=_tt("help_list"))
    a.add_argument("--kode", help=_tt("help_kode"))
    a.add_argument("--status", help=_tt("help_filter_status"))
    a.add_argument("--per", help=_tt("help_per"))
    a.add_argument("--out", type=Path, metavar="BERKAS", help=_tt("help_out"))
    a.set_defaults(func=cmd_tindaklanjut_list)

    a = actions.add_parser("supervisi", help=_tt("help_supervisi"))
    a.add_argument("--kode", required=True, help=_tt("help_kode"))
    a.add_argument("--periode", required=True, help=_tt("help_periode"))
    a.add_argument("--temuan", required=True, help=_tt("help_temuan"))
    a.add_argument("--oleh", required=True, metavar="NAMA", help=_tt("help_oleh"))
    a.add_argument("--tanggal", help=_tt("help_tanggal"))
    a.add_argument("--tingkat", choices=wilayah.ROLLUP_LEVELS, help=_tt("help_tingkat", levels=", ".join(wilayah.ROLLUP_LEVELS)))
    a.set_defaults(func=cmd_tindaklanjut_supervisi)

    a = actions.add_parser("riwayat", help=_tt("help_riwayat"))
    a.add_argument("id", metavar="NOMOR", help=_tt("help_id"))
    a.set_defaults(func=cmd_tindaklanjut_riwayat)


# -- parser ------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser (help texts in the current ``settings.language``)."""
    layers = catalog.layer_names()
    parser = argparse.ArgumentParser(prog="kotaku-gis", description=_t("description"))
    parser.add_argument("--version", action="version", version=f"kotaku-gis {__version__}")
    parser.add_argument("--db", default=None, help=_t("help_db"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=None, help=_t("help_lang"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    p = sub.add_parser("init", help=_t("help_init"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("load", help=_t("help_load"))
    p.add_argument("layer", choices=layers, metavar="LAYER", help=_t("help_layer", layers=", ".join(layers)))
    p.add_argument("path", type=Path, metavar="BERKAS")
    p.add_argument("--crs", help=_t("help_crs"))
    p.add_argument("--mapping", help=_t("help_mapping"))
    p.add_argument("--kolom", action="append", metavar="SUMBER=TUJUAN", help=_t("help_kolom"))
    p.add_argument("--sumber-layer", help=_t("help_sumber_layer"))
    p.add_argument("--tukar-koordinat", action="store_true", help=_t("help_tukar"))
    p.add_argument("--periode", help=_t("help_periode_load"))
    p.add_argument("--ganti", choices=loader.REPLACE_LEVELS, help=_t("help_ganti", levels=", ".join(loader.REPLACE_LEVELS)))
    p.add_argument("--sk", action="store_true", help=_t("help_sk"))
    p.add_argument("--laporan", type=Path, help=_t("help_laporan"))
    p.add_argument("--uji", action="store_true", help=_t("help_uji"))
    p.add_argument("--kode", help=_t("help_load_kode"))
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("layers", help=_t("help_layers"))
    p.set_defaults(func=cmd_layers)

    p = sub.add_parser("export", help=_t("help_export"))
    p.add_argument("layer", choices=layers, metavar="LAYER")
    p.add_argument("path", type=Path, metavar="BERKAS")
    p.add_argument("--periode")
    p.add_argument("--kode")
    p.add_argument("--tingkat")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("demo", help=_t("help_demo"))
    p.add_argument("--laporan", type=Path, help=_t("help_laporan"))
    p.add_argument("--paket", type=Path, default=Path("paket_peta"), metavar="FOLDER", help=i18n.text("mappack.cli.help_paket"))
    p.set_defaults(func=cmd_demo)
    _add_mappack_parser(sub)
    _add_map_parser(sub)
    p = sub.add_parser("score", help=_tp("help_score"))
    p.add_argument("--periode", help=_tp("help_score_periode"))
    p.add_argument("--kode", help=_tp("help_kode"))
    p.add_argument("--out", type=Path, required=True, metavar="BERKAS", help=_tp("help_out"))
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("progress", help=_tp("help_progress"))
    p.add_argument("--tingkat", required=True, choices=wilayah.ROLLUP_LEVELS,
                   help=_tp("help_tingkat", levels=", ".join(wilayah.ROLLUP_LEVELS)))
    p.add_argument("--kode", help=_tp("help_kode"))
    p.add_argument("--periode", required=True, help=_tp("help_periode"))
    p.add_argument("--baseline", help=_tp("help_baseline"))
    p.add_argument("--out", type=Path, required=True, metavar="BERKAS", help=_tp("help_out"))
    p.set_defaults(func=cmd_progress)

    p = sub.add_parser("screen", help=i18n.text("screening.cli.help"))
    p.add_argument("--periode", help=i18n.text("screening.cli.help_periode"))
    p.add_argument("--kode", help=i18n.text("screening.cli.help_kode"))
    p.add_argument("--peringatan", type=float, metavar="METER",
                   help=i18n.text("screening.cli.help_peringatan", default=screening.load_rules().proximity.warning_m))
    p.add_argument("--out", type=Path, required=True, metavar="BERKAS", help=i18n.text("screening.cli.help_out"))
    p.set_defaults(func=cmd_screen)
    _add_pengaduan_parsers(sub)
    _add_tindaklanjut_parser(sub)
    _add_laporan_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kotaku-gis`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # the language must be known before the parser's help texts are made
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            settings.language = argv[i + 1]
        elif arg.startswith("--lang="):
            settings.language = arg.split("=", 1)[1]
    if settings.language not in i18n.LANGUAGES:
        print(f"kotaku-gis: --lang must be one of {', '.join(i18n.LANGUAGES)}", file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    url = args.db or os.environ.get("KOTAKU_DB") or settings.default_db
    try:
        store = open_store(url)
        try:
            return int(args.func(store, args))
        finally:
            store.close()
    except UsageError as exc:
        print(f"kotaku-gis: {_t('usage_error')}: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"kotaku-gis: {exc}", file=sys.stderr)
        return 1
    except KotakuError as exc:
        print(f"kotaku-gis: {_t('error')}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
