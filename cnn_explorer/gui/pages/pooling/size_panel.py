"""The pooling page's size panel: input cells against output cells, always on screen."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel

from cnn_explorer.gui.widgets.colours import INPUT, OUTPUT


def axis_formula(n: int, k: int, stride: int, pads: tuple[int, int], ceil_mode: bool, out: int) -> str:
    """The output-size formula of one axis written with its numbers, ending in ``out``."""
    lo, hi = ("⌈", "⌉") if ceil_mode else ("⌊", "⌋")
    return f"{lo}({n} + {pads[0]} + {pads[1]} − {k}) / {stride}{hi} + 1 = {out}"


class SizePanel(QGroupBox):
    """Input cells, output cells, the reduction factor and the size formula per axis."""

    def __init__(self, parent=None):
        super().__init__("Size", parent)
        self.summary = QLabel()
        self.summary.setObjectName("sizeSummary")
        self.summary.setTextFormat(Qt.RichText)
        self.summary.setWordWrap(True)
        self.formula = QLabel()
        self.formula.setObjectName("sizeFormula")
        self.formula.setWordWrap(True)
        self.formula.setToolTip("Output size per axis: (input + padding before + padding after − window) "
                                "/ stride, rounded down (up in ceil mode), plus 1")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 4)
        lay.addWidget(self.summary, 1)
        lay.addWidget(self.formula, 1)

    def show_plan(self, plan, options) -> None:
        """Describe ``plan`` (a ``core.steps.PoolPlan``) made with ``options`` (``PoolOptions``)."""
        (h, w), (oh, ow) = plan.x.shape, plan.output_shape
        n_in, n_out = h * w, oh * ow
        if n_out <= n_in:
            factor = n_in / n_out
            less = 1 - n_out / n_in
            share = "over 99%" if less > 0.99 else f"{less:.0%}"
            factor_text = f"{factor:.3g}" if factor < 1000 else f"{factor:,.0f}"
            change = f"<b>{factor_text}× fewer</b> numbers to store ({share} less)"
        else:
            change = f"<b>{n_out / n_in:.3g}× more</b> numbers than the input (padding, small stride)"
        self.summary.setText(
            f"<span style='color:{INPUT}'><b>Input</b> {h} × {w} = {n_in} cells</span> → "
            f"<span style='color:{OUTPUT}'><b>output</b> {oh} × {ow} = {n_out} cells</span><br>"
            + change)
        if options.is_global:
            self.formula.setText("Global pooling: one number per map, whatever its size.")
            return
        stride = options.stride or options.size
        lines = [f"{name}: " + axis_formula(n, k, s, (p, p), options.ceil_mode, o)
                 for name, n, k, s, p, o in zip(("rows", "columns"), plan.x.shape, options.size,
                                                 stride, options.padding, plan.output_shape)]
        self.formula.setText("\n".join(lines))
