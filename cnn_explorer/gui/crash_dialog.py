"""An uncaught exception: logged to a per-user file and shown with a report the user can copy.

The app keeps running. Errors that follow while the dialog is open are added to it, never
stacked as new dialogs (an error at every repaint would otherwise bury the window).
"""

import logging
import platform
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout

from cnn_explorer.gui.widgets.panel import wrapped

log = logging.getLogger("cnn_explorer")


def log_path() -> Path:
    """``~/.local/state/CNN Explorer/cnn-explorer.log`` or the platform's equivalent."""
    folder = QStandardPaths.writableLocation(QStandardPaths.AppLocalDataLocation)
    return Path(folder or Path.home()) / "cnn-explorer.log"


def start_logging() -> Path:
    """Send warnings and errors of the app (and the ones below) to the per-user log file."""
    path = log_path()
    if not any(getattr(h, "baseFilename", None) == str(path) for h in log.handlers):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(path, encoding="utf-8")
        except OSError:
            return path     # a read-only home: the console still has it
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return path


def report_text(exc_type, exc, tb) -> str:
    """The copyable report: versions, then the traceback."""
    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion

    from cnn_explorer import __version__

    import numpy

    head = (f"CNN Explorer {__version__}, Python {platform.python_version()}, Qt {qVersion()} "
            f"(PySide6 {pyside}), NumPy {numpy.__version__}, {platform.platform()}")
    return head + "\n\n" + "".join(traceback.format_exception(exc_type, exc, tb))


class CrashDialog(QDialog):
    """Says what went wrong in words, with the report in a read-only box and a Copy button."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        self.resize(720, 420)
        self.summary = wrapped()
        self.report = QPlainTextEdit(readOnly=True)
        self.report.setLineWrapMode(QPlainTextEdit.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.copy_button = buttons.addButton("Copy report", QDialogButtonBox.ActionRole)
        self.copy_button.setToolTip("Copy the report to the clipboard, e.g. for a bug report")
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.report)
        layout.addWidget(buttons)

    def add_error(self, exc_type, exc, tb, logged_to):
        self.summary.setText(
            f"<b>{exc_type.__name__}: {exc}</b><p>Your work is kept and the app keeps running. "
            f"The report below is also written to <tt>{logged_to}</tt>.</p>")
        text = report_text(exc_type, exc, tb)
        old = self.report.toPlainText()
        self.report.setPlainText(text if not old else old + "\n" + "-" * 60 + "\n" + text)

    def copy_report(self):
        QApplication.clipboard().setText(self.report.toPlainText())


def handle(window, exc_type, exc, tb, show=True):
    """Log the exception, print it, and show (or add to) the window's crash dialog."""
    traceback.print_exception(exc_type, exc, tb, file=sys.stderr)
    path = start_logging()
    log.error("uncaught exception\n%s", report_text(exc_type, exc, tb))
    if not show:
        return None
    dialog = getattr(window, "_crash_dialog", None)
    if dialog is None:
        dialog = window._crash_dialog = CrashDialog(window)
    dialog.add_error(exc_type, exc, tb, path)
    dialog.show()
    return dialog
