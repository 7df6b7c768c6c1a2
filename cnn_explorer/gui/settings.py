"""Every QSettings key the app uses, in one place."""

from PySide6.QtCore import QSettings

ORGANISATION = "cnn-explorer"
APPLICATION = "CNN Explorer"

WINDOW_GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
CURRENT_PAGE = "window/current_page"
LAST_DIRECTORY = "files/last_directory"


def settings() -> QSettings:
    """The app's settings store (per user)."""
    return QSettings(ORGANISATION, APPLICATION)
