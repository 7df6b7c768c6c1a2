"""A grid of small images, each captioned with its predicted class and confidence."""

import math

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from cnn_explorer.gui.widgets.colours import RIGHT, SELECTED, WRONG



class PredictionGrid(QWidget):
    """Images (n, h, w) uint8 with captions "7 · 98%"; wrong predictions framed and captioned red.

    Signals
    -------
    sigImageClicked(int)
        The index (into the items shown) of a clicked image.
    """

    sigImageClicked = Signal(int)

    def __init__(self, columns=8, parent=None):
        super().__init__(parent)
        self._columns = columns
        self.images = np.zeros((0, 28, 28), dtype=np.uint8)
        self.true = self.predicted = np.zeros(0, dtype=np.int64)
        self.confidence = np.zeros(0)
        self.class_names = ()
        self.selected = None
        self.setMinimumSize(200, 120)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def sizeHint(self):
        return QSize(420, 260)

    def set_items(self, images, true, predicted=None, confidence=None, class_names=()):
        """Show ``images`` with their true labels and (optionally) predictions and confidences."""
        self.images = np.ascontiguousarray(images, dtype=np.uint8)
        self.true = np.asarray(true)
        self.predicted = None if predicted is None else np.asarray(predicted)
        self.confidence = None if confidence is None else np.asarray(confidence)
        self.class_names = tuple(str(c) for c in class_names)
        if self.selected is not None and self.selected >= len(self.images):
            self.selected = None
        self.update()

    def set_selected(self, index):
        self.selected = index
        self.update()

    def wrong(self):
        """Boolean mask of the images whose prediction is wrong."""
        if self.predicted is None:
            return np.zeros(len(self.images), dtype=bool)
        return self.predicted != self.true

    def _tooltip(self, i):
        text = f"true {self._name(int(self.true[i]))}"
        if self.predicted is not None:
            text += (f", predicted {self._name(int(self.predicted[i]))} "
                     f"({100 * self.confidence[i]:.1f}%)")
        return text

    def event(self, event):
        if event.type() == QEvent.ToolTip:
            for i in range(len(self.images)):
                if self._cell(i).contains(QPointF(event.pos())):
                    QToolTip.showText(event.globalPos(), self._tooltip(i), self)
                    return True
            QToolTip.hideText()
            return True
        return super().event(event)

    def _name(self, label):
        return self.class_names[label] if label < len(self.class_names) else str(label)

    def _layout(self):
        n = max(1, len(self.images))
        columns = min(self._columns, n)
        rows = math.ceil(n / columns)
        caption = self.fontMetrics().height() + 2
        side = min(self.width() / columns, self.height() / rows - caption)
        return columns, max(side, 8.0), caption

    def _cell(self, i):
        columns, side, caption = self._layout()
        r, c = divmod(i, columns)
        return QRectF(c * side, r * (side + caption), side, side + caption)

    def mousePressEvent(self, event):  # noqa: N802 (Qt name)
        for i in range(len(self.images)):
            if self._cell(i).contains(event.position()):
                self.set_selected(i)
                self.sigImageClicked.emit(i)
                return

    def caption(self, i, metrics, width):
        """Image ``i``'s caption as drawn in ``width`` pixels: "4 98%", or only the class when
        that does not fit ("4 1…" read as a number; the tooltip has the confidence)."""
        if self.predicted is None:
            text = self._name(int(self.true[i]))
        else:
            name = self._name(int(self.predicted[i]))
            text = f"{name} {100 * self.confidence[i]:.0f}%"
            if metrics.horizontalAdvance(text) > width:
                text = name
        return metrics.elidedText(text, Qt.ElideRight, int(width))

    def paintEvent(self, event):  # noqa: N802
        painter = QPainter(self)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        painter.setFont(font)
        wrong = self.wrong()
        for i, image in enumerate(self.images):
            cell = self._cell(i)
            h, w = image.shape[:2]
            if image.ndim == 3:     # colour (H, W, 3): drawn as the RGB picture it is
                qimage = QImage(image.data, w, h, 3 * w, QImage.Format_RGB888)
            else:
                qimage = QImage(image.data, w, h, w, QImage.Format_Grayscale8)
            square = QRectF(cell.x() + 2, cell.y() + 2, cell.width() - 4, cell.width() - 4)
            painter.drawImage(square, qimage)
            if wrong[i] or i == self.selected:
                painter.setPen(QPen(QColor(SELECTED if i == self.selected else WRONG), 2))
                painter.drawRect(square.adjusted(-1, -1, 1, 1))
            text_rect = QRectF(cell.x(), square.bottom() + 1, cell.width(), cell.height() - cell.width())
            painter.setPen(self.palette().text().color() if self.predicted is None
                           else QColor(WRONG if wrong[i] else RIGHT))
            painter.drawText(text_rect, Qt.AlignHCenter | Qt.AlignTop,
                             self.caption(i, painter.fontMetrics(), cell.width()))
        painter.end()
