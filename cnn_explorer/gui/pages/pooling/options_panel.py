"""The pooling page's option controls: kind, window size, stride, padding, ceil mode."""

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QWidget

from cnn_explorer.gui.widgets.panel import row, section, spin

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


@dataclass(frozen=True)
class PoolOptions:
    """What ``core.steps.pool2d_plan`` needs besides the input and the weights."""

    kind: str = "max"
    size: tuple[int, int] = (2, 2)
    stride: tuple[int, int] | None = None      # None: the window's size
    padding: tuple[int, int] = (0, 0)
    ceil_mode: bool = False

    @property
    def is_global(self) -> bool:
        return self.kind.startswith("global")

    def plan_kwargs(self) -> dict:
        """Keywords for ``pool2d``/``pool2d_plan`` (without ``weights``)."""
        return {"stride": self.stride, "padding": self.padding, "kind": self.kind,
                "ceil_mode": self.ceil_mode}


class PoolOptionsPanel(QWidget):
    """Kind, window, stride, padding and ceil mode.

    Signals
    -------
    sigChanged(PoolOptions)
        Any control changed (the new options).
    """

    sigChanged = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind = QComboBox()
        for key, (label, tip) in KINDS.items():
            self.kind.addItem(label, key)
            self.kind.setItemData(self.kind.count() - 1, tip, 3)  # 3 = Qt.ToolTipRole
        self.kind.setToolTip("What each window is reduced to (Alt+K)")
        self.size_rows = spin(1, MAX_WINDOW, 2, "Window height (rows)")
        self.size_cols = spin(1, MAX_WINDOW, 2, "Window width (columns)")
        self.stride_same = QCheckBox("= window")
        self.stride_same.setChecked(True)
        self.stride_same.setToolTip("Move the window by its own size (no overlap), as Keras and PyTorch do "
                                    "by default")
        self.stride_rows = spin(1, MAX_WINDOW, 2, "How many rows the window moves down per step")
        self.stride_cols = spin(1, MAX_WINDOW, 2,
                                "How many columns the window moves right per step")
        self.pad_rows = spin(0, MAX_PADDING, 0, "Pad rows added above and below the input")
        self.pad_cols = spin(0, MAX_PADDING, 0, "Pad columns added left and right of the input")
        self.ceil_mode = QCheckBox("ceil mode")
        self.ceil_mode.setToolTip("Round the output size up, so a last partial window still counts "
                                  "(PyTorch's ceil_mode)")
        self.note = QLabel()
        self.note.setWordWrap(True)
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

        self.kind.currentIndexChanged.connect(self._on_changed)
        for box in (self.size_rows, self.size_cols, self.stride_rows, self.stride_cols, self.pad_rows,
                    self.pad_cols):
            box.valueChanged.connect(self._on_changed)
        self.stride_same.toggled.connect(self._on_changed)
        self.ceil_mode.toggled.connect(self._on_changed)
        self._sync_enabled()

    def options(self) -> PoolOptions:
        size = (self.size_rows.value(), self.size_cols.value())
        stride = None if self.stride_same.isChecked() else (self.stride_rows.value(),
                                                            self.stride_cols.value())
        return PoolOptions(self.kind.currentData(), size, stride,
                           (self.pad_rows.value(), self.pad_cols.value()), self.ceil_mode.isChecked())

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind))

    def set_options(self, options: PoolOptions) -> None:
        """Show ``options`` and emit one ``sigChanged``."""
        widgets = (self.kind, self.size_rows, self.size_cols, self.stride_same, self.stride_rows,
                   self.stride_cols, self.pad_rows, self.pad_cols, self.ceil_mode)
        for w in widgets:
            w.blockSignals(True)
        self.set_kind(options.kind)
        self.size_rows.setValue(options.size[0])
        self.size_cols.setValue(options.size[1])
        self.stride_same.setChecked(options.stride is None)
        if options.stride is not None:
            self.stride_rows.setValue(options.stride[0])
            self.stride_cols.setValue(options.stride[1])
        self.pad_rows.setValue(options.padding[0])
        self.pad_cols.setValue(options.padding[1])
        self.ceil_mode.setChecked(options.ceil_mode)
        for w in widgets:
            w.blockSignals(False)
        self._on_changed()

    def _sync_enabled(self):
        options = self.options()
        local = not options.is_global
        for w in (self.size_rows, self.size_cols, self.stride_same, self.pad_rows, self.pad_cols,
                  self.ceil_mode):
            w.setEnabled(local)
        follow = self.stride_same.isChecked()
        for w, source in ((self.stride_rows, self.size_rows), (self.stride_cols, self.size_cols)):
            w.setEnabled(local and not follow)
            if follow:
                w.blockSignals(True)
                w.setValue(source.value())
                w.blockSignals(False)
        self.note.setText(PADDING_NOTES[options.kind])

    def _on_changed(self, *_):
        self._sync_enabled()
        self.sigChanged.emit(self.options())
