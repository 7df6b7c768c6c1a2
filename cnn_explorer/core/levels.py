"""The value range a grid's colours span: one grid's own, or one every grid of a page shares."""

import math

import numpy as np


def levels_for(values: np.ndarray, diverging: bool) -> tuple[float, float]:
    """Colour levels ``(low, high)`` covering ``values`` (any shape; NaN and ±inf ignored).

    Symmetric about 0 if ``diverging`` (0 sits in the middle of a diverging colour map); a range
    of one value is widened so that it still has a middle; no finite value gives the unit range.
    """
    return levels_for_all([values], diverging)


def levels_for_all(arrays, diverging: bool) -> tuple[float, float]:
    """:func:`levels_for` of every value of ``arrays`` together, without joining them into one
    array (a copy of millions of values on a large image)."""
    ranges = [r for r in (_finite_range(np.asarray(a)) for a in arrays) if r is not None]
    if not ranges:
        return (-1.0, 1.0) if diverging else (0.0, 1.0)
    lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
    if diverging:
        bound = max(abs(lo), abs(hi)) or 1.0
        return (-bound, bound)
    if hi - lo < 1e-12:
        if lo == 0:
            return (0.0, 1.0)
        spread = max(1.0, abs(lo) * 1e-9)   # ± 1 would vanish beside 1e17: a range of no width
        largest = float(np.finfo(float).max)  # and 1.8e308 + spread would be infinite
        return (max(lo - spread, -largest), min(hi + spread, largest))
    return (lo, hi)


def _finite_range(values: np.ndarray):
    """``(min, max)`` of the finite values, None if there are none."""
    if values.size == 0:
        return None
    lo, hi = float(values.min()), float(values.max())
    if not (np.isfinite(lo) and np.isfinite(hi)):       # the slow path only when needed
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return None
        lo, hi = float(finite.min()), float(finite.max())
    return lo, hi


def page_levels(*arrays) -> tuple[float, float]:
    """One colour range for every grid of a page: ``(-R, R)``, ``R`` the smallest power of two
    covering every finite value of ``arrays`` (at least 1).

    Rounding up keeps the scale fixed while values change within it: Sobel's -1 and Prewitt's
    -1 get the same colour on the same input, and stepping never recolours a cell.
    """
    bound = max((levels_for(a, diverging=True)[1] for a in arrays), default=1.0)
    if bound > 2.0 ** 1000:              # a power of two above it would overflow to infinity
        return (-bound, bound)
    radius = 2.0 ** max(0, math.ceil(math.log2(bound)))
    if radius < bound:                   # log2 rounded down to a whole number: 2**52 + 1
        radius *= 2
    return (-radius, radius)
