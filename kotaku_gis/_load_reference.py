"""Private helpers of :mod:`kotaku_gis.loader`: step 5 of a load, rows against the reference.

Parent codes and kelurahan names given beside a kelurahan code, codes unknown to the ``wilayah``
layer, and features that lie outside the kelurahan their code names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from kotaku_gis import geodesy, settings, wilayah
from kotaku_gis.files import ROW

if TYPE_CHECKING:
    from kotaku_gis.loader import _Batch

#: Extra source columns the loader understands without storing them: parent codes and a name,
#: checked against the layer's kelurahan code.
CHECK_COLUMNS = {
    "kode_provinsi": "provinsi",
    "kode_kabkota": "kabkota",
    "kode_kecamatan": "kecamatan",
}
NAME_COLUMNS = ("nama_kelurahan", "kelurahan", "nama_desa", "desa")


def check_reference(batch: _Batch, reference: gpd.GeoDataFrame | None) -> None:
    """Check ``batch``'s codes (and names, locations) against the ``wilayah`` rows of ``reference``."""
    spec = batch.spec
    if spec.name == "wilayah":
        _check_wilayah_parents(batch, reference)
        return
    code_cols = [c for c in spec.kode_columns() if c.tingkat == "kelurahan"]
    if not code_cols:
        return
    col = code_cols[0].name
    codes = batch.frame[col]
    _check_parents(batch, col, codes)
    kel = None
    if reference is not None and len(reference):
        kel = reference[reference["tingkat"] == "kelurahan"]
    name_col = next((n for n in NAME_COLUMNS if n in batch.checks), None)
    if kel is None or kel.empty:
        if codes.notna().any() or name_col:
            areas = sorted(set(wilayah.ancestor_series(codes.dropna(), "kabkota"))) or ["-"]
            batch.add("kode_unchecked", severity="warning", column=col, kode=", ".join(areas))
        return
    names = kel.set_index("kode")["nama"]
    if name_col:
        _check_names(batch, col, codes, name_col, kel, names)
    _check_known(batch, col, codes, kel, names)


def _check_parents(batch: _Batch, col: str, codes: pd.Series) -> None:
    """Parent codes given beside the kelurahan code must agree with it."""
    for role, level in CHECK_COLUMNS.items():
        if role not in batch.checks:
            continue
        given, invalid = wilayah.normalize_kode_series(batch.checks[role])
        derived = wilayah.ancestor_series(codes.fillna("61.71.01.1001"), level).where(codes.notna())
        bad = codes.notna() & given.notna() & (given != derived)
        batch.origin.setdefault(role, role)
        batch.add_each("parent_mismatch", bad, role, value=given, child=codes, column_child=pd.Series(col, index=codes.index))


def _check_names(batch: _Batch, col: str, codes: pd.Series, name_col: str, kel: gpd.GeoDataFrame, names: pd.Series) -> None:
    """Codes filled from kelurahan names, and names checked against codes."""
    frame = batch.frame
    given_names = batch.checks[name_col]
    keys = wilayah.normalize_name_series(given_names.fillna(""))
    ref_keys = wilayah.normalize_name_series(kel["nama"])
    by_name = pd.Series(kel["kode"].values, index=ref_keys.values)
    unique = by_name[~by_name.index.duplicated(keep=False)]
    fill = codes.isna() & given_names.notna()
    for i in fill[fill].index:
        key = keys.loc[i]
        if key in unique.index:
            codes.loc[i] = unique.loc[key]
            batch.add("kode_from_name", [frame.at[i, ROW]], col, severity="info", value=given_names.loc[i], kode=unique.loc[key])
        else:
            batch.add("name_unknown", [frame.at[i, ROW]], name_col, value=given_names.loc[i])
    batch.origin.setdefault(name_col, name_col)
    both = codes.notna() & given_names.notna() & ~fill & codes.isin(names.index)
    expected_keys = codes[both].map(lambda c: wilayah.normalize_name(names.loc[c]))
    mismatch = pd.Series(False, index=codes.index)
    mismatch.loc[both[both].index] = expected_keys.values != keys[both].values
    batch.add_each(
        "name_mismatch",
        mismatch,
        name_col,
        severity="warning",
        value=given_names,
        kode=codes,
        expected=codes.map(lambda c: names.get(c)),
    )
    frame[col] = codes
    no_name = codes.isna() & given_names.isna()
    batch.add_each("value_missing", no_name, col)


def _check_known(batch: _Batch, col: str, codes: pd.Series, kel: gpd.GeoDataFrame, names: pd.Series) -> None:
    """Codes must exist where the kab/kota's kelurahan are loaded; features should lie in theirs."""
    frame = batch.frame
    covered = set(wilayah.ancestor_series(kel["kode"], "kabkota"))
    kabkota = wilayah.ancestor_series(codes.fillna("00.00.00.0000"), "kabkota")
    checkable = codes.notna() & kabkota.isin(covered)
    unknown = checkable & ~codes.isin(names.index)
    batch.add_each("kode_unknown", unknown, col, value=codes)
    unchecked = codes.notna() & ~kabkota.isin(covered)
    if unchecked.any():
        batch.add("kode_unchecked", severity="warning", column=col, kode=", ".join(sorted(set(kabkota[unchecked]))))
    # features that lie outside their coded kelurahan (warning)
    known = checkable & ~unknown & ~(frame.geometry.isna() | frame.geometry.is_empty)
    known &= ~frame[ROW].isin(batch.error_rows())  # e.g. swapped coordinates: already refused
    if known.any():
        _check_location(batch, col, kel, known)


def _check_location(batch: _Batch, col: str, kel: gpd.GeoDataFrame, rows: pd.Series) -> None:
    frame = batch.frame
    sub = frame.loc[rows, [col, ROW, "geometry"]]
    polys = kel.set_index("kode").geometry
    coded = gpd.GeoSeries(polys.loc[sub[col]].values, index=sub.index, crs=settings.storage_crs)
    inside = sub.geometry.intersects(coded)
    outside = sub[~inside]
    if outside.empty:
        return
    distance = geodesy.distance_m(outside.geometry, coded.loc[outside.index])
    far = distance > settings.kelurahan_mismatch_tolerance_m
    if not far.any():
        return
    flagged = outside[far]
    points = gpd.GeoDataFrame(geometry=flagged.geometry.representative_point(), index=flagged.index, crs=settings.storage_crs)
    hits = gpd.sjoin(points, kel[["kode", "nama", "geometry"]], predicate="within", how="left")
    hits = hits[~hits.index.duplicated()]
    for i in flagged.index:
        found = hits.at[i, "kode"] if pd.notna(hits.at[i, "kode"]) else "-"
        found_name = hits.at[i, "nama"] if pd.notna(hits.at[i, "nama"]) else "-"
        batch.add(
            "location_mismatch",
            [flagged.at[i, ROW]],
            col,
            severity="warning",
            kode=flagged.at[i, col],
            nama=kel.set_index("kode").at[flagged.at[i, col], "nama"],
            distance=int(round(float(distance.loc[i]))),
            found=found,
            found_name=found_name,
        )


def _check_wilayah_parents(batch: _Batch, reference: gpd.GeoDataFrame | None) -> None:
    frame = batch.frame
    known = set(frame["kode"].dropna())
    if reference is not None:
        known |= set(reference["kode"])
    parents = frame["kode_induk"]
    orphan = parents.notna() & ~parents.isin(known)
    if orphan.any():
        batch.add(
            "parent_absent",
            severity="warning",
            column="kode",
            count=int(orphan.sum()),
            examples=", ".join(sorted(set(parents[orphan]))[:5]),
        )
