"""The Explain page's pictures: an image with a map drawn over it, and a grid of images with the
patch that excites a filter outlined."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QVBoxLayout, QWidget

from cnn_explorer.core.levels import levels_for
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.filter_grid import image_view
from cnn_explorer.gui.widgets.panel import caption

# maps over the image: transparent where the map is 0, opaque where it is largest
_RAMP = np.linspace(0, 1, 256)
HEAT_LUT = np.column_stack([
    np.clip(80 + 400 * _RAMP, 0, 255), np.clip(-220 + 475 * _RAMP, 0, 255),
    np.clip(-600 + 800 * _RAMP, 0, 255), 235 * np.sqrt(_RAMP)]).astype(np.uint8)
SIGNED_LUT = np.column_stack([colours.DIVERGING_LUT,
                              235 * np.sqrt(np.abs(2 * _RAMP - 1))]).astype(np.uint8)


def _show_image(item, image):
    """Draw ``image`` (H, W, C) in [0, 1]: grey for one channel, colour for three (else their
    mean)."""
    if image.shape[-1] == 3:
        item.setLookupTable(None)
        item.setImage(np.ascontiguousarray(image, dtype=np.float32), levels=(0, 1))
        return
    item.setLookupTable(colours.GREY_LUT)
    item.setImage(np.asarray(image, dtype=np.float32).mean(axis=-1), levels=(0, 1))


class OverlayPanel:
    """A title, a sentence saying what the map measures, and the image with the map over it.

    The three are placed in one column of a grid (:meth:`place`), so that the images of panels
    side by side line up however their texts wrap.
    """

    def __init__(self, title, signed=False):
        self.signed = signed
        self.title = caption(title)
        self.title.setStyleSheet("font-weight: bold;")
        self.sentence = caption(muted=True)
        self.plot = pg.GraphicsLayoutWidget()
        self.plot.setBackground(self.plot.palette().window().color())
        self.plot.ci.setContentsMargins(0, 0, 0, 0)
        self.plot.setMinimumSize(90, 90)
        self.view, self.base = image_view(self.plot, colours.GREY_LUT)
        self.heat = pg.ImageItem(axisOrder="row-major")
        self.heat.setLookupTable(SIGNED_LUT if signed else HEAT_LUT)
        self.view.addItem(self.heat)
        self.map = None

    @property
    def widgets(self):
        return (self.title, self.sentence, self.plot)

    def place(self, grid, column):
        """Put the title, sentence and image in rows 0, 1, 2 of ``column`` of ``grid``."""
        for row, widget in enumerate(self.widgets):
            grid.addWidget(widget, row, column)

    def show_map(self, image, values, sentence):
        """``values`` (H, W) over ``image`` (H, W, C); signed maps are symmetric about 0."""
        self.map = np.asarray(values, dtype=np.float32)
        _show_image(self.base, image)
        levels = levels_for(self.map, self.signed)
        if not self.signed:
            levels = (0.0, max(levels[1], 1e-12))
        self.heat.setImage(self.map, levels=levels)
        self.sentence.setText(sentence)


class ImageGrid(QWidget):
    """Up to ``count`` images in a square grid, each with one rectangle outlined (a patch)."""

    def __init__(self, count=9, parent=None):
        super().__init__(parent)
        columns = int(np.ceil(np.sqrt(count)))
        self.plot = pg.GraphicsLayoutWidget()
        self.plot.setBackground(self.palette().window().color())
        self.plot.ci.setContentsMargins(0, 0, 0, 0)
        self.plot.ci.setSpacing(2)
        self.plot.setMinimumSize(120, 120)
        self.items, self.boxes = [], []
        pen = QPen(colours.qcolor(colours.KERNEL), 2)
        pen.setCosmetic(True)
        for i in range(count):
            if i and i % columns == 0:
                self.plot.nextRow()
            view, item = image_view(self.plot, colours.GREY_LUT)
            box = pg.QtWidgets.QGraphicsRectItem()
            box.setPen(pen)
            box.setZValue(10)
            view.addItem(box)
            self.items.append(item)
            self.boxes.append(box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.patches = []

    def show_images(self, images, patches):
        """``images`` (n, H, W, C) in [0, 1], ``patches`` (top, left, bottom, right) each."""
        self.patches = list(patches)
        for i, (item, box) in enumerate(zip(self.items, self.boxes)):
            if i < len(images):
                _show_image(item, images[i])
                top, left, bottom, right = patches[i]
                box.setRect(QRectF(left, top, right - left, bottom - top))
                box.show()
            else:
                item.clear()
                box.hide()


class GrowView(QWidget):
    """The image activation maximisation grows, and a line saying how far it got."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = pg.GraphicsLayoutWidget()
        self.plot.setBackground(self.palette().window().color())
        self.plot.ci.setContentsMargins(0, 0, 0, 0)
        self.plot.setMinimumSize(110, 110)
        self.view, self.item = image_view(self.plot, colours.GREY_LUT)
        self.status = caption(muted=True)
        self.image = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.status)

    def show_image(self, image):
        self.image = image
        _show_image(self.item, image)

    def clear(self):
        self.image = None
        self.item.clear()
