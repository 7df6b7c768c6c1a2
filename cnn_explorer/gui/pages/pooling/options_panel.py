"""The pooling page's option controls: kind, window size, stride, padding, ceil mode.

The panel draws a ``core.pool_state.PoolState`` (:meth:`PoolOptionsPanel.show`) and says what
the student changed as the fields to replace (``sigEdited``); it keeps no options of its own.
"""

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

from cnn_explorer.gui.widgets.panel import combo, row, section, spin, wrapped

# kind -> (label in the combo, tooltip)
KINDS: dict[str, tuple[str, str]] = {
    "max": ("Max", "Keep the largest value of each window (the guide's max pooling)."),
    "avg": ("Average", "Mean of each window's input cells."),
    "l2": ("L2", "Square root of the sum of squares of each window (LPPool with p = 2)."),
    "weighted": ("Weighted", "Each window's values times the weight grid, summed."),
    "global_max": ("Global max", "One number per map: its largest value."),
    "global_avg": ("Global average", "One number per map: its mean."),
}

# What a pad cell means, per kind: said next to the padding control.
PADDING_NOTES: dict[str, str] = {
    "max": "Padding is −∞ for max: a pad cell never wins.",
    "avg": "Padding is left out of the divisor for average: only input cells are counted.",
    "l2": "Padding is 0 for L2: it adds nothing to the sum of squares.",
    "weighted": "Padding is 0 for weighted pooling: its weight multiplies 0.",
    "global_max": "Global pooling uses the whole map: no window, stride or padding.",
    "global_avg": "Global pooling uses the whole map: no window, stride or padding.",
}

MAX_WINDOW = 8
MAX_PADDING = 4


class PoolOptionsPanel(QWidget):
    """Kind, window, stride, padding and ceil mode.

    ``state_of()`` returns the page's current state: an edit of one axis keeps the state's other
    axis (while :meth:`show` sets the boxes one by one, a box never pairs with a stale neighbour).

    Signals
    -------
    sigEdited(dict)
        The ``PoolState`` fields the student changed, with their new values.
    """

    sigEdited = Signal(dict)

    def __init__(self, state_of, parent=None):
        super().__init__(parent)
        self._state_of = state_of
        self.kind = combo([(label, key, tip) for key, (label, tip) in KINDS.items()],
                          "What each window is reduced to (Alt+K)")
        self.size_rows = spin(1, MAX_WINDOW, 2, "Window height (rows)")
        self.size_cols = spin(1, MAX_WINDOW, 2, "Window width (columns)")
        self.stride_same = QCheckBox("= window")
        self.stride_same.setChecked(True)
        self.stride_same.setToolTip("Move the window by its own size (no overlap), as Keras and "
                                    "PyTorch do by default")
        self.stride_rows = spin(1, MAX_WINDOW, 2, "How many rows the window moves down per step")
        self.stride_cols = spin(1, MAX_WINDOW, 2,
                                "How many columns the window moves right per step")
        self.pad_rows = spin(0, MAX_PADDING, 0, "Pad rows added above and below the input")
        self.pad_cols = spin(0, MAX_PADDING, 0, "Pad columns added left and right of the input")
        self.ceil_mode = QCheckBox("ceil mode")
        self.ceil_mode.setToolTip("Round the output size up, so a last partial window still "
                                  "counts (PyTorch's ceil_mode)")
        self.note = wrapped()
        # Room for two wrapped lines whatever the kind, so the form never clips the longer notes.
        self.note.setMinimumHeight(2 * self.note.fontMetrics().lineSpacing() + 4)
        self.note.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.note.setObjectName("paddingNote")

        stride_row = row(self.stride_rows, QLabel("×"), self.stride_cols, stretch=True)
        stride_row.layout().insertWidget(3, self.stride_same)
        box, form = section("Pooling window", "kernel")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)
        form.addRow("&Kind", self.kind)
        form.addRow("&Window", row(self.size_rows, QLabel("×"), self.size_cols, stretch=True))
        form.addRow("S&tride", stride_row)
        pad_row = row(self.pad_rows, QLabel("×"), self.pad_cols, stretch=True)
        pad_row.layout().insertWidget(3, self.ceil_mode)
        form.addRow("&Padding", pad_row)
        form.addRow(self.note)

        self.kind.currentIndexChanged.connect(
            lambda: self.sigEdited.emit({"kind": self.kind.currentData()}))
        for name, boxes in (("size", (self.size_rows, self.size_cols)),
                            ("padding", (self.pad_rows, self.pad_cols)),
                            ("stride", (self.stride_rows, self.stride_cols))):
            for axis, box in enumerate(boxes):
                box.valueChanged.connect(partial(self._on_axis, name, axis))
        self.stride_same.toggled.connect(self._on_stride_same)
        self.ceil_mode.toggled.connect(lambda on: self.sigEdited.emit({"ceil_mode": on}))

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind))

    def show_state(self, state) -> None:
        """Draw ``state`` (a ``PoolState``); boxes that already show its values are left alone."""
        self.set_kind(state.kind)
        for boxes, values in (((self.size_rows, self.size_cols), state.size),
                              ((self.pad_rows, self.pad_cols), state.padding)):
            for box, value in zip(boxes, values):
                box.setValue(value)
        follow = state.stride is None
        if follow:
            self.stride_same.setChecked(True)
        for box, value in zip((self.stride_rows, self.stride_cols), state.stride or state.size):
            box.setValue(value)          # "= window": the boxes show the window's size
        self.stride_same.setChecked(follow)
        self.ceil_mode.setChecked(state.ceil_mode)
        local = not state.is_global
        for w in (self.size_rows, self.size_cols, self.stride_same, self.pad_rows, self.pad_cols,
                  self.ceil_mode):
            w.setEnabled(local)
        for w in (self.stride_rows, self.stride_cols):
            w.setEnabled(local and not follow)
        self.note.setText(PADDING_NOTES[state.kind])

    def _on_axis(self, name, axis, value):
        state = self._state_of()
        if name == "stride" and state.stride is None:
            return                      # the boxes follow the window: nothing was chosen
        values = list(getattr(state, name) or state.size)
        values[axis] = value
        self.sigEdited.emit({name: tuple(values)})

    def _on_stride_same(self, follow):
        state = self._state_of()
        self.sigEdited.emit({"stride": None if follow else (state.stride or state.size)})
