"""One image's shape (height × width × channels) as three spin boxes."""

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget

# (tooltip, maximum): the engine refuses inputs over 4M values with its own message
_AXES = (("Image height in pixels", 2000), ("Image width in pixels", 2000),
         ("Channels: 1 for grey images, 3 for colour", 64))


class ShapeInput(QWidget):
    """``Input [h] × [w] × [c]``.

    Signals
    -------
    sigEdited(int, int)
        ``(axis, value)`` after a committed change of one box (Enter, focus out or an arrow),
        not on every digit typed; the owner puts the value into its own shape.
    """

    sigEdited = Signal(int, int)

    def __init__(self, shape=(28, 28, 1), parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(QLabel("Input"))
        self.boxes = []
        for i, (tip, maximum) in enumerate(_AXES):
            if i:
                layout.addWidget(QLabel("×"))
            box = QSpinBox()
            box.setRange(1, maximum)
            box.setToolTip(tip)
            box.setKeyboardTracking(False)
            box.valueChanged.connect(partial(self.sigEdited.emit, i))
            layout.addWidget(box)
            self.boxes.append(box)
        self.set_shape(shape)

    def shape(self):
        return tuple(box.value() for box in self.boxes)

    def set_shape(self, shape):
        """Show ``shape``; only (h, w, c) shapes are editable (others show 1 × 1 × 1, disabled)."""
        editable = len(shape) == 3
        for box, n in zip(self.boxes, shape if editable else (1, 1, 1)):
            box.setValue(int(n))
            box.setEnabled(editable)
