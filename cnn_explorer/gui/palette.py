"""Light and dark palettes: the system's by default, or the one chosen in Preferences.

Qt 6.5+ reports the desktop's colour scheme; "light"/"dark" force Fusion with a fixed palette so
the choice holds on desktops that have no scheme (and in screenshots).
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

_DARK = {
    QPalette.Window: "#2b2d30", QPalette.WindowText: "#e6e6e6", QPalette.Base: "#1e1f22",
    QPalette.AlternateBase: "#33363a", QPalette.ToolTipBase: "#3c3f41",
    QPalette.ToolTipText: "#e6e6e6", QPalette.Text: "#e6e6e6", QPalette.Button: "#3c3f41",
    QPalette.ButtonText: "#e6e6e6", QPalette.BrightText: "#ff6b6b", QPalette.Highlight: "#3d7bd9",
    QPalette.HighlightedText: "#ffffff", QPalette.Link: "#6aa7ff", QPalette.Mid: "#8a8d91",
    QPalette.Midlight: "#45484c", QPalette.PlaceholderText: "#9a9da1",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.Text, QPalette.ButtonText, QPalette.WindowText):
        palette.setColor(QPalette.Disabled, role, QColor("#7a7d81"))
    return palette


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def apply_theme(theme: str, app: QApplication | None = None) -> str:
    """Apply ``"system"``, ``"light"`` or ``"dark"``; return the one in effect (light/dark)."""
    app = app or QApplication.instance()
    if not hasattr(app, "_system_style"):
        app._system_style = app.style().name()
    dark = system_is_dark() if theme == "system" else theme == "dark"
    if theme == "system":
        app.setStyle(QStyleFactory.create(app._system_style))
        app.setPalette(dark_palette() if dark else app.style().standardPalette())
    else:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette() if dark else QStyleFactory.create("Fusion").standardPalette())
    return "dark" if dark else "light"
