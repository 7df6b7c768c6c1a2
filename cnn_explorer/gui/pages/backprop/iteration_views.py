"""The right side of the "Learn a kernel" page: one iteration's grids, the curves, the kernel bank."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from cnn_explorer.core.levels import levels_for
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.heat_map import HeatMap
from cnn_explorer.gui.widgets.panel import wrapped

LOSS_PEN = pg.mkPen(colours.SELECTED, width=2)
DISTANCE_PEN = pg.mkPen(colours.KERNEL, width=2)


def _empty(shape):
    return np.full(shape, np.nan)


def _plot(title, left, log):
    """A still plot (no mouse, no menu) in the training curves' colours, against the iteration."""
    plot = pg.PlotWidget(background="w", labels={"bottom": "iteration", "left": left})
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.vb.setMouseEnabled(False, False)
    item.setTitle(title, color="#222222", size="9pt")
    for axis in map(item.getAxis, ("left", "bottom")):
        axis.setTextPen("#333333")
        axis.setPen("#888888")
    item.showGrid(x=True, y=True, alpha=0.2)
    item.setLogMode(False, log)
    plot.setMinimumSize(160, 100)
    return plot


class LearnCurves(QWidget):
    """Loss (log scale) and distance to the target kernel against the iteration."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.loss_plot = _plot("Loss (mean squared error, log scale)", "L", log=True)
        # linear: a log axis spanning less than a decade wrote its labels over each other
        self.distance_plot = _plot("Distance to the target kernel", "max |K − T|", log=False)
        self._loss = self.loss_plot.plot(pen=LOSS_PEN)
        self._distance = self.distance_plot.plot(pen=DISTANCE_PEN)
        layout.addWidget(self.loss_plot)
        layout.addWidget(self.distance_plot)

    def set_history(self, losses, distances) -> None:
        # a log axis cannot show 0: an exact fit is drawn at the smallest float instead
        y = np.maximum(np.asarray(losses, dtype=float), np.finfo(float).tiny)
        self._loss.setData(np.arange(len(y)), y)
        self._distance.setData(np.arange(len(distances)), np.asarray(distances, dtype=float))

    def data(self):
        """``(losses, distances)`` as drawn (for tests)."""
        return self._loss.getData()[1], self._distance.getData()[1]


class KernelBank(QWidget):
    """Every learned kernel beside its target name and distance; a click shows that one above.

    Signals
    -------
    sigChosen(int)
        the kernel clicked.
    """

    sigChosen = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.maps: list[HeatMap] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def show_kernels(self, kernels, names, distances, chosen, levels) -> None:
        while len(self.maps) > len(kernels):
            self.maps.pop().deleteLater()
        while len(self.maps) < len(kernels):
            heat = HeatMap("", "kernel", diverging=True)
            heat.sigCellClicked.connect(lambda *_, i=len(self.maps): self.sigChosen.emit(i))
            self._layout.addWidget(heat)
            self.maps.append(heat)
        for i, (heat, kernel, name, distance) in enumerate(zip(self.maps, kernels, names,
                                                               distances)):
            mark = "▶ " if i == chosen else ""
            heat.set_title(f"{mark}K{i + 1} → {name} ({distance:.2g})")
            heat.view.setToolTip(f"Kernel {i + 1} learns {name}; max |K − T| = {distance:.2g}. "
                                 "Click to show its iteration above")
            heat.set_data(kernel, levels=levels)


class IterationViews(QWidget):
    """Input, outputs and error map; kernel, products, gradient, new kernel, target; curves."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.status = wrapped()
        self.status.setTextFormat(Qt.RichText)
        self.input_map = HeatMap("Input (padded)", "input")
        self.output_map = HeatMap("Output y = x ⋆ K", "output", diverging=True)
        self.target_output_map = HeatMap("Target t = x ⋆ T", "output", diverging=True)
        self.error_map = HeatMap("Error dL/dy", "output", diverging=True)
        self.products_map = HeatMap("Error × input", "output", diverging=True)
        self.kernel_map = HeatMap("Kernel K", "kernel", diverging=True)
        self.grad_map = HeatMap("dL/dK", "kernel", diverging=True)
        self.new_kernel_map = HeatMap("New K", "kernel", diverging=True)
        self.target_map = HeatMap("Target T", "kernel", diverging=True)
        self.curves = LearnCurves()
        self.bank = KernelBank()
        grid = QGridLayout()
        grid.setSpacing(6)
        # outputs and error maps on top; the four kernels below, wide enough for their numbers
        for col, heat in enumerate((self.input_map, self.output_map, self.target_output_map,
                                    self.error_map, self.products_map)):
            grid.addWidget(heat, 0, 4 * col, 1, 4)
        for col, heat in enumerate((self.kernel_map, self.grad_map, self.new_kernel_map,
                                    self.target_map)):
            grid.addWidget(heat, 1, 5 * col, 1, 5)
        grid.addWidget(self.curves, 2, 0, 1, 20)
        grid.addWidget(self.bank, 3, 0, 1, 20)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(2, 3)
        self._grid = grid
        self.show_bank(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addLayout(grid, 1)

    def show_bank(self, visible: bool) -> None:
        """Show the row of learned kernels (several targets) or give its room to the others."""
        self.bank.setVisible(visible)
        # the curves give up room first: the kernels' numbers must stay readable
        self._grid.setRowStretch(2, 1 if visible else 3)
        self._grid.setRowStretch(3, 2 if visible else 0)

    def show_phase(self, phases, phase) -> None:
        """Draw phase ``phase`` of ``phases`` (an ``IterationPhases``)."""
        plan, it, j = phases.plan, phases.it, phases.which
        forward = plan.forward
        padded, is_pad = np.asarray(forward.padded), np.asarray(forward.is_pad)
        self.input_map.set_data(padded, dim_mask=is_pad)
        self.input_map.set_padding(forward.pads)
        out_levels = levels_for(np.concatenate([it.outputs[j].ravel(),
                                                        it.targets[j].ravel()]), diverging=True)
        self.output_map.set_data(it.outputs[j], levels=out_levels)
        self.target_output_map.set_data(it.targets[j], levels=out_levels)
        shape = it.errors[j].shape
        self.error_map.set_data(_empty(shape) if phase.kind == "forward" else it.errors[j])
        kernels = np.concatenate([phases.kernel.ravel(), it.new_kernels[j].ravel(),
                                  np.asarray(phases.target).ravel()])
        k_levels = levels_for(kernels, diverging=True)
        self.kernel_map.set_data(phases.kernel, levels=k_levels)
        self.target_map.set_data(phases.target, levels=k_levels)
        done = np.asarray(plan.dk).ravel().copy()
        done[phase.cells_done:] = np.nan
        self.grad_map.set_data(done.reshape(plan.dk.shape),
                               levels=levels_for(np.asarray(plan.dk), diverging=True))
        updated = phase.kind == "update"
        self.new_kernel_map.set_data(it.new_kernels[j] if updated else _empty(plan.dk.shape),
                                     levels=k_levels)
        if phase.grad is not None:
            record = phase.grad.step
            taps = np.asarray(record.taps).reshape(-1, 2)
            self.input_map.set_window([(int(r), int(c)) for r, c in taps])
            self.products_map.set_data(record.products)
            cell = [tuple(phase.grad.index)]
        else:
            self.input_map.set_window([])
            self.products_map.set_data(_empty(shape))
            cell = []
        for heat in (self.kernel_map, self.grad_map):
            heat.set_window(cell)
        h, w = np.shape(forward.x)
        self.input_map.set_title("Input x, padded")
        self.input_map.view.setToolTip(f"The input, {h}×{w}, padded to {padded.shape[0]}×"
                                       f"{padded.shape[1]}; the orange frame is the error map "
                                       "laid over it for the dL/dK cell on screen")
