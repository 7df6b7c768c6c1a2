"""One image's feature maps through a network: a column per layer with spatial output."""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from cnn_explorer.gui.widgets.filter_grid import image_view, mosaic

COLOURS = "viridis"


class FeatureMaps(QWidget):
    """Every channel of every (H, W, C) activation as a square-ish mosaic, titled with the layer.

    Each layer has its own levels (its smallest to its largest value) so that small activations
    deep in the network are still visible; the title says the range.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._plot = pg.GraphicsLayoutWidget()
        self._plot.setBackground(None)
        self._plot.ci.setSpacing(4)
        self._names = ()
        self._images = []
        self.shown = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._plot)

    def set_activations(self, activations):
        """Show ``activations``: [(layer name, array (H, W, C)), ...]; other shapes are skipped."""
        spatial = [(name, np.asarray(a)) for name, a in activations if np.ndim(a) == 3]
        names = tuple(name for name, _ in spatial)
        if names != self._names:
            self._rebuild(names)
        self.shown = []
        for (name, maps), (label, view, image) in zip(spatial, self._images):
            h, w, c = maps.shape
            # twice as many columns as rows: the views sit side by side in a wide, low strip
            tiles = mosaic(np.moveaxis(maps, -1, 0), max(1, math.ceil(math.sqrt(2 * c))))
            low, high = float(maps.min()), float(maps.max())
            image.setImage(tiles, levels=(low, high if high > low else low + 1), autoLevels=False)
            title = f"{name} {h}×{w}×{c}"
            if label.text != title:  # a new label text re-lays the scene out
                label.setText(title, size="8pt")
            self.shown.append((name, maps))

    def _rebuild(self, names):
        self._plot.clear()
        self._images = []
        for column, name in enumerate(names):
            label = self._plot.addLabel(name, row=0, col=column, size="8pt")
            view, image = image_view(self._plot.ci.addLayout(row=1, col=column), COLOURS)
            self._plot.ci.layout.setColumnStretchFactor(column, 1 if column == 0 else 3)
            self._images.append((label, view, image))
        self._plot.ci.layout.setRowStretchFactor(1, 10)
        self._names = names
