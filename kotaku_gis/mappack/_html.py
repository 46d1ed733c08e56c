"""The index pages and the README of a map pack: plain HTML with its style inline, no script, no
network. Every link is relative, so a pack (or a kab/kota zip) works from any folder.

Each unit has ``wilayah/<kode>/index.html``: a path back to the nation, the picture of its map
(linking to the map), its key figures, its files, and its children one level down with their key
figures (and their picture and page where they are in the pack). The pack's ``index.html`` shows the
top unit the same way and lists every unit of the pack by level, the summary workbook, the README,
the manifest and the zips.
"""

from __future__ import annotations

import html
import math
import posixpath
from dataclasses import dataclass, field
from typing import Any

from kotaku_gis import i18n
from kotaku_gis import wilayah as wil
from kotaku_gis.mappack._common import tp as _t
from kotaku_gis.mappack._unit import unit_slug

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#0b5d6b;color:#fff;padding:.8rem 1.2rem}header a{color:#fff}
header .pack{font-size:.9rem;opacity:.9}main{padding:1rem 1.2rem;max-width:1200px}
nav.crumbs{font-size:.9rem;margin-bottom:.6rem}nav.crumbs a{color:#0b5d6b}
h1{font-size:1.5rem;margin:.2rem 0 .8rem}h2{font-size:1.15rem;margin:1.4rem 0 .5rem}
.unit{display:flex;flex-wrap:wrap;gap:1.2rem;align-items:flex-start}
.unit img{max-width:520px;width:100%;border:1px solid #ccc;background:#fff}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:.3rem .5rem;font-size:.9rem}
th{background:#eef4f5;text-align:left}td.n{text-align:right;white-space:nowrap}
table.kids img{width:120px;border:1px solid #ccc}ul.files li{margin:.15rem 0}
.muted{color:#777}footer{padding:1rem 1.2rem;font-size:.8rem;color:#666}
details{margin:.3rem 0}summary{cursor:pointer}p.actors{font-size:.9rem;max-width:520px;margin:0 0 .6rem}
"""

_KIND_SUFFIX = (("_ha", "ha"), ("persen_", "pct"), ("progres_", "pct"), ("nilai_", "num"), ("biaya_", "idr"))


@dataclass
class View:
    """What the pages of one output (the pack, or a zip) can show and link to."""

    periode: str
    baseline: str
    lang: str
    version: str
    #: Records (``unit.json``) of the units in this output, by code.
    records: dict[str, dict[str, Any]]
    #: Names of every unit known (also those not in the output), by code; ``""`` is the nation.
    names: dict[str, str]
    #: Figures shown, in order.
    angka: list[str]
    #: Pack-relative path of the zip of a unit, by code.
    zips: dict[str, str] = field(default_factory=dict)
    #: Pack-relative paths of the pack's own files shown on the root page: (label key, path).
    extras: list[tuple[str, str]] = field(default_factory=list)
    #: The actors' paragraph of each level, made once per output (:func:`_actors`).
    actors: dict[str, str] = field(default_factory=dict, repr=False, compare=False)


def unit_dir(kode: str) -> str:
    """Pack-relative folder of a unit."""
    return f"wilayah/{unit_slug(kode)}"


def unit_page(kode: str) -> str:
    return f"{unit_dir(kode)}/index.html"


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _link_item(href: str, label: str, note: str) -> str:
    """A list item: a link and a muted note (every value escaped)."""
    return f"<li><a href='{_e(href)}'>{_e(label)}</a> <span class='muted'>{_e(note)}</span></li>"


def _rel(target: str, page: str) -> str:
    """The link from ``page`` to ``target``, both relative to the pack's root (``posixpath.relpath``
    without its trips to the working directory: a national pack makes half a million links).

    Examples
    --------
    >>> _rel("wilayah/61/peta_61.png", "wilayah/61.71/index.html"), _rel("aset/x.js", "index.html")
    ('../61/peta_61.png', 'aset/x.js')
    >>> _rel("wilayah/61/index.html", "wilayah/61/index.html")
    'index.html'
    """
    here = page.split("/")[:-1]
    there = target.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def _kind(name: str) -> str:
    for marker, kind in _KIND_SUFFIX:
        if name.endswith(marker) or name.startswith(marker):
            return kind
    return "int"


def fmt(value: Any, name: str, lang: str) -> str:
    """A figure as users read it: Indonesian (1.234,5) or English (1,234.5) separators.

    Examples
    --------
    >>> fmt(1234.5, "luas_kumuh_awal_ha", "id"), fmt(1234.5, "luas_kumuh_awal_ha", "en")
    ('1.234,50', '1,234.50')
    >>> fmt(None, "persen_pengurangan", "id"), fmt(12.345, "persen_pengurangan", "id"), fmt(-0.01, "persen_pengurangan", "id")
    ('–', '12,3 %', '0,0 %')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    kind = _kind(name)
    decimals = {"ha": 2, "pct": 1, "num": 2, "idr": 0}.get(kind, 0)
    if round(float(value), decimals) == 0:
        value = 0.0  # never "-0,0"
    if kind == "ha":
        text = f"{value:,.2f}"
    elif kind == "pct":
        text = f"{value:,.1f} %"
    elif kind == "num":
        text = f"{value:,.2f}"
    elif kind == "idr":
        text = f"Rp {value:,.0f}"
    else:
        text = f"{int(value):,d}"
    if lang == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def _level_name(level: str, lang: str) -> str:
    return i18n.text(f"maps.tingkat.{level}", lang)


def _unit_title(rec: dict[str, Any], lang: str) -> str:
    code = f" <span class='muted'>({_e(rec['kode'])})</span>" if rec["kode"] else ""
    return _e(wil.display_name(rec["nama"], rec["kode"], lang)) + code


def _ancestors(kode: str) -> list[str]:
    if kode == "":
        return []
    level = wil.tingkat(kode)
    levels = wil.ROLLUP_LEVELS
    return [wil.ancestor(kode, lv) or "" for lv in levels[: levels.index(level)]]


def _files(rec: dict[str, Any]) -> list[str]:
    return list(rec.get("berkas", {}))


def _file_label(name: str, lang: str) -> str:
    stem, _, ext = name.rpartition(".")
    kind = stem.split("_", 1)[0]
    return _t(f"berkas.{kind}_{ext}", lang)


def _figure_table(values: dict[str, Any], view: View) -> str:
    rows = "".join(
        f"<tr><th>{_e(_t(f'angka.{n}', view.lang))}</th><td class='n'>{_e(fmt(values.get(n), n, view.lang))}</td></tr>"
        for n in view.angka
    )
    return f"<table class='figures'>{rows}</table>"


def _actors(view: View, tingkat: str) -> str:
    """The level's coordinator and actors (guideline section 1.4.2, ``rules/tindak_lanjut.yml``)."""
    from kotaku_gis import tindak_lanjut

    if tingkat not in view.actors:
        lang = view.lang
        view.actors[tingkat] = (
            f"<p class='actors'><b>{_e(_t('koordinator', lang))}:</b> {_e(tindak_lanjut.coordinator_label(tingkat, lang))}<br>"
            f"<b>{_e(_t('pelaku', lang))}:</b> {_e(tindak_lanjut.actors(tingkat, lang))}</p>"
        )
    return view.actors[tingkat]


def _unit_section(view: View, kode: str, page: str) -> str:
    rec = view.records[kode]
    base = unit_dir(kode)
    names = _files(rec)
    png = next((n for n in names if n.endswith(".png")), None)
    html_map = next((n for n in names if n.endswith(".html")), None)
    parts = ["<div class='unit'>"]
    if png:
        img = f"<img src='{_e(_rel(f'{base}/{png}', page))}' alt='{_e(_t('alt_peta', view.lang, nama=rec['nama']))}'>"
        parts.append(f"<a href='{_e(_rel(f'{base}/{html_map}', page))}'>{img}</a>" if html_map else img)
    parts.append("<div>")
    parts.append(_actors(view, rec["tingkat"]))
    parts.append(_figure_table(rec["angka"], view))
    items = []
    for n in names:
        items.append(_link_item(_rel(f"{base}/{n}", page), _file_label(n, view.lang), f"({n})"))
    if kode in view.zips:
        z = view.zips[kode]
        items.append(_link_item(_rel(z, page), _t("berkas.zip", view.lang), f"({posixpath.basename(z)})"))
    parts.append(f"<h2>{_e(_t('berkas_judul', view.lang))}</h2><ul class='files'>{''.join(items)}</ul>")
    parts.append("</div></div>")
    return "".join(parts)


def _children_section(view: View, kode: str, page: str) -> str:
    rec = view.records[kode]
    child = rec["anak"]["tingkat"]
    rows = rec["anak"]["baris"]
    if not child or not rows:
        return ""
    head = "".join(f"<th>{_e(_t(f'angka.{n}', view.lang))}</th>" for n in view.angka)
    body = []
    for r in rows:
        k = r["kode"]
        in_pack = k in view.records
        thumb = ""
        name = _e(r.get("nama") or k)
        if in_pack:
            crec = view.records[k]
            cbase = unit_dir(k)
            png = next((n for n in _files(crec) if n.endswith(".png")), None)
            if png:
                thumb = f"<a href='{_e(_rel(unit_page(k), page))}'><img src='{_e(_rel(f'{cbase}/{png}', page))}' alt=''></a>"
            name = f"<a href='{_e(_rel(unit_page(k), page))}'>{name}</a>"
        cells = "".join(f"<td class='n'>{_e(fmt(r.get(n), n, view.lang))}</td>" for n in view.angka)
        body.append(f"<tr><td>{thumb}</td><td>{name} <span class='muted'>{_e(k)}</span></td>{cells}</tr>")
    title = _t(f"anak.{child}", view.lang, count=len(rows))
    note = _e(_t("anak_catatan", view.lang))
    return (
        f"<h2>{_e(title)}</h2><p class='muted'>{note}</p><table class='kids'><tr><th></th>"
        f"<th>{_e(_t('nama', view.lang))}</th>{head}</tr>{''.join(body)}</table>"
    )


def _crumbs(view: View, kode: str, page: str) -> str:
    if not _ancestors(kode):
        return ""
    items = []
    for a in _ancestors(kode):
        label = _e(view.names.get(a) or a)
        items.append(f"<a href='{_e(_rel(unit_page(a), page))}'>{label}</a>" if a in view.records else label)
    items.append(_e(view.records[kode]["nama"]))
    return f"<nav class='crumbs'>{' › '.join(items)}</nav>"


def _document(view: View, title: str, page: str, body: str, root: str | None) -> str:
    pack = _t("judul_paket", view.lang, periode=view.periode, baseline=view.baseline)
    home = f"<a href='{_e(_rel(root, page))}'>{_e(pack)}</a>" if root and root != page else _e(pack)
    foot = _e(_t("kaki", view.lang, version=view.version))
    return (
        f"<!DOCTYPE html>\n<html lang='{_e(view.lang)}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><div class='pack'>{home}</div></header><main>{body}</main><footer>{foot}</footer></body></html>\n"
    )


def render_unit(view: View, kode: str, page: str | None = None, root: str | None = "index.html") -> str:
    """The page of one unit, to be written at ``page`` (pack-relative; default its own folder)."""
    page = page or unit_page(kode)
    rec = view.records[kode]
    body = _crumbs(view, kode, page) + f"<h1>{_unit_title(rec, view.lang)}</h1>"
    body += _unit_section(view, kode, page) + _children_section(view, kode, page)
    plain = html.unescape(_unit_title(rec, view.lang).split("<span")[0]).strip()
    return _document(view, plain, page, body, root)


def render_root(view: View, top: str, page: str = "index.html") -> str:
    """The pack's (or a zip's) ``index.html``: the top unit and the contents."""
    rec = view.records[top]
    body = _crumbs(view, top, page) + f"<h1>{_unit_title(rec, view.lang)}</h1>"
    body += _unit_section(view, top, page) + _children_section(view, top, page)
    body += f"<h2>{_e(_t('isi_paket', view.lang))}</h2>"
    by_level: dict[str, list[str]] = {}
    for k, r in view.records.items():
        by_level.setdefault(r["tingkat"], []).append(k)
    for level in wil.ROLLUP_LEVELS:
        codes = sorted(by_level.get(level, []))
        if not codes:
            continue
        links = "".join(_link_item(_rel(unit_page(k), page), view.records[k]["nama"], k) for k in codes)
        label = _t("tingkat_jumlah", view.lang, tingkat=_level_name(level, view.lang), count=len(codes))
        opened = " open" if len(codes) <= 40 else ""
        body += f"<details{opened}><summary>{_e(label)}</summary><ul>{links}</ul></details>"
    if view.extras:
        items = "".join(
            f"<li><a href='{_e(_rel(p, page))}'>{_e(_t(key, view.lang))}</a> <span class='muted'>({_e(p)})</span></li>"
            for key, p in view.extras
        )
        body += f"<ul class='files'>{items}</ul>"
    if view.zips:
        items = "".join(
            _link_item(_rel(z, page), view.records[k]["nama"], f"({posixpath.basename(z)})") for k, z in sorted(view.zips.items())
        )
        body += f"<h2>{_e(_t('zip_judul', view.lang))}</h2><ul class='files'>{items}</ul>"
    plain = _t("judul_paket", view.lang, periode=view.periode, baseline=view.baseline)
    return _document(view, plain, page, body, None)


def readme(lang: str, *, periode: str, baseline: str, version: str, folder_aset: str, top: str) -> str:
    """The pack's README (plain text): what is in it and how to open it without internet."""
    return _t("readme", lang, periode=periode, baseline=baseline, version=version, aset=folder_aset, top=top).rstrip() + "\n"
