"""The model page's right-hand views: parameter sharing table and the receptive field."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import (QAbstractItemView, QGraphicsRectItem, QGridLayout, QHBoxLayout,
                               QHeaderView, QLabel, QSpinBox, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from cnn_explorer.nn.counts import receptive_field, spatial_layers
from cnn_explorer.gui.widgets.colour_bar import ColourBar
from cnn_explorer.gui.widgets.colours import INPUT, KERNEL, OUTPUT, qcolor
from cnn_explorer.gui.widgets.filter_grid import image_view
from cnn_explorer.gui.widgets.panel import combo, wrapped


class SharingTable(QWidget):
    """Each conv layer's parameters next to a dense layer's, and its multiply-adds per image."""

    # two-line headers and cells: the table fits a 1024-pixel window without scrolling sideways
    HEADERS = ("Layer", "Conv\nparams", "A dense layer would\nneed (× the conv's)",
               "Multiply-adds\nper image")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        # every column as wide as its text, every row shown: the table never scrolls
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.setWordWrap(False)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.total = wrapped()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)

    def set_rows(self, rows, total_params, total_mult_adds):
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = (row.name, f"{row.params:,}",
                     f"{row.dense_formula}\n= {row.dense_params:,} ({row.ratio:,.0f}×)",
                     f"{row.mult_adds:,}")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
        self.total.setText(
            f"The same filter slides over every position (parameter sharing), and each output "
            f"looks at a small window (sparse interactions). Whole model: {total_params:,} "
            f"parameters, {total_mult_adds:,} multiply-adds per image.")
        self._fit_height()

    def _fit_height(self):
        """Room for every row, the sideways scroll bar if the columns need it, and the wrapped
        text: at 1024 pixels the splitter otherwise squeezed the text over the table's rows."""
        table = self.table
        table.resizeRowsToContents()
        columns = sum(table.columnWidth(c) for c in range(table.columnCount()))
        scroll = (table.horizontalScrollBar().sizeHint().height()
                  if columns > table.viewport().width() else 0)
        # sizeHint, not height(): a header not laid out yet still has a one-line height
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + scroll
                             + table.verticalHeader().length()
                             + 2 * table.frameWidth() + 2)
        spacing = self.layout().spacing()
        self.setMinimumHeight(table.height() + spacing + self.total.heightForWidth(self.width()))

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_height()


class ReceptiveFieldView(QWidget):
    """A sample image with the receptive field of one output cell of a chosen layer drawn on it.

    Signals
    -------
    sigCellChanged()
        The layer, row or column changed.
    """

    sigCellChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._specs = self._names = self._shapes = None
        self._input_shape = (28, 28, 1)
        self.field = None
        self.layer = combo((), "The layer whose output cell you choose")
        self.row = QSpinBox()
        self.row.setPrefix("row ")
        self.row.setToolTip("Row of the output cell; its receptive field is outlined on the input")
        self.col = QSpinBox()
        self.col.setPrefix("column ")
        self.col.setToolTip("Column of the output cell (or click a cell of the output)")
        self.text = wrapped()
        self.plot = pg.GraphicsLayoutWidget()
        self.plot.setBackground(None)
        self.plot.addLabel("input (receptive field)", row=0, col=0, size="8pt", color=INPUT)
        self.output_label = self.plot.addLabel("output", row=0, col=1, size="8pt", color=OUTPUT)
        self._input_view, self._input = image_view(self.plot.ci.addLayout(row=1, col=0), "CET-L1")
        self._output_view, self._output = image_view(self.plot.ci.addLayout(row=1, col=1),
                                                     "viridis")
        self._field_rect = QGraphicsRectItem()
        self._field_rect.setPen(QPen(QColor(KERNEL), 0.5))
        self._field_rect.setBrush(qcolor(KERNEL, 60))
        self._input_view.addItem(self._field_rect)
        self._cell_rect = QGraphicsRectItem()
        self._cell_rect.setPen(QPen(QColor(KERNEL), 0.25))
        self._output_view.addItem(self._cell_rect)
        self._output.mouseClickEvent = self._on_output_clicked
        self.plot.setMinimumHeight(150)
        # the output map's own colours (an activation is not on any other page's scale)
        self.output_bar = ColourBar(pg.colormap.get("viridis").getLookupTable(nPts=256))
        self.output_bar.setToolTip("The colours of the output map: its lowest activation at the "
                                   "left end, its highest at the right")
        bar_row = QHBoxLayout()
        bar_row.addStretch(1)                   # under the output, the plot's right half
        bar_row.addWidget(self.output_bar, 1)
        controls = QHBoxLayout()
        for widget in (QLabel("Output cell of"), self.layer, self.row, self.col):
            controls.addWidget(widget)
        controls.addStretch(1)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls, 0, 0)
        layout.addWidget(self.plot, 1, 0)
        layout.addLayout(bar_row, 2, 0)
        layout.addWidget(self.text, 3, 0)
        # the plot takes the height its images can use, the text's row what is left
        layout.setRowStretch(1, 100)
        layout.setRowStretch(4, 1)
        self.layer.currentIndexChanged.connect(self._on_layer_changed)
        self.row.valueChanged.connect(self._update)
        self.col.valueChanged.connect(self._update)
        self._image = np.zeros((28, 28), np.float32)
        self._activations = {}

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        # two square images side by side under their titles (about 30 px with the spacing): a
        # taller plot only moved them away from the colour bar and the text below
        self.plot.setMaximumHeight(max(self.plot.minimumHeight(), self.width() // 2 + 56))
        super().resizeEvent(event)

    def set_model(self, specs, names, shapes, input_shape, image, activations):
        """Show the layers of a valid model; ``image`` (H, W) grey or (H, W, 3) colour in [0, 1];
        ``activations`` maps layer name to (H, W, C)."""
        self._specs, self._names, self._shapes = specs, names, shapes
        self._input_shape = input_shape
        self._image = image
        self._activations = activations
        self._input.setImage(image, levels=(0, 1), autoLevels=False)
        current = self.layer.currentText()
        # Qt emits for every index clear() and addItem() pass through: one redraw at the end
        self.layer.blockSignals(True)
        self.layer.clear()
        for i in spatial_layers(specs, shapes):
            self.layer.addItem(names[i], i)
        found = self.layer.findText(current)
        self.layer.setCurrentIndex(found if found >= 0 else self.layer.count() - 1)
        self.layer.blockSignals(False)
        self._on_layer_changed()

    def _on_layer_changed(self, *_):
        index = self.layer.currentData()
        spatial = index is not None
        # without one, the last model's map and outline stayed up beside "No layer ..."
        for box in (self.row, self.col):
            box.setEnabled(spatial)
        for rect in (self._field_rect, self._cell_rect):
            rect.setVisible(spatial)
        if not spatial:
            self.field = None
            self._output.clear()
            self.output_bar.hide()
            self.output_label.setText("output", size="8pt", color=OUTPUT)
            self.text.setText("No layer with a spatial output.")
            return
        _, h, w, _ = self._shapes[index]
        for box, size in ((self.row, h), (self.col, w)):
            # setMaximum and setValue each emit: the row would be drawn with a stale column
            box.blockSignals(True)
            box.setMaximum(size - 1)
            box.setValue(size // 2)  # the centre cell: its field is rarely cut by the border
            box.blockSignals(False)
        maps = self._activations.get(self._names[index])
        if maps is not None:
            self._output.setImage(maps[:, :, 0], autoLevels=True)
            self.output_bar.set_levels(self._output.getLevels())
        self.output_bar.setVisible(maps is not None)
        # the layer's name is in the box above; with it the title widened its column, and at
        # 1024 px the input was drawn 91 px wide beside a 159-px output
        self.output_label.setText(f"output, channel 1 ({h}×{w})", size="8pt", color=OUTPUT)
        self._update()

    def _on_output_clicked(self, event):
        pos = event.pos()
        self.row.setValue(int(pos.y()))
        self.col.setValue(int(pos.x()))

    def _update(self, *_):
        index = self.layer.currentData()
        if index is None:
            return
        row, col = self.row.value(), self.col.value()
        top, bottom, left, right = receptive_field(self._specs, self._shapes, self._input_shape,
                                                   index, row, col)
        self.field = (top, bottom, left, right)
        h, w = self._input_shape[:2]
        shown = (max(top, 0), min(bottom, h - 1), max(left, 0), min(right, w - 1))
        self._field_rect.setRect(QRectF(shown[2], shown[0], shown[3] - shown[2] + 1,
                                        shown[1] - shown[0] + 1))
        self._cell_rect.setRect(QRectF(col, row, 1, 1))
        size = f"{bottom - top + 1}×{right - left + 1}"
        outside = "" if shown == self.field else " (part of it is zero padding outside the image)"
        self.text.setText(
            f"Cell ({row}, {col}) of {self._names[index]} depends on input rows {top}–{bottom} and "
            f"columns {left}–{right}: a {size} window{outside}. Click the output to choose a cell.")
        self.sigCellChanged.emit()
