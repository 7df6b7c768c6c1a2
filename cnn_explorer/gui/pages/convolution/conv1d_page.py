"""Convolution 1D: the guide's first example, a kernel sliding along a signal, with plots."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QSizePolicy, QWidget

from cnn_explorer.core.conv_state import output_centres
from cnn_explorer.core.samples import signal_presets
from cnn_explorer.gui.pages.convolution.conv_page import ConvExplorerPage
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.heat_map import HeatMap
from cnn_explorer.gui.widgets.panel import legend

STRIP_MIN_HEIGHT = 56
STRIP_GAP = 6

PLOT_LEGEND = ((colours.INPUT, "signal (input)", "━○━"),
               (colours.OUTPUT, "output (written at the kernel's centre)", "╍■╍"),
               (colours.PADDING, "padding", "○"), (colours.KERNEL, "kernel window", "▮"),
               (colours.ANCHOR, "centre", "┆"))


class _Strips(QWidget):
    """The four strips stacked with exactly equal heights (a box layout hands the odd pixels of
    its height to some of them, and their cells came out a pixel out of line)."""

    def __init__(self, strips):
        super().__init__()
        self.strips = strips
        for strip in strips:
            strip.setParent(self)
            # one line each, so every strip's cells get the same height and width: a wrapping
            # title kept room for a second line in the longest one and shrank its cells
            strip.title.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Expanding)

    def minimumSizeHint(self):  # noqa: N802 (Qt name)
        return QSize(200, len(self.strips) * (STRIP_MIN_HEIGHT + STRIP_GAP))

    def sizeHint(self):  # noqa: N802 (Qt name)
        return self.minimumSizeHint()

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        each = self.height() // len(self.strips)
        for i, strip in enumerate(self.strips):
            strip.setGeometry(0, i * each, self.width(), each - STRIP_GAP)


def _strip(title, role):
    # cells as wide as the page allows, so a wider window shows larger numbers
    return HeatMap(title, role, diverging=True, lock_aspect=False)


class Conv1DPage(ConvExplorerPage):
    """Signal and kernel on the left; a plot of signal and output, and the numbers, on the right.

    The numbers are four strips on one axis, the padded signal's: the signal with the window
    outlined, the kernel written under the cells it covers, their products, and the output, each
    value under the input cell the kernel's centre touched. The plot above shares that axis.
    """

    ndim = 1
    data_title = "Signal"
    data_presets = signal_presets()
    data_size_range = (1, 64)
    start_data = "guide's signal"
    start_kernel = "derivative [-1, 1]"
    start_anchor = (1,)

    def build_views(self):
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumHeight(140)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.disableAutoRange()       # fixed axes per trace: stepping never rescales
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("bottom", "position in the signal")
        self.pad_regions = [pg.LinearRegionItem(movable=False, brush=colours.qcolor(
            colours.PADDING, 45), pen=pg.mkPen(None)) for _ in range(2)]
        for region in self.pad_regions:
            self.plot.addItem(region)
        self.window_region = pg.LinearRegionItem(
            movable=False, brush=colours.qcolor(colours.KERNEL, 50),
            pen=pg.mkPen(colours.KERNEL, width=1))
        self.plot.addItem(self.window_region)
        # hollow circles for the signal, small filled squares for the output: where both are
        # equal the output's square sits inside the signal's circle, and neither hides the other
        self.pad_curve = self.plot.plot(pen=None, symbol="o", symbolSize=11, symbolBrush=None,
                                        symbolPen=pg.mkPen(colours.PADDING, width=2))
        self.signal_curve = self.plot.plot(
            pen=pg.mkPen(colours.INPUT, width=2), symbol="o", symbolSize=12, symbolBrush=None,
            symbolPen=pg.mkPen(colours.INPUT, width=2))
        self.output_curve = self.plot.plot(
            pen=pg.mkPen(colours.OUTPUT, width=2, style=Qt.DashLine), symbol="s", symbolSize=6,
            symbolBrush=colours.OUTPUT, symbolPen=None)
        self.centre_line = pg.InfiniteLine(angle=90, movable=False,
                                           pen=pg.mkPen(colours.ANCHOR, style=Qt.DashLine))
        self.plot.addItem(self.centre_line)
        self.frame.views.addWidget(self.plot, 3)
        self.plot_legend = legend(PLOT_LEGEND, centred=True)
        self.frame.views.addWidget(self.plot_legend)

        self.input_map = _strip("Signal (padded)", "input")
        self.kernel_map = _strip("Kernel under its window", "kernel")
        self.products_map = _strip("Products (summed in the formula below)", "output")
        self.output_map = _strip("Output", "output")
        self.strips = _Strips([self.input_map, self.kernel_map, self.products_map,
                               self.output_map])
        self.frame.views.addWidget(self.strips, 2)
        self.plot.getViewBox().sigResized.connect(self._align_plot)
        self.input_map.view.sigResized.connect(self._align_plot)

    # -- drawing ---------------------------------------------------------------------------
    def show_new_output(self, output) -> int:
        # each output cell under the input cell its kernel's centre covers
        self.output_map.set_columns(*output_centres(self.state))
        return super().show_new_output(output)

    def show_plan(self, plan):
        padded, is_pad = np.asarray(plan.padded), np.asarray(plan.is_pad)
        self.input_map.set_data(padded, levels=self._levels, dim_mask=is_pad)
        self.input_map.set_padding(plan.pads)
        left, right = plan.pads[0]
        pad_text = f" + padding {left} left, {right} right" if left or right else ", no padding"
        mode = f" ({plan.pad_mode})" if left or right else ""
        self.input_map.set_title(f"Signal, {len(plan.x)} values{pad_text}{mode}")
        self._blank = np.full(padded.shape, np.nan)
        flipped = " (flipped: true convolution)" if plan.flip else ""
        self.kernel_map.set_title(f"Kernel under its window{flipped}")
        self.output_map.set_title(f"Output, {plan.output_shape[0]} values, each under the "
                                  "kernel's centre")
        self._output_x = output_centres(self.state)[0] - left
        n = len(plan.x)
        self.signal_curve.setData(np.arange(n), np.asarray(plan.x))
        self.pad_curve.setData(np.arange(-left, n + right)[is_pad], padded[is_pad])
        for region, (lo, hi) in zip(self.pad_regions, ((-left, 0), (n, n + right))):
            region.setVisible(hi > lo)
            region.setRegion((lo - 0.5, hi - 0.5))
        values = np.concatenate([padded, np.ravel(plan.output), [0.0]])
        self.plot.setYRange(float(values.min()), float(values.max()), padding=0.1)
        self._align_plot()
        self._clear_hover()

    def _align_plot(self, *_):
        """Put the plot's x axis on the strips' columns: signal value j over padded cell j + left."""
        if self.plan is None:
            return
        strip, columns = self.input_map, np.asarray(self.plan.padded).size

        s0 = strip.view.mapTo(self, strip.to_view(0, 0)).x()
        s1 = strip.view.mapTo(self, strip.to_view(columns, 0)).x()
        box = self.plot.getViewBox().sceneBoundingRect()

        def page_x(scene_point):
            return self.plot.mapTo(self, self.plot.mapFromScene(scene_point)).x()

        p0, p1 = page_x(box.topLeft()), page_x(box.topRight())
        cell = (s1 - s0) / columns
        if cell <= 0 or p1 <= p0:
            return
        start = (p0 - s0) / cell - self.plan.pads[0][0] - 0.5
        self.plot.setXRange(start, start + (p1 - p0) / cell, padding=0)

    def show_step(self, step):
        cells = self.window_cells(step)
        columns = [c for _, c in cells]
        self.input_map.set_window(cells, anchor=(0, step.centre[0]))
        kernel_row = self._blank.copy()
        kernel_row[columns] = np.asarray(step.kernel).ravel()
        self.kernel_map.set_data(kernel_row, levels=self._levels)
        self.kernel_map.set_window(cells, anchor=(0, step.centre[0]))
        products_row = self._blank.copy()
        products_row[columns] = np.asarray(step.products).ravel()
        self.products_map.set_data(products_row, levels=self._levels)
        self.output_map.set_window([(0, step.index[0])])
        done = self.stepper.step() + 1
        self.output_curve.setData(self._output_x[:done], np.asarray(self.plan.output)[:done])
        left = self.plan.pads[0][0]
        self.window_region.setRegion((min(columns) - left - 0.5, max(columns) - left + 0.5))
        self.centre_line.setValue(step.centre[0] - left)
        self.show_step_formula(step)
