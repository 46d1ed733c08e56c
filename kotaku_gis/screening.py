"""Location-conflict and BDI negative-list screening of activities (guideline section 1.2.1).

:func:`screen` checks each activity (``kegiatan``) against the BDI funding negative list and the
protected areas (``kawasan_lindung``), and returns one row per finding; activities without a finding
do not appear. :func:`proximity` lists, for each activity, the nearest protected features with their
distances, in the manner of lenders' screening tools (IBAT).

The rules are data: the items, thresholds and setback widths are in ``rules/screening.yml``, the
exchange rates for item 4 in ``rules/kurs.yml`` (both validated; a malformed file raises
:class:`~kotaku_gis.errors.CatalogError` naming the file and field). Which item an activity type or a
protected-area category falls under is the ``aturan`` of its value in the layer catalogue
(``layers/kegiatan.yml`` ``jenis``, ``layers/kawasan_lindung.yml`` ``kategori``), which also carries
the ``tags`` (``jalan``, ``sumber_daya_air``) and ``bentuk`` (area, line, point) the rules read.

The rules
---------
=====================  ==============================================================================
item (``aturan``)      finding
=====================  ==============================================================================
1, 2, 3, 5, 8, 9a, 9d  the activity's ``jenis`` carries the item in the catalogue
4                      investment above USD 2 million: ``biaya_usd``, or ``biaya_idr`` at the rate of
                       the activity's period (``rules/kurs.yml``); both given: the larger. No value at
                       all, or rupiah without a rate: ``perlu_tinjauan``
6a, 6b, 6c             the activity intersects a protected feature or lies within its setback; the item
                       is the kategori's ``aturan``
6                      the activity has no geometry: items 6, 9b and 9c cannot be checked
                       (``perlu_tinjauan``)
7                      ``dampak_negatif`` is yes
9b                     a road (``jenis`` tagged ``jalan``) enters a protected area, or one of its ends
                       lies within ``road.end_m`` (50 m, rules/screening.yml) of one
9c                     water-resource works (tagged ``sumber_daya_air``) within the setback of a river
                       marked ``lintas_negara``
9e, 9f                 ``luas_reklamasi_ha`` > 50, ``kapasitas_tampungan_m3`` > 10,000 ("larger than":
                       equal passes); empty for a reclamation or a water-storage activity:
                       ``perlu_tinjauan``
=====================  ==============================================================================

An activity within ``proximity.warning_m`` (1 km, rules/screening.yml) of a protected area or spring, but outside
its setback, gets a ``peringatan`` citing the feature's item (lines such as rivers are left out; see
``proximity.bentuk`` in the rules).

Status
------
``tidak_layak``
    Not fundable.
``perlu_tinjauan``
    Needs review: the data a rule needs is missing, or the activity lies in a protected zone (item 6)
    and a written approval of the responsible agency is recorded (``persetujuan_tertulis``). The
    guideline lets such an approval lift item 6, but an activity inside a protected area needs an
    AMDAL, beyond KOTAKU's scope (at most UKL-UPL): approval moves the case to review, never to fine.
``peringatan``
    Proximity only.

Decisions
---------
- **Limits are inclusive**: an activity exactly on a setback line (or 50 m from a protected area for
  item 9b, or 1 km away for the warning) is within it; distances up to
  ``settings.screening_tolerance_m`` (1 cm) over a limit count as equal.
- **Boundaries belong to the protected area**: an activity touching a protected polygon's edge is
  inside it (``jarak_m`` 0), and a road touching it enters it.
- **Setbacks** (``sempadan_m`` of the feature, else the kategori's width in the rules; rivers by their
  PP 38/2011 class from ``bertanggul``, ``perkotaan``, ``kedalaman_m`` and ``luas_das_km2``). When a
  class attribute is empty the widest class still possible applies (the conservative reading).
- **Multi-part features** are one feature: the distance is to the nearest part.
- **Unverified** values are rule data marked ``verified: false``: the 50 m setback of small non-urban
  rivers, the 200 m spring radius and every exchange rate.

Input
-----
Both frames may be in any CRS (reprojected to EPSG:4326) and mix points, lines, polygons and their
multi-part forms. An activity without geometry is screened on its attributes and gets an item-6
``perlu_tinjauan``; a protected feature without geometry, an unknown ``kategori`` or ``jenis``, or a
number that is not one is a :class:`~kotaku_gis.errors.DataError` whose problems name the frame, the
row and the column; a missing column or CRS is a :class:`~kotaku_gis.errors.UsageError`.

Geodesy
-------
Distances and overlap areas are in metres, each pair of activity and protected feature measured in
the UTM zone of the activity (north or south zone by the activity's latitude; across a zone border
or the equator the projection stays accurate), with the zone's scale factor at the activity divided
out and edges longer than ``settings.screening_max_segment_deg`` split first: within about 0.01 %
of the ellipsoidal distance anywhere in Indonesia (the tests hold it to 0.5 %).

How it is fast
--------------
One STRtree over the activities (in degrees) is queried once with every protected feature, prepared,
with a ``dwithin`` distance per feature: the largest limit that feature can trigger (its setback, the
warning distance, the road-end distance), converted to degrees conservatively for the feature's
latitude (never less than the limit in metres). Only the candidate pairs are measured in metres:
grouped by the activity's zone, each zone's activities and candidate features are projected once and
measured with vectorised shapely calls. No Python loop runs per row; the benchmark
(``scripts/bench_screening.py``) screens 100,000 activities against 20,000 complex polygons and
5,000 km of rivers in about 3 s, reading the GeoPackage store included.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import LineString, Point, box
>>> from kotaku_gis import screening
>>> kegiatan = gpd.GeoDataFrame(
...     {"id_kegiatan": ["K1", "K2"], "jenis": ["drainase", "jalan_lingkungan"],
...      "biaya_idr": [150e6, 90e6], "periode": ["2026Q3", "2026Q3"]},
...     geometry=[Point(109.3300, -0.0300), LineString([(109.3420, -0.03), (109.3497, -0.03)])],
...     crs="EPSG:4326")
>>> kawasan = gpd.GeoDataFrame(
...     {"id_kawasan": ["S1", "H1"], "nama": ["Parit Tokaya", "Hutan Kota"], "kategori": ["sungai", "hutan_lindung"],
...      "perkotaan": [True, None], "bertanggul": [False, None], "kedalaman_m": [5.0, None]},
...     geometry=[LineString([(109.3301, -0.04), (109.3301, -0.02)]), box(109.35, -0.04, 109.36, -0.02)],
...     crs="EPSG:4326")
>>> temuan = screening.screen(kegiatan, kawasan)
>>> temuan[["id_kegiatan", "aturan", "status", "id_kawasan", "jarak_m"]]
  id_kegiatan aturan       status id_kawasan  jarak_m
0          K1     6a  tidak_layak         S1    11.13
1          K2     6a   peringatan         H1    33.40
2          K2     9b  tidak_layak         H1    33.40
>>> print(temuan.loc[0, "keterangan"])  # doctest: +ELLIPSIS
Butir 6a (lokasi di taman nasional, ...): kegiatan berjarak 11,1 m dari Parit Tokaya (Sungai ...), di dalam sempadan 15 m.
>>> print(temuan.loc[2, "keterangan"])
Butir 9b (pembangunan jalan memasuki kawasan lindung): ujung jalan berjarak 33,4 m dari Hutan Kota (Hutan lindung), tidak lebih dari 50 m.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from kotaku_gis import catalog, geodesy, i18n, settings
from kotaku_gis import rules as _rules
from kotaku_gis.rules.screening import (  # noqa: F401  (the schema, re-exported where it was)
    Band,
    Bentuk,
    CostRule,
    CrossBorderRule,
    ExchangeRates,
    Flag,
    Item,
    LocationRule,
    ProximityRule,
    Rate,
    RoadRule,
    ScreeningRules,
    Setback,
    SetbackClass,
    Threshold,
)
from kotaku_gis.errors import DataError, Problem, UsageError
from kotaku_gis.files import ROW

#: Folder of the packaged rule files.
RULES_DIR: Path = _rules.RULES_DIR

#: The status of a finding, from the most to the least severe.
STATUSES: tuple[str, ...] = ("tidak_layak", "perlu_tinjauan", "peringatan")

#: Columns of :func:`screen`'s result, in order.
COLUMNS: tuple[str, ...] = (
    "id_kegiatan",
    "periode",
    "aturan",
    "status",
    "id_kawasan",
    "kategori",
    "jarak_m",
    "luas_tumpang_m2",
    "keterangan",
)

#: Columns of :func:`proximity`'s result, in order.
PROXIMITY_COLUMNS: tuple[str, ...] = (
    "id_kegiatan",
    "periode",
    "peringkat",
    "id_kawasan",
    "nama",
    "kategori",
    "aturan",
    "jarak_m",
    "sempadan_m",
    "dalam_sempadan",
)

_WGS84 = CRS.from_epsg(4326)
_QUAD_SEGS = 16  # buffer arcs: 64 segments per circle, area within 0.2 % of the true circle


# --------------------------------------------------------------------------------------------
# Rule data: reading


def load_rules(path: str | Path | None = None) -> ScreeningRules:
    """The screening rules: the packaged ``rules/screening.yml``, or a file of the same form.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file following :class:`ScreeningRules` (for example a programme's own setbacks).

    Returns
    -------
    ScreeningRules

    Raises
    ------
    CatalogError
        The file is missing, not YAML, or breaks the schema (naming the file and the field),
        including references the layer catalogue does not know (columns, codes, tags, items).

    Examples
    --------
    >>> from kotaku_gis import screening
    >>> rules = screening.load_rules()
    >>> rules.cost.above_usd, rules.setbacks["garis_pantai"].m
    (2000000.0, 100.0)
    >>> [c.m for c in rules.setbacks["sungai"].classes]
    [3.0, 5.0, 10.0, 15.0, 30.0, 100.0, 50.0]
    """
    return _rules.load("screening", path)  # type: ignore[no-any-return]


def load_kurs(path: str | Path | None = None) -> ExchangeRates:
    """The exchange rates for item 4: the packaged ``rules/kurs.yml``, or a file of the same form.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file following :class:`ExchangeRates`.

    Returns
    -------
    ExchangeRates

    Raises
    ------
    CatalogError
        The file is missing, not YAML, or breaks the schema (naming the file and the field).

    Examples
    --------
    >>> from kotaku_gis import screening
    >>> screening.load_kurs().rate("2024")
    (15850.0, '2024')
    """
    return _rules.load("kurs", path)  # type: ignore[no-any-return]


def _resolve_rules(rules: str | Path | ScreeningRules | None) -> ScreeningRules:
    if rules is None or isinstance(rules, ScreeningRules):
        return rules or load_rules()
    if isinstance(rules, (str, Path)):
        return load_rules(rules)
    raise UsageError(f"rules must be a ScreeningRules or a path, not {type(rules).__name__}")


def _resolve_kurs(kurs: str | Path | ExchangeRates | None) -> ExchangeRates:
    if kurs is None or isinstance(kurs, ExchangeRates):
        return kurs or load_kurs()
    if isinstance(kurs, (str, Path)):
        return load_kurs(kurs)
    raise UsageError(f"kurs must be an ExchangeRates or a path, not {type(kurs).__name__}")


# --------------------------------------------------------------------------------------------
# Inputs


class _Problems:
    """Problems found in the input frames, with the row numbers users see."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, code: str, file: str, rows: np.ndarray, column: str | None, **params: Any) -> None:
        """One problem per row number in ``rows``; array params are taken per row."""
        for k, row in enumerate(rows):
            values = {key: (v[k] if isinstance(v, np.ndarray) else v) for key, v in params.items()}
            values = {key: (v.item() if isinstance(v, np.generic) else v) for key, v in values.items()}
            self.problems.append(Problem(code, file, int(row), column, "error", values))

    def raise_on_errors(self) -> None:
        if self.problems:
            raise DataError(self.problems)


def _row_numbers(frame: pd.DataFrame) -> np.ndarray:
    if ROW in frame.columns:
        rows = pd.to_numeric(frame[ROW], errors="coerce").to_numpy(dtype=float)
        if not np.isnan(rows).any():
            return rows.astype(np.int64)
    return np.arange(1, len(frame) + 1, dtype=np.int64)


def _geometries(frame: Any, what: str) -> np.ndarray:
    """The frame's geometries in EPSG:4326 as an array."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise UsageError(i18n.text("screening.error.not_a_geoframe", what=what, type=type(frame).__name__))
    geoms = frame.geometry
    if geoms.crs is None:
        raise UsageError(i18n.text("screening.error.no_crs", what=what))
    if not CRS.from_user_input(geoms.crs).equals(_WGS84):
        geoms = geoms.to_crs(_WGS84)
    return np.asarray(geoms.array, dtype=object)


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise UsageError(i18n.text("screening.error.columns_missing", what=what, columns=", ".join(missing)))


def _text(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A text column as an object array of stripped strings (None for empty)."""
    if column not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    values = frame[column]
    text = values.astype("string").str.strip()
    text = text.where(text != "", pd.NA)
    out = np.array(text.astype(object), dtype=object)
    out[pd.isna(out)] = None
    return out


def _number(frame: pd.DataFrame, column: str, what: str, rows: np.ndarray, report: _Problems) -> np.ndarray:
    """A number column as float (NaN for empty); text that is not a number is a problem."""
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    raw = frame[column]
    if pd.api.types.is_bool_dtype(raw):
        return raw.astype("float64").to_numpy()
    values = pd.to_numeric(raw, errors="coerce").astype("float64").to_numpy()
    bad = np.isnan(values) & raw.notna().to_numpy()
    if bad.any():
        report.add("screening_not_a_number", what, rows[bad], column, value=raw.to_numpy()[bad].astype(str))
    return values


_TRUE = {"1", "1.0", "true", "t", "ya", "y", "yes"}
_FALSE = {"0", "0.0", "false", "f", "tidak", "no", "n"}


def _flag(frame: pd.DataFrame, column: str, what: str, rows: np.ndarray, report: _Problems) -> np.ndarray:
    """A yes/no column as float: 1 yes, 0 no, NaN empty; anything else is a problem."""
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    raw = frame[column]
    if pd.api.types.is_bool_dtype(raw) or pd.api.types.is_numeric_dtype(raw):
        values = pd.to_numeric(raw.astype("Float64"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isnan(values) & ~np.isin(values, (0.0, 1.0))
    else:
        text = raw.astype("string").str.strip().str.lower()
        yes = text.isin(_TRUE).to_numpy(dtype=bool, na_value=False)
        no = text.isin(_FALSE).to_numpy(dtype=bool, na_value=False)
        values = np.where(yes, 1.0, np.where(no, 0.0, np.nan))
        bad = (text.notna() & (text != "")).to_numpy(dtype=bool, na_value=False) & ~yes & ~no
    if bad.any():
        report.add("screening_not_yes_no", what, rows[bad], column, value=raw.to_numpy()[bad].astype(str))
        values = np.where(bad, np.nan, values)
    return values


def _vocabulary(values: np.ndarray, spec: catalog.ColumnSpec, what: str, rows: np.ndarray,
                report: _Problems) -> np.ndarray:
    """Positions of the values in the column's vocabulary; -1 (and a problem) for empty or unknown."""
    codes = spec.codes()
    lookup = pd.Index(codes)
    present = ~pd.isna(values)
    position = lookup.get_indexer(np.where(present, values, ""))
    empty = ~present
    unknown = present & (position < 0)
    if empty.any():
        report.add("screening_value_missing", what, rows[empty], spec.name)
    if unknown.any():
        report.add("screening_code_unknown", what, rows[unknown], spec.name,
                   value=values[unknown].astype(str), allowed=", ".join(codes))
    return np.where(present, position, -1)


@dataclass
class _Activities:
    frame: pd.DataFrame
    geoms: np.ndarray
    ids: np.ndarray
    periode: np.ndarray
    jenis: np.ndarray  # codes
    jenis_pos: np.ndarray  # position in the vocabulary
    located: np.ndarray  # bool: has a non-empty geometry
    approved: np.ndarray  # bool: persetujuan_tertulis recorded
    approval_ref: np.ndarray
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class _Protected:
    frame: pd.DataFrame
    geoms: np.ndarray
    ids: np.ndarray
    names: np.ndarray
    kategori: np.ndarray  # codes
    kategori_pos: np.ndarray
    aturan: np.ndarray  # the kategori's item
    bentuk: np.ndarray
    setback: np.ndarray  # metres
    lintas_negara: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.ids)


def _coded(
    frame: Any, layer: str, id_column: str, code_column: str, report: _Problems
) -> tuple[np.ndarray, np.ndarray, catalog.ColumnSpec, np.ndarray, np.ndarray, np.ndarray]:
    """The geometries, row numbers, vocabulary (catalogue column), ids, codes and code positions of a
    layer's rows; a missing id or an unknown code is reported."""
    geoms = _geometries(frame, layer)
    _require(frame, [id_column, code_column], layer)
    rows = _row_numbers(frame)
    spec = catalog.layer(layer).column(code_column)
    ids = _text(frame, id_column)
    missing_id = pd.isna(ids)
    if missing_id.any():
        report.add("screening_value_missing", layer, rows[missing_id], id_column)
    codes = _text(frame, code_column)
    return geoms, rows, spec, ids, codes, _vocabulary(codes, spec, layer, rows, report)


def _activities(frame: Any, report: _Problems) -> _Activities:
    geoms, rows, _, ids, jenis, jenis_pos = _coded(frame, "kegiatan", "id_kegiatan", "jenis", report)
    located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    ref = _text(frame, "persetujuan_tertulis")
    approved = ~pd.isna(ref)
    return _Activities(frame, geoms, ids, _text(frame, "periode"), jenis, jenis_pos, located,
                       approved, ref, rows)


def _protected(frame: Any, rules: ScreeningRules, report: _Problems) -> _Protected:
    geoms, rows, spec, ids, kategori, pos = _coded(frame, "kawasan_lindung", "id_kawasan", "kategori", report)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        report.add("screening_geometry_missing", "kawasan_lindung", rows[empty], "geometry")
    values = spec.values or []
    aturan = np.array([v.aturan for v in values] + [None], dtype=object)[pos]
    bentuk = np.array([v.bentuk for v in values] + [None], dtype=object)[pos]
    names = _text(frame, "nama")
    names = np.where(pd.isna(names), ids, names)
    setback = _setbacks(frame, kategori, rules, rows, report)
    lintas = _flag(frame, rules.cross_border.column, "kawasan_lindung", rows, report) == 1.0
    return _Protected(frame, geoms, ids, names, kategori, pos, aturan, bentuk, setback, lintas)


def _setbacks(frame: pd.DataFrame, kategori: np.ndarray, rules: ScreeningRules, rows: np.ndarray,
              report: _Problems) -> np.ndarray:
    n = len(frame)
    out = np.zeros(n)
    columns: dict[str, np.ndarray] = {}

    def values(name: str, boolean: bool) -> np.ndarray:
        if name not in columns:
            get = _flag if boolean else _number
            columns[name] = get(frame, name, "kawasan_lindung", rows, report)
        return columns[name]

    for code, sb in rules.setbacks.items():
        mine = kategori == code
        if not mine.any():
            continue
        if sb.m is not None:
            out[mine] = sb.m
            continue
        widest = np.full(n, -1.0)
        for cls in sb.classes:
            possible = mine.copy()
            for name, cond in cls.where.items():
                v = values(name, isinstance(cond, bool))
                known = ~np.isnan(v)
                match = (v == float(cond)) if isinstance(cond, bool) else cond.contains(v)
                possible &= ~known | match
            widest = np.where(possible, np.maximum(widest, cls.m), widest)
        widest = np.where(mine & (widest < 0), max(c.m for c in sb.classes), widest)
        out[mine] = widest[mine]
    own = _number(frame, "sempadan_m", "kawasan_lindung", rows, report)
    negative = own < 0
    if negative.any():
        report.add("screening_negative", "kawasan_lindung", rows[negative], "sempadan_m", value=own[negative])
    return np.where(np.isnan(own) | negative, out, own)


def setbacks(kawasan_lindung: pd.DataFrame, rules: str | Path | ScreeningRules | None = None) -> pd.Series:
    """The setback width (sempadan, metres) of each protected feature.

    The feature's own ``sempadan_m`` when given, else the width of its kategori in the rules; for
    rivers the PP 38/2011 class read from ``bertanggul``, ``perkotaan``, ``kedalaman_m`` and
    ``luas_das_km2``, and when one of those is empty the widest class still possible.

    Parameters
    ----------
    kawasan_lindung : DataFrame or GeoDataFrame
        Rows of the ``kawasan_lindung`` layer (``kategori`` needed; the other columns optional).
    rules : ScreeningRules or path, optional
        Default: the packaged rules.

    Returns
    -------
    pandas.Series
        Metres (float), with the frame's index.

    Raises
    ------
    DataError
        An unknown or empty kategori, or a value that is not a number / not yes-no, naming the row
        and the column.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis import screening
    >>> sungai = pd.DataFrame({
    ...     "kategori": ["sungai", "sungai", "sungai", "sungai", "garis_pantai", "hutan_lindung"],
    ...     "perkotaan": [True, True, False, None, None, None],
    ...     "bertanggul": [False, False, False, None, None, None],
    ...     "kedalaman_m": [3.0, 3.5, None, None, None, None],
    ...     "sempadan_m": [None, None, None, None, None, 25.0]})
    >>> screening.setbacks(sungai).tolist()
    [10.0, 15.0, 100.0, 100.0, 100.0, 25.0]
    """
    rules = _resolve_rules(rules)
    report = _Problems()
    if not isinstance(kawasan_lindung, pd.DataFrame):
        raise UsageError(i18n.text("screening.error.not_a_geoframe", what="kawasan_lindung",
                                   type=type(kawasan_lindung).__name__))
    _require(kawasan_lindung, ["kategori"], "kawasan_lindung")
    rows = _row_numbers(kawasan_lindung)
    kategori = _text(kawasan_lindung, "kategori")
    _vocabulary(kategori, catalog.layer("kawasan_lindung").column("kategori"), "kawasan_lindung", rows, report)
    out = _setbacks(kawasan_lindung, kategori, rules, rows, report)
    report.raise_on_errors()
    return pd.Series(out, index=kawasan_lindung.index, name="sempadan_m", dtype="float64")


def reach_m(
    kawasan_lindung: pd.DataFrame,
    *,
    warning_m: float | None = None,
    road_end_m: float | None = None,
    rules: str | Path | ScreeningRules | None = None,
) -> pd.Series:
    """How far from each protected feature an activity can still get a finding from :func:`screen`:
    the feature's setback (:func:`setbacks`) plus the larger of the warning distance and the road-end
    distance of rule 9b (metres).

    Parameters
    ----------
    kawasan_lindung : DataFrame or GeoDataFrame
        Rows of the ``kawasan_lindung`` layer (geometry not needed).
    warning_m, road_end_m : float, optional
        As for :func:`screen` (default: the rules' ``proximity.warning_m`` and ``road.end_m``).
    rules : ScreeningRules or path, optional
        Default: the packaged rules.

    Returns
    -------
    pandas.Series
        Metres (float), with the frame's index.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis import screening
    >>> screening.reach_m(pd.DataFrame({"kategori": ["garis_pantai"], "sempadan_m": [None]})).tolist()
    [1100.0]
    """
    rules = _resolve_rules(rules)
    warning = _distance_setting(warning_m, rules.proximity.warning_m, "warning_m")
    road_end = _distance_setting(road_end_m, rules.road.end_m, "road_end_m")
    return setbacks(kawasan_lindung, rules) + max(warning, road_end)


def protected_near(
    store: Any,
    bounds: Sequence[float] | None,
    *,
    warning_m: float | None = None,
    road_end_m: float | None = None,
    rules: str | Path | ScreeningRules | None = None,
) -> gpd.GeoDataFrame:
    """The protected features of ``store`` that can give a finding to an activity inside ``bounds``,
    read by place.

    The attributes of the whole ``kawasan_lindung`` layer are read first (no geometries) for the
    largest :func:`reach_m`; then only the features whose box meets ``bounds`` widened by that much
    are read, through the store's spatial index (GeoPackage R-tree, PostGIS GiST). So screening one
    kab/kota of a national store reads its surroundings, not 20,000 polygons, and :func:`screen`
    finds exactly what it finds against the whole layer.

    Parameters
    ----------
    store : Store
        An open store (:func:`kotaku_gis.open_store`).
    bounds : (west, south, east, north) or None
        Box (EPSG:4326) holding the activities to be screened, such as ``kegiatan.total_bounds``;
        None or a box that is not finite (no located activity) gives no feature.
    warning_m, road_end_m, rules
        As for :func:`screen` (they set the reach).

    Returns
    -------
    GeoDataFrame
        Rows of ``kawasan_lindung``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import kotaku_gis as kg
    >>> from kotaku_gis import screening
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> store = kg.open_store(folder / "contoh.gpkg")
    >>> _ = kg.build_sample_store(store, report_dir=folder)
    >>> kegiatan = store.read("kegiatan", kode="61.71.04")
    >>> near = screening.protected_near(store, kegiatan.total_bounds)
    >>> everything = store.read("kawasan_lindung")
    >>> len(near) < len(everything)
    True
    >>> screening.screen(kegiatan, near).equals(screening.screen(kegiatan, everything))
    True
    """
    box = np.asarray(bounds if bounds is not None else [np.nan] * 4, dtype="float64")
    attributes = store.read("kawasan_lindung", geometry=False)
    if len(attributes) == 0 or box.shape != (4,) or not np.isfinite(box).all():
        return gpd.GeoDataFrame(attributes.iloc[0:0], geometry=[], crs=settings.storage_crs)
    reach = reach_m(attributes, warning_m=warning_m, road_end_m=road_end_m, rules=rules).max()
    pad = float(geodesy.pad_degrees(np.array([shapely.box(*box)]), np.array([reach]))[0])
    west, south, east, north = box
    return store.read("kawasan_lindung", bbox=(west - pad, south - pad, east + pad, north + pad))


# --------------------------------------------------------------------------------------------
# Spatial core: candidate pairs, then metres per UTM zone of the activity


def _candidates(acts: _Activities, prot: _Protected, limit_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(activity, feature) position pairs that may lie within each feature's ``limit_m``, sorted."""
    located = np.flatnonzero(acts.located)
    usable = np.flatnonzero(~(shapely.is_missing(prot.geoms) | shapely.is_empty(prot.geoms)) & (limit_m >= 0))
    if len(located) == 0 or len(usable) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    tree = shapely.STRtree(acts.geoms[located])
    pad = geodesy.pad_degrees(prot.geoms[usable], limit_m[usable])
    fj, ti = tree.query(prot.geoms[usable], predicate="dwithin", distance=pad)
    ai, fj = located[ti], usable[fj]
    order = np.lexsort((fj, ai))
    return ai[order].astype(np.int64), fj[order].astype(np.int64)


def _zones(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The UTM zone (EPSG code) of each geometry's bounding-box centre, and the UTM scale factor there."""
    b = shapely.bounds(geoms)
    lon, lat = (b[:, 0] + b[:, 2]) / 2.0, (b[:, 1] + b[:, 3]) / 2.0
    epsg = geodesy.utm_epsg_array(lon, lat)
    k = np.ones(len(geoms))
    for code, idx in _groups(epsg):
        easting = shapely.get_x(geodesy.project(shapely.points(lon[idx], lat[idx]), code, max_segment_deg=0))
        k[idx] = geodesy.scale_factor(easting)
    return epsg, k


def _groups(codes: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(code, positions) for each code present but 0."""
    order = np.argsort(codes, kind="stable")
    values, starts = np.unique(codes[order], return_index=True)
    ends = np.append(starts[1:], len(order))
    for v, s, e in zip(values, starts, ends):
        if v != 0:
            yield int(v), order[s:e]


@dataclass
class _PairMeasures:
    """Metric measures of (activity, feature) pairs."""

    ai: np.ndarray
    fj: np.ndarray
    distance: np.ndarray
    end_distance: np.ndarray  # NaN where not measured
    overlap: np.ndarray  # NaN where not measured


def _measure_pairs(
    acts: _Activities,
    prot: _Protected,
    ai: np.ndarray,
    fj: np.ndarray,
    *,
    ends_within: np.ndarray | None = None,
    overlap_within: np.ndarray | None = None,
) -> _PairMeasures:
    """Distances (m) of the pairs, each in the UTM zone of its activity.

    ``ends_within`` (metres per pair, NaN: skip): for pairs closer than it, also the distance of the
    activity's ends (:func:`_ends`). ``overlap_within`` (metres per pair, NaN: skip): for polygonal
    activities closer than it, the area (m2) of the activity within that distance of the feature.
    """
    n = len(ai)
    distance = np.full(n, np.nan)
    end_distance = np.full(n, np.nan)
    overlap = np.full(n, np.nan)
    if n == 0:
        return _PairMeasures(ai, fj, distance, end_distance, overlap)
    tol = settings.screening_tolerance_m
    step = settings.screening_max_segment_deg
    epsg, k = _zones(acts.geoms[np.unique(ai)])
    zone_of = np.zeros(len(acts), np.int64)
    scale = np.ones(len(acts))
    zone_of[np.unique(ai)] = epsg
    scale[np.unique(ai)] = k
    polygonal = shapely.get_dimensions(acts.geoms) == 2
    for code, idx in _groups(zone_of[ai]):
        ua, ia = np.unique(ai[idx], return_inverse=True)
        uf, jf = np.unique(fj[idx], return_inverse=True)
        pa = geodesy.project(acts.geoms[ua], code, max_segment_deg=step)
        pf = geodesy.project(prot.geoms[uf], code, max_segment_deg=step)
        kk = scale[ai[idx]]
        d = shapely.distance(pa[ia], pf[jf]) / kk
        distance[idx] = d
        if ends_within is not None:
            want = d <= ends_within[idx] + tol
            if want.any():
                sel = idx[want]
                ends = geodesy.project(_ends(acts.geoms[ai[sel]]), code, max_segment_deg=step)
                end_distance[sel] = shapely.distance(ends, pf[jf[want]]) / kk[want]
        if overlap_within is not None:
            want = polygonal[ai[idx]] & (d <= overlap_within[idx] + tol)
            if want.any():
                overlap[idx[want]] = _overlap(pa[ia[want]], pf[jf[want]], overlap_within[idx[want]], kk[want])
    return _PairMeasures(ai, fj, distance, end_distance, overlap)


def _ends(geoms: np.ndarray) -> np.ndarray:
    """Where each road ends: the end points of a line (none for a closed one), a point itself, and
    the whole of a polygon (a road drawn as an area can end anywhere in it)."""
    out = geoms.copy()
    lines = np.isin(shapely.get_type_id(geoms), (1, 2, 5))
    if lines.any():
        out[lines] = shapely.boundary(geoms[lines])
    return out


def _overlap(pa: np.ndarray, pf: np.ndarray, within_m: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Area (m2) of each projected activity within ``within_m`` metres of its projected feature.

    Geometry is expected valid (the loader repairs it); an overlay that fails on invalid input is
    retried with the inputs repaired.
    """
    try:
        return _overlap_area(pa, pf, within_m * k) / k**2
    except shapely.errors.GEOSException:
        return _overlap_area(_valid(pa), _valid(pf), within_m * k) / k**2


def _overlap_area(pa: np.ndarray, pf: np.ndarray, reach: np.ndarray) -> np.ndarray:
    out = np.empty(len(pa))
    plain = reach <= 0
    if plain.any():
        out[plain] = shapely.area(shapely.intersection(pa[plain], pf[plain]))
    grow = ~plain
    if grow.any():
        # buffer only the part of the feature that can reach the activity
        b = shapely.bounds(pa[grow])
        margin = reach[grow] + 1.0
        window = shapely.box(b[:, 0] - margin, b[:, 1] - margin, b[:, 2] + margin, b[:, 3] + margin)
        local = shapely.intersection(pf[grow], window)
        zone = shapely.buffer(local, reach[grow], quad_segs=_QUAD_SEGS)
        out[grow] = shapely.area(shapely.intersection(pa[grow], zone))
    return out


def _valid(geoms: np.ndarray) -> np.ndarray:
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    return geoms


# --------------------------------------------------------------------------------------------
# Text


def _fmt(values: Any, lang: str, decimals: int = 0, trim: bool = False) -> np.ndarray:
    """Numbers as users read them: ``1.234,5`` in Bahasa Indonesia, ``1,234.5`` in English."""
    arr = np.round(np.atleast_1d(np.asarray(values, dtype=float)), decimals)
    unique, inverse = np.unique(arr, return_inverse=True)  # few distinct values once rounded
    swap = str.maketrans(",.", ".,")

    def one(v: float) -> str:
        if np.isnan(v):
            return "-"
        s = f"{v:,.{decimals}f}"
        if trim and "." in s:
            s = s.rstrip("0").rstrip(".")
        return s.translate(swap) if lang == "id" else s

    return np.array([one(v) for v in unique], dtype=object)[inverse.reshape(-1)]


def _render(key: str, lang: str, n: int, **values: Any) -> np.ndarray:
    """The template ``key`` filled for ``n`` findings at once (array values per finding)."""
    template = i18n.strings(lang)[key]
    out = np.full(n, "", dtype=object)
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        if literal:
            out = out + literal
        if field is not None:
            v = values[field]
            out = out + (np.asarray(v, dtype=object).astype(str).astype(object) if isinstance(v, np.ndarray) else str(v))
    return out


# --------------------------------------------------------------------------------------------
# Findings


class _Findings:
    """Findings collected block by block, as arrays."""

    def __init__(self, rules: ScreeningRules, acts: _Activities, prot: _Protected | None, lang: str):
        self.rules, self.acts, self.prot, self.lang = rules, acts, prot, lang
        self.blocks: list[dict[str, np.ndarray]] = []

    def item_name(self, aturan: Any) -> Any:
        names = {i.aturan: i.name(self.lang) for i in self.rules.items}
        if isinstance(aturan, np.ndarray):
            return pd.Series(aturan, dtype=object).map(names).to_numpy(dtype=object)
        return names[aturan]

    def add(self, act: np.ndarray, aturan: Any, status: Any, text: np.ndarray, *, feature: np.ndarray | None = None,
            distance: np.ndarray | None = None, overlap: np.ndarray | None = None) -> None:
        m = len(act)
        if m == 0:
            return
        self.blocks.append({
            "act": act,
            "feature": feature if feature is not None else np.full(m, -1, np.int64),
            "aturan": np.broadcast_to(np.asarray(aturan, dtype=object), (m,)).copy(),
            "status": np.broadcast_to(np.asarray(status, dtype=object), (m,)).copy(),
            "jarak_m": distance if distance is not None else np.full(m, np.nan),
            "luas_tumpang_m2": overlap if overlap is not None else np.full(m, np.nan),
            "keterangan": text,
        })

    def frame(self, geometry: bool) -> pd.DataFrame:
        acts, prot = self.acts, self.prot
        if not self.blocks:
            out = pd.DataFrame({c: pd.Series(dtype="float64" if c in ("jarak_m", "luas_tumpang_m2") else object)
                                for c in COLUMNS})
            if geometry:
                return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries([], crs=settings.storage_crs))
            return out
        cols = {k: np.concatenate([b[k] for b in self.blocks]) for k in self.blocks[0]}
        act, feature = cols["act"], cols["feature"]
        has = feature >= 0
        fid = np.full(len(act), None, dtype=object)
        kat = np.full(len(act), None, dtype=object)
        if prot is not None and has.any():
            fid[has] = prot.ids[feature[has]]
            kat[has] = prot.kategori[feature[has]]
        item_rank = {i.aturan: r for r, i in enumerate(self.rules.items)}
        rank = pd.Series(cols["aturan"]).map(item_rank).to_numpy()
        status_rank = pd.Series(cols["status"]).map({s: r for r, s in enumerate(STATUSES)}).to_numpy()
        ids = pd.Series(acts.ids[act], dtype=object).fillna("").astype(str).to_numpy()
        periods = pd.Series(acts.periode[act], dtype=object).fillna("").astype(str).to_numpy()
        out = pd.DataFrame({
            "id_kegiatan": acts.ids[act],
            "periode": acts.periode[act],
            "aturan": cols["aturan"],
            "status": cols["status"],
            "id_kawasan": fid,
            "kategori": kat,
            "jarak_m": np.round(cols["jarak_m"], 2),
            "luas_tumpang_m2": np.round(cols["luas_tumpang_m2"], 2),
            "keterangan": cols["keterangan"],
        })
        fsort = pd.Series(fid, dtype=object).fillna("").astype(str).to_numpy()
        order = np.lexsort((fsort, np.nan_to_num(cols["jarak_m"], nan=-1.0), status_rank, rank, periods, ids))
        out = out.iloc[order].reset_index(drop=True)
        if geometry:
            return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(acts.geoms[act[order]], crs=settings.storage_crs))
        return out


def screen(
    kegiatan: gpd.GeoDataFrame,
    kawasan_lindung: gpd.GeoDataFrame,
    *,
    rules: str | Path | ScreeningRules | None = None,
    kurs: str | Path | ExchangeRates | None = None,
    warning_m: float | None = None,
    road_end_m: float | None = None,
    lang: str | None = None,
    geometry: bool = False,
) -> pd.DataFrame:
    """Screen activities against the BDI negative list and the protected areas.

    Parameters
    ----------
    kegiatan : GeoDataFrame
        Activities (``kegiatan`` layer columns): ``id_kegiatan`` and ``jenis`` needed; ``periode``,
        ``biaya_usd``, ``biaya_idr``, ``luas_reklamasi_ha``, ``kapasitas_tampungan_m3``,
        ``dampak_negatif`` and ``persetujuan_tertulis`` read when present. Any CRS (reprojected);
        points, lines, polygons and their multi-part forms, mixed; rows without geometry are
        screened on their attributes and get an item-6 ``perlu_tinjauan``.
    kawasan_lindung : GeoDataFrame
        Protected features (``kawasan_lindung`` layer columns): ``id_kawasan`` and ``kategori``
        needed; ``nama``, ``sempadan_m``, ``lintas_negara`` and the river-class columns read when
        present. Any CRS (reprojected).
    rules : ScreeningRules or path, optional
        Default the packaged ``rules/screening.yml``.
    kurs : ExchangeRates or path, optional
        Default the packaged ``rules/kurs.yml``.
    warning_m : float, optional
        Proximity warning distance; default the rules' ``proximity.warning_m`` (1,000 m).
    road_end_m : float, optional
        Item 9b end distance; default the rules' ``road.end_m`` (50 m).
    lang : {"id", "en"}, optional
        Language of ``keterangan``; default ``settings.language``.
    geometry : bool
        Return a GeoDataFrame carrying each finding's activity geometry (EPSG:4326).

    Returns
    -------
    DataFrame or GeoDataFrame
        One row per finding (:data:`COLUMNS`): ``id_kegiatan``, ``periode``, ``aturan`` (the item,
        e.g. ``6a``, ``9b``, ``4``), ``status`` (:data:`STATUSES`), ``id_kawasan`` and ``kategori``
        of the protected feature (empty for attribute rules), ``jarak_m`` (metres from the activity
        to the feature, 0 inside; for a 9b finding by its end, from the end), ``luas_tumpang_m2``
        (area of a polygonal activity inside the feature's protected zone, i.e. the feature and its
        setback; empty for points, lines and attribute rules) and ``keterangan`` (the finding in
        words, naming the item). Sorted by activity, item, status, distance. Activities without a
        finding do not appear.

    Raises
    ------
    UsageError
        A frame is not a GeoDataFrame, has no CRS, or lacks a needed column; a distance is negative.
    DataError
        Unknown or empty ``jenis``/``kategori``, protected features without geometry, numbers or
        yes/no values that are not, each problem naming the frame, the row (``_baris`` when the frame
        has it, else the 1-based position) and the column.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from kotaku_gis import screening
    >>> kegiatan = gpd.GeoDataFrame(
    ...     {"id_kegiatan": ["A", "B", "C"], "periode": ["2024"] * 3,
    ...      "jenis": ["pembebasan_lahan", "drainase", "drainase"],
    ...      "biaya_idr": [1e8, 40e9, None], "biaya_usd": [None, None, None]},
    ...     geometry=[Point(109.3, -0.03)] * 3, crs="EPSG:4326")
    >>> kosong = gpd.GeoDataFrame({"id_kawasan": [], "kategori": []}, geometry=[], crs="EPSG:4326")
    >>> hasil = screening.screen(kegiatan, kosong, lang="en")
    >>> hasil[["id_kegiatan", "aturan", "status"]]
      id_kegiatan aturan          status
    0           A      2     tidak_layak
    1           B      4     tidak_layak
    2           C      4  perlu_tinjauan
    >>> print(hasil.loc[1, "keterangan"])
    Item 4 (investment worth more than USD 2 million): an investment of IDR 40,000,000,000 = USD 2,523,659 at IDR 15,850 per USD (2024) is above USD 2,000,000.
    """
    rules = _resolve_rules(rules)
    kurs = _resolve_kurs(kurs)
    lang = lang or settings.language
    i18n.strings(lang)  # an unknown language is a UsageError now, not after the work
    warning = _distance_setting(warning_m, rules.proximity.warning_m, "warning_m")
    road_end = _distance_setting(road_end_m, rules.road.end_m, "road_end_m")
    report = _Problems()
    acts = _activities(kegiatan, report)
    prot = _protected(kawasan_lindung, rules, report)
    report.raise_on_errors()

    found = _Findings(rules, acts, prot, lang)
    _attribute_rules(found, rules, kurs, report)
    report.raise_on_errors()
    _spatial_rules(found, rules, warning, road_end)
    return found.frame(geometry)


def _distance_setting(value: float | None, default: float, name: str) -> float:
    v = default if value is None else value
    try:
        v = float(v)
    except (TypeError, ValueError):
        raise UsageError(i18n.text("screening.error.bad_distance", name=name, value=value)) from None
    if not v >= 0:
        raise UsageError(i18n.text("screening.error.bad_distance", name=name, value=value))
    return v


def _attribute_rules(found: _Findings, rules: ScreeningRules, kurs: ExchangeRates, report: _Problems) -> None:
    acts, lang = found.acts, found.lang
    frame, rows = acts.frame, acts.rows
    idx = np.arange(len(acts))
    spec = catalog.layer("kegiatan").column("jenis")
    vocab = spec.values or []
    labels = np.array([v.label(lang) for v in vocab] + [""], dtype=object)[acts.jenis_pos]

    # items 1, 2, 3, 5, 8, 9a, 9d: the activity type itself
    by_type = np.array([v.aturan for v in vocab] + [None], dtype=object)[acts.jenis_pos]
    hit = ~pd.isna(by_type)
    if hit.any():
        aturan = by_type[hit].astype(str)
        text = _render("screening.keterangan.jenis", lang, int(hit.sum()), aturan=aturan.astype(object),
                       butir=found.item_name(aturan.astype(object)), jenis=labels[hit])
        found.add(idx[hit], aturan, _status(rules, aturan, acts.approved[hit]), text)

    # item 4: investment value
    c = rules.cost
    usd = _number(frame, c.usd_column, "kegiatan", rows, report)
    idr = _number(frame, c.idr_column, "kegiatan", rows, report)
    for name, v in ((c.usd_column, usd), (c.idr_column, idr)):
        negative = v < 0
        if negative.any():
            report.add("screening_negative", "kegiatan", rows[negative], name, value=v[negative])
    n = len(acts)
    rate = np.full(n, np.nan)
    rate_period = np.full(n, "", dtype=object)
    for p in pd.unique(acts.periode[~pd.isna(acts.periode)]):  # a few periods, not the rows
        found_rate = kurs.rate(p)
        if found_rate is not None:
            mine = acts.periode == p
            rate[mine], rate_period[mine] = found_rate
    from_idr = idr / rate
    value = np.fmax(usd, from_idr)  # the larger of the two where both are given
    name4 = found.item_name(c.aturan)
    limit = _fmt(c.above_usd, lang)[0]
    over = value > c.above_usd
    by_usd = over & (usd > c.above_usd) & ~(from_idr > usd)
    by_idr = over & ~by_usd
    for mask, key, shown in ((by_usd, "biaya_usd", usd), (by_idr, "biaya_idr", from_idr)):
        if mask.any():
            text = _render(f"screening.keterangan.{key}", lang, int(mask.sum()), aturan=c.aturan, butir=name4,
                           batas=limit, usd=_fmt(shown[mask], lang), idr=_fmt(idr[mask], lang),
                           kurs=_fmt(rate[mask], lang), periode_kurs=rate_period[mask])
            found.add(idx[mask], c.aturan, _status(rules, c.aturan, acts.approved[mask]), text)
    nothing = np.isnan(usd) & np.isnan(idr)
    no_rate = np.isnan(usd) & ~np.isnan(idr) & np.isnan(rate)
    for mask, key in ((nothing, "biaya_kosong"), (no_rate, "kurs_kosong")):
        if mask.any():
            text = _render(f"screening.keterangan.{key}", lang, int(mask.sum()), aturan=c.aturan, butir=name4,
                           batas=limit, idr=_fmt(idr[mask], lang),
                           periode=pd.Series(acts.periode[mask], dtype=object).fillna("-").to_numpy(dtype=object))
            found.add(idx[mask], c.aturan, "perlu_tinjauan", text)

    # items 9e, 9f: sizes
    for t in rules.thresholds:
        v = _number(frame, t.column, "kegiatan", rows, report)
        negative = v < 0
        if negative.any():
            report.add("screening_negative", "kegiatan", rows[negative], t.column, value=v[negative])
        name = found.item_name(t.aturan)
        over = v > t.above
        if over.any():
            text = _render("screening.keterangan.ambang_lebih", lang, int(over.sum()), aturan=t.aturan, butir=name,
                           kolom=t.column, nilai=_fmt(v[over], lang, 2, trim=True), satuan=t.unit,
                           batas=_fmt(t.above, lang, 2, trim=True)[0])
            found.add(idx[over], t.aturan, _status(rules, t.aturan, acts.approved[over]), text)
        empty = np.isnan(v) & np.isin(acts.jenis.astype(str), t.required_for)
        if empty.any():
            text = _render("screening.keterangan.ambang_kosong", lang, int(empty.sum()), aturan=t.aturan, butir=name,
                           kolom=t.column, satuan=t.unit, batas=_fmt(t.above, lang, 2, trim=True)[0],
                           jenis=labels[empty])
            found.add(idx[empty], t.aturan, "perlu_tinjauan", text)

    # item 7: flags
    for f in rules.flags:
        yes = _flag(frame, f.column, "kegiatan", rows, report) == 1.0
        if yes.any():
            text = _render("screening.keterangan.tanda", lang, int(yes.sum()), aturan=f.aturan,
                           butir=found.item_name(f.aturan), kolom=f.column)
            found.add(idx[yes], f.aturan, _status(rules, f.aturan, acts.approved[yes]), text)

    # item 6 cannot be checked without a location
    lost = ~acts.located
    if lost.any():
        six = rules.location.aturan
        text = _render("screening.keterangan.tanpa_lokasi", lang, int(lost.sum()), aturan=six, butir=found.item_name(six))
        found.add(idx[lost], six, "perlu_tinjauan", text)


def _status(rules: ScreeningRules, aturan: Any, approved: np.ndarray) -> np.ndarray:
    """``tidak_layak``, or ``perlu_tinjauan`` where an approval is recorded and the item allows it."""
    review = [i.aturan for i in rules.items if i.approval == "review"]
    items = np.broadcast_to(np.asarray(aturan, dtype=object), approved.shape)
    liftable = pd.Series(items, dtype=object).isin(review).to_numpy(dtype=bool)
    return np.where(approved & liftable, "perlu_tinjauan", "tidak_layak").astype(object)


def _spatial_rules(found: _Findings, rules: ScreeningRules, warning: float, road_end: float) -> None:
    acts, prot, lang = found.acts, found.prot, found.lang
    assert prot is not None
    if len(prot) == 0 or not acts.located.any():
        return
    tol = settings.screening_tolerance_m
    vocab = catalog.layer("kegiatan").column("jenis").values or []
    road_act = np.array([rules.road.tag in v.tags for v in vocab] + [False])[acts.jenis_pos]
    water_act = np.array([rules.cross_border.tag in v.tags for v in vocab] + [False])[acts.jenis_pos]
    road_feat = np.isin(prot.bentuk.astype(str), rules.road.bentuk)
    warn_feat = np.isin(prot.bentuk.astype(str), rules.proximity.bentuk)

    limit = prot.setback.copy()
    limit = np.where(warn_feat, np.maximum(limit, warning), limit)
    if road_act.any():
        limit = np.where(road_feat, np.maximum(limit, road_end), limit)
    ai, fj = _candidates(acts, prot, limit)
    if len(ai) == 0:
        return
    road_pair = road_act[ai] & road_feat[fj]
    m = _measure_pairs(
        acts, prot, ai, fj,
        ends_within=np.where(road_pair, road_end, np.nan),
        overlap_within=prot.setback[fj],
    )
    d, s = m.distance, prot.setback[fj]
    in_zone = d <= s + tol
    inside = d <= tol
    names, labels = prot.names[fj], _kategori_labels(prot, lang)[fj]

    # items 6a/6b/6c: inside the feature or its setback
    for mask, key in ((in_zone & inside, "di_dalam"), (in_zone & ~inside, "sempadan")):
        if mask.any():
            aturan = prot.aturan[fj[mask]]
            status = _status(rules, aturan, acts.approved[ai[mask]])
            text = _render(f"screening.keterangan.{key}", lang, int(mask.sum()), aturan=aturan,
                           butir=found.item_name(aturan), kawasan=names[mask], kategori=labels[mask],
                           jarak=_fmt(d[mask], lang, 1), sempadan=_fmt(s[mask], lang, 1, trim=True))
            review = status == "perlu_tinjauan"
            if review.any():
                text[review] = text[review] + _render("screening.keterangan.persetujuan", lang, int(review.sum()),
                                                      rujukan=acts.approval_ref[ai[mask][review]])
            found.add(ai[mask], aturan, status, text, feature=fj[mask], distance=d[mask], overlap=m.overlap[mask])

    # item 9b: roads into protected areas
    r = rules.road
    enters = road_pair & inside
    ends = road_pair & ~inside & (m.end_distance <= road_end + tol)
    for mask, key, dist in ((enters, "jalan_masuk", d), (ends, "jalan_ujung", m.end_distance)):
        if mask.any():
            status = _status(rules, r.aturan, acts.approved[ai[mask]])
            text = _render(f"screening.keterangan.{key}", lang, int(mask.sum()), aturan=r.aturan,
                           butir=found.item_name(r.aturan),
                           kawasan=names[mask], kategori=labels[mask], jarak=_fmt(dist[mask], lang, 1),
                           batas=_fmt(road_end, lang, 1, trim=True)[0])
            found.add(ai[mask], r.aturan, status, text, feature=fj[mask], distance=dist[mask], overlap=m.overlap[mask])

    # item 9c: water-resource works on cross-border rivers
    x = rules.cross_border
    cross = water_act[ai] & prot.lintas_negara[fj] & in_zone
    if cross.any():
        status = _status(rules, x.aturan, acts.approved[ai[cross]])
        text = _render("screening.keterangan.lintas_negara", lang, int(cross.sum()), aturan=x.aturan,
                       butir=found.item_name(x.aturan),
                       kawasan=names[cross], kategori=labels[cross], jarak=_fmt(d[cross], lang, 1),
                       sempadan=_fmt(s[cross], lang, 1, trim=True))
        found.add(ai[cross], x.aturan, status, text, feature=fj[cross], distance=d[cross], overlap=m.overlap[cross])

    # proximity warnings
    near = warn_feat[fj] & ~in_zone & (d <= warning + tol)
    if near.any():
        aturan = prot.aturan[fj[near]]
        text = _render("screening.keterangan.dekat", lang, int(near.sum()), aturan=aturan,
                       butir=found.item_name(aturan), kawasan=names[near], kategori=labels[near],
                       jarak=_fmt(d[near], lang, 1), radius=_fmt(warning, lang, 1, trim=True)[0])
        found.add(ai[near], aturan, "peringatan", text, feature=fj[near], distance=d[near],
                  overlap=np.where(np.isnan(m.overlap[near]) & (shapely.get_dimensions(acts.geoms[ai[near]]) == 2),
                                   0.0, m.overlap[near]))


def _kategori_labels(prot: _Protected, lang: str) -> np.ndarray:
    values = catalog.layer("kawasan_lindung").column("kategori").values or []
    return np.array([v.label(lang) for v in values] + [""], dtype=object)[prot.kategori_pos]


# --------------------------------------------------------------------------------------------
# Proximity report


def proximity(
    kegiatan: gpd.GeoDataFrame,
    kawasan_lindung: gpd.GeoDataFrame,
    *,
    n: int | None = None,
    radius_m: float | None = None,
    bentuk: Sequence[str] | None = None,
    rules: str | Path | ScreeningRules | None = None,
) -> pd.DataFrame:
    """The nearest protected features of each activity, with distances (an IBAT-style report).

    Parameters
    ----------
    kegiatan, kawasan_lindung : GeoDataFrame
        As for :func:`screen`.
    n : int, optional
        How many features per activity; default ``settings.screening_nearest_count`` (3).
    radius_m : float, optional
        Look no farther than this; default ``settings.screening_nearest_radius_m`` (10 km).
    bentuk : list of {"area", "garis", "titik"}, optional
        Only features of these shapes (by their kategori); default all.
    rules : ScreeningRules or path, optional
        For the setbacks; default the packaged rules.

    Returns
    -------
    DataFrame
        :data:`PROXIMITY_COLUMNS`: one row per activity and feature, ``peringkat`` 1 for the
        nearest; ``jarak_m`` 0 inside; ``dalam_sempadan`` whether the activity lies in the feature's
        protected zone. Activities with nothing within the radius do not appear.

    Raises
    ------
    UsageError, DataError
        As :func:`screen`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> from kotaku_gis import screening
    >>> kegiatan = gpd.GeoDataFrame({"id_kegiatan": ["K1"], "jenis": ["drainase"]},
    ...                             geometry=[Point(109.30, 0.0)], crs="EPSG:4326")
    >>> kawasan = gpd.GeoDataFrame(
    ...     {"id_kawasan": ["A", "B", "C"], "kategori": ["cagar_alam", "rawa", "mata_air"]},
    ...     geometry=[box(109.31, -0.01, 109.32, 0.01), box(109.25, 0.02, 109.26, 0.03), Point(109.30, 0.001)],
    ...     crs="EPSG:4326")
    >>> screening.proximity(kegiatan, kawasan, n=2)[["id_kegiatan", "peringkat", "id_kawasan", "jarak_m", "dalam_sempadan"]]
      id_kegiatan  peringkat id_kawasan  jarak_m  dalam_sempadan
    0          K1          1          C   110.57            True
    1          K1          2          A  1113.19           False
    """
    rules = _resolve_rules(rules)
    count = settings.screening_nearest_count if n is None else n
    if not isinstance(count, (int, np.integer)) or count < 1:
        raise UsageError(i18n.text("screening.error.bad_count", value=n))
    radius = _distance_setting(radius_m, settings.screening_nearest_radius_m, "radius_m")
    report = _Problems()
    acts = _activities(kegiatan, report)
    prot = _protected(kawasan_lindung, rules, report)
    report.raise_on_errors()
    wanted = np.ones(len(prot), dtype=bool) if bentuk is None else np.isin(prot.bentuk.astype(str), list(bentuk))
    limit = np.where(wanted, radius, -1.0)
    ai, fj = _candidates(acts, prot, limit)
    m = _measure_pairs(acts, prot, ai, fj)
    tol = settings.screening_tolerance_m
    keep = m.distance <= radius + tol
    ai, fj, d = ai[keep], fj[keep], m.distance[keep]
    # nearest first within each activity, then the first `count`
    order = np.lexsort((prot.ids[fj].astype(str), d, ai))
    ai, fj, d = ai[order], fj[order], d[order]
    first = np.r_[True, ai[1:] != ai[:-1]] if len(ai) else np.empty(0, bool)
    start = np.maximum.accumulate(np.where(first, np.arange(len(ai)), 0)) if len(ai) else np.empty(0, np.int64)
    rank = np.arange(len(ai)) - start + 1
    top = rank <= count
    ai, fj, d, rank = ai[top], fj[top], d[top], rank[top]
    out = pd.DataFrame({
        "id_kegiatan": acts.ids[ai],
        "periode": acts.periode[ai],
        "peringkat": rank.astype("int64"),
        "id_kawasan": prot.ids[fj],
        "nama": prot.names[fj],
        "kategori": prot.kategori[fj],
        "aturan": prot.aturan[fj],
        "jarak_m": np.round(d, 2),
        "sempadan_m": prot.setback[fj],
        "dalam_sempadan": d <= prot.setback[fj] + tol,
    })
    ids = pd.Series(acts.ids[ai], dtype=object).fillna("").astype(str).to_numpy()
    periods = pd.Series(acts.periode[ai], dtype=object).fillna("").astype(str).to_numpy()
    final = np.lexsort((rank, periods, ids))
    return out.iloc[final].reset_index(drop=True)
