"""ConvOptions: padding, pad mode, stride, dilation and flip controls, for 1D or 2D (per axis)."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QWidget

from cnn_explorer.core.padding import PAD_MODES
from cnn_explorer.gui.widgets.panel import combo, row, section, spin

PADDING_CHOICES = ("valid", "same", "full", "custom")
#: The option each ``sigEdited`` name stands for, in the words of the undo menu.
OPTION_NAMES = {"padding": "padding", "pads": "pad amounts", "pad_mode": "pad mode",
                "stride": "stride", "dilation": "dilation", "flip": "flip"}
PADDING_TIPS = {
    "valid": "No padding: the kernel only sits where it fits entirely inside the input",
    "same": "Pad so the output has the input's size; the zeros go where the kernel's centre needs them",
    "full": "Pad so every kernel element touches every input cell: the output grows",
    "custom": "Type the number of pad cells on each side",
}


def _show_value(box, value) -> None:
    """Set a spin box only when it shows something else (an equal set would still repaint)."""
    if box.value() != value:
        box.setValue(value)


class ConvOptions(QWidget):
    """The convolution options as widgets: the user's changes go out one at a time as
    ``sigEdited``, and :meth:`show_state` displays a page's state.

    The pad boxes always show the amounts in force; they are editable with "custom" padding.

    Signals
    -------
    sigEdited(str, int, object)
        ``(name, axis, value)``: the user set option ``name`` (a key of :data:`OPTION_NAMES`)
        to ``value`` on ``axis`` (the side, for ``"pads"``), or on every axis when ``axis`` is -1.
        A box set by :meth:`show_state` emits it too, with the value already in the state.
    """

    sigEdited = Signal(str, int, object)

    def __init__(self, ndim: int, parent=None):
        super().__init__(parent)
        self.ndim = ndim
        axes = ("",) if ndim == 1 else (" (rows)", " (columns)")
        sides = ("left", "right") if ndim == 1 else ("top", "bottom", "left", "right")
        box, form = section("Padding, stride, dilation")
        self.padding = combo([(name, None, PADDING_TIPS[name]) for name in PADDING_CHOICES],
                             "How many cells to add around the input (hatched grey)")
        form.addRow("Padding", self.padding)
        self.custom = [spin(0, 20, 0, f"Pad cells on the {side} (editable with custom padding)")
                       for side in sides]
        self.custom_row = row(*self.custom)
        form.addRow("Pad " + "/".join(s[0].upper() for s in sides), self.custom_row)
        self.pad_mode = combo(PAD_MODES, "What the pad cells hold: zeros, a mirror of the input "
                              "(reflect), the edge value repeated (replicate), or the other side "
                              "(circular)")
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
        self.custom_row.setEnabled(False)

        self.padding.currentTextChanged.connect(lambda t: self.sigEdited.emit("padding", -1, t))
        self.pad_mode.currentTextChanged.connect(lambda t: self.sigEdited.emit("pad_mode", -1, t))
        self.flip.toggled.connect(lambda on: self.sigEdited.emit("flip", -1, on))
        for name, boxes in (("pads", self.custom), ("stride", self.stride),
                            ("dilation", self.dilation)):
            for axis, box in enumerate(boxes):
                box.valueChanged.connect(
                    lambda v, name=name, axis=axis: self.sigEdited.emit(name, axis, v))

    def show_state(self, state, pads) -> None:
        """Show a ``core.conv_state.ConvState`` whose pads in force are ``pads``."""
        custom = not isinstance(state.padding, str)
        if self.padding.currentText() != (choice := "custom" if custom else state.padding):
            self.padding.setCurrentText(choice)
        self.custom_row.setEnabled(custom)
        for box, value in zip(self.custom, (v for p in pads for v in p)):
            _show_value(box, value)
        if self.pad_mode.currentText() != state.pad_mode:
            self.pad_mode.setCurrentText(state.pad_mode)
        for boxes, values in ((self.stride, state.stride), (self.dilation, state.dilation)):
            for box, value in zip(boxes, values):
                _show_value(box, value)
        if self.flip.isChecked() != state.flip:
            self.flip.setChecked(state.flip)
