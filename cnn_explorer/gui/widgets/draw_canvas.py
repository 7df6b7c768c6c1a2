"""A 28×28 canvas to draw a digit on with the mouse, white ink on black like MNIST."""

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from cnn_explorer.data.brush import Brush


class DrawCanvas(QWidget):
    """Draw with a soft round brush (``data.brush.Brush``); ``image()`` is float32 (size, size)
    in [0, 1].

    Signals
    -------
    sigChanged(object)
        The image after a stroke segment or ``clear()``.
    """

    sigChanged = Signal(object)

    def __init__(self, size=28, sigma=0.9, strength=0.55, parent=None):
        super().__init__(parent)
        self._size = size
        self._brush = Brush(size, sigma, strength)
        self.setMinimumSize(112, 112)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setCursor(Qt.CrossCursor)
        self.setToolTip("Draw a digit with the mouse (left button)")

    def sizeHint(self):
        return QSize(196, 196)

    def hasHeightForWidth(self):
        return True

    def heightForWidth(self, width):
        return width

    def image(self):
        return self._brush.image.copy()

    def clear(self):
        self._brush.image[:] = 0
        self.update()
        self.sigChanged.emit(self.image())

    def set_image(self, image):
        """Show ``image`` (size, size) with values in [0, 1]."""
        image = np.asarray(image, dtype=np.float32)
        if image.shape != self._brush.image.shape:
            raise ValueError(f"the canvas is {self._size}×{self._size}, got an image of shape "
                             f"{image.shape}")
        self._brush.image[:] = image
        self.update()
        self.sigChanged.emit(self.image())

    # -- drawing, in canvas pixel coordinates ------------------------------------------------
    def stroke(self, points):
        """Draw a stroke through ``points`` [(x, y), ...] given in canvas pixels (0..size)."""
        self._brush.stroke(points)
        self.update()
        self.sigChanged.emit(self.image())

    # -- Qt ---------------------------------------------------------------------------------
    def _square(self):
        side = min(self.width(), self.height())
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def _to_canvas(self, pos: QPointF):
        square = self._square()
        scale = self._size / square.width()
        return (pos.x() - square.x()) * scale, (pos.y() - square.y()) * scale

    def mousePressEvent(self, event):  # noqa: N802 (Qt name)
        if event.button() == Qt.LeftButton:
            self._brush.lift()
            self._brush.stroke_to(*self._to_canvas(event.position()))
            self.update()
            self.sigChanged.emit(self.image())

    def mouseMoveEvent(self, event):  # noqa: N802
        if event.buttons() & Qt.LeftButton:
            self._brush.stroke_to(*self._to_canvas(event.position()))
            self.update()
            self.sigChanged.emit(self.image())

    def mouseReleaseEvent(self, event):  # noqa: N802
        self._brush.lift()

    def paintEvent(self, event):  # noqa: N802
        grey = np.ascontiguousarray((self._brush.image * 255).astype(np.uint8))
        qimage = QImage(grey.data, self._size, self._size, self._size, QImage.Format_Grayscale8)
        painter = QPainter(self)
        square = self._square()
        painter.drawImage(square, qimage)
        painter.setPen(QPen(QColor("#888888"), 1))
        painter.drawRect(square.adjusted(0, 0, -1, -1))
        painter.end()
