"""The right side of the "Learn a kernel" page: one iteration's grids, the curves, the kernel bank."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.heat_map import HeatMap

LOSS_PEN = pg.mkPen(colours.SELECTED, width=2)
DISTANCE_PEN = pg.mkPen(colours.KERNEL, width=2)


def _empty(shape):
    return np.full(shape, np.nan)


def _plot(title, left):
    plot = pg.PlotWidget()
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(False, False)
    plot.hideButtons()
    plot.setBackground("w")
    plot.setTitle(title, color="#222222", size="9pt")
    for side in ("left", "bottom"):
        plot.getAxis(side).setTextPen("#333333")
        plot.getAxis(side).setPen("#888888")
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setLabel("bottom", "iteration")
    plot.setLabel("left", left)
    plot.setLogMode(False, True)
    plot.setMinimumSize(160, 100)
    return plot


class LearnCurves(QWidget):
    """Loss and distance to the target kernel against the iteration, both on a log scale."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.loss_plot = _plot("Loss (mean squared error)", "L")
        self.distance_plot = _plot("Distance to the target kernel", "max |K − T|")
        self._loss = self.loss_plot.plot(pen=LOSS_PEN)
        self._distance = self.distance_plot.plot(pen=DISTANCE_PEN)
        layout.addWidget(self.loss_plot)
        layout.addWidget(self.distance_plot)

    def set_history(self, losses, distances) -> None:
        # a log axis cannot show 0: an exact fit is drawn at the smallest float instead
        for item, values in ((self._loss, losses), (self._distance, distances)):
            y = np.maximum(np.asarray(values, dtype=float), np.finfo(float).tiny)
            item.setData(np.arange(len(y)), y)

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
            heat.view.setToolTip("Click to show this kernel's iteration above")
            self._layout.addWidget(heat)
            self.maps.append(heat)
        for i, (heat, kernel, name, distance) in enumerate(zip(self.maps, kernels, names,
                                                               distances)):
            mark = "▶ " if i == chosen else ""
            heat.set_title(f"{mark}K{i + 1} → {name}\nmax |K − T| = {distance:.2g}")
            heat.set_data(kernel, levels=levels)


class IterationViews(QWidget):
    """Input, outputs and error map; kernel, products, gradient, new kernel, target; curves."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.RichText)
        self.input_map = HeatMap("Input (padded)", "input")
        self.output_map = HeatMap("Our output y = input ⋆ K", "output", diverging=True)
        self.target_output_map = HeatMap("Target output t = input ⋆ T", "output", diverging=True)
        self.error_map = HeatMap("Error map dL/dy", "output", diverging=True)
        self.products_map = HeatMap("Error × input", "output", diverging=True)
        self.kernel_map = HeatMap("Kernel K", "kernel", diverging=True)
        self.grad_map = HeatMap("dL/dK", "kernel", diverging=True)
        self.new_kernel_map = HeatMap("New K", "kernel", diverging=True)
        self.target_map = HeatMap("Target T", "kernel", diverging=True)
        self.curves = LearnCurves()
        self.bank = KernelBank()
        grid = QGridLayout()
        grid.setSpacing(6)
        grid.addWidget(self.input_map, 0, 0, 1, 2)
        grid.addWidget(self.output_map, 0, 2, 1, 2)
        grid.addWidget(self.target_output_map, 0, 4, 1, 2)
        for col, heat in enumerate((self.error_map, self.products_map, self.kernel_map,
                                    self.grad_map, self.new_kernel_map, self.target_map)):
            grid.addWidget(heat, 1, col)
        bottom = QHBoxLayout()
        bottom.addWidget(self.curves, 3)
        bottom.addWidget(self.bank, 2)
        grid.addLayout(bottom, 2, 0, 1, 6)
        grid.setRowStretch(0, 5)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(2, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addLayout(grid, 1)

    def show_phase(self, phases, phase) -> None:
        """Draw phase ``phase`` of ``phases`` (an ``IterationPhases``)."""
        plan, it, j = phases.plan, phases.it, phases.which
        forward = plan.forward
        padded, is_pad = np.asarray(forward.padded), np.asarray(forward.is_pad)
        self.input_map.set_data(padded, dim_mask=is_pad)
        self.input_map.set_padding(forward.pads)
        out_levels = colours.levels_for(np.concatenate([it.outputs[j].ravel(),
                                                        it.targets[j].ravel()]), diverging=True)
        self.output_map.set_data(it.outputs[j], levels=out_levels)
        self.target_output_map.set_data(it.targets[j], levels=out_levels)
        shape = it.errors[j].shape
        self.error_map.set_data(_empty(shape) if phase.kind == "forward" else it.errors[j])
        kernels = np.concatenate([phases.kernel.ravel(), it.new_kernels[j].ravel(),
                                  np.asarray(phases.target).ravel()])
        k_levels = colours.levels_for(kernels, diverging=True)
        self.kernel_map.set_data(phases.kernel, levels=k_levels)
        self.target_map.set_data(phases.target, levels=k_levels)
        done = np.asarray(plan.dk).ravel().copy()
        done[phase.cells_done:] = np.nan
        self.grad_map.set_data(done.reshape(plan.dk.shape),
                               levels=colours.levels_for(np.asarray(plan.dk), diverging=True))
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
        self.input_map.set_title(f"Input {h}×{w}, padded to {padded.shape[0]}×{padded.shape[1]}")
