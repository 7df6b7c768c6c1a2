"""The Convolution 1D page, driven as a student would: the guide's derivative example, typed
kernel values, presets, padding, stepping, the formula, plots, undo/redo, bad input, hovering."""

import numpy as np
import pytest
from explorer_helpers import (choose, click_cell, forward, hover, open_page, paste_into, shown,
                              type_into)
from PySide6.QtCore import Qt

from cnn_explorer.core import kernels, ops
from cnn_explorer.gui.pages.convolution.conv1d_page import Conv1DPage

GUIDE = np.asarray(kernels.GUIDE_SIGNAL_1D, dtype=float)


@pytest.fixture
def page(qtbot):
    return open_page(qtbot, Conv1DPage)


def test_starts_on_the_guides_derivative_with_one_zero_padded_on_the_left(page):
    np.testing.assert_array_equal(GUIDE, [0, 0, 1, 1, 1, 0, 0])
    assert page.kernel_panel.preset.currentText() == "derivative [-1, 1]"
    assert page.anchor() == (1,)
    assert page.input_map.title.text() == "Signal, 7 values + padding 1 left, 0 right (zeros)"
    np.testing.assert_array_equal(shown(page.input_map), [[0, 0, 0, 1, 1, 1, 0, 0]])
    # the first step multiplies the pad with -1 and the first element with 1: the guide's 0
    assert page.formula.text() == "<b>Output[0]</b> = (-1)·0 + 1·0 = 0"
    page.stepper.to_end()
    np.testing.assert_array_equal(shown(page.output_map), [[0, 0, 1, 0, 0, -1, 0]])
    # the plot shows the signal and the derivative written under the kernel's centre
    xs, ys = page.output_curve.getData()
    np.testing.assert_array_equal(xs, np.arange(7))
    np.testing.assert_array_equal(ys, [0, 0, 1, 0, 0, -1, 0])


def test_three_steps_write_three_more_cells_and_the_formula_under_the_window(qtbot, page):
    forward(qtbot, page, 3)
    out = shown(page.output_map)[0]
    np.testing.assert_array_equal(out[:4], [0, 0, 1, 0])
    assert np.isnan(out[4:]).all()
    assert page.formula.text() == "<b>Output[3]</b> = (-1)·1 + 1·1 = 0"
    assert page.input_map.window_cells() == [(0, 3), (0, 4)]
    kernel_row = shown(page.kernel_map)[0]
    np.testing.assert_array_equal(kernel_row[3:5], [-1, 1])
    assert np.isnan(kernel_row[:3]).all() and np.isnan(kernel_row[5:]).all()
    np.testing.assert_array_equal(shown(page.products_map)[0, 3:5], [-1, 1])
    xs, _ = page.output_curve.getData()
    assert len(xs) == 4                                      # the plot fills in with the output
    assert page.window_region.getRegion() == (1.5, 3.5)      # signal positions 2 and 3


def test_preset_typed_value_and_valid_padding(qtbot, page):
    choose(page.data_panel.preset, "ramp")
    np.testing.assert_array_equal(page.data_panel.values()[:4], [0, 1, 2, 3])
    choose(page.kernel_panel.preset, "central difference [-1, 0, 1]")
    assert page.anchor() == (1,)                             # a new size: the middle again
    type_into(qtbot, page.kernel_panel.editor, 0, 1, "0.5")
    np.testing.assert_array_equal(page.kernel_panel.values(), [-1, 0.5, 1])
    page.options.padding.setCurrentText("valid")
    forward(qtbot, page, 3)
    # ramp: out[i] = -i + 0.5·(i+1) + (i+2) = 0.5·i + 2.5
    out = shown(page.output_map)[0]
    assert out.shape == (10,)
    np.testing.assert_array_equal(out[:4], [2.5, 3, 3.5, 4])
    assert page.formula.text() == "<b>Output[3]</b> = (-1)·3 + 0.5·4 + 1·5 = 4"


def test_every_signal_preset_runs(page):
    for name in ("step", "ramp", "sine", "noise", "square pulse", "guide's signal"):
        choose(page.data_panel.preset, name)
        assert not page.message.isVisible()
        page.stepper.to_end()
        np.testing.assert_allclose(shown(page.output_map)[0], ops.conv1d(
            page.data_panel.values(), [-1, 1], padding="same", anchor=1), rtol=1e-6)


def test_stride_dilation_full_padding_reflect_and_flip(page):
    page.options.padding.setCurrentText("full")
    page.options.pad_mode.setCurrentText("replicate")
    page.options.stride[0].setValue(2)
    page.options.flip.setChecked(True)
    page.stepper.to_end()
    expected = ops.conv1d(GUIDE, [-1, 1], padding="full", pad_mode="replicate", stride=2,
                          anchor=1, flip=True)
    np.testing.assert_allclose(shown(page.output_map)[0], expected, rtol=1e-6)
    assert "flipped" in page.kernel_map.title.text()


def test_custom_padding_per_side(page):
    page.options.padding.setCurrentText("custom")
    page.options.custom[0].setValue(0)
    page.options.custom[1].setValue(3)
    assert page.input_map.title.text() == "Signal, 7 values + padding 0 left, 3 right (zeros)"
    assert shown(page.output_map).shape == (1, 9)


def test_undo_and_redo_a_signal_edit(qtbot, page):
    type_into(qtbot, page.data_panel.editor, 0, 0, "4")
    assert page.data_panel.values()[0] == 4
    page.stepper.to_end()
    assert shown(page.output_map)[0, 0] == 4
    page.undo_stack.undo()
    np.testing.assert_array_equal(page.data_panel.values(), GUIDE)
    assert page.data_panel.editor.item(0, 0).text() == "0"
    page.undo_stack.redo()
    assert page.data_panel.values()[0] == 4


@pytest.mark.parametrize("text", ["x", "NaN", ""])
def test_bad_signal_value_is_refused(qtbot, page, text):
    type_into(qtbot, page.data_panel.editor, 0, 2, text)
    assert page.data_panel.values()[2] == 1
    assert page.data_panel.editor.cell_is_marked_bad(0, 2)
    assert page.undo_stack.count() == 0
    assert page.message.isVisible() and page.message.text().endswith("; kept 1")
    type_into(qtbot, page.data_panel.editor, 0, 2, "5")        # the same cell, typed again
    assert page.data_panel.values()[2] == 5


def test_the_plot_legend_sits_beneath_the_plot(page):
    # inside the plot it covered the output curve (the screenshot's rising edge)
    assert page.plot.getPlotItem().legend is None
    assert page.plot_legend.geometry().top() >= page.plot.geometry().bottom()
    assert page.plot_legend.isVisible()
    text = page.plot_legend.text()
    assert "signal (input)" in text and "output (written at the kernel's centre)" in text


def test_a_pasted_column_becomes_the_signal(qtbot, page):
    paste_into(qtbot, page.data_panel.editor, "3\n1\n4\n1\n5")
    np.testing.assert_array_equal(page.data_panel.values(), [3, 1, 4, 1, 5])
    assert page.data_panel.size_spins[0].value() == 5
    assert page.undo_stack.undoText() == "Signal: paste"
    paste_into(qtbot, page.data_panel.editor, "1 2\n3 4")
    assert page.message.text() == ("Signal: nothing pasted: pasted 2×2 values, but the signal "
                                   "takes one row or one column of at most 64 numbers")
    paste_into(qtbot, page.data_panel.editor, "\n".join(["1"] * 500))      # a long column
    assert page.message.text() == ("Signal: nothing pasted: pasted 500×1 values, but the signal "
                                   "takes one row or one column of at most 64 numbers")
    np.testing.assert_array_equal(page.data_panel.values(), [3, 1, 4, 1, 5])


def test_a_kernel_longer_than_the_signal_says_why(qtbot, page):
    page.options.padding.setCurrentText("valid")
    page.data_panel.size_spins[0].setValue(3)
    page.kernel_panel.size_spins[0].setValue(5)
    assert "does not fit" in page.message.text()
    assert shown(page.output_map).shape == (1, 2)            # the last valid output stays


def test_ctrl_clicking_the_left_kernel_cell_moves_the_zeros_to_the_right(qtbot, page):
    click_cell(qtbot, page.kernel_panel.editor, 0, 0, Qt.ControlModifier)
    assert page.anchor() == (0,)
    assert page.input_map.title.text() == "Signal, 7 values + padding 0 left, 1 right (zeros)"


def test_hover_links_output_and_signal_cells(qtbot, page):
    page.stepper.to_end()
    hover(qtbot, page.output_map, 0, 2)
    assert page.input_map.hover_cells() == [(0, 2), (0, 3)]
    assert page.formula.text() == "<b>Output[2]</b> = (-1)·0 + 1·1 = 1"
    hover(qtbot, page.input_map, 0, 3)
    assert page.output_map.hover_cells() == [(0, 2), (0, 3)]
    hover(qtbot, page.input_map, 0, 0)
    assert "pad cell" in page.hover_info.text()


def test_the_strips_cells_line_up(page, qtbot):
    # a wrapping title kept room for a second line in "Products (summed in the formula below)"
    # and its cells came out smaller than the signal's and the kernel's above them
    page.resize(930, 700)
    strips = (page.input_map, page.kernel_map, page.products_map, page.output_map)
    qtbot.waitUntil(lambda: all(s.view.height() > 0 for s in strips))
    assert len({s.view.height() for s in strips}) == 1
    assert len({s.title.height() for s in strips}) == 1
