"""Convolution 1D: the guide's first example, a kernel sliding along a signal, with plots."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from cnn_explorer.core import steps
from cnn_explorer.gui.pages.convolution.conv_page import ConvExplorerPage
from cnn_explorer.core.samples import signal_presets
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.heat_map import HeatMap

STRIP_HEIGHT = 78


def _strip(title, role, diverging):
    strip = HeatMap(title, role, diverging=diverging)
    strip.setFixedHeight(STRIP_HEIGHT)
    # one line each, so every strip's cells get the same height and width: a wrapping title
    # kept room for a second line in the longest one and shrank its cells out of line
    strip.title.setWordWrap(False)
    return strip


class Conv1DPage(ConvExplorerPage):
    """Signal and kernel on the left; a plot of signal and output, and the numbers, on the right.

    The numbers are four aligned strips: the padded signal with the window outlined, the kernel
    written under the cells it covers, their products, and the output filling in.
    """

    ndim = 1
    plan_function = staticmethod(steps.conv1d_plan)
    data_title = "Signal"
    data_presets = signal_presets()
    data_size_range = (1, 64)
    start_data = "guide's signal"
    start_kernel = "derivative [-1, 1]"
    start_anchor = (1,)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.recompute()

    def build_views(self):
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumHeight(180)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("bottom", "position in the signal")
        self.signal_curve = self.plot.plot(
            pen=pg.mkPen(colours.INPUT, width=2), symbol="o", symbolSize=7,
            symbolBrush=colours.INPUT, symbolPen=None)
        self.output_curve = self.plot.plot(
            pen=pg.mkPen(colours.OUTPUT, width=2), symbol="s", symbolSize=7,
            symbolBrush=colours.OUTPUT, symbolPen=None)
        self.window_region = pg.LinearRegionItem(
            movable=False, brush=colours.qcolor(colours.KERNEL, 50),
            pen=pg.mkPen(colours.KERNEL, width=1))
        self.plot.addItem(self.window_region)
        self.centre_line = pg.InfiniteLine(angle=90, movable=False,
                                           pen=pg.mkPen(colours.ANCHOR, style=Qt.DashLine))
        self.plot.addItem(self.centre_line)
        self.frame.views.addWidget(self.plot, 1)
        # beneath the plot: a legend inside it covered the curves wherever the signal went
        self.plot_legend = QLabel(
            f"<span style='color:{colours.INPUT}'>━●━</span> signal (input) &nbsp;&nbsp; "
            f"<span style='color:{colours.OUTPUT}'>━■━</span> output (written at the kernel's "
            f"centre) &nbsp;&nbsp; <span style='color:{colours.KERNEL}'>▮</span> kernel window "
            f"&nbsp;&nbsp; <span style='color:{colours.ANCHOR}'>┆</span> centre")
        self.plot_legend.setTextFormat(Qt.RichText)
        self.plot_legend.setAlignment(Qt.AlignCenter)
        self.frame.views.addWidget(self.plot_legend)

        self.input_map = _strip("Signal (padded)", "input", diverging=False)
        self.kernel_map = _strip("Kernel under its window", "kernel", diverging=True)
        self.products_map = _strip("Products (summed in the formula below)", "output", True)
        self.output_map = _strip("Output", "output", diverging=True)
        for strip in (self.input_map, self.kernel_map, self.products_map, self.output_map):
            self.frame.views.addWidget(strip)

    # -- drawing ---------------------------------------------------------------------------
    def show_plan(self, plan):
        padded = np.asarray(plan.padded)
        self.input_map.set_data(padded, dim_mask=np.asarray(plan.is_pad))
        self.input_map.set_padding(plan.pads)
        left, right = plan.pads[0]
        pad_text = f" + padding {left} left, {right} right" if left or right else ", no padding"
        mode = f" ({plan.pad_mode})" if left or right else ""
        self.input_map.set_title(f"Signal, {len(plan.x)} values{pad_text}{mode}")
        self._blank = np.full(padded.shape, np.nan)
        self._kernel_levels = colours.levels_for(np.asarray(plan.applied_kernel), diverging=True)
        flipped = " (flipped: true convolution)" if plan.flip else ""
        self.kernel_map.set_title(f"Kernel under its window{flipped}")
        self.output_map.set_title(f"Output, {plan.output_shape[0]} values")
        # Where each output is written on the signal's axis: under the kernel's centre.
        self._output_x = np.array([plan.step(n).centre[0] - left for n in range(plan.n_steps)])
        self.signal_curve.setData(np.arange(len(plan.x)), np.asarray(plan.x))
        self.plot.setYRange(*self._plot_range(plan), padding=0.08)
        self._clear_hover()

    @staticmethod
    def _plot_range(plan):
        values = np.concatenate([np.ravel(plan.x), np.ravel(plan.output)])
        return float(values.min()), float(values.max())

    def show_step(self, step):
        cells = self.window_cells(step)
        columns = [c for _, c in cells]
        self.input_map.set_window(cells, anchor=(0, step.centre[0]))
        kernel_row = self._blank.copy()
        kernel_row[columns] = np.asarray(step.kernel).ravel()
        self.kernel_map.set_data(kernel_row, levels=self._kernel_levels)
        self.kernel_map.set_window(cells, anchor=(0, step.centre[0]))
        products_row = self._blank.copy()
        products_row[columns] = np.asarray(step.products).ravel()
        self.products_map.set_data(products_row)
        self.output_map.set_window([(0, step.index[0])])
        done = step.n + 1
        self.output_curve.setData(self._output_x[:done], np.asarray(self.plan.output)[:done])
        left = self.plan.pads[0][0]
        self.window_region.setRegion((min(columns) - left - 0.5, max(columns) - left + 0.5))
        self.centre_line.setValue(step.centre[0] - left)
        self.formula.setText(f"<b>Output[{step.index[0]}]</b> = {step.formula()}")
