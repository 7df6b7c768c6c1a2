"""The Training and Model pages on colour data, driven as a user would: a colour folder chosen
on the Training page gives the Model page an H×W×3 input and the engine's parameter count, trains,
and draws its previews in colour; "Convert to grey" gives ×1; CIFAR-10 downloads from the menu."""

import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from cnn_explorer.data import catalog
from cnn_explorer.gui.main_window import MainWindow
from cnn_explorer.nn.guide_model import guide_convnet

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "data"))
from colour_data import mirror, noisy_colour_folder  # noqa: E402, F401 (mirror is a fixture)
from test_training_views import outside_their_parents, training_window  # noqa: E402

Image = pytest.importorskip("PIL.Image")
pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore("propagateSizeHints")]
RED, BLUE = (210, 40, 30), (30, 40, 210)


@pytest.fixture
def colour_folder(tmp_path, rng):
    """Red and blue noisy pictures, 16 of each, in one folder per class."""
    return noisy_colour_folder(tmp_path / "flags", rng, {"blue": BLUE, "red": RED}, 16,
                               size=20, spread=20)


@pytest.fixture
def window(qtbot):
    window, page = training_window(qtbot, (1280, 800), ("model", "training"))
    yield window
    page.stop_training()


def _choose_folder(page, folder, monkeypatch):
    """Open folder… in the Data box, the folder picked in the dialog."""
    from cnn_explorer.gui.pages.training import dataset_chooser
    monkeypatch.setattr(dataset_chooser.QFileDialog, "getExistingDirectory",
                        lambda *args: str(folder))
    page.controls.open_button.click()


def _total_params(model_page):
    line, = [t for t in model_page.summary.toPlainText().splitlines() if "Total params" in t]
    return int(line.split(":")[1].split("(")[0].replace(",", ""))


def test_a_colour_folder_gives_the_model_an_rgb_input_and_trains(qtbot, window, colour_folder,
                                                                  monkeypatch):
    page, model_page = window.pages["training"], window.pages["model"]
    _choose_folder(page, colour_folder, monkeypatch)
    assert page.dataset.x_train.shape[1:] == (28, 28, 3)
    assert "28×28×3 (colour)" in page.controls.dataset_info.text()
    assert model_page.input_shape_box.shape() == (28, 28, 3)
    engine = guide_convnet(num_classes=2, input_shape=(28, 28, 3))
    # the guide's layers (10 outputs) on 28×28×3: 27 weights per first filter instead of 9
    expected = guide_convnet(input_shape=(28, 28, 3)).count_params()
    assert _total_params(model_page) == expected == 34_826 + 32 * 9 * 2
    assert page.model.input_shape == (28, 28, 3) and page.model.count_params() == expected
    assert engine.count_params() != expected        # the class count is still the user's call
    assert model_page.undo_stack.undoText() == "Input of flags: 28×28×3"
    # the receptive field is drawn on a colour photo for a colour input
    shown = model_page.field._input.image
    assert shown.shape == (28, 28, 3) and (shown[..., 0] != shown[..., 1]).any()
    # two classes, ten outputs: the page says what to change, then it trains after the change
    assert "2 classes" in page.controls.message.text()
    specs = model_page.specs
    specs[-1]["units"] = 2
    model_page.set_specs(specs)
    page.new_model()
    assert page.feed.enabled and page.model.count_params() == engine.count_params()
    page.controls.batch_size.setValue(8)
    page.train_batches(3)
    assert page.latest is not None and page.latest.images_seen == 24
    assert np.isfinite(page.latest.loss) and page.latest.images_per_second > 0
    print(f"colour folder 28×28×3: {page.latest.images_per_second:.0f} images/s")

    # the first conv layer's filters are 3×3×3: each drawn as its R, G, B slices
    assert page.views.filters1.filters.shape == (32, 3, 3, 3)
    assert page.views.filters1.title() == ("First conv layer: 32 filters 3×3×3 as R | G | B slices "
                                           "(click one)")
    assert page.views.detail.title.text() == "Filter 1: R | G | B slices"
    cells, kernel = page.views.detail.heat.values(), page.model.get_weights()[0][..., 0]
    assert cells.shape == (3, 11) and np.isnan(cells[:, [3, 7]]).all()   # slices apart
    for k in range(3):
        np.testing.assert_allclose(cells[:, 4 * k:4 * k + 3], np.round(kernel[:, :, k], 3))


def test_colour_previews_are_drawn_in_colour(qtbot, window, colour_folder, monkeypatch):
    page = window.pages["training"]
    _choose_folder(page, colour_folder, monkeypatch)
    grid = page.views.predictions
    qtbot.waitUntil(lambda: len(grid.images) > 0)
    shot = grid.grab().toImage()
    ratio = shot.width() / grid.width()
    for i in range(len(grid.images)):
        centre = grid._cell(i).adjusted(2, 2, -2, 0)
        point = QPoint(int((centre.x() + centre.width() / 2) * ratio),
                       int((centre.y() + centre.width() / 2) * ratio))
        pixel = shot.pixelColor(point)
        label = grid.class_names[int(grid.true[i])]
        assert pixel.red() != pixel.green()
        assert (pixel.red() > pixel.blue()) == (label == "red"), label
    # the input beside the feature maps: the picture in colour, not three viridis planes
    maps = page.views.feature_maps
    name, shown = maps.shown[0]
    assert name == "input" and shown.shape == (28, 28, 3)
    shot = maps.map_centre(0, 0)[0].grab().toImage()     # lays the hidden page out first
    view, centre = maps.map_centre(0, 0)
    pixel = shot.pixelColor(centre)
    assert pixel.red() != pixel.green()


def test_convert_to_grey_gives_one_channel_and_undo_brings_colour_back(qtbot, window,
                                                                        colour_folder,
                                                                        monkeypatch):
    page, model_page = window.pages["training"], window.pages["model"]
    _choose_folder(page, colour_folder, monkeypatch)
    box = page.controls.grey
    assert not box.isChecked() and "grey" in box.toolTip()
    qtbot.mouseClick(box, Qt.LeftButton, pos=QPoint(8, box.height() // 2))  # on its box
    assert page.state.grey and page.dataset.x_train.shape[1:] == (28, 28)
    assert model_page.input_shape_box.shape() == (28, 28, 1)
    assert _total_params(model_page) == 34_826
    assert page.model.input_shape == (28, 28, 1)
    assert "28×28×1 (grey)" in page.controls.dataset_info.text()
    # on grey data the grid draws grey pixels, as before
    grid = page.views.predictions
    pixel = grid.grab().toImage().pixelColor(grid._cell(0).center().toPoint())
    assert pixel.red() == pixel.green() == pixel.blue()
    assert page.undo_stack.undoText() == "Convert to grey: on"
    page.undo_stack.undo()
    assert not box.isChecked() and page.dataset.x_train.shape[1:] == (28, 28, 3)
    assert model_page.input_shape_box.shape() == (28, 28, 3)


def test_cifar10_downloads_from_the_menu_and_trains_on_32x32x3(qtbot, window, mirror, tmp_path,
                                                               monkeypatch):
    url, _, _ = mirror
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real = catalog.download
    monkeypatch.setattr(catalog, "download",
                        lambda name, **kw: real(name, base_url=url, **kw))
    page, model_page = window.pages["training"], window.pages["model"]
    menu = page.datasets.download_menu()
    entry, = [a for a in menu.actions() if a.data() == "cifar-10"]
    assert entry.text() == "CIFAR-10 (colour, 1 MB)"     # the size of the archive served here
    entry.trigger()
    assert page.controls.download_bar.isVisible() and page.controls.cancel_download.isVisible()
    qtbot.waitUntil(lambda: not page.datasets.downloading, timeout=20000)
    assert page.dataset.title == "CIFAR-10"
    assert not page.controls.download_bar.isVisible()
    assert page.controls.message.text() == "Downloaded CIFAR-10."
    assert page.dataset.x_train.shape[1:] == (32, 32, 3)
    assert model_page.input_shape_box.shape() == (32, 32, 3)
    expected = guide_convnet(input_shape=(32, 32, 3)).count_params()
    assert _total_params(model_page) == page.model.count_params() == expected
    print(f"guide model on 32×32×3: {expected:,} parameters")
    page.controls.batch_size.setValue(32)
    page.train_batches(2)
    assert page.latest.images_seen == 64 and np.isfinite(page.latest.loss)
    print(f"CIFAR-10 32×32×3: {page.latest.images_per_second:.0f} images/s")


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_colour_filters_start_under_their_title_at_both_sizes(qtbot, colour_folder, monkeypatch,
                                                              size):
    # at 1024×700 a 3-slice tile is wider than the column: drawn smaller, it was centred in a
    # plot as high as at full size, below what the filters' scroll area shows
    window, page = training_window(qtbot, size, ("model", "training"))
    _choose_folder(page, colour_folder, monkeypatch)
    qtbot.waitUntil(lambda: window.width() == size[0], timeout=2000)
    grid, scroll = page.views.filters1, page.views.filters_scroll
    qtbot.waitUntil(lambda: scroll.viewport().rect().contains(
        grid.plot.mapTo(scroll.viewport(), grid.tile_centre(0))), timeout=2000)
    assert grid.px_per_weight() >= 12
    qtbot.waitUntil(lambda: outside_their_parents(page) == [], timeout=2000)   # laid out
    model_page = window.show_page("model")
    assert model_page.input_shape_box.shape() == (28, 28, 3)
    assert outside_their_parents(model_page) == []


def test_convert_to_grey_comes_back_in_a_new_window(qtbot, colour_folder, monkeypatch):
    def new_window():
        window = MainWindow(pages=["model", "training"], restore_settings=True)
        qtbot.addWidget(window)
        window.pages["training"].ask_to_save = False
        return window

    window = new_window()
    page = window.pages["training"]
    _choose_folder(page, colour_folder, monkeypatch)
    page.controls.grey.click()
    window.close()
    again = new_window()
    page, model_page = again.pages["training"], again.pages["model"]
    assert page.controls.grey.isChecked() and page.dataset.x_train.shape[1:] == (28, 28)
    assert model_page.input_shape_box.shape() == (28, 28, 1)
    page.controls.grey.click()       # later windows of this test run start as by default
    page.datasets.sigChosen.emit(catalog.BUNDLED)
    again.close()


def test_a_trained_model_stays_and_new_model_takes_the_colour_input(qtbot, window, colour_folder,
                                                                     monkeypatch):
    page, model_page = window.pages["training"], window.pages["model"]
    page.controls.batch_size.setValue(32)
    page.train_batches(1)
    trained = page.model
    _choose_folder(page, colour_folder, monkeypatch)
    assert page.model is trained and model_page.input_shape_box.shape() == (28, 28, 3)
    assert page.controls.message.text() == (
        "The model takes grey images but flags has colour images (3 channels: R, G, B): the "
        "Model page takes them now: press New model to train it (this model is kept until then).")
    assert page.views.predictions.predicted is None        # the data, without predictions
    page.controls.new_button.click()
    assert page.model.input_shape == (28, 28, 3)
    assert "2 classes" in page.controls.message.text()      # the next thing to change
    page.undo_stack.undo()                                  # the trained model comes back
    assert page.model is trained


def test_a_model_page_built_after_the_colour_data_takes_its_shape(qtbot, colour_folder,
                                                                   monkeypatch):
    # the app builds pages when first shown: the Training page trained the grey guide model on
    # colour data, and the Model page came up 28×28×1 until the Training page was shown again
    window = MainWindow(pages=["training", "model"], restore_settings=False, lazy=True)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("training")
    page.ask_to_save = False
    assert "model" not in window.pages
    _choose_folder(page, colour_folder, monkeypatch)
    assert page.model.input_shape == (28, 28, 3)
    model_page = window.show_page("model")
    assert model_page.input_shape_box.shape() == (28, 28, 3)
    assert _total_params(model_page) == page.model.count_params()
    window.show_page("training")
    assert page.slot.key == model_page.architecture_key()
