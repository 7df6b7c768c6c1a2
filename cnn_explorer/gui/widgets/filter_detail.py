"""One filter large, with its numbers, and a film strip of how it changed during the run."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.filter_grid import UPSAMPLE, image_view, mosaic
from cnn_explorer.gui.widgets.heat_map import HeatMap

FILM_FRAMES = 12


class FilterDetail(QWidget):
    """``show(kernel, level, film)``: the kernel (kh, kw) as numbered cells on the filters' colour
    scale, and the film (a list of (step, kernel (kh, kw))) as a strip of small tiles, oldest
    first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heat = HeatMap("Chosen filter", role="kernel", diverging=True)
        self.strip_title = QLabel()
        self.strip_title.setWordWrap(True)
        self.strip_title.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.strip = pg.GraphicsLayoutWidget()
        self.strip.setBackground(self.palette().window().color())
        self.strip.ci.setContentsMargins(0, 0, 0, 0)
        self.strip.setFixedHeight(34)
        self._view, self._image = image_view(self.strip, colours.DIVERGING_LUT)
        self.film = []
        self.setMinimumWidth(150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.heat, 1)
        layout.addWidget(self.strip_title)
        layout.addWidget(self.strip)

    def show_filter(self, title, kernel, level, film):
        self.heat.set_title(title)
        # three decimals are what a student compares; all of them would not fit a cell
        self.heat.set_data(np.round(np.asarray(kernel, dtype=float), 3), levels=(-level, level))
        self.film = list(film)
        if not self.film:
            self._image.clear()
            self.strip_title.setText("How it changed: train to record it")
            return
        tiles = np.stack([np.repeat(np.repeat(k, UPSAMPLE, 0), UPSAMPLE, 1) for _, k in self.film])
        self._image.setImage(mosaic(tiles, len(tiles)), levels=(-level, level), autoLevels=False)
        text = (f"How it changed: batch {self.film[0][0]} → batch {self.film[-1][0]} "
                f"({len(self.film)} frames, oldest left)")
        if self.strip_title.text() != text:     # a new text re-lays the page out
            self.strip_title.setText(text)

    def clear(self, title):
        self.heat.set_title(title)
        self.heat.set_data(np.zeros((0, 0)), levels=(-1, 1))
        self.film = []
        self._image.clear()
        self.strip_title.setText("")
