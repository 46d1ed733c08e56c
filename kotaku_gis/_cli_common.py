"""Private helpers of the ``kotaku-gis`` command line shared by its topic modules (``_cli_*.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from kotaku_gis import i18n, loader, pengaduan
from kotaku_gis.errors import DataError, Problem, UsageError


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


def _date_arg(value: str | None, option: str):  # type: ignore[no-untyped-def]
    if value is None:
        return None
    try:
        return pengaduan.parse_date(value)
    except ValueError:
        raise DataError([Problem("pengaduan_tanggal_invalid", option, params={"value": value})]) from None
