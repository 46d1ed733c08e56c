"""The ``kotaku-gis`` command line: parses arguments, calls the API, prints.

Exit status: 0 success, 1 data errors (nothing was changed), 2 usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kotaku_gis import catalog, demo, files, i18n, loader, settings
from kotaku_gis._version import __version__
from kotaku_gis.errors import DataError, KotakuError, UsageError
from kotaku_gis.store import Store, open_store


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
    print(_t("init_done", store=store.url, kind=store.kind))
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
        report_dir=args.laporan,
        dry_run=args.uji,
    )
    _print_report(report)
    if report.summary is None:
        print(_t("dry_run_ok", file=report.file, rows=report.rows_read))
    else:
        s = report.summary
        print(_t("load_done", file=report.file, layer=s.layer, rows=s.rows, replaced=s.replaced_rows,
                 partitions=", ".join(s.partitions), warnings=len(report.warnings)))
    return 0


def cmd_layers(store: Store, args: argparse.Namespace) -> int:
    frame = store.layers()
    frame.columns = [_t(f"col_{c}") for c in frame.columns]
    print(_t("layers_of", store=store.url, kind=store.kind))
    _print_table(frame)
    return 0


def cmd_export(store: Store, args: argparse.Namespace) -> int:
    frame = store.read(args.layer, periode=args.periode, kode=args.kode, tingkat=args.tingkat)
    path = files.write_table({args.layer: frame}, args.path) if Path(args.path).suffix.lower() != ".csv" else files.write_table(frame, args.path)
    print(_t("export_done", layer=args.layer, rows=len(frame), path=path))
    return 0


def cmd_demo(store: Store, args: argparse.Namespace) -> int:
    print(_t("demo_start", store=store.url))
    reports = demo.build_sample_store(store, report_dir=args.laporan)
    for r in reports:
        assert r.summary is not None
        print(_t("demo_loaded", file=r.file, layer=r.layer, rows=r.summary.rows, warnings=len(r.warnings)))
    print()
    return cmd_layers(store, args)


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
    p.add_argument("--laporan", type=Path, help=_t("help_laporan"))
    p.add_argument("--uji", action="store_true", help=_t("help_uji"))
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
    p.set_defaults(func=cmd_demo)
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
