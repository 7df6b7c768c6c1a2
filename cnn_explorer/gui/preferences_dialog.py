"""Edit ▸ Preferences: the theme, whether pages reopen as they were left, Reset to defaults."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QMessageBox,
                               QVBoxLayout)

from cnn_explorer.gui import settings as keys
from cnn_explorer.gui.widgets.panel import combo

_THEME_TITLES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


class PreferencesDialog(QDialog):
    """Changes apply when OK is pressed; ``sigReset`` asks the window to forget all settings."""

    sigApplied = Signal()
    sigReset = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.theme = combo([(_THEME_TITLES[name], name) for name in keys.THEMES],
                           "Light or dark colours; by default those of your desktop")
        self.theme.setCurrentIndex(keys.THEMES.index(keys.read_choice(keys.THEME, keys.THEMES)))
        self.restore_pages = QCheckBox("Reopen each page as I left it")
        self.restore_pages.setChecked(keys.read_bool(keys.RESTORE_PAGES))
        self.restore_pages.setToolTip("Data, kernels, options and training settings come back "
                                      "at the next start")
        form = QFormLayout()
        form.addRow("Colours", self.theme)
        form.addRow("", self.restore_pages)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.reset_button = buttons.addButton("Reset to defaults", QDialogButtonBox.ResetRole)
        self.reset_button.setToolTip("Forget every setting: window, pages, preferences, recent "
                                     "files and dismissed hints")
        self.reset_button.clicked.connect(self._on_reset)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def accept(self):
        store = keys.settings()
        store.setValue(keys.THEME, self.theme.currentData())
        store.setValue(keys.RESTORE_PAGES, self.restore_pages.isChecked())
        self.sigApplied.emit()
        super().accept()

    def _on_reset(self, _=False, ask=True):
        if ask and QMessageBox.question(
                self, "Reset to defaults",
                "Forget every setting (window, pages, preferences, recent files, hints)?") \
                != QMessageBox.Yes:
            return
        keys.reset_to_defaults()
        self.theme.setCurrentIndex(keys.THEMES.index(keys.DEFAULTS[keys.THEME]))
        self.restore_pages.setChecked(keys.DEFAULTS[keys.RESTORE_PAGES])
        self.sigReset.emit()
