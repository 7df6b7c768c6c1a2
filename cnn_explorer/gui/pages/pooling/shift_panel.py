"""The shift-robustness panel: the pooled output before and after a one-pixel shift, side by side,
with how many cells changed (beyond a stated tolerance) and by how much, against the same for the
feature map itself, and in words whether pooling helped."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QFrame, QGridLayout, QGroupBox, QHBoxLayout,
                               QScrollArea, QStackedWidget, QVBoxLayout, QWidget)

from cnn_explorer.core.formulas import format_number
from cnn_explorer.core.shift import DIRECTIONS, TOLERANCE_SHARE
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.heat_map import HeatMap
from cnn_explorer.gui.widgets.panel import combo, wrapped

MAX_MARKED_CELLS = 4096   # beyond this the purple outlines would hide a large map
ARROWS = {"right": "→ right", "left": "← left", "down": "↓ down", "up": "↑ up"}

HINT = ("Tick <b>Shift</b> to move the input one pixel and compare: the guide says pooling makes "
        "the features robust to small shifts. Here you can count it.")


def count_text(what: str, count: int, total: int, mean_change: float) -> str:
    return (f"{what}: <b>{count} of {total}</b> cells changed (<b>{count / total:.0%}</b>), "
            f"mean change <b>{format_number(mean_change, 3)}</b>")


class ShiftPanel(QGroupBox):
    """Shift toggle, direction, before/after pooled maps and the changed-cell counts.

    Signals
    -------
    sigEdited(dict)
        ``{"shift": on}`` or ``{"direction": key}``: the ``PoolState`` field the user changed.
    """

    sigEdited = Signal(dict)

    def __init__(self, parent=None):
        super().__init__("Shift robustness", parent)
        self.toggle = QCheckBox("Shift the &input by one pixel")
        self.toggle.setToolTip("Move every value one cell (Alt+I); the row or column that comes in is 0")
        self.direction = combo([(ARROWS[key], key) for key in DIRECTIONS], "Which way the input moves")
        top = QHBoxLayout()
        top.addWidget(self.toggle)
        top.addWidget(self.direction)
        top.addStretch(1)

        self.hint = wrapped(HINT)
        self.hint.setTextFormat(Qt.RichText)
        self.hint.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.before = HeatMap("Pooled before", role="output", diverging=True)
        self.after = HeatMap("Pooled after the shift", role="output", diverging=True)
        for view in (self.before, self.after):
            view.setToolTip("Cells outlined in purple changed with the shift")
        self.input_count = wrapped(style=f"color: {colours.INPUT};")
        self.input_count.setObjectName("shiftInputCount")
        self.pooled_count = wrapped(style=f"color: {colours.OUTPUT};")
        self.pooled_count.setObjectName("shiftPooledCount")
        compare = QWidget()
        grid = QGridLayout(compare)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.before, 0, 0)
        grid.addWidget(self.after, 0, 1)
        counts = QVBoxLayout()
        self.tolerance = wrapped()
        self.tolerance.setObjectName("shiftTolerance")
        self.verdict = wrapped()
        self.verdict.setObjectName("shiftVerdict")
        self.marks_note = wrapped()
        for label in (self.input_count, self.pooled_count, self.tolerance, self.verdict,
                      self.marks_note):
            counts.addWidget(label)
        counts.addStretch(1)
        # wrapped sentences squeezed below their height draw over each other: in a short window
        # the column scrolls instead
        words = QWidget()
        words.setLayout(counts)
        column = QScrollArea()
        column.setWidget(words)
        column.setWidgetResizable(True)
        column.setFrameShape(QFrame.NoFrame)
        column.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        grid.addWidget(column, 0, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 3)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.hint)
        self.stack.addWidget(compare)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.stack, 1)
        self.toggle.toggled.connect(lambda on: self.sigEdited.emit({"shift": on}))
        self.direction.currentIndexChanged.connect(
            lambda: self.sigEdited.emit({"direction": self.direction_key()}))

    def is_on(self) -> bool:
        return self.toggle.isChecked()

    def direction_key(self) -> str:
        return self.direction.currentData()

    def show_state(self, on: bool, direction: str) -> None:
        """Draw the state's toggle and direction (a box that already shows them is left alone)."""
        self.toggle.setChecked(on)
        self.direction.setCurrentIndex(self.direction.findData(direction))

    def show_comparison(self, comparison, levels) -> None:
        """Draw a ``core.shift.ShiftComparison`` on the page's colour ``levels``, or the hint
        with ``None``."""
        if comparison is None:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
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
                                            comparison.input_changed.size,
                                            comparison.input_change))
        self.pooled_count.setText(count_text("Pooled output", comparison.pooled_count,
                                             comparison.pooled_changed.size,
                                             comparison.pooled_change))
        self.tolerance.setText(f"A cell counts as changed when it moved by more than "
                               f"{format_number(comparison.tolerance, 3)} ({TOLERANCE_SHARE:.0%} "
                               "of the map's largest |value|).")
        self.verdict.setText(comparison.verdict())
        self.verdict.setStyleSheet("" if comparison.helped else "font-weight: bold;")
