"""The base class every page derives from, and the undo command that holds page states.

A page whose state is a frozen, Qt-free dataclass (``page.state``) edits it with
:meth:`Page.edit`: the new state goes on the undo stack, and :meth:`Page.apply_state` (redo and
undo alike) stores it and calls :meth:`Page.render`, which draws the page from the state alone.
"""

import dataclasses

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget


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
