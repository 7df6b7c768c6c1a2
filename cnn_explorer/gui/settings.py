"""Every QSettings key the app uses, in one place, and the one reader/writer of each value.

A value that is missing, of the wrong type, or not readable (a corrupt file, a value written by
another program under our name) falls back to its default with a logged warning: settings never
stop the app from starting.

What each page keeps between runs is found by duck typing, so any page can take part; in order of
preference a page is remembered through
1. its own hook: ``settings_state() -> dict`` and ``restore_settings_state(d)``;
2. its frozen state dataclass (``page.state`` + ``page.apply_state``): the fields that are
   numbers, text, tuples or arrays, put back with ``dataclasses.replace`` (so the state's own
   validation vets what the file says).
A saved page that no longer fits (an older version, a hand-edited file) is logged and skipped.
"""

import dataclasses
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
    """Files opened or saved lately, newest first, those still there only (a dataset folder
    is no file to open: the Training page's list keeps it)."""
    paths = read_json(RECENT_FILES, list, [])
    return [p for p in paths if isinstance(p, str) and os.path.isfile(p)][:MAX_RECENT_FILES]


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


def remember_directory(path: str | os.PathLike, *, recent: bool = True) -> None:
    """Remember the folder of ``path`` (a file) or ``path`` itself (a folder) for the next dialog,
    and list ``path`` in File ▸ Recent Files unless ``recent`` is False (an exported file the app
    cannot open again)."""
    path = Path(path)
    settings().setValue(LAST_DIRECTORY, str(path if path.is_dir() else path.parent))
    if recent:
        add_recent_file(path)


# -- what each page keeps between runs ------------------------------------------------------
def _encode(value):
    """A JSON-able form of a state field, or None for kinds not kept (nested objects)."""
    import numpy as np  # here, not at the top: the main window imports this before painting

    if isinstance(value, (bool, int, float, str)) or value is None:
        return {"v": value}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return {"array": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, tuple) and all(isinstance(v, (bool, int, float, str)) for v in value):
        return {"tuple": list(value)}
    if isinstance(value, tuple) and all(isinstance(v, tuple) for v in value):
        inner = [_encode(v) for v in value]
        return None if None in inner else {"tuples": [i["tuple"] for i in inner]}
    return None


def _decode(record):
    import numpy as np

    if "array" in record:
        return np.asarray(record["array"], dtype=np.dtype(record["dtype"]))
    if "tuples" in record:
        return tuple(tuple(t) for t in record["tuples"])
    if "tuple" in record:
        return tuple(record["tuple"])
    return record["v"]


def capture_page(page) -> dict | None:
    """What ``page`` wants kept, as a JSON-able dict (None: nothing)."""
    hook = getattr(page, "settings_state", None)
    if callable(hook):
        return {"hook": hook()}
    state = getattr(page, "state", None)
    if dataclasses.is_dataclass(state) and hasattr(page, "apply_state"):
        fields = {f.name: _encode(getattr(state, f.name)) for f in dataclasses.fields(state)}
        return {"state": {k: v for k, v in fields.items() if v is not None}}
    return None


def restore_saved(page, saved: dict) -> None:
    """Put back what :func:`capture_page` took; what no longer fits is logged and left as it is."""
    name = page.objectName()
    try:
        if "hook" in saved and callable(getattr(page, "restore_settings_state", None)):
            page.restore_settings_state(saved["hook"])
        elif "state" in saved and dataclasses.is_dataclass(getattr(page, "state", None)):
            current = {f.name for f in dataclasses.fields(page.state)}
            changes = {k: _decode(v) for k, v in saved["state"].items() if k in current}
            page.apply_state(dataclasses.replace(page.state, **changes))
    except Exception as exc:  # a saved page of another version must not stop the app
        log.warning("settings: the saved %s page does not fit (%s: %s); using its defaults",
                    name, type(exc).__name__, exc)


def save_pages(pages) -> None:
    """Capture every built page into the settings (``pages``: name -> page)."""
    for name, page in pages.items():
        try:
            saved = capture_page(page)
        except Exception as exc:  # noqa: BLE001 - one odd page must not lose the others
            log.warning("settings: could not read the %s page's state (%s)", name, exc)
            continue
        if saved is not None:
            write_json(page_state_key(name), saved)


def restore_page(name, page) -> None:
    """Restore ``page`` from the settings if it was saved and the user wants pages restored."""
    if not read_bool(RESTORE_PAGES):
        return
    saved = read_json(page_state_key(name), dict)
    if saved is not None:
        restore_saved(page, saved)
