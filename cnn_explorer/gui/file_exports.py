"""File ▸ Export: the current view (PNG, SVG), its animation (GIF), its matrices (clipboard) and
the Training page's model (ONNX, Keras, PyTorch). Each asks for a file, then says what it wrote.

Pages take part by duck typing: a ``stepper`` for animations, a ``plan`` whose ``x``,
``kernel``, ``weights`` and ``output`` arrays are its matrices, a ``model`` (a Sequential) for
model export.
"""

import os

from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog

from cnn_explorer.gui import settings as keys

# NumPy, Pillow, QtSvg and the exporters load when first used: the main window imports this
# module before its first paint, and start-up time is what a user sees first.

MATRIX_FIELDS = ("x", "kernel", "weights", "output")
MODEL_FORMATS = {   # kind: (menu text, file filter, suffix)
    "onnx": ("ONNX file…", "ONNX model (*.onnx)", ".onnx"),
    "keras": ("Keras script…", "Python script (*.py)", "_keras.py"),
    "torch": ("PyTorch script…", "Python script (*.py)", "_torch.py"),
}


def page_matrices(page) -> dict:
    """The arrays the page shows, by name (empty if it has no plan)."""
    plan = getattr(page, "plan", None)
    if plan is None:
        return {}
    import numpy as np

    named = {}
    for name in MATRIX_FIELDS:
        value = getattr(plan, name, None)
        if isinstance(value, np.ndarray) and value.ndim in (1, 2) and value.size:
            named[name] = value
    return named


def page_model(page):
    """The page's Sequential if it has one (duck-typed: ``layers`` and ``predict``)."""
    model = getattr(page, "model", None)
    return model if hasattr(model, "layers") and hasattr(model, "predict") else None


def _ask_path(window, title, name, file_filter):
    path, _ = QFileDialog.getSaveFileName(window, title,
                                          os.path.join(keys.last_directory(), name), file_filter)
    if path:
        keys.remember_directory(path, recent=False)
    return path


def _say(window, text, ms=8000):
    window.statusBar().showMessage(text, ms)


def export_view(window, page, fmt):
    from cnn_explorer.gui import view_export

    path = _ask_path(window, f"Export the view as {fmt.upper()}", f"{page.objectName()}.{fmt}",
                     f"{fmt.upper()} image (*.{fmt})")
    if not path:
        return None
    try:
        (view_export.save_png if fmt == "png" else view_export.save_svg)(page, path)
    except ValueError as error:
        _say(window, str(error))
        return None
    _say(window, f"Wrote {path}")
    return path


def export_animation(window, page):
    from cnn_explorer.gui import view_export

    path = _ask_path(window, "Export the steps as an animated GIF",
                     f"{page.objectName()}-steps.gif", "Animated GIF (*.gif)")
    if not path:
        return None
    progress = QProgressDialog("Recording the steps…", "Cancel", 0, page.stepper.count(), window)
    progress.setMinimumDuration(300)

    def tick(done, total):
        progress.setValue(done)
        return not progress.wasCanceled()

    try:
        _, frames, ms = view_export.save_animation(page, path, progress=tick)
    except ValueError as error:
        _say(window, str(error))
        return None
    finally:
        progress.close()
    _say(window, f"Wrote {path}: {frames} frames, {ms} ms each")
    return path


def copy_matrices(window, page, fmt):
    from cnn_explorer.core.matrix_text import matrices_text

    named = page_matrices(page)
    if not named:
        _say(window, "This page shows no matrices to copy")
        return ""
    text = matrices_text(named, fmt)
    QApplication.clipboard().setText(text)
    _say(window, f"Copied {', '.join(named)} as {fmt} text")
    return text


def export_model(window, model, kind):
    from cnn_explorer.nn.export import keras_code, onnx, torch_code   # only when asked for

    save = {"onnx": onnx.save_onnx, "keras": keras_code.save_keras_script,
            "torch": torch_code.save_torch_script}[kind]
    _, file_filter, suffix = MODEL_FORMATS[kind]
    path = _ask_path(window, "Export the model", f"{model.name}{suffix}", file_filter)
    if not path:
        return None
    try:
        written = save(model, path)
    except ValueError as error:
        _say(window, f"The model was not exported: {error}", 15000)
        return None
    names = ", ".join(str(p) for p in (written if isinstance(written, tuple) else (written,)))
    _say(window, f"Wrote {names}")
    return path
