"""Inside your trained layer, driven as a student would: the Training page's model (published in
the window's ``shared_model``), a conv layer, a filter and a test image, then a click on an
output cell."""

from types import SimpleNamespace

import numpy as np
import pytest
from explorer_helpers import choose, grid_pixel, shown
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from cnn_explorer.core.formulas import number
from cnn_explorer.gui.pages.channels.channels_page import ChannelsPage
from cnn_explorer.gui.pages.channels.inside_view import NO_MODEL
from cnn_explorer.gui.pages.shared_model import SharedModel
from cnn_explorer.nn.guide_model import guide_convnet


class Window(QWidget):
    """Stands in for the main window: its ``shared_model`` holds the ``training`` model and data."""

    def __init__(self, training):
        super().__init__()
        self.shared_model = SharedModel(self)
        self.shared_model.publish(training.model, training.dataset)
        self.channels = ChannelsPage()
        QVBoxLayout(self).addWidget(self.channels)


@pytest.fixture
def training():
    rng = np.random.default_rng(8)
    model = guide_convnet()
    model.set_weights([w + rng.normal(0, 0.05, w.shape) for w in model.get_weights()])
    images = rng.integers(0, 256, (12, 28, 28), dtype=np.uint8)
    return SimpleNamespace(model=model, dataset=SimpleNamespace(x_test=images), running=False)


@pytest.fixture
def window(qtbot, training):
    window = Window(training)
    qtbot.addWidget(window)
    window.resize(1280, 820)
    window.show()
    qtbot.waitExposed(window)
    return window


def click_map(qtbot, heat_map, row, col):
    qtbot.mouseClick(heat_map.view, Qt.LeftButton,
                     pos=grid_pixel(heat_map, col + 0.5, row + 0.5))


def test_second_layer_filter_image_and_a_clicked_cell(qtbot, window, training):
    page = window.channels
    page.tabs.setCurrentIndex(2)
    view = page.inside
    assert page.state.mode == "inside" and "2 conv layer(s)" in view.status.text()
    model = training.model
    second = model.layers[2]
    choose(view.layer, second.name)
    view.filter.setValue(5)
    view.image.setValue(3)
    assert (page.state.inside_layer, page.state.inside_filter, page.state.inside_image) == (2, 4, 2)
    engine = [out[0] for _, out in model.activations(training.dataset.x_test[2:3])]
    # the maps on screen are the engine's: ReLU output and the pooling after it
    np.testing.assert_array_equal(shown(view.activated), engine[2][..., 4])
    np.testing.assert_array_equal(shown(view.pooled), engine[3][..., 4])
    np.testing.assert_array_equal(shown(view.inputs.maps[0])[0:13, 0:13], engine[1][..., 0])
    assert [m.title.text() for m in view.inputs.maps if m.isVisible()][:2] == ["map 1", "map 2"]
    np.testing.assert_array_equal(shown(view.slices.maps[1]), second.weights[0][..., 1, 4])
    click_map(qtbot, view.summed, 4, 6)
    step = view.view.plan.step(view.stepper.step())
    assert step.index == (4, 6, 0) and len(step.partials) == 32
    z = view.view.summed[4, 6]
    assert abs(step.total - z) < 1e-5
    assert f"= <b>{number(step.total)}</b> (engine: {number(float(z))})" in view.formula.text()
    assert "partial sums of 32 maps" in view.formula.text()
    assert sorted(view.inputs.maps[0].window_cells()) == [(r, c) for r in range(4, 7)
                                                          for c in range(6, 9)]
    # later maps a spin away
    view.channel.setValue(27)
    assert [m.title.text() for m in view.inputs.maps if m.isVisible()][-1] == "map 32"


def test_look_again_reads_the_new_weights(qtbot, window, training):
    page = window.channels
    page.tabs.setCurrentIndex(2)
    view = page.inside
    before = shown(view.slices.maps[0]).copy()
    weights = training.model.get_weights()
    weights[0] = weights[0] * 2
    training.model.set_weights(weights)
    qtbot.mouseClick(view.refresh_button, Qt.LeftButton)
    np.testing.assert_allclose(shown(view.slices.maps[0]), 2 * before, rtol=1e-6)


def test_without_a_model_it_says_what_to_do(qtbot):
    host = Window(SimpleNamespace(model=None, dataset=None))
    qtbot.addWidget(host)
    host.show()
    host.channels.tabs.setCurrentIndex(2)
    assert host.channels.inside.status.text() == NO_MODEL
