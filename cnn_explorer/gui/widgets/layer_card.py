"""One layer of a Sequential model as an editable card: type, hyper-parameters, shape, parameters."""

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFrame, QGridLayout, QHBoxLayout, QLabel,
                               QSizePolicy, QSpinBox, QToolButton)

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.panel import wrapped
from cnn_explorer.nn.layers import ACTIVATIONS


# type -> [(field, kind, default, (min, max) or choices, label)]
FIELDS = {
    "Conv2D": [("filters", int, 32, (1, 512), "filters"),
               ("kernel_size", int, 3, (1, 15), "kernel"),
               ("strides", int, 1, (1, 8), "stride"),
               ("padding", str, "valid", ("valid", "same"), "padding"),
               ("activation", str, "relu", ACTIVATIONS, "activation")],
    "MaxPooling2D": [("pool_size", int, 2, (1, 8), "pool"),
                     ("strides", int, 0, (0, 8), "stride")],
    "AveragePooling2D": [("pool_size", int, 2, (1, 8), "pool"),
                         ("strides", int, 0, (0, 8), "stride")],
    "Flatten": [],
    "Dropout": [("rate", float, 0.5, (0.0, 0.95), "rate")],
    "Dense": [("units", int, 10, (1, 4096), "units"),
              ("activation", str, "softmax", ACTIVATIONS, "activation")],
    "Activation": [("activation", str, "relu", ACTIVATIONS[1:], "function")],
    "BatchNormalization": [],
}
LAYER_TYPES = tuple(FIELDS)

# What each editor changes, in the words of the guide.
TIPS = {
    "filters": "Number of filters (output channels): each learns its own kernel",
    "kernel_size": "Kernel height and width (square)",
    "strides": "How far the window moves each step (pooling: 0 = the pool size)",
    "padding": "valid: no padding, the map shrinks; same: zeros keep the size (stride 1)",
    "activation": "The function applied to every output (linear = none)",
    "pool_size": "Window height and width: each window is reduced to one number",
    "rate": "Share of the inputs set to 0 at random while training (not when predicting)",
    "units": "Number of outputs (the last layer: one per class)",
}


def default_spec(layer_type):
    """The spec dict of a new layer of ``layer_type`` with default hyper-parameters."""
    return {"type": layer_type, **{field: default for field, _, default, _, _ in FIELDS[layer_type]}}


class LayerCard(QFrame):
    """Editors for one layer spec (a dict like ``{"type": "Conv2D", "filters": 32, ...}``).

    A pooling stride of 0 means "the pool size" (Keras's ``strides=None``); activation "linear"
    means none.

    An editor's change counts once it is finished (Enter, focus out, an arrow or a choice), never
    per keystroke: typing 15 must not first build the model with a kernel of 1.

    Signals
    -------
    sigEdited(object, str, object)
        ``(card, field, value)``: one finished edit of one hyper-parameter.
    sigMoveUp(object), sigMoveDown(object), sigRemove(object), sigSelected(object)
        Each carries the card.
    """

    sigEdited = Signal(object, str, object)
    sigMoveUp = Signal(object)
    sigMoveDown = Signal(object)
    sigRemove = Signal(object)
    sigSelected = Signal(object)

    def __init__(self, spec, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.StyledPanel)
        self.setAutoFillBackground(True)
        self._type = spec["type"]
        self._broken = False
        self._editors = {}
        self.index_label = QLabel()
        self.title = QLabel(f"<b>{self._type}</b>")
        self.title.setMinimumWidth(120)
        self.shape_label = QLabel("")
        self.shape_label.setMinimumWidth(110)
        self.params_label = QLabel("")
        self.params_label.setMinimumWidth(80)
        self.params_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.error_label = wrapped()
        # wrap to the card's width instead of widening it
        self.error_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.error_label.setStyleSheet(f"color: {colours.ERROR};")
        self.error_label.hide()

        editors = QHBoxLayout()
        editors.setSpacing(6)
        for field, kind, default, limits, label in FIELDS[self._type]:
            editor = self._make_editor(field, kind, limits)
            editor.setToolTip(TIPS[field])
            editors.addWidget(QLabel(label))
            editors.addWidget(editor)
            self._editors[field] = (kind, editor)
        editors.addStretch(1)

        grid = QGridLayout(self)
        grid.setContentsMargins(6, 3, 6, 3)
        grid.setVerticalSpacing(1)
        grid.addWidget(self.index_label, 0, 0)
        grid.addWidget(self.title, 0, 1, 1, 2)
        grid.addWidget(self.shape_label, 0, 3)
        grid.addWidget(self.params_label, 0, 4)
        if self._editors:
            grid.addLayout(editors, 1, 1, 1, 5)
        buttons = QHBoxLayout()
        buttons.setSpacing(0)
        self.buttons = {}
        for key, text, signal in (("up", "▲", self.sigMoveUp), ("down", "▼", self.sigMoveDown),
                                  ("remove", "✕", self.sigRemove)):
            button = QToolButton()
            button.setText(text)
            button.setAutoRaise(True)
            button.clicked.connect(lambda _=False, s=signal: s.emit(self))
            buttons.addWidget(button)
            self.buttons[key] = button
        grid.addLayout(buttons, 0, 5)
        grid.addWidget(self.error_label, 2, 1, 1, 5)
        grid.setColumnStretch(2, 1)
        self.set_spec(spec)

    def _make_editor(self, field, kind, limits):
        if kind is str:
            editor = QComboBox()
            editor.addItems(list(limits))
            editor.currentTextChanged.connect(partial(self._on_edited, field))
        else:
            editor = QSpinBox() if kind is int else QDoubleSpinBox()
            if kind is float:
                editor.setDecimals(2)
                editor.setSingleStep(0.05)
            editor.setRange(*limits)
            if field == "strides" and limits[0] == 0:
                editor.setSpecialValueText("= pool")
            editor.setKeyboardTracking(False)
            editor.valueChanged.connect(partial(self._on_edited, field, kind=kind))
        editor.installEventFilter(self)
        return editor

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() == event.Type.FocusIn:
            self.sigSelected.emit(self)
        return False

    def mousePressEvent(self, event):  # noqa: N802
        self.sigSelected.emit(self)
        super().mousePressEvent(event)

    @property
    def layer_type(self):
        return self._type

    def editor(self, field):
        return self._editors[field][1]

    def set_spec(self, spec):
        """Show ``spec``'s values; an editor that already shows its value is left alone (so
        nothing is emitted for it)."""
        for field, (kind, editor) in self._editors.items():
            if field not in spec:
                continue
            if kind is str:
                editor.setCurrentText(spec[field])
            else:
                editor.setValue(spec[field])

    def set_index(self, index, count):
        """Number the card ``index`` of ``count``; disable the moves that can't happen."""
        self.index_label.setText(f"{index + 1}.")
        for key, possible, tip, impossible in (
                ("up", index > 0, "Move this layer up (Ctrl+Up)", "The first layer cannot move up"),
                ("down", index < count - 1, "Move this layer down (Ctrl+Down)",
                 "The last layer cannot move down"),
                ("remove", count > 1, "Remove this layer (Delete)",
                 "A model needs at least one layer")):
            self.buttons[key].setEnabled(possible)
            self.buttons[key].setToolTip(tip if possible else impossible)

    def set_info(self, name, output_shape, params):
        """Show the built layer's name, output shape and parameter count; clear any error."""
        self.title.setText(f"<b>{name}</b> <span style='color:gray'>({self._type})</span>")
        self.shape_label.setText(str(tuple(output_shape)).replace("None", "N"))
        self.params_label.setText(f"{params:,} params")
        self.set_error(None)

    def set_error(self, message):
        """Mark this card as the one that breaks the model (``None`` clears the mark)."""
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))
        self._broken = bool(message)
        self.update()
        if message:
            self.shape_label.setText("—")
            self.params_label.setText("")

    def paintEvent(self, event):  # noqa: N802 (Qt name)
        super().paintEvent(event)
        if self._broken:  # a red frame, drawn rather than styled: a style sheet resizes the editors
            painter = QPainter(self)
            painter.setPen(QPen(QColor(colours.ERROR), 2))
            painter.drawRect(self.rect().adjusted(1, 1, -1, -1))
            painter.end()

    def set_selected(self, selected):
        self.setFrameShadow(QFrame.Sunken if selected else QFrame.Raised)
        self.setBackgroundRole(QPalette.Midlight if selected else QPalette.Window)

    def _on_edited(self, field, value, kind=str):
        self.sigEdited.emit(self, field, kind(value))

