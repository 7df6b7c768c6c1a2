"""Loss and accuracy curves: the running training average and the validation value per epoch."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.panel import legend

TRAIN_PEN = pg.mkPen(colours.SELECTED, width=2)
VAL_PEN = pg.mkPen(colours.WRONG, width=2)


def legend_label() -> QLabel:
    """The two series' names in their colours, for beneath the plots."""
    return legend(((TRAIN_PEN.color().name(), "training (running average)", "━━"),
                   (VAL_PEN.color().name(), "validation (end of each epoch)", "━●━")),
                  centred=True)


class _Series:
    """Growing x/y arrays that a PlotDataItem draws with ``setData`` (no per-point items)."""

    def __init__(self):
        self.x = np.empty(0)
        self.y = np.empty(0)

    def append(self, x, y):
        self.x = np.append(self.x, x)
        self.y = np.append(self.y, y)

    def replace(self, x, y):
        self.x = np.asarray(x, dtype=float)
        self.y = np.asarray(y, dtype=float)


class Curves(QWidget):
    """Two plots side by side, loss and accuracy, against epochs (fractional while training).

    ``add_snapshot`` appends the running training value at ``epoch + (batch + 1) / batches``; on an
    epoch-end snapshot it also adds the validation point at ``epoch + 1``. The axes' ranges are
    set, not auto-ranged (epochs from 0 to the run's last; loss from 0 to its largest value), so
    the axes are laid out once a run and when the loss leaves its range, not for every point (a
    fresh layout of an axis's ticks cost more than the rest of a frame). A call redraws the
    curves changed since the last redraw unless ``redraw=False``: the caller decides how often
    (the training page's frame clock), and ``flush()`` draws what is still pending.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._epochs = 1
        self._loss_top = 0.0
        self._series = {key: _Series() for key in ("loss", "accuracy", "val_loss", "val_accuracy")}
        self._items = {}
        self._pending = set()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        layout = QHBoxLayout()
        outer.addLayout(layout, 1)
        self.legend = legend_label()
        outer.addWidget(self.legend)
        for metric, title in (("loss", "Loss"), ("accuracy", "Accuracy")):
            plot = pg.PlotWidget()
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.setBackground("w")
            plot.setTitle(title, color="#222222", size="10pt")
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setTextPen("#333333")
                axis.setPen("#888888")
                # an axis and its grid lines were most of every repaint for a new point; cached,
                # they are drawn again only when their range or size changes (pyqtgraph then
                # calls update(), which drops the cache)
                axis.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setLabel("bottom", "epoch")
            plot.setMinimumSize(160, 120)
            plot.disableAutoRange()
            plot.setYRange(0, 1, padding=0.02)
            self._items[metric] = plot.plot(pen=TRAIN_PEN)
            self._items["val_" + metric] = plot.plot(
                pen=VAL_PEN, symbol="o", symbolSize=6, symbolBrush=VAL_PEN.color())
            setattr(self, f"{metric}_plot", plot)
            layout.addWidget(plot)
        self.set_epochs(1)

    def set_epochs(self, epochs):
        """The x axis runs from 0 to ``epochs`` (at least 1)."""
        self._epochs = max(1, epochs)
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.setXRange(0, self._epochs, padding=0.04)

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
            self._items[key].setData(series.x, series.y, connect="finite")
        losses = np.concatenate([self._series["loss"].y, self._series["val_loss"].y])
        finite = losses[np.isfinite(losses)]       # a diverging run's inf can't be a range end
        top = float(finite.max()) if finite.size else 1.0
        if top > self._loss_top or top < self._loss_top / 2:  # the range changes rarely
            self._loss_top = top * 1.1
            self.loss_plot.setYRange(0, self._loss_top, padding=0.02)
