"""The main window: one tab per page, menus built from one table of actions, settings.

Pages take part in File ▸ Export, the settings and Help by duck typing (see ``file_exports``
and ``settings.save_pages``), so a page is free to change shape. With ``lazy=True`` (the app) a
page is built when its tab is first shown, the first one just after the window has painted: the
window appears before the pages' heavy imports (pyqtgraph, SciPy) have run.
"""

import importlib
import traceback

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QImageReader, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget

from cnn_explorer import __version__
from cnn_explorer.gui import crash_dialog, file_exports
from cnn_explorer.gui import settings as keys
from cnn_explorer.gui.pages import PAGES
from cnn_explorer.gui.pages.base import Page
from cnn_explorer.gui.pages.shared_model import SharedModel

DEFAULT_SIZE = (1280, 860)


def platform_keys(standard, extra):
    """The platform's keys for ``standard`` plus ``extra``, each once: a key an action holds twice
    is "ambiguous" and does nothing (on X11 the standard Redo already is Ctrl+Shift+Z), and a
    platform without a standard key (Preferences on X11) still gets ``extra``."""
    keys = []
    for key in (*QKeySequence.keyBindings(standard), QKeySequence(extra)):
        if key not in keys:
            keys.append(key)
    return keys


def action(name, parent, tip="", shortcut=None, slot=None, checkable=False):
    """Build a QAction once; the same object goes into menus and toolbars."""
    act = QAction(name, parent)
    if tip:
        act.setToolTip(tip)
        act.setStatusTip(tip)
    if shortcut is not None:
        act.setShortcut(QKeySequence(shortcut))
    act.setCheckable(checkable)
    if slot is not None:
        act.triggered.connect(slot)
    return act


class MainWindow(QMainWindow):
    """Tabs of pages; the Edit menu's undo/redo follow the current page's undo stack."""

    def __init__(self, pages=None, restore_settings=True, lazy=False):
        super().__init__()
        self.setWindowTitle("CNN Explorer")
        self.resize(*self.first_size())
        self.names = list(pages or PAGES)
        self.pages = {}                     # the pages built so far, by name
        self._restore = restore_settings
        self._forget_on_close = False       # after Reset to defaults: save nothing
        self._undo_group = QUndoGroup(self)
        self.shared_model = SharedModel(self)   # the Training page's model, for the other pages
        self._setup_ui()
        self._create_actions()
        self._create_menu()
        self.tabs.currentChanged.connect(self._on_page_changed)
        if restore_settings:
            self._restore_window()
        if lazy:
            self.installEventFilter(self)   # build the first page once the window has painted
        else:
            for name in self.names:
                self.page(name)
            self._on_page_changed(self.tabs.currentIndex())

    def first_size(self):
        """DEFAULT_SIZE, or less on a smaller screen (1280×860 ran off a 1366×768 laptop's)."""
        screen = self.screen()
        if screen is None:
            return DEFAULT_SIZE
        room = screen.availableGeometry()
        return min(DEFAULT_SIZE[0], room.width()), min(DEFAULT_SIZE[1], room.height())

    # -- set-up ----------------------------------------------------------------------------
    def _setup_ui(self):
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        for i, name in enumerate(self.names):
            title = PAGES[name][2]
            placeholder = QLabel(f"Opening the {title} page…")
            placeholder.setAlignment(Qt.AlignCenter)
            placeholder.setObjectName(name)
            self.tabs.addTab(placeholder, title)
            self.tabs.setTabToolTip(i, f"Show the {title} page (Ctrl+{i + 1})")
        self.setCentralWidget(self.tabs)
        self.statusBar().showMessage("Ready", 2000)

    def _create_actions(self):
        exports = file_exports
        self.named_actions = {
            "quit": action("&Quit", self, "Quit CNN Explorer", QKeySequence.Quit, self.close),
            "undo": self._undo_group.createUndoAction(self, "&Undo"),
            "redo": self._undo_group.createRedoAction(self, "&Redo"),
            "preferences": action("&Preferences…", self, "Colours, and what the app remembers",
                                  None, self._on_preferences),
            "export:png": action("Export View as &PNG…", self, "Save the page as a PNG picture",
                                 "Ctrl+E", lambda: exports.export_view(self, self.current_page(),
                                                                        "png")),
            "export:svg": action("Export View as &SVG…", self,
                                 "Save the page as an SVG drawing (text and lines as vectors)",
                                 "Ctrl+Shift+E",
                                 lambda: exports.export_view(self, self.current_page(), "svg")),
            "export:gif": action("Export Steps as Animated &GIF…", self,
                                 "Record every step, each as long as playback shows it, for "
                                 "slides", "Ctrl+Shift+G",
                                 lambda: exports.export_animation(self, self.current_page())),
            "help": action("&What Am I Looking At?", self, "Every panel of this page explained",
                           QKeySequence.HelpContents, self._on_help),
            "shortcuts": action("&Keyboard Shortcuts", self, "Every key the app knows",
                                "Ctrl+/", self._on_shortcuts),
            "about": action("&About CNN Explorer", self, "Version and credits", None, self._on_about),
        }
        for fmt, title, key in (("csv", "CSV", "Ctrl+Shift+C"), ("numpy", "NumPy", None),
                                ("latex", "LaTeX", None)):
            self.named_actions[f"copy:{fmt}"] = action(
                f"Copy Matrices as {title}", self, f"Copy the page's matrices as {title} text",
                key, lambda _=False, fmt=fmt: exports.copy_matrices(self, self.current_page(), fmt))
        for kind, (title, _, _) in exports.MODEL_FORMATS.items():
            self.named_actions[f"model:{kind}"] = action(
                title, self, f"Save the Training page's model as a {title.rstrip('…')}", None,
                lambda _=False, kind=kind: exports.export_model(self, self.model(), kind))
        self.named_actions["undo"].setShortcut(QKeySequence.Undo)
        self.named_actions["redo"].setShortcuts(platform_keys(QKeySequence.Redo, "Ctrl+Shift+Z"))
        self.named_actions["preferences"].setShortcuts(
            platform_keys(QKeySequence.Preferences, "Ctrl+,"))
        for i, name in enumerate(self.names):
            title = PAGES[name][2]
            self.named_actions[f"page:{name}"] = action(
                title, self, f"Show the {title} page", f"Ctrl+{i + 1}",
                lambda _=False, i=i: self.tabs.setCurrentIndex(i))

    def _create_menu(self):
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for name in ("export:png", "export:svg", "export:gif"):
            file_menu.addAction(self.named_actions[name])
        copy_menu = file_menu.addMenu("&Copy Matrices")
        for fmt in ("csv", "numpy", "latex"):
            copy_menu.addAction(self.named_actions[f"copy:{fmt}"])
        model_menu = file_menu.addMenu("Export &Model")
        for kind in file_exports.MODEL_FORMATS:
            model_menu.addAction(self.named_actions[f"model:{kind}"])
        self.recent_menu = file_menu.addMenu("&Recent Files")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.named_actions["quit"])
        file_menu.aboutToShow.connect(self._update_export_actions)
        edit = bar.addMenu("&Edit")
        edit.addAction(self.named_actions["undo"])
        edit.addAction(self.named_actions["redo"])
        edit.addSeparator()
        edit.addAction(self.named_actions["preferences"])
        view = bar.addMenu("&View")
        for name in self.names:
            view.addAction(self.named_actions[f"page:{name}"])
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.named_actions["help"])
        help_menu.addAction(self.named_actions["shortcuts"])
        help_menu.addAction(self.named_actions["about"])

    # -- pages -----------------------------------------------------------------------------
    def page(self, name):
        """The page called ``name``, built now if it was not yet."""
        if name in self.pages:
            return self.pages[name]
        if name == "pooling" and "conv2d" in self.names:
            self.page("conv2d")             # pooling shows the Convolution 2D page's output
        module, cls_name, title = PAGES[name]
        try:
            page = getattr(importlib.import_module(module), cls_name)(self)
        except Exception:  # a broken page must not take the app down; show why instead
            page = QLabel(f"The {title} page could not be built:\n\n{traceback.format_exc()}")
            page.setTextInteractionFlags(Qt.TextSelectableByMouse)
            page.setAlignment(Qt.AlignTop | Qt.AlignLeft)
            page.setProperty("broken", True)
        page.setObjectName(name)
        if isinstance(page, Page):
            page.share_model(self.shared_model)
        self.pages[name] = page
        self._put_in_tab(name, page)
        stack = getattr(page, "undo_stack", None)
        if stack is not None:
            self._undo_group.addStack(stack)
        if self._restore:
            keys.restore_page(name, page)
        self._connect_pages(name)
        return page

    def _put_in_tab(self, name, page):
        index = self.names.index(name)
        placeholder = self.tabs.widget(index)
        current = self.tabs.currentIndex()
        tip = self.tabs.tabToolTip(index)
        # removing the current tab would make Qt show (and signal) a neighbour for a moment
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, page, PAGES[name][2])
        self.tabs.setTabToolTip(index, tip)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        placeholder.deleteLater()

    def _connect_pages(self, name):
        training = self.pages.get("training")
        if name == "model" and hasattr(training, "follow_dataset"):
            training.follow_dataset()    # a Model page built after the data takes its shape
        conv2d, pooling = self.pages.get("conv2d"), self.pages.get("pooling")
        if name != "pooling" or not (hasattr(conv2d, "sigOutputChanged")
                                     and hasattr(pooling, "set_conv_output")):
            return
        conv2d.sigOutputChanged.connect(pooling.set_conv_output)
        output = getattr(conv2d, "current_output", None)
        if callable(output):
            pooling.set_conv_output(output())

    def current_page(self):
        return self.page(self.names[self.tabs.currentIndex()])

    def show_page(self, name):
        """Make the page called ``name`` current and return it."""
        page = self.page(name)
        self.tabs.setCurrentWidget(page)
        return page

    def model(self):
        """The model File ▸ Export Model writes: the Training page's (any page with a model)."""
        pages = [self.current_page()] + [self.pages[n] for n in ("training",) if n in self.pages]
        pages += list(self.pages.values())
        return next((m for m in map(file_exports.page_model, pages) if m is not None), None)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
        if watched is self and event.type() == QEvent.Paint:
            self.removeEventFilter(self)
            QTimer.singleShot(0, lambda: self._on_page_changed(self.tabs.currentIndex()))
        return super().eventFilter(watched, event)

    def _on_page_changed(self, index):
        if index < 0:
            return
        page = self.page(self.names[index])
        # a page may hold its undo back while it works (the training page during a run)
        stack = None if getattr(page, "undo_held", False) else getattr(page, "undo_stack", None)
        self._undo_group.setActiveStack(stack)
        self._update_export_actions()

    def _update_export_actions(self):
        page = self.tabs.currentWidget()
        stepper = getattr(page, "stepper", None)
        self.named_actions["export:gif"].setEnabled(stepper is not None and stepper.count() > 1)
        has_matrices = bool(file_exports.page_matrices(page))
        for fmt in ("csv", "numpy", "latex"):
            self.named_actions[f"copy:{fmt}"].setEnabled(has_matrices)
        has_model = self.model() is not None
        for kind in file_exports.MODEL_FORMATS:
            self.named_actions[f"model:{kind}"].setEnabled(has_model)

    def _fill_recent_menu(self):
        self.recent_menu.clear()
        paths = keys.recent_files()
        for path in paths:
            self.recent_menu.addAction(path, lambda p=path: self.open_recent(p))
        if not paths:
            self.recent_menu.addAction("No recent files").setEnabled(False)

    def open_recent(self, path):
        """Open ``path`` on the page that reads its kind: a saved model (``.npz``) on the
        Training page (Load), a picture on the Convolution 2D page (Load image). That page says
        whether it could; the status bar says when no page of this window opens the file."""
        name = ("training" if path.lower().endswith(".npz")
                else "conv2d" if QImageReader(path).canRead() else None)
        page = self.page(name) if name in self.names else None
        if page is None or page.property("broken"):
            self.statusBar().showMessage(f"No page of this window opens {path}", 8000)
            return False
        self.show_page(name)
        if name == "training":
            page.load_model(path)
        else:
            page.load_image(path)
        return True

    # -- help, preferences, errors ---------------------------------------------------------
    def report_error(self, exc_type, exc, tb):
        """Last resort for an exception no page caught (``sys.excepthook``): say it, keep going.

        The report goes to the console and the per-user log file, and into one dialog with a
        Copy button (errors that follow are added to it, not stacked as new dialogs).
        """
        self.statusBar().showMessage(
            f"Something went wrong ({exc_type.__name__}: {exc}). Your work is kept and the app "
            "keeps running.", 20000)
        return crash_dialog.handle(self, exc_type, exc, tb)

    def _on_about(self):
        import numpy
        from PySide6 import __version__ as pyside
        from PySide6.QtCore import qVersion

        QMessageBox.about(
            self, "About CNN Explorer",
            f"<b>CNN Explorer {__version__}</b><p>See how a convolutional network works: kernels, "
            "padding, stride, pooling, and a convnet that learns its own filters.</p>"
            f"<p>Qt {qVersion()} (PySide6 {pyside}) · NumPy {numpy.__version__}</p>"
            "<p>The bundled digits are a subset of MNIST (Yann LeCun, Corinna Cortes, "
            "Christopher Burges; CC BY-SA 3.0).</p>")

    def _on_help(self):
        from cnn_explorer.help_texts import help_text

        name = self.names[self.tabs.currentIndex()]
        box = QMessageBox(QMessageBox.Information, "What am I looking at?", help_text(name),
                          QMessageBox.Close, self)
        box.setTextFormat(Qt.RichText)
        box.setModal(False)
        box.show()
        return box

    def _on_shortcuts(self):
        from cnn_explorer.gui.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self.named_actions.values(), self).exec()

    def _on_preferences(self):
        from cnn_explorer.gui.preferences_dialog import PreferencesDialog

        dialog = PreferencesDialog(self)
        dialog.sigApplied.connect(self.apply_preferences)
        dialog.sigReset.connect(self._on_reset)
        dialog.exec()

    def apply_preferences(self):
        from cnn_explorer.gui.palette import apply_theme

        apply_theme(keys.read_choice(keys.THEME, keys.THEMES))

    def _on_reset(self):
        self._forget_on_close = True
        self.apply_preferences()
        self.statusBar().showMessage("Settings reset: the next start begins afresh", 8000)

    # -- settings --------------------------------------------------------------------------
    def _restore_window(self):
        geometry = keys.read_bytes(keys.WINDOW_GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        name = keys.read_choice(keys.CURRENT_PAGE, self.names)
        self.tabs.setCurrentIndex(self.names.index(name))

    def save_settings(self):
        """Window geometry, the page on screen, and what each built page keeps."""
        store = keys.settings()
        store.setValue(keys.WINDOW_GEOMETRY, self.saveGeometry())
        store.setValue(keys.CURRENT_PAGE, self.names[self.tabs.currentIndex()])
        keys.save_pages(self.pages)

    def closeEvent(self, event):  # noqa: N802 (Qt name)
        for page in self.pages.values():
            can_close = getattr(page, "can_close", None)
            if can_close is not None and not can_close():
                event.ignore()
                return
        if not self._forget_on_close:
            self.save_settings()
        event.accept()
