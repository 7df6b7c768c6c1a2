"""The Convolution 2D page, driven as a student would: presets, typed kernel values, padding,
stepping, the formula, undo/redo, bad input, hovering, images and the output for pooling."""

import numpy as np
import pytest
from explorer_helpers import (choose, click_cell, forward, hover, open_page, paste_into, shown,
                              type_into)
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QImageReader, QKeySequence, QPainter
from PySide6.QtWidgets import QApplication

from cnn_explorer.core import kernels, ops
from cnn_explorer.gui.pages.convolution.conv2d_page import Conv2DPage

EDGE = np.asarray(kernels.GUIDE_EDGE_IMAGE, dtype=float)   # 6×6: three 0 columns | three 1 columns


@pytest.fixture
def page(qtbot):
    return open_page(qtbot, Conv2DPage)


def test_starts_on_the_guides_example_prewitt_x_on_a_vertical_edge(page):
    assert page.data_panel.preset.currentText() == "guide's vertical edge"
    assert page.kernel_panel.preset.currentText() == "prewitt x"
    page.stepper.to_end()
    # same padding: the edge lights up in columns 2-3 (3 full rows, 2 at the top and bottom)
    np.testing.assert_array_equal(shown(page.output_map), [
        [0, 0, 2, 2, 0, -2],
        [0, 0, 3, 3, 0, -3],
        [0, 0, 3, 3, 0, -3],
        [0, 0, 3, 3, 0, -3],
        [0, 0, 3, 3, 0, -3],
        [0, 0, 2, 2, 0, -2]])
    assert "Input 6×6 + padding 1,1 (top, bottom), 1,1 (left, right) = 8×8" in \
        page.input_map.title.text()


def test_typed_kernel_value_valid_padding_and_three_steps_show_cells_and_formula(qtbot, page):
    choose(page.kernel_panel.preset, "sobel x")
    np.testing.assert_array_equal(page.kernel_panel.values(), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    type_into(qtbot, page.kernel_panel.editor, 1, 0, "-1")
    type_into(qtbot, page.kernel_panel.editor, 1, 2, "2")
    page.options.padding.setCurrentText("valid")
    forward(qtbot, page, 3)

    assert page.stepper.label.text() == "Step 4 / 16"
    out = shown(page.output_map)
    assert out.shape == (4, 4)
    # every row of the edge image is 0 0 0 1 1 1: out[i, j] = 4·x[j+2] − 3·x[j]
    np.testing.assert_array_equal(out[0], [0, 4, 4, 1])
    assert np.isnan(out[1:]).all()
    assert page.formula.text() == ("<b>Output[0, 3]</b> = (-1)·1 + 0·1 + 1·1 + (-1)·1 + 0·1 + 2·1"
                                   " + (-1)·1 + 0·1 + 1·1 = 1")
    # the window sits on padded rows 0-2, columns 3-5, its centre in the middle
    assert sorted(page.input_map.window_cells()) == [(r, c) for r in range(3) for c in range(3, 6)]
    np.testing.assert_array_equal(shown(page.products_map), [[-1, 0, 1], [-1, 0, 2], [-1, 0, 1]])


def test_stepping_back_and_the_keyboard(qtbot, page):
    page.setFocus()
    for _ in range(3):
        qtbot.keyClick(page, Qt.Key_Right)
    assert page.stepper.step() == 3
    qtbot.keyClick(page, Qt.Key_Left)
    assert page.stepper.step() == 2
    assert np.isnan(shown(page.output_map).ravel()[3:]).all()
    qtbot.keyClick(page, Qt.Key_End)
    assert not np.isnan(shown(page.output_map)).any()
    qtbot.keyClick(page, Qt.Key_Home)
    assert np.isnan(shown(page.output_map).ravel()[1:]).all()
    page.stepper.set_speed(60)
    with qtbot.waitSignal(page.stepper.sigPlayingChanged, timeout=3000) as started:
        qtbot.keyClick(page, Qt.Key_Space)
    assert started.args == [True]
    qtbot.waitUntil(lambda: page.stepper.step() == 35, timeout=5000)
    assert not page.stepper.is_playing()


def test_kernel_edits_undo_and_redo(qtbot, page):
    type_into(qtbot, page.kernel_panel.editor, 0, 0, "5")
    assert page.kernel_panel.values()[0, 0] == 5
    assert page.undo_stack.undoText() == "Kernel: edit a value"
    page.stepper.to_end()
    edited = shown(page.output_map).copy()
    page.undo_stack.undo()
    assert page.kernel_panel.values()[0, 0] == -1
    assert page.kernel_panel.editor.item(0, 0).text() == "-1"
    assert page.kernel_panel.preset.currentText() == "prewitt x"
    page.stepper.to_end()
    np.testing.assert_array_equal(shown(page.output_map)[0], [0, 0, 2, 2, 0, -2])
    page.undo_stack.redo()
    page.stepper.to_end()
    np.testing.assert_array_equal(shown(page.output_map), edited)


def test_presets_and_resizes_are_undoable_data_edits(qtbot, page):
    choose(page.data_panel.preset, "checkerboard")
    np.testing.assert_array_equal(page.data_panel.values()[:2, :4], [[0, 0, 1, 1], [0, 0, 1, 1]])
    page.data_panel.size_spins[1].setValue(3)
    assert page.data_panel.values().shape == (8, 3)
    page.undo_stack.undo()
    page.undo_stack.undo()
    np.testing.assert_array_equal(page.data_panel.values(), EDGE)


@pytest.mark.parametrize("text", ["abc", "nan", "", "inf"])
def test_bad_input_marks_the_cell_and_keeps_the_previous_value(qtbot, page, text):
    editor = page.kernel_panel.editor
    type_into(qtbot, editor, 0, 2, text)
    assert page.kernel_panel.values()[0, 2] == 1
    assert editor.item(0, 2).text() == "1"
    assert editor.cell_is_marked_bad(0, 2)
    assert "kept 1" in editor.item(0, 2).toolTip()
    assert page.undo_stack.count() == 0
    # said below the views too, not only in the cell's tooltip; a good edit clears it
    assert page.message.isVisible() and page.message.text().startswith("Kernel: ")
    assert page.message.text().endswith("; kept 1")
    type_into(qtbot, editor, 0, 2, "2")
    assert not page.message.isVisible()


def test_a_number_too_large_for_a_cell_is_a_message_and_the_last_output_stays(qtbot, page):
    # 1e308 used to be accepted: its sums overflowed and the plots' ranges became NaN
    page.stepper.to_end()
    before, kernel = shown(page.output_map).copy(), page.kernel_panel.values().copy()
    type_into(qtbot, page.kernel_panel.editor, 0, 0, "1e308")
    assert "a cell holds numbers from -1e15 to 1e15" in page.message.text()
    np.testing.assert_array_equal(page.kernel_panel.values(), kernel)
    page.stepper.to_end()
    np.testing.assert_array_equal(shown(page.output_map), before)
    type_into(qtbot, page.kernel_panel.editor, 0, 0, "1e15")        # the largest is fine
    page.stepper.to_end()
    assert shown(page.output_map).max() >= 1e14
    page.grab()


def test_a_kernel_that_does_not_fit_is_refused_with_a_message(qtbot, page):
    page.options.padding.setCurrentText("valid")
    page.stepper.to_end()
    before = shown(page.output_map).copy()
    page.kernel_panel.size_spins[0].setValue(7)
    assert page.message.isVisible()
    assert "does not fit" in page.message.text()
    # the previous valid state stays, and the size box says so
    assert page.kernel_panel.values().shape == (3, 3)
    assert page.kernel_panel.size_spins[0].value() == 3
    assert page.undo_stack.undoText() == "Options: padding"
    np.testing.assert_array_equal(shown(page.output_map), before)


def test_pasting_a_kernel_from_a_paper_replaces_it_undoably_and_a_huge_one_is_refused(qtbot, page):
    paste_into(qtbot, page.kernel_panel.editor, "[[-1, -2, -1], [0, 0, 0], [1, 2, 1]]")
    np.testing.assert_array_equal(page.kernel_panel.values(), [[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
    assert page.kernel_panel.preset.currentText() == "sobel y"
    assert page.undo_stack.undoText() == "Kernel: paste"
    np.testing.assert_array_equal(page.plan.output, ops.conv2d(EDGE, page.kernel_panel.values(),
                                                               padding="same"))
    sobel = page.kernel_panel.values()
    paste_into(qtbot, page.kernel_panel.editor, "\n".join([" ".join(["1"] * 500)] * 500))
    assert page.message.text() == ("Kernel: nothing pasted: pasted 500×500 values, but the kernel "
                                   "can be at most 7×7")
    np.testing.assert_array_equal(page.kernel_panel.values(), sobel)
    paste_into(qtbot, page.kernel_panel.editor, "1 2\n3 abc")
    assert page.message.text() == "Kernel: nothing pasted: pasted row 2: “abc” is not a number"
    page.undo_stack.undo()
    assert page.kernel_panel.preset.currentText() == "prewitt x"
    assert not page.message.isVisible()


def test_typing_a_size_resizes_once_and_keeps_the_values(qtbot, page):
    # each keystroke resized: typing "12" first cropped the input to 1 row, losing rows 1-5
    spin = page.data_panel.size_spins[0]
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "12")
    qtbot.keyClick(spin, Qt.Key_Return)
    data = page.data_panel.values()
    assert data.shape == (12, 6)
    np.testing.assert_array_equal(data[:6], EDGE)
    assert not data[6:].any()
    assert page.undo_stack.count() == 1 and page.undo_stack.undoText() == "Input: resize"


def test_hovering_an_output_cell_outlines_its_window_and_back(qtbot, page):
    page.stepper.to_end()
    hover(qtbot, page.output_map, 1, 2)
    assert sorted(page.input_map.hover_cells()) == [(r, c) for r in range(1, 4) for c in range(2, 5)]
    assert page.formula.text().startswith("<b>Output[1, 2]</b> = ")
    hover(qtbot, page.input_map, 0, 0)                      # a corner pad cell: one window
    assert page.output_map.hover_cells() == [(0, 0)]
    assert "pad cell" in page.hover_info.text()
    hover(qtbot, page.input_map, 3, 3)                      # an inner cell: nine windows
    assert sorted(page.output_map.hover_cells()) == [(r, c) for r in range(1, 4)
                                                     for c in range(1, 4)]
    hover(qtbot, page.input_map, -1, -1)
    assert page.output_map.hover_cells() == []


def test_the_hovered_cell_links_again_after_an_edit_clears_the_hover(qtbot, page):
    # the mouse rests on output cell (1, 2) while Ctrl+Z (or a preset) rebuilds the plan: the
    # purple links go, and a small move inside that same cell used to bring nothing back
    hover(qtbot, page.output_map, 1, 2)
    choose(page.kernel_panel.preset, "sobel x")
    assert page.input_map.hover_cells() == [] and page.hover_info.text() == " "
    hover(qtbot, page.output_map, 1, 2)
    assert sorted(page.input_map.hover_cells()) == [(r, c) for r in range(1, 4) for c in range(2, 5)]
    assert page.formula.text().startswith("<b>Output[1, 2]</b> = ")
    hover(qtbot, page.input_map, 3, 3)
    page.undo_stack.undo()
    hover(qtbot, page.input_map, 3, 3)
    assert len(page.output_map.hover_cells()) == 9


def test_ctrl_z_in_a_spin_box_undoes_the_page_edit_as_the_edit_menu_says(qtbot, page):
    # the main window's Undo/Redo actions, with their shortcuts
    for key, make in ((QKeySequence.Undo, page.undo_stack.createUndoAction),
                      (QKeySequence("Ctrl+Shift+Z"), page.undo_stack.createRedoAction)):
        action = make(page)
        action.setShortcut(key)
        page.addAction(action)
    stride = page.options.stride[0]
    stride.setFocus()
    qtbot.keyClick(stride, Qt.Key_Up)                  # the spin box keeps the focus
    assert page.output_map.title.text() == "Output feature map 3×6"
    qtbot.keySequence(stride, QKeySequence.Undo)
    assert stride.value() == 1 and page.output_map.title.text() == "Output feature map 6×6"
    qtbot.keySequence(stride, QKeySequence("Ctrl+Shift+Z"))
    assert stride.value() == 2 and page.output_map.title.text() == "Output feature map 3×6"


def test_space_ticks_the_focused_check_box_and_plays_elsewhere(qtbot, page):
    page.activateWindow()                # shortcuts fire in the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=2000)
    flip = page.options.flip
    flip.setFocus()
    qtbot.keyClick(flip, Qt.Key_Space)       # it used to start playback and leave the box as it was
    assert flip.isChecked() and not page.stepper.is_playing()
    assert page.applied_map.title.text() == "× Kernel as applied (flipped)"
    page.stepper.scrubber.setFocus()
    with qtbot.waitSignal(page.stepper.sigPlayingChanged, timeout=2000) as started:
        qtbot.keyClick(page.stepper.scrubber, Qt.Key_Space)
    assert started.args == [True]


def test_ctrl_clicking_a_kernel_cell_moves_the_centre_and_same_padding_follows(qtbot, page):
    click_cell(qtbot, page.kernel_panel.editor, 0, 0, Qt.ControlModifier)
    assert page.anchor() == (0, 0)
    assert "row 0, column 0" in page.centre_label.text()
    assert page.plan.pads == ((0, 2), (0, 2))
    page.stepper.to_end()
    np.testing.assert_array_equal(shown(page.output_map)[0], [0, 2, 2, 1, -1, -2][:0] or
                                  ops.conv2d(EDGE, kernels.PRESETS["prewitt x"].values,
                                             padding="same", anchor=(0, 0))[0])


def test_options_per_axis_and_flip(page):
    page.options.stride[1].setValue(2)
    page.options.dilation[0].setValue(2)
    page.options.pad_mode.setCurrentText("replicate")
    page.options.flip.setChecked(True)
    page.stepper.to_end()
    expected = ops.conv2d(EDGE, kernels.PRESETS["prewitt x"].values, padding="same",
                          pad_mode="replicate", stride=(1, 2), dilation=(2, 1), flip=True)
    np.testing.assert_array_equal(shown(page.output_map), expected)
    assert page.applied_map.title.text() == "× Kernel as applied (flipped)"


def test_option_changes_are_undone_one_by_one_before_the_kernel(qtbot, page):
    type_into(qtbot, page.kernel_panel.editor, 0, 0, "5")
    page.options.stride[1].setValue(2)
    page.options.padding.setCurrentText("valid")
    assert page.plan.output_shape == (4, 2)
    # Ctrl+Z after a padding change used to undo the kernel edit made before it
    assert page.undo_stack.undoText() == "Options: padding"
    page.undo_stack.undo()
    assert page.options.padding.currentText() == "same" and page.plan.output_shape == (6, 3)
    page.undo_stack.undo()
    assert page.options.stride[1].value() == 1 and page.plan.output_shape == (6, 6)
    assert page.kernel_panel.values()[0, 0] == 5
    page.undo_stack.undo()
    assert page.kernel_panel.values()[0, 0] == -1
    page.undo_stack.redo()
    page.undo_stack.redo()
    assert page.options.stride[1].value() == 2 and page.plan.output_shape == (6, 3)


def test_output_goes_to_the_pooling_page(qtbot, page):
    with qtbot.waitSignal(page.sigOutputChanged) as blocker:
        choose(page.data_panel.preset, "diagonal line")
    np.testing.assert_array_equal(blocker.args[0], page.current_output())
    assert page.current_output().shape == (8, 8)


def test_a_large_image_is_shown_as_a_picture_not_a_table(qtbot, page, tmp_path):
    image = QImage(48, 40, QImage.Format_Grayscale8)
    image.fill(0)
    for x in range(24, 48):
        for y in range(40):
            image.setPixel(x, y, 0xFFFFFFFF)
    path = tmp_path / "half.png"
    assert image.save(str(path))
    page.load_image(str(path))
    assert page.data_panel.values().shape == (40, 48)
    assert page.data_panel.editor.isHidden() and not page.data_panel.too_large.isHidden()
    page.stepper.to_end()
    out = shown(page.output_map)
    assert out.shape == (40, 48)
    assert out[10, 23] == 3 and out[10, 24] == 3 and out[10, 10] == 0
    page.undo_stack.undo()
    np.testing.assert_array_equal(page.data_panel.values(), EDGE)


def test_a_long_grid_title_wraps_instead_of_widening_the_page(qtbot, page):
    page.resize(1024, 680)
    page.set_data(np.zeros((512, 512)))
    page.options.padding.setCurrentText("custom")
    for side in page.options.custom:
        side.setValue(20)
    title = page.input_map.title
    assert title.text() == ("Input 512×512 + padding 20,20 (top, bottom), 20,20 (left, right) "
                            "= 552×552")
    # on one line it made the page 1141 pixels wide: a 1024-pixel screen cut its right side off
    assert page.minimumSizeHint().width() <= 1024
    qtbot.waitUntil(lambda: title.height() >= title.heightForWidth(title.width()), timeout=2000)


def test_an_unreadable_image_file_is_a_message(page, tmp_path):
    bad = tmp_path / "not-an-image.png"
    bad.write_text("hello")
    page.load_image(str(bad))
    assert "could not read an image" in page.message.text()


def picture(path, size, image_format, background, rect, colour):
    """Save a ``size`` (width, height) picture: ``background`` with ``rect`` filled in ``colour``."""
    image = QImage(*size, image_format)
    image.fill(background)
    painter = QPainter(image)
    painter.fillRect(*rect, colour)
    painter.end()
    assert image.save(str(path))
    return str(path)


def test_a_huge_image_is_shrunk_with_a_message_and_undo_brings_the_grid_back(page, tmp_path):
    # a 4000×4000 photo used to freeze the page for seconds on every edit
    page.load_image(picture(tmp_path / "photo.png", (2000, 1000), QImage.Format_Grayscale8, 0,
                            (1000, 0, 1000, 1000), Qt.white))
    data = page.data_panel.values()
    assert data.shape == (256, 512)
    assert data[:, :250].max() == 0 and data[:, 262:].min() == 1      # left black, right white
    assert page.plan.output_shape == (256, 512)
    assert page.message.isVisible()
    assert page.message.text() == ("photo.png is 2000×1000 pixels: shrunk to 512×256 (at most 512 "
                                   "on a side) so that every change redraws at once.")
    page.undo_stack.undo()
    np.testing.assert_array_equal(page.data_panel.values(), EDGE)


def test_a_long_thin_strip_is_shrunk_to_one_row_not_refused(page, tmp_path):
    # 10000×1 scaled to 512×0, and Qt then said "could not read an image (Unknown error)"
    page.load_image(picture(tmp_path / "strip.png", (10000, 1), QImage.Format_Grayscale8, 0,
                            (5000, 0, 5000, 1), Qt.white))
    data = page.data_panel.values()
    assert data.shape == (1, 512)
    assert data[0, :250].max() == 0 and data[0, 262:].min() == 1
    assert page.message.text().startswith("strip.png is 10000×1 pixels: shrunk to 512×1")


def test_a_picture_over_qts_memory_limit_says_it_is_too_large(page, tmp_path):
    path = picture(tmp_path / "giant.png", (2000, 1000), QImage.Format_Grayscale8, 0,
                   (0, 0, 1, 1), Qt.white)
    limit = QImageReader.allocationLimit()
    QImageReader.setAllocationLimit(4)              # MB: 1 million pixels (a giant's stand-in)
    try:
        page.load_image(path)
    finally:
        QImageReader.setAllocationLimit(limit)
    assert page.message.text() == ("giant.png is 2000×1000 pixels, too large to open (at most 1 "
                                   "million pixels): shrink it in an image editor first")
    np.testing.assert_array_equal(page.data_panel.values(), EDGE)


def test_a_transparent_background_reads_as_white(page, tmp_path):
    # a black mark on a transparent PNG used to load as all black
    page.load_image(picture(tmp_path / "mark.png", (20, 10), QImage.Format_ARGB32, Qt.transparent,
                            (5, 2, 4, 4), Qt.black))
    data = page.data_panel.values()
    assert data.shape == (10, 20)
    assert data[2:6, 5:9].max() == 0 and data.sum() == 20 * 10 - 16


def test_digit_preset_reads_the_bundled_dataset(page):
    choose(page.data_panel.preset, "digit from MNIST")
    digit = page.data_panel.values()
    assert digit.shape in {(28, 28), (14, 14)}
    assert 0 <= digit.min() and digit.max() <= 1 and digit.max() > 0.5


def test_screenshot_state_is_midway(page):
    page.prepare_screenshot()
    filled = ~np.isnan(shown(page.output_map))
    assert 0 < filled.sum() < filled.size
    assert page.formula.text().startswith("<b>Output[")


def test_edit_menu_undo_and_redo_follow_the_page(qtbot):
    from cnn_explorer.gui.main_window import MainWindow

    window = MainWindow(pages=["conv2d"], restore_settings=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("conv2d")
    type_into(qtbot, page.kernel_panel.editor, 2, 2, "3")
    assert window.named_actions["undo"].isEnabled()
    assert window.named_actions["undo"].text() == "&Undo Kernel: edit a value"
    window.named_actions["undo"].trigger()
    assert page.kernel_panel.values()[2, 2] == 1
    window.named_actions["redo"].trigger()
    assert page.kernel_panel.values()[2, 2] == 3


def test_moving_the_centre_is_undoable_and_undoing_a_resize_restores_it(qtbot, page):
    click_cell(qtbot, page.kernel_panel.editor, 0, 0, Qt.ControlModifier)
    assert page.anchor() == (0, 0) and page.plan.pads == ((0, 2), (0, 2))
    assert page.undo_stack.undoText() == "Kernel: centre at row 0, column 0"
    page.undo_stack.undo()
    assert page.anchor() == (1, 1) and page.plan.pads == ((1, 1), (1, 1))
    assert page.centre_label.text().startswith("Centre (dotted): row 1, column 1")
    page.undo_stack.redo()
    assert page.anchor() == (0, 0)
    page.kernel_panel.size_spins[0].setValue(5)          # a resize resets the centre to the middle
    assert page.kernel_panel.values().shape == (5, 3) and page.anchor() == (2, 1)
    page.undo_stack.undo()
    assert page.kernel_panel.values().shape == (3, 3) and page.anchor() == (0, 0)
    np.testing.assert_array_equal(page.plan.output, ops.conv2d(
        EDGE, page.kernel_panel.values(), padding="same", anchor=(0, 0)))
