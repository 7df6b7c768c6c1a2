"""A conv layer's filters as one grid of small images on a diverging colour map."""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from cnn_explorer.gui.widgets import colours


def mosaic(tiles, columns=None, gap=1, fill=np.nan):
    """Lay ``tiles`` (n, h, w) out row by row as one float32 image, ``gap`` pixels of ``fill`` apart.

    Returns the image (rows * (h + gap) - gap, columns * (w + gap) - gap); NaN gaps draw transparent.
    """
    tiles = np.asarray(tiles, dtype=np.float32)
    n, h, w = tiles.shape
    columns = columns or max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / columns))
    out = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), fill, dtype=np.float32)
    for i in range(n):
        r, c = divmod(i, columns)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = tiles[i]
    return out


def image_view(widget, colormap):
    """An ImageItem in a fixed, aspect-locked, y-down ViewBox filling ``widget``.

    ``colormap`` is a pyqtgraph colour map name or a lookup table (256, 3) uint8.
    """
    view = widget.addViewBox(lockAspect=True, invertY=True, enableMouse=False)
    view.setMenuEnabled(False)
    view.setDefaultPadding(0.02)  # auto-range stays on: the image fills the view at any size
    image = pg.ImageItem(axisOrder="row-major")
    if isinstance(colormap, str):
        image.setColorMap(pg.colormap.get(colormap))
    else:
        image.setLookupTable(colormap)
    view.addItem(image)
    return view, image


class FilterGrid(QWidget):
    """Tiles of filters (n, kh, kw) with fixed symmetric levels, so a changing filter looks changed.

    The colours are the app's diverging map (the kernels' colours on the other pages).

    The level is taken from the first filters shown (the largest magnitude, times ``headroom``) and
    kept until ``reset_level()``; values beyond it saturate to the map's ends.
    """

    def __init__(self, title="", columns=8, headroom=1.2, parent=None):
        super().__init__(parent)
        self._columns = columns
        self._headroom = headroom
        self._level = None
        self.filters = None
        self._title = QLabel(title)
        self._title.setWordWrap(True)
        self._title.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # wrap, not widen
        self._scale = QLabel()
        self._scale.setStyleSheet("color: palette(mid);")
        self._scale.setWordWrap(True)   # on one line two of them kept the window over 1024 wide
        self._plot = pg.GraphicsLayoutWidget()
        self._plot.setBackground(self.palette().window().color())  # opaque: repaints stay local
        self._plot.ci.setContentsMargins(0, 0, 0, 0)
        self._view, self._image = image_view(self._plot, colours.DIVERGING_LUT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._title)
        layout.addWidget(self._plot, 1)
        layout.addWidget(self._scale)

    def set_title(self, text):
        self._title.setText(text)

    def title(self):
        return self._title.text()

    def reset_level(self):
        """Take the level from the next filters shown (e.g. for a new model)."""
        self._level = None

    @property
    def level(self):
        return self._level

    def set_filters(self, filters):
        """Show ``filters`` (n, kh, kw): one tile per filter, purple negative, green positive."""
        filters = np.asarray(filters, dtype=np.float32)
        if self._level is None:
            self._level = float(np.abs(filters).max()) * self._headroom or 1.0
            self._scale.setText(f"purple −{self._level:.2f} · white 0 · green +{self._level:.2f}")
        self.filters = filters
        image = mosaic(filters, min(self._columns, len(filters)))
        self._image.setImage(image, levels=(-self._level, self._level), autoLevels=False)

    def clear(self, title=""):
        """Show no filters (e.g. the model has no such layer), only ``title``."""
        self.filters = None
        self._level = None
        self._image.clear()
        self._scale.setText("")
        self.set_title(title)

    def image(self):
        """The mosaic currently drawn (float32, NaN between tiles)."""
        return self._image.image
