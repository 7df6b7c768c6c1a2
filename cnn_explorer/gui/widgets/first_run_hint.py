"""A one-line "what to do first" banner at the top of a page, shown until the user dismisses it."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

from cnn_explorer.gui import settings as keys
from cnn_explorer.gui.widgets.panel import wrapped


class FirstRunHint(QFrame):
    """Says what to do first on page ``name`` (e.g. "Press Play or →") until it is dismissed.

    ``dismiss()`` (its × button, or the page when the user did what it says) hides it for good:
    the settings remember it per page, so it never comes back on the next start.

    Signals
    -------
    sigDismissed()
        the hint was dismissed.
    """

    sigDismissed = Signal()

    def __init__(self, name: str, text: str, parent=None):
        super().__init__(parent)
        self._key = f"{keys.HINTS_DISMISSED}/{name}"
        self.setObjectName("firstRunHint")
        self.setFrameShape(QFrame.StyledPanel)
        self.setStyleSheet("#firstRunHint { background: palette(alternate-base); "
                           "border: 1px solid palette(mid); border-radius: 4px; }")
        self.label = wrapped(text)
        self.label.setTextFormat(Qt.RichText)
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.setToolTip("Hide this hint (it does not come back)")
        close.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 3, 3)
        tip = QLabel("<b>First step:</b>")   # words, not an emoji: fonts without one draw a box
        layout.addWidget(tip)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.setVisible(not keys.settings().value(self._key, False, type=bool))

    def dismiss(self) -> None:
        """Hide the hint now and on every later start."""
        if not self.isHidden() or not keys.settings().value(self._key, False, type=bool):
            keys.settings().setValue(self._key, True)
            self.hide()
            self.sigDismissed.emit()
