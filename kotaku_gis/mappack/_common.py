"""What the modules of the map pack share: its names on disk, its texts and its hashing."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import numpy as np
import pandas as pd

from kotaku_gis import i18n

#: Folder of the work area inside the output folder (built units, zips, staging; shared by periods).
WORK_DIR = ".kotaku_mappack"

#: Version of the layout of ``manifest.json``, and the name it gives the pack's kind.
MANIFEST_FORMAT = 1
PACK_NAME = "kotaku-gis mappack"


def tp(key: str, lang: str | None = None, **params: Any) -> str:
    """A text of the map pack (``i18n/<lang>/mappack.yml``) in ``lang`` (default ``settings.language``).

    Examples
    --------
    >>> tp("status.dibuat", "en")
    'built'
    """
    return i18n.text(f"mappack.{key}", lang, **params)


def sha(obj: Any) -> str:
    """SHA-256 of a JSON-able object, independent of key order.

    Examples
    --------
    >>> sha({"b": 1, "a": 2}) == sha({"a": 2, "b": 1})
    True
    """
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


def plain(v: Any) -> Any:
    """``v`` as a plain JSON value: numpy scalars as Python ones, missing and infinite as None.

    Examples
    --------
    >>> import numpy as np
    >>> plain(np.int64(3)), plain(float("nan")), plain("a")
    (3, None, 'a')
    """
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v
