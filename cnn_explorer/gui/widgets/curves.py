"""Loss and accuracy curves: the running training average and the validation value per epoch."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

TRAIN_PEN = pg.mkPen("#1f77b4", width=2)
VAL_PEN = pg.mkPen("#d62728", width=2)


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
    epoch-end snapshot it also adds the validation point at ``epoch + 1``.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._series = {key: _Series() for key in ("loss", "accuracy", "val_loss", "val_accuracy")}
        self._items = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for metric, title in (("loss", "Loss"), ("accuracy", "Accuracy")):
            plot = pg.PlotWidget(title=title)
            plot.setMenuEnabled(False)
            plot.setBackground("w")
            plot.setTitle(title, color="#222222", size="10pt")
            for side in ("left", "bottom"):
                plot.getAxis(side).setTextPen("#333333")
                plot.getAxis(side).setPen("#888888")
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setLabel("bottom", "epoch")
            plot.addLegend(offset=(5, -5) if metric == "loss" else (5, 5), labelTextSize="8pt")
            plot.setMinimumSize(160, 120)
            if metric == "accuracy":
                plot.setYRange(0, 1, padding=0.02)
                plot.getViewBox().setLimits(yMin=0, yMax=1.05)
            self._items[metric] = plot.plot(pen=TRAIN_PEN, name="train (running)")
            self._items["val_" + metric] = plot.plot(
                pen=VAL_PEN, symbol="o", symbolSize=6, symbolBrush=VAL_PEN.color(), name="validation")
            setattr(self, f"{metric}_plot", plot)
            layout.addWidget(plot)

    def clear(self):
        for key, series in self._series.items():
            series.replace([], [])
            self._items[key].setData([], [])

    def data(self, key):
        """(x, y) arrays of ``key`` in "loss", "accuracy", "val_loss", "val_accuracy"."""
        series = self._series[key]
        return series.x, series.y

    def set_history(self, history):
        """Show a finished run's per-epoch history (a loaded model): one point per epoch."""
        for key, series in self._series.items():
            values = [np.nan if v is None else v for v in history.get(key, [])]
            series.replace(np.arange(1, len(values) + 1), values)
        self._redraw(self._series)

    def add_snapshot(self, snapshot):
        """Append ``snapshot``'s running loss/accuracy (and validation ones at an epoch end)."""
        x = snapshot.epoch + (snapshot.batch + 1) / snapshot.batches_per_epoch
        changed = ["loss", "accuracy"]
        self._series["loss"].append(x, snapshot.loss)
        self._series["accuracy"].append(x, snapshot.accuracy)
        if snapshot.epoch_end and snapshot.val_loss is not None:
            self._series["val_loss"].append(x, snapshot.val_loss)
            self._series["val_accuracy"].append(x, snapshot.val_accuracy)
            changed += ["val_loss", "val_accuracy"]
        self._redraw(changed)

    def _redraw(self, keys):
        for key in keys:
            series = self._series[key]
            self._items[key].setData(series.x, series.y, connect="finite")
