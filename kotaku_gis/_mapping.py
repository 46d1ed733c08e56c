"""The loader steps that mapping files declare beyond renaming columns (see :class:`catalog.Mapping`).

Called by :mod:`kotaku_gis.loader` at fixed points of its pipeline:

* :func:`before_columns` (on the file's own columns): row filters, id templates, code conversion
  by name (:func:`kotaku_gis.wilayah.kode_from_names`), prefix checks between the file's codes;
* :func:`merge_pieces` (after validation): rows sharing the layer's key, one feature in pieces;
* :func:`agreement` (after scoring): the file's official values against the project's own;
* :func:`summary`: one report line with what was read, skipped, merged, converted and loaded.

Every step records its counts in a :class:`Tally` and reports each row it changed or could not
handle as a :class:`~kotaku_gis.errors.Problem`.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from kotaku_gis import catalog, wilayah
from kotaku_gis._kml import LAYER
from kotaku_gis.files import ROW

if TYPE_CHECKING:
    import geopandas as gpd

    from kotaku_gis.loader import _Batch


@dataclass
class Tally:
    """Counts of one load, for the report line :func:`summary` writes."""

    read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    merged: int = 0
    duplicates: int = 0
    conversions: Counter[str] = field(default_factory=Counter)
    conversions_failed: int = 0
    #: official column -> (agreeing rows, rows compared)
    agreement: dict[str, tuple[int, int]] = field(default_factory=dict)


def _text_key(value: Any) -> str:
    """A filter value as text: spaces trimmed, case folded, ``1001.0`` read as ``1001``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    text = str(value).strip()
    if re.fullmatch(r"-?\d+\.0+", text):
        text = text.split(".")[0]
    return text.casefold()


def before_columns(batch: _Batch, mapping: catalog.Mapping | None, reference: gpd.GeoDataFrame | None) -> None:
    """Filters, id templates and code conversion on the file's own columns (see module doc)."""
    frame = batch.frame.drop(columns=[LAYER], errors="ignore")
    batch.tally.read = len(frame)
    if mapping is None:
        batch.frame = frame
        return
    needed = [f.column for f in mapping.filters if not f.if_present] + mapping.template_columns() + list(mapping.empty_values)
    if mapping.kode_from_name is not None:
        conv = mapping.kode_from_name
        needed += [c for c in (conv.kelurahan, conv.kecamatan, conv.kabkota) if c]
        needed += list(conv.prefix_of) + list(conv.prefix_of.values())
    absent = sorted({c for c in needed if c not in frame.columns})
    if absent:
        have = ", ".join(str(c) for c in frame.columns if c not in (ROW, "geometry"))
        batch.add("mapping_column_absent", column=None, columns=", ".join(absent), have=have)
        batch.frame = frame
        return
    for rule in mapping.filters:
        if rule.column not in frame.columns:
            batch.add("filter_not_applied", column=None, severity="info", kolom=rule.column)
            continue
        frame = _filter(batch, frame, rule)
    for column, unknown in mapping.empty_values.items():
        keys = {_text_key(v) for v in unknown}
        frame[column] = frame[column].astype(object).where(~frame[column].map(_text_key).isin(keys), None)
    for target, template in mapping.templates.items():
        frame[target] = _fill_template(frame, template)
    batch.frame = frame
    if mapping.kode_from_name is not None:
        _convert_codes(batch, mapping.kode_from_name, reference)
    # columns read by the steps above (and those the mapping ignores) are used up, unless also mapped
    used = (set(needed) | set(mapping.ignore)) - set(mapping.columns) - set(batch.spec.column_names)
    batch.frame = batch.frame.drop(columns=[c for c in batch.frame.columns if c in used])


def _filter(batch: _Batch, frame: pd.DataFrame, rule: catalog.RowFilter) -> pd.DataFrame:
    keys = frame[rule.column].map(_text_key)
    listed = [_text_key(v) for v in (rule.keep if rule.keep is not None else rule.skip) or []]
    hit = keys.map(lambda k: any(fnmatch.fnmatchcase(k, pattern) for pattern in listed))
    drop = ~hit if rule.keep is not None else hit
    if drop.any():
        shown = keys.where(keys != "", "-")
        for value, count in shown[drop].value_counts(sort=False).sort_index().items():
            label = f"{rule.column}={value}"
            batch.tally.skipped[label] += int(count)
            why = rule.reason() if rule.reason else ""
            batch.add(
                "rows_skipped",
                column=None,
                severity="info",
                value=label,
                count=int(count),
                reason=why,
                baris=", ".join(str(r) for r in frame.loc[drop & (shown == value), ROW]),
            )
    return frame[~drop]


def _fill_template(frame: pd.DataFrame, template: str) -> pd.Series:
    fields = catalog._template_fields(template)
    values = []
    for i in frame.index:
        parts: dict[str, str] = {}
        for name in fields:
            if name == "_baris":
                parts[name] = str(frame.at[i, ROW])
            elif name == "_geometri":
                geom = frame.at[i, "geometry"]
                parts[name] = (
                    ""
                    if geom is None
                    else hashlib.sha1(shapely.to_wkb(shapely.normalize(geom), output_dimension=2)).hexdigest()[:10]
                )
            else:
                parts[name] = _text_key(frame.at[i, name]) and str(frame.at[i, name]).strip()
                if re.fullmatch(r"-?\d+\.0+", parts[name]):
                    parts[name] = parts[name].split(".")[0]
        values.append(None if any(v == "" for v in parts.values()) else template.format_map(parts))
    return pd.Series(values, index=frame.index, dtype=object)


def _convert_codes(batch: _Batch, conv: catalog.CodeFromName, reference: gpd.GeoDataFrame | None) -> None:
    """Codes from names (``kode_dari_nama`` of a mapping): the given code parts checked against each
    other, then the kelurahan code found from the names in ``reference``, reported once per name."""
    _check_prefixes(batch, conv)
    if reference is None or reference.empty:
        batch.add("kode_conversion_unchecked", column=None, kolom=conv.kelurahan)
        return
    _codes_from_names(batch, conv, reference)


def _check_prefixes(batch: _Batch, conv: catalog.CodeFromName) -> None:
    """A warning per row whose shorter code (a kab/kota code, say) does not begin its longer one."""
    frame = batch.frame
    for column, longer in conv.prefix_of.items():
        short = frame[column].map(lambda v: re.sub(r"\D", "", str(v)) if pd.notna(v) else "")
        full = frame[longer].map(lambda v: re.sub(r"\D", "", str(v)) if pd.notna(v) else "")
        bad = (short != "") & (full != "") & ~pd.Series([f.startswith(s) for s, f in zip(short, full)], index=frame.index)
        batch.origin.setdefault(column, column)
        batch.add_each(
            "kode_prefix_mismatch",
            bad,
            column,
            severity="warning",
            value=frame[column],
            other=frame[longer],
            other_column=pd.Series(longer, index=frame.index),
        )


def _codes_from_names(batch: _Batch, conv: catalog.CodeFromName, reference: gpd.GeoDataFrame) -> None:
    """The kelurahan codes found from the names (or from the row's point when the name is no
    kelurahan), with one count and one report line per distinct name."""
    frame = batch.frame
    result = wilayah.kode_from_names(
        frame[conv.kelurahan], reference,
        kecamatan=frame[conv.kecamatan] if conv.kecamatan else None,
        kabkota=frame[conv.kabkota] if conv.kabkota else None,
    )  # fmt: skip
    batch.origin.setdefault(conv.target, conv.kelurahan)
    # one count and one report line per distinct name (with the rows that carry it)
    names = frame[conv.kelurahan].astype(object).where(frame[conv.kelurahan].notna(), "")
    kab = frame[conv.kabkota].astype(str).str[:4] if conv.kabkota else pd.Series("", index=frame.index)
    for _, rows in frame.groupby([names, kab, result["kode"].fillna("")], sort=False).groups.items():
        first = rows[0]
        how, failed, name = result.at[first, "cara"], result.at[first, "gagal"], frame.at[first, conv.kelurahan]
        numbers = ", ".join(str(r) for r in frame.loc[rows, ROW])
        if failed == "unknown" and conv.kecamatan:
            placed = _code_from_point(frame.loc[rows], conv, reference)
            for i, (kode, nama) in placed.items():
                result.at[i, "kode"] = kode
                batch.add(
                    "kode_from_point", [frame.at[i, ROW]], conv.target, severity="warning", value=name, nama=nama, kode=kode
                )
            batch.tally.conversions["point"] += int(len(placed) > 0)
            rows = rows.difference(list(placed))
            if rows.empty:
                continue
        if failed is not None:
            batch.tally.conversions_failed += 1
            code = "kode_name_ambiguous" if failed == "ambiguous" else "kode_name_unknown"
            batch.add(code, frame.loc[rows, ROW], conv.target, value=name, candidates=result.at[first, "kandidat"] or "")
            continue
        batch.tally.conversions[how] += 1
        if how != "exact":
            batch.add(
                "kode_converted",
                column=conv.target,
                severity="warning",
                value=name,
                baris=numbers,
                nama=result.at[first, "nama_acuan"],
                kode=result.at[first, "kode"],
                how=how,
            )
    frame[conv.target] = result["kode"]
    batch.frame = frame


def _code_from_point(rows: pd.DataFrame, conv: catalog.CodeFromName, reference: gpd.GeoDataFrame) -> dict[Any, tuple[str, str]]:
    """Rows whose name is no kelurahan (a lingkungan, a dusun): the kelurahan holding their point,
    when it lies in the kecamatan the row names. ``{index: (kode, nama)}``."""
    if "geometry" not in reference.columns:
        return {}
    kel = reference[reference["tingkat"] == "kelurahan"]
    kec_names = reference[reference["tingkat"] == "kecamatan"].set_index("kode")["nama"]
    out = {}
    for i in rows.index:
        point = rows.at[i, "geometry"]
        if point is None or point.is_empty or point.geom_type != "Point":
            continue
        hit = kel[kel.geometry.intersects(point)]
        if len(hit) != 1:
            continue
        kode, nama = hit["kode"].iloc[0], hit["nama"].iloc[0]
        if wilayah.normalize_name(kec_names.get(kode[:8], "")) == wilayah.normalize_name(rows.at[i, conv.kecamatan]):
            out[i] = (kode, nama)
    return out


def merge_pieces(batch: _Batch) -> None:
    """Rows sharing the layer's key: identical rows become one, pieces of one feature are united
    (their values, such as the area, counted once), rows that disagree are an error naming both."""
    frame, key = batch.frame, [k for k in batch.spec.key if k in batch.frame.columns]
    if len(key) != len(batch.spec.key):
        return
    shared = frame.duplicated(subset=key, keep=False) & frame[key].notna().all(axis=1)
    if not shared.any():
        return
    values = [c for c in frame.columns if c not in (ROW, "geometry")]
    drop: list[Any] = []
    for _, group in frame[shared].groupby(key, sort=False):
        first = group.index[0]
        same = [i for i in group.index[1:] if _same_values(frame.loc[first, values], frame.loc[i, values])]
        for i in group.index[1:]:
            if i not in same:
                _report_conflict(batch, key, values, first, i)
        geoms = _fold_pieces(batch, key, first, same)
        drop += same
        if len(geoms) > 1:
            united = shapely.union_all([g for g in geoms if g is not None])
            if united.geom_type == "Polygon":
                united = shapely.MultiPolygon([united])
            frame.at[first, "geometry"] = united
    batch.frame = frame.drop(index=drop)


def _report_conflict(batch: _Batch, key: list[str], values: list[str], first: Any, i: Any) -> None:
    """Row ``i`` has the key of row ``first`` and other values: an error naming both and the columns."""
    frame = batch.frame
    differ = [c for c in values if not _same_values(frame.loc[[first], [c]].iloc[0], frame.loc[[i], [c]].iloc[0])]
    batch.add(
        "key_conflict",
        [frame.at[i, ROW]],
        key[0],
        key=" / ".join(str(frame.at[i, k]) for k in key),
        other=int(frame.at[first, ROW]),
        columns=", ".join(batch.origin.get(c, c) for c in differ),
    )


def _fold_pieces(batch: _Batch, key: list[str], first: Any, same: list[Any]) -> list[Any]:
    """The geometries of the rows with ``first``'s key and values: an exact repeat is dropped, another
    piece kept (both reported); returns the pieces, ``first``'s own first."""
    frame = batch.frame
    geoms = [frame.at[first, "geometry"]]
    for i in same:
        geom = frame.at[i, "geometry"]
        repeat = any(g is not None and geom is not None and shapely.equals(g, geom) for g in geoms)
        if repeat:
            batch.tally.duplicates += 1
        else:
            geoms.append(geom)
            batch.tally.merged += 1
        batch.add(
            "duplicate_dropped" if repeat else "piece_merged",
            [frame.at[i, ROW]],
            key[0],
            severity="info",
            key=" / ".join(str(frame.at[i, k]) for k in key),
            other=int(frame.at[first, ROW]),
        )
    return geoms


def _same_values(a: pd.Series, b: pd.Series) -> bool:
    for x, y in zip(a, b):
        if (x is None or x is pd.NA or (isinstance(x, float) and np.isnan(x))) and (
            y is None or y is pd.NA or (isinstance(y, float) and np.isnan(y))
        ):
            continue
        if isinstance(x, (float, np.floating)) and isinstance(y, (float, np.floating)):
            if not np.isclose(x, y, rtol=0, atol=1e-9):
                return False
        elif x != y:
            return False
    return True


def agreement(batch: _Batch, scored: pd.DataFrame) -> None:
    """The file's official values (columns with ``official_of`` in the catalogue) against the
    project's own computation: counts in the tally, one warning per disagreeing row."""
    for col in batch.spec.columns:
        if col.official_of is None or col.name not in scored.columns or col.official_of not in scored.columns:
            continue
        official, computed = scored[col.name], scored[col.official_of]
        compared = official.notna()
        if not compared.any():
            continue
        if col.type in ("float", "integer"):
            same = np.isclose(
                pd.to_numeric(official, errors="coerce").astype(float),
                pd.to_numeric(computed, errors="coerce").astype(float),
                rtol=0,
                atol=1e-6,
            )
            same = pd.Series(same, index=scored.index)
        else:
            same = official.astype(object).astype(str) == computed.astype(object).astype(str)
        batch.tally.agreement[col.name] = (int((compared & same).sum()), int(compared.sum()))
        for i in scored.index[compared & ~same]:
            batch.add(
                "official_disagrees",
                [scored.at[i, ROW]],
                col.name,
                severity="warning",
                official=_plain(official.loc[i]),
                computed=_plain(computed.loc[i]),
                target=col.official_of,
            )


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "-"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    return value.item() if isinstance(value, np.generic) else value


def summary(batch: _Batch, loaded: int) -> None:
    """Add the one-line summary of the load (an info problem ``import_summary``) to ``batch``."""
    t = batch.tally
    if not (t.skipped or t.merged or t.duplicates or t.conversions or t.conversions_failed or t.agreement):
        return
    skipped = "; ".join(f"{k}: {v}" for k, v in sorted(t.skipped.items())) or "-"
    agree = "; ".join(f"{k} {a}/{n}" for k, (a, n) in t.agreement.items()) or "-"
    conv = sum(t.conversions.values())
    batch.add(
        "import_summary", column=None, severity="info", read=t.read, loaded=loaded, merged=t.merged,
        duplicates=t.duplicates, skipped=sum(t.skipped.values()), skipped_detail=skipped, converted=conv,
        not_exact=conv - t.conversions.get("exact", 0), failed=t.conversions_failed, agreement=agree,
    )  # fmt: skip


def slivers(batch: _Batch) -> None:
    """Name every polygon smaller than ``settings.sliver_max_m2`` (kept: the layer's rules decide)."""
    from kotaku_gis import geodesy, settings

    frame = batch.frame
    geoms = frame.geometry
    polygonal = pd.Series(~shapely.is_missing(geoms.values) & (shapely.get_dimensions(geoms.values) == 2), index=frame.index)
    if not polygonal.any() or frame.crs is None:
        return
    area = geodesy.area_ha(geoms[polygonal]) * 10_000
    small = area[area < settings.sliver_max_m2]
    for i, m2 in small.items():
        batch.add("sliver", [frame.at[i, ROW]], "geometry", severity="warning", m2=f"{m2:.3g}", limit=settings.sliver_max_m2)


def place(batch: _Batch, mapping: catalog.Mapping | None, reference: gpd.GeoDataFrame | None, kode: str | None) -> None:
    """``--kode``: keep the features in the area or within their setback of it; and the urban flag
    a mapping declares (``urban_from_place``). Needs the stored kelurahan boundaries."""
    urban = mapping.urban_from_place if mapping is not None else None
    if kode is None and urban is None:
        return
    frame = batch.frame
    kel = reference[reference["tingkat"] == "kelurahan"] if reference is not None else None
    if kel is None or kel.empty:
        batch.add("place_unchecked", column=None, severity="error" if kode else "warning", kode=kode or "-")
        return
    if kode is not None:
        _within_area(batch, kel, wilayah.normalize_kode(kode))
        frame = batch.frame
    if urban is not None:
        ok = pd.Series(~(shapely.is_missing(frame.geometry.values) | shapely.is_empty(frame.geometry.values)), index=frame.index)
        import geopandas as gpd

        # a feature that lies in (or runs through) a kota is urban there; elsewhere: unknown
        kota = kel[kel["kode"].map(lambda k: bool(wilayah.is_kota(k)))]
        hits = gpd.sjoin(gpd.GeoDataFrame(geometry=frame.loc[ok].geometry, crs=frame.crs), kota[["kode", "geometry"]],
                         predicate="intersects", how="inner")  # fmt: skip
        flag = pd.Series(None, index=frame.index, dtype=object)
        flag.loc[hits.index.unique()] = True
        if urban in frame.columns:
            flag = frame[urban].where(frame[urban].notna(), flag)
        frame[urban] = flag
        batch.frame = frame


def _within_area(batch: _Batch, kel: gpd.GeoDataFrame, kode: str) -> None:
    from kotaku_gis import geodesy, screening

    frame = batch.frame
    area_polys = kel[kel["kode"].str.startswith(kode + ".") | (kel["kode"] == kode)]
    if area_polys.empty:
        batch.add("place_unknown_area", column=None, kode=kode)
        return
    area = shapely.union_all(area_polys.geometry.values)
    reach = pd.Series(0.0, index=frame.index)
    if batch.spec.name == "kawasan_lindung" and "kategori" in frame.columns:
        known = frame["kategori"].notna()  # values already checked: unknown kategori are empty here
        reach[known] = screening.setbacks(frame[known])
    ok = pd.Series(~(shapely.is_missing(frame.geometry.values) | shapely.is_empty(frame.geometry.values)), index=frame.index)
    near = pd.Series(False, index=frame.index)
    near[ok] = frame.geometry[ok].intersects(area)
    far = ok & ~near
    if far.any():
        gap = geodesy.distance_m(frame.geometry[far], area)
        near[far] = (gap <= reach[far]).to_numpy()
    drop = ok & ~near
    if drop.any():
        label = f"--kode {kode}"
        batch.tally.skipped[label] += int(drop.sum())
        batch.add(
            "rows_outside_area",
            column=None,
            severity="info",
            kode=kode,
            count=int(drop.sum()),
            baris=", ".join(str(r) for r in frame.loc[drop, ROW]),
        )
    batch.frame = frame[~drop]


def setback_report(batch: _Batch) -> None:
    """For line features that create setbacks (rivers): which setback each got, by width."""
    from kotaku_gis import screening

    frame = batch.frame
    if batch.spec.name != "kawasan_lindung" or "kategori" not in frame.columns or batch.has_errors:
        return
    lines = frame["kategori"].isin(["sungai", "garis_pantai"])
    if not lines.any():
        return
    widths = screening.setbacks(frame[lines])
    for m, rows in frame.loc[lines, ROW].groupby(widths).groups.items():
        numbers = frame.loc[rows, ROW]
        batch.add(
            "setback_given",
            column="sempadan_m",
            severity="info",
            m=_plain(m),
            count=len(numbers),
            baris=", ".join(str(r) for r in numbers),
        )


def locate(batch: _Batch, reference: gpd.GeoDataFrame | None) -> None:
    """Locations of a ``multipolygon_or_point`` layer: ``delineasi`` from the geometry; a point
    farther than ``settings.location_point_max_m`` from its kelurahan, or no geometry at all, is
    replaced by a marker in the kelurahan (``delineasi = kelurahan``), with a warning for the point."""
    from kotaku_gis import geodesy, settings

    spec, frame = batch.spec, batch.frame
    if spec.geometry != "multipolygon_or_point" or "delineasi" not in spec.column_names:
        return
    code_col = next(c.name for c in spec.kode_columns() if c.tingkat == "kelurahan")
    geoms = frame.geometry
    present = pd.Series(~(shapely.is_missing(geoms.values) | shapely.is_empty(geoms.values)), index=frame.index)
    kinds = pd.Series(shapely.get_type_id(geoms.values), index=frame.index)
    frame["delineasi"] = np.where(present & kinds.isin([3, 6]), "poligon", np.where(present & (kinds == 0), "titik", "kelurahan"))
    kel = reference[reference["tingkat"] == "kelurahan"].set_index("kode") if reference is not None else None
    need = frame["delineasi"] != "poligon"
    if not need.any():
        batch.frame = frame
        return
    codes = frame[code_col]
    known = need & codes.notna() & (codes.isin(kel.index) if kel is not None else False)
    unplaced = need & codes.notna() & ~known & ~present
    batch.add_each("point_unplaced", unplaced, code_col)
    points = need & present & known
    if points.any():
        assert kel is not None  # known is all False without the kelurahan
        polys = gpd_series(kel.geometry.loc[codes[points]].values, frame.index[points])
        distance = geodesy.distance_m(geoms[points], polys)
        far = distance[distance > settings.location_point_max_m]
        for i, metres in far.items():
            batch.add(
                "point_far",
                [frame.at[i, ROW]],
                "geometry",
                severity="warning",
                distance=int(round(float(metres))),
                nama=kel.at[codes.loc[i], "nama"],
                kode=codes.loc[i],
            )
            frame.at[i, "delineasi"] = "kelurahan"
    marker = known & (frame["delineasi"] == "kelurahan")
    if marker.any():
        assert kel is not None
        frame.loc[marker, "geometry"] = kel.geometry.loc[codes[marker]].representative_point().values
        by_kel = int((marker & ~present).sum())
        if by_kel:
            batch.add("located_by_kelurahan", column=None, severity="info", count=by_kel)
    batch.frame = frame


def gpd_series(geoms: Any, index: Any) -> gpd.GeoSeries:
    import geopandas as gpd

    return gpd.GeoSeries(geoms, index=index, crs="EPSG:4326")
