"""The training page's left column: dataset, hyper-parameters, run controls, progress, messages."""

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from cnn_explorer.gui.widgets.colours import ERROR
from cnn_explorer.gui.widgets.panel import button, combo, spin, wrapped
from cnn_explorer.nn import optim
from cnn_explorer.nn.training_settings import SPEEDS

PAUSE_KEYS = "Ctrl+P"
START_KEYS = "Ctrl+Return"


def speed_text(batches_per_second):
    if not batches_per_second:
        return "full speed"
    return f"{batches_per_second:g} batch{'es' * (batches_per_second != 1)}/s"


class ControlsScroll(QScrollArea):
    """Scrolls the controls when the window is too low, never squeezing their wrapped labels
    (a scroll area gives its widget the minimum height, where a wrapped label is one line)."""

    def __init__(self, controls, parent=None):
        super().__init__(parent)
        self.setWidget(controls)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.NoFrame)
        self.setMinimumWidth(controls.minimumWidth() + 16)
        self.setMaximumWidth(controls.maximumWidth() + 16)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        controls.installEventFilter(self)      # a new text may need another line

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.LayoutRequest:
            self.fit_height()
        return False

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.fit_height()

    def fit_height(self):
        """Give the controls the height their labels need at this width."""
        controls = self.widget()
        height = controls.layout().totalHeightForWidth(self.viewport().width())
        if height != controls.minimumHeight():
            controls.setMinimumHeight(height)


class TrainingControls(QWidget):
    """Widgets only: the page connects them (``changed``) and sets them from its state
    (``set_value``)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._dataset_group())
        layout.addWidget(self._hyper_group())
        layout.addWidget(self._run_group())
        layout.addStretch(1)
        self.setMinimumWidth(270)
        self.setMaximumWidth(320)

    def _dataset_group(self):
        group = QGroupBox("Data")
        self.dataset_combo = combo((), "Datasets found on this computer")
        self.open_button = button("Open folder…", "A folder of IDX files, or of images with one subfolder per class")
        self.download_button = button("Download…", "Fetch a full dataset from the internet into your cache")
        self.download_bar = QProgressBar()
        self.download_bar.setFormat("%p%")
        self.cancel_download = button("Cancel", "Stop the download; nothing half-downloaded is kept")
        self.grey = QCheckBox("Convert to grey")
        self.grey.setToolTip("Load colour images (CIFAR-10, a folder of colour pictures) as grey: "
                             "one channel, as MNIST, so the model takes H×W×1 (no effect on "
                             "grey data)")
        self.dataset_info = wrapped(style="color: palette(dark);")
        grid = QGridLayout(group)
        grid.addWidget(self.dataset_combo, 0, 0, 1, 2)
        grid.addWidget(self.open_button, 1, 0)
        grid.addWidget(self.download_button, 1, 1)
        grid.addWidget(self.download_bar, 2, 0)
        grid.addWidget(self.cancel_download, 2, 1)
        grid.addWidget(self.grey, 3, 0, 1, 2)
        grid.addWidget(self.dataset_info, 4, 0, 1, 2)
        self.set_downloading(False)
        return group

    def _hyper_group(self):
        group = QGroupBox("Hyper-parameters")
        form = QGridLayout(group)
        form.setVerticalSpacing(3)
        form.setHorizontalSpacing(4)
        self.epochs = spin(1, 500, 15, "Passes over the training images", tracking=False)
        self.batch_size = spin(1, 4096, 128, "Images per gradient step", tracking=False)
        self.optimizer = combo(optim.OPTIMIZERS, "How the gradient updates the weights")
        self.optimizer.setCurrentText("adam")          # Keras's and the guide's choice
        self.learning_rate = spin(1e-5, 10.0, 1e-3, "Step size of the optimiser", step=1e-4, decimals=5)
        self.validation_split = spin(0.0, 0.5, 0.1, "Share of the training images kept aside to "
                                     "validate", step=0.05, decimals=2)
        self.augment = spin(0, 4, 0, "Random shift: move every training image by up to this many pixels (0: off)",
                            tracking=False)
        self.seed = spin(0, 2 ** 31 - 1, 0, "Same seed, same data: same weights", tracking=False)
        # short numbers two to a row: the page's left column fits a 700-pixel-high window
        for row, col, text, widget, span in (
                (0, 0, "Epochs", self.epochs, 1), (0, 2, "Batch", self.batch_size, 1),
                (1, 0, "Optimiser", self.optimizer, 3), (2, 0, "Learning rate", self.learning_rate, 3),
                (3, 0, "Validation split", self.validation_split, 3),
                (4, 0, "Shift (px)", self.augment, 1), (4, 2, "Seed", self.seed, 1)):
            label = QLabel(text)
            label.setToolTip(widget.toolTip())
            label.setBuddy(widget)
            form.addWidget(label, row, col, Qt.AlignRight | Qt.AlignVCenter)
            form.addWidget(widget, row, col + 1, 1, span)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        return group

    def _run_group(self):
        group = QGroupBox("Training")
        self.model_label = wrapped()
        self.start_button = QPushButton("Start")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.stop_button = QPushButton("Stop")
        self.step_button = QPushButton("Step one batch")
        self.speed = combo([(speed_text(speed), speed) for speed in SPEEDS],
                           "Slow motion: at most this many batches a second (also while it runs)")
        self.new_button = QPushButton("New model")
        self.save_button = QPushButton("Save…")
        self.load_button = QPushButton("Load…")
        # active while the Training page shows (a button's shortcut needs it visible)
        for push, keys, tip in (
                (self.start_button, START_KEYS, "Train the model on the chosen data (continues "
                                                   "a trained model)"),
                (self.pause_button, PAUSE_KEYS, "Pause between two batches; press again to resume"),
                (self.stop_button, "Ctrl+.", "Stop after the current batch; the weights are kept"),
                (self.step_button, "Ctrl+B", "Train one mini-batch and pause: its forward pass, "
                                             "loss and update are shown"),
                (self.new_button, "Ctrl+N", "Fresh random weights for the Model page's "
                                            "architecture"),
                (self.save_button, "Ctrl+S", "Save the model, its optimiser state and history "
                                             "(.npz)"),
                (self.load_button, "Ctrl+O", "Load a saved model: Start continues its training")):
            push.setShortcut(QKeySequence(keys))
            push.setToolTip(f"{tip} ({QKeySequence(keys).toString(QKeySequence.NativeText)})")
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setValue(0)
        self.progress.setFormat("not started")
        self.status = wrapped("Press Start to train.")
        self.message = wrapped()
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button, 2)    # its text says what it will do: the room
        buttons.addWidget(self.pause_button, 1)
        buttons.addWidget(self.stop_button, 1)
        for push in (self.pause_button, self.stop_button):
            push.setMinimumWidth(56)
        slow = QHBoxLayout()
        slow.addWidget(QLabel("Speed"))
        slow.addWidget(self.speed, 1)
        slow.addWidget(self.step_button)
        files = QHBoxLayout()
        for push in (self.new_button, self.save_button, self.load_button):
            files.addWidget(push)
        layout = QVBoxLayout(group)
        layout.setSpacing(4)
        layout.addWidget(self.model_label)
        layout.addLayout(buttons)
        layout.addLayout(slow)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(files)
        layout.addWidget(self.message)
        return group

    def show_progress(self, step, total, text):
        """The progress bar at ``step`` of ``total`` batches, saying ``text``."""
        bar = self.progress
        # QProgressBar repaints at once when its value changes: one extra pass over the window
        # per frame. With updates off it waits, and turning them on asks for the window's next
        # paint, which draws everything a frame changed at once
        bar.setUpdatesEnabled(False)
        bar.setMaximum(total)
        bar.setValue(step)
        bar.setFormat(text)
        bar.setUpdatesEnabled(True)

    def changed(self, name):
        """The signal that carries the new value of setting widget ``name`` (an attribute)."""
        widget = getattr(self, name)
        if isinstance(widget, QComboBox):
            return widget.currentIndexChanged if name == "speed" else widget.currentTextChanged
        if isinstance(widget, QCheckBox):
            return widget.toggled
        return widget.valueChanged

    def value(self, name):
        widget = getattr(self, name)
        if name == "speed":
            return widget.currentData()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        return widget.currentText() if isinstance(widget, QComboBox) else widget.value()

    def set_value(self, name, value):
        """Show ``value`` in widget ``name`` (nothing when it shows it already: no echo)."""
        widget = getattr(self, name)
        if self.value(name) == value:
            return
        if name == "speed":
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QComboBox):
            widget.setCurrentText(value)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(value)
        else:
            widget.setValue(value)

    def set_start_text(self, text):
        self.start_button.setText(text)
        self.start_button.setShortcut(QKeySequence(START_KEYS))    # setText dropped it

    def set_downloading(self, downloading):
        self.download_bar.setVisible(downloading)
        self.cancel_download.setVisible(downloading)
        self.download_button.setEnabled(not downloading)

    def show_message(self, text, error=True):
        """A message in the page (an error in red); ``""`` hides it."""
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {ERROR};" if error else "")
        self.message.setVisible(bool(text))

    def set_running(self, running, paused=False):
        for widget in (self.start_button, self.new_button, self.save_button, self.load_button,
                       self.epochs, self.batch_size, self.optimizer, self.learning_rate,
                       self.validation_split, self.augment, self.seed):
            widget.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.step_button.setEnabled(paused or not running)
        self.pause_button.setChecked(paused)
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_button.setShortcut(QKeySequence(PAUSE_KEYS))    # setText dropped it
