"""The ``kotaku-gis score`` and ``kotaku-gis progress`` commands and their arguments."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd

from kotaku_gis import files, i18n, pengaduan_store, progress, scoring, staffing, wilayah
from kotaku_gis.errors import DataError, Problem
from kotaku_gis.store import Store


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


def read_report(
    store: Store, periode: str, baseline: str, *, tingkat: str, kode: str | None = None, geometry: bool = False
) -> dict[str, pd.DataFrame]:
    """:func:`kotaku_gis.progress.report` of the rows of a store (as of the end of ``periode``)."""
    decrees = store.decrees()
    periods = sorted({baseline, periode, *progress.decree_periods(decrees, baseline, periode)})
    kumuh = store.read("kawasan_kumuh", periode=periods, kode=kode, geometry=False, columns=progress.kumuh_columns())
    if len(kumuh) == 0:
        raise _no_data("kawasan_kumuh")
    per_lokasi = progress.progress_lokasi(kumuh, periode, baseline, decrees=decrees)
    kegiatan = store.read(
        "kegiatan", kode=kode, geometry=False,
        columns=["id_kegiatan", "kode_kelurahan", "periode", "status", "progres_fisik", "biaya_idr"],
    )  # fmt: skip
    units = store.read("wilayah", kode=kode, columns=["kode", "nama"], geometry=geometry)
    staff = staffing.from_store(store, periode=periode, kode=kode).rename(
        columns={"selisih": "fasilitator_selisih", "kekurangan": "fasilitator_kekurangan"}
    )
    return progress.report(per_lokasi, kegiatan, units, periode=periode, tingkat=tingkat, kode=kode,
                           complaints=pengaduan_store.read(store, kode=kode), staff=staff.drop(columns=["nama"]))  # fmt: skip


def cmd_progress(store: Store, args: argparse.Namespace) -> int:
    periode, baseline = progress.resolve_periods(store.periods("kawasan_kumuh"), args.periode, args.baseline)
    suffix = Path(args.out).suffix.lower()
    frames = read_report(store, periode, baseline, tingkat=args.tingkat, kode=args.kode, geometry=suffix == ".gpkg")
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


def add_parsers(sub) -> None:  # type: ignore[no-untyped-def]
    """The ``score`` and ``progress`` commands."""
    p = sub.add_parser("score", help=_tp("help_score"))
    p.add_argument("--periode", help=_tp("help_score_periode"))
    p.add_argument("--kode", help=_tp("help_kode"))
    p.add_argument("--out", type=Path, required=True, metavar="BERKAS", help=_tp("help_out"))
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("progress", help=_tp("help_progress"))
    p.add_argument(
        "--tingkat",
        required=True,
        choices=wilayah.ROLLUP_LEVELS,
        help=_tp("help_tingkat", levels=", ".join(wilayah.ROLLUP_LEVELS)),
    )
    p.add_argument("--kode", help=_tp("help_kode"))
    p.add_argument("--periode", required=True, help=_tp("help_periode"))
    p.add_argument("--baseline", help=_tp("help_baseline"))
    p.add_argument("--out", type=Path, required=True, metavar="BERKAS", help=_tp("help_out"))
    p.set_defaults(func=cmd_progress)
