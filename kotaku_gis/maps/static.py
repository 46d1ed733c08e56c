"""The progress map for reports and printing: PNG or PDF, drawn with matplotlib.

The same prepared frames as the web page (:func:`kotaku_gis.maps.prepare`), the same colours
(layer catalogue and ``recipes.yml``) and the same words (``i18n/<lang>/maps.yml``), on an A4
landscape page with a title block, a legend, a scale bar, a north arrow and the source note.
One choropleth mode is shown (``mode``). matplotlib is imported only here, and no pyplot state is
touched (the figure is made with ``matplotlib.figure.Figure``).

Coordinates stay in longitude/latitude; the axes' aspect is set to ``1 / cos(latitude)`` at the
map's centre, which is how the map looks in a local projection at these scales. The scale bar is
measured at the centre with 111,320 m per degree.

Examples
--------
>>> import tempfile, pathlib
>>> from kotaku_gis.maps import static_map, synthetic_inputs
>>> out = static_map(synthetic_inputs(n_kelurahan=4, n_kegiatan=8), pathlib.Path(tempfile.mkdtemp()) / "peta.png")
>>> out.read_bytes()[:4] == b"\\x89PNG"
True
"""

from __future__ import annotations

import functools
import math
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from kotaku_gis import i18n, settings
from kotaku_gis._version import __version__
from kotaku_gis.errors import UsageError
from kotaku_gis.maps._prepare import MapInputs, Prepared, prepare
from kotaku_gis.maps._recipe import recipes
from kotaku_gis.maps._simplify import METRES_PER_DEGREE
from kotaku_gis.maps.progress_map import _modes, _sources, _styles, _vocab, titles

_FORMATS = {".png": "png", ".pdf": "pdf"}


def _mode_color(mode: dict[str, Any], value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return mode["none"]["color"]
    if mode["kind"] == "categorical":
        for c in mode["classes"]:
            if c["value"] == value:
                return c["color"]
        return mode["none"]["color"]
    idx = sum(1 for b in mode["breaks"] if value >= b)
    return mode["classes"][idx]["color"]


def _nice(length_m: float) -> float:
    exp = 10 ** math.floor(math.log10(length_m))
    for f in (5, 2, 1):
        if f * exp <= length_m:
            return f * exp
    return exp


def _rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    from matplotlib.colors import to_rgba

    r, g, b, _ = to_rgba(color)
    return (r, g, b, alpha)


def static_map(
    inputs: MapInputs | Prepared,
    path: str | Path,
    *,
    lang: str | None = None,
    mode: str | None = None,
    dpi: int | None = None,
) -> Path:
    """Draw the progress map of ``inputs`` as a PNG or PDF file.

    Parameters
    ----------
    inputs : MapInputs or Prepared
        What to draw (see :class:`~kotaku_gis.maps.MapInputs`).
    path : str or Path
        Output file; its suffix (``.png`` or ``.pdf``) chooses the format.
    lang : {"id", "en"}, optional
        Language (default ``settings.language``).
    mode : {"tingkat", "penurunan"}, optional
        The choropleth shown (default: the first mode of ``recipes.yml``).
    dpi : int, optional
        Resolution of a PNG (default ``recipes.yml`` ``static.dpi``).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    UsageError
        Another suffix, an unknown mode or language, or what :func:`~kotaku_gis.maps.prepare` refuses.
    """
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(i18n.text("maps.error.bad_format", suffix=path.suffix or "(none)"))
    lang = lang or settings.language
    i18n.strings(lang)
    rec = recipes()
    mode = mode or rec.choropleth.modes[0].key
    rec.mode(mode)
    p = inputs if isinstance(inputs, Prepared) else prepare(inputs)

    import matplotlib

    # names and texts are plain text, never maths markup: a "$" in a kelurahan's name stays a "$"
    with matplotlib.rc_context({"text.parse_math": False}):
        _render(p, path, fmt=fmt, lang=lang, mode=mode, dpi=dpi or rec.static.dpi, rec=rec)
    return path


def _render(p: Prepared, path: Path, *, fmt: str, lang: str, mode: str, dpi: int, rec: Any) -> None:
    """Draw the map of ``p`` (see :func:`static_map`) and save it."""
    from matplotlib.figure import Figure

    t = lambda key, **kw: i18n.text(f"maps.{key}", lang, **kw)  # noqa: E731
    S = _styles()
    modes = {m["key"]: m for m in _modes(p, lang)}
    m = modes[mode]
    vocab = _vocab(lang)

    fig = Figure(figsize=(rec.static.width_in, rec.static.height_in), dpi=dpi)  # a PNG's blocks are pasted in its pixels
    ax, lat0 = _map_axes(fig, p.bounds)

    wil = p.wilayah
    column = m["column"]
    colors = [_mode_color(m, v) for v in (wil[column] if column in wil.columns else [None] * len(wil))]
    ws = S["wilayah"]
    _plot(ax, wil.geometry, color=colors, edgecolor=ws["color"], linewidth=0.6, alpha=ws["fillOpacity"], zorder=1)
    _plot(ax, shapely.boundary(wil.geometry.array), color=ws["color"], linewidth=0.5, zorder=2)

    handles = _draw_protected(ax, p, S, t)

    _draw_kumuh(ax, p, S)

    kegiatan_handles = _draw_kegiatan(ax, p, S, t, vocab)

    _plot(ax, shapely.boundary([p.batas]), color=S["batas"]["color"], linewidth=S["batas"]["weight"] * 0.6, zorder=8)
    _draw_scale_and_north(ax, lat0, t)

    title, unit, sub = titles(p, lang)
    fig.text(0.03, 0.915, unit, fontsize=12, va="top")
    blocks = {
        "head": (("text", 0.03, 0.955, title, 15, "bold", "black", "left", "top"),
                 ("text", 0.03, 0.883, sub, 9, "normal", "#444444", "left", "top")),
        "foot": _foot(p, lang, t, width_in=rec.static.width_in),
        "legend": (("legend", _legend_spec(p, S, t, vocab, m, handles, kegiatan_handles)),),
    }  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Title": f"{title}: {unit}"}
    if fmt == "pdf":
        for items in blocks.values():
            _draw_items(fig, items, lambda x, y: (x, y))
        fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata)
    else:
        _save_png(fig, blocks, path, metadata)


def _foot(p: Prepared, lang: str, t: Any, *, width_in: float) -> tuple[tuple[Any, ...], ...]:
    """The foot of the page: the sources of the data and the software that drew it."""
    sources = "; ".join(_sources(p, lang, tiles=False))
    note = _fill(t("static.note", sources=sources), width_in=width_in * 0.94, fontsize=7)
    return (
        ("text", 0.03, 0.045, note, 7, "normal", "#333333", "left", "top"),
        ("text", 0.98, 0.015, t("static.made", version=__version__), 6, "normal", "#777777", "right", "baseline"),
    )


def _plot(
    ax: Any, geoms: Any, *, color: Any, edgecolor: Any = None, linewidth: float | None = None, linestyle: str = "-",
    alpha: float | None = None, markersize: float | None = None, zorder: float,
) -> None:  # fmt: skip
    """Draw ``geoms`` on ``ax`` as ``GeoSeries.plot`` does: polygons filled with ``color`` (outlined
    with ``edgecolor``), lines and points in ``color``; ``color`` is one colour or a list of one per
    geometry.

    One matplotlib collection per kind, made from the coordinates in a few array operations: geopandas'
    checks and its set-up per call took a third of a pack's picture, and its plot resets the axes'
    aspect to the middle of each layer (here it stays at the map's centre, :func:`_map_axes`).
    """
    from matplotlib.collections import LineCollection, PathCollection

    parts, index = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    keep = ~shapely.is_empty(parts)
    parts, index = parts[keep], index[keep]
    kind = shapely.get_type_id(parts)
    per_geometry = isinstance(color, list)

    def colours(chosen: np.ndarray) -> Any:
        return [color[i] for i in index[chosen]] if per_geometry else color

    style: dict[str, Any] = {"alpha": alpha, "zorder": zorder}
    polygons, lines, points = kind == 3, (kind == 1) | (kind == 2), kind == 0
    if polygons.any():
        ax.add_collection(PathCollection(_polygon_paths(parts[polygons]), facecolors=colours(polygons), edgecolors=edgecolor,
                                         linewidths=linewidth, linestyles=linestyle, **style), autolim=False)  # fmt: skip
    if lines.any():
        xy, which = shapely.get_coordinates(parts[lines], return_index=True)
        segments = np.split(xy, np.flatnonzero(np.diff(which)) + 1)
        ax.add_collection(LineCollection(segments, colors=colours(lines), linewidths=linewidth, linestyles=linestyle, **style),
                          autolim=False)  # fmt: skip
    if points.any():
        xy = shapely.get_coordinates(parts[points])
        ax.scatter(xy[:, 0], xy[:, 1], color=colours(points), edgecolors=edgecolor, s=markersize, **style)


def _polygon_paths(polygons: np.ndarray) -> list[Any]:
    """One matplotlib path per polygon, its rings closed, the outer ring counter-clockwise and the holes
    clockwise (matplotlib fills by the non-zero rule: a hole turning the same way would be filled)."""
    from matplotlib.path import Path as MplPath

    oriented = shapely.orient_polygons(polygons, exterior_cw=False)
    _, xy, (ring_end, polygon_end) = shapely.to_ragged_array(oriented, include_z=False)
    codes = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
    codes[ring_end[:-1]] = MplPath.MOVETO
    codes[ring_end[1:] - 1] = MplPath.CLOSEPOLY
    starts = ring_end[polygon_end]
    return [MplPath(xy[a:b], codes[a:b]) for a, b in zip(starts[:-1], starts[1:])]


def _map_axes(fig: Any, bounds: tuple[float, float, float, float]) -> tuple[Any, float]:
    """The map's axes: the unit's box with a margin, true to scale at its middle latitude; that latitude."""
    ax = fig.add_axes((0.03, 0.09, 0.68, 0.76))
    west, south, east, north = bounds
    lat0 = (south + north) / 2
    ax.set_aspect(1 / math.cos(math.radians(lat0)))
    pad_x, pad_y = (east - west) * 0.03, (north - south) * 0.03
    ax.set_xlim(west - pad_x, east + pad_x)
    ax.set_ylim(south - pad_y, north + pad_y)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_facecolor("#f4f6f8")
    return ax, lat0


def _fill(text: str, *, width_in: float, fontsize: float) -> str:
    """``text`` broken into lines that fit ``width_in`` inches at ``fontsize`` points.

    Decided from an average character width (0.55 em, wide for DejaVu Sans), not by measuring the
    rendered text: matplotlib's ``wrap=True`` lays the text out again word by word, a tenth of a
    second per picture.

    Examples
    --------
    >>> print(_fill("satu dua tiga empat", width_in=0.5, fontsize=10))
    satu dua
    tiga empat
    """
    per_line = max(10, int(width_in * 72 / (fontsize * 0.55)))
    return textwrap.fill(text, width=per_line, break_long_words=False, break_on_hyphens=False)


def _draw_protected(ax: Any, p: Prepared, S: dict[str, Any], t: Any) -> list[tuple[Any, ...]]:
    """Setback zones and protected areas; their legend entries (:func:`_legend_spec`)."""
    handles: list[tuple[Any, ...]] = []
    if p.sempadan is not None:
        st = S["sempadan"]
        fill = _rgba(st["fillColor"], st["fillOpacity"])
        _plot(ax, p.sempadan.geometry, color=fill, edgecolor=st["color"], linewidth=0.5, linestyle="--", zorder=3)
        handles.append(_dashed_patch(st, t("legend.sempadan")))
    if p.lindung is not None:
        st = S["lindung"]
        kinds = p.lindung.geometry.geom_type
        areas = p.lindung[kinds.str.contains("Polygon")]
        lines = p.lindung[kinds.str.contains("Line")]
        if len(areas):
            _plot(
                ax,
                areas.geometry,
                color=_rgba(st["fillColor"], st["fillOpacity"]),
                edgecolor=st["color"],
                linewidth=0.8,
                linestyle="--",
                zorder=3,
            )
        if len(lines):
            _plot(ax, lines.geometry, color=st["color"], linewidth=1.2, zorder=3)
        points = p.lindung[kinds.str.contains("Point")]
        if len(points):
            _plot(ax, points.geometry, color=st["fillColor"], edgecolor=st["color"], markersize=16, zorder=3)
        handles.append(_dashed_patch(st, t("legend.lindung")))
    return handles


def _dashed_patch(st: dict[str, Any], label: str) -> tuple[Any, ...]:
    """The legend entry of a dashed-outline overlay drawn with the style ``st``."""
    return ("patch", label, _rgba(st["fillColor"], st["fillOpacity"]), st["color"], "--")


def _draw_kumuh(ax: Any, p: Prepared, S: dict[str, Any]) -> None:
    """Slum locations coloured by their class (level now, or why they are not assessed now)."""
    if p.kumuh is not None:
        st = S["kumuh"]
        lv = p.kumuh["tingkat_kekumuhan"] if "tingkat_kekumuhan" in p.kumuh.columns else [None] * len(p.kumuh)
        kc = [st["colors"].get(v, st.get("fillColor", "#d7301f")) if isinstance(v, str) else "#bdbdbd" for v in lv]
        if p.recipe.features.as_points:
            xy = np.array([(g.x, g.y) for g in p.kumuh.geometry])
            ax.scatter(xy[:, 0], xy[:, 1], s=14, c=kc, edgecolors=st["color"], linewidths=0.4, zorder=4)
        else:
            alpha = max(st["fillOpacity"], 0.7)
            _plot(ax, p.kumuh.geometry, color=kc, edgecolor=st["color"], linewidth=0.4, alpha=alpha, zorder=4)


def _draw_kegiatan(
    ax: Any, p: Prepared, S: dict[str, Any], t: Any, vocab: dict[str, dict[str, str]]
) -> list[tuple[Any, ...]]:
    """Activities by status and progress, findings ringed and labelled; their legend entries
    (:func:`_legend_spec`)."""
    kegiatan_handles: list[tuple[Any, ...]] = []
    if p.kegiatan is not None:
        st = S["kegiatan"]
        k = p.kegiatan
        prog = k["progres_fisik"].fillna(0).clip(0, 100).to_numpy() if "progres_fisik" in k.columns else np.zeros(len(k))
        alpha = S["progressMin"] + (1 - S["progressMin"]) * prog / 100
        col = [st["colors"].get(s, st["color"]) for s in k["status"]]
        pts = k.geometry.geom_type == "Point"
        if pts.any():
            xy = np.array([(g.x, g.y) for g in k.geometry[pts]])
            face = [_rgba(c, a) for c, a in zip(np.array(col)[pts.to_numpy()], alpha[pts.to_numpy()])]
            ax.scatter(
                xy[:, 0], xy[:, 1], s=18, facecolors=face, edgecolors=np.array(col)[pts.to_numpy()], linewidths=0.6, zorder=5
            )
        if (~pts).any():
            other = k[~pts]
            _plot(
                ax,
                other.geometry,
                color=[_rgba(c, max(a, 0.35)) for c, a in zip(np.array(col)[(~pts).to_numpy()], alpha[(~pts).to_numpy()])],
                linewidth=1.6,
                zorder=5,
            )
        for s, c in st["colors"].items():
            kegiatan_handles.append(("marker", vocab["status"].get(s, s), c, c, 1.0))
        flagged = k[k["aturan"].notna()] if "aturan" in k.columns else k.iloc[0:0]
        if len(flagged):
            ft = S["temuan"]
            xy = np.array([(g.x, g.y) for g in flagged["anchor"]])
            ax.scatter(xy[:, 0], xy[:, 1], s=70, facecolors="none", edgecolors=ft["color"], linewidths=1.4, zorder=6)
            labelled = len(flagged) <= ft["maxLabels"]  # else they would cover the map: the table lists them
            if labelled:
                for (x, y), rules in zip(xy, flagged["aturan"]):
                    ax.annotate(
                        rules,
                        (x, y),
                        xytext=(5, 3),
                        textcoords="offset points",
                        fontsize=6.5,
                        color=ft["color"],
                        fontweight="bold",
                        zorder=7,
                    )
            label = t("legend.temuan") if labelled else t("legend.temuan_tabel")
            kegiatan_handles.append(("marker", label, "none", ft["color"], 1.4))
    return kegiatan_handles


#: The legend's box on the page (figure fraction): its top left corner is the legend's, and it may
#: run on to the right edge and down to the foot of the page.
_LEGEND_LEFT, _LEGEND_TOP = 0.73, 0.89


def _legend_spec(
    p: Prepared, S: dict[str, Any], t: Any, vocab: dict[str, dict[str, str]], m: dict[str, Any],
    handles: list[Any], kegiatan_handles: list[Any],
) -> tuple[tuple[Any, ...], ...]:  # fmt: skip
    """The legend beside the map as plain values: choropleth, slum classes, activities, protected
    areas, boundary; the first entry is the title.

    Each entry is ``(kind, label, *style)``: ``head`` (a group's bold heading), ``note`` (grey text),
    ``patch`` (face, edge, line style), ``marker`` (face, edge, edge width) or ``line`` (colour,
    width). Plain values make the legend a cache key (:func:`_block_image`).
    """
    ws = S["wilayah"]
    groups: list[tuple[str | None, list[tuple[Any, ...]]]] = []
    classes = m["classes"] + [m["none"]]
    groups.append((m["label"], [("patch", c["label"], c["color"], ws["color"], "-") for c in classes]))
    if p.kumuh is not None:
        st = S["kumuh"]
        entries = [("patch", vocab["tingkat"].get(k_, k_), c, st["color"], "-") for k_, c in st["colors"].items()]
        groups.append((t("legend.kumuh"), entries))
    if kegiatan_handles:
        groups.append((t("legend.kegiatan"), [*kegiatan_handles, ("note", textwrap.fill(t("legend.progres"), 46))]))
    other = [*handles, ("line", t("legend.batas"), S["batas"]["color"], 2)]
    groups.append((t("legend.lainnya") if handles else None, other))  # the boundary alone needs no heading
    spec: list[tuple[Any, ...]] = [("title", t("legend.title"))]
    for head, entries in groups:
        if head:
            spec.append(("head", textwrap.fill(head, 42)))
        spec.extend((kind, textwrap.fill(label, 46), *style) for kind, label, *style in entries)  # within the page
    return tuple(spec)


def _draw_legend(ax: Any, spec: tuple[tuple[Any, ...], ...]) -> None:
    """The legend of ``spec`` (:func:`_legend_spec`) at the top left of the (hidden) axes ``ax``."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ax.axis("off")
    made: list[Any] = []
    for kind, label, *style in spec[1:]:
        if kind in ("head", "note"):
            made.append(Patch(visible=False, label=label))
        elif kind == "patch":
            face, edge, linestyle = style
            made.append(Patch(facecolor=face, edgecolor=edge, linestyle=linestyle, label=label))
        elif kind == "marker":
            face, edge, width = style
            made.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=face, markeredgecolor=edge,
                               markeredgewidth=width, label=label))  # fmt: skip
        else:
            color, width = style
            made.append(Line2D([], [], color=color, linewidth=width, label=label))
    lg = ax.legend(
        handles=made,
        loc="upper left",
        bbox_to_anchor=(0, 1),
        fontsize=7.5,
        frameon=False,
        handlelength=1.6,
        borderaxespad=0,
        labelspacing=0.45,
        title=spec[0][1],
        title_fontproperties={"weight": "bold", "size": 9},
        alignment="left",
    )
    for (kind, *_), text in zip(spec[1:], lg.get_texts()):
        if kind == "head":
            text.set_fontweight("bold")
        elif kind == "note":
            text.set_color("#555555")


#: Boxes of the page (left, bottom, right, top; fractions) holding the blocks of words drawn the same
#: on many pictures: the title, the legend and the foot. Only the unit's name and the map differ.
_BLOCK_BOXES = {"head": (0.0, 0.85, 1.0, 1.0), "legend": (_LEGEND_LEFT, 0.0, 1.0, _LEGEND_TOP), "foot": (0.0, 0.0, 1.0, 0.06)}


def _draw_items(fig: Any, items: tuple[tuple[Any, ...], ...], at: Any) -> None:
    """Draw a block's ``items`` on ``fig``; ``at(x, y)`` turns a point of the page (fractions) into
    one of ``fig``.

    An item is ``("text", x, y, text, size, weight, colour, ha, va)`` or ``("legend", spec)``
    (:func:`_legend_spec`; the legend's top left corner is at ``_LEGEND_LEFT, _LEGEND_TOP``).
    """
    for item in items:
        if item[0] == "legend":
            (left, bottom), (right, top) = at(_LEGEND_LEFT, 0.0), at(1.0, _LEGEND_TOP)
            _draw_legend(fig.add_axes((left, bottom, right - left, top - bottom)), item[1])
        else:
            _, x, y, text, size, weight, color, ha, va = item
            fig.text(*at(x, y), text, fontsize=size, fontweight=weight, color=color, ha=ha, va=va)


def _save_png(fig: Any, blocks: dict[str, tuple[tuple[Any, ...], ...]], path: Path, metadata: dict[str, str]) -> None:
    """Draw ``fig``, paste its ``blocks`` (:func:`_block_image`) and write the PNG (RGB: the page is
    opaque; unfiltered rows, :mod:`kotaku_gis.maps._png`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from kotaku_gis.maps._png import png_bytes

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    page = np.asarray(canvas.buffer_rgba())[..., :3]
    height, width = page.shape[:2]
    for name, items in blocks.items():
        x0, y0, ink, clear = _block_image(items, _BLOCK_BOXES[name], width, height, float(fig.dpi))
        region = page[y0 : y0 + ink.shape[0], x0 : x0 + ink.shape[1]]
        region[...] = (ink + region * clear + 127) // 255  # "over" compositing, in 0-255 integers
    text = {"Software": f"kotaku-gis {__version__} (matplotlib)", **metadata}
    path.write_bytes(png_bytes(page, dpi=float(fig.dpi), text=text))


@functools.lru_cache(maxsize=128)
def _block_image(
    items: tuple[tuple[Any, ...], ...], box: tuple[float, float, float, float], width: int, height: int, dpi: float
) -> tuple[int, int, np.ndarray, np.ndarray]:
    """The block of ``items`` drawn once on a transparent picture of its ``box`` of a page of
    ``width`` x ``height`` pixels at ``dpi``, cut to its ink: its left and top pixel on the page, its
    colours times their opacity and its transparency (0-255, as ``uint16`` for compositing).

    The words on a picture are most of the time matplotlib spends on it, and the blocks of a pack's
    pictures are few (one legend per level, language and mix of layers; one title per period): each
    is drawn once per process and pasted on every picture that has it.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    left, bottom, right, top = box
    x0, x1, y0, y1 = round(left * width), round(right * width), round(bottom * height), round(top * height)
    fig = Figure(figsize=((x1 - x0 + 0.5) / dpi, (y1 - y0 + 0.5) / dpi), dpi=dpi, facecolor="none")
    fig_w, fig_h = fig.bbox.width, fig.bbox.height
    _draw_items(fig, items, lambda x, y: ((x * width - x0) / fig_w, (y * height - y0) / fig_h))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = np.asarray(canvas.buffer_rgba())[-(y1 - y0) :, : x1 - x0]  # the box's pixels, from its bottom left
    rows, cols = np.flatnonzero(image[..., 3].any(axis=1)), np.flatnonzero(image[..., 3].any(axis=0))
    if len(rows) == 0:
        rows = cols = np.zeros(1, dtype=np.intp)
    image = image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.uint16)
    alpha = image[..., 3:4]
    ink, clear = image[..., :3] * alpha, 255 - alpha
    ink.flags.writeable = clear.flags.writeable = False
    return x0 + int(cols[0]), height - y1 + int(rows[0]), ink, clear


def _draw_scale_and_north(ax: Any, lat0: float, t: Any) -> None:
    """A scale bar (bottom left) and a north arrow (top right)."""
    # scale bar (bottom left) and north arrow (top right)
    metres_per_deg = METRES_PER_DEGREE * math.cos(math.radians(lat0))
    x_min, x_max = ax.get_xlim()
    y_min, y_max = ax.get_ylim()
    length_m = _nice((x_max - x_min) * metres_per_deg / 5)
    length_deg = length_m / metres_per_deg
    x0 = x_min + (x_max - x_min) * 0.04
    y0 = y_min + (y_max - y_min) * 0.04
    ax.plot([x0, x0 + length_deg], [y0, y0], color="black", linewidth=3, solid_capstyle="butt", zorder=9)
    ax.plot([x0, x0 + length_deg / 2], [y0, y0], color="white", linewidth=1.2, solid_capstyle="butt", zorder=10)
    label = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
    ax.text(x0 + length_deg / 2, y0 + (y_max - y_min) * 0.015, label, ha="center", va="bottom", fontsize=8, zorder=10)
    ax.annotate(
        t("static.north"),
        xy=(0.96, 0.97),
        xytext=(0.96, 0.86),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5},
    )
