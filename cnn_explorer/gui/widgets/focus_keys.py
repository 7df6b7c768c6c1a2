"""Keys that both a focused control and a window shortcut claim, given to the one the user means.

- Ctrl+Z and Ctrl+Shift+Z in a number box undo the page's last edit, as the Edit menu says: the
  box's text field claimed them for its typing history, empty once the number is committed, so
  Ctrl+Z after clicking a spin box's arrow did nothing at all.
- Space on a focused check box, button or list box ticks, presses or opens it, as everywhere
  else: the page's Play shortcut took it (elsewhere on the page Space still plays).
"""

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox

_UNDO_KEYS = (QKeySequence.Undo, QKeySequence.Redo)
_REDO_KEY = QKeySequence("Ctrl+Shift+Z")


def _is_undo_key(event) -> bool:
    return (any(event.matches(key) for key in _UNDO_KEYS)
            or QKeySequence(event.keyCombination()) == _REDO_KEY)


class _FocusKeys(QObject):
    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() != QEvent.ShortcutOverride:
            return False
        if isinstance(obj, QAbstractSpinBox) and _is_undo_key(event):
            event.ignore()          # not claimed: the window's Undo/Redo shortcut fires
            return True
        if (isinstance(obj, (QAbstractButton, QComboBox)) and event.key() == Qt.Key_Space
                and event.modifiers() == Qt.NoModifier):
            event.accept()          # claimed: the control gets the key, not the Play shortcut
            return True
        return False


def share_keys(root) -> None:
    """Give Ctrl+Z / Ctrl+Shift+Z to the undo shortcuts and Space to the focused control, for
    every spin box, button and list box inside ``root`` (call again for controls built later)."""
    key_filter = root.findChild(_FocusKeys)
    if key_filter is None:
        key_filter = _FocusKeys(root)
    for kind in (QAbstractSpinBox, QAbstractButton, QComboBox):
        for control in root.findChildren(kind):
            control.removeEventFilter(key_filter)     # installed once, however often it is called
            control.installEventFilter(key_filter)
