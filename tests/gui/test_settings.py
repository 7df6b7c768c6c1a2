"""Settings: what the user changed comes back in a new main window; corrupt values are ignored."""

import logging

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QSpinBox, QWidget

from cnn_explorer.gui import settings as keys
from cnn_explorer.gui.main_window import MainWindow
from cnn_explorer.gui.preferences_dialog import PreferencesDialog


class HookPage(QWidget):
    """A small page that keeps a number through the settings hook."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.number = QSpinBox(self)
        self.number.setRange(0, 100)

    def settings_state(self):
        return {"number": self.number.value()}

    def restore_settings_state(self, saved):
        self.number.setValue(int(saved["number"]))


def new_window(qtbot, pages=("conv1d", "pooling", "training")):
    window = MainWindow(pages=list(pages), restore_settings=True)
    qtbot.addWidget(window)
    return window


def close(window):
    for page in window.pages.values():
        if hasattr(page, "ask_to_save"):
            page.ask_to_save = False
    window.close()


def test_geometry_page_and_training_hyper_parameters_come_back(qtbot):
    window = new_window(qtbot)
    window.resize(731, 607)   # the offscreen test screen is 800×800
    window.show_page("pooling")
    controls = window.pages["training"].controls
    controls.epochs.setValue(7)
    controls.learning_rate.setValue(0.0042)
    controls.optimizer.setCurrentText("sgd")
    close(window)

    again = new_window(qtbot)
    assert (again.width(), again.height()) == (731, 607)
    assert again.tabs.currentWidget() is again.pages["pooling"]
    controls = again.pages["training"].controls
    assert controls.epochs.value() == 7
    assert controls.learning_rate.value() == pytest.approx(0.0042)
    assert controls.optimizer.currentText() == "sgd"
    close(again)


def test_a_page_hook_saves_and_restores_its_state(qtbot):
    page = HookPage()
    page.setObjectName("hooked")
    page.number.setValue(42)
    keys.save_pages({"hooked": page})
    fresh = HookPage()
    fresh.setObjectName("hooked")
    keys.restore_page("hooked", fresh)
    assert fresh.number.value() == 42


def test_corrupt_and_foreign_values_fall_back_to_defaults_with_a_warning(qtbot, caplog):
    store = keys.settings()
    store.setValue(keys.WINDOW_GEOMETRY, "not a geometry")
    store.setValue(keys.CURRENT_PAGE, "no such page")
    store.setValue(keys.THEME, 12)
    store.setValue(keys.RESTORE_PAGES, "perhaps")
    store.setValue(keys.page_state_key("training"), "{not json")
    store.setValue(keys.page_state_key("conv1d"), '{"hook": {"nonsense": 1}}')
    store.setValue(keys.RECENT_FILES, '"a string, not a list"')
    with caplog.at_level(logging.WARNING):
        window = new_window(qtbot)
        assert keys.read_choice(keys.THEME, keys.THEMES) == "system"
        assert keys.read_bool(keys.RESTORE_PAGES) is True
        assert keys.recent_files() == []
    assert window.tabs.currentIndex() == 0
    assert window.pages["training"].controls.epochs.value() == 15       # its default
    warned = " ".join(r.getMessage() for r in caplog.records)
    for key in (keys.WINDOW_GEOMETRY, keys.CURRENT_PAGE, keys.THEME, keys.RESTORE_PAGES,
                keys.page_state_key("training"), keys.RECENT_FILES):
        assert key in warned
    close(window)


def test_pages_are_not_restored_when_the_preference_is_off(qtbot):
    window = new_window(qtbot, pages=("training",))
    window.pages["training"].controls.epochs.setValue(9)
    close(window)
    keys.settings().setValue(keys.RESTORE_PAGES, False)
    again = new_window(qtbot, pages=("training",))
    assert again.pages["training"].controls.epochs.value() == 15
    close(again)


def test_preferences_and_reset_to_defaults(qtbot):
    keys.settings().setValue(keys.WINDOW_GEOMETRY, QByteArray(b"x"))
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    dialog.theme.setCurrentIndex(keys.THEMES.index("dark"))
    dialog.restore_pages.setChecked(False)
    dialog.accept()
    assert keys.read_choice(keys.THEME, keys.THEMES) == "dark"
    assert keys.read_bool(keys.RESTORE_PAGES) is False
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    assert dialog.theme.currentData() == "dark" and not dialog.restore_pages.isChecked()
    with qtbot.waitSignal(dialog.sigReset):
        dialog._on_reset(ask=False)
    assert keys.settings().allKeys() == []
    assert dialog.theme.currentData() == "system" and dialog.restore_pages.isChecked()


def test_recent_files_are_newest_first_once(tmp_path):
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    first.write_bytes(b"")
    second.write_bytes(b"")
    keys.remember_directory(first)
    keys.remember_directory(second)
    keys.remember_directory(first)
    assert keys.recent_files()[:2] == [str(first), str(second)]


def test_the_explorer_pages_data_kernel_and_options_come_back(qtbot):
    import numpy as np

    window = new_window(qtbot, pages=("conv2d", "pooling"))
    conv = window.pages["conv2d"]
    conv.set_kernel(np.array([[1.0, 2.0], [3.0, 4.0]]))
    conv.edit("stride", stride=(2, 1))
    pooling = window.pages["pooling"]
    pooling.edit("kind", kind="avg")
    kernel, stride, kind = conv.state.kernel, conv.state.stride, pooling.state.kind
    close(window)

    again = new_window(qtbot, pages=("conv2d", "pooling"))
    np.testing.assert_array_equal(again.pages["conv2d"].state.kernel, kernel)
    assert again.pages["conv2d"].state.stride == stride
    np.testing.assert_array_equal(again.pages["conv2d"].kernel_panel.values(), kernel)
    assert again.pages["pooling"].state.kind == kind
    close(again)
