"""One filter large, with its numbers, and a film strip of how it changed during the run."""

import numpy as np
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.value_image import ValueImage
from cnn_explorer.gui.widgets.filter_grid import UPSAMPLE, mosaic
from cnn_explorer.gui.widgets.panel import set_text, steady, wrapped

FILM_FRAMES = 12


class FilterDetail(QWidget):
    """``show(kernel, level, film)``: the kernel (kh, kw) as numbered cells on the filters' colour
    scale, and the film (a list of (step, kernel (kh, kw))) as a strip of small tiles, oldest
    first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        # the title wraps in the narrow column of a 1024-pixel window
        self.title = steady(wrapped("Chosen filter"), lines=2)
        self.title.setStyleSheet(f"color: {colours.KERNEL}; font-weight: bold;")
        self.heat = ValueImage(colours.DIVERGING_LUT, frame=colours.KERNEL, empty=colours.EMPTY,
                                lines=True, numbers=True)
        self.heat.setMinimumSize(40, 30)
        self.heat.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)
        self.strip_title = steady(wrapped(), lines=2)   # a new text with every frame recorded
        self.strip = ValueImage(colours.DIVERGING_LUT)
        self.strip.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.strip.setFixedHeight(34)
        self.film = []
        self._drawn = (None, None)    # what the cells and the strip show, to skip equal redraws
        self.setMinimumWidth(150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.heat, 1)
        layout.addWidget(self.strip_title)
        layout.addWidget(self.strip)

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.title.setFixedWidth(self.width())
        self.strip_title.setFixedWidth(self.width())

    def show_filter(self, title, kernel, level, film):
        """Draw what changed: the numbers when a rounded one did, the strip when a frame came."""
        set_text(self.title, title)
        # three decimals are what a student compares; all of them would not fit a cell
        cells = np.round(np.asarray(kernel, dtype=float), 3)
        self.film = list(film)
        cells_key = (cells.shape, cells.tobytes(), level)
        film_key = (title, level, tuple(step for step, _ in self.film))
        if cells_key != self._drawn[0]:
            self.heat.set_image(cells, (-level, level))
        if film_key != self._drawn[1]:
            self._show_film(level)
        self._drawn = (cells_key, film_key)

    def _show_film(self, level):
        if not self.film:
            self.strip.clear()
            set_text(self.strip_title, "How it changed: train to record it")
            return
        tiles = np.stack([np.repeat(np.repeat(k, UPSAMPLE, 0), UPSAMPLE, 1) for _, k in self.film])
        self.strip.set_image(mosaic(tiles, len(tiles)), (-level, level))
        # two lines even in the narrow column of a 1024-pixel window and with five-digit batch
        # numbers; what the strip is and its frame count are in the tooltip
        set_text(self.strip_title, f"Batch {self.film[0][0]} → {self.film[-1][0]}, oldest left")
        self.strip_title.setToolTip(f"How this filter changed: {len(self.film)} frames of it "
                                    "during the run, oldest left")

    def clear(self, title):
        set_text(self.title, title)
        self.heat.clear()
        self.film = []
        self._drawn = (None, None)
        self.strip.clear()
        set_text(self.strip_title, "")
