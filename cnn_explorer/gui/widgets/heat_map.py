"""HeatMap: a titled grid drawn as one image, with numbers when cells are big enough, and overlays.

Large grids (a 512×512 image) stay fast because the cells are one premultiplied-ARGB ``QImage``
(the format Qt's painter draws without converting: an 8-bit indexed image cost about 0.7 ms per
repaint of a 512×512 grid, this one 0.1 ms) and the numbers are painted by one item that only
draws the cells in view, and only when a cell is wide enough to read (``cell_numbers``).
Overlays (the padding frame, the kernel window, the hover link, a max-pool winner) are single
path items moved in O(cells marked).
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QImage, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsObject, QGraphicsPathItem, QLabel, QVBoxLayout, QWidget

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.cell_numbers import CellNumbers

#: Most cells drawn along a side. No view of a 1600×1000 window is this many pixels wide, and
#: Qt draws a larger image by picking one cell per screen pixel anyway, so a bigger grid is
#: drawn one cell in n along each axis (each drawn square holds the exact value of the top-left
#: cell of its n×n block) and the title says so: a 2048×2048 map costs a quarter of the work.
MAX_DRAWN_CELLS = 1024

FLOAT32_SAFE = 1e30


def argb_table(lut: np.ndarray) -> np.ndarray:
    """``lut`` (n, 3) uint8 as opaque ARGB words, plus one transparent word for NaN (n + 1,)."""
    rgb = np.asarray(lut, np.uint32)[:, :3]
    words = (0xFF << 24) | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
    return np.append(words, np.uint32(0)).astype(np.uint32)


class ColourScale:
    """Values → each cell's colour word: ``levels`` span the table's colours (beyond them, the
    end colours), NaN is transparent. The scaling is pyqtgraph's ``ImageItem``'s:
    index = ⌊(value − lo) · n / (hi − lo)⌋, clipped to 0…n − 1.

    The work arrays are kept between calls: fresh 2 MB arrays for every redraw of a 512×512
    grid cost more in page faults than the arithmetic itself.
    """

    def __init__(self, lut: np.ndarray):
        self.table = argb_table(lut)
        self._work = None

    def pixels(self, values: np.ndarray, levels) -> np.ndarray:
        """``values`` (rows, cols) float → (rows, cols) uint32, valid until the next call."""
        n = len(self.table) - 1
        lo, hi = (float(v) for v in levels)
        if self._work is None or self._work[0].shape != values.shape:
            self._work = (np.empty(values.shape, np.float32), np.empty(values.shape, np.uint16),
                          np.empty(values.shape, np.uint32))
        index, codes, words = self._work
        with np.errstate(invalid="ignore", over="ignore"):
            if max(abs(lo), abs(hi)) < FLOAT32_SAFE:
                np.subtract(values, lo, out=index, dtype=np.float32, casting="unsafe")
                np.multiply(index, n / ((hi - lo) or 1.0), out=index)
            else:                       # ±1e308 levels: halves keep the span finite
                fraction = (values / 2 - lo / 2) / (hi / 2 - lo / 2)
                np.multiply(fraction, n, out=index, casting="unsafe")
            np.clip(index, 0, n - 1, out=index)
        np.copyto(index, n, where=np.isnan(index))
        np.copyto(codes, index, casting="unsafe")
        return np.take(self.table, codes, out=words, mode="clip")   # "raise" buffers `out`


def words_image(pixels: np.ndarray):
    """A QImage over ``pixels`` (rows, cols) contiguous uint32 colour words, without a copy (keep
    ``pixels`` alive while it is drawn); None for no pixels."""
    rows, cols = pixels.shape
    return QImage(pixels.data, cols, rows, 4 * cols,
                  QImage.Format_ARGB32_Premultiplied) if pixels.size else None


class CellImage(QGraphicsObject):
    """The grid's cells, one pixel each, drawn stretched over ``(0, 0, cols, rows)``."""

    def __init__(self):
        super().__init__()
        self._pixels = np.zeros((0, 0), np.uint32)
        self._step = 1
        self._qimage = None

    def set_pixels(self, pixels: np.ndarray, step: int = 1) -> None:
        """Show ``pixels`` (rows, cols) uint32 ARGB words (see :class:`ColourScale`), each
        drawn over ``step`` × ``step`` cells."""
        if pixels.shape != self._pixels.shape or step != self._step:
            self.prepareGeometryChange()
        self._step = step
        self._pixels = np.ascontiguousarray(pixels, np.uint32)      # the QImage's buffer
        self._qimage = words_image(self._pixels)
        self.update()

    def pixels(self) -> np.ndarray:
        return self._pixels

    def boundingRect(self):  # noqa: N802 (Qt name)
        rows, cols = self._pixels.shape
        return QRectF(0, 0, cols * self._step, rows * self._step)

    def paint(self, painter, option, widget=None):
        if self._qimage is not None:
            painter.drawImage(self.boundingRect(), self._qimage)


def _cells_path(cells) -> QPainterPath:
    path = QPainterPath()
    for r, c in cells:
        path.addRect(QRectF(float(c), float(r), 1.0, 1.0))
    return path


def _set_path(item: QGraphicsPathItem, path: QPainterPath) -> None:
    """Give ``item`` a new outline, leaving it alone when it has that one already (a new path
    repaints the whole view: a 512×512 image for an outline that did not move)."""
    if item.path() != path:
        item.setPath(path)


def _overlay(colour, width, fill_alpha=0, z=10, style=Qt.SolidLine):
    item = QGraphicsPathItem()
    pen = QPen(colours.qcolor(colour), width)
    pen.setCosmetic(True)
    pen.setStyle(style)
    pen.setJoinStyle(Qt.MiterJoin)
    item.setPen(pen)
    item.setBrush(QBrush(colours.qcolor(colour, fill_alpha)) if fill_alpha else Qt.NoBrush)
    item.setZValue(z)
    return item


class _Title(QLabel):
    """A grid's title that wraps: on one line "Input 512×512 + padding 20,20 (top, bottom),
    20,20 (left, right) = 552×552" made the Convolution 2D page 1141 pixels wide.

    It claims no height-for-width, which box layouts would honour by ignoring the grid's minimum
    height (the Pooling page's grids then overlapped its Size panel); its size hint already
    leaves room for the wrapped lines.
    """

    def __init__(self, text):
        super().__init__(text)
        self.setWordWrap(True)

    def hasHeightForWidth(self):  # noqa: N802 (Qt name)
        return False


class HeatMap(QWidget):
    """A labelled grid of numbers: colours for every cell, numbers where they fit, overlays.

    ``NaN`` cells are left empty (an output not computed yet). Rows and columns are the array's;
    a 1D signal is one row. :meth:`set_columns` places a row's cells at chosen columns of a wider
    strip (a 1D output under the input cells its centre touched); cell indices in signals and
    overlays stay the values' own.

    Signals
    -------
    sigCellHovered(int, int)
        ``(row, col)`` under the mouse, ``(-1, -1)`` when it leaves the grid.
    sigCellClicked(int, int)
        ``(row, col)`` clicked.
    """

    sigCellHovered = Signal(int, int)
    sigCellClicked = Signal(int, int)

    def __init__(self, title: str, role: str = "input", diverging: bool = False, parent=None, *,
                 lock_aspect: bool = True, cached: bool = False):
        super().__init__(parent)
        self._columns = None          # see set_columns
        self._total = 0
        self._shown_shape = None
        self._role = role
        self._lut = colours.DIVERGING_LUT if diverging else colours.GREY_LUT
        self._diverging = diverging
        self._values = np.zeros((0, 0))
        self._dim = None
        self._levels = (0.0, 1.0)
        self._hovered = (-1, -1)
        self._drawn_padding = None
        self._drawn_window = None

        self._title_text = title
        self._sampling = 1            # one cell in n drawn per axis (MAX_DRAWN_CELLS)
        self.title = _Title(title)
        self.title.setStyleSheet(f"color: {colours.ROLE_COLOURS[role]}; font-weight: bold;")
        self.view = pg.GraphicsView(background="w")
        self.view.setStyleSheet(f"border: 2px solid {colours.ROLE_COLOURS[role]};")
        self.view.setMinimumSize(40, 30)
        self.box = pg.ViewBox(invertY=True, lockAspect=lock_aspect, enableMenu=False)
        self.box.setMouseEnabled(False, False)
        self.box.setDefaultPadding(0.02)
        self.view.setCentralItem(self.box)

        self._background = QGraphicsPathItem()
        self._background.setBrush(QBrush(colours.qcolor(colours.EMPTY)))
        self._background.setPen(QPen(Qt.NoPen))
        self._background.setZValue(-1)
        self._scale = ColourScale(self._lut)
        self.image = CellImage()
        if cached:      # a grid whose values rarely change while its overlays move every step:
            # repainted from a pixmap, not the whole image (a grid that changes every step
            # would pay for the pixmap on top)
            self.image.setCacheMode(QGraphicsObject.DeviceCoordinateCache)
        self._grid = _overlay("#ffffff", 1, z=2)
        self._grid.pen().setCosmetic(True)
        self.numbers = CellNumbers(self._lut)
        self.numbers.setZValue(5)
        # pad cells: a grey veil whatever their value, hatched, with a dashed edge
        self._padding_fill = _overlay(colours.PADDING, 0, fill_alpha=120, z=3)
        self._padding_fill.setPen(QPen(Qt.NoPen))
        self._padding = _overlay(colours.PADDING, 2, z=4, style=Qt.DashLine)
        self._padding.setBrush(QBrush(colours.qcolor("#ffffff", 90), Qt.BDiagPattern))
        self._window = _overlay(colours.KERNEL, 3, fill_alpha=40, z=12)
        self._anchor = _overlay(colours.ANCHOR, 3, z=13, style=Qt.DotLine)
        self._hover = _overlay(colours.HOVER, 3, fill_alpha=60, z=14)
        self._winner = _overlay(colours.WINNER, 4, fill_alpha=70, z=15)
        for item in (self._background, self.image, self._grid, self.numbers, self._padding_fill,
                     self._padding, self._window, self._anchor, self._hover, self._winner):
            self.box.addItem(item)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)

        self.view.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.view.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.view.viewport().installEventFilter(self)

    # -- data ------------------------------------------------------------------------------
    def set_title(self, text: str) -> None:
        self._title_text = text
        self._show_title()

    def _show_title(self):
        text = self._title_text
        if self._sampling > 1:
            text += f" · 1 cell in {self._sampling}×{self._sampling} drawn"
        if self.title.text() != text:      # an equal setText would still re-lay out the page
            self.title.setText(text)
        self.title.setToolTip(
            f"More cells than this view has pixels: each drawn square shows the exact value of "
            f"the top-left cell of its {self._sampling}×{self._sampling} block" if
            self._sampling > 1 else "")

    def values(self) -> np.ndarray:
        """The values shown, float64 (rows, cols); NaN where a cell is empty."""
        return self._values

    def set_data(self, values, levels=None, dim_mask=None) -> None:
        """Show ``values`` (2D, or 1D as one row); ``levels`` fixes the colour range.

        ``dim_mask`` (bool, same shape) writes those cells' numbers in italics (padding).
        """
        array = np.ascontiguousarray(np.atleast_2d(values), dtype=float)
        self._values = array
        self._levels = tuple(levels) if levels is not None else colours.levels_for(
            array, self._diverging)
        self._dim = None if dim_mask is None else np.atleast_2d(np.asarray(dim_mask, bool))
        self.refresh()

    def set_columns(self, columns, total: int) -> None:
        """Draw value ``i`` of a one-row grid at column ``columns[i]`` of a ``total``-column
        strip (``None``: the values' own columns); call before :meth:`set_data`."""
        self._columns = None if columns is None else np.asarray(columns, dtype=int)
        self._total = int(total)
        self._drawn_window = None

    def _display(self, array):
        """What is drawn: ``array`` itself, or its row spread over the placed columns."""
        if self._columns is None or array is None:
            return array
        wide = np.full((array.shape[0], self._total), np.nan if array.dtype == float else False,
                       dtype=array.dtype)
        wide[:, self._columns] = array
        return wide

    def _view_cells(self, cells):
        """Value cells (row, col) -> drawn cells."""
        if self._columns is None:
            return cells
        return [(r, int(self._columns[c])) for r, c in cells]

    def levels(self) -> tuple[float, float]:
        """The colour range in use (values at or beyond it get the end colours)."""
        return self._levels

    def refresh(self) -> None:
        """Redraw after the array returned by :meth:`values` was changed in place."""
        shown = self._display(self._values)
        self._draw_image(shown)
        self.numbers.set_values(shown, self._levels, self._display(self._dim))
        if shown.shape != self._shown_shape or self._columns is not None:
            self._shown_shape = shown.shape
            rows, cols = shown.shape
            path = QPainterPath()
            if self._columns is None:
                path.addRect(QRectF(0, 0, cols, rows))
            else:
                path = _cells_path(self._view_cells([(0, c) for c in range(self._values.shape[1])]))
            self._background.setPath(path)
            self._grid.setPath(self._grid_path(rows, cols))
            self.box.setRange(QRectF(0, 0, cols, rows), padding=0.02)

    def _draw_image(self, shown):
        step = max(1, -(-max(shown.shape) // MAX_DRAWN_CELLS))
        image = shown[::step, ::step]
        # a drawn cell covers the step×step cells it stands for: overlays and clicks keep the
        # grid's own cell coordinates
        self.image.set_pixels(self._scale.pixels(image, self._levels), step)
        if step != self._sampling:
            self._sampling = step
            self._show_title()

    @staticmethod
    def _grid_path(rows, cols):
        path = QPainterPath()
        if max(rows, cols) > 40:  # lines between cells would hide a large image
            return path
        for r in range(1, rows):
            path.moveTo(0, r)
            path.lineTo(cols, r)
        for c in range(1, cols):
            path.moveTo(c, 0)
            path.lineTo(c, rows)
        return path

    # -- overlays --------------------------------------------------------------------------
    def set_padding(self, pads) -> None:
        """Hatch the pad frame; ``pads`` is ``((top, bottom), (left, right))`` or 1D ``((l, r),)``."""
        pads = tuple(tuple(int(v) for v in p) for p in pads)
        if len(pads) == 1:
            pads = ((0, 0),) + pads
        if (pads, self._shown_shape) == self._drawn_padding:
            return                              # unchanged: don't repaint a big image for nothing
        self._drawn_padding = (pads, self._shown_shape)
        (top, bottom), (left, right) = pads
        rows, cols = self._shown_shape
        path = QPainterPath()
        path.setFillRule(Qt.OddEvenFill)
        if top or bottom or left or right:
            path.addRect(QRectF(0, 0, cols, rows))
            path.addRect(QRectF(left, top, cols - left - right, rows - top - bottom))
        self._padding.setPath(path)
        self._padding_fill.setPath(path)

    def set_window(self, cells, anchor=None) -> None:
        """Outline ``cells`` ((row, col) pairs) as the kernel window; ``anchor`` is its centre."""
        key = (tuple(map(tuple, cells)), None if anchor is None else tuple(anchor))
        if key == self._drawn_window:
            return
        self._drawn_window = key
        self._window.setPath(_cells_path(self._view_cells(key[0])))
        self._anchor.setPath(_cells_path([] if anchor is None else self._view_cells([key[1]])))

    def set_hover(self, cells) -> None:
        """Highlight ``cells`` linked to the cell under the mouse (empty to clear)."""
        if not cells:
            # a page clears the links when its plan changes: the next move over the same cell
            # links it again
            self._hovered = (-1, -1)
        _set_path(self._hover, _cells_path(self._view_cells(cells)))

    def set_winner(self, cell) -> None:
        """Mark the cell max pooling keeps, or nothing with ``None``."""
        _set_path(self._winner, _cells_path([] if cell is None else self._view_cells([cell])))

    def window_cells(self) -> list[tuple[int, int]]:
        """The cells outlined as the window (for tests and tooltips)."""
        return self._path_cells(self._window)

    def hover_cells(self) -> list[tuple[int, int]]:
        return self._path_cells(self._hover)

    def _path_cells(self, item):
        path = item.path()
        cells = []
        for i in range(path.elementCount()):
            if i % 5 == 0:
                element = path.elementAt(i)
                cells.append(self._value_cell(int(round(element.y)), int(round(element.x))))
        return cells

    def view_point(self, row: int, col: int):
        """The centre of value cell (row, col) in the grid's view coordinates."""
        (r, c), = self._view_cells([(row, col)])
        return QPointF(c + 0.5, r + 0.5)

    def _value_cell(self, r, c):
        """A drawn cell -> the value cell drawn there, (-1, -1) for none."""
        if self._columns is None:
            return (r, c)
        hits = np.flatnonzero(self._columns == c)
        return (r, int(hits[0])) if hits.size else (-1, -1)

    # -- mouse -----------------------------------------------------------------------------
    def cell_at(self, scene_pos):
        point = self.box.mapSceneToView(scene_pos)
        r, c = math.floor(point.y()), math.floor(point.x())
        rows, cols = self._shown_shape or (0, 0)
        return self._value_cell(r, c) if 0 <= r < rows and 0 <= c < cols else (-1, -1)

    def _on_mouse_moved(self, scene_pos):
        self._emit_hover(self.cell_at(scene_pos))

    def _emit_hover(self, cell):
        if cell != self._hovered:
            self._hovered = cell
            self.sigCellHovered.emit(*cell)

    def _on_mouse_clicked(self, event):
        cell = self.cell_at(event.scenePos())
        if cell != (-1, -1):
            self.sigCellClicked.emit(*cell)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.Leave:
            self._emit_hover((-1, -1))
        return False
