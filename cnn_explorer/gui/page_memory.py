"""What each page keeps between runs, found by duck typing so any page can take part.

In order of preference a page is remembered through
1. its own hook: ``settings_state() -> dict`` and ``restore_settings_state(d)``;
2. its frozen state dataclass (``page.state`` + ``page.apply_state``): the fields that are
   numbers, text, tuples or arrays, put back with ``dataclasses.replace`` (so the state's own
   validation vets what the file says);
3. the value widgets named in ``CONTROL_NAMES`` on ``page.controls`` (the Training page's
   hyper-parameters).
A saved value that no longer fits (an older version, a hand-edited file) is logged and skipped.
"""

import dataclasses
import logging

from PySide6.QtWidgets import QAbstractButton, QComboBox, QDoubleSpinBox, QSpinBox

from cnn_explorer.gui import settings as keys

log = logging.getLogger(__name__)

CONTROL_NAMES = ("epochs", "batch_size", "optimizer", "learning_rate", "validation_split",
                 "augment", "seed")


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


def _widget_value(widget):
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    return None


def _set_widget_value(widget, value):
    if isinstance(widget, QSpinBox) and isinstance(value, int):
        widget.setValue(value)
    elif isinstance(widget, QDoubleSpinBox) and isinstance(value, (int, float)):
        widget.setValue(float(value))
    elif isinstance(widget, QComboBox) and widget.findText(str(value)) >= 0:
        widget.setCurrentText(str(value))
    elif isinstance(widget, QAbstractButton) and isinstance(value, bool):
        widget.setChecked(value)
    else:
        raise ValueError(f"{value!r} does not fit a {type(widget).__name__}")


def capture(page) -> dict | None:
    """What ``page`` wants kept, as a JSON-able dict (None: nothing)."""
    hook = getattr(page, "settings_state", None)
    if callable(hook):
        return {"hook": hook()}
    state = getattr(page, "state", None)
    if dataclasses.is_dataclass(state) and hasattr(page, "apply_state"):
        fields = {f.name: _encode(getattr(state, f.name)) for f in dataclasses.fields(state)}
        return {"state": {k: v for k, v in fields.items() if v is not None}}
    controls = getattr(page, "controls", None)
    values = {name: _widget_value(getattr(controls, name, None)) for name in CONTROL_NAMES}
    values = {k: v for k, v in values.items() if v is not None}
    return {"controls": values} if values else None


def restore(page, saved: dict) -> None:
    """Put back what :func:`capture` took; what no longer fits is logged and left as it is."""
    name = page.objectName()
    try:
        if "hook" in saved and callable(getattr(page, "restore_settings_state", None)):
            page.restore_settings_state(saved["hook"])
        elif "state" in saved and dataclasses.is_dataclass(getattr(page, "state", None)):
            current = {f.name for f in dataclasses.fields(page.state)}
            changes = {k: _decode(v) for k, v in saved["state"].items() if k in current}
            page.apply_state(dataclasses.replace(page.state, **changes))
        elif "controls" in saved:
            controls = page.controls
            for key, value in saved["controls"].items():
                if key in CONTROL_NAMES and hasattr(controls, key):
                    _set_widget_value(getattr(controls, key), value)
    except Exception as exc:  # a saved page of another version must not stop the app
        log.warning("settings: the saved %s page does not fit (%s: %s); using its defaults",
                    name, type(exc).__name__, exc)


def save_pages(pages) -> None:
    """Capture every built page into the settings (``pages``: name -> page)."""
    for name, page in pages.items():
        try:
            saved = capture(page)
        except Exception as exc:  # noqa: BLE001 - one odd page must not lose the others
            log.warning("settings: could not read the %s page's state (%s)", name, exc)
            continue
        if saved is not None:
            keys.write_json(keys.page_state_key(name), saved)


def restore_page(name, page) -> None:
    """Restore ``page`` from the settings if it was saved and the user wants pages restored."""
    if not keys.read_bool(keys.RESTORE_PAGES):
        return
    saved = keys.read_json(keys.page_state_key(name), dict)
    if saved is not None:
        restore(page, saved)
