"""The web assets a map page loads, all from files shipped in the package: never from the network.

``kotaku_gis/maps/assets/`` holds

- ``leaflet/``: Leaflet 1.9.4 (BSD-2-Clause), trimmed to ``leaflet.js``, ``leaflet.css`` and the two
  layer-control icons, with its ``LICENSE`` and ``SOURCE.txt`` (fetched once with
  ``scripts/vendor_assets.sh``);
- ``kotaku/``: this project's own map script and style (MIT).

A page gets them in one of two ways (the ``assets`` argument of the map functions):

``"inline"``
    Every script and style is written into the page, and the images the CSS points at become
    ``data:`` URIs: one self-contained file (about 170 KB of assets), opened anywhere, also inside
    a Jupyter notebook.
``"shared:<relative dir>"``
    The page links ``<relative dir>/leaflet/leaflet.js`` and so on, and :func:`write_assets` puts
    the files there (once per folder): many maps side by side carry the assets once.

Examples
--------
>>> from kotaku_gis.maps._assets import parse_mode, asset_files
>>> parse_mode("inline"), parse_mode("shared:aset")
(('inline', None), ('shared', 'aset'))
>>> [p.name for p in asset_files()]
['leaflet.css', 'leaflet.js', 'kotaku_map.css', 'kotaku_map.js']
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from functools import cache
from pathlib import Path, PurePosixPath

from kotaku_gis import i18n
from kotaku_gis.errors import UsageError

#: Folder of the vendored and own assets.
ASSETS_DIR: Path = Path(__file__).with_name("assets")

#: (kind, path relative to ASSETS_DIR) in the order the page loads them.
_FILES: tuple[tuple[str, str], ...] = (
    ("css", "leaflet/leaflet.css"),
    ("js", "leaflet/leaflet.js"),
    ("css", "kotaku/kotaku_map.css"),
    ("js", "kotaku/kotaku_map.js"),
)
#: Other files copied with the shared assets (images the CSS refers to, licences).
_EXTRA: tuple[str, ...] = (
    "leaflet/images/layers.png",
    "leaflet/images/layers-2x.png",
    "leaflet/LICENSE",
    "leaflet/SOURCE.txt",
    "kotaku/LICENSE",
)
_URL = re.compile(r"url\((['\"]?)(images/[^'\")]+)\1\)")


def parse_mode(assets: str) -> tuple[str, str | None]:
    """``("inline", None)`` or ``("shared", dir)``; :class:`UsageError` for anything else.

    The shared folder must be relative: the page refers to it relative to its own location
    (``shared:../../aset`` for pages two folders below the assets).
    """
    if assets == "inline":
        return "inline", None
    if isinstance(assets, str) and assets.startswith("shared:"):
        folder = assets.split(":", 1)[1].strip().rstrip("/")
        p = PurePosixPath(folder)
        if folder and not p.is_absolute() and "\\" not in folder and not folder.startswith("~"):
            return "shared", folder
    raise UsageError(i18n.text("maps.error.bad_assets", value=assets))


def asset_files() -> list[Path]:
    """The scripts and styles a page loads, in order."""
    return [ASSETS_DIR / rel for _, rel in _FILES]


@cache
def _read(rel: str) -> str:
    return (ASSETS_DIR / rel).read_text(encoding="utf-8")


def _inline_css(rel: str) -> str:
    """A stylesheet with its ``url(images/...)`` turned into ``data:`` URIs.

    A reference to an image that is not shipped (Leaflet's default marker icon: the maps draw
    circle markers only) becomes ``none``, so that nothing can ever be requested.
    """
    base = (ASSETS_DIR / rel).parent

    def repl(m: re.Match[str]) -> str:
        path = base / m.group(2)
        if not path.is_file():
            return "none"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return _URL.sub(repl, _read(rel))


def _safe_script(text: str) -> str:
    # a literal "</script" inside inlined code would end the element early
    return text.replace("</script", "<\\/script")


def head_html(assets: str = "inline") -> str:
    """The ``<link>``/``<script>`` (or inline ``<style>``/``<script>``) elements of the page head.

    Examples
    --------
    >>> from kotaku_gis.maps._assets import head_html
    >>> print(head_html("shared:aset").splitlines()[1])
    <script src="aset/leaflet/leaflet.js"></script>
    >>> "cdn" in head_html("inline") or "http" in head_html("shared:aset")
    False
    """
    mode, folder = parse_mode(assets)
    out = []
    for kind, rel in _FILES:
        if mode == "shared":
            href = f"{folder}/{rel}"
            out.append(f'<link rel="stylesheet" href="{href}"/>' if kind == "css" else f'<script src="{href}"></script>')
        elif kind == "css":
            out.append(f"<style>\n{_inline_css(rel)}\n</style>")
        else:
            out.append(f"<script>\n{_safe_script(_read(rel))}\n</script>")
    return "\n".join(out)


def write_assets(folder: str | Path) -> Path:
    """Copy the shared assets into ``folder`` (created if needed); files already equal are kept.

    Returns
    -------
    Path
        ``folder``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kotaku_gis.maps import write_assets
    >>> out = write_assets(pathlib.Path(tempfile.mkdtemp()) / "aset")
    >>> sorted(p.name for p in (out / "leaflet").iterdir())
    ['LICENSE', 'SOURCE.txt', 'images', 'leaflet.css', 'leaflet.js']
    """
    folder = Path(folder)
    for rel in [r for _, r in _FILES] + list(_EXTRA):
        src, dst = ASSETS_DIR / rel, folder / rel
        if dst.is_file() and _digest(dst) == _digest(src):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(dst.name + ".tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)
    return folder


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
