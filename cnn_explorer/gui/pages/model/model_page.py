"""The model page: the architecture as editable layer cards, its summary, parameter sharing
counted, and the receptive field of an output cell.

The page's state is one ``nn.specs.Architecture`` (input shape + layer specs), which only exists
if the engine builds it. An edit is ``self.edit(text, layers=...)``; an edit the engine refuses
leaves the state (the last valid model) as it was, and the offending card shows the engine's
message. The training page trains ``build_model()`` (see ``architecture_key()`` to notice
changes).
"""

from functools import partial

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (QApplication, QGroupBox, QHBoxLayout, QPlainTextEdit, QPushButton,
                               QScrollArea, QSplitter, QVBoxLayout, QWidget)

from cnn_explorer.data import samples
from cnn_explorer.gui.pages.base import Page
from cnn_explorer.nn.counts import mult_adds_per_image, sharing_rows
from cnn_explorer.nn.specs import INPUT_SHAPE, build, guide_architecture, insert_layer
from cnn_explorer.gui.pages.model.model_views import ReceptiveFieldView, SharingTable
from cnn_explorer.gui.widgets.colours import ERROR
from cnn_explorer.gui.widgets.first_run_hint import FirstRunHint
from cnn_explorer.gui.widgets.focus_keys import share_keys
from cnn_explorer.gui.widgets.layer_card import LAYER_TYPES, LayerCard, default_spec
from cnn_explorer.gui.widgets.shape_input import ShapeInput
from cnn_explorer.gui.widgets.panel import button, combo, wrapped

HINT = ("<b>Change a number on a card</b> (then Enter) and watch the shapes, the parameter counts "
        "and the receptive field follow; <b>Add layer</b> inserts the chosen kind where it fits.")


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
        self.error = None
        self._selected = None
        self._image = samples.digit().astype(np.float32)
        self._setup_ui()
        self.apply_state(guide_architecture())

    # -- set-up ----------------------------------------------------------------------------
    def _setup_ui(self):
        self.add_type = combo(LAYER_TYPES, "The kind of layer Add layer inserts")
        self.add_button = QPushButton("Add layer")
        self.add_button.setToolTip("Insert a layer after the selected card, or where the kind "
                                   "fits (an image layer before Flatten, others before the "
                                   "classifier); the new card is selected")
        self.guide_button = button("The guide's model", "Start again from the guide's convnet")
        self.hint = FirstRunHint("model", HINT)
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
        self.status = wrapped()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.hint)
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
        self.copy_button = button("Copy", "Copy the summary to the clipboard")
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
        # the table takes the height its rows need (a splitter squeezed it to half a row at
        # 1024×700); the receptive field gets the rest
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(sharing_box)
        right_layout.addWidget(field_box, 1)
        splitter = QSplitter()
        splitter.addWidget(left_split)
        splitter.addWidget(right)
        splitter.setSizes([610, 650])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)

        self.add_button.clicked.connect(self._on_add)
        self.guide_button.clicked.connect(self._on_guide)
        self.input_shape_box.sigEdited.connect(self._on_input_shape)
        self.copy_button.clicked.connect(self._on_copy)
        # the selected card (clicked, or holding the focus); a text field keeps Delete for itself
        for keys, slot in ((QKeySequence.Delete, self._on_remove),
                           ("Ctrl+Up", lambda card: self._on_move(card, -1)),
                           ("Ctrl+Down", lambda card: self._on_move(card, +1))):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(partial(self._on_selected_key, slot))

    # -- public API ------------------------------------------------------------------------
    @property
    def model(self):
        """The state's model, built with seed 0 (for the views; train ``build_model()``)."""
        return self.state.model

    @property
    def specs(self):
        return self.state.specs()

    def build_model(self, seed=0):
        """A freshly initialised model of the architecture."""
        return build(self.state.layers, seed=seed, input_shape=self.state.input_shape)

    def architecture_key(self):
        """A string that changes exactly when the architecture changes."""
        return self.state.key()

    def set_specs(self, specs, text="Change the model", input_shape=None):
        """Replace every layer, and the input shape if given (undoable)."""
        self._edit(text, layers=tuple(specs),
                   input_shape=tuple(input_shape or self.state.input_shape))

    # -- editing ---------------------------------------------------------------------------
    def _edit(self, text, merge_key=None, **changes):
        """``Page.edit``; if the engine refuses the architecture, say why (and keep it in
        ``self.error``)."""
        self.error = None
        try:
            return self.edit(text, merge_key, **changes)
        except ValueError as exc:
            self._show_refused(exc, changes)
            return False

    def _on_add(self):
        kind = self.add_type.currentText()
        after = self.cards.index(self._selected) if self._selected in self.cards else None
        try:
            state, index = insert_layer(self.state, default_spec(kind), after)
        except ValueError as exc:
            self._show_refused(exc)
            return
        self.edit(f"Add {kind}", layers=state.layers)
        card = self.cards[index]
        self._on_selected(card)
        # the card is laid out on the next pass: scroll once it has its place
        QTimer.singleShot(0, card, lambda: self.cards_scroll.ensureWidgetVisible(card))

    def _on_guide(self):
        guide = guide_architecture()
        self._edit("Use the guide's model", layers=guide.layers, input_shape=guide.input_shape)

    def _on_input_shape(self, axis, value):
        shape = list(self.state.input_shape)
        if len(shape) == 3:              # other shapes are shown, not edited
            shape[axis] = value
            self._edit("Change the input shape", merge_key="input", input_shape=tuple(shape))

    def _on_copy(self):
        QApplication.clipboard().setText(self.summary.toPlainText())
        self.copy_button.setText("Copied ✓")          # a click with no visible effect looks broken
        QTimer.singleShot(1500, self.copy_button, lambda: self.copy_button.setText("Copy"))

    def _on_card_edited(self, card, field, value):
        index = self.cards.index(card)
        specs = self.state.specs()
        specs[index][field] = value
        self._edit(f"Edit {field} of layer {index + 1}", (index, field), layers=tuple(specs))

    def _on_move(self, card, step):
        index = self.cards.index(card)
        target = index + step
        if 0 <= target < len(self.cards):
            specs = self.state.specs()
            specs[index], specs[target] = specs[target], specs[index]
            self._edit(f"Move layer {index + 1} {'up' if step < 0 else 'down'}",
                       layers=tuple(specs))
            if self.error is None:
                self._on_selected(self.cards[target])       # the moved layer stays selected

    def _on_remove(self, card):
        if len(self.cards) > 1:
            index = self.cards.index(card)
            specs = self.state.specs()
            del specs[index]
            self._edit(f"Remove layer {index + 1}", layers=tuple(specs))
            if self.error is None:
                self._on_selected(self.cards[min(index, len(self.cards) - 1)])

    def _on_selected_key(self, slot):
        if self._selected in self.cards:
            slot(self._selected)

    def _on_selected(self, card):
        self._selected = card
        for other in self.cards:
            other.set_selected(other is card)

    # -- drawing the state -----------------------------------------------------------------
    def render(self, state):
        """Show ``state``: cards (rebuilt when the layer types change), summary and views.

        Setting an editor emits its signal; the edit it makes equals ``state`` and is dropped by
        ``Page.edit``, so no editor needs its signals blocked.
        """
        self.input_shape_box.set_shape(state.input_shape)
        if [c.layer_type for c in self.cards] != [s["type"] for s in state.layers]:
            self._rebuild_cards(state)
        model = state.model
        for card, spec, layer in zip(self.cards, state.layers, model.layers):
            card.set_spec(spec)
            card.set_info(layer.name, layer.output_shape, layer.count_params())
        self._fit_cards_width()
        self.error = None
        self.status.setStyleSheet("")
        self.status.setText(f"Output {tuple(model.output_shape)}, {model.count_params():,} "
                            "parameters. Edit a card (Enter or an arrow): shapes and counts "
                            "follow.")
        self._show_model(state)
        self.sigModelChanged.emit()

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

    def _rebuild_cards(self, state):
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        self._selected = None
        for i, spec in enumerate(state.layers):
            card = LayerCard(spec)
            card.set_index(i, len(state.layers))
            card.sigEdited.connect(self._on_card_edited)
            card.sigMoveUp.connect(lambda c: self._on_move(c, -1))
            card.sigMoveDown.connect(lambda c: self._on_move(c, +1))
            card.sigRemove.connect(self._on_remove)
            card.sigSelected.connect(self._on_selected)
            self.cards_box.addWidget(card)
            self.cards.append(card)
        share_keys(self)

    def _show_refused(self, exc, changes=None):
        """Say why an edit was refused; the state, and every view of it, stays the last valid
        model. When the refused ``changes`` keep the cards' layer types (a typed value, the input
        shape), the layer at fault shows the message and the layers before it their shapes."""
        self.error = str(exc)
        index = getattr(exc, "layer_index", None)
        layers = (changes or {}).get("layers", self.state.layers)
        if changes is not None and index is not None and \
                [c.layer_type for c in self.cards] == [s["type"] for s in layers]:
            shape = changes.get("input_shape", self.state.input_shape)
            prefix = build(layers[:index], input_shape=shape).layers if index else []
            for card, layer in zip(self.cards, prefix):
                card.set_info(layer.name, layer.output_shape, layer.count_params())
            self.cards[index].set_error(str(exc))
            for later in self.cards[index + 1:]:
                later.set_error(None)
                later.shape_label.setText("—")
                later.params_label.setText("")
        self.status.setStyleSheet(f"color: {ERROR};")
        self.status.setText(f"This architecture is impossible: {exc}. The summary and counts "
                            "still show the last valid model.")

    def _show_model(self, state):
        model, specs = state.model, state.specs()
        self.summary.setPlainText(model.summary())
        shapes = [layer.output_shape for layer in model.layers]
        names = [layer.name for layer in model.layers]
        self.sharing.set_rows(sharing_rows(specs, names, shapes, model.input_shape),
                              model.count_params(),
                              mult_adds_per_image(specs, shapes, model.input_shape))
        sample = samples.resized_for(self._image, model.input_shape)
        image, activations = np.zeros((1, 1), np.float32), {}
        if sample is not None:
            image = sample[0]
            activations = {name: a[0] for name, a in model.activations(sample[1]) if a.ndim == 4}
        self.field.set_model(specs, names, shapes, model.input_shape, image,
                             activations)
