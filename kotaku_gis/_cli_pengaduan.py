"""The ``kotaku-gis pengaduan`` and ``kotaku-gis fasilitator`` commands and their arguments."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from kotaku_gis import catalog, i18n, pengaduan, pengaduan_store, settings, wilayah
from kotaku_gis._cli_common import _date_arg, _print_table
from kotaku_gis.store import Store


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


def cmd_pengaduan_add(store: Store, args: argparse.Namespace) -> int:
    nama = kontak = None
    if args.identitas:  # never from arguments: shells keep those in their history
        nama, kontak = _ask(_tg("prompt_nama")), _ask(_tg("prompt_kontak"))
    saved = pengaduan_store.add(
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
    saved = pengaduan_store.update(store, args.id, status=args.status, tanggal_selesai=args.tanggal_selesai, **texts)
    for p in saved.warnings:
        print(f"  {p}")
    print(_tg("update_done", id=saved.id_pengaduan, status=saved.status))
    return 0


def cmd_pengaduan_list(store: Store, args: argparse.Namespace) -> int:
    frame = pengaduan_store.read(store, kode=args.kode, status=args.status)
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
    as_of = _date_arg(args.per, "--per")
    done = pengaduan_store.publish(store, args.out, args.peta, kode=args.kode, as_of=as_of, tingkat=tingkat)
    print(_tg("publish_done", count=done.rows, tingkat=tingkat, paths=", ".join(str(p) for p in done.paths)))
    return 0


def add_parsers(sub) -> None:  # type: ignore[no-untyped-def]
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
    a.add_argument(
        "--tingkat",
        choices=levels,
        help=_tg("help_tingkat", levels=", ".join(levels), default=settings.pengaduan_tingkat_publikasi),
    )
    a.set_defaults(func=cmd_pengaduan_publish)
