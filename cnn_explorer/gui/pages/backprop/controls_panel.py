"""The left column of the "Learn a kernel" page: what to learn, from what, and how.

Every choice the user makes is emitted as ``sigEdit(text, changes)`` (field name -> new value of
the page's ``LearnSettings``); the page applies it as one undoable edit. :meth:`show_state` sets the
widgets from a state that changed elsewhere (undo, a refused value); the combos listen to
``activated`` (user choices only), so setting them never sends an edit back.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDoubleSpinBox, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from cnn_explorer.core import kernels
from cnn_explorer.core.padding import PAD_MODES
from cnn_explorer.gui.widgets.panel import button, combo, row, section, set_text, spin, wrapped
from cnn_explorer.nn.learn import OPTIMISERS, PADDINGS

ONE, SEVERAL = "one kernel", "several kernels at once"
#: The targets a switch to several kernels starts with: edges both ways, any edge, a blur.
SEVERAL_TARGETS = ("sobel x", "sobel y", "laplacian 4", "box blur 3×3")
TARGET_NAMES = [p.name for p in kernels.presets(2)]


class LearnControls(QWidget):
    """Input, target(s), start, padding; optimiser and learning rate; the run buttons.

    Signals
    -------
    sigEdit(str, object)
        ``(undo text, {field: value})``.
    """

    sigEdit = Signal(str, object)

    def __init__(self, input_names, parent=None):
        super().__init__(parent)
        self._showing = False          # True while show_state ticks the target list
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        box, form = section("What to learn", "kernel")
        self.input = combo(input_names, "The image the kernel is learned from; the target output "
                                         "is this image convolved with the target kernel")
        self.mode = combo((ONE, SEVERAL), "One kernel, or several kernels each learning its own "
                                           "target (why a layer has many filters)")
        self.target = combo(TARGET_NAMES, "The kernel to find again: its output on the input is "
                                           "what the learned kernel must produce")
        self.targets = QListWidget()
        self.targets.setToolTip("Tick the targets to learn at once (one shape for all)")
        for name in TARGET_NAMES:
            item = QListWidgetItem(name)
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.targets.addItem(item)
        self.targets.setFixedHeight(6 * self.targets.sizeHintForRow(0) + 6)
        self.start = combo(("zeros", "random", *TARGET_NAMES),
                            "The kernel before the first iteration")
        self.padding = combo(PADDINGS, "Padding of the convolution (a zero border shows the "
                                        "kernel's rows and columns at the image's edges)")
        self.pad_mode = combo(PAD_MODES, "What the pad cells hold")
        self._form = form
        form.addRow("Input", self.input)
        form.addRow("Learn", self.mode)
        form.addRow("Target", self.target)
        form.addRow(self.targets)
        form.addRow("Start from", self.start)
        form.addRow("Padding", row(self.padding, self.pad_mode))
        layout.addWidget(box)

        box, form = section("How to learn", "output")
        self.optimiser = combo(OPTIMISERS, "How the gradient changes the kernel")
        self.rule = wrapped(style="color: palette(mid); font-style: italic;")
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.0001, 100.0)
        self.rate.setDecimals(4)
        self.rate.setSingleStep(0.05)
        self.rate.setKeyboardTracking(False)       # one edit when the number is typed
        self.rate.setToolTip("Learning rate lr: how far each iteration moves against the gradient. "
                             "Too large and the loss explodes (try 1 with SGD)")
        self.speed = spin(1, 1000, 25, "Iterations per second while running", tracking=True)
        self.speed.setSuffix(" it/s")
        form.addRow("Optimiser", self.optimiser)
        form.addRow(self.rule)
        form.addRow("Learning rate", self.rate)
        form.addRow("Speed", self.speed)
        self.run_button = QPushButton("Run")
        self.run_button.setCheckable(True)
        self.run_button.setToolTip("Run iterations until paused (Ctrl+R runs and pauses)")
        self.iterate_button = button("One iteration", "Take the iteration shown below and show the next (Ctrl+I)")
        self.restart_button = button("Restart", "Back to the start kernel and iteration 0 (Ctrl+Backspace)")
        form.addRow(row(self.run_button, self.iterate_button, self.restart_button))
        layout.addWidget(box)

        self.input.activated.connect(lambda: self._emit("Input", image_name=self.input.currentText()))
        self.mode.activated.connect(self._on_mode)
        self.target.activated.connect(
            lambda: self._emit("Target", targets=(self.target.currentText(),)))
        self.targets.itemChanged.connect(self._on_targets_ticked)
        self.start.activated.connect(lambda: self._emit("Start", start=self.start.currentText()))
        self.padding.activated.connect(
            lambda: self._emit("Padding", padding=self.padding.currentText()))
        self.pad_mode.activated.connect(
            lambda: self._emit("Pad mode", pad_mode=self.pad_mode.currentText()))
        self.optimiser.activated.connect(
            lambda: self._emit("Optimiser", optimiser=self.optimiser.currentText()))
        self.rate.valueChanged.connect(lambda v: self._emit("Learning rate", learning_rate=v))

    def _emit(self, what, **changes):
        value = next(iter(changes.values()))
        text = ", ".join(value) if isinstance(value, tuple) else str(value)
        self.sigEdit.emit(f"{what}: {text}", changes)

    def _on_mode(self):
        several = self.mode.currentText() == SEVERAL
        self._emit("Learn", targets=SEVERAL_TARGETS if several else (self.target.currentText(),))

    def _ticked(self) -> tuple:
        return tuple(self.targets.item(i).text() for i in range(self.targets.count())
                     if self.targets.item(i).checkState() == Qt.Checked)

    def _on_targets_ticked(self, _item):
        if self._showing:
            return
        self._emit("Targets", targets=self._ticked())

    def show_state(self, state) -> None:
        """Set every widget from ``state`` (a ``LearnSettings``)."""
        several = len(state.targets) > 1
        for box, text in ((self.input, state.image_name), (self.mode, SEVERAL if several else ONE),
                          (self.target, state.targets[0]), (self.start, state.start),
                          (self.padding, state.padding), (self.pad_mode, state.pad_mode),
                          (self.optimiser, state.optimiser)):
            if box.currentText() != text:
                box.setCurrentText(text)
        self._form.setRowVisible(self.target, not several)
        self._form.setRowVisible(self.targets, several)
        # itemChanged fires for a programmatic tick too: the flag keeps it from making an edit
        self._showing = True
        for i in range(self.targets.count()):
            item = self.targets.item(i)
            wanted = Qt.Checked if item.text() in state.targets else Qt.Unchecked
            if item.checkState() != wanted:
                item.setCheckState(wanted)
        self._showing = False
        if self.rate.value() != state.learning_rate:
            self.rate.setValue(state.learning_rate)
        set_text(self.rule, OPTIMISERS[state.optimiser])
