"""folium glue: a Map that loads nothing from the network. Imported only when a map is built, so
that ``import kotaku_gis`` never imports folium.

folium's ``Map`` puts ``<script>``/``<link>`` elements for Leaflet, jQuery, Bootstrap, awesome-markers
and Font Awesome from CDNs into every page (its ``default_js``/``default_css`` class attributes).
:class:`OfflineMap` empties both lists and writes the project's own assets instead (inline or as a
shared folder, see :mod:`kotaku_gis.maps._assets`). The maps use neither jQuery nor Bootstrap nor
icon fonts; Leaflet is the only third-party script.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from kotaku_gis.maps._assets import head_html, parse_mode


class OfflineMap(folium.Map):
    """A ``folium.Map`` whose page makes no network request.

    Parameters
    ----------
    assets : str
        ``"inline"`` (default) or ``"shared:<relative dir>"``; see :mod:`kotaku_gis.maps._assets`.
        :func:`kotaku_gis.maps.save_map` may change it when writing the page.
    **kwargs
        Passed to ``folium.Map`` (``tiles`` is always None: base tiles are an optional layer).
    """

    default_js: list[tuple[str, str]] = []
    default_css: list[tuple[str, str]] = []

    def __init__(self, *, assets: str = "inline", **kwargs: Any) -> None:
        kwargs["tiles"] = None
        super().__init__(**kwargs)
        parse_mode(assets)
        self.assets = assets

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # folium's own returns None too
        figure: Any = self.get_root()
        figure.header.add_child(Element(head_html(self.assets)), name="kotaku_assets")
        stable_ids(figure)
        super().render(**kwargs)


def _elements(root: Element) -> Iterator[Element]:
    """``root`` and every element below it, in document order (a figure's header, body and script)."""
    yield root
    for part in ("header", "html", "script"):
        child = getattr(root, part, None)
        if isinstance(child, Element):
            yield from _elements(child)
    for child in root._children.values():
        yield from _elements(child)


def stable_ids(root: Element) -> None:
    """Give every element under ``root`` an id derived from what the page draws, instead of
    branca's random one: the same data gives the same page, byte for byte (a map pack can be
    rebuilt and compared). The seed is the SHA-256 of the payloads of the page's
    :class:`KotakuLayers` (of its title when it has none); each element gets the hash of the seed and
    its position in the tree.

    Examples
    --------
    >>> m1, m2 = new_map({"bounds": [[0, 0], [1, 1]]}, assets="inline", title="t"), new_map(
    ...     {"bounds": [[0, 0], [1, 1]]}, assets="inline", title="t")
    >>> m1.get_root().render() == m2.get_root().render()
    True
    """
    elements = list(_elements(root))
    payloads = [e.payload for e in elements if isinstance(e, KotakuLayers)]
    seed = hashlib.sha256("\0".join(payloads or [str(getattr(root, "title", ""))]).encode("utf-8")).hexdigest()
    for i, element in enumerate(elements):
        # an element keeps the id it was given: a page rendered again (saved twice) keeps its ids, so
        # that what the render adds by name replaces what it added before; an element added since
        # gets one from its place, as in any map built and saved the same way
        if not getattr(element, "_kotaku_stable", False):
            element._id = hashlib.sha256(f"{seed}/{i}".encode()).hexdigest()[:32]
            element._kotaku_stable = True  # type: ignore[attr-defined]  # a mark of this module on branca elements


class KotakuLayers(MacroElement):
    """Everything drawn on a progress map: the page's script builds it from one JSON payload."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.KotakuMap.build({{ this._parent.get_name() }}, {{ this.payload }});
        {% endmacro %}
        """
    )

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__()
        self._name = "KotakuLayers"
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        self.payload = text.replace("</", "<\\/")


def new_map(payload: dict[str, Any], *, assets: str, title: str) -> OfflineMap:
    """An :class:`OfflineMap` fitted to ``payload["bounds"]`` that draws the payload."""
    (south, west), (north, east) = payload["bounds"]
    m = OfflineMap(
        assets=assets,
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=10,
        zoom_control=False,
        control_scale=False,
    )
    m.get_root().title = title  # type: ignore[attr-defined]  # a branca Figure
    KotakuLayers(payload).add_to(m)
    return m
