"""The pooling page's size panel: input cells against output cells, always on screen."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout

from cnn_explorer.core.padding import output_length_text
from cnn_explorer.core.pool_state import size_change
from cnn_explorer.gui.widgets.colours import INPUT, OUTPUT
from cnn_explorer.gui.widgets.panel import wrapped


class SizePanel(QGroupBox):
    """Input cells, output cells, the reduction factor and the size formula per axis."""

    def __init__(self, parent=None):
        super().__init__("Size", parent)
        self.summary = wrapped()
        self.summary.setObjectName("sizeSummary")
        self.summary.setTextFormat(Qt.RichText)
        self.formula = wrapped()
        self.formula.setObjectName("sizeFormula")
        self.formula.setToolTip("Output size per axis: (input + padding before + padding after − window) "
                                "/ stride, rounded down (up in ceil mode), plus 1")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 4)
        lay.addWidget(self.summary, 1)
        lay.addWidget(self.formula, 1)

    def show_plan(self, plan, state) -> None:
        """Describe ``plan`` (a ``core.steps.PoolPlan``) made from ``state`` (a ``PoolState``)."""
        (h, w), (oh, ow) = plan.x.shape, plan.output_shape
        size = size_change(plan)
        if size.fewer:
            change = (f"<b>{size.factor_text()}× fewer</b> numbers to store "
                      f"({size.saved_text()} less)")
        else:
            change = f"<b>{size.factor_text()}× more</b> numbers than the input (padding, small stride)"
        self.summary.setText(
            f"<span style='color:{INPUT}'><b>Input</b> {h} × {w} = {size.cells_in} cells</span> → "
            f"<span style='color:{OUTPUT}'><b>output</b> {oh} × {ow} = {size.cells_out} cells</span>"
            "<br>" + change)
        if state.is_global:
            self.formula.setText("Global pooling: one number per map, whatever its size.")
            return
        lines = [f"{name}: " + output_length_text(n, k, stride=s, pad=(p, p),
                                                  ceil_mode=state.ceil_mode)
                 for name, n, k, s, p in zip(("rows", "columns"), plan.x.shape, state.size,
                                              plan.stride, state.padding)]
        self.formula.setText("\n".join(lines))
