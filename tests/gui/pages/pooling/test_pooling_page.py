"""The pooling page, driven as a student would: kinds, stepping, the conv → ReLU → pool pipeline,
the one-pixel shift, undo and bad input."""

import numpy as np
import pytest
from explorer_helpers import open_page, paste_into
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from cnn_explorer.core import ops
from cnn_explorer.core.kernels import PRESETS, gaussian_weights
from cnn_explorer.core.shift import DIRECTIONS, compare_shift, shift_by_one
from cnn_explorer.gui.main_window import MainWindow
from cnn_explorer.gui.pages.pooling.pooling_page import PoolingPage


# -- the shift measurement (Qt-free) -----------------------------------------------------------
@pytest.mark.parametrize("direction", list(DIRECTIONS))
def test_shift_by_one_moves_the_content_and_fills_the_new_edge_with_zero(direction):
    x = np.arange(1, 13, dtype=float).reshape(3, 4)
    out = shift_by_one(x, direction)
    expected = {"right": np.c_[np.zeros(3), x[:, :-1]], "left": np.c_[x[:, 1:], np.zeros(3)],
                "down": np.r_[np.zeros((1, 4)), x[:-1]], "up": np.r_[x[1:], np.zeros((1, 4))]}
    np.testing.assert_array_equal(out, expected[direction])


def test_shift_rejects_an_unknown_direction():
    with pytest.raises(ValueError, match="unknown shift direction"):
        shift_by_one(np.ones((2, 2)), "sideways")


def test_max_pooling_absorbs_a_shift_inside_its_windows():
    # a vertical line in column 2; 2×2 max windows cover columns (0, 1), (2, 3)
    x = np.zeros((4, 4))
    x[:, 2] = 2.0

    def pool(a):  # 2×2 max pooling, written out as the oracle
        return a.reshape(2, 2, 2, 2).max(axis=(1, 3))

    right = compare_shift(x, "right", pool)
    assert (right.input_count, right.input_changed.size) == (8, 16)   # columns 2 and 3 changed
    assert (right.pooled_count, right.pooled_share) == (0, 0.0)        # the line stays in window 1
    left = compare_shift(x, "left", pool)
    assert left.input_share == 0.5
    assert left.pooled_count == 4                                      # it crosses into window 0


# -- the page ----------------------------------------------------------------------------------


@pytest.fixture
def page(qtbot):
    return open_page(qtbot, PoolingPage, size=(1200, 780))


def load(page, name, shape=None):
    """Pick a preset in the Preset combo as a user would."""
    if shape is not None:
        page.rows.setValue(shape[0])
        page.cols.setValue(shape[1])
    index = page.presets.findData(name)
    page.presets.setCurrentIndex(index)
    page.presets.activated.emit(index)


def shown(view):
    """The numbers a heat map shows (NaN where a cell is still empty)."""
    return view.values().astype(float)


def winner_cells(view):
    return view._path_cells(view._winner)


def naive_windows(x, size, stride):
    """(row, col) of each window's top-left, raster order: the oracle for the outline."""
    (kh, kw), (sh, sw) = size, stride
    return [(i, j) for i in range(0, x.shape[0] - kh + 1, sh) for j in range(0, x.shape[1] - kw + 1, sw)]


def test_max_pooling_steps_write_cells_outline_the_window_and_mark_the_first_winner(page, qtbot):
    load(page, "checkerboard", (6, 6))
    grid = page.editor.values()
    expected = ops.pool2d(grid, 2)
    assert page.options.kind.currentData() == "max"
    for _ in range(3):
        qtbot.mouseClick(page.stepper.forward_button, Qt.LeftButton)
    assert page.stepper.step() == 3
    out = shown(page.out_view)
    np.testing.assert_array_equal(out.ravel()[:4], expected.ravel()[:4])
    assert np.isnan(out.ravel()[4:]).all()
    top, left = naive_windows(grid, (2, 2), (2, 2))[3]                 # output[1, 0]
    assert sorted(page.input_view.window_cells()) == [(top + a, left + b) for a in (0, 1) for b in (0, 1)]
    window = grid[top:top + 2, left:left + 2]
    first = np.unravel_index(np.argmax(window), window.shape)          # first occurrence on ties
    assert winner_cells(page.input_view) == [(top + first[0], left + first[1])]
    text = page.formula.text()
    assert text.startswith("<b>Output[1, 0]</b> = max(") and "winner (red)" in text


KIND_FORMULA = {"max": "max(", "avg": "/ 4", "l2": "√(", "weighted": "·", "global_max": "max(",
                "global_avg": "/ 36"}


@pytest.mark.parametrize("kind", list(KIND_FORMULA))
def test_each_kind_fills_the_output_with_the_core_values(page, kind):
    load(page, "random", (6, 6))
    page.options.set_kind(kind)
    grid = page.editor.values()
    weights = gaussian_weights((2, 2)) if kind == "weighted" else None
    expected = ops.pool2d(grid, 2, kind=kind, weights=weights)
    assert page.weights.isVisible() == (kind == "weighted")
    assert KIND_FORMULA[kind] in page.formula.text()
    assert (winner_cells(page.input_view) != []) == (kind in ("max", "global_max"))
    page.stepper.to_end()
    np.testing.assert_allclose(shown(page.out_view), expected, rtol=1e-6)
    assert page.out_view.title.text() == f"Output {expected.shape[0]} × {expected.shape[1]}"


def test_padding_note_changes_with_the_kind(page):
    page.options.set_kind("max")
    assert "−∞" in page.options.note.text()
    page.options.set_kind("avg")
    assert "divisor" in page.options.note.text()


def test_size_panel_counts_cells_and_the_reduction(page):
    load(page, "checkerboard", (6, 8))
    text = page.size_panel.summary.text()
    assert "6 × 8 = 48 cells" in text and "3 × 4 = 12 cells" in text and "4× fewer" in text
    assert "columns: ⌊(8 + 0 + 0 − 2) / 2⌋ + 1 = 4" in page.size_panel.formula.text()
    page.options.size_rows.setValue(3)
    page.options.ceil_mode.setChecked(True)
    assert "rows: ⌈(6 + 0 + 0 − 3) / 3⌉ + 1 = 2" in page.size_panel.formula.text()


def test_conv_output_through_relu_is_pooled(page, rng):
    feature_map = rng.normal(size=(9, 7))
    page.set_conv_output(feature_map)
    page.source.setCurrentIndex(page.source.findData("conv2d"))
    assert not page.editor.isVisible() and "9 × 7" in page.conv_info.text()
    page.relu.setChecked(True)
    page.options.set_kind("max")
    page.stepper.to_end()
    np.testing.assert_allclose(shown(page.out_view), ops.pool2d(np.maximum(feature_map, 0), 2),
                               rtol=1e-6)
    changed = feature_map + 1.0                                     # the conv page changed
    page.set_conv_output(changed)
    page.stepper.to_end()
    np.testing.assert_allclose(shown(page.out_view), ops.pool2d(np.maximum(changed, 0), 2), rtol=1e-6)


def test_conv_source_without_output_says_so_and_keeps_the_grid(page):
    before = shown(page.input_view).copy()
    page.source.setCurrentIndex(page.source.findData("conv2d"))
    assert page.message.isVisible() and "no output yet" in page.message.text()
    np.testing.assert_array_equal(shown(page.input_view), before)


def test_shift_counts_changed_cells_before_and_after_pooling(page):
    load(page, "checkerboard", (6, 6))
    page.shift_panel.direction.setCurrentIndex(page.shift_panel.direction.findData("right"))
    page.shift_panel.toggle.setChecked(True)
    # the 2×2 blocks move one column: 14 of 36 input cells change, 3 of 9 maxima
    assert "14 of 36</b> cells changed (<b>39%" in page.shift_panel.input_count.text()
    assert "3 of 9</b> cells changed (<b>33%" in page.shift_panel.pooled_count.text()
    np.testing.assert_array_equal(shown(page.shift_panel.before), ops.pool2d(checker6(), 2))
    np.testing.assert_array_equal(shown(page.shift_panel.after), [[0, 1, 1], [1, 1, 1], [0, 1, 1]])
    assert sorted(page.shift_panel.after.hover_cells()) == [(0, 2), (1, 1), (2, 2)]
    # the page pools the shifted input
    np.testing.assert_array_equal(shown(page.input_view)[:, 0], 0)
    page.shift_panel.toggle.setChecked(False)
    assert page.shift_panel.stack.currentIndex() == 0


def checker6():
    rows, cols = np.indices((6, 6))
    return ((rows // 2 + cols // 2) % 2).astype(float)


def test_bad_input_is_refused_marked_and_explained(page):
    before = page.editor.values()
    page.editor.item(0, 0).setText("abc")
    assert page.editor.values()[0, 0] == before[0, 0]
    assert page.editor.cell_is_marked_bad(0, 0)
    assert page.message.isVisible() and "not a number" in page.message.text()


def test_cell_edits_and_presets_undo_and_redo(page):
    before = page.editor.values()
    page.editor.item(0, 0).setText("7")
    assert page.editor.values()[0, 0] == 7
    assert shown(page.input_view)[0, 0] == 7
    load(page, "checkerboard", (4, 4))
    assert page.editor.values().shape == (4, 4)
    page.undo_stack.undo()
    page.undo_stack.undo()                                             # the resize before the preset
    assert page.editor.values()[0, 0] == 7
    page.undo_stack.undo()
    page.undo_stack.undo()
    np.testing.assert_array_equal(page.editor.values(), before)
    page.undo_stack.redo()
    assert page.editor.values()[0, 0] == 7


def test_relu_source_and_shift_changes_are_undone_before_the_edit_under_them(page):
    # Ctrl+Z after ticking ReLU used to undo the typed cell before it and leave ReLU on
    page.editor.item(0, 0).setText("-7")
    page.relu.setChecked(True)
    page.stepper.to_end()
    assert shown(page.input_view)[0, 0] == 0 and page.undo_stack.undoText() == "ReLU first: on"
    page.undo_stack.undo()
    assert not page.relu.isChecked()
    assert page.editor.values()[0, 0] == -7 and shown(page.input_view)[0, 0] == -7
    page.source.setCurrentIndex(page.source.findData("conv2d"))
    assert not page.editor.isVisible()
    page.undo_stack.undo()
    assert page.source.currentData() == "grid" and page.editor.isVisible()
    assert page.editor.values()[0, 0] == -7 and shown(page.input_view)[0, 0] == -7
    page.undo_stack.redo()
    assert page.source.currentData() == "conv2d" and "no output" in page.message.text()
    page.undo_stack.undo()
    page.shift_panel.toggle.setChecked(True)
    page.shift_panel.direction.setCurrentIndex(page.shift_panel.direction.findData("down"))
    assert page.input_view.title.text().endswith("shifted down by one pixel")
    page.undo_stack.undo()
    assert page.shift_panel.direction_key() == "right" and page.shift_panel.is_on()
    page.undo_stack.undo()
    assert not page.shift_panel.is_on() and page.shift_panel.stack.currentIndex() == 0
    assert page.editor.values()[0, 0] == -7 and page.input_view.title.text() == "Input 6 × 6"


def test_weighted_pooling_uses_the_edited_weights(page):
    load(page, "random", (6, 6))
    page.options.set_kind("weighted")
    page.options.size_rows.setValue(3)
    page.options.size_cols.setValue(3)
    np.testing.assert_allclose(page.weights.values() * 16, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    page.weights.editor.item(1, 1).setText("1")
    weights = page.weights.values()
    assert weights[1, 1] == 1
    page.stepper.to_end()
    np.testing.assert_allclose(shown(page.out_view),
                               ops.pool2d(page.editor.values(), 3, kind="weighted", weights=weights),
                               rtol=1e-6)
    page.undo_stack.undo()
    np.testing.assert_allclose(page.weights.values() * 16, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


def test_option_changes_are_undoable_and_bring_the_weights_back(page):
    page.options.set_kind("weighted")
    page.weights.editor.item(0, 0).setText("3")
    custom = page.weights.values()
    page.options.size_rows.setValue(3)
    page.options.size_cols.setValue(3)
    np.testing.assert_allclose(page.weights.values() * 16, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    # Ctrl+Z after a window change used to undo the edit before it (and lost custom weights)
    assert page.undo_stack.undoText() == "Pooling options"
    page.undo_stack.undo()
    assert page.state.size == (3, 2) and page.weights.values().shape == (3, 2)
    page.undo_stack.undo()
    assert page.state.size == (2, 2)
    np.testing.assert_array_equal(page.weights.values(), custom)
    assert page.plan.output_shape == (3, 3) and page.plan.kind == "weighted"
    page.undo_stack.undo()                                   # the weight typed
    page.undo_stack.undo()                                   # the kind
    assert page.state.kind == "max" and page.weights.isHidden()
    page.undo_stack.redo()
    assert page.state.kind == "weighted" and page.plan.kind == "weighted"


def test_in_a_short_window_the_grids_stay_above_the_size_panel(page, qtbot):
    page.resize(1024, 633)                      # the page's room in a 1024×700 main window
    # wrapping grid titles once made the grids ignore their minimum height and overlap it
    qtbot.waitUntil(lambda: page.input_view.geometry().bottom()
                    < page.size_panel.geometry().top(), timeout=2000)
    # the message line the stepping pages now reserve takes some of the 633 pixels
    assert page.input_view.height() >= max(page.input_view.minimumHeight(), 260)


def test_in_the_smallest_main_window_with_the_shift_on_nothing_overlaps(qtbot):
    # 300-pixel grids were squeezed to 246 and drawn over the Size panel at 1024×705
    window = MainWindow(restore_settings=False)
    qtbot.addWidget(window)
    window.resize(1024, 705)
    window.show()
    page = window.show_page("pooling")
    page.prepare_screenshot()   # the shift experiment on, a step in the middle
    qtbot.waitExposed(window)
    for _ in range(3):   # let every nested layout settle (each pass may post the next request)
        QApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        QApplication.processEvents()
    assert window.height() == 705
    assert page.input_view.geometry().bottom() < page.size_panel.geometry().top()
    assert page.size_panel.geometry().bottom() < page.shift_panel.geometry().top()
    assert page.input_view.height() >= page.input_view.minimumHeight()
    # the shift panel's sentences keep their own lines (squeezed, they were drawn over each other)
    words = [page.shift_panel.pooled_count, page.shift_panel.tolerance, page.shift_panel.verdict]
    for upper, lower in zip(words, words[1:]):
        assert upper.geometry().bottom() < lower.geometry().top()
        assert upper.height() >= upper.heightForWidth(upper.width())


def test_pasted_grid_and_weights_replace_them_undoably(page, qtbot):
    grid = np.arange(20.0).reshape(4, 5)
    paste_into(qtbot, page.editor, "\n".join("\t".join(str(v) for v in row) for row in grid))
    np.testing.assert_array_equal(page.editor.values(), grid)
    assert (page.rows.value(), page.cols.value()) == (4, 5)
    page.stepper.to_end()
    np.testing.assert_array_equal(shown(page.out_view), ops.pool2d(grid, 2, kind="max"))
    page.options.set_kind("weighted")
    paste_into(qtbot, page.weights.editor, "0 1 0\n1 2 1\n0 1 0")
    assert page.state.size == (3, 3)                      # the window follows
    paste_into(qtbot, page.editor, " ".join(["1"] * 17))
    assert page.message.text() == ("Input: nothing pasted: pasted 1×17 values, but the input grid "
                                   "can be at most 16×16")
    np.testing.assert_array_equal(page.editor.values(), grid)
    page.undo_stack.undo()
    assert page.state.size == (2, 2)
    page.undo_stack.undo()
    page.undo_stack.undo()
    assert page.editor.values().shape == (6, 6)


def test_screenshot_state_is_partway_with_the_shift_on(page):
    page.prepare_screenshot()
    assert 0 < page.stepper.step() < page.stepper.count() - 1
    assert page.shift_panel.is_on() and page.shift_panel.stack.currentIndex() == 1


def test_the_convolution_2d_output_feeds_the_pooling_page(qtbot):
    window = MainWindow(pages=["conv2d", "pooling"], restore_settings=False)
    qtbot.addWidget(window)
    conv, pooling = window.pages["conv2d"], window.pages["pooling"]
    assert hasattr(conv, "current_output"), "the Convolution 2D page could not be built"
    pooling.source.setCurrentIndex(pooling.source.findData("conv2d"))
    pooling.stepper.to_end()
    np.testing.assert_allclose(shown(pooling.out_view), ops.pool2d(conv.current_output(), 2),
                               rtol=1e-6)
    first = conv.current_output()
    conv.set_kernel(np.array(PRESETS["sobel x"].values) * -1)           # the student edits conv2d
    assert not np.allclose(conv.current_output(), first)
    pooling.relu.setChecked(True)
    pooling.stepper.to_end()
    expected = ops.pool2d(np.maximum(conv.current_output(), 0), 2)
    np.testing.assert_allclose(shown(pooling.out_view), expected, rtol=1e-6)


def test_keyboard_picks_the_kind_and_steps(page, qtbot):
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.out_view.setFocus()
    qtbot.keyClick(page.out_view, Qt.Key_2, Qt.AltModifier)
    assert page.options.kind.currentData() == "avg"
    qtbot.keyClick(page.out_view, Qt.Key_Right)
    qtbot.keyClick(page.out_view, Qt.Key_Right)
    assert page.stepper.step() == 2
    assert page.formula.text().startswith("<b>Output[0, 2]</b> = (")
    qtbot.keyClick(page.out_view, Qt.Key_6, Qt.AltModifier)
    assert page.options.kind.currentData() == "global_avg"


def test_hovering_links_an_output_cell_and_its_window(page):
    load(page, "checkerboard", (6, 6))
    page.out_view.sigCellHovered.emit(1, 2)
    assert sorted(page.input_view.hover_cells()) == [(2, 4), (2, 5), (3, 4), (3, 5)]
    page.input_view.sigCellHovered.emit(5, 0)
    assert page.out_view.hover_cells() == [(2, 0)]
    page.input_view.sigCellHovered.emit(-1, -1)
    assert page.out_view.hover_cells() == []


def test_an_impossible_option_is_explained_and_the_last_output_stays(page):
    page.stepper.to_end()
    before = shown(page.out_view).copy()
    page.options.pad_rows.setValue(2)                                 # as wide as the 2×2 window
    assert page.message.isVisible() and "padding 2" in page.message.text()
    np.testing.assert_array_equal(shown(page.out_view), before)
    page.options.pad_rows.setValue(1)
    assert not page.message.isVisible()
    assert page.out_view.title.text() == "Output 4 × 3"


def test_typing_a_grid_size_resizes_once_and_keeps_the_values(page, qtbot):
    before = page.editor.values()
    count = page.undo_stack.count()
    page.rows.lineEdit().selectAll()
    qtbot.keyClicks(page.rows, "12")
    qtbot.keyClick(page.rows, Qt.Key_Return)
    assert page.editor.values().shape == (12, 6)
    np.testing.assert_array_equal(page.editor.values()[:6], before)
    assert page.undo_stack.count() == count + 1


def _active_window_on_pooling(qtbot):
    """The main window on the Pooling page, active: shortcuts fire in the active window only."""
    window = MainWindow(pages=["conv2d", "pooling"], restore_settings=False)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("pooling")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    return window, page


def test_ctrl_z_in_the_window_size_box_undoes_it_through_the_edit_menu(qtbot):
    _, page = _active_window_on_pooling(qtbot)
    rows = page.options.size_rows
    rows.setFocus()
    qtbot.keyClick(rows, Qt.Key_Up)                 # the box keeps the focus, as after a click
    assert page.out_view.title.text() == "Output 2 × 3"
    qtbot.keySequence(rows, QKeySequence.Undo)
    assert rows.value() == 2 and page.out_view.title.text() == "Output 3 × 3"
    qtbot.keySequence(rows, QKeySequence("Ctrl+Shift+Z"))
    assert rows.value() == 3 and page.out_view.title.text() == "Output 2 × 3"


def _mnemonic(text):
    """The letter after a single '&' in a label (Alt+letter), or None."""
    cleaned = text.replace("&&", "")
    return cleaned[cleaned.index("&") + 1].lower() if "&" in cleaned else None


def test_the_alt_keys_are_the_pages_own_and_the_shift_one_toggles_it(qtbot):
    window, page = _active_window_on_pooling(qtbot)
    menus = [_mnemonic(a.text()) for a in window.menuBar().actions()]
    page_keys = [_mnemonic(w.text()) for w in page.findChildren(QAbstractButton)
                 + page.findChildren(QLabel)]
    page_keys = [k for k in page_keys if k]
    # Alt+H opened neither the Help menu nor the shift (it only focused the check box), Alt+E
    # focused the preset instead of opening the Edit menu
    assert not set(page_keys) & set(menus), sorted(set(page_keys) & set(menus))
    assert len(page_keys) == len(set(page_keys)), sorted(page_keys)
    toggle = page.shift_panel.toggle
    assert "(Alt+I)" in toggle.toolTip() and _mnemonic(toggle.text()) == "i"
    page.stepper.setFocus()
    qtbot.keyClick(page.stepper, Qt.Key_I, Qt.AltModifier)
    qtbot.waitUntil(toggle.isChecked, timeout=2000)
    assert page.shift_panel.stack.currentIndex() == 1     # the comparison is on screen


def test_on_a_blurred_input_the_shift_panel_says_pooling_did_not_help_and_why(page, qtbot):
    # 62% of pooled cells changed against 57% unpooled on a blurred map, and nothing explained it
    from scipy.ndimage import gaussian_filter
    checker8 = np.kron(np.indices((4, 4)).sum(0) % 2, np.ones((2, 2)))
    blurred = np.round(gaussian_filter(checker8, 1.0), 3)
    paste_into(qtbot, page.editor, "\n".join("\t".join(str(v) for v in row) for row in blurred))
    np.testing.assert_array_equal(page.editor.values(), blurred)
    page.options.set_kind("avg")
    page.shift_panel.toggle.setChecked(True)
    panel = page.shift_panel
    assert "mean change" in panel.input_count.text() and "mean change" in panel.pooled_count.text()
    assert "more than" in panel.tolerance.text() and "5% of the map's largest" in panel.tolerance.text()
    assert panel.verdict.text().startswith("Pooling did not help here:")
    assert "the map is smooth (blurred)" in panel.verdict.text()
    page.options.set_kind("max")
    assert panel.verdict.text().startswith("Pooling helped")


def test_the_same_input_keeps_its_colours_between_max_and_l2(page):
    # the input was recoloured when the kind changed (L2's larger outputs widened the scale)
    load(page, "checkerboard", (6, 6))
    page.options.set_kind("max")
    def far_corner_colour():        # a cell far from the first window and its outline
        image = page.input_view.grab().toImage()
        return image.pixelColor(image.width() - 80, image.height() - 60)
    levels, colour = page.input_view.levels(), far_corner_colour()
    page.options.set_kind("l2")
    assert page.plan.output.max() == 2.0                       # L2 of four ones
    assert page.input_view.levels() == levels == page.out_view.levels()
    assert far_corner_colour() == colour


def test_a_first_run_hint_says_what_to_do_and_goes_away_when_done(page, qtbot):
    assert page.hint.isVisible() and "Press Play or →" in page.hint.label.text()
    qtbot.mouseClick(page.stepper.forward_button, Qt.LeftButton)
    assert not page.hint.isVisible()
    again = PoolingPage()
    qtbot.addWidget(again)
    assert again.hint.isHidden()                          # dismissed for good


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_at_both_window_sizes_nothing_is_clipped_and_room_is_used(qtbot, size):
    from explorer_helpers import settle_layouts, widgets_outside_their_parents
    window = MainWindow(restore_settings=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    page = window.show_page("pooling")
    page.prepare_screenshot()
    qtbot.waitExposed(window)
    settle_layouts()
    assert widgets_outside_their_parents(page) == []
    assert page.input_view.geometry().bottom() < page.size_panel.geometry().top()
    assert page.size_panel.geometry().bottom() < page.shift_panel.geometry().top()
    if size == (1600, 1000):        # the extra room goes to the grids
        assert page.input_view.height() >= 380
