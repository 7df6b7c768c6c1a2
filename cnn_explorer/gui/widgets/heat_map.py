"""HeatMap: a titled grid drawn as one image, with numbers when cells are big enough, and overlays.

Large grids (a 512×512 image) stay fast because the cells are one 32-bit ``QImage`` (a format
Qt's painter draws without converting: an 8-bit indexed image cost about 0.7 ms per repaint of a
512×512 grid, this one 0.1 ms), drawn by the view's own painter, and the numbers are
written only when a cell is wide enough to read (``cell_numbers``). Overlays (the padding frame,
the kernel window, the hover link, a max-pool winner) are paths in grid coordinates; one that
moves repaints only the cells it left and reached.
"""

import math

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QImage, QPainter, QPainterPath, QPen, QRegion, QTransform
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QVBoxLayout, QWidget

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.cell_numbers import longest_number, paint_numbers

#: The view's frame, in the grid's role colour, and the grid's margin inside it (a fraction of
#: the grid's size on each side).
FRAME_PX = 2
MARGIN = 0.02
#: Pixels repainted around an outline that moved (the widest pen is 4 px, centred on the edge).
OVERLAY_MARGIN_PX = 4
#: Cells along a side beyond which lines between them would hide the image.
MAX_LINED_CELLS = 40

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
        self._colour_table = [int(word) for word in self.table[:-1]]     # QImage's, for codes
        self._work = None
        self._codes8 = None

    def pixels(self, values: np.ndarray, levels) -> np.ndarray:
        """``values`` (rows, cols) float → (rows, cols) uint32, valid until the next call."""
        return self._words(self._index(values, levels))

    def _words(self, work):
        index, codes, words = work
        np.copyto(index, len(self.table) - 1, where=np.isnan(index))
        np.copyto(codes, index, casting="unsafe")
        return np.take(self.table, codes, out=words, mode="clip")   # "raise" buffers `out`

    def image(self, values: np.ndarray, levels):
        """``values`` (rows, cols) float → a QImage of their colours, which owns its pixels:
        opaque RGB without NaN, premultiplied ARGB with (None for no values).

        Without NaN and with at most 256 colours, Qt turns 8-bit codes into colours itself:
        0.08 ms for a 514×514 grid, where NumPy's gather from the table took 0.18 ms.
        """
        if not values.size:
            return None
        work = self._index(values, levels)
        index = work[0]
        if len(self.table) - 1 > 256 or np.isnan(index.min()):
            return words_image(self._words(work)).copy()    # its own: the words are rewritten
        rows, cols = values.shape
        if self._codes8 is None or self._codes8.shape[0] != rows or \
                self._codes8.shape[1] < cols or self._codes8.shape[1] > cols + 3:
            # each line of an 8-bit image starts on a 4-byte boundary
            self._codes8 = np.empty((rows, -(-cols // 4) * 4), np.uint8)
        np.copyto(self._codes8[:, :cols], index, casting="unsafe")
        codes = QImage(self._codes8.data, cols, rows, self._codes8.shape[1],
                       QImage.Format_Indexed8)
        codes.setColorTable(self._colour_table)
        return codes.convertToFormat(QImage.Format_RGB32)     # opaque: hides what is under it

    def _index(self, values, levels):
        """The work arrays, the first holding each value's colour index, NaN kept."""
        n = len(self.table) - 1
        lo, hi = (float(v) for v in levels)
        if self._work is None or self._work[0].shape != values.shape:
            self._work = (np.empty(values.shape, np.float32), np.empty(values.shape, np.uint16),
                          np.empty(values.shape, np.uint32))
        index = self._work[0]
        with np.errstate(invalid="ignore", over="ignore"):
            if max(abs(lo), abs(hi)) < FLOAT32_SAFE:
                np.subtract(values, lo, out=index, dtype=np.float32, casting="unsafe")
                np.multiply(index, n / ((hi - lo) or 1.0), out=index)
            else:                       # ±1e308 levels: halves keep the span finite
                fraction = (values / 2 - lo / 2) / (hi / 2 - lo / 2)
                np.multiply(fraction, n, out=index, casting="unsafe")
            np.clip(index, 0, n - 1, out=index)
        return self._work


def words_image(pixels: np.ndarray):
    """A QImage over ``pixels`` (rows, cols) contiguous uint32 colour words, without a copy (keep
    ``pixels`` alive while it is drawn); None for no pixels."""
    rows, cols = pixels.shape
    return QImage(pixels.data, cols, rows, 4 * cols,
                  QImage.Format_ARGB32_Premultiplied) if pixels.size else None


class _Overlay:
    """One kind of mark over the cells (the kernel window, the hover link...): a path in grid
    coordinates (columns, rows), drawn with its pen and brush in screen pixels."""

    def __init__(self, colour, width, fill_alpha=0, style=Qt.SolidLine):
        self.pen = QPen(colours.qcolor(colour), width) if width else QPen(Qt.NoPen)
        self.pen.setStyle(style if width else Qt.NoPen)
        self.pen.setJoinStyle(Qt.MiterJoin)
        self.brush = QBrush(colours.qcolor(colour, fill_alpha)) if fill_alpha else QBrush()
        self._path = QPainterPath()

    def path(self) -> QPainterPath:
        return self._path

    def set_path(self, path: QPainterPath):
        """The grid area to repaint (old and new outlines), None when the path is unchanged."""
        if path == self._path:
            return None
        changed = self._path.boundingRect() | path.boundingRect()
        self._path = path
        return changed

    def paint(self, painter, transform):
        if not self._path.isEmpty():
            painter.setPen(self.pen)
            painter.setBrush(self.brush)
            painter.drawPath(transform.map(self._path))


class _DashedEdges(_Overlay):
    """The outlines of its path's rectangles, dashed (Qt's dash pattern: 4 widths on, 2 off),
    drawn as the dashes' own rectangles: Qt's dashed pen stroked the padding's two outlines on
    a 552×552 grid in 0.17 ms at every repaint, the same dashes filled as rectangles in 0.05 ms.
    """

    def __init__(self, colour, width):
        super().__init__(colour, 0)
        self.brush = QBrush(colours.qcolor(colour))
        self._width = width
        self._dashes = (None, [])          # (the transform they were made for, the dashes)

    def set_path(self, path):
        changed = super().set_path(path)
        if changed is not None:
            self._dashes = (None, [])
        return changed

    def paint(self, painter, transform):
        if self._path.isEmpty():
            return
        key = (transform.m11(), transform.m22(), transform.dx(), transform.dy())
        if self._dashes[0] != key:
            rects = [transform.mapRect(polygon.boundingRect())
                     for polygon in self._path.toSubpathPolygons()]
            self._dashes = (key, [dash for rect in rects
                                  for dash in dashes(rect, self._width)])
        painter.setPen(Qt.NoPen)
        painter.setBrush(self.brush)
        painter.drawRects(self._dashes[1])


def dashes(rect: QRectF, width: float) -> list[QRectF]:
    """The dashes of ``rect``'s outline drawn with a ``width``-pixel dashed pen, as rectangles
    (the pen centred on the edge, dashes 4 widths long, gaps 2)."""
    on, off, half = 4 * width, 2 * width, width / 2
    left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
    out = []

    def run(start, end, make):
        while start < end:
            out.append(make(start, min(start + on, end)))
            start += on + off

    for y in (top, bottom):
        run(left - half, right + half, lambda a, b, y=y: QRectF(a, y - half, b - a, width))
    for x in (left, right):
        run(top + half, bottom - half, lambda a, b, x=x: QRectF(x - half, a, width, b - a))
    return out


def _cells_path(cells) -> QPainterPath:
    path = QPainterPath()
    for r, c in cells:
        path.addRect(QRectF(float(c), float(r), 1.0, 1.0))
    return path


class GridView(QWidget):
    """Where a :class:`HeatMap` draws: a frame in its role's colour, the grid scaled to fit with
    a 2% margin (square cells unless ``lock_aspect`` is False), one image of the cells, white
    lines between small grids' cells, the numbers where cells are readable, and the overlays.

    It draws with its own painter: a pyqtgraph view spent 0.1–0.3 ms more on every repaint (its
    scene's bookkeeping), even for a 3×3 grid, and a kernel edit repaints five grids.
    """

    sigResized = Signal()
    sigMouseMoved = Signal(object)     # the mouse's position (QPointF), None when it left
    sigClicked = Signal(object)        # a left click's position (QPointF)

    def __init__(self, role, lut, lock_aspect=True, parent=None):
        super().__init__(parent)
        self._frame = QPen(colours.qcolor(colours.ROLE_COLOURS[role]), FRAME_PX)
        self._frame.setJoinStyle(Qt.MiterJoin)
        self._lut = lut
        self._lock_aspect = lock_aspect
        self._shape = (0, 0)               # the grid's cells (rows, cols), as drawn
        self._step = 1
        self._qimage = None
        self._numbers = (np.zeros((0, 0)), (0.0, 1.0), None, 4)  # values, levels, dim, longest
        self._background = QPainterPath()
        self._lines = QPainterPath()
        self.below_numbers = []            # overlays drawn under the numbers (the padding's)
        self.above_numbers = []            # and over them (the window, hover, winner)
        self.setMinimumSize(40, 30)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMouseTracking(True)
        # a click takes the keys from a box or a check box, so Space and the arrows step (as
        # the pyqtgraph view did)
        self.setFocusPolicy(Qt.StrongFocus)
        self._pressed_at = None
        self.setAttribute(Qt.WA_OpaquePaintEvent)     # it fills its rectangle: no parent repaint

    def sizeHint(self):  # noqa: N802 (Qt name)
        return QSize(300, 240)

    # -- what is drawn ---------------------------------------------------------------------
    def set_image(self, image, step: int = 1) -> None:
        """Show ``image`` (a 32-bit QImage from :meth:`ColourScale.image`, one pixel
        a cell, or None), each pixel drawn over ``step`` × ``step`` cells."""
        self._step = step
        self._qimage = image
        self.update()

    def pixels(self) -> np.ndarray:
        """The colour words drawn, (rows, cols) uint32."""
        if self._qimage is None:
            return np.zeros((0, 0), np.uint32)
        image = self._qimage
        words = np.frombuffer(image.constBits(), np.uint32, image.sizeInBytes() // 4)
        return words.reshape(image.height(), -1)[:, :image.width()].copy()

    def set_numbers(self, values, levels, dim=None) -> None:
        """Write ``values`` (the grid's shape) on their cells where they are readable."""
        self._numbers = (values, levels, dim, longest_number(values))
        self.update()

    def set_shape(self, shape, background: QPainterPath) -> None:
        """The grid's size in cells and where it has cells (the empty colour shows there)."""
        self._shape = tuple(shape)
        self._background = background
        rows, cols = self._shape
        self._lines = QPainterPath()
        if max(rows, cols) <= MAX_LINED_CELLS:
            for r in range(1, rows):
                self._lines.moveTo(0, r)
                self._lines.lineTo(cols, r)
            for c in range(1, cols):
                self._lines.moveTo(c, 0)
                self._lines.lineTo(c, rows)
        self.update()

    def update_cells(self, area: QRectF) -> None:
        """Repaint the part of the view over ``area`` (grid coordinates), with an outline's
        width around it: an outline that moves repaints a few cells, not a 512×512 image."""
        transform = self.transform()
        if transform is not None and area.isValid():
            margin = OVERLAY_MARGIN_PX
            self.update(transform.mapRect(area).toAlignedRect().adjusted(
                -margin, -margin, margin, margin))
        elif area.isValid():
            self.update()

    # -- geometry --------------------------------------------------------------------------
    def transform(self):
        """Grid coordinates (x columns, y rows) → this widget's pixels; None with no grid."""
        rows, cols = self._shape
        inner = QRectF(self.rect()).adjusted(FRAME_PX, FRAME_PX, -FRAME_PX, -FRAME_PX)
        if not rows or not cols or inner.width() <= 0 or inner.height() <= 0:
            return None
        sx = inner.width() / (cols * (1 + 2 * MARGIN))
        sy = inner.height() / (rows * (1 + 2 * MARGIN))
        if self._lock_aspect:
            sx = sy = min(sx, sy)
        centre = inner.center()
        return QTransform(sx, 0, 0, sy, centre.x() - cols * sx / 2, centre.y() - rows * sy / 2)

    def to_view(self, x: float, y: float) -> QPointF:
        """Grid coordinates (x columns, y rows) → this widget's pixels."""
        transform = self.transform()
        return QPointF() if transform is None else transform.map(QPointF(x, y))

    def to_grid(self, point) -> tuple[float, float]:
        """This widget's pixels → grid coordinates (x columns, y rows); NaN with no grid."""
        transform = self.transform()
        if transform is None:
            return math.nan, math.nan
        grid = transform.inverted()[0].map(QPointF(point))
        return grid.x(), grid.y()

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.sigResized.emit()

    # -- drawing ---------------------------------------------------------------------------
    def paintEvent(self, event):  # noqa: N802 (Qt name)
        painter = QPainter(self)
        try:        # an exception must still end the painter: Qt would crash on the next paint
            self._paint(painter, event.rect())
        finally:
            painter.end()

    def _paint(self, painter, exposed):
        transform = self.transform()
        rows, cols = self._shape
        grid = QRectF() if transform is None else transform.mapRect(QRectF(0, 0, cols, rows))
        image = self._qimage
        # an opaque image over the whole grid hides whatever is under it: paint around it
        covered = (image is not None and not image.hasAlphaChannel()
                   and self._background.boundingRect() == QRectF(0, 0, cols, rows))
        if covered:         # the pixels wholly inside the grid: the image paints every one
            inside = QRect(QPoint(math.ceil(grid.left()), math.ceil(grid.top())),
                           QPoint(math.floor(grid.right()) - 1, math.floor(grid.bottom()) - 1))
            painter.setClipRegion(QRegion(exposed).subtracted(QRegion(inside)))
        painter.fillRect(exposed, Qt.white)
        painter.setPen(self._frame)
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        if transform is None:
            return
        if covered:
            painter.setClipping(False)
        else:
            painter.setPen(Qt.NoPen)
            painter.setBrush(QBrush(colours.qcolor(colours.EMPTY)))
            painter.drawPath(transform.map(self._background))
        if image is not None:
            painter.save()
            painter.setClipRect(grid, Qt.IntersectClip)   # a sampled image's last square
            painter.drawImage(transform.mapRect(QRectF(0, 0, image.width() * self._step,
                                                       image.height() * self._step)), image)
            painter.restore()
        if not self._lines.isEmpty():
            painter.setPen(QPen(Qt.white, 1))
            painter.setBrush(Qt.NoBrush)
            painter.drawPath(transform.map(self._lines))
        for overlay in self.below_numbers:
            overlay.paint(painter, transform)
        values, levels, dim, longest = self._numbers
        if values.size:
            cells = transform.inverted()[0].mapRect(QRectF(exposed))
            paint_numbers(painter, transform.map(QPointF(0, 0)), transform.m11(), values,
                          levels, self._lut, longest, dim,
                          (cells.top(), cells.bottom(), cells.left(), cells.right()),
                          transform.m22())
        for overlay in self.above_numbers:
            overlay.paint(painter, transform)

    # -- mouse -----------------------------------------------------------------------------
    def mouseMoveEvent(self, event):  # noqa: N802 (Qt name)
        self.sigMouseMoved.emit(event.position())
        super().mouseMoveEvent(event)

    def leaveEvent(self, event):  # noqa: N802 (Qt name)
        self.sigMouseMoved.emit(None)
        super().leaveEvent(event)

    def mousePressEvent(self, event):  # noqa: N802 (Qt name)
        if event.button() == Qt.LeftButton:
            self._pressed_at = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event):  # noqa: N802 (Qt name)
        # a click, not the end of a drag (the pyqtgraph view ignored drags too)
        pressed, self._pressed_at = self._pressed_at, None
        if event.button() == Qt.LeftButton and pressed is not None and \
                (event.position() - pressed).manhattanLength() < QApplication.startDragDistance():
            self.sigClicked.emit(event.position())
        super().mouseReleaseEvent(event)


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
        self._padding_fill = _Overlay(colours.PADDING, 0, fill_alpha=120)
        self._padding = _Overlay(colours.PADDING, 0)
        self._padding.brush = QBrush(colours.qcolor("#ffffff", 90), Qt.BDiagPattern)
        self._padding_edge = _DashedEdges(colours.PADDING, 2)
        self._window = _Overlay(colours.KERNEL, 3, fill_alpha=40)
        self._anchor = _Overlay(colours.ANCHOR, 3, style=Qt.DotLine)
        self._hover = _Overlay(colours.HOVER, 3, fill_alpha=60)
        self._winner = _Overlay(colours.WINNER, 4, fill_alpha=70)
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
                background = _cells_path(self._view_cells(
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
        changed = overlay.set_path(_cells_path(self._view_cells(cells)))
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
