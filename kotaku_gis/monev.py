"""The quarterly monev report (laporan monev) of one unit: an editable DOCX and a PDF with the same content.

The guideline's control cycle ends in a concise monev report with recommendations and a workshop where
the local government and stakeholders agree the critical issues and the follow-up (chapter V, 1.4).
:func:`laporan` writes it for one unit (nasional, provinsi, kab/kota, kecamatan or kelurahan) and period.

Same figures as the other commands
    The report computes nothing of its own: the unit's rows are read as the map pack reads them
    (:func:`kotaku_gis.mappack._data.read_layers`) and analysed by the pack's
    :func:`kotaku_gis.mappack._unit.analyse` (:func:`kotaku_gis.progress.rollup_all_levels`,
    :func:`kotaku_gis.screening.screen`, :func:`kotaku_gis.pengaduan.counts`), the follow-up register is
    counted by :func:`kotaku_gis.tindak_lanjut.counts`, and the map picture is the pack's. So every figure
    is the one ``kotaku-gis progress``, ``screen``, ``pengaduan list`` and ``tindaklanjut list`` give for
    the same unit and period (tested).

Dates from the data
    The data date and every "as of" (complaints' ages, overdue follow-up) is the last day of the period,
    never the day the report is made; the document properties are fixed; so the same data give the same
    bytes (DOCX re-zipped with fixed dates; PDF with a fixed creation date).

The look is data
    Sections, key figures and their targets, the children's columns, the recommendations of the targets
    and the workshop table are in the recipe ``kotaku_gis/laporan.yml`` (:class:`ReportRecipe`); the
    recommendations of the follow-up register in ``rules/tindak_lanjut.yml``; every word in
    ``i18n/*/laporan.yml``.

Libraries
    python-docx writes the DOCX (officials edit Word files before the workshop); fpdf2 writes the PDF in
    pure Python (no browser, no system library), embedding the DejaVu Sans font that matplotlib ships so
    Indonesian and English text render the same everywhere; the trend chart is drawn by matplotlib.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic import Field, field_validator

from kotaku_gis import catalog, i18n, progress, scoring, settings, tindak_lanjut
from kotaku_gis import wilayah as wil
from kotaku_gis._datafile import FrozenModel, invalid, read_model
from kotaku_gis._monev_document import (  # noqa: F401  (the document model and its writers, public here)
    Block,
    Document,
    Heading,
    Image,
    PageBreak,
    Para,
    Table,
    write,
    write_docx,
    write_pdf,
)
from kotaku_gis.errors import UsageError
from kotaku_gis.mappack._html import fmt

#: The recipe read by default.
RECIPE_PATH: Path = Path(__file__).with_name("laporan.yml")  # the report recipe

Section = Literal["identitas", "angka_kunci", "anak", "indikator", "tren", "peta", "kegiatan", "skrining",
                  "pengaduan", "tindak_lanjut", "rekomendasi", "lokakarya"]  # fmt: skip

#: Figures the report adds to the pack's (:data:`kotaku_gis.mappack._unit.FIGURES`).
ACCESS_FIGURES: dict[str, int] = {"akses_air_minum_persen": 3, "akses_sanitasi_persen": 5}


# -- recipe ------------------------------------------------------------------------------------------
_Model = FrozenModel


#: Bilingual text (``id``/``en``), as in the catalogue.
Bilingual = catalog.Text


class KeyFigure(_Model):
    angka: str
    awal: str | None = None
    target: float | None = None
    arah: Literal["naik", "turun"] | None = None
    rekomendasi: Bilingual | None = None

    @field_validator("angka", "awal")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        if value is not None and value not in _known_figures():
            raise invalid("monev.unknown_figure_choose", value=value, join__known_figures=", ".join(_known_figures()))
        return value


class Workshop(_Model):
    kolom: list[Literal["nomor", "isu", "usulan", "penanggung_jawab", "batas_waktu"]] = Field(min_length=1)
    baris_kosong: int = Field(ge=0, le=50)


class Pictures(_Model):
    lebar_peta_cm: float = Field(gt=0, le=18)
    lebar_tren_cm: float = Field(gt=0, le=18)
    dpi: int = Field(gt=0, le=600)


class ReportRecipe(_Model):
    """The recipe of the monev report (``kotaku_gis/laporan.yml``; its comments explain each field)."""

    bagian: list[Section] = Field(min_length=1)
    angka_kunci: list[KeyFigure] = Field(min_length=1)
    kolom_anak: list[str]
    temuan_maks: int = Field(ge=0)
    lokakarya: Workshop
    gambar: Pictures

    @field_validator("kolom_anak")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        from kotaku_gis.mappack._unit import FIGURES

        unknown = [v for v in value if v not in FIGURES]
        if unknown:
            raise invalid("monev.unknown_figures_choose", unknown=unknown, join_figures=", ".join(FIGURES))
        return value


def _known_figures() -> list[str]:
    from kotaku_gis.mappack._unit import FIGURES

    return [*FIGURES, *ACCESS_FIGURES, *(f"{k}_awal" for k in ACCESS_FIGURES)]


@cache
def recipe(path: Path = RECIPE_PATH) -> ReportRecipe:
    """The report recipe (validated; a malformed file raises :class:`~kotaku_gis.errors.CatalogError`).

    Examples
    --------
    >>> r = recipe()
    >>> r.bagian[0], [k.target for k in r.angka_kunci[:3]]
    ('identitas', [100.0, 0.0, 100.0])
    """
    return read_model(Path(path), ReportRecipe, "monev report recipe")


# -- content (pure) ----------------------------------------------------------------------------------
def _t(key: str, lang: str, **params: Any) -> str:
    return i18n.text(f"laporan.{key}", lang, **params)


def _label(name: str, lang: str) -> str:
    key = f"laporan.angka.{name}"
    if key in i18n.strings(lang):
        return i18n.text(key, lang)
    return i18n.text(f"mappack.angka.{name}", lang)


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _num(value: Any, name: str, lang: str) -> str:
    if name.startswith("akses_"):
        return fmt(value, "persen_", lang)
    return fmt(None if _missing(value) else value, name, lang)


@dataclass
class Inputs:
    """What the report of one unit shows, already analysed (see :func:`content`)."""

    tingkat: str
    kode: str
    nama: str
    periode: str
    baseline: str
    #: The unit's row and its children's rows (:attr:`kotaku_gis.mappack._unit.Analysis.per_level`).
    own: pd.Series
    children: pd.DataFrame | None
    child: str | None
    #: ``kawasan_kumuh`` rows of the area, every stored period up to ``periode``.
    kumuh: pd.DataFrame
    #: Activities as of the period, and their screening findings.
    kegiatan: pd.DataFrame
    temuan: pd.DataFrame
    #: The follow-up register of the area.
    register: pd.DataFrame
    #: Names of the units by code (kelurahan included).
    names: dict[str, str]
    #: The map picture (PNG), if any.
    peta: Path | None = None
    #: The decrees (SK Kumuh) of the store (:meth:`Store.decrees`), as the roll-up reads them.
    decrees: pd.DataFrame | None = None


def period_end(periode: str) -> dt.date:
    """The last day of a period: the report's data date and "as of" day."""
    from kotaku_gis._validate import period_end_date

    return period_end_date(periode).date()


def trend(kumuh: pd.DataFrame, baseline: str, decrees: pd.DataFrame | None = None) -> pd.DataFrame:
    """Slum area (ha) of the area in every stored period, as ``progress`` counts it against the baseline.

    Each period's figure is the sum of :func:`kotaku_gis.progress.progress_lokasi`'s
    ``luas_kumuh_akhir_ha`` of that period (the baseline's is its ``luas_kumuh_awal_ha``), so the
    period reported equals the roll-up's ``luas_kumuh_akhir_ha``.

    Examples
    --------
    >>> k = pd.DataFrame({"id_lokasi": ["L1", "L1"], "kode_kelurahan": "61.71.01.1001", "periode": ["2024", "2026Q3"],
    ...                   "luas_ha": [10.0, 9.0], "nilai_kekumuhan": [45.0, 10.0]})
    >>> trend(k, "2024").values.tolist()
    [['2024', 10.0], ['2026Q3', 0.0]]
    """
    from kotaku_gis._validate import period_end as ends
    from kotaku_gis.mappack._unit import _per_lokasi

    periods = sorted(set(kumuh["periode"].astype(str)), key=lambda p: (ends([p])[0], p)) if len(kumuh) else []
    rows = []
    for p in periods:
        if ends([p])[0] < ends([baseline])[0]:
            continue
        per = _per_lokasi(kumuh, p, baseline, decrees)
        rows.append({"periode": p, "luas_kumuh_ha": round(float(per["luas_kumuh_akhir_ha"].sum()), 6)})
    return pd.DataFrame(rows, columns=["periode", "luas_kumuh_ha"])


def access(kumuh: pd.DataFrame, tingkat: str, periode: str, baseline: str) -> pd.DataFrame:
    """Drinking-water and sanitation access per unit of ``tingkat``: 100 - the area-weighted condition
    of 7+1 aspects 3 and 5 (:func:`kotaku_gis.maps.inputs.indikator_per_unit`), now and at the baseline;
    and the whole 7+1 view (``kondisi_aspek_<k>``, ``kondisi_aspek_<k>_awal``)."""
    from kotaku_gis.maps.inputs import indikator_per_unit

    rows = kumuh[kumuh["periode"].astype(str).isin([periode, baseline])]
    if len(rows) == 0:
        return pd.DataFrame({"kode": []})
    scored = scoring.indikator_7plus1(scoring.score(rows))
    view = indikator_per_unit(scored, tingkat, periode, baseline if baseline != periode else None)
    for name, aspect in ACCESS_FIGURES.items():
        for suffix in ("", "_awal"):
            col = f"kondisi_aspek_{aspect}{suffix}"
            view[f"{name}{suffix}"] = (100 - view[col]).round(2) if col in view.columns else np.nan
    return view


def _chart(series: pd.DataFrame, path: Path, lang: str, dpi: int) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"text.parse_math": False}):  # texts are plain text, never maths markup
        fig, ax = plt.subplots(figsize=(7, 3.2))
        ax.plot(series["periode"], series["luas_kumuh_ha"], marker="o", color="#b2182b")
        for x, y in zip(series["periode"], series["luas_kumuh_ha"]):
            ax.annotate(fmt(y, "_ha", lang), (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
        ax.set_ylabel(_t("tren.sumbu", lang))
        ax.set_ylim(bottom=0, top=max(1.0, float(series["luas_kumuh_ha"].max() or 0) * 1.2))
        ax.grid(axis="y", alpha=0.3)
        ax.set_title(_t("tren.judul", lang), fontsize=10)
        fig.tight_layout()
        fig.savefig(path, dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return path


@dataclass
class _Context:
    """What every section of a report reads (see :func:`content`)."""

    x: Inputs
    r: ReportRecipe
    lang: str
    b: list[Block]
    end: dt.date
    own: dict[str, Any]
    values: dict[str, Any]
    level: str
    work: Path
    unit_name: str
    counts_tl: dict[str, int]


def _section_identitas(c: _Context) -> None:
    x, lang, b, end, level, unit_name = c.x, c.lang, c.b, c.end, c.level, c.unit_name
    b.append(Heading(_t("identitas.judul", lang)))
    rows = [
        [_t("identitas.wilayah", lang), f"{unit_name}" + (f" ({x.kode})" if x.kode else "")],
        [_t("identitas.tingkat", lang), i18n.text(f"maps.tingkat.{level}", lang)],
        [_t("identitas.periode", lang), x.periode],
        [_t("identitas.baseline", lang), x.baseline],
        [_t("identitas.tanggal_data", lang), end.isoformat()],
        [_t("identitas.koordinator", lang), tindak_lanjut.coordinator_label(level, lang)],
        [_t("identitas.pelaku", lang), tindak_lanjut.actors(level, lang)],
    ]
    b.append(Table([_t("kolom.hal", lang), _t("kolom.isi", lang)], rows, [1, 2.4]))


def _section_angka_kunci(c: _Context) -> None:
    r, lang, b, values = c.r, c.lang, c.b, c.values
    b.append(Heading(_t("angka_kunci.judul", lang)))
    b.append(Para(_t("angka_kunci.pengantar", lang)))
    rows = []
    for k in r.angka_kunci:
        now = values.get(k.angka)
        base = values.get(k.awal) if k.awal else None
        target = "–" if k.target is None else _num(k.target, k.angka, lang)
        rows.append([_label(k.angka, lang), _num(base, k.awal or k.angka, lang) if k.awal else "–",
                     _num(now, k.angka, lang), target, _met(k, now, lang)])  # fmt: skip
    b.append(Table([_t("kolom.angka", lang), _t("kolom.baseline", lang), _t("kolom.sekarang", lang),
                    _t("kolom.target", lang), _t("kolom.status", lang)], rows, [2.6, 1, 1, 1, 1.2]))  # fmt: skip


def _section_anak(c: _Context) -> None:
    x, r, lang, b, own = c.x, c.r, c.lang, c.b, c.own
    if not (x.children is not None and len(x.children)):
        return
    b.append(Heading(_t("anak.judul", lang, tingkat=i18n.text(f"maps.tingkat.{x.child}", lang))))
    header = [_t("kolom.wilayah", lang)] + [_label(c, lang) for c in r.kolom_anak]
    rows = [[wil.display_name(c["nama"], c["kode"], lang)] + [_num(c.get(n), n, lang) for n in r.kolom_anak]
            for c in x.children.to_dict("records")]  # fmt: skip
    rows.append([_t("jumlah", lang)] + [_num(own.get(n), n, lang) for n in r.kolom_anak])
    b.append(Table(header, rows, [2.0] + [1.0] * len(r.kolom_anak)))


def _section_indikator(c: _Context) -> None:
    x, lang, b = c.x, c.lang, c.b
    b.append(Heading(_t("indikator.judul", lang)))
    b.append(Para(_t("indikator.pengantar", lang)))
    child = x.child or x.tingkat
    view = access(x.kumuh, child, x.periode, x.baseline)
    aspects = [k for k in range(1, 9) if f"kondisi_aspek_{k}" in view.columns]
    header = [_t("kolom.wilayah", lang)] + [_t(f"indikator.aspek_{k}", lang) for k in aspects]
    rows = []
    for v in view.sort_values("kode").to_dict("records"):
        cells = [wil.display_name(x.names.get(v["kode"], v["kode"]), v["kode"], lang)]
        for k in aspects:
            before, now = v.get(f"kondisi_aspek_{k}_awal"), v.get(f"kondisi_aspek_{k}")
            cells.append(f"{_num(before, 'persen_', lang)} → {_num(now, 'persen_', lang)}")
        rows.append(cells)
    if rows:
        b.append(Table(header, rows, [1.6] + [1] * len(aspects)))
    else:
        b.append(Para(_t("tidak_ada", lang)))


def _section_tren(c: _Context) -> None:
    x, r, lang, b, work = c.x, c.r, c.lang, c.b, c.work
    b.append(Heading(_t("tren.judul", lang)))
    series = trend(x.kumuh, x.baseline, x.decrees)
    if len(series):
        b.append(Image(_chart(series, work / "tren.png", lang, r.gambar.dpi), r.gambar.lebar_tren_cm))
        b.append(Table([_t("identitas.periode", lang), _label("luas_kumuh_akhir_ha", lang)],
                       [[p, _num(v, "_ha", lang)] for p, v in series.values.tolist()], [1, 1]))  # fmt: skip
    else:
        b.append(Para(_t("tidak_ada", lang)))


def _section_peta(c: _Context) -> None:
    x, r, lang, b = c.x, c.r, c.lang, c.b
    if not (x.peta is not None and Path(x.peta).is_file()):
        return
    b.append(Heading(_t("peta.judul", lang)))
    b.append(Image(Path(x.peta), r.gambar.lebar_peta_cm))


def _section_kegiatan(c: _Context) -> None:
    x, lang, b, own = c.x, c.lang, c.b, c.own
    b.append(Heading(_t("kegiatan.judul", lang)))
    b.append(Table([_t("kolom.status", lang), _t("kolom.jumlah", lang), _label("progres_fisik_rerata", lang),
                    _label("biaya_idr_total", lang)], _activities(x.kegiatan, lang), [1.4, 1, 1.2, 1.6]))  # fmt: skip
    b.append(Para(_t("kegiatan.jumlah", lang, total=_num(own.get("kegiatan_total"), "kegiatan_total", lang),
                     selesai=_num(own.get("kegiatan_selesai"), "kegiatan_selesai", lang),
                     progres=_num(own.get("progres_fisik_rerata"), "progres_fisik_rerata", lang))))  # fmt: skip


def _section_skrining(c: _Context) -> None:
    x, r, lang, b, own = c.x, c.r, c.lang, c.b, c.own
    b.append(Heading(_t("skrining.judul", lang)))
    rows = [[i18n.text(f"screening.status.{s}", lang), _num(own.get(f"temuan_{s}"), "temuan_total", lang)]
            for s in ("tidak_layak", "perlu_tinjauan", "peringatan")]  # fmt: skip
    rows.append([_t("jumlah", lang), _num(own.get("temuan_total"), "temuan_total", lang)])
    b.append(Table([_t("kolom.status", lang), _t("kolom.jumlah", lang)], rows, [2, 1]))
    b += _findings(x, lang, r.temuan_maks)


def _section_pengaduan(c: _Context) -> None:
    lang, b, end, own = c.lang, c.b, c.end, c.own
    b.append(Heading(_t("pengaduan.judul", lang)))
    b.append(Para(_t("pengaduan.pengantar", lang, tanggal=end.isoformat())))
    names = [("pengaduan_total", "diterima"), ("pengaduan_selesai", "selesai"), ("pengaduan_terbuka", "terbuka"),
             ("pengaduan_terlambat", "terlambat")]  # fmt: skip
    b.append(
        Table(
            [_t("kolom.hal", lang), _t("kolom.jumlah", lang)],
            [[_t(f"pengaduan.{k}", lang), _num(own.get(n, 0), "pengaduan_total", lang)] for n, k in names],
            [2, 1],
        )
    )


def _section_tindak_lanjut(c: _Context) -> None:
    x, lang, b, end, counts_tl = c.x, c.lang, c.b, c.end, c.counts_tl
    b.append(Heading(_t("tindak_lanjut.judul", lang)))
    b.append(Para(_t("tindak_lanjut.pengantar", lang, tanggal=end.isoformat())))
    keys = [("total", "total"), ("dibuka", "dibuka"), ("ditindaklanjuti", "ditindaklanjuti"), ("dieskalasi", "dieskalasi"),
            ("selesai", "selesai"), ("terlambat", "terlambat")]  # fmt: skip
    b.append(
        Table(
            [_t("kolom.hal", lang), _t("kolom.jumlah", lang)],
            [[_t(f"tindak_lanjut.{k}", lang), str(counts_tl[n])] for n, k in keys],
            [2, 1],
        )
    )
    by_kind = _register_by_kind(x.register, end, lang)
    if by_kind:
        b.append(Table([_t("kolom.jenis", lang), _t("tindak_lanjut.terbuka", lang), _t("tindak_lanjut.terlambat", lang),
                        _t("identitas.koordinator", lang)], by_kind, [2, 0.8, 0.8, 1.6]))  # fmt: skip


def _section_rekomendasi(c: _Context) -> None:
    x, r, lang, b, values = c.x, c.r, c.lang, c.b, c.values
    b.append(Heading(_t("rekomendasi.judul", lang)))
    items = _recommendations(r, values, x.register, lang)
    for i, text in enumerate(items or [_t("rekomendasi.tidak_ada", lang)], start=1):
        b.append(Para(f"{i}. {text}" if items else text))


def _section_lokakarya(c: _Context) -> None:
    x, r, lang, b, end, values, level = c.x, c.r, c.lang, c.b, c.end, c.values, c.level
    b.append(PageBreak())
    b.append(Heading(_t("lokakarya.judul", lang)))
    b.append(Para(_t("lokakarya.pengantar", lang, koordinator=tindak_lanjut.coordinator_label(level, lang))))
    b.append(Heading(_t("lokakarya.isu_kritis", lang), 2))
    issues = _critical(r, values, x.register, end, lang)
    for text in issues or [_t("rekomendasi.tidak_ada", lang)]:
        b.append(Para(f"• {text}"))
    b.append(Heading(_t("lokakarya.tabel", lang), 2))
    header = [_t(f"lokakarya.kolom.{c}", lang) for c in r.lokakarya.kolom]
    rows = [[str(i) if c == "nomor" else "" for c in r.lokakarya.kolom] for i in range(1, r.lokakarya.baris_kosong + 1)]
    widths = [0.4 if c == "nomor" else 1.0 if c == "batas_waktu" else 2 for c in r.lokakarya.kolom]
    b.append(Table(header, rows, widths))
    b.append(Para(_t("lokakarya.tanda_tangan", lang)))


#: The report's sections by the names the recipe (``laporan.yml`` ``bagian``) lists them in.
_SECTIONS: dict[str, Callable[[_Context], None]] = {
    "identitas": _section_identitas,
    "angka_kunci": _section_angka_kunci,
    "anak": _section_anak,
    "indikator": _section_indikator,
    "tren": _section_tren,
    "peta": _section_peta,
    "kegiatan": _section_kegiatan,
    "skrining": _section_skrining,
    "pengaduan": _section_pengaduan,
    "tindak_lanjut": _section_tindak_lanjut,
    "rekomendasi": _section_rekomendasi,
    "lokakarya": _section_lokakarya,
}


def content(x: Inputs, work: Path, lang: str | None = None, r: ReportRecipe | None = None) -> Document:
    """The report of one unit as blocks (the trend chart is drawn into ``work``).

    Parameters
    ----------
    x : Inputs
        The unit's analysed rows.
    work : Path
        A folder for the chart picture.
    lang : {"id", "en"}, optional
        Default ``settings.language``.
    r : ReportRecipe, optional
        Default :func:`recipe`.
    """
    lang = lang or settings.language
    r = r or recipe()
    end = period_end(x.periode)
    unit_name = wil.display_name(x.nama, x.kode, lang)
    doc = Document(title=_t("judul", lang, nama=unit_name, periode=x.periode), subject=_t("subjek", lang),
                   date=end, lang=lang)  # fmt: skip
    b = doc.blocks
    own = x.own.to_dict()
    acc = access(x.kumuh, x.tingkat, x.periode, x.baseline)
    own_acc = acc.iloc[0].to_dict() if len(acc) else {}
    values = {**own, **{k: own_acc.get(k) for k in (*ACCESS_FIGURES, *(f"{a}_awal" for a in ACCESS_FIGURES))}}
    counts_tl = tindak_lanjut.counts(x.register, end)
    level = x.tingkat
    b.append(Heading(doc.title, 0))
    c = _Context(x, r, lang, b, end, own, values, level, work, unit_name, counts_tl)
    for section in r.bagian:
        _SECTIONS[section](c)
    return doc


def _met(k: KeyFigure, value: Any, lang: str) -> str:
    if k.target is None or _missing(value):
        return "–"
    ok = float(value) >= k.target if k.arah == "naik" else float(value) <= k.target
    return _t("tercapai" if ok else "belum_tercapai", lang)


def _activities(kegiatan: pd.DataFrame, lang: str) -> list[list[str]]:
    spec = catalog.layer("kegiatan").column("status")
    rows = []
    for code in spec.codes():
        part = kegiatan[kegiatan["status"] == code] if len(kegiatan) else kegiatan
        mean = pd.to_numeric(part["progres_fisik"], errors="coerce").mean() if len(part) else None
        cost = pd.to_numeric(part["biaya_idr"], errors="coerce").sum() if len(part) else 0.0
        rows.append(
            [
                spec.value(code).label(lang),
                str(len(part)),
                _num(mean, "progres_fisik_rerata", lang),
                _num(cost, "biaya_idr_total", lang),
            ]
        )
    return rows


def _findings(x: Inputs, lang: str, limit: int) -> list[Block]:
    t = x.temuan
    if len(t) == 0:
        return [Para(_t("skrining.tidak_ada", lang))]
    t = t[t["status"] != "peringatan"]
    if len(t) == 0:
        return [Para(_t("skrining.tidak_ada", lang))]
    info = pd.DataFrame(x.kegiatan[["id_kegiatan", "kode_kelurahan", "nama"]]).drop_duplicates("id_kegiatan")
    t = t.merge(info, on="id_kegiatan", how="left").sort_values(["status", "id_kegiatan", "aturan"], kind="stable")
    rows = [
        [str(v["id_kegiatan"]), str(v.get("nama") or ""), wil.display_name(x.names.get(v["kode_kelurahan"], v["kode_kelurahan"]),
                                                                            v["kode_kelurahan"], lang),
         str(v["aturan"]), i18n.text(f"screening.status.{v['status']}", lang)]
        for v in t.head(limit).to_dict("records")
    ]  # fmt: skip
    out: list[Block] = [Table([_t("kolom.kegiatan", lang), _t("kolom.nama", lang), _t("kolom.kelurahan", lang),
                               _t("kolom.butir", lang), _t("kolom.status", lang)], rows, [1.3, 2.2, 1.5, 0.6, 1.1])]  # fmt: skip
    if len(t) > limit:
        out.append(Para(_t("skrining.lainnya", lang, count=len(t) - limit)))
    return out


def _register_by_kind(register: pd.DataFrame, as_of: dt.date, lang: str) -> list[list[str]]:
    if len(register) == 0:
        return []
    late = tindak_lanjut.overdue(register, as_of)
    open_ = register["status"] != tindak_lanjut.rules().closed
    rows = []
    for jenis in tindak_lanjut.rules().jenis:
        mask = (register["jenis"] == jenis).to_numpy()
        if not mask.any():
            continue
        levels = sorted(set(register.loc[mask & open_.to_numpy(), "tingkat"]), key=wil.ROLLUP_LEVELS.index)
        who = ", ".join(tindak_lanjut.coordinator_label(lv, lang) for lv in levels) or "–"
        rows.append([tindak_lanjut._label("jenis", jenis, lang), str(int((mask & open_.to_numpy()).sum())),
                     str(int((mask & late.to_numpy()).sum())), who])  # fmt: skip
    return rows


def _open_kinds(register: pd.DataFrame) -> list[tuple[str, int]]:
    if len(register) == 0:
        return []
    open_ = register[register["status"] != tindak_lanjut.rules().closed]
    return [(j, int((open_["jenis"] == j).sum())) for j in tindak_lanjut.rules().jenis if (open_["jenis"] == j).any()]


def _recommendations(r: ReportRecipe, values: dict[str, Any], register: pd.DataFrame, lang: str) -> list[str]:
    out = []
    for k in r.angka_kunci:
        if k.rekomendasi is not None and _met(k, values.get(k.angka), lang) == _t("belum_tercapai", lang):
            out.append(k.rekomendasi(lang))
    for jenis, n in _open_kinds(register):
        out.append(f"{tindak_lanjut._label('jenis', jenis, lang)} ({n}): {tindak_lanjut.recommendation(jenis, lang)}")
    return out


def _critical(r: ReportRecipe, values: dict[str, Any], register: pd.DataFrame, as_of: dt.date, lang: str) -> list[str]:
    out = []
    for k in r.angka_kunci:
        if k.target is not None and _met(k, values.get(k.angka), lang) == _t("belum_tercapai", lang):
            out.append(_t("lokakarya.target", lang, angka=_label(k.angka, lang), nilai=_num(values.get(k.angka), k.angka, lang),
                          target=_num(k.target, k.angka, lang)))  # fmt: skip
    late = tindak_lanjut.overdue(register, as_of) if len(register) else pd.Series([], dtype=bool)
    for jenis, n in _open_kinds(register):
        m = int((late & (register["jenis"] == jenis)).sum())
        out.append(_t("lokakarya.jenis", lang, jenis=tindak_lanjut._label("jenis", jenis, lang), n=n, terlambat=m))
    return out


# -- from a store ------------------------------------------------------------------------------------
def laporan(
    store: Any,
    kode: str | None,
    periode: str,
    out: str | Path | Sequence[str | Path],
    *,
    baseline: str | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Write the monev report of one unit and period to DOCX and/or PDF.

    Parameters
    ----------
    store : Store
        An open store.
    kode : str or None
        The unit (any code form); None or ``""``: the nation.
    periode : str
        The period reported (a stored period of ``kawasan_kumuh``).
    out : path or list of paths
        ``.docx`` and/or ``.pdf`` files.
    baseline : str, optional
        Default the earliest stored period.
    lang : {"id", "en"}, optional
        Default ``settings.language``.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile, os, kotaku_gis as kg
    >>> folder = tempfile.mkdtemp()
    >>> store = kg.open_store(os.path.join(folder, "contoh.gpkg")); _ = kg.build_sample_store(store)
    >>> [p.suffix for p in kg.laporan(store, "61.71", "2026Q3", [os.path.join(folder, "l.docx"), os.path.join(folder, "l.pdf")])]
    ['.docx', '.pdf']
    """
    import tempfile

    from kotaku_gis import screening
    from kotaku_gis.mappack import _data as data
    from kotaku_gis.mappack import _unit as unit

    lang = lang or settings.language
    outputs = [out] if isinstance(out, (str, Path)) else list(out)
    for o in outputs:
        if Path(o).suffix.lower() not in (".docx", ".pdf"):
            raise UsageError(i18n.text("laporan.out_suffix", path=Path(o).name))
    try:
        code = wil.normalize_kode(kode) if kode not in (None, "") else ""
    except ValueError as exc:
        raise UsageError(i18n.text("laporan.kode_invalid", kode=kode, reason=str(exc))) from exc
    tingkat = wil.tingkat(code)
    periode, baseline = progress.resolve_periods(store.periods("kawasan_kumuh"), periode, baseline)
    area = data.read_layers(store, periode, baseline, code or None)
    names = {str(k): str(n) for k, n in zip(area["wilayah"]["kode"], area["wilayah"]["nama"])}
    if code and code not in names:
        raise UsageError(i18n.text("laporan.no_unit", kode=code))
    nama = names.get(code, progress.NAMA_NASIONAL)
    levels = wil.ROLLUP_LEVELS
    child = levels[levels.index(tingkat) + 1] if tingkat != "kelurahan" else None
    now = area["kegiatan"]
    lindung = screening.protected_near(store, now.bounds) if len(now) else store.read("kawasan_lindung", bbox=(0, 0, 0, 0))
    unit.use_store(store)  # the pack's unit code reads the decrees (and draws the map) from this store
    decrees = store.decrees()
    a = unit.analyse(area, lindung, tingkat=tingkat, kode=code, child=child, periode=periode, baseline=baseline,
                     lowest=child or tingkat, lang=lang, decrees=decrees)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="kotaku_laporan_") as tmp:
        work = Path(tmp)
        peta = _picture(store, area, a, lindung, tingkat, code, nama, child, periode, baseline, lang, work)
        inputs = Inputs(tingkat=tingkat, kode=code, nama=nama, periode=periode, baseline=baseline,
                        own=a.per_level[tingkat].iloc[0], children=a.per_level.get(child) if child else None, child=child,
                        kumuh=pd.DataFrame(area["kawasan_kumuh"].drop(columns="geometry")), kegiatan=a.now, temuan=a.temuan,
                        register=pd.DataFrame(area["tindak_lanjut"].drop(columns="geometry")), names=names, peta=peta,
                        decrees=decrees)  # fmt: skip
        return write(content(inputs, work, lang), outputs)


def _picture(
    store: Any,
    area: dict[str, gpd.GeoDataFrame],
    a: Any,
    lindung: gpd.GeoDataFrame,
    tingkat: str,
    kode: str,
    nama: str,
    child: str | None,
    periode: str,
    baseline: str,
    lang: str,
    work: Path,
) -> Path | None:
    """The map picture, drawn as the map pack draws it (:func:`kotaku_gis.mappack._unit._maps`)."""
    from kotaku_gis.mappack import _unit as unit
    from kotaku_gis.mappack import recipe as pack_recipe

    if not len(area["wilayah"]):
        return None
    task = unit.Task(tingkat=tingkat, kode=kode, nama=nama, child=child, fingerprint="laporan", inputs={},
                     periode=periode, baseline=baseline, produk=("png",), tabel=(), progres_sampai=child or tingkat,
                     folder_aset="aset", png_dpi=pack_recipe().png.dpi, lang=lang, sumber=(), work=str(work))  # fmt: skip
    written = unit._maps(task, area, area["kawasan_kumuh"], a.now, a.temuan, lindung.reset_index(drop=True), a.levels, work,
                         progress.dropped_ids(a.per_lokasi))  # fmt: skip
    return work / written[0] if written else None
