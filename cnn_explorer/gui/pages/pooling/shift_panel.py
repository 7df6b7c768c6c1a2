"""The shift-robustness panel: the pooled output before and after a one-pixel shift, side by side,
with how many cells changed, against the same count for the feature map itself."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QStackedWidget, QVBoxLayout, QWidget)

from cnn_explorer.core.shift import DIRECTIONS
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.heat_map import HeatMap

MAX_MARKED_CELLS = 4096   # beyond this the purple outlines would hide a large map
ARROWS = {"right": "→ right", "left": "← left", "down": "↓ down", "up": "↑ up"}

HINT = ("Tick <b>Shift</b> to move the input one pixel and compare: the guide says pooling makes "
        "the features robust to small shifts. Here you can count it.")


def count_text(what: str, count: int, total: int) -> str:
    return f"{what}: <b>{count} of {total}</b> cells changed (<b>{count / total:.0%}</b>)"


class ShiftPanel(QGroupBox):
    """Shift toggle, direction, before/after pooled maps and the changed-cell counts.

    Signals
    -------
    sigChanged(bool, str)
        ``(shift on, direction)`` after the user changed either.
    """

    sigChanged = Signal(bool, str)

    def __init__(self, parent=None):
        super().__init__("Shift robustness", parent)
        self.toggle = QCheckBox("Shift the &input by one pixel")
        self.toggle.setToolTip("Move every value one cell (Alt+I); the row or column that comes in is 0")
        self.direction = QComboBox()
        for key in DIRECTIONS:
            self.direction.addItem(ARROWS[key], key)
        self.direction.setToolTip("Which way the input moves")
        top = QHBoxLayout()
        top.addWidget(self.toggle)
        top.addWidget(self.direction)
        top.addStretch(1)

        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.RichText)
        self.hint.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.before = HeatMap("Pooled before", role="output", diverging=True)
        self.after = HeatMap("Pooled after the shift", role="output", diverging=True)
        for view in (self.before, self.after):
            view.setToolTip("Cells outlined in purple changed with the shift")
        self.input_count = QLabel()
        self.input_count.setObjectName("shiftInputCount")
        self.input_count.setStyleSheet(f"color: {colours.INPUT};")
        self.pooled_count = QLabel()
        self.pooled_count.setObjectName("shiftPooledCount")
        self.pooled_count.setStyleSheet(f"color: {colours.OUTPUT};")
        compare = QWidget()
        grid = QGridLayout(compare)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.before, 0, 0)
        grid.addWidget(self.after, 0, 1)
        counts = QVBoxLayout()
        for label in (self.input_count, self.pooled_count):
            label.setWordWrap(True)
            counts.addWidget(label)
        self.marks_note = QLabel()
        self.marks_note.setWordWrap(True)
        counts.addWidget(self.marks_note)
        counts.addStretch(1)
        grid.addLayout(counts, 0, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 3)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.hint)
        self.stack.addWidget(compare)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.stack, 1)
        self.toggle.toggled.connect(self._on_changed)
        self.direction.currentIndexChanged.connect(self._on_changed)

    def is_on(self) -> bool:
        return self.toggle.isChecked()

    def direction_key(self) -> str:
        return self.direction.currentData()

    def set_state(self, on: bool, direction: str) -> None:
        """Show the toggle and direction without emitting ``sigChanged`` (undo/redo)."""
        for widget in (self.toggle, self.direction):
            widget.blockSignals(True)
        self.toggle.setChecked(on)
        self.direction.setCurrentIndex(self.direction.findData(direction))
        for widget in (self.toggle, self.direction):
            widget.blockSignals(False)

    def show_comparison(self, comparison) -> None:
        """Draw a ``core.shift.ShiftComparison``, or the hint with ``None``."""
        if comparison is None:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
        levels = colours.levels_for(comparison.pooled_before, diverging=True)
        for view, values in ((self.before, comparison.pooled_before),
                             (self.after, comparison.pooled_after)):
            view.set_data(values, levels=levels)
            changed = comparison.pooled_changed
            view.set_hover(list(zip(*changed.nonzero())) if changed.size <= MAX_MARKED_CELLS else [])
        self.marks_note.setText("Purple outline: the pooled cells the shift changed."
                                if comparison.pooled_changed.size <= MAX_MARKED_CELLS else
                                "(Too many cells to outline the changed ones.)")
        self.after.set_title(f"Pooled after the shift {ARROWS[comparison.direction].split()[0]}")
        self.input_count.setText(count_text("Feature map (not pooled)", comparison.input_count,
                                            comparison.input_changed.size))
        self.pooled_count.setText(count_text("Pooled output", comparison.pooled_count,
                                             comparison.pooled_changed.size))

    def _on_changed(self, *_):
        self.sigChanged.emit(self.is_on(), self.direction_key())
