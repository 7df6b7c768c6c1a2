"""What every page derives from: the page, the undo command holding page states, the stepping cycle.

:class:`Page` is every page's base; :class:`ExplorerPage` adds the plan/step cycle of the
stepping pages (convolution, pooling).

A page whose state is a frozen, Qt-free dataclass (``page.state``) edits it with
:meth:`Page.edit`: the new state goes on the undo stack, and :meth:`Page.apply_state` (redo and
undo alike) stores it and calls :meth:`Page.render`, which draws the page from the state alone.

A stepping page builds its controls and views, then implements :meth:`ExplorerPage.make_plan`
(ask ``cnn_explorer.core`` for a plan from the current state; may raise ``ValueError``),
:meth:`ExplorerPage.show_plan` (draw everything that does not depend on the step) and
:meth:`ExplorerPage.show_step` (draw one step: O(kernel) work).
"""

import dataclasses
import re

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cnn_explorer.core.levels import levels_for
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.panel import ExplorerLayout, SteadyHolder, set_text, wrapped
from cnn_explorer.gui.widgets.stepper import Stepper

# Longer traces (an image) open on the finished output; the scrubber and Home still go back.
STEP_BY_STEP_LIMIT = 1024


class SetValueCommand(QUndoCommand):
    """One undoable edit: ``apply(new)`` on redo, ``apply(old)`` on undo. Consecutive edits with
    the same (not None) ``merge_key`` merge into one step, as typing in one field does."""

    def __init__(self, text, apply, old, new, merge_key=None):
        super().__init__(text)
        self._apply, self._old, self._new = apply, old, new
        self._merge_key = merge_key

    def id(self):
        return 1 if self._merge_key is not None else -1

    def mergeWith(self, other):  # noqa: N802 (Qt name)
        if other._merge_key != self._merge_key:
            return False
        self._new = other._new
        return True

    def redo(self):
        self._apply(self._new)

    def undo(self):
        self._apply(self._old)


class Page(QWidget):
    """A page of the main window. Subclasses fill in the hooks they need."""

    #: The page's frozen state object, for pages that keep one (see the module's docstring).
    state = None
    #: The trained model the pages share (``shared_model.SharedModel``), given by the window.
    shared_model = None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)

    def share_model(self, shared) -> None:
        """Take the window's ``SharedModel``: the Training page publishes into it, pages that show
        the trained model read it (and may listen to its ``changed``)."""
        self.shared_model = shared

    def push_edit(self, text, apply, old, new, merge_key=None) -> None:
        """Record an edit on the page's undo stack and apply it."""
        self.undo_stack.push(SetValueCommand(text, apply, old, new, merge_key))

    def edit(self, text: str, merge_key=None, **changes) -> bool:
        """Replace fields of ``self.state`` as one undoable step (nothing if nothing changes).

        The new state is built first, so a refused value (``ValueError`` from the state's own
        validation) leaves the page and its undo stack as they were; the caller shows why.
        """
        new = dataclasses.replace(self.state, **changes)
        if new == self.state:
            return False
        self.push_edit(text, self.apply_state, self.state, new, merge_key)
        return True

    def apply_state(self, state) -> None:
        """Make ``state`` the page's state and draw it (undo and redo come here too)."""
        self.state = state
        self.render(state)

    def render(self, state) -> None:
        """Draw the page from ``state`` alone (pages with a state object implement this)."""
        raise NotImplementedError

    def prepare_screenshot(self, demo_train: int = 0) -> None:
        """Bring the page to a state worth a screenshot (default: as it is).

        ``demo_train`` is the ``--demo-train N`` option; only the training page uses it.
        """

    def can_close(self) -> bool:
        """Stop background work before the window closes; return False to keep it open."""
        return True


class ExplorerPage(Page):
    """A page that animates a trace of steps from ``cnn_explorer.core``.

    A new trace restarts at step 0 (at the finished output for traces over
    ``STEP_BY_STEP_LIMIT`` steps): :meth:`show_new_output` draws its output map,
    :meth:`show_new_plan` the rest. :meth:`recompute` does both from :meth:`make_plan`; if the
    core refuses the combination (``ValueError``), the message is shown and the last valid plan
    stays on screen.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plan = None
        self._filled_to = -1
        self._output = self._shown_output = np.zeros((1, 0))
        self.frame = ExplorerLayout(self)
        self.formula = QLabel()
        self.formula.setObjectName("formula")
        self.formula.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.formula.setStyleSheet("font-size: 14px;")
        # one line, always: a formula that wrapped pushed the views up and down as it stepped
        formula_line = SteadyHolder(self.formula, self.formula.fontMetrics().height() + 8)
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
        self.frame.bottom.addWidget(formula_line)
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

    def show_new_output(self, output) -> int:
        """Draw a new trace's output map: finished for a long trace (an image is what one wants
        to see first), empty otherwise; return the step the trace opens on."""
        self._output = np.atleast_2d(output)
        first = self._output.size - 1 if self._output.size > STEP_BY_STEP_LIMIT else 0
        if first:               # finished: the output itself, copied if a step back needs it
            self._shown_output, self._filled_to = self._output, first
            self._redraw_output()
        else:
            self._shown_output, self._filled_to = np.full(self._output.shape, np.nan), -1
            self._fill_output_to(first)
        return first

    def show_new_plan(self, plan, first: int | None = None) -> None:
        """Animate ``plan`` from step ``first``, its output already drawn by
        :meth:`show_new_output` (``None``: draw it here)."""
        if first is None:
            first = self.show_new_output(plan.output)
        self.plan = plan
        if first:
            self.stepper.pause()
        self.stepper.set_count(plan.n_steps, first)
        output = np.atleast_2d(plan.output)
        self.stepper.set_row_length(output.shape[1] if output.shape[0] > 1 else 1)
        self.show_plan(plan)
        self.show_step(plan.step(first))

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
        self._fill_output_to(n)
        self.show_step(self.plan.step(n))

    def _fill_output_to(self, n):
        """Show output cells 0..n (raster order); only the cells that changed are written."""
        if n != self._filled_to and self._shown_output is self._output:
            self._shown_output = self._output.copy()    # the plan's own: never written
        shown = self._shown_output.reshape(-1)
        output = self._output.reshape(-1)
        if n > self._filled_to:
            shown[self._filled_to + 1:n + 1] = output[self._filled_to + 1:n + 1]
        elif n < self._filled_to:
            shown[n + 1:self._filled_to + 1] = np.nan
        self._filled_to = n
        self._redraw_output()

    def _redraw_output(self):
        view = self.output_view()
        if view.values() is not self._shown_output:
            view.set_data(self._shown_output, levels=self.output_levels())
        else:
            view.refresh()

    def output_levels(self):
        """Colour range of the output: the whole final output, so colours don't shift as it fills."""
        return levels_for(self._output, diverging=True)

    # -- Page ------------------------------------------------------------------------------
    def prepare_screenshot(self, demo_train: int = 0) -> None:
        if self.plan is not None:
            self.stepper.set_step(max(1, int(self.plan.n_steps * 0.4)))
