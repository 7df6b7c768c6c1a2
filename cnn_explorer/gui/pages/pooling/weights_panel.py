"""The weight grid of weighted pooling: an editable window-shaped grid with Gaussian and uniform
presets."""

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from cnn_explorer.core.formulas import format_number
from cnn_explorer.core.kernels import gaussian_weights, uniform_weights
from cnn_explorer.gui.pages.pooling.options_panel import MAX_WINDOW
from cnn_explorer.gui.widgets.matrix_editor import MatrixEditor
from cnn_explorer.gui.widgets.panel import button, section


class WeightsPanel(QWidget):
    """The weight grid with its presets and its sum.

    Signals
    -------
    sigEdited(object, object)
        ``(old, new)`` weights after a typed edit, a paste or a preset; the page makes it a state.
    sigRejected(str)
        a typed value was refused (the editor keeps the previous one).
    """

    sigEdited = Signal(object, object)
    sigRejected = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.editor = MatrixEditor(role="kernel", cell_width=52)
        self.editor.setToolTip("One weight per window cell: each output is Σ weight × value. "
                               "Ctrl+V pastes a whole window of weights")
        self.editor.set_shape_limit(MAX_WINDOW, MAX_WINDOW, "the pooling window")
        self.gaussian = button("&Gaussian", "Binomial weights: the centre of the window counts most (Alt+G)")
        self.uniform = button("&Uniform", "All weights 1/n: the same as average pooling (Alt+U)")
        self.total = QLabel()
        self.total.setObjectName("weightsSum")
        buttons = QHBoxLayout()
        buttons.addWidget(self.gaussian)
        buttons.addWidget(self.uniform)
        buttons.addStretch(1)
        buttons.addWidget(self.total)
        box, form = section("Weights (weighted pooling)", "kernel")
        form.addRow(self.editor)
        form.addRow(buttons)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)
        self.editor.sigEdited.connect(self.sigEdited)
        self.editor.sigPasted.connect(self.sigEdited)       # the window takes the pasted shape
        self.editor.sigRejected.connect(self.sigRejected)
        self.gaussian.clicked.connect(lambda: self._offer(gaussian_weights(self.values().shape)))
        self.uniform.clicked.connect(lambda: self._offer(uniform_weights(self.values().shape)))

    def values(self) -> np.ndarray:
        return self.editor.values()

    def show_weights(self, weights: np.ndarray) -> None:
        """Draw ``weights`` (the state's); a grid that already shows them is left alone."""
        if not np.array_equal(self.editor.values(), weights):
            self.editor.set_values(weights)
        self.total.setText(f"sum = {format_number(float(weights.sum()))}")

    def _offer(self, new):
        old = self.values()
        if not np.array_equal(old, new):
            self.sigEdited.emit(old, new)
