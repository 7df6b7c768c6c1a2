"""What every stepping page (convolution, pooling) shares: the plan/step cycle, messages, the stepper.

A subclass builds its controls and views, then implements :meth:`ExplorerPage.make_plan` (ask
``cnn_explorer.core`` for a plan from the current data and options; may raise ``ValueError``),
:meth:`ExplorerPage.show_plan` (draw everything that does not depend on the step) and
:meth:`ExplorerPage.show_step` (draw one step: O(kernel) work).
"""

import re

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from cnn_explorer.core.levels import levels_for
from cnn_explorer.gui.pages.base import Page
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.panel import ExplorerLayout, set_text, wrapped
from cnn_explorer.gui.widgets.stepper import Stepper


# Longer traces (an image) open on the finished output; the scrubber and Home still go back.
STEP_BY_STEP_LIMIT = 1024


class ExplorerPage(Page):
    """A page that animates a trace of steps from ``cnn_explorer.core``.

    Changing data or an option calls :meth:`recompute`, which restarts the trace at step 0 (at
    the finished output for traces over ``STEP_BY_STEP_LIMIT`` steps); the user's data stays. If the core refuses the combination (``ValueError``), the message
    is shown and the last valid plan stays on screen.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plan = None
        self._filled_to = -1
        self._shown_output = np.zeros((1, 0))
        self.frame = ExplorerLayout(self)
        self.formula = QLabel()
        self.formula.setObjectName("formula")
        self.formula.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.formula.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.formula.setStyleSheet("font-size: 14px;")
        # one line, always: a formula that wrapped pushed the views up and down as it stepped
        self.formula.setFixedHeight(self.formula.fontMetrics().height() + 8)
        self.message = wrapped(style=f"color: {colours.ERROR}; font-weight: bold;")
        self.message.setObjectName("message")
        self.message.hide()
        # the message's two lines are kept free, shown or not: an error must not move the views
        message_room = QWidget()
        message_room.setFixedHeight(2 * self.message.fontMetrics().lineSpacing() + 4)
        message_layout = QVBoxLayout(message_room)
        message_layout.setContentsMargins(0, 0, 0, 0)
        message_layout.addWidget(self.message, 0, Qt.AlignTop)
        self.stepper = Stepper()
        self.stepper.install_shortcuts(self)
        self.stepper.sigStepChanged.connect(self._on_step_changed)
        self.frame.bottom.addWidget(self.formula)
        self.frame.bottom.addWidget(message_room)
        self.frame.bottom.addWidget(self.stepper)

    # -- hooks -----------------------------------------------------------------------------
    def make_plan(self):
        raise NotImplementedError

    def show_plan(self, plan) -> None:
        raise NotImplementedError

    def show_step(self, step) -> None:
        raise NotImplementedError

    def output_view(self):
        """The HeatMap whose cells fill in as the steps run."""
        raise NotImplementedError

    # -- cycle -----------------------------------------------------------------------------
    def recompute(self) -> bool:
        """Rebuild the plan from the current data and options; restart at step 0."""
        try:
            plan = self.make_plan()
        except ValueError as error:
            self.show_message(str(error))
            return False
        self.show_message("")
        self.show_new_plan(plan)
        return True

    def show_new_plan(self, plan) -> None:
        """Animate ``plan`` from step 0 (from its end when it is long)."""
        self.plan = plan
        self._shown_output = np.full(np.atleast_2d(plan.output).shape, np.nan)
        self._filled_to = -1
        self.stepper.set_count(plan.n_steps)
        output = np.atleast_2d(plan.output)
        self.stepper.set_row_length(output.shape[1] if output.shape[0] > 1 else 1)
        self.show_plan(plan)
        if plan.n_steps > STEP_BY_STEP_LIMIT:
            self.stepper.to_end()       # a whole picture is what one wants to see first
        else:
            self._draw_step(self.stepper.step())

    def show_message(self, text: str) -> None:
        set_text(self.message, text)
        self.message.setVisible(bool(text))

    def show_formula(self, head: str, terms: str, compact: str) -> None:
        """``head = terms`` on the formula line; ``head = compact`` with the terms in the tooltip
        when they do not fit on the line (a 5×5 kernel's 25 terms wrapped over two lines)."""
        self.formula.ensurePolished()       # its style sheet sets the font that is measured
        full = f"<b>{head}</b> = {terms}"
        plain = re.sub(r"<[^>]+>", "", full)
        fits = self.formula.fontMetrics().horizontalAdvance(plain) <= self.formula.width() - 4
        set_text(self.formula, full if fits else f"<b>{head}</b> = {compact}")
        tip = "" if fits else f"{head} = {terms}"
        if self.formula.toolTip() != tip:
            self.formula.setToolTip(tip)

    def current_step(self):
        """The step record on screen, or None before any valid plan."""
        return None if self.plan is None else self.plan.step(self.stepper.step())

    def _on_step_changed(self, n):
        if self.plan is not None:
            self._draw_step(n)

    def _draw_step(self, n):
        step = self.plan.step(n)
        self._fill_output_to(n)
        self.show_step(step)

    def _fill_output_to(self, n):
        """Show output cells 0..n (raster order); only the cells that changed are written."""
        shown = self._shown_output.reshape(-1)
        output = np.asarray(self.plan.output).reshape(-1)
        if n > self._filled_to:
            shown[self._filled_to + 1:n + 1] = output[self._filled_to + 1:n + 1]
        elif n < self._filled_to:
            shown[n + 1:self._filled_to + 1] = np.nan
        self._filled_to = n
        view = self.output_view()
        if view.values() is not self._shown_output:
            view.set_data(self._shown_output, levels=self.output_levels())
        else:
            view.refresh()

    def output_levels(self):
        """Colour range of the output: the whole final output, so colours don't shift as it fills."""
        return levels_for(np.asarray(self.plan.output), diverging=True)

    # -- Page ------------------------------------------------------------------------------
    def prepare_screenshot(self, demo_train: int = 0) -> None:
        if self.plan is not None:
            self.stepper.set_step(max(1, int(self.plan.n_steps * 0.4)))
