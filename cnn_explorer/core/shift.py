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


# A cell counts as changed when it moved by more than this share of the map's largest |value|:
# a blurred map shifted by one pixel changes every cell by a hair, which is not a new feature.
TOLERANCE_SHARE = 0.05
# A map is "smooth" (a blur, a ramp) when a one-pixel shift changes at least this share of its
# cells: a sharp map has flat regions the shift leaves alone.
SMOOTH_SHARE = 0.7


def changed(before: np.ndarray, after: np.ndarray, tolerance: float = 0.0) -> np.ndarray:
    """Boolean mask of the cells whose value differs by more than ``tolerance`` (and rounding)."""
    return ~np.isclose(before, after, rtol=1e-9, atol=max(tolerance, 1e-12))


@dataclass(frozen=True)
class ShiftComparison:
    """What a one-pixel shift did, to the feature map itself and to its pooled output.

    A cell *changed* when it moved by more than ``tolerance``; ``input_change`` and
    ``pooled_change`` are the mean absolute change over all cells (the size of the change).
    """

    direction: str
    input_before: np.ndarray     # (H, W)
    input_after: np.ndarray      # (H, W), shifted
    pooled_before: np.ndarray    # (h, w)
    pooled_after: np.ndarray     # (h, w)
    input_changed: np.ndarray    # bool (H, W)
    pooled_changed: np.ndarray   # bool (h, w)
    tolerance: float = 0.0

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

    @property
    def input_change(self) -> float:
        return float(np.abs(self.input_after - self.input_before).mean())

    @property
    def pooled_change(self) -> float:
        return float(np.abs(self.pooled_after - self.pooled_before).mean())

    @property
    def helped(self) -> bool:
        """Pooling made the shift matter less: fewer cells changed, and by no more on average."""
        return self.pooled_share < self.input_share and self.pooled_change <= self.input_change

    def verdict(self) -> str:
        """In words: did pooling absorb the shift here, and if not, why not."""
        shares = (f"{self.pooled_share:.0%} of the pooled cells changed against "
                  f"{self.input_share:.0%} of the map's, by {self.pooled_change:.3g} on average "
                  f"against {self.input_change:.3g}")
        if self.input_count == 0:
            return ("The shift changed no cell of the map by more than the tolerance: there is "
                    "nothing for pooling to absorb.")
        if self.helped:
            return f"Pooling helped: {shares}."
        if self.input_share >= SMOOTH_SHARE:
            why = ("the map is smooth (blurred): a one-pixel shift changes almost every cell a "
                   "little, so nearly every window's maximum or mean changes a little too. "
                   "Pooling absorbs a sharp feature that moves inside its window, not a gentle "
                   "slope")
        else:
            why = ("the features sit at window borders: the shift carried them into the next "
                   "window. Try the other direction, or a larger window")
        return f"Pooling did not help here: {shares}. Why: {why}."


def compare_shift(x: np.ndarray, direction: str,
                  pool: Callable[[np.ndarray], np.ndarray],
                  tolerance_share: float = TOLERANCE_SHARE) -> ShiftComparison:
    """Shift ``x`` by one pixel and pool both versions with ``pool``.

    Parameters
    ----------
    x : ndarray, shape (H, W)
        The feature map before the shift.
    direction : {"right", "left", "down", "up"}
    pool : callable
        ``pool(x) -> ndarray (h, w)``, e.g. ``functools.partial(ops.pool2d, size=2)``.
    tolerance_share : float
        A cell counts as changed when it moved by more than this share of ``max |x|``.
    """
    x = as_float_array(x, name="feature map", ndim=2)
    after = shift_by_one(x, direction)
    pooled_before, pooled_after = pool(x), pool(after)
    tolerance = tolerance_share * float(np.abs(x).max())
    return ShiftComparison(direction, x, after, pooled_before, pooled_after,
                           changed(x, after, tolerance), changed(pooled_before, pooled_after,
                                                                 tolerance), tolerance)
