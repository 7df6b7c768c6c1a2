"""Where a plot's axis puts its ticks: round numbers, evenly spaced, as many as fit."""

import math
import operator

from cnn_explorer.core.validation import as_real

#: More ticks than any axis on a screen could label.
MOST_TICKS = 1000


def nice_ticks(lo, hi, most) -> tuple[list[float], int]:
    """Round ticks on an axis from ``lo`` to ``hi``.

    Parameters
    ----------
    lo, hi : float
        The axis's ends, finite, ``lo < hi`` (any real number type).
    most : int
        How many ticks fit (at least 2 are allowed for; more than ``MOST_TICKS`` count as that).

    Returns
    -------
    ticks : list of float
        The multiples of the step inside ``[lo, hi]``, ascending and distinct; the step is 1, 2 or
        5 times a power of ten, the smallest such that no more than ``most`` ticks fall inside.
        Empty when no step fits (a span of subnormal numbers, or one too wide for a finite step).
    decimals : int
        Digits after the point the labels need to tell the ticks apart.

    Raises
    ------
    ValueError
        If an end is not a finite number, ``lo >= hi``, or ``most`` is not a whole number ≥ 1.
    """
    lo, hi = as_real(lo, "an axis's low end"), as_real(hi, "an axis's high end")
    if not lo < hi:
        raise ValueError(f"an axis's low end must be below its high end, not {lo!r} to {hi!r}")
    try:
        count = 0 if isinstance(most, bool) else operator.index(most)
    except TypeError:
        count = 0
    if count < 1:
        raise ValueError(f"the number of ticks must be a whole number of at least 1, not {most!r}")
    most = min(max(count, 2), MOST_TICKS)
    half = hi / 2 - lo / 2           # halves: a span of ±1e308 stays finite
    if half < 1e-300:                # subnormal: no power of ten to step by
        return [], 0
    exponent = math.floor(math.log10(half) + math.log10(2 / most))
    for power in range(exponent, exponent + 3):
        for factor in (1, 2, 5):
            try:
                step = factor * 10.0 ** power
            except OverflowError:
                return [], 0
            if not math.isfinite(step):
                return [], 0
            first, last = math.ceil(lo / step), math.floor(hi / step)
            if last - first + 1 <= most:
                ticks = [t for t in (k * step for k in range(first, last + 1)) if lo <= t <= hi]
                ticks = sorted(set(ticks))   # a step near the ends' resolution rounds together
                decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
                return ticks, decimals
    return [], 0
