"""CellNumbers: the graphics item that writes a grid's values on its cells, in screen pixels, only
for the cells in view and only when a cell is wide enough to read (white or black text, whichever
reads on the cell's colour)."""

import math

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGraphicsObject

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


class CellNumbers(QGraphicsObject):
    """Writes each visible cell's value at its centre, in screen pixels, if the cell is readable."""

    def __init__(self, lut):
        super().__init__()
        self._values = np.zeros((0, 0))
        self._levels = (0.0, 1.0)
        self._lut = lut
        self._dim = None
        self._longest = 4
        self.setFlag(QGraphicsObject.ItemUsesExtendedStyleOption)

    def set_values(self, values, levels, dim_mask=None):
        if values.shape != self._values.shape:
            self.prepareGeometryChange()
        self._values = values
        self._levels = levels
        self._dim = dim_mask
        self.values_changed()

    def values_changed(self):
        """Re-measure the longest number (one font size for the whole grid) and repaint."""
        finite = self._values[~np.isnan(self._values)] if self._values.size <= MEASURE_LIMIT \
            else ()
        self._longest = max((len(format_number(float(v))) for v in finite), default=4)
        self.update()

    def boundingRect(self):  # noqa: N802 (Qt name)
        rows, cols = self._values.shape
        return QRectF(0, 0, cols, rows)

    def paint(self, painter, option, widget=None):
        rows, cols = self._values.shape
        if rows == 0 or cols == 0:
            return
        transform = painter.transform()
        cell_w, cell_h = abs(transform.m11()), abs(transform.m22())
        if cell_w < MIN_CELL_PX_FOR_NUMBERS or cell_h < 14:
            return
        exposed = option.exposedRect
        r0, r1 = max(0, int(exposed.top())), min(rows, int(math.ceil(exposed.bottom())))
        c0, c1 = max(0, int(exposed.left())), min(cols, int(math.ceil(exposed.right())))
        block = self._values[r0:r1, c0:c1]
        rows_in, cols_in = np.nonzero(~np.isnan(block))
        if rows_in.size == 0:
            return
        longest = self._longest
        # digits are about 0.6 of the font's pixel size wide; keep a margin inside the cell
        size = int(min(cell_h * 0.42, 0.85 * cell_w / (0.62 * longest), 18))
        if size < MIN_FONT_PX:
            return
        values = block[rows_in, cols_in]
        dark_text = colours.dark_text_on(self._lut, level_fractions(values, *self._levels))
        dim = (self._dim[r0:r1, c0:c1][rows_in, cols_in] if self._dim is not None
               else np.zeros(values.shape, bool))
        font = QFont(painter.font())
        font.setPixelSize(size)
        italic = QFont(font)
        italic.setItalic(True)
        pens = (QColor("white"), QColor("black"))
        painter.save()
        try:        # an exception here must not leave the painter saved: Qt would crash
            painter.resetTransform()
            current = (None, None)
            for r, c, value, dark, faint in zip((rows_in + r0).tolist(), (cols_in + c0).tolist(),
                                                values.tolist(), dark_text.tolist(), dim.tolist()):
                if current != (dark, faint):            # a pen or font change costs a state flush
                    current = (dark, faint)
                    painter.setFont(italic if faint else font)
                    painter.setPen(pens[dark])
                rect = transform.mapRect(QRectF(c, r, 1, 1))
                painter.drawText(rect, Qt.AlignCenter, signed_text(value))
        finally:
            painter.restore()
