"""HeatMap: a titled grid drawn as one image, with numbers when cells are big enough, and overlays.

The data side lives here (values, levels, placed columns, what is marked, which cell the mouse
is on); the drawing is ``grid_view.GridView``'s, the colours ``colour_scale.ColourScale``'s.
"""

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QPainterPath
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.colour_scale import ColourScale
from cnn_explorer.gui.widgets.grid_view import DashedEdges, GridView, Overlay, cells_path

#: Most cells drawn along a side. No view of a 1600×1000 window is this many pixels wide, and
#: Qt draws a larger image by picking one cell per screen pixel anyway, so a bigger grid is
#: drawn one cell in n along each axis (each drawn square holds the exact value of the top-left
#: cell of its n×n block) and the title says so: a 2048×2048 map costs a quarter of the work.
MAX_DRAWN_CELLS = 1024


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
    overlays stay the values' own. The grid is drawn in :attr:`view` (a :class:`GridView`).

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
                 lock_aspect: bool = True):
        super().__init__(parent)
        self._columns = None          # see set_columns
        self._total = 0
        self._shown_shape = None
        self._diverging = diverging
        lut = colours.DIVERGING_LUT if diverging else colours.GREY_LUT
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
        self.view = GridView(role, lut, lock_aspect)
        self._scale = ColourScale(lut)
        # pad cells: a grey veil whatever their value, hatched, with a dashed edge
        self._padding_fill = Overlay(colours.PADDING, 0, fill_alpha=120)
        self._padding = Overlay(colours.PADDING, 0)
        self._padding.brush = QBrush(colours.qcolor("#ffffff", 90), Qt.BDiagPattern)
        self._padding_edge = DashedEdges(colours.PADDING, 2)
        self._window = Overlay(colours.KERNEL, 3, fill_alpha=40)
        # dots as Qt's dotted pen drew them (one width, square caps): 2 widths on, 1 off
        self._anchor = DashedEdges(colours.ANCHOR, 3, on=2, off=1)
        self._hover = Overlay(colours.HOVER, 3, fill_alpha=60)
        self._winner = Overlay(colours.WINNER, 4, fill_alpha=70)
        self.view.below_numbers = [self._padding_fill, self._padding, self._padding_edge]
        self.view.above_numbers = [self._window, self._anchor, self._hover, self._winner]

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)

        self.view.sigMouseMoved.connect(self._on_mouse_moved)
        self.view.sigClicked.connect(self._on_mouse_clicked)

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
        self.view.set_numbers(shown, self._levels, self._display(self._dim))
        if shown.shape != self._shown_shape or self._columns is not None:
            self._shown_shape = shown.shape
            rows, cols = shown.shape
            if self._columns is None:
                background = QPainterPath()
                background.addRect(QRectF(0, 0, cols, rows))
            else:
                background = cells_path(self._view_cells(
                    [(0, c) for c in range(self._values.shape[1])]))
            self.view.set_shape(shown.shape, background)

    def _draw_image(self, shown):
        step = max(1, -(-max(shown.shape) // MAX_DRAWN_CELLS))
        image = shown[::step, ::step]
        # a drawn cell covers the step×step cells it stands for: overlays and clicks keep the
        # grid's own cell coordinates
        self.view.set_image(self._scale.image(image, self._levels), step)
        if step != self._sampling:
            self._sampling = step
            self._show_title()

    def pixels(self) -> np.ndarray:
        """The colour words drawn (rows, cols) uint32: one per cell, or per sampled cell."""
        return self.view.pixels()

    # -- overlays --------------------------------------------------------------------------
    def _mark(self, overlay, cells) -> None:
        """Outline value ``cells`` with ``overlay``, repainting only where it changed."""
        changed = overlay.set_path(cells_path(self._view_cells(cells)))
        if changed is not None:
            self.view.update_cells(changed)

    def set_padding(self, pads) -> None:
        """Hatch the pad frame; ``pads`` is ``((top, bottom), (left, right))`` or 1D ``((l, r),)``."""
        pads = tuple(tuple(int(v) for v in p) for p in pads)
        if len(pads) == 1:
            pads = ((0, 0),) + pads
        if (pads, self._shown_shape) == self._drawn_padding:
            return
        self._drawn_padding = (pads, self._shown_shape)
        (top, bottom), (left, right) = pads
        rows, cols = self._shown_shape
        path = QPainterPath()
        path.setFillRule(Qt.OddEvenFill)
        if top or bottom or left or right:
            path.addRect(QRectF(0, 0, cols, rows))
            path.addRect(QRectF(left, top, cols - left - right, rows - top - bottom))
        for overlay in (self._padding_fill, self._padding, self._padding_edge):
            changed = overlay.set_path(path)
        if changed is not None:
            self.view.update_cells(changed)

    def set_window(self, cells, anchor=None) -> None:
        """Outline ``cells`` ((row, col) pairs) as the kernel window; ``anchor`` is its centre."""
        key = (tuple(map(tuple, cells)), None if anchor is None else tuple(anchor))
        if key == self._drawn_window:
            return
        self._drawn_window = key
        self._mark(self._window, key[0])
        self._mark(self._anchor, [] if anchor is None else [key[1]])

    def set_hover(self, cells) -> None:
        """Highlight ``cells`` linked to the cell under the mouse (empty to clear)."""
        if not cells:
            # a page clears the links when its plan changes: the next move over the same cell
            # links it again
            self._hovered = (-1, -1)
        self._mark(self._hover, cells)

    def set_winner(self, cell) -> None:
        """Mark the cell max pooling keeps, or nothing with ``None``."""
        self._mark(self._winner, [] if cell is None else [cell])

    def window_cells(self) -> list[tuple[int, int]]:
        """The cells outlined as the window (for tests and tooltips)."""
        return self._path_cells(self._window)

    def hover_cells(self) -> list[tuple[int, int]]:
        return self._path_cells(self._hover)

    def _path_cells(self, overlay):
        path = overlay.path()
        cells = []
        for i in range(path.elementCount()):
            if i % 5 == 0:
                element = path.elementAt(i)
                cells.append(self._value_cell(int(round(element.y)), int(round(element.x))))
        return cells

    def view_point(self, row: int, col: int):
        """The centre of value cell (row, col) in grid coordinates (x columns, y rows)."""
        (r, c), = self._view_cells([(row, col)])
        return QPointF(c + 0.5, r + 0.5)

    def to_view(self, x: float, y: float) -> QPointF:
        """Grid coordinates (x columns, y rows, see :meth:`view_point`) → pixels of :attr:`view`."""
        return self.view.to_view(x, y)

    def _value_cell(self, r, c):
        """A drawn cell -> the value cell drawn there, (-1, -1) for none."""
        if self._columns is None:
            return (r, c)
        hits = np.flatnonzero(self._columns == c)
        return (r, int(hits[0])) if hits.size else (-1, -1)

    # -- mouse -----------------------------------------------------------------------------
    def cell_at(self, pos):
        """The value cell (row, col) at ``pos`` (pixels of :attr:`view`), (-1, -1) for none."""
        x, y = self.view.to_grid(pos)
        rows, cols = self._shown_shape or (0, 0)
        if not (0 <= y < rows and 0 <= x < cols):       # NaN (no grid) is outside too
            return (-1, -1)
        return self._value_cell(math.floor(y), math.floor(x))

    def _on_mouse_moved(self, pos):
        self._emit_hover((-1, -1) if pos is None else self.cell_at(pos))

    def _emit_hover(self, cell):
        if cell != self._hovered:
            self._hovered = cell
            self.sigCellHovered.emit(*cell)

    def _on_mouse_clicked(self, pos):
        cell = self.cell_at(pos)
        if cell != (-1, -1):
            self.sigCellClicked.emit(*cell)
