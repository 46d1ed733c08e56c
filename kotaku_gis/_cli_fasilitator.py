"""The ``fasilitator`` command: facilitators required per kab/kota against those assigned."""

from __future__ import annotations

import argparse
from pathlib import Path

from kotaku_gis import files, i18n, staffing
from kotaku_gis import rules as _rules
from kotaku_gis.errors import UsageError
from kotaku_gis.store import Store


def _ratio(r: tuple[int, int]) -> str:
    return f"{r[0]}:{r[1]}"


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


def add_fasilitator_parser(sub) -> None:  # type: ignore[no-untyped-def]
    r = _rules.load("fasilitator")
    ratios = {"kumuh": _ratio(r.rasio_kumuh), "non_kumuh": _ratio(r.rasio_non_kumuh)}
    p = sub.add_parser("fasilitator", help=i18n.text("fasilitator.help", **ratios))
    p.add_argument("--out", type=Path, required=True, metavar="BERKAS", help=i18n.text("fasilitator.help_out"))
    p.add_argument("--penugasan", type=Path, metavar="BERKAS", help=i18n.text("fasilitator.help_penugasan"))
    p.add_argument("--kelurahan", type=Path, metavar="BERKAS", help=i18n.text("fasilitator.help_kelurahan"))
    p.add_argument("--periode", help=i18n.text("fasilitator.help_periode"))
    p.add_argument("--kode", help=i18n.text("fasilitator.help_kode"))
    p.add_argument(
        "--pembulatan",
        choices=staffing.ROUNDINGS,
        help=i18n.text("fasilitator.help_pembulatan", values=", ".join(staffing.ROUNDINGS), default=r.pembulatan),
    )
    p.set_defaults(func=cmd_fasilitator)
