"""The training page's live views, their layout and how often they are drawn: curves, filters
(where a snapshot's kernels become filter images), feature maps, predictions, confusion, drawing."""

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QScrollArea,
                               QSizePolicy, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.confusion_matrix import ConfusionMatrixView
from cnn_explorer.gui.widgets.curves import Curves
from cnn_explorer.gui.widgets.draw_canvas import DrawCanvas
from cnn_explorer.gui.widgets.feature_maps import FeatureMaps
from cnn_explorer.gui.widgets.filter_detail import FILM_FRAMES, FilterDetail
from cnn_explorer.gui.widgets.filter_grid import FilterGrid
from cnn_explorer.gui.widgets.prediction_grid import PredictionGrid
from cnn_explorer.gui.widgets.panel import button, group, wrapped


# Three frames a second. Each frame's drawing holds the interpreter lock the engine's threads
# need between their array operations: at 5 frames/s the run trained at 94% of the engine's
# speed without a window, at 3 frames/s at 100% (the median of 10 paired runs each).
FRAME_MS = 333
PROBE_EVERY = 3      # predictions and feature maps once a second
SLOW_EVERY = 2       # curves and the speed text 1.5 times a second
_clock = time.monotonic
FIRST_TEST_IMAGE = "Feature maps of test image 1 (click an image below to choose)"


def _first_filters(kernels):
    """The first conv layer's kernels (kh, kw, cin, cout) as the grid draws them: (cout, kh, kw)
    on grey data, (cout, kh, kw, cin) otherwise (each filter's slices, R, G, B on colour data)."""
    return np.moveaxis(kernels[:, :, 0, :] if kernels.shape[2] == 1 else kernels, -1, 0)


def _side_by_side(kernel):
    """One filter (kh, kw, cin) as the numbers the detail shows: (kh, cin · (kw + 1) - 1), its
    slices left to right with an empty (NaN) column between them (the filter itself on grey
    data)."""
    kh, kw, cin = kernel.shape
    cells = np.full((kh, cin * (kw + 1) - 1), np.nan, dtype=np.float64)
    for k in range(cin):
        cells[:, k * (kw + 1):k * (kw + 1) + kw] = kernel[:, :, k]
    return cells


def _slice_names(channels):
    return "R | G | B" if channels == 3 else f"{channels} channel"


class ProbabilityBars(QWidget):
    """One bar per class: the model's probability for the drawn image."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.probabilities = None
        self._plot = pg.PlotWidget()
        self._plot.setBackground("w")
        self._plot.setMenuEnabled(False)
        self._plot.setMouseEnabled(False, False)
        self._plot.hideButtons()
        self._plot.setYRange(0, 1, padding=0)
        self._plot.getAxis("left").setTicks([[(0, "0"), (0.5, ".5"), (1, "1")]])
        for side in ("left", "bottom"):
            self._plot.getAxis(side).setTextPen("#333333")
        self._bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=colours.SELECTED)
        self._plot.addItem(self._bars)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._plot)
        self.setMinimumHeight(90)

    def set_probabilities(self, probabilities, class_names):
        probabilities = np.asarray(probabilities, dtype=float)
        self.probabilities = probabilities
        k = len(probabilities)
        brushes = [colours.SELECTED] * k
        brushes[int(probabilities.argmax())] = colours.OUTPUT
        self._bars.setOpts(x=np.arange(k), height=probabilities, brushes=brushes)
        names = [str(c)[:5] for c in class_names]
        self._plot.getAxis("bottom").setTicks([list(enumerate(names))])
        self._plot.setXRange(-0.6, k - 0.4, padding=0)


class TrainingViews(QWidget):
    """All the live views; the page feeds them numbers (the views compute nothing).

    ``frame_clock`` is the one limit on how often they are drawn while training: at each tick
    the views ask for a frame (``sigFrameWanted``), and for new predictions too when none came
    for ``PROBE_EVERY`` ticks (``probe_came``); the worker answers after its next batch. A tick
    also draws one view that ``later()`` put off (``flush_later()`` draws the rest), so that an
    epoch's end does not draw the curves, the confusion matrix and the predictions in one turn
    of the event loop.

    Signals
    -------
    sigFrameWanted(bool)
        Draw the next batch's frame; True: with predictions and every weight.
    """

    sigFrameWanted = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.frame_clock = QTimer(self)
        self.frame_clock.setInterval(FRAME_MS)
        self.frame_clock.timeout.connect(self._tick)
        self._ticks = 0
        self._probe_in = PROBE_EVERY    # ticks until the next frame asks for predictions too
        self._last_slow = -math.inf     # when a frame last drew every view
        self._later = {}            # view name: a function drawing its newest data
        self.kernels = ()
        self.film = []              # (step, first conv layer's kernels (kh, kw, cin, cout))
        self._film_gap = 1
        self.chosen = 0             # the first conv layer's filter shown large
        self.curves = Curves()
        self.filters1 = FilterGrid("First conv layer")
        self.filters2 = FilterGrid("Second conv layer")
        self.filters1.setToolTip("Click a filter to see it large, with its numbers and history")
        self.filters1.sigFilterClicked.connect(self.choose_filter)
        self.detail = FilterDetail()
        self.channel = QSpinBox()
        self.channel.setToolTip("The input channel of the second conv layer whose weights are shown")
        self.channel.setPrefix("input channel ")
        self.channel.valueChanged.connect(lambda _: self.show_kernels(self.kernels))
        channel_row = QHBoxLayout()
        channel_row.addWidget(self.channel)
        channel_row.addStretch(1)
        self.feature_maps = FeatureMaps()
        self.feature_title = QLabel(FIRST_TEST_IMAGE)
        self.predictions = PredictionGrid(columns=8)
        self.predictions.setToolTip("Click an image to see its feature maps above")
        self.predictions_title = wrapped("Test images: predicted class and confidence")
        self.predictions_title.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.show_test = button("Back to test images", "Show the test images again instead of one confusion cell's")
        self.show_test.hide()
        title_row = QHBoxLayout()
        title_row.addWidget(self.predictions_title, 1)
        title_row.addWidget(self.show_test)
        self.confusion = ConfusionMatrixView()
        self.canvas = DrawCanvas()
        self.seen = DrawCanvas()
        self.seen.setAttribute(Qt.WA_TransparentForMouseEvents)   # shown, not drawn on
        self.seen.setToolTip("What the network is given: the drawing cropped to its ink, scaled "
                             "into 20×20 and centred by its centre of mass, as MNIST's digits were")
        self.seen.setMinimumSize(56, 56)
        self.clear_button = button("Clear", "Wipe the drawing to draw another digit")
        # wrapped: a long verdict ("No prediction: …") widened the whole page, and the window
        self.draw_result = wrapped("Draw a digit")
        self.draw_result.setAlignment(Qt.AlignCenter)
        self.bars = ProbabilityBars()
        draw_row = QHBoxLayout()
        draw_row.addWidget(self.draw_result, 1)
        draw_row.addWidget(self.clear_button)
        seen_column = QVBoxLayout()
        seen_column.addWidget(wrapped("The network sees:"))
        seen_column.addWidget(self.seen, 1)
        pictures = QHBoxLayout()
        pictures.addWidget(self.canvas, 3)
        pictures.addLayout(seen_column, 1)

        grids = QWidget()
        grid_column = QVBoxLayout(grids)
        grid_column.setContentsMargins(0, 0, 4, 0)
        grid_column.addWidget(self.filters1)
        grid_column.addWidget(self.filters2)
        grid_column.addLayout(channel_row)
        grid_column.addStretch(1)
        self.filters_scroll = QScrollArea()
        self.filters_scroll.setWidget(grids)
        self.filters_scroll.setWidgetResizable(True)
        self.filters_scroll.setFrameShape(QScrollArea.NoFrame)
        self.filters_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.filters_scroll.setMinimumWidth(160)
        filters = QHBoxLayout()
        filters.addWidget(self.filters_scroll, 3)
        filters.addWidget(self.detail, 2)
        top = QSplitter(Qt.Horizontal)
        top.addWidget(group("Loss and accuracy", self.curves))
        filters_box = QGroupBox("Filters (weights)")
        filters_box.setLayout(filters)
        top.addWidget(filters_box)
        bottom = QSplitter(Qt.Horizontal)
        bottom.addWidget(group("Predictions", title_row, self.predictions, stretch=(0, 1)))
        bottom.addWidget(group("Validation", self.confusion))
        bottom.addWidget(group("Draw a digit", pictures, draw_row, self.bars, stretch=(3, 0, 2)))
        rows = QSplitter(Qt.Vertical)
        rows.addWidget(top)
        rows.addWidget(group("Feature maps (click a map to enlarge it)", self.feature_title,
                              self.feature_maps, stretch=(0, 1)))
        rows.addWidget(bottom)
        for splitter in (top, bottom, rows):
            splitter.setChildrenCollapsible(False)
        # the filters get the room beyond the default window's: they are what changes
        top.setStretchFactor(0, 1)
        top.setStretchFactor(1, 2)
        rows.setStretchFactor(0, 3)
        rows.setStretchFactor(1, 1)
        rows.setStretchFactor(2, 1)
        self._splitters = (top, bottom, rows)
        self._sized = False
        for splitter in self._splitters:
            splitter.splitterMoved.connect(self._on_splitter_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(rows)

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self._sized:
            return      # the user moved a splitter: their sizes stay
        # shares of the real size (sizes set before the first layout were scaled as a whole, so
        # a large window gave all the extra room to the bottom row)
        top, bottom, rows = self._splitters
        width, height = max(self.width(), 600), max(self.height(), 400)
        top.setSizes([int(width * 0.36), int(width * 0.64)])
        bottom.setSizes([int(width * 0.4), int(width * 0.35), int(width * 0.25)])
        rows.setSizes([int(height * 0.42), int(height * 0.24), int(height * 0.34)])

    def _on_splitter_moved(self):
        self._sized = True

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.curves.flush()     # the points that came while another page was shown

    def _tick(self):
        self._ticks += 1
        if self._later and self.isVisible():    # another page is shown: they wait for this one
            self._later.pop(next(iter(self._later)))()
        self._probe_in -= 1
        probe = self._probe_in <= 0
        if probe:
            self._probe_in = PROBE_EVERY
        self.sigFrameWanted.emit(probe)

    def probe_came(self):
        """New predictions arrived (asked for, or an epoch's end): the next are asked for
        ``PROBE_EVERY`` ticks from now, not sooner (short epochs each bring their own)."""
        self._probe_in = PROBE_EVERY

    def later(self, name, draw):
        """Call ``draw()`` at a coming tick of the frame clock, one such call a tick; a newer
        ``draw`` for the same ``name`` replaces one still waiting."""
        self._later.pop(name, None)
        self._later[name] = draw

    def flush_later(self):
        """Draw at once what ``later()`` put off (the run ended: the clock stops)."""
        while self._later:
            self._later.pop(next(iter(self._later)))()

    def show_frame(self, snapshot, clocked=True):
        """Show a training ``snapshot``: its curve points and kernels. A ``clocked`` frame (one the
        clock asked for) redraws the curves, the second layer's filters and the chosen filter only
        once ``SLOW_EVERY`` ticks have passed since the last that did, and at an epoch's end;
        returns whether this frame is one of those slower ones (the page's speed text)."""
        # by time, not by the tick's parity: frames that come every other tick (a slow batch)
        # would all be fast ones, and the curves and the chosen filter would wait for an epoch
        now = _clock()
        slow = (not clocked or now - self._last_slow >= 0.9 * SLOW_EVERY * FRAME_MS / 1000
                or snapshot.epoch_end or snapshot.done)
        if slow:
            self._last_slow = now
        self.curves.add_snapshot(snapshot, redraw=slow and self.isVisible())
        self.show_kernels(snapshot.conv_kernels, snapshot.step, everything=slow)
        return slow

    def reset(self, model):
        """A new model: take the colour scales from its weights, forget the old film and curves."""
        self.filters1.reset_level()
        self.filters2.reset_level()
        self.film = []
        self._film_gap = 1
        self.curves.clear()

    def show_kernels(self, kernels, step=None, everything=True):
        """Show the first two conv layers' kernels, each (kh, kw, cin, cout); a ``step`` (the
        batch they are after) adds a frame to the chosen filter's film. Without ``everything``
        only the first layer's grid is drawn again (the rest waits for a slower frame: what a
        frame draws, it draws holding the lock the training threads need)."""
        self.kernels = tuple(kernels)
        if len(kernels) == 0:
            self.filters1.clear("This model has no Conv2D layer: no filters to show.")
            self.detail.clear("No filter to show")
        else:
            first = kernels[0]
            self.filters1.set_filters(_first_filters(first))
            kh, kw, cin, cout = first.shape
            slices = f"×{cin} as {_slice_names(cin)} slices" if cin > 1 else ""
            self.filters1.set_title(f"First conv layer: {cout} filters {kh}×{kw}{slices} "
                                    "(click one)")
            if step is not None:
                self._record(step, first)
            self.chosen = min(self.chosen, first.shape[3] - 1)
            if everything:
                self._show_chosen()
            else:
                self.filters1.select(self.chosen)
        if not everything:
            return
        if self.filters2.isHidden() == (len(kernels) > 1):
            self.filters2.setVisible(len(kernels) > 1)
            self.channel.setVisible(len(kernels) > 1)
        if len(kernels) > 1:
            second = kernels[1]
            if self.channel.maximum() != second.shape[2] - 1:  # setMaximum re-lays the window out
                self.channel.setMaximum(second.shape[2] - 1)
            self.filters2.set_filters(np.moveaxis(second[:, :, self.channel.value(), :], -1, 0))
            self.filters2.set_title(f"Second conv layer: {second.shape[3]} filters "
                                    f"{second.shape[0]}×{second.shape[1]}, weights on input channel "
                                    f"{self.channel.value()}")

    def _record(self, step, kernels):
        """Keep a frame every ``_film_gap`` batches; when the film is full, every other one goes
        and the gap doubles, so a whole run fits in it."""
        if self.film and step < self.film[-1][0] + self._film_gap:
            return
        self.film.append((step, kernels))
        if len(self.film) > FILM_FRAMES:
            self.film = self.film[::2]
            self._film_gap *= 2

    def choose_filter(self, index):
        """Show the first conv layer's filter ``index`` large, with its numbers and film."""
        self.chosen = index
        self._show_chosen()

    def _show_chosen(self):
        first = self.kernels[0]
        self.filters1.select(self.chosen)
        cin = first.shape[2]
        film = [(step, _side_by_side(k[..., self.chosen])) for step, k in self.film]
        # a short title on colour data: the slices' names must stay beside the cells
        self.detail.show_filter(f"Filter {self.chosen + 1}: {_slice_names(cin)} slices" if cin > 1
                                else f"Filter {self.chosen + 1} of the first conv layer",
                                _side_by_side(first[..., self.chosen]), self.filters1.level, film)
