"""Ctrl+Z and Ctrl+Shift+Z in a number box undo the page's last edit, as the Edit menu says.

A spin box's text field claims the undo keys for its own typing history, which is empty once
the number is committed: Ctrl+Z after clicking a spin box's arrow did nothing at all.
"""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox

_UNDO_KEYS = (QKeySequence.Undo, QKeySequence.Redo)
_REDO_KEY = QKeySequence("Ctrl+Shift+Z")


class _LeaveUndoKeys(QObject):
    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.ShortcutOverride and (
                any(event.matches(key) for key in _UNDO_KEYS)
                or QKeySequence(event.keyCombination()) == _REDO_KEY):
            event.ignore()          # not claimed: the window's Undo/Redo shortcut fires
            return True
        return False


def leave_undo_keys_to_page(root) -> None:
    """Let every spin box inside ``root`` pass Ctrl+Z / Ctrl+Shift+Z to the undo shortcuts."""
    spin_filter = root.findChild(_LeaveUndoKeys)
    if spin_filter is None:
        spin_filter = _LeaveUndoKeys(root)
    for spin in root.findChildren(QAbstractSpinBox):
        spin.removeEventFilter(spin_filter)     # installed once, however often this is called
        spin.installEventFilter(spin_filter)
