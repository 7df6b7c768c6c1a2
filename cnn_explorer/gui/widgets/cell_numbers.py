"""A grid's values written on its cells, in screen pixels, only for the cells in view and only when
a cell is wide enough to read (white or black text, whichever reads on the cell's colour)."""

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QStaticText, QTransform

from cnn_explorer.core.formulas import format_number
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.colour_bar import signed_text

MIN_CELL_PX_FOR_NUMBERS = 24.0
MIN_FONT_PX = 8
# Bigger grids never get cells wide enough for numbers in a page-sized view; don't measure them.
MEASURE_LIMIT = 2048

def level_fractions(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Where each value sits between ``lo`` (0) and ``hi`` (1); halves keep ±1e308 from overflowing."""
    span = hi / 2 - lo / 2
    if not span:
        return np.full(np.shape(values), 0.5)
    with np.errstate(invalid="ignore", over="ignore"):
        return (np.asarray(values, float) / 2 - lo / 2) / span


def longest_number(values: np.ndarray) -> int:
    """Characters in the longest number of ``values`` as a cell writes it (4 for none, or for
    more than ``MEASURE_LIMIT`` cells: those are never drawn large enough for numbers)."""
    finite = values[~np.isnan(values)] if values.size <= MEASURE_LIMIT else ()
    return max((len(format_number(float(v))) for v in finite), default=4)


def paint_numbers(painter, origin, cell_w, values, levels, lut, longest, dim=None, exposed=None,
                  cell_h=None):
    """Write ``values`` (rows, cols) at the centres of their cells, in screen pixels: cell (r, c)
    spans ``origin + (c · cell_w, r · cell_h)`` to ``origin + ((c + 1) · cell_w, (r + 1) · cell_h)``
    (square cells by default; a negative size is an axis that runs right to left or upwards).

    Nothing is written in cells too small to read. ``dim`` (bool, same shape) writes those cells
    in italics; ``exposed`` (top, bottom, left, right, in cells) limits the work to the cells in
    view. White or black text, whichever reads on the cell's colour from ``lut`` and ``levels``.
    """
    cell_h = cell_w if cell_h is None else cell_h
    rows, cols = values.shape
    width, height = abs(cell_w), abs(cell_h)
    if rows == 0 or cols == 0 or width < MIN_CELL_PX_FOR_NUMBERS or height < 14:
        return
    top, bottom, left, right = exposed if exposed is not None else (0, rows, 0, cols)
    r0, r1 = max(0, int(top)), min(rows, int(math.ceil(bottom)))
    c0, c1 = max(0, int(left)), min(cols, int(math.ceil(right)))
    block = values[r0:r1, c0:c1]
    rows_in, cols_in = np.nonzero(~np.isnan(block))
    if rows_in.size == 0:
        return
    # digits are about 0.6 of the font's pixel size wide; keep a margin inside the cell
    size = int(min(height * 0.42, 0.85 * width / (0.62 * longest), 18))
    if size < MIN_FONT_PX:
        return
    shown = block[rows_in, cols_in]
    dark_text = colours.dark_text_on(lut, level_fractions(shown, *levels))
    faint = (dim[r0:r1, c0:c1][rows_in, cols_in] if dim is not None
             else np.zeros(shown.shape, bool))
    font = QFont(painter.font())
    font.setPixelSize(size)
    italic = QFont(font)
    italic.setItalic(True)
    pens = (QColor("white"), QColor("black"))
    x0, y0 = origin.x(), origin.y()
    current = (None, None)
    for r, c, value, dark, dimmed in zip((rows_in + r0).tolist(), (cols_in + c0).tolist(),
                                         shown.tolist(), dark_text.tolist(), faint.tolist()):
        if current != (dark, dimmed):            # a pen or font change costs a state flush
            current = (dark, dimmed)
            painter.setFont(italic if dimmed else font)
            painter.setPen(pens[dark])
        text = _laid_out(value, size, dimmed, italic if dimmed else font)
        cell = QRectF(x0 + c * cell_w, y0 + r * cell_h, cell_w, cell_h).normalized()
        extent = text.size()
        painter.drawStaticText(QPointF(cell.center().x() - extent.width() / 2,
                                       cell.center().y() - extent.height() / 2), text)


#: Numbers laid out once, by (value, font, pixel size, italic): writing and laying a number out
#: again at every paint cost about 20 µs each, and a kernel edit repaints several small grids.
_LAID_OUT: dict = {}
LAID_OUT_LIMIT = 4096


def _laid_out(value, size, italic, font) -> QStaticText:
    key = (value, font.family(), size, italic)
    laid = _LAID_OUT.get(key)
    if laid is None:
        if len(_LAID_OUT) >= LAID_OUT_LIMIT:
            _LAID_OUT.clear()
        laid = QStaticText(signed_text(value))
        laid.setTextFormat(Qt.PlainText)
        laid.prepare(QTransform(), font)
        _LAID_OUT[key] = laid
    return laid
