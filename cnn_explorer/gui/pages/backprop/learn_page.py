"""Learn a kernel: gradient descent finds Sobel (or any preset) again from its output, step by step.

The page's state is one ``nn.learn.LearnSettings``; every choice is an undoable ``Page.edit``, and
a new state starts the learning again. The loop itself (``nn.learn.KernelLearner``) is Qt-free; a
``QTimer`` takes a few iterations per tick, so the window never waits for it. The stepper plays the
coming iteration's phases (``nn.learn_phases``): forward, error map, dL/dK cell by cell, update.
"""

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QSizePolicy

from cnn_explorer.data import samples
from cnn_explorer.gui.pages.backprop.controls_panel import LearnControls
from cnn_explorer.gui.pages.backprop.iteration_views import IterationViews
from cnn_explorer.gui.pages.base import Page
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.first_run_hint import FirstRunHint
from cnn_explorer.gui.widgets.focus_keys import share_keys
from cnn_explorer.gui.widgets.panel import ExplorerLayout, set_text, wrapped
from cnn_explorer.gui.widgets.stepper import Stepper
from cnn_explorer.nn.learn import (KernelLearner, LearnSettings, input_presets, rank_text,
                                   short_number)
from cnn_explorer.nn.learn_phases import IterationPhases

TICK_MS = 40
TICK_BUDGET_MS = 25
DIGIT = "digit from MNIST"
START_INPUT = "guide's vertical edge"
HINT = ("Press <b>Run</b> (Ctrl+R) and watch the kernel turn into Sobel x, or walk through one "
        "iteration with → : forward, error map, dL/dK cell by cell, update.")


def _inputs():
    # the digit is read from the bundled dataset only when chosen
    return {**input_presets(), DIGIT: samples.digit}


class LearnKernelPage(Page):
    """Controls on the left; the coming iteration, the curves and the kernels on the right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._inputs = _inputs()
        self.learner = None
        self.phases = None
        self.which = 0
        self.frame = ExplorerLayout(self)
        self.hint = FirstRunHint("backprop", HINT)
        self.controls = LearnControls(list(self._inputs))
        self.frame.controls.addWidget(self.controls)
        self.frame.controls.addStretch(1)
        self.views = IterationViews()
        self.frame.views.addWidget(self.hint)
        self.frame.views.addWidget(self.views, 1)
        self.title = wrapped(style="font-weight: bold;")
        self.formula = wrapped(style="font-size: 13px;")
        self.formula.setObjectName("formula")
        self.formula.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.formula.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.message = wrapped(style=f"color: {colours.ERROR}; font-weight: bold;")
        self.message.setObjectName("message")
        self.message.hide()
        self.stepper = Stepper()
        self.stepper.speed.setValue(4.0)
        self.stepper.install_shortcuts(self)
        for widget in (self.title, self.formula, self.message, self.stepper):
            self.frame.bottom.addWidget(widget)

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self._clock = QElapsedTimer()
        self._run_start = 0
        for keys, slot in (("Ctrl+R", self.toggle_run), ("Ctrl+I", self.one_iteration),
                           ("Ctrl+Backspace", self.restart)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        self.controls.sigEdit.connect(self._on_edit)
        self.controls.run_button.toggled.connect(self._on_run_toggled)
        self.controls.iterate_button.clicked.connect(self.one_iteration)
        self.controls.restart_button.clicked.connect(self.restart)
        self.views.bank.sigChosen.connect(self._choose_kernel)
        self.stepper.sigStepChanged.connect(self._show_phase)
        share_keys(self)
        image = self._inputs[START_INPUT]
        self.apply_state(LearnSettings(image, START_INPUT))

    # -- edits -----------------------------------------------------------------------------
    def _on_edit(self, text, changes):
        if "image_name" in changes:
            image = self._inputs[changes["image_name"]]
            changes = {**changes, "image": image() if callable(image) else image}
        try:
            self.edit(text, **changes)
        except ValueError as error:
            self.show_message(f"{text.split(':')[0]}: {error}")
            self.controls.show_state(self.state)        # the refused choice goes back

    def render(self, state) -> None:
        self.controls.show_state(state)
        if self.learner is None or self.learner.settings != state:
            self.pause()
            self.learner = KernelLearner(state)
            self.which = min(self.which, len(state.targets) - 1)
            self.show_message("")
        self.show_learner(keep_phase=False)

    # -- running ---------------------------------------------------------------------------
    def toggle_run(self) -> None:
        self.controls.run_button.toggle()

    def run(self) -> None:
        self.controls.run_button.setChecked(True)

    def pause(self) -> None:
        self.controls.run_button.setChecked(False)

    def running(self) -> bool:
        return self._timer.isActive()

    def _on_run_toggled(self, on):
        self.controls.run_button.setText("Pause" if on else "Run")
        if on and not self.learner.diverged:
            self.hint.dismiss()
            self._clock.start()
            self._run_start = self.learner.iteration
            self.stepper.to_end()                        # while running, the update is shown
            self._timer.start()
        else:
            self._timer.stop()
            if on:
                self.controls.run_button.setChecked(False)

    def _on_tick(self):
        due = self._run_start + int(self._clock.elapsed() * 1e-3 * self.controls.speed.value()) + 1
        # a time budget per tick: a large input at a high speed must not freeze the window
        budget = QElapsedTimer()
        budget.start()
        while self.learner.iteration < due and budget.elapsed() < TICK_BUDGET_MS:
            if self.learner.step() is None:
                break
        if self.learner.diverged:
            self.pause()
        self.show_learner(keep_phase=True)

    def one_iteration(self) -> None:
        """Take the iteration on screen; the stepper then shows the next one from its start."""
        self.hint.dismiss()
        self.learner.step()
        self.show_learner(keep_phase=False)

    def restart(self) -> None:
        """Back to the start kernel and iteration 0 (the settings stay)."""
        self.pause()
        self.learner = KernelLearner(self.state)
        self.show_message("")
        self.show_learner(keep_phase=False)

    def _choose_kernel(self, which):
        self.which = which
        self.show_learner(keep_phase=True)

    # -- drawing ---------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        set_text(self.message, text)
        self.message.setVisible(bool(text))

    def show_learner(self, keep_phase: bool) -> None:
        """Draw the learner: its next iteration's phases, the curves, the kernels, the status."""
        learner = self.learner
        if learner.diverged:
            self.show_message(f"Stopped: {learner.diverged}. The kernel keeps its last finite "
                              "values.")
        try:
            self.phases = IterationPhases(learner.settings, learner.peek(), self.which)
        except ValueError as error:
            self.show_message(str(error))
            return
        step = self.stepper.step()
        self.stepper.set_count(self.phases.n_phases)
        if keep_phase:
            self.stepper.set_step(min(step, self.phases.n_phases - 1))
        self._show_phase(self.stepper.step())
        self.views.curves.set_history(learner.losses, learner.distances)
        state = learner.settings
        several = len(state.targets) > 1
        self.views.show_bank(several)
        if several:
            self.views.bank.show_kernels(learner.kernels, state.targets,
                                         learner.kernel_distances(), self.which,
                                         self.views.kernel_map.levels())
        target = state.targets[self.which]
        set_text(self.views.status,
                 f"<b>Iteration {learner.iteration}</b> · loss {short_number(learner.losses[-1])}"
                 f" · max |K − T| = {short_number(learner.distance())} (target "
                 f"<b>{target}</b>{' and ' + str(len(state.targets) - 1) + ' more' if several else ''}"
                 f") · {rank_text(learner.rank(), learner.n_weights, learner.inside_rank())}")

    def _show_phase(self, n):
        if self.phases is None:
            return
        phase = self.phases.phase(n)
        self.views.show_phase(self.phases, phase)
        set_text(self.title, phase.title)
        set_text(self.formula, phase.formula)

    # -- Page ------------------------------------------------------------------------------
    def prepare_screenshot(self, demo_train: int = 0) -> None:
        self.learner.run(30)
        self.show_learner(keep_phase=False)
        self.stepper.set_step(2 + 5)          # dL/dK[1,2]: the error map over the input

    def can_close(self) -> bool:
        self.pause()
        return True

