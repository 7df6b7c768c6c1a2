"""One palette for every page: a grid's role (input, padding, kernel, output) has one colour everywhere.

conv_arithmetic's users could not tell input from output or see where the padding was, so each role
gets a colour used for its title, its frame and its overlays, and the cell colour maps are shared too.
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

INPUT = "#1f6fb4"      # blue: the data the kernel slides over
PADDING = "#8a8a8a"    # grey, hatched: cells added around the input
KERNEL = "#e07b00"     # orange: the kernel and the window it covers
OUTPUT = "#2a9d3a"     # green: the feature map
HOVER = "#8e44ad"      # purple: the cells linked to the one under the mouse
WINNER = "#d62728"     # red: the element max pooling keeps
ANCHOR = "#111111"     # black, dotted: the kernel element whose position receives the output
ERROR = "#c62828"      # red text for messages
ERROR_BACKGROUND = "#ffcdd2"
EMPTY = "#f0f0f0"      # output cells not computed yet
# the training page: right and wrong predictions, the image chosen, the training curve
RIGHT = "#1e8232"      # green text that reads on white (OUTPUT is for fills)
WRONG = "#d62728"      # red, as the max-pooling winner
SELECTED = "#1f77b4"   # blue, as the training curve and the other classes' bars

ROLE_COLOURS = {"input": INPUT, "padding": PADDING, "kernel": KERNEL, "output": OUTPUT}


def qcolor(hex_colour: str, alpha: int = 255) -> QColor:
    """``QColor`` of ``hex_colour`` with ``alpha`` (0-255)."""
    colour = QColor(hex_colour)
    colour.setAlpha(alpha)
    return colour


def _lut(stops, colours) -> np.ndarray:
    return pg.ColorMap(np.asarray(stops, float), colours).getLookupTable(0.0, 1.0, 256, alpha=False)


# Greys for data (0 is black as in an image); a diverging map for values of either sign.
# Brown for negative, teal for positive: hues no role above uses, so a fill is always a value
# and an outline always a role (crimson negatives read as "centre", green positives as "output").
GREY_LUT = _lut([0.0, 1.0], [(20, 20, 20), (250, 250, 250)])
DIVERGING_LUT = _lut([0.0, 0.5, 1.0], [(140, 81, 10), (247, 247, 247), (1, 102, 94)])


def levels_for(values: np.ndarray, diverging: bool) -> tuple[float, float]:
    """Colour levels covering ``values`` (NaN and ±inf ignored); symmetric about 0 if diverging."""
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
        return (lo - 1.0, hi + 1.0) if lo != 0 else (0.0, 1.0)
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
    return (-radius, radius)


def text_colour_for(lut: np.ndarray, fraction: float) -> QColor:
    """Black or white, whichever reads better on the colour at ``fraction`` (0-1) of ``lut``."""
    if not np.isfinite(fraction):       # NaN from an overflowing range: the middle colour
        fraction = 0.5 if np.isnan(fraction) else float(fraction > 0)
    r, g, b = lut[int(np.clip(fraction, 0.0, 1.0) * (len(lut) - 1))][:3]
    return QColor("black") if 0.299 * r + 0.587 * g + 0.114 * b > 140 else QColor("white")
