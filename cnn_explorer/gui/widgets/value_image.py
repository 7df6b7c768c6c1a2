"""ValueImage: values on a colour table, drawn by the widget's own painter as one image.

The training page redraws its filters several times a second while the engine trains on both
cores. In a pyqtgraph view each repaint ran about 1 ms of Python (the scene's bookkeeping) in the
GUI thread, and every millisecond the GUI thread takes costs the training as much; here a
repaint is one ``drawImage`` of colour words (see ``heat_map.ColourScale``) plus, when asked for,
the cells' lines and numbers.
"""

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.cell_numbers import longest_number, paint_numbers
from cnn_explorer.gui.widgets.colour_scale import ColourScale, words_image
from cnn_explorer.gui.widgets.grid_view import MAX_LINED_CELLS


class ValueImage(QWidget):
    """An image (rows, cols) of values, scaled to fit with square pixels and centred.

    NaN pixels show the ``empty`` colour (the widget's background when None); ``margin`` pixels
    are kept free around the image (for an outline's width). With ``frame``
    (a colour) a 2-pixel frame is drawn around the widget; ``lines`` draws white lines between
    the pixels (cells) of a small image and ``numbers`` writes each cell's value where it is
    readable. One rectangle (image pixels) can be outlined in a role colour.

    Signals
    -------
    sigClicked(float, float)
        ``(x, y)`` in image pixels of a click on the image.
    """

    sigClicked = Signal(float, float)

    def __init__(self, lut, parent=None, *, frame=None, empty=None, lines=False, numbers=False,
                 margin=0):
        super().__init__(parent)
        self._lut = lut
        self._scale = ColourScale(lut)
        self._frame = None if frame is None else QColor(frame)
        self._empty = None if empty is None else QColor(empty)
        self._lines = lines
        self._numbers = numbers
        self._values = None
        self._levels = (-1.0, 1.0)
        self._pixels = None
        self._qimage = None
        self._longest = 4
        self._margin = margin
        self._outline = None
        self._outline_pen = QPen(QColor(colours.KERNEL), 3)
        self._outline_pen.setJoinStyle(Qt.MiterJoin)
        # the widget fills its whole rectangle: a repaint stays inside it (no parent repainted)
        self.setAttribute(Qt.WA_OpaquePaintEvent)

    # -- data ------------------------------------------------------------------------------
    def set_image(self, values, levels) -> None:
        """Show ``values`` (rows, cols), ``levels`` (lo, hi) spanning the colour table."""
        self._values = np.ascontiguousarray(values, dtype=float)
        self._levels = (float(levels[0]), float(levels[1]))
        # the scale's work array: rewritten by the next call, which also replaces the QImage
        self._show(self._scale.pixels(self._values, self._levels))

    def set_rgb(self, rgb) -> None:
        """Show a colour picture ``rgb`` (rows, cols, 3), values in [0, 1] (clipped)."""
        rgb = np.asarray(rgb, dtype=float)
        self._values = rgb
        self._levels = (0.0, 1.0)
        channels = (np.clip(np.nan_to_num(rgb), 0, 1) * 255 + 0.5).astype(np.uint32)
        self._show((0xFF << 24) | (channels[..., 0] << 16) | (channels[..., 1] << 8)
                   | channels[..., 2])

    def _show(self, pixels):
        # the colour words are the QImage's buffer: they live as long as it does
        self._pixels = np.ascontiguousarray(pixels, dtype=np.uint32)
        self._qimage = words_image(self._pixels)
        if self._numbers:
            self._longest = longest_number(self._values)
        self.update()

    def clear(self) -> None:
        """Show nothing (the background)."""
        self._values = self._pixels = self._qimage = None
        self._outline = None
        self.update()

    def values(self):
        """The values drawn (rows, cols) float64 (or the picture (rows, cols, 3)), or None."""
        return self._values

    def levels(self) -> tuple[float, float]:
        """The values at the colour table's two ends."""
        return self._levels

    def set_outline(self, rect) -> None:
        """Outline ``rect`` (x, y, width, height in image pixels), or nothing with None."""
        rect = None if rect is None else QRectF(*rect)
        if rect != self._outline:
            self._outline = rect
            self.update()

    # -- geometry --------------------------------------------------------------------------
    def pixel_size(self) -> float:
        """Screen pixels per image pixel (0 with no image): the image fills the widget's width
        or its height."""
        if self._qimage is None:
            return 0.0
        inner = self._inner()
        return max(0.0, min(inner.width() / self._qimage.width(),
                            inner.height() / self._qimage.height()))

    def target(self) -> QRectF:
        """Where the image is drawn, in widget pixels."""
        if self._qimage is None:
            return QRectF()
        scale, inner = self.pixel_size(), self._inner()
        width, height = self._qimage.width() * scale, self._qimage.height() * scale
        return QRectF(inner.x() + (inner.width() - width) / 2,
                      inner.y() + (inner.height() - height) / 2, width, height)

    def to_widget(self, x: float, y: float) -> QPointF:
        """Image pixel coordinates (x, y) → widget pixels."""
        target, scale = self.target(), self.pixel_size()
        return QPointF(target.x() + x * scale, target.y() + y * scale)

    def to_image(self, point) -> tuple[float, float]:
        """Widget pixels → image pixel coordinates (x, y)."""
        target, scale = self.target(), self.pixel_size() or 1.0
        return (point.x() - target.x()) / scale, (point.y() - target.y()) / scale

    def _inner(self) -> QRectF:
        margin = self._margin + (3 if self._frame is not None else 0)
        return QRectF(self.rect()).adjusted(margin, margin, -margin, -margin)

    # -- drawing ---------------------------------------------------------------------------
    def paintEvent(self, event):  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        if self._frame is not None:
            painter.fillRect(self.rect().adjusted(1, 1, -1, -1), Qt.white)
            painter.setPen(QPen(self._frame, 2))
            painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        if self._qimage is not None:
            target = self.target()
            if self._empty is not None:
                painter.fillRect(target, self._empty)
            painter.drawImage(target, self._qimage)
            rows, cols = self._pixels.shape
            scale = self.pixel_size()
            if self._lines and max(rows, cols) <= MAX_LINED_CELLS:
                painter.setPen(QPen(Qt.white, 1))
                for r in range(1, rows):
                    painter.drawLine(QPointF(target.left(), target.top() + r * scale),
                                     QPointF(target.right(), target.top() + r * scale))
                for c in range(1, cols):
                    painter.drawLine(QPointF(target.left() + c * scale, target.top()),
                                     QPointF(target.left() + c * scale, target.bottom()))
            if self._numbers:
                paint_numbers(painter, target.topLeft(), scale, self._values, self._levels,
                              self._lut, self._longest)
            if self._outline is not None:
                painter.setPen(self._outline_pen)
                painter.setBrush(Qt.NoBrush)
                o = self._outline
                painter.drawRect(QRectF(self.to_widget(o.x(), o.y()),
                                        self.to_widget(o.right(), o.bottom())))
        painter.end()

    def mouseReleaseEvent(self, event):  # noqa: N802 (Qt name)
        if event.button() == Qt.LeftButton and self.target().contains(event.position()):
            self.sigClicked.emit(*self.to_image(event.position()))
        super().mouseReleaseEvent(event)
