"""File ▸ Export: PNG, SVG, animated GIF (one frame per step, as long as playback shows it),
matrices to the clipboard, and the Training page's model."""

import ast

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from cnn_explorer.gui import view_export
from cnn_explorer.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    win = MainWindow(pages=["conv1d", "conv2d", "training"], restore_settings=False)
    qtbot.addWidget(win)
    win.resize(900, 640)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for page in win.pages.values():
        getattr(page, "can_close", lambda: True)()


def save_as(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def test_png_is_the_page_as_shown(window, tmp_path, monkeypatch):
    page = window.show_page("conv1d")
    save_as(monkeypatch, tmp_path / "view.png")
    window.named_actions["export:png"].trigger()
    image = QImage(str(tmp_path / "view.png"))
    ratio = page.devicePixelRatioF()
    assert (image.width(), image.height()) == (round(page.width() * ratio),
                                               round(page.height() * ratio))
    assert len({image.pixel(x, y) for x in range(0, image.width(), 17)
                for y in range(0, image.height(), 17)}) > 5      # a picture, not a blank
    assert window.statusBar().currentMessage() == f"Wrote {tmp_path / 'view.png'}"


def test_svg_holds_the_page_text_as_vectors(window, tmp_path, monkeypatch):
    page = window.show_page("conv1d")
    save_as(monkeypatch, tmp_path / "view.svg")
    window.named_actions["export:svg"].trigger()
    text = (tmp_path / "view.svg").read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert f'viewBox="0 0 {page.width()} {page.height()}"' in text
    assert "<text" in text or "<path" in text


def test_gif_has_one_frame_per_step_at_the_playback_speed(window, tmp_path, monkeypatch):
    page = window.show_page("conv1d")
    stepper = page.stepper
    stepper.set_speed(4.0)
    stepper.set_step(2)
    save_as(monkeypatch, tmp_path / "steps.gif")
    assert window.named_actions["export:gif"].isEnabled()
    window.named_actions["export:gif"].trigger()
    with Image.open(tmp_path / "steps.gif") as gif:
        assert gif.n_frames == stepper.count() > 1
        assert gif.info["duration"] == 250
        first = np.asarray(gif.convert("RGB"))
        gif.seek(gif.n_frames - 1)
        assert not np.array_equal(first, np.asarray(gif.convert("RGB")))  # the steps differ
    assert stepper.step() == 2                                   # left where it was
    assert f"{stepper.count()} frames, 250 ms each" in window.statusBar().currentMessage()


def test_a_single_step_is_no_animation(window, tmp_path):
    page = window.show_page("conv1d")

    class OneStep:
        speed = page.stepper.speed

        def count(self):
            return 1

        def step(self):
            return 0

    page_like = type("P", (), {"stepper": OneStep()})()
    with pytest.raises(ValueError, match="nothing to animate"):
        view_export.save_animation(page_like, tmp_path / "x.gif", widget=page)


@pytest.mark.parametrize("fmt, start", [("csv", "# x\n"), ("numpy", "x = np.array(["),
                                        ("latex", "% x\n\\begin{bmatrix}")])
def test_matrices_go_to_the_clipboard(window, fmt, start):
    page = window.show_page("conv1d")
    window.named_actions[f"copy:{fmt}"].trigger()
    text = QApplication.clipboard().text()
    assert text.startswith(start)
    assert "kernel" in text and "output" in text
    if fmt == "numpy":
        namespace = {"np": np}
        exec(text, namespace)
        np.testing.assert_array_equal(namespace["kernel"], np.atleast_2d(page.plan.kernel))


@pytest.mark.parametrize("kind, name", [("onnx", "m.onnx"), ("keras", "m.py"), ("torch", "m.py")])
def test_export_model_writes_the_training_pages_model(window, tmp_path, monkeypatch, kind, name):
    if kind == "onnx":
        pytest.importorskip("onnx")
    window.show_page("training")        # the page makes its model when it is first shown
    window.show_page("conv1d")          # the model is found from any page
    assert window.named_actions[f"model:{kind}"].isEnabled()
    save_as(monkeypatch, tmp_path / name)
    window.named_actions[f"model:{kind}"].trigger()
    assert (tmp_path / name).is_file()
    if kind != "onnx":
        ast.parse((tmp_path / name).read_text())
        assert (tmp_path / "m_weights.npz").is_file()
    assert window.statusBar().currentMessage().startswith("Wrote ")


def test_an_exported_file_is_not_listed_among_the_recent_files(window, tmp_path, monkeypatch):
    from cnn_explorer.gui import settings as keys

    save_as(monkeypatch, tmp_path / "view.svg")
    window.named_actions["export:svg"].trigger()
    assert (tmp_path / "view.svg").is_file() and str(tmp_path / "view.svg") not in keys.recent_files()
    assert keys.last_directory() == str(tmp_path)      # the next dialog still starts there


def _recent_action(window, path):
    from cnn_explorer.gui import settings as keys

    keys.add_recent_file(path)
    window.recent_menu.aboutToShow.emit()
    return next(a for a in window.recent_menu.actions() if a.text() == str(path))


def test_a_recent_model_file_opens_on_the_training_page(window, tmp_path):
    from cnn_explorer.nn import layers as L
    from cnn_explorer.nn.model import Sequential
    from cnn_explorer.nn.saving import save_model

    model = Sequential([L.Conv2D(3, 3, activation="relu"), L.Flatten(),
                        L.Dense(10, activation="softmax")], input_shape=(28, 28, 1), seed=5)
    save_model(model, str(tmp_path / "small.npz"))
    window.show_page("conv1d")
    _recent_action(window, tmp_path / "small.npz").trigger()
    training = window.pages["training"]
    assert window.tabs.currentWidget() is training
    assert [layer.name for layer in training.model.layers] == [layer.name for layer in model.layers]
    np.testing.assert_array_equal(training.model.get_weights()[0], model.get_weights()[0])
    assert training.controls.message.text() == "Loaded small.npz."


def test_a_recent_picture_opens_on_the_convolution_2d_page(window, tmp_path):
    Image.fromarray(np.tile(np.arange(0, 250, 25, dtype=np.uint8), (6, 1))).save(tmp_path / "g.png")
    _recent_action(window, tmp_path / "g.png").trigger()
    page = window.pages["conv2d"]
    assert window.tabs.currentWidget() is page
    assert page.state.data.shape == (6, 10) and page.state.data[0, 1] > page.state.data[0, 0]


def test_a_recent_file_no_page_reads_is_said_in_the_status_bar(window, tmp_path):
    (tmp_path / "notes.txt").write_text("not a picture")
    assert not window.open_recent(str(tmp_path / "notes.txt"))
    assert window.statusBar().currentMessage().startswith("No page of this window opens")
