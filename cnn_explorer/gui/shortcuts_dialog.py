"""Help ▸ Keyboard shortcuts: every action's real keys, read from the actions themselves."""

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

# keys the pages handle themselves (the stepper's), listed after the menus' actions
PAGE_KEYS = (("Play / pause the steps", "Space"), ("Step back / forward", "Left / Right"),
             ("First / last step", "Home / End"))


def shortcut_rows(actions) -> list[tuple[str, str]]:
    """``(what it does, keys)`` for every action that has keys, in menu order, then PAGE_KEYS."""
    rows = []
    for act in actions:
        keys = ", ".join(k.toString(QKeySequence.NativeText) for k in act.shortcuts())
        if keys:
            rows.append((act.text().replace("&", "").removesuffix("…"), keys))
    return rows + list(PAGE_KEYS)


class ShortcutsDialog(QDialog):
    def __init__(self, actions, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(actions)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Action", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        for r, (what, keys) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(what))
            self.table.setItem(r, 1, QTableWidgetItem(keys))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.resizeColumnToContents(1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(460, min(640, 80 + 30 * len(rows)))
