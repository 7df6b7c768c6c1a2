"""A conv layer's filters as one grid of small images on a diverging colour map."""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.colour_bar import ColourBar
from cnn_explorer.gui.widgets.value_image import ValueImage
from cnn_explorer.gui.widgets.panel import set_text, wrapped

UPSAMPLE = 4    # image pixels per weight: a 1-pixel gap between tiles is a quarter of a weight
OUTLINE_MARGIN = 2  # screen pixels around the tiles: an edge tile's 3-pixel outline stays inside
SLICE_GAP = 2   # image pixels between a filter's slices: half a weight, less than between filters


def mosaic(tiles, columns=None, gap=1, fill=np.nan):
    """Lay ``tiles`` (n, h, w) out row by row as one float32 image, ``gap`` pixels of ``fill`` apart.

    Returns the image (rows * (h + gap) - gap, columns * (w + gap) - gap); NaN gaps draw transparent.
    """
    tiles = np.asarray(tiles, dtype=np.float32)
    n, h, w = tiles.shape
    columns = columns or max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / columns))
    # one array operation, not one per tile: the grids are rebuilt at every frame of a run, in
    # the GUI thread, holding the interpreter lock the training threads need
    cells = np.full((rows * columns, h + gap, w + gap), fill, dtype=np.float32)
    cells[:n, :h, :w] = tiles
    out = cells.reshape(rows, columns, h + gap, w + gap).swapaxes(1, 2)
    return out.reshape(rows * (h + gap), columns * (w + gap))[:rows * (h + gap) - gap,
                                                              :columns * (w + gap) - gap]


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

    The colours are the app's diverging map (the kernels' colours on the other pages), explained
    by a colour bar. Every weight is at least ``px_per_weight`` pixels wide: the tiles flow into
    as many columns as the width holds, and the grid grows downwards (put it in a scroll area).
    A click on a tile chooses that filter.

    The level is taken from the first filters shown (the largest magnitude, times ``headroom``) and
    kept until ``reset_level()``; values beyond it saturate to the map's ends.

    Signals
    -------
    sigFilterClicked(int)
        The index of the filter clicked.
    """

    sigFilterClicked = Signal(int)

    def __init__(self, title="", headroom=1.2, px_per_weight=16, parent=None):
        super().__init__(parent)
        self._headroom = headroom
        self._px = px_per_weight
        self._level = None
        self._columns = 1
        self._gap = 1
        self.selected = None
        self.filters = None
        self._title = wrapped(title)
        self._title.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # wrap, not widen
        self.colour_bar = ColourBar(colours.DIVERGING_LUT)
        self.colour_bar.setMinimumWidth(120)    # the Training page's narrow filter column
        self.plot = ValueImage(colours.DIVERGING_LUT, margin=OUTLINE_MARGIN)
        self.plot.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.plot.setFixedHeight(0)
        self.plot.sigClicked.connect(self._on_click)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._title)
        layout.addWidget(self.plot)
        layout.addWidget(self.colour_bar)
        # in a scroll area taller than the grid the room goes below it: the title stays on top
        layout.addStretch(1)

    def set_title(self, text):
        set_text(self._title, text)

    def title(self):
        return self._title.text()

    def reset_level(self):
        """Take the level from the next filters shown (e.g. for a new model)."""
        self._level = None

    @property
    def level(self):
        return self._level

    def _tile(self):
        """(height, width) of one tile and its gap, in image pixels (UPSAMPLE per weight)."""
        kh, kw, slices = self._slices().shape[1:]
        return kh * UPSAMPLE + self._gap, slices * (kw * UPSAMPLE + SLICE_GAP) - SLICE_GAP + self._gap

    def set_filters(self, filters):
        """Show ``filters`` (n, kh, kw), or (n, kh, kw, s) with ``s`` slices each (a filter on
        a colour image: its R, G, B slices): one tile per filter, its slices side by side half a
        weight apart, brown negative, teal positive. Tiles of slices are a weight apart."""
        filters = np.asarray(filters, dtype=np.float32)
        self._gap = 1 if filters.ndim == 3 else UPSAMPLE
        if self._level is None:
            self._level = float(np.abs(filters).max()) * self._headroom or 1.0
            self.colour_bar.set_levels((-self._level, self._level))
            self.colour_bar.setToolTip(f"Colour scale, the same for every filter: brown "
                                       f"−{self._level:.3g}, white 0, teal +{self._level:.3g}; "
                                       "values beyond it take the end colours")
            if self.colour_bar.isHidden():
                self.colour_bar.show()
        self.filters = filters
        self._draw()

    def _slices(self):
        """The filters as (n, kh, kw, slices)."""
        return self.filters if self.filters.ndim == 4 else self.filters[..., None]

    def _fit_columns(self):
        """As many tiles side by side as the width holds at ``px_per_weight``."""
        pixel = self._px / UPSAMPLE    # screen pixels per image pixel
        room = self.width() - 2 * OUTLINE_MARGIN + pixel
        return max(1, min(len(self.filters), int(room // (self._tile()[1] * pixel))))

    def _fit_height(self):
        """The plot as high as the mosaic drawn at the width's scale: one tile wider than the
        widget is scaled down, and a plot as high as at full scale centred the tiles below the
        scroll area's view."""
        image = self.plot.values()
        if image is None:
            return
        pixel = self._px / UPSAMPLE
        rows_px, columns_px = image.shape
        width = self.width() - 2 * OUTLINE_MARGIN
        if columns_px * pixel > width:   # one tile is wider than the widget
            pixel = max(width, 1) / columns_px
        height = int(np.ceil(rows_px * pixel)) + 2 * OUTLINE_MARGIN
        if height != self.plot.height():
            self.plot.setFixedHeight(height)

    def _draw(self):
        self._columns = self._fit_columns()
        big = np.repeat(np.repeat(self._slices(), UPSAMPLE, axis=1), UPSAMPLE, axis=2)
        n, height, width, slices = big.shape
        step = width + SLICE_GAP
        tiles = np.full((n, height, slices * step - SLICE_GAP), np.nan, np.float32)
        for k in range(slices):
            tiles[:, :, k * step:k * step + width] = big[..., k]
        image = mosaic(tiles, self._columns, gap=self._gap)
        reshaped = self.plot.values() is None or self.plot.values().shape != image.shape
        self.plot.set_image(image, (-self._level, self._level))
        if reshaped:   # a new height re-lays the page out: not at every frame
            self._fit_height()
        self._place_outline()

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.filters is not None and self._fit_columns() != self._columns:
            self._draw()
        else:
            self._fit_height()

    def select(self, index):
        """Outline filter ``index`` (None: none)."""
        self.selected = index
        self._place_outline()

    def _place_outline(self):
        if self.selected is None or self.filters is None or self.selected >= len(self.filters):
            self.plot.set_outline(None)
            return
        tile_h, tile_w = self._tile()
        row, col = divmod(self.selected, self._columns)
        self.plot.set_outline((col * tile_w, row * tile_h, tile_w - self._gap, tile_h - self._gap))

    def tile_centre(self, index):
        """Where filter ``index``'s tile is drawn, in ``plot`` pixels (for clicks)."""
        tile_h, tile_w = self._tile()
        row, col = divmod(index, self._columns)
        return self.plot.to_widget(col * tile_w + (tile_w - self._gap) / 2,
                                   row * tile_h + (tile_h - self._gap) / 2).toPoint()

    def px_per_weight(self):
        """Screen pixels one weight takes (the image's scale times the upsampling)."""
        return self.plot.pixel_size() * UPSAMPLE if self.filters is not None else 0

    def levels(self):
        """The colour range drawn, (−level, +level)."""
        return self.plot.levels()

    def _on_click(self, x, y):
        if self.filters is None:
            return
        tile_h, tile_w = self._tile()
        col, row = int(x // tile_w), int(y // tile_h)
        index = row * self._columns + col
        if 0 <= col < self._columns and row >= 0 and index < len(self.filters):
            self.sigFilterClicked.emit(index)

    def clear(self, title=""):
        """Show no filters (e.g. the model has no such layer), only ``title``."""
        self.filters = None
        self._level = None
        self.plot.clear()
        self.plot.setFixedHeight(0)
        self.colour_bar.hide()
        self.set_title(title)

    def image(self):
        """The mosaic currently drawn (NaN between tiles; UPSAMPLE pixels per weight), or None."""
        return self.plot.values()
