"""The progress map of one unit (peta kemajuan): a web page that works offline.

For a unit (the nation, a provinsi, kab/kota, kecamatan or kelurahan) and one period the page
shows

- a choropleth of the unit's children one level down, switchable between their slum level and the
  reduction of slum area since the baseline (radio buttons in the layer control), with a legend;
- the slum locations coloured by level; the activities coloured by status, filled by physical
  progress; the activities with screening findings ringed and labelled with their negative-list
  item numbers; protected areas and setback zones; the unit's boundary;
- popups (Bahasa Indonesia by default): name and code, the 7+1 indicators as a small bar chart
  (inline SVG), slum area and score at the baseline and now, activities and findings;
- a layer control, a scale bar, a search box over the kelurahan names, a title block with the
  period and the data date, and the attribution of every source.

The page loads nothing from the network: Leaflet and the map's own script are inlined (or shared
from a folder next to the page, see :mod:`kotaku_gis.maps._assets`), base tiles are an optional
layer that starts switched off, and markers are circles (no icon images). The layers are written
as one compact JSON payload (boundaries simplified as a coverage, coordinates rounded and written
as delta-encoded integers by :mod:`kotaku_gis.maps._encode`, only the columns the popups show) that
``assets/kotaku/kotaku_map.js`` turns into Leaflet layers, so popups are built when opened instead
of being stored as HTML per feature.

Examples
--------
>>> from kotaku_gis.maps import progress_map, synthetic_inputs
>>> m = progress_map(synthetic_inputs(n_kelurahan=4, n_kegiatan=10))
>>> type(m).__name__
'OfflineMap'
>>> html = m.get_root().render()
>>> "cdn." in html or "<script src=" in html
False
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from kotaku_gis import catalog, i18n, scoring, settings, wilayah
from kotaku_gis.errors import UsageError
from kotaku_gis.maps._assets import parse_mode, write_assets
from kotaku_gis.maps._encode import encode_geometries
from kotaku_gis.maps._prepare import ABSENT_CLASSES, MapInputs, Prepared, prepare
from kotaku_gis.maps._recipe import recipes

if TYPE_CHECKING:  # pragma: no cover
    import folium

_ASPECTS = range(1, 9)


# -- values ------------------------------------------------------------------------------------------
def _plain(v: Any) -> Any:
    """A JSON value: None for missing, floats rounded to 2 places, numpy scalars unwrapped."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return None
        r = round(v, 2)
        return int(r) if r.is_integer() else r
    if isinstance(v, (bool, int, str)):
        return v
    return str(v)


def _layer(frame: pd.DataFrame | None, cols: list[str], decimals: int, geometry: str = "geometry") -> dict[str, Any] | None:
    """A layer as columns, rows and geometries (the JSON the page's script reads); the geometries as
    integers in units of ``10**-decimals`` degree, delta-encoded (:mod:`kotaku_gis.maps._encode`)."""
    if frame is None or len(frame) == 0:
        return None
    cols = [c for c in cols if c in frame.columns]
    rows = [[_plain(v) for v in row] for row in frame[cols].astype(object).to_numpy().tolist()]
    out = {"cols": cols, "rows": rows, "decimals": decimals, "geoms": encode_geometries(frame[geometry].to_numpy(), decimals)}
    texts = _shared_texts(rows, len(cols))
    if any(t is not None for t in texts):
        out["texts"] = texts
    return out


def _shared_texts(rows: list[list[Any]], width: int) -> list[list[str] | None]:
    """Send a text that repeats over a layer's rows once: for each column whose values are all texts
    (or missing) and repeat (at most half as many distinct texts as rows: a source, a category), the
    distinct texts in order of first use, and the rows' values replaced by their positions in it (in
    place); None for the other columns. The page's script looks them up (``props`` in kotaku_map.js).

    Examples
    --------
    >>> rows = [["a", "WDPA", 1], ["b", "WDPA", 2], ["c", None, 3], ["d", "WDPA", 4], ["e", "KLHK", 5]]
    >>> _shared_texts(rows, 3), [r[1] for r in rows]
    ([None, ['WDPA', 'KLHK'], None], [0, 0, None, 0, 1])
    """
    texts: list[list[str] | None] = [None] * width
    for j in range(width):
        values = [row[j] for row in rows]
        if not all(v is None or isinstance(v, str) for v in values):
            continue
        distinct = list(dict.fromkeys(v for v in values if v is not None))
        if not distinct or len(distinct) * 2 > len(rows):
            continue
        position = {t: i for i, t in enumerate(distinct)}
        for row in rows:
            row[j] = None if row[j] is None else position[row[j]]
        texts[j] = distinct
    return texts


# -- styles ------------------------------------------------------------------------------------------
def _style(layer: str) -> dict[str, Any]:
    """The catalogue style of ``layer`` as Leaflet path options (plus ``colors``/``radius``)."""
    s = catalog.layer(layer).style
    out: dict[str, Any] = {"color": s.stroke, "weight": s.weight, "fillOpacity": s.fill_opacity}
    if s.fill:
        out["fillColor"] = s.fill
    if s.dash:
        out["dashArray"] = s.dash
    if s.radius:
        out["radius"] = s.radius
    if s.colors:
        out["colors"] = dict(s.colors)
    return out


def _styles() -> dict[str, Any]:
    r = recipes()
    wil = _style("wilayah")
    boundary = {"color": wil["color"], "weight": r.boundary.weight, "fill": False}
    if r.boundary.dash:
        boundary["dashArray"] = r.boundary.dash
    lindung = _style("kawasan_lindung")
    sempadan = dict(lindung, fillOpacity=r.setback.fill_opacity, weight=r.setback.weight)
    if r.setback.dash:
        sempadan["dashArray"] = r.setback.dash
    return {
        "wilayah": dict(wil, fillOpacity=r.choropleth.fill_opacity),
        "batas": boundary,
        "kumuh": _style("kawasan_kumuh"),
        "kegiatan": _style("kegiatan"),
        "lindung": lindung,
        "sempadan": sempadan,
        "temuan": {
            "color": r.finding.color,
            "weight": r.finding.weight,
            "extra": r.finding.ring_extra_radius,
            "maxLabels": r.finding.max_labels,
        },
        "progressMin": r.progress.min_opacity,
        "none": r.choropleth.none_color,
    }


# -- words ---------------------------------------------------------------------------------------------
def _t(key: str, lang: str, **params: Any) -> str:
    return i18n.text(f"maps.{key}", lang, **params)


def _vocab(lang: str) -> dict[str, dict[str, str]]:
    klas = scoring.classification()
    levels = {k: v(lang) for k, v in klas.labels.get("level", {}).items()}
    levels.update({k: _t(f"kelas_lokasi.{k}", lang) for k in ABSENT_CLASSES})
    kegiatan = catalog.layer("kegiatan")
    lindung = catalog.layer("kawasan_lindung")
    return {
        "tingkat": levels,
        "status": {v.code: v.label(lang) for v in kegiatan.column("status").values or []},
        "jenis": {v.code: v.label(lang) for v in kegiatan.column("jenis").values or []},
        "kategori": {v.code: v.label(lang) for v in lindung.column("kategori").values or []},
    }


def _modes(p: Prepared, lang: str) -> list[dict[str, Any]]:
    r = recipes()
    per = _t(f"per_child.{p.child_level or 'self'}", lang)
    baseline = p.inputs.baseline or "baseline"
    out = []
    for m in r.choropleth.modes:
        label = _t(f"layer.{m.key}", lang, per=per, baseline=baseline)
        entry: dict[str, Any] = {"key": m.key, "column": m.column, "kind": m.kind, "label": label}
        if m.kind == "categorical":
            style = catalog.layer(m.style_layer or "").style
            names = _vocab(lang)["tingkat"]
            entry["classes"] = [
                {"value": v, "label": names.get(v, v), "color": (style.colors or {}).get(v, r.choropleth.none_color)}
                for v in m.values or []
            ]
        else:
            b, colors = m.breaks or [], m.colors or []
            classes = [{"label": _t("legend.below", lang, max=_num(b[0])), "color": colors[0]}]
            for lo, hi, c in zip(b, b[1:], colors[1:]):
                classes.append({"label": _t("legend.range", lang, min=_num(lo), max=_num(hi)), "color": c})
            classes.append({"label": _t("legend.above", lang, min=_num(b[-1])), "color": colors[-1]})
            entry["breaks"] = b
            entry["classes"] = classes
        entry["none"] = {"label": _t("legend.none", lang), "color": r.choropleth.none_color}
        out.append(entry)
    return out


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _labels(p: Prepared, lang: str) -> dict[str, str]:
    now, base = p.inputs.periode, p.inputs.baseline or "baseline"
    keys = ["kumuh", "kegiatan", "temuan", "lindung", "sempadan"]
    out = {f"layer_{k}": _t(f"layer.{k}", lang) for k in keys}
    out["layer_batas"] = _t("layer.batas", lang, nama=p.nama)
    for k in ("title", "none", "kumuh", "kegiatan", "progres", "temuan", "temuan_zoom", "lindung", "sempadan", "batas"):
        out[f"legend_{k}"] = _t(f"legend.{k}", lang)
    simple = [
        "kode",
        "kelurahan",
        "penurunan",
        "kegiatan",
        "kegiatan_status",
        "temuan",
        "temuan_count",
        "no_findings",
        "finding",
        "distance",
        "jenis",
        "status",
        "progres",
        "biaya",
        "lokasi_kumuh",
        "kategori",
        "sumber",
        "lebar",
        "no_data",
        "chart",
        "chart_none",
        "lokasi_keluar",
        "progres_rerata",
    ]
    for k in simple:
        out[f"popup_{k}"] = _t(f"popup.{k}", lang)
    out["popup_chart_baseline"] = _t("popup.chart_baseline", lang, baseline=base)
    for k in ("luas", "nilai", "tingkat", "lokasi"):
        out[f"popup_{k}_awal"] = _t(f"popup.{k}", lang, periode=base)
        out[f"popup_{k}"] = _t(f"popup.{k}", lang, periode=now)
    out["search_placeholder"] = _t("search.placeholder", lang, apa=", ".join(_t(f"search.apa.{k}", lang) for k in _searched(p)))
    out["search_not_found"] = _t("search.not_found", lang, query="{query}")
    return out


def _searched(p: Prepared) -> list[str]:
    """What the search box finds, from its entries: levels of areas, then ``lokasi`` (slum locations)."""
    kinds = {"lokasi" if key.startswith("lokasi:") else wilayah.tingkat(key) for _, key, _ in p.search}
    order = [*wilayah.ROLLUP_LEVELS, "lokasi"]
    return sorted(kinds, key=order.index) or [p.child_level or "kelurahan"]


def _popups(p: Prepared) -> dict[str, list[list[str]]]:
    """Rows of each layer's popup: [label key, column, format]; rows whose value is empty are left
    out by the page, so one specification serves maps with and without a baseline."""
    return {
        "wilayah": [
            ["popup_kode", "kode", "text"],
            ["popup_tingkat_awal", "tingkat_awal", "vocab:tingkat"],
            ["popup_tingkat", "tingkat", "vocab:tingkat"],
            ["popup_luas_awal", "luas_awal_ha", "ha"],
            ["popup_luas", "luas_ha", "ha"],
            ["popup_penurunan", "penurunan_pct", "pct"],
            ["popup_nilai_awal", "nilai_awal", "num"],
            ["popup_nilai", "nilai", "num"],
            ["popup_lokasi_awal", "lokasi_awal", "int"],
            ["popup_lokasi", "lokasi", "int"],
            ["popup_lokasi_keluar", "lokasi_keluar", "int"],
            ["popup_kegiatan", "kegiatan_total", "kegiatan"],
            ["popup_progres_rerata", "progres_rerata", "pct"],
            ["popup_temuan", "temuan_total", "temuan"],
        ],
        "kumuh": [
            ["popup_kelurahan", "nama_kelurahan", "text"],
            ["popup_tingkat_awal", "tingkat_kekumuhan_awal", "vocab:tingkat"],
            ["popup_tingkat", "tingkat_kekumuhan", "vocab:tingkat"],
            ["popup_luas_awal", "luas_ha_awal", "ha"],
            ["popup_luas", "luas_ha", "ha"],
            ["popup_nilai_awal", "nilai_kekumuhan_awal", "num"],
            ["popup_nilai", "nilai_kekumuhan", "num"],
            ["popup_kegiatan", "kegiatan_total", "int"],
        ],
        "kegiatan": [
            ["popup_jenis", "jenis", "vocab:jenis"],
            ["popup_status", "status", "vocab:status"],
            ["popup_progres", "progres_fisik", "pct"],
            ["popup_biaya", "biaya_idr", "idr"],
            ["popup_kelurahan", "nama_kelurahan", "text"],
            ["popup_lokasi_kumuh", "id_lokasi", "text"],
        ],
        "lindung": [
            ["popup_kategori", "kategori", "vocab:kategori"],
            ["popup_sumber", "sumber", "text"],
        ],
        "sempadan": [
            ["popup_kategori", "kategori", "vocab:kategori"],
            ["popup_lebar", "sempadan_m", "m"],
            ["popup_lebar", "lebar_m", "m"],
        ],
    }


def _findings(p: Prepared, lang: str) -> dict[str, list[list[Any]]]:
    t = p.temuan
    if t is None or t.empty:
        return {}
    status_key = "status" if "status" in t.columns else None
    out: dict[str, list[list[Any]]] = {}
    kategori = _vocab(lang)["kategori"]
    for row in t.itertuples(index=False):
        d = row._asdict()
        status = d.get(status_key) if status_key else None
        label = _finding_status(status, lang)
        kat = d.get("kategori")
        out.setdefault(str(d["id_kegiatan"]), []).append(
            [
                d["aturan"],
                label,
                kategori.get(kat, kat) if isinstance(kat, str) else None,
                _plain(d.get("id_kawasan")),
                _plain(d.get("jarak_m")),
                _plain(d.get("keterangan")),
            ]
        )
    return out


def _finding_status(status: Any, lang: str) -> str | None:
    """The label of a screening status (from the screening's own vocabulary when it has one)."""
    if status is None or (isinstance(status, float) and math.isnan(status)):
        return None
    key = f"screening.status.{status}"
    strings = i18n.strings(lang)
    return strings.get(key, str(status))


def _chart(lang: str) -> dict[str, Any]:
    r = recipes().chart
    rs = scoring.default_rule_set()
    names = {a.number: f"{a.number}. {a.name(lang)}" for a in rs.aspects}
    plus = rs.view_7plus1.plus_one
    names[plus.number] = f"+1. {plus.name(lang)}"
    return {
        "names": [names.get(k, str(k)) for k in _ASPECTS],
        "short": [str(k) if k < plus.number else "+1" for k in _ASPECTS],
        "bands": [b.min for b in rs.share_bands],
        "colors": r.band_colors,
        "baselineColor": r.baseline_color,
        "width": r.width,
        "height": r.height,
    }


def _sources(p: Prepared, lang: str, tiles: bool) -> list[str]:
    keys = list(p.sources)
    if tiles and recipes().tiles.source not in keys:
        keys.append(recipes().tiles.source)
    known = set(recipes().sources.keys)
    return [_t(f"source.{k}", lang) if k in known else k for k in keys]


def titles(p: Prepared, lang: str) -> tuple[str, str, str]:
    """(title, unit line, subtitle) of the map of ``p``, in ``lang``."""
    i = p.inputs
    code = wilayah.normalize_kode(i.kode) if i.tingkat != "nasional" else ""
    unit = wilayah.display_name(p.nama, code, lang) + (f" ({code})" if code else "")
    tanggal = i.tanggal_data or _t("date_unknown", lang)
    if i.baseline:
        sub = _t("subtitle", lang, periode=i.periode, baseline=i.baseline, tanggal=tanggal)
    else:
        sub = _t("subtitle_no_baseline", lang, periode=i.periode, tanggal=tanggal)
    return _t("title", lang), unit, sub


def _layers(p: Prepared) -> dict[str, Any]:
    """The map's layers with the columns their popups show (activities with their anchors), their
    geometries at the level's decimals (the choropleth and outline at ``simplify``'s, the rest at
    ``features``')."""
    wil_cols = ["kode", "nama", *[c for c in p.wilayah.columns if c not in ("kode", "nama", "geometry")]]
    kumuh_cols = [
        "id_lokasi",
        "nama_kawasan",
        *[c for c in (p.kumuh.columns if p.kumuh is not None else []) if c not in ("id_lokasi", "nama_kawasan", "geometry")],
    ]
    keg_cols = [
        "id_kegiatan",
        "nama",
        "jenis",
        "status",
        "progres_fisik",
        "biaya_idr",
        "kode_kelurahan",
        "nama_kelurahan",
        "id_lokasi",
        "aturan",
    ]
    lin_cols = ["id_kawasan", "nama", "kategori", "sumber", "sempadan_m", "lebar_m"]
    own, drawn = p.recipe.simplify.decimals, p.recipe.features.decimals
    kegiatan = _layer(p.kegiatan, keg_cols, drawn)
    if kegiatan is not None and p.kegiatan is not None:  # each activity's point for its findings' ring, [x, y] as its geometry
        kegiatan["anchors"] = [g and g["coordinates"] for g in encode_geometries(p.kegiatan["anchor"].to_numpy(), drawn)]
    return {
        "wilayah": _layer(p.wilayah, wil_cols, own),
        "kumuh": _layer(p.kumuh, kumuh_cols, drawn),
        "kegiatan": kegiatan,
        "lindung": _layer(p.lindung, lin_cols, drawn),
        "sempadan": _layer(p.sempadan, lin_cols, drawn),
        "batas": _batas(p, own),
    }


def _batas(p: Prepared, decimals: int) -> Any:
    """The unit's outline as a layer of one geometry (no columns), or ``"wilayah"`` when it is the
    choropleth's one polygon (a kelurahan map colours the unit itself): the page's script then
    outlines the choropleth's geometry instead of reading the same boundary twice."""
    own = p.wilayah.geometry
    if len(own) == 1 and own.iloc[0] is not None and shapely.equals_exact(own.iloc[0], p.batas, tolerance=0):
        return "wilayah"
    return {"decimals": decimals, "geoms": encode_geometries([p.batas], decimals)}


# -- the page ------------------------------------------------------------------------------------------
def payload(p: Prepared, *, lang: str | None = None, tiles: bool = False, mode: str | None = None) -> dict[str, Any]:
    """The JSON the page's script draws (see ``assets/kotaku/kotaku_map.js``)."""
    lang = lang or settings.language
    i18n.strings(lang)  # an unknown language is a UsageError here
    r = recipes()
    mode = mode or r.choropleth.modes[0].key
    r.mode(mode)
    title, unit, sub = titles(p, lang)
    west, south, east, north = p.bounds
    out: dict[str, Any] = {
        "lang": lang,
        "title": title,
        "unit": unit,
        "subtitle": sub,
        "bounds": [[south, west], [north, east]],
        "attribution": _sources(p, lang, tiles),
        "mode": mode,
        "modes": _modes(p, lang),
        "styles": _styles(),
        "labels": _labels(p, lang),
        "vocab": _vocab(lang),
        "popups": _popups(p),
        "chart": _chart(lang),
        "layers": _layers(p),
        "findings": _findings(p, lang),
        "search": [[label, key, list(box)] for label, key, box in p.search],
        "tiles": None,
    }
    if tiles:
        t = recipes().tiles
        out["tiles"] = {"url": t.url, "maxZoom": t.max_zoom, "label": _t("layer.tiles", lang)}
    return out


def progress_map(
    inputs: MapInputs | Prepared,
    *,
    lang: str | None = None,
    tiles: bool = False,
    assets: str = "inline",
    mode: str | None = None,
) -> folium.Map:
    """The progress map of one unit as a folium map (shows inline in Jupyter).

    Parameters
    ----------
    inputs : MapInputs or Prepared
        The unit, period and frames to draw (:func:`kotaku_gis.maps.map_inputs` reads them from a
        store; tests and notebooks may build them by hand), or what :func:`~kotaku_gis.maps.prepare`
        made of them (to draw the same data as HTML and PNG without preparing it twice).
    lang : {"id", "en"}, optional
        Language of everything on the map (default ``settings.language``, Bahasa Indonesia).
    tiles : bool
        Add OpenStreetMap tiles as a layer that starts switched off (they need internet).
    assets : str
        ``"inline"`` (default: one self-contained page) or ``"shared:<relative dir>"``; see
        :func:`save_map`.
    mode : {"tingkat", "penurunan"}, optional
        The choropleth shown first (default: the first mode of ``recipes.yml``).

    Returns
    -------
    folium.Map
        An :class:`~kotaku_gis.maps._folium.OfflineMap`; ``save_map(m, "peta.html")`` writes it.

    Raises
    ------
    UsageError
        Unknown level, language, mode or asset mode; a code of another level; no child boundaries;
        slum locations that were not scored.

    Examples
    --------
    >>> from kotaku_gis.maps import progress_map, synthetic_inputs
    >>> m = progress_map(synthetic_inputs(n_kelurahan=3, n_kegiatan=5), lang="en")
    >>> "Slum Upgrading Progress" in m.get_root().render()
    True
    """
    parse_mode(assets)
    from kotaku_gis.maps._folium import new_map

    p = inputs if isinstance(inputs, Prepared) else prepare(inputs)
    data = payload(p, lang=lang, tiles=tiles, mode=mode)
    title = f"{data['title']}: {data['unit']}"
    return new_map(data, assets=assets, title=title)


def save_map(m: folium.Map, path: str | Path, *, assets: str | None = None) -> Path:
    """Write a map page; with ``assets="shared:<dir>"`` also the shared assets into ``<dir>``.

    Parameters
    ----------
    m : folium.Map
        A map from :func:`progress_map`.
    path : str or Path
        The ``.html`` file to write (its folder is created).
    assets : str, optional
        ``"inline"`` or ``"shared:<relative dir>"`` (relative to the page's folder); default the
        map's own setting.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kotaku_gis.maps import progress_map, save_map, synthetic_inputs
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> m = progress_map(synthetic_inputs(n_kelurahan=3, n_kegiatan=5))
    >>> page = save_map(m, folder / "peta.html", assets="shared:aset")
    >>> (folder / "aset" / "leaflet" / "leaflet.js").is_file()
    True
    """
    path = Path(path)
    mode = assets if assets is not None else getattr(m, "assets", "inline")
    kind, folder = parse_mode(mode)
    if not hasattr(m, "assets"):
        raise UsageError(i18n.text("maps.error.not_ours"))
    m.assets = mode
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "shared":
        write_assets(path.parent / str(folder))
    html = m.get_root().render()
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path
