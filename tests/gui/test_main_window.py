"""The main window: every page builds, menus follow the current page, screenshots work."""

import os

import pytest
from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QApplication, QComboBox,
                               QLabel)

from cnn_explorer.gui import app as app_module
from cnn_explorer.gui.main_window import DEFAULT_SIZE, MainWindow
from cnn_explorer.gui.pages import PAGES


@pytest.fixture
def window(qtbot):
    win = MainWindow(restore_settings=False)
    qtbot.addWidget(win)
    yield win
    for page in win.pages.values():
        getattr(page, "can_close", lambda: True)()


def test_every_page_builds(window):
    broken = {name: page.text()[:400] for name, page in window.pages.items()
              if isinstance(page, QLabel)}
    assert broken == {}
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        title for _, _, title in PAGES.values()]


def test_no_widget_hides_a_qt_method_under_an_attribute(window):
    # a spin-box list named ``size`` made ``panel.size()`` a TypeError for any Python caller (a
    # layout check, a screenshot tool); ``thread`` and ``actions`` hid QObject's and QWidget's
    for name in PAGES:
        window.show_page(name)
    hidden = set()
    for widget in [window, *window.findChildren(QObject)]:
        if not type(widget).__module__.startswith("cnn_explorer"):
            continue        # the project's own classes
        qt_class = next(c for c in type(widget).__mro__ if c.__module__.startswith("PySide6"))
        for attribute, value in vars(widget).items():
            if hasattr(qt_class, attribute) and not isinstance(value, SignalInstance) \
                    and not callable(value):
                hidden.add(f"{type(widget).__name__}.{attribute}")
    assert hidden == set()


def test_page_shortcuts_and_undo_follow_the_page(window):
    window.named_actions["page:pooling"].trigger()
    assert window.tabs.currentWidget() is window.pages["pooling"]
    assert window._undo_group.activeStack() is window.pages["pooling"].undo_stack
    window.named_actions["page:conv2d"].trigger()
    assert window._undo_group.activeStack() is window.pages["conv2d"].undo_stack
    assert window.named_actions["page:conv2d"].shortcut().toString() == "Ctrl+2"
    # the tabs say their shortcut (they had no tooltip)
    training = window.tabs.indexOf(window.pages["training"])
    assert window.tabs.tabToolTip(training) == f"Show the Training page (Ctrl+{training + 1})"


def test_every_button_box_and_list_says_what_it_does(window):
    missing = []
    for name, page in window.pages.items():
        for kind in (QAbstractButton, QAbstractSpinBox, QComboBox):
            for widget in page.findChildren(kind):
                if widget.objectName().startswith("qt_"):     # Qt's own parts (table corner)
                    continue
                if not (widget.toolTip() or widget.parent().toolTip()):
                    label = widget.text() if isinstance(widget, QAbstractButton) else ""
                    missing.append(f"{name}: {type(widget).__name__} {label}".rstrip())
    assert missing == []


def test_an_uncaught_error_is_logged_and_shown_with_a_copyable_report(window, capsys):
    from cnn_explorer.gui import crash_dialog

    for attempt in range(2):
        try:
            raise ValueError("the demo failure")
        except ValueError as error:
            dialog = window.report_error(type(error), error, error.__traceback__)
    assert window.statusBar().currentMessage().startswith(
        "Something went wrong (ValueError: the demo failure). Your work is kept")
    assert 'raise ValueError("the demo failure")' in capsys.readouterr().err
    assert dialog.isVisible() and window.findChildren(crash_dialog.CrashDialog) == [dialog]
    report = dialog.report.toPlainText()
    assert report.startswith("CNN Explorer ") and "NumPy " in report and "Qt " in report
    assert report.count("ValueError: the demo failure") == 2      # the second one added, not stacked
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == report
    assert "ValueError: the demo failure" in crash_dialog.log_path().read_text()
    window.named_actions["page:pooling"].trigger()                      # the app keeps going
    assert window.tabs.currentWidget() is window.pages["pooling"]


def test_keyboard_shortcuts_lists_the_actions_real_keys(window):
    from cnn_explorer.gui.shortcuts_dialog import ShortcutsDialog

    dialog = ShortcutsDialog(window.named_actions.values(), window)
    rows = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text()
            for r in range(dialog.table.rowCount())}
    pooling = list(PAGES).index("pooling")
    assert rows["Pooling"] == f"Ctrl+{pooling + 1}"
    assert rows["Export View as PNG"] == "Ctrl+E"
    assert rows["Redo"] == window.named_actions["redo"].shortcuts()[0].toString() + "".join(
        ", " + k.toString() for k in window.named_actions["redo"].shortcuts()[1:])
    assert rows["Play / pause the steps"] == "Space"


def test_pages_are_built_when_their_tab_is_first_shown(qtbot):
    window = MainWindow(restore_settings=False, lazy=True)
    qtbot.addWidget(window)
    assert window.pages == {}
    window.show()
    qtbot.waitUntil(lambda: "conv1d" in window.pages)       # just after the first paint
    assert window.tabs.currentWidget() is window.pages["conv1d"]
    assert "training" not in window.pages
    window.named_actions["page:pooling"].trigger()
    assert window.tabs.currentWidget() is window.pages["pooling"]
    assert "conv2d" in window.pages                         # pooling reads its output
    pooling = list(PAGES).index("pooling")
    assert window.tabs.tabText(pooling) == "Pooling"
    assert window.tabs.tabToolTip(pooling) == f"Show the Pooling page (Ctrl+{pooling + 1})"


@pytest.mark.parametrize("name", ["conv1d", "conv2d", "pooling", "model"])
def test_screenshot_command_writes_a_full_size_png(qapp, tmp_path, name, capsys):
    path = tmp_path / f"{name}.png"
    assert app_module.main(["--page", name, "--screenshot", str(path)]) == 0
    image = QImage(str(path))
    assert (image.width(), image.height()) == DEFAULT_SIZE
    assert f"wrote {path}" in capsys.readouterr().out


def test_a_demo_trained_explain_screenshot_explains_the_training_pages_model(qapp, tmp_path,
                                                                            capsys):
    # the README's Explain picture: the Training page trains a few batches, Explain shows them
    path = tmp_path / "explain.png"
    assert app_module.main(["--page", "explain", "--demo-train", "3", "--screenshot",
                            str(path)]) == 0
    assert QImage(str(path)).size().toTuple() == DEFAULT_SIZE
    assert f"wrote {path}" in capsys.readouterr().out


def test_the_first_window_fits_the_screen(qtbot):
    # 1280×860 ran off a 1366×768 laptop's screen; the offscreen test screen is 800×800
    window = MainWindow(pages=["conv1d"], restore_settings=False)
    qtbot.addWidget(window)
    room = window.screen().availableGeometry()
    width, height = window.first_size()
    assert width == min(DEFAULT_SIZE[0], room.width())
    assert height == min(DEFAULT_SIZE[1], room.height()) < DEFAULT_SIZE[1]


def test_no_key_is_held_by_two_actions_or_twice_by_one(window):
    # Redo held Ctrl+Shift+Z twice on X11 (the standard Redo key there too): Qt called it an
    # ambiguous shortcut and Redo did nothing
    from PySide6.QtGui import QAction

    held = {}
    for act in window.findChildren(QAction):
        for key in act.shortcuts():
            held.setdefault(key.toString(), []).append(act.text())
    twice = {key: names for key, names in held.items() if key and len(names) > 1}
    assert twice == {}
    assert "Ctrl+Shift+Z" in held


def test_tests_never_write_the_users_settings():
    from pathlib import Path

    from cnn_explorer.gui import settings as keys

    where = Path(keys.settings().fileName()).resolve()
    assert not str(where).startswith(str(Path.home() / ".config"))


def test_help_explains_the_page_on_screen(window):
    window.named_actions["page:pooling"].trigger()
    box = window._on_help()
    assert box.text().startswith("<h3>Pooling: what am I looking at?</h3>")
    assert window.named_actions["help"].shortcut().toString() == "F1"
    for name in PAGES:
        from cnn_explorer.help_texts import help_text

        assert "what am I looking at?" in help_text(name)


def test_preferences_has_the_key_the_readme_names(window):
    # Qt has no standard Preferences key on X11: the action had none
    keys = [k.toString() for k in window.named_actions["preferences"].shortcuts()]
    assert "Ctrl+," in keys


def test_painting_a_large_picture_starts_no_threads_of_qts_own(qapp):
    # Qt's raster engine split large fills over a thread pool of its own, which competed with a
    # training run's threads for the cores while the GUI thread waited for it
    import cnn_explorer.gui  # noqa: F401 (what every window's module imports first)
    from PySide6.QtGui import QColor, QImage, QPainter

    threads = len(os.listdir("/proc/self/task"))
    image = QImage(2000, 2000, QImage.Format_ARGB32_Premultiplied)
    for shade in range(4):
        painter = QPainter(image)
        painter.fillRect(0, 0, 2000, 2000, QColor(40 * shade, 20, 30, 128))
        painter.drawEllipse(0, 0, 1900, 1900)
        painter.end()
    assert len(os.listdir("/proc/self/task")) == threads
