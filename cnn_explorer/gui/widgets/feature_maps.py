"""One image's feature maps through a network: a column per layer with spatial output."""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from cnn_explorer.core.levels import levels_for
from cnn_explorer.gui.widgets.filter_grid import mosaic
from cnn_explorer.gui.widgets.panel import set_text, steady
from cnn_explorer.gui.widgets.value_image import ValueImage

COLOURS = pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 256, alpha=False)
#: The name of the activation that is the image itself: three channels of it are a colour picture.
INPUT = "input"


def _is_picture(name, maps):
    return name == INPUT and maps.shape[2] == 3


class FeatureMaps(QWidget):
    """Every channel of every (H, W, C) activation as a square-ish mosaic, titled with the layer.

    Each layer has its own levels (its smallest to its largest value) so that small activations
    deep in the network are still visible; a colour input (``INPUT`` with three channels, values
    in [0, 1]) is drawn as the RGB picture it is. A click on one map shows it enlarged in the last
    column (``enlarged``: (layer name, channel)), kept up to date as the maps change.

    Each column is a title and a :class:`ValueImage`: the maps are redrawn at every probe of a
    run, in the GUI thread (see ``value_image`` for why not in a pyqtgraph scene).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._names = ()
        self._views = []            # (title, image) per layer
        self._columns = []
        self.big_title, self.big = self._column("")
        self.enlarged = None
        self.shown = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(4)
        self._grid.setVerticalSpacing(2)
        self._grid.setRowStretch(1, 1)

    def _column(self, title):
        label = QLabel(title)
        label.setAlignment(Qt.AlignCenter)
        font = label.font()
        font.setPointSize(8)
        label.setFont(font)
        label.setStyleSheet("color: #777777;")
        # the input's column is narrow: its name and shape take two lines there
        label.setWordWrap(True)
        label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        steady(label, lines=2)
        image = ValueImage(COLOURS)
        image.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)
        return label, image

    def set_activations(self, activations):
        """Show ``activations``: [(layer name, array (H, W, C)), ...]; other shapes are skipped."""
        spatial = [(name, np.asarray(a)) for name, a in activations if np.ndim(a) == 3]
        names = tuple(name for name, _ in spatial)
        if names != self._names:
            self._rebuild(names)
        self.shown = []
        self._columns = []
        for (name, maps), (label, image) in zip(spatial, self._views):
            h, w, c = maps.shape
            if _is_picture(name, maps):
                self._columns.append(1)
                image.set_rgb(maps)
                _set_title(label, f"{name} {h}×{w}×3 (RGB)")
                self.shown.append((name, maps))
                continue
            # twice as many columns as rows: the views sit side by side in a wide, low strip
            columns = max(1, math.ceil(math.sqrt(2 * c)))
            self._columns.append(columns)
            image.set_image(mosaic(np.moveaxis(maps, -1, 0), columns), levels_for(maps, diverging=False))
            _set_title(label, f"{name} {h}×{w}×{c}")
            self.shown.append((name, maps))
        self._show_enlarged()

    def _rebuild(self, names):
        for label, image in self._views:
            label.deleteLater()
            image.deleteLater()
        self._views = []
        for column, name in enumerate(names):
            label, image = self._column(name)
            image.sigClicked.connect(lambda x, y, layer=column: self._on_click(layer, x, y))
            self._grid.addWidget(label, 0, column)
            self._grid.addWidget(image, 1, column)
            self._grid.setColumnStretch(column, 1 if column == 0 else 3)
            self._views.append((label, image))
        self._grid.addWidget(self.big_title, 0, len(names))
        self._grid.addWidget(self.big, 1, len(names))
        self._grid.setColumnStretch(len(names), 3)
        for column in range(len(names) + 1, self._grid.columnCount()):
            self._grid.setColumnStretch(column, 0)
        self._names = names
        if self.enlarged is not None and self.enlarged[0] not in names:
            self.enlarged = None

    def map_centre(self, layer, channel):
        """The view of layer ``layer`` (an index) and where its map ``channel`` is drawn in it, in
        pixels (for clicks)."""
        h, w, _ = self.shown[layer][1].shape
        row, col = divmod(channel, self._columns[layer])
        image = self._views[layer][1]
        return image, image.to_widget(col * (w + 1) + w / 2, row * (h + 1) + h / 2).toPoint()

    def enlarge(self, name, channel):
        """Show map ``channel`` of layer ``name`` enlarged (None: none)."""
        self.enlarged = None if name is None else (name, channel)
        self._show_enlarged()

    def _show_enlarged(self):
        maps = dict(self.shown).get(self.enlarged[0]) if self.enlarged else None
        if maps is None or self.enlarged[1] >= maps.shape[2]:
            self.big.clear()
            set_text(self.big_title, "click a map to enlarge it" if self.shown else "")
            return
        name, channel = self.enlarged
        if _is_picture(name, maps):
            self.big.set_rgb(maps)
            set_text(self.big_title, f"{name} (RGB), enlarged")
            return
        one = np.asarray(maps[:, :, channel], dtype=float)
        self.big.set_image(one, levels_for(one, diverging=False))
        set_text(self.big_title, f"{name} map {channel + 1}, enlarged")

    def _on_click(self, layer, x, y):
        if layer >= len(self.shown):
            return
        name, maps = self.shown[layer]
        h, w, c = maps.shape
        columns = self._columns[layer]
        col, row = int(x // (w + 1)), int(y // (h + 1))
        channel = row * columns + col
        if 0 <= col < columns and row >= 0 and channel < c:
            self.enlarge(name, channel)


def _set_title(label, text):
    """A layer's title; its column is never narrower than the title's longest word
    ("28×28×1" in the input's narrow column)."""
    if label.text() != text:
        label.setText(text)
        label.setMinimumWidth(max(map(label.fontMetrics().horizontalAdvance, text.split()),
                                  default=0) + 4)
