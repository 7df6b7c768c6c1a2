"""One palette for every page: a grid's role (input, padding, kernel, output) has one colour everywhere.

conv_arithmetic's users could not tell input from output or see where the padding was, so each role
gets a colour used for its title, its frame and its overlays, and the cell colour maps are shared too.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from cnn_explorer.core.levels import levels_for, levels_for_all, page_levels  # noqa: F401 (the views' colour ranges)

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


def dark_text_on(lut: np.ndarray, fractions) -> np.ndarray:
    """For each fraction (0-1) of ``lut``: True where black text reads better on its colour than
    white (NaN from an overflowing range: the middle colour)."""
    fractions = np.asarray(fractions, float)
    fractions = np.where(np.isnan(fractions), 0.5, np.clip(fractions, 0.0, 1.0))
    rgb = np.asarray(lut, float)[(fractions * (len(lut) - 1)).astype(int), :3]
    return rgb @ np.array([0.299, 0.587, 0.114]) > 140
