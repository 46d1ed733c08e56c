"""The ``kotaku-gis`` command line: parses arguments, calls the API, prints.

Exit status: 0 success, 1 data errors (nothing was changed), 2 usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kotaku_gis import (
    _cli_fasilitator,
    _cli_maps,
    _cli_pengaduan,
    _cli_progress,
    _cli_tindaklanjut,
    catalog,
    demo,
    files,
    i18n,
    loader,
    screening,
    settings,
)
from kotaku_gis._cli_common import _pairs, _print_report, _print_table, _t
from kotaku_gis._cli_tindaklanjut import _tt
from kotaku_gis._version import __version__
from kotaku_gis.errors import DataError, KotakuError, UsageError
from kotaku_gis.store import Store, open_store


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
        print(
            _t(
                "dry_run_ok",
                file=report.file,
                rows=report.rows_read,
                added=report.plan.added,
                replaced=report.plan.replaced,
                removed=report.plan.removed,
                scope=scope,
            )
        )
    else:
        s = report.summary
        print(
            _t(
                "load_done",
                file=report.file,
                layer=s.layer,
                added=s.added_rows,
                replaced=s.replaced_rows,
                removed=s.removed_rows,
                scope=scope,
                warnings=len(report.warnings),
            )
        )
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
    path = (
        files.write_table({args.layer: frame}, args.path)
        if Path(args.path).suffix.lower() != ".csv"
        else files.write_table(frame, args.path)
    )
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
    from kotaku_gis import tindak_lanjut_store
    from kotaku_gis._validate import period_end_date

    register = tindak_lanjut_store.susun(store, periode, demo.PACK_KODE, tanggal=period_end_date(periode).date())
    print(_tt("susun_done", periode=register.periode, wilayah=register.kode, tanggal=register.tanggal.isoformat(),
              found=len(register.found), changes=register.changes.summary()))  # fmt: skip
    result = mappack.build_pack(store, args.paket, periode, kode=demo.PACK_KODE, tingkat="kecamatan")
    print(result.summary())
    if not result.ok:
        return 1
    print(i18n.text("mappack.cli.demo_index", path=result.index.resolve()))
    return status


# -- screen ------------------------------------------------------------------------------------------
def cmd_screen(store: Store, args: argparse.Namespace) -> int:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".gpkg", ".xlsx"):
        raise UsageError(i18n.text("screening.cli.bad_output", path=out, suffix=suffix or "''"))
    kegiatan = store.read("kegiatan", periode=args.periode, kode=args.kode)
    # against the protected features near each activity, read while the activities are checked
    result = screening.screen_store(store, kegiatan, warning_m=args.peringatan, geometry=suffix == ".gpkg")
    path = files.write_table(result if suffix == ".csv" else {"temuan": result}, out)
    print(
        i18n.text(
            "screening.cli.done",
            activities=len(kegiatan),
            findings=len(result),
            flagged=result["id_kegiatan"].nunique(),
            path=path,
        )
    )
    counts = result["status"].value_counts()
    for status in screening.STATUSES:
        print(
            i18n.text("screening.cli.by_status", status=i18n.text(f"screening.status.{status}"), count=int(counts.get(status, 0)))
        )
    return 0


# -- parser ------------------------------------------------------------------------------------------
def _add_load_parser(sub, layers: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The ``load`` command: a user's file into a layer, checked, with what it replaces."""
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

    _add_load_parser(sub, layers)

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
    _cli_maps.add_mappack_parser(sub)
    _cli_maps.add_map_parser(sub)
    _cli_progress.add_parsers(sub)

    p = sub.add_parser("screen", help=i18n.text("screening.cli.help"))
    p.add_argument("--periode", help=i18n.text("screening.cli.help_periode"))
    p.add_argument("--kode", help=i18n.text("screening.cli.help_kode"))
    p.add_argument(
        "--peringatan",
        type=float,
        metavar="METER",
        help=i18n.text("screening.cli.help_peringatan", default=screening.load_rules().proximity.warning_m),
    )
    p.add_argument("--out", type=Path, required=True, metavar="BERKAS", help=i18n.text("screening.cli.help_out"))
    p.set_defaults(func=cmd_screen)
    _cli_pengaduan.add_parsers(sub)
    _cli_fasilitator.add_fasilitator_parser(sub)
    _cli_tindaklanjut.add_tindaklanjut_parser(sub)
    _cli_tindaklanjut.add_laporan_parser(sub)
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
        # the language asked for is unknown: say it in the default one
        print("kotaku-gis: " + i18n.text("cli.bad_lang", i18n.LANGUAGES[0], langs=", ".join(i18n.LANGUAGES)), file=sys.stderr)
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
