"""Stepper: play / pause / step / jump / speed / scrubber controls for a trace of n steps."""

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDoubleSpinBox, QHBoxLayout, QLabel, QSlider, QSpinBox, QStyle,
                               QToolButton, QWidget)

from cnn_explorer.gui.widgets.panel import combo

MIN_SPEED, MAX_SPEED = 0.5, 60.0


class Stepper(QWidget):
    """Walks a step number through ``0 .. count-1``; the page draws whatever step it is told.

    With :meth:`set_row_length` (a 2D output's width) the user can jump to a row and move a
    whole row per step ("rows" next to the speed): a 28×28 digit is 28 steps, not 784.

    Signals
    -------
    sigStepChanged(int)
        the new current step.
    sigPlayingChanged(bool)
        playback started (True) or stopped (False).
    sigUsed()
        the user played or stepped (a first-run hint can go).
    """

    sigStepChanged = Signal(int)
    sigPlayingChanged = Signal(bool)
    sigUsed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._count = 0
        self._step = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.timeout.connect(self._on_tick)
        # Steps follow the clock, not the tick count, so timer jitter does not slow playback.
        self._clock = QElapsedTimer()
        self._clock_step = 0
        self._shows_pause = False
        self._row_length = 1

        style = self.style()
        self.start_button = self._button(style.standardIcon(QStyle.SP_MediaSkipBackward),
                                         "Jump to the first step (Home)", self.to_start)
        self.back_button = self._button(style.standardIcon(QStyle.SP_MediaSeekBackward),
                                        "One step back (Left)", self.step_back)
        self.play_button = self._button(style.standardIcon(QStyle.SP_MediaPlay),
                                        "Play / pause (Space)", self.toggle_play)
        self.forward_button = self._button(style.standardIcon(QStyle.SP_MediaSeekForward),
                                           "One step forward (Right)", self.step_forward)
        self.end_button = self._button(style.standardIcon(QStyle.SP_MediaSkipForward),
                                       "Jump to the last step: the whole output (End)",
                                       self.to_end)
        self.scrubber = QSlider(Qt.Horizontal)
        self.scrubber.setToolTip("Drag to any step")
        self.scrubber.valueChanged.connect(self._on_scrubbed)
        self.label = QLabel()
        # a fixed width: a label that resizes with its text would re-lay out the page every step
        self._fit_label(6)
        self.speed = QDoubleSpinBox()
        self.speed.setRange(MIN_SPEED, MAX_SPEED)
        self.speed.setDecimals(1)
        self.speed.setSingleStep(0.5)
        self.speed.setValue(2.0)
        self.speed.setSuffix(" /s")
        self.speed.setToolTip("Playback speed, 0.5 to 60 steps per second")
        self.speed.valueChanged.connect(self._on_speed_changed)
        self._on_speed_changed(self.speed.value())
        self.unit = combo(["cells", "rows"], "What one step moves: one output cell, or a whole row of them")
        self.unit.currentIndexChanged.connect(self._on_speed_changed)
        self.row_label = QLabel("Row")
        self.row_box = QSpinBox()
        self.row_box.setKeyboardTracking(False)
        self.row_box.setToolTip("Jump to the first cell of this output row")
        self.row_box.valueChanged.connect(self._on_row_chosen)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.start_button, self.back_button, self.play_button,
                       self.forward_button, self.end_button):
            layout.addWidget(button)
        layout.addWidget(self.scrubber, 1)
        layout.addWidget(self.label)
        layout.addWidget(self.row_label)
        layout.addWidget(self.row_box)
        layout.addWidget(QLabel("Speed"))
        layout.addWidget(self.speed)
        layout.addWidget(self.unit)
        self.set_row_length(1)
        self._update_view()

    def _button(self, icon, tip, slot):
        button = QToolButton()
        button.setIcon(icon)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def install_shortcuts(self, widget) -> None:
        """Space, Left, Right, Home and End drive this stepper while ``widget`` has focus inside."""
        for key, slot in ((Qt.Key_Space, self.toggle_play), (Qt.Key_Left, self.step_back),
                          (Qt.Key_Right, self.step_forward), (Qt.Key_Home, self.to_start),
                          (Qt.Key_End, self.to_end)):
            shortcut = QShortcut(QKeySequence(key), widget)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- state -----------------------------------------------------------------------------
    def count(self) -> int:
        return self._count

    def step(self) -> int:
        return self._step

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def set_count(self, count: int, step: int = 0) -> None:
        """A new trace of ``count`` steps, at ``step`` (0: its start); ``sigStepChanged`` is not
        emitted: the page draws the new trace's step itself."""
        self._count = max(0, int(count))
        self._step = min(max(0, int(step)), max(0, self._count - 1))
        # a shorter range clamps the old value: not a step anyone chose (_update_view shows the
        # new one, and the scrubber moves, and repaints, once)
        blocked = self.scrubber.blockSignals(True)
        try:
            self.scrubber.setRange(0, max(0, self._count - 1))
        finally:
            self.scrubber.blockSignals(blocked)
        if self._count <= 1:
            self.pause()
        elif self.is_playing():
            self._restart_clock()
        self.set_row_length(self._row_length)
        self._fit_label(len(str(self._count)))
        self._update_view()

    def _fit_label(self, digits: int) -> None:
        """Room for "Step n / n" with ``digits``-digit numbers (at least six): a trace of
        4,194,304 steps (a 2048×2048 map) was cut to "Step 4194304 / 419"."""
        width = self.label.fontMetrics().horizontalAdvance(
            f"Step {'0' * max(6, digits)} / {'0' * max(6, digits)}")
        if self.label.minimumWidth() != width:
            self.label.setFixedWidth(width)

    def set_step(self, step: int) -> None:
        """Go to ``step`` (clamped to the trace); playback, if on, continues from there."""
        self._go_to(step)
        if self.is_playing():
            self._restart_clock()

    def _on_scrubbed(self, value):
        if value != self._step:              # not the echo of _update_view
            self.set_step(value)

    def _go_to(self, step):
        step = min(max(0, int(step)), max(0, self._count - 1))
        if step == self._step:
            return
        self._step = step
        self._update_view()
        self.sigStepChanged.emit(step)

    def set_speed(self, steps_per_second: float) -> None:
        self.speed.setValue(steps_per_second)

    def set_row_length(self, n: int) -> None:
        """Steps per output row; rows are offered only when there are several of them."""
        self._row_length = max(1, int(n))
        rows = -(-self._count // self._row_length) if self._count else 0
        several = self._row_length > 1 and rows > 1
        for widget in (self.row_label, self.row_box, self.unit):
            widget.setVisible(several)
        if not several and self.unit.currentIndex():
            self.unit.setCurrentIndex(0)
        self._show_row()                     # first: a shorter range would clamp the old row
        if self.row_box.maximum() != max(0, rows - 1):      # Qt repaints even an equal range
            self.row_box.setRange(0, max(0, rows - 1))

    def _stride(self) -> int:
        """Steps one press (or one tick) moves."""
        return self._row_length if self.unit.currentIndex() == 1 else 1

    def _on_row_chosen(self, row):
        if row != self._step // self._row_length:     # not the echo of _show_row
            self.set_step(row * self._row_length)

    def _show_row(self):
        row = self._step // self._row_length
        if self.row_box.value() != row:
            self.row_box.setValue(row)

    # -- actions ---------------------------------------------------------------------------
    def step_forward(self):
        self.sigUsed.emit()
        self.set_step(self._step + self._stride())

    def step_back(self):
        self.sigUsed.emit()
        self.set_step(self._step - self._stride())

    def to_start(self):
        self.set_step(0)

    def to_end(self):
        self.pause()
        self.set_step(self._count - 1)

    def play(self):
        if self._count <= 1 or self.is_playing():
            return
        self.sigUsed.emit()
        if self._step >= self._count - 1:
            self.set_step(0)
        self._restart_clock()
        self._timer.start()
        self._update_view()
        self.sigPlayingChanged.emit(True)

    def pause(self):
        if not self.is_playing():
            return
        self._timer.stop()
        self._update_view()
        self.sigPlayingChanged.emit(False)

    def toggle_play(self):
        self.pause() if self.is_playing() else self.play()

    def _restart_clock(self):
        self._clock.start()
        self._clock_step = self._step

    def _on_tick(self):
        due = self._clock_step + self._stride() * int(self._clock.nsecsElapsed() * 1e-9
                                                      * self.speed.value())
        if due > self._step:
            self._go_to(due)
        if self._step >= self._count - 1:
            self.pause()

    def _on_speed_changed(self, _=None):
        self._timer.setInterval(max(1, int(1000.0 / self.speed.value())))
        if self.is_playing():
            self._restart_clock()

    def _update_view(self):
        playing = self.is_playing()
        if playing != self._shows_pause:
            self._shows_pause = playing
            self.play_button.setIcon(self.style().standardIcon(
                QStyle.SP_MediaPause if playing else QStyle.SP_MediaPlay))
        self.scrubber.setValue(self._step)
        total = self._count
        self.label.setText(f"Step {self._step + 1 if total else 0} / {total}")
        self._show_row()
        if self.scrubber.isEnabled() != (total > 1):
            for button in (self.start_button, self.back_button, self.forward_button,
                           self.end_button, self.play_button, self.scrubber):
                button.setEnabled(total > 1)
