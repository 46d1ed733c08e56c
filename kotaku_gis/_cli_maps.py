"""The ``kotaku-gis map`` and ``kotaku-gis mappack`` commands and their arguments."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kotaku_gis import i18n, wilayah
from kotaku_gis._cli_common import _t
from kotaku_gis.errors import KotakuError
from kotaku_gis.store import Store


# -- progress map ------------------------------------------------------------------------------------
def cmd_map(store: Store, args: argparse.Namespace) -> int:
    from kotaku_gis import maps

    written = maps.build_map(
        store, args.tingkat, args.kode, args.periode, args.out, baseline=args.baseline,
        assets=args.assets, tiles=args.tiles, mode=args.tema,
    )  # fmt: skip
    nama = args.kode or i18n.text("maps.indonesia")
    for path in written:
        print(
            i18n.text(
                "maps.cli.map_done",
                tingkat=i18n.text(f"maps.tingkat.{args.tingkat}"),
                nama=nama,
                periode=args.periode,
                path=path,
                size=round(path.stat().st_size / 1024),
            )
        )
    return 0


def add_map_parser(sub) -> None:  # type: ignore[no-untyped-def]
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


def add_mappack_parser(sub) -> None:  # type: ignore[no-untyped-def]
    from kotaku_gis import mappack

    tm = lambda key, **kw: i18n.text(f"mappack.cli.{key}", **kw)  # noqa: E731
    default: str
    try:
        default = mappack.load_recipe(mappack.RECIPE_PATH).tingkat_bawah
    except KotakuError:  # pragma: no cover - a broken packaged recipe is reported when used
        default = "-"
    p = sub.add_parser("mappack", help=tm("help"))
    p.add_argument("--periode", required=True, help=tm("help_periode"))
    p.add_argument("--baseline", help=tm("help_baseline"))
    p.add_argument(
        "--tingkat",
        choices=wilayah.ROLLUP_LEVELS,
        help=tm("help_tingkat", levels=", ".join(wilayah.ROLLUP_LEVELS), default=default),
    )
    p.add_argument("--kode", help=tm("help_kode"))
    p.add_argument("--out", type=Path, required=True, metavar="FOLDER", help=tm("help_out"))
    p.add_argument("--workers", type=int, metavar="N", help=tm("help_workers"))
    p.add_argument("--resep", type=Path, metavar="BERKAS", help=tm("help_resep"))
    p.add_argument("--sumber", action="append", metavar="KUNCI", help=tm("help_sumber"))
    p.add_argument("--paksa", action="store_true", help=tm("help_paksa"))
    p.add_argument("--periksa", action="store_true", help=tm("help_periksa"))
    p.add_argument("--dask", metavar="tcp://HOST:8786", help=tm("help_dask"))
    p.set_defaults(func=cmd_mappack)
