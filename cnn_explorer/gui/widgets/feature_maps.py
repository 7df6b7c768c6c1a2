"""One image's feature maps through a network: a column per layer with spatial output."""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QVBoxLayout, QWidget

from cnn_explorer.gui.widgets.filter_grid import image_view, mosaic

COLOURS = "viridis"
#: The name of the activation that is the image itself: three channels of it are a colour picture.
INPUT = "input"


def _is_picture(name, maps):
    return name == INPUT and maps.shape[2] == 3


def _show_picture(image, rgb):
    image.setImage(np.clip(rgb, 0, 1).astype(np.float32), levels=(0, 1), autoLevels=False)


def _set_label(label, text):
    if label.text != text:  # a label's setText re-lays the scene out, even with the same text
        label.setText(text, size="8pt")


class FeatureMaps(QWidget):
    """Every channel of every (H, W, C) activation as a square-ish mosaic, titled with the layer.

    Each layer has its own levels (its smallest to its largest value) so that small activations
    deep in the network are still visible; a colour input (``INPUT`` with three channels, values
    in [0, 1]) is drawn as the RGB picture it is. A click on one map shows it enlarged in the last
    column (``enlarged``: (layer name, channel)), kept up to date as the maps change.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = pg.GraphicsLayoutWidget()
        self.plot.setBackground(None)
        self.plot.ci.setSpacing(4)
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        self._names = ()
        self._images = []
        self._columns = []
        self._big = None
        self.enlarged = None
        self.shown = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def set_activations(self, activations):
        """Show ``activations``: [(layer name, array (H, W, C)), ...]; other shapes are skipped."""
        spatial = [(name, np.asarray(a)) for name, a in activations if np.ndim(a) == 3]
        names = tuple(name for name, _ in spatial)
        if names != self._names:
            self._rebuild(names)
        self.shown = []
        self._columns = []
        for (name, maps), (label, view, image) in zip(spatial, self._images):
            h, w, c = maps.shape
            if _is_picture(name, maps):
                self._columns.append(1)
                _show_picture(image, maps)
                _set_label(label, f"{name} {h}×{w}×3 (RGB)")
                self.shown.append((name, maps))
                continue
            # twice as many columns as rows: the views sit side by side in a wide, low strip
            columns = max(1, math.ceil(math.sqrt(2 * c)))
            self._columns.append(columns)
            tiles = mosaic(np.moveaxis(maps, -1, 0), columns)
            low, high = float(maps.min()), float(maps.max())
            image.setImage(tiles, levels=(low, high if high > low else low + 1), autoLevels=False)
            _set_label(label, f"{name} {h}×{w}×{c}")
            self.shown.append((name, maps))
        self._show_enlarged()

    def _rebuild(self, names):
        self.plot.clear()
        self._images = []
        for column, name in enumerate(names):
            label = self.plot.addLabel(name, row=0, col=column, size="8pt")
            view, image = image_view(self.plot.ci.addLayout(row=1, col=column), COLOURS)
            self.plot.ci.layout.setColumnStretchFactor(column, 1 if column == 0 else 3)
            self._images.append((label, view, image))
        label = self.plot.addLabel("", row=0, col=len(names), size="8pt")
        view, image = image_view(self.plot.ci.addLayout(row=1, col=len(names)), COLOURS)
        self.plot.ci.layout.setColumnStretchFactor(len(names), 3)
        self._big = (label, view, image)
        self.plot.ci.layout.setRowStretchFactor(1, 10)
        self._names = names
        if self.enlarged is not None and self.enlarged[0] not in names:
            self.enlarged = None

    def map_centre(self, layer, channel):
        """Where map ``channel`` of layer ``layer`` (an index) is drawn, in ``plot.viewport()``
        pixels (for clicks)."""
        h, w, _ = self.shown[layer][1].shape
        row, col = divmod(channel, self._columns[layer])
        view = self._images[layer][1]
        return self.plot.mapFromScene(view.mapViewToScene(
            QPointF(col * (w + 1) + w / 2, row * (h + 1) + h / 2)))

    def enlarge(self, name, channel):
        """Show map ``channel`` of layer ``name`` enlarged (None: none)."""
        self.enlarged = None if name is None else (name, channel)
        self._show_enlarged()

    def _show_enlarged(self):
        if self._big is None:
            return
        label, _, image = self._big
        maps = dict(self.shown).get(self.enlarged[0]) if self.enlarged else None
        if maps is None or self.enlarged[1] >= maps.shape[2]:
            image.clear()
            _set_label(label, "click a map to enlarge it" if self.shown else "")
            return
        name, channel = self.enlarged
        if _is_picture(name, maps):
            _show_picture(image, maps)
            _set_label(label, f"{name} (RGB), enlarged")
            return
        one = np.ascontiguousarray(maps[:, :, channel], dtype=np.float32)
        low, high = float(one.min()), float(one.max())
        image.setImage(one, levels=(low, high if high > low else low + 1), autoLevels=False)
        _set_label(label, f"{name} map {channel + 1}, enlarged")

    def _on_click(self, event):
        for (name, maps), (_, view, _), columns in zip(self.shown, self._images, self._columns):
            if not view.sceneBoundingRect().contains(event.scenePos()):
                continue
            h, w, c = maps.shape
            pos = view.mapSceneToView(event.scenePos())
            col, row = int(pos.x() // (w + 1)), int(pos.y() // (h + 1))
            channel = row * columns + col
            if 0 <= col < columns and row >= 0 and channel < c:
                self.enlarge(name, channel)
            return
