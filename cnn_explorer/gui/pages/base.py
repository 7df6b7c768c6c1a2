"""The base class every page derives from."""

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget


class Page(QWidget):
    """A page of the main window. Subclasses fill in the hooks they need."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)

    def prepare_screenshot(self, demo_train: int = 0) -> None:
        """Bring the page to a state worth a screenshot (default: as it is).

        ``demo_train`` is the ``--demo-train N`` option; only the training page uses it.
        """

    def can_close(self) -> bool:
        """Stop background work before the window closes; return False to keep it open."""
        return True
