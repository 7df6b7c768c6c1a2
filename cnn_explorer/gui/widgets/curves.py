"""Loss and accuracy curves: the running training average and the validation value per epoch."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from cnn_explorer.core.ticks import nice_ticks
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.panel import legend

TRAIN_PEN = QPen(QColor(colours.SELECTED), 2)
VAL_PEN = QPen(QColor(colours.WRONG), 2)
MARKER_PX = 6
AXIS_COLOUR, TEXT_COLOUR, TITLE_COLOUR = QColor("#888888"), QColor("#333333"), QColor("#222222")


def legend_label() -> QLabel:
    """The two series' names in their colours, for beneath the plots."""
    return legend(((TRAIN_PEN.color().name(), "training (running average)", "━━"),
                   (VAL_PEN.color().name(), "validation (end of each epoch)", "━●━")),
                  centred=True)


LARGEST = float(np.finfo(float).max)


def _padded(lo, hi, padding):
    """``(lo, hi)`` widened by ``padding`` of the span each side, staying finite."""
    pad = padding * 2 * (hi / 2 - lo / 2) or padding      # halves: ±1e308 stays finite
    return max(lo - pad, -LARGEST), min(hi + pad, LARGEST)


class CurvePlot(QWidget):
    """One metric against epochs: axes with round ticks and a faint grid, a line per series
    (broken where a value is not finite), the validation points marked.

    The frame, title, ticks and grid are one cached picture, drawn again only when the size or
    a range changes; a new point redraws the picture and the lines. The widget paints all of
    itself (no graphics scene): in the GUI thread while training, every millisecond of Python
    holds the interpreter lock the engine's threads need between their array operations.
    """

    def __init__(self, title, parent=None):
        super().__init__(parent)
        self._title = title
        self._x = (0.0, 1.0)
        self._y = (0.0, 1.0)
        self._series = {}           # key: (x, y, pen, marked)
        self._paths = {}            # key: the series' line in widget pixels (None: not yet)
        self._background = None
        self._kept_area = None
        self._font = QFont(self.font())
        self._title_font = QFont(self.font())
        self._title_font.setPointSize(10)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self.setMinimumSize(160, 120)

    def set_x_range(self, lo, hi, padding=0.04):
        self._set_range("_x", _padded(lo, hi, padding))

    def set_y_range(self, lo, hi, padding=0.02):
        self._set_range("_y", _padded(lo, hi, padding))

    def _set_range(self, name, value):
        if value != getattr(self, name):
            setattr(self, name, value)
            self._background = None
            self._paths = dict.fromkeys(self._paths)
            self.update()

    def view_range(self):
        """``[[x_lo, x_hi], [y_lo, y_hi]]`` shown, margins included."""
        return [list(self._x), list(self._y)]

    def set_series(self, key, x, y, pen, marked=False):
        self._series[key] = (np.asarray(x, float), np.asarray(y, float), pen, marked)
        self._paths[key] = None
        self.update()

    def drawn(self, key):
        """The x values of series ``key`` as last given (empty before)."""
        return self._series.get(key, (np.empty(0),))[0]

    # -- geometry --------------------------------------------------------------------------
    def _area(self) -> QRectF:
        """The plotting rectangle inside the title and the axes, in widget pixels (kept with
        the background picture: it depends on the same size and ranges)."""
        if self._background is not None and self._kept_area is not None:
            return self._kept_area
        self._kept_area = self._measure_area()
        return self._kept_area

    def _measure_area(self) -> QRectF:
        metrics = self.fontMetrics()
        top = QFontMetrics(self._title_font).height() + 8
        ticks, decimals = self._ticks("_y")
        left = max((metrics.horizontalAdvance(self._label(t, decimals)) for t in ticks),
                   default=0) + 12
        bottom = 2 * metrics.height() + 8
        return QRectF(left, top, max(1.0, self.width() - left - 10),
                      max(1.0, self.height() - top - bottom))

    def _ticks(self, name):
        lo, hi = getattr(self, name)
        pixels = self.width() if name == "_x" else self.height()
        return nice_ticks(lo, hi, max(2, pixels // (40 if name == "_x" else 35)))

    @staticmethod
    def _label(value, decimals):
        return f"{value:.{decimals}f}" if decimals else f"{value:.0f}"

    def _mapper(self):
        area = self._area()
        (x0, x1), (y0, y1) = self._x, self._y
        sx, sy = area.width() / (x1 - x0), area.height() / (y1 - y0)
        return (area, (lambda x: area.left() + (x - x0) * sx),
                (lambda y: area.bottom() - (y - y0) * sy))

    # -- drawing ---------------------------------------------------------------------------
    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._background = None
        self._paths = dict.fromkeys(self._paths)

    def _draw_background(self):
        self._kept_area = None
        pixmap = QPixmap(self.size() * self.devicePixelRatioF())
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        pixmap.fill(Qt.white)
        painter = QPainter(pixmap)
        try:            # a painter left active on the pixmap would break every later paint
            self._paint_background(painter)
        finally:
            painter.end()
        return pixmap

    def _paint_background(self, painter):
        area, to_x, to_y = self._mapper()
        metrics = self.fontMetrics()
        painter.setFont(self._title_font)
        painter.setPen(TITLE_COLOUR)
        painter.drawText(QRectF(0, 2, self.width(), area.top() - 4), Qt.AlignCenter, self._title)
        painter.setFont(self._font)
        grid = QColor(AXIS_COLOUR)
        grid.setAlpha(51)
        for name, to_pixel in (("_x", to_x), ("_y", to_y)):
            ticks, decimals = self._ticks(name)
            for tick in ticks:
                p = to_pixel(tick)
                painter.setPen(grid)
                if name == "_x":
                    painter.drawLine(QPointF(p, area.top()), QPointF(p, area.bottom()))
                    painter.setPen(AXIS_COLOUR)
                    painter.drawLine(QPointF(p, area.bottom()), QPointF(p, area.bottom() + 4))
                    painter.setPen(TEXT_COLOUR)
                    painter.drawText(QRectF(p - 30, area.bottom() + 5, 60, metrics.height()),
                                     Qt.AlignHCenter | Qt.AlignTop, self._label(tick, decimals))
                else:
                    painter.drawLine(QPointF(area.left(), p), QPointF(area.right(), p))
                    painter.setPen(AXIS_COLOUR)
                    painter.drawLine(QPointF(area.left() - 4, p), QPointF(area.left(), p))
                    painter.setPen(TEXT_COLOUR)
                    painter.drawText(QRectF(0, p - metrics.height() / 2, area.left() - 6,
                                            metrics.height()),
                                     Qt.AlignRight | Qt.AlignVCenter, self._label(tick, decimals))
        painter.setPen(TEXT_COLOUR)
        painter.drawText(QRectF(area.left(), area.bottom() + 5 + metrics.height(), area.width(),
                                metrics.height() + 2), Qt.AlignCenter, "epoch")
        painter.setPen(AXIS_COLOUR)
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        painter.drawLine(area.bottomLeft(), area.topLeft())

    def _path(self, key):
        if self._paths.get(key) is None:
            x, y, _, _ = self._series[key]
            _, to_x, to_y = self._mapper()
            if len(x):
                px, py = to_x(x), to_y(y)
                # an infinite value breaks the line (as NaN does); a far-off finite one stays a
                # finite number of pixels away
                py = np.where(np.isfinite(y), np.clip(py, -1e6, 1e6), np.nan)
                self._paths[key] = pg.arrayToQPath(px, py, connect="finite")
            else:
                self._paths[key] = pg.arrayToQPath(np.empty(0), np.empty(0))
        return self._paths[key]

    def paintEvent(self, event):  # noqa: N802 (Qt name)
        if self._background is None or self._background.size() != \
                self.size() * self.devicePixelRatioF():
            self._background = self._draw_background()
        painter = QPainter(self)
        try:
            self._paint_lines(painter)
        finally:
            painter.end()

    def _paint_lines(self, painter):
        painter.drawPixmap(0, 0, self._background)
        area, to_x, to_y = self._mapper()
        painter.setClipRect(area.adjusted(-MARKER_PX, -MARKER_PX, MARKER_PX, MARKER_PX))
        for key, (x, y, pen, marked) in self._series.items():
            painter.setPen(pen)
            painter.setBrush(Qt.NoBrush)
            painter.drawPath(self._path(key))
            if marked:
                painter.setBrush(pen.color())
                finite = np.isfinite(y)
                for px, py in zip(to_x(x[finite]).tolist(), to_y(y[finite]).tolist()):
                    painter.drawEllipse(QPointF(px, py), MARKER_PX / 2, MARKER_PX / 2)


class _Series:
    """Growing x/y arrays: a point is written into spare room, which doubles when full (a copy
    of the whole series per point, as ``np.append`` makes, is quadratic in a long run). ``x`` and
    ``y`` are views of the points so far; a later point never changes them."""

    def __init__(self):
        self.replace((), ())

    @property
    def x(self) -> np.ndarray:
        return self._xy[0, :self._n]

    @property
    def y(self) -> np.ndarray:
        return self._xy[1, :self._n]

    def append(self, x, y):
        if self._n == self._xy.shape[1]:
            grown = np.empty((2, max(16, 2 * self._n)))
            grown[:, :self._n] = self._xy[:, :self._n]
            self._xy = grown
        self._xy[:, self._n] = (x, y)
        self._n += 1

    def replace(self, x, y):
        self._xy = np.array([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
        self._n = self._xy.shape[1]


class Curves(QWidget):
    """Two plots side by side, loss and accuracy, against epochs (fractional while training).

    ``add_snapshot`` appends the running training value at ``epoch + (batch + 1) / batches``; on an
    epoch-end snapshot it also adds the validation point at ``epoch + 1``. The axes' ranges are
    set, not fitted to the points (epochs from 0 to the run's last; loss from 0 to its largest
    value), so the axes are drawn once a run and when the loss leaves its range, not for every
    point. A call redraws the curves changed since the last redraw unless ``redraw=False``: the
    caller decides how often (the training page's frame clock), and ``flush()`` draws what is
    still pending.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._epochs = 1
        self._loss_top = 0.0
        self._series = {key: _Series() for key in ("loss", "accuracy", "val_loss", "val_accuracy")}
        self._pending = set()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        layout = QHBoxLayout()
        outer.addLayout(layout, 1)
        self.legend = legend_label()
        outer.addWidget(self.legend)
        self.loss_plot = CurvePlot("Loss")
        self.accuracy_plot = CurvePlot("Accuracy")
        for plot in (self.loss_plot, self.accuracy_plot):
            layout.addWidget(plot)
        self.accuracy_plot.set_y_range(0, 1)
        self.set_epochs(1)
        self._redraw(self._series)      # the series' order is the drawing order

    def _plot(self, key):
        return self.loss_plot if key.endswith("loss") else self.accuracy_plot

    def set_epochs(self, epochs):
        """The x axis runs from 0 to ``epochs`` (at least 1)."""
        self._epochs = max(1, epochs)
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.set_x_range(0, self._epochs)

    def clear(self):
        self._loss_top = 0.0
        self.set_epochs(1)
        for key, series in self._series.items():
            series.replace([], [])
        self._pending = set()
        self._redraw(self._series)

    def data(self, key):
        """(x, y) arrays of ``key`` in "loss", "accuracy", "val_loss", "val_accuracy"."""
        series = self._series[key]
        return series.x, series.y

    def drawn(self, key):
        """The x values of ``key`` the plot draws (fewer than ``data`` while some wait)."""
        return self._plot(key).drawn(key)

    def set_history(self, history):
        """Show a finished run's per-epoch history (a loaded model): one point per epoch."""
        for key, series in self._series.items():
            values = [np.nan if v is None else v for v in history.get(key, [])]
            series.replace(np.arange(1, len(values) + 1), values)
        self.set_epochs(len(history.get("loss", [])))
        self._pending = set()
        self._redraw(self._series)

    def add_snapshot(self, snapshot, redraw=True):
        """Append ``snapshot``'s running loss/accuracy (and validation ones at an epoch end);
        ``redraw=False`` keeps the points until a later call (or ``flush``) draws them."""
        x = snapshot.epoch + (snapshot.batch + 1) / snapshot.batches_per_epoch
        if len(self._series["loss"].x) and x < self._series["loss"].x[-1]:
            # a run resumed after a stop inside an epoch trains that epoch again from its first
            # batch: the abandoned points go, or the curves would double back
            changed = set(self._series)
            for series in self._series.values():
                keep = series.x < x
                series.replace(series.x[keep], series.y[keep])
        else:
            changed = {"loss", "accuracy"}
        self._series["loss"].append(x, snapshot.loss)
        self._series["accuracy"].append(x, snapshot.accuracy)
        if snapshot.epoch_end and snapshot.val_loss is not None:
            self._series["val_loss"].append(x, snapshot.val_loss)
            self._series["val_accuracy"].append(x, snapshot.val_accuracy)
            changed.update(("val_loss", "val_accuracy"))
        # the whole run from its first point: the student sees how far it has come
        epochs = max(snapshot.epochs, snapshot.epoch + 1)
        if epochs != self._epochs:
            self.set_epochs(epochs)
        self._pending |= changed
        if redraw:
            self.flush()

    def flush(self):
        """Draw the points added with ``redraw=False``."""
        if self._pending:
            self._redraw(self._pending)
            self._pending = set()

    def _redraw(self, keys):
        for key in keys:
            series = self._series[key]
            validation = key.startswith("val_")
            self._plot(key).set_series(key, series.x, series.y,
                                       VAL_PEN if validation else TRAIN_PEN, marked=validation)
        losses = np.concatenate([self._series["loss"].y, self._series["val_loss"].y])
        finite = losses[np.isfinite(losses)]       # a diverging run's inf can't be a range end
        top = float(finite.max()) if finite.size else 1.0
        if top > self._loss_top or top < self._loss_top / 2:  # the range changes rarely
            self._loss_top = min(top * 1.1, LARGEST / 1.05)    # padded, still finite
            self.loss_plot.set_y_range(0, self._loss_top)
