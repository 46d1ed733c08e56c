"""KML/KMZ read with an XML parser: placemarks paired with their attributes in document order.

GDAL does not attach the attributes of the programme's KML exports to their geometry:

* SIM KOTAKU exports hold one ``Document`` per kelurahan whose ``Schema`` GDAL's LIBKML driver
  shows as a layer of fields and no features, while the placemarks sit in a sibling ``Folder``
  layer with geometry only; the attributes are in each placemark's ``ExtendedData/SchemaData``.
* ArcGIS "Layer to KML" exports (decrees of 2024) carry the attributes only as an HTML table in each
  placemark's ``description``.

This module reads every ``Placemark`` itself: its layer (the name of the nearest enclosing
``Folder`` or ``Document``, as LIBKML names layers), its attributes (``SchemaData``/``Data`` values,
else the two-cell rows of the HTML table in its description, else ``Name``/``Description``) and its
geometry (``Point``, ``LineString``, ``Polygon`` with holes, ``MultiGeometry``; heights dropped).
"""

from __future__ import annotations

import fnmatch
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from kotaku_gis import i18n
from kotaku_gis.errors import UsageError

#: Column of the frame :func:`read_kml` returns that names each placemark's layer.
LAYER = "_lapisan"


@dataclass(frozen=True)
class Placemark:
    """One placemark: its layer, attributes (text as in the file) and geometry (or None)."""

    layer: str
    attributes: dict[str, str | None]
    geometry: BaseGeometry | None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kml_bytes(path: Path) -> bytes:
    if path.suffix.lower() != ".kmz":
        return path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if n.lower().endswith(".kml")]
        if not names:
            raise zipfile.BadZipFile("the archive holds no .kml file")
        return zf.read("doc.kml" if "doc.kml" in names else names[0])


def placemarks(path: str | Path) -> list[Placemark]:
    """Every placemark of a KML or KMZ file, in document order.

    Parameters
    ----------
    path : str or Path
        A ``.kml`` file or a ``.kmz`` archive (its ``doc.kml``, else its first ``.kml``).

    Returns
    -------
    list of Placemark

    Raises
    ------
    xml.etree.ElementTree.ParseError, zipfile.BadZipFile
        A damaged or truncated file (:func:`kotaku_gis.files.read_vector` turns them into the
        one-line message for damaged files).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "a.kml")
    >>> _ = open(p, "w").write('<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>D</name>'
    ...     '<Folder><name>L</name><Placemark><ExtendedData><SchemaData><SimpleData name="a">1'
    ...     '</SimpleData></SchemaData></ExtendedData><Point><coordinates>109.3,-0.03,0</coordinates>'
    ...     '</Point></Placemark></Folder></Document></kml>')
    >>> pm = placemarks(p)[0]
    >>> pm.layer, pm.attributes, pm.geometry.wkt
    ('L', {'a': '1'}, 'POINT (109.3 -0.03)')
    """
    path = Path(path)
    root = ElementTree.fromstring(_kml_bytes(path))
    found: list[Placemark] = []
    _walk(root, "", found)
    return found


def _walk(element: ElementTree.Element, layer: str, out: list[Placemark]) -> None:
    for child in element:
        tag = _local(child.tag)
        if tag in ("Folder", "Document"):
            name = _child_text(child, "name")
            _walk(child, name if name is not None else layer, out)
        elif tag == "Placemark":
            out.append(Placemark(layer, _attributes(child), _geometry(child)))


def _child_text(element: ElementTree.Element, tag: str) -> str | None:
    for child in element:
        if _local(child.tag) == tag:
            return (child.text or "").strip()
    return None


def _attributes(pm: ElementTree.Element) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for ext in (c for c in pm if _local(c.tag) == "ExtendedData"):
        for item in ext.iter():
            tag = _local(item.tag)
            if tag == "SimpleData" and item.get("name"):
                values[item.get("name", "")] = _value(item.text)
            elif tag == "Data" and item.get("name"):
                values[item.get("name", "")] = _value(_child_text(item, "value"))
    if values:
        return values
    description = _child_text(pm, "description")
    table = html_fields(description) if description else {}
    if table:
        return table
    return {"Name": _child_text(pm, "name"), "Description": description}


def _value(text: str | None) -> str | None:
    return None if text is None else text.strip()


class _TableRows(HTMLParser):
    """Collects the cell texts of every table row that holds no nested table."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._stack: list[dict[str, Any]] = []  # open <tr>: cells, nested flag
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._stack.append({"cells": [], "nested": False})
        elif tag == "table":
            for row in self._stack:
                row["nested"] = True
            self._cell = None
        elif tag in ("td", "th") and self._stack:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._stack and self._cell is not None:
            self._stack[-1]["cells"].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._stack:
            row = self._stack.pop()
            if not row["nested"]:
                self.rows.append(row["cells"])

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_fields(html: str) -> dict[str, str | None]:
    """Field/value pairs of the two-cell rows of the tables in an HTML popup (ArcGIS "Layer to KML").

    Examples
    --------
    >>> html_fields("<table><tr><td>T</td></tr><tr><td><table><tr><td>Kelurahan</td><td>Mariana</td>"
    ...             "</tr><tr><td>luas_awal</td><td>&lt;Null&gt;</td></tr></table></td></tr></table>")
    {'Kelurahan': 'Mariana', 'luas_awal': None}
    """
    parser = _TableRows()
    parser.feed(html)
    pairs = [r for r in parser.rows if len(r) == 2 and r[0]]
    if len(pairs) < 2:  # a title or one line is no attribute table
        return {}
    return {k: (None if v in ("", "<Null>", "&lt;Null&gt;") else v) for k, v in pairs}


def _coords(element: ElementTree.Element) -> list[tuple[float, float]]:
    text = _child_text(element, "coordinates") or ""
    out = []
    for token in text.split():
        parts = token.split(",")
        if len(parts) >= 2:
            out.append((float(parts[0]), float(parts[1])))
    return out


def _ring(element: ElementTree.Element | None) -> list[tuple[float, float]]:
    if element is None:
        return []
    for ring in element.iter():
        if _local(ring.tag) == "LinearRing":
            return _coords(ring)
    return []


def _geometry(pm: ElementTree.Element) -> BaseGeometry | None:
    parts = [g for c in pm if (g := _shape(c)) is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.GeometryCollection(parts)


def _shape(element: ElementTree.Element) -> BaseGeometry | None:
    tag = _local(element.tag)
    if tag == "Point":
        xy = _coords(element)
        return shapely.Point(xy[0]) if xy else None
    if tag == "LineString":
        return shapely.LineString(_coords(element))
    if tag == "LinearRing":
        return shapely.Polygon(_coords(element))
    if tag == "Polygon":
        outer = next((c for c in element if _local(c.tag) == "outerBoundaryIs"), None)
        holes = [_ring(c) for c in element if _local(c.tag) == "innerBoundaryIs"]
        return shapely.Polygon(_ring(outer), [h for h in holes if h])
    if tag == "MultiGeometry":
        parts = [g for c in element if (g := _shape(c)) is not None]
        kinds = {p.geom_type for p in parts}
        if kinds == {"Polygon"}:
            return shapely.MultiPolygon(parts)
        if kinds == {"LineString"}:
            return shapely.MultiLineString(parts)
        if kinds == {"Point"}:
            return shapely.MultiPoint(parts)
        return shapely.GeometryCollection(parts) if parts else None
    return None


def layers(found: list[Placemark]) -> list[str]:
    """The layers that hold placemarks, in document order."""
    return list(dict.fromkeys(p.layer for p in found))


def read_kml(path: str | Path, pattern: str | None = None) -> gpd.GeoDataFrame | None:
    """The placemarks of the layers matching ``pattern`` as a frame (text attributes, EPSG:4326).

    Parameters
    ----------
    path : str or Path
        A KML or KMZ file.
    pattern : str, optional
        A layer name or a pattern (``Kumuh_*``, case-insensitive, ``*``/``?`` wildcards). Without
        one, the file must hold one layer of placemarks.

    Returns
    -------
    GeoDataFrame or None
        One row per placemark with its attributes, ``_lapisan`` (its layer) and the geometry;
        None when the file holds no placemark at all.

    Raises
    ------
    UsageError
        Several layers and no pattern, or a pattern that matches no layer (the layers are named).
    """
    path = Path(path)
    found = placemarks(path)
    if not found:
        return None
    names = layers(found)
    if pattern is None:
        if len(names) > 1:
            raise UsageError(i18n.text("formats.kml_several_layers", file=path.name, layers=", ".join(names)))
        chosen = names
    else:
        chosen = [n for n in names if fnmatch.fnmatch(n.lower(), pattern.lower())]
        if not chosen:
            raise UsageError(i18n.text("formats.kml_no_layer", file=path.name, pattern=pattern, layers=", ".join(names)))
    rows = [p for p in found if p.layer in chosen]
    columns: dict[str, None] = {}
    for p in rows:
        columns.update(dict.fromkeys(p.attributes))
    data = {c: [p.attributes.get(c) for p in rows] for c in columns}
    data[LAYER] = [p.layer for p in rows]
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([p.geometry for p in rows]), crs="EPSG:4326")
