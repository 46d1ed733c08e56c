"""What a progress map shows, made ready to draw: the inputs of a map and their preparation.

:class:`MapInputs` holds frames that were read and analysed elsewhere (scored slum locations,
the progress roll-up, screening findings): a map computes no score. :func:`prepare` selects the
unit's children, simplifies them as a coverage, joins the roll-up and the baseline to the current
period, counts activities and findings per child, and rounds everything, for both the web page
(:mod:`kotaku_gis.maps.progress_map`) and the print version (:mod:`kotaku_gis.maps.static`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kotaku_gis import i18n, settings, wilayah
from kotaku_gis.errors import UsageError
from kotaku_gis.maps._recipe import TINGKAT, LevelRecipe, recipes
from kotaku_gis.maps._simplify import METRES_PER_DEGREE, simplify_coverage, simplify_features

#: Columns a scored slum-location frame must have (what ``kotaku_gis.score`` adds).
SCORED_COLUMNS: tuple[str, ...] = ("nilai_kekumuhan", "tingkat_kekumuhan")
_ASPECTS = range(1, 9)

#: The protected areas and setback zones are drawn to this share of the unit's larger side beyond
#: its box (what lies just outside still matters to the activities near the border).
CLIP_MARGIN = 0.05


@dataclass
class MapInputs:
    """The frames a progress map of one unit is drawn from (all in EPSG:4326).

    Parameters
    ----------
    tingkat : {"nasional", "provinsi", "kabkota", "kecamatan", "kelurahan"}
        Level of the unit mapped.
    kode : str
        Kemendagri code of the unit (``""`` for nasional).
    periode : str
        The period shown ("now").
    wilayah : GeoDataFrame
        Boundaries with ``kode``, ``nama`` and geometry holding at least the unit's children one
        level down (for a kelurahan map: the kelurahan itself); other rows (the unit, kelurahan
        for the search box) are used when present. ``store.read("wilayah", kode=...)`` fits.
    baseline : str, optional
        The baseline period (SK Kumuh).
    rollup : DataFrame, optional
        The progress roll-up of the children (``kotaku_gis.progress.rollup``); its columns are
        named in ``recipes.yml`` (``rollup_columns``).
    kumuh, kumuh_awal : GeoDataFrame, optional
        Slum locations of the period and of the baseline, already scored (``kotaku_gis.score``:
        ``nilai_kekumuhan``, ``tingkat_kekumuhan``) and, for the popups' bar chart, with the 7+1
        view (``kotaku_gis.indikator_7plus1``: ``kondisi_aspek_1`` .. ``kondisi_aspek_8``).
    kegiatan : GeoDataFrame, optional
        Activities of the period (the ``kegiatan`` layer).
    temuan : DataFrame, optional
        Screening findings (``kotaku_gis.screening.screen``): ``id_kegiatan``, ``aturan``,
        ``status``, ``id_kawasan``, ``kategori``, ``jarak_m``, ``keterangan``.
    lindung : GeoDataFrame, optional
        Protected areas and the lines that make setbacks (the ``kawasan_lindung`` layer).
    sempadan : GeoDataFrame, optional
        Setback zones as polygons (from the screening), with ``id_kawasan`` and optionally
        ``kategori``, ``nama``, ``sempadan_m``.
    nama : str, optional
        Name of the unit when ``wilayah`` does not hold its row.
    tanggal_data : str, optional
        Date of the data (shown in the title block).
    sumber : list of str
        Extra attribution keys of ``recipes.yml`` ``sources.keys`` (``sintetis``, ``natural_earth``,
        ``wdpa``) or literal lines; the boundary source is always shown.
    lokasi_tidak_ditetapkan : frozenset of str
        Ids of baseline locations that a later decree no longer lists
        (:func:`kotaku_gis.progress.dropped_ids`): drawn as ``tidak_ditetapkan_lagi``; the other
        baseline locations absent from the period are drawn as ``belum_dinilai``.
    """

    tingkat: str
    kode: str
    periode: str
    wilayah: gpd.GeoDataFrame
    baseline: str | None = None
    rollup: pd.DataFrame | None = None
    kumuh: gpd.GeoDataFrame | None = None
    kumuh_awal: gpd.GeoDataFrame | None = None
    kegiatan: gpd.GeoDataFrame | None = None
    temuan: pd.DataFrame | None = None
    lindung: gpd.GeoDataFrame | None = None
    sempadan: gpd.GeoDataFrame | None = None
    nama: str | None = None
    tanggal_data: str | None = None
    sumber: list[str] = field(default_factory=list)
    lokasi_tidak_ditetapkan: frozenset[str] = frozenset()


#: Map classes of the baseline locations absent from the period (colours in the kawasan_kumuh style).
ABSENT_CLASSES = ("belum_dinilai", "tidak_ditetapkan_lagi")


@dataclass
class Prepared:
    """Frames ready to draw (see :func:`prepare`)."""

    inputs: MapInputs
    recipe: LevelRecipe
    child_level: str | None
    nama: str
    #: The choropleth polygons, with ``kode``, ``nama``, the roll-up columns under the map's names
    #: and ``kegiatan_total``/``kegiatan_<status>``/``temuan_total``/``temuan_kegiatan``.
    wilayah: gpd.GeoDataFrame
    batas: Any
    kumuh: gpd.GeoDataFrame | None
    kegiatan: gpd.GeoDataFrame | None
    temuan: pd.DataFrame | None
    lindung: gpd.GeoDataFrame | None
    sempadan: gpd.GeoDataFrame | None
    #: (label, kode, (west, south, east, north)) for the search box.
    search: list[tuple[str, str, tuple[float, float, float, float]]]
    sources: list[str]
    bounds: tuple[float, float, float, float]


def _check_level(tingkat: str, kode: str) -> str:
    if tingkat not in TINGKAT:
        raise UsageError(i18n.text("maps.error.tingkat", tingkat=repr(tingkat), levels=", ".join(TINGKAT)))
    if tingkat == "nasional":
        return ""
    if not kode:
        raise UsageError(i18n.text("maps.error.kode_needed", tingkat=tingkat))
    try:
        code = wilayah.normalize_kode(kode)
    except ValueError as exc:
        raise UsageError(i18n.text("maps.error.kode", kode=repr(kode), error=exc)) from exc
    actual = wilayah.tingkat(code)
    if actual != tingkat:
        raise UsageError(i18n.text("maps.error.level_mismatch", kode=code, actual=actual, tingkat=tingkat))
    return code


def _inside(codes: pd.Series, kode: str) -> np.ndarray:
    """Which codes lie in the unit ``kode`` (all for the nation)."""
    if not kode:
        return np.ones(len(codes), dtype=bool)
    prefix = kode + "."
    values = codes.to_numpy(dtype=object)
    missing = pd.isna(values)
    texts = [v if isinstance(v, str) else str(v) for v in values]  # as astype("string") writes them
    return np.array([not m and (t == kode or t.startswith(prefix)) for m, t in zip(missing, texts)], dtype=bool)


def _levels_of(frame: pd.DataFrame) -> pd.Series:
    if "tingkat" in frame.columns and frame["tingkat"].notna().all():
        return frame["tingkat"].astype(str)
    return wilayah.tingkat_series(frame["kode"].astype(str))


def _child_of(codes: pd.Series, child: str | None, kode: str) -> pd.Series:
    """The child unit (its code) each kelurahan code falls in."""
    if child is None:
        return pd.Series(kode, index=codes.index)
    return wilayah.ancestor_series(codes.astype(str), child)


def _children(w: gpd.GeoDataFrame, code: str, child: str | None) -> gpd.GeoDataFrame:
    """The units the map colours: the children of ``code`` (the unit itself for a kelurahan)."""
    levels = _levels_of(w)
    inside = _inside(w["kode"], code)
    kids = w[(w["kode"] == code).to_numpy()] if child is None else w[inside & (levels == child).to_numpy()]
    if kids.empty:
        if child is None:
            raise UsageError(i18n.text("maps.error.no_unit", kode=code))
        raise UsageError(i18n.text("maps.error.no_children", child=i18n.text(f"maps.tingkat.{child}"), kode=code or "Indonesia"))
    return kids.drop_duplicates("kode").sort_values("kode").reset_index(drop=True)


def _unit_name(w: gpd.GeoDataFrame, code: str, given: str | None) -> str:
    """The unit's name: from its boundary row, else the name given, else its code (Indonesia for the nation)."""
    if code == "":
        return given or i18n.text("maps.indonesia")
    own = w[(w["kode"] == code).to_numpy()]
    return (str(own["nama"].iloc[0]) if not own.empty else given) or code


def prepare(inputs: MapInputs) -> Prepared:
    """Select, simplify, join and round what the map of ``inputs`` shows.

    The level's recipe (``recipes.yml`` ``levels``) says which layers are drawn, how they are
    simplified and what the search box lists. Activities and findings are counted per child from
    ``inputs`` also where they are not drawn (the national map shows the provinces' counts).

    Raises
    ------
    UsageError
        Unknown level, a code of another level, no child boundaries, or slum locations that were
        not scored.

    Examples
    --------
    >>> from kotaku_gis.maps import prepare, synthetic_inputs
    >>> p = prepare(synthetic_inputs(n_kelurahan=6, n_kegiatan=20, n_kecamatan=1))
    >>> len(p.wilayah), p.child_level
    (6, 'kelurahan')
    """
    rec = recipes()
    code = _check_level(inputs.tingkat, inputs.kode)
    level = rec.level(inputs.tingkat)
    child = level.child
    w = inputs.wilayah.to_crs(settings.storage_crs) if inputs.wilayah.crs else inputs.wilayah
    w = w.assign(kode=w["kode"].astype(str))
    kids = _children(w, code, child)
    nama = _unit_name(w, code, inputs.nama)

    s = level.simplify
    size_km = _extent_km(tuple(float(v) for v in kids.total_bounds))
    geoms = simplify_coverage(
        kids.geometry.values,
        tolerance_m=s.tolerance_at(size_km),
        gap_width_m=s.gap_width_m,
        min_part_km2=s.min_part_at(size_km),
        decimals=s.decimals,
    )
    table = pd.DataFrame({"kode": kids["kode"].to_numpy(), "nama": kids["nama"].astype(str).to_numpy()})
    table = _join_rollup(table, inputs.rollup)
    batas = _outline(geoms, 10.0 ** (-s.decimals))

    f = level.features
    draw = set(level.layers)
    rows, temuan = _kegiatan_rows(inputs, code)
    table = _counts(table, child, code, rows, temuan)  # counted also where the activities are not drawn
    kumuh = _kumuh(inputs, code, f.tolerance_m, f.decimals, f.as_points) if "kumuh" in draw else None
    kegiatan = _kegiatan(rows, temuan, f.tolerance_m, f.decimals, f.as_points) if "kegiatan" in draw else None
    temuan = temuan if kegiatan is not None else None
    names = dict(zip(w["kode"], w["nama"].astype(str)))
    for frame in (kumuh, kegiatan):
        if frame is not None:
            frame["nama_kelurahan"] = frame["kode_kelurahan"].map(names)
    if kumuh is not None and rows is not None and "id_lokasi" in rows.columns:
        kumuh["kegiatan_total"] = kumuh["id_lokasi"].map(rows["id_lokasi"].value_counts()).fillna(0).astype(int)
    wil = gpd.GeoDataFrame(table, geometry=list(geoms), crs=settings.storage_crs)
    bounds = tuple(float(v) for v in shapely.bounds(batas))
    context_m = f.context_tolerance_m(_extent_km(bounds))
    lindung = _clip(inputs.lindung, batas, context_m, f.decimals) if "lindung" in draw else None
    sempadan = _clip(inputs.sempadan, batas, context_m, f.decimals) if "sempadan" in draw else None

    return Prepared(
        inputs=inputs,
        recipe=level,
        child_level=child,
        nama=nama,
        wilayah=wil,
        batas=batas,
        kumuh=kumuh,
        kegiatan=kegiatan,
        temuan=temuan,
        lindung=lindung,
        sempadan=sempadan,
        search=_search(w, _inside(w["kode"], code), _levels_of(w), wil, kumuh, level.search_kelurahan),
        sources=_sources(inputs),
        bounds=bounds,  # type: ignore[arg-type]
    )


def _extent_km(bounds: tuple[float, ...]) -> float:
    """The larger side of a box in degrees, in kilometres (a display measure, as in ``_simplify``)."""
    west, south, east, north = bounds
    return max(east - west, north - south) * METRES_PER_DEGREE / 1000.0


def _outline(geoms: np.ndarray, grid: float) -> Any:
    """The unit's outline: the union of its children (as drawn, so they line up exactly).

    Coverage union is fast but needs exactly noded input; rounding to the grid can leave a vertex of
    one child a hair off its neighbour's edge (far below a pixel), so the general union on the same
    grid takes over then.
    """
    present = [g for g in geoms if g is not None and not shapely.is_empty(g)]
    if len(present) == 1:
        return present[0]
    try:
        return shapely.set_precision(shapely.coverage_union_all(present), grid)
    except shapely.errors.GEOSException:
        return shapely.union_all(present, grid_size=grid)


def _join_rollup(table: pd.DataFrame, rollup: pd.DataFrame | None) -> pd.DataFrame:
    if rollup is None or rollup.empty:
        return table
    cols = recipes().rollup_columns
    key = cols["kode"]
    if key not in rollup.columns:
        raise UsageError(i18n.text("maps.error.rollup_key", column=repr(key)))
    r = pd.DataFrame(rollup).copy()
    r[key] = r[key].astype(str)
    rename = {src: name for name, src in cols.items() if src in r.columns and name not in ("kode", "nama")}
    # a roll-up may carry the 7+1 view of each unit too (kondisi_aspek_<k>, kondisi_aspek_<k>_awal)
    extra = [f"kondisi_aspek_{k}{sfx}" for k in _ASPECTS for sfx in ("", "_awal")]
    extra = [c for c in extra if c in r.columns and c not in rename]
    r = r[[key, *rename, *extra]].rename(columns={key: "kode", **rename}).drop_duplicates("kode")
    return table.merge(r, on="kode", how="left")


def _check_scored(frame: pd.DataFrame) -> None:
    missing = [c for c in SCORED_COLUMNS if c not in frame.columns]
    if missing:
        raise UsageError(i18n.text("maps.error.not_scored", columns=", ".join(missing)))


_KUMUH_KEEP = (
    "nama_kawasan",
    "kode_kelurahan",
    "luas_ha",
    "nilai_kekumuhan",
    "tingkat_kekumuhan",
    *[f"kondisi_aspek_{k}" for k in _ASPECTS],
)


def _kumuh(inputs: MapInputs, code: str, tol: float, decimals: int, as_points: bool) -> gpd.GeoDataFrame | None:
    now, awal = inputs.kumuh, inputs.kumuh_awal
    frames = []
    for frame, suffix in ((now, ""), (awal, "_awal")):
        if frame is None or frame.empty:
            continue
        _check_scored(frame)
        fr = frame[_inside(frame["kode_kelurahan"], code)]
        keep = [c for c in _KUMUH_KEEP if c in fr.columns]
        part = pd.DataFrame(fr[["id_lokasi", *keep]]).copy()
        part["tingkat_kekumuhan"] = part["tingkat_kekumuhan"].astype(object)
        part = part.rename(columns={c: c + suffix for c in keep if c not in ("nama_kawasan", "kode_kelurahan")})
        part["geometry"] = fr.geometry.to_numpy()
        frames.append(part.drop_duplicates("id_lokasi"))
    if not frames:
        return None
    out = frames[0]
    if len(frames) == 2:
        a, b = frames
        out = a.merge(b, on="id_lokasi", how="outer", suffixes=("", "_b"))
        for c in ("nama_kawasan", "kode_kelurahan", "geometry"):
            if c + "_b" in out.columns:
                out[c] = out[c].where(out[c].notna(), out[c + "_b"]) if c in out.columns else out[c + "_b"]
        out = out.drop(columns=[c for c in out.columns if c.endswith("_b")])
    if "tingkat_kekumuhan_awal" in out.columns:  # absent now: not reassessed, or left the list by decree
        absent = out["tingkat_kekumuhan"].isna() if "tingkat_kekumuhan" in out.columns else pd.Series(True, index=out.index)
        dropped = out["id_lokasi"].astype(str).isin(inputs.lokasi_tidak_ditetapkan)
        out["tingkat_kekumuhan"] = (
            out.get("tingkat_kekumuhan", pd.Series(None, index=out.index))
            .astype(object)
            .where(~absent, np.where(dropped, ABSENT_CLASSES[1], ABSENT_CLASSES[0]))
        )
    geoms = np.asarray(out["geometry"].to_numpy(), dtype=object)
    geoms = _points(geoms) if as_points else geoms
    out = gpd.GeoDataFrame(
        out.drop(columns="geometry"),
        geometry=list(simplify_features(geoms, tolerance_m=tol, decimals=decimals)),
        crs=settings.storage_crs,
    )
    return out.sort_values("id_lokasi").reset_index(drop=True)


def _points(geoms: np.ndarray) -> np.ndarray:
    out = geoms.copy()
    present = ~shapely.is_missing(out) & ~shapely.is_empty(out)
    out[present] = shapely.point_on_surface(out[present])
    return out


_KEGIATAN_KEEP = ("nama", "jenis", "status", "progres_fisik", "kode_kelurahan", "id_lokasi", "biaya_idr")


def _kegiatan_rows(inputs: MapInputs, code: str) -> tuple[gpd.GeoDataFrame | None, pd.DataFrame | None]:
    """The unit's activities (each once) and their screening findings, as given."""
    k = inputs.kegiatan
    if k is None or k.empty:
        return None, None
    k = k[_inside(k["kode_kelurahan"], code)].drop_duplicates("id_kegiatan").reset_index(drop=True)
    t = inputs.temuan
    if t is None or t.empty:
        return k, None
    t = pd.DataFrame(t)
    t = t[t["id_kegiatan"].isin(k["id_kegiatan"])].copy()
    t["aturan"] = t["aturan"].astype(str)
    return k, t.reset_index(drop=True)


def _kegiatan(
    k: gpd.GeoDataFrame | None, temuan: pd.DataFrame | None, tol: float, decimals: int, as_points: bool
) -> gpd.GeoDataFrame | None:
    """The activities layer: the columns the popups show, the rule numbers of their findings, and
    an ``anchor`` point for a finding's ring and label."""
    if k is None:
        return None
    keep = [c for c in _KEGIATAN_KEEP if c in k.columns]
    geoms = np.asarray(k.geometry.to_numpy(), dtype=object)
    anchor = _points(geoms)
    shown = anchor if as_points else geoms
    out = gpd.GeoDataFrame(
        pd.DataFrame(k[["id_kegiatan", *keep]]),
        geometry=list(simplify_features(shown, tolerance_m=tol, decimals=decimals)),
        crs=settings.storage_crs,
    )
    out["anchor"] = simplify_features(anchor, tolerance_m=0, decimals=decimals)
    if temuan is not None:
        rules = temuan.groupby("id_kegiatan", sort=False)["aturan"].agg(lambda s: ", ".join(dict.fromkeys(s)))
        out["aturan"] = out["id_kegiatan"].map(rules)
    else:
        out["aturan"] = None
    return out.sort_values("id_kegiatan").reset_index(drop=True)


def _counts(
    table: pd.DataFrame,
    child: str | None,
    code: str,
    kegiatan: gpd.GeoDataFrame | None,
    temuan: pd.DataFrame | None,
) -> pd.DataFrame:
    """Activities per status and findings per child unit (counts, not scores)."""
    from kotaku_gis import catalog

    statuses = catalog.layer("kegiatan").column("status").codes()
    table = table.copy()
    if kegiatan is None:
        return table
    if "kegiatan_total" not in table.columns:  # the roll-up did not count them: count those given
        unit = _child_of(kegiatan["kode_kelurahan"], child, code)
        by = pd.crosstab(unit, kegiatan["status"]).reindex(columns=statuses, fill_value=0)
        table["kegiatan_total"] = table["kode"].map(by.sum(axis=1)).fillna(0).astype(int)
        for st in statuses:
            table[f"kegiatan_{st}"] = table["kode"].map(by[st]).fillna(0).astype(int)
    if temuan is not None:
        where = kegiatan.set_index("id_kegiatan")["kode_kelurahan"]
        t_unit = _child_of(temuan["id_kegiatan"].map(where), child, code)
        table["temuan_total"] = table["kode"].map(t_unit.value_counts()).fillna(0).astype(int)
        per_act = pd.Series(temuan["id_kegiatan"].to_numpy(), index=t_unit.to_numpy())
        distinct = per_act.groupby(level=0).nunique()
        table["temuan_kegiatan"] = table["kode"].map(distinct).fillna(0).astype(int)
    else:
        table["temuan_total"] = 0
        table["temuan_kegiatan"] = 0
    return table


def _clip(frame: gpd.GeoDataFrame | None, area: Any, tol: float, decimals: int) -> gpd.GeoDataFrame | None:
    """Features of ``frame`` that meet the unit, clipped to a margin around it, simplified."""
    if frame is None or frame.empty:
        return None
    minx, miny, maxx, maxy = shapely.bounds(area)
    pad = max(maxx - minx, maxy - miny) * CLIP_MARGIN
    window = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    f = frame[frame.intersects(window)]
    if f.empty:
        return None
    geoms = shapely.intersection(np.asarray(f.geometry.to_numpy(), dtype=object), window)
    keep = [c for c in ("id_kawasan", "nama", "kategori", "sempadan_m", "lebar_m", "sumber") if c in f.columns]
    out = gpd.GeoDataFrame(
        pd.DataFrame(f[keep]).reset_index(drop=True),
        geometry=list(simplify_features(geoms, tolerance_m=tol, decimals=decimals)),
        crs=settings.storage_crs,
    )
    return out[~out.geometry.is_empty].reset_index(drop=True)


def _search(
    w: gpd.GeoDataFrame,
    inside: np.ndarray,
    levels: pd.Series,
    wil: gpd.GeoDataFrame,
    kumuh: gpd.GeoDataFrame | None,
    kelurahan: bool,
) -> list[tuple[str, str, tuple[float, float, float, float]]]:
    """The search entries: the children, every kelurahan of the unit with a boundary in ``w`` (when
    the recipe says ``search_kelurahan``) and the slum locations drawn, each with the box to zoom to."""
    entries: dict[str, tuple[str, str, tuple[float, float, float, float]]] = {}

    def box(g: Any) -> tuple[float, float, float, float]:
        return tuple(round(float(v), 5) for v in shapely.bounds(g))  # type: ignore[return-value]

    for k, n, g in zip(wil["kode"], wil["nama"], wil.geometry):
        entries[k] = (str(n), k, box(g))
    kel = w[inside & (levels == "kelurahan").to_numpy()] if kelurahan else w.iloc[:0]
    for k, n, g in zip(kel["kode"], kel["nama"], kel.geometry):
        if k not in entries and g is not None and not g.is_empty:
            entries[k] = (str(n), k, box(g))
    if kumuh is not None:
        for i, n, g in zip(kumuh["id_lokasi"], kumuh.get("nama_kawasan", kumuh["id_lokasi"]), kumuh.geometry):
            if g is not None and not g.is_empty:
                entries["lokasi:" + str(i)] = (f"{n if isinstance(n, str) else i} ({i})", "lokasi:" + str(i), box(g))
    return sorted(entries.values())


def _sources(inputs: MapInputs) -> list[str]:
    keys = list(recipes().sources.always)
    for s in inputs.sumber:
        if s not in keys:
            keys.append(s)
    return keys
