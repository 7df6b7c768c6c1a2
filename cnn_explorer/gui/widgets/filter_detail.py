"""One filter large, with its numbers, and a film strip of how it changed during the run."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.filter_grid import UPSAMPLE, image_view, mosaic
from cnn_explorer.gui.widgets.heat_map import HeatMap
from cnn_explorer.gui.widgets.panel import set_text, steady, wrapped

FILM_FRAMES = 12


class FilterDetail(QWidget):
    """``show(kernel, level, film)``: the kernel (kh, kw) as numbered cells on the filters' colour
    scale, and the film (a list of (step, kernel (kh, kw))) as a strip of small tiles, oldest
    first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heat = HeatMap("Chosen filter", role="kernel", diverging=True)
        # its numbers change with every frame of a run, and the repaint of a see-through view
        # paints every box behind it up to the window first (the scene's background fills it)
        self.heat.view.viewport().setAttribute(Qt.WA_OpaquePaintEvent)
        self.strip_title = steady(wrapped(), lines=2)   # a new text with every frame recorded
        self.strip = pg.GraphicsLayoutWidget()
        self.strip.setBackground(self.palette().window().color())
        self.strip.ci.setContentsMargins(0, 0, 0, 0)
        self.strip.setFixedHeight(34)
        self._view, self._image = image_view(self.strip, colours.DIVERGING_LUT)
        self.film = []
        self._drawn = (None, None)    # what the cells and the strip show, to skip equal redraws
        self.setMinimumWidth(150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.heat, 1)
        layout.addWidget(self.strip_title)
        layout.addWidget(self.strip)

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.strip_title.setFixedWidth(self.width())

    def show_filter(self, title, kernel, level, film):
        """Draw what changed: the numbers when a rounded one did, the strip when a frame came."""
        self.heat.set_title(title)
        # three decimals are what a student compares; all of them would not fit a cell
        cells = np.round(np.asarray(kernel, dtype=float), 3)
        self.film = list(film)
        cells_key = (cells.shape, cells.tobytes(), level)
        film_key = (title, level, tuple(step for step, _ in self.film))
        if cells_key != self._drawn[0]:
            self.heat.set_data(cells, levels=(-level, level))
        if film_key != self._drawn[1]:
            self._show_film(level)
        self._drawn = (cells_key, film_key)

    def _show_film(self, level):
        if not self.film:
            self._image.clear()
            set_text(self.strip_title, "How it changed: train to record it")
            return
        tiles = np.stack([np.repeat(np.repeat(k, UPSAMPLE, 0), UPSAMPLE, 1) for _, k in self.film])
        self._image.setImage(mosaic(tiles, len(tiles)), levels=(-level, level), autoLevels=False)
        # two lines even in the narrow column of a 1024-pixel window and with five-digit batch
        # numbers; what the strip is and its frame count are in the tooltip
        set_text(self.strip_title, f"Batch {self.film[0][0]} → {self.film[-1][0]}, oldest left")
        self.strip_title.setToolTip(f"How this filter changed: {len(self.film)} frames of it "
                                    "during the run, oldest left")

    def clear(self, title):
        self.heat.set_title(title)
        self.heat.set_data(np.zeros((0, 0)), levels=(-1, 1))
        self.film = []
        self._drawn = (None, None)
        self._image.clear()
        set_text(self.strip_title, "")
