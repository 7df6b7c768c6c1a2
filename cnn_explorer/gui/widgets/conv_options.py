"""ConvOptions: padding, pad mode, stride, dilation and flip controls, for 1D or 2D (per axis)."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QWidget

from cnn_explorer.core.padding import PAD_MODES
from cnn_explorer.gui.widgets.panel import row, section, spin

PADDING_CHOICES = ("valid", "same", "full", "custom")
#: What each entry of :meth:`ConvOptions.state` is, in the words of the undo menu.
STATE_NAMES = ("padding", "pad amounts", "pad mode", "stride", "dilation", "flip")
PADDING_TIPS = {
    "valid": "No padding: the kernel only sits where it fits entirely inside the input",
    "same": "Pad so the output has the input's size; the zeros go where the kernel's centre needs them",
    "full": "Pad so every kernel element touches every input cell: the output grows",
    "custom": "Type the number of pad cells on each side",
}


class ConvOptions(QWidget):
    """The convolution options as widgets; :meth:`keywords` gives them as ``core`` keywords.

    Signals
    -------
    sigChanged()
        any option changed.
    """

    sigChanged = Signal()

    def __init__(self, ndim: int, parent=None):
        super().__init__(parent)
        self.ndim = ndim
        axes = ("",) if ndim == 1 else (" (rows)", " (columns)")
        sides = ("left", "right") if ndim == 1 else ("top", "bottom", "left", "right")
        box, form = section("Padding, stride, dilation")
        self.padding = QComboBox()
        for i, name in enumerate(PADDING_CHOICES):
            self.padding.addItem(name)
            self.padding.setItemData(i, PADDING_TIPS[name], 3)  # 3 = Qt.ToolTipRole
        self.padding.setToolTip("How many cells to add around the input (hatched grey)")
        form.addRow("Padding", self.padding)
        self.custom = [spin(0, 20, 1, f"Pad cells on the {side}") for side in sides]
        self.custom_row = row(*self.custom)
        form.addRow("Pad " + "/".join(s[0].upper() for s in sides), self.custom_row)
        self.pad_mode = QComboBox()
        self.pad_mode.addItems(list(PAD_MODES))
        self.pad_mode.setToolTip("What the pad cells hold: zeros, a mirror of the input (reflect), "
                                 "the edge value repeated (replicate), or the other side (circular)")
        form.addRow("Pad mode", self.pad_mode)
        self.stride = [spin(1, 8, 1, f"How far the kernel moves each step{a}") for a in axes]
        form.addRow("Stride", row(*self.stride))
        self.dilation = [spin(1, 6, 1, f"Spacing between kernel elements{a}; 1 = touching")
                         for a in axes]
        form.addRow("Dilation", row(*self.dilation))
        self.flip = QCheckBox("Flip kernel (true convolution)")
        self.flip.setToolTip("Off: cross-correlation, what CNN layers compute. On: the kernel is "
                             "flipped on every axis first, as in the mathematical convolution")
        form.addRow(self.flip)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)

        self.padding.currentTextChanged.connect(self._on_padding_changed)
        self.pad_mode.currentTextChanged.connect(self.sigChanged)
        self.flip.toggled.connect(self.sigChanged)
        for box in self.custom + self.stride + self.dilation:
            box.valueChanged.connect(self.sigChanged)
        self._on_padding_changed(self.padding.currentText(), notify=False)

    def _on_padding_changed(self, text, notify=True):
        self.custom_row.setEnabled(text == "custom")
        if notify:
            self.sigChanged.emit()

    def set_padding(self, choice: str) -> None:
        self.padding.setCurrentText(choice)

    def state(self) -> tuple:
        """Every option as shown, custom pad amounts included (for undo): see :data:`STATE_NAMES`."""
        return (self.padding.currentText(), tuple(s.value() for s in self.custom),
                self.pad_mode.currentText(), tuple(s.value() for s in self.stride),
                tuple(s.value() for s in self.dilation), self.flip.isChecked())

    def set_state(self, state: tuple) -> None:
        """Show ``state`` (from :meth:`state`) without emitting ``sigChanged``."""
        padding, custom, pad_mode, stride, dilation, flip = state
        widgets = [self.padding, self.pad_mode, self.flip, *self.custom, *self.stride,
                   *self.dilation]
        for widget in widgets:
            widget.blockSignals(True)
        self.padding.setCurrentText(padding)
        self.pad_mode.setCurrentText(pad_mode)
        self.flip.setChecked(flip)
        for boxes, values in ((self.custom, custom), (self.stride, stride),
                              (self.dilation, dilation)):
            for box, value in zip(boxes, values):
                box.setValue(value)
        for widget in widgets:
            widget.blockSignals(False)
        self._on_padding_changed(padding, notify=False)

    def keywords(self) -> dict:
        """``stride``, ``padding``, ``pad_mode``, ``dilation``, ``flip`` for ``core.ops``/``steps``."""
        choice = self.padding.currentText()
        padding = tuple(s.value() for s in self.custom) if choice == "custom" else choice
        one = self.ndim == 1
        return {
            "stride": self.stride[0].value() if one else tuple(s.value() for s in self.stride),
            "padding": padding,
            "pad_mode": self.pad_mode.currentText(),
            "dilation": (self.dilation[0].value() if one
                         else tuple(s.value() for s in self.dilation)),
            "flip": self.flip.isChecked(),
        }
