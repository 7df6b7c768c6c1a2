"""The shift-robustness measurement behind the pooling page: move the input one pixel and count
how many cells change before and after pooling.

It lives in the core, not the GUI, so the numbers the pooling page shows can
be tested without a window.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .validation import as_float_array, as_text

# Direction name -> (row step, column step) the content moves by.
DIRECTIONS: dict[str, tuple[int, int]] = {
    "right": (0, 1),
    "left": (0, -1),
    "down": (1, 0),
    "up": (-1, 0),
}


def shift_by_one(x: np.ndarray, direction: str) -> np.ndarray:
    """Move the content of ``x`` one pixel towards ``direction``; the row or column that enters is 0.

    Parameters
    ----------
    x : ndarray, shape (H, W)
    direction : {"right", "left", "down", "up"}

    Returns
    -------
    ndarray, shape (H, W)
        A new array; ``shift_by_one(x, "right")[:, 1:] == x[:, :-1]`` and its first column is 0.

    Raises
    ------
    ValueError
        Unknown direction, or ``x`` not a 2D grid of finite numbers.
    """
    direction = as_text(direction, "shift direction", DIRECTIONS)
    x = as_float_array(x, name="feature map", ndim=2)
    dy, dx = DIRECTIONS[direction]
    out = np.zeros_like(x)
    h, w = x.shape
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        x[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def changed(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Boolean mask of the cells whose value differs by more than floating-point rounding."""
    return ~np.isclose(before, after, rtol=1e-9, atol=1e-12)


@dataclass(frozen=True)
class ShiftComparison:
    """What a one-pixel shift did, to the feature map itself and to its pooled output."""

    direction: str
    input_before: np.ndarray     # (H, W)
    input_after: np.ndarray      # (H, W), shifted
    pooled_before: np.ndarray    # (h, w)
    pooled_after: np.ndarray     # (h, w)
    input_changed: np.ndarray    # bool (H, W)
    pooled_changed: np.ndarray   # bool (h, w)

    @property
    def input_count(self) -> int:
        return int(self.input_changed.sum())

    @property
    def pooled_count(self) -> int:
        return int(self.pooled_changed.sum())

    @property
    def input_share(self) -> float:
        return self.input_count / self.input_changed.size

    @property
    def pooled_share(self) -> float:
        return self.pooled_count / self.pooled_changed.size


def compare_shift(x: np.ndarray, direction: str,
                  pool: Callable[[np.ndarray], np.ndarray]) -> ShiftComparison:
    """Shift ``x`` by one pixel and pool both versions with ``pool``.

    Parameters
    ----------
    x : ndarray, shape (H, W)
        The feature map before the shift.
    direction : {"right", "left", "down", "up"}
    pool : callable
        ``pool(x) -> ndarray (h, w)``, e.g. ``functools.partial(ops.pool2d, size=2)``.
    """
    x = as_float_array(x, name="feature map", ndim=2)
    after = shift_by_one(x, direction)
    pooled_before, pooled_after = pool(x), pool(after)
    return ShiftComparison(direction, x, after, pooled_before, pooled_after,
                           changed(x, after), changed(pooled_before, pooled_after))
