"""The model page: the architecture as editable layer cards, its summary, parameter sharing
counted, and the receptive field of an output cell.

The page keeps the last valid model: while an edit makes the architecture impossible, the
offending card shows the engine's message and every other view keeps showing the last valid one.
The training page trains ``build_model()`` (see ``architecture_key()`` to notice changes).
"""

import json
from functools import partial

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (QApplication, QComboBox, QGroupBox, QHBoxLayout, QLabel,
                               QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QVBoxLayout,
                               QWidget)

from cnn_explorer.data import samples
from cnn_explorer.gui.pages.base import Page
from cnn_explorer.nn.counts import mult_adds_per_image, sharing_rows
from cnn_explorer.nn.specs import INPUT_SHAPE, build, specs_of
from cnn_explorer.gui.pages.model.model_views import ReceptiveFieldView, SharingTable
from cnn_explorer.gui.widgets.colours import ERROR
from cnn_explorer.gui.widgets.focus_keys import share_keys
from cnn_explorer.gui.widgets.layer_card import LAYER_TYPES, LayerCard, default_spec
from cnn_explorer.gui.widgets.shape_input import ShapeInput
from cnn_explorer.nn import guide_model


class ModelPage(Page):
    """Layer cards and the summary on the left; parameter sharing and receptive field on the right.

    Signals
    -------
    sigModelChanged()
        A new valid architecture (not emitted while the architecture is impossible).
    """

    sigModelChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.cards = []
        self.specs = []
        self.valid_specs = []
        self.input_shape = self.valid_input_shape = INPUT_SHAPE
        self.model = None
        self.error = None
        self._selected = None
        self._image = samples.digit().astype(np.float32)
        self._setup_ui()
        self._apply_specs(INPUT_SHAPE, specs_of(guide_model.guide_convnet()))
        self.undo_stack.clear()

    # -- set-up ----------------------------------------------------------------------------
    def _setup_ui(self):
        self.add_type = QComboBox()
        self.add_type.addItems(LAYER_TYPES)
        self.add_type.setToolTip("The kind of layer Add layer inserts")
        self.add_button = QPushButton("Add layer")
        self.add_button.setToolTip("Insert a layer after the selected card (or at the end)")
        self.guide_button = QPushButton("The guide's model")
        self.guide_button.setToolTip("Start again from the guide's convnet")
        self.input_shape_box = ShapeInput(INPUT_SHAPE)
        self.input_shape_box.setToolTip("One image's shape (height × width × channels): the data "
                                         "you train on must have it; a loaded model brings its own")
        top = QHBoxLayout()
        for widget in (self.input_shape_box, self.add_type, self.add_button):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.guide_button)
        self.cards_box = QVBoxLayout()
        self.cards_box.setSpacing(4)
        holder = QWidget()
        outer = QVBoxLayout(holder)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.cards_box)
        outer.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.cards_scroll = scroll
        self.status = QLabel()
        self.status.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(scroll, 1)
        left_layout.addWidget(self.status)

        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setLineWrapMode(QPlainTextEdit.NoWrap)
        font = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        font.setStyleHint(QFont.Monospace)
        font.setPointSizeF(font.pointSizeF() - 1)  # the 23 lines fit without scrolling
        self.summary.setFont(font)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the summary to the clipboard")
        summary_box = QGroupBox("Summary (as Keras prints it)")
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.addWidget(self.summary, 1)
        summary_layout.addWidget(self.copy_button)
        self.sharing = SharingTable()
        sharing_box = QGroupBox("Parameter sharing, counted")
        QVBoxLayout(sharing_box).addWidget(self.sharing)
        self.field = ReceptiveFieldView()
        field_box = QGroupBox("Receptive field")
        QVBoxLayout(field_box).addWidget(self.field)
        left_split = QSplitter(Qt.Vertical)
        left_split.addWidget(left)
        left_split.addWidget(summary_box)
        left_split.setSizes([430, 360])
        right = QSplitter(Qt.Vertical)
        right.addWidget(sharing_box)
        right.addWidget(field_box)
        right.setSizes([185, 605])
        splitter = QSplitter()
        splitter.addWidget(left_split)
        splitter.addWidget(right)
        splitter.setSizes([610, 650])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)

        self.add_button.clicked.connect(self._on_add)
        self.guide_button.clicked.connect(self._on_guide)
        self.input_shape_box.sigChanged.connect(self._on_input_shape)
        self.copy_button.clicked.connect(self._on_copy)
        # the selected card (clicked, or holding the focus); a text field keeps Delete for itself
        for keys, slot in ((QKeySequence.Delete, self._on_remove),
                           ("Ctrl+Up", lambda card: self._on_move(card, -1)),
                           ("Ctrl+Down", lambda card: self._on_move(card, +1))):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(partial(self._on_selected_key, slot))

    # -- public API ------------------------------------------------------------------------
    def build_model(self, seed=0):
        """A freshly initialised model of the last valid architecture."""
        return build(self.valid_specs, seed=seed, input_shape=self.valid_input_shape)

    def architecture_key(self):
        """A string that changes exactly when the valid architecture changes."""
        return json.dumps({"input_shape": list(self.valid_input_shape),
                           "layers": self.valid_specs}, sort_keys=True)

    def set_specs(self, specs, text="Change the model", input_shape=None):
        """Replace every layer, and the input shape if given (undoable)."""
        after = (tuple(input_shape or self.input_shape), [dict(s) for s in specs])
        self.push_edit(text, self._apply_state, (self.input_shape, list(self.specs)), after)

    # -- editing ---------------------------------------------------------------------------
    def _on_add(self):
        index = self.cards.index(self._selected) + 1 if self._selected in self.cards else len(self.specs)
        kind = self.add_type.currentText()
        specs = list(self.specs)
        specs.insert(index, default_spec(kind))
        self.set_specs(specs, f"Add {kind}")

    def _on_guide(self):
        self.set_specs(specs_of(guide_model.guide_convnet()), "Use the guide's model", INPUT_SHAPE)

    def _on_input_shape(self, shape):
        self.push_edit("Change the input shape", self._apply_state,
                       (self.input_shape, list(self.specs)), (tuple(shape), list(self.specs)),
                       merge_key="input")

    def _on_copy(self):
        QApplication.clipboard().setText(self.summary.toPlainText())
        self.copy_button.setText("Copied ✓")          # a click with no visible effect looks broken
        QTimer.singleShot(1500, self.copy_button, lambda: self.copy_button.setText("Copy"))

    def _on_card_changed(self, card):
        index = self.cards.index(card)
        new = card.spec()
        old = self.specs[index]
        fields = sorted(k for k in new if new[k] != old.get(k))
        specs = list(self.specs)
        specs[index] = new
        self.push_edit(f"Edit {', '.join(fields)} of layer {index + 1}", self._apply_state,
                       (self.input_shape, list(self.specs)), (self.input_shape, specs),
                       merge_key=(index, tuple(fields)))

    def _on_move(self, card, step):
        index = self.cards.index(card)
        target = index + step
        if 0 <= target < len(self.specs):
            specs = list(self.specs)
            specs[index], specs[target] = specs[target], specs[index]
            self.set_specs(specs, f"Move layer {index + 1} {'up' if step < 0 else 'down'}")
            self._on_selected(self.cards[target])       # the moved layer stays selected

    def _on_remove(self, card):
        if len(self.specs) > 1:
            index = self.cards.index(card)
            specs = list(self.specs)
            del specs[index]
            self.set_specs(specs, f"Remove layer {index + 1}")
            self._on_selected(self.cards[min(index, len(self.cards) - 1)])

    def _on_selected_key(self, slot):
        if self._selected in self.cards:
            slot(self._selected)

    def _on_selected(self, card):
        self._selected = card
        for other in self.cards:
            other.set_selected(other is card)

    # -- applying specs --------------------------------------------------------------------
    def _apply_state(self, state):
        self._apply_specs(*state)    # (input shape, layer specs), as the undo stack keeps them

    def _apply_specs(self, input_shape, specs):
        self.input_shape = tuple(input_shape)
        self.input_shape_box.set_shape(self.input_shape)
        self.specs = [dict(s) for s in specs]
        if [c.layer_type for c in self.cards] != [s["type"] for s in self.specs]:
            self._rebuild_cards()
        for card, spec in zip(self.cards, self.specs):
            card.set_spec(spec)
        self._fit_cards_width()
        self._rebuild_model()

    def _fit_cards_width(self):
        """Keep the cards' column as wide as a card: in a 1024-pixel window the splitter cut off
        their right ends (parameter counts, the activation choice)."""
        scroll = self.cards_scroll
        scroll.setMinimumWidth(scroll.widget().minimumSizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width()
                               + 2 * scroll.frameWidth())

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        # the cards know their width once polished; measured inside showEvent, the card list
        # lagged behind added cards (squeezed to a few pixels each for a moment)
        QTimer.singleShot(0, self, self._fit_cards_width)

    def _rebuild_cards(self):
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        self._selected = None
        for i, spec in enumerate(self.specs):
            card = LayerCard(spec)
            card.set_index(i, len(self.specs))
            card.sigChanged.connect(self._on_card_changed)
            card.sigMoveUp.connect(lambda c: self._on_move(c, -1))
            card.sigMoveDown.connect(lambda c: self._on_move(c, +1))
            card.sigRemove.connect(self._on_remove)
            card.sigSelected.connect(self._on_selected)
            self.cards_box.addWidget(card)
            self.cards.append(card)
        share_keys(self)

    def _rebuild_model(self):
        try:
            model = build(self.specs, input_shape=self.input_shape)
        except ValueError as exc:
            self._show_error(exc)
            return
        self.error = None
        self.model = model
        self.valid_specs = [dict(s) for s in self.specs]
        self.valid_input_shape = self.input_shape
        for card, layer in zip(self.cards, model.layers):
            card.set_info(layer.name, layer.output_shape, layer.count_params())
        self.status.setStyleSheet("")
        self.status.setText(f"Output {tuple(model.output_shape)}, {model.count_params():,} "
                            "parameters. Edit a card: shapes and counts follow as you type.")
        self._show_model(model)
        self.sigModelChanged.emit()

    def _show_error(self, exc):
        index = getattr(exc, "layer_index", None)
        self.error = str(exc)
        if index is not None and index > 0:
            prefix = build(self.specs[:index], input_shape=self.input_shape)
            for card, layer in zip(self.cards, prefix.layers):
                card.set_info(layer.name, layer.output_shape, layer.count_params())
        for i, card in enumerate(self.cards):
            if i == index:
                card.set_error(str(exc))
            elif index is None or i > index:
                card.set_error(None)
                card.shape_label.setText("—")
                card.params_label.setText("")
        self.status.setStyleSheet(f"color: {ERROR};")
        self.status.setText(f"This architecture is impossible: {exc}. The summary and counts "
                            "still show the last valid model.")

    def _show_model(self, model):
        self.summary.setPlainText(model.summary())
        shapes = [layer.output_shape for layer in model.layers]
        names = [layer.name for layer in model.layers]
        self.sharing.set_rows(sharing_rows(self.valid_specs, names, shapes, model.input_shape),
                              model.count_params(),
                              mult_adds_per_image(self.valid_specs, shapes, model.input_shape))
        sample = samples.resized_for(self._image, model.input_shape)
        image, activations = np.zeros((1, 1), np.float32), {}
        if sample is not None:
            image = sample[0]
            activations = {name: a[0] for name, a in model.activations(sample[1]) if a.ndim == 4}
        self.field.set_model(self.valid_specs, names, shapes, model.input_shape, image,
                             activations)
