"""One image's shape (height × width × channels) as three spin boxes."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget

# (tooltip, maximum): the engine refuses inputs over 4M values with its own message
_AXES = (("Image height in pixels", 2000), ("Image width in pixels", 2000),
         ("Channels: 1 for grey images, 3 for colour", 64))


class ShapeInput(QWidget):
    """``Input [h] × [w] × [c]``; ``sigChanged(tuple)`` after a committed change (Enter, focus
    out or an arrow), not on every digit typed."""

    sigChanged = Signal(tuple)

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
            box.valueChanged.connect(self._on_changed)
            layout.addWidget(box)
            self.boxes.append(box)
        self.set_shape(shape)

    def shape(self):
        return tuple(box.value() for box in self.boxes)

    def set_shape(self, shape):
        """Show ``shape`` without emitting; only (h, w, c) shapes are editable."""
        editable = len(shape) == 3
        for box, n in zip(self.boxes, shape if editable else (1, 1, 1)):
            box.blockSignals(True)
            box.setValue(int(n))
            box.blockSignals(False)
            box.setEnabled(editable)

    def _on_changed(self, _value):
        self.sigChanged.emit(self.shape())
