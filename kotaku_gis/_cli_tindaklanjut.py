"""The ``kotaku-gis tindaklanjut`` and ``kotaku-gis laporan`` commands and their arguments."""

from __future__ import annotations

import argparse
from pathlib import Path

from kotaku_gis import catalog, files, i18n, wilayah
from kotaku_gis._cli_common import _date_arg, _print_table, _t
from kotaku_gis.errors import UsageError
from kotaku_gis.store import Store


# -- tindak lanjut (follow-up register) --------------------------------------------------------------
def _tt(key: str, **params: object) -> str:
    return i18n.text(f"tindaklanjut.{key}", **params)


def cmd_tindaklanjut_susun(store: Store, args: argparse.Namespace) -> int:
    from kotaku_gis import tindak_lanjut_store

    done = tindak_lanjut_store.susun(store, args.periode, args.kode, tanggal=_date_arg(args.tanggal, "--tanggal"))
    print(_tt("susun_done", periode=done.periode, wilayah=done.kode or _tt("nasional"), tanggal=done.tanggal.isoformat(),
              found=len(done.found), changes=done.changes.summary()))  # fmt: skip
    for jenis, count in done.found["jenis"].value_counts().sort_index().items():
        print(_tt("by_kind", jenis=catalog.layer("tindak_lanjut").column("jenis").value(jenis).label(), count=int(count)))
    return 0


def cmd_tindaklanjut_update(store: Store, args: argparse.Namespace) -> int:
    from kotaku_gis import tindak_lanjut_store

    row = tindak_lanjut_store.update(store, args.id, oleh=args.oleh, status=args.status, catatan=args.catatan,
                               tanggal=_date_arg(args.tanggal, "--tanggal"))  # fmt: skip
    print(_tt("update_done", id=args.id, status=row["status"], oleh=args.oleh))
    return 0


def cmd_tindaklanjut_supervisi(store: Store, args: argparse.Namespace) -> int:
    from kotaku_gis import tindak_lanjut_store

    item = tindak_lanjut_store.supervisi(store, args.kode, args.temuan, oleh=args.oleh, periode=args.periode,
                                   tanggal=_date_arg(args.tanggal, "--tanggal"), tingkat=args.tingkat)  # fmt: skip
    print(_tt("supervisi_done", id=item))
    return 0


def cmd_tindaklanjut_list(store: Store, args: argparse.Namespace) -> int:
    import datetime as dt

    from kotaku_gis import tindak_lanjut, tindak_lanjut_store

    if args.out is not None and Path(args.out).suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(_tt("out_suffix", path=Path(args.out).name))
    frame = tindak_lanjut_store.read(store, kode=args.kode, status=args.status)
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
    from kotaku_gis import tindak_lanjut_store

    h = tindak_lanjut_store.history(store, args.id)
    if len(h) == 0:
        raise UsageError(_tt("unknown_id", id=args.id))
    _print_table(h[["tanggal", "oleh", "peristiwa", "status_lama", "status_baru", "catatan"]])
    return 0


def cmd_laporan(store: Store, args: argparse.Namespace) -> int:
    from kotaku_gis import monev

    for path in monev.laporan(store, args.kode, args.periode, args.out, baseline=args.baseline):
        print(i18n.text("laporan.cli.done", path=path))
    return 0


def add_laporan_parser(sub) -> None:  # type: ignore[no-untyped-def]
    p = sub.add_parser("laporan", help=i18n.text("laporan.cli.help"))
    p.add_argument("--kode", help=i18n.text("laporan.cli.help_kode"))
    p.add_argument("--periode", required=True, help=i18n.text("laporan.cli.help_periode"))
    p.add_argument("--baseline", help=i18n.text("laporan.cli.help_baseline"))
    p.add_argument("--out", required=True, action="append", type=Path, metavar="BERKAS", help=i18n.text("laporan.cli.help_out"))
    p.add_argument("--lang", dest="laporan_lang", choices=i18n.LANGUAGES, help=_t("help_lang"))
    p.set_defaults(func=cmd_laporan)


def add_tindaklanjut_parser(sub) -> None:  # type: ignore[no-untyped-def]
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
