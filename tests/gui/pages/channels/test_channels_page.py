"""The Channels page driven as a student would: a photo and a preset, a typed slice value,
stepping, the partial sums and the value shown, filters, undo, the 3D volume and clicks."""

import numpy as np
import pytest
from explorer_helpers import choose, forward, grid_pixel, open_page, shown, type_into
from PySide6.QtCore import Qt

from cnn_explorer.core import conv3d, ops
from cnn_explorer.core.formulas import number
from cnn_explorer.data import photos
from cnn_explorer.gui.pages.channels.channels_page import ChannelsPage


@pytest.fixture
def page(qtbot):
    return open_page(qtbot, ChannelsPage)


def click_map(qtbot, heat_map, row, col):
    """A left click on cell (row, col) of a HeatMap."""
    qtbot.mouseClick(heat_map.view, Qt.LeftButton,
                     pos=grid_pixel(heat_map, col + 0.5, row + 0.5))


def _pixels(name, size):
    return photos.load_photo(name, size) / 255.0


def test_photo_preset_typed_slice_and_steps_show_partials_and_value(qtbot, page):
    view = page.rgb
    choose(view.controls.photo, "chelsea")
    choose(view.controls.photo_size, "12 pixels")
    choose(view.controls.preset, "red minus green")
    image = _pixels("chelsea", 12)
    assert page.state.source == "chelsea" and page.state.image.shape == (8, 12, 3)
    np.testing.assert_array_equal(view.planes[0].values()[1:-1, 1:-1], image[..., 0])
    # the green slice's centre: -1 -> -0.5 (typed), then the blue slice's centre: 0.25
    type_into(qtbot, view.slices.editors[1], 1, 1, "-0.5")
    type_into(qtbot, view.slices.editors[2], 1, 1, "0.25")
    assert view.controls.preset.currentText() == "(typed)"
    assert page.state.weights[1, 1, :, 0].tolist() == [1.0, -0.5, 0.25]
    view.stepper.to_start()
    forward(qtbot, view, 13)                 # output [1, 1]: the pixel at (1, 1)
    step = view.current_step()
    assert step.index == (1, 1, 0)
    r, g, b = image[1, 1]
    assert step.partials.tolist() == [r, -0.5 * g, 0.25 * b]
    assert step.total == ((r + -0.5 * g) + 0.25 * b) + 0.0
    # what the student reads: each partial sum over its products, the value, the ReLU
    assert view.products[1].title.text() == f"= products, sum {number(-0.5 * g)}"
    assert f"= <b>{number(step.total)}</b>" in view.formula.text()
    assert f"ReLU {number(max(step.total, 0))}" in view.formula.text()
    # the window is marked on each plane, around padded cell (2, 2)
    assert sorted(view.planes[2].window_cells()) == [(r_, c_) for r_ in range(1, 4)
                                                     for c_ in range(1, 4)]
    out = shown(view.outputs.maps[0])
    assert out[1, 1] == step.total and np.isnan(out[1, 2]) and not np.isnan(out[0, 5])


def test_bias_and_relu_map(qtbot, page):
    view = page.rgb
    choose(view.controls.preset, "luminance")
    view.controls.bias.setValue(-0.5)
    assert page.state.bias.tolist() == [-0.5]
    view.stepper.to_end()
    step = view.current_step()
    assert step.bias == -0.5 and f"+ bias {'(-0.5)'}" in view.sum_label.text()
    relu = shown(view.outputs.maps[1])
    np.testing.assert_array_equal(relu, np.maximum(view.plans[0].output[..., 0], 0))
    assert "ReLU of filter 1" in view.outputs.maps[1].title.text()


def test_add_filters_for_several_feature_maps_and_undo(qtbot, page):
    view = page.rgb
    choose(view.controls.preset, "per-channel Sobel")
    qtbot.mouseClick(view.controls.add_button, Qt.LeftButton)
    choose(view.controls.preset, "luminance")
    assert page.state.n_filters == 2 and page.state.selected == 1
    maps = [m for m in view.outputs.maps if m.isVisible()]
    assert len(maps) == 3                         # two feature maps and a ReLU
    want = ops.conv2d_multi(page.state.image, page.state.weights, padding="same")
    np.testing.assert_array_equal(shown(maps[0]), want[..., 0])
    assert maps[1].title.text().startswith("▶ Filter 2")
    page.undo_stack.undo()                         # the preset
    page.undo_stack.undo()                         # the added filter
    assert page.state.n_filters == 1
    assert view.controls.preset.currentText() == "per-channel Sobel"
    assert not view.outputs.maps[2].isVisible()


def test_click_an_output_cell_steps_to_it(qtbot, page):
    view = page.rgb
    choose(view.controls.photo_size, "12 pixels")
    click_map(qtbot, view.outputs.maps[0], 2, 3)
    assert view.current_step().index == (2, 3, 0)
    assert "[2, 3]" in view.formula.text()


def test_the_full_photo_is_shown_as_an_image(qtbot, page):
    view = page.rgb
    choose(view.controls.photo_size, "as it is")
    assert page.state.image.shape == (512, 512, 3)
    assert view.planes[0].values().shape == (514, 514)
    assert view.stepper.step() == view.stepper.count() - 1     # opens on the finished map
    assert view.photo_view.image.image.shape == (512, 512, 3)


def test_a_refused_value_keeps_the_state_and_says_why(qtbot, page):
    before = page.state
    page.try_edit("stride", changes={"stride": 9})
    assert page.state == before and "stride must be 1 to 4" in page.message.text()
    view = page.rgb
    view.load(str(photos.photo_path("chelsea")) + ".missing", 12)
    assert "does not exist" in page.message.text()


def test_volume_mode_marks_the_window_on_each_slice_and_fills_in(qtbot, page):
    page.tabs.setCurrentIndex(1)
    view = page.volume
    assert page.state.mode == "3d"
    choose(view.volume, "cube")
    view.side.setValue(4)
    choose(view.preset, "box mean")
    type_into(qtbot, view.slices.editors[1], 1, 1, "1")
    kernel = np.full((3, 3, 3), 1 / 27)
    kernel[1, 1, 1] = 1
    np.testing.assert_array_equal(page.state.kernel3d, kernel)
    volume = conv3d.volume("cube", 4)
    want = ops.conv3d(volume, kernel, padding="same")
    assert len([m for m in view.inputs.maps if m.isVisible()]) == 6      # 4 + 2 pad slices
    forward(qtbot, view, 16 + 5)                                          # output [1, 1, 1]
    step = view.current_step()
    assert step.index == (1, 1, 1) and step.value == want[1, 1, 1]
    # the cube's window covers padded depths 1-3: marked on those three slices only
    marked = [d for d, m in enumerate(view.inputs.maps[:6]) if m.window_cells()]
    assert marked == [1, 2, 3]
    assert sorted(view.inputs.maps[2].window_cells()) == [(r, c) for r in range(1, 4)
                                                          for c in range(1, 4)]
    out = [shown(m) for m in view.outputs.maps[:4]]
    np.testing.assert_array_equal(out[0], want[0])                        # slice 0 filled
    assert out[1][1, 1] == want[1, 1, 1] and np.isnan(out[1][1, 2]) and np.isnan(out[2]).all()
    assert "Output [1, 1, 1]" in view.formula.text()
    click_map(qtbot, view.outputs.maps[3], 0, 2)
    assert view.current_step().index == (3, 0, 2)
    page.undo_stack.undo()                                                # the typed 1
    assert view.preset.currentText() == "box mean"


def test_a_typed_weight_on_a_large_grey_image_shows_the_exact_value(qtbot, page, tmp_path):
    """A 1300×1100 grey picture (three equal planes): more cells than the maps have pixels, so
    they are drawn one in 2×2 and say so; a typed weight redraws the map and the stepped value
    is the exact one, for the cell the student clicks."""
    from PIL import Image
    grey = np.random.default_rng(7).integers(0, 256, (1300, 1100), dtype=np.uint8)
    path = tmp_path / "grey.png"
    Image.fromarray(grey).save(path)
    view = page.rgb
    view.load(str(path), 0)
    assert page.state.image.shape == (1300, 1100, 3)
    type_into(qtbot, view.slices.editors[0], 0, 2, "0.75")       # red slice, top right
    assert page.state.weights[0, 2, 0, 0] == 0.75
    want = ops.conv2d_multi(grey[..., None].repeat(3, axis=2) / 255.0, page.state.weights,
                            padding="same")[..., 0]
    out = view.outputs.maps[0]
    np.testing.assert_array_equal(shown(out), want)
    assert out.title.text() == "▶ Filter 1 (sum + bias) · 1 cell in 2×2 drawn"
    assert out.pixels().shape == (650, 550)
    view.stepper.set_step(view.plans[0].step_number((1201, 1001, 0)))
    step = view.current_step()
    assert step.index == (1201, 1001, 0) and step.total == want[1201, 1001]
    assert f"= <b>{number(want[1201, 1001])}</b>" in view.formula.text()
    assert "[1201, 1001]" in view.formula.text()
    np.testing.assert_array_equal(shown(view.outputs.maps[1]), np.maximum(want, 0))


def test_an_opened_picture_is_named_in_the_photo_box_and_undo_names_the_photo_again(
        qtbot, page, tmp_path):
    # the box went on saying "astronaut" over the opened file's planes
    from PIL import Image
    path = tmp_path / "my cat.png"
    Image.fromarray(np.zeros((30, 40, 3), np.uint8)).save(path)
    view = page.rgb
    before = view.controls.photo.currentText()
    view.load(str(path), 24)
    box = view.controls.photo
    assert box.currentText() == "my cat.png" and box.currentData() == str(path)
    page.undo_stack.undo()
    assert box.currentText() == before and page.state.source == before
    box.setCurrentIndex(box.findText("my cat.png"))
    box.activated.emit(box.currentIndex())                # chosen again from the box
    assert page.state.source == str(path) and box.currentText() == "my cat.png"
