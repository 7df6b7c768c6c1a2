"""The main window: one tab per page, menus built from one table of actions, settings."""

import importlib
import traceback

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget

from cnn_explorer import __version__
from cnn_explorer.gui import settings as keys
from cnn_explorer.gui.pages import PAGES

DEFAULT_SIZE = (1280, 860)


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

    def __init__(self, pages=None, restore_settings=True):
        super().__init__()
        self.setWindowTitle("CNN Explorer")
        self.resize(*self.first_size())
        self.pages = {}
        self._undo_group = QUndoGroup(self)
        self._setup_ui(pages or list(PAGES))
        self._create_actions()
        self._create_menu()
        self._connect()
        if restore_settings:
            self._restore_settings()
        self._on_page_changed(self.tabs.currentIndex())

    def first_size(self):
        """DEFAULT_SIZE, or less on a smaller screen (1280×860 ran off a 1366×768 laptop's)."""
        screen = self.screen()
        if screen is None:
            return DEFAULT_SIZE
        room = screen.availableGeometry()
        return min(DEFAULT_SIZE[0], room.width()), min(DEFAULT_SIZE[1], room.height())

    # -- set-up ----------------------------------------------------------------------------
    def _setup_ui(self, names):
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        for name in names:
            module, cls_name, title = PAGES[name]
            try:
                page = getattr(importlib.import_module(module), cls_name)(self)
            except Exception:  # a broken page must not take the app down; show why instead
                page = QLabel(f"The {title} page could not be built:\n\n{traceback.format_exc()}")
                page.setTextInteractionFlags(Qt.TextSelectableByMouse)
                page.setAlignment(Qt.AlignTop | Qt.AlignLeft)
            page.setObjectName(name)
            self.pages[name] = page
            self.tabs.addTab(page, title)
            stack = getattr(page, "undo_stack", None)
            if stack is not None:
                self._undo_group.addStack(stack)
        self.setCentralWidget(self.tabs)
        self.statusBar().showMessage("Ready", 2000)

    def _create_actions(self):
        self.actions = {
            "quit": action("&Quit", self, "Quit CNN Explorer", QKeySequence.Quit, self.close),
            "undo": self._undo_group.createUndoAction(self, "&Undo"),
            "redo": self._undo_group.createRedoAction(self, "&Redo"),
            "about": action("&About CNN Explorer", self, "Version and credits", None, self._on_about),
        }
        self.actions["undo"].setShortcut(QKeySequence.Undo)
        # The platform's Redo keys plus Ctrl+Shift+Z, each once: on X11 the standard Redo already
        # is Ctrl+Shift+Z, and a key held twice by one action is "ambiguous" and does nothing.
        redo_keys = []
        for key in (*QKeySequence.keyBindings(QKeySequence.Redo), QKeySequence("Ctrl+Shift+Z")):
            if key not in redo_keys:
                redo_keys.append(key)
        self.actions["redo"].setShortcuts(redo_keys)
        for i, name in enumerate(self.pages):
            title = self.tabs.tabText(i)
            self.actions[f"page:{name}"] = action(
                title, self, f"Show the {title} page", f"Ctrl+{i + 1}",
                lambda _=False, i=i: self.tabs.setCurrentIndex(i))
            self.tabs.setTabToolTip(i, f"Show the {title} page (Ctrl+{i + 1})")  # the tabs had none

    def _create_menu(self):
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.actions["quit"])
        edit = bar.addMenu("&Edit")
        edit.addAction(self.actions["undo"])
        edit.addAction(self.actions["redo"])
        view = bar.addMenu("&View")
        for name in self.pages:
            view.addAction(self.actions[f"page:{name}"])
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.actions["about"])

    def _connect(self):
        self.tabs.currentChanged.connect(self._on_page_changed)
        conv2d, pooling = self.pages.get("conv2d"), self.pages.get("pooling")
        if hasattr(conv2d, "sigOutputChanged") and hasattr(pooling, "set_conv_output"):
            conv2d.sigOutputChanged.connect(pooling.set_conv_output)
            output = getattr(conv2d, "current_output", None)
            if callable(output):
                pooling.set_conv_output(output())

    # -- behaviour -------------------------------------------------------------------------
    def show_page(self, name):
        """Make the page called ``name`` current and return it."""
        page = self.pages[name]
        self.tabs.setCurrentWidget(page)
        return page

    def _on_page_changed(self, index):
        page = self.tabs.widget(index)
        # a page may hold its undo back while it works (the training page during a run)
        stack = None if getattr(page, "undo_held", False) else getattr(page, "undo_stack", None)
        self._undo_group.setActiveStack(stack)

    def report_error(self, exc_type, exc, tb):
        """Last resort for an exception no page caught (``sys.excepthook``): say it, keep going.

        The traceback goes to the console; the status bar tells the user in words, without a
        modal dialog (an error repeated at every repaint would otherwise stack dialogs).
        """
        traceback.print_exception(exc_type, exc, tb)
        self.statusBar().showMessage(
            f"Something went wrong ({exc_type.__name__}: {exc}). Your work is kept and the app "
            "keeps running; the details are printed on the console.", 20000)

    def _on_about(self):
        QMessageBox.about(
            self, "About CNN Explorer",
            f"<b>CNN Explorer {__version__}</b><p>See how a convolutional network works: kernels, "
            "padding, stride, pooling, and a convnet that learns its own filters.</p>")

    def _restore_settings(self):
        store = keys.settings()
        geometry = store.value(keys.WINDOW_GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        name = store.value(keys.CURRENT_PAGE)
        if name in self.pages:
            self.tabs.setCurrentWidget(self.pages[name])

    def closeEvent(self, event):  # noqa: N802 (Qt name)
        for page in self.pages.values():
            can_close = getattr(page, "can_close", None)
            if can_close is not None and not can_close():
                event.ignore()
                return
        store = keys.settings()
        store.setValue(keys.WINDOW_GEOMETRY, self.saveGeometry())
        store.setValue(keys.CURRENT_PAGE, self.tabs.currentWidget().objectName())
        event.accept()
