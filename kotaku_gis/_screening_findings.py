"""Screening findings (private to :mod:`kotaku_gis.screening`): the rules of the negative list applied
to checked inputs, and the findings they give, in words."""

from __future__ import annotations

import string
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kotaku_gis import catalog, i18n, settings
from kotaku_gis._screening_input import (
    Activities,
    Problems,
    Protected,
    candidates,
    flag,
    measure_pairs,
    number,
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


class Findings:
    """Findings collected block by block, as arrays."""

    def __init__(self, rules: ScreeningRules, acts: Activities, prot: Protected | None, lang: str):
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
    usd = number(frame, c.usd_column, "kegiatan", rows, report)
    idr = number(frame, c.idr_column, "kegiatan", rows, report)
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
        v = number(frame, t.column, "kegiatan", rows, report)
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
        yes = flag(frame, f.column, "kegiatan", rows, report) == 1.0
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


def spatial_rules(found: Findings, rules: ScreeningRules, warning: float, road_end: float) -> None:
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
    ai, fj = candidates(acts, prot, limit)
    if len(ai) == 0:
        return
    road_pair = road_act[ai] & road_feat[fj]
    m = measure_pairs(
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


def _kategori_labels(prot: Protected, lang: str) -> np.ndarray:
    values = catalog.layer("kawasan_lindung").column("kategori").values or []
    return np.array([v.label(lang) for v in values] + [""], dtype=object)[prot.kategori_pos]
