"""Pieces the Channels page's three views share: kernel slices to type into, a colour image, a
row of small maps, and the one-line step formula."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QGraphicsObject, QGridLayout, QHBoxLayout, QLabel, QSizePolicy,
                               QVBoxLayout, QWidget)

from cnn_explorer.core.formulas import number
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.heat_map import HeatMap
from cnn_explorer.gui.widgets.matrix_editor import MatrixEditor
from cnn_explorer.gui.widgets.stepper import Stepper

CONTROLS_WIDTH = 300

#: The colour each input plane's title is written in (the maps themselves stay grey: 0 black).
PLANE_COLOURS = ("#c62828", "#2e7d32", "#1565c0")


def signed(value: float, digits: int = 3) -> str:
    """``0.5`` or ``(-0.5)``: a term as it reads inside a sum."""
    text = number(value, digits)
    return f"({text})" if value < 0 else text


class SliceEditors(QWidget):
    """One small editor per kernel slice, side by side, each under its title.

    Signals
    -------
    sigEdited(int, int, int, float)
        ``(slice, row, col, value)`` after a valid typed value.
    sigRejected(str)
        Why a typed value was refused.
    """

    sigEdited = Signal(int, int, int, float)
    sigRejected = Signal(str)

    def __init__(self, titles, title_colours=None, parent=None):
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(6)
        layout.setVerticalSpacing(1)
        self.editors, self.titles = [], []
        for k, title in enumerate(titles):
            label = QLabel(title)
            colour = (title_colours or [colours.KERNEL] * len(titles))[k]
            label.setStyleSheet(f"color: {colour}; font-weight: bold;")
            editor = MatrixEditor("kernel", cell_width=44)
            editor.setToolTip("Type a weight and press Enter (Ctrl+Z undoes it)")
            editor.sigEdited.connect(lambda old, new, k=k: self._on_edited(k, old, new))
            editor.sigRejected.connect(self.sigRejected)
            layout.addWidget(label, 0, k)
            layout.addWidget(editor, 1, k)
            self.editors.append(editor)
            self.titles.append(label)

    def _on_edited(self, k, old, new):
        changed = np.argwhere(old != new)
        if len(changed):
            r, c = (int(v) for v in changed[0])
            self.sigEdited.emit(k, r, c, float(new[r, c]))

    def set_slices(self, slices: np.ndarray) -> None:
        """Show ``slices`` ``(rows, cols, k)``: slice ``k`` in editor ``k`` (only if it differs)."""
        for k, editor in enumerate(self.editors):
            values = slices[..., k]
            if not np.array_equal(editor.values(), values):
                editor.set_values(values)


class ColourImage(QWidget):
    """A colour picture (RGB values 0-1), drawn as it is, with a title."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = QLabel(title)
        self.title.setStyleSheet(f"color: {colours.INPUT}; font-weight: bold;")
        self.title.setWordWrap(True)
        self.view = pg.GraphicsView(background="w")
        self.view.setMinimumSize(40, 30)
        self.box = pg.ViewBox(invertY=True, lockAspect=True, enableMenu=False)
        self.box.setMouseEnabled(False, False)
        self.view.setCentralItem(self.box)
        self.image = pg.ImageItem(axisOrder="row-major")
        # repainted from a screen-sized pixmap: a 2048×2048 photo scaled down at every repaint
        # of the page cost milliseconds for a picture that changes only with the image
        self.image.setCacheMode(QGraphicsObject.DeviceCoordinateCache)
        self.box.addItem(self.image)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        self._shown = None

    def set_image(self, rgb: np.ndarray) -> None:
        if rgb is self._shown:
            return
        self._shown = rgb
        pixels = np.clip(np.round(np.asarray(rgb) * 255), 0, 255).astype(np.uint8)
        self.image.setImage(pixels, levels=(0, 255), autoLevels=False)
        self.box.autoRange(padding=0.02)


class MapRow(QWidget):
    """A row (or wrapped rows) of HeatMaps made on demand: one per map, titles given each time.

    Signals
    -------
    sigCellClicked(int, int, int)
        ``(map, row, col)`` of a clicked cell.
    """

    sigCellClicked = Signal(int, int, int)

    def __init__(self, role="input", diverging=False, per_row=8, parent=None):
        super().__init__(parent)
        self._role, self._diverging, self._per_row = role, diverging, per_row
        self.maps: list[HeatMap] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(4)

    def show_count(self, n: int) -> list[HeatMap]:
        """Make sure ``n`` maps are visible (more are made, the rest hidden); return them."""
        while len(self.maps) < n:
            k = len(self.maps)
            heat = HeatMap("", self._role, diverging=self._diverging)
            heat.sigCellClicked.connect(lambda r, c, k=k: self.sigCellClicked.emit(k, r, c))
            self._grid.addWidget(heat, k // self._per_row, k % self._per_row)
            self.maps.append(heat)
        for k, heat in enumerate(self.maps):
            heat.setVisible(k < n)
        return self.maps[:n]


class ModeView(QWidget):
    """What the page's three views share: controls on the left, views over the step formula and
    the stepper on the right, and edits sent to the page.

    Signals
    -------
    sigEdit(str, object, dict)
        ``(undo text, merge key, field changes)`` for the page's :meth:`Page.edit`.
    sigMessage(str)
        A refused value or an unreadable file (empty: clear).
    """

    sigEdit = Signal(str, object, dict)
    sigMessage = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.formula = formula_label()
        self.stepper = Stepper()
        self.stepper.install_shortcuts(self)

    def _edit(self, text, merge_key=None, **changes):
        self.sigEdit.emit(text, merge_key, changes)

    @staticmethod
    def control_column() -> tuple[QWidget, QVBoxLayout]:
        """An empty controls column of the views' common width, and its layout."""
        controls = QWidget()
        controls.setFixedWidth(CONTROLS_WIDTH)
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 0, 0)
        return controls, column

    def place(self, controls: QWidget, views) -> None:
        """``controls`` on the left, ``views`` (a layout) above the formula and the stepper."""
        right = QVBoxLayout()
        right.addLayout(views, 1)
        right.addWidget(self.formula)
        right.addWidget(self.stepper)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(controls)
        outer.addLayout(right, 1)


def formula_label() -> QLabel:
    """The label under the views that writes the current step out."""
    label = QLabel()
    label.setObjectName("formula")
    label.setWordWrap(True)
    label.setTextFormat(Qt.RichText)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
    label.setStyleSheet("font-size: 14px;")
    return label


def window_cells(taps) -> list[tuple[int, int]]:
    """(row, col) cells of a 2D step's taps ``(kh, kw, 2)``."""
    return [(int(r), int(c)) for r, c in np.asarray(taps).reshape(-1, 2)]


def filled(output: np.ndarray, n: int) -> np.ndarray:
    """``output`` (2D) with the cells after step ``n`` (raster order) empty (NaN); ``output``
    itself at the last step (no copy of a large map)."""
    if n + 1 >= np.size(output):
        return output
    shown = np.array(output, dtype=float)
    shown.reshape(-1)[n + 1:] = np.nan
    return shown
