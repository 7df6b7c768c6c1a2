"""GridView: where a HeatMap draws its grid, with its own painter, and the overlays on it.

The cells are one image (``colour_scale``), the numbers are written only where a cell is wide
enough to read (``cell_numbers``). Overlays (the padding frame, the kernel window, the hover
link, a max-pool winner) are paths in grid coordinates; one that moves repaints only the cells
it left and reached.
"""

import math

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen, QRegion, QTransform
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

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


class Overlay:
    """One kind of mark over the cells (the kernel window, the hover link...): a path in grid
    coordinates (columns, rows), drawn with its pen and brush in screen pixels."""

    def __init__(self, colour, width, fill_alpha=0):
        self.pen = QPen(colours.qcolor(colour), width) if width else QPen(Qt.NoPen)
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


class DashedEdges(Overlay):
    """The outlines of its path's rectangles, dashed (``on`` pen widths, then ``off``), drawn as
    the dashes' own rectangles. Qt's dashed pen stroked the padding's two outlines on a 552×552
    grid in 0.17 ms at every repaint, the same dashes filled as rectangles in 0.05 ms. Its
    dotted pen also began its dots anew inside a partly repainted area, so the centre's dotted
    outline changed where another outline moved across it; rectangles are the same at every
    repaint.
    """

    def __init__(self, colour, width, on=4, off=2):
        super().__init__(colour, 0)
        self.brush = QBrush(colours.qcolor(colour))
        self._width = width
        self._pattern = (on, off)
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
                                  for dash in dashes(rect, self._width, *self._pattern)])
        painter.setPen(Qt.NoPen)
        painter.setBrush(self.brush)
        painter.drawRects(self._dashes[1])


def dashes(rect: QRectF, width: float, on: float = 4, off: float = 2) -> list[QRectF]:
    """The dashes of ``rect``'s outline drawn with a ``width``-pixel dashed pen, as rectangles
    (the pen centred on the edge, dashes ``on`` widths long, gaps ``off`` widths)."""
    on, off, half = on * width, off * width, width / 2
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


def cells_path(cells) -> QPainterPath:
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
