"""Boxes (west, south, east, north) as arrays: the one form ``screening.protected_near`` and
``Store.read(bbox=...)`` take them in (a module of its own: the store imports no analysis module)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def finite_boxes(bounds: ArrayLike | None) -> np.ndarray:
    """One box or several as an array of shape (n, 4), the boxes that are not finite left out.

    Parameters
    ----------
    bounds : (west, south, east, north), array of shape (n, 4), or None
        A box such as ``frame.total_bounds``, or one per row such as ``frame.bounds`` (a feature
        without geometry has a box of NaN).

    Returns
    -------
    numpy.ndarray
        Float boxes, shape (n, 4); no row for None or a box with a NaN or an infinite value.

    Examples
    --------
    >>> import numpy as np
    >>> finite_boxes((109.3, -0.1, 109.4, 0.0)).tolist()
    [[109.3, -0.1, 109.4, 0.0]]
    >>> finite_boxes(np.array([[1.0, 2.0, 3.0, 4.0], [np.nan] * 4])).tolist()
    [[1.0, 2.0, 3.0, 4.0]]
    >>> finite_boxes(None).shape
    (0, 4)
    """
    boxes = np.asarray(bounds if bounds is not None else np.empty((0, 4)), dtype="float64").reshape(-1, 4)
    return boxes[np.isfinite(boxes).all(axis=1)]
