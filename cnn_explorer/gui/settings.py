"""Every QSettings key the app uses, in one place, and the one reader/writer of each shared value."""

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANISATION = "cnn-explorer"
APPLICATION = "CNN Explorer"

WINDOW_GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
CURRENT_PAGE = "window/current_page"
LAST_DIRECTORY = "files/last_directory"
HINTS_DISMISSED = "hints/dismissed"     # + "/<page name>": True once its first-run hint is closed


def settings() -> QSettings:
    """The app's settings store (per user; tests point it at a temporary folder)."""
    return QSettings(ORGANISATION, APPLICATION)


def last_directory() -> str:
    """Where the last file dialog was left (the home folder at first, or if it is gone)."""
    folder = settings().value(LAST_DIRECTORY, "")
    return folder if isinstance(folder, str) and folder and os.path.isdir(folder) \
        else os.path.expanduser("~")


def remember_directory(path: str | os.PathLike) -> None:
    """Remember the folder of ``path`` (a file) or ``path`` itself (a folder) for the next dialog."""
    path = Path(path)
    settings().setValue(LAST_DIRECTORY, str(path if path.is_dir() else path.parent))
