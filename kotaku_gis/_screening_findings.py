"""Screening findings (private to :mod:`kotaku_gis.screening`): the rules of the negative list applied
to checked inputs, and the findings they give, in words."""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kotaku_gis import catalog, i18n, settings
from kotaku_gis._screening_input import (
    Activities,
    PairMeasures,
    Problems,
    Protected,
    candidates,
    flag,
    measure_pairs,
    number,
)
from kotaku_gis.errors import UsageError
from kotaku_gis.rules.screening import CostRule, ExchangeRates, ScreeningRules

#: The status of a finding, from the most to the least severe.
STATUSES: tuple[str, ...] = ("tidak_layak", "perlu_tinjauan", "peringatan")

#: Columns of :func:`kotaku_gis.screening.screen`'s result, in order.
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

# --------------------------------------------------------------------------------------------
# Text


def _fmt(values: Any, lang: str, decimals: int = 0, trim: bool = False) -> np.ndarray:
    """Numbers as users read them: ``1.234,5`` in Bahasa Indonesia, ``1,234.5`` in English.

    Each distinct value (once rounded) is formatted once; NaN reads ``-``.

    Examples
    --------
    >>> _fmt([1234.5, float("nan"), 2.0], "id", 1, trim=True).tolist()
    ['1.234,5', '-', '2']
    """
    arr = np.round(np.atleast_1d(np.asarray(values, dtype=float)), decimals)
    unique, inverse = np.unique(arr, return_inverse=True)  # few distinct values once rounded
    spec = f",.{decimals}f"
    text = [format(v, spec) for v in unique.tolist()]
    if trim and decimals:
        text = [s.rstrip("0").rstrip(".") for s in text]
    if lang == "id" and text:
        text = "\n".join(text).translate(_SWAP).split("\n")  # one pass over all of them
    out = np.array(text, dtype=object)
    out[np.isnan(unique)] = "-"
    return out[inverse.reshape(-1)]


_SWAP = str.maketrans(",.", ".,")


@dataclass(frozen=True)
class Number:
    """Numbers of a finding's text, formatted (:func:`_fmt`) only for the findings that are emitted."""

    values: np.ndarray
    decimals: int = 0
    trim: bool = False


def _render(key: str, lang: str, n: int, **values: Any) -> np.ndarray:
    """The template ``key`` filled for ``n`` findings at once (array values per finding)."""
    template = i18n.strings(lang)[key]
    pieces: list[Iterable[str]] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            pieces.append(itertools.repeat(literal, n))
        if name is not None:
            v = values[name]
            pieces.append(map(str, np.asarray(v, dtype=object)) if isinstance(v, np.ndarray) else itertools.repeat(str(v), n))
    out = np.full(n, "", dtype=object)
    if pieces:
        out[:] = ["".join(parts) for parts in zip(*pieces)]  # one join per finding
    return out


# --------------------------------------------------------------------------------------------
# Findings


@dataclass(frozen=True)
class Block:
    """One kind of finding, for the candidates (activities, or activity/feature pairs) of a rule.

    ``mask``: which candidates have it; ``key``: its text template (``screening.keterangan.<key>``),
    filled with ``aturan``, the item's name and ``values``; ``status``: None for ``tidak_layak``, or
    ``perlu_tinjauan`` where an approval is recorded and the item allows it (see ``approval_note``: then
    the approval is cited). Arrays over the candidates (``aturan``, ``values``, ``distance``,
    ``overlap``) are taken where ``mask``; anything else is the same for every finding.
    """

    mask: np.ndarray
    key: str
    aturan: Any
    status: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    distance: np.ndarray | None = None
    overlap: np.ndarray | None = None
    approval_note: bool = False


class Findings:
    """Findings collected block by block, as arrays."""

    def __init__(self, rules: ScreeningRules, acts: Activities, prot: Protected | None, lang: str):
        self.rules, self.acts, self.prot, self.lang = rules, acts, prot, lang
        self.blocks: list[dict[str, np.ndarray]] = []

    def item_name(self, aturan: Any) -> Any:
        names = {i.aturan: i.name(self.lang) for i in self.rules.items}
        if isinstance(aturan, np.ndarray):
            codes, distinct = pd.factorize(aturan)  # one lookup per item, not per finding
            return np.array([names.get(a) for a in distinct] + [None], dtype=object)[codes]
        return names[aturan]

    def add(
        self,
        act: np.ndarray,
        aturan: Any,
        status: Any,
        text: np.ndarray,
        *,
        feature: np.ndarray | None = None,
        distance: np.ndarray | None = None,
        overlap: np.ndarray | None = None,
    ) -> None:
        m = len(act)
        if m == 0:
            return
        self.blocks.append(
            {
                "act": act,
                "feature": feature if feature is not None else np.full(m, -1, np.int64),
                "aturan": np.broadcast_to(np.asarray(aturan, dtype=object), (m,)).copy(),
                "status": np.broadcast_to(np.asarray(status, dtype=object), (m,)).copy(),
                "jarak_m": distance if distance is not None else np.full(m, np.nan),
                "luas_tumpang_m2": overlap if overlap is not None else np.full(m, np.nan),
                "keterangan": text,
            }
        )

    def emit(self, blocks: Iterable[Block], rows: np.ndarray, feature: np.ndarray | None = None) -> None:
        """Add the findings of each block in turn; ``rows``/``feature``: activity/feature of each candidate."""
        for b in blocks:
            if not b.mask.any():
                continue
            n = len(b.mask)

            def pick(v: Any, b: Block = b, n: int = n) -> Any:
                if isinstance(v, Number):
                    return _fmt(pick(v.values), self.lang, v.decimals, v.trim)
                return v[b.mask] if isinstance(v, np.ndarray) and v.shape == (n,) else v

            act, aturan = rows[b.mask], pick(b.aturan)
            status = _status(self.rules, aturan, self.acts.approved[act]) if b.status is None else b.status
            text = _render(f"screening.keterangan.{b.key}", self.lang, len(act), aturan=aturan,
                           butir=self.item_name(aturan), **{k: pick(v) for k, v in b.values.items()})  # fmt: skip
            if b.approval_note:
                review = np.asarray(status == "perlu_tinjauan", dtype=bool)
                if review.any():
                    text[review] = text[review] + _render(
                        "screening.keterangan.persetujuan",
                        self.lang,
                        int(review.sum()),
                        rujukan=self.acts.approval_ref[act[review]],
                    )
            self.add(act, aturan, status, text, feature=pick(feature), distance=pick(b.distance), overlap=pick(b.overlap))

    def frame(self, geometry: bool) -> pd.DataFrame:
        acts, prot = self.acts, self.prot
        if not self.blocks:
            out = pd.DataFrame(
                {c: pd.Series(dtype="float64" if c in ("jarak_m", "luas_tumpang_m2") else object) for c in COLUMNS}
            )
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
        rank = pd.Index([i.aturan for i in self.rules.items], dtype=object).get_indexer(cols["aturan"])
        status_rank = pd.Index(STATUSES, dtype=object).get_indexer(cols["status"])
        keys = (_text_order(fid), np.nan_to_num(cols["jarak_m"], nan=-1.0), status_rank, rank,
                _text_order(acts.periode[act]), _text_order(acts.ids[act]))  # fmt: skip
        order = np.lexsort(keys)
        act = act[order]
        out = pd.DataFrame(
            {
                "id_kegiatan": acts.ids[act],
                "periode": acts.periode[act],
                "aturan": cols["aturan"][order],
                "status": cols["status"][order],
                "id_kawasan": fid[order],
                "kategori": kat[order],
                "jarak_m": np.round(cols["jarak_m"][order], 2),
                "luas_tumpang_m2": np.round(cols["luas_tumpang_m2"][order], 2),
                "keterangan": cols["keterangan"][order],
            }
        )
        if geometry:
            return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(acts.geoms[act], crs=settings.storage_crs))
        return out


def _text_order(values: np.ndarray) -> np.ndarray:
    """Sort keys of texts: integers in the order of the texts (empty, i.e. None, first)."""
    codes, _ = pd.factorize(np.where(pd.isna(values), "", values), sort=True)
    return codes


def distance_setting(value: float | None, default: float, name: str) -> float:
    v = default if value is None else value
    try:
        v = float(v)
    except (TypeError, ValueError):
        raise UsageError(i18n.text("screening.error.bad_distance", name=name, value=value)) from None
    if not v >= 0:
        raise UsageError(i18n.text("screening.error.bad_distance", name=name, value=value))
    return v


def attribute_rules(found: Findings, rules: ScreeningRules, kurs: ExchangeRates, report: Problems) -> None:
    """Findings of the rules read from the activity's attributes (items 1-5, 7, 8, 9a, 9d-9f), and item 6
    for the activities without a location."""
    acts, lang = found.acts, found.lang
    vocab = catalog.layer("kegiatan").column("jenis").values or []
    labels = np.array([v.label(lang) for v in vocab] + [""], dtype=object)[acts.jenis_pos]
    # items 1, 2, 3, 5, 8, 9a, 9d: the activity type itself
    by_type = np.array([v.aturan for v in vocab] + [None], dtype=object)[acts.jenis_pos]
    blocks = [Block(~pd.isna(by_type), "jenis", by_type, values={"jenis": labels})]
    blocks += _cost_blocks(found, rules.cost, kurs, report)
    blocks += _threshold_blocks(found, rules, labels, report)
    blocks += [Block(flag(acts.frame, f.column, "kegiatan", acts.rows, report) == 1.0, "tanda", f.aturan,
                     values={"kolom": f.column}) for f in rules.flags]  # item 7  # fmt: skip
    # item 6 cannot be checked without a location
    blocks.append(Block(~acts.located, "tanpa_lokasi", rules.location.aturan, "perlu_tinjauan"))
    found.emit(blocks, np.arange(len(acts)))


def _negative(report: Problems, values: np.ndarray, column: str, rows: np.ndarray) -> None:
    negative = values < 0
    if negative.any():
        report.add("screening_negative", "kegiatan", rows[negative], column, value=values[negative])


def _cost_blocks(found: Findings, c: CostRule, kurs: ExchangeRates, report: Problems) -> list[Block]:
    """Item 4: the investment value, in US dollars or in rupiah at the period's rate."""
    acts, lang = found.acts, found.lang
    usd = number(acts.frame, c.usd_column, "kegiatan", acts.rows, report)
    idr = number(acts.frame, c.idr_column, "kegiatan", acts.rows, report)
    _negative(report, usd, c.usd_column, acts.rows)
    _negative(report, idr, c.idr_column, acts.rows)
    rate = np.full(len(acts), np.nan)
    rate_period = np.full(len(acts), "", dtype=object)
    for p in pd.unique(acts.periode[~pd.isna(acts.periode)]):  # a few periods, not the rows
        found_rate = kurs.rate(p)
        if found_rate is not None:
            mine = acts.periode == p
            rate[mine], rate_period[mine] = found_rate
    from_idr = idr / rate
    over = np.fmax(usd, from_idr) > c.above_usd  # the larger of the two where both are given
    by_usd = over & (usd > c.above_usd) & ~(from_idr > usd)
    limit = _fmt(c.above_usd, lang)[0]
    common = {"batas": limit, "idr": Number(idr)}
    priced = {**common, "kurs": Number(rate), "periode_kurs": rate_period}
    periode = pd.Series(acts.periode, dtype=object).fillna("-").to_numpy(dtype=object)
    return [
        Block(by_usd, "biaya_usd", c.aturan, values={**priced, "usd": Number(usd)}),
        Block(over & ~by_usd, "biaya_idr", c.aturan, values={**priced, "usd": Number(from_idr)}),
        Block(np.isnan(usd) & np.isnan(idr), "biaya_kosong", c.aturan, "perlu_tinjauan", {**common, "periode": periode}),
        Block(
            np.isnan(usd) & ~np.isnan(idr) & np.isnan(rate),
            "kurs_kosong",
            c.aturan,
            "perlu_tinjauan",
            {**common, "periode": periode},
        ),
    ]


def _threshold_blocks(found: Findings, rules: ScreeningRules, labels: np.ndarray, report: Problems) -> list[Block]:
    """Items 9e, 9f: sizes above a limit; an empty size where the activity type needs one."""
    acts, lang = found.acts, found.lang
    blocks: list[Block] = []
    for t in rules.thresholds:
        v = number(acts.frame, t.column, "kegiatan", acts.rows, report)
        _negative(report, v, t.column, acts.rows)
        common = {"kolom": t.column, "satuan": t.unit, "batas": _fmt(t.above, lang, 2, trim=True)[0]}
        blocks.append(Block(v > t.above, "ambang_lebih", t.aturan, values={**common, "nilai": Number(v, 2, trim=True)}))
        empty = np.isnan(v) & np.isin(acts.jenis.astype(str), t.required_for)
        blocks.append(Block(empty, "ambang_kosong", t.aturan, "perlu_tinjauan", {**common, "jenis": labels}))
    return blocks


def _status(rules: ScreeningRules, aturan: Any, approved: np.ndarray) -> np.ndarray:
    """``tidak_layak``, or ``perlu_tinjauan`` where an approval is recorded and the item allows it."""
    review = [i.aturan for i in rules.items if i.approval == "review"]
    items = np.broadcast_to(np.asarray(aturan, dtype=object), approved.shape)
    liftable = pd.Series(items, dtype=object).isin(review).to_numpy(dtype=bool)
    return np.where(approved & liftable, "perlu_tinjauan", "tidak_layak").astype(object)


def spatial_rules(found: Findings, rules: ScreeningRules, warning: float, road_end: float) -> None:
    """Findings of the rules read from where the activity lies (items 6a-6c, 9b, 9c; proximity warnings)."""
    acts, prot = found.acts, found.prot
    assert prot is not None
    if len(prot) == 0 or not acts.located.any():
        return
    vocab = catalog.layer("kegiatan").column("jenis").values or []
    road_act = np.array([rules.road.tag in v.tags for v in vocab] + [False])[acts.jenis_pos]
    road_feat = np.isin(prot.bentuk.astype(str), rules.road.bentuk)
    warn_feat = np.isin(prot.bentuk.astype(str), rules.proximity.bentuk)
    limit = np.where(warn_feat, np.maximum(prot.setback, warning), prot.setback)
    if road_act.any():
        limit = np.where(road_feat, np.maximum(limit, road_end), limit)
    ai, fj = candidates(acts, prot, limit)
    if len(ai) == 0:
        return
    road_pair = road_act[ai] & road_feat[fj]
    m = measure_pairs(acts, prot, ai, fj, ends_within=np.where(road_pair, road_end, np.nan), overlap_within=prot.setback[fj])
    found.emit(_spatial_blocks(found, rules, ai, fj, m, road_pair, warn_feat[fj], warning, road_end), ai, fj)


def _spatial_blocks(
    found: Findings,
    rules: ScreeningRules,
    ai: np.ndarray,
    fj: np.ndarray,
    m: PairMeasures,
    road_pair: np.ndarray,
    warn_pair: np.ndarray,
    warning: float,
    road_end: float,
) -> Iterator[Block]:
    acts, prot, lang = found.acts, found.prot, found.lang
    assert prot is not None
    tol = settings.screening_tolerance_m
    d, s = m.distance, prot.setback[fj]
    in_zone, inside = d <= s + tol, d <= tol
    where = {"kawasan": prot.names[fj], "kategori": _kategori_labels(prot, lang)[fj]}
    near = {**where, "jarak": Number(d, 1)}
    zone = {**near, "sempadan": Number(s, 1, trim=True)}
    aturan = prot.aturan[fj]
    # items 6a/6b/6c: inside the feature or its setback
    yield Block(in_zone & inside, "di_dalam", aturan, values=zone, distance=d, overlap=m.overlap, approval_note=True)
    yield Block(in_zone & ~inside, "sempadan", aturan, values=zone, distance=d, overlap=m.overlap, approval_note=True)
    # item 9b: roads into protected areas (entering, or an end within road_end)
    batas = {"batas": _fmt(road_end, lang, 1, trim=True)[0]}
    yield Block(road_pair & inside, "jalan_masuk", rules.road.aturan, values={**near, **batas}, distance=d,
                overlap=m.overlap)  # fmt: skip
    yield Block(road_pair & ~inside & (m.end_distance <= road_end + tol), "jalan_ujung", rules.road.aturan,
                values={**where, "jarak": Number(m.end_distance, 1), **batas}, distance=m.end_distance,
                overlap=m.overlap)  # fmt: skip
    # item 9c: water-resource works on cross-border rivers
    vocab = catalog.layer("kegiatan").column("jenis").values or []
    water_act = np.array([rules.cross_border.tag in v.tags for v in vocab] + [False])[acts.jenis_pos]
    yield Block(water_act[ai] & prot.lintas_negara[fj] & in_zone, "lintas_negara", rules.cross_border.aturan,
                values=zone, distance=d, overlap=m.overlap)  # fmt: skip
    # proximity warnings: a polygonal activity near a feature overlaps its zone by 0 m2
    polygon = shapely.get_dimensions(acts.geoms[ai]) == 2
    yield Block(warn_pair & ~in_zone & (d <= warning + tol), "dekat", aturan, "peringatan",
                {**near, "radius": _fmt(warning, lang, 1, trim=True)[0]}, distance=d,
                overlap=np.where(np.isnan(m.overlap) & polygon, 0.0, m.overlap))  # fmt: skip


def _kategori_labels(prot: Protected, lang: str) -> np.ndarray:
    values = catalog.layer("kawasan_lindung").column("kategori").values or []
    return np.array([v.label(lang) for v in values] + [""], dtype=object)[prot.kategori_pos]
