"""A confusion matrix as a table of counts: rows are true classes, columns predicted ones."""

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from cnn_explorer.gui.widgets.colours import OUTPUT, WRONG
from cnn_explorer.gui.widgets.panel import set_text, steady, wrapped
from cnn_explorer.nn.metrics import row_shares


class ConfusionMatrixView(QWidget):
    """Counts with a background whose strength is the count's share of its row.

    Signals
    -------
    sigCellClicked(int, int)
        The true and the predicted class of a clicked cell.
    """

    sigCellClicked = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.counts = None
        self._shown = None      # (classes, their names) in the headers
        self._cells = None      # (counts, shares) the cells show
        self._title = wrapped("Confusion matrix of the validation images, after each epoch: rows "
                              "true class, columns predicted")
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.Stretch)
            header.setMinimumSectionSize(18)
        self.table.setTextElideMode(Qt.ElideNone)
        self.table.setToolTip("Click a cell to see its images")
        self.table.cellClicked.connect(self.sigCellClicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        # when the counts were taken changes every epoch: a line of its own at a fixed size
        self.when_label = steady(QLabel())
        self.setMinimumWidth(150)   # its own: the line's fixed width must not hold the view wide
        layout.addWidget(self._title)
        layout.addWidget(self.when_label)
        layout.addWidget(self.table, 1)

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.when_label.setFixedWidth(self.width())
        self._fit_font()

    def _fit_font(self):
        """The largest font (down to 6 pt) in which the biggest count fits its cell: in a
        1024×705 window the counts were elided to "…" and the rows needed a scroll bar."""
        if self.counts is None or not len(self.counts):
            return
        k, frame = len(self.counts), 2 * self.table.frameWidth()
        width = (self.table.width() - self.table.verticalHeader().width() - frame) / k - 4
        height = (self.table.height() - self.table.horizontalHeader().height() - frame) / k
        font = QFont(self.font())
        size = font.pointSizeF()
        text = str(int(self.counts.max()))
        while size > 6 and (QFontMetrics(font).horizontalAdvance(text) > width
                            or QFontMetrics(font).height() + 2 > height):
            size -= 0.5
            font.setPointSizeF(size)
        if font != self.table.font():
            self.table.setFont(font)
        rows = self.table.verticalHeader()
        section = min(18, QFontMetrics(font).height() + 2)
        if rows.minimumSectionSize() != section:    # even an equal one re-lays the window out
            rows.setMinimumSectionSize(section)

    def set_title(self, text, when=""):
        """``text`` above the table and, on a line of its own, ``when`` the counts were taken."""
        set_text(self._title, text)
        set_text(self.when_label, when)

    def set_counts(self, counts, class_names):
        """Show ``counts`` (k, k) int: ``counts[t, p]`` images of class t predicted as p."""
        counts = np.asarray(counts)
        self.counts = counts
        k = len(counts)
        labels = [str(name) for name in class_names]
        short = [name if len(name) <= 4 else name[:3] + "." for name in labels]
        if (k, labels) != self._shown:    # even equal headers re-lay the window out
            self._shown = (k, labels)
            self._cells = None
            self.table.setRowCount(k)
            self.table.setColumnCount(k)
            self.table.setHorizontalHeaderLabels(short)
            self.table.setVerticalHeaderLabels(labels)
        shares = row_shares(counts)
        # only the cells whose count or share changed: a hundred cells set three times each
        # took a millisecond of the GUI thread at every epoch's end
        changed = np.ones(counts.shape, bool) if self._cells is None else \
            (self._cells[0] != counts) | (self._cells[1] != shares)
        self._cells = (counts.copy(), shares)
        for t, p in zip(*np.nonzero(changed)):
            t, p = int(t), int(p)
            value = int(counts[t, p])
            item = self.table.item(t, p)
            if item is None:
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignCenter)
                self.table.setItem(t, p, item)
            item.setText(str(value) if value else "")
            colour = QColor(OUTPUT if t == p else WRONG)
            colour.setAlphaF(0.12 + 0.8 * shares[t, p] if value else 0.0)
            item.setBackground(QBrush(colour))
            item.setToolTip(f"true {labels[t]}, predicted {labels[p]}: {value} image(s)")
        self._fit_font()
