"""Every QSettings key the app uses, in one place, and the one reader/writer of each value.

A value that is missing, of the wrong type, or not readable (a corrupt file, a value written by
another program under our name) falls back to its default with a logged warning: settings never
stop the app from starting.
"""

import json
import logging
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "cnn-explorer"
APPLICATION = "CNN Explorer"

WINDOW_GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
CURRENT_PAGE = "window/current_page"
LAST_DIRECTORY = "files/last_directory"
RECENT_FILES = "files/recent"           # JSON list of paths, newest first
HINTS_DISMISSED = "hints/dismissed"     # + "/<page name>": True once its first-run hint is closed
PAGE_STATE = "pages"                    # + "/<page name>": JSON of what the page asks to keep
THEME = "preferences/theme"             # one of THEMES
RESTORE_PAGES = "preferences/restore_pages"   # bool: reopen each page as it was left

THEMES = ("system", "light", "dark")
MAX_RECENT_FILES = 8
DEFAULTS = {THEME: "system", RESTORE_PAGES: True}

log = logging.getLogger(__name__)


def settings() -> QSettings:
    """The app's settings store (per user; tests point it at a temporary folder)."""
    return QSettings(ORGANISATION, APPLICATION)


def _warn(key, raw, expected):
    log.warning("settings: %s holds %r, not %s; using the default", key, raw, expected)


def read_bool(key: str, default: bool | None = None) -> bool:
    """A yes/no setting (QSettings on Linux stores it as the text 'true'/'false')."""
    default = DEFAULTS.get(key, False) if default is None else default
    raw = settings().value(key, default)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    _warn(key, raw, "true or false")
    return default


def read_choice(key: str, choices, default: str | None = None) -> str:
    """One of ``choices`` (the default for anything else)."""
    default = DEFAULTS.get(key, choices[0]) if default is None else default
    raw = settings().value(key, default)
    if raw in choices:
        return raw
    _warn(key, raw, f"one of {', '.join(choices)}")
    return default


def read_bytes(key: str) -> QByteArray | None:
    """Qt's own binary blobs (window geometry); None if absent or not bytes."""
    raw = settings().value(key)
    if raw is None or isinstance(raw, QByteArray):
        return raw
    _warn(key, raw, "saved window data")
    return None


def read_json(key: str, kind: type, default=None):
    """A JSON text holding a ``kind`` (dict or list); ``default`` if absent or unreadable."""
    raw = settings().value(key)
    if raw is None:
        return default
    try:
        value = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    if not isinstance(value, kind):
        _warn(key, raw, f"a JSON {kind.__name__}")
        return default
    return value


def write_json(key: str, value) -> None:
    settings().setValue(key, json.dumps(value))


def page_state_key(name: str) -> str:
    return f"{PAGE_STATE}/{name}"


def recent_files() -> list[str]:
    """Files opened or saved lately, newest first, those still there only."""
    paths = read_json(RECENT_FILES, list, [])
    return [p for p in paths if isinstance(p, str) and os.path.exists(p)][:MAX_RECENT_FILES]


def add_recent_file(path: str | os.PathLike) -> None:
    """Put ``path`` first in the recent files (once)."""
    path = str(Path(path).resolve())
    write_json(RECENT_FILES, [path] + [p for p in recent_files() if p != path][:MAX_RECENT_FILES - 1])


def reset_to_defaults() -> None:
    """Forget everything: window, pages, preferences, recent files, dismissed hints."""
    store = settings()
    store.clear()
    store.sync()


def last_directory() -> str:
    """Where the last file dialog was left (the home folder at first, or if it is gone)."""
    folder = settings().value(LAST_DIRECTORY, "")
    return folder if isinstance(folder, str) and folder and os.path.isdir(folder) \
        else os.path.expanduser("~")


def remember_directory(path: str | os.PathLike) -> None:
    """Remember the folder of ``path`` (a file) or ``path`` itself (a folder) for the next dialog."""
    path = Path(path)
    settings().setValue(LAST_DIRECTORY, str(path if path.is_dir() else path.parent))
    add_recent_file(path)
