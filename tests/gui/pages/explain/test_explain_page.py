"""The Explain page driven like a user, on a model trained for a few batches of the bundled
digits."""

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, Qt

from cnn_explorer.data import catalog
from cnn_explorer.gui.main_window import MainWindow
from cnn_explorer.gui.pages.explain.controls import DRAWN
from cnn_explorer.gui.pages.explain.explain_page import NO_MODEL, ExplainPage
from cnn_explorer.nn import layers as L
from cnn_explorer.nn.model import Sequential
from cnn_explorer.nn.training import TrainConfig, train_steps
from explorer_helpers import choose

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture(scope="module")
def small_data():
    data = catalog.load("mnist-5k")
    return dataclasses.replace(data, x_test=data.x_test[:60], y_test=data.y_test[:60])


def _trained(layers, data, input_shape=(28, 28, 1), batches=6):
    model = Sequential(layers, input_shape=input_shape, seed=3)
    x, y = data.x_train[:batches * 32], data.y_train[:batches * 32]
    if input_shape[-1] == 3:
        x = np.repeat(x[..., None], 3, axis=3)
    for _ in train_steps(model, (x, y), TrainConfig(epochs=1, batch_size=32, validation_split=0)):
        pass
    return model


def small_convnet():
    return [L.Conv2D(6, 3, activation="relu"), L.MaxPooling2D(2),
            L.Conv2D(8, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(),
            L.Dense(10, activation="softmax")]


@pytest.fixture
def window(qtbot, small_data):
    """Training and Explain pages; the Training page holds a model trained for 6 batches."""
    window = MainWindow(pages=["training", "explain"], restore_settings=False)
    qtbot.addWidget(window)
    training = window.pages["training"]
    training.ask_to_save = False
    training.set_dataset(small_data)
    training.set_model(_trained(small_convnet(), small_data))
    window.resize(1024, 700)
    window.show()
    yield window
    for page in window.pages.values():
        page.can_close()


def _threads_end(qtbot, page):
    """A list that gets an item when the page's growing thread ends."""
    ended = []
    page.grow.worker_thread.finished.connect(lambda: ended.append(True), Qt.DirectConnection)
    return ended


def test_choosing_an_image_and_a_class_redraws_finite_maps(qtbot, window):
    page = window.show_page("explain")
    c = page.controls
    assert "Training page's model" in c.model_status.text()
    assert [page.controls.layer.itemText(i) for i in range(c.layer.count())] == ["conv2d",
                                                                                  "conv2d_1"]
    panels = [page.saliency, page.times_input, *[p for _, p in page.cams], page.occlusion]
    assert [p.title.text() for p in panels] == ["Saliency", "Gradient × input",
                                                "Grad-CAM conv2d", "Grad-CAM conv2d_1",
                                                "Occlusion"]
    before = [p.map.copy() for p in panels]
    title = page.maps_title.text()
    c.image_index.setValue(7)
    assert page.state.image_index == 7
    after = [p.map.copy() for p in panels]
    assert all(np.isfinite(m).all() for m in after)
    assert not np.array_equal(before[0], after[0]) and not np.array_equal(before[-1], after[-1])
    assert page.maps_title.text() != title and "test image 7" in page.maps_title.text()
    assert all(p.sentence.text() for p in panels)
    # another class than the prediction
    predicted = page.image_explanation.predicted
    other = (predicted + 1) % 10
    choose(c.class_choice, str(other))
    assert page.state.class_index == other
    assert page.maps_title.text().startswith(f"Why {other}?")
    changed = [p.map.copy() for p in panels]
    assert all(np.isfinite(m).all() for m in changed)
    assert not np.array_equal(after[0], changed[0])
    # undo goes back to the prediction and its maps
    page.undo_stack.undo()
    assert page.state.class_index is None and c.class_choice.currentIndex() == 0
    np.testing.assert_array_equal(page.saliency.map, after[0])


def test_grow_starts_and_stops_leaving_no_thread(qtbot, window):
    page = window.show_page("explain")
    c = page.controls
    c.channel.setValue(3)
    assert page.filter_title.text() == "What does filter 3 of conv2d_1 look for?"
    assert page.weights.filters.shape == (6, 3, 3)
    assert len(page.top.patches) == 9
    qtbot.mouseClick(c.grow_button, Qt.LeftButton)
    assert page.growing and c.grow_button.text() == "&Stop"
    ended = _threads_end(qtbot, page)
    qtbot.waitUntil(lambda: c.progress.value() >= 3, timeout=20000)
    assert page.grown.image.shape == (28, 28, 1)
    assert "Filter 3's mean activation" in page.grown.status.text()
    qtbot.mouseClick(c.grow_button, Qt.LeftButton)
    assert ended and page.grow.worker_thread is None and page.grow.worker is None
    assert c.grow_button.text() == "&Grow"
    steps = c.progress.value()
    assert steps < c.steps.value()
    QCoreApplication.processEvents()     # what the stopped worker had queued: ignored
    assert c.progress.value() == steps


def test_leaving_the_page_or_closing_stops_growing(qtbot, window):
    page = window.show_page("explain")
    page.start_growing()
    ended = _threads_end(qtbot, page)
    window.show_page("training")
    assert ended and not page.growing
    window.show_page("explain")
    page.start_growing()
    ended = _threads_end(qtbot, page)
    assert page.can_close()
    assert ended and not page.growing


def test_a_finished_growth_ends_its_thread(qtbot, window):
    page = window.show_page("explain")
    page.controls.steps.setValue(5)
    with qtbot.waitSignal(page.controls.progress.valueChanged, timeout=20000,
                          check_params_cb=lambda v: v == 5):
        page.start_growing()
    qtbot.waitUntil(lambda: not page.growing, timeout=5000)
    assert page.grown.status.text().endswith("after 5 of 5 steps.")


def test_a_loaded_model_of_another_architecture_is_explained(qtbot, window, small_data):
    page = window.show_page("explain")
    choose(page.controls.layer, "conv2d")
    page.controls.channel.setValue(5)
    training = window.pages["training"]
    other = _trained([L.Conv2D(4, 5, padding="same", activation="relu"), L.Flatten(),
                      L.Dense(10, activation="softmax")], small_data)
    window.show_page("training")
    training.set_model(other)      # as Load does
    window.show_page("explain")
    c = page.controls
    assert [c.layer.itemText(i) for i in range(c.layer.count())] == ["conv2d"]
    assert c.channel.value() == 3 and c.channel.maximum() == 3   # 4 filters: the last one
    assert [t for t, _ in page.cams] == ["conv2d"]
    assert page.weights.filters.shape == (1, 5, 5)
    assert page.undo_stack.count() == 2                  # the clamp was no edit of the user's


def test_a_colour_model_and_a_model_without_convolutions(qtbot, window, small_data):
    training = window.pages["training"]
    training.set_model(_trained(small_convnet(), small_data, input_shape=(28, 28, 3)))
    page = window.show_page("explain")
    assert page.image_explanation.image.shape == (28, 28, 3)
    assert np.isfinite(page.saliency.map).all() and np.isfinite(page.occlusion.map).all()
    assert page.weights.filters.shape == (6, 3, 3)          # conv2d_1: 6 input channels
    window.show_page("training")
    training.set_model(_trained([L.Flatten(), L.Dense(10, activation="softmax")], small_data))
    window.show_page("explain")
    assert page.cams == [] and page.controls.layer.count() == 0
    assert "no convolution layer" in page.filter_title.text()
    assert not page.controls.grow_button.isEnabled()
    assert np.isfinite(page.saliency.map).all()


def test_the_drawn_digit_is_explained(qtbot, window):
    page = window.show_page("explain")
    c = page.controls
    choose(c.source, DRAWN)
    assert page.state.drawn and c.canvas.isVisible() and not c.image_index.isEnabled()
    before = page.saliency.map.copy()
    c.canvas.stroke([(14, 4), (14, 24)])      # a "1"
    qtbot.waitUntil(lambda: not np.array_equal(page.saliency.map, before), timeout=3000)
    assert "your drawing" in page.maps_title.text()


def test_without_a_training_page_it_says_what_to_do(qtbot):
    page = ExplainPage()
    qtbot.addWidget(page)
    page.show()
    assert page.controls.model_status.text() == NO_MODEL
    assert np.isfinite(page.saliency.map).all()       # the untrained guide model, still drawn
    assert page.controls.image_index.maximum() == len(catalog.load("mnist-5k").x_test) - 1


def test_a_model_loaded_on_training_is_published_and_explained(qtbot, window, small_data,
                                                               tmp_path):
    from cnn_explorer.nn.saving import save_model
    other = _trained([L.Conv2D(4, 5, padding="same", activation="relu"), L.Flatten(),
                      L.Dense(10, activation="softmax")], small_data, batches=3)
    save_model(other, str(tmp_path / "other.npz"))
    training = window.show_page("training")
    with qtbot.waitSignal(window.shared_model.changed):
        assert training.load_model(str(tmp_path / "other.npz"))
    shared = window.shared_model
    assert shared.model is training.view_model and shared.dataset is small_data
    page = window.show_page("explain")
    assert [w.shape for w in page.model.get_weights()] == [w.shape for w in other.get_weights()]
    for mine, theirs in zip(page.model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    assert page.controls.model_status.text().startswith("The Training page's model, trained 1 epoch")


def test_explain_reads_the_published_model_alone_and_follows_it_while_shown(qtbot, small_data):
    from cnn_explorer.gui.pages.shared_model import SharedModel
    shared = SharedModel()
    page = ExplainPage()
    qtbot.addWidget(page)
    page.share_model(shared)               # no window, no Training page: only what is published
    page.show()
    assert page.controls.model_status.text() == NO_MODEL
    model = _trained(small_convnet(), small_data, batches=2)
    shared.publish(model, small_data, history=model.history, step=2, images_seen=64)
    assert page.controls.layer.count() == 2 and page.images.shape[0] == len(small_data.x_test)
    np.testing.assert_array_equal(page.model.get_weights()[0], model.get_weights()[0])
    assert "trained 1 epoch" in page.controls.model_status.text()


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_the_weights_caption_sits_on_its_grid_and_the_window_keeps_its_size(qtbot, window,
                                                                             size):
    # at 1600×1000 "32 input channels, 3×3" floated in the middle of its box, the grid at the
    # bottom: the grid's extra height went to the caption
    window.resize(*size)
    page = window.show_page("explain")
    qtbot.waitUntil(lambda: window.size().toTuple() == size, timeout=2000)
    grid = page.weights
    qtbot.waitUntil(lambda: grid.plot.height() > 0, timeout=2000)
    caption = grid._title
    assert caption.height() <= caption.heightForWidth(caption.width()) + 4   # not stretched
    assert 0 <= grid.plot.y() - caption.geometry().bottom() <= 8                # right above


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_the_weights_colour_bar_is_in_view_without_scrolling(qtbot, window, size):
    # at 1024×700 the grid of 32 channels is taller than its scroll area: the bar was at its foot
    window.resize(*size)
    page = window.show_page("explain")
    qtbot.waitUntil(lambda: window.size().toTuple() == size, timeout=2000)
    grid, bar = page.weights, page.weights.colour_bar
    # a filter of the guide model's second conv layer: 32 input channels, 3×3
    grid.set_filters(np.random.default_rng(0).normal(size=(32, 3, 3)))
    viewport = grid.parentWidget()
    qtbot.waitUntil(lambda: bar.isVisible() and grid.plot.height() > 0, timeout=2000)
    if size == (1024, 700):                                # the grid scrolls: the bar must not
        qtbot.waitUntil(lambda: grid.height() > viewport.height(), timeout=2000)
    from PySide6.QtWidgets import QAbstractScrollArea
    ancestor = bar.parentWidget()
    while ancestor is not None:              # no scroll area's view cuts it off
        if isinstance(ancestor.parentWidget(), QAbstractScrollArea):
            shown = bar.mapTo(ancestor, bar.rect().bottomRight())
            assert ancestor.rect().contains(shown), (shown, ancestor.rect())
        ancestor = ancestor.parentWidget()
    top_left = bar.mapTo(window, bar.rect().topLeft())
    bottom_right = bar.mapTo(window, bar.rect().bottomRight())
    assert window.rect().contains(top_left) and window.rect().contains(bottom_right)
    assert bar.levels()[1] == page.weights.level > 0
