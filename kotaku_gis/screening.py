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
One STRtree over the activities (in degrees) is queried once with the box of every protected feature
widened by the largest limit that feature can trigger (its setback, the warning distance, the road-end
distance), converted to degrees conservatively for the feature's latitude (never less than the limit
in metres). Only these candidate pairs are measured in metres: grouped by the activity's zone, each
zone's activities and candidate features are projected once (PROJ's ``algo=auto`` transverse
Mercator, within 0.1 mm of the exact one) and each feature is indexed once (GEOS prepared
geometries: whether an activity meets it, else the distance to its edges), so that a feature near
many activities is not walked once per activity. The zones run on threads
(``settings.screening_threads``; shapely, GEOS and PROJ work outside Python's lock), and the texts of
the findings are written only for the findings found. No Python loop runs per row; the benchmark
(``scripts/bench_screening.py``) screens 100,000 activities against 20,000 complex polygons and
5,000 km of rivers in about 2 s on 2 cores, reading the GeoPackage store included.

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
>>> print(temuan.loc[2, "keterangan"])  # doctest: +ELLIPSIS
Butir 9b (pembangunan jalan memasuki kawasan lindung): ujung jalan berjarak 33,4 m dari Hutan Kota ..., tidak lebih dari 50 m.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from kotaku_gis import catalog, geodesy, i18n, settings
from kotaku_gis import rules as _rules
from kotaku_gis._boxes import finite_boxes
from kotaku_gis._screening_findings import COLUMNS, STATUSES, Findings, attribute_rules, distance_setting, spatial_rules  # noqa: F401  (public constants)
from kotaku_gis._screening_input import (
    Problems,
    candidates,
    measure_pairs,
    read_activities,
    read_protected,
    require,
    row_numbers,
    setback_widths,
    text_values,
    vocabulary,
)
from kotaku_gis.errors import UsageError
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

#: Folder of the packaged rule files.
RULES_DIR: Path = _rules.RULES_DIR

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
    return _rules.load("screening", path)


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
    return _rules.load("kurs", path)


def _resolve_rules(rules: str | Path | ScreeningRules | None) -> ScreeningRules:
    if rules is None or isinstance(rules, ScreeningRules):
        return rules or load_rules()
    if isinstance(rules, (str, Path)):
        return load_rules(rules)
    raise UsageError(i18n.text("rules.bad_type", what="rules", expected="ScreeningRules / path", type=type(rules).__name__))


def _resolve_kurs(kurs: str | Path | ExchangeRates | None) -> ExchangeRates:
    if kurs is None or isinstance(kurs, ExchangeRates):
        return kurs or load_kurs()
    if isinstance(kurs, (str, Path)):
        return load_kurs(kurs)
    raise UsageError(i18n.text("rules.bad_type", what="kurs", expected="ExchangeRates / path", type=type(kurs).__name__))


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
    report = Problems()
    if not isinstance(kawasan_lindung, pd.DataFrame):
        raise UsageError(i18n.text("screening.error.not_a_geoframe", what="kawasan_lindung", type=type(kawasan_lindung).__name__))
    require(kawasan_lindung, ["kategori"], "kawasan_lindung")
    rows = row_numbers(kawasan_lindung)
    kategori = text_values(kawasan_lindung, "kategori")
    vocabulary(kategori, catalog.layer("kawasan_lindung").column("kategori"), "kawasan_lindung", rows, report)
    out = setback_widths(kawasan_lindung, kategori, rules, rows, report)
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
    warning = distance_setting(warning_m, rules.proximity.warning_m, "warning_m")
    road_end = distance_setting(road_end_m, rules.road.end_m, "road_end_m")
    return setbacks(kawasan_lindung, rules) + max(warning, road_end)


def protected_near(
    store: Any,
    bounds: Sequence[float] | np.ndarray | None,
    *,
    warning_m: float | None = None,
    road_end_m: float | None = None,
    rules: str | Path | ScreeningRules | None = None,
) -> gpd.GeoDataFrame:
    """The protected features of ``store`` that can give a finding to an activity inside ``bounds``,
    read by place.

    The setback columns of the whole ``kawasan_lindung`` layer are read first (no geometries) for
    the largest :func:`reach_m`; then only the features whose box meets one of the ``bounds`` widened by
    that much are read, through the store's spatial index (GeoPackage R-tree, PostGIS GiST). So
    screening one kab/kota of a national store reads its surroundings, not 20,000 polygons; given
    the box of each activity, a national screening reads only the features near an activity (a
    quarter of the vertices in the benchmark); :func:`screen` finds exactly what it finds against
    the whole layer.

    Parameters
    ----------
    store : Store
        An open store (:func:`kotaku_gis.open_store`).
    bounds : (west, south, east, north), array of shape (n, 4), or None
        Box (EPSG:4326) holding the activities to be screened, such as ``kegiatan.total_bounds``,
        or one box per activity, such as ``kegiatan.bounds``; boxes that are not finite (activities
        without a location) are left out, and None or no finite box gives no feature.
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
    >>> each = screening.protected_near(store, kegiatan.bounds)
    >>> everything = store.read("kawasan_lindung")
    >>> len(each) <= len(near) < len(everything)
    True
    >>> screening.screen(kegiatan, near).equals(screening.screen(kegiatan, everything))
    True
    >>> screening.screen(kegiatan, each).equals(screening.screen(kegiatan, everything))
    True
    """
    rules = _resolve_rules(rules)
    boxes = finite_boxes(bounds)
    if len(boxes) == 0:
        return store.read("kawasan_lindung", bbox=[])
    attributes = store.read("kawasan_lindung", columns=rules.setback_columns(), geometry=False)  # for the reach
    if len(attributes) == 0:
        return store.read("kawasan_lindung", bbox=[])
    reach = reach_m(attributes, warning_m=warning_m, road_end_m=road_end_m, rules=rules).max()
    pad = geodesy.pad_degrees(boxes, reach)
    return store.read("kawasan_lindung", bbox=boxes + np.c_[-pad, -pad, pad, pad])


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
    >>> print(hasil.loc[1, "keterangan"])  # doctest: +ELLIPSIS
    Item 4 (investment worth more than USD 2 million): an investment of IDR 40,000,000,000 = USD 2,523,659 at ... USD 2,000,000.
    """
    return _screen(kegiatan, lambda: kawasan_lindung, rules=rules, kurs=kurs, warning_m=warning_m,
                   road_end_m=road_end_m, lang=lang, geometry=geometry)  # fmt: skip


def screen_store(
    store: Any,
    kegiatan: gpd.GeoDataFrame,
    *,
    rules: str | Path | ScreeningRules | None = None,
    kurs: str | Path | ExchangeRates | None = None,
    warning_m: float | None = None,
    road_end_m: float | None = None,
    lang: str | None = None,
    geometry: bool = False,
) -> pd.DataFrame:
    """Screen activities against the protected features of a store near them: :func:`screen` with
    :func:`protected_near` (one box per activity), the features read on a thread of their own while
    the activities are checked and the attribute rules applied (the store's reading waits mostly
    outside Python's lock).

    Parameters
    ----------
    store : Store
        An open store (:func:`kotaku_gis.open_store`) holding ``kawasan_lindung``.
    kegiatan : GeoDataFrame
        Activities, as for :func:`screen` (in EPSG:4326, such as ``store.read("kegiatan", ...)``).
    rules, kurs, warning_m, road_end_m, lang, geometry
        As for :func:`screen`.

    Returns
    -------
    DataFrame or GeoDataFrame
        What ``screen(kegiatan, protected_near(store, kegiatan.bounds))`` gives.

    Raises
    ------
    UsageError, DataError
        As :func:`screen`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import kotaku_gis as kg
    >>> from kotaku_gis import screening
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> store = kg.open_store(folder / "contoh.gpkg")
    >>> _ = kg.build_sample_store(store, report_dir=folder)
    >>> kegiatan = store.read("kegiatan")
    >>> temuan = screening.screen_store(store, kegiatan)
    >>> temuan.equals(screening.screen(kegiatan, store.read("kawasan_lindung")))
    True
    """
    if not isinstance(kegiatan, gpd.GeoDataFrame):
        raise UsageError(i18n.text("screening.error.not_a_geoframe", what="kegiatan", type=type(kegiatan).__name__))
    stored = kegiatan.crs is None or kegiatan.crs == settings.storage_crs  # no CRS: screen says so
    bounds = (kegiatan if stored else kegiatan.to_crs(settings.storage_crs)).bounds
    with ThreadPoolExecutor(max_workers=1) as pool:
        near = pool.submit(protected_near, store, bounds, warning_m=warning_m, road_end_m=road_end_m, rules=rules)
        try:
            return _screen(kegiatan, near.result, rules=rules, kurs=kurs, warning_m=warning_m,
                           road_end_m=road_end_m, lang=lang, geometry=geometry)  # fmt: skip
        finally:
            near.cancel()


def _screen(
    kegiatan: gpd.GeoDataFrame,
    protected: Callable[[], gpd.GeoDataFrame],
    *,
    rules: str | Path | ScreeningRules | None,
    kurs: str | Path | ExchangeRates | None,
    warning_m: float | None,
    road_end_m: float | None,
    lang: str | None,
    geometry: bool,
) -> pd.DataFrame:
    """:func:`screen` with the protected features asked for (``protected``) only once the activities
    are checked and their attribute rules applied. The problems of the inputs (activities and
    protected features) are raised first, then those of the attribute rules."""
    rules = _resolve_rules(rules)
    kurs = _resolve_kurs(kurs)
    lang = lang or settings.language
    i18n.strings(lang)  # an unknown language is a UsageError now, not after the work
    warning = distance_setting(warning_m, rules.proximity.warning_m, "warning_m")
    road_end = distance_setting(road_end_m, rules.road.end_m, "road_end_m")
    report = Problems()
    acts = read_activities(kegiatan, report)
    found = Findings(rules, acts, None, lang)
    applied = Problems()
    if not report.problems:  # the attribute rules read the activities' values: only when they are sound
        attribute_rules(found, rules, kurs, applied)
    found.prot = read_protected(protected(), rules, report)
    report.raise_on_errors()
    applied.raise_on_errors()
    spatial_rules(found, rules, warning, road_end)
    return found.frame(geometry)


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
    radius = distance_setting(radius_m, settings.screening_nearest_radius_m, "radius_m")
    report = Problems()
    acts = read_activities(kegiatan, report)
    prot = read_protected(kawasan_lindung, rules, report)
    report.raise_on_errors()
    wanted = np.ones(len(prot), dtype=bool) if bentuk is None else np.isin(prot.bentuk.astype(str), list(bentuk))
    limit = np.where(wanted, radius, -1.0)
    ai, fj = candidates(acts, prot, limit)
    m = measure_pairs(acts, prot, ai, fj)
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
    out = pd.DataFrame(
        {
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
        }
    )
    ids = pd.Series(acts.ids[ai], dtype=object).fillna("").astype(str).to_numpy()
    periods = pd.Series(acts.periode[ai], dtype=object).fillna("").astype(str).to_numpy()
    final = np.lexsort((rank, periods, ids))
    return out.iloc[final].reset_index(drop=True)
